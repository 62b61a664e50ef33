package policy_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// badPartitions are not AWS partitions: empty, case-changed, unknown, and
// strings that would change an ARN's shape.
var badPartitions = []string{"", "AWS", "aws-xx", "aws:cn", "aws-cn:s3", "*", "aws*"}

func TestBucketARNIn(t *testing.T) {
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"} {
		t.Run(p, func(t *testing.T) {
			b, err := policy.BucketARNIn(p, "bkt")
			require.NoError(t, err)
			assert.Equal(t, "arn:"+p+":s3:::bkt", b)
			o, err := policy.ObjectARNIn(p, "bkt", "logs/")
			require.NoError(t, err)
			assert.Equal(t, "arn:"+p+":s3:::bkt/logs/*", o)
			got, ok := policy.ARNPartition(o)
			assert.True(t, ok)
			assert.Equal(t, p, got)
		})
	}
	// The aws forms are the aws partition's.
	b, _ := policy.BucketARNIn("aws", "bkt")
	assert.Equal(t, policy.BucketARN("bkt"), b)
	o, _ := policy.ObjectARNIn("aws", "bkt", "")
	assert.Equal(t, policy.ObjectARN("bkt", ""), o)

	for _, p := range badPartitions {
		t.Run("bad "+p, func(t *testing.T) {
			b, err := policy.BucketARNIn(p, "bkt")
			assert.Empty(t, b)
			assertPartitionError(t, err, p, "")
			o, err := policy.ObjectARNIn(p, "bkt", "")
			assert.Empty(t, o)
			assertPartitionError(t, err, p, "")
		})
	}
}

func assertPartitionError(t *testing.T, err error, partition, arn string) {
	t.Helper()
	require.ErrorIs(t, err, policy.ErrInvalidPartition)
	assert.ErrorIs(t, err, policy.ErrInvalidArgument)
	var pe *policy.PartitionError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, partition, pe.Partition)
	assert.Equal(t, arn, pe.ARN)
	assert.True(t, strings.HasPrefix(err.Error(), "policy: "), err.Error())
}

// readyMade returns each ready-made statement that names a bucket in aws.
func readyMade(t *testing.T) map[string]policy.Statement {
	t.Helper()
	out := map[string]policy.Statement{}
	add := func(name string, s policy.Statement, err error) {
		require.NoError(t, err, name)
		out[name] = s
	}
	s, err := policy.DenyInsecureTransport("bkt")
	add("DenyInsecureTransport", s, err)
	s, err = policy.DenyOutdatedTLS("bkt")
	add("DenyOutdatedTLS", s, err)
	s, err = policy.ServerAccessLogsDelivery("bkt", "logs/", "src", "111122223333")
	add("ServerAccessLogsDelivery", s, err)
	s, err = policy.DenyOutsideVPCEndpoint("bkt", "vpce-1a2b3c4d")
	add("DenyOutsideVPCEndpoint", s, err)
	s, err = policy.DenyOutsideOrganization("bkt", "o-a1b2c3d4e5")
	add("DenyOutsideOrganization", s, err)
	s, err = policy.DelegateToAccessPoints("bkt", "111122223333")
	add("DelegateToAccessPoints", s, err)
	s, err = policy.RequireMFAForDeletes("bkt")
	add("RequireMFAForDeletes", s, err)
	s, err = policy.AllowCloudFrontOAI("bkt", "E2QWRUHAPOMQZL")
	add("AllowCloudFrontOAI", s, err)
	return out
}

