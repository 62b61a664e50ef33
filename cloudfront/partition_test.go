package cloudfront_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// newEnvIn is newEnv in another partition: CloudFront's distribution ARNs
// and the bucket's ARN are in partition, the bucket in region.
func newEnvIn(t *testing.T, partition, region string) *env {
	t.Helper()
	cf := cffake.Start(t, &cffake.Options{Partition: partition})
	s3f := s3fake.Start(t, &s3fake.Options{Region: region})
	require.NoError(t, s3f.CreateBucket(testBucket, s3fake.StateAWSDefault))
	return &env{cf: cf, s3: s3f, cfc: cf.Client(), s3c: s3f.OwnerClient()}
}

// TestServeBucketOutsideAWSPartition: in China (and every partition but
// aws) ServeBucket grants the distribution the bucket's objects under
// their ARN there, arn:aws-cn:s3:::bucket/*, and a statement that lets
// any distribution in (written in that partition, as S3 there requires)
// is refused before any write. The probes asked about arn:aws:s3:::
// ARNs, which such a statement does not match, so it went unreported.
func TestServeBucketOutsideAWSPartition(t *testing.T) {
	e := newEnvIn(t, "aws-cn", "cn-north-1")
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(res.DistributionARN, "arn:aws-cn:cloudfront::"), res.DistributionARN)
	doc := e.bucketPolicy(t)
	var oac *policy.Statement
	for i, s := range doc.Statements {
		if s.Sid == cloudfront.OACStatementSid {
			oac = &doc.Statements[i]
		}
	}
	require.NotNil(t, oac)
	assert.Equal(t, policy.Values{"arn:aws-cn:s3:::" + testBucket + "/*"}, oac.Resource)
	for _, w := range res.Warnings {
		assert.NotContains(t, w, "viewers get 403", "the distribution reads the objects it is granted")
	}
	var detail string
	for _, a := range res.Actions {
		if a.Step == cloudfront.StepBucketPolicy {
			detail = a.Detail
		}
	}
	assert.Contains(t, detail, "on arn:aws-cn:s3:::"+testBucket+"/* ")

	e = newEnvIn(t, "aws-cn", "cn-north-1")
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+strings.ReplaceAll(cfStatement("Legacy", "", ""), "arn:aws:", "arn:aws-cn:")+`]}`)
	e.resetCounts()
	_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.ErrorIs(t, err, cloudfront.ErrUnscopedCloudFrontAccess)
	assert.Contains(t, err.Error(), `"Legacy"`)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any write")
}

// sdkBucketHost is the host aws-sdk-go-v2's S3 endpoint rules give a
// virtual-hosted request for bucket in region: the bucket's REST endpoint,
// which an S3 origin names.
func sdkBucketHost(t *testing.T, bucket, region string) string {
	t.Helper()
	ep, err := s3.NewDefaultEndpointResolverV2().ResolveEndpoint(t.Context(), s3.EndpointParameters{Bucket: aws.String(bucket), Region: aws.String(region)})
	require.NoError(t, err, region)
	return ep.URI.Host
}

// partitionRegions is one Region of each partition, and one no partition
// claims (which the SDK, and so RESTEndpoint, resolve in aws).
var partitionRegions = []struct{ partition, region string }{
	{"aws", "us-east-1"},
	{"aws", "eu-west-1"},
	{"aws-cn", "cn-north-1"},
	{"aws-cn", "cn-northwest-1"},
	{"aws-us-gov", "us-gov-west-1"},
	{"aws-iso", "us-iso-east-1"},
	{"aws-iso-b", "us-isob-east-1"},
	{"aws-iso-e", "eu-isoe-west-1"},
	{"aws-iso-f", "us-isof-south-1"},
	{"aws-eusc", "eusc-de-east-1"},
	{"aws", "xx-east-1"},
}

// TestRESTEndpointInEveryPartition: the origin domain is the bucket's REST
// endpoint in its Region's partition, BUCKET.s3.REGION.SUFFIX with the
// partition's DNS suffix (BUCKET.s3.cn-north-1.amazonaws.com.cn in
// China), the host aws-sdk-go-v2's S3 endpoint rules give the bucket. It
// ended in .amazonaws.com whatever the Region: a name no bucket in China
// or the ISO partitions answers to.
func TestRESTEndpointInEveryPartition(t *testing.T) {
	for _, tt := range partitionRegions {
		t.Run(tt.region, func(t *testing.T) {
			got := cloudfront.RESTEndpoint(testBucket, tt.region)
			assert.Equal(t, sdkBucketHost(t, testBucket, tt.region), got)
			suffix, ok := policy.DNSSuffix(tt.partition)
			require.True(t, ok)
			assert.Equal(t, testBucket+".s3."+tt.region+"."+suffix, got)
		})
	}
	assert.Equal(t, testBucket+".s3.cn-north-1.amazonaws.com.cn", cloudfront.RESTEndpoint(testBucket, "cn-north-1"))
}

