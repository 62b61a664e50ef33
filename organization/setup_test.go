package organization_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditRegionRefusesCredentials: S3 Control and CloudTrail refusing
// the member's credentials (as a Region that is not enabled does) give
// that Region's access point and data events rows as UNKNOWN with the
// code, and the account is still audited (its buckets included).
// securebucket.AuditAccessPoints and AuditDataEvents return such a setup
// problem as an error; the account was UNREACHABLE because of it.
func TestAuditRegionRefusesCredentials(t *testing.T) {
	f := newFixture(t, 0)
	good := f.account(acctGood)
	require.NoError(t, good.SetFault(localaws.ServiceS3Control, "ListAccessPoints",
		fakeutil.Fault{Status: 403, Code: "InvalidAccessKeyId", Message: "The AWS Access Key Id you provided does not exist in our records."}))
	require.NoError(t, good.SetFault(localaws.ServiceCloudTrail, "DescribeTrails",
		fakeutil.Fault{Status: 400, Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}))
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, AccountControls: true, Regions: []string{"us-east-1"}})
	require.NoError(t, err)
	r := byID(reports)[acctGood]
	require.Equal(t, organization.Audited, r.Status, r.Reason)
	want := map[securebucket.Control]string{securebucket.ControlAccessPointBPA: "InvalidAccessKeyId",
		securebucket.ControlDataEventsWrite: "UnrecognizedClientException", securebucket.ControlDataEventsRead: "UnrecognizedClientException"}
	for c, code := range want {
		found := false
		for _, row := range r.Rows {
			if row.Control == c && row.Region == "us-east-1" {
				found = true
				assert.Equal(t, securebucket.StatusUnknown, row.Status, "%+v", row)
				assert.Contains(t, row.Message, code)
			}
		}
		assert.True(t, found, "a %s row for us-east-1", c)
	}
	assert.True(t, hasRow(r, "good-data", securebucket.ControlBucketBPA, securebucket.StatusFail), "the buckets are audited")
}

// refuseAfter is an HTTP client that makes S3 refuse one account's
// requests with ExpiredToken once that account's Nth GetBucketPolicy
// response has come back.
type refuseAfter struct {
	next    aws.HTTPClient
	srv     *localaws.Server
	account *localaws.Account
	n       int
	mu      sync.Mutex
	seen    int
}

func (r *refuseAfter) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.next.Do(req)
	if _, ok := req.URL.Query()["policy"]; !ok || req.Method != http.MethodGet {
		return resp, err
	}
	if sc := strings.SplitN(req.Header.Get("Authorization"), "Credential=", 2); len(sc) == 2 {
		key, _, _ := strings.Cut(sc[1], "/")
		if c, ok := r.srv.Identity(key); ok && c.Principal.AccountID == r.account.ID {
			r.mu.Lock()
			r.seen++
			if r.seen == r.n {
				r.account.SetS3Fault(fakeutil.Fault{Status: 400, Code: "ExpiredToken", Message: "The provided token has expired."})
			}
			r.mu.Unlock()
		}
	}
	return resp, err
}

// TestAuditSessionRefusedDuringBuckets: when a member's session is
// refused during its bucket audit (securebucket.AuditAll stops there),
// the buckets audited before are reported, and one UNKNOWN row says where
// the audit stopped and why; the other buckets have no rows. Before, the
// finished buckets were dropped and the row said the buckets could not be
// listed.
func TestAuditSessionRefusedDuringBuckets(t *testing.T) {
	f := newFixture(t, 0)
	f.cfg.HTTPClient = &refuseAfter{next: f.cfg.HTTPClient, srv: f.srv, account: f.account(acctGood), n: 2}
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, BucketConcurrency: 1})
	require.NoError(t, err)
	r := byID(reports)[acctGood]
	require.Equal(t, organization.Audited, r.Status, r.Reason)
	assert.True(t, hasRow(r, "good-data", securebucket.ControlBucketBPA, securebucket.StatusFail), "audited before the refusal")
	assert.False(t, hasRow(r, "good-public", "", ""), "the bucket that met the refusal has no rows")
	var stop []organization.Row
	for _, row := range r.Rows {
		if row.Control == organization.ControlAccountAccess {
			stop = append(stop, row)
		}
	}
	require.Len(t, stop, 1)
	assert.Equal(t, securebucket.StatusUnknown, stop[0].Status)
	assert.Contains(t, stop[0].Message, "the bucket audit stopped at bucket good-public")
	assert.Contains(t, stop[0].Message, "ExpiredToken")
}
