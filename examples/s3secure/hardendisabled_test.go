package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestBucketDisabled: a bucket AWS has disabled (S3 answers every request
// with 403 AllAccessDisabled, "All access to this Amazon S3 resource has
// been disabled. Contact Amazon Web Services Support for further
// assistance.", S3 API reference, list of error codes) is one line on
// stderr, saying so and whom to contact, exit 2 and no rows, after one
// request to it, with nothing written: for harden, harden -dry-run and
// audit alike. Before, harden read every part of the bucket and said
// only that the first step's read was refused.
func TestBucketDisabled(t *testing.T) {
	f := s3fake.Start(t, nil)
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("cli-shut", s3fake.StateLegacy))
	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultAllAccessDisabled, Bucket: "cli-shut"})
	for _, args := range [][]string{
		{"harden", "-bucket", "cli-shut"},
		{"harden", "-dry-run", "-bucket", "cli-shut"},
		{"audit", "-bucket", "cli-shut"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			f.ResetCounts()
			code, stdout, stderr := runCLI(t, "", append([]string{"-endpoint", f.URL, "-region", "us-east-1"}, args...)...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Empty(t, stdout, "no rows")
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Contains(t, stderr, "bucket cli-shut: ")
			assert.Contains(t, stderr, "all access to the bucket has been disabled (S3's AllAccessDisabled: contact AWS Support)")
			assert.Contains(t, stderr, "AllAccessDisabled: All access to this object has been disabled")
			for _, junk := range []string{"RequestID", "HostID", "operation error", "https response error", owner.SecretAccessKey} {
				assert.NotContains(t, stderr, junk)
			}
			// (audit lists the account's buckets first: no request to
			// this one.)
			assert.Equal(t, 1, f.TotalCount()-f.Count("ListBuckets"), "one request to the bucket: %v", f.Counts())
			assert.Zero(t, f.WriteCount(), "nothing written: %v", f.Counts())
		})
	}
}