// Every ready-made statement, moved into a partition, names the bucket (and
// the log source bucket, and the OAI) there and nowhere else, and applies
// to the bucket's requests there as the aws statement does in aws.
func TestInPartitionReadyMade(t *testing.T) {
	for name, s := range readyMade(t) {
		for _, p := range []string{"aws-cn", "aws-us-gov", "aws-eusc", "aws-iso-b"} {
			t.Run(name+"/"+p, func(t *testing.T) {
				before, err := s.MarshalJSON()
				require.NoError(t, err)
				got, err := policy.InPartition(s, p)
				require.NoError(t, err)
				after, err := s.MarshalJSON()
				require.NoError(t, err)
				assert.Equal(t, string(before), string(after), "s itself is not changed")

				js, err := got.MarshalJSON()
				require.NoError(t, err)
				assert.NotContains(t, string(js), "arn:aws:", "no ARN left in aws")
				assert.Equal(t, strings.ReplaceAll(string(before), "arn:aws:", "arn:"+p+":"), string(js),
					"only the partition of the ARNs changes")
				for _, r := range got.Resource {
					assert.True(t, strings.HasPrefix(r, "arn:"+p+":s3:::bkt"), r)
				}
				// A statement already in the partition stays as it is.
				again, err := policy.InPartition(got, p)
				require.NoError(t, err)
				js2, _ := again.MarshalJSON()
				assert.Equal(t, string(js), string(js2))
			})
		}
		t.Run(name+"/aws", func(t *testing.T) {
			got, err := policy.InPartition(s, "aws")
			require.NoError(t, err)
			a, _ := s.MarshalJSON()
			b, _ := got.MarshalJSON()
			assert.Equal(t, string(a), string(b))
		})
	}
}

// The moved statements decide requests on the bucket's ARN in its
// partition: DenyInsecureTransport in aws-cn denies a plain-HTTP GET of
// arn:aws-cn:s3:::bkt/k, which the aws statement does not match.
func TestInPartitionDecides(t *testing.T) {
	s, err := policy.DenyInsecureTransport("bkt")
	require.NoError(t, err)
	cn, err := policy.InPartition(s, "aws-cn")
	require.NoError(t, err)
	req := &policy.Request{
		Caller:   policy.Caller{ARN: "arn:aws-cn:iam::111122223333:user/u", Account: "111122223333"},
		Action:   "s3:GetObject",
		Resource: "arn:aws-cn:s3:::bkt/k",
	}
	req.Context.SetBool("aws:SecureTransport", false)
	decide := func(st policy.Statement) policy.Decision {
		c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{st}})
		require.NoError(t, err)
		return c.Decide(req).Decision
	}
	assert.Equal(t, policy.DecisionExplicitDeny, decide(cn))
	assert.NotEqual(t, policy.DecisionExplicitDeny, decide(s), "the aws statement does not name the bucket in China")
}

func TestInPartitionKeepsWhatIsNotAnAWSARN(t *testing.T) {
	s := policy.Statement{
		Effect: policy.Allow,
		Principal: policy.AWSPrincipal("111122223333", "*", "arn:aws:iam::111122223333:role/r").
			With(policy.PrincipalService, "cloudfront.amazonaws.com").
			With(policy.PrincipalCanonicalUser, "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be").
			With(policy.PrincipalFederated, "arn:aws:iam::111122223333:saml-provider/idp", "cognito-identity.amazonaws.com"),
		Action:   policy.Strings("s3:GetObject"),
		Resource: policy.Strings("arn:*:s3:::bkt/*", "*", "arn:aws:s3:::bkt/*"),
		Condition: policy.NewCondition("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5").
			With("ArnLike", "aws:SourceArn", "arn:aws:cloudfront::111122223333:distribution/E1", "arn:aws*:s3:::x"),
	}
	got, err := policy.InPartition(s, "aws-us-gov")
	require.NoError(t, err)
	assert.Equal(t, policy.Values{"111122223333", "*", "arn:aws-us-gov:iam::111122223333:role/r"}, got.Principal.Get(policy.PrincipalAWS))
	assert.Equal(t, policy.Values{"cloudfront.amazonaws.com"}, got.Principal.Get(policy.PrincipalService))
	assert.Equal(t, s.Principal.Get(policy.PrincipalCanonicalUser), got.Principal.Get(policy.PrincipalCanonicalUser))
	assert.Equal(t, policy.Values{"arn:aws-us-gov:iam::111122223333:saml-provider/idp", "cognito-identity.amazonaws.com"}, got.Principal.Get(policy.PrincipalFederated))
	assert.Equal(t, policy.Values{"arn:*:s3:::bkt/*", "*", "arn:aws-us-gov:s3:::bkt/*"}, got.Resource)
	e, ok := got.Condition.Get("StringEquals", "aws:PrincipalOrgID")
	require.True(t, ok)
	assert.Equal(t, []string{"o-a1b2c3d4e5"}, e.Strings())
	e, ok = got.Condition.Get("ArnLike", "aws:SourceArn")
	require.True(t, ok)
	assert.Equal(t, []string{"arn:aws-us-gov:cloudfront::111122223333:distribution/E1", "arn:aws*:s3:::x"}, e.Strings())

	// NotPrincipal and NotResource are moved too.
	deny := policy.Statement{Effect: policy.Deny, NotPrincipal: policy.AWSPrincipal("arn:aws:iam::111122223333:root"),
		Action: policy.Strings("s3:*"), NotResource: policy.Strings("arn:aws:s3:::bkt/public/*")}
	got, err = policy.InPartition(deny, "aws-cn")
	require.NoError(t, err)
	assert.Equal(t, policy.Values{"arn:aws-cn:iam::111122223333:root"}, got.NotPrincipal.Get(policy.PrincipalAWS))
	assert.Equal(t, policy.Values{"arn:aws-cn:s3:::bkt/public/*"}, got.NotResource)
}

