package cloudfront_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// allowed decides a request against the bucket policy alone with policy's
// evaluator.
func allowed(t *testing.T, doc *policy.Document, caller policy.Caller, action, resource, sourceARN string) bool {
	t.Helper()
	req := &policy.Request{Caller: caller, Action: action, Resource: resource}
	if sourceARN != "" {
		req.Context.Set("aws:SourceArn", sourceARN)
		req.Context.Set("aws:SourceAccount", "111122223333")
	}
	r, err := policy.Evaluate(req, doc)
	require.NoError(t, err)
	return r.Allowed()
}

var cloudfrontService = policy.Caller{Service: "cloudfront.amazonaws.com"}

// assertOnlyDistribution checks that the bucket policy lets distARN read
// objects through CloudFront and lets nobody else do anything.
func assertOnlyDistribution(t *testing.T, doc *policy.Document, distARN string) {
	t.Helper()
	object := "arn:aws:s3:::" + testBucket + "/photos/cat.jpg"
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", object, distARN), "the distribution reads objects")
	other := strings.TrimSuffix(distARN, distARN[strings.LastIndexByte(distARN, '/')+1:]) + "EOTHERDIST0000"
	denied := []struct {
		name             string
		caller           policy.Caller
		action, resource string
		source           string
	}{
		{"another distribution", cloudfrontService, "s3:GetObject", object, other},
		{"cloudfront without a source", cloudfrontService, "s3:GetObject", object, ""},
		{"the distribution writing", cloudfrontService, "s3:PutObject", object, distARN},
		{"the distribution listing", cloudfrontService, "s3:ListBucket", "arn:aws:s3:::" + testBucket, distARN},
		{"the distribution deleting", cloudfrontService, "s3:DeleteObject", object, distARN},
		{"anonymous", policy.Caller{}, "s3:GetObject", object, ""},
		{"another account", policy.Caller{ARN: "arn:aws:iam::444455556666:root", Account: "444455556666"}, "s3:GetObject", object, ""},
		{"another service", policy.Caller{Service: "logging.s3.amazonaws.com"}, "s3:GetObject", object, distARN},
	}
	for _, d := range denied {
		assert.False(t, allowed(t, doc, d.caller, d.action, d.resource, d.source), d.name)
	}
}

