package organization_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/accountfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/orgfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

const role = "S3SecureAudit"

// Accounts of the test organization (the owner, 111122223333, is the
// management account).
const (
	acctGood      = "222200000001" // role, two buckets, two enabled Regions and a disabled one
	acctNoRole    = "222200000002" // no role: unreachable
	acctSuspended = "222200000003" // suspended: skipped
	acctExternal  = "222200000004" // role requiring an ExternalId
	acctBusy      = "222200000005" // role, one bucket
)

type fixture struct {
	srv *localaws.Server
	ep  *localaws.Endpoint
	org *orgfake.Server
	cfg aws.Config
}

// newFixture builds the organization on the in-memory AWS: every member
// account has buckets of its own, some legacy (failing) and some hardened.
func newFixture(t testing.TB, extra int) *fixture {
	t.Helper()
	srv, err := localaws.New(&localaws.Options{LegacyBuckets: true})
	require.NoError(t, err)
	ep, err := srv.Listen(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ep.Close() })
	org, err := srv.CreateOrganization()
	require.NoError(t, err)
	f := &fixture{srv: srv, ep: ep, org: org, cfg: ep.Config(srv.Owner().Root())}
	ctx := t.Context()
	mk := func(id string, buckets ...string) *localaws.Account {
		a, err := srv.AddAccount(id)
		require.NoError(t, err)
		require.NoError(t, org.AddAccount(orgfake.Account{ID: id, Name: "acct-" + id[8:]}))
		for _, b := range buckets {
			_, err := s3.NewFromConfig(ep.Config(a.Root())).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
			require.NoError(t, err)
		}
		return a
	}
	_, err = s3.NewFromConfig(f.cfg).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mgmt-logs")})
	require.NoError(t, err)
	good := mk(acctGood, "good-data", "good-public")
	require.NoError(t, good.AddRole(role, localaws.TrustPolicy(srv.Owner().ID, "")))
	srv.Regions().SetRegions(acctGood, map[string]string{"us-east-1": accountfake.EnabledByDefault, "eu-west-1": accountfake.Enabled, "ap-east-1": accountfake.Disabled})
	mk(acctNoRole, "norole-data")
	mk(acctSuspended, "suspended-data")
	require.NoError(t, org.SetState(acctSuspended, orgfake.StateSuspended))
	ext := mk(acctExternal, "external-data")
	require.NoError(t, ext.AddRole(role, localaws.TrustPolicy(srv.Owner().ID, "s3secure-ext-42")))
	busy := mk(acctBusy, "busy-data")
	require.NoError(t, busy.AddRole(role, localaws.TrustPolicy(srv.Owner().ID, "")))
	for i := range extra {
		id := "3333000" + strings.Repeat("0", 5-len(itoa(i))) + itoa(i)
		a := mk(id, "extra-"+id)
		require.NoError(t, a.AddRole(role, localaws.TrustPolicy(srv.Owner().ID, "")))
	}
	return f
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func (f *fixture) audit(ctx context.Context, opts *organization.Options) ([]*organization.Report, *organization.Summary, error) {
	var reports []*organization.Report
	sum, err := organization.Audit(ctx, f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg),
		func(r *organization.Report) error { reports = append(reports, r); return nil }, opts)
	return reports, sum, err
}

func byID(reports []*organization.Report) map[string]*organization.Report {
	m := map[string]*organization.Report{}
	for _, r := range reports {
		m[r.Account.ID] = r
	}
	return m
}

