package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAccessPointSubcommandFirst: accesspoint with its flags but no
// subcommand before them says to give the subcommand first and shows
// the line to type; it said `give the subcommand create, not ""`.
func TestAccessPointSubcommandFirst(t *testing.T) {
	for _, args := range [][]string{
		{"accesspoint", "-bucket", "b-1", "-name", "app", "-vpc", "vpc-1"},
		{"accesspoint", "-bucket", "b-1", "-name", "app", "-vpc", "vpc-1", "create"},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, code, args)
		assert.Empty(t, stdout)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		assert.Contains(t, stderr, `accesspoint: give the subcommand first: s3secure accesspoint create -bucket B -name N `, args)
		assert.NotContains(t, stderr, `not ""`, args)
	}
	code, _, stderr := runCLI(t, "", "accesspoint", "delete", "-name", "app")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `accesspoint: unknown subcommand "delete": the one subcommand is create`)
}
