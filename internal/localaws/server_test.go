package localaws_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/presign"
)

// start runs a server with opts on a loopback endpoint for the test.
func start(t *testing.T, opts *localaws.Options, lo *localaws.ListenOptions) (*localaws.Server, *localaws.Endpoint) {
	t.Helper()
	srv, err := localaws.New(opts)
	require.NoError(t, err)
	ep, err := srv.Listen(lo)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, ep.Close()) })
	return srv, ep
}

func TestDefaults(t *testing.T) {
	assert.Equal(t, "111122223333", localaws.DefaultAccountID)
	assert.Equal(t, "us-east-1", localaws.DefaultRegion)
	assert.Equal(t, fakeutil.OwnerAccessKeyID, localaws.DefaultOwnerAccessKeyID)
	srv, err := localaws.New(nil)
	require.NoError(t, err)
	assert.Equal(t, localaws.DefaultAccountID, srv.Owner().ID)
	assert.Equal(t, localaws.DefaultOwnerAccessKeyID, srv.Owner().Root().AccessKeyID)
	assert.Equal(t, localaws.DefaultRegion, srv.Region())
	assert.Empty(t, srv.S3().BucketNames())
}

// TestEveryServiceOnOneEndpoint drives each service the endpoint serves
// with its real SDK client, all built from one aws.Config.
func TestEveryServiceOnOneEndpoint(t *testing.T) {
	srv, ep := start(t, nil, nil)
	require.True(t, strings.HasPrefix(ep.URL, "https://127.0.0.1:"), ep.URL)
	cfg := ep.Config(srv.Owner().Root())
	ctx := t.Context()

	s3c := s3.NewFromConfig(cfg)
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("one-endpoint")})
	require.NoError(t, err)
	_, err = s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("one-endpoint"), Key: aws.String("k"), Body: strings.NewReader("body")})
	require.NoError(t, err)
	obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("one-endpoint"), Key: aws.String("k")})
	require.NoError(t, err)
	b, _ := io.ReadAll(obj.Body)
	assert.Equal(t, "body", string(b), "stored unframed over TLS with the SDK's default checksums")
	assert.Equal(t, 1, srv.Owner().Count(localaws.ServiceS3, "CreateBucket"))

	ctl := s3control.NewFromConfig(cfg)
	_, err = ctl.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(srv.Owner().ID),
		PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}})
	require.NoError(t, err)
	bpa := srv.S3().AccountPublicAccessBlock(srv.Owner().ID)
	require.NotNil(t, bpa, "S3 Control writes the account BPA that S3 enforces")
	assert.True(t, bpa.BlockPublicAcls)
	assert.Equal(t, srv.Owner().ID+"."+ep.Addr, srv.Owner().S3Control.LastHost(), "the SDK's account-prefixed host reached the endpoint")

	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, srv.Owner().ID, aws.ToString(id.Account))
	assert.Equal(t, "arn:aws:iam::111122223333:root", aws.ToString(id.Arn))

	cf := cloudfront.NewFromConfig(cfg)
	_, err = cf.CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: &cftypes.OriginAccessControlConfig{
		Name: aws.String("oac"), OriginAccessControlOriginType: cftypes.OriginAccessControlOriginTypesS3,
		SigningBehavior: cftypes.OriginAccessControlSigningBehaviorsAlways, SigningProtocol: cftypes.OriginAccessControlSigningProtocolsSigv4}})
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Owner().Count(localaws.ServiceCloudFront, "CreateOriginAccessControl"))

	ct := cloudtrail.NewFromConfig(cfg)
	trail, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("one-endpoint")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:cloudtrail:us-east-1:111122223333:trail/main", aws.ToString(trail.TrailARN))

	aa := accessanalyzer.NewFromConfig(cfg)
	_, err = aa.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("a"), Type: aatypes.TypeAccount})
	require.NoError(t, err)
	list, err := aa.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
	require.NoError(t, err)
	require.Len(t, list.Analyzers, 1)

	srv.Owner().IAM.AddUser("alice", time.Now())
	users, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{})
	require.NoError(t, err)
	require.Len(t, users.Users, 1)
	assert.Equal(t, "arn:aws:iam::111122223333:user/alice", aws.ToString(users.Users[0].Arn))
}

