package securebucket_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// An adversarial review of the audit's verdicts: for each control, the
// bucket state a misconfiguration (or an attacker) produces, put through the
// real S3 client into the fake, and the verdict AWS's definition gives.
// The rules that decide public access are S3's ("The meaning of public",
// S3 user guide, Blocking public access): a bucket policy is public unless
// every public statement grants access only to fixed values of the keys S3
// lists; an ACL is public if it grants any permission to AllUsers or
// AuthenticatedUsers.

// advPolicy is a bucket policy with one statement, whose ARNs name the
// bucket B ("arn:aws:s3:::B").
func advPolicy(bucket, statement string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.ReplaceAll(statement, ":::B", ":::"+bucket) + `]}`
}

const advResources = `"Resource":["arn:aws:s3:::B","arn:aws:s3:::B/*"]`

// Every public statement fails S3.2 or S3.3 whatever condition it carries,
// unless the condition limits it to fixed values of a key S3 names; the
// PASS rows are the conditions S3 itself counts as limiting.
func TestAuditAdversarialPublicPolicies(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite}
	for i, tc := range []struct {
		name, stmt  string
		read, write securebucket.Status
	}{
		// "Ranges broader than /8 (IPv4) or /32 (IPv6) are public".
		{"SourceIp 0.0.0.0/0", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"SourceIp private and 0.0.0.0/1", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","0.0.0.0/1"]}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"SourceIp ::/0", `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject",` + advResources + `,"Condition":{"IpAddress":{"aws:SourceIp":"::/0"}}}`, securebucket.StatusPass, securebucket.StatusFail},
		{"SourceIp IPv4-mapped ::ffff:0:0/96", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"IpAddress":{"aws:SourceIp":"::ffff:0.0.0.0/96"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"SourceIp /24 limits", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`, securebucket.StatusPass, securebucket.StatusPass},
		{"NotIpAddress", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		// A wildcard value is not a fixed value.
		{"PrincipalArn StringLike *", `{"Effect":"Allow","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"StringLike":{"aws:PrincipalArn":"*"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		{"PrincipalArn ArnLike any account", `{"Effect":"Allow","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deploy"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		{"SourceVpc vpc-*", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"SourceVpc fixed limits", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringEquals":{"aws:SourceVpc":"vpc-91237329"}}}`, securebucket.StatusPass, securebucket.StatusPass},
		{"SourceVpce key in upper case limits", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringEquals":{"AWS:SOURCEVPCE":"vpce-1a2b3c4d"}}}`, securebucket.StatusPass, securebucket.StatusPass},
		{"policy variable", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"userid role sessions limits", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringLike":{"aws:userid":"AROAEXAMPLEID:*"}}}`, securebucket.StatusPass, securebucket.StatusPass},
		{"userid any role", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringLike":{"aws:userid":"AROA*:*"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"access point of any account", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:*:accesspoint/*"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		// Conditions that hold when the key is absent do not limit.
		{"IfExists", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"StringNotEquals", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"ForAllValues", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"Null SourceVpce false", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"Null":{"aws:SourceVpce":"false"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"SecureTransport is no limit", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` + advResources + `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		// Principals.
		{"NotPrincipal Allow", `{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject",` + advResources + `}`, securebucket.StatusFail, securebucket.StatusPass},
		{"root of any account", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"s3:PutObject",` + advResources + `}`, securebucket.StatusPass, securebucket.StatusFail},
		{"federated", `{"Effect":"Allow","Principal":{"Federated":"graph.facebook.com"},"Action":"s3:GetObject",` + advResources + `}`, securebucket.StatusFail, securebucket.StatusPass},
		{"AWS * among fixed", `{"Effect":"Allow","Principal":{"AWS":["111122223333","*"]},"Action":"s3:GetObject",` + advResources + `}`, securebucket.StatusFail, securebucket.StatusPass},
		// Resources and actions.
		{"NotResource", `{"Effect":"Allow","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::B/private/*"}`, securebucket.StatusFail, securebucket.StatusFail},
		{"NotAction", `{"Effect":"Allow","Principal":"*","NotAction":"s3:GetObject",` + advResources + `}`, securebucket.StatusFail, securebucket.StatusFail},
		{"bucket name wildcard", `{"Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"arn:aws:s3:::B*"}`, securebucket.StatusFail, securebucket.StatusPass},
		{"action in upper case", `{"Effect":"Allow","Principal":"*","Action":"S3:GETOBJECT",` + advResources + `}`, securebucket.StatusFail, securebucket.StatusPass},
		{"action with ?", `{"Effect":"Allow","Principal":"*","Action":"s3:Put?bject",` + advResources + `}`, securebucket.StatusPass, securebucket.StatusFail},
		{"NotAction s3:* grants no S3 action", `{"Effect":"Allow","Principal":"*","NotAction":"s3:*",` + advResources + `}`, securebucket.StatusPass, securebucket.StatusPass},
		{"Action * short ARN", `{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:*"}`, securebucket.StatusFail, securebucket.StatusFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := sprintf("adv-public-%d", i)
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			doc := advPolicy(bucket, tc.stmt)
			putPolicy(t, c, bucket, doc)
			// A statement S3 counts public that grants no S3 action is still
			// reported by Validate.
			grantsNothing := tc.name == "NotAction s3:* grants no S3 action"
			public := tc.read == securebucket.StatusFail || tc.write == securebucket.StatusFail || grantsNothing
			assert.Equal(t, public, hasFinding(policy.Validate([]byte(doc), nil), policy.CodePublicAccess), "policy.Validate agrees")
			rep, err := securebucket.Audit(t.Context(), c, bucket, ao)
			require.NoError(t, err)
			got := statuses(rep)
			assert.Equal(t, tc.read, got[securebucket.ControlPublicRead], "S3.2: %v", rep.Results)
			assert.Equal(t, tc.write, got[securebucket.ControlPublicWrite], "S3.3: %v", rep.Results)
		})
	}
}

// A public ACL is public read or write by its permission until
// IgnorePublicAcls is on (BlockPublicAcls only refuses new public ACLs:
// "doesn't affect existing ACLs"), or ACLs are disabled.
func TestAuditAdversarialPublicACL(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite, securebucket.ControlACLs}
	const allUsers, authUsers = "http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	// The fake keeps a group URI as it is sent (so does moto_server 5.2.1:
	// https, lower case and upper case came back unchanged from
	// GetBucketAcl when checked by hand). policy.IsPublicGrantee,
	// the library's rule for a public grantee (and what
	// PlanAccountPublicAccessBlock applies to the same ACL), compares
	// case-insensitively, http or https: S3.2 and S3.3 reported these two
	// grants PASS, comparing the URI byte for byte.
	const allUsersHTTPS, authUsersLower = "https://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/authenticatedusers"
	for i, tc := range []struct {
		name        string
		grantee     string
		perm        s3types.Permission
		bpa         *s3types.PublicAccessBlockConfiguration
		read, write securebucket.Status
	}{
		{"AllUsers READ, BlockPublicAcls only", allUsers, s3types.PermissionRead,
			&s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)},
			securebucket.StatusFail, securebucket.StatusPass},
		{"AuthenticatedUsers WRITE, no BPA", authUsers, s3types.PermissionWrite, nil, securebucket.StatusPass, securebucket.StatusFail},
		{"AuthenticatedUsers WRITE_ACP", authUsers, s3types.PermissionWriteAcp, nil, securebucket.StatusPass, securebucket.StatusFail},
		{"AllUsers FULL_CONTROL", allUsers, s3types.PermissionFullControl, nil, securebucket.StatusFail, securebucket.StatusFail},
		{"AllUsers over https READ", allUsersHTTPS, s3types.PermissionRead, nil, securebucket.StatusFail, securebucket.StatusPass},
		{"authenticatedusers in lower case WRITE", authUsersLower, s3types.PermissionWrite, nil, securebucket.StatusPass, securebucket.StatusFail},
		{"AllUsers FULL_CONTROL, IgnorePublicAcls", allUsers, s3types.PermissionFullControl,
			&s3types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)},
			securebucket.StatusPass, securebucket.StatusPass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := sprintf("adv-acl-%d", i)
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			_, err := c.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String(bucket), AccessControlPolicy: &s3types.AccessControlPolicy{
				Owner:  &s3types.Owner{ID: aws.String(s3fake.CanonicalUserID(account))},
				Grants: []s3types.Grant{{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String(tc.grantee)}, Permission: tc.perm}},
			}})
			require.NoError(t, err)
			if tc.bpa != nil {
				_, err := c.PutPublicAccessBlock(t.Context(), &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket), PublicAccessBlockConfiguration: tc.bpa})
				require.NoError(t, err)
			}
			rep, err := securebucket.Audit(t.Context(), c, bucket, ao)
			require.NoError(t, err)
			got := statuses(rep)
			assert.Equal(t, tc.read, got[securebucket.ControlPublicRead], "S3.2: %v", rep.Results)
			assert.Equal(t, tc.write, got[securebucket.ControlPublicWrite], "S3.3: %v", rep.Results)
			assert.Equal(t, securebucket.StatusFail, got[securebucket.ControlACLs], "S3.12: ACLs are enabled (ObjectWriter)")
		})
	}
}

