package securebucket_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

func auditOpts() *securebucket.AuditOptions {
	return &securebucket.AuditOptions{AccountID: account, Retry: fastRetry}
}

func statuses(rep *securebucket.Report) map[securebucket.Control]securebucket.Status {
	out := map[securebucket.Control]securebucket.Status{}
	for _, r := range rep.Results {
		out[r.Control] = r.Status
	}
	return out
}

func TestAuditLegacyThenHardened(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "old-bucket", s3fake.StateLegacy)
	rep, err := securebucket.Audit(t.Context(), c, "old-bucket", auditOpts())
	require.NoError(t, err)
	assert.Equal(t, map[securebucket.Control]securebucket.Status{
		securebucket.ControlPublicRead: securebucket.StatusPass, securebucket.ControlPublicWrite: securebucket.StatusPass,
		securebucket.ControlTLSOnly: securebucket.StatusFail, securebucket.ControlOutdatedTLS: securebucket.StatusFail,
		securebucket.ControlCrossAccount: securebucket.StatusPass, securebucket.ControlBucketBPA: securebucket.StatusFail,
		securebucket.ControlACLs: securebucket.StatusFail, securebucket.ControlSSECBlocked: securebucket.StatusFail,
		securebucket.ControlVersioning: securebucket.StatusFail, securebucket.ControlLifecycle: securebucket.StatusFail,
		securebucket.ControlVersionedLifecycle: securebucket.StatusNotApplicable, securebucket.ControlServicePrincipal: securebucket.StatusNotApplicable,
	}, statuses(rep))
	assert.True(t, rep.Failed())
	for _, r := range rep.Results {
		assert.NotEmpty(t, r.Title, r.Control)
		assert.NotEmpty(t, r.Severity, r.Control)
		assert.NotEmpty(t, r.Message, r.Control)
		assert.Equal(t, "old-bucket", r.Bucket)
	}
	r, ok := rep.Result(securebucket.ControlTLSOnly)
	require.True(t, ok)
	assert.Equal(t, "2.1.1", r.CIS)
	assert.Equal(t, "MEDIUM", r.Severity)

	_, err = securebucket.Harden(t.Context(), c, "old-bucket", opts())
	require.NoError(t, err)
	rep, err = securebucket.Audit(t.Context(), c, "old-bucket", auditOpts())
	require.NoError(t, err)
	for _, r := range rep.Results {
		assert.Contains(t, []securebucket.Status{securebucket.StatusPass}, r.Status, "%s: %s", r.Control, r.Message)
	}
	assert.False(t, rep.Failed())
}

func TestAuditPublicAccess(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "pub-policy", s3fake.StateLegacy)
	bucketIn(t, f, "pub-acl", s3fake.StateLegacy)
	putPolicy(t, c, "pub-policy", fmtPolicy(publicReadPolicy, "pub-policy"))
	_, err := c.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String("pub-acl"), ACL: types.BucketCannedACLPublicReadWrite})
	require.NoError(t, err)

	rep, err := securebucket.Audit(t.Context(), c, "pub-policy", auditOpts())
	require.NoError(t, err)
	r, _ := rep.Result(securebucket.ControlPublicRead)
	assert.Equal(t, securebucket.StatusFail, r.Status)
	assert.Contains(t, r.Message, `"PublicRead"`)
	assert.Equal(t, "CRITICAL", r.Severity)
	r, _ = rep.Result(securebucket.ControlPublicWrite)
	assert.Equal(t, securebucket.StatusPass, r.Status)

	rep, err = securebucket.Audit(t.Context(), c, "pub-acl", auditOpts())
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlPublicRead])
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlPublicWrite])
	r, _ = rep.Result(securebucket.ControlACLs)
	assert.Contains(t, r.Message, "AllUsers")

	// Block Public Access on the bucket neutralises both (the statement
	// stays, as Harden keeps it).
	o := opts()
	o.AllowACLGrantRemoval = true
	for _, b := range []string{"pub-policy", "pub-acl"} {
		_, err = securebucket.Harden(t.Context(), c, b, o)
		require.NoError(t, err)
		rep, err = securebucket.Audit(t.Context(), c, b, auditOpts())
		require.NoError(t, err)
		st = statuses(rep)
		assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlPublicRead], b)
		assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlPublicWrite], b)
	}
}

