package cloudfront_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// allViewerPolicyID is the managed AllViewer origin request policy: it
// forwards the viewer's Host header, which S3 behind OAC cannot serve.
const allViewerPolicyID = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

func TestServeBucketRefusesAllViewerOriginRequestPolicy(t *testing.T) {
	for _, where := range []string{"default behavior", "path behavior"} {
		t.Run(where, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			cfg := legacyConfig("by-hand", "")
			if where == "default behavior" {
				cfg.DefaultCacheBehavior.OriginRequestPolicyId = aws.String(allViewerPolicyID)
				cfg.DefaultCacheBehavior.CachePolicyId = aws.String(cloudfront.DefaultCachePolicyID)
				//lint:ignore SA1019 a cache policy excludes the legacy settings
				cfg.DefaultCacheBehavior.ForwardedValues, cfg.DefaultCacheBehavior.MinTTL = nil, nil
			} else {
				cfg.CacheBehaviors = &types.CacheBehaviors{Quantity: aws.Int32(1), Items: []types.CacheBehavior{{
					PathPattern: aws.String("img/*"), TargetOriginId: aws.String("bucket"),
					ViewerProtocolPolicy:  types.ViewerProtocolPolicyHttpsOnly,
					CachePolicyId:         aws.String(cloudfront.DefaultCachePolicyID),
					OriginRequestPolicyId: aws.String(allViewerPolicyID),
				}}}
			}
			out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
			require.NoError(t, err)
			id := aws.ToString(out.Distribution.Id)
			e.resetCounts()

			_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
			require.Error(t, err, "AllViewer forwards Host to S3")
			assert.ErrorIs(t, err, cloudfront.ErrForwardsHost)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any write")
		})
	}
}

func TestServeBucketRefusesWebsiteEndpointOrigin(t *testing.T) {
	for _, domain := range []string{
		testBucket + ".s3-website-eu-west-1.amazonaws.com",
		testBucket + ".s3-website.eu-west-1.amazonaws.com",
	} {
		t.Run(domain, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			cfg := legacyConfig("website", "")
			cfg.Origins.Items[0] = types.Origin{
				Id: aws.String("bucket"), DomainName: aws.String(domain),
				CustomOriginConfig: &types.CustomOriginConfig{
					HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: types.OriginProtocolPolicyHttpOnly,
				},
			}
			out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
			require.NoError(t, err)
			id := aws.ToString(out.Distribution.Id)
			e.resetCounts()

			_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
			require.ErrorIs(t, err, cloudfront.ErrWebsiteEndpoint)
			assert.Contains(t, err.Error(), domain)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())

			// Without a distribution ID, the website distribution is not
			// silently left beside a new one.
			_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.ErrorIs(t, err, cloudfront.ErrWebsiteEndpoint)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
		})
	}
}

