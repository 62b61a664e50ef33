package securebucket_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// TestHardenRefusesSomeoneElsesStatementUnderOurSid: a lockdown put under
// our TLS Sid during an incident (Deny s3:* for everyone on the bucket,
// sparing the incident responders by StringNotLike aws:PrincipalArn) is
// not a version of our TLS deny. Harden replaced it with the TLS-only
// Deny: the user's statement was lost and the bucket reopened to every
// principal of the account over TLS. Harden (run by a responder, whom the
// lockdown spares), Plan and Create's hardening now refuse with a
// *SidConflictError before any write; the policy keeps its bytes, the app
// stays locked out, and Audit still fails S3.5 (the lockdown is not the
// TLS deny AWS Config's s3-bucket-ssl-requests-only looks for).
func TestHardenRefusesSomeoneElsesStatementUnderOurSid(t *testing.T) {
	f := s3fake.Start(t, nil) // bucket policies enforced
	owner := f.OwnerClient()
	responder := f.Client(f.AddRole(account, "incident-responder", "ir-1"))
	app := f.Client(f.AddUser(account, "app"))
	bucketIn(t, f, "lock-b", s3fake.StateAWSDefault)
	_, err := owner.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("lock-b"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	lockdown := `{"Version":"2012-10-17","Statement":[{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::lock-b","arn:aws:s3:::lock-b/*"],` +
		`"Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::` + account + `:role/incident-responder"}}}]}`
	putPolicy(t, owner, "lock-b", lockdown)
	appReads := func() error {
		_, err := app.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("lock-b"), Key: aws.String("k")})
		return err
	}
	require.Error(t, appReads(), "precondition: the lockdown keeps the app out")

	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), responder, "lock-b", opts())
	assertSidConflict(t, err, "bucket policy of lock-b", policy.SidDenyInsecureTransport, "aws:PrincipalArn")
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepPolicy, se.Step)
	assert.Zero(t, f.WriteCount(), "refused before any write")
	cfg, _ := f.Bucket("lock-b")
	assert.Equal(t, lockdown, cfg.Policy, "the lockdown keeps its bytes")
	assert.Error(t, appReads(), "the app is still locked out")

	_, err = securebucket.Plan(t.Context(), responder, "lock-b", opts())
	assertSidConflict(t, err, "bucket policy of lock-b", policy.SidDenyInsecureTransport, "aws:PrincipalArn")

	rep, err := securebucket.Audit(t.Context(), responder, "lock-b", auditOpts())
	require.NoError(t, err)
	r, ok := rep.Result(securebucket.ControlTLSOnly)
	require.True(t, ok)
	assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)

	// Renamed, as the error says, the lockdown is the user's statement and
	// Harden adds its own beside it, leaving the lockdown as it was.
	renamed := strings.Replace(lockdown, `"Sid":"S3SecureDenyInsecureTransport"`, `"Sid":"IncidentLockdown"`, 1)
	putPolicy(t, owner, "lock-b", renamed)
	_, err = securebucket.Harden(t.Context(), responder, "lock-b", opts())
	require.NoError(t, err)
	cfg, _ = f.Bucket("lock-b")
	doc, err := policy.Parse([]byte(cfg.Policy))
	require.NoError(t, err)
	assert.Equal(t, []string{"IncidentLockdown", policy.SidDenyInsecureTransport, policy.SidDenyOutdatedTLS}, doc.Sids())
	assert.Error(t, appReads(), "the app is still locked out")
}

