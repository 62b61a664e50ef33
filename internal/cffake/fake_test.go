package cffake_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cffake"
)

func TestUnsignedRequestIsRefusedWithCloudFrontErrorXML(t *testing.T) {
	srv := cffake.Start(t, nil)
	resp, err := http.Get(srv.URL + "/2020-05-31/distribution/E123")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Regexp(t, `^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code><Message>[^<]+</Message></Error><RequestId>[^<]+</RequestId></ErrorResponse>$`, string(body))
}

func TestUnknownOperationIsNotImplemented(t *testing.T) {
	srv := cffake.Start(t, nil)
	_, err := srv.Client().ListCachePolicies(t.Context(), &cloudfront.ListCachePoliciesInput{})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "NotImplemented", ae.ErrorCode())
}

func TestElementsAreParsedByNameInAnyOrder(t *testing.T) {
	srv := cffake.Start(t, nil)
	// Reverse-alphabetical order and a signing region other than us-east-1:
	// the SDK writes alphabetically, other clients may not.
	body := `<OriginAccessControlConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">` +
		`<SigningProtocol>sigv4</SigningProtocol><SigningBehavior>always</SigningBehavior>` +
		`<OriginAccessControlOriginType>s3</OriginAccessControlOriginType><Name>by-name</Name></OriginAccessControlConfig>`
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/2020-05-31/origin-access-control", strings.NewReader(body))
	require.NoError(t, err)
	sum := sha256.Sum256([]byte(body))
	require.NoError(t, v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: cffake.TestAccessKeyID, SecretAccessKey: cffake.TestSecretAccessKey},
		req, hex.EncodeToString(sum[:]), cffake.SigningName, "eu-west-1", time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("ETag"))

	list, err := srv.Client().ListOriginAccessControls(t.Context(), &cloudfront.ListOriginAccessControlsInput{})
	require.NoError(t, err)
	require.Len(t, list.OriginAccessControlList.Items, 1)
	assert.Equal(t, "by-name", aws.ToString(list.OriginAccessControlList.Items[0].Name))
	assert.Equal(t, types.OriginAccessControlSigningBehaviorsAlways, list.OriginAccessControlList.Items[0].SigningBehavior)
}

func TestCountersAndFaults(t *testing.T) {
	srv := cffake.Start(t, nil)
	c := srv.Client()
	ctx := t.Context()
	_, err := c.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Count("ListDistributions"))
	assert.Equal(t, 0, srv.Writes())

	srv.InjectFault("CreateOriginAccessControl", cffake.Fault{Status: 503, Code: "ServiceUnavailable", Message: "injected", Times: 1})
	_, err = c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: oacConfig("faulty")})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ServiceUnavailable", ae.ErrorCode())
	_, err = c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: oacConfig("faulty")})
	require.NoError(t, err, "a fault with Times 1 fails once")
	assert.Equal(t, 2, srv.Count("CreateOriginAccessControl"))
	assert.Equal(t, 2, srv.Writes())
	assert.Equal(t, map[string]int{"ListDistributions": 1, "CreateOriginAccessControl": 2}, srv.Counts())

	srv.InjectFault("ListDistributions", cffake.Fault{})
	for range 2 {
		_, err = c.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
		assert.Equal(t, "InternalError", apiCode(err), "Times 0 fails every request")
	}
	srv.ClearFaults()
	_, err = c.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	require.NoError(t, err)
	srv.ResetCounts()
	assert.Empty(t, srv.Counts())
}

func TestDeployFollowsTheClock(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := cffake.Start(t, &cffake.Options{Now: func() time.Time { return now }, DeployDelay: 5 * time.Minute})
	c := srv.Client()
	ctx := t.Context()
	created, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: distConfig("ref", "", "")})
	require.NoError(t, err)
	id := created.Distribution.Id
	status := func() string {
		got, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: id})
		require.NoError(t, err)
		return aws.ToString(got.Distribution.Status)
	}
	assert.Equal(t, "InProgress", status())
	now = now.Add(4 * time.Minute)
	assert.Equal(t, "InProgress", status())
	now = now.Add(time.Minute)
	assert.Equal(t, "Deployed", status())
	assert.Equal(t, []string{aws.ToString(id)}, srv.DistributionIDs())
	assert.False(t, srv.Deploy("ENOSUCH"))
}

