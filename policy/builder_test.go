package policy_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

const reader = "arn:aws:iam::111122223333:role/reader"

func TestBuilderDerivesStatements(t *testing.T) {
	tests := []struct {
		name  string
		grant policy.Grant
		opts  *policy.BuildOptions
		want  string
	}{
		{"read-only under a prefix for a principal",
			policy.Grant{Sid: "Reports", Intent: policy.ReadOnly, Bucket: "reports-1", Prefix: "2024/", Principal: policy.AWSPrincipal(reader)}, nil,
			`{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"ReportsList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::reports-1","Condition":{"StringLike":{"s3:prefix":"2024/*"}}},` +
				`{"Sid":"ReportsObjects","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports-1/2024/*"}]}`},
		{"read-only whole bucket, identity policy",
			policy.Grant{Intent: policy.ReadOnly, Bucket: "reports-1"}, nil,
			`{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::reports-1"},` +
				`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports-1/*"}]}`},
		{"list only",
			policy.Grant{Intent: policy.ListOnly, Bucket: "reports-1", Prefix: "a/"}, nil,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::reports-1","Condition":{"StringLike":{"s3:prefix":"a/*"}}}]}`},
		// Listing object versions under a prefix is limited like listing
		// objects: s3:ListBucketVersions supports s3:prefix too.
		{"list versions under a prefix",
			policy.Grant{Sid: "Audit", Intent: policy.ReadOnly, Bucket: "reports-1", Prefix: "a/", Actions: []string{"s3:ListBucketVersions", "s3:GetBucketVersioning"}}, nil,
			`{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"AuditList","Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions"],"Resource":"arn:aws:s3:::reports-1","Condition":{"StringLike":{"s3:prefix":"a/*"}}},` +
				`{"Sid":"AuditBucket","Effect":"Allow","Action":"s3:GetBucketVersioning","Resource":"arn:aws:s3:::reports-1"},` +
				`{"Sid":"AuditObjects","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports-1/a/*"}]}`},
		{"write-only upload: no list, no read",
			policy.Grant{Sid: "Upload", Intent: policy.WriteOnly, Bucket: "uploads-1", Prefix: "incoming/", Principal: policy.ServicePrincipal("lambda.amazonaws.com"),
				Condition: policy.NewCondition("StringEquals", "aws:SourceAccount", "111122223333")}, nil,
			`{"Version":"2012-10-17","Statement":[{"Sid":"UploadObjects","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:aws:s3:::uploads-1/incoming/*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`},
		{"read-write with extra bucket and object actions, identity policy with a variable",
			policy.Grant{Sid: "Home", Intent: policy.ReadWrite, Bucket: "home-1", Prefix: "${aws:username}/", Actions: []string{"s3:getobjecttagging", "s3:GetBucketLocation", "s3:GetObject"}}, nil,
			`{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"HomeList","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home-1","Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}},` +
				`{"Sid":"HomeBucket","Effect":"Allow","Action":"s3:GetBucketLocation","Resource":"arn:aws:s3:::home-1"},` +
				`{"Sid":"HomeObjects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload","s3:GetObjectTagging"],"Resource":"arn:aws:s3:::home-1/${aws:username}/*"}]}`},
		{"everyone with a limiting condition",
			policy.Grant{Intent: policy.ReadOnly, Bucket: "site-1", Principal: policy.AnyPrincipal(),
				Condition: policy.NewCondition("StringEquals", "aws:SourceVpce", "vpce-1a2b3c4d")}, nil,
			`{"Version":"2012-10-17","Statement":[` +
				`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::site-1","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}},` +
				`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site-1/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`},
		{"permissions management when asked for",
			policy.Grant{Actions: []string{"s3:PutBucketPolicy"}, Bucket: "b-1", Principal: policy.AWSPrincipal("111122223333")}, &policy.BuildOptions{AllowPermissionsManagement: true},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::b-1"}]}`},
		{"action without resource type when wildcard resources are allowed",
			policy.Grant{Actions: []string{"s3:ListAllMyBuckets"}, Bucket: "b-1"}, &policy.BuildOptions{AllowWildcardResources: true},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := policy.Build([]policy.Grant{tt.grant}, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, marshal(t, doc))
			// Every object action is on an object ARN and every bucket
			// action on the bucket ARN, as the catalog says.
			for _, s := range doc.Statements {
				for _, a := range s.Action {
					act, ok := policy.LookupAction(a)
					require.True(t, ok, a)
					for _, r := range s.Resource {
						switch {
						case r == "*":
							assert.Empty(t, act.Resources, a)
						case containsSlash(r):
							assert.True(t, act.AppliesTo("object"), "%s on %s", a, r)
						default:
							assert.True(t, act.AppliesTo("bucket"), "%s on %s", a, r)
						}
					}
				}
				if _, ok := s.Condition.Get("StringLike", "s3:prefix"); ok {
					for _, a := range s.Action {
						act, _ := policy.LookupAction(a)
						assert.True(t, act.SupportsConditionKey("s3:prefix"), "s3:prefix only on the actions that support it, not %s", a)
					}
				}
			}
		})
	}
}

func containsSlash(arn string) bool {
	for i := len("arn:aws:s3:::"); i < len(arn); i++ {
		if arn[i] == '/' {
			return true
		}
	}
	return false
}

func TestBuilderRefusals(t *testing.T) {
	everyone := policy.AnyPrincipal()
	tests := []struct {
		name   string
		grant  *policy.Grant
		add    *policy.Statement
		err    error
		option string // the option that allows it; "" if none does
		allow  policy.BuildOptions
		base   *policy.BuildOptions // options under which err is expected (nil: defaults)
	}{
		{name: "s3:* action", grant: &policy.Grant{Actions: []string{"s3:*"}, Bucket: "b-1"}, err: policy.ErrWildcardAction, option: "AllowWildcardActions",
			allow: policy.BuildOptions{AllowWildcardActions: true, AllowPermissionsManagement: true}},
		{name: "* action", add: &policy.Statement{Effect: policy.Allow, Action: policy.Values{"*"}, Resource: policy.Values{"arn:aws:s3:::b-1"}}, err: policy.ErrWildcardAction, option: "AllowWildcardActions",
			allow: policy.BuildOptions{AllowWildcardActions: true, AllowPermissionsManagement: true}},
		{name: "s3:Get* pattern", add: &policy.Statement{Effect: policy.Allow, Action: policy.Values{"s3:Get*"}, Resource: policy.Values{"arn:aws:s3:::b-1/*"}}, err: policy.ErrWildcardAction, option: "AllowWildcardActions",
			allow: policy.BuildOptions{AllowWildcardActions: true}},
		{name: "s3:Put* includes permissions management", add: &policy.Statement{Effect: policy.Allow, Action: policy.Values{"s3:Put*"}, Resource: policy.Values{"arn:aws:s3:::b-1/*"}}, err: policy.ErrPermissionsManagement, option: "AllowPermissionsManagement",
			allow: policy.BuildOptions{AllowWildcardActions: true, AllowPermissionsManagement: true}, base: &policy.BuildOptions{AllowWildcardActions: true}},
		{name: "wildcard bucket", grant: &policy.Grant{Intent: policy.ReadOnly, Bucket: "logs-*"}, err: policy.ErrWildcardResource, option: "AllowWildcardResources",
			allow: policy.BuildOptions{AllowWildcardResources: true}},
		{name: "wildcard prefix", grant: &policy.Grant{Intent: policy.ReadOnly, Bucket: "b-1", Prefix: "*/x/"}, err: policy.ErrWildcardResource, option: "AllowWildcardResources",
			allow: policy.BuildOptions{AllowWildcardResources: true}},
		{name: "resource *", add: &policy.Statement{Effect: policy.Allow, Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{"*"}}, err: policy.ErrWildcardResource, option: "AllowWildcardResources",
			allow: policy.BuildOptions{AllowWildcardResources: true}},
		{name: "resource arn:aws:s3:::*", add: &policy.Statement{Effect: policy.Allow, Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{"arn:aws:s3:::*/*"}}, err: policy.ErrWildcardResource, option: "AllowWildcardResources",
			allow: policy.BuildOptions{AllowWildcardResources: true}},
		{name: "action needing Resource *", grant: &policy.Grant{Actions: []string{"s3:ListAllMyBuckets"}, Bucket: "b-1"}, err: policy.ErrWildcardResource, option: "AllowWildcardResources",
			allow: policy.BuildOptions{AllowWildcardResources: true}},
		{name: "public read", grant: &policy.Grant{Intent: policy.ReadOnly, Bucket: "site-1", Principal: everyone}, err: policy.ErrPublicGrant, option: "AllowPublic",
			allow: policy.BuildOptions{AllowPublic: true}},
		{name: "public via AWS *", add: &policy.Statement{Effect: policy.Allow, Principal: policy.AWSPrincipal("*"), Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{"arn:aws:s3:::b-1/*"}}, err: policy.ErrPublicGrant, option: "AllowPublic",
			allow: policy.BuildOptions{AllowPublic: true}},
		{name: "public with a non-limiting condition", grant: &policy.Grant{Intent: policy.ReadOnly, Bucket: "site-1", Principal: everyone, Condition: policy.NewCondition("Bool", "aws:SecureTransport", "true")}, err: policy.ErrPublicGrant, option: "AllowPublic",
			allow: policy.BuildOptions{AllowPublic: true}},
		{name: "NotPrincipal with Allow", add: &policy.Statement{Effect: policy.Allow, NotPrincipal: policy.AWSPrincipal("111122223333"), Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{"arn:aws:s3:::b-1/*"}}, err: policy.ErrNotPrincipalAllow, option: "AllowNotPrincipal",
			// Allow+NotPrincipal without a limiting condition is also public.
			allow: policy.BuildOptions{AllowNotPrincipal: true, AllowPublic: true}},
		{name: "NotPrincipal with Allow limited to a VPC endpoint", add: &policy.Statement{Effect: policy.Allow, NotPrincipal: policy.AWSPrincipal("111122223333"), Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{"arn:aws:s3:::b-1/*"},
			Condition: policy.NewCondition("StringEquals", "aws:SourceVpce", "vpce-1a2b3c4d")}, err: policy.ErrNotPrincipalAllow, option: "AllowNotPrincipal",
			allow: policy.BuildOptions{AllowNotPrincipal: true}},
		{name: "NotResource with Allow", add: &policy.Statement{Effect: policy.Allow, Action: policy.Values{"s3:GetObject"}, NotResource: policy.Values{"arn:aws:s3:::b-1/private/*"}}, err: policy.ErrNotActionOrResourceAllow, option: "AllowNotActionOrNotResource",
			allow: policy.BuildOptions{AllowNotActionOrNotResource: true}},
		{name: "NotAction with Allow", add: &policy.Statement{Effect: policy.Allow, NotAction: policy.Values{"s3:DeleteObject"}, Resource: policy.Values{"arn:aws:s3:::b-1/*"}}, err: policy.ErrNotActionOrResourceAllow, option: "AllowNotActionOrNotResource",
			// NotAction "s3:DeleteObject" also grants PutBucketPolicy & co.
			allow: policy.BuildOptions{AllowNotActionOrNotResource: true, AllowPermissionsManagement: true}},
		{name: "permissions management through NotAction", add: &policy.Statement{Effect: policy.Allow, NotAction: policy.Values{"s3:DeleteObject"}, Resource: policy.Values{"arn:aws:s3:::b-1/*"}},
			base: &policy.BuildOptions{AllowNotActionOrNotResource: true}, err: policy.ErrPermissionsManagement, option: "AllowPermissionsManagement",
			allow: policy.BuildOptions{AllowNotActionOrNotResource: true, AllowPermissionsManagement: true}},
		{name: "permissions management in a grant", grant: &policy.Grant{Intent: policy.ReadWrite, Actions: []string{"s3:PutObjectAcl"}, Bucket: "b-1"}, err: policy.ErrPermissionsManagement, option: "AllowPermissionsManagement",
			allow: policy.BuildOptions{AllowPermissionsManagement: true}},
		{name: "permissions management added", add: &policy.Statement{Effect: policy.Allow, Action: policy.Values{"s3:PutBucketAcl"}, Resource: policy.Values{"arn:aws:s3:::b-1"}}, err: policy.ErrPermissionsManagement, option: "AllowPermissionsManagement",
			allow: policy.BuildOptions{AllowPermissionsManagement: true}},
		{name: "ready-made delegate to access points", add: func() *policy.Statement {
			s := must(t)(policy.DelegateToAccessPoints("b-1", testAccount))
			return &s
		}(), err: policy.ErrWildcardAction, option: "AllowWildcardActions", allow: policy.BuildOptions{AllowWildcardActions: true, AllowPermissionsManagement: true}},
		{name: "lower-case effect", add: &policy.Statement{Effect: "allow", Principal: policy.AnyPrincipal(), Action: policy.Values{"s3:*"}, Resource: policy.Values{"*"}}, err: policy.ErrInvalidGrant},
		{name: "no effect", add: &policy.Statement{Principal: policy.AnyPrincipal(), Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{"arn:aws:s3:::b-1/*"}}, err: policy.ErrInvalidGrant},
		{name: "no bucket", grant: &policy.Grant{Intent: policy.ReadOnly}, err: policy.ErrInvalidGrant},
		{name: "bad bucket", grant: &policy.Grant{Intent: policy.ReadOnly, Bucket: "a/b"}, err: policy.ErrInvalidGrant},
		{name: "bad sid", grant: &policy.Grant{Sid: "a-b", Intent: policy.ReadOnly, Bucket: "b-1"}, err: policy.ErrInvalidGrant},
		{name: "unknown intent", grant: &policy.Grant{Intent: "everything", Bucket: "b-1"}, err: policy.ErrInvalidGrant},
		{name: "nothing to grant", grant: &policy.Grant{Bucket: "b-1"}, err: policy.ErrInvalidGrant},
		{name: "unknown action", grant: &policy.Grant{Actions: []string{"s3:GetEverything"}, Bucket: "b-1"}, err: policy.ErrInvalidGrant},
		{name: "other service", grant: &policy.Grant{Actions: []string{"iam:PassRole"}, Bucket: "b-1"}, err: policy.ErrInvalidGrant},
		{name: "job action", grant: &policy.Grant{Actions: []string{"s3:DescribeJob"}, Bucket: "b-1"}, err: policy.ErrInvalidGrant},
		{name: "leading slash prefix", grant: &policy.Grant{Intent: policy.ReadOnly, Bucket: "b-1", Prefix: "/x"}, err: policy.ErrInvalidGrant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := func(opts *policy.BuildOptions) error {
				b := policy.NewBuilder(opts)
				if tt.grant != nil {
					return b.Grant(*tt.grant)
				}
				return b.Add(*tt.add)
			}
			err := run(tt.base)
			require.ErrorIs(t, err, tt.err)
			var be *policy.BuildError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, tt.option, be.Option)
			assert.Regexp(t, `^policy: statement `, err.Error())
			assert.Equal(t, 1, strings.Count(err.Error(), "policy: "), "one prefix: %s", err)
			if tt.option != "" {
				assert.Contains(t, err.Error(), "set BuildOptions."+tt.option+" to allow it")
				// The named option (and only what it needs) lets it through.
				assert.NoError(t, run(&tt.allow))
				// Every other option alone does not.
				assert.ErrorIs(t, run(&policy.BuildOptions{
					AllowWildcardActions:        tt.option != "AllowWildcardActions",
					AllowWildcardResources:      tt.option != "AllowWildcardResources",
					AllowPublic:                 tt.option != "AllowPublic",
					AllowNotPrincipal:           tt.option != "AllowNotPrincipal",
					AllowNotActionOrNotResource: tt.option != "AllowNotActionOrNotResource",
					AllowPermissionsManagement:  tt.option != "AllowPermissionsManagement",
				}), tt.err)
			}
		})
	}
}