// TestPlanReportsSidConflictForEachTLSStatement: under either TLS Sid,
// someone else's statement (an Allow of another account) was replaced with
// our Deny, dropping the grant. Plan reports the same refusal as Harden,
// and Harden writes nothing at all, not even the steps before the policy.
func TestPlanReportsSidConflictForEachTLSStatement(t *testing.T) {
	for _, sid := range []string{policy.SidDenyInsecureTransport, policy.SidDenyOutdatedTLS} {
		t.Run(sid, func(t *testing.T) {
			f := s3fake.Start(t, &s3fake.Options{Authorize: s3fake.OwnerOnlyAuthorize})
			c := f.OwnerClient()
			bucketIn(t, f, "sid-b", s3fake.StateLegacy)
			before := `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::sid-b/*"}]}`
			putPolicy(t, c, "sid-b", before)
			f.ResetCounts()
			plan, err := securebucket.Plan(t.Context(), c, "sid-b", opts())
			assertSidConflict(t, err, "bucket policy of sid-b", sid, "Allow")
			require.NotNil(t, plan)
			_, err = securebucket.Harden(t.Context(), c, "sid-b", opts())
			assertSidConflict(t, err, "bucket policy of sid-b", sid, "Allow")
			assert.Zero(t, f.WriteCount(), "refused before any write, BPA and the rest included")
			cfg, _ := f.Bucket("sid-b")
			assert.Equal(t, before, cfg.Policy)
		})
	}
}

// TestHardenRefusesSidConflictAtWriteTime: a statement of someone else's
// put under our Sid after the plan read the policy (here: while Harden
// writes the steps before the policy) is found by the merge on the fresh
// read, and the policy write is refused: the statement is never replaced.
func TestHardenRefusesSidConflictAtWriteTime(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{Authorize: s3fake.OwnerOnlyAuthorize})
	c := f.OwnerClient()
	bucketIn(t, f, "late-b", s3fake.StateLegacy)
	theirs := `{"Version":"2012-10-17","Statement":[{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::late-b","arn:aws:s3:::late-b/*"],"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"` + account + `"}}}]}`
	h := &hooked{Client: c, op: "PutBucketVersioning", hook: func(ctx context.Context) {
		_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("late-b"), Policy: aws.String(theirs)})
		assert.NoError(t, err)
	}}
	res, err := securebucket.Harden(t.Context(), h, "late-b", opts())
	assertSidConflict(t, err, "bucket policy of late-b", policy.SidDenyOutdatedTLS, "aws:PrincipalAccount")
	assert.False(t, stepOf(t, res.Steps, securebucket.StepPolicy).Applied)
	cfg, _ := f.Bucket("late-b")
	assert.Equal(t, theirs, cfg.Policy)
}

// TestLoggingTargetSidConflict: the log-delivery statement's Sid in the
// logging target's policy holding someone else's statement (a grant of the
// whole target bucket, not the prefix) stops Harden before any write; it
// was replaced with ours, dropping the user's grant.
func TestLoggingTargetSidConflict(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "lt-src", s3fake.StateAWSDefault)
	bucketIn(t, f, "lt-logs", s3fake.StateAWSDefault)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "lt-logs", TargetPrefix: "logs/"}
	_, err := securebucket.Harden(t.Context(), c, "lt-src", o)
	require.NoError(t, err)
	cfg, _ := f.Bucket("lt-logs")
	doc, err := policy.Parse([]byte(cfg.Policy))
	require.NoError(t, err)
	require.Len(t, doc.Statements, 1)
	sid := doc.Statements[0].Sid

	// An older version of ours (no aws:SourceAccount) is replaced: that
	// only narrows it to our bucket's account.
	older := doc.Statements[0].Clone()
	older.Condition = withoutKey(older.Condition, "aws:SourceAccount")
	putStatements(t, c, "lt-logs", older)
	_, err = securebucket.Harden(t.Context(), c, "lt-src", o)
	require.NoError(t, err)
	cfg, _ = f.Bucket("lt-logs")
	after, err := policy.Parse([]byte(cfg.Policy))
	require.NoError(t, err)
	assert.True(t, policy.Equivalent(doc.Statements[0], after.Statements[0]), "older version replaced with ours")

	// Someone else's grant under the Sid: refused.
	theirs := doc.Statements[0].Clone()
	theirs.Resource = policy.Values{"arn:aws:s3:::lt-logs/*"}
	before := putStatements(t, c, "lt-logs", theirs)
	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "lt-src", o)
	assertSidConflict(t, err, "bucket policy of logging target lt-logs", sid, "resources")
	assert.Zero(t, f.WriteCount())
	cfg, _ = f.Bucket("lt-logs")
	assert.Equal(t, before, cfg.Policy)
}