func TestListPagination(t *testing.T) {
	srv := cffake.Start(t, nil)
	c := srv.Client()
	ctx := t.Context()
	for i := range 5 {
		_, err := c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: oacConfig(string(rune('a' + i)))})
		require.NoError(t, err)
	}
	var names []string
	p := cloudfront.NewListOriginAccessControlsPaginator(c, &cloudfront.ListOriginAccessControlsInput{MaxItems: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		pages++
		for _, s := range page.OriginAccessControlList.Items {
			names = append(names, aws.ToString(s.Name))
		}
	}
	assert.Equal(t, 3, pages)
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, names)
}

func TestConfigIsStoredVerbatim(t *testing.T) {
	srv := cffake.Start(t, nil)
	c := srv.Client()
	ctx := t.Context()
	cfg := distConfig("verbatim", "", "")
	// Fields the fake does not interpret must survive a round trip.
	cfg.Logging = &types.LoggingConfig{Enabled: aws.Bool(true), Bucket: aws.String("logs.s3.amazonaws.com"), Prefix: aws.String("cf/"), IncludeCookies: aws.Bool(false)}
	cfg.Aliases = &types.Aliases{Quantity: aws.Int32(1), Items: []string{"cdn.example.com"}}
	cfg.CustomErrorResponses = &types.CustomErrorResponses{Quantity: aws.Int32(1), Items: []types.CustomErrorResponse{{ErrorCode: aws.Int32(404), ResponseCode: aws.String("404"), ResponsePagePath: aws.String("/404.html")}}}
	created, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: cfg})
	require.NoError(t, err)
	got, err := c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: created.Distribution.Id})
	require.NoError(t, err)
	assert.Equal(t, "cf/", aws.ToString(got.DistributionConfig.Logging.Prefix))
	assert.Equal(t, []string{"cdn.example.com"}, got.DistributionConfig.Aliases.Items)
	assert.Equal(t, "/404.html", aws.ToString(got.DistributionConfig.CustomErrorResponses.Items[0].ResponsePagePath))
	assert.Equal(t, aws.ToString(created.ETag), aws.ToString(got.ETag))
}

func TestCreateDistributionChecks(t *testing.T) {
	srv := cffake.Start(t, nil)
	c := srv.Client()
	ctx := t.Context()
	_, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: distConfig("dup", "", "")})
	require.NoError(t, err)
	cases := []struct {
		name   string
		mutate func(*types.DistributionConfig)
		code   string
	}{
		{"caller reference reused", func(*types.DistributionConfig) {}, "DistributionAlreadyExists"},
		{"unknown target origin", func(d *types.DistributionConfig) { d.DefaultCacheBehavior.TargetOriginId = aws.String("nope") }, "NoSuchOrigin"},
		{"unknown response headers policy", func(d *types.DistributionConfig) {
			d.DefaultCacheBehavior.ResponseHeadersPolicyId = aws.String("00000000-0000-0000-0000-000000000000")
		}, "NoSuchResponseHeadersPolicy"},
		{"no cache policy and no forwarded values", func(d *types.DistributionConfig) { d.DefaultCacheBehavior.CachePolicyId = nil }, "InvalidArgument"},
		{"bad minimum protocol", func(d *types.DistributionConfig) {
			d.ViewerCertificate = &types.ViewerCertificate{MinimumProtocolVersion: "TLSv9"}
		}, "InvalidMinimumProtocolVersion"},
		{"origin group with an unknown member", func(d *types.DistributionConfig) {
			d.OriginGroups = originGroup("failover", aws.ToString(d.Origins.Items[0].Id), "nope")
			d.DefaultCacheBehavior.TargetOriginId = aws.String("failover")
		}, "NoSuchOrigin"},
		{"origin group named like an origin", func(d *types.DistributionConfig) {
			d.OriginGroups = originGroup(aws.ToString(d.Origins.Items[0].Id), aws.ToString(d.Origins.Items[0].Id), aws.ToString(d.Origins.Items[0].Id))
		}, "InvalidArgument"},
		{"certificate without SNI method", func(d *types.DistributionConfig) {
			d.ViewerCertificate = &types.ViewerCertificate{ACMCertificateArn: aws.String("arn:aws:acm:us-east-1:111122223333:certificate/x")}
		}, "InvalidViewerCertificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := distConfig("dup", "", "")
			if tc.name != "caller reference reused" {
				cfg.CallerReference = aws.String(tc.name)
			}
			tc.mutate(cfg)
			_, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: cfg})
			assert.Equal(t, tc.code, apiCode(err), "%v", err)
		})
	}
}