func TestServeBucketCreatesSecureDistribution(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)

	assert.Equal(t, testRegion, res.Region)
	assert.Regexp(t, `^arn:aws:cloudfront::111122223333:distribution/E[A-Z0-9]{13}$`, res.DistributionARN)
	assert.True(t, strings.HasSuffix(res.DomainName, ".cloudfront.net"))
	assert.Equal(t, "InProgress", res.Status)
	assert.True(t, res.Changed())
	assert.Empty(t, res.Warnings)
	assert.Nil(t, res.KeyPolicyStatement, "SSE-S3 needs no key policy")
	var steps []string
	for _, a := range res.Actions {
		steps = append(steps, a.Step+":"+string(a.Change))
	}
	assert.Equal(t, []string{"origin-access-control:create", "create-distribution:create", "bucket-policy:create"}, steps)

	oac, err := e.cfc.GetOriginAccessControl(ctx, &cfsdk.GetOriginAccessControlInput{Id: aws.String(res.OriginAccessControlID)})
	require.NoError(t, err)
	oc := oac.OriginAccessControl.OriginAccessControlConfig
	assert.Equal(t, "s3secure-"+testBucket, aws.ToString(oc.Name))
	assert.Equal(t, types.OriginAccessControlOriginTypesS3, oc.OriginAccessControlOriginType)
	assert.Equal(t, types.OriginAccessControlSigningBehaviorsAlways, oc.SigningBehavior)
	assert.Equal(t, types.OriginAccessControlSigningProtocolsSigv4, oc.SigningProtocol)

	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(res.DistributionID)})
	require.NoError(t, err)
	cfg := got.DistributionConfig
	require.Len(t, cfg.Origins.Items, 1)
	o := cfg.Origins.Items[0]
	assert.Equal(t, "media-example-bucket.s3.eu-west-1.amazonaws.com", aws.ToString(o.DomainName), "regional REST endpoint, never s3-website")
	assert.Equal(t, res.OriginAccessControlID, aws.ToString(o.OriginAccessControlId))
	require.NotNil(t, o.S3OriginConfig)
	assert.Equal(t, "", aws.ToString(o.S3OriginConfig.OriginAccessIdentity), "empty OAI with OAC")
	b := cfg.DefaultCacheBehavior
	assert.Equal(t, types.ViewerProtocolPolicyRedirectToHttps, b.ViewerProtocolPolicy)
	assert.ElementsMatch(t, []types.Method{types.MethodGet, types.MethodHead}, b.AllowedMethods.Items)
	assert.ElementsMatch(t, []types.Method{types.MethodGet, types.MethodHead}, b.AllowedMethods.CachedMethods.Items)
	assert.Equal(t, cloudfront.DefaultCachePolicyID, aws.ToString(b.CachePolicyId))
	assert.Equal(t, cloudfront.DefaultResponseHeadersPolicyID, aws.ToString(b.ResponseHeadersPolicyId))
	assert.Nil(t, b.OriginRequestPolicyId, "no origin request policy: nothing from the viewer reaches S3")
	assert.Equal(t, types.HttpVersionHttp2and3, cfg.HttpVersion)
	assert.True(t, aws.ToBool(cfg.IsIPV6Enabled))
	assert.Equal(t, "index.html", aws.ToString(cfg.DefaultRootObject))
	assert.True(t, aws.ToBool(cfg.ViewerCertificate.CloudFrontDefaultCertificate))
	assert.True(t, aws.ToBool(cfg.Enabled))

	tags, err := e.cfc.ListTagsForResource(ctx, &cfsdk.ListTagsForResourceInput{Resource: aws.String(res.DistributionARN)})
	require.NoError(t, err)
	require.Len(t, tags.Tags.Items, 1)
	assert.Equal(t, "s3secure-bucket", aws.ToString(tags.Tags.Items[0].Key))

	doc := e.bucketPolicy(t)
	require.Len(t, doc.Statements, 1)
	want, err := policy.AllowCloudFrontOAC(testBucket, res.DistributionARN)
	require.NoError(t, err)
	assert.True(t, policy.Equivalent(want, doc.Statements[0]))
	assert.Equal(t, cloudfront.OACStatementSid, doc.Statements[0].Sid)
	assertOnlyDistribution(t, doc, res.DistributionARN)
	for _, f := range policy.ValidateDocument(doc, nil) {
		assert.NotEqual(t, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", f.Code, "the OAC grant is scoped to the distribution (S3Secure.ServicePrincipalScoped passes): %s", f)
	}

	bpa, err := e.s3c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(testBucket)})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(bpa.PublicAccessBlockConfiguration.RestrictPublicBuckets), "Block Public Access stays on")
}

func TestServeBucketIsIdempotent(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	first, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	e.resetCounts()

	second, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, 0, e.cf.Writes(), "no CloudFront writes: %v", e.cf.Counts())
	assert.Equal(t, 0, e.s3.WriteCount(), "no S3 writes: %v", e.s3.Counts())
	assert.False(t, second.Changed(), "%v", second.Actions)
	assert.Equal(t, first.DistributionID, second.DistributionID, "found by its origin")
	assert.Equal(t, first.OriginAccessControlID, second.OriginAccessControlID)
	assert.Len(t, e.cf.DistributionIDs(), 1)

	e.resetCounts()
	third, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: first.DistributionID})
	require.NoError(t, err)
	assert.Equal(t, 0, e.cf.Writes(), "no CloudFront writes with an explicit ID: %v", e.cf.Counts())
	assert.Equal(t, 0, e.s3.WriteCount())
	assert.False(t, third.Changed(), "%v", third.Actions)
}

