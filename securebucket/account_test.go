package securebucket_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/conformance"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// acctEnv is an S3 fake and an S3 Control fake of the same account,
// wired so that account Block Public Access set through s3control is what
// the S3 fake holds.
type acctEnv struct {
	s3f     *s3fake.Fake
	ctl     *s3controlfake.TestServer
	s3      *s3.Client
	control *s3control.Client
	account string
}

func newAcctEnv(t *testing.T) acctEnv {
	t.Helper()
	s3f := s3fake.Start(t, nil)
	ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
	return acctEnv{s3f: s3f, ctl: ctl, s3: s3f.OwnerClient(), control: ctl.Client(), account: s3f.AccountID()}
}

func (e acctEnv) setAccountBPA(t *testing.T, s securebucket.PublicAccessBlockSettings) {
	t.Helper()
	_, err := e.control.PutPublicAccessBlock(t.Context(), &s3control.PutPublicAccessBlockInput{AccountId: aws.String(e.account),
		PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(s.BlockPublicAcls), IgnorePublicAcls: aws.Bool(s.IgnorePublicAcls),
			BlockPublicPolicy: aws.Bool(s.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(s.RestrictPublicBuckets)}})
	require.NoError(t, err)
}

const acctPublicReadPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`

func (e acctEnv) publicPolicyBucket(t *testing.T, name string) {
	t.Helper()
	require.NoError(t, e.s3f.CreateBucket(name, s3fake.StateLegacy))
	_, err := e.s3.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(strings.ReplaceAll(acctPublicReadPolicy, "%s", name))})
	require.NoError(t, err)
}

func (e acctEnv) publicACLBucket(t *testing.T, name string) {
	t.Helper()
	require.NoError(t, e.s3f.CreateBucket(name, s3fake.StateLegacy))
	_, err := e.s3.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String(name), ACL: s3types.BucketCannedACLPublicRead})
	require.NoError(t, err)
}

func TestPublicAccessBlockSettings(t *testing.T) {
	s := securebucket.PublicAccessBlockSettings{BlockPublicAcls: true}
	assert.False(t, s.AllOn())
	assert.Equal(t, []string{"IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}, s.Off())
	u := s.Union(securebucket.PublicAccessBlockSettings{RestrictPublicBuckets: true})
	assert.Equal(t, securebucket.PublicAccessBlockSettings{BlockPublicAcls: true, RestrictPublicBuckets: true}, u)
	assert.True(t, u.Union(securebucket.AllPublicAccessBlocked()).AllOn())
	assert.Empty(t, securebucket.AllPublicAccessBlocked().Off())
	assert.True(t, u.Policy().RestrictPublicBuckets)
	assert.Equal(t, securebucket.PublicAccessBlockSettings{}, securebucket.PublicAccessBlockFromS3(nil))
	assert.Equal(t, securebucket.PublicAccessBlockSettings{IgnorePublicAcls: true},
		securebucket.PublicAccessBlockFromS3(&s3types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true), BlockPublicAcls: aws.Bool(false)}))
}

func TestAuditAccountPublicAccessBlock(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, e acctEnv)
		status securebucket.Status
		msg    string
		apiErr string
	}{
		{"unset", func(*testing.T, acctEnv) {}, securebucket.StatusFail, "no Block Public Access configuration", ""},
		{"partly on", func(t *testing.T, e acctEnv) {
			e.setAccountBPA(t, securebucket.PublicAccessBlockSettings{BlockPublicAcls: true, BlockPublicPolicy: true})
		}, securebucket.StatusFail, "IgnorePublicAcls, RestrictPublicBuckets", ""},
		{"all on", func(t *testing.T, e acctEnv) { e.setAccountBPA(t, securebucket.AllPublicAccessBlocked()) }, securebucket.StatusPass, "all four", ""},
		{"denied", func(t *testing.T, e acctEnv) {
			e.setAccountBPA(t, securebucket.AllPublicAccessBlocked())
			e.ctl.SetFault("GetPublicAccessBlock", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
		}, securebucket.StatusUnknown, "could not be read", "AccessDenied"},
		{"endpoint without s3control", func(t *testing.T, e acctEnv) {
			e.ctl.SetFault("GetPublicAccessBlock", s3controlfake.Fault{Status: 501, Code: "NotImplemented"})
		}, securebucket.StatusUnknown, "could not be read", "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAcctEnv(t)
			tt.setup(t, e)
			r := securebucket.AuditAccountPublicAccessBlock(t.Context(), e.control, e.account)
			assert.Equal(t, securebucket.ControlAccountBPA, r.Control)
			assert.Equal(t, e.account, r.Resource)
			assert.Equal(t, "2.1.4", r.CIS)
			assert.Equal(t, tt.status, r.Status, r.Message)
			assert.Contains(t, r.Message, tt.msg)
			if tt.apiErr != "" {
				var ae smithy.APIError
				require.ErrorAs(t, r.Err, &ae)
				assert.Equal(t, tt.apiErr, ae.ErrorCode())
				var accErr *securebucket.AccountError
				assert.ErrorAs(t, r.Err, &accErr)
				assert.True(t, r.Blocking(), "UNKNOWN blocks")
			}
		})
	}

	r := securebucket.AuditAccountPublicAccessBlock(t.Context(), nil, "111122223333")
	assert.Equal(t, securebucket.StatusUnknown, r.Status, "no client: UNKNOWN, never PASS")
	r = securebucket.AuditAccountPublicAccessBlock(t.Context(), nil, "12345")
	assert.Equal(t, securebucket.StatusUnknown, r.Status)
	assert.ErrorIs(t, r.Err, securebucket.ErrInvalidAccountID)
}

func TestPlanApplyAccountPublicAccessBlock(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	e.publicPolicyBucket(t, "website")
	e.publicACLBucket(t, "downloads")
	// Public policy, but the bucket's own RestrictPublicBuckets already
	// neutralises it: not affected.
	e.publicPolicyBucket(t, "restricted")
	_, err := e.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("restricted"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	require.NoError(t, e.s3f.CreateBucket("private", s3fake.StateAWSDefault))
	require.NoError(t, e.s3f.CreateBucket("legacy-private", s3fake.StateLegacy))

	plan, err := securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"}, plan.TurnOn)
	assert.False(t, plan.Current.Configured)
	assert.Equal(t, 5, plan.BucketsChecked)
	require.Len(t, plan.PublicBuckets, 2, plan.String())
	assert.Equal(t, "downloads", plan.PublicBuckets[0].Bucket)
	assert.Contains(t, plan.PublicBuckets[0].Reasons[0], "ACL grants READ to AllUsers")
	assert.Equal(t, "website", plan.PublicBuckets[1].Bucket)
	assert.Contains(t, plan.PublicBuckets[1].Reasons[0], `"PublicRead"`)
	assert.Contains(t, plan.String(), "bucket website relies on public access")
	assert.Zero(t, e.ctl.Count("PutPublicAccessBlock"), "planning writes nothing")

	err = securebucket.ApplyAccountPublicAccessBlock(ctx, e.control, plan, nil)
	require.ErrorIs(t, err, securebucket.ErrBucketsRelyOnPublicAccess)
	var pbe *securebucket.PublicBucketsError
	require.ErrorAs(t, err, &pbe)
	assert.Len(t, pbe.Buckets, 2)
	assert.Contains(t, err.Error(), "downloads, website")
	assert.Zero(t, e.ctl.Count("PutPublicAccessBlock"), "refused before any write")
	assert.Nil(t, e.s3f.AccountPublicAccessBlock(e.account))

	// Danger: this cuts off the public website and downloads buckets.
	require.NoError(t, securebucket.ApplyAccountPublicAccessBlock(ctx, e.control, plan, &securebucket.AccountPublicAccessBlockOptions{AllowBlockingPublicBuckets: true}))
	got := e.s3f.AccountPublicAccessBlock(e.account)
	require.NotNil(t, got, "the S3 fake now holds the account settings")
	assert.Equal(t, s3fake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}, *got)
	assert.Equal(t, securebucket.StatusPass, securebucket.AuditAccountPublicAccessBlock(ctx, e.control, e.account).Status)

	// Second run: nothing to do, no bucket scanned, nothing written.
	gets := e.s3f.Count("GetBucketPolicy")
	plan, err = securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	assert.True(t, plan.NoChange(), plan.String())
	assert.Zero(t, plan.BucketsChecked)
	assert.Equal(t, gets, e.s3f.Count("GetBucketPolicy"))
	puts := e.ctl.Count("PutPublicAccessBlock")
	require.NoError(t, securebucket.ApplyAccountPublicAccessBlock(ctx, e.control, plan, nil))
	assert.Equal(t, puts, e.ctl.Count("PutPublicAccessBlock"))
}

func TestSetAccountPublicAccessBlockNoPublicBuckets(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("private", s3fake.StateAWSDefault))
	e.publicPolicyBucket(t, "policy-already-restricted")
	// Partly on already: the plan only turns on what is off, and only
	// inspects buckets for the settings that change (here: ACLs only).
	e.setAccountBPA(t, securebucket.PublicAccessBlockSettings{BlockPublicPolicy: true, RestrictPublicBuckets: true})
	plan, err := securebucket.SetAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"BlockPublicAcls", "IgnorePublicAcls"}, plan.TurnOn)
	assert.Empty(t, plan.PublicBuckets, "the public policy is already neutralised by the account's RestrictPublicBuckets")
	assert.True(t, e.s3f.AccountPublicAccessBlock(e.account).IgnorePublicAcls)
}

// TestPlanAccountPublicAccessBlockProgress: Progress is called once per
// inspected bucket, never concurrently, counting up to the total, with the
// error of a bucket that could not be checked.
func TestPlanAccountPublicAccessBlockProgress(t *testing.T) {
	e := newAcctEnv(t)
	for _, b := range []string{"p-a", "p-b", "p-c", "p-locked"} {
		require.NoError(t, e.s3f.CreateBucket(b, s3fake.StateLegacy))
	}
	e.s3f.SetAuthorizer(func(ctx context.Context, req *s3fake.AccessRequest) error {
		if req.Operation == "GetBucketPolicy" && req.Bucket == "p-locked" {
			return errors.New("denied")
		}
		return s3fake.OwnerOnlyAuthorize(ctx, req)
	})
	var calls []securebucket.Progress
	inside := false
	_, err := securebucket.PlanAccountPublicAccessBlock(t.Context(), e.control, e.s3, e.account, &securebucket.AccountPublicAccessBlockOptions{
		Concurrency: 4,
		Progress: func(p securebucket.Progress) {
			assert.False(t, inside, "called concurrently")
			inside = true
			calls = append(calls, p)
			time.Sleep(time.Millisecond)
			inside = false
		},
	})
	require.NoError(t, err)
	require.Len(t, calls, 4)
	var names []string
	for i, c := range calls {
		assert.Equal(t, i+1, c.Done)
		assert.Equal(t, 4, c.Total)
		names = append(names, c.Bucket)
		assert.Equal(t, c.Bucket == "p-locked", c.Err != nil, c.Bucket)
	}
	assert.ElementsMatch(t, []string{"p-a", "p-b", "p-c", "p-locked"}, names)
}

func TestPlanAccountPublicAccessBlockUncheckable(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("locked", s3fake.StateLegacy))
	e.s3f.SetAuthorizer(func(ctx context.Context, req *s3fake.AccessRequest) error {
		if req.Operation == "GetBucketPolicy" {
			return errors.New("denied")
		}
		return s3fake.OwnerOnlyAuthorize(ctx, req)
	})
	plan, err := securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	require.Len(t, plan.PublicBuckets, 1)
	assert.Error(t, plan.PublicBuckets[0].Err, "a bucket that cannot be checked may be public")
	assert.Contains(t, plan.String(), "could not be checked")
	err = securebucket.ApplyAccountPublicAccessBlock(ctx, e.control, plan, nil)
	assert.ErrorIs(t, err, securebucket.ErrBucketsRelyOnPublicAccess)
}

func TestPlanAccountPublicAccessBlockErrors(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	_, err := securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, "abc", nil)
	require.ErrorIs(t, err, securebucket.ErrInvalidAccountID)
	assert.Zero(t, e.ctl.Count("GetPublicAccessBlock"), "invalid input sends no request")
	_, err = securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, &securebucket.AccountPublicAccessBlockOptions{Concurrency: -1})
	require.ErrorIs(t, err, securebucket.ErrInvalidOptions)

	e.ctl.SetFault("GetPublicAccessBlock", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	_, err = securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	var accErr *securebucket.AccountError
	require.ErrorAs(t, err, &accErr)
	assert.Equal(t, "GetPublicAccessBlock", accErr.Operation)
	assert.True(t, strings.HasPrefix(err.Error(), "securebucket: account "+e.account+": GetPublicAccessBlock:"), err.Error())
	e.ctl.SetFault("GetPublicAccessBlock", s3controlfake.Fault{})

	e.s3f.InjectFault("ListBuckets", s3fake.Fault{StatusCode: 403, Code: "AccessDenied"})
	_, err = securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	require.ErrorAs(t, err, &accErr)
	assert.Equal(t, "ListBuckets", accErr.Operation)

	err = securebucket.ApplyAccountPublicAccessBlock(ctx, e.control, nil, nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
}

func TestAuditAccount(t *testing.T) {
	e := newAcctEnv(t)
	tr := newCtTrailEnv(t)
	ctx := t.Context()
	e.setAccountBPA(t, securebucket.AllPublicAccessBlocked())
	rs, err := securebucket.AuditAccount(ctx, e.control, tr.client, e.account, nil)
	require.NoError(t, err)
	var ids []string
	for _, r := range rs {
		ids = append(ids, string(r.Control)+"="+string(r.Status))
	}
	assert.Equal(t, []string{"S3.1=PASS", "S3.19=PASS", "S3.24=NOT_APPLICABLE", "S3.22=FAIL", "S3.23=FAIL"}, ids)
	for _, r := range rs {
		assert.Equal(t, e.account, r.Resource, "account-wide results name the account")
	}

	// No clients at all (an S3-compatible endpoint): UNKNOWN, never PASS.
	rs, err = securebucket.AuditAccount(ctx, nil, nil, e.account, nil)
	require.NoError(t, err)
	for _, r := range rs {
		assert.Equal(t, securebucket.StatusUnknown, r.Status, "%s: %s", r.Control, r.Message)
	}
	_, err = securebucket.AuditAccount(ctx, nil, nil, "1", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidAccountID)
}

// apiCodeOf returns the SDK API error code inside err, or "".
func apiCodeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// acctTarget is one implementation of S3, S3 Control and CloudTrail that
// the account conformance scenarios run against: the in-memory fakes, or
// moto_server.
type acctTarget struct {
	name    string
	account string
	region  string
	s3      *s3.Client
	control *s3control.Client
	trails  *cloudtrail.Client
	// s3f is the S3 fake, nil for moto.
	s3f *s3fake.Fake
	// ctf is the CloudTrail fake, nil for moto.
	ctf *cloudtrailfake.Server
	// createBucket makes a bucket in the legacy state (no BPA, ACLs on).
	createBucket func(t *testing.T, name string)
}

func acctFakeTarget(t *testing.T) *acctTarget {
	e := newAcctEnv(t)
	ct := cloudtrailfake.Start(t, &cloudtrailfake.Options{AccountID: e.account, Region: e.region()})
	return &acctTarget{name: "fakes", account: e.account, region: e.region(), s3: e.s3, control: e.control, trails: ct.Client(), s3f: e.s3f, ctf: ct.Server,
		createBucket: func(t *testing.T, name string) { require.NoError(t, e.s3f.CreateBucket(name, s3fake.StateLegacy)) }}
}

// acctMotoTarget points the real clients at one moto_server. moto serves
// CloudTrail and S3 on its one port, and routes s3control only by the Host
// header ACCOUNT.s3-control.REGION.amazonaws.com: the s3control client gets
// moto's loopback endpoint (so the audits, which refuse plain HTTP to any
// other host, run), a transport that dials moto's address for every host,
// and the Host header moto routes on.
//
// moto may be shared (S3SECURE_MOTO_ENDPOINT in CI) with other packages'
// tests that set the account's Block Public Access, so every request
// carries moto's x-moto-account-id header with an account of this run's
// own: its settings, buckets and trails are invisible to the others.
func acctMotoTarget(t *testing.T) *acctTarget {
	ep := conformance.StartMoto(t)
	u, err := url.Parse(ep)
	require.NoError(t, err)
	account := fmt.Sprintf("9%011d", time.Now().UnixNano()%100_000_000_000)
	region := "us-east-1"
	withAccount := func(c *http.Client) *http.Client {
		return &http.Client{Timeout: 30 * time.Second, Transport: acctHeaderTransport{account: account, next: c.Transport}}
	}
	creds := credentials.NewStaticCredentialsProvider("AKIAMOTOOWNER0000001", "moto-secret", "")
	s3c := s3fake.NewClient(ep, region, withAccount(&http.Client{Transport: http.DefaultTransport}), creds)
	control := s3controlfake.NewClient(ep, u.Host, region, func(o *s3control.Options) {
		c := withAccount(s3controlfake.LoopbackHTTPClient(u.Host))
		c.Transport = acctMotoHostTransport{suffix: ".s3-control." + region + ".amazonaws.com", loopback: "." + u.Host, next: c.Transport}
		o.HTTPClient = c
	})
	trails := cloudtrailfake.NewClient(ep, region, func(o *cloudtrail.Options) {
		o.HTTPClient = withAccount(&http.Client{Transport: http.DefaultTransport})
	})
	return &acctTarget{name: "moto", account: account, region: region, s3: s3c, control: control, trails: trails,
		createBucket: func(t *testing.T, name string) {
			_, err := s3c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)})
			require.NoError(t, err)
		}}
}

// acctHeaderTransport adds moto's x-moto-account-id header to every request.
type acctHeaderTransport struct {
	account string
	next    http.RoundTripper
}

func (a acctHeaderTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("x-moto-account-id", a.account)
	return a.next.RoundTrip(r)
}

// acctMotoHostTransport turns the Host ACCOUNT.<moto's address> into
// ACCOUNT.s3-control.REGION.amazonaws.com, which moto routes s3control on.
type acctMotoHostTransport struct {
	suffix, loopback string
	next             http.RoundTripper
}

func (a acctMotoHostTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = strings.TrimSuffix(r.URL.Host, a.loopback) + a.suffix
	return a.next.RoundTrip(r)
}

// TestAccountConformance runs the account-level scenarios against the
// fakes and, when available, moto_server (one instance for all scenarios,
// in an account of this run's own: moto keeps state, so names are unique
// and account Block Public Access is removed at the end of its scenario).
//
// Where moto and AWS differ, the scenarios follow AWS and skip the check on
// moto, saying why: moto grants every request (so "denied" cannot be
// provoked: UNKNOWN-on-denial is pinned on the fakes only), gives a new
// trail no event selectors (AWS gives it the default management selector),
// and answers GetAccessPointPolicyStatus with IsPublic true whatever the
// policy (the audit does not use it).
func TestAccountConformance(t *testing.T) {
	targets := []struct {
		name string
		mk   func(t *testing.T) *acctTarget
	}{{"fakes", acctFakeTarget}, {"moto", acctMotoTarget}}
	for _, tc := range targets {
		t.Run(tc.name, func(t *testing.T) {
			tgt := tc.mk(t)
			t.Run("account BPA", func(t *testing.T) { acctScenarioBPA(t, tgt) })
			t.Run("access points", func(t *testing.T) { acctScenarioAccessPoints(t, tgt) })
			t.Run("data events", func(t *testing.T) { acctScenarioDataEvents(t, tgt) })
			t.Run("denied reads are UNKNOWN", func(t *testing.T) { acctScenarioDenied(t, tgt) })
		})
	}
}

// acctUnique returns a name unique to this test run (moto keeps state).
func acctUnique(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1_000_000_000)
}

func acctScenarioBPA(t *testing.T, tgt *acctTarget) {
	ctx := t.Context()
	t.Cleanup(func() {
		_, _ = tgt.control.DeletePublicAccessBlock(context.Background(), &s3control.DeletePublicAccessBlockInput{AccountId: aws.String(tgt.account)})
	})
	r := securebucket.AuditAccountPublicAccessBlock(ctx, tgt.control, tgt.account)
	assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)

	site := acctUnique("site")
	tgt.createBucket(t, site)
	_, err := tgt.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(site), Policy: aws.String(strings.ReplaceAll(acctPublicReadPolicy, "%s", site))})
	require.NoError(t, err)

	plan, err := securebucket.PlanAccountPublicAccessBlock(ctx, tgt.control, tgt.s3, tgt.account, nil)
	require.NoError(t, err)
	assert.Len(t, plan.TurnOn, 4)
	var names []string
	for _, pb := range plan.PublicBuckets {
		names = append(names, pb.Bucket)
	}
	assert.Contains(t, names, site)
	require.ErrorIs(t, securebucket.ApplyAccountPublicAccessBlock(ctx, tgt.control, plan, nil), securebucket.ErrBucketsRelyOnPublicAccess)
	r = securebucket.AuditAccountPublicAccessBlock(ctx, tgt.control, tgt.account)
	assert.Equal(t, securebucket.StatusFail, r.Status, "refused apply changed nothing")

	require.NoError(t, securebucket.ApplyAccountPublicAccessBlock(ctx, tgt.control, plan, &securebucket.AccountPublicAccessBlockOptions{AllowBlockingPublicBuckets: true}))
	r = securebucket.AuditAccountPublicAccessBlock(ctx, tgt.control, tgt.account)
	assert.Equal(t, securebucket.StatusPass, r.Status, r.Message)
	plan, err = securebucket.PlanAccountPublicAccessBlock(ctx, tgt.control, tgt.s3, tgt.account, nil)
	require.NoError(t, err)
	assert.True(t, plan.NoChange())
}

func acctScenarioAccessPoints(t *testing.T, tgt *acctTarget) {
	ctx := t.Context()
	bucket := acctUnique("apdata")
	tgt.createBucket(t, bucket)
	name := acctUnique("app")
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-0abc123", Principal: "arn:aws:iam::" + tgt.account + ":role/app", Prefix: "in/"}
	res, err := securebucket.CreateAccessPoint(ctx, tgt.control, tgt.s3, tgt.account, tgt.region, bucket, name, opts)
	require.NoError(t, err)
	assert.True(t, res.Created)
	assert.Equal(t, securebucket.AccessPointARN(tgt.region, tgt.account, name), res.ARN)

	res, err = securebucket.CreateAccessPoint(ctx, tgt.control, tgt.s3, tgt.account, tgt.region, bucket, name, opts)
	require.NoError(t, err)
	assert.False(t, res.Created || res.PolicyChanged || res.BucketPolicyChanged, "second call changes nothing")

	out, err := tgt.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(out.Policy), "s3:DataAccessPointAccount")

	_, err = securebucket.CreateAccessPoint(ctx, tgt.control, tgt.s3, tgt.account, tgt.region, bucket, name, &securebucket.AccessPointOptions{AllowInternetOrigin: true})
	assert.ErrorIs(t, err, securebucket.ErrAccessPointMismatch, "the network origin cannot change")

	rs, err := securebucket.AuditAccessPoints(ctx, tgt.control, tgt.account, &securebucket.AccessPointAuditOptions{Bucket: bucket})
	require.NoError(t, err)
	require.Len(t, rs, 3)
	for _, r := range rs {
		assert.Equal(t, securebucket.StatusPass, r.Status, "%s: %s", r.Control, r.Message)
	}
}

func acctScenarioDataEvents(t *testing.T, tgt *acctTarget) {
	ctx := t.Context()
	logs := acctUnique("trail-logs")
	tgt.createBucket(t, logs) // moto requires the log bucket to exist
	trail := acctUnique("main")
	_, err := tgt.trails.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(trail), S3BucketName: aws.String(logs), IsMultiRegionTrail: aws.Bool(true)})
	require.NoError(t, err)
	t.Cleanup(func() {
		_, _ = tgt.trails.DeleteTrail(context.Background(), &cloudtrail.DeleteTrailInput{Name: aws.String(trail)})
	})
	_, err = tgt.trails.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(trail)})
	require.NoError(t, err)

	data := acctUnique("data")
	rs, err := securebucket.AuditDataEvents(ctx, tgt.trails, &securebucket.DataEventsAuditOptions{Bucket: data})
	require.NoError(t, err)
	assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusFail, "S3.23": securebucket.StatusFail}, acctStatuses(rs))

	plan, err := securebucket.PlanDataEvents(ctx, tgt.trails, trail, &securebucket.DataEventsOptions{Buckets: []string{data}})
	require.NoError(t, err)
	require.False(t, plan.NoChange())
	require.NoError(t, securebucket.ApplyDataEvents(ctx, tgt.trails, plan))
	rs, err = securebucket.AuditDataEvents(ctx, tgt.trails, &securebucket.DataEventsAuditOptions{Bucket: data})
	require.NoError(t, err)
	assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}, acctStatuses(rs))

	plan, err = securebucket.PlanDataEvents(ctx, tgt.trails, trail, &securebucket.DataEventsOptions{Buckets: []string{data}})
	require.NoError(t, err)
	assert.True(t, plan.NoChange(), plan.String())

	_, err = tgt.trails.StopLogging(ctx, &cloudtrail.StopLoggingInput{Name: aws.String(trail)})
	require.NoError(t, err)
	rs, err = securebucket.AuditDataEvents(ctx, tgt.trails, &securebucket.DataEventsAuditOptions{Bucket: data})
	require.NoError(t, err)
	assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusFail, "S3.23": securebucket.StatusFail}, acctStatuses(rs), "a trail that is not logging does not count")
}

func acctScenarioDenied(t *testing.T, tgt *acctTarget) {
	if tgt.s3f == nil {
		t.Skip("moto grants every request, so a denied read cannot be provoked; pinned on the fakes")
	}
	// Deny S3 Control with an unsigned client (S3 Control answers 403
	// AccessDenied), and CloudTrail with the AccessDeniedException it
	// answers a caller without cloudtrail:DescribeTrails.
	anonCtl := s3controlfake.NewClient(aws.ToString(tgt.control.Options().BaseEndpoint), acctHost(t, tgt.control), tgt.region, func(o *s3control.Options) { o.Credentials = aws.AnonymousCredentials{} })
	tgt.ctf.SetFault("DescribeTrails", cloudtrailfake.Fault{Status: http.StatusBadRequest, Code: "AccessDeniedException",
		Message: "User is not authorized to perform: cloudtrail:DescribeTrails"})
	t.Cleanup(func() { tgt.ctf.SetFault("DescribeTrails", cloudtrailfake.Fault{}) })
	rs, err := securebucket.AuditAccount(t.Context(), anonCtl, tgt.trails, tgt.account, nil)
	require.NoError(t, err)
	require.NotEmpty(t, rs)
	for _, r := range rs {
		assert.Equal(t, securebucket.StatusUnknown, r.Status, "%s: %s", r.Control, r.Message)
		assert.Error(t, r.Err)
	}

	// An unsigned CloudTrail request is refused as a setup problem
	// (MissingAuthenticationTokenException: no credentials at all): one
	// error, not UNKNOWN results that all fail the same way. Before, it
	// gave two UNKNOWN results and no error.
	anonCT := cloudtrailfake.NewClient(aws.ToString(tgt.trails.Options().BaseEndpoint), tgt.region, func(o *cloudtrail.Options) { o.Credentials = aws.AnonymousCredentials{} })
	rs, err = securebucket.AuditAccount(t.Context(), tgt.control, anonCT, tgt.account, nil)
	assert.Nil(t, rs)
	var te *securebucket.TrailError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "DescribeTrails", te.Operation)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "MissingAuthenticationTokenException", ae.ErrorCode())
}

// acctHost returns host:port of the client's BaseEndpoint.
func acctHost(t *testing.T, c *s3control.Client) string {
	u, err := url.Parse(aws.ToString(c.Options().BaseEndpoint))
	require.NoError(t, err)
	return u.Host
}

func TestAccountNilClientsDoNotPanic(t *testing.T) {
	var ctl *s3control.Client
	var ct *cloudtrail.Client
	var s3c *s3.Client
	rs, err := securebucket.AuditAccount(t.Context(), ctl, ct, "111122223333", nil)
	require.NoError(t, err)
	for _, r := range rs {
		assert.Equal(t, securebucket.StatusUnknown, r.Status, string(r.Control))
	}
	_, err = securebucket.PlanAccountPublicAccessBlock(t.Context(), ctl, s3c, "111122223333", nil)
	assert.Error(t, err)
	_, err = securebucket.CreateAccessPoint(t.Context(), ctl, s3c, "111122223333", "us-east-1", "data", "app", &securebucket.AccessPointOptions{VPCID: "vpc-1"})
	assert.Error(t, err)
	_, err = securebucket.PlanDataEvents(t.Context(), ct, "main", nil)
	assert.Error(t, err)
}

func TestAccountDefaults(t *testing.T) {
	assert.Equal(t, 16, securebucket.DefaultAccountScanConcurrency)
	assert.Equal(t, securebucket.PublicAccessBlockSettings{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}, securebucket.AllPublicAccessBlocked())
	assert.Equal(t, "S3SecureAccessPoint", securebucket.AccessPointSidPrefix)
	assert.Equal(t, "S3SecureDataEvents", securebucket.DataEventsSelectorName)
	// The zero options are the safe ones.
	assert.False(t, securebucket.AccountPublicAccessBlockOptions{}.AllowBlockingPublicBuckets)
	assert.False(t, securebucket.AccessPointOptions{}.AllowInternetOrigin)
	assert.False(t, securebucket.DataEventsOptions{}.AllowWriteOnly)
}

// BenchmarkPlanAccountPublicAccessBlock scans 100 legacy buckets (three
// S3 reads each, with 2 ms of injected latency per read, and a listing of
// their access points), one bucket at a time (the obvious loop) and with
// the default concurrency.
func BenchmarkPlanAccountPublicAccessBlock(b *testing.B) {
	const buckets, latency = 100, 2 * time.Millisecond
	for _, conc := range []int{1, securebucket.DefaultAccountScanConcurrency} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			s3f := s3fake.Start(b, nil)
			ctl := s3controlfake.Start(b, &s3controlfake.Options{S3: s3f.Server})
			for i := range buckets {
				require.NoError(b, s3f.CreateBucket(fmt.Sprintf("bucket-%03d", i), s3fake.StateLegacy))
			}
			for _, op := range []string{"GetPublicAccessBlock", "GetBucketPolicy", "GetBucketAcl"} {
				s3f.InjectFault(op, s3fake.Fault{Latency: latency})
			}
			s3c, control := s3f.OwnerClient(), ctl.Client()
			opts := &securebucket.AccountPublicAccessBlockOptions{Concurrency: conc}
			before := s3f.Count("GetBucketAcl") + s3f.Count("GetBucketPolicy") + s3f.Count("GetPublicAccessBlock")
			n := 0
			for b.Loop() {
				plan, err := securebucket.PlanAccountPublicAccessBlock(context.Background(), control, s3c, s3f.AccountID(), opts)
				if err != nil || plan.BucketsChecked != buckets {
					b.Fatalf("plan: %v", err)
				}
				n++
			}
			reads := s3f.Count("GetBucketAcl") + s3f.Count("GetBucketPolicy") + s3f.Count("GetPublicAccessBlock") - before
			b.ReportMetric(float64(reads)/float64(n*buckets), "reads/bucket")
		})
	}
}

// TestAuditAccountBucketOfAnotherRegion: access points live in their
// bucket's Region and S3 Control lists those of the Region it is asked in.
// Audited with an S3 Control client of another Region than the bucket's,
// the bucket's S3.19 is UNKNOWN (AWS refuses the listing: "Amazon S3
// AccessPoint can only be listed for bucket in the same region"), never a
// PASS saying the bucket has no access points while it has a public one.
func TestAuditAccountBucketOfAnotherRegion(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	e.setAccountBPA(t, securebucket.AllPublicAccessBlocked())
	require.NoError(t, e.s3f.CreateBucket("far-bucket", s3fake.StateLegacy))
	_, err := e.control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(e.account), Name: aws.String("open-ap"),
		Bucket: aws.String("far-bucket"), PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}})
	require.NoError(t, err)
	other := "ap-southeast-2"
	require.NotEqual(t, other, e.region())
	far := s3control.New(e.control.Options(), func(o *s3control.Options) { o.Region = other })

	rs, err := securebucket.AuditAccessPoints(ctx, far, e.account, &securebucket.AccessPointAuditOptions{Bucket: "far-bucket"})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.ControlAccessPointBPA, rs[0].Control)
	assert.Equal(t, securebucket.StatusUnknown, rs[0].Status, rs[0].Message)
	assert.Contains(t, rs[0].Message, "can only be listed for bucket in the same region")

	// In the bucket's Region, the access point is found and fails.
	rs, err = securebucket.AuditAccessPoints(ctx, e.control, e.account, &securebucket.AccessPointAuditOptions{Bucket: "far-bucket"})
	require.NoError(t, err)
	require.NotEmpty(t, rs)
	assert.Equal(t, securebucket.StatusFail, rs[0].Status, rs[0].Message)
}

// accessPoint creates access point name on bucket with network origin
// Internet (vpc "") or VPC, bpa as its Block Public Access, and policy (if
// not "", %s standing for its ARN).
func (e acctEnv) accessPoint(t *testing.T, bucket, name, vpc string, bpa securebucket.PublicAccessBlockSettings, pol string) string {
	t.Helper()
	in := &s3control.CreateAccessPointInput{AccountId: aws.String(e.account), Name: aws.String(name), Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(bpa.BlockPublicAcls),
			IgnorePublicAcls: aws.Bool(bpa.IgnorePublicAcls), BlockPublicPolicy: aws.Bool(bpa.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(bpa.RestrictPublicBuckets)}}
	if vpc != "" {
		in.VpcConfiguration = &s3ctltypes.VpcConfiguration{VpcId: aws.String(vpc)}
	}
	out, err := e.control.CreateAccessPoint(t.Context(), in)
	require.NoError(t, err)
	arn := aws.ToString(out.AccessPointArn)
	if pol != "" {
		_, err = e.control.PutAccessPointPolicy(t.Context(), &s3control.PutAccessPointPolicyInput{AccountId: aws.String(e.account), Name: aws.String(name),
			Policy: aws.String(strings.ReplaceAll(pol, "%s", arn))})
		require.NoError(t, err)
	}
	return arn
}

// planNamesOneAccessPoint plans account Block Public Access and checks
// that it names bucket alone, for the access point arn whose policy
// statement sid is public, and that Apply refuses it.
func (e acctEnv) planNamesOneAccessPoint(t *testing.T, bucket, arn, sid string) {
	t.Helper()
	plan, err := securebucket.PlanAccountPublicAccessBlock(t.Context(), e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	require.Len(t, plan.PublicBuckets, 1, plan.String())
	pb := plan.PublicBuckets[0]
	assert.Equal(t, bucket, pb.Bucket)
	require.NoError(t, pb.Err)
	assert.Equal(t, []string{arn}, pb.AccessPoints)
	require.Len(t, pb.Reasons, 1)
	assert.Contains(t, pb.Reasons[0], arn)
	assert.Contains(t, pb.Reasons[0], sid)
	assert.Contains(t, plan.String(), arn)
	err = securebucket.ApplyAccountPublicAccessBlock(t.Context(), e.control, plan, nil)
	require.ErrorIs(t, err, securebucket.ErrBucketsRelyOnPublicAccess)
	assert.Zero(t, e.ctl.Count("PutPublicAccessBlock"))
}

// apPublicRead lets any AWS principal read through the access point.
const apPublicRead = `{"Version":"2012-10-17","Statement":[{"Sid":"PartnersRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/object/*"}]}`

// TestPlanAccountPublicAccessBlockNamesAccessPoints: an access point of
// one of the account's buckets whose policy is public (network origin
// Internet, its own RestrictPublicBuckets off) is reachable from other
// accounts through it today, and account RestrictPublicBuckets cuts that
// off: "For any request made through an access point, Amazon S3 evaluates
// the block public access settings for that access point, the underlying
// bucket, and the bucket owner's account" (S3 user guide, Managing public
// access to access points for general purpose buckets), and
// RestrictPublicBuckets restricts "access to an access point or S3 bucket
// that has a public policy to only AWS service principals and authorized
// users within the S3 bucket owner's account" (Security Hub API,
// AwsS3AccountPublicAccessBlockDetails). The plan named only buckets whose
// own policy or ACL is public, so its "nothing relies on public access"
// let Apply cut off such an access point unannounced; the bucket is now
// listed with the access point named (PublicBucket.AccessPoints and
// a reason), and Apply refuses by default. A VPC access point (never
// public), one with RestrictPublicBuckets on, one without a policy or
// with a policy that is not public, and one of a bucket whose own
// RestrictPublicBuckets is on, are not affected. An access point listing
// that fails leaves the bucket "could not be checked".
func TestPlanAccountPublicAccessBlockNamesAccessPoints(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	off := securebucket.PublicAccessBlockSettings{}
	for _, b := range []string{"shared", "quiet", "restricted"} {
		require.NoError(t, e.s3f.CreateBucket(b, s3fake.StateLegacy))
		_, err := securebucket.DelegateToAccessPoints(ctx, e.s3, b, e.account)
		require.NoError(t, err)
	}
	partners := e.accessPoint(t, "shared", "partners", "", off, apPublicRead)
	e.accessPoint(t, "shared", "in-vpc", "vpc-0abc123", off, apPublicRead)
	e.accessPoint(t, "shared", "restricted-ap", "", securebucket.PublicAccessBlockSettings{RestrictPublicBuckets: true}, apPublicRead)
	e.accessPoint(t, "shared", "no-policy", "", off, "")
	e.accessPoint(t, "quiet", "own-account", "", off,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+e.account+`:root"},"Action":"s3:GetObject","Resource":"%s/object/*"}]}`)
	e.accessPoint(t, "restricted", "behind-bucket", "", off, apPublicRead)
	_, err := e.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("restricted"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)

	e.planNamesOneAccessPoint(t, "shared", partners, `"PartnersRead"`)

	// Already restricted at account level: no access point is affected,
	// none is read.
	e.setAccountBPA(t, securebucket.PublicAccessBlockSettings{RestrictPublicBuckets: true})
	lists := e.ctl.Count("ListAccessPoints")
	plan, err := securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	assert.Empty(t, plan.PublicBuckets, plan.String())
	assert.Equal(t, lists, e.ctl.Count("ListAccessPoints"))

	// The access points cannot be listed: the bucket may rely on them.
	e.setAccountBPA(t, off)
	e.ctl.SetFault("ListAccessPoints", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	plan, err = securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	var names []string
	for _, pb := range plan.PublicBuckets {
		names = append(names, pb.Bucket)
		assert.ErrorContains(t, pb.Err, "AccessDenied")
	}
	assert.Equal(t, []string{"quiet", "shared"}, names, "the buckets whose RestrictPublicBuckets is off")
}
