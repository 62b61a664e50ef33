package cffake_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/conformance"
)

// target is one CloudFront implementation the scenarios run against. Where
// moto_server departs from AWS's documented behaviour, the quirk is named
// here and the scenario pins AWS's behaviour for the fake and records
// moto's for moto, so a change in either shows up.
type target struct {
	name   string
	client *cloudfront.Client
	fake   *cffake.Server // nil for moto
	quirks quirks
}

type quirks struct {
	// dropsOriginAccess: moto 5.2.1 does not keep an origin's
	// OriginAccessControlId or S3OriginConfig (GetDistributionConfig returns
	// neither). AWS returns both as sent.
	dropsOriginAccess bool
	// ignoresIfMatchValue: moto requires If-Match on UpdateDistribution and
	// DeleteDistribution but accepts any value, and ignores If-Match on
	// origin access controls. AWS answers 412 PreconditionFailed for a stale
	// ETag.
	ignoresIfMatchValue bool
	// noReferenceChecks: moto does not enforce OAC name uniqueness, OAC
	// in-use on delete, the OAC/OAI exclusivity on an origin, unknown OAC
	// ids, the CallerReference immutability, or "disabled before delete".
	noReferenceChecks bool
	// noOAI: moto 5.2.1 has no origin access identity API at all.
	noOAI bool
	// arnWithoutEmptyRegion: moto writes distribution ARNs as
	// arn:aws:cloudfront:ACCOUNT:distribution/ID; AWS's form has an empty
	// region field: arn:aws:cloudfront::ACCOUNT:distribution/ID.
	arnWithoutEmptyRegion bool
	// partialOACAPI: moto 5.2.1 sends no Location header on
	// CreateOriginAccessControl and answers GetOriginAccessControlConfig
	// with a 500 HTML page. AWS implements both.
	partialOACAPI bool
	// summaryWithoutOrigins: moto's ListDistributions summaries carry no
	// Origins; AWS's DistributionSummary requires them.
	summaryWithoutOrigins bool
	// statusNotResetOnUpdate: moto keeps a Deployed distribution Deployed
	// across UpdateDistribution; AWS reports InProgress until the change has
	// propagated.
	statusNotResetOnUpdate bool
	// acceptsAnyKey: moto 5.2.1 stores any EncodedKey CreatePublicKey is
	// sent (RSA 1024 and 4096, ECDSA P-384). AWS: "CloudFront supports
	// signed URLs and signed cookies with RSA 2048 or ECDSA 256 key
	// signatures" (API reference, PublicKeyConfig).
	acceptsAnyKey bool
}

// motoQuirks are moto_server 5.2.1's departures from AWS, each checked by
// the scenarios so a moto upgrade that fixes one shows up as a failure.
var motoQuirks = quirks{
	dropsOriginAccess: true, ignoresIfMatchValue: true, noReferenceChecks: true, noOAI: true,
	arnWithoutEmptyRegion: true, partialOACAPI: true, summaryWithoutOrigins: true,
	statusNotResetOnUpdate: true, acceptsAnyKey: true,
}

// scenarios are the CloudFront conformance scenarios.
var scenarios = []struct {
	name string
	fn   func(t *testing.T, tg target)
}{
	{"OriginAccessControlLifecycle", scenarioOACLifecycle},
	{"DistributionLifecycle", scenarioDistributionLifecycle},
	{"OriginAccessRules", scenarioOriginAccessRules},
	{"OriginAccessIdentity", scenarioOAI},
	{"KeyGroups", scenarioKeyGroups},
	{"PublicKeyTypes", scenarioPublicKeyTypes},
}

// TestConformance runs every scenario against cffake and, unless -short,
// against moto_server (started once through conformance.StartMoto, or
// S3SECURE_MOTO_ENDPOINT).
func TestConformance(t *testing.T) {
	t.Run("cffake", func(t *testing.T) {
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) {
				fake := cffake.Start(t, nil)
				sc.fn(t, target{name: "cffake", client: fake.Client(), fake: fake})
			})
		}
	})
	t.Run("moto", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short: moto target skipped")
		}
		tg := target{name: "moto", client: cffake.NewClient(conformance.StartMoto(t)), quirks: motoQuirks}
		for _, sc := range scenarios {
			t.Run(sc.name, func(t *testing.T) { sc.fn(t, tg) })
		}
	})
}