func TestAudit(t *testing.T) {
	f := newFixture(t, 0)
	reports, sum, err := f.audit(t.Context(), &organization.Options{Role: role, AccountControls: true})
	require.NoError(t, err)
	ids := make([]string, len(reports))
	for i, r := range reports {
		ids[i] = r.Account.ID
		for _, row := range r.Rows {
			assert.Equal(t, r.Account.ID, row.AccountID, "every row carries its account")
		}
	}
	assert.Equal(t, []string{localaws.DefaultAccountID, acctGood, acctNoRole, acctSuspended, acctExternal, acctBusy}, ids, "one report per account, in id order")
	assert.Equal(t, organization.Summary{Accounts: 6, Audited: 3, Unreachable: 2, Skipped: 1}, *sum)

	m := byID(reports)
	mgmt := m[localaws.DefaultAccountID]
	assert.Equal(t, organization.Audited, mgmt.Status, "the calling account is audited with its own credentials")
	assert.True(t, hasRow(mgmt, "mgmt-logs", securebucket.ControlBucketBPA, securebucket.StatusFail))

	good := m[acctGood]
	require.Equal(t, organization.Audited, good.Status)
	assert.True(t, hasRow(good, "good-data", securebucket.ControlBucketBPA, securebucket.StatusFail))
	assert.True(t, hasRow(good, acctGood, securebucket.ControlAccountBPA, securebucket.StatusFail))
	assert.False(t, hasRow(good, "mgmt-logs", "", ""), "an account sees its own buckets only")
	var regions []string
	for _, row := range good.Rows {
		if row.Control == securebucket.ControlDataEventsWrite {
			regions = append(regions, row.Region)
		}
		if row.Resource == "good-data" {
			assert.Equal(t, "us-east-1", row.Region, "a bucket reports its own Region")
		}
	}
	assert.Equal(t, []string{"eu-west-1", "us-east-1"}, regions, "trails audited in each enabled Region, not the disabled one")
	var s24 []organization.Row
	for _, row := range good.Rows {
		if row.Control == securebucket.ControlMultiRegionAccessPointBPA {
			s24 = append(s24, row)
		}
	}
	require.Len(t, s24, 1, "S3.24 once per account: Multi-Region Access Points are global")
	assert.Equal(t, securebucket.StatusNotApplicable, s24[0].Status, s24[0].Message)
	assert.Equal(t, securebucket.SeverityHigh, s24[0].Severity)

	for _, id := range []string{acctNoRole, acctExternal} {
		r := m[id]
		assert.Equal(t, organization.Unreachable, r.Status, id)
		assert.Contains(t, r.Reason, "AccessDenied")
		require.NotEmpty(t, r.Rows)
		for _, row := range r.Rows {
			assert.Equal(t, securebucket.StatusUnknown, row.Status, "an unreachable account is never PASS: %+v", row)
			assert.Contains(t, row.Message, "arn:aws:iam::"+id+":role/"+role)
		}
		assert.True(t, hasRow(r, id, securebucket.ControlAccountBPA, securebucket.StatusUnknown))
		assert.True(t, hasRow(r, id, securebucket.ControlMultiRegionAccessPointBPA, securebucket.StatusUnknown))
	}
	sus := m[acctSuspended]
	assert.Equal(t, organization.Skipped, sus.Status)
	require.Len(t, sus.Rows, 1)
	assert.Equal(t, securebucket.StatusNotApplicable, sus.Rows[0].Status)
	assert.Contains(t, sus.Rows[0].Message, "SUSPENDED")
	assert.Equal(t, 0, f.account(acctSuspended).Count("s3control", "GetPublicAccessBlock"), "a suspended account is not audited")
}

func (f *fixture) account(id string) *localaws.Account { a, _ := f.srv.Account(id); return a }

func hasRow(r *organization.Report, resource string, c securebucket.Control, st securebucket.Status) bool {
	for _, row := range r.Rows {
		if row.Resource == resource && (c == "" || row.Control == c) && (st == "" || row.Status == st) {
			return true
		}
	}
	return false
}

