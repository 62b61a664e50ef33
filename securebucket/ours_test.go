package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// Outcomes of a statement under our Sid (see "Whose statement is under our
// Sid" in the package documentation).
const (
	kept     = "kept"     // ours made stricter: kept as it is
	replaced = "replaced" // a weaker version of ours: replaced with ours
	refused  = "refused"  // someone else's: *SidConflictError, nothing written
)

// TestHardenKeepsOurStatementsMadeStricter: a statement under one of our
// Sids that its owner made stricter is kept as it is; a weaker version of
// ours (the same principals, actions and resources, conditions on our keys
// only, denying nothing ours does not) is replaced with ours; anything
// else is someone else's, and Harden refuses before any write. Several of
// those were replaced, which dropped them and reopened what they denied
// (TLS 1.2 on the objects, a deny of one account, a deny on another
// condition). Each row is one definition in the package documentation.
func TestHardenKeepsOurStatementsMadeStricter(t *testing.T) {
	const both = `["arn:aws:s3:::ours-b","arn:aws:s3:::ours-b/*"]`
	cases := []struct {
		name, stmt string
		outcome    string
	}{
		{"TLS 1.3 is stricter than 1.2", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}}`, kept},
		{"TLS below Infinity, not a number IAM reads, is weaker", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"Infinity"}}}`, replaced},
		// NumericLessThanEquals 1.2 refuses TLS 1.2 too ("Less than or
		// equals matching", IAM condition operators): stricter than ours,
		// and it was replaced with NumericLessThan 1.2, letting TLS 1.2 in
		// again. Below or equal to 1.1 leaves a version below 1.2 open.
		{"TLS up to and including 1.2 refused is stricter", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":{"NumericLessThanEquals":{"s3:TlsVersion":"1.2"}}}`, kept},
		{"TLS up to and including 1.1 refused is weaker", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":{"NumericLessThanEquals":{"s3:TlsVersion":"1.1"}}}`, replaced},
		{"TLS 1.1 is weaker", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.1"}}}`, replaced},
		{"TLS deny on objects only is someone else's", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::ours-b/*","Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}}`, refused},
		{"TLS deny with a narrowing condition is someone else's", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"},"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`, refused},
		{"BoolIfExists denies more", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":{"AWS":"*"},"Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}`, kept},
		{"a deny of some actions is someone else's", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":` + both + `,"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, refused},
		// A Deny with no condition applies wherever ours does (and more): a
		// lockdown put under our Sid during an incident. It was replaced
		// with ours, which reopened everything TLS allows.
		{"a deny of everything under the TLS Sid is stricter", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `}`, kept},
		{"a deny of everything under the TLS version Sid is stricter", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `}`, kept},
		{"a deny of every action on every resource is stricter", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}`, kept},
		{"a deny of everything with our condition is kept too", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":["s3:Get*","s3:*"],"Resource":["arn:aws:s3:::ours-*","arn:aws:s3:::ours-b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, kept},
		{"a condition-free deny of the objects only is someone else's", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::ours-b/*"}`, refused},
		{"a condition-free deny of one account is someone else's", `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":` + both + `}`, refused},
		{"a condition-free deny of some actions is someone else's", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:Get*","Resource":` + both + `}`, refused},
		{"a deny on another condition is someone else's", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + both + `,"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}`, refused},
		{"a condition-free NotAction deny is someone else's", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":` + both + `}`, refused},
		{"an Allow under our Sid is someone else's", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":` + both + `}`, refused},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Policies out of the picture: a Deny of everything refuses
			// Harden's own reads too (on S3 as on the default fake), so
			// Harden meets it under our Sid only when it is put there
			// while Harden runs (the policy is read again before it is
			// written). The merge is what is under test.
			f := s3fake.Start(t, &s3fake.Options{Authorize: s3fake.OwnerOnlyAuthorize})
			c := f.OwnerClient()
			bucketIn(t, f, "ours-b", s3fake.StateAWSDefault)
			before := `{"Version":"2012-10-17","Statement":[` + tc.stmt + `]}`
			putPolicy(t, c, "ours-b", before)
			orig, err := policy.Parse([]byte(before))
			require.NoError(t, err)
			if tc.outcome == refused {
				f.ResetCounts()
				_, err = securebucket.Harden(t.Context(), c, "ours-b", opts())
				var sc *securebucket.SidConflictError
				require.ErrorAs(t, err, &sc)
				assert.Equal(t, orig.Statements[0].Sid, sc.Sid)
				assert.Zero(t, f.WriteCount(), "nothing written")
				cfg, _ := f.Bucket("ours-b")
				assert.Equal(t, before, cfg.Policy)
				_, err = securebucket.Plan(t.Context(), c, "ours-b", opts())
				assert.ErrorIs(t, err, securebucket.ErrSidConflict, "Plan reports it too")
				return
			}
			_, err = securebucket.Harden(t.Context(), c, "ours-b", opts())
			require.NoError(t, err)
			cfg := assertHardened(t, f, "ours-b")
			doc, err := policy.Parse([]byte(cfg.Policy))
			require.NoError(t, err)
			sid := orig.Statements[0].Sid
			var got policy.Statement
			for _, s := range doc.Statements {
				if s.Sid == sid {
					got = s
				}
			}
			want, err := map[string]func(string) (policy.Statement, error){
				policy.SidDenyOutdatedTLS: policy.DenyOutdatedTLS, policy.SidDenyInsecureTransport: policy.DenyInsecureTransport,
			}[sid]("ours-b")
			require.NoError(t, err)
			if tc.outcome == kept {
				assert.True(t, policy.Equivalent(orig.Statements[0], got), "kept as it was: %+v", got)
			} else {
				assert.True(t, policy.Equivalent(want, got), "replaced with ours: %+v", got)
			}
			// Either way a second run writes nothing.
			f.ResetCounts()
			_, err = securebucket.Harden(t.Context(), c, "ours-b", opts())
			require.NoError(t, err)
			assert.Zero(t, f.WriteCount())
		})
	}
}

// TestHardenKeepsOurLifecycleRuleMadeStricter: our rule at 1 day aborts
// sooner than the default 7 and is kept; at 30 days, or disabled, it is
// replaced.
func TestHardenKeepsOurLifecycleRuleMadeStricter(t *testing.T) {
	for _, tc := range []struct {
		days     int32
		status   types.ExpirationStatus
		wantDays int32
	}{
		{1, types.ExpirationStatusEnabled, 1},
		{7, types.ExpirationStatusEnabled, 7},
		{30, types.ExpirationStatusEnabled, 7},
		{1, types.ExpirationStatusDisabled, 7},
	} {
		f, c := startFake(t)
		bucketIn(t, f, "ours-lc", s3fake.StateAWSDefault)
		_, err := c.PutBucketLifecycleConfiguration(t.Context(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("ours-lc"),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String(securebucket.LifecycleRuleID), Status: tc.status,
				Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(tc.days)}}}}})
		require.NoError(t, err)
		res, err := securebucket.Harden(t.Context(), c, "ours-lc", opts())
		require.NoError(t, err)
		out, err := c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("ours-lc")})
		require.NoError(t, err)
		require.Len(t, out.Rules, 1)
		assert.Equal(t, tc.wantDays, aws.ToInt32(out.Rules[0].AbortIncompleteMultipartUpload.DaysAfterInitiation), "%d days %s", tc.days, tc.status)
		assert.Equal(t, types.ExpirationStatusEnabled, out.Rules[0].Status)
		step := stepOf(t, res.Steps, securebucket.StepLifecycle)
		assert.Equal(t, tc.wantDays != tc.days || tc.status != types.ExpirationStatusEnabled, step.Action == securebucket.ActionUpdate, "%s", step)
	}
}

// TestHardenKeepsOurLogDeliveryStatementMadeStricter: the log-delivery
// statement in the target's policy, narrowed by its owner with a condition
// of its own, is kept; broadened (the whole bucket instead of the prefix),
// it is not a version of ours but someone else's grant, which was
// replaced and is now refused.
func TestHardenKeepsOurLogDeliveryStatementMadeStricter(t *testing.T) {
	for _, narrowed := range []bool{true, false} {
		f, c := startFake(t)
		bucketIn(t, f, "ld-src", s3fake.StateAWSDefault)
		bucketIn(t, f, "ld-logs", s3fake.StateAWSDefault)
		o := opts()
		o.Logging = &securebucket.Logging{TargetBucket: "ld-logs", TargetPrefix: "logs/"}
		_, err := securebucket.Harden(t.Context(), c, "ld-src", o)
		require.NoError(t, err)
		cfg, _ := f.Bucket("ld-logs")
		doc, err := policy.Parse([]byte(cfg.Policy))
		require.NoError(t, err)
		require.Len(t, doc.Statements, 1)
		ours := doc.Statements[0].Clone()
		changed := doc.Statements[0].Clone()
		if narrowed {
			changed.Condition = append(changed.Condition, policy.ConditionBlock{Operator: "StringLike",
				Entries: []policy.ConditionEntry{{Key: "s3:x-amz-server-side-encryption", Values: []policy.ConditionValue{{Text: "AES256"}}}}})
		} else {
			changed.Resource = policy.Values{"arn:aws:s3:::ld-logs/*"}
		}
		doc.Statements[0] = changed
		body, err := doc.Marshal()
		require.NoError(t, err)
		putPolicy(t, c, "ld-logs", string(body))

		_, err = securebucket.Harden(t.Context(), c, "ld-src", o)
		if !narrowed {
			require.ErrorIs(t, err, securebucket.ErrSidConflict)
		} else {
			require.NoError(t, err)
		}
		cfg, _ = f.Bucket("ld-logs")
		after, err := policy.Parse([]byte(cfg.Policy))
		require.NoError(t, err)
		require.Len(t, after.Statements, 1)
		assert.True(t, policy.Equivalent(changed, after.Statements[0]), "narrowed statement kept, broadened one left alone")
		assert.False(t, policy.Equivalent(ours, after.Statements[0]))
	}
}

// TestAuditOfKeptLockdown: a Deny of everything under our TLS Sid, kept by
// Harden, is not what AWS Config's s3-bucket-ssl-requests-only documents as
// compliant (a statement that "explicitly denies access when the request
// meets the condition "aws:SecureTransport": "false"", AWS knowledge
// center "s3-bucket-policy-for-config-rule"), so S3.5 stays FAIL, as does
// S3Secure.DenyOutdatedTLS (no s3:TlsVersion deny), while every request is
// denied; Harden keeps the lockdown all the same.
func TestAuditOfKeptLockdown(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{Authorize: s3fake.OwnerOnlyAuthorize})
	c := f.OwnerClient()
	bucketIn(t, f, "lock-b", s3fake.StateAWSDefault)
	lockdown := `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::lock-b","arn:aws:s3:::lock-b/*"]}`
	o := opts()
	o.AllowOutdatedTLS = true
	putPolicy(t, c, "lock-b", `{"Version":"2012-10-17","Statement":[`+lockdown+`]}`)
	_, err := securebucket.Harden(t.Context(), c, "lock-b", o)
	require.NoError(t, err)
	cfg, _ := f.Bucket("lock-b")
	doc, err := policy.Parse([]byte(cfg.Policy))
	require.NoError(t, err)
	require.Len(t, doc.Statements, 1, "the lockdown kept, nothing added")
	assert.Empty(t, doc.Statements[0].Condition)
	rep, err := securebucket.Audit(t.Context(), c, "lock-b", auditOpts())
	require.NoError(t, err)
	for _, ctl := range []securebucket.Control{securebucket.ControlTLSOnly, securebucket.ControlOutdatedTLS} {
		r, ok := rep.Result(ctl)
		require.True(t, ok)
		assert.Equal(t, securebucket.StatusFail, r.Status, "%s: %s", ctl, r.Message)
	}
}