func TestServeBucketKeepsForeignStatements(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	foreign := `{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::media-example-bucket","arn:aws:s3:::media-example-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+foreign+`]}`)
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	doc := e.bucketPolicy(t)
	require.Len(t, doc.Statements, 2)
	assert.Equal(t, "AllowSSLRequestsOnly", doc.Statements[0].Sid)
	raw, err := doc.Marshal()
	require.NoError(t, err)
	assert.Contains(t, string(raw), foreign, "the foreign statement keeps its exact bytes")
	assertOnlyDistribution(t, doc, res.DistributionARN)
	assert.Equal(t, cloudfront.ChangeUpdated, res.Actions[2].Change)
}

func TestServeBucketBlockPublicAccess(t *testing.T) {
	e := newEnv(t, s3fake.StateLegacy)
	_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.ErrorIs(t, err, cloudfront.ErrPublicAccessBlockOff)
	var se *cloudfront.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, cloudfront.StepCheckBucket, se.Step)
	assert.Equal(t, testBucket, se.Bucket)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any change")
	assert.Equal(t, 0, len(e.cf.Counts()), "CloudFront not even called")

	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{AllowPublicAccessBlockOff: true})
	require.NoError(t, err)
	require.Len(t, res.Warnings, 1)
	assert.Contains(t, res.Warnings[0], "Block Public Access")
}

func TestServeBucketRejectsBadInputBeforeAnyRequest(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	cases := []struct {
		name   string
		bucket string
		opts   *cloudfront.Options
		want   error
	}{
		{"upper-case bucket", "Media", nil, cloudfront.ErrInvalidBucket},
		{"wildcard bucket", "media*", nil, cloudfront.ErrInvalidBucket},
		{"empty bucket", "", nil, cloudfront.ErrInvalidBucket},
		{"https-only and allow http", testBucket, &cloudfront.Options{HTTPSOnly: true, InsecureAllowHTTPViewers: true}, cloudfront.ErrInvalidOptions},
		{"aliases without certificate", testBucket, &cloudfront.Options{Aliases: []string{"cdn.example.com"}}, cloudfront.ErrInvalidOptions},
		{"certificate outside us-east-1", testBucket, &cloudfront.Options{CertificateARN: "arn:aws:acm:eu-west-1:111122223333:certificate/x"}, cloudfront.ErrInvalidOptions},
		{"unknown TLS policy", testBucket, &cloudfront.Options{InsecureMinimumProtocolVersion: "TLSv9"}, cloudfront.ErrInvalidOptions},
		{"apply key policy without KMS", testBucket, &cloudfront.Options{ApplyKeyPolicy: true}, cloudfront.ErrInvalidOptions},
		{"root object with slash", testBucket, &cloudfront.Options{DefaultRootObject: "/index.html"}, cloudfront.ErrInvalidOptions},
		{"bad region", testBucket, &cloudfront.Options{Region: "evil.example/x"}, cloudfront.ErrInvalidOptions},
		{"long OAC name", testBucket, &cloudfront.Options{OriginAccessControlName: strings.Repeat("n", 65)}, cloudfront.ErrInvalidOptions},
		{"bad expected owner", testBucket, &cloudfront.Options{ExpectedBucketOwner: "1111-2222-3333"}, cloudfront.ErrInvalidOptions},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, tc.bucket, tc.opts)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	assert.Empty(t, e.cf.Counts())
	assert.Equal(t, 0, e.s3.TotalCount())
}

func TestServeBucketWithCertificateAndWeakerOptions(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	cert := "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{
		Aliases: []string{"cdn.example.com"}, CertificateARN: cert, HTTPSOnly: true,
		Tags: map[string]string{"team": "media"}, DefaultRootObject: "home.html",
	})
	require.NoError(t, err)
	got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(res.DistributionID)})
	require.NoError(t, err)
	vc := got.DistributionConfig.ViewerCertificate
	assert.Equal(t, cert, aws.ToString(vc.ACMCertificateArn))
	assert.Equal(t, types.SSLSupportMethodSniOnly, vc.SSLSupportMethod)
	assert.Equal(t, types.MinimumProtocolVersionTLSv122021, vc.MinimumProtocolVersion)
	assert.Equal(t, []string{"cdn.example.com"}, got.DistributionConfig.Aliases.Items)
	assert.Equal(t, types.ViewerProtocolPolicyHttpsOnly, got.DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy)
	assert.Equal(t, "home.html", aws.ToString(got.DistributionConfig.DefaultRootObject))

	// The weaker choices are explicit, named options. Here: an old TLS floor
	// for legacy clients (TLS 1.2 without the 2021 cipher restrictions) and
	// plain HTTP viewers, both for illustration only.
	e2 := newEnv(t, s3fake.StateAWSDefault)
	res2, err := cloudfront.ServeBucket(t.Context(), e2.cfc, e2.s3c, testBucket, &cloudfront.Options{
		CertificateARN: cert, InsecureMinimumProtocolVersion: types.MinimumProtocolVersionTLSv122019,
		InsecureAllowHTTPViewers: true, AllowNoResponseHeadersPolicy: true, AllowNoDefaultRootObject: true,
	})
	require.NoError(t, err)
	got2, err := e2.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(res2.DistributionID)})
	require.NoError(t, err)
	assert.Equal(t, types.MinimumProtocolVersionTLSv122019, got2.DistributionConfig.ViewerCertificate.MinimumProtocolVersion)
	assert.Equal(t, types.ViewerProtocolPolicyAllowAll, got2.DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy)
	assert.Nil(t, got2.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId)
	assert.Nil(t, got2.DistributionConfig.DefaultRootObject)
}

// legacyDistribution creates a distribution for the bucket the way many
// were set up by hand: allow-all, every method, legacy cache settings, the
// global S3 endpoint, plus settings of the user's own.
func legacyDistribution(t *testing.T, e *env, oai string) (string, *types.DistributionConfig) {
	t.Helper()
	cfg := legacyConfig("by-hand", oai)
	out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
	require.NoError(t, err)
	return aws.ToString(out.Distribution.Id), cfg
}

func legacyConfig(ref, oai string) *types.DistributionConfig {
	return &types.DistributionConfig{
		CallerReference: aws.String(ref),
		Comment:         aws.String("my site"),
		Enabled:         aws.Bool(true),
		Logging:         &types.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String("logs.s3.amazonaws.com"), Prefix: aws.String("cf/"), IncludeCookies: aws.Bool(false)},
		Origins: &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{{
			Id: aws.String("bucket"), DomainName: aws.String(testBucket + ".s3.amazonaws.com"),
			S3OriginConfig: &types.S3OriginConfig{OriginAccessIdentity: aws.String(oai)},
		}}},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{
			TargetOriginId:       aws.String("bucket"),
			ViewerProtocolPolicy: types.ViewerProtocolPolicyAllowAll,
			AllowedMethods: &types.AllowedMethods{Quantity: aws.Int32(7), Items: []types.Method{"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"},
				CachedMethods: &types.CachedMethods{Quantity: aws.Int32(2), Items: []types.Method{"GET", "HEAD"}}},
			ForwardedValues: &types.ForwardedValues{QueryString: aws.Bool(false), Cookies: &types.CookiePreference{Forward: types.ItemSelectionNone}},
			MinTTL:          aws.Int64(0),
		},
	}
}

func TestServeBucketSecuresExistingDistribution(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	id, _ := legacyDistribution(t, e, "")
	e.cf.Deploy(id)

	res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err, "found through its origin")
	assert.Equal(t, id, res.DistributionID)
	assert.Equal(t, 1, e.cf.Count("UpdateDistribution"))
	assert.Equal(t, 0, e.cf.Count("CreateDistributionWithTags"))
	var detail string
	for _, a := range res.Actions {
		if a.Step == cloudfront.StepUpdateDistribution {
			detail = a.Detail
			assert.Equal(t, cloudfront.ChangeUpdated, a.Change)
		}
	}
	for _, want := range []string{"origin domain", "-> OAC", "viewer protocol", "allowed methods", "cache policy", "response headers policy", "default root object"} {
		assert.Contains(t, detail, want)
	}

	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	cfg := got.DistributionConfig
	assert.Equal(t, "by-hand", aws.ToString(cfg.CallerReference))
	assert.Equal(t, "my site", aws.ToString(cfg.Comment), "the user's settings survive")
	assert.Equal(t, "cf/", aws.ToString(cfg.Logging.Prefix))
	o := cfg.Origins.Items[0]
	assert.Equal(t, "bucket", aws.ToString(o.Id))
	assert.Equal(t, testBucket+".s3.eu-west-1.amazonaws.com", aws.ToString(o.DomainName))
	assert.Equal(t, res.OriginAccessControlID, aws.ToString(o.OriginAccessControlId))
	b := cfg.DefaultCacheBehavior
	assert.Equal(t, types.ViewerProtocolPolicyRedirectToHttps, b.ViewerProtocolPolicy)
	assert.ElementsMatch(t, []types.Method{"GET", "HEAD"}, b.AllowedMethods.Items)
	//lint:ignore SA1019 checking that the legacy settings are gone
	assert.Nil(t, b.ForwardedValues, "a cache policy replaces the legacy settings")
	//lint:ignore SA1019 checking that the legacy settings are gone
	assert.Nil(t, b.MinTTL)
	assert.Equal(t, cloudfront.DefaultCachePolicyID, aws.ToString(b.CachePolicyId))
	assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)

	e.resetCounts()
	again, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
	require.NoError(t, err)
	assert.False(t, again.Changed(), "%v", again.Actions)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
}

func TestServeBucketGrantsBeforeSwitching(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	id, _ := legacyDistribution(t, e, "")
	// The switch fails: the bucket policy must already trust the
	// distribution (harmless: it is the distribution being wired), and the
	// distribution must be unchanged.
	e.cf.InjectFault("UpdateDistribution", cffake.Fault{Status: 503, Code: "ServiceUnavailable", Message: "injected"})
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
	var se *cloudfront.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, cloudfront.StepUpdateDistribution, se.Step)
	assert.Equal(t, id, se.Distribution)
	assert.Equal(t, "ServiceUnavailable", apiErrorCode(err))
	assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
	got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	assert.Nil(t, got.DistributionConfig.Origins.Items[0].OriginAccessControlId)
}

func TestServeBucketFindsOrRefuses(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	legacyDistribution(t, e, "")
	cfg := &types.DistributionConfig{
		CallerReference: aws.String("second"), Comment: aws.String(""), Enabled: aws.Bool(true),
		Origins:              &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{{Id: aws.String("b"), DomainName: aws.String(testBucket + ".s3.eu-west-1.amazonaws.com"), S3OriginConfig: &types.S3OriginConfig{OriginAccessIdentity: aws.String("")}}}},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{TargetOriginId: aws.String("b"), ViewerProtocolPolicy: types.ViewerProtocolPolicyHttpsOnly, CachePolicyId: aws.String(cloudfront.DefaultCachePolicyID)},
	}
	_, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
	require.NoError(t, err)
	_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	assert.ErrorIs(t, err, cloudfront.ErrAmbiguousDistribution)

	other := &types.DistributionConfig{
		CallerReference: aws.String("other"), Comment: aws.String(""), Enabled: aws.Bool(true),
		Origins:              &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{{Id: aws.String("x"), DomainName: aws.String("other-bucket.s3.eu-west-1.amazonaws.com"), S3OriginConfig: &types.S3OriginConfig{OriginAccessIdentity: aws.String("")}}}},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{TargetOriginId: aws.String("x"), ViewerProtocolPolicy: types.ViewerProtocolPolicyHttpsOnly, CachePolicyId: aws.String(cloudfront.DefaultCachePolicyID)},
	}
	out, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: other})
	require.NoError(t, err)
	_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: aws.ToString(out.Distribution.Id)})
	assert.ErrorIs(t, err, cloudfront.ErrOriginNotFound)

	_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: "ENOSUCHDIST000"})
	var nsd *types.NoSuchDistribution
	assert.ErrorAs(t, err, &nsd, "the SDK's typed error is reachable")
}

func TestServeBucketFixesOACSigning(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	created, err := e.cfc.CreateOriginAccessControl(ctx, &cfsdk.CreateOriginAccessControlInput{OriginAccessControlConfig: &types.OriginAccessControlConfig{
		Name: aws.String(cloudfront.OACName(testBucket)), OriginAccessControlOriginType: types.OriginAccessControlOriginTypesS3,
		SigningBehavior: types.OriginAccessControlSigningBehaviorsNever, SigningProtocol: types.OriginAccessControlSigningProtocolsSigv4,
	}})
	require.NoError(t, err)
	res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(created.OriginAccessControl.Id), res.OriginAccessControlID)
	assert.Equal(t, cloudfront.ChangeUpdated, res.Actions[0].Change)
	got, err := e.cfc.GetOriginAccessControl(ctx, &cfsdk.GetOriginAccessControlInput{Id: created.OriginAccessControl.Id})
	require.NoError(t, err)
	assert.Equal(t, types.OriginAccessControlSigningBehaviorsAlways, got.OriginAccessControl.OriginAccessControlConfig.SigningBehavior)

	long := strings.Repeat("a", 63)
	assert.LessOrEqual(t, len(cloudfront.OACName(long)), 64)
	assert.NotEqual(t, cloudfront.OACName(long), cloudfront.OACName(strings.Repeat("a", 62)+"b"))
}

func TestServeBucketRefusesOAIOrigin(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	oai, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	id, _ := legacyDistribution(t, e, oai.OriginValue)
	_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
	assert.ErrorIs(t, err, cloudfront.ErrUsesOAI)
}

func TestServeBucketSSEKMS(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	e.useKMS(t, keyARN)

	res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, keyARN, res.KMSKeyID)
	require.NotNil(t, res.KeyPolicyStatement)
	want, err := cloudfront.KeyPolicyStatement(res.DistributionARN)
	require.NoError(t, err)
	assert.True(t, policy.Equivalent(want, *res.KeyPolicyStatement))
	raw, err := (&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{*res.KeyPolicyStatement}}).Marshal()
	require.NoError(t, err)
	assert.JSONEq(t, `{"Version":"2012-10-17","Statement":[{"Sid":"S3SecureAllowCloudFrontSSEKMS`+res.DistributionID+`","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"AWS:SourceArn":"`+res.DistributionARN+`"}}}]}`, string(raw))

	kf, kc := startKMS(t, map[string]string{keyARN: defaultKeyPolicy})
	applied, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{KMS: kc, ApplyKeyPolicy: true})
	require.NoError(t, err)
	assert.Equal(t, 1, kf.count("PutKeyPolicy"))
	doc, err := policy.Parse([]byte(kf.policy(keyARN)))
	require.NoError(t, err)
	require.Len(t, doc.Statements, 2)
	assert.Equal(t, "Enable IAM User Permissions", doc.Statements[0].Sid, "the key's own statements survive")
	key := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	decrypt := func(source string) bool {
		req := &policy.Request{Caller: cloudfrontService, Action: "kms:Decrypt", Resource: key}
		req.Context.Set("aws:SourceArn", source)
		r, err := policy.Evaluate(req, &policy.Document{Version: policy.Version2012, Statements: doc.Statements[1:]})
		require.NoError(t, err)
		return r.Allowed()
	}
	assert.True(t, decrypt(applied.DistributionARN))
	assert.False(t, decrypt("arn:aws:cloudfront::111122223333:distribution/EOTHER"))

	_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{KMS: kc, ApplyKeyPolicy: true})
	require.NoError(t, err)
	assert.Equal(t, 1, kf.count("PutKeyPolicy"), "second run: no key policy write")

	_, err = cloudfront.KeyPolicyStatement("arn:aws:cloudfront::1:distribution/*")
	assert.ErrorIs(t, err, policy.ErrInvalidArgument)
}