var uniq atomic.Int64

// unique returns a name no other scenario (or earlier run against a shared
// moto_server) uses.
func unique(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1e9, uniq.Add(1))
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func oacConfig(name string) *types.OriginAccessControlConfig {
	return &types.OriginAccessControlConfig{
		Name:                          aws.String(name),
		Description:                   aws.String("conformance"),
		OriginAccessControlOriginType: types.OriginAccessControlOriginTypesS3,
		SigningBehavior:               types.OriginAccessControlSigningBehaviorsAlways,
		SigningProtocol:               types.OriginAccessControlSigningProtocolsSigv4,
	}
}

// distConfig is a minimal valid distribution with one S3 REST origin using
// the OAC oacID (when not empty) or the legacy OAI value oai.
func distConfig(ref, oacID, oai string) *types.DistributionConfig {
	return &types.DistributionConfig{
		CallerReference: aws.String(ref),
		Comment:         aws.String("conformance " + ref),
		Enabled:         aws.Bool(true),
		Origins: &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{{
			Id:                    aws.String("s3"),
			DomainName:            aws.String("example-bucket.s3.eu-west-1.amazonaws.com"),
			OriginAccessControlId: optional(oacID),
			S3OriginConfig:        &types.S3OriginConfig{OriginAccessIdentity: aws.String(oai)},
		}}},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{
			TargetOriginId:       aws.String("s3"),
			ViewerProtocolPolicy: types.ViewerProtocolPolicyRedirectToHttps,
			CachePolicyId:        aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6"),
		},
	}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func scenarioOACLifecycle(t *testing.T, tg target) {
	ctx := t.Context()
	c := tg.client
	name := unique("oac")
	created, err := c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: oacConfig(name)})
	require.NoError(t, err)
	require.NotNil(t, created.OriginAccessControl)
	id := aws.ToString(created.OriginAccessControl.Id)
	assert.NotEmpty(t, id)
	assert.NotEmpty(t, aws.ToString(created.ETag))
	if !tg.quirks.partialOACAPI {
		assert.Contains(t, aws.ToString(created.Location), "/origin-access-control/"+id)
	}
	assert.Equal(t, name, aws.ToString(created.OriginAccessControl.OriginAccessControlConfig.Name))

	got, err := c.GetOriginAccessControl(ctx, &cloudfront.GetOriginAccessControlInput{Id: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, types.OriginAccessControlSigningBehaviorsAlways, got.OriginAccessControl.OriginAccessControlConfig.SigningBehavior)
	assert.NotEmpty(t, aws.ToString(got.ETag))

	if !tg.quirks.partialOACAPI {
		cfg, err := c.GetOriginAccessControlConfig(ctx, &cloudfront.GetOriginAccessControlConfigInput{Id: aws.String(id)})
		require.NoError(t, err)
		assert.Equal(t, types.OriginAccessControlSigningProtocolsSigv4, cfg.OriginAccessControlConfig.SigningProtocol)
		assert.Equal(t, types.OriginAccessControlOriginTypesS3, cfg.OriginAccessControlConfig.OriginAccessControlOriginType)
	}

	list, err := c.ListOriginAccessControls(ctx, &cloudfront.ListOriginAccessControlsInput{})
	require.NoError(t, err)
	found := false
	for _, s := range list.OriginAccessControlList.Items {
		if aws.ToString(s.Id) == id {
			found = true
			assert.Equal(t, name, aws.ToString(s.Name))
		}
	}
	assert.True(t, found, "list contains the new OAC")

	if !tg.quirks.noReferenceChecks {
		_, err = c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: oacConfig(name)})
		var exists *types.OriginAccessControlAlreadyExists
		assert.ErrorAs(t, err, &exists, "names are unique per account")
	}

	upd := oacConfig(name)
	upd.Description = aws.String("updated")
	if !tg.quirks.ignoresIfMatchValue {
		_, err = c.UpdateOriginAccessControl(ctx, &cloudfront.UpdateOriginAccessControlInput{Id: aws.String(id), IfMatch: aws.String("stale"), OriginAccessControlConfig: upd})
		var pf *types.PreconditionFailed
		assert.ErrorAs(t, err, &pf)
	}
	updated, err := c.UpdateOriginAccessControl(ctx, &cloudfront.UpdateOriginAccessControlInput{Id: aws.String(id), IfMatch: got.ETag, OriginAccessControlConfig: upd})
	require.NoError(t, err)
	assert.Equal(t, "updated", aws.ToString(updated.OriginAccessControl.OriginAccessControlConfig.Description))

	etag := updated.ETag
	if tg.quirks.ignoresIfMatchValue {
		etag = aws.String("any")
	} else {
		_, err = c.DeleteOriginAccessControl(ctx, &cloudfront.DeleteOriginAccessControlInput{Id: aws.String(id)})
		var iv *types.InvalidIfMatchVersion
		assert.ErrorAs(t, err, &iv, "delete without If-Match")
		_, err = c.DeleteOriginAccessControl(ctx, &cloudfront.DeleteOriginAccessControlInput{Id: aws.String(id), IfMatch: got.ETag})
		var pf *types.PreconditionFailed
		assert.ErrorAs(t, err, &pf, "delete with the ETag from before the update")
	}
	_, err = c.DeleteOriginAccessControl(ctx, &cloudfront.DeleteOriginAccessControlInput{Id: aws.String(id), IfMatch: etag})
	require.NoError(t, err)
	_, err = c.GetOriginAccessControl(ctx, &cloudfront.GetOriginAccessControlInput{Id: aws.String(id)})
	var nf *types.NoSuchOriginAccessControl
	assert.ErrorAs(t, err, &nf)
}