func TestBuilderNothingAddedOnError(t *testing.T) {
	b := policy.NewBuilder(nil)
	require.NoError(t, b.Grant(policy.Grant{Intent: policy.ReadOnly, Bucket: "b-1"}))
	require.Error(t, b.Grant(policy.Grant{Intent: policy.ReadOnly, Actions: []string{"s3:PutBucketPolicy"}, Bucket: "b-1"}))
	doc, err := b.Document()
	require.NoError(t, err)
	assert.Len(t, doc.Statements, 2)
}

func TestBuilderDenyIsNeverRefused(t *testing.T) {
	b := policy.NewBuilder(nil)
	for _, s := range []policy.Statement{
		must(t)(policy.DenyInsecureTransport("b-1")),
		{Effect: policy.Deny, Principal: policy.AnyPrincipal(), NotAction: policy.Values{"s3:GetObject"}, NotResource: policy.Values{"*"}},
	} {
		assert.NoError(t, b.Add(s))
	}
}

func TestBuilderDocumentErrors(t *testing.T) {
	_, err := policy.NewBuilder(nil).Document()
	assert.ErrorIs(t, err, policy.ErrInvalidGrant)

	_, err = policy.Build([]policy.Grant{
		{Intent: policy.ReadOnly, Bucket: "b-1", Principal: policy.AWSPrincipal(reader)},
		{Intent: policy.ReadOnly, Bucket: "b-2"},
	}, nil)
	assert.ErrorIs(t, err, policy.ErrInvalidGrant)
	assert.Contains(t, err.Error(), "mixed")

	_, err = policy.Build([]policy.Grant{
		{Sid: "A", Intent: policy.WriteOnly, Bucket: "b-1"},
		{Sid: "A", Intent: policy.WriteOnly, Bucket: "b-2"},
	}, nil)
	assert.ErrorIs(t, err, policy.ErrDuplicateSid)
}

