package organization_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

// sessions records, per account, the role session names of the requests
// signed with assumed-role credentials.
type sessions struct {
	next aws.HTTPClient
	f    *fixture
	mu   sync.Mutex
	seen map[string]map[string]bool
}

func (s *sessions) Do(req *http.Request) (*http.Response, error) {
	if sc := strings.SplitN(req.Header.Get("Authorization"), "Credential=", 2); len(sc) == 2 {
		key, _, _ := strings.Cut(sc[1], "/")
		if c, ok := s.f.srv.Identity(key); ok && c.Principal.Type == s3fake.AssumedRole {
			s.mu.Lock()
			if s.seen[c.Principal.AccountID] == nil {
				s.seen[c.Principal.AccountID] = map[string]bool{}
			}
			s.seen[c.Principal.AccountID][c.Principal.SessionName] = true
			s.mu.Unlock()
		}
	}
	return s.next.Do(req)
}

// TestSessionNameIdentifiesS3Secure: the member accounts see the audit's
// requests made by a role session named DefaultSessionName (CloudTrail
// shows it), or Options.SessionName when set.
func TestSessionNameIdentifiesS3Secure(t *testing.T) {
	for _, name := range []string{"", "security-team-audit"} {
		f := newFixture(t, 0)
		rec := &sessions{next: f.cfg.HTTPClient, f: f, seen: map[string]map[string]bool{}}
		f.cfg.HTTPClient = rec
		_, _, err := f.audit(t.Context(), &organization.Options{Role: role, SessionName: name})
		require.NoError(t, err)
		want := name
		if want == "" {
			want = organization.DefaultSessionName
		}
		for _, id := range []string{acctGood, acctBusy} {
			assert.Equal(t, map[string]bool{want: true}, rec.seen[id], "account %s", id)
		}
	}
}

// TestThrottlingCodes: each of the throttling answers the issue names
// (S3's 503 SlowDown, the 400 Throttling of query services, and HTTP 429
// TooManyRequests) pauses the account and is retried: an account that
// throttles twice is audited in full, nothing UNKNOWN.
func TestThrottlingCodes(t *testing.T) {
	for _, fault := range []fakeutil.Fault{
		{Status: 503, Code: "SlowDown", Times: 2},
		{Status: 400, Code: "Throttling", Message: "Rate exceeded", Times: 2},
		{Status: 429, Code: "TooManyRequests", Times: 2},
	} {
		t.Run(fault.Code, func(t *testing.T) {
			f := newFixture(t, 0)
			f.account(acctBusy).SetS3Fault(fault)
			reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, ThrottleBackoff: time.Millisecond})
			require.NoError(t, err)
			busy := byID(reports)[acctBusy]
			require.Equal(t, organization.Audited, busy.Status, busy.Reason)
			assert.Equal(t, 2, busy.Throttled)
			assert.True(t, hasRow(busy, "busy-data", securebucket.ControlBucketBPA, securebucket.StatusFail))
			for _, row := range busy.Rows {
				assert.NotEqual(t, securebucket.StatusUnknown, row.Status, "%+v", row)
			}
		})
	}
}

// slow holds every request for a moment, so that requests overlap, and
// records the most in flight at once.
type slow struct {
	next          aws.HTTPClient
	inFlight, max atomic.Int64
}

func (s *slow) Do(req *http.Request) (*http.Response, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for m := s.max.Load(); n > m && !s.max.CompareAndSwap(m, n); m = s.max.Load() {
	}
	time.Sleep(3 * time.Millisecond)
	return s.next.Do(req)
}

// TestConcurrencyBound: however many accounts and buckets run at once,
// no more than Options.Concurrency requests are in flight, AssumeRole and
// the management account's own requests included; and the bound is
// reached, so the audit does use it.
func TestConcurrencyBound(t *testing.T) {
	f := newFixture(t, 6)
	rec := &slow{next: f.cfg.HTTPClient}
	f.cfg.HTTPClient = rec
	_, sum, err := f.audit(t.Context(), &organization.Options{Role: role, Concurrency: 3, Accounts: 8, AccountControls: true})
	require.NoError(t, err)
	assert.Equal(t, 12, sum.Accounts)
	assert.Equal(t, int64(3), rec.max.Load())
}

