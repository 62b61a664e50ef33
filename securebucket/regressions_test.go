package securebucket_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// opLog records the operation names a client sends, in order.
type opLog struct {
	mu  sync.Mutex
	ops []string
}

func (l *opLog) record(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("opLog", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			l.mu.Lock()
			l.ops = append(l.ops, awsmiddleware.GetOperationName(ctx))
			l.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
	})
}

func (l *opLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ops...)
}

func TestCreateBlocksPublicAccessFirst(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{CreateBucketState: s3fake.StateLegacy})
	var log opLog
	c := f.Client(f.OwnerCredential(), log.record)
	_, err := securebucket.Create(t.Context(), c, "first-moment", opts())
	require.NoError(t, err)
	ops := log.list()
	i := slices.Index(ops, "CreateBucket")
	require.GreaterOrEqual(t, i, 0, "%v", ops)
	require.Greater(t, len(ops), i+1)
	assert.Equal(t, "PutPublicAccessBlock", ops[i+1], "the first request after CreateBucket must switch Block Public Access on: %v", ops)
	assert.NotContains(t, ops[:i], "PutPublicAccessBlock")
	assertHardened(t, f, "first-moment")

	// When that request fails, Create says so, and that the bucket exists.
	f.InjectFault("PutPublicAccessBlock", s3fake.Fault{Code: s3fake.FaultInternalError})
	res, err := securebucket.Create(t.Context(), c, "second-moment", opts())
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepBlockPublicAccess, se.Step)
	require.NotNil(t, res)
	require.Len(t, res.Steps, 1)
	assert.Equal(t, securebucket.StepCreate, res.Steps[0].Name)
	assert.True(t, res.Steps[0].Applied)
	f.ClearFaults()
	_, err = securebucket.Harden(t.Context(), c, "second-moment", opts())
	require.NoError(t, err)
	assertHardened(t, f, "second-moment")
}

func TestHardenLifecycleForeignRuleUnderOurID(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "lc-clash", s3fake.StateAWSDefault)
	theirs := types.LifecycleRule{
		ID: aws.String(securebucket.LifecycleRuleID), Status: types.ExpirationStatusEnabled,
		Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
		Expiration: &types.LifecycleExpiration{Days: aws.Int32(30)},
	}
	_, err := c.PutBucketLifecycleConfiguration(t.Context(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("lc-clash"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{theirs}}})
	require.NoError(t, err)
	f.ResetCounts()
	_, herr := securebucket.Harden(t.Context(), c, "lc-clash", opts())
	require.ErrorIs(t, herr, securebucket.ErrIncompatible)
	var se *securebucket.StepError
	require.ErrorAs(t, herr, &se)
	assert.Equal(t, securebucket.StepLifecycle, se.Step)
	assert.Zero(t, f.WriteCount(), "Harden writes nothing when a step cannot be planned")
	out, err := c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("lc-clash")})
	require.NoError(t, err)
	found := false
	for _, r := range out.Rules {
		if r.Expiration != nil && aws.ToInt32(r.Expiration.Days) == 30 && r.Filter != nil && aws.ToString(r.Filter.Prefix) == "tmp/" {
			found = true
		}
	}
	assert.True(t, found, "the expiration rule stored under our ID was lost: %+v", out.Rules)

	// With AllowNoLifecycleRule the rest of Harden goes ahead.
	o := opts()
	o.AllowNoLifecycleRule = true
	_, err = securebucket.Harden(t.Context(), c, "lc-clash", o)
	require.NoError(t, err)
}

// In us-east-1 S3 answers CreateBucket for a bucket you already own with
// 200 OK (and resets its ACL): Create must still report
// ErrBucketAlreadyOwnedByYou, and send no CreateBucket.
func TestCreateAlreadyOwnedInUSEast1(t *testing.T) {
	f, c := startFake(t) // us-east-1
	bucketIn(t, f, "mine-already", s3fake.StateLegacy)
	f.ResetCounts()
	res, err := securebucket.Create(t.Context(), c, "mine-already", opts())
	require.ErrorIs(t, err, securebucket.ErrBucketAlreadyOwnedByYou)
	assert.NotErrorIs(t, err, securebucket.ErrBucketAlreadyExists)
	assert.Nil(t, res)
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepCreate, se.Step)
	assert.Zero(t, f.Count("CreateBucket"))
	assert.Zero(t, f.WriteCount(), "nothing is changed on the existing bucket: %v", f.Counts())

	// Another account's bucket of that name is still BucketAlreadyExists.
	other := f.AddAccountRoot("444455556666")
	_, err = f.Client(other).CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("theirs-already")})
	require.NoError(t, err)
	_, err = securebucket.Create(t.Context(), c, "theirs-already", opts())
	require.ErrorIs(t, err, securebucket.ErrBucketAlreadyExists)
	assert.NotErrorIs(t, err, securebucket.ErrBucketAlreadyOwnedByYou)

	// A new name is created.
	_, err = securebucket.Create(t.Context(), c, "new-name-east", opts())
	require.NoError(t, err)
	assertHardened(t, f, "new-name-east")
}

