package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// TestJudgeSid: JudgeSid keeps ours and ours made stricter, replaces a
// version of ours that ours strengthens, and calls everything else someone
// else's statement, with the reason; for an Allow (the log-delivery
// statement) and a Deny (the TLS deny).
func TestJudgeSid(t *testing.T) {
	allow, err := policy.ServerAccessLogsDelivery("logs", "p/", "src", "111122223333")
	require.NoError(t, err)
	deny, err := policy.DenyOutdatedTLS("data")
	require.NoError(t, err)
	a, d := modifier(allow), modifier(deny)
	sourceArnOnly := policy.NewCondition("ArnLike", "aws:SourceArn", "arn:aws:s3:::src")
	bound := func(v string) func(s *policy.Statement) {
		return func(s *policy.Statement) { s.Condition = policy.NewCondition("NumericLessThan", "s3:TlsVersion", v) }
	}
	cases := []struct {
		name     string
		existing policy.Statement
		ours     policy.Statement
		want     policy.SidVerdict
		reason   string
	}{
		{"ours", allow, allow, policy.SidKeep, ""},
		{"an Allow narrowed to a prefix", a(func(s *policy.Statement) { s.Resource = policy.Values{"arn:aws:s3:::logs/p/2026/*"} }), allow, policy.SidKeep, ""},
		{"an Allow without aws:SourceAccount (older, broader)", a(func(s *policy.Statement) { s.Condition = sourceArnOnly }), allow, policy.SidReplace, ""},
		{"an Allow of other actions", a(func(s *policy.Statement) { s.Action = policy.Values{"s3:PutObject", "s3:DeleteObject"} }), allow, policy.SidConflict, "its actions differ from s3secure's"},
		{"an Allow of another principal and more resources", a(func(s *policy.Statement) {
			s.Principal, s.Resource = policy.AWSPrincipal("444455556666"), policy.Values{"arn:aws:s3:::logs/*"}
		}), allow, policy.SidConflict, "its principals, resources differ from s3secure's"},
		{"a Deny under the Sid of an Allow", a(func(s *policy.Statement) { s.Effect = policy.Deny }), allow, policy.SidConflict, "it is a Deny, and s3secure's is an Allow"},
		{"an Allow under the Sid of a Deny", d(func(s *policy.Statement) { s.Effect = policy.Allow }), deny, policy.SidConflict, "it is an Allow, and s3secure's is a Deny"},
		{"an Allow with a condition on another key", a(func(s *policy.Statement) {
			s.Condition = sourceArnOnly.With("IpAddress", "aws:SourceIp", "192.0.2.0/24")
		}), allow, policy.SidConflict, "it has a condition on aws:SourceIp, which s3secure's does not"},
		{"an Allow of another source bucket", a(func(s *policy.Statement) {
			s.Condition = policy.NewCondition("ArnLike", "aws:SourceArn", "arn:aws:s3:::other").With("StringEquals", "aws:SourceAccount", "111122223333")
		}), allow, policy.SidConflict, "its conditions grant what s3secure's would not"},
		{"a Deny of TLS 1.2 too (stricter)", d(bound("1.3")), deny, policy.SidKeep, ""},
		{"a Deny of TLS 1.0 only (older)", d(bound("1.1")), deny, policy.SidReplace, ""},
		{"a Deny the evaluator cannot decide", d(bound("Infinity")), deny, policy.SidReplace, ""},
		{"a lockdown of everything", d(func(s *policy.Statement) { s.Condition = nil }), deny, policy.SidKeep, ""},
		{"a lockdown sparing one account", d(func(s *policy.Statement) {
			s.Condition = policy.NewCondition("StringNotEquals", "aws:PrincipalAccount", "111122223333")
		}), deny, policy.SidConflict, "it has a condition on aws:PrincipalAccount, which s3secure's does not"},
		{"a Deny of the objects only", d(func(s *policy.Statement) { s.Resource = s.Resource[1:] }), deny, policy.SidConflict, "its resources differ from s3secure's"},
	}
	for _, c := range cases {
		got, why := policy.JudgeSid(c.existing, c.ours)
		assert.Equal(t, c.want, got, c.name)
		assert.Equal(t, c.reason, why, c.name)
	}
}
