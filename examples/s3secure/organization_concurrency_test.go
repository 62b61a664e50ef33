package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditOrganizationDefaultConcurrency: without -concurrency, audit
// -organization keeps up to organization.DefaultConcurrency (64) requests
// in flight across the accounts, as the README and the help say, and
// audit -all audits securebucket.DefaultConcurrency (16) buckets at once;
// -concurrency still bounds the organization run. Every request is held
// for a while, so the most in flight at once is what the run allows.
func TestAuditOrganizationDefaultConcurrency(t *testing.T) {
	a, args := orgEnv(t, 12, nil)
	for i := range 12 {
		id := fmt.Sprintf("22220000%04d", i+1)
		for j := range 5 {
			require.NoError(t, a.AWS.S3().CreateBucketWith(fmt.Sprintf("more-%d-%s", j, id), &s3fake.BucketOptions{State: s3fake.StateLegacy, AccountID: id}))
		}
	}
	var inFlight, most atomic.Int64
	a.before = func(*http.Request) {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(40 * time.Millisecond)
		inFlight.Add(-1)
	}
	run := func(extra ...string) int64 {
		most.Store(0)
		code, _, errOut := runCLI(t, "", append(append(args, "audit", "-organization", "-role", orgTestRole, "-format", "json"), extra...)...)
		assert.Equal(t, exitFindings, code, errOut)
		return most.Load()
	}
	got := run()
	assert.Greater(t, got, int64(securebucket.DefaultConcurrency), "audit -organization without -concurrency: at most %d requests in flight", got)
	assert.LessOrEqual(t, got, int64(organization.DefaultConcurrency))
	got = run("-concurrency", "4")
	assert.LessOrEqual(t, got, int64(4), "-concurrency 4")

	_, help := commandFlags(t, "audit")
	assert.Contains(t, help, "(default 16 with -all, 64 with -organization)")
}

// TestOrganizationOutsideAnOrganization: -organization with the
// credentials of an account in no organization stops before any account
// is audited, exit 2, with a line that says what to do (Organizations
// answers AWSOrganizationsNotInUseException), for audit and keys alike.
func TestOrganizationOutsideAnOrganization(t *testing.T) {
	a := startAWS(t, nil)
	for _, cmd := range []string{"audit", "keys"} {
		code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, cmd, "-organization", "-role", orgTestRole)
		assert.Equal(t, exitUsage, code, cmd)
		assert.Empty(t, stdout, cmd)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		assert.Contains(t, stderr, "Organizations ListAccounts: AWSOrganizationsNotInUseException", cmd)
		assert.Contains(t, stderr, "(hint: the credentials' account is in no AWS Organization: run with the management account's "+
			"(or a delegated administrator's) credentials, or without -organization for this account alone)", cmd)
	}
}