// In us-east-1, CreateBucket for a bucket one owns answers 200 OK and
// "resets the bucket access control lists (ACLs)" (S3 API reference,
// BucketAlreadyOwnedByYou: "For legacy compatibility, if you re-create an
// existing bucket that you already own in the North Virginia Region,
// Amazon S3 returns 200 OK and resets the bucket access control lists
// (ACLs)"). Create looks first with GetBucketLocation; when that look is
// refused (a role without s3:GetBucketLocation, an error past the
// retries), it sent CreateBucket anyway and took the 200 for a bucket it
// had made: it must find out otherwise whether the name is the account's
// (ListBuckets), and send no CreateBucket when it is, or when it cannot
// tell.
func TestCreateDoesNotResendForAnOwnedBucketItCannotSee(t *testing.T) {
	f, c := startFake(t) // us-east-1
	bucketIn(t, f, "mine-unseen", s3fake.StateLegacy)
	denyLocation := func() {
		f.InjectFault("GetBucketLocation", s3fake.Fault{Code: "AccessDenied", StatusCode: 403, Count: 1})
	}

	denyLocation()
	f.ResetCounts()
	res, err := securebucket.Create(t.Context(), c, "mine-unseen", opts())
	require.ErrorIs(t, err, securebucket.ErrBucketAlreadyOwnedByYou)
	assert.Nil(t, res)
	assert.Zero(t, f.Count("CreateBucket"))
	assert.Zero(t, f.WriteCount(), "nothing is changed on the existing bucket: %v", f.Counts())

	// Neither look answers: nothing is sent that could reset it.
	denyLocation()
	f.InjectFault("ListBuckets", s3fake.Fault{Code: "AccessDenied", StatusCode: 403, Count: 1})
	f.ResetCounts()
	res, err = securebucket.Create(t.Context(), c, "mine-unseen", opts())
	require.Error(t, err)
	assert.Nil(t, res)
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepCreate, se.Step)
	assert.Contains(t, err.Error(), "AccessDenied")
	assert.Zero(t, f.Count("CreateBucket"))
	assert.Zero(t, f.WriteCount(), "%v", f.Counts())

	// A name the account does not have is created, the look refused or not.
	denyLocation()
	_, err = securebucket.Create(t.Context(), c, "new-unseen", opts())
	require.NoError(t, err)
	assertHardened(t, f, "new-unseen")
}

// Names that cannot be a general purpose bucket, old or new, are refused by
// Harden, Plan and Audit before any request: access point and Object
// Lambda aliases, directory and table buckets, and names shorter than 3.
func TestHardenRefusesNamesOfOtherResources(t *testing.T) {
	f, c := startFake(t)
	for _, name := range []string{"ab", "my-ap-abcdefghijklmnopqrstuvwxyz1234-s3alias", "my-olap-abcdefghijklmnop--ol-s3", "dir-bucket--use1-az4--x-s3", "tables--table-s3"} {
		_, err := securebucket.Harden(t.Context(), c, name, nil)
		assert.ErrorIs(t, err, securebucket.ErrInvalidBucketName, name)
		_, err = securebucket.Plan(t.Context(), c, name, nil)
		assert.ErrorIs(t, err, securebucket.ErrInvalidBucketName, name)
		_, err = securebucket.Audit(t.Context(), c, name, nil)
		assert.ErrorIs(t, err, securebucket.ErrInvalidBucketName, name)
	}
	assert.Zero(t, f.TotalCount())
}

