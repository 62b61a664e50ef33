package securebucket_test

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// The account-level writes follow the package's write discipline too
// (fresh read, merge, write, verify): these tests play the other writer
// and the endpoint that drops part of a write.

// controlHook is S3 Control whose PutPublicAccessBlock and
// PutAccessPointPolicy go through hooks (nil: straight through), counting
// the requests.
type controlHook struct {
	*s3control.Client
	mu          sync.Mutex
	bpaPuts     int
	apPuts      int
	putBPA      func(ctx context.Context, in *s3control.PutPublicAccessBlockInput, n int) (*s3control.PutPublicAccessBlockOutput, error)
	putAPPolicy func(ctx context.Context, in *s3control.PutAccessPointPolicyInput) (*s3control.PutAccessPointPolicyOutput, error)
}

func (c *controlHook) PutPublicAccessBlock(ctx context.Context, in *s3control.PutPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error) {
	c.mu.Lock()
	c.bpaPuts++
	n := c.bpaPuts
	c.mu.Unlock()
	if c.putBPA != nil {
		return c.putBPA(ctx, in, n)
	}
	return c.Client.PutPublicAccessBlock(ctx, in, optFns...)
}

func (c *controlHook) PutAccessPointPolicy(ctx context.Context, in *s3control.PutAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.PutAccessPointPolicyOutput, error) {
	c.mu.Lock()
	c.apPuts++
	c.mu.Unlock()
	if c.putAPPolicy != nil {
		return c.putAPPolicy(ctx, in)
	}
	return c.Client.PutAccessPointPolicy(ctx, in, optFns...)
}

func (e acctEnv) accountBPA(t *testing.T) securebucket.PublicAccessBlockSettings {
	t.Helper()
	got, err := securebucket.ReadAccountPublicAccessBlock(t.Context(), e.control, e.account)
	require.NoError(t, err)
	return got.Settings
}

// TestApplyAccountPublicAccessBlockNotKept: the endpoint accepts the write
// and keeps every setting but BlockPublicPolicy. The read-back shows it;
// writing again would send the same request, so the call fails with
// ErrConflict naming the setting, as Harden reports a bucket setting
// "not-kept", after one write. (It returned nil before: nothing was read
// back.)
func TestApplyAccountPublicAccessBlockNotKept(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	ctl := &controlHook{Client: e.control}
	ctl.putBPA = func(ctx context.Context, in *s3control.PutPublicAccessBlockInput, _ int) (*s3control.PutPublicAccessBlockOutput, error) {
		cfg := *in.PublicAccessBlockConfiguration
		cfg.BlockPublicPolicy = aws.Bool(false)
		return e.control.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: in.AccountId, PublicAccessBlockConfiguration: &cfg})
	}
	plan, err := securebucket.PlanAccountPublicAccessBlock(ctx, ctl, e.s3, e.account, nil)
	require.NoError(t, err)
	err = securebucket.ApplyAccountPublicAccessBlock(ctx, ctl, plan, nil)
	require.ErrorIs(t, err, securebucket.ErrConflict)
	var ae *securebucket.AccountError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "PutPublicAccessBlock", ae.Operation)
	assert.Contains(t, err.Error(), "the endpoint did not keep: turn on BlockPublicPolicy")
	assert.Equal(t, 1, ctl.bpaPuts, "the same request is not sent again")
	assert.Equal(t, securebucket.PublicAccessBlockSettings{BlockPublicAcls: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}, e.accountBPA(t))
}

// TestApplyAccountPublicAccessBlockConcurrentWriter: another writer who read
// the account settings before our write puts back their copy (only
// IgnorePublicAcls on) right after it. The read-back finds the settings
// off again; writing again would send the same request, so the call fails
// with ErrConflict naming the settings that are off, rather than report
// success (it returned nil before, the settings left off). A writer who
// turned a setting on meanwhile is merged with, and nothing is reported.
func TestApplyAccountPublicAccessBlockConcurrentWriter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		their securebucket.PublicAccessBlockSettings
		off   string
	}{
		{"weaker", securebucket.PublicAccessBlockSettings{IgnorePublicAcls: true}, "turn on BlockPublicAcls, BlockPublicPolicy, RestrictPublicBuckets"},
		{"all on", securebucket.AllPublicAccessBlocked(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAcctEnv(t)
			ctx := t.Context()
			ctl := &controlHook{Client: e.control}
			ctl.putBPA = func(ctx context.Context, in *s3control.PutPublicAccessBlockInput, n int) (*s3control.PutPublicAccessBlockOutput, error) {
				out, err := e.control.PutPublicAccessBlock(ctx, in)
				if err == nil && n == 1 {
					e.setAccountBPA(t, tc.their)
				}
				return out, err
			}
			plan, err := securebucket.PlanAccountPublicAccessBlock(ctx, ctl, e.s3, e.account, nil)
			require.NoError(t, err)
			err = securebucket.ApplyAccountPublicAccessBlock(ctx, ctl, plan, nil)
			assert.Equal(t, 1, ctl.bpaPuts)
			assert.Equal(t, tc.their, e.accountBPA(t), "what the other writer wrote is not overwritten unread")
			if tc.off == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, securebucket.ErrConflict)
			assert.Contains(t, err.Error(), "the endpoint did not keep: "+tc.off)
		})
	}
}