// TestBucketsReportTheirOwnRegion: a member's bucket in another Region is
// audited there and its rows say so.
func TestBucketsReportTheirOwnRegion(t *testing.T) {
	f := newFixture(t, 0)
	require.NoError(t, f.srv.S3().CreateBucketWith("good-eu", &s3fake.BucketOptions{State: s3fake.StateLegacy, AccountID: acctGood, Region: "eu-west-1"}))
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role})
	require.NoError(t, err)
	good := byID(reports)[acctGood]
	n := 0
	for _, row := range good.Rows {
		switch row.Resource {
		case "good-eu":
			n++
			assert.Equal(t, "eu-west-1", row.Region, "%+v", row)
			assert.NotEqual(t, securebucket.StatusUnknown, row.Status, "%+v", row)
		case "good-data":
			assert.Equal(t, "us-east-1", row.Region, "%+v", row)
		}
	}
	assert.Positive(t, n)
	assert.True(t, hasRow(good, "good-eu", securebucket.ControlBucketBPA, securebucket.StatusFail))
}

// TestListAccountsPages: an organization larger than one ListAccounts page
// (20) is read page by page; every account is audited once.
func TestListAccountsPages(t *testing.T) {
	f := newFixture(t, 20)
	reports, sum, err := f.audit(t.Context(), &organization.Options{Role: role, Controls: []securebucket.Control{securebucket.ControlBucketBPA}})
	require.NoError(t, err)
	assert.Equal(t, 26, sum.Accounts)
	assert.Len(t, byID(reports), 26)
	assert.Equal(t, 2, f.org.Count("ListAccounts"))
}

// lateAssume counts the AssumeRole calls that could still reach STS once
// the run's context has ended: those made with a context that is still
// live.
type lateAssume struct {
	organization.STSAPI
	interrupted *atomic.Bool
	late        *atomic.Int64
}

func (l lateAssume) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	if l.interrupted.Load() && ctx.Err() == nil {
		l.late.Add(1)
	}
	return l.STSAPI.AssumeRole(ctx, in, optFns...)
}

// TestInterruptStartsNothingMore: once the run's context ends (Ctrl-C),
// no role is assumed any more: no account is started, and the role
// session of an account that was starting is asked for with the run's
// context, so it is not sent. It failed: an account could still be started
// after the interrupt (a select between the next job and the context's end
// picks either), and its AssumeRole went through the SDK's credential
// cache, which retrieves with a context that cancellation does not reach,
// so the request was sent, sometimes after Run had returned; that made
// TestResumeAfterInterrupt's count of AssumeRole requests flaky.
func TestInterruptStartsNothingMore(t *testing.T) {
	f := newFixture(t, 6)
	var interrupted atomic.Bool
	var late atomic.Int64
	roles := lateAssume{sts.NewFromConfig(f.cfg), &interrupted, &late}
	for i := range 40 {
		interrupted.Store(false)
		ctx, cancel := context.WithCancel(t.Context())
		emitted := 0
		_, err := organization.Audit(ctx, f.cfg, organizations.NewFromConfig(f.cfg), roles, func(*organization.Report) error {
			if emitted++; emitted > i%2 {
				cancel()
				interrupted.Store(true) // after: a call that sees it sees ctx ended
			}
			return nil
		}, &organization.Options{Role: role, Accounts: 1 + i%3})
		require.ErrorIs(t, err, context.Canceled)
	}
	time.Sleep(50 * time.Millisecond) // a retrieval the cache let go on calls AssumeRole a moment later
	assert.Zero(t, late.Load(), "AssumeRole calls after the interrupt, with a live context")
}

