package securebucket

// White-box tests of the pure helpers: policy statement recognition,
// lifecycle merging. Everything that talks to S3 is
// tested black-box against internal/s3fake in the _test package.

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

func stmt(t *testing.T, js string) policy.Statement {
	t.Helper()
	d, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[` + js + `]}`))
	require.NoError(t, err)
	return d.Statements[0]
}

const arnB = "arn:aws:s3:::b"

func TestDeniesInsecureTransport(t *testing.T) {
	tests := []struct {
		name string
		js   string
		want bool
	}{
		{"ours", `{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, true},
		{"security hub sample, bool false, AWS star", `{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b"],"Condition":{"Bool":{"aws:SecureTransport":false}}}`, true},
		{"no sid, action star, key case", `{"Effect":"Deny","Principal":"*","Action":"*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"AWS:securetransport":"FALSE"}}}`, true},
		{"wildcard resource", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, true},
		{"objects only", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"bucket only", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"prefix only", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/logs/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"some actions", `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"allow", `{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, false},
		{"one principal", `{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
		{"narrowed by another condition", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:SourceVpc":"vpc-1"}}}`, false},
		{"true instead of false", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, false},
		{"other bucket", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bb","arn:aws:s3:::bb/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, deniesInsecureTransport(stmt(t, tt.js), arnB))
		})
	}
}

func TestDeniesOutdatedTLS(t *testing.T) {
	base := `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":%s}}}`
	for v, want := range map[string]bool{`"1.2"`: true, `1.2`: true, `1.3`: true, `"1.0"`: false, `"x"`: false} {
		js := fmtJS(base, v)
		assert.Equal(t, want, deniesOutdatedTLS(stmt(t, js), arnB), v)
	}
}

func fmtJS(f, v string) string {
	out := []byte{}
	for i := 0; i < len(f); i++ {
		if f[i] == '%' && i+1 < len(f) && f[i+1] == 's' {
			out = append(out, v...)
			i++
			continue
		}
		out = append(out, f[i])
	}
	return string(out)
}

func TestPublicStatement(t *testing.T) {
	tests := []struct {
		name string
		js   string
		want bool
	}{
		{"anonymous read", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, true},
		{"AWS star", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, true},
		{"account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, false},
		{"service", `{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, false},
		{"fixed vpc", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-91237329"}}}`, false},
		{"wildcard vpc", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}`, true},
		{"narrow ip", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`, false},
		{"wide ip", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}}`, true},
		{"federated", `{"Effect":"Allow","Principal":{"Federated":"graph.facebook.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, true},
		{"deny", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`, false},
		{"org", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}`, false},
		{"private ip range", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`, false},
		{"negated key", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, publicStatement(stmt(t, tt.js)))
		})
	}
}

func TestCrossAccountHelpers(t *testing.T) {
	s := stmt(t, `{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:role/x","111122223333"]},"Action":"s3:Put*","Resource":"arn:aws:s3:::b"}`)
	assert.Equal(t, []string{"s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"}, grantedActions(s, crossAccountActions))
	assert.Equal(t, []string{"arn:aws:iam::444455556666:role/x"}, otherAccountPrincipals(s, "111122223333"))
	assert.Len(t, otherAccountPrincipals(s, ""), 2)
	na := stmt(t, `{"Effect":"Allow","Principal":"*","NotAction":"s3:PutObjectAcl","Resource":"*"}`)
	assert.NotContains(t, grantedActions(na, crossAccountActions), "s3:PutObjectAcl")
	assert.Contains(t, grantedActions(na, crossAccountActions), "s3:PutBucketPolicy")
}

func TestCrossAccountActionsAreCatalogActions(t *testing.T) {
	require.Len(t, crossAccountActions, 5)
	for _, a := range crossAccountActions {
		act, ok := policy.LookupAction(a)
		require.True(t, ok, a)
		assert.Equal(t, act.Name, a, "spelled as the catalog spells it")
	}
}

func TestMergeLifecycle(t *testing.T) {
	foreign := types.LifecycleRule{ID: aws.String("expire-logs"), Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(30)}}

	rules, st, _ := mergeLifecycle(nil, 7)
	assert.Equal(t, lcAdd, st)
	require.Len(t, rules, 1)
	assert.Equal(t, LifecycleRuleID, aws.ToString(rules[0].ID))

	rules, st, _ = mergeLifecycle([]types.LifecycleRule{foreign}, 7)
	assert.Equal(t, lcAdd, st)
	require.Len(t, rules, 2)
	assert.Equal(t, foreign, rules[0], "foreign rule kept unchanged and first")

	again, st, _ := mergeLifecycle(rules, 7)
	assert.Equal(t, lcOurs, st)
	assert.Equal(t, rules, again)

	changed, st, _ := mergeLifecycle(rules, 3)
	assert.Equal(t, lcReplace, st, "ours at 7 days is weaker than 3")
	require.Len(t, changed, 2)
	assert.Equal(t, int32(3), aws.ToInt32(changed[1].AbortIncompleteMultipartUpload.DaysAfterInitiation))

	// Ours made stricter (1 day) is kept; ours disabled is replaced.
	kept, st, days := mergeLifecycle(changed, 7)
	assert.Equal(t, lcOurs, st, "3 days is stricter than 7")
	assert.Equal(t, int32(3), days)
	assert.Equal(t, changed, kept)
	disabled := slices.Clone(changed)
	disabled[1].Status = types.ExpirationStatusDisabled
	_, st, _ = mergeLifecycle(disabled, 7)
	assert.Equal(t, lcReplace, st, "a disabled rule aborts nothing")

	equiv := types.LifecycleRule{ID: aws.String("cdk-abort"), Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{}, AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}}
	_, st, _ = mergeLifecycle([]types.LifecycleRule{equiv}, 7)
	assert.Equal(t, lcEquivalent, st)

	// A rule on a prefix only does not count.
	partial := equiv
	partial.Filter = &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}
	_, st, _ = mergeLifecycle([]types.LifecycleRule{partial}, 7)
	assert.Equal(t, lcAdd, st)

	// Legacy rule-level Prefix: ours takes the same form.
	legacy := types.LifecycleRule{ID: aws.String("old"), Status: types.ExpirationStatusEnabled, Prefix: aws.String("tmp/"),
		Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}
	rules, _, _ = mergeLifecycle([]types.LifecycleRule{legacy}, 7)
	require.Len(t, rules, 2)
	assert.Nil(t, rules[1].Filter)
	//lint:ignore SA1019 checking the legacy form on purpose
	assert.Equal(t, "", aws.ToString(rules[1].Prefix))
}