// originGroup is an origin group id of two members that fails over on 500.
func originGroup(id, primary, secondary string) *types.OriginGroups {
	return &types.OriginGroups{Quantity: aws.Int32(1), Items: []types.OriginGroup{{
		Id:               aws.String(id),
		FailoverCriteria: &types.OriginGroupFailoverCriteria{StatusCodes: &types.StatusCodes{Quantity: aws.Int32(1), Items: []int32{500}}},
		Members: &types.OriginGroupMembers{Quantity: aws.Int32(2), Items: []types.OriginGroupMember{
			{OriginId: aws.String(primary)}, {OriginId: aws.String(secondary)},
		}},
	}}}
}

// TestCacheBehaviorTargetsAnOriginGroup: a cache behavior may name an
// origin group instead of an origin (API reference, OriginGroup: "When you
// create or update a distribution, you can specify the origin group
// instead of a single origin"); the fake refused it as NoSuchOrigin.
func TestCacheBehaviorTargetsAnOriginGroup(t *testing.T) {
	srv := cffake.Start(t, nil)
	c := srv.Client()
	cfg := distConfig("group", "", "")
	second := cfg.Origins.Items[0]
	second.Id = aws.String("second")
	cfg.Origins = &types.Origins{Quantity: aws.Int32(2), Items: []types.Origin{cfg.Origins.Items[0], second}}
	cfg.OriginGroups = originGroup("failover", aws.ToString(cfg.Origins.Items[0].Id), "second")
	cfg.DefaultCacheBehavior.TargetOriginId = aws.String("failover")
	created, err := c.CreateDistribution(t.Context(), &cloudfront.CreateDistributionInput{DistributionConfig: cfg})
	require.NoError(t, err)
	got, err := c.GetDistributionConfig(t.Context(), &cloudfront.GetDistributionConfigInput{Id: created.Distribution.Id})
	require.NoError(t, err)
	assert.Equal(t, "failover", aws.ToString(got.DistributionConfig.DefaultCacheBehavior.TargetOriginId))
	assert.Equal(t, cfg.OriginGroups, got.DistributionConfig.OriginGroups)
}

// FuzzDistributionConfig: whatever the body, the fake answers
// CreateDistribution with 201 or a 4xx CloudFront error, never a panic or a
// 5xx, and a created configuration can be read back.
func FuzzDistributionConfig(f *testing.F) {
	f.Add(`<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>r</CallerReference><Comment></Comment><Enabled>true</Enabled><Origins><Items><Origin><Id>o</Id><DomainName>b.s3.amazonaws.com</DomainName><S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig></Origin></Items><Quantity>1</Quantity></Origins><DefaultCacheBehavior><TargetOriginId>o</TargetOriginId><ViewerProtocolPolicy>https-only</ViewerProtocolPolicy><CachePolicyId>658327ea-f89d-4fab-a63d-7e88639e58f6</CachePolicyId></DefaultCacheBehavior></DistributionConfig>`)
	f.Add(`<DistributionConfig><Origins><Quantity>2</Quantity></Origins></DistributionConfig>`)
	f.Add(`<DistributionConfig><CallerReference>`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, body string) {
		fake := cffake.New(nil)
		req := httptest.NewRequest(http.MethodPost, "/2020-05-31/distribution", strings.NewReader(body))
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cloudfront/aws4_request, SignedHeaders=host, Signature=00")
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, req)
		switch {
		case rec.Code == http.StatusCreated:
			id := fake.DistributionIDs()[0]
			get := httptest.NewRequest(http.MethodGet, "/2020-05-31/distribution/"+id+"/config", nil)
			get.Header = req.Header
			rec2 := httptest.NewRecorder()
			fake.ServeHTTP(rec2, get)
			if rec2.Code != http.StatusOK {
				t.Fatalf("get config: %d %s", rec2.Code, rec2.Body)
			}
		case rec.Code >= 400 && rec.Code < 500:
			if !strings.Contains(rec.Body.String(), "<ErrorResponse") {
				t.Fatalf("error without CloudFront's error document: %s", rec.Body)
			}
		default:
			t.Fatalf("status %d for %q", rec.Code, body)
		}
	})
}