// A statement about another partition's resources is not moved: the OAC
// grant of a distribution in China names arn:aws-cn ARNs, which name
// other resources in aws or GovCloud.
func TestInPartitionRefusesAThirdPartition(t *testing.T) {
	oac, err := policy.AllowCloudFrontOAC("bkt", "arn:aws-cn:cloudfront::111122223333:distribution/E1")
	require.NoError(t, err)
	got, err := policy.InPartition(oac, "aws-cn")
	require.NoError(t, err)
	assert.Equal(t, oac.Resource, got.Resource)

	for _, p := range []string{"aws", "aws-us-gov"} {
		_, err := policy.InPartition(oac, p)
		assertPartitionError(t, err, p, "arn:aws-cn:s3:::bkt/*")
	}
	cond := policy.Statement{Effect: policy.Deny, Principal: policy.AnyPrincipal(), Action: policy.Strings("s3:*"),
		Resource: policy.Strings("arn:aws:s3:::bkt/*"), Condition: policy.NewCondition("ArnNotEquals", "aws:PrincipalArn", "arn:aws-iso:iam::111122223333:role/r")}
	_, err = policy.InPartition(cond, "aws-cn")
	assertPartitionError(t, err, "aws-cn", "arn:aws-iso:iam::111122223333:role/r")

	for _, p := range badPartitions {
		_, err := policy.InPartition(oac, p)
		assertPartitionError(t, err, p, "")
	}
}

func TestBuilderPartition(t *testing.T) {
	doc, err := policy.Build([]policy.Grant{{
		Sid: "R", Intent: policy.ReadWrite, Bucket: "bkt", Prefix: "team/",
		Principal: policy.AWSPrincipal("arn:aws-us-gov:iam::111122223333:role/r"),
	}}, &policy.BuildOptions{Partition: "aws-us-gov"})
	require.NoError(t, err)
	var res []string
	for _, s := range doc.Statements {
		res = append(res, s.Resource...)
	}
	assert.Equal(t, []string{"arn:aws-us-gov:s3:::bkt", "arn:aws-us-gov:s3:::bkt/team/*"}, res)

	// The default is aws.
	for _, opts := range []*policy.BuildOptions{nil, {}, {Partition: "aws"}} {
		doc, err := policy.Build([]policy.Grant{{Intent: policy.ReadOnly, Bucket: "bkt"}}, opts)
		require.NoError(t, err)
		assert.Equal(t, policy.Values{"arn:aws:s3:::bkt"}, doc.Statements[0].Resource)
		assert.Equal(t, policy.Values{"arn:aws:s3:::bkt/*"}, doc.Statements[1].Resource)
	}

	// A bad partition: every method fails before anything is added.
	for _, p := range badPartitions[1:] {
		t.Run("bad "+p, func(t *testing.T) {
			b := policy.NewBuilder(&policy.BuildOptions{Partition: p})
			assertPartitionError(t, b.Grant(policy.Grant{Intent: policy.ReadOnly, Bucket: "bkt"}), p, "")
			s, err := policy.DenyInsecureTransport("bkt")
			require.NoError(t, err)
			assertPartitionError(t, b.Add(s), p, "")
			_, err = b.Document()
			assertPartitionError(t, err, p, "")
			_, err = policy.Build([]policy.Grant{{Intent: policy.ReadOnly, Bucket: "bkt"}}, &policy.BuildOptions{Partition: p})
			assertPartitionError(t, err, p, "")
		})
	}
}