// TestManagementThrottling: Organizations throttles hard (its quotas are a
// few requests a second per account, shared by everything the management
// account runs): a ListAccounts or GetCallerIdentity answered with
// throttling errors more times in a row than the SDK's three attempts is
// waited out with the run's backoff, not the end of the run; so is a
// throttled AssumeRole, not an unreachable account.
func TestManagementThrottling(t *testing.T) {
	f := newFixture(t, 20)
	f.org.SetFault("ListAccounts", fakeutil.Fault{Status: 400, Code: "TooManyRequestsException",
		Message: "AWS Organizations can't complete your request because another request is already in progress.", Times: 5})
	f.srv.STS().SetFault("GetCallerIdentity", fakeutil.Fault{Status: 400, Code: "Throttling", Message: "Rate exceeded", Times: 4})
	_, sum, err := f.audit(t.Context(), &organization.Options{Role: role, ThrottleBackoff: time.Millisecond,
		Controls: []securebucket.Control{securebucket.ControlBucketBPA}})
	require.NoError(t, err)
	assert.Equal(t, 26, sum.Accounts)
	assert.Equal(t, 26, sum.Done())
	assert.Equal(t, 5+2, f.org.Count("ListAccounts"), "five throttled, then the two pages")

	// AssumeRole counts against the management account's STS quota: a
	// throttled AssumeRole is waited out too, the account audited.
	f.srv.STS().SetFault("AssumeRole", fakeutil.Fault{Status: 400, Code: "Throttling", Message: "Rate exceeded", Times: 4})
	reports, sum, err := f.audit(t.Context(), &organization.Options{Role: role, ThrottleBackoff: time.Millisecond, Accounts: 1,
		Controls: []securebucket.Control{securebucket.ControlBucketBPA}})
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Unreachable, "only the accounts without the role: %+v", sum)
	assert.Equal(t, organization.Audited, byID(reports)[acctGood].Status, byID(reports)[acctGood].Reason)

	// An error that is not throttling still stops the run at once.
	f.org.SetFault("ListAccounts", fakeutil.Fault{Status: 400, Code: "AccessDeniedException", Times: 1})
	_, _, err = f.audit(t.Context(), &organization.Options{Role: role})
	require.Error(t, err)
	assert.Equal(t, "AccessDeniedException", fakeutil.ErrorCode(err))
}

// shortSessions makes every role session expire a minute after it is
// issued, and counts the sessions asked for per role.
type shortSessions struct {
	organization.STSAPI
	mu    sync.Mutex
	count map[string]int
}

func (s *shortSessions) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	out, err := s.STSAPI.AssumeRole(ctx, in, optFns...)
	if err == nil {
		out.Credentials.Expiration = aws.Time(time.Now().Add(time.Minute))
		s.mu.Lock()
		s.count[aws.ToString(in.RoleArn)]++
		s.mu.Unlock()
	}
	return out, err
}

// TestSessionsRenewedBeforeExpiry: a role session is renewed
// DefaultSessionRenewal before it expires, so that no request is signed
// with credentials about to expire (and received after they have): a
// session that expires in a minute is renewed for the account's next
// requests, and the account is audited in full.
func TestSessionsRenewedBeforeExpiry(t *testing.T) {
	f := newFixture(t, 0)
	roles := &shortSessions{STSAPI: sts.NewFromConfig(f.cfg), count: map[string]int{}}
	var good *organization.Report
	_, err := organization.Audit(t.Context(), f.cfg, organizations.NewFromConfig(f.cfg), roles, func(r *organization.Report) error {
		if r.Account.ID == acctGood {
			good = r
		}
		return nil
	}, &organization.Options{Role: role})
	require.NoError(t, err)
	require.NotNil(t, good)
	assert.Equal(t, organization.Audited, good.Status)
	for _, row := range good.Rows {
		assert.NotEqual(t, securebucket.StatusUnknown, row.Status, "%+v", row)
	}
	assert.Greater(t, roles.count["arn:aws:iam::"+acctGood+":role/"+role], 1, "the session about to expire is renewed")
}