// richConfig is a distribution full of settings the wiring does not own.
func richConfig() *types.DistributionConfig {
	cfg := legacyConfig("rich", "")
	cfg.Aliases = &types.Aliases{Quantity: aws.Int32(2), Items: []string{"www.example.com", "cdn.example.com"}}
	cfg.ViewerCertificate = &types.ViewerCertificate{
		ACMCertificateArn:      aws.String("arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"),
		SSLSupportMethod:       types.SSLSupportMethodSniOnly,
		MinimumProtocolVersion: types.MinimumProtocolVersionTLSv122021,
	}
	cfg.PriceClass = types.PriceClassPriceClass100
	cfg.WebACLId = aws.String("arn:aws:wafv2:us-east-1:111122223333:global/webacl/site/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111")
	cfg.HttpVersion = types.HttpVersionHttp2
	cfg.IsIPV6Enabled = aws.Bool(false)
	cfg.Origins = &types.Origins{Quantity: aws.Int32(2), Items: []types.Origin{
		cfg.Origins.Items[0],
		{Id: aws.String("api"), DomainName: aws.String("api.example.com"), OriginPath: aws.String("/v1"),
			CustomHeaders: &types.CustomHeaders{Quantity: aws.Int32(1), Items: []types.OriginCustomHeader{{HeaderName: aws.String("X-Origin-Token"), HeaderValue: aws.String("t")}}},
			CustomOriginConfig: &types.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443), OriginProtocolPolicy: types.OriginProtocolPolicyHttpsOnly,
				OriginSslProtocols: &types.OriginSslProtocols{Quantity: aws.Int32(1), Items: []types.SslProtocol{types.SslProtocolTLSv12}}}},
	}}
	cfg.CacheBehaviors = &types.CacheBehaviors{Quantity: aws.Int32(1), Items: []types.CacheBehavior{{
		PathPattern: aws.String("api/*"), TargetOriginId: aws.String("api"),
		ViewerProtocolPolicy: types.ViewerProtocolPolicyHttpsOnly,
		AllowedMethods: &types.AllowedMethods{Quantity: aws.Int32(7), Items: []types.Method{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"},
			CachedMethods: &types.CachedMethods{Quantity: aws.Int32(2), Items: []types.Method{"GET", "HEAD"}}},
		CachePolicyId:         aws.String("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
		OriginRequestPolicyId: aws.String(allViewerPolicyID),
	}}}
	cfg.CustomErrorResponses = &types.CustomErrorResponses{Quantity: aws.Int32(1), Items: []types.CustomErrorResponse{{
		ErrorCode: aws.Int32(404), ResponseCode: aws.String("404"), ResponsePagePath: aws.String("/404.html"), ErrorCachingMinTTL: aws.Int64(10),
	}}}
	cfg.Restrictions = &types.Restrictions{GeoRestriction: &types.GeoRestriction{RestrictionType: types.GeoRestrictionTypeBlacklist, Quantity: aws.Int32(1), Items: []string{"KP"}}}
	cfg.DefaultRootObject = aws.String("home.html")
	return cfg
}

func TestServeBucketUpdateKeepsEverythingItDoesNotOwn(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	out, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: richConfig()})
	require.NoError(t, err)
	id := aws.ToString(out.Distribution.Id)
	before, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)

	_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
	require.NoError(t, err)
	after, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)

	b, a := before.DistributionConfig, after.DistributionConfig
	assert.Equal(t, b.Aliases, a.Aliases)
	assert.Equal(t, b.ViewerCertificate, a.ViewerCertificate)
	assert.Equal(t, b.PriceClass, a.PriceClass)
	assert.Equal(t, b.WebACLId, a.WebACLId)
	assert.Equal(t, b.HttpVersion, a.HttpVersion)
	assert.Equal(t, b.IsIPV6Enabled, a.IsIPV6Enabled)
	assert.Equal(t, b.Logging, a.Logging)
	assert.Equal(t, b.CustomErrorResponses, a.CustomErrorResponses)
	assert.Equal(t, b.Restrictions, a.Restrictions)
	assert.Equal(t, b.CacheBehaviors, a.CacheBehaviors, "the API behavior targets another origin: untouched")
	assert.Equal(t, b.Origins.Items[1], a.Origins.Items[1], "the other origin is untouched")
	assert.Equal(t, b.CallerReference, a.CallerReference)
	assert.Equal(t, b.Comment, a.Comment)
	assert.Equal(t, "home.html", aws.ToString(a.DefaultRootObject))
	assert.NotEqual(t, b.DefaultCacheBehavior, a.DefaultCacheBehavior, "the bucket's behavior was secured")
}

func TestServeBucketUSEast1UsesTheRegionalEndpoint(t *testing.T) {
	assert.Equal(t, "b-1.s3.us-east-1.amazonaws.com", cloudfront.RESTEndpoint("b-1", "us-east-1"))
	cf := newEnv(t, s3fake.StateAWSDefault).cf
	s3f := s3fake.Start(t, &s3fake.Options{Region: "us-east-1"})
	require.NoError(t, s3f.CreateBucket(testBucket, s3fake.StateAWSDefault))
	res, err := cloudfront.ServeBucket(t.Context(), cf.Client(), s3f.OwnerClient(), testBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", res.Region)
	got, err := cf.Client().GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(res.DistributionID)})
	require.NoError(t, err)
	assert.Equal(t, testBucket+".s3.us-east-1.amazonaws.com", aws.ToString(got.DistributionConfig.Origins.Items[0].DomainName))
}

func TestServeBucketTwoDistributionsAlternatingRunsWriteNothing(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	first, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	out, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: legacyConfig("second", "")})
	require.NoError(t, err)
	second, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: aws.ToString(out.Distribution.Id)})
	require.NoError(t, err)

	e.resetCounts()
	for _, id := range []string{first.DistributionID, second.DistributionID, first.DistributionID} {
		res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
		require.NoError(t, err)
		assert.False(t, res.Changed(), "%v", res.Actions)
	}
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
	doc := e.bucketPolicy(t)
	for _, arn := range []string{first.DistributionARN, second.DistributionARN} {
		assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a", arn))
	}
}