func scenarioDistributionLifecycle(t *testing.T, tg target) {
	ctx := t.Context()
	c := tg.client
	oac, err := c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: oacConfig(unique("oac"))})
	require.NoError(t, err)
	oacID := aws.ToString(oac.OriginAccessControl.Id)
	ref := unique("ref")

	created, err := c.CreateDistributionWithTags(ctx, &cloudfront.CreateDistributionWithTagsInput{
		DistributionConfigWithTags: &types.DistributionConfigWithTags{
			DistributionConfig: distConfig(ref, oacID, ""),
			Tags:               &types.Tags{Items: []types.Tag{{Key: aws.String("owner"), Value: aws.String("conformance")}}},
		},
	})
	require.NoError(t, err)
	d := created.Distribution
	id := aws.ToString(d.Id)
	assert.NotEmpty(t, aws.ToString(created.ETag))
	assert.Contains(t, aws.ToString(created.Location), "/distribution/"+id)
	assert.Equal(t, "InProgress", aws.ToString(d.Status))
	assert.True(t, strings.HasSuffix(aws.ToString(d.DomainName), ".cloudfront.net"), aws.ToString(d.DomainName))
	if tg.quirks.arnWithoutEmptyRegion {
		assert.Regexp(t, `^arn:aws:cloudfront:\d{12}:distribution/`+id+`$`, aws.ToString(d.ARN))
	} else {
		assert.Regexp(t, `^arn:aws:cloudfront::\d{12}:distribution/`+id+`$`, aws.ToString(d.ARN))
	}

	tags, err := c.ListTagsForResource(ctx, &cloudfront.ListTagsForResourceInput{Resource: d.ARN})
	require.NoError(t, err)
	require.Len(t, tags.Tags.Items, 1)
	assert.Equal(t, "owner", aws.ToString(tags.Tags.Items[0].Key))

	cfg, err := c.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	require.Len(t, cfg.DistributionConfig.Origins.Items, 1)
	origin := cfg.DistributionConfig.Origins.Items[0]
	assert.Equal(t, "example-bucket.s3.eu-west-1.amazonaws.com", aws.ToString(origin.DomainName))
	if tg.quirks.dropsOriginAccess {
		assert.Nil(t, origin.OriginAccessControlId, "moto drops OriginAccessControlId (AWS keeps it)")
	} else {
		assert.Equal(t, oacID, aws.ToString(origin.OriginAccessControlId))
		require.NotNil(t, origin.S3OriginConfig)
		assert.Equal(t, "", aws.ToString(origin.S3OriginConfig.OriginAccessIdentity))
	}
	assert.Equal(t, ref, aws.ToString(cfg.DistributionConfig.CallerReference))

	list, err := c.ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	require.NoError(t, err)
	found := false
	for _, s := range list.DistributionList.Items {
		if aws.ToString(s.Id) == id {
			found = true
			assert.Equal(t, aws.ToString(d.ARN), aws.ToString(s.ARN))
			if tg.quirks.summaryWithoutOrigins {
				assert.Nil(t, s.Origins, "moto's summary has no Origins (AWS's has)")
			} else {
				require.NotNil(t, s.Origins)
				assert.Equal(t, "example-bucket.s3.eu-west-1.amazonaws.com", aws.ToString(s.Origins.Items[0].DomainName))
				assert.Equal(t, oacID, aws.ToString(s.Origins.Items[0].OriginAccessControlId))
			}
		}
	}
	assert.True(t, found, "list contains the new distribution")

	// Updates need If-Match: missing is InvalidIfMatchVersion on AWS and moto.
	newCfg := cfg.DistributionConfig
	newCfg.Comment = aws.String("changed")
	if tg.quirks.dropsOriginAccess {
		newCfg.Origins.Items[0].OriginAccessControlId = aws.String(oacID)
		newCfg.Origins.Items[0].S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String("")}
	}
	_, err = c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), DistributionConfig: newCfg})
	var iv *types.InvalidIfMatchVersion
	assert.ErrorAs(t, err, &iv, "update without If-Match")
	if !tg.quirks.ignoresIfMatchValue {
		_, err = c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), IfMatch: aws.String("stale"), DistributionConfig: newCfg})
		var pf *types.PreconditionFailed
		assert.ErrorAs(t, err, &pf, "update with a stale ETag")
	}
	if !tg.quirks.noReferenceChecks {
		bad := *newCfg
		bad.CallerReference = aws.String("other")
		_, err = c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), IfMatch: cfg.ETag, DistributionConfig: &bad})
		var iu *types.IllegalUpdate
		assert.ErrorAs(t, err, &iu, "CallerReference cannot change")

		_, err = c.DeleteOriginAccessControl(ctx, &cloudfront.DeleteOriginAccessControlInput{Id: aws.String(oacID), IfMatch: oac.ETag})
		var inUse *types.OriginAccessControlInUse
		assert.ErrorAs(t, err, &inUse, "an OAC used by a distribution cannot be deleted")
	}
	updated, err := c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), IfMatch: cfg.ETag, DistributionConfig: newCfg})
	require.NoError(t, err)
	assert.Equal(t, "changed", aws.ToString(updated.Distribution.DistributionConfig.Comment))
	if !tg.quirks.statusNotResetOnUpdate {
		assert.Equal(t, "InProgress", aws.ToString(updated.Distribution.Status))
	}
	if !tg.quirks.ignoresIfMatchValue {
		assert.NotEqual(t, aws.ToString(cfg.ETag), aws.ToString(updated.ETag), "a write changes the ETag")
	}

	got, err := c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, "Deployed", aws.ToString(got.Distribution.Status), "the next read after a write sees Deployed (fake: DeployDelay 0; moto: one state step)")

	if !tg.quirks.noReferenceChecks {
		_, err = c.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: aws.String(id), IfMatch: got.ETag})
		var nd *types.DistributionNotDisabled
		assert.ErrorAs(t, err, &nd, "an enabled distribution cannot be deleted")
	}
	disable := updated.Distribution.DistributionConfig
	disable.Enabled = aws.Bool(false)
	if tg.quirks.dropsOriginAccess {
		disable.Origins.Items[0].OriginAccessControlId = aws.String(oacID)
		disable.Origins.Items[0].S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String("")}
	}
	disabled, err := c.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: aws.String(id), IfMatch: got.ETag, DistributionConfig: disable})
	require.NoError(t, err)
	if tg.fake != nil {
		require.True(t, tg.fake.Deploy(id))
	}
	_, err = c.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: aws.String(id)})
	assert.ErrorAs(t, err, &iv, "delete without If-Match")
	_, err = c.DeleteDistribution(ctx, &cloudfront.DeleteDistributionInput{Id: aws.String(id), IfMatch: disabled.ETag})
	require.NoError(t, err)

	_, err = c.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: aws.String(id)})
	var nsd *types.NoSuchDistribution
	require.ErrorAs(t, err, &nsd)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, smithy.FaultClient, ae.ErrorFault(), "Sender errors are client faults")
}