func TestServeBucketSSEKMSAliasIsNotApplied(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	e.useKMS(t, "alias/media")
	kf, kc := startKMS(t, map[string]string{})
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{KMS: kc, ApplyKeyPolicy: true})
	require.NoError(t, err)
	require.NotNil(t, res.KeyPolicyStatement)
	assert.Equal(t, 0, kf.count("GetKeyPolicy"))
	require.Len(t, res.Warnings, 1)
	assert.Contains(t, res.Warnings[0], "alias")
}

func TestServeBucketSecondDistributionKeepsTheFirst(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	first, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	cfg := legacyConfig("second", "")
	cfg.Origins.Items[0].DomainName = aws.String(testBucket + ".s3.eu-west-1.amazonaws.com")
	out, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
	require.NoError(t, err)

	second, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: aws.ToString(out.Distribution.Id)})
	require.NoError(t, err)
	require.Len(t, second.Warnings, 1)
	assert.Contains(t, second.Warnings[0], first.DistributionARN)
	doc := e.bucketPolicy(t)
	require.Len(t, doc.Statements, 1, "one statement, both distributions")
	object := "arn:aws:s3:::" + testBucket + "/a.jpg"
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", object, first.DistributionARN))
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", object, second.DistributionARN))
	assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", object, "arn:aws:cloudfront::111122223333:distribution/EOTHERDIST0000"))
}

