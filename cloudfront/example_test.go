package cloudfront_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/s3securetest"
)

// startAWS starts the in-memory AWS of package s3securetest in eu-west-1
// with one bucket, and returns clients for S3 and CloudFront. In a test,
// use s3securetest.NewServer(t, opts); against AWS, pass
// cloudfront.NewFromConfig(cfg) and s3.NewFromConfig(cfg).
func startAWS(ctx context.Context, bucket string) (*s3securetest.Server, *s3.Client, *cfsdk.Client, error) {
	srv, err := s3securetest.Start(&s3securetest.Options{Region: "eu-west-1"})
	if err != nil {
		return nil, nil, nil, err
	}
	s3c := s3.NewFromConfig(srv.Config)
	// Block Public Access on, as AWS creates buckets today.
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}})
	if err != nil {
		srv.Close()
		return nil, nil, nil, err
	}
	return srv, s3c, cfsdk.NewFromConfig(srv.Config), nil
}

// Serve a private bucket through CloudFront with origin access control,
// here against the in-memory AWS of package s3securetest.
func ExampleServeBucket() {
	ctx := context.Background()
	srv, s3c, cf, err := startAWS(ctx, "my-private-bucket")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	res, err := cloudfront.ServeBucket(ctx, cf, s3c, "my-private-bucket", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range res.Actions {
		fmt.Println(a.Step, a.Change)
	}

	// The bucket policy lets this distribution read objects, and nobody else.
	out, _ := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("my-private-bucket")})
	doc, _ := policy.Parse([]byte(aws.ToString(out.Policy)))
	read := func(c policy.Caller, sourceARN string) bool {
		req := &policy.Request{Caller: c, Action: "s3:GetObject", Resource: "arn:aws:s3:::my-private-bucket/index.html"}
		if sourceARN != "" {
			req.Context.Set("aws:SourceArn", sourceARN)
		}
		r, _ := policy.Evaluate(req, doc)
		return r.Allowed()
	}
	cloudFront := policy.Caller{Service: "cloudfront.amazonaws.com"}
	fmt.Println("this distribution reads:", read(cloudFront, res.DistributionARN))
	fmt.Println("another distribution reads:", read(cloudFront, "arn:aws:cloudfront::111122223333:distribution/EOTHER"))
	fmt.Println("anonymous reads:", read(policy.Caller{}, ""))

	// Running it again changes nothing.
	again, _ := cloudfront.ServeBucket(ctx, cf, s3c, "my-private-bucket", nil)
	fmt.Println("changed on the second run:", again.Changed())
	// Output:
	// origin-access-control create
	// create-distribution create
	// bucket-policy create
	// this distribution reads: true
	// another distribution reads: false
	// anonymous reads: false
	// changed on the second run: false
}

// Sign a URL that works for 10 minutes.
func ExampleSigner_SignURL() {
	// DO NOT generate or hardcode keys in code: load the private key of the
	// public key in your distribution's trusted key group from a secret
	// store, with cloudfront.ParsePrivateKeyPEM.
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	signer, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", key, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	signed, err := signer.SignURL("https://d111111abcdef8.cloudfront.net/reports/q3.pdf", time.Now().Add(10*time.Minute))
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(signed)
	fmt.Println(u.Host + u.Path)
	fmt.Println(u.Query().Has("Expires"), u.Query().Has("Signature"), u.Query().Get("Key-Pair-Id"), u.Query().Get("Hash-Algorithm"))

	// A day is more than the default one-hour cap.
	_, err = signer.SignURL("https://d111111abcdef8.cloudfront.net/reports/q3.pdf", time.Now().Add(24*time.Hour))
	fmt.Println(err != nil)
	// Output:
	// d111111abcdef8.cloudfront.net/reports/q3.pdf
	// true true K2JCJMDEHXQW5F SHA256
	// true
}

// Sign with an ECDSA P-256 key: shorter signatures than RSA 2048, and
// SHA-256 by default, like every Signer.
func ExampleNewSignerFromKey() {
	// DO NOT generate or hardcode keys in code: load the private key from a
	// secret store; CreateKeyGroup uploads its public half.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	signer, err := cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", key, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(signer)
	signed, err := signer.SignURL("https://d111111abcdef8.cloudfront.net/reports/q3.pdf", time.Now().Add(10*time.Minute))
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(signed)
	fmt.Println(u.Query().Get("Key-Pair-Id"), u.Query().Get("Hash-Algorithm"))

	// Other curves cannot be verified by CloudFront.
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, err = cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", p384, nil)
	fmt.Println(errors.Is(err, cloudfront.ErrInvalidKey))
	// Output:
	// cloudfront.Signer{KeyID: K2JCJMDEHXQW5F, Key: ECDSA P-256, Hash: SHA-256, MaxExpiry: 1h0m0s}
	// K2JCJMDEHXQW5F SHA256
	// true
}

