package securebucket_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

func TestHardenLogging(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "app-data", s3fake.StateAWSDefault)
	bucketIn(t, f, "app-logs", s3fake.StateAWSDefault)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "app-logs", TargetPrefix: "s3/app-data/"}
	res, err := securebucket.Harden(t.Context(), c, "app-data", o)
	require.NoError(t, err)
	st := stepOf(t, res.Steps, securebucket.StepLogging)
	assert.Equal(t, securebucket.ActionCreate, st.Action)
	assert.True(t, st.Applied)
	src, _ := f.Bucket("app-data")
	assert.Equal(t, "app-logs", src.LoggingTargetBucket)
	tgt, _ := f.Bucket("app-logs")
	doc, err := policy.Parse([]byte(tgt.Policy))
	require.NoError(t, err)
	require.Len(t, doc.Statements, 1)
	s := doc.Statements[0]
	assert.Equal(t, policy.Allow, s.Effect)
	assert.Equal(t, policy.Values{"logging.s3.amazonaws.com"}, s.Principal.Get(policy.PrincipalService))
	assert.Equal(t, policy.Values{"arn:aws:s3:::app-logs/s3/app-data/*"}, s.Resource)
	e, ok := s.Condition.Get("StringEquals", "aws:SourceAccount")
	require.True(t, ok)
	assert.Equal(t, []string{account}, e.Strings())
	e, ok = s.Condition.Get("ArnLike", "aws:SourceArn")
	require.True(t, ok)
	assert.Equal(t, []string{"arn:aws:s3:::app-data"}, e.Strings())
	assert.Equal(t, s3fake.ACL{}, s3fake.ACL{}) // no ACL grant is ever used: checked below
	assert.Len(t, tgt.ACL.Grants, 1, "target ACL still only the owner's grant")

	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "app-data", o)
	require.NoError(t, err)
	assert.Zero(t, f.WriteCount())
}

func TestHardenLoggingTargetChecks(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "src-bucket", s3fake.StateAWSDefault)
	require.NoError(t, f.CreateBucketWith("far-logs", &s3fake.BucketOptions{Region: "eu-west-1"}))
	require.NoError(t, f.CreateBucketWith("locked-logs", &s3fake.BucketOptions{ObjectLock: true}))
	_, err := c.PutObjectLockConfiguration(t.Context(), &s3.PutObjectLockConfigurationInput{Bucket: aws.String("locked-logs"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}})
	require.NoError(t, err)
	// S3 delivers no logs into a Requester Pays bucket (the user guide's
	// sentence is quoted at TestAuditLoggingTargetRequesterPays).
	bucketIn(t, f, "payer-logs", s3fake.StateAWSDefault)
	_, err = c.PutBucketRequestPayment(t.Context(), &s3.PutBucketRequestPaymentInput{Bucket: aws.String("payer-logs"),
		RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}})
	require.NoError(t, err)
	for target, want := range map[string]string{"far-logs": "eu-west-1", "locked-logs": "Object Lock", "payer-logs": "payer-logs is a Requester Pays bucket"} {
		f.ResetCounts()
		o := opts()
		o.Logging = &securebucket.Logging{TargetBucket: target}
		_, err := securebucket.Harden(t.Context(), c, "src-bucket", o)
		require.ErrorIs(t, err, securebucket.ErrIncompatible, target)
		var se *securebucket.StepError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, securebucket.StepLogging, se.Step)
		assert.Contains(t, err.Error(), want)
		assert.Zero(t, f.WriteCount(), "nothing written when the plan fails")
		_, err = securebucket.Plan(t.Context(), c, "src-bucket", o)
		require.ErrorIs(t, err, securebucket.ErrIncompatible, "the dry run refuses it too: %s", target)
	}
}

