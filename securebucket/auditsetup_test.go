package securebucket_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// requireSetupStepError checks that err is Audit's answer to a setup
// problem: a *StepError for bucket at StepAudit, wrapping the SDK error
// (code, when not "", reachable with errors.As).
func requireSetupStepError(t *testing.T, err error, bucket, code string) {
	t.Helper()
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, bucket, se.Bucket)
	assert.Equal(t, securebucket.StepAudit, se.Step)
	if code != "" {
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, code, ae.ErrorCode())
	}
}

// TestAuditSetupProblem: a read that meets a setup problem (credentials S3
// refuses, an expired session, a refused connection, a certificate the
// client does not trust) makes Audit stop at
// that first read and return a *StepError wrapping it, not a Report whose
// every row is UNKNOWN with a nil error (as before: eleven UNKNOWN rows,
// one failed request each).
func TestAuditSetupProblem(t *testing.T) {
	f := s3fake.Start(t, nil)
	bucketIn(t, f, "setup-audit", s3fake.StateLegacy)
	expired := f.AddRoleUntil("", "auditor", "s1", f.Now().Add(time.Hour))
	closedPort := refusedAddr(t)
	tlsFake := s3fake.StartTLS(t, nil)

	for _, tc := range []struct {
		name   string
		client func() *s3.Client
		code   string
	}{
		{"access key S3 does not know", func() *s3.Client {
			return f.Client(s3fake.Credential{AccessKeyID: "AKIAUNKNOWNKEY000001", SecretAccessKey: "secret"})
		}, "InvalidAccessKeyId"},
		{"expired session", func() *s3.Client {
			f.Advance(2 * time.Hour)
			t.Cleanup(func() { f.Advance(-2 * time.Hour) })
			return f.Client(expired, s3fake.SignWithClock(f.Server))
		}, "ExpiredToken"},
		{"refused connection", func() *s3.Client {
			return s3fake.NewClient("http://"+closedPort, "us-east-1", nil, credentials.NewStaticCredentialsProvider("AKIAEXAMPLE000000001", "secret", ""))
		}, ""},
		{"untrusted certificate", func() *s3.Client {
			owner := tlsFake.OwnerCredential()
			return s3fake.NewClient(tlsFake.URL, "us-east-1", &http.Client{Transport: &http.Transport{Proxy: nil}},
				credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, ""))
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.client()
			f.ResetCounts()
			rep, err := securebucket.Audit(t.Context(), c, "setup-audit", &securebucket.AuditOptions{Retry: fastRetry, Controls: securebucket.AllControls()})
			assert.Nil(t, rep, "no report of UNKNOWN rows")
			requireSetupStepError(t, err, "setup-audit", tc.code)
			switch tc.name {
			case "refused connection":
				assert.ErrorIs(t, err, syscall.ECONNREFUSED)
			case "untrusted certificate":
				var ua x509.UnknownAuthorityError
				var ve *tls.CertificateVerificationError
				assert.True(t, errors.As(err, &ua) || errors.As(err, &ve), "%v", err)
			default:
				assert.Equal(t, 1, f.TotalCount(), "stopped at the first read: %v", f.Counts())
			}
		})
	}
}

// TestAuditAccessDeniedIsNotSetup: a read S3 refuses with AccessDenied is
// not a setup problem: the controls that need it are UNKNOWN, the others
// are judged, and Audit returns no error.
func TestAuditAccessDeniedIsNotSetup(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "denied-read", s3fake.StateAWSDefault)
	f.InjectFault("GetBucketPolicy", s3fake.Fault{StatusCode: http.StatusForbidden, Code: "AccessDenied"})
	rep, err := securebucket.Audit(t.Context(), c, "denied-read", &securebucket.AuditOptions{Retry: fastRetry})
	require.NoError(t, err)
	r, ok := rep.Result(securebucket.ControlTLSOnly)
	require.True(t, ok)
	assert.Equal(t, securebucket.StatusUnknown, r.Status, r.Message)
	assert.Equal(t, "AccessDenied", errorCodeOf(r.Err))
	r, ok = rep.Result(securebucket.ControlBucketBPA)
	require.True(t, ok)
	assert.Equal(t, securebucket.StatusPass, r.Status, "a read that worked is judged: %s", r.Message)
}

func errorCodeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestAuditAllStopsAtSetupProblem: credentials that expire during AuditAll
// stop the run at the first bucket that meets the expiry. With one bucket
// at a time and the session expiring after the second bucket, the third
// is the last one started (before, all eight were, each failing the same
// way, and AuditAll returned no error); the two finished reports come back
// with the third bucket's *StepError (ExpiredToken).
func TestAuditAllStopsAtSetupProblem(t *testing.T) {
	f := s3fake.Start(t, nil)
	for i := range 8 {
		bucketIn(t, f, fmt.Sprintf("expiry-%d", i), s3fake.StateAWSDefault)
	}
	session := f.AddRoleUntil("", "auditor", "run", f.Now().Add(time.Hour))
	c := f.Client(session, s3fake.SignWithClock(f.Server))
	var progress []securebucket.Progress
	ao := &securebucket.AuditOptions{Retry: fastRetry, Concurrency: 1, Progress: func(p securebucket.Progress) {
		progress = append(progress, p)
		if p.Done == 2 {
			f.Advance(2 * time.Hour) // the session expires
		}
	}}
	fleet, err := securebucket.AuditAll(t.Context(), c, ao)
	requireSetupStepError(t, err, "expiry-2", "ExpiredToken")
	require.NotNil(t, fleet)
	require.Len(t, fleet.Buckets, 2, "the reports finished before the expiry")
	for i, rep := range fleet.Buckets {
		assert.Equal(t, fmt.Sprintf("expiry-%d", i), rep.Bucket)
		assert.NoError(t, rep.Err)
		assert.NotEmpty(t, rep.Results)
		for _, r := range rep.Results {
			assert.NotEqual(t, securebucket.StatusUnknown, r.Status, "read before the expiry: %s %s: %s", rep.Bucket, r.Control, r.Message)
		}
	}
	assert.Equal(t, 3, f.Count("GetBucketPolicy"), "buckets started (the policy is each bucket's first read)")
	require.Len(t, progress, 3, "progress for every bucket started")
	assert.Equal(t, "expiry-2", progress[2].Bucket)
	assert.ErrorIs(t, progress[2].Err, err)
}

// revokeAfter is a transport that deletes the access key from the fake once
// the Nth GetBucketPolicy response (each bucket's first read) has come
// back: every later request gets 403 InvalidAccessKeyId.
type revokeAfter struct {
	f    *s3fake.Fake
	key  string
	n    int32
	seen atomic.Int32
	next http.RoundTripper
}

func (e *revokeAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := e.next.RoundTrip(r)
	if _, ok := r.URL.Query()["policy"]; ok && r.Method == http.MethodGet && e.seen.Add(1) == e.n {
		e.f.RemoveCredential(e.key)
	}
	return resp, err
}

// TestAuditAllStopsAtSetupProblemConcurrently: with four buckets at a
// time, an access key deleted after the fifth bucket has started stops
// the run: at most the three buckets in flight start besides, never the
// other twelve (before, all twenty were started), and every report
// returned was finished with the key still valid.
func TestAuditAllStopsAtSetupProblemConcurrently(t *testing.T) {
	f := s3fake.Start(t, nil)
	for i := range 20 {
		bucketIn(t, f, fmt.Sprintf("revoke-%02d", i), s3fake.StateAWSDefault)
	}
	user := f.AddUser("", "auditor")
	c := f.Client(user, func(o *s3.Options) {
		o.HTTPClient = &http.Client{Transport: &revokeAfter{f: f, key: user.AccessKeyID, n: 5, next: f.HTTPClient().Transport}}
	})
	var mu sync.Mutex
	started := 0
	fleet, err := securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{Retry: fastRetry, Concurrency: 4,
		Progress: func(securebucket.Progress) { mu.Lock(); started++; mu.Unlock() }})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "InvalidAccessKeyId", ae.ErrorCode())
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepAudit, se.Step)
	require.NotNil(t, fleet)
	n := f.Count("GetBucketPolicy")
	assert.GreaterOrEqual(t, n, 5)
	assert.LessOrEqual(t, started, 5+3, "buckets started")
	assert.LessOrEqual(t, n, started, "progress for every bucket started (one cancelled before its first request has none)")
	assert.Less(t, len(fleet.Buckets), n, "the bucket that met the problem has no report")
	for _, rep := range fleet.Buckets {
		assert.NoError(t, rep.Err, rep.Bucket)
		assert.NotEqual(t, se.Bucket, rep.Bucket)
		for _, r := range rep.Results {
			assert.NotEqual(t, securebucket.StatusUnknown, r.Status, "%s %s: %s", rep.Bucket, r.Control, r.Message)
		}
	}
}