// TestDelegateToAccessPointsSidConflict: DelegateToAccessPoints,
// PlanAccessPoint and CreateAccessPoint refuse a statement of someone
// else's under S3SecureDelegateToAccessPoints (a Deny, or an Allow on
// other actions) before any write, wrapped in their *AccountError; an
// older version without our condition is replaced (TestDelegateToAccessPointsKeepsStricter).
func TestDelegateToAccessPointsSidConflict(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateLegacy))
	for _, tc := range []struct{ stmt, reason string }{
		{`{"Sid":"S3SecureDelegateToAccessPoints","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::data/*"}`, "Deny"},
		{`{"Sid":"S3SecureDelegateToAccessPoints","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/etl"},"Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]}`, "principals, actions"},
	} {
		before := `{"Version":"2012-10-17","Statement":[` + tc.stmt + `]}`
		_, err := e.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(before)})
		require.NoError(t, err)
		puts, creates := e.s3f.Count("PutBucketPolicy"), e.ctl.Count("CreateAccessPoint")
		wrote, err := securebucket.DelegateToAccessPoints(ctx, e.s3, "data", e.account)
		assert.False(t, wrote)
		assertSidConflict(t, err, "bucket policy of data", policy.SidDelegateToAccessPoints, tc.reason)
		var ae *securebucket.AccountError
		assert.ErrorAs(t, err, &ae)
		apOpts := &securebucket.AccessPointOptions{VPCID: "vpc-1", Principal: "arn:aws:iam::111122223333:role/app"}
		_, err = securebucket.PlanAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", apOpts)
		assertSidConflict(t, err, "bucket policy of data", policy.SidDelegateToAccessPoints, tc.reason)
		_, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", apOpts)
		assertSidConflict(t, err, "bucket policy of data", policy.SidDelegateToAccessPoints, tc.reason)
		assert.Equal(t, puts, e.s3f.Count("PutBucketPolicy"), "no policy write")
		assert.Equal(t, creates, e.ctl.Count("CreateAccessPoint"), "no access point created")
		assert.Equal(t, before, aws.ToString(mustBucketPolicy(t, e, "data")))
	}
}