// TestPublicLimitingConditions pins which conditions make an Allow to
// everyone non-public, following S3's definition.
func TestPublicLimitingConditions(t *testing.T) {
	tests := []struct {
		name    string
		cond    policy.Condition
		limited bool
	}{
		{"none", nil, false},
		{"SourceIp /24", policy.NewCondition("IpAddress", "aws:SourceIp", "203.0.113.0/24"), true},
		{"SourceIp /8", policy.NewCondition("IpAddress", "aws:SourceIp", "10.0.0.0/8"), true},
		{"SourceIp single address", policy.NewCondition("IpAddress", "aws:SourceIp", "203.0.113.7"), true},
		{"SourceIp /7", policy.NewCondition("IpAddress", "aws:SourceIp", "10.0.0.0/7"), false},
		{"SourceIp one wide range of two", policy.NewCondition("IpAddress", "aws:SourceIp", "203.0.113.0/24", "0.0.0.0/1"), false},
		{"SourceIp IPv6 /32", policy.NewCondition("IpAddress", "aws:SourceIp", "2001:db8::/32"), true},
		{"SourceIp IPv6 /31", policy.NewCondition("IpAddress", "aws:SourceIp", "2001:db8::/31"), false},
		{"NotIpAddress", policy.NewCondition("NotIpAddress", "aws:SourceIp", "203.0.113.0/24"), false},
		{"SourceIp garbage", policy.NewCondition("IpAddress", "aws:SourceIp", "nope"), false},
		{"SourceVpc fixed", policy.NewCondition("StringEquals", "aws:SourceVpc", "vpc-91237329"), true},
		{"SourceVpc wildcard", policy.NewCondition("StringLike", "aws:SourceVpc", "vpc-*"), false},
		{"SourceVpce IfExists", policy.NewCondition("StringEqualsIfExists", "aws:SourceVpce", "vpce-1a2b3c4d"), false},
		// ForAllValues is true when the key is absent, so it limits nothing.
		{"ForAllValues", policy.NewCondition("ForAllValues:StringEquals", "aws:SourceVpce", "vpce-1a2b3c4d"), false},
		{"negated", policy.NewCondition("StringNotEquals", "aws:SourceVpce", "vpce-1a2b3c4d"), false},
		{"PrincipalOrgID", policy.NewCondition("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"), true},
		{"key case-insensitive", policy.NewCondition("StringEquals", "AWS:principalorgid", "o-a1b2c3d4e5"), true},
		{"PrincipalOrgID variable", policy.NewCondition("StringEquals", "aws:PrincipalOrgID", "${aws:PrincipalOrgID}"), false},
		{"SourceArn ArnLike fixed", policy.NewCondition("ArnLike", "aws:SourceArn", "arn:aws:s3:::b-1"), true},
		{"SourceAccount", policy.NewCondition("StringEquals", "aws:SourceAccount", "111122223333"), true},
		// S3 accepts any session of one role ("AROLEID:*") as limiting.
		{"userid role sessions", policy.NewCondition("StringLike", "aws:userid", "AROAEXAMPLE:*"), true},
		{"userid wildcard", policy.NewCondition("StringLike", "aws:userid", "*:alice"), false},
		{"kms key id", policy.NewCondition("StringEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"), true},
		{"access point account", policy.NewCondition("StringEquals", "s3:DataAccessPointAccount", "111122223333"), true},
		{"access point any name of one account", policy.NewCondition("ArnLike", "s3:DataAccessPointArn", "arn:aws:s3:us-west-2:111122223333:accesspoint/*"), true},
		{"access point any account", policy.NewCondition("ArnLike", "s3:DataAccessPointArn", "arn:aws:s3:us-west-2:*:accesspoint/*"), false},
		{"limiting and non-limiting together", policy.NewCondition("Bool", "aws:SecureTransport", "true").With("StringEquals", "aws:SourceVpce", "vpce-1a2b3c4d"), true},
		{"empty value", policy.NewCondition("StringEquals", "aws:SourceVpce", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := policy.NewBuilder(nil).Add(policy.Statement{
				Effect: policy.Allow, Principal: policy.AnyPrincipal(), Action: policy.Values{"s3:GetObject"},
				Resource: policy.Values{"arn:aws:s3:::b-1/*"}, Condition: tt.cond,
			})
			if tt.limited {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, policy.ErrPublicGrant)
			}
		})
	}
}