func TestAuditExternalIDAndRegions(t *testing.T) {
	f := newFixture(t, 0)
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, ExternalID: "s3secure-ext-42", AccountControls: true,
		Regions: []string{"us-east-1", "ap-east-1", "me-south-1"}})
	require.NoError(t, err)
	m := byID(reports)
	assert.Equal(t, organization.Audited, m[acctExternal].Status, "the ExternalId the trust policy asks for")
	good := m[acctGood]
	require.Equal(t, organization.Audited, good.Status, "a trust policy without sts:ExternalId lets in a request that carries one, as in IAM")
	rows := map[string][]organization.Row{}
	for _, row := range good.Rows {
		if row.Control == securebucket.ControlAccessPointBPA {
			rows[row.Region] = append(rows[row.Region], row)
		}
	}
	require.Len(t, rows["us-east-1"], 1)
	assert.Equal(t, securebucket.StatusPass, rows["us-east-1"][0].Status)
	require.Len(t, rows["ap-east-1"], 1)
	assert.Equal(t, securebucket.StatusUnknown, rows["ap-east-1"][0].Status)
	assert.Contains(t, rows["ap-east-1"][0].Message, "is not enabled in this account (DISABLED)")
	require.Len(t, rows["me-south-1"], 1)
	assert.Equal(t, securebucket.StatusUnknown, rows["me-south-1"][0].Status)
	assert.NotContains(t, rows, "eu-west-1", "only the Regions asked for")
	assert.True(t, hasRow(good, "good-data", securebucket.ControlBucketBPA, ""), "buckets are audited whatever Regions says")

	// Without the ExternalId, the role that requires it cannot be assumed.
	reports, _, err = f.audit(t.Context(), &organization.Options{Role: role})
	require.NoError(t, err)
	assert.Equal(t, organization.Unreachable, byID(reports)[acctExternal].Status)
}

// recorder wraps an HTTP client and records which account signed each
// request, in the order they were sent.
type recorder struct {
	next aws.HTTPClient
	srv  *localaws.Server
	mu   sync.Mutex
	seq  []string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	if sc := strings.SplitN(req.Header.Get("Authorization"), "Credential=", 2); len(sc) == 2 {
		key, _, _ := strings.Cut(sc[1], "/")
		if c, ok := r.srv.Identity(key); ok {
			r.mu.Lock()
			r.seq = append(r.seq, c.Principal.AccountID)
			r.mu.Unlock()
		}
	}
	return r.next.Do(req)
}

// TestThrottledAccountDoesNotStarveOthers: one account answers every S3
// request with SlowDown. With one request slot for the whole run, the
// other accounts' requests go out between the busy account's retries (a
// request in backoff holds no slot), every other account is audited in
// full, and the busy account's rows are UNKNOWN with the reason, never
// PASS.
func TestThrottledAccountDoesNotStarveOthers(t *testing.T) {
	f := newFixture(t, 0)
	rec := &recorder{next: f.cfg.HTTPClient, srv: f.srv}
	f.cfg.HTTPClient = rec
	f.account(acctBusy).SetS3Fault(fakeutil.Fault{Status: 503, Code: "SlowDown", Message: "Please reduce your request rate."})
	reports, sum, err := f.audit(t.Context(), &organization.Options{Role: role, Concurrency: 1, Accounts: 6,
		ThrottleBackoff: 5e6, MaxThrottleBackoff: 20e6})
	require.NoError(t, err)
	assert.Equal(t, organization.Summary{Accounts: 6, Audited: 3, Unreachable: 2, Skipped: 1}, *sum)
	m := byID(reports)
	busy := m[acctBusy]
	assert.Greater(t, busy.Throttled, 3)
	require.NotEmpty(t, busy.Rows)
	for _, row := range busy.Rows {
		assert.Equal(t, securebucket.StatusUnknown, row.Status, "%+v", row)
		assert.Contains(t, row.Message, "SlowDown")
	}
	assert.True(t, hasRow(m[acctGood], "good-data", securebucket.ControlBucketBPA, securebucket.StatusFail), "the others are audited in full")
	// Between the busy account's first and last request, others' requests
	// went out: its backoff did not hold the one slot.
	first, last := slices.Index(rec.seq, acctBusy), len(rec.seq)-1-slices.Index(reversed(rec.seq), acctBusy)
	require.GreaterOrEqual(t, first, 0)
	others := 0
	for _, a := range rec.seq[first:last] {
		if a != acctBusy {
			others++
		}
	}
	assert.Positive(t, others, "other accounts' requests interleave the busy account's retries: %v", rec.seq)
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// TestThrottlingRecovers: an account throttled for a while is audited in
// full once it recovers.
func TestThrottlingRecovers(t *testing.T) {
	f := newFixture(t, 0)
	f.account(acctBusy).SetS3Fault(fakeutil.Fault{Status: 503, Code: "SlowDown", Times: 3})
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, ThrottleBackoff: 1e6})
	require.NoError(t, err)
	busy := byID(reports)[acctBusy]
	assert.Equal(t, organization.Audited, busy.Status)
	assert.Equal(t, 3, busy.Throttled)
	assert.True(t, hasRow(busy, "busy-data", securebucket.ControlBucketBPA, securebucket.StatusFail))
	for _, row := range busy.Rows {
		assert.NotEqual(t, securebucket.StatusUnknown, row.Status, "%+v", row)
	}
}