// TestAccounts shows that each account has its own services, and that a
// key acts as its principal in its account only.
func TestAccounts(t *testing.T) {
	srv, ep := start(t, nil, nil)
	ctx := t.Context()
	member, err := srv.AddAccount("444455556666")
	require.NoError(t, err)
	_, err = srv.AddAccount("444455556666")
	assert.Error(t, err, "an account is added once")
	_, err = srv.AddAccount("12345")
	assert.Error(t, err)
	assert.Equal(t, []string{"111122223333", "444455556666"}, func() (ids []string) {
		for _, a := range srv.Accounts() {
			ids = append(ids, a.ID)
		}
		return ids
	}())

	owner, other := ep.Config(srv.Owner().Root()), ep.Config(member.Root())
	assert.NotEqual(t, srv.Owner().Root().AccessKeyID, member.Root().AccessKeyID)

	id, err := sts.NewFromConfig(other).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "444455556666", aws.ToString(id.Account))
	assert.Equal(t, "arn:aws:iam::444455556666:root", aws.ToString(id.Arn))

	// S3: one namespace, buckets owned per account.
	_, err = s3.NewFromConfig(other).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("member-data")})
	require.NoError(t, err)
	cfg, ok := srv.S3().Bucket("member-data")
	require.True(t, ok)
	assert.Equal(t, "444455556666", cfg.OwnerAccountID)
	mine, err := s3.NewFromConfig(owner).ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	assert.Empty(t, mine.Buckets, "the owner does not list the member's bucket")
	_, err = s3.NewFromConfig(owner).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("member-data")})
	assert.Equal(t, "AccessDenied", fakeutil.ErrorCode(err), "another account's bucket")

	// CloudFront and CloudTrail: the member's own.
	_, err = cloudfront.NewFromConfig(other).CreateOriginAccessControl(ctx, &cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: &cftypes.OriginAccessControlConfig{
		Name: aws.String("member-oac"), OriginAccessControlOriginType: cftypes.OriginAccessControlOriginTypesS3,
		SigningBehavior: cftypes.OriginAccessControlSigningBehaviorsAlways, SigningProtocol: cftypes.OriginAccessControlSigningProtocolsSigv4}})
	require.NoError(t, err)
	oacs, err := cloudfront.NewFromConfig(owner).ListOriginAccessControls(ctx, &cloudfront.ListOriginAccessControlsInput{})
	require.NoError(t, err)
	assert.Zero(t, aws.ToInt32(oacs.OriginAccessControlList.Quantity), "the owner's CloudFront has none")
	assert.Equal(t, 1, member.Count(localaws.ServiceCloudFront, "CreateOriginAccessControl"))
	trail, err := cloudtrail.NewFromConfig(other).CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("member-trail"), S3BucketName: aws.String("member-data")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:cloudtrail:us-east-1:444455556666:trail/member-trail", aws.ToString(trail.TrailARN))

	// S3 Control: the member's account BPA, not the owner's; another
	// account's configuration is refused.
	ctl := s3control.NewFromConfig(other)
	_, err = ctl.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(member.ID),
		PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	assert.NotNil(t, srv.S3().AccountPublicAccessBlock(member.ID))
	assert.Nil(t, srv.S3().AccountPublicAccessBlock(srv.Owner().ID))
	_, err = ctl.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(srv.Owner().ID)})
	assert.Equal(t, "AccessDenied", fakeutil.ErrorCode(err))

	// IAM: the member's users, in the member's ARNs.
	member.IAM.AddUser("carol", time.Now())
	users, err := iam.NewFromConfig(other).ListUsers(ctx, &iam.ListUsersInput{})
	require.NoError(t, err)
	require.Len(t, users.Users, 1)
	assert.Equal(t, "arn:aws:iam::444455556666:user/carol", aws.ToString(users.Users[0].Arn))
	users, err = iam.NewFromConfig(owner).ListUsers(ctx, &iam.ListUsersInput{})
	require.NoError(t, err)
	assert.Empty(t, users.Users)

	// Users and role sessions of the member.
	alice, err := member.AddUser("alice")
	require.NoError(t, err)
	id, err = sts.NewFromConfig(ep.Config(alice)).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:iam::444455556666:user/alice", aws.ToString(id.Arn))
	got, ok := srv.Identity(alice.AccessKeyID)
	require.True(t, ok)
	assert.Equal(t, s3fake.UserPrincipal("444455556666", "alice").ARN, got.Principal.ARN)
}

