package organization_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

// noRequests is an Organizations and STS client that fails the test when
// it sends a request: a run given it must refuse before any request. Its
// methods pass the per-call options on to SDK clients of cfg (loopback)
// whose HTTP client fails the test, so the run's plain-HTTP probe, which
// the SDK stops before sending, sees their endpoint.
type noRequests struct {
	org   *organizations.Client
	roles *sts.Client
}

func newNoRequests(t *testing.T, cfg aws.Config) noRequests {
	cfg.HTTPClient = failSend{t}
	return noRequests{organizations.NewFromConfig(cfg), sts.NewFromConfig(cfg)}
}

// failSend is an HTTP client that fails the test for every request.
type failSend struct{ t *testing.T }

func (f failSend) Do(r *http.Request) (*http.Response, error) {
	f.t.Errorf("%s %s was sent: the run did not refuse before any request", r.Method, r.URL)
	return nil, context.Canceled
}

func (n noRequests) ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, optFns ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	return n.org.ListAccounts(ctx, in, optFns...)
}

func (n noRequests) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return n.roles.GetCallerIdentity(ctx, in, optFns...)
}

func (n noRequests) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return n.roles.AssumeRole(ctx, in, optFns...)
}

// clockAt returns a clock stopped at t.
func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

// refused resumes cp with o through clients that fail the test if called,
// and returns the error, after checking that nothing was emitted and that
// the file was left as it is.
func refused(t *testing.T, f *fixture, cp string, o *organization.Options) error {
	t.Helper()
	before, err := os.ReadFile(cp)
	require.NoError(t, err)
	o.Checkpoint = cp
	var emitted []*organization.Report
	none := newNoRequests(t, f.cfg)
	_, err = organization.Audit(t.Context(), f.cfg, none, none, func(r *organization.Report) error {
		emitted = append(emitted, r)
		return nil
	}, o)
	require.Error(t, err)
	assert.Empty(t, emitted, "nothing of a refused checkpoint is emitted")
	after, rerr := os.ReadFile(cp)
	require.NoError(t, rerr)
	assert.Equal(t, string(before), string(after), "the file is left as it is")
	return err
}

// TestCheckpointStaleIsNotReplayed: a checkpoint written a month ago
// (through the run's clock, Options.Now), of the same options and signed
// with the same key, verifies; resumed today with the zero value it is
// refused whole with a *CheckpointStaleError (ErrCheckpointStale,
// ErrCheckpoint, not ErrCheckpointIntegrity: it is authentic) before any
// request, naming its first result, when it finished and the window, and
// never the key. Before, its results were replayed as today's.
func TestCheckpointStaleIsNotReplayed(t *testing.T) {
	f := newFixture(t, 0)
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	lastMonth := time.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Millisecond)
	then, sum, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey, Now: clockAt(lastMonth)})
	require.NoError(t, err)
	require.Zero(t, sum.Resumed)
	for _, r := range then {
		require.True(t, r.Time.Equal(lastMonth), "the run's clock dates its results: %v", r.Time)
	}

	err = refused(t, f, cp, &organization.Options{Role: role, CheckpointKey: testKey})
	require.ErrorIs(t, err, organization.ErrCheckpointStale)
	assert.ErrorIs(t, err, organization.ErrCheckpoint)
	assert.NotErrorIs(t, err, organization.ErrCheckpointIntegrity, "it verifies: it is only old")
	var se *organization.CheckpointStaleError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, cp, se.Path)
	assert.Equal(t, 2, se.Line, "the first result")
	assert.True(t, se.Finished.Equal(lastMonth), "%v", se.Finished)
	assert.Equal(t, organization.DefaultCheckpointMaxAge, se.MaxAge)
	assert.WithinDuration(t, time.Now(), se.Now, time.Minute)
	assert.Contains(t, err.Error(), "is stale")
	assert.Contains(t, err.Error(), lastMonth.Format(time.RFC3339))
	assert.Contains(t, err.Error(), "AllowCheckpointAgeUpTo 24h0m0s")
	assert.Contains(t, err.Error(), "delete it")
	assertNoKey(t, err)
}

