package analyzer_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAnalyzeAllRegionRefusesTheToken: S3 in ap-east-1 (an opt-in Region)
// refuses the session token with 400 InvalidToken, as AWS does for a
// token valid only in the Regions enabled by default, while the client's
// Region answers. AnalyzeAll analyses the other Regions' buckets (the
// public one is found) and reports the ap-east-1 buckets as not analysed
// (Err a *RegionError naming the Region, wrapping InvalidToken), never as
// "no finding"; the second of them gets no request. Before, AnalyzeAll
// returned the InvalidToken error and no results at all.
func TestAnalyzeAllRegionRefusesTheToken(t *testing.T) {
	ctx := t.Context()
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner})
	require.NoError(t, sf.CreateBucketWith("a-home", &s3fake.BucketOptions{State: s3fake.StateLegacy}))
	for name, region := range map[string]string{"b-eu": "eu-west-1", "c-hk": "ap-east-1", "d-hk": "ap-east-1"} {
		require.NoError(t, sf.CreateBucketWith(name, &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: region}))
	}
	owners := ownerClient(sf)
	_, err := owners.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("b-eu"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + fmt.Sprintf(publicRead, "b-eu") + `]}`)},
		func(o *s3.Options) { o.Region = "eu-west-1" })
	require.NoError(t, err)
	session := sf.AddRole(owner, "auditor", "run")
	c := sf.Client(session, func(o *s3.Options) { o.Retryer = aafake.ClosedConnRetryer{} })

	sf.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultInvalidToken, Region: "ap-east-1"})
	sf.ResetCounts()
	results, err := analyzer.AnalyzeAll(ctx, c, &analyzer.FetchOptions{Owner: owner, Concurrency: 1})
	require.NoError(t, err, "a Region's setup problem does not stop the run")
	require.Len(t, results, 4)
	byName := map[string]analyzer.BucketResult{}
	for _, r := range results {
		byName[r.Bucket] = r
	}
	require.NoError(t, byName["a-home"].Err)
	assert.Empty(t, byName["a-home"].Findings)
	require.NoError(t, byName["b-eu"].Err)
	require.Len(t, byName["b-eu"].Findings, 1)
	assert.True(t, byName["b-eu"].Findings[0].Public)
	for _, b := range []string{"c-hk", "d-hk"} {
		r := byName[b]
		assert.Empty(t, r.Findings, b)
		var re *analyzer.RegionError
		require.ErrorAs(t, r.Err, &re, "%s: not analysed, not \"no finding\"", b)
		assert.Equal(t, "ap-east-1", re.Region)
		assert.Equal(t, "us-east-1", re.ClientRegion)
		var ae smithy.APIError
		require.ErrorAs(t, r.Err, &ae)
		assert.Equal(t, "InvalidToken", ae.ErrorCode())
		assert.Contains(t, r.Err.Error(), "analyzer: Region ap-east-1 could not be read, while the client's Region (us-east-1) answered: ")
		assert.NotContains(t, r.Err.Error(), session.SessionToken)
	}
	assert.Equal(t, 3, sf.Count("GetBucketPolicy"), "d-hk was not started: its Region is known unreachable")
	assert.Equal(t, 2, sf.Count("ListBuckets"), "the listing, and one look at the client's Region")
}

// TestAnalyzeAllStopsWhenTheClientsRegionRefusesToo: credentials that are
// revoked while a bucket of another Region is read are refused in the
// client's Region too: AnalyzeAll stops with the setup problem, as before.
func TestAnalyzeAllStopsWhenTheClientsRegionRefusesToo(t *testing.T) {
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner})
	for _, name := range []string{"eu-0", "eu-1", "eu-2"} {
		require.NoError(t, sf.CreateBucketWith(name, &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: "eu-west-1"}))
	}
	session := sf.AddRoleUntil(owner, "auditor", "run", sf.Now().Add(time.Hour))
	c := sf.Client(session, s3fake.SignWithClock(sf.Server), func(o *s3.Options) { o.Retryer = aafake.ClosedConnRetryer{} })
	results, err := analyzer.AnalyzeAll(t.Context(), c, &analyzer.FetchOptions{Owner: owner, Concurrency: 1,
		Progress: func(p analyzer.Progress) {
			if p.Done == 1 {
				sf.Advance(2 * time.Hour)
			}
		}})
	require.Error(t, err)
	assert.Nil(t, results)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ExpiredToken", ae.ErrorCode())
	var re *analyzer.RegionError
	assert.False(t, errors.As(err, &re), "not a Region's problem: %v", err)
}
