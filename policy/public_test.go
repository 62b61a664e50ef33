package policy_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// stmt returns a one-statement bucket policy allowing s3:GetObject on b/*
// to principal, with the condition JSON (or none).
func stmt(principal, condition string) string {
	c := ""
	if condition != "" {
		c = `,"Condition":` + condition
	}
	return `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":` + principal +
		`,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"` + c + `}]}`
}

func cond(op, key, value string) string {
	return fmt.Sprintf(`{%q:{%q:%s}}`, op, key, value)
}

func TestIsPublicPrincipals(t *testing.T) {
	tests := []struct {
		name      string
		principal string
		public    bool
	}{
		{"star", `"*"`, true},
		{"AWS star", `{"AWS":"*"}`, true},
		{"AWS star in list", `{"AWS":["arn:aws:iam::111122223333:root","*"]}`, true},
		{"federated (S3 docs example)", `{"Federated":"graph.facebook.com"}`, true},
		{"wildcard account", `{"AWS":"arn:aws:iam::*:root"}`, true},
		{"account", `{"AWS":"111122223333"}`, false},
		{"user", `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, false},
		{"service", `{"Service":"cloudfront.amazonaws.com"}`, false},
		{"canonical user", `{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := policy.IsPublic(mustParse(t, stmt(tt.principal, "")), policy.KindBucket)
			assert.Equal(t, tt.public, st.IsPublic)
			if tt.public {
				require.Len(t, st.Statements, 1)
				assert.Equal(t, "S", st.Statements[0].Sid)
				assert.NotEmpty(t, st.Statements[0].Reason)
			}
		})
	}
	notPrin := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	st := policy.IsPublic(mustParse(t, notPrin), policy.KindBucket)
	assert.True(t, st.IsPublic)
	assert.Contains(t, st.Statements[0].Reason, "NotPrincipal")

	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`
	assert.False(t, policy.IsPublic(mustParse(t, deny), policy.KindBucket).IsPublic, "a Deny is never public")
}

func TestIsPublicLimitingKeys(t *testing.T) {
	// Every key S3 counts as limiting, with a fixed value (non-public) and a
	// wildcard value (public).
	tests := []struct {
		key, op, fixed, wild string
	}{
		{"aws:PrincipalAccount", "StringEquals", `"111122223333"`, `"1111*"`},
		{"aws:PrincipalArn", "ArnEquals", `"arn:aws:iam::111122223333:role/R"`, `"arn:aws:iam::111122223333:role/*"`},
		{"aws:PrincipalOrgID", "StringEquals", `"o-abcdefghij"`, `"o-*"`},
		{"aws:SourceAccount", "StringEquals", `"111122223333"`, `"*"`},
		{"aws:SourceArn", "ArnLike", `"arn:aws:cloudfront::111122223333:distribution/E1"`, `"arn:aws:cloudfront::111122223333:distribution/*"`},
		{"aws:SourceIp", "IpAddress", `"203.0.113.0/24"`, `"0.0.0.0/1"`},
		{"aws:SourceOwner", "StringEquals", `"111122223333"`, `"${aws:username}"`},
		{"aws:SourceVpc", "StringEquals", `"vpc-91237329"`, `"vpc-*"`},
		{"aws:SourceVpce", "StringEquals", `"vpce-1a2b3c4d"`, `"vpce-?a2b3c4d"`},
		{"aws:userid", "StringEquals", `"AIDAEXAMPLE"`, `"AIDA*"`},
		{"s3:DataAccessPointAccount", "StringEquals", `"111122223333"`, `"*"`},
		{"s3:DataAccessPointArn", "StringEquals", `"arn:aws:s3:us-west-2:111122223333:accesspoint/ap"`, `"arn:aws:s3:*:111122223333:accesspoint/ap"`},
		{"s3:x-amz-server-side-encryption-aws-kms-key-id", "StringEquals", `"arn:aws:kms:us-east-1:111122223333:key/k"`, `"arn:aws:kms:*"`},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			fixed := policy.IsPublic(mustParse(t, stmt(`"*"`, cond(tt.op, tt.key, tt.fixed))), policy.KindBucket)
			assert.False(t, fixed.IsPublic, "fixed value limits")
			wild := policy.IsPublic(mustParse(t, stmt(`"*"`, cond(tt.op, tt.key, tt.wild))), policy.KindBucket)
			assert.True(t, wild.IsPublic, "wildcard or variable does not limit")
			// A list with one non-fixed value does not limit either.
			list := policy.IsPublic(mustParse(t, stmt(`"*"`, cond(tt.op, tt.key, "["+tt.fixed+","+tt.wild+"]"))), policy.KindBucket)
			assert.True(t, list.IsPublic)
		})
	}
}

func TestIsPublicConditionForms(t *testing.T) {
	tests := []struct {
		name, condition string
		public          bool
	}{
		{"S3 docs: StringLike vpc-* is public", cond("StringLike", "aws:SourceVpc", `"vpc-*"`), true},
		{"S3 docs: StringEquals vpc-91237329 is not", cond("StringEquals", "aws:SourceVpc", `"vpc-91237329"`), false},
		{"StringLike with a fixed value limits", cond("StringLike", "aws:SourceVpc", `"vpc-91237329"`), false},
		{"ignore case limits", cond("StringEqualsIgnoreCase", "aws:SourceVpce", `"vpce-1"`), false},
		{"negated does not limit", cond("StringNotEquals", "aws:SourceVpc", `"vpc-1"`), true},
		{"IfExists does not limit", cond("StringEqualsIfExists", "aws:SourceVpc", `"vpc-1"`), true},
		{"ForAllValues does not limit", cond("ForAllValues:StringEquals", "aws:SourceVpc", `"vpc-1"`), true},
		{"ForAnyValue limits", cond("ForAnyValue:StringEquals", "aws:SourceVpc", `"vpc-1"`), false},
		{"non-limiting key", cond("Bool", "aws:SecureTransport", `"true"`), true},
		{"non-limiting string key", cond("StringEquals", "aws:Referer", `"https://example.com/"`), true},
		{"NotIpAddress does not limit", cond("NotIpAddress", "aws:SourceIp", `"203.0.113.0/24"`), true},
		{"ip /8 limits", cond("IpAddress", "aws:SourceIp", `"11.0.0.0/8"`), false},
		{"ip /7 is public", cond("IpAddress", "aws:SourceIp", `"12.0.0.0/7"`), true},
		{"ip single address", cond("IpAddress", "aws:SourceIp", `"198.51.100.7"`), false},
		{"ipv6 /32 limits", cond("IpAddress", "aws:SourceIp", `"2001:db8::/32"`), false},
		{"ipv6 /31 is public", cond("IpAddress", "aws:SourceIp", `"2001:db8::/31"`), true},
		{"ip list with one broad range", cond("IpAddress", "aws:SourceIp", `["203.0.113.0/24","0.0.0.0/0"]`), true},
		{"RFC1918 range limits", cond("IpAddress", "aws:SourceIp", `"10.0.0.0/8"`), false},
		{"aws:userid role session pattern limits", cond("StringLike", "aws:userid", `"AROAEXAMPLEID:*"`), false},
		{"access point arn with wildcard name limits in bucket policy", cond("ArnLike", "s3:DataAccessPointArn", `"arn:aws:s3:us-west-2:111122223333:accesspoint/*"`), false},
		// The rule is "a wildcard for the access point name ... as long as
		// the account ID is fixed" (S3 user guide, "The meaning of
		// public"); a Multi-Region Access Point ARN has no Region, and
		// "arn:aws:s3::123456789012:accesspoint/* represents all
		// Multi-Region Access Points under the account" ("Making requests
		// through a Multi-Region Access Point").
		{"every Multi-Region Access Point of one account limits in bucket policy", cond("ArnLike", "s3:DataAccessPointArn", `"arn:aws:s3::111122223333:accesspoint/*"`), false},
		{"one Multi-Region Access Point limits", cond("StringEquals", "s3:DataAccessPointArn", `"arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap"`), false},
		{"access points of any account are public", cond("ArnLike", "s3:DataAccessPointArn", `"arn:aws:s3::*:accesspoint/*"`), true},
		{"access points of any Region are public", cond("ArnLike", "s3:DataAccessPointArn", `"arn:aws:s3:*:111122223333:accesspoint/*"`), true},
		{"two conditions: one limiting suffices", `{"Bool":{"aws:SecureTransport":"true"},"StringEquals":{"aws:SourceAccount":"111122223333"}}`, false},
		{"key name case-insensitive", cond("StringEquals", "AWS:SOURCEVPC", `"vpc-1"`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.public, policy.IsPublic(mustParse(t, stmt(`"*"`, tt.condition)), policy.KindBucket).IsPublic)
		})
	}
}

func TestIsPublicAccessPointRules(t *testing.T) {
	apSet := stmt(`"*"`, cond("ArnLike", "s3:DataAccessPointArn", `"arn:aws:s3:us-west-2:111122223333:accesspoint/*"`))
	assert.False(t, policy.IsPublic(mustParse(t, apSet), policy.KindBucket).IsPublic)
	assert.True(t, policy.IsPublic(mustParse(t, apSet), policy.KindAccessPoint).IsPublic, "a set of access points is public in an access point policy")
	one := stmt(`"*"`, cond("ArnEquals", "s3:DataAccessPointArn", `"arn:aws:s3:us-west-2:111122223333:accesspoint/ap1"`))
	assert.False(t, policy.IsPublic(mustParse(t, one), policy.KindAccessPoint).IsPublic, "one fixed access point limits")
	mraps := stmt(`"*"`, cond("ArnLike", "s3:DataAccessPointArn", `"arn:aws:s3::111122223333:accesspoint/*"`))
	assert.True(t, policy.IsPublic(mustParse(t, mraps), policy.KindAccessPoint).IsPublic, "a set of Multi-Region Access Points too")
	acct := stmt(`"*"`, cond("StringEquals", "s3:DataAccessPointAccount", `"111122223333"`))
	assert.False(t, policy.IsPublic(mustParse(t, acct), policy.KindAccessPoint).IsPublic)
}

func TestIsPublicOneStatementSuffices(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"OAC","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
	 {"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
	 {"Sid":"Vpce","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}},
	 {"Sid":"Write","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`
	st := policy.IsPublic(mustParse(t, src), policy.KindBucket)
	assert.True(t, st.IsPublic)
	require.Len(t, st.Statements, 2)
	assert.Equal(t, 1, st.Statements[0].Index)
	assert.Equal(t, "Public", st.Statements[0].Sid)
	assert.Equal(t, 3, st.Statements[1].Index)
	assert.False(t, policy.IsPublic(nil, policy.KindBucket).IsPublic)

	s, ok := mustParse(t, src).Statement("Vpce")
	require.True(t, ok)
	_, pub := policy.StatementIsPublic(s, policy.KindBucket)
	assert.False(t, pub)
}