func lines(t *testing.T, reports []*organization.Report) []string {
	var out []string
	for _, r := range reports {
		b, err := json.Marshal(r)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	return out
}

// TestResumeAfterInterrupt: a run stopped after two accounts (as Ctrl-C
// stops it) has recorded what finished; the rerun audits only the others
// and emits, in order, exactly what the first run recorded followed by the
// rest: the same accounts and rows as an uninterrupted run.
func TestResumeAfterInterrupt(t *testing.T) {
	f := newFixture(t, 4)
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	opts := &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey, Accounts: 1}
	ctx, cancel := context.WithCancel(t.Context())
	var first []*organization.Report
	sum, err := organization.Audit(ctx, f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg), func(r *organization.Report) error {
		first = append(first, r)
		if len(first) == 3 {
			cancel()
		}
		return nil
	}, opts)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, first, 3)
	assert.Equal(t, 3, sum.Done())

	assumed := f.srv.STS().Count("AssumeRole")
	second, sum2, err := f.audit(t.Context(), opts)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, sum2.Resumed, 3)
	assert.Equal(t, 10, sum2.Accounts)
	assert.Equal(t, lines(t, first), lines(t, second[:3]), "the finished accounts are replayed as first emitted")
	fresh := 0
	for _, r := range second {
		if !r.Resumed && r.Status != organization.Skipped && r.Account.ID != localaws.DefaultAccountID {
			fresh++
		}
	}
	// +1: the AssumeRole the first run cancelled may reach the server after
	// that run returned.
	assert.LessOrEqual(t, f.srv.STS().Count("AssumeRole")-assumed, fresh+1, "recorded accounts are not audited again")

	clean, _, err := f.audit(t.Context(), &organization.Options{Role: role})
	require.NoError(t, err)
	assert.Equal(t, rowsOf(clean), rowsOf(second), "the resumed run's rows are an uninterrupted run's")

	// A third run replays everything and audits nothing.
	assumed = f.srv.STS().Count("AssumeRole")
	third, sum3, err := f.audit(t.Context(), opts)
	require.NoError(t, err)
	assert.Equal(t, 10, sum3.Resumed)
	assert.Equal(t, lines(t, second), lines(t, third))
	assert.Equal(t, assumed, f.srv.STS().Count("AssumeRole"))
}

func rowsOf(reports []*organization.Report) [][]organization.Row {
	var out [][]organization.Row
	for _, r := range reports {
		out = append(out, r.Rows)
	}
	return out
}

