package s3fake_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// policyOptions plugs package policy's evaluator and public-access rules in.
func policyOptions() *s3fake.Options {
	return &s3fake.Options{Authorize: s3fake.NewPolicyAuthorizer(), IsPublicPolicy: s3fake.PolicyIsPublic}
}

const publicReadPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`

func putObject(t *testing.T, c *s3.Client, bucket, key, body string) {
	t.Helper()
	_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	require.NoError(t, err)
}

func getObject(t *testing.T, c *s3.Client, bucket, key string) (string, error) {
	t.Helper()
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

func TestPolicyAuthPublicReadThenBlockPublicAccess(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	require.NoError(t, f.CreateBucket("site", s3fake.StateLegacy))
	owner, anon := f.OwnerClient(), f.AnonymousClient()
	ctx := t.Context()
	putObject(t, owner, "site", "index.html", "hello")

	// Without a policy, an anonymous read is refused.
	_, err := getObject(t, anon, "site", "index.html")
	requireCode(t, err, "AccessDenied")

	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(publicReadPolicy)})
	require.NoError(t, err)
	body, err := getObject(t, anon, "site", "index.html")
	require.NoError(t, err, "a public-read policy lets an anonymous GET through")
	assert.Equal(t, "hello", body)
	st, err := owner.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	assert.True(t, *st.PolicyStatus.IsPublic)
	// The policy grants reads only.
	_, err = anon.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("x"), Body: strings.NewReader("x")})
	requireCode(t, err, "AccessDenied")

	// Block Public Access (RestrictPublicBuckets) then stops it.
	_, err = owner.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("site"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	_, err = getObject(t, anon, "site", "index.html")
	requireCode(t, err, "AccessDenied")
	// The owner keeps access.
	body, err = getObject(t, owner, "site", "index.html")
	require.NoError(t, err)
	assert.Equal(t, "hello", body)

	// BlockPublicPolicy refuses a new public policy, but not a private one.
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(publicReadPolicy)})
	requireCode(t, err, "AccessDenied")
	vpce := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(vpce)})
	require.NoError(t, err)
	st, err = owner.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	assert.False(t, *st.PolicyStatus.IsPublic, "a fixed aws:SourceVpce limits the policy")
}

func TestPolicyAuthAccountBlockPublicAccess(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	require.NoError(t, f.CreateBucket("site", s3fake.StateLegacy))
	owner, anon := f.OwnerClient(), f.AnonymousClient()
	putObject(t, owner, "site", "k", "v")
	_, err := owner.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(publicReadPolicy)})
	require.NoError(t, err)
	_, err = getObject(t, anon, "site", "k")
	require.NoError(t, err)
	// Account-level RestrictPublicBuckets applies though the bucket has none.
	f.SetAccountPublicAccessBlock(f.AccountID(), &s3fake.PublicAccessBlock{RestrictPublicBuckets: true})
	_, err = getObject(t, anon, "site", "k")
	requireCode(t, err, "AccessDenied")
}

func TestPolicyAuthPublicPolicyStatusUsesS3Rules(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	require.NoError(t, f.CreateBucket("site", s3fake.StateLegacy))
	owner := f.OwnerClient()
	ctx := t.Context()
	// S3's own example: StringLike aws:SourceVpc "vpc-*" is still public.
	like := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Condition":{"StringLike":{"aws:SourceVpc":"vpc-*"}}}]}`
	_, err := owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(like)})
	require.NoError(t, err)
	st, err := owner.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("site")})
	require.NoError(t, err)
	assert.True(t, *st.PolicyStatus.IsPublic)
}

// startBoth serves one fake over plain HTTP and over HTTPS.
func startBoth(t *testing.T) (s *s3fake.Server, plain, tls *s3.Client, anonPlain, anonTLS *s3.Client) {
	s = s3fake.MustNew(policyOptions())
	hp := httptest.NewServer(s)
	ht := httptest.NewTLSServer(s)
	t.Cleanup(hp.Close)
	t.Cleanup(ht.Close)
	cred := s.OwnerCredential()
	creds := credentials.NewStaticCredentialsProvider(cred.AccessKeyID, cred.SecretAccessKey, "")
	plain = s3fake.NewClient(hp.URL, s.Region(), hp.Client(), creds)
	tls = s3fake.NewClient(ht.URL, s.Region(), ht.Client(), creds)
	anonPlain = s3fake.NewClient(hp.URL, s.Region(), hp.Client(), aws.AnonymousCredentials{})
	anonTLS = s3fake.NewClient(ht.URL, s.Region(), ht.Client(), aws.AnonymousCredentials{})
	return s, plain, tls, anonPlain, anonTLS
}