// S3.9: logs into a target that has a default Object Lock retention are
// not delivered (Security Hub: the target must have no default retention
// period), so logging there does not pass.
func TestAuditLoggingTargetWithDefaultRetention(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "src-logged", s3fake.StateAWSDefault)
	require.NoError(t, f.CreateBucketWith("locked-logs", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, ObjectLock: true}))
	// Logging was set up first, the retention added later.
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "locked-logs", TargetPrefix: "src/"}
	_, err := securebucket.Harden(t.Context(), c, "src-logged", o)
	require.NoError(t, err)
	ao := &securebucket.AuditOptions{AccountID: account, Retry: fastRetry, Controls: []securebucket.Control{securebucket.ControlLogging}}
	rep, err := securebucket.Audit(t.Context(), c, "src-logged", ao)
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusPass, rep.Results[0].Status, rep.Results[0].Message)

	_, err = c.PutObjectLockConfiguration(t.Context(), &s3.PutObjectLockConfigurationInput{Bucket: aws.String("locked-logs"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}})
	require.NoError(t, err)
	rep, err = securebucket.Audit(t.Context(), c, "src-logged", ao)
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusFail, rep.Results[0].Status, rep.Results[0].Message)
	assert.Contains(t, rep.Results[0].Message, "retention")

	// Unreadable: UNKNOWN, not PASS.
	cred := f.AddUser(account, "auditor")
	f.SetAuthorizer(denyingAuthorizer("auditor", "GetObjectLockConfiguration"))
	rep, err = securebucket.Audit(t.Context(), f.Client(cred), "src-logged", ao)
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusUnknown, rep.Results[0].Status, rep.Results[0].Message)
}

// S3.9: logs into a Requester Pays target are not delivered. The S3 user
// guide, "Using Requester Pays general purpose buckets for storage
// transfers and usage"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html):
// "Requester Pays buckets do not support the following: … Using a
// Requester Pays bucket as the target bucket for end-user logging, or vice
// versa. However, you can turn on end-user logging on a Requester Pays
// bucket where the target bucket is not a Requester Pays bucket."
// So logging there fails and names the target: the configuration outlives
// Requester Pays turned on after it, and the fake, like S3, delivers
// nothing. A Requester Pays source logging into an ordinary target passes.
// The target's request payment configuration unreadable is UNKNOWN, not
// PASS; a retention found with it unreadable is still a FAIL. In AuditAll
// the target gets no log-bucket exemption. No moto row: moto_server 5.2.1
// has no request payment (GetBucketRequestPayment answers without a Payer
// and PutBucketRequestPayment keeps nothing; checked by hand).
func TestAuditLoggingTargetRequesterPays(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "payer-src", s3fake.StateAWSDefault)
	bucketIn(t, f, "payer-logs", s3fake.StateAWSDefault)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "payer-logs", TargetPrefix: "src/"}
	_, err := securebucket.Harden(t.Context(), c, "payer-src", o)
	require.NoError(t, err)
	payer := func(bucket string, p types.Payer) {
		t.Helper()
		_, err := c.PutBucketRequestPayment(t.Context(), &s3.PutBucketRequestPaymentInput{Bucket: aws.String(bucket),
			RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: p}})
		require.NoError(t, err)
	}
	ao := &securebucket.AuditOptions{AccountID: account, Retry: fastRetry, Controls: []securebucket.Control{securebucket.ControlLogging}}
	s39 := func(c securebucket.ReadAPI) securebucket.ControlResult {
		t.Helper()
		rep, err := securebucket.Audit(t.Context(), c, "payer-src", ao)
		require.NoError(t, err)
		return rep.Results[0]
	}
	logObjects := func() int {
		t.Helper()
		require.NoError(t, f.FlushAccessLogs())
		out, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("payer-logs"), Prefix: aws.String("src/")})
		require.NoError(t, err)
		return len(out.Contents)
	}

	payer("payer-src", types.PayerRequester)
	f.ResetCounts()
	r := s39(c)
	assert.Equal(t, 1, f.Count("GetBucketRequestPayment"), "the target's, read once")
	f.ResetCounts()
	_, err = securebucket.Audit(t.Context(), c, "payer-logs", nil)
	require.NoError(t, err)
	assert.Zero(t, f.Count("GetBucketRequestPayment"), "read only of a logging target")
	assert.Equal(t, securebucket.StatusPass, r.Status, "a Requester Pays source may log into an ordinary target: %s", r.Message)
	delivered := logObjects()
	require.Positive(t, delivered, "the fake delivers into an ordinary target")

	payer("payer-logs", types.PayerRequester)
	r = s39(c)
	assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)
	assert.Contains(t, r.Message, "logging target payer-logs is a Requester Pays bucket")
	assert.Equal(t, delivered, logObjects(), "and no log is delivered into it")
	fleet, err := securebucket.AuditAll(t.Context(), c, ao)
	require.NoError(t, err)
	for _, b := range fleet.Buckets {
		require.NoError(t, b.Err)
		assert.Equal(t, securebucket.StatusFail, b.Results[0].Status, "%s: a target that gets no logs is not exempt: %s", b.Bucket, b.Results[0].Message)
	}

	cred := f.AddUser(account, "auditor")
	f.SetAuthorizer(denyingAuthorizer("auditor", "GetBucketRequestPayment"))
	r = s39(f.Client(cred))
	assert.Equal(t, securebucket.StatusUnknown, r.Status, r.Message)
	assert.Contains(t, r.Message, "could not read the logging target's request payment configuration: AccessDenied")
	var ae smithy.APIError
	require.ErrorAs(t, r.Err, &ae)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())

	// A default retention read beside the refused read is still a FAIL.
	require.NoError(t, f.CreateBucketWith("payer-locked", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, ObjectLock: true}))
	o.Logging.TargetBucket = "payer-locked"
	_, err = securebucket.Harden(t.Context(), c, "payer-src", o)
	require.NoError(t, err)
	_, err = c.PutObjectLockConfiguration(t.Context(), &s3.PutObjectLockConfigurationInput{Bucket: aws.String("payer-locked"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}})
	require.NoError(t, err)
	r = s39(f.Client(cred))
	assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)
	assert.Contains(t, r.Message, "retention")
}