// Signed cookies give access to many objects under a path for a session.
func ExampleSigner_SignCookies() {
	key, _ := rsa.GenerateKey(rand.Reader, 2048) // DO NOT: load your key instead
	signer, _ := cloudfront.NewSigner("K2JCJMDEHXQW5F", key, nil)
	cookies, err := signer.SignCookies(cloudfront.Policy{
		Resource: "https://d111111abcdef8.cloudfront.net/members/*",
		Expires:  time.Now().Add(30 * time.Minute),
		SourceIP: "192.0.2.0/24",
	}, &cloudfront.CookieOptions{Domain: "d111111abcdef8.cloudfront.net"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cookies {
		fmt.Println(c.Name, c.Secure, c.HttpOnly, c.SameSite == http.SameSiteLaxMode)
	}
	// Output:
	// CloudFront-Policy true true true
	// CloudFront-Signature true true true
	// CloudFront-Key-Pair-Id true true true
	// CloudFront-Hash-Algorithm true true true
}

// Move a distribution from a legacy origin access identity to origin
// access control. The OAI keeps working until the switch is deployed.
func ExampleMigrate() {
	ctx := context.Background()
	srv, s3c, cf, err := startAWS(ctx, "legacy-site")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	// The legacy set-up: an OAI, its bucket statement, a distribution using it.
	oai, _ := cloudfront.CreateLegacyOAI(ctx, cf, s3c, "legacy-site", nil)
	dist, err := cf.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: &types.DistributionConfig{
		CallerReference: aws.String("2019-site"), Comment: aws.String("site"), Enabled: aws.Bool(true),
		Origins: &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{{
			Id: aws.String("s3"), DomainName: aws.String("legacy-site.s3.eu-west-1.amazonaws.com"),
			S3OriginConfig: &types.S3OriginConfig{OriginAccessIdentity: aws.String(oai.OriginValue)},
		}}},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{TargetOriginId: aws.String("s3"),
			ViewerProtocolPolicy: types.ViewerProtocolPolicyRedirectToHttps, CachePolicyId: aws.String(cloudfront.DefaultCachePolicyID)},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}

	res, err := cloudfront.Migrate(ctx, cf, s3c, "legacy-site", aws.ToString(dist.Distribution.Id),
		&cloudfront.MigrateOptions{PollInterval: time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range res.Actions {
		fmt.Println(a.Step, a.Change)
	}
	// Output:
	// origin-access-control create
	// bucket-policy update
	// update-distribution update
	// wait-deployed none
	// remove-oai-statement remove
}

// Upload a signing key's public half and create a key group that trusts
// it; a second run (or a create whose response was lost and that the
// client sent again) uses what the first made.
func ExampleCreateKeyGroup() {
	ctx := context.Background()
	srv, _, cf, err := startAWS(ctx, "my-private-bucket")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	// DO NOT generate a throw-away key in production: load the private key
	// from a secret store (cloudfront.LoadPrivateKeyFile) and keep it there.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fmt.Println(err)
		return
	}
	kg, err := cloudfront.CreateKeyGroup(ctx, cf, "media-signers", &key.PublicKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range kg.Actions {
		fmt.Println(a.Step, a.Change)
	}
	again, err := cloudfront.CreateKeyGroup(ctx, cf, "media-signers", &key.PublicKey)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range again.Actions {
		fmt.Println(a.Step, a.Change)
	}
	fmt.Println("same key group:", again.KeyGroupID == kg.KeyGroupID, "same key:", again.PublicKeyID == kg.PublicKeyID)

	// Another key under the same name is refused: it is not this key.
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, err = cloudfront.CreateKeyGroup(ctx, cf, "media-signers", &other.PublicKey)
	var exists *types.PublicKeyAlreadyExists
	fmt.Println("another key refused:", errors.As(err, &exists))
	// Output:
	// public-key create
	// key-group create
	// public-key none
	// key-group none
	// same key group: true same key: true
	// another key refused: true
}