func TestPolicyAuthDenyInsecureTransport(t *testing.T) {
	s, plain, tls, _, _ := startBoth(t)
	require.NoError(t, s.CreateBucket("data", s3fake.StateAWSDefault))
	ctx := t.Context()
	putObject(t, plain, "data", "k", "v")
	deny := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
	  "Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	_, err := tls.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(deny)})
	require.NoError(t, err)

	// Plain HTTP is refused, even for the owner.
	_, err = getObject(t, plain, "data", "k")
	requireCode(t, err, "AccessDenied")
	assert.Contains(t, err.Error(), "explicit deny")
	_, err = plain.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data")})
	requireCode(t, err, "AccessDenied")
	// HTTPS is allowed.
	body, err := getObject(t, tls, "data", "k")
	require.NoError(t, err)
	assert.Equal(t, "v", body)

	// The owner's root can still remove the policy over plain HTTP, as in
	// S3, so a bad policy cannot lock the account out.
	_, err = plain.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("data")})
	require.NoError(t, err)
	_, err = getObject(t, plain, "data", "k")
	require.NoError(t, err)
}

func TestPolicyAuthDenyOldTLS(t *testing.T) {
	s := s3fake.MustNew(policyOptions())
	ht := httptest.NewUnstartedServer(s)
	ht.StartTLS()
	t.Cleanup(ht.Close)
	require.NoError(t, s.CreateBucket("data", s3fake.StateAWSDefault))
	cred := s.OwnerCredential()
	creds := credentials.NewStaticCredentialsProvider(cred.AccessKeyID, cred.SecretAccessKey, "")
	c := s3fake.NewClient(ht.URL, s.Region(), ht.Client(), creds)
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}}]}`
	_, err := c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(deny)})
	require.NoError(t, err)
	// A TLS 1.2 client is refused; the default client negotiates 1.3.
	tls12 := ht.Client()
	tr := tls12.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.MaxVersion = 0x0303
	old := s3fake.NewClient(ht.URL, s.Region(), &http.Client{Transport: tr}, creds)
	_, err = old.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("data")})
	requireCode(t, err, "AccessDenied")
	_, err = c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("data")})
	require.NoError(t, err)
}

func TestPolicyAuthCrossAccount(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	require.NoError(t, f.CreateBucket("shared", s3fake.StateAWSDefault))
	owner := f.OwnerClient()
	ctx := t.Context()
	putObject(t, owner, "shared", "reports/q1", "q1")
	bob := f.Client(f.AddUser("444455556666", "bob"))
	mallory := f.Client(f.AddUser("777788889999", "mallory"))
	colleague := f.Client(f.AddUser("", "carol")) // the owner's account

	_, err := getObject(t, bob, "shared", "reports/q1")
	requireCode(t, err, "AccessDenied")
	body, err := getObject(t, colleague, "shared", "reports/q1")
	require.NoError(t, err, "owner-account principals have identity permissions")
	assert.Equal(t, "q1", body)

	grant := `{"Version":"2012-10-17","Statement":[{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/reports/*"},
	 {"Sid":"NoCarolDeletes","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/carol"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::shared/*"}]}`
	_, err = owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(grant)})
	require.NoError(t, err)
	_, err = getObject(t, bob, "shared", "reports/q1")
	require.NoError(t, err)
	_, err = getObject(t, mallory, "shared", "reports/q1")
	requireCode(t, err, "AccessDenied")
	_, err = colleague.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("shared"), Key: aws.String("reports/q1")})
	requireCode(t, err, "AccessDenied")

	// Another account cannot touch the bucket policy at all (405).
	_, err = bob.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("shared")})
	requireCode(t, err, "MethodNotAllowed")
}

func TestPolicyAuthRestrictPublicBucketsCutsOffOtherAccounts(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	require.NoError(t, f.CreateBucket("mixed", s3fake.StateLegacy))
	owner := f.OwnerClient()
	ctx := t.Context()
	putObject(t, owner, "mixed", "k", "v")
	bob := f.Client(f.AddUser("444455556666", "bob"))
	// One public statement makes the whole policy public, so
	// RestrictPublicBuckets also cuts off the separately granted account.
	p := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::mixed/*"},
	 {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::mixed/public/*"}]}`
	_, err := owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("mixed"), Policy: aws.String(p)})
	require.NoError(t, err)
	_, err = getObject(t, bob, "mixed", "k")
	require.NoError(t, err)
	f.SetAccountPublicAccessBlock(f.AccountID(), &s3fake.PublicAccessBlock{RestrictPublicBuckets: true})
	_, err = getObject(t, bob, "mixed", "k")
	requireCode(t, err, "AccessDenied")
}

func TestPolicyAuthACLs(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	require.NoError(t, f.CreateBucket("legacy", s3fake.StateLegacy))
	owner, anon := f.OwnerClient(), f.AnonymousClient()
	ctx := t.Context()
	_, err := owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("legacy"), Key: aws.String("pub"), Body: strings.NewReader("p"), ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	putObject(t, owner, "legacy", "priv", "q")

	body, err := getObject(t, anon, "legacy", "pub")
	require.NoError(t, err, "a public-read object ACL grants anonymous reads")
	assert.Equal(t, "p", body)
	_, err = getObject(t, anon, "legacy", "priv")
	requireCode(t, err, "AccessDenied")

	// IgnorePublicAcls makes S3 ignore the grant.
	_, err = owner.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("legacy"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)}})
	require.NoError(t, err)
	_, err = getObject(t, anon, "legacy", "pub")
	requireCode(t, err, "AccessDenied")

	// BlockPublicAcls refuses new public ACLs.
	_, err = owner.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("legacy"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}})
	require.NoError(t, err)
	_, err = owner.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("legacy"), Key: aws.String("priv"), ACL: types.ObjectCannedACLPublicRead})
	requireCode(t, err, "AccessDenied")
}

func TestPolicyAuthConditionsFromRequest(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	require.NoError(t, f.CreateBucket("b-1", s3fake.StateAWSDefault))
	owner := f.OwnerClient()
	ctx := t.Context()
	bob := f.Client(f.AddUser("444455556666", "bob"))
	// Bob may list only his prefix, and only with SSE-KMS uploads.
	p := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b-1","Condition":{"StringLike":{"s3:prefix":"bob/*"}}},
	 {"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b-1/bob/*","Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}},
	 {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}`
	_, err := owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("b-1"), Policy: aws.String(p)})
	require.NoError(t, err)

	_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("b-1"), Prefix: aws.String("bob/")})
	require.NoError(t, err)
	_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("b-1"), Prefix: aws.String("alice/")})
	requireCode(t, err, "AccessDenied")
	_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("b-1")})
	requireCode(t, err, "AccessDenied")

	_, err = bob.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b-1"), Key: aws.String("bob/x"), Body: strings.NewReader("x")})
	requireCode(t, err, "AccessDenied")
	_, err = bob.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b-1"), Key: aws.String("bob/x"), Body: strings.NewReader("x"), ServerSideEncryption: types.ServerSideEncryptionAwsKms})
	require.NoError(t, err)
}

func TestPolicyAuthAnonymousCannotListBuckets(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	_, err := f.AnonymousClient().ListBuckets(t.Context(), &s3.ListBucketsInput{})
	requireCode(t, err, "AccessDenied")
	_, err = f.OwnerClient().ListBuckets(t.Context(), &s3.ListBucketsInput{})
	require.NoError(t, err)
}

func TestPolicyIsPublic(t *testing.T) {
	pub, err := s3fake.PolicyIsPublic(publicReadPolicy)
	require.NoError(t, err)
	assert.True(t, pub)
	pub, err = s3fake.PolicyIsPublic(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)
	require.NoError(t, err)
	assert.False(t, pub)
	_, err = s3fake.PolicyIsPublic(`{"Statement":[`)
	assert.Error(t, err)
}

// TestObjectTagConditionKeys pins the object tag condition keys S3 puts in
// a request's context: s3:ExistingObjectTag/<key> for the tags of the
// object a request acts on (GetObject and the other actions that list the
// key in the Service Authorization Reference), and s3:RequestObjectTag/<key>
// and s3:RequestObjectTagKeys for the tags a PutObject's x-amz-tagging
// header gives. The fake set none of them, so a bucket policy denying reads
// of objects tagged classification=secret let every read through, and one
// denying uploads with a tag let them all through.
func TestObjectTagConditionKeys(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("tagged", s3fake.StateLegacy))
	c := f.OwnerClient()
	ctx := t.Context()
	b := aws.String("tagged")
	put := func(key, tagging string) error {
		in := &s3.PutObjectInput{Bucket: b, Key: aws.String(key), Body: strings.NewReader(key)}
		if tagging != "" {
			in.Tagging = aws.String(tagging)
		}
		_, err := c.PutObject(ctx, in)
		return err
	}
	require.NoError(t, put("secret.txt", "classification=secret&team=red"))
	require.NoError(t, put("open.txt", "classification=public"))
	require.NoError(t, put("untagged.txt", ""))
	pol := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"NoSecretReads","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::tagged/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/classification":"secret"}}},
	 {"Sid":"NoPublicTag","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::tagged/*","Condition":{"StringEquals":{"s3:RequestObjectTag/classification":"public"}}},
	 {"Sid":"NoForbiddenKey","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::tagged/*","Condition":{"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":"forbidden"}}}]}`
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(pol)})
	require.NoError(t, err)

	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("secret.txt")})
	requireCode(t, err, "AccessDenied")
	for _, k := range []string{"open.txt", "untagged.txt"} {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String(k)})
		require.NoError(t, err, k)
		out.Body.Close()
	}

	// A copy reads its source, as GetObject: a secret object cannot be
	// copied. The copy keeps its source's tags unless it replaces them
	// (x-amz-tagging-directive "COPY (default) - Copies the tag-set from
	// the source object", CopyObject).
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy.txt"), CopySource: aws.String("tagged/secret.txt")})
	requireCode(t, err, "AccessDenied")
	copyTags := func(in *s3.CopyObjectInput) map[string]string {
		t.Helper()
		in.Bucket, in.Key, in.CopySource = b, aws.String("copy.txt"), aws.String("tagged/open.txt")
		_, err := c.CopyObject(ctx, in)
		require.NoError(t, err)
		out, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("copy.txt")})
		require.NoError(t, err)
		tags := map[string]string{}
		for _, tg := range out.TagSet {
			tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return tags
	}
	assert.Equal(t, map[string]string{"classification": "public"}, copyTags(&s3.CopyObjectInput{}))
	assert.Equal(t, map[string]string{"team": "blue"}, copyTags(&s3.CopyObjectInput{TaggingDirective: types.TaggingDirectiveReplace, Tagging: aws.String("team=blue")}))

	requireCode(t, put("new.txt", "classification=public"), "AccessDenied")
	requireCode(t, put("new.txt", "team=blue&forbidden=1"), "AccessDenied")
	require.NoError(t, put("new.txt", "classification=internal"))
	require.NoError(t, put("new2.txt", ""))
}

// TestPutObjectTaggingRequestTagKeys pins that a PutObjectTagging request's
// tags (its Tagging body) are s3:RequestObjectTag/<key> and
// s3:RequestObjectTagKeys, keys the Service Authorization Reference lists
// for s3:PutObjectTagging, so a bucket policy can refuse a tag: the fake
// read them from x-amz-tagging alone, which PutObjectTagging does not send,
// and let every retagging through.
func TestPutObjectTaggingRequestTagKeys(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("retag", s3fake.StateLegacy))
	c := f.OwnerClient()
	ctx := t.Context()
	b, k := aws.String("retag"), aws.String("doc.txt")
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: k, Body: strings.NewReader("x"), Tagging: aws.String("classification=internal")})
	require.NoError(t, err)
	pol := `{"Version":"2012-10-17","Statement":[{"Sid":"NoPublicTag","Effect":"Deny","Principal":"*","Action":"s3:PutObjectTagging","Resource":"arn:aws:s3:::retag/*","Condition":{"StringEquals":{"s3:RequestObjectTag/classification":"public"}}}]}`
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(pol)})
	require.NoError(t, err)
	tag := func(v string) error {
		_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: k, Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("classification"), Value: aws.String(v)}}}})
		return err
	}
	requireCode(t, tag("public"), "AccessDenied")
	out, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k})
	require.NoError(t, err)
	require.Len(t, out.TagSet, 1)
	assert.Equal(t, "internal", aws.ToString(out.TagSet[0].Value), "the refused request changed nothing")
	require.NoError(t, tag("confidential"))
}