// A target that stops receiving logs after Harden configured logging into
// it (made Requester Pays, given a default retention) is refused on the
// next run too: Harden said "none" while the audit failed S3.9.
func TestHardenLoggingTargetBrokenLater(t *testing.T) {
	for name, breakIt := range map[string]func(t *testing.T, c *s3.Client){
		"requester pays": func(t *testing.T, c *s3.Client) {
			_, err := c.PutBucketRequestPayment(t.Context(), &s3.PutBucketRequestPaymentInput{Bucket: aws.String("later-logs"),
				RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}})
			require.NoError(t, err)
		},
		"default retention": func(t *testing.T, c *s3.Client) {
			_, err := c.PutObjectLockConfiguration(t.Context(), &s3.PutObjectLockConfigurationInput{Bucket: aws.String("later-logs"),
				ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
					Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}})
			require.NoError(t, err)
		},
	} {
		t.Run(name, func(t *testing.T) {
			f, c := startFake(t)
			bucketIn(t, f, "src-bucket", s3fake.StateAWSDefault)
			require.NoError(t, f.CreateBucketWith("later-logs", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, ObjectLock: true}))
			o := opts()
			o.Logging = &securebucket.Logging{TargetBucket: "later-logs", TargetPrefix: "src/"}
			_, err := securebucket.Harden(t.Context(), c, "src-bucket", o)
			require.NoError(t, err)
			res, err := securebucket.Harden(t.Context(), c, "src-bucket", o)
			require.NoError(t, err)
			assert.Equal(t, securebucket.ActionNone, stepOf(t, res.Steps, securebucket.StepLogging).Action, "a working target: nothing to do")

			breakIt(t, c)
			f.ResetCounts()
			_, err = securebucket.Harden(t.Context(), c, "src-bucket", o)
			require.ErrorIs(t, err, securebucket.ErrIncompatible)
			var se *securebucket.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, securebucket.StepLogging, se.Step)
			assert.Zero(t, f.WriteCount())
			ao := auditOpts()
			ao.Controls = []securebucket.Control{securebucket.ControlLogging}
			rep, err := securebucket.Audit(t.Context(), c, "src-bucket", ao)
			require.NoError(t, err)
			assert.Equal(t, securebucket.StatusFail, statuses(rep)[securebucket.ControlLogging], "the audit agrees")
		})
	}
}

func TestHardenObjectLockOnExistingBucket(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "vault-bucket", s3fake.StateLegacy)
	o := opts()
	o.ObjectLock = &securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Years: 1}
	res, err := securebucket.Harden(t.Context(), c, "vault-bucket", o)
	require.NoError(t, err)
	assert.Equal(t, securebucket.ActionCreate, stepOf(t, res.Steps, securebucket.StepObjectLock).Action)
	cfg, _ := f.Bucket("vault-bucket")
	assert.True(t, cfg.ObjectLockEnabled)
	// A weaker request later does not shorten the retention.
	o.ObjectLock = &securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeGovernance, Days: 1}
	f.ResetCounts()
	res, err = securebucket.Harden(t.Context(), c, "vault-bucket", o)
	require.NoError(t, err)
	st := stepOf(t, res.Steps, securebucket.StepObjectLock)
	assert.Equal(t, securebucket.ActionNone, st.Action)
	require.NotEmpty(t, st.Notes)
	assert.Contains(t, st.Notes[0], "weaker")
	assert.Zero(t, f.WriteCount())
	out, err := c.GetObjectLockConfiguration(t.Context(), &s3.GetObjectLockConfigurationInput{Bucket: aws.String("vault-bucket")})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockRetentionModeCompliance, out.ObjectLockConfiguration.Rule.DefaultRetention.Mode)
}

func TestHardenMFADelete(t *testing.T) {
	f, c := startFake(t)
	const serial = "arn:aws:iam::111122223333:mfa/root-account-mfa-device"
	f.SetMFADevice(serial, "123456")
	bucketIn(t, f, "mfa-bucket", s3fake.StateAWSDefault)
	o := opts()
	o.AllowNoLifecycleRule = true
	o.MFADelete = &securebucket.MFADelete{SerialNumber: serial, Code: "999999"}
	_, err := securebucket.Harden(t.Context(), c, "mfa-bucket", o)
	require.Error(t, err, "wrong code refused by S3")
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepMFADelete, se.Step)
	assert.NotContains(t, err.Error(), "999999", "the MFA code is not echoed")
	assert.Contains(t, err.Error(), "only the root user can enable MFA delete", "S3's AccessDenied gets the hint")

	// Any other error is said as it is: the hint would send the caller
	// looking for the root user over a malformed request or an outage.
	f.InjectFault("PutBucketVersioning", s3fake.Fault{StatusCode: 400, Code: "MalformedXML"})
	o.MFADelete.Code = "123456"
	_, err = securebucket.Harden(t.Context(), c, "mfa-bucket", o)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MalformedXML")
	assert.NotContains(t, err.Error(), "root user")
	f.ClearFaults()

	_, err = securebucket.Harden(t.Context(), c, "mfa-bucket", o)
	require.NoError(t, err)
	cfg, _ := f.Bucket("mfa-bucket")
	assert.Equal(t, "Enabled", cfg.MFADelete)
}

func TestHardenWrongOwnerRefused(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "sniped-bucket", s3fake.StateLegacy)
	o := opts()
	o.ExpectedBucketOwner = "444455556666"
	f.ResetCounts()
	_, err := securebucket.Harden(t.Context(), c, "sniped-bucket", o)
	require.Error(t, err)
	assert.Equal(t, 0, f.WriteCount(), "no write to a bucket of another owner")
}

// overwritingClient simulates another process that read the policy before
// our write and writes its own version (without our statements) right
// after it, once.
type overwritingClient struct {
	*s3.Client
	done bool
}