// TestRoleSessionExpiry: temporary credentials work until their expiry on
// the server's clock, then every service refuses them.
func TestRoleSessionExpiry(t *testing.T) {
	srv, ep := start(t, nil, nil)
	ctx := t.Context()
	// Minutes, not hours: header-signed S3 requests are checked against
	// the server's clock with S3's 15-minute skew.
	sess, err := srv.Owner().AddRoleSession("auditor", "nightly", srv.Now().Add(time.Minute))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(sess.AccessKeyID, "ASIA"))
	assert.NotEmpty(t, sess.SessionToken)
	cfg := ep.Config(sess)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/auditor/nightly", aws.ToString(id.Arn))
	_, err = s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)

	srv.Advance(time.Minute + time.Second)
	_, err = s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
	assert.Equal(t, "ExpiredToken", fakeutil.ErrorCode(err))
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil)
	assert.Equal(t, "InvalidClientTokenId", fakeutil.ErrorCode(err))

	// Revoke withdraws a key everywhere.
	bob, err := srv.Owner().AddUser("bob")
	require.NoError(t, err)
	srv.Revoke(bob.AccessKeyID)
	_, err = s3.NewFromConfig(ep.Config(bob)).ListBuckets(ctx, &s3.ListBucketsInput{})
	assert.Equal(t, "InvalidAccessKeyId", fakeutil.ErrorCode(err))
	_, err = sts.NewFromConfig(ep.Config(bob)).GetCallerIdentity(ctx, nil)
	assert.Equal(t, "InvalidClientTokenId", fakeutil.ErrorCode(err))
}

// TestRouting covers what the SDK's happy path does not: unsigned
// requests, browser POST uploads, unknown keys and services, a bucket
// named like S3 Control's path, and services added with Handle.
func TestRouting(t *testing.T) {
	srv, ep := start(t, nil, nil)
	ctx := t.Context()
	root := srv.Owner().Root()
	cfg := ep.Config(root)
	hc := ep.HTTPClient()
	require.NoError(t, srv.S3().CreateBucket("v20180820", s3fake.StateAWSDefault))
	_, err := s3.NewFromConfig(cfg).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("v20180820"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err, "a bucket named v20180820 is S3's")

	get := func(url string) (int, string) {
		t.Helper()
		resp, err := hc.Get(url)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get(ep.URL + "/v20180820/k")
	assert.Equal(t, http.StatusForbidden, status, "anonymous GET goes to S3, which refuses it")
	assert.Contains(t, body, "<Code>AccessDenied</Code>")

	// A browser POST upload: unsigned at the HTTP level, signed in the form.
	p, err := presign.New(aws.Config{Region: srv.Region(), Credentials: credentials.NewStaticCredentialsProvider(root.AccessKeyID, root.SecretAccessKey, "")},
		&presign.Options{Endpoint: ep.URL, UsePathStyle: true})
	require.NoError(t, err)
	post, err := p.Post(ctx, "v20180820", &presign.PostOptions{KeyPrefix: "up/", ContentTypePrefix: "text/"})
	require.NoError(t, err)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	for k, v := range post.Fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	require.NoError(t, mw.WriteField("Content-Type", "text/plain"))
	fw, err := mw.CreateFormFile("file", "a.txt")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("uploaded"))
	require.NoError(t, mw.Close())
	resp, err := hc.Post(post.URL, mw.FormDataContentType(), &form)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, 1, srv.Owner().Count(localaws.ServiceS3, "PostObject"))

	// A key the server never issued, though a fake's built-in test key, is
	// refused by the service it is routed to.
	stranger := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL), HTTPClient: hc,
		Credentials: credentials.NewStaticCredentialsProvider(cffake.TestAccessKeyID, cffake.TestSecretAccessKey, "")}
	_, err = cloudfront.NewFromConfig(stranger).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	assert.Equal(t, "InvalidClientTokenId", fakeutil.ErrorCode(err))
	_, err = sts.NewFromConfig(stranger).GetCallerIdentity(ctx, nil)
	assert.Equal(t, "InvalidClientTokenId", fakeutil.ErrorCode(err))

	// A service nobody serves.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL+"/", strings.NewReader("{}"))
	require.NoError(t, err)
	sum := "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" // sha256("{}")
	require.NoError(t, v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: root.AccessKeyID, SecretAccessKey: root.SecretAccessKey}, req, sum, "kms", "us-east-1", time.Now()))
	resp, err = hc.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNotImplemented, resp.StatusCode)
	assert.Contains(t, string(b), `no service &#34;kms&#34;`)

	// Handle adds a service; the handler learns the caller.
	var caller s3fake.Credential
	srv.Handle("kms", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, _ = localaws.CallerFrom(r.Context())
		w.WriteHeader(http.StatusTeapot)
	}))
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, ep.URL+"/", strings.NewReader("{}"))
	require.NoError(t, err)
	require.NoError(t, v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: root.AccessKeyID, SecretAccessKey: root.SecretAccessKey}, req, sum, "kms", "us-east-1", time.Now()))
	resp, err = hc.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusTeapot, resp.StatusCode)
	assert.Equal(t, "arn:aws:iam::111122223333:root", caller.Principal.ARN)
}