// TestOAIRepeatIsComparedWithTheOriginalRequest: CloudFront compares a
// repeated CreateCloudFrontOriginAccessIdentity with "the original
// request" (API reference, CloudFrontOriginAccessIdentityConfig), so an
// identity whose comment was updated since is still answered to a repeat
// of the request that made it, and a repeat with the new comment is
// CloudFrontOriginAccessIdentityAlreadyExists.
func TestOAIRepeatIsComparedWithTheOriginalRequest(t *testing.T) {
	srv := cffake.Start(t, nil)
	c := srv.Client()
	ctx := t.Context()
	in := &cloudfront.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
		CallerReference: aws.String("ref"), Comment: aws.String("first"),
	}}
	made, err := c.CreateCloudFrontOriginAccessIdentity(ctx, in)
	require.NoError(t, err)
	id := made.CloudFrontOriginAccessIdentity.Id
	_, err = c.UpdateCloudFrontOriginAccessIdentity(ctx, &cloudfront.UpdateCloudFrontOriginAccessIdentityInput{Id: id, IfMatch: made.ETag,
		CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{CallerReference: aws.String("ref"), Comment: aws.String("second")}})
	require.NoError(t, err)

	again, err := c.CreateCloudFrontOriginAccessIdentity(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(id), aws.ToString(again.CloudFrontOriginAccessIdentity.Id))
	_, err = c.CreateCloudFrontOriginAccessIdentity(ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
		CallerReference: aws.String("ref"), Comment: aws.String("second"),
	}})
	var exists *types.CloudFrontOriginAccessIdentityAlreadyExists
	assert.ErrorAs(t, err, &exists)
	list, err := c.ListCloudFrontOriginAccessIdentities(ctx, &cloudfront.ListCloudFrontOriginAccessIdentitiesInput{})
	require.NoError(t, err)
	assert.Len(t, list.CloudFrontOriginAccessIdentityList.Items, 1, "no second identity")
}

// TestKeyListsPage: ListPublicKeys and ListKeyGroups page with Marker and
// MaxItems like the other lists, in creation order.
func TestKeyListsPage(t *testing.T) {
	srv := cffake.Start(t, nil)
	c := srv.Client()
	ctx := t.Context()
	var keyIDs, groupIDs []string
	for _, name := range []string{"a", "b", "c"} {
		pk, err := c.CreatePublicKey(ctx, &cloudfront.CreatePublicKeyInput{PublicKeyConfig: &types.PublicKeyConfig{
			CallerReference: aws.String(name), Name: aws.String(name), EncodedKey: aws.String(testPublicKeyPEM(t)),
		}})
		require.NoError(t, err)
		keyIDs = append(keyIDs, aws.ToString(pk.PublicKey.Id))
		kg, err := c.CreateKeyGroup(ctx, &cloudfront.CreateKeyGroupInput{KeyGroupConfig: &types.KeyGroupConfig{Name: aws.String(name), Items: []string{aws.ToString(pk.PublicKey.Id)}}})
		require.NoError(t, err)
		groupIDs = append(groupIDs, aws.ToString(kg.KeyGroup.Id))
	}
	var gotKeys, gotGroups []string
	for marker := ""; ; {
		page, err := c.ListPublicKeys(ctx, &cloudfront.ListPublicKeysInput{Marker: aws.String(marker), MaxItems: aws.Int32(2)})
		require.NoError(t, err)
		for _, k := range page.PublicKeyList.Items {
			gotKeys = append(gotKeys, aws.ToString(k.Id))
		}
		if marker = aws.ToString(page.PublicKeyList.NextMarker); marker == "" {
			break
		}
	}
	for marker := ""; ; {
		page, err := c.ListKeyGroups(ctx, &cloudfront.ListKeyGroupsInput{Marker: aws.String(marker), MaxItems: aws.Int32(2)})
		require.NoError(t, err)
		for _, g := range page.KeyGroupList.Items {
			gotGroups = append(gotGroups, aws.ToString(g.KeyGroup.Id))
		}
		if marker = aws.ToString(page.KeyGroupList.NextMarker); marker == "" {
			break
		}
	}
	assert.Equal(t, keyIDs, gotKeys)
	assert.Equal(t, groupIDs, gotGroups)
}

func testPublicKeyPEM(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
