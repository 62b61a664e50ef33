package securebucket_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// More forms real TLS-deny statements take: list values, lower-case key
// names, BoolIfExists, {"AWS":["*"]}, "*" as the action, a wildcard
// resource, NumericLessThan 1.3. Each is recognised (nothing added, S3.5
// passes); narrowed ones are not.
func TestTLSDenyForms(t *testing.T) {
	tests := []struct {
		name, stmt string
		equivalent bool
	}{
		{"list value", `{"Effect":"Deny","Principal":{"AWS":["*"]},"Action":["s3:*"],"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],"Condition":{"Bool":{"aws:securetransport":["false"]}}}`, true},
		{"if exists", `{"Effect":"Deny","Principal":"*","Action":"*","Resource":["arn:aws:s3:::B/*","arn:aws:s3:::B"],"Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}`, true},
		{"wildcard resource", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::B*","Condition":{"Bool":{"aws:SecureTransport":false}}}`, true},
		{"narrowed by vpce", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`, false},
		// Object patterns that cover only some keys: the deny leaves plain
		// HTTP open for "report.csv" (no slash) and "notes.txt" (no "y"
		// at the end). They passed: the coverage test matched one probe key,
		// "\x00any/key", which these patterns happen to match.
		{"only keys with a slash", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"only keys ending in y", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*y"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"only keys holding an a", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::B*a*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"only keys of two characters or more", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/??*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"any non-empty key", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/?*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, true},
		{"any bucket's objects", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::*/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, true},
		{"some actions", `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c := startFake(t)
			bucketIn(t, f, "forms", s3fake.StateAWSDefault)
			putPolicy(t, c, "forms", replaceB(`{"Version":"2012-10-17","Statement":[`+tt.stmt+`]}`, "forms"))
			rep, err := securebucket.Audit(t.Context(), c, "forms", auditOpts())
			require.NoError(t, err)
			r, _ := rep.Result(securebucket.ControlTLSOnly)
			o := opts()
			o.AllowOutdatedTLS = true
			res, err := securebucket.Harden(t.Context(), c, "forms", o)
			require.NoError(t, err)
			ps := stepOf(t, res.Steps, securebucket.StepPolicy)
			if tt.equivalent {
				assert.Equal(t, securebucket.StatusPass, r.Status, r.Message)
				assert.Equal(t, securebucket.ActionNone, ps.Action, ps.Detail)
			} else {
				assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)
				assert.Equal(t, securebucket.ActionUpdate, ps.Action, ps.Detail)
			}
		})
	}
}
