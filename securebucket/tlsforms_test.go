package securebucket_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
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

// TestTLSDenyNamesFoldASCIIOnly: IAM ignores ASCII case in condition keys
// and operators, nothing more. "s3:TlsVers\u0130on" (a dotted capital I)
// is another key to IAM, so a Deny on it denies nothing: it is not the TLS
// deny, and Harden adds its own. It passed as one, and a statement under
// our Sid with that key was kept as ours made stricter: strings.ToLower
// turns U+0130 into "i". The long s row guards aws:SecureTransport the same
// way. Keys in other ASCII cases are the same names, as policy's evaluator
// reads them; operators in another case are no operators (IAM answers
// "Invalid Condition type : stringEquals"; policy's
// TestConditionOperatorNamesAreCaseSensitive), so such a statement denies
// nothing and is replaced with ours.
func TestTLSDenyNamesFoldASCIIOnly(t *testing.T) {
	const deny = `{"Sid":"%s","Effect":"Deny","Principal":"*","Action":"S3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"],"Condition":{"%s":{"%s":"%s"}}}`
	tests := []struct {
		name, sid, op, key, value string
		control                   securebucket.Control
		// recognised: the statement is the control's TLS deny; a statement
		// under our Sid is then kept as it is, else replaced with ours, or
		// refused when it is not a version of ours (refused).
		recognised, refused bool
	}{
		{"dotted capital I in s3:TlsVersion", policy.SidDenyOutdatedTLS, "NumericLessThan", "s3:TlsVers\u0130on", "1.2", securebucket.ControlOutdatedTLS, false, true},
		{"long s in aws:SecureTransport", policy.SidDenyInsecureTransport, "Bool", "aws:\u017FecureTransport", "false", securebucket.ControlTLSOnly, false, true},
		{"ASCII case of the key", policy.SidDenyOutdatedTLS, "NumericLessThan", "S3:TLSVERSION", "1.2", securebucket.ControlOutdatedTLS, true, false},
		{"ASCII case of the key under BoolIfExists", policy.SidDenyInsecureTransport, "BoolIfExists", "AWS:SECURETRANSPORT", "false", securebucket.ControlTLSOnly, true, false},
		{"ASCII case of the operator", policy.SidDenyOutdatedTLS, "numericlessthan", "s3:TlsVersion", "1.2", securebucket.ControlOutdatedTLS, false, false},
		{"ASCII case of BoolIfExists", policy.SidDenyInsecureTransport, "boolifexists", "aws:SecureTransport", "false", securebucket.ControlTLSOnly, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c := startFake(t)
			bucketIn(t, f, "names", s3fake.StateAWSDefault)
			putPolicy(t, c, "names", replaceB(`{"Version":"2012-10-17","Statement":[`+fmt.Sprintf(deny, tt.sid, tt.op, tt.key, tt.value)+`]}`, "names"))
			rep, err := securebucket.Audit(t.Context(), c, "names", auditOpts())
			require.NoError(t, err)
			r, _ := rep.Result(tt.control)
			want := securebucket.StatusFail
			if tt.recognised {
				want = securebucket.StatusPass
			}
			assert.Equal(t, want, r.Status, r.Message)

			_, err = securebucket.Harden(t.Context(), c, "names", opts())
			if tt.refused {
				var sc *securebucket.SidConflictError
				require.ErrorAs(t, err, &sc)
				assert.Contains(t, sc.Reason, tt.key)
				rep, err = securebucket.Audit(t.Context(), c, "names", auditOpts())
				require.NoError(t, err)
				r, _ = rep.Result(tt.control)
				assert.Equal(t, securebucket.StatusFail, r.Status, "after the refusal: %s", r.Message)
				return
			}
			require.NoError(t, err)
			cfg, _ := f.Bucket("names")
			doc, err := policy.Parse([]byte(cfg.Policy))
			require.NoError(t, err)
			st, ok := doc.Statement(tt.sid)
			require.True(t, ok)
			require.Len(t, st.Condition, 1)
			require.Len(t, st.Condition[0].Entries, 1)
			if tt.recognised {
				assert.Equal(t, tt.key, st.Condition[0].Entries[0].Key, "kept as it is")
			} else {
				assert.False(t, st.Condition[0].Operator == tt.op && st.Condition[0].Entries[0].Key == tt.key, "replaced with ours")
			}
			rep, err = securebucket.Audit(t.Context(), c, "names", auditOpts())
			require.NoError(t, err)
			r, _ = rep.Result(tt.control)
			assert.Equal(t, securebucket.StatusPass, r.Status, "after Harden: %s", r.Message)
		})
	}
}