func scenarioOriginAccessRules(t *testing.T, tg target) {
	if tg.quirks.noReferenceChecks {
		t.Skip("moto 5.2.1 does not check origin access references; AWS behaviour is pinned on cffake")
	}
	ctx := t.Context()
	c := tg.client
	oac, err := c.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: oacConfig(unique("oac"))})
	require.NoError(t, err)
	oai, err := c.CreateCloudFrontOriginAccessIdentity(ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{
		CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{CallerReference: aws.String(unique("oai")), Comment: aws.String("x")},
	})
	require.NoError(t, err)
	oaiValue := "origin-access-identity/cloudfront/" + aws.ToString(oai.CloudFrontOriginAccessIdentity.Id)

	cases := []struct {
		name       string
		oacID, oai string
		code       string
	}{
		{"both OAC and OAI", aws.ToString(oac.OriginAccessControl.Id), oaiValue, "IllegalOriginAccessConfiguration"},
		{"unknown OAC", "E0000000000000", "", "NoSuchOriginAccessControl"},
		{"unknown OAI", "", "origin-access-identity/cloudfront/E0000000000000", "InvalidOriginAccessIdentity"},
		{"malformed OAI", "", "E0000000000000", "InvalidOriginAccessIdentity"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: distConfig(unique("ref"), tc.oacID, tc.oai)})
			assert.Equal(t, tc.code, apiCode(err), "%v", err)
		})
	}
	bad := distConfig(unique("ref"), "", oaiValue)
	bad.Origins.Quantity = aws.Int32(2)
	_, err = c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: bad})
	assert.Equal(t, "InconsistentQuantities", apiCode(err))
	bad = distConfig(unique("ref"), "", oaiValue)
	bad.DefaultCacheBehavior.CachePolicyId = aws.String("00000000-0000-0000-0000-000000000000")
	_, err = c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: bad})
	assert.Equal(t, "NoSuchCachePolicy", apiCode(err))

	// A legacy OAI origin is accepted, and the OAI is then in use.
	legacy, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: distConfig(unique("ref"), "", oaiValue)})
	require.NoError(t, err)
	assert.NotEmpty(t, aws.ToString(legacy.Distribution.Id))
	_, err = c.DeleteCloudFrontOriginAccessIdentity(ctx, &cloudfront.DeleteCloudFrontOriginAccessIdentityInput{Id: oai.CloudFrontOriginAccessIdentity.Id, IfMatch: oai.ETag})
	var inUse *types.CloudFrontOriginAccessIdentityInUse
	assert.ErrorAs(t, err, &inUse)
}

