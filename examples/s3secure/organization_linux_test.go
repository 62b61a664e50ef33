package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/organization"
)

// TestOrganizationProgressOnTerminal: audit -organization and keys
// -organization show "accounts done/total" and the unreachable and
// skipped counts on stderr when it is a terminal, rewritten in place and
// cleared before each account's rows and at the end; never with JSON or
// OCSF output, and never when stderr is not a terminal.
func TestOrganizationProgressOnTerminal(t *testing.T) {
	for _, what := range []string{"audit", "keys"} {
		args := []string{"-local", what, "-organization", "-role", "S3SecureAudit"}
		code, stdout, term := runOnTerminal(t, args...)
		assert.Equal(t, exitFindings, code, term)
		assert.Contains(t, term, "\r\x1b[K"+what+": 0/4 accounts", "shown once the accounts are listed")
		assert.Contains(t, term, "\r\x1b[K"+what+": 3/4 accounts\r\x1b[K", "cleared before the next account's rows")
		assert.Contains(t, term, "\r\x1b[K"+what+": 4/4 accounts (0 unreachable, 1 skipped)")
		assert.True(t, strings.HasSuffix(term, "\r\x1b[K"), "%v: the progress line is cleared: %q", args, term)
		assert.NotContains(t, stdout, "accounts (", "progress never goes to stdout")
		assert.Contains(t, stdout, "4 accounts: 3 audited, 0 unreachable, 1 skipped")

		formats := []string{"json"}
		if what == "audit" {
			formats = append(formats, "ocsf")
		}
		for _, f := range formats {
			_, _, term = runOnTerminal(t, append([]string{"-format", f}, args...)...)
			assert.Empty(t, term, "%v: no progress with %s output", args, f)
		}
		_, _, stderr := runCLI(t, "", args...)
		assert.Empty(t, stderr, "%v: no progress when stderr is not a terminal", args)
	}
	shard, _ := organization.ParseShard("1/2")
	n := 0
	for _, id := range []string{localaws.DefaultAccountID, demoMemberID(1), demoMemberID(2), demoSuspendedID} {
		if shard.Owns(id) {
			n++
		}
	}
	_, _, term := runOnTerminal(t, "-local", "audit", "-organization", "-role", "S3SecureAudit", "-shard", "1/2")
	assert.Contains(t, term, fmt.Sprintf("audit: %d/%d accounts", n, n), "a shard counts its own accounts")
}