// S3.5 (and the outdated-TLS deny) pass only on a statement that denies
// every principal every S3 action on the bucket and its objects whenever
// the request is not over TLS: a narrower deny leaves some plain-HTTP
// request allowed.
func TestAuditAdversarialTLSDeny(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlTLSOnly, securebucket.ControlOutdatedTLS}
	const insecure = `"Condition":{"Bool":{"aws:SecureTransport":"false"}}`
	const oldTLS = `"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}`
	for i, tc := range []struct {
		name     string
		stmt     string
		tls, old securebucket.Status
	}{
		{"Security Hub's sample", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,` + insecure + `}`, securebucket.StatusPass, securebucket.StatusFail},
		{"JSON false and BoolIfExists", `{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"*",` + advResources + `,"Condition":{"BoolIfExists":{"aws:SecureTransport":false}}}`, securebucket.StatusPass, securebucket.StatusFail},
		{"objects only", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::B/*",` + insecure + `}`, securebucket.StatusFail, securebucket.StatusFail},
		{"one prefix of objects", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B","arn:aws:s3:::B/public/*"],` + insecure + `}`, securebucket.StatusFail, securebucket.StatusFail},
		{"reads only", `{"Effect":"Deny","Principal":"*","Action":"s3:Get*",` + advResources + `,` + insecure + `}`, securebucket.StatusFail, securebucket.StatusFail},
		{"NotAction", `{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject",` + advResources + `,` + insecure + `}`, securebucket.StatusFail, securebucket.StatusFail},
		{"one account only", `{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*",` + advResources + `,` + insecure + `}`, securebucket.StatusFail, securebucket.StatusFail},
		{"NotPrincipal", `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*",` + advResources + `,` + insecure + `}`, securebucket.StatusFail, securebucket.StatusFail},
		{"narrowed by a second condition", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		{"string true", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		{"Allow with SecureTransport true is no deny", `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*",` + advResources + `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		{"TLS 1.2 minimum", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,` + oldTLS + `}`, securebucket.StatusFail, securebucket.StatusPass},
		{"TLS 1.1 minimum", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.1"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		// "Numeric condition operators let you construct Condition elements
		// that restrict access based on comparing a key to an integer or
		// decimal value" (IAM User Guide, Condition operators). These are
		// neither: policy.Compile refuses them and the evaluator denies
		// nothing with them (Validate: TYPE_MISMATCH_NUMBER), yet the audit
		// read them with strconv.ParseFloat (+Inf, 1.25, 12) and passed.
		{"TLS minimum Infinity", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"Infinity"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		{"TLS minimum hexadecimal", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"0x1.4p0"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		{"TLS minimum with an underscore", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1_2"}}}`, securebucket.StatusFail, securebucket.StatusFail},
		{"TLS 1.3 minimum", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"TLS LessThanEquals 1.2", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"NumericLessThanEquals":{"s3:TlsVersion":"1.2"}}}`, securebucket.StatusFail, securebucket.StatusPass},
		{"TLS LessThanEquals 1.1", `{"Effect":"Deny","Principal":"*","Action":"s3:*",` + advResources + `,"Condition":{"NumericLessThanEquals":{"s3:TlsVersion":"1.1"}}}`, securebucket.StatusFail, securebucket.StatusFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := sprintf("adv-tls-%d", i)
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			putPolicy(t, c, bucket, advPolicy(bucket, tc.stmt))
			rep, err := securebucket.Audit(t.Context(), c, bucket, ao)
			require.NoError(t, err)
			got := statuses(rep)
			assert.Equal(t, tc.tls, got[securebucket.ControlTLSOnly], "S3.5: %v", rep.Results)
			assert.Equal(t, tc.old, got[securebucket.ControlOutdatedTLS], "outdated TLS: %v", rep.Results)
		})
	}
}

// S3.6 fails on any Allow of a permission-changing action to a principal of
// another account, whatever the condition (the config rule ignores
// conditions), and passes a grant to the account's own principals.
func TestAuditAdversarialCrossAccount(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlCrossAccount}
	for i, tc := range []struct {
		name, stmt string
		want       securebucket.Status
	}{
		{"other account root", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::B"}`, securebucket.StatusFail},
		{"other account session", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::444455556666:assumed-role/deploy/s"},"Action":"s3:Put*",` + advResources + `}`, securebucket.StatusFail},
		{"NotAction to another account", `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"NotAction":"s3:GetObject",` + advResources + `}`, securebucket.StatusFail},
		{"everyone limited to own account", `{"Effect":"Allow","Principal":"*","Action":"s3:PutObjectAcl",` + advResources + `,"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`, securebucket.StatusFail},
		{"NotPrincipal", `{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:DeleteBucketPolicy","Resource":"arn:aws:s3:::B"}`, securebucket.StatusFail},
		{"any account's role", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:role/admin"},"Action":"s3:PutEncryptionConfiguration","Resource":"arn:aws:s3:::B"}`, securebucket.StatusFail},
		{"Action * to another account", `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"*",` + advResources + `}`, securebucket.StatusFail},
		{"action name in upper case", `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"S3:PUTBUCKETACL","Resource":"arn:aws:s3:::B"}`, securebucket.StatusFail},
		{"own role", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/admin"},"Action":"s3:*",` + advResources + `}`, securebucket.StatusPass},
		{"other account reads only", `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject",` + advResources + `}`, securebucket.StatusPass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := sprintf("adv-xacct-%d", i)
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			putPolicy(t, c, bucket, advPolicy(bucket, tc.stmt))
			rep, err := securebucket.Audit(t.Context(), c, bucket, ao)
			require.NoError(t, err)
			assert.Equal(t, tc.want, statuses(rep)[securebucket.ControlCrossAccount], "S3.6: %v", rep.Results)
		})
	}
}

// AuditAll exempts from S3.9 a bucket that receives other buckets' access
// logs (Security Hub recommends suppressing the finding on the log bucket).
// A bucket another bucket merely names as its target, while S3 delivers no
// logs into it, is not a log bucket: a target with a default Object Lock
// retention period gets no logs (S3 user guide, server access logging:
// the destination bucket must have no default retention period; Security
// Hub's S3.9 requires the same; ../shared/REFERENCE.md 3.1 and 5.1). Its
// own S3.9 was NOT_APPLICABLE, which passes a gate, with logging off.
func TestAuditAllNamedLogTargetNotExempt(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "src-logged", s3fake.StateAWSDefault)
	require.NoError(t, f.CreateBucketWith("locked-data", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, ObjectLock: true}))
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "locked-data", TargetPrefix: "src/"}
	_, err := securebucket.Harden(t.Context(), c, "src-logged", o)
	require.NoError(t, err)
	ao := &securebucket.AuditOptions{AccountID: account, Retry: fastRetry, Controls: []securebucket.Control{securebucket.ControlLogging}}
	logging := func() map[string]securebucket.ControlResult {
		fleet, err := securebucket.AuditAll(t.Context(), c, ao)
		require.NoError(t, err)
		out := map[string]securebucket.ControlResult{}
		for _, b := range fleet.Buckets {
			require.NoError(t, b.Err)
			out[b.Bucket] = b.Results[0]
		}
		return out
	}
	got := logging()
	assert.Equal(t, securebucket.StatusPass, got["src-logged"].Status, got["src-logged"].Message)
	assert.Equal(t, securebucket.StatusNotApplicable, got["locked-data"].Status, "logs are delivered into it: %s", got["locked-data"].Message)

	_, err = c.PutObjectLockConfiguration(t.Context(), &s3.PutObjectLockConfigurationInput{Bucket: aws.String("locked-data"),
		ObjectLockConfiguration: &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled,
			Rule: &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{Mode: s3types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}})
	require.NoError(t, err)
	got = logging()
	assert.Equal(t, securebucket.StatusFail, got["src-logged"].Status, got["src-logged"].Message)
	assert.Equal(t, securebucket.StatusFail, got["locked-data"].Status, "no logs are delivered into it, and its own logging is off: %s", got["locked-data"].Message)
}

// Settings a misconfiguration leaves behind, each judged as Security Hub's
// control defines it.
func TestAuditAdversarialSettings(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlVersioning, securebucket.ControlVersionedLifecycle, securebucket.ControlKMS, securebucket.ControlSSECBlocked}

	// S3.14 "fails if versioning is Suspended"; S3.10 judges only buckets
	// with versioning enabled.
	bucketIn(t, f, "adv-suspended", s3fake.StateAWSDefault)
	for _, st := range []s3types.BucketVersioningStatus{s3types.BucketVersioningStatusEnabled, s3types.BucketVersioningStatusSuspended} {
		_, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String("adv-suspended"), VersioningConfiguration: &s3types.VersioningConfiguration{Status: st}})
		require.NoError(t, err)
	}
	rep, err := securebucket.Audit(t.Context(), c, "adv-suspended", ao)
	require.NoError(t, err)
	got := statuses(rep)
	assert.Equal(t, securebucket.StatusFail, got[securebucket.ControlVersioning], "%v", rep.Results)
	assert.Equal(t, securebucket.StatusNotApplicable, got[securebucket.ControlVersionedLifecycle], "%v", rep.Results)

	// S3.17 passes SSE-KMS whatever the key's account: the config rule
	// (s3-default-encryption-kms) checks the algorithm, and only its
	// optional kmsKeyArns parameter names keys. SSE-C stays allowed here
	// (BlockedEncryptionTypes not carried), which the s3secure control fails.
	bucketIn(t, f, "adv-foreign-key", s3fake.StateLegacy)
	_, err = c.PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{Bucket: aws.String("adv-foreign-key"), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
			SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab")}}},
	}})
	require.NoError(t, err)
	rep, err = securebucket.Audit(t.Context(), c, "adv-foreign-key", ao)
	require.NoError(t, err)
	got = statuses(rep)
	assert.Equal(t, securebucket.StatusPass, got[securebucket.ControlKMS], "%v", rep.Results)
	assert.Equal(t, securebucket.StatusFail, got[securebucket.ControlSSECBlocked], "%v", rep.Results)
	r, _ := rep.Result(securebucket.ControlKMS)
	assert.Contains(t, r.Message, "444455556666", "the key, and so its account, is named")
}

// Block Public Access partly on over a public policy already in place:
// BlockPublicPolicy only refuses new public policies ("Enabling this
// setting doesn't affect existing bucket policies"), so the bucket stays
// public until RestrictPublicBuckets is on, which limits a public policy to
// AWS service principals and the owner's account.
func TestAuditAdversarialPartialBPA(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite, securebucket.ControlBucketBPA}
	on := aws.Bool(true)
	for i, tc := range []struct {
		name string
		bpa  s3types.PublicAccessBlockConfiguration
		read securebucket.Status
	}{
		{"all but RestrictPublicBuckets", s3types.PublicAccessBlockConfiguration{BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on}, securebucket.StatusFail},
		{"RestrictPublicBuckets only", s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: on}, securebucket.StatusPass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := sprintf("adv-bpa-%d", i)
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			putPolicy(t, c, bucket, advPolicy(bucket, `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",`+advResources+`}`))
			_, err := c.PutPublicAccessBlock(t.Context(), &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket), PublicAccessBlockConfiguration: &tc.bpa})
			require.NoError(t, err)
			rep, err := securebucket.Audit(t.Context(), c, bucket, ao)
			require.NoError(t, err)
			got := statuses(rep)
			assert.Equal(t, tc.read, got[securebucket.ControlPublicRead], "S3.2: %v", rep.Results)
			assert.Equal(t, securebucket.StatusPass, got[securebucket.ControlPublicWrite], "S3.3: %v", rep.Results)
			assert.Equal(t, securebucket.StatusFail, got[securebucket.ControlBucketBPA], "S3.8: %v", rep.Results)
		})
	}
}

// S3.9 after the logging target is deleted and its name made again in
// another Region: S3 delivers logs "only within a Region" (it refuses such
// a PutBucketLogging with CrossLocationLoggingProhibitted, but a
// configuration outlives its target), so the control fails and names both
// Regions; the target taken by another account is never a PASS.
func TestAuditLoggingTargetRecreatedElsewhere(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "moved-logs", s3fake.StateAWSDefault)
	bucketIn(t, f, "moved-src", s3fake.StateAWSDefault)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "moved-logs", TargetPrefix: "src/"}
	_, err := securebucket.Harden(t.Context(), c, "moved-src", o)
	require.NoError(t, err)
	ao := &securebucket.AuditOptions{AccountID: account, Retry: fastRetry, Controls: []securebucket.Control{securebucket.ControlLogging}}
	rep, err := securebucket.Audit(t.Context(), c, "moved-src", ao)
	require.NoError(t, err)
	require.Equal(t, securebucket.StatusPass, rep.Results[0].Status, rep.Results[0].Message)

	_, err = c.DeleteBucket(t.Context(), &s3.DeleteBucketInput{Bucket: aws.String("moved-logs")})
	require.NoError(t, err)
	require.NoError(t, f.CreateBucketWith("moved-logs", &s3fake.BucketOptions{Region: "eu-west-1", State: s3fake.StateAWSDefault}))
	rep, err = securebucket.Audit(t.Context(), c, "moved-src", ao)
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusFail, rep.Results[0].Status, rep.Results[0].Message)
	assert.Contains(t, rep.Results[0].Message, "eu-west-1")

	_, err = c.DeleteBucket(t.Context(), &s3.DeleteBucketInput{Bucket: aws.String("moved-logs")}, withRegion("eu-west-1"))
	require.NoError(t, err)
	require.NoError(t, f.CreateBucketWith("moved-logs", &s3fake.BucketOptions{AccountID: "444455556666", State: s3fake.StateAWSDefault}))
	rep, err = securebucket.Audit(t.Context(), c, "moved-src", ao)
	require.NoError(t, err)
	assert.NotEqual(t, securebucket.StatusPass, rep.Results[0].Status, rep.Results[0].Message)
}

// Lifecycle configurations a misconfiguration leaves behind, on a versioned
// bucket. S3.13 and S3.10 count only an enabled rule ("The rule is
// NON_COMPLIANT if there is no active lifecycle configuration rules", AWS
// Config s3-lifecycle-policy-check; s3-version-lifecycle-policy-check: "if
// Amazon S3 lifecycle policy is not enabled"), whatever its filter; S3.20
// produces no finding for a bucket that has a lifecycle configuration, a
// disabled one included, since MFA delete cannot be used with one. Already
// right; kept for their verdicts.
func TestAuditAdversarialLifecycle(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlLifecycle, securebucket.ControlVersionedLifecycle, securebucket.ControlMFADelete}
	expire := &s3types.LifecycleExpiration{Days: aws.Int32(30)}
	for i, tc := range []struct {
		name            string
		rules           []s3types.LifecycleRule
		lifecycle, mfa  securebucket.Status
		versionedStatus securebucket.Status
	}{
		{"only disabled rules", []s3types.LifecycleRule{{ID: aws.String("off"), Status: s3types.ExpirationStatusDisabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: expire}},
			securebucket.StatusFail, securebucket.StatusNotApplicable, securebucket.StatusFail},
		{"one enabled rule for one prefix", []s3types.LifecycleRule{{ID: aws.String("tmp"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: expire}},
			securebucket.StatusPass, securebucket.StatusNotApplicable, securebucket.StatusPass},
		{"no lifecycle configuration", nil, securebucket.StatusFail, securebucket.StatusFail, securebucket.StatusFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := sprintf("adv-lc-%d", i)
			bucketIn(t, f, bucket, s3fake.StateAWSDefault)
			_, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket), VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
			require.NoError(t, err)
			if tc.rules != nil {
				_, err = c.PutBucketLifecycleConfiguration(t.Context(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket), LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: tc.rules}})
				require.NoError(t, err)
			}
			rep, err := securebucket.Audit(t.Context(), c, bucket, ao)
			require.NoError(t, err)
			got := statuses(rep)
			assert.Equal(t, tc.lifecycle, got[securebucket.ControlLifecycle], "S3.13: %v", rep.Results)
			assert.Equal(t, tc.versionedStatus, got[securebucket.ControlVersionedLifecycle], "S3.10: %v", rep.Results)
			assert.Equal(t, tc.mfa, got[securebucket.ControlMFADelete], "S3.20: %v", rep.Results)
		})
	}
}