func TestServeBucketSSEKMSWithTheAWSManagedKey(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	_, err := e.s3c.PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{
		Bucket: aws.String(testBucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms},
		}}},
	})
	require.NoError(t, err)
	kf, kc := startKMS(t, map[string]string{})
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{KMS: kc, ApplyKeyPolicy: true})
	require.NoError(t, err)
	assert.Equal(t, "aws/s3", res.KMSKeyID)
	require.Len(t, res.Warnings, 1)
	assert.Contains(t, res.Warnings[0], "customer managed key")
	assert.Equal(t, 0, kf.count("GetKeyPolicy")+kf.count("PutKeyPolicy"))
}

// s3WithoutACL is an S3API that cannot read ACLs.
type s3WithoutACL struct{ cloudfront.S3API }

// TestServeBucketWarnsAboutAPublicACLAroundCloudFront: with Block Public
// Access off (AllowPublicAccessBlockOff) and IgnorePublicAcls off, a public
// grant in the bucket's ACL lets anyone read around CloudFront: ServeBucket
// reads the ACL and names each public grant in a warning, says when it
// could not read it, and says nothing more of a private ACL or once
// IgnorePublicAcls is on.
func TestServeBucketWarnsAboutAPublicACLAroundCloudFront(t *testing.T) {
	opts := &cloudfront.Options{AllowPublicAccessBlockOff: true}
	e := newEnv(t, s3fake.StateLegacy)
	_, err := e.s3c.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String(testBucket), ACL: s3types.BucketCannedACLPublicRead})
	require.NoError(t, err)
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, opts)
	require.NoError(t, err)
	warnings := strings.Join(res.Warnings, "\n")
	assert.Contains(t, warnings, "the bucket ACL grants READ to http://acs.amazonaws.com/groups/global/AllUsers and IgnorePublicAcls is off: anyone reaches the bucket around CloudFront")

	res, err = cloudfront.ServeBucket(t.Context(), e.cfc, s3WithoutACL{e.s3c}, testBucket, opts)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(res.Warnings, "\n"), "the bucket ACL was not read (the S3 client has no GetBucketAcl)")

	_, err = e.s3c.PutPublicAccessBlock(t.Context(), &s3.PutPublicAccessBlockInput{Bucket: aws.String(testBucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)}})
	require.NoError(t, err)
	res, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, opts)
	require.NoError(t, err)
	assert.NotContains(t, strings.Join(res.Warnings, "\n"), "bucket ACL", "IgnorePublicAcls: S3 ignores the grant")
	assert.Contains(t, strings.Join(res.Warnings, "\n"), "Block Public Access is not fully on")

	private := newEnv(t, s3fake.StateLegacy)
	res, err = cloudfront.ServeBucket(t.Context(), private.cfc, private.s3c, testBucket, opts)
	require.NoError(t, err)
	assert.NotContains(t, strings.Join(res.Warnings, "\n"), "bucket ACL")
}