func TestAuditAccountBlockPublicAccess(t *testing.T) {
	f, c := startFake(t)
	ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: f.Server})
	bucketIn(t, f, "acct-bucket", s3fake.StateLegacy)
	putPolicy(t, c, "acct-bucket", fmtPolicy(publicReadPolicy, "acct-bucket"))
	ao := auditOpts()
	ao.AccountControl = ctl.Client()

	rep, err := securebucket.Audit(t.Context(), c, "acct-bucket", ao)
	require.NoError(t, err)
	require.Equal(t, securebucket.ControlAccountBPA, rep.Results[0].Control)
	assert.Equal(t, securebucket.StatusFail, rep.Results[0].Status)
	assert.Equal(t, securebucket.StatusFail, statuses(rep)[securebucket.ControlPublicRead])

	// Account-level BPA makes the bucket's public policy ineffective, even
	// though the bucket's own settings are off.
	f.SetAccountPublicAccessBlock(account, &s3fake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true})
	rep, err = securebucket.Audit(t.Context(), c, "acct-bucket", ao)
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlAccountBPA])
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlPublicRead])
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlBucketBPA], "S3.8 is about the bucket's own settings")

	// Unreadable account settings: S3.1 UNKNOWN, never PASS.
	ctl.SetFault("GetPublicAccessBlock", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	rep, err = securebucket.Audit(t.Context(), c, "acct-bucket", ao)
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusUnknown, rep.Results[0].Status)
	assert.Error(t, rep.Results[0].Err)
	assert.Equal(t, securebucket.StatusFail, statuses(rep)[securebucket.ControlPublicRead], "only the bucket's settings count now")
}

func TestAuditTLSOnlyForms(t *testing.T) {
	f, c := startFake(t)
	tests := []struct {
		name, stmt string
		want       securebucket.Status
	}{
		{"string false", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, securebucket.StatusPass},
		{"bool false, AWS star", `{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::%[1]s/*","arn:aws:s3:::%[1]s"],"Condition":{"Bool":{"aws:SecureTransport":false}}}`, securebucket.StatusPass},
		{"objects only", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::%[1]s/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, securebucket.StatusFail},
		{"get only", `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, securebucket.StatusFail},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fmt.Sprintf("tls-bucket-%d", i)
			bucketIn(t, f, b, s3fake.StateAWSDefault)
			putPolicy(t, c, b, `{"Version":"2012-10-17","Statement":[`+fmt.Sprintf(tt.stmt, b)+`]}`)
			rep, err := securebucket.Audit(t.Context(), c, b, &securebucket.AuditOptions{Controls: []securebucket.Control{securebucket.ControlTLSOnly}})
			require.NoError(t, err)
			require.Len(t, rep.Results, 1)
			assert.Equal(t, tt.want, rep.Results[0].Status, rep.Results[0].Message)
		})
	}
	// TLS version: 1.2 as a number and as a string.
	for i, v := range []string{`1.2`, `"1.2"`} {
		b := fmt.Sprintf("tlsv-bucket-%d", i)
		bucketIn(t, f, b, s3fake.StateAWSDefault)
		putPolicy(t, c, b, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":%[2]s}}}]}`, b, v))
		rep, err := securebucket.Audit(t.Context(), c, b, &securebucket.AuditOptions{Controls: []securebucket.Control{securebucket.ControlOutdatedTLS}})
		require.NoError(t, err)
		assert.Equal(t, securebucket.StatusPass, rep.Results[0].Status, v)
	}
}

func TestAuditCrossAccount(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "xacct-bucket", s3fake.StateAWSDefault)
	putPolicy(t, c, "xacct-bucket", `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Own","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::xacct-bucket"},
	 {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["s3:GetObject","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::xacct-bucket/*"}]}`)
	only := []securebucket.Control{securebucket.ControlCrossAccount}
	rep, err := securebucket.Audit(t.Context(), c, "xacct-bucket", &securebucket.AuditOptions{AccountID: account, Controls: only})
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusFail, rep.Results[0].Status)
	assert.Contains(t, rep.Results[0].Message, `"Partner" grants s3:PutObjectAcl to 444455556666`)
	assert.NotContains(t, rep.Results[0].Message, `"Own"`)
	assert.Equal(t, "HIGH", rep.Results[0].Severity)
}

// denyingAuthorizer refuses one operation to a user, allowing the rest.
func denyingAuthorizer(user string, ops ...string) s3fake.AuthorizeFunc {
	return func(ctx context.Context, req *s3fake.AccessRequest) error {
		if req.Principal.Name == user {
			for _, op := range ops {
				if req.Operation == op {
					return fmt.Errorf("denied")
				}
			}
		}
		return s3fake.OwnerOnlyAuthorize(ctx, req)
	}
}

