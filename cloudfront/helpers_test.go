package cloudfront_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/testretry"
	"github.com/s3secure/s3secure/policy"
)

const (
	testBucket = "media-example-bucket"
	testRegion = "eu-west-1"
	keyARN     = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// env is a CloudFront fake and an S3 fake with one bucket, and real clients
// for both.
type env struct {
	cf  *cffake.Server
	s3  *s3fake.Fake
	cfc *cfsdk.Client
	s3c *s3.Client
}

func newEnv(t *testing.T, state s3fake.BucketState) *env {
	t.Helper()
	cf := cffake.Start(t, nil)
	s3f := s3fake.Start(t, &s3fake.Options{Region: testRegion})
	require.NoError(t, s3f.CreateBucket(testBucket, state))
	return &env{cf: cf, s3: s3f, cfc: cf.Client(), s3c: s3f.OwnerClient()}
}

func (e *env) resetCounts() {
	e.cf.ResetCounts()
	e.s3.ResetCounts()
}

func (e *env) bucketPolicy(t *testing.T) *policy.Document {
	t.Helper()
	out, err := e.s3c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String(testBucket)})
	require.NoError(t, err)
	doc, err := policy.Parse([]byte(aws.ToString(out.Policy)))
	require.NoError(t, err)
	return doc
}

func (e *env) putBucketPolicy(t *testing.T, doc string) {
	t.Helper()
	_, err := e.s3c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(testBucket), Policy: aws.String(doc)})
	require.NoError(t, err)
}

func (e *env) useKMS(t *testing.T, key string) {
	t.Helper()
	_, err := e.s3c.PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{
		Bucket: aws.String(testBucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)},
			BucketKeyEnabled:                   aws.Bool(true),
		}}},
	})
	require.NoError(t, err)
}

// kmsFake is a minimal AWS KMS (JSON 1.1) holding key policies, for the
// real kms client: GetKeyPolicy and PutKeyPolicy only.
type kmsFake struct {
	mu       sync.Mutex
	policies map[string]string // key ARN or ID -> policy
	counts   map[string]int
	// afterPut, when set, runs once after the first PutKeyPolicy, with
	// f.mu held, given the policy before that write: another writer who
	// read before it lands their own write.
	afterPut func(before string) string
}

func startKMS(t *testing.T, keys map[string]string) (*kmsFake, *kms.Client) {
	t.Helper()
	f := &kmsFake{policies: keys, counts: map[string]int{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := kms.New(kms.Options{
		BaseEndpoint: aws.String(srv.URL), Region: testRegion, Retryer: testretry.ClosedConn{},
		HTTPClient:  testretry.FreshConnClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAKMSFAKE", "not-a-secret", ""),
	})
	return f, c
}

func (f *kmsFake) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[op]
}

func (f *kmsFake) policy(key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.policies[key]
}

func (f *kmsFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	var in struct{ KeyId, PolicyName, Policy string }
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fail := func(code, msg string) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
	}
	if err := json.Unmarshal(body, &in); err != nil {
		fail("SerializationException", err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts[op]++
	cur, ok := f.policies[in.KeyId]
	switch {
	case !ok:
		fail("NotFoundException", "Key '"+in.KeyId+"' does not exist")
	case in.PolicyName != "default":
		fail("NotFoundException", "No such policy exists")
	case op == "GetKeyPolicy":
		_ = json.NewEncoder(w).Encode(map[string]string{"Policy": cur, "PolicyName": "default"})
	case op == "PutKeyPolicy":
		if _, err := policy.Parse([]byte(in.Policy)); err != nil {
			fail("MalformedPolicyDocumentException", err.Error())
			return
		}
		f.policies[in.KeyId] = in.Policy
		if f.afterPut != nil {
			f.policies[in.KeyId] = f.afterPut(cur)
			f.afterPut = nil
		}
		_, _ = io.WriteString(w, "{}")
	default:
		fail("UnknownOperationException", op)
	}
}

// defaultKeyPolicy is the key policy KMS writes for a new key: the account
// root may do everything.
const defaultKeyPolicy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
