package analyzer_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAnalyzeAllRefusesARegionsRemotePlainHTTP: Fetch and AnalyzeAll check
// the endpoint of every S3 request, not only of the probe's: a client
// whose requests for one Region (here by its endpoint resolver) go over
// plain HTTP to a host that is not loopback, while the client's own
// Region's stay on loopback, sends nothing there, and that Region's
// bucket is not analysed (Err matching ErrPlainHTTPEndpoint), never "no
// finding". Before, the probe saw the client's Region only, and the
// eu-west-1 bucket was read over plain HTTP from the remote host, whose
// answers anyone on the path could have made "nothing public".
func TestAnalyzeAllRefusesARegionsRemotePlainHTTP(t *testing.T) {
	sf := s3fake.StartHTTP(t, &s3fake.Options{AccountID: owner})
	require.NoError(t, sf.CreateBucketWith("a-home", &s3fake.BucketOptions{State: s3fake.StateAWSDefault}))
	require.NoError(t, sf.CreateBucketWith("b-eu", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, Region: "eu-west-1"}))
	remote, sent := plainhttptest.RemoteRegion(sf.URL, "eu-west-1")
	c := sf.Client(sf.OwnerCredential(), remote)

	results, err := analyzer.AnalyzeAll(t.Context(), c, &analyzer.FetchOptions{Owner: owner})
	require.NoError(t, err)
	require.Len(t, results, 2)
	assert.Zero(t, sent.Sent(), "no request went to the remote plain-HTTP host")
	require.NoError(t, results[0].Err)
	assert.Equal(t, "b-eu", results[1].Bucket)
	assert.Empty(t, results[1].Findings)
	require.ErrorIs(t, results[1].Err, analyzer.ErrPlainHTTPEndpoint, "not analysed, not \"no finding\"")
	var pe *analyzer.RemotePlainHTTPError
	require.ErrorAs(t, results[1].Err, &pe)
	assert.Contains(t, pe.Endpoint, "http://s3.eu-west-1.example.net:")

	_, err = analyzer.Fetch(t.Context(), c, "b-eu", &analyzer.FetchOptions{Owner: owner, Region: "eu-west-1"})
	require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
	assert.Zero(t, sent.Sent(), "no request went to the remote plain-HTTP host")

	// AllowInsecureTransport lets the requests go.
	results, err = analyzer.AnalyzeAll(t.Context(), c, &analyzer.FetchOptions{Owner: owner, AllowInsecureTransport: true})
	require.NoError(t, err)
	require.Len(t, results, 2)
	assert.NoError(t, results[1].Err)
	assert.Positive(t, sent.Sent())
}