func TestServeBucketKeepsDistributionsOfAnArnConditionUnderItsSid(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	other := "arn:aws:cloudfront::111122223333:distribution/EOTHERDIST0000"
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"`+cloudfront.OACStatementSid+`","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/*","Condition":{"ArnLike":{"AWS:SourceArn":"`+other+`"}}}]}`)
	res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	doc := e.bucketPolicy(t)
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a", res.DistributionARN))
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a", other), "the distribution the user had granted keeps reading")
}

// The OAC statement is ours (OACStatementSid), but its owner may have
// narrowed it since ServeBucket wrote it: a distribution that should serve
// only public/ of a bucket that also holds private files. Running
// ServeBucket again, for the same distribution or for a second one, must
// never widen it back to the whole bucket (issue #13: "Never replace ours
// with something weaker"). It was replaced by the statement for
// arn:aws:s3:::B/*: every private object became readable through the
// distribution.
func TestServeBucketKeepsANarrowedOACStatement(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	first, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	narrowed := `{"Version":"2012-10-17","Statement":[{"Sid":"` + cloudfront.OACStatementSid + `","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/public/*","Condition":{"StringEquals":{"AWS:SourceArn":"` + first.DistributionARN + `"}}}]}`
	e.putBucketPolicy(t, narrowed)
	private := "arn:aws:s3:::" + testBucket + "/private/payroll.csv"
	public := "arn:aws:s3:::" + testBucket + "/public/logo.png"

	_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: first.DistributionID})
	require.NoError(t, err)
	doc := e.bucketPolicy(t)
	assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", private, first.DistributionARN), "a re-run widened the narrowed statement: %s", mustMarshal(t, doc))
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", public, first.DistributionARN))

	out, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: legacyConfig("second", "")})
	require.NoError(t, err)
	second, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: aws.ToString(out.Distribution.Id)})
	require.NoError(t, err)
	doc = e.bucketPolicy(t)
	for _, arn := range []string{first.DistributionARN, second.DistributionARN} {
		assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", private, arn), "a second distribution widened the narrowed statement: %s", mustMarshal(t, doc))
		assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", public, arn), "the second distribution is granted what the first is")
	}
}

func mustMarshal(t *testing.T, doc *policy.Document) []byte {
	t.Helper()
	b, err := doc.Marshal()
	require.NoError(t, err)
	return b
}

// The key policy statement is ours too (KMSStatementSidPrefix + the
// distribution ID). A key administrator who limited it to the objects
// under public/ (kms:EncryptionContext:aws:s3:arn) made it stricter: a
// re-run of ServeBucket must keep it, not put back the statement that lets
// the distribution decrypt every object of the bucket.
func TestServeBucketKeepsANarrowedKeyPolicyStatement(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	e.useKMS(t, keyARN)
	kf, kc := startKMS(t, map[string]string{keyARN: defaultKeyPolicy})
	opts := &cloudfront.Options{KMS: kc, ApplyKeyPolicy: true}
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, opts)
	require.NoError(t, err)
	doc, err := policy.Parse([]byte(kf.policy(keyARN)))
	require.NoError(t, err)
	i := slices.IndexFunc(doc.Statements, func(s policy.Statement) bool { return s.Sid == res.KeyPolicyStatement.Sid })
	require.GreaterOrEqual(t, i, 0)
	doc.Statements[i].Condition = append(doc.Statements[i].Condition, policy.NewCondition("StringLike", "kms:EncryptionContext:aws:s3:arn", "arn:aws:s3:::"+testBucket+"/public/*")...)
	narrowed := string(mustMarshal(t, doc))
	kf.mu.Lock()
	kf.policies[keyARN] = narrowed
	kf.mu.Unlock()

	opts.DistributionID = res.DistributionID
	_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, opts)
	require.NoError(t, err)
	assert.Equal(t, narrowed, kf.policy(keyARN), "the narrowed key statement was replaced")
}

// TestServeBucketConditionNamesFoldASCIIOnly: IAM ignores ASCII case in
// condition keys and operators, nothing more. An OAC statement whose key
// is "aws:\u017FourceArn" (long s) names another key, so it grants no
// distribution anything; the wiring cannot carry it over and refuses with
// ErrPolicyConflict. It read it as AWS:SourceArn (strings.EqualFold folds
// ſ to s) and rewrote it with the real key, granting the distribution it
// named. The same key in other ASCII cases ("aws:sourcearn") is carried
// over (it was refused). Operator names are case-sensitive to IAM
// ("Invalid Condition type : stringEquals"; policy's
// TestConditionOperatorNamesAreCaseSensitive): a "stringequals" statement
// grants nothing and is refused like the long s.
func TestServeBucketConditionNamesFoldASCIIOnly(t *testing.T) {
	for _, tc := range []struct {
		name, op, key string
		carried       bool
	}{
		{"long s", "StringEquals", "aws:\u017FourceArn", false},
		{"ASCII case of the key", "StringEquals", "aws:sourcearn", true},
		{"ASCII case of the operator", "stringequals", "aws:SourceArn", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			ctx := t.Context()
			first, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"`+cloudfront.OACStatementSid+`","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/*","Condition":{"`+tc.op+`":{"`+tc.key+`":"`+first.DistributionARN+`"}}}]}`)
			before := e.bucketPolicy(t)
			object := "arn:aws:s3:::" + testBucket + "/a.jpg"
			_, compileErr := policy.Compile(before)
			require.Equal(t, tc.carried, compileErr == nil && allowed(t, before, cloudfrontService, "s3:GetObject", object, first.DistributionARN))

			out, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: legacyConfig("second", "")})
			require.NoError(t, err)
			second, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: aws.ToString(out.Distribution.Id)})
			doc := e.bucketPolicy(t)
			if !tc.carried {
				require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
				assert.Equal(t, mustMarshal(t, before), mustMarshal(t, doc), "nothing written")
				if compileErr == nil {
					assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", object, first.DistributionARN))
				}
				return
			}
			require.NoError(t, err)
			for _, arn := range []string{first.DistributionARN, second.DistributionARN} {
				assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", object, arn), mustMarshal(t, doc))
			}
		})
	}
}
