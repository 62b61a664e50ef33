package analyzer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
)

// delegation is a bucket policy statement that delegates access control to
// the owner's access points (and Multi-Region Access Points): "For an
// application or user to be able to access objects through an access
// point, both the access point and the underlying bucket must permit the
// request" (S3 user guide, Configuring IAM policies for using access
// points), and with the delegation the bucket permits what the access
// point's policy does.
const delegation = `{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],` +
	`"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + owner + `"}}}`

// TestAnalyzeUnreadAccessPointsOfADelegatingBucket: when the bucket policy
// delegates access to access points and they could not be read
// (BucketState.Unread), Analyze reports a blocking finding with an Error
// naming what was not read, never "no finding": what the access points
// allow, public access included, is unknown. Before, it returned no
// finding, and AnalyzeBucket and AnalyzeAll, which do not return the
// state, said "nothing" for a bucket public through its access point.
// Without a delegation the access points can grant nothing the bucket
// policy does not, and Unread changes nothing.
func TestAnalyzeUnreadAccessPointsOfADelegatingBucket(t *testing.T) {
	for _, unread := range [][]string{
		{analyzer.UnreadAccessPoints},
		{analyzer.UnreadMultiRegionAccessPoints},
		{analyzer.UnreadAccessPoints, analyzer.UnreadMultiRegionAccessPoints},
	} {
		b := state(stmts(delegation))
		b.Unread = unread
		got, err := analyzer.Analyze(b, nil)
		require.NoError(t, err)
		require.Len(t, got, 1, "%v: %+v", unread, got)
		f := got[0]
		assert.True(t, f.Blocking(), "%v", unread)
		assert.Equal(t, "Delegate", f.Sid)
		assert.Equal(t, 0, f.Statement)
		assert.Equal(t, "bkt", f.Bucket)
		for _, u := range unread {
			assert.Contains(t, f.Error, u)
		}
	}

	b := state(stmts(delegation))
	got, err := analyzer.Analyze(b, nil)
	require.NoError(t, err)
	assert.Empty(t, got, "access points read, none public: no finding")

	// A delegation that may reach the owner's access points: negated, or
	// by a pattern.
	for _, cond := range []string{
		`{"StringNotEquals":{"s3:DataAccessPointAccount":"444455556666"}}`,
		`{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:*:accesspoint/*"}}`,
	} {
		b = state(stmts(`{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"arn:aws:s3:::bkt/*","Condition":` + cond + `}`))
		b.Unread = []string{analyzer.UnreadAccessPoints}
		got, err = analyzer.Analyze(b, nil)
		require.NoError(t, err)
		assert.True(t, slices.ContainsFunc(got, func(f analyzer.Finding) bool { return f.Blocking() && strings.HasPrefix(f.Error, "UNREAD") }), "%s: %+v", cond, got)
	}

	// A delegation to another account's access points alone is judged
	// from the policy (cross-account access point access), not unknown.
	b = state(stmts(`{"Sid":"Foreign","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*",` +
		`"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"444455556666"}}}`))
	b.Unread = []string{analyzer.UnreadAccessPoints}
	got, err = analyzer.Analyze(b, nil)
	require.NoError(t, err)
	require.NotEmpty(t, got)
	for _, f := range got {
		assert.Empty(t, f.Error, "%+v", f)
	}

	b = state(stmts(`{"Sid":"Own","Effect":"Allow","Principal":{"AWS":"` + owner + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`))
	b.Unread = []string{analyzer.UnreadAccessPoints, analyzer.UnreadMultiRegionAccessPoints}
	got, err = analyzer.Analyze(b, nil)
	require.NoError(t, err)
	assert.Empty(t, got, "no delegation: the access points grant nothing the bucket policy does not")
}