// TestCheckpointTornLine: a crash in the middle of writing an account's
// line leaves half a line; the rerun cuts it off (trusting no byte of it)
// and audits that account again, and the lines it appends verify; one
// torn inside its header starts afresh.
func TestCheckpointTornLine(t *testing.T) {
	f := newFixture(t, 0)
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	opts := &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey}
	full, _, err := f.audit(t.Context(), opts)
	require.NoError(t, err)
	b, err := os.ReadFile(cp)
	require.NoError(t, err)
	ls := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	require.Len(t, ls, 7, "a header and one line per account")
	torn := strings.Join(ls[:5], "") + ls[5][:len(ls[5])/2]
	require.NoError(t, os.WriteFile(cp, []byte(torn), 0o600))
	again, sum, err := f.audit(t.Context(), opts)
	require.NoError(t, err)
	assert.Equal(t, 4, sum.Resumed, "the torn account and the one after it are audited again")
	assert.Equal(t, rowsOf(full), rowsOf(again))
	b, err = os.ReadFile(cp)
	require.NoError(t, err)
	assert.Equal(t, 7, strings.Count(string(b), "\n"), "the torn half is gone, the two accounts appended")
	_, sum, err = f.audit(t.Context(), opts)
	require.NoError(t, err, "the appended lines verify")
	assert.Equal(t, 6, sum.Resumed)

	require.NoError(t, os.WriteFile(cp, []byte(ls[0][:len(ls[0])/2]), 0o600))
	_, sum, err = f.audit(t.Context(), opts)
	require.NoError(t, err)
	assert.Zero(t, sum.Resumed, "a torn header: nothing to resume")

	_, _, err = f.audit(t.Context(), &organization.Options{Role: "OtherRole", Checkpoint: cp, CheckpointKey: testKey})
	require.ErrorIs(t, err, organization.ErrCheckpoint, "another run's checkpoint is refused")
	for _, other := range []string{"not a checkpoint\n", "some other file without a newline"} {
		require.NoError(t, os.WriteFile(cp, []byte(other), 0o600))
		_, _, err = f.audit(t.Context(), opts)
		require.ErrorIs(t, err, organization.ErrCheckpoint)
		b, err = os.ReadFile(cp)
		require.NoError(t, err)
		assert.Equal(t, other, string(b), "another file is not cut")
	}
}

// TestShardsCoverEveryAccountOnce: the shards of a split hold every
// account exactly once, and their outputs concatenate to the whole.
func TestShardsCoverEveryAccountOnce(t *testing.T) {
	f := newFixture(t, 14)
	whole, _, err := f.audit(t.Context(), &organization.Options{Role: role})
	require.NoError(t, err)
	for _, n := range []int{1, 3, 7} {
		seen := map[string]int{}
		total := 0
		for i := range n {
			part, sum, err := f.audit(t.Context(), &organization.Options{Role: role, Shard: organization.Shard{Index: i, Count: n}})
			require.NoError(t, err)
			total += sum.Accounts
			for _, r := range part {
				seen[r.Account.ID]++
			}
		}
		assert.Equal(t, len(whole), total, "n=%d", n)
		require.Len(t, seen, len(whole), "n=%d", n)
		for id, c := range seen {
			assert.Equal(t, 1, c, "account %s in %d shards of %d", id, c, n)
		}
	}
}

func TestParseShard(t *testing.T) {
	s, err := organization.ParseShard("2/5")
	require.NoError(t, err)
	assert.Equal(t, organization.Shard{Index: 2, Count: 5}, s)
	assert.Equal(t, "2/5", s.String())
	for _, bad := range []string{"5/5", "-1/3", "1", "a/b", "0/0", "1/2/3"} {
		_, err := organization.ParseShard(bad)
		assert.ErrorIs(t, err, organization.ErrInvalidOptions, bad)
	}
}

// TestInvalidOptions: refused before any request.
func TestInvalidOptions(t *testing.T) {
	f := newFixture(t, 0)
	for name, o := range map[string]*organization.Options{
		"no role":      nil,
		"role arn":     {Role: "arn:aws:iam::111122223333:role/x"},
		"role name":    {Role: "bad role"},
		"external id":  {Role: role, ExternalID: "x"},
		"session name": {Role: role, SessionName: "bad name"},
		"concurrency":  {Role: role, Concurrency: -1},
		"shard":        {Role: role, Shard: organization.Shard{Index: 3, Count: 3}},
		"region":       {Role: role, Regions: []string{"Not A Region"}},
		"control":      {Role: role, Controls: []securebucket.Control{"S3.999"}},
		"bucket conc":  {Role: role, BucketConcurrency: 5000},
		"key account":  {Role: role, TrustedKMSKeyAccounts: []string{"arn:aws:iam::222200000005:root"}},
	} {
		_, _, err := f.audit(t.Context(), o)
		assert.ErrorIs(t, err, organization.ErrInvalidOptions, name)
	}
	assert.Equal(t, 0, f.srv.STS().Count("GetCallerIdentity"), "no request sent")
}