// TestAccessPointPolicySidConflict: CreateAccessPoint's access point
// policy. A statement under one of our Sids for another principal, and a
// Deny under the Sid of a statement the new access no longer has (the
// write statement when access goes to read), are someone else's: they
// were replaced and removed. Both now stop it before any write; a
// stale write statement of ours is still removed
// (TestCreateAccessPointPolicyMergeKeepsForeign).
func TestAccessPointPolicySidConflict(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-1", Principal: "arn:aws:iam::111122223333:role/app", Prefix: "app/", DisableBucketDelegation: true}
	_, err := securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
	require.NoError(t, err)
	arn := securebucket.AccessPointARN(e.region(), e.account, "app-ap")
	list := `{"Sid":"S3SecureAccessPointList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:ListBucket","Resource":"` + arn + `","Condition":{"StringLike":{"s3:prefix":"app/*"}}}`
	read := `{"Sid":"S3SecureAccessPointRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"` + arn + `/object/app/*"}`
	for _, tc := range []struct {
		name, stmts, sid, reason string
	}{
		{"another principal", `{"Sid":"S3SecureAccessPointRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/other"},"Action":"s3:GetObject","Resource":"` + arn + `/object/app/*"},` + list, "S3SecureAccessPointRead", "principals"},
		{"a Deny under the write Sid", read + `,` + list + `,{"Sid":"S3SecureAccessPointWrite","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:DeleteObject","Resource":"` + arn + `/object/*"}`, "S3SecureAccessPointWrite", "Deny"},
		{"a Sid we never write", read + `,` + list + `,{"Sid":"S3SecureAccessPointAudit","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/audit"},"Action":"s3:GetObject","Resource":"` + arn + `/object/*"}`, "S3SecureAccessPointAudit", "no statement under that Sid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":[` + tc.stmts + `]}`
			_, err := e.control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(e.account), Name: aws.String("app-ap"), Policy: aws.String(doc)})
			require.NoError(t, err)
			puts := e.ctl.Count("PutAccessPointPolicy")
			_, err = securebucket.PlanAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
			assertSidConflict(t, err, "policy of access point app-ap", tc.sid, tc.reason)
			_, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
			assertSidConflict(t, err, "policy of access point app-ap", tc.sid, tc.reason)
			assert.Equal(t, puts, e.ctl.Count("PutAccessPointPolicy"), "nothing written")
			out, err := e.control.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(e.account), Name: aws.String("app-ap")})
			require.NoError(t, err)
			assert.JSONEq(t, doc, aws.ToString(out.Policy))
		})
	}
}

// TestSidConflictError: the error names the policy, the Sid and why, on
// one line, tells the user what to do, and matches ErrSidConflict and
// ErrIncompatible.
func TestSidConflictError(t *testing.T) {
	err := error(&securebucket.SidConflictError{Policy: "bucket policy of b", Sid: "S3SecureDenyInsecureTransport", Reason: "it has a condition on aws:PrincipalArn, which s3secure's does not"})
	assert.Equal(t, `securebucket: bucket policy of b: statement "S3SecureDenyInsecureTransport" is not s3secure's (it has a condition on aws:PrincipalArn, which s3secure's does not), and replacing it with s3secure's would drop it, so the policy was not written: give that statement another Sid, then run again`, err.Error())
	assert.ErrorIs(t, err, securebucket.ErrSidConflict)
	assert.ErrorIs(t, err, securebucket.ErrIncompatible)
	assert.NotErrorIs(t, err, securebucket.ErrConflict)
}

// assertSidConflict checks that err is a *SidConflictError for where and
// sid whose text holds reason, on one line.
func assertSidConflict(t *testing.T, err error, where, sid, reason string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, securebucket.ErrSidConflict)
	var sc *securebucket.SidConflictError
	require.ErrorAs(t, err, &sc)
	assert.Equal(t, where, sc.Policy)
	assert.Equal(t, sid, sc.Sid)
	assert.Contains(t, sc.Reason, reason)
	assert.True(t, errors.Is(err, securebucket.ErrIncompatible))
	assert.NotContains(t, err.Error(), "\n")
	assert.Contains(t, err.Error(), "give that statement another Sid")
}

// putStatements writes a bucket policy of stmts and returns its text.
func putStatements(t *testing.T, c *s3.Client, bucket string, stmts ...policy.Statement) string {
	t.Helper()
	body, err := (&policy.Document{Version: policy.Version2012, Statements: stmts}).Marshal()
	require.NoError(t, err)
	putPolicy(t, c, bucket, string(body))
	return string(body)
}

// withoutKey returns c without the entries on key.
func withoutKey(c policy.Condition, key string) policy.Condition {
	var out policy.Condition
	for _, b := range c {
		nb := policy.ConditionBlock{Operator: b.Operator}
		for _, e := range b.Entries {
			if e.Key != key {
				nb.Entries = append(nb.Entries, e)
			}
		}
		if len(nb.Entries) > 0 {
			out = append(out, nb)
		}
	}
	return out
}

func mustBucketPolicy(t *testing.T, e acctEnv, bucket string) *string {
	t.Helper()
	out, err := e.s3.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	return out.Policy
}