func TestACLs(t *testing.T) {
	assert.True(t, policy.IsPublicGrantee(policy.AllUsersURI))
	assert.True(t, policy.IsPublicGrantee(policy.AuthenticatedUsersURI))
	assert.True(t, policy.IsPublicGrantee("https://acs.amazonaws.com/groups/global/AllUsers"))
	assert.True(t, policy.IsPublicGrantee("HTTP://ACS.AMAZONAWS.COM/groups/global/AllUsers"))
	assert.False(t, policy.IsPublicGrantee("http://acs.amazonaws.com/groups/s3/LogDelivery"))
	owner := policy.ACLGrant{GranteeID: "owner", Permission: "FULL_CONTROL"}
	pub := policy.ACLGrant{GranteeURI: policy.AllUsersURI, Permission: "READ"}
	auth := policy.ACLGrant{GranteeURI: policy.AuthenticatedUsersURI, Permission: "WRITE_ACP"}
	assert.False(t, policy.IsPublicACL([]policy.ACLGrant{owner}))
	assert.True(t, policy.IsPublicACL([]policy.ACLGrant{owner, pub}))
	assert.True(t, policy.IsPublicACL([]policy.ACLGrant{auth}))
	for acl, want := range map[string]bool{"private": false, "public-read": true, "public-read-write": true, "authenticated-read": true, "bucket-owner-full-control": false, "log-delivery-write": false} {
		assert.Equal(t, want, policy.IsPublicCannedACL(acl), acl)
	}
}