func TestAuditUnknownWhenReadDenied(t *testing.T) {
	f, _ := startFake(t)
	bucketIn(t, f, "guarded-bucket", s3fake.StateLegacy)
	bucketIn(t, f, "guarded-default", s3fake.StateAWSDefault)
	cred := f.AddUser(account, "auditor")
	f.SetAuthorizer(denyingAuthorizer("auditor", "GetBucketPolicy", "GetBucketEncryption"))
	c := f.Client(cred)
	rep, err := securebucket.Audit(t.Context(), c, "guarded-bucket", auditOpts())
	require.NoError(t, err)
	st := statuses(rep)
	for _, ctl := range []securebucket.Control{securebucket.ControlTLSOnly, securebucket.ControlOutdatedTLS, securebucket.ControlCrossAccount, securebucket.ControlSSECBlocked, securebucket.ControlPublicRead, securebucket.ControlPublicWrite} {
		assert.Equal(t, securebucket.StatusUnknown, st[ctl], ctl)
		r, _ := rep.Result(ctl)
		assert.Error(t, r.Err, ctl)
		if ctl != securebucket.ControlPublicRead && ctl != securebucket.ControlPublicWrite {
			assert.Contains(t, r.Message, "AccessDenied", ctl)
		}
	}
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlBucketBPA])
	assert.True(t, rep.Failed(), "UNKNOWN blocks")

	// With all four bucket BPA settings on, the unreadable policy cannot
	// make the bucket public: S3.2/S3.3 pass on what was read.
	rep, err = securebucket.Audit(t.Context(), c, "guarded-default", auditOpts())
	require.NoError(t, err)
	st = statuses(rep)
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlPublicRead])
	assert.Equal(t, securebucket.StatusUnknown, st[securebucket.ControlTLSOnly])
}

func TestAuditAllControlsAndNotApplicable(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "full-bucket", s3fake.StateAWSDefault)
	_, err := securebucket.Harden(t.Context(), c, "full-bucket", opts())
	require.NoError(t, err)
	rep, err := securebucket.Audit(t.Context(), c, "full-bucket", &securebucket.AuditOptions{AccountID: account, Controls: securebucket.AllControls()})
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlLogging])
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlObjectLock])
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlKMS])
	assert.Equal(t, securebucket.StatusNotApplicable, st[securebucket.ControlMFADelete], "lifecycle rules exclude MFA delete")
	assert.Len(t, rep.Results, len(securebucket.AllControls()))
}

// listingClient adds a bucket that does not exist to ListBuckets.
type listingClient struct {
	*s3.Client
	extra string
}

func (l listingClient) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	out, err := l.Client.ListBuckets(ctx, in, optFns...)
	if err == nil {
		out.Buckets = append(out.Buckets, types.Bucket{Name: aws.String(l.extra)})
	}
	return out, err
}

func TestAuditAll(t *testing.T) {
	f, c := startFake(t)
	const n = 40
	for i := 0; i < n; i++ {
		state := s3fake.StateLegacy
		if i%2 == 0 {
			state = s3fake.StateAWSDefault
		}
		bucketIn(t, f, fmt.Sprintf("fleet-%02d", i), state)
	}
	for i := 0; i < n; i += 2 {
		_, err := securebucket.Harden(t.Context(), c, fmt.Sprintf("fleet-%02d", i), opts())
		require.NoError(t, err)
	}
	ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: f.Server})
	var calls atomic.Int32
	last := 0
	ao := auditOpts()
	ao.Concurrency = 4
	ao.AccountControl = ctl.Client()
	ao.Progress = func(p securebucket.Progress) {
		calls.Add(1)
		assert.Equal(t, last+1, p.Done, "progress is serialised and increasing")
		last = p.Done
		assert.Equal(t, n+1, p.Total)
	}
	fleet, err := securebucket.AuditAll(t.Context(), listingClient{Client: c, extra: "vanished-bucket"}, ao)
	require.NoError(t, err)
	assert.Equal(t, int32(n+1), calls.Load())
	require.Len(t, fleet.Account, 1)
	assert.Equal(t, securebucket.ControlAccountBPA, fleet.Account[0].Control)
	require.Len(t, fleet.Buckets, n+1)
	for _, b := range fleet.Buckets {
		if b.Bucket == "vanished-bucket" {
			require.Error(t, b.Err)
			var ae smithy.APIError
			require.ErrorAs(t, b.Err, &ae)
			assert.Equal(t, "NoSuchBucket", ae.ErrorCode())
			continue
		}
		require.NoError(t, b.Err)
		var i int
		_, _ = fmt.Sscanf(b.Bucket, "fleet-%02d", &i)
		assert.Equal(t, i%2 == 1, b.Failed(), b.Bucket)
		for _, r := range b.Results {
			assert.NotEqual(t, securebucket.ControlAccountBPA, r.Control, "S3.1 is reported once, in Account")
		}
	}
	assert.True(t, fleet.Failed())
}