func scenarioOAI(t *testing.T, tg target) {
	if tg.quirks.noOAI {
		t.Skip("moto 5.2.1 has no origin access identity API; AWS behaviour is pinned on cffake")
	}
	ctx := t.Context()
	c := tg.client
	ref := unique("oai")
	in := &cloudfront.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
		CallerReference: aws.String(ref), Comment: aws.String("legacy"),
	}}
	created, err := c.CreateCloudFrontOriginAccessIdentity(ctx, in)
	require.NoError(t, err)
	o := created.CloudFrontOriginAccessIdentity
	assert.Regexp(t, `^[0-9a-f]{96}$`, aws.ToString(o.S3CanonicalUserId))
	assert.Contains(t, aws.ToString(created.Location), "/origin-access-identity/cloudfront/"+aws.ToString(o.Id))

	// "If the CallerReference is a value already sent in a previous
	// identity request, and the content of the
	// CloudFrontOriginAccessIdentityConfig is identical to the original
	// request (ignoring white space), the response includes the same
	// information returned to the original request." (API reference,
	// CloudFrontOriginAccessIdentityConfig.CallerReference)
	again, err := c.CreateCloudFrontOriginAccessIdentity(ctx, in)
	require.NoError(t, err, "an identical request with the same CallerReference returns the existing identity")
	assert.Equal(t, aws.ToString(o.Id), aws.ToString(again.CloudFrontOriginAccessIdentity.Id))
	// "If the CallerReference is a value you already sent in a previous
	// request to create an identity, but the content of the
	// CloudFrontOriginAccessIdentityConfig is different from the original
	// request, CloudFront returns a
	// CloudFrontOriginAccessIdentityAlreadyExists error."
	_, err = c.CreateCloudFrontOriginAccessIdentity(ctx, &cloudfront.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
		CallerReference: aws.String(ref), Comment: aws.String("another comment"),
	}})
	var oaiExists *types.CloudFrontOriginAccessIdentityAlreadyExists
	assert.ErrorAs(t, err, &oaiExists)

	got, err := c.GetCloudFrontOriginAccessIdentity(ctx, &cloudfront.GetCloudFrontOriginAccessIdentityInput{Id: o.Id})
	require.NoError(t, err)
	assert.Equal(t, "legacy", aws.ToString(got.CloudFrontOriginAccessIdentity.CloudFrontOriginAccessIdentityConfig.Comment))

	list, err := c.ListCloudFrontOriginAccessIdentities(ctx, &cloudfront.ListCloudFrontOriginAccessIdentitiesInput{})
	require.NoError(t, err)
	require.NotEmpty(t, list.CloudFrontOriginAccessIdentityList.Items)
	assert.Equal(t, aws.ToString(o.S3CanonicalUserId), aws.ToString(list.CloudFrontOriginAccessIdentityList.Items[0].S3CanonicalUserId))

	_, err = c.DeleteCloudFrontOriginAccessIdentity(ctx, &cloudfront.DeleteCloudFrontOriginAccessIdentityInput{Id: o.Id})
	var iv *types.InvalidIfMatchVersion
	assert.ErrorAs(t, err, &iv)
	_, err = c.DeleteCloudFrontOriginAccessIdentity(ctx, &cloudfront.DeleteCloudFrontOriginAccessIdentityInput{Id: o.Id, IfMatch: got.ETag})
	require.NoError(t, err)
	_, err = c.GetCloudFrontOriginAccessIdentity(ctx, &cloudfront.GetCloudFrontOriginAccessIdentityInput{Id: o.Id})
	var nf *types.NoSuchCloudFrontOriginAccessIdentity
	assert.ErrorAs(t, err, &nf)
}