// TestNotManagementAccount: a member account cannot list the organization;
// the run stops at once with Organizations' error.
func TestNotManagementAccount(t *testing.T) {
	f := newFixture(t, 0)
	f.cfg = f.ep.Config(f.account(acctGood).Root())
	_, _, err := f.audit(t.Context(), &organization.Options{Role: role})
	require.Error(t, err)
	assert.Equal(t, "AccessDeniedException", fakeutil.ErrorCode(err))
	f.org.AddDelegatedAdministrator(acctGood)
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role})
	require.NoError(t, err)
	assert.Equal(t, organization.Audited, byID(reports)[acctGood].Status, "a delegated administrator audits itself with its own credentials")
	assert.Equal(t, organization.Unreachable, byID(reports)[localaws.DefaultAccountID].Status, "the management account has no such role")
}

var _ = s3fake.DefaultRegion

// TestProgress: Progress is called once the accounts are listed and after
// each account is emitted, never concurrently with emit, with the counts
// so far; a resumed run counts its replayed accounts.
func TestProgress(t *testing.T) {
	f := newFixture(t, 0)
	var seen []organization.Summary
	emitted := 0
	opts := &organization.Options{Role: role, Checkpoint: filepath.Join(t.TempDir(), "cp"), CheckpointKey: testKey, Progress: func(s organization.Summary) {
		assert.Equal(t, emitted, s.Done(), "called after each emit, with what was emitted")
		seen = append(seen, s)
	}}
	sum, err := organization.Audit(t.Context(), f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg),
		func(*organization.Report) error { emitted++; return nil }, opts)
	require.NoError(t, err)
	require.Len(t, seen, 7, "once at the start, once per account")
	assert.Equal(t, organization.Summary{Accounts: 6}, seen[0])
	assert.Equal(t, *sum, seen[6])
	assert.Equal(t, organization.Summary{Accounts: 6, Audited: 2, Unreachable: 1}, seen[3], "the owner, good, no-role")

	seen, emitted = nil, 0
	_, err = organization.Audit(t.Context(), f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg),
		func(*organization.Report) error { emitted++; return nil }, opts)
	require.NoError(t, err)
	require.Len(t, seen, 7)
	assert.Equal(t, organization.Summary{Accounts: 6, Audited: 3, Unreachable: 2, Skipped: 1, Resumed: 6}, seen[6])
}

// TestAuditTrustedKMSKeyAccounts: a member's bucket encrypted with a key of
// the organization's key account fails S3Secure.KMSKeyAccount (the member
// is each bucket's owner), and passes once that account is trusted; a
// checkpoint written without the trust is not resumed with it.
func TestAuditTrustedKMSKeyAccounts(t *testing.T) {
	f := newFixture(t, 0)
	good := f.account(acctGood)
	keyARN := "arn:aws:kms:us-east-1:" + acctBusy + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	_, err := s3.NewFromConfig(f.ep.Config(good.Root())).PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{Bucket: aws.String("good-data"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)}}}}})
	require.NoError(t, err)
	cp := filepath.Join(t.TempDir(), "org.ckpt")
	o := &organization.Options{Role: role, Controls: []securebucket.Control{securebucket.ControlKMSKeyAccount}, Checkpoint: cp, CheckpointKey: testKey}
	reports, _, err := f.audit(t.Context(), o)
	require.NoError(t, err)
	assert.True(t, hasRow(byID(reports)[acctGood], "good-data", securebucket.ControlKMSKeyAccount, securebucket.StatusFail), "%+v", byID(reports)[acctGood].Rows)
	assert.True(t, hasRow(byID(reports)[acctGood], "good-public", securebucket.ControlKMSKeyAccount, securebucket.StatusNotApplicable))

	o.TrustedKMSKeyAccounts = []string{acctBusy}
	_, _, err = f.audit(t.Context(), o)
	require.ErrorIs(t, err, organization.ErrCheckpoint, "another run's checkpoint")
	o.Checkpoint = ""
	reports, _, err = f.audit(t.Context(), o)
	require.NoError(t, err)
	assert.True(t, hasRow(byID(reports)[acctGood], "good-data", securebucket.ControlKMSKeyAccount, securebucket.StatusPass), "%+v", byID(reports)[acctGood].Rows)
}