// TestAuditAccountLevelSetupProblem: the account-level reads stop at a
// setup problem too and return it, typed, instead of UNKNOWN results:
// Audit and AuditAll with AccountControl, AuditAccessPoints and
// AuditAccount (S3 Control credentials the endpoint does not know: 403
// InvalidAccessKeyId), and AuditAccount over a refused connection. An
// AccessDenied answer still gives UNKNOWN (TestAccountConformance's
// "denied reads are UNKNOWN").
func TestAuditAccountLevelSetupProblem(t *testing.T) {
	ctx := t.Context()
	e := newAcctEnv(t)
	bucketIn(t, e.s3f, "acct-setup", s3fake.StateAWSDefault)
	unknownKey := e.ctl.Client(func(o *s3control.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIAUNKNOWNKEY000001", "secret", "")
	})
	requireAccountError := func(t *testing.T, err error, op string) {
		t.Helper()
		var ae *securebucket.AccountError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, e.account, ae.AccountID)
		assert.Equal(t, op, ae.Operation)
		var api smithy.APIError
		require.ErrorAs(t, err, &api)
		assert.Equal(t, "InvalidAccessKeyId", api.ErrorCode())
	}

	ao := &securebucket.AuditOptions{AccountID: e.account, AccountControl: unknownKey, Retry: fastRetry}
	e.s3f.ResetCounts()
	rep, err := securebucket.Audit(ctx, e.s3, "acct-setup", ao)
	assert.Nil(t, rep)
	requireAccountError(t, err, "GetPublicAccessBlock")
	assert.Zero(t, e.s3f.TotalCount(), "no bucket read after the account read met the problem")

	fleet, err := securebucket.AuditAll(ctx, e.s3, ao)
	assert.Nil(t, fleet)
	requireAccountError(t, err, "GetPublicAccessBlock")
	assert.Zero(t, e.s3f.Count("GetBucketPolicy"), "no bucket started")

	rs, err := securebucket.AuditAccessPoints(ctx, unknownKey, e.account, nil)
	assert.Nil(t, rs)
	requireAccountError(t, err, "ListAccessPoints")

	rs, err = securebucket.AuditAccount(ctx, unknownKey, nil, e.account, nil)
	assert.Nil(t, rs)
	requireAccountError(t, err, "GetPublicAccessBlock")

	addr := refusedAddr(t)
	refused := s3controlfake.NewClient("http://"+addr, addr, "us-east-1")
	rs, err = securebucket.AuditAccount(ctx, refused, nil, e.account, nil)
	assert.Nil(t, rs)
	var ae *securebucket.AccountError
	require.ErrorAs(t, err, &ae)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
}