func TestFaultsAndLatency(t *testing.T) {
	srv, ep := start(t, &localaws.Options{Latency: 20 * time.Millisecond}, nil)
	ctx := t.Context()
	cfg := ep.Config(srv.Owner().Root())
	acct := srv.Owner()
	require.NoError(t, acct.SetFault(localaws.ServiceCloudFront, "ListDistributions", fakeutil.Fault{Status: 503, Code: "ServiceUnavailable", Times: 1}))
	require.NoError(t, acct.SetFault(localaws.ServiceS3, "ListBuckets", fakeutil.Fault{Code: "SlowDown", Times: 1}))
	require.NoError(t, acct.SetFault(localaws.ServiceSTS, "GetCallerIdentity", fakeutil.Fault{Status: 400, Code: "Throttling", Times: 1}))
	assert.Error(t, acct.SetFault("kms", "Encrypt", fakeutil.Fault{Status: 500, Code: "InternalError"}))

	_, err := cloudfront.NewFromConfig(cfg).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	assert.Equal(t, "ServiceUnavailable", fakeutil.ErrorCode(err), "the Config's retryer lets injected faults through")
	_, err = cloudfront.NewFromConfig(cfg).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	assert.NoError(t, err)
	_, err = s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{})
	assert.Equal(t, "SlowDown", fakeutil.ErrorCode(err))
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil)
	assert.Equal(t, "Throttling", fakeutil.ErrorCode(err))
	assert.Equal(t, 2, acct.Count(localaws.ServiceCloudFront, "ListDistributions"))
	assert.Equal(t, 1, acct.Count(localaws.ServiceSTS, "GetCallerIdentity"))

	began := time.Now()
	_, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(began), 20*time.Millisecond, "Options.Latency delays every request")
}

func TestListenOptions(t *testing.T) {
	srv, ep := start(t, nil, &localaws.ListenOptions{InsecureHTTP: true})
	assert.True(t, strings.HasPrefix(ep.URL, "http://127.0.0.1:"))
	assert.Nil(t, ep.TLS)
	_, err := sts.NewFromConfig(ep.Config(srv.Owner().Root())).GetCallerIdentity(t.Context(), nil)
	require.NoError(t, err)

	srv2, err := localaws.New(nil)
	require.NoError(t, err)
	ep2, err := srv2.Listen(&localaws.ListenOptions{WriteCAFile: true})
	require.NoError(t, err)
	pemBytes, err := os.ReadFile(ep2.CAFile)
	require.NoError(t, err)
	assert.Equal(t, ep2.TLS.CAPEM, pemBytes)
	assert.Contains(t, string(pemBytes), "BEGIN CERTIFICATE")
	require.NoError(t, ep2.Close())
	_, err = os.Stat(ep2.CAFile)
	assert.True(t, os.IsNotExist(err), "Close removes the CA file")
	assert.NoError(t, ep2.Close(), "Close twice")

	_, err = http.Get(ep.URL)
	require.NoError(t, err, "plain HTTP needs no trust")

	// Each endpoint's authority is its own: neither the system roots nor
	// another endpoint's authority trust it.
	_, a := start(t, nil, nil)
	_, b := start(t, nil, nil)
	_, err = http.Get(a.URL)
	assert.ErrorContains(t, err, "certificate")
	cross := &http.Client{Transport: &http.Transport{TLSClientConfig: b.TLS.ClientConfig("127.0.0.1")}}
	_, err = cross.Get(a.URL)
	assert.ErrorContains(t, err, "certificate")
	own := &http.Client{Transport: &http.Transport{TLSClientConfig: a.TLS.ClientConfig("127.0.0.1")}}
	resp, err := own.Get(a.URL)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	_, err = localaws.New(&localaws.Options{OwnerAccessKeyID: "AKIAONLYID"})
	assert.Error(t, err)
	_, err = srv.Listen(&localaws.ListenOptions{Addr: "256.0.0.1:1"})
	assert.Error(t, err)
}