func scenarioKeyGroups(t *testing.T, tg target) {
	ctx := t.Context()
	c := tg.client
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	name := unique("key")
	pk, err := c.CreatePublicKey(ctx, &cloudfront.CreatePublicKeyInput{PublicKeyConfig: &types.PublicKeyConfig{
		CallerReference: aws.String(name), Name: aws.String(name),
		EncodedKey: aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))),
	}})
	require.NoError(t, err)
	pkID := aws.ToString(pk.PublicKey.Id)
	assert.NotEmpty(t, pkID)
	assert.NotEmpty(t, aws.ToString(pk.ETag))

	kg, err := c.CreateKeyGroup(ctx, &cloudfront.CreateKeyGroupInput{KeyGroupConfig: &types.KeyGroupConfig{Name: aws.String(name), Items: []string{pkID}}})
	require.NoError(t, err)
	kgID := aws.ToString(kg.KeyGroup.Id)
	got, err := c.GetKeyGroup(ctx, &cloudfront.GetKeyGroupInput{Id: aws.String(kgID)})
	require.NoError(t, err)
	assert.Equal(t, []string{pkID}, got.KeyGroup.KeyGroupConfig.Items)

	// Both lists name what was made: the public key by name and ID, the
	// key group with its configuration (its keys).
	keys, err := c.ListPublicKeys(ctx, &cloudfront.ListPublicKeysInput{})
	require.NoError(t, err)
	require.NotNil(t, keys.PublicKeyList)
	var listedKey *types.PublicKeySummary
	for i, k := range keys.PublicKeyList.Items {
		if aws.ToString(k.Id) == pkID {
			listedKey = &keys.PublicKeyList.Items[i]
		}
	}
	require.NotNil(t, listedKey, "ListPublicKeys lists %s", pkID)
	assert.Equal(t, name, aws.ToString(listedKey.Name))
	assert.Equal(t, int32(len(keys.PublicKeyList.Items)), aws.ToInt32(keys.PublicKeyList.Quantity))
	groups, err := c.ListKeyGroups(ctx, &cloudfront.ListKeyGroupsInput{})
	require.NoError(t, err)
	require.NotNil(t, groups.KeyGroupList)
	var listedGroup *types.KeyGroup
	for _, g := range groups.KeyGroupList.Items {
		if g.KeyGroup != nil && aws.ToString(g.KeyGroup.Id) == kgID {
			listedGroup = g.KeyGroup
		}
	}
	require.NotNil(t, listedGroup, "ListKeyGroups lists %s", kgID)
	assert.Equal(t, name, aws.ToString(listedGroup.KeyGroupConfig.Name))
	assert.Equal(t, []string{pkID}, listedGroup.KeyGroupConfig.Items)

	if !tg.quirks.noReferenceChecks {
		// "A string included in the request to help make sure that the
		// request can't be replayed" (PublicKeyConfig.CallerReference):
		// the same request again is refused, "The specified public key
		// already exists." And "A key group with this name already
		// exists. You must provide a unique name." (KeyGroupAlreadyExists).
		_, err = c.CreatePublicKey(ctx, &cloudfront.CreatePublicKeyInput{PublicKeyConfig: &types.PublicKeyConfig{
			CallerReference: aws.String(name), Name: aws.String(name),
			EncodedKey: aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))),
		}})
		var pkExists *types.PublicKeyAlreadyExists
		assert.ErrorAs(t, err, &pkExists)
		_, err = c.CreateKeyGroup(ctx, &cloudfront.CreateKeyGroupInput{KeyGroupConfig: &types.KeyGroupConfig{Name: aws.String(name), Items: []string{pkID}}})
		var kgExists *types.KeyGroupAlreadyExists
		assert.ErrorAs(t, err, &kgExists)
	}

	cfg := distConfig(unique("ref"), "", "")
	cfg.DefaultCacheBehavior.TrustedKeyGroups = &types.TrustedKeyGroups{Enabled: aws.Bool(true), Quantity: aws.Int32(1), Items: []string{kgID}}
	created, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: cfg})
	require.NoError(t, err)
	tkg := created.Distribution.DistributionConfig.DefaultCacheBehavior.TrustedKeyGroups
	require.NotNil(t, tkg)
	assert.Equal(t, []string{kgID}, tkg.Items)

	if !tg.quirks.noReferenceChecks {
		bad := distConfig(unique("ref"), "", "")
		bad.DefaultCacheBehavior.TrustedKeyGroups = &types.TrustedKeyGroups{Enabled: aws.Bool(true), Quantity: aws.Int32(1), Items: []string{"E0000000000000"}}
		_, err = c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: bad})
		var nk *types.TrustedKeyGroupDoesNotExist
		assert.ErrorAs(t, err, &nk)
		_, err = c.CreatePublicKey(ctx, &cloudfront.CreatePublicKeyInput{PublicKeyConfig: &types.PublicKeyConfig{
			CallerReference: aws.String(unique("bad")), Name: aws.String(unique("bad")), EncodedKey: aws.String("not a key"),
		}})
		assert.Equal(t, "InvalidArgument", apiCode(err))
	}
}