// TestCheckpointLastMonthsPassIsNotReplayed: the attack. Last month's
// signed checkpoint, when the accounts passed, swapped in for today's: a
// resumed run must not report PASS for accounts that fail today.
func TestCheckpointLastMonthsPassIsNotReplayed(t *testing.T) {
	f := newFixture(t, 0)
	opts := &organization.Options{Role: role}
	reports, _, err := f.audit(t.Context(), opts)
	require.NoError(t, err)
	lastMonth := time.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Millisecond)
	passed := 0
	for _, r := range reports {
		r.Time = lastMonth
		for i := range r.Rows {
			if r.Rows[i].Status == securebucket.StatusFail {
				r.Rows[i].Status = securebucket.StatusPass // compliant last month
				passed++
			}
		}
	}
	require.NotZero(t, passed, "today, the organization fails")
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	require.NoError(t, organization.WriteCheckpoint(cp, organization.AuditFingerprint(opts), testKey, "0123456789abcdef0123456789abcdef", reports))
	err = refused(t, f, cp, &organization.Options{Role: role, CheckpointKey: testKey})
	require.ErrorIs(t, err, organization.ErrCheckpointStale)
}

// TestCheckpointAgeLimits: a result exactly AllowCheckpointAgeUpTo old, or dated
// exactly MaxCheckpointClockSkew after the run's clock, is resumed; a
// millisecond more either way and the whole checkpoint is refused before
// any request, naming that line, even when the other results are fresh.
func TestCheckpointAgeLimits(t *testing.T) {
	f := newFixture(t, 0)
	opts := &organization.Options{Role: role}
	reports, _, err := f.audit(t.Context(), opts)
	require.NoError(t, err)
	require.Len(t, reports, 6)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	write := func(t *testing.T, last time.Time) string {
		for _, r := range reports {
			r.Time = now.Add(-time.Hour)
		}
		reports[len(reports)-1].Time = last
		cp := filepath.Join(t.TempDir(), "org.checkpoint")
		require.NoError(t, organization.WriteCheckpoint(cp, organization.AuditFingerprint(opts), testKey, "0123456789abcdef0123456789abcdef", reports))
		return cp
	}
	resumed := func(t *testing.T, cp string, o organization.Options) {
		o.Role, o.Checkpoint, o.CheckpointKey, o.Now = role, cp, testKey, clockAt(now)
		got, sum, err := f.audit(t.Context(), &o)
		require.NoError(t, err)
		assert.Equal(t, 6, sum.Resumed)
		assert.Equal(t, lines(t, reports), lines(t, got), "replayed as written")
	}
	stale := func(t *testing.T, cp string, o organization.Options, line int) *organization.CheckpointStaleError {
		o.Role, o.CheckpointKey, o.Now = role, testKey, clockAt(now)
		err := refused(t, f, cp, &o)
		require.ErrorIs(t, err, organization.ErrCheckpointStale)
		var se *organization.CheckpointStaleError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, line, se.Line, "the first line too old")
		assert.Equal(t, reports[line-2].Account.ID, se.Account)
		assert.True(t, se.Now.Equal(now))
		return se
	}
	ms := time.Millisecond
	max := organization.DefaultCheckpointMaxAge
	skew := organization.MaxCheckpointClockSkew

	t.Run("exactly AllowCheckpointAgeUpTo old", func(t *testing.T) { resumed(t, write(t, now.Add(-max)), organization.Options{}) })
	t.Run("older", func(t *testing.T) {
		se := stale(t, write(t, now.Add(-max-ms)), organization.Options{}, 7)
		assert.Contains(t, se.Error(), "24h0m0.001s before this run, more than AllowCheckpointAgeUpTo 24h0m0s")
	})
	t.Run("exactly the clock skew ahead", func(t *testing.T) { resumed(t, write(t, now.Add(skew)), organization.Options{}) })
	t.Run("further ahead", func(t *testing.T) {
		se := stale(t, write(t, now.Add(skew+ms)), organization.Options{}, 7)
		assert.Contains(t, se.Error(), "5m0.001s after this run's clock (more than 5m0s of clock skew)")
		assert.Contains(t, se.Error(), "clock was ahead")
		assert.NotContains(t, se.Error(), "longer AllowCheckpointAgeUpTo", "a longer window does not help")
	})
	t.Run("a year ahead, with the longest window", func(t *testing.T) {
		stale(t, write(t, now.Add(365*24*time.Hour)), organization.Options{AllowCheckpointAgeUpTo: 1 << 62}, 7)
	})
	t.Run("a shorter window", func(t *testing.T) {
		cp := write(t, now.Add(-time.Hour))
		resumed(t, cp, organization.Options{AllowCheckpointAgeUpTo: time.Hour})
		stale(t, cp, organization.Options{AllowCheckpointAgeUpTo: time.Hour - ms}, 2)
	})
}

