package analyzer_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAnalyzeAllAccessPointRegionConfined: a bucket's access points are
// read from its Region's S3 Control endpoint (d732961). When that endpoint
// alone cannot be reached (here it refuses connections) while S3 there,
// and the client's own Region, answer, the problem is that Region's, as it
// is for the bucket's S3 reads: its buckets are reported not analysed
// (Err a *RegionError), the other Regions' are analysed, and the run goes
// on. Before, the access point listing's error was not counted as the
// bucket's Region's, and the whole run stopped.
func TestAnalyzeAllAccessPointRegionConfined(t *testing.T) {
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner})
	require.NoError(t, sf.CreateBucketWith("a-home", &s3fake.BucketOptions{State: s3fake.StateLegacy}))
	require.NoError(t, sf.CreateBucketWith("b-eu", &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: "eu-west-1"}))
	cf := s3controlfake.Start(t, &s3controlfake.Options{AccountID: owner})
	loopback := s3controlfake.LoopbackHTTPClient(cf.Addr)
	ctl := cf.Client(func(o *s3control.Options) {
		o.Retryer = aafake.ClosedConnRetryer{}
		o.EndpointResolverV2 = refusedIn{region: "eu-west-1", next: s3control.NewDefaultEndpointResolverV2()}
		o.HTTPClient = refusedOr{next: loopback}
	})

	results, err := analyzer.AnalyzeAll(t.Context(), ownerClient(sf), &analyzer.FetchOptions{Owner: owner, Concurrency: 1,
		Control: &analyzer.S3Control{Client: ctl, Account: owner}})
	require.NoError(t, err, "one Region's S3 Control endpoint does not stop the run")
	require.Len(t, results, 2)
	require.NoError(t, results[0].Err)
	var re *analyzer.RegionError
	require.ErrorAs(t, results[1].Err, &re, "not analysed, not \"no finding\"")
	assert.Equal(t, "eu-west-1", re.Region)
	assert.Empty(t, results[1].Findings)
}

// refusedIn resolves S3 Control's requests for region at 127.0.0.1:1.
type refusedIn struct {
	region string
	next   s3control.EndpointResolverV2
}

func (r refusedIn) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	if aws.ToString(p.Region) == r.region {
		p.Endpoint = aws.String("http://127.0.0.1:1")
	}
	return r.next.ResolveEndpoint(ctx, p)
}

// refusedOr sends the requests for 127.0.0.1:1 (with S3 Control's
// account prefix) there, where nothing listens, and every other request
// through next.
type refusedOr struct{ next *http.Client }

func (c refusedOr) Do(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Host, "127.0.0.1:1") {
		d := &net.Dialer{}
		return (&http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, "127.0.0.1:1")
		}}}).Do(r)
	}
	return c.next.Do(r)
}