// TestServeBucketOriginInThePartition: in China, GovCloud and the ISO
// partitions, the distribution ServeBucket creates reads the bucket from
// its REST endpoint there (the host the SDK's S3 endpoint rules give it),
// says so in its action, and a second run finds it by that origin and
// changes nothing. It named BUCKET.s3.cn-north-1.amazonaws.com, which
// does not exist.
func TestServeBucketOriginInThePartition(t *testing.T) {
	for _, tt := range partitionRegions[1:10] {
		t.Run(tt.region, func(t *testing.T) {
			e := newEnvIn(t, tt.partition, tt.region)
			want := sdkBucketHost(t, testBucket, tt.region)
			res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(res.DistributionID)})
			require.NoError(t, err)
			require.Len(t, got.DistributionConfig.Origins.Items, 1)
			assert.Equal(t, want, aws.ToString(got.DistributionConfig.Origins.Items[0].DomainName))
			var detail string
			for _, a := range res.Actions {
				if a.Step == cloudfront.StepCreateDistribution {
					detail = a.Detail
				}
			}
			assert.Contains(t, detail, "origin "+want+" via OAC")

			e.cf.Deploy(res.DistributionID)
			e.resetCounts()
			again, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			assert.Equal(t, res.DistributionID, again.DistributionID, "found by its origin")
			assert.False(t, again.Changed(), "%v", again.Actions)
		})
	}
}

// TestServeBucketFindsChinaOrigins: a distribution made by hand in China
// whose S3 origin is the bucket's REST endpoint there
// (BUCKET.s3.cn-north-1.amazonaws.com.cn) is the bucket's distribution:
// ServeBucket secures it, found by its origin or named by DistributionID,
// instead of creating a second one beside it or answering
// ErrOriginNotFound; one whose origin is the bucket's website endpoint
// there is refused with ErrWebsiteEndpoint. Only .amazonaws.com origins
// were recognised, and a China bucket has none.
func TestServeBucketFindsChinaOrigins(t *testing.T) {
	domain := testBucket + ".s3.cn-north-1.amazonaws.com.cn"
	for _, named := range []bool{false, true} {
		t.Run(fmt.Sprintf("named %v", named), func(t *testing.T) {
			e := newEnvIn(t, "aws-cn", "cn-north-1")
			cfg := legacyConfig("by-hand", "")
			cfg.Origins.Items[0].DomainName = aws.String(domain)
			out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
			require.NoError(t, err)
			id := aws.ToString(out.Distribution.Id)
			e.cf.Deploy(id)
			e.resetCounts()
			var o *cloudfront.Options
			if named {
				o = &cloudfront.Options{DistributionID: id}
			}
			res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, o)
			require.NoError(t, err)
			assert.Equal(t, id, res.DistributionID)
			assert.Equal(t, 0, e.cf.Count("CreateDistribution")+e.cf.Count("CreateDistributionWithTags"), "no second distribution")
			got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
			require.NoError(t, err)
			assert.Equal(t, res.OriginAccessControlID, aws.ToString(got.DistributionConfig.Origins.Items[0].OriginAccessControlId))
			assert.Equal(t, testBucket+".s3.cn-north-1.amazonaws.com.cn", aws.ToString(got.DistributionConfig.Origins.Items[0].DomainName))
		})
	}
	for _, domain := range []string{testBucket + ".s3-website.cn-north-1.amazonaws.com.cn", testBucket + ".s3-website.cn-northwest-1.amazonaws.com.cn"} {
		t.Run(domain, func(t *testing.T) {
			e := newEnvIn(t, "aws-cn", "cn-north-1")
			cfg := legacyConfig("website", "")
			cfg.Origins.Items[0] = types.Origin{
				Id: aws.String("bucket"), DomainName: aws.String(domain),
				CustomOriginConfig: &types.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: types.OriginProtocolPolicyHttpOnly},
			}
			out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
			require.NoError(t, err)
			e.resetCounts()
			_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.ErrorIs(t, err, cloudfront.ErrWebsiteEndpoint)
			assert.Contains(t, err.Error(), testBucket+".s3.cn-north-1.amazonaws.com.cn", "points at the REST endpoint in China")
			_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: aws.ToString(out.Distribution.Id)})
			require.ErrorIs(t, err, cloudfront.ErrWebsiteEndpoint)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
		})
	}
}

// TestServeBucketRegionOptionInEveryPartition: Options.Region (and
// MigrateOptions.Region) takes the Region of every partition, the EU
// sovereign cloud's eusc-de-east-1 too, which the Region-name pattern
// refused although ServeBucket serves a bucket found there; a name that
// is not a Region is still refused before any request.
func TestServeBucketRegionOptionInEveryPartition(t *testing.T) {
	for _, tt := range partitionRegions[1:10] {
		t.Run(tt.region, func(t *testing.T) {
			e := newEnvIn(t, tt.partition, tt.region)
			res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{Region: tt.region})
			require.NoError(t, err)
			assert.Equal(t, tt.region, res.Region)
			assert.Equal(t, 0, e.s3.Count("GetBucketLocation"), "the Region given is used")
		})
	}
	e := newEnvIn(t, "aws-eusc", "eusc-de-east-1")
	_, err := cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, "E1EXAMPLE", &cloudfront.MigrateOptions{Region: "eusc-de-east-1"})
	assert.NotErrorIs(t, err, cloudfront.ErrInvalidOptions)
	for _, bad := range []string{"eusc", "evil.example/x", "eusc-de-east-1.example", "EUSC-DE-EAST-1"} {
		e.resetCounts()
		_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{Region: bad})
		assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions, bad)
		_, err = cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, "E1EXAMPLE", &cloudfront.MigrateOptions{Region: bad})
		assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions, bad)
		n := 0
		for _, c := range e.cf.Counts() {
			n += c
		}
		for _, c := range e.s3.Counts() {
			n += c
		}
		assert.Equal(t, 0, n, "refused before any request: %s", bad)
	}
}
