package securebucket_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// foreignShapes: NotPrincipal deny, numeric and bool conditions, CDK's
// unnamed TLS deny ({"AWS":"*"}, bool false), Security Hub's
// AllowSSLRequestsOnly with resources reversed and "false", an unnamed
// TLS-version deny with a JSON number.
const foreignShapes = `{"Version":"2012-10-17","Statement":[
{"Sid":"DenyAllButAdmin","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/admin"]},"Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::B"},
{"Sid":"SizeLimit","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::B/*","Condition":{"NumericGreaterThan":{"s3:max-keys":10},"Bool":{"aws:MultiFactorAuthPresent":false}}},
{"Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":false}},"Effect":"Deny","Principal":{"AWS":"*"},"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"]},
{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B/*","arn:aws:s3:::B"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B/*","arn:aws:s3:::B"],"Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}
]}`

func TestHardenRecognisesForeignShapes(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "shapes", s3fake.StateAWSDefault)
	doc := replaceB(foreignShapes, "shapes")
	putPolicy(t, c, "shapes", doc)
	before, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("shapes")})
	require.NoError(t, err)
	res, err := securebucket.Harden(t.Context(), c, "shapes", opts())
	require.NoError(t, err)
	ps := stepOf(t, res.Steps, securebucket.StepPolicy)
	assert.Equal(t, securebucket.ActionNone, ps.Action, "%s %v", ps.Detail, ps.Notes)
	after, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("shapes")})
	require.NoError(t, err)
	assert.JSONEq(t, aws.ToString(before.Policy), aws.ToString(after.Policy))
	rep, err := securebucket.Audit(t.Context(), c, "shapes", auditOpts())
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlTLSOnly])
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlOutdatedTLS])
}

func TestHardenKeepsForeignStatementsVerbatim(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "verbatim", s3fake.StateAWSDefault)
	// Only foreign statements that are not equivalents: ours are added.
	var d map[string]any
	require.NoError(t, json.Unmarshal([]byte(replaceB(foreignShapes, "verbatim")), &d))
	stmts := d["Statement"].([]any)[:2]
	d["Statement"] = stmts
	b, _ := json.Marshal(d)
	putPolicy(t, c, "verbatim", string(b))
	_, err := securebucket.Harden(t.Context(), c, "verbatim", opts())
	require.NoError(t, err)
	after, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("verbatim")})
	require.NoError(t, err)
	var a map[string]any
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(after.Policy)), &a))
	as := a["Statement"].([]any)
	require.Len(t, as, 4)
	for i := range stmts {
		x, _ := json.Marshal(stmts[i])
		y, _ := json.Marshal(as[i])
		assert.JSONEq(t, string(x), string(y))
	}
}

func TestAuditTLSDenyOnObjectsOnlyFails(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "half", s3fake.StateAWSDefault)
	putPolicy(t, c, "half", replaceB(`{"Version":"2012-10-17","Statement":[
{"Sid":"ObjOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::B/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
{"Sid":"TLSObjOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::B/*","Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}]}`, "half"))
	rep, err := securebucket.Audit(t.Context(), c, "half", auditOpts())
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlTLSOnly])
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlOutdatedTLS])
	// Harden adds ours (the object-only one is not equivalent) and keeps theirs.
	_, err = securebucket.Harden(t.Context(), c, "half", opts())
	require.NoError(t, err)
	rep, err = securebucket.Audit(t.Context(), c, "half", auditOpts())
	require.NoError(t, err)
	st = statuses(rep)
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlTLSOnly])
	cfg, _ := f.Bucket("half")
	assert.Contains(t, cfg.Policy, "ObjOnly")
}

func replaceB(s, bucket string) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		if i+3 <= len(s) && s[i:i+3] == ":::" && i+4 <= len(s) && s[i+3] == 'B' {
			out = append(out, ":::"+bucket...)
			i += 3
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}