// TestApplyAccountPublicAccessBlockFreshRead: the settings are read again
// at the moment of the write. Another writer turned all four on after the
// plan: nothing is written. Another turned one off after a plan that found
// it on: it is turned on again.
func TestApplyAccountPublicAccessBlockFreshRead(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	ctl := &controlHook{Client: e.control}
	plan, err := securebucket.PlanAccountPublicAccessBlock(ctx, ctl, e.s3, e.account, nil)
	require.NoError(t, err)
	e.setAccountBPA(t, securebucket.AllPublicAccessBlocked())
	require.NoError(t, securebucket.ApplyAccountPublicAccessBlock(ctx, ctl, plan, nil))
	assert.Zero(t, ctl.bpaPuts)

	e.setAccountBPA(t, securebucket.PublicAccessBlockSettings{BlockPublicAcls: true, IgnorePublicAcls: true, RestrictPublicBuckets: true})
	plan, err = securebucket.PlanAccountPublicAccessBlock(ctx, ctl, e.s3, e.account, nil)
	require.NoError(t, err)
	e.setAccountBPA(t, securebucket.PublicAccessBlockSettings{BlockPublicAcls: true})
	require.NoError(t, securebucket.ApplyAccountPublicAccessBlock(ctx, ctl, plan, nil))
	assert.True(t, e.accountBPA(t).AllOn())
	assert.Equal(t, 1, ctl.bpaPuts)
}

// dropsStatement is S3 whose PutBucketPolicy stores the policy without the
// statement with Sid sid, reformatted (indented), as an endpoint that does
// not support a statement's elements may.
type dropsStatement struct {
	securebucket.AccessPointBucketAPI
	t   *testing.T
	sid string
}

func (d dropsStatement) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	doc, err := policy.Parse([]byte(aws.ToString(in.Policy)))
	require.NoError(d.t, err)
	kept := doc.Clone()
	kept.Statements = kept.Statements[:0]
	for _, s := range doc.Statements {
		if s.Sid != d.sid {
			kept.Statements = append(kept.Statements, s)
		}
	}
	b, err := kept.Marshal()
	require.NoError(d.t, err)
	var indented bytes.Buffer
	require.NoError(d.t, json.Indent(&indented, b, "", "  "))
	out := *in
	out.Policy = aws.String(indented.String())
	return d.AccessPointBucketAPI.PutBucketPolicy(ctx, &out, optFns...)
}

// TestDelegateToAccessPointsNotKept: the endpoint drops the delegation
// statement. DelegateToAccessPoints fails with ErrConflict naming it (it
// reported success before).
func TestDelegateToAccessPointsNotKept(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	_, err := e.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + apForeignStatement + `]}`)})
	require.NoError(t, err)
	_, err = securebucket.DelegateToAccessPoints(ctx, dropsStatement{AccessPointBucketAPI: e.s3, t: t, sid: policy.SidDelegateToAccessPoints}, "data", e.account)
	require.ErrorIs(t, err, securebucket.ErrConflict)
	var ae *securebucket.AccountError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, err.Error(), "the endpoint did not keep: "+policy.SidDelegateToAccessPoints+": added")
	assert.Equal(t, []string{"TeamRead"}, e.bucketPolicy(t, "data").Sids())
}

// TestCreateAccessPointPolicyNotKept: the endpoint keeps only the first
// statement of the access point policy. CreateAccessPoint fails with
// ErrConflict (it reported the policy written before).
func TestCreateAccessPointPolicyNotKept(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	ctl := &controlHook{Client: e.control}
	ctl.putAPPolicy = func(ctx context.Context, in *s3control.PutAccessPointPolicyInput) (*s3control.PutAccessPointPolicyOutput, error) {
		doc, err := policy.Parse([]byte(aws.ToString(in.Policy)))
		require.NoError(t, err)
		require.Greater(t, len(doc.Statements), 1)
		doc.Statements = doc.Statements[:1]
		b, err := doc.Marshal()
		require.NoError(t, err)
		out := *in
		out.Policy = aws.String(string(b))
		return e.control.PutAccessPointPolicy(ctx, &out)
	}
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-0abc123", Principal: "arn:aws:iam::111122223333:role/app", DisableBucketDelegation: true}
	res, err := securebucket.CreateAccessPoint(ctx, ctl, e.s3, e.account, e.region(), "data", "dropping-ap", opts)
	require.ErrorIs(t, err, securebucket.ErrConflict)
	assert.Contains(t, err.Error(), "the endpoint did not keep")
	require.NotNil(t, res)
	assert.True(t, res.PolicyChanged, "the write was accepted")
	assert.Equal(t, 1, ctl.apPuts)
}