// TestConfigIgnoresEnvironment: the machine's AWS settings reach neither
// the Config nor its clients.
func TestConfigIgnoresEnvironment(t *testing.T) {
	for k, v := range map[string]string{
		"AWS_PROFILE": "nonexistent", "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:1",
		"AWS_REGION": "mars-1", "AWS_CONFIG_FILE": "/nonexistent", "AWS_ACCESS_KEY_ID": "bad", "AWS_SECRET_ACCESS_KEY": "bad",
		"AWS_CA_BUNDLE": "/nonexistent", "HTTPS_PROXY": "http://127.0.0.1:1", "HTTP_PROXY": "http://127.0.0.1:1",
	} {
		t.Setenv(k, v)
	}
	srv, ep := start(t, nil, nil)
	cfg := ep.Config(srv.Owner().Root())
	_, err := s3.NewFromConfig(cfg).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	require.NoError(t, err)
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, srv.Owner().ID, aws.ToString(id.Account))
}

// TestAccessAnalyzer: the account's analyzer finds what the offline
// analysis finds in the bucket's state when asked to rescan it, only for
// the account's own buckets; CheckNoPublicAccess uses S3's definition of
// public.
func TestAccessAnalyzer(t *testing.T) {
	srv, ep := start(t, &localaws.Options{LegacyBuckets: true}, nil)
	ctx := t.Context()
	member, err := srv.AddAccount("444455556666")
	require.NoError(t, err)
	cfg := ep.Config(srv.Owner().Root())
	s3c, aa := s3.NewFromConfig(cfg), accessanalyzer.NewFromConfig(cfg)
	put := func(c *s3.Client, bucket, principal string) {
		t.Helper()
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`)})
		require.NoError(t, err)
	}
	put(s3c, "open-bucket", `"*"`)
	put(s3.NewFromConfig(ep.Config(member.Root())), "member-open", `"*"`)
	created, err := aa.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: aatypes.TypeAccount})
	require.NoError(t, err)
	scan := func(bucket string) {
		t.Helper()
		_, err := aa.StartResourceScan(ctx, &accessanalyzer.StartResourceScanInput{AnalyzerArn: created.Arn, ResourceArn: aws.String("arn:aws:s3:::" + bucket)})
		require.NoError(t, err)
	}
	list := func() []aatypes.FindingSummary {
		t.Helper()
		out, err := aa.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn,
			Filter: map[string]aatypes.Criterion{"status": {Eq: []string{"ACTIVE"}}}})
		require.NoError(t, err)
		return out.Findings
	}
	scan("open-bucket")
	scan("member-open")
	fs := list()
	require.Len(t, fs, 1, "another account's bucket is not this analyzer's")
	assert.Equal(t, "arn:aws:s3:::open-bucket", aws.ToString(fs[0].Resource))
	assert.True(t, aws.ToBool(fs[0].IsPublic))
	assert.Equal(t, map[string]string{"AWS": "*"}, fs[0].Principal)
	assert.Equal(t, []string{"s3:GetObject"}, fs[0].Action)

	// Block Public Access on: the public policy no longer reaches anyone
	// outside, and the rescan resolves the finding.
	_, err = s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("open-bucket"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	scan("open-bucket")
	assert.Empty(t, list())

	check := func(doc string) *accessanalyzer.CheckNoPublicAccessOutput {
		t.Helper()
		out, err := aa.CheckNoPublicAccess(ctx, &accessanalyzer.CheckNoPublicAccessInput{PolicyDocument: aws.String(doc), ResourceType: aatypes.AccessCheckResourceTypeS3Bucket})
		require.NoError(t, err)
		return out
	}
	pass := check(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	assert.Equal(t, aatypes.CheckNoPublicAccessResultPass, pass.Result)
	assert.Equal(t, "The resource policy does not grant public access for the given resource type.", aws.ToString(pass.Message))
	fail := check(`{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	assert.Equal(t, aatypes.CheckNoPublicAccessResultFail, fail.Result)
	require.Len(t, fail.Reasons, 1)
	assert.Equal(t, "Open", aws.ToString(fail.Reasons[0].StatementId))
	assert.Equal(t, int32(0), aws.ToInt32(fail.Reasons[0].StatementIndex))
	unreadable := check(`{"Version":"2012-10-17","Statement":"nothing"}`)
	assert.Equal(t, aatypes.CheckNoPublicAccessResultFail, unreadable.Result, "a policy that cannot be read is not judged safe")
	assert.Contains(t, aws.ToString(unreadable.Message), "could not be read")
}