// rsa4096PEM is the public half of an RSA 4096 key made once with
// "openssl genrsa 4096 | openssl rsa -pubout": generating one takes
// seconds to tens of seconds on a loaded machine.
const rsa4096PEM = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAm7EvwHIen+GtO5CXTTJk
CYZmrkoWdWc7XLQtvAdRYFxqV8EhdObHC5d7dziyo3S4bkL22viGU+CJgRqwEiJk
BW+MkWzmWxUg5o3MO5QLEEKLQHdKrLUYsqyt84bmfgmENr9biM9c4cGGyzsbKZbr
7Fy1HUnUGCk9m51szl21TXejhWRn+zMR2f/QnPLne/sANbOWCjMSIq1pb7/ayiGW
mjltqkgsuKmf8dxtP89vjn3sDcolfRf772zKMGPQfDthMxGRkM2A8a61DmN4Thl9
OK6Evbrndlo+Uso3SHlSoY3pbruBvQTOrdoy79LDnqZe+VsN9M3Wp0oVHVKTSifT
GK7fz/Od5CidUU2CVNH0DZPl1wLWPFpnNxUbI+nqXAm5OwdHCc3I7Iim24Y7+3Wp
SpQgv301bB3sGCNmFHbbj+xrhqIPtWCZkWSQR4+qM3OM2su0TPOrddIxPeEYzPRk
/080YZ4yBDWhiVusaXbrTCx6jdj1HVpCFeujvJAD1aDEno0hEkh9Jo2IzEg+uom7
XgjusipcL0N2EBX6Jpcz7vhJFOu4zx+AmKWMhM48hX1PRGrGfwIMIh1x0ukUx2h5
385zRN127eymY9vCPIS0ZrsMi/HMXcpPISnL0zc6t41kN0jFy+h6zva5WrL1YpwQ
iqrqP6EXWIl5p39DkXrN+ukCAwEAAQ==
-----END PUBLIC KEY-----
`

func rsa4096() (crypto.PublicKey, error) {
	b, _ := pem.Decode([]byte(rsa4096PEM))
	if b == nil {
		return nil, errors.New("rsa4096PEM is not PEM")
	}
	return x509.ParsePKIXPublicKey(b.Bytes)
}

// scenarioPublicKeyTypes: "CloudFront supports signed URLs and signed
// cookies with RSA 2048 or ECDSA 256 key signatures" (API reference,
// PublicKeyConfig), so CreatePublicKey takes an RSA 2048 or an ECDSA P-256
// key and refuses any other; the one error the API reference lists for a
// bad request is InvalidArgument, "An argument is invalid." (400).
func scenarioPublicKeyTypes(t *testing.T, tg target) {
	ctx := t.Context()
	rsaKey := func(bits int) func() (crypto.PublicKey, error) {
		return func() (crypto.PublicKey, error) {
			k, err := rsa.GenerateKey(rand.Reader, bits)
			if err != nil {
				return nil, err
			}
			return &k.PublicKey, nil
		}
	}
	ecKey := func(c elliptic.Curve) func() (crypto.PublicKey, error) {
		return func() (crypto.PublicKey, error) {
			k, err := ecdsa.GenerateKey(c, rand.Reader)
			if err != nil {
				return nil, err
			}
			return &k.PublicKey, nil
		}
	}
	for _, row := range []struct {
		name     string
		key      func() (crypto.PublicKey, error)
		accepted bool
	}{
		{"RSA 2048", rsaKey(2048), true},
		{"ECDSA P-256", ecKey(elliptic.P256()), true},
		{"ECDSA P-384", ecKey(elliptic.P384()), false},
		{"RSA 1024", rsaKey(1024), false},
		{"RSA 4096", rsa4096, false},
	} {
		t.Run(row.name, func(t *testing.T) {
			pub, err := row.key()
			require.NoError(t, err)
			der, err := x509.MarshalPKIXPublicKey(pub)
			require.NoError(t, err)
			name := unique("keytype")
			out, err := tg.client.CreatePublicKey(ctx, &cloudfront.CreatePublicKeyInput{PublicKeyConfig: &types.PublicKeyConfig{
				CallerReference: aws.String(name), Name: aws.String(name),
				EncodedKey: aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))),
			}})
			if row.accepted || tg.quirks.acceptsAnyKey {
				require.NoError(t, err)
				assert.NotEmpty(t, aws.ToString(out.PublicKey.Id))
				return
			}
			assert.Equal(t, "InvalidArgument", apiCode(err), "%v", err)
		})
	}
}
