package securebucket_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditServicePrincipalScoped: S3Secure.ServicePrincipalScoped fails an
// Allow to an AWS service principal that no aws:SourceArn,
// aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths condition ties
// to a named source (the confused deputy: the service acts
// for any AWS customer), naming each statement and principal, while
// S3.2, S3.3 and S3.6 pass the same policy; it passes scoped grants and
// Deny statements (they grant nothing), and does not apply without a
// bucket policy.
func TestAuditServicePrincipalScoped(t *testing.T) {
	const (
		oac      = `{"Sid":"OAC","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%[1]s/*"%[2]s}`
		cfArn    = `,"Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::` + account + `:distribution/EDFDVBD6EXAMPLE"}}`
		logs     = `{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/logs/*"%[2]s}`
		logsDocd = `,"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::source-bucket"},"StringEquals":{"aws:SourceAccount":"` + account + `"}}`
	)
	f, c := startFake(t)
	for i, tc := range []struct {
		name  string
		stmts []string // formats of bucket name, condition
		conds []string
		want  securebucket.Status
		says  []string
	}{
		{"CloudFront without SourceArn", []string{oac}, []string{""}, securebucket.StatusFail,
			[]string{`statement "OAC"`, "cloudfront.amazonaws.com", "any AWS customer"}},
		{"CloudFront with SourceArn (AWS's documented statement)", []string{oac}, []string{cfArn}, securebucket.StatusPass, nil},
		{"log delivery without source, by index", []string{oac, logs}, []string{cfArn, `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}`},
			securebucket.StatusFail, []string{"statement #1", "logging.s3.amazonaws.com"}},
		{"log delivery as AWS documents it", []string{logs}, []string{logsDocd}, securebucket.StatusPass, nil},
		{"SourceAccount only", []string{logs}, []string{`,"Condition":{"StringEquals":{"aws:SourceAccount":"` + account + `"}}`},
			securebucket.StatusPass, nil},
		// Another account's source passes, and the PASS does not call it the
		// owner's: an organization's log archive names the management
		// account's trail.
		{"another account's source", []string{logs}, []string{`,"Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}`},
			securebucket.StatusPass, []string{"names the source it acts for", "may be another account's"}},
		{"SourceOrgID", []string{logs}, []string{`,"Condition":{"StringEquals":{"aws:SourceOrgID":"o-a1b2c3d4e5"}}`}, securebucket.StatusPass, nil},
		{"negated SourceAccount does not scope", []string{logs}, []string{`,"Condition":{"StringNotEquals":{"aws:SourceAccount":"444455556666"}}`},
			securebucket.StatusFail, []string{"statement #0", "logging.s3.amazonaws.com"}},
		{"IfExists source holds without the key", []string{logs}, []string{`,"Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"` + account + `"}}`},
			securebucket.StatusFail, []string{"statement #0", "logging.s3.amazonaws.com"}},
		{"source ARN of any account's distribution", []string{oac}, []string{`,"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::*:distribution/*"}}`},
			securebucket.StatusFail, []string{`statement "OAC"`, "cloudfront.amazonaws.com"}},
		// Only an operator that compares the source with a value names it.
		// Null asks whether the key is there at all: "use either true (the
		// key doesn't exist — it is null) or false (the key exists and its
		// value is not null)" (IAM User Guide, Condition operator to check
		// existence of condition keys): false admits every source, true only
		// requests that carry none. A numeric comparison admits a range of
		// accounts.
		{"Null SourceAccount false: any source", []string{logs}, []string{`,"Condition":{"Null":{"aws:SourceAccount":"false"}}`},
			securebucket.StatusFail, []string{"statement #0", "logging.s3.amazonaws.com"}},
		{"Null SourceArn true: no source", []string{oac}, []string{`,"Condition":{"Null":{"aws:SourceArn":"true"}}`},
			securebucket.StatusFail, []string{`statement "OAC"`, "cloudfront.amazonaws.com"}},
		{"NumericGreaterThan SourceAccount: a range of accounts", []string{logs}, []string{`,"Condition":{"NumericGreaterThan":{"aws:SourceAccount":"0"}}`},
			securebucket.StatusFail, []string{"statement #0", "logging.s3.amazonaws.com"}},
		// A policy variable is replaced by the request's own value: the
		// source "equal to itself" is every source.
		{"SourceAccount equal to itself (policy variable)", []string{logs}, []string{`,"Condition":{"StringEquals":{"aws:SourceAccount":"${aws:SourceAccount}"}}`},
			securebucket.StatusFail, []string{"statement #0", "logging.s3.amazonaws.com"}},
		{"distributions of the owner's account", []string{oac}, []string{`,"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::` + account + `:distribution/*"}}`},
			securebucket.StatusPass, nil},
		{"two services, two statements", []string{
			`{"Sid":"Trail","Effect":"Allow","Principal":{"Service":["cloudtrail.amazonaws.com","config.amazonaws.com"]},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/AWSLogs/*"%[2]s}`,
			`{"Sid":"Delivery","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::%[1]s"%[2]s}`},
			[]string{"", ""}, securebucket.StatusFail,
			[]string{`statement "Trail"`, "cloudtrail.amazonaws.com", "config.amazonaws.com", `statement "Delivery"`, "delivery.logs.amazonaws.com"}},
		{"Deny to a service principal grants nothing", []string{
			`{"Sid":"NoCloudFrontWrites","Effect":"Deny","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%[1]s/*"%[2]s}`},
			[]string{""}, securebucket.StatusPass, nil},
		{"no service principal", []string{
			`{"Sid":"Own","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%[1]s/*"%[2]s}`},
			[]string{""}, securebucket.StatusPass, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := fmt.Sprintf("service-principal-%d", i)
			bucketIn(t, f, bucket, s3fake.StateAWSDefault)
			doc := `{"Version":"2012-10-17","Statement":[`
			for j, s := range tc.stmts {
				if j > 0 {
					doc += ","
				}
				doc += fmt.Sprintf(s, bucket, tc.conds[j])
			}
			putPolicy(t, c, bucket, doc+`]}`)
			rep, err := securebucket.Audit(t.Context(), c, bucket, &securebucket.AuditOptions{AccountID: account, Retry: fastRetry,
				Controls: []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite, securebucket.ControlCrossAccount,
					securebucket.ControlServicePrincipal}})
			require.NoError(t, err)
			st := statuses(rep)
			for _, ctl := range []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite, securebucket.ControlCrossAccount} {
				assert.Equal(t, securebucket.StatusPass, st[ctl], "%s: a service principal is not public", ctl)
			}
			r, ok := rep.Result(securebucket.ControlServicePrincipal)
			require.True(t, ok)
			assert.Equal(t, tc.want, r.Status, r.Message)
			for _, s := range tc.says {
				assert.Contains(t, r.Message, s)
			}
			assert.Equal(t, securebucket.SeverityHigh, r.Severity)
			assert.Equal(t, tc.want == securebucket.StatusFail, rep.Failed())
		})
	}

	// A public statement naming a service principal beside everyone:
	// S3.2 fails it, and so does this control (anyone, the service acting
	// for any customer included, is granted).
	bucketIn(t, f, "service-public", s3fake.StateLegacy)
	putPolicy(t, c, "service-public", `{"Version":"2012-10-17","Statement":[{"Sid":"Both","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com","AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::service-public/*"}]}`)
	rep, err := securebucket.Audit(t.Context(), c, "service-public", &securebucket.AuditOptions{AccountID: account, Retry: fastRetry,
		Controls: []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlServicePrincipal}})
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlPublicRead])
	r, _ := rep.Result(securebucket.ControlServicePrincipal)
	assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)
	assert.Contains(t, r.Message, `statement "Both"`)
	assert.Contains(t, r.Message, "cloudfront.amazonaws.com")

	// No bucket policy.
	bucketIn(t, f, "service-none", s3fake.StateAWSDefault)
	rep, err = securebucket.Audit(t.Context(), c, "service-none", &securebucket.AuditOptions{AccountID: account, Retry: fastRetry,
		Controls: []securebucket.Control{securebucket.ControlServicePrincipal}})
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusNotApplicable, rep.Results[0].Status, rep.Results[0].Message)

	// The policy cannot be read: UNKNOWN, never PASS.
	bucketIn(t, f, "service-hidden", s3fake.StateAWSDefault)
	putPolicy(t, c, "service-hidden", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[`+oac+`]}`, "service-hidden", ""))
	cred := f.AddUser(account, "sp-auditor")
	f.SetAuthorizer(denyingAuthorizer("sp-auditor", "GetBucketPolicy"))
	rep, err = securebucket.Audit(t.Context(), f.Client(cred), "service-hidden", &securebucket.AuditOptions{AccountID: account, Retry: fastRetry,
		Controls: []securebucket.Control{securebucket.ControlServicePrincipal}})
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusUnknown, rep.Results[0].Status, rep.Results[0].Message)
	assert.Error(t, rep.Results[0].Err)
}

// TestServicePrincipalScopedAfterHarden: Harden's and Create's own statements pass the
// control: the server access log delivery grant it merges into the log
// target's policy carries aws:SourceArn and aws:SourceAccount, as AWS
// documents it, so both the hardened bucket and its log target pass
// (the default audit included), and no statement Harden writes names a
// service principal without them.
func TestServicePrincipalScopedAfterHarden(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "sp-logs", s3fake.StateAWSDefault)
	bucketIn(t, f, "sp-source", s3fake.StateLegacy)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "sp-logs", TargetPrefix: "sp-source/"}
	_, err := securebucket.Harden(t.Context(), c, "sp-source", o)
	require.NoError(t, err)
	o.Logging.TargetPrefix = "sp-created/"
	_, err = securebucket.Create(t.Context(), c, "sp-created", o)
	require.NoError(t, err)
	out, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("sp-logs")})
	require.NoError(t, err)
	require.Contains(t, aws.ToString(out.Policy), "logging.s3.amazonaws.com", "Harden granted log delivery in the target's policy")
	require.Contains(t, aws.ToString(out.Policy), "arn:aws:s3:::sp-created", "Create granted log delivery in the target's policy")
	for _, b := range []string{"sp-logs", "sp-source", "sp-created"} {
		rep, err := securebucket.Audit(t.Context(), c, b, &securebucket.AuditOptions{AccountID: account, Retry: fastRetry})
		require.NoError(t, err)
		r, ok := rep.Result(securebucket.ControlServicePrincipal)
		require.True(t, ok, "in the default controls")
		assert.Equal(t, securebucket.StatusPass, r.Status, "%s: %s", b, r.Message)
	}
}