func (o *overwritingClient) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	out, err := o.Client.PutBucketPolicy(ctx, in, optFns...)
	if err == nil && !o.done {
		o.done = true
		_, err2 := o.Client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: in.Bucket,
			Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::` + aws.ToString(in.Bucket) + `"}]}`)})
		if err2 != nil {
			return nil, err2
		}
	}
	return out, err
}

func TestHardenPolicyVerifiedAfterWrite(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "raced-bucket", s3fake.StateAWSDefault)
	oc := &overwritingClient{Client: c}
	_, err := securebucket.Harden(t.Context(), oc, "raced-bucket", opts())
	require.NoError(t, err)
	require.True(t, oc.done)
	cfg, _ := f.Bucket("raced-bucket")
	assert.Equal(t, map[string]int{"Other": 1, policy.SidDenyInsecureTransport: 1, policy.SidDenyOutdatedTLS: 1}, countSids(t, cfg.Policy),
		"the other writer's statement kept and ours merged back in")
}

func TestHardenPolicyCheckGate(t *testing.T) {
	var checks atomic.Int32
	aa, aaClient := aafake.Start(t, &aafake.Options{
		CheckNoPublicAccess: func(doc, _ string) aafake.CheckResult {
			checks.Add(1)
			d, err := policy.Parse([]byte(doc))
			if err != nil || policy.IsPublic(d, policy.KindBucket).IsPublic {
				return aafake.CheckResult{Pass: false, Message: "The policy grants public access."}
			}
			return aafake.CheckResult{Pass: true}
		},
	})
	_ = aa
	gate := analyzer.NewGate(aaClient, &analyzer.GateOptions{AllowPublicCheckOnly: true})

	f, c := startFake(t)
	bucketIn(t, f, "gated-site", s3fake.StateLegacy)
	putPolicy(t, c, "gated-site", fmtPolicy(publicReadPolicy, "gated-site"))
	o := opts()
	o.PolicyCheck = gate
	f.ResetCounts()
	_, err := securebucket.Harden(t.Context(), c, "gated-site", o)
	require.ErrorIs(t, err, securebucket.ErrPolicyCheck)
	assert.ErrorIs(t, err, analyzer.ErrPublicAccess)
	assert.Zero(t, f.WriteCount(), "refused before any write")

	// Plan never calls the (billed) check.
	before := checks.Load()
	_, err = securebucket.Plan(t.Context(), c, "gated-site", o)
	require.NoError(t, err)
	assert.Equal(t, before, checks.Load())

	o.AllowPublicStatementRemoval = true
	_, err = securebucket.Harden(t.Context(), c, "gated-site", o)
	require.NoError(t, err)
	assertHardened(t, f, "gated-site")
}

// TestHardenStopsAnonymousRead is the quickstart's story on a fake that
// enforces policies, ACLs and Block Public Access with the policy
// evaluator: a public-read bucket serves anonymous readers until Harden,
// and keeps its owner's statement afterwards.
func TestHardenStopsAnonymousRead(t *testing.T) {
	f := s3fake.StartTLS(t, &s3fake.Options{Authorize: s3fake.NewPolicyAuthorizer(), IsPublicPolicy: s3fake.PolicyIsPublic})
	c := f.OwnerClient()
	bucketIn(t, f, "public-site", s3fake.StateLegacy)
	putPolicy(t, c, "public-site", fmtPolicy(publicReadPolicy, "public-site"))
	_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("public-site"), Key: aws.String("index.html"), Body: strings.NewReader("<h1>hi</h1>")})
	require.NoError(t, err)
	anon := f.AnonymousClient()
	get := func() error {
		_, err := anon.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("public-site"), Key: aws.String("index.html")})
		return err
	}
	require.NoError(t, get(), "public before hardening")

	_, err = securebucket.Harden(t.Context(), c, "public-site", opts())
	require.NoError(t, err)
	err = get()
	require.Error(t, err, "anonymous read refused after hardening")
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())
	cfg, _ := f.Bucket("public-site")
	assert.Contains(t, cfg.Policy, `"Sid":"PublicRead"`, "the owner's statement is still there")

	rep, err := securebucket.Audit(t.Context(), c, "public-site", &securebucket.AuditOptions{AccountID: account})
	require.NoError(t, err)
	assert.False(t, rep.Failed())
}

func TestHardenMFADeleteRefusedWithLifecycleRules(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "mfa-lc-bucket", s3fake.StateAWSDefault)
	_, err := securebucket.Harden(t.Context(), c, "mfa-lc-bucket", opts()) // adds our lifecycle rule
	require.NoError(t, err)
	o := opts()
	o.AllowNoLifecycleRule = true
	o.MFADelete = &securebucket.MFADelete{SerialNumber: "arn:aws:iam::111122223333:mfa/root", Code: "123456"}
	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "mfa-lc-bucket", o)
	require.ErrorIs(t, err, securebucket.ErrIncompatible)
	assert.Contains(t, err.Error(), "lifecycle")
	assert.Zero(t, f.WriteCount())
}