// A public policy on a bucket without Block Public Access: Block Public
// Access is written first, without BlockPublicPolicy while the merged
// policy keeps the public statement (S3 would refuse to store it); the
// policy follows, and BlockPublicPolicy after it. With
// AllowPublicStatementRemoval the statement goes, and all four settings are
// on from the first write. Anonymous reads are refused afterwards.
func TestHardenPublicPolicyOrder(t *testing.T) {
	for _, remove := range []bool{false, true} {
		f, c := startFake(t)
		bucketIn(t, f, "pub-order", s3fake.StateLegacy)
		putPolicy(t, c, "pub-order", fmtPolicy(publicReadPolicy, "pub-order"))
		_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("pub-order"), Key: aws.String("k"), Body: strings.NewReader("x")})
		require.NoError(t, err)
		_, err = f.AnonymousClient().GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("pub-order"), Key: aws.String("k")})
		require.NoError(t, err, "public before")
		var log opLog
		o := opts()
		o.AllowPublicStatementRemoval = remove
		_, err = securebucket.Harden(t.Context(), f.Client(f.OwnerCredential(), log.record), "pub-order", o)
		require.NoError(t, err)
		var writes []string
		for _, op := range log.list() {
			if strings.HasPrefix(op, "Put") {
				writes = append(writes, op)
			}
		}
		require.NotEmpty(t, writes)
		assert.Equal(t, "PutPublicAccessBlock", writes[0], "protection first: %v", writes)
		pp := slices.Index(writes, "PutBucketPolicy")
		require.Positive(t, pp, "%v", writes)
		if remove {
			assert.Equal(t, 1, strings.Count(strings.Join(writes, " "), "PutPublicAccessBlock"), "%v", writes)
		} else {
			assert.Equal(t, "PutPublicAccessBlock", writes[pp+1], "BlockPublicPolicy right after the policy: %v", writes)
		}
		_, err = f.AnonymousClient().GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("pub-order"), Key: aws.String("k")})
		assert.Error(t, err, "anonymous read refused after Harden")
		cfg := assertHardened(t, f, "pub-order")
		assert.Contains(t, cfg.Policy, "PartnerList")
		if remove {
			assert.NotContains(t, cfg.Policy, `"PublicRead"`)
		} else {
			assert.Contains(t, cfg.Policy, `"PublicRead"`)
		}
	}
}

// S3 does not check the key of PutBucketEncryption, but SSE-KMS needs a key
// in the bucket's Region: a key from another Region would make every
// upload fail. Harden refuses before writing.
func TestHardenKMSKeyInAnotherRegion(t *testing.T) {
	f, c := startFake(t) // buckets in us-east-1
	bucketIn(t, f, "kms-region", s3fake.StateAWSDefault)
	o := opts()
	o.KMSKeyARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	f.ResetCounts()
	_, err := securebucket.Harden(t.Context(), c, "kms-region", o)
	require.ErrorIs(t, err, securebucket.ErrIncompatible)
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepEncryption, se.Step)
	assert.Zero(t, f.WriteCount())

	// Create knows the Region before any request.
	f.ResetCounts()
	_, err = securebucket.Create(t.Context(), c, "kms-region-new", o)
	require.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	assert.Zero(t, f.TotalCount())

	// A key in the bucket's Region is accepted.
	o.KMSKeyARN = kmsKey
	_, err = securebucket.Harden(t.Context(), c, "kms-region", o)
	require.NoError(t, err)
	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "kms-region", o)
	require.NoError(t, err)
	assert.Zero(t, f.WriteCount())
}
