package analyzer_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
)

// TestListFindingsV2UnknownDetailsBlock: GetFindingV2 details of a union
// member this version does not know (a kind of access AWS adds later)
// were dropped, so an active finding with only such details gave no
// Finding at all and read as "no bucket shared". It is now one Finding
// per such entry whose Error says the access is unknown, which blocks
// while the finding is active.
func TestListFindingsV2UnknownDetailsBlock(t *testing.T) {
	f, c := aafake.Start(t, &aafake.Options{DetailsMember: "crossPartitionAccessDetails"})
	f.AddAnalyzer("us-east-1", "main", types.TypeAccount)
	a, err := analyzer.EnsureAnalyzer(t.Context(), c, nil)
	require.NoError(t, err)
	_, err = f.SeedFinding(a.ARN, s3Finding("shared", true, map[string]string{"AWS": "*"}, nil, types.FindingSourceTypePolicy))
	require.NoError(t, err)

	got, err := analyzer.ListFindings(t.Context(), c, a, &analyzer.ListOptions{UseV2: true})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "shared", got[0].Bucket)
	assert.Equal(t, types.FindingStatusActive, got[0].Status)
	assert.Contains(t, got[0].Error, "details are of a kind this version does not read (crossPartitionAccessDetails)")
	assert.True(t, got[0].Blocking())
}
