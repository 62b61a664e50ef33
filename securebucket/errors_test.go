package securebucket_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

func TestHardenReadDeniedWritesNothing(t *testing.T) {
	f, _ := startFake(t)
	bucketIn(t, f, "denied-bucket", s3fake.StateLegacy)
	cred := f.AddUser(account, "operator")
	f.SetAuthorizer(denyingAuthorizer("operator", "GetBucketPolicy"))
	c := f.Client(cred)
	f.ResetCounts()
	res, err := securebucket.Harden(t.Context(), c, "denied-bucket", opts())
	require.Error(t, err)
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepPolicy, se.Step)
	assert.Equal(t, "denied-bucket", se.Bucket)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())
	assert.Zero(t, f.WriteCount(), "a setting that cannot be read is never overwritten blind")
	require.NotNil(t, res)
	assert.False(t, res.Changed())
}

func TestHardenStepFailureReportsApplied(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "half-bucket", s3fake.StateLegacy)
	f.InjectFault("PutBucketVersioning", s3fake.Fault{Code: s3fake.FaultSlowDown})
	o := opts()
	o.Retry.MaxAttempts = 3
	res, err := securebucket.Harden(t.Context(), c, "half-bucket", o)
	require.Error(t, err)
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepVersioning, se.Step)
	assert.Equal(t, 3, f.Count("PutBucketVersioning"), "retried up to MaxAttempts")
	assert.Contains(t, err.Error(), "securebucket: bucket half-bucket: step versioning: put bucket versioning:")
	before := map[securebucket.StepName]bool{securebucket.StepBlockPublicAccess: true, securebucket.StepOwnership: true, securebucket.StepEncryption: true}
	for _, s := range res.Steps {
		assert.Equal(t, before[s.Name], s.Applied, s.Name)
	}
	// Harden again continues where it stopped.
	f.ClearFaults()
	f.ResetCounts()
	res, err = securebucket.Harden(t.Context(), c, "half-bucket", o)
	require.NoError(t, err)
	assert.True(t, stepOf(t, res.Steps, securebucket.StepVersioning).Applied)
	assert.Equal(t, 3, f.WriteCount(), "versioning, lifecycle and the policy: %v", f.Counts())
}

// alwaysOverwriting replaces the policy after every one of our writes, each
// time with a new version of its own.
type alwaysOverwriting struct {
	*s3.Client
	n *atomic.Int32
}

func (o alwaysOverwriting) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	out, err := o.Client.PutBucketPolicy(ctx, in, optFns...)
	if err == nil {
		_, err = o.Client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: in.Bucket,
			Policy: aws.String(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Mine%d","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::%s"}]}`, o.n.Add(1), aws.ToString(in.Bucket)))})
	}
	return out, err
}

func TestConcurrentWriterThatNeverStops(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "fought-bucket", s3fake.StateAWSDefault)
	_, err := securebucket.Harden(t.Context(), alwaysOverwriting{c, new(atomic.Int32)}, "fought-bucket", opts())
	require.ErrorIs(t, err, securebucket.ErrConflict)
	cfg, _ := f.Bucket("fought-bucket")
	assert.Contains(t, cfg.Policy, `"Sid":"Mine`, "the other writer's policy is not clobbered in the end")
}

// staleReads answers GetBucketPolicy with the policy from before the last
// PutBucketPolicy for the next few reads, as S3's eventually consistent
// bucket configuration may.
type staleReads struct {
	*s3.Client
	mu    sync.Mutex
	old   *s3.GetBucketPolicyOutput
	oldEr error
	left  int
	puts  int
}

func (s *staleReads) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	old, oldErr := s.Client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: in.Bucket})
	out, err := s.Client.PutBucketPolicy(ctx, in, optFns...)
	s.mu.Lock()
	s.old, s.oldEr, s.left = old, oldErr, 3
	s.puts++
	s.mu.Unlock()
	return out, err
}

func (s *staleReads) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	s.mu.Lock()
	if s.left > 0 {
		s.left--
		old, oldErr := s.old, s.oldEr
		s.mu.Unlock()
		return old, oldErr
	}
	s.mu.Unlock()
	return s.Client.GetBucketPolicy(ctx, in, optFns...)
}

func TestConcurrentStaleReadsWaitedOut(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "stale-bucket", s3fake.StateAWSDefault)
	putPolicy(t, c, "stale-bucket", `{"Version":"2012-10-17","Statement":[{"Sid":"Keep","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::stale-bucket"}]}`)
	sc := &staleReads{Client: c}
	_, err := securebucket.Harden(t.Context(), sc, "stale-bucket", opts())
	require.NoError(t, err)
	assert.Equal(t, 1, sc.puts, "a stale read is waited out, not answered with another write")
	cfg, _ := f.Bucket("stale-bucket")
	assert.Equal(t, map[string]int{"Keep": 1, policy.SidDenyInsecureTransport: 1, policy.SidDenyOutdatedTLS: 1}, countSids(t, cfg.Policy))
}

// recorder records the headers of every request.
type recorder struct {
	mu   sync.Mutex
	reqs []*http.Request
	next http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Clone(req.Context()))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

func TestEveryRequestCarriesExpectedBucketOwner(t *testing.T) {
	f := s3fake.Start(t, nil)
	rec := &recorder{next: f.HTTPClient().Transport}
	c := f.Client(f.OwnerCredential(), func(o *s3.Options) { o.HTTPClient = &http.Client{Transport: rec} })
	bucketIn(t, f, "owned-bucket", s3fake.StateLegacy)
	bucketIn(t, f, "owned-logs", s3fake.StateAWSDefault)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "owned-logs"}
	_, err := securebucket.Harden(t.Context(), c, "owned-bucket", o)
	require.NoError(t, err)
	_, err = securebucket.Audit(t.Context(), c, "owned-bucket", &securebucket.AuditOptions{AccountID: account, Controls: securebucket.AllControls()})
	require.NoError(t, err)
	require.NotEmpty(t, rec.reqs)
	for _, r := range rec.reqs {
		assert.Equal(t, account, r.Header.Get("X-Amz-Expected-Bucket-Owner"), "%s %s", r.Method, r.URL)
		if r.Method == http.MethodPut && r.URL.Query().Has("policy") {
			assert.Empty(t, r.Header.Get("X-Amz-Confirm-Remove-Self-Bucket-Access"), "never set")
		}
	}
}

func TestHardenAccountBlockPublicPolicyRefusesKeptPublicStatement(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "acct-blocked", s3fake.StateLegacy)
	putPolicy(t, c, "acct-blocked", fmtPolicy(publicReadPolicy, "acct-blocked"))
	f.SetAccountPublicAccessBlock(account, &s3fake.PublicAccessBlock{BlockPublicPolicy: true})
	_, err := securebucket.Harden(t.Context(), c, "acct-blocked", opts())
	require.ErrorIs(t, err, securebucket.ErrPublicPolicyBlocked, "S3 refuses the merged, still public policy")
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae, "the SDK error is wrapped too")
	assert.Equal(t, "AccessDenied", ae.ErrorCode())

	o := opts()
	o.AllowPublicStatementRemoval = true
	_, err = securebucket.Harden(t.Context(), c, "acct-blocked", o)
	require.NoError(t, err)
}
