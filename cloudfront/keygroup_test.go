package cloudfront_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestSignedDistribution wires a bucket whose objects need signed URLs:
// key group, distribution trusting it, and a URL signed for the
// distribution's domain with the key group's key.
func TestSignedDistribution(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	kg, err := cloudfront.CreateKeyGroup(ctx, e.cfc, "media-signers", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	assert.Regexp(t, `^K[A-Z0-9]{13}$`, kg.PublicKeyID)

	res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{TrustedKeyGroupIDs: []string{kg.KeyGroupID}})
	require.NoError(t, err)
	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(res.DistributionID)})
	require.NoError(t, err)
	tkg := got.DistributionConfig.DefaultCacheBehavior.TrustedKeyGroups
	require.NotNil(t, tkg)
	assert.True(t, aws.ToBool(tkg.Enabled))
	assert.Equal(t, []string{kg.KeyGroupID}, tkg.Items)

	s, err := cloudfront.NewSigner(kg.PublicKeyID, rsaKey(t), &cloudfront.SignerOptions{Now: func() time.Time { return signNow }})
	require.NoError(t, err)
	raw := "https://" + res.DomainName + "/reports/q3.pdf"
	signed, err := s.SignURL(raw, signNow.Add(time.Minute))
	require.NoError(t, err)
	u, err := url.Parse(signed)
	require.NoError(t, err)
	assert.Equal(t, kg.PublicKeyID, u.Query().Get("Key-Pair-Id"))
	verify(t, []byte(`{"Statement":[{"Resource":"`+raw+`","Condition":{"DateLessThan":{"AWS:EpochTime":1767268860}}}]}`), u.Query().Get("Signature"))

	e.resetCounts()
	again, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{TrustedKeyGroupIDs: []string{kg.KeyGroupID}})
	require.NoError(t, err)
	assert.False(t, again.Changed())
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())

	e2 := newEnv(t, s3fake.StateAWSDefault)
	_, err = cloudfront.ServeBucket(ctx, e2.cfc, e2.s3c, testBucket, &cloudfront.Options{TrustedKeyGroupIDs: []string{"ENOSUCHGROUP00"}})
	assert.Equal(t, "TrustedKeyGroupDoesNotExist", apiErrorCode(err))
	_, err = cloudfront.ServeBucket(ctx, e2.cfc, e2.s3c, testBucket, &cloudfront.Options{TrustedKeyGroupIDs: []string{""}})
	assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
}

func TestCreateKeyGroupRefusesBadInput(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	_, err = cloudfront.CreateKeyGroup(t.Context(), e.cfc, "g", &small.PublicKey)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	_, err = cloudfront.CreateKeyGroup(t.Context(), e.cfc, "g", nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	_, err = cloudfront.CreateKeyGroup(t.Context(), e.cfc, "", &rsaKey(t).PublicKey)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
	assert.Empty(t, e.cf.Counts())

	// The same name with another key is refused; the same key again is
	// TestCreateKeyGroupRunAgain.
	_, err = cloudfront.CreateKeyGroup(t.Context(), e.cfc, "twice", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	other, _ := otherKeyPEM(t)
	_, err = cloudfront.CreateKeyGroup(t.Context(), e.cfc, "twice", &other.PublicKey)
	assert.Equal(t, "PublicKeyAlreadyExists", apiErrorCode(err))
}

// Trusted key groups are a set: a distribution that trusts the groups asked
// for, in another order, needs nothing (a second run wrote it again, and the
// check after a write refused CloudFront's answer when it came back in
// another order).
func TestTrustedKeyGroupsAreASet(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	a, err := cloudfront.CreateKeyGroup(ctx, e.cfc, "signers-a", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	b, err := cloudfront.CreateKeyGroup(ctx, e.cfc, "signers-b", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	opts := &cloudfront.Options{TrustedKeyGroupIDs: []string{a.KeyGroupID, b.KeyGroupID}}
	res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, opts)
	require.NoError(t, err)

	// Another tool writes the same two groups the other way round.
	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(res.DistributionID)})
	require.NoError(t, err)
	tkg := got.DistributionConfig.DefaultCacheBehavior.TrustedKeyGroups
	require.Equal(t, []string{a.KeyGroupID, b.KeyGroupID}, tkg.Items)
	tkg.Items = []string{b.KeyGroupID, a.KeyGroupID}
	_, err = e.cfc.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(res.DistributionID), IfMatch: got.ETag, DistributionConfig: got.DistributionConfig})
	require.NoError(t, err)

	e.resetCounts()
	again, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, opts)
	require.NoError(t, err)
	assert.False(t, again.Changed(), "%+v", again.Actions)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())

	// A group fewer is a change, and so is another group in its place.
	e.resetCounts()
	fewer, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{TrustedKeyGroupIDs: []string{a.KeyGroupID}})
	require.NoError(t, err)
	assert.True(t, fewer.Changed())
	got, err = e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(res.DistributionID)})
	require.NoError(t, err)
	assert.Equal(t, []string{a.KeyGroupID}, got.DistributionConfig.DefaultCacheBehavior.TrustedKeyGroups.Items)
}

// TestTrustedKeyGroupsReplaceTrustedSigners: Options.TrustedKeyGroupIDs
// promises that the behaviors serving the bucket "accept only requests with
// a valid signed URL or signed cookies from a key in one of these key
// groups". A behavior that also trusts AWS accounts (legacy TrustedSigners:
// CloudFront key pairs of the root user, "We recommend using
// TrustedKeyGroups instead of TrustedSigners", API reference) kept them,
// so the key pairs of those accounts signed for it too, and AWS Config's
// cloudfront-distribution-key-group-enabled rule is NON_COMPLIANT "if
// cache behaviors use trusted signers". ServeBucket now turns them off on
// the behaviors it gives the key groups, and a second run changes nothing.
func TestTrustedKeyGroupsReplaceTrustedSigners(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	kg, err := cloudfront.CreateKeyGroup(ctx, e.cfc, "media-signers", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	cfg := legacyConfig("by-hand", "")
	cfg.DefaultCacheBehavior.TrustedSigners = &types.TrustedSigners{Enabled: aws.Bool(true), Quantity: aws.Int32(1), Items: []string{"self"}}
	out, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
	require.NoError(t, err)
	id := aws.ToString(out.Distribution.Id)

	opts := &cloudfront.Options{DistributionID: id, TrustedKeyGroupIDs: []string{kg.KeyGroupID}}
	_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, opts)
	require.NoError(t, err)
	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	d := got.DistributionConfig.DefaultCacheBehavior
	require.NotNil(t, d.TrustedKeyGroups)
	assert.Equal(t, []string{kg.KeyGroupID}, d.TrustedKeyGroups.Items)
	if ts := d.TrustedSigners; ts != nil {
		assert.False(t, aws.ToBool(ts.Enabled), "no AWS account signs for the behavior")
		assert.Empty(t, ts.Items, "no AWS account signs for the behavior")
	}

	e.resetCounts()
	again, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, opts)
	require.NoError(t, err)
	assert.False(t, again.Changed(), "%+v", again.Actions)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
}