func TestBlockPublicAccessSettings(t *testing.T) {
	public := mustParse(t, stmt(`"*"`, ""))
	private := mustParse(t, stmt(`{"AWS":"111122223333"}`, ""))
	pub := policy.ACLGrant{GranteeURI: policy.AllUsersURI, Permission: "READ"}
	owner := policy.ACLGrant{GranteeID: "owner", Permission: "FULL_CONTROL"}

	t.Run("BlockPublicPolicy", func(t *testing.T) {
		b := policy.BlockPublicAccess{BlockPublicPolicy: true}
		ok, st := b.AllowsPolicy(public, policy.KindBucket)
		assert.False(t, ok)
		assert.True(t, st.IsPublic)
		ok, _ = b.AllowsPolicy(private, policy.KindBucket)
		assert.True(t, ok)
		ok, _ = policy.BlockPublicAccess{}.AllowsPolicy(public, policy.KindBucket)
		assert.True(t, ok, "off: a public policy may be put")
	})
	t.Run("BlockPublicAcls", func(t *testing.T) {
		b := policy.BlockPublicAccess{BlockPublicAcls: true}
		assert.False(t, b.AllowsACL([]policy.ACLGrant{owner, pub}))
		assert.True(t, b.AllowsACL([]policy.ACLGrant{owner}))
		assert.False(t, b.AllowsCannedACL("public-read"))
		assert.True(t, b.AllowsCannedACL("private"))
		assert.True(t, policy.BlockPublicAccess{}.AllowsCannedACL("public-read"))
		assert.True(t, policy.BlockPublicAccess{}.AllowsACL([]policy.ACLGrant{pub}))
	})
	t.Run("IgnorePublicAcls", func(t *testing.T) {
		b := policy.BlockPublicAccess{IgnorePublicAcls: true}
		assert.Equal(t, []policy.ACLGrant{owner}, b.EffectiveACL([]policy.ACLGrant{owner, pub}))
		assert.Equal(t, []policy.ACLGrant{owner, pub}, policy.BlockPublicAccess{}.EffectiveACL([]policy.ACLGrant{owner, pub}))
	})
	t.Run("RestrictPublicBuckets", func(t *testing.T) {
		b := policy.BlockPublicAccess{RestrictPublicBuckets: true}
		const owner = "111122223333"
		assert.False(t, b.PolicyReaches(true, anonymous, owner))
		assert.False(t, b.PolicyReaches(true, bob, owner), "cuts off other accounts too")
		assert.True(t, b.PolicyReaches(true, alice, owner))
		assert.True(t, b.PolicyReaches(true, cloudfrnt, owner))
		assert.True(t, b.PolicyReaches(false, bob, owner), "non-public policy unaffected")
		assert.True(t, policy.BlockPublicAccess{}.PolicyReaches(true, anonymous, owner))
	})
	t.Run("Effective", func(t *testing.T) {
		account := policy.BlockPublicAccess{BlockPublicPolicy: true, IgnorePublicAcls: true}
		bucket := policy.BlockPublicAccess{RestrictPublicBuckets: true}
		assert.Equal(t, policy.BlockPublicAccess{BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}, policy.Effective(account, bucket))
		assert.Equal(t, policy.AllBlocked(), policy.Effective(policy.AllBlocked(), policy.BlockPublicAccess{}))
		assert.Equal(t, policy.BlockPublicAccess{}, policy.Effective())
	})
}