func TestAuditAllLoggingTargetNotApplicable(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "aa-logs", s3fake.StateAWSDefault)
	bucketIn(t, f, "zz-source", s3fake.StateAWSDefault)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "aa-logs", TargetPrefix: "zz/"}
	_, err := securebucket.Harden(t.Context(), c, "zz-source", o)
	require.NoError(t, err)
	fleet, err := securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{AccountID: account, Controls: []securebucket.Control{securebucket.ControlLogging}})
	require.NoError(t, err)
	require.Len(t, fleet.Buckets, 2)
	assert.Equal(t, securebucket.StatusNotApplicable, fleet.Buckets[0].Results[0].Status, "aa-logs receives logs")
	assert.Equal(t, securebucket.StatusPass, fleet.Buckets[1].Results[0].Status, fleet.Buckets[1].Results[0].Message)
}

func TestAuditBucketInAnotherRegion(t *testing.T) {
	f, c := startFake(t)
	require.NoError(t, f.CreateBucketWith("far-bucket", &s3fake.BucketOptions{Region: "eu-west-1", State: s3fake.StateAWSDefault}))
	_, err := securebucket.Harden(t.Context(), c, "far-bucket", opts())
	require.NoError(t, err, "Harden follows S3 to the bucket's Region")
	rep, err := securebucket.Audit(t.Context(), c, "far-bucket", auditOpts())
	require.NoError(t, err)
	assert.False(t, rep.Failed(), "%+v", rep.Results)
	fleet, err := securebucket.AuditAll(t.Context(), c, auditOpts())
	require.NoError(t, err)
	require.Len(t, fleet.Buckets, 1)
	assert.False(t, fleet.Buckets[0].Failed(), "%+v", fleet.Buckets[0].Results)
}

// pagingClient serves ListBuckets in pages of two, as S3 does with
// max-buckets.
type pagingClient struct{ *s3.Client }

func (p pagingClient) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	out, err := p.Client.ListBuckets(ctx, &s3.ListBucketsInput{}, optFns...)
	if err != nil {
		return nil, err
	}
	start := 0
	if in.ContinuationToken != nil {
		_, _ = fmt.Sscanf(*in.ContinuationToken, "page-%d", &start)
	}
	end := min(start+2, len(out.Buckets))
	page := &s3.ListBucketsOutput{Buckets: out.Buckets[start:end]}
	if end < len(out.Buckets) {
		page.ContinuationToken = aws.String(fmt.Sprintf("page-%d", end))
	}
	return page, nil
}

func TestAuditAllFollowsPages(t *testing.T) {
	f, c := startFake(t)
	for i := 0; i < 5; i++ {
		bucketIn(t, f, fmt.Sprintf("page-bucket-%d", i), s3fake.StateAWSDefault)
	}
	fleet, err := securebucket.AuditAll(t.Context(), pagingClient{c}, auditOpts())
	require.NoError(t, err)
	assert.Len(t, fleet.Buckets, 5)
	assert.Equal(t, 3, f.Count("ListBuckets"))
}

func TestAuditAllListFailsAndCancel(t *testing.T) {
	f, c := startFake(t)
	for i := 0; i < 20; i++ {
		bucketIn(t, f, fmt.Sprintf("cancel-%02d", i), s3fake.StateAWSDefault)
	}
	f.InjectFault("ListBuckets", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
	_, err := securebucket.AuditAll(t.Context(), c, auditOpts())
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepListBuckets, se.Step)
	f.ClearFaults()

	// Cancelling after the first bucket stops the run with ctx's error and
	// the reports finished so far.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ao := auditOpts()
	ao.Concurrency = 1
	ao.Progress = func(p securebucket.Progress) {
		if p.Done == 1 {
			cancel()
		}
	}
	fleet, err := securebucket.AuditAll(ctx, c, ao)
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, fleet)
	assert.Less(t, len(fleet.Buckets), 20)
}