// Harden's TLS statement for a bucket in China (cn-north-1): the
// ready-made statement names the bucket in aws; InPartition names it in
// the partition of the bucket's Region.
func ExampleInPartition() {
	s, err := policy.DenyInsecureTransport("amzn-s3-demo-bucket")
	if err != nil {
		fmt.Println(err)
		return
	}
	partition, _ := policy.PartitionOfRegion("cn-north-1")
	s, err = policy.InPartition(s, partition)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Resource)

	_, err = policy.InPartition(s, "aws-china")
	fmt.Println(errors.Is(err, policy.ErrInvalidPartition))
	// Output:
	// [arn:aws-cn:s3:::amzn-s3-demo-bucket arn:aws-cn:s3:::amzn-s3-demo-bucket/*]
	// true
}

// A least-privilege grant for a bucket in GovCloud (us-gov-west-1).
func ExampleBuildOptions_partition() {
	partition, _ := policy.PartitionOfRegion("us-gov-west-1")
	doc, err := policy.Build([]policy.Grant{{Intent: policy.ReadOnly, Bucket: "amzn-s3-demo-bucket"}},
		&policy.BuildOptions{Partition: partition})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range doc.Statements {
		fmt.Println(s.Action, s.Resource)
	}
	// Output:
	// [s3:ListBucket] [arn:aws-us-gov:s3:::amzn-s3-demo-bucket]
	// [s3:GetObject] [arn:aws-us-gov:s3:::amzn-s3-demo-bucket/*]
}

// TestEquivalentAccountInThePartition: in a statement on a bucket in China
// an account ID names the account's root in China
// (arn:aws-cn:iam::ACCOUNT:root), as S3 there reads it; Equivalent took
// it for arn:aws:iam::ACCOUNT:root whatever the partition, so a statement
// naming the China root ARN did not match its account ID form (and one
// naming the aws root ARN, another principal, did).
func TestEquivalentAccountInThePartition(t *testing.T) {
	mk := func(principal string, resources ...string) policy.Statement {
		return policy.Statement{Effect: policy.Allow, Principal: policy.AWSPrincipal(principal), Action: policy.Strings("s3:GetObject"), Resource: policy.Strings(resources...)}
	}
	cn := "arn:aws-cn:s3:::bkt/*"
	assert.True(t, policy.Equivalent(mk("111122223333", cn), mk("arn:aws-cn:iam::111122223333:root", cn)))
	assert.False(t, policy.Equivalent(mk("111122223333", cn), mk("arn:aws:iam::111122223333:root", cn)))
	gov := "arn:aws-us-gov:s3:::bkt/*"
	assert.True(t, policy.Equivalent(mk("111122223333", gov), mk("arn:aws-us-gov:iam::111122223333:root", gov)))
	// No resource, or resources of two partitions: aws, as before.
	assert.True(t, policy.Equivalent(mk("111122223333"), mk("arn:aws:iam::111122223333:root")))
	assert.True(t, policy.Equivalent(mk("111122223333", cn, "arn:aws:s3:::bkt/*"), mk("arn:aws:iam::111122223333:root", cn, "arn:aws:s3:::bkt/*")))
}