func TestIsPublicGrantsByAccessLevel(t *testing.T) {
	doc := func(actions, resources string) *policy.Document {
		return mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":`+actions+`,"Resource":`+resources+`}]}`)
	}
	both := `["arn:aws:s3:::b","arn:aws:s3:::b/*"]`
	tests := []struct {
		name, actions, resources string
		read, write, unknown     []string
	}{
		{"read", `"s3:GetObjectVersionAcl"`, both, []string{"s3:GetObjectVersionAcl"}, nil, nil},
		{"list", `"s3:ListBucketVersions"`, both, []string{"s3:ListBucketVersions"}, nil, nil},
		{"write", `"s3:ReplicateObject"`, both, nil, []string{"s3:ReplicateObject"}, nil},
		{"permissions management", `"s3:PutBucketPublicAccessBlock"`, both, nil, []string{"s3:PutBucketPublicAccessBlock"}, nil},
		{"tagging", `"s3:PutObjectTagging"`, both, nil, []string{"s3:PutObjectTagging"}, nil},
		{"case and wildcard", `"S3:putobjectret*"`, both, nil, []string{"s3:PutObjectRetention"}, nil},
		{"object action on the bucket ARN grants nothing", `["s3:GetObject","s3:PutObject"]`, `"arn:aws:s3:::b"`, nil, nil, nil},
		{"bucket action on objects grants nothing", `"s3:PutBucketVersioning"`, `"arn:aws:s3:::b/*"`, nil, nil, nil},
		{"unknown action", `["s3:GetObject","s3:FrobnicateObject"]`, both, []string{"s3:GetObject"}, nil, []string{"s3:FrobnicateObject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := policy.IsPublic(doc(tt.actions, tt.resources), policy.KindBucket)
			require.True(t, st.IsPublic)
			ps := st.Statements[0]
			assert.Equal(t, tt.read, ps.Read)
			assert.Equal(t, tt.write, ps.Write)
			assert.Equal(t, tt.unknown, ps.Unknown)
		})
	}

	// Everything, by "*", "s3:*" or NotAction of a non-s3 action: every
	// catalog action that applies to a bucket or object is read or write.
	var wantRead, wantWrite []string
	for _, a := range policy.Actions() {
		if !a.AppliesTo("bucket") && !a.AppliesTo("object") {
			continue
		}
		if policy.IsReadLevel(a.AccessLevel) {
			wantRead = append(wantRead, a.Name)
		} else {
			wantWrite = append(wantWrite, a.Name)
		}
	}
	for _, d := range []*policy.Document{
		doc(`"*"`, both), doc(`"s3:*"`, both),
		mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","NotAction":"sqs:*","Resource":`+both+`}]}`),
	} {
		ps := policy.IsPublic(d, policy.KindBucket).Statements[0]
		assert.Equal(t, wantRead, ps.Read)
		assert.Equal(t, wantWrite, ps.Write)
	}
	ps := policy.IsPublic(mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","NotAction":["s3:Get*","s3:List*"],"Resource":`+both+`}]}`), policy.KindBucket).Statements[0]
	assert.NotContains(t, ps.Read, "s3:GetObject")
	assert.Contains(t, ps.Write, "s3:PutObject")
}

func TestIsReadLevel(t *testing.T) {
	assert.True(t, policy.IsReadLevel(policy.AccessRead))
	assert.True(t, policy.IsReadLevel(policy.AccessList))
	assert.False(t, policy.IsReadLevel(policy.AccessWrite))
	assert.False(t, policy.IsReadLevel(policy.AccessPermissionsManagement))
	assert.False(t, policy.IsReadLevel(policy.AccessTagging))
}

// The actions each ACL permission grants, derived from the API operations
// it allows, are those of the S3 user guide's table "Mapping of ACL
// permissions and access policy permissions" (WRITE also covers the
// multipart upload actions of creating objects).
func TestACLPermissionActions(t *testing.T) {
	assert.Equal(t, []string{"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"}, policy.ACLPermissionActions(policy.ACLRead, false))
	// The reference gives the GetObjectTorrent operation s3:GetObject.
	assert.Equal(t, []string{"s3:GetObject", "s3:GetObjectVersion"}, policy.ACLPermissionActions(policy.ACLRead, true))
	assert.Equal(t, []string{"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"}, policy.ACLPermissionActions(policy.ACLWrite, false))
	assert.Empty(t, policy.ACLPermissionActions(policy.ACLWrite, true))
	assert.Equal(t, []string{"s3:GetBucketAcl"}, policy.ACLPermissionActions(policy.ACLReadACP, false))
	assert.Equal(t, []string{"s3:GetObjectAcl", "s3:GetObjectVersionAcl"}, policy.ACLPermissionActions(policy.ACLReadACP, true))
	assert.Equal(t, []string{"s3:PutBucketAcl"}, policy.ACLPermissionActions(policy.ACLWriteACP, false))
	assert.Equal(t, []string{"s3:PutObjectAcl", "s3:PutObjectVersionAcl"}, policy.ACLPermissionActions(policy.ACLWriteACP, true))
	full := policy.ACLPermissionActions(policy.ACLFullControl, false)
	assert.Len(t, full, 3+4+1+1)
	assert.Empty(t, policy.ACLPermissionActions("READ_WRITE", false))

	for _, tc := range []struct {
		action string
		perm   string
		object bool
	}{
		{"s3:GetObject", policy.ACLRead, true},
		{"s3:GetObjectVersion", policy.ACLRead, true},
		{"S3:LISTBUCKET", policy.ACLRead, false},
		{"s3:AbortMultipartUpload", policy.ACLWrite, false},
		{"s3:DeleteObjectVersion", policy.ACLWrite, false},
		{"s3:GetObjectVersionAcl", policy.ACLReadACP, true},
		{"s3:PutBucketAcl", policy.ACLWriteACP, false},
		{"s3:PutBucketPolicy", "", false},
	} {
		perm, object := policy.ACLPermissionFor(tc.action)
		assert.Equal(t, tc.perm, perm, tc.action)
		assert.Equal(t, tc.object, object, tc.action)
	}
}
