package analyzer_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
)

// TestListFindingsErrorFindingIsNeverFilteredOut: a finding Access
// Analyzer could not complete for a bucket (Error set, no isPublic) says
// nothing about whether the bucket is public, so PublicOnly and
// CrossAccountOnly both keep it: a public-only gate must not read "could
// not analyze" as "not public".
func TestListFindingsErrorFindingIsNeverFilteredOut(t *testing.T) {
	for _, useV2 := range []bool{false, true} {
		for _, opt := range []analyzer.ListOptions{{PublicOnly: true}, {CrossAccountOnly: true}} {
			t.Run(fmt.Sprintf("v2=%v public=%v", useV2, opt.PublicOnly), func(t *testing.T) {
				f, a, seed := seedAnalyzer(t, types.TypeAccount)
				seed(types.Finding{Resource: aws.String("arn:aws:s3:::unknown-bkt"), Error: aws.String("ACCESS_DENIED")})
				seed(s3Finding("public-bkt", true, map[string]string{"AWS": "*"}, nil, types.FindingSourceTypePolicy))
				seed(s3Finding("partner-bkt", false, map[string]string{"AWS": "444455556666"}, nil, types.FindingSourceTypePolicy))
				opt.UseV2 = useV2
				got, err := analyzer.ListFindings(t.Context(), f.Client("us-east-1"), a, &opt)
				require.NoError(t, err)
				want := []string{"unknown-bkt", "partner-bkt"}
				if opt.PublicOnly {
					want = []string{"unknown-bkt", "public-bkt"}
				}
				assert.ElementsMatch(t, want, buckets(got))
				for _, x := range got {
					if x.Bucket == "unknown-bkt" {
						assert.Equal(t, "ACCESS_DENIED", x.Error)
					}
				}
			})
		}
	}
}

// TestFindingBlocking: ACTIVE access from outside the zone blocks, and so
// does an ACTIVE error finding (its access is unknown); archived,
// resolved and internal findings do not.
func TestFindingBlocking(t *testing.T) {
	ctx := t.Context()
	f, a, seed := seedAnalyzer(t, types.TypeAccount)
	c := f.Client("us-east-1")
	seed(types.Finding{Resource: aws.String("arn:aws:s3:::unknown-bkt"), Error: aws.String("INTERNAL_ERROR")})
	seed(s3Finding("public-bkt", true, map[string]string{"AWS": "*"}, nil, types.FindingSourceTypePolicy))
	archived := seed(s3Finding("old-bkt", true, map[string]string{"AWS": "*"}, nil, types.FindingSourceTypePolicy))
	require.NoError(t, analyzer.Archive(ctx, c, a, archived))
	got, err := analyzer.ListFindings(ctx, c, a, &analyzer.ListOptions{IncludeArchived: true})
	require.NoError(t, err)
	blocking := map[string]bool{}
	for _, x := range got {
		blocking[x.Bucket] = x.Blocking()
	}
	assert.Equal(t, map[string]bool{"unknown-bkt": true, "public-bkt": true, "old-bkt": false}, blocking)
	internal := analyzer.Finding{Status: types.FindingStatusActive, Kind: analyzer.KindInternal}
	assert.False(t, internal.Blocking())
	resolved := analyzer.Finding{Status: types.FindingStatusResolved, Error: "INTERNAL_ERROR"}
	assert.False(t, resolved.Blocking())
}