// TestNoSecretsWritten: an Account printed with any verb, the rows, and
// the checkpoint file hold neither the role session's secret key and
// session token nor the ExternalId (the checkpoint keeps a hash of it).
func TestNoSecretsWritten(t *testing.T) {
	f := newFixture(t, 0)
	cp := filepath.Join(t.TempDir(), "cp")
	var secrets, printed []string
	work := organization.Work[string]{Name: "secrets", Audit: func(ctx context.Context, a *organization.Account) ([]string, error) {
		c, err := a.Config.Credentials.Retrieve(ctx)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, c.SecretAccessKey)
		if c.SessionToken != "" {
			secrets = append(secrets, c.SessionToken)
		}
		printed = append(printed, fmt.Sprintf("%v %+v %#v %v %+v %#v", a, a, a, *a, a.Config, a.Config))
		return []string{a.ID}, nil
	}}
	_, err := organization.Run(t.Context(), f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg), work,
		func(*organization.Result[string]) error { return nil },
		&organization.Options{Role: role, ExternalID: "s3secure-ext-42", Checkpoint: cp, CheckpointKey: testKey, Accounts: 1})
	require.NoError(t, err)
	require.Len(t, secrets, 1+3*2, "the owner's secret key, and the key and token of the three members audited")
	b, err := os.ReadFile(cp)
	require.NoError(t, err)
	for _, p := range printed {
		require.Contains(t, p, "Credentials", "the configuration is printed")
	}
	written := append(printed, string(b))
	for _, w := range written {
		for _, s := range append(secrets, "s3secure-ext-42") {
			assert.NotContains(t, w, s)
		}
	}
}

// TestRoleWithoutPermissions: a member whose role can be assumed but is
// refused every S3 read (a role without RolePolicy's permissions, or an
// SCP that denies them) is never PASS: its bucket rows are UNKNOWN with
// the refusal.
func TestRoleWithoutPermissions(t *testing.T) {
	f := newFixture(t, 0)
	f.account(acctBusy).SetS3Fault(fakeutil.Fault{Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role})
	require.NoError(t, err)
	busy := byID(reports)[acctBusy]
	require.NotEmpty(t, busy.Rows)
	for _, row := range busy.Rows {
		assert.Equal(t, securebucket.StatusUnknown, row.Status, "%+v", row)
		assert.Contains(t, row.Message, "AccessDenied")
	}
}

// loopingOrg answers every ListAccounts page with the same NextToken, as a
// broken proxy or endpoint could; it fails the test's run after 100 pages
// rather than hang. pages counts the pages answered.
type loopingOrg struct {
	organization.OrganizationsAPI
	pages int
}

func (l *loopingOrg) ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, optFns ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	if l.pages >= 100 {
		return nil, errors.New("test: ListAccounts answered 100 times")
	}
	out, err := l.OrganizationsAPI.ListAccounts(ctx, &organizations.ListAccountsInput{}, optFns...)
	if err != nil {
		return nil, err // the run's plain-HTTP probe, which the SDK stops before sending, is not a page
	}
	l.pages++
	out.NextToken = aws.String("same-token")
	return out, nil
}

// TestListAccountsTokenRepeats: a listing whose NextToken comes back again
// would never end; the run stops at once with an error saying so.
func TestListAccountsTokenRepeats(t *testing.T) {
	f := newFixture(t, 0)
	org := &loopingOrg{OrganizationsAPI: organizations.NewFromConfig(f.cfg)}
	_, err := organization.Audit(t.Context(), f.cfg, org, sts.NewFromConfig(f.cfg), func(*organization.Report) error { return nil },
		&organization.Options{Role: role})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NextToken")
	assert.Equal(t, 2, org.pages, "the token seen twice")
}