// TestCheckpointMaxAgeOptIn: a longer AllowCheckpointAgeUpTo is the explicit way
// to resume older results; negative is refused before any request.
func TestCheckpointMaxAgeOptIn(t *testing.T) {
	f := newFixture(t, 0)
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	lastWeek := time.Now().UTC().Add(-7 * 24 * time.Hour).Truncate(time.Millisecond)
	then, _, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey, Now: clockAt(lastWeek)})
	require.NoError(t, err)
	err = refused(t, f, cp, &organization.Options{Role: role, CheckpointKey: testKey})
	require.ErrorIs(t, err, organization.ErrCheckpointStale)
	err = refused(t, f, cp, &organization.Options{Role: role, CheckpointKey: testKey, AllowCheckpointAgeUpTo: 7*24*time.Hour - time.Minute})
	require.ErrorIs(t, err, organization.ErrCheckpointStale)

	got, sum, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey, AllowCheckpointAgeUpTo: 8 * 24 * time.Hour})
	require.NoError(t, err)
	assert.Equal(t, 6, sum.Resumed)
	assert.Equal(t, lines(t, then), lines(t, got))
	for _, r := range got {
		assert.True(t, r.Time.Equal(lastWeek), "a resumed result keeps the time it finished: %v", r.Time)
	}

	err = refused(t, f, cp, &organization.Options{Role: role, CheckpointKey: testKey, AllowCheckpointAgeUpTo: -time.Second})
	require.ErrorIs(t, err, organization.ErrInvalidOptions)
	assert.Contains(t, err.Error(), "AllowCheckpointAgeUpTo")
}

// TestCheckpointStaleAfterIntegrity: a checkpoint both stale and altered
// is refused as altered (the graver news); an unsigned checkpoint (the
// InsecureUnsignedCheckpoint opt-in) is refused when stale too, or when a
// result does not say when it finished.
func TestCheckpointStaleAfterIntegrity(t *testing.T) {
	f := newFixture(t, 0)
	dir := t.TempDir()
	cp := filepath.Join(dir, "org.checkpoint")
	lastMonth := time.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Millisecond)
	_, _, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey, Now: clockAt(lastMonth)})
	require.NoError(t, err)
	b, err := os.ReadFile(cp)
	require.NoError(t, err)
	// The last FAIL, after the first (stale) result.
	at := strings.LastIndex(string(b), `"status":"FAIL"`)
	require.Greater(t, at, strings.IndexByte(string(b), '\n')+strings.IndexByte(string(b)[strings.IndexByte(string(b), '\n')+1:], '\n')+1,
		"not in the first result")
	edited := string(b[:at]) + `"status":"PASS"` + string(b[at+len(`"status":"FAIL"`):])
	require.NoError(t, os.WriteFile(cp, []byte(edited), 0o600))
	err = refused(t, f, cp, &organization.Options{Role: role, CheckpointKey: testKey})
	require.ErrorIs(t, err, organization.ErrCheckpointIntegrity)
	assert.NotErrorIs(t, err, organization.ErrCheckpointStale)

	unsigned := filepath.Join(dir, "unsigned.checkpoint")
	_, _, err = f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: unsigned, InsecureUnsignedCheckpoint: true, Now: clockAt(lastMonth)})
	require.NoError(t, err)
	err = refused(t, f, unsigned, &organization.Options{Role: role, InsecureUnsignedCheckpoint: true})
	require.ErrorIs(t, err, organization.ErrCheckpointStale)

	// An unsigned result that does not say when it finished is not fresh.
	require.NoError(t, os.Remove(unsigned))
	_, _, err = f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: unsigned, InsecureUnsignedCheckpoint: true})
	require.NoError(t, err)
	b, err = os.ReadFile(unsigned)
	require.NoError(t, err)
	undated := regexp.MustCompile(`,"time":"[^"]*"`).ReplaceAllString(string(b), "")
	require.NotEqual(t, string(b), undated)
	require.NoError(t, os.WriteFile(unsigned, []byte(undated), 0o600))
	err = refused(t, f, unsigned, &organization.Options{Role: role, InsecureUnsignedCheckpoint: true})
	var se *organization.CheckpointStaleError
	require.ErrorAs(t, err, &se)
	assert.True(t, se.Finished.IsZero())
	assert.Equal(t, 2, se.Line)
	assert.Contains(t, err.Error(), "line 2 (account "+se.Account+") does not say when it finished")
}