func TestIntentActions(t *testing.T) {
	for _, i := range []policy.Intent{policy.ListOnly, policy.ReadOnly, policy.WriteOnly, policy.ReadWrite} {
		acts := i.Actions()
		require.NotEmpty(t, acts, i)
		for _, a := range acts {
			act, ok := policy.LookupAction(a)
			require.True(t, ok, a)
			assert.NotEqual(t, policy.AccessPermissionsManagement, act.AccessLevel, a)
		}
	}
	assert.Nil(t, policy.Intent("x").Actions())
	assert.NotContains(t, policy.WriteOnly.Actions(), "s3:GetObject")
	assert.NotContains(t, policy.WriteOnly.Actions(), "s3:ListBucket")
}

// TestBuilderPrefixDoesNotWidenAGrantsCondition pins that a grant's own
// StringLike s3:prefix condition and its Prefix are not merged into one
// list of values: values of one key under one operator are ORed ("If you
// specify multiple values for a single condition key, AWS evaluates them
// using a logical OR", IAM user guide, "Creating a condition with multiple
// keys or values"), so the listing statement allowed listing under
// "public/" as well as the Prefix "reports/" that its objects were limited
// to. Such a grant is refused; StringEquals on s3:prefix beside Prefix is
// ANDed, only narrows, and is kept.
func TestBuilderPrefixDoesNotWidenAGrantsCondition(t *testing.T) {
	for _, key := range []string{"s3:prefix", "S3:Prefix"} {
		g := policy.Grant{Intent: policy.ReadOnly, Bucket: "b-1", Prefix: "reports/", Condition: policy.NewCondition("StringLike", key, "public/*")}
		doc, err := policy.Build([]policy.Grant{g}, nil)
		require.ErrorIs(t, err, policy.ErrInvalidGrant, "%s: %v", key, doc)
		var be *policy.BuildError
		require.ErrorAs(t, err, &be)
		assert.Contains(t, be.Reason, "s3:prefix")
	}

	g := policy.Grant{Intent: policy.ReadOnly, Bucket: "b-1", Prefix: "reports/", Condition: policy.NewCondition("StringEquals", "s3:prefix", "reports/2026/")}
	doc, err := policy.Build([]policy.Grant{g}, nil)
	require.NoError(t, err)
	c, err := policy.Compile(doc)
	require.NoError(t, err)
	list := func(prefix string) policy.Decision {
		r := &policy.Request{Caller: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::b-1"}
		r.Context.Set("s3:prefix", prefix)
		return c.Decide(r).Decision
	}
	assert.Equal(t, policy.DecisionAllow, list("reports/2026/"))
	assert.Equal(t, policy.DecisionDeny, list("reports/2025/"))
	assert.Equal(t, policy.DecisionDeny, list("public/"))
}