// TestHardenStopsAtSetupProblem: Harden's plan (and Plan, and Create's
// hardening) stops at the first read that meets a setup problem, as the
// audit does, and names the first step that needs that read; before, it
// read every part (each once, all failing alike) and then returned the
// first step's error.
func TestHardenStopsAtSetupProblem(t *testing.T) {
	f := s3fake.Start(t, nil)
	bucketIn(t, f, "setup-harden", s3fake.StateLegacy)
	expired := f.AddRoleUntil("", "hardener", "s1", f.Now().Add(time.Hour))
	f.Advance(2 * time.Hour)
	c := f.Client(expired, s3fake.SignWithClock(f.Server))
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "setup-logs"}
	for name, run := range map[string]func() error{
		"Harden": func() error { _, err := securebucket.Harden(t.Context(), c, "setup-harden", o); return err },
		"Plan":   func() error { _, err := securebucket.Plan(t.Context(), c, "setup-harden", o); return err },
	} {
		t.Run(name, func(t *testing.T) {
			f.ResetCounts()
			err := run()
			var se *securebucket.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "setup-harden", se.Bucket)
			assert.Equal(t, securebucket.StepPolicy, se.Step, "the first step that needs the read that failed (the bucket policy, read first)")
			var ae smithy.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "ExpiredToken", ae.ErrorCode())
			assert.Equal(t, 1, f.TotalCount(), "stopped at the first read: %v", f.Counts())
			assert.Zero(t, f.WriteCount())
		})
	}
	t.Run("refused connection", func(t *testing.T) {
		c := s3fake.NewClient("https://"+refusedAddr(t), "us-east-1", nil, credentials.NewStaticCredentialsProvider("AKIAEXAMPLE000000001", "secret", ""))
		_, err := securebucket.Harden(t.Context(), c, "setup-harden", o)
		var se *securebucket.StepError
		require.ErrorAs(t, err, &se)
		assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	})
}

// attemptCounter counts every HTTP request an SDK client sends, the SDK's
// own retries included (the fake counts operations, not resends).
type attemptCounter struct {
	n    *atomic.Int32
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
}

func (c attemptCounter) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(r)
}

// TestAuditClockSkew: S3's clock is an hour ahead of this machine's, and
// the client is configured as s3.NewFromConfig's is (the SDK's standard
// retryer). S3 refuses the first request as RequestTimeTooSkewed with its
// own time in Date; the SDK retries it signed with that time, and signs
// every later request so: the report is the one a right clock gets, one
// request more. When S3 refuses the corrected request too, every read
// would be refused alike: Audit stops with one *StepError after those two
// requests, not a report of UNKNOWN rows (as before: every row UNKNOWN,
// RequestTimeTooSkewed).
func TestAuditClockSkew(t *testing.T) {
	ao := &securebucket.AuditOptions{Retry: fastRetry, Controls: securebucket.AllControls()}
	f := s3fake.Start(t, nil)
	bucketIn(t, f, "skewed", s3fake.StateLegacy)
	want, err := securebucket.Audit(t.Context(), f.OwnerClient(), "skewed", ao)
	require.NoError(t, err)

	for _, refuseAll := range []bool{false, true} {
		t.Run(fmt.Sprintf("refused after correction=%v", refuseAll), func(t *testing.T) {
			f.Advance(time.Hour)
			t.Cleanup(func() { f.Advance(-time.Hour) })
			if refuseAll {
				f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: "RequestTimeTooSkewed", StatusCode: http.StatusForbidden})
				t.Cleanup(f.ClearFaults)
			}
			var attempts atomic.Int32
			c := f.Client(f.OwnerCredential(), func(o *s3.Options) {
				o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
					so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				})
				o.HTTPClient = attemptCounter{n: &attempts, next: o.HTTPClient}
			})
			f.ResetCounts()
			rep, err := securebucket.Audit(t.Context(), c, "skewed", ao)
			if refuseAll {
				assert.Nil(t, rep, "no report of UNKNOWN rows")
				requireSetupStepError(t, err, "skewed", "RequestTimeTooSkewed")
				assert.Equal(t, int32(2), attempts.Load(), "the first request and the SDK's corrected retry")
				return
			}
			require.NoError(t, err)
			require.Len(t, rep.Results, len(want.Results))
			for i, r := range rep.Results {
				assert.Equal(t, want.Results[i].Control, r.Control)
				assert.Equal(t, want.Results[i].Status, r.Status, "%s: %s", r.Control, r.Message)
			}
			assert.Equal(t, int32(f.TotalCount()+1), attempts.Load(), "one refusal, then every read once: %v", f.Counts())
		})
	}
}
