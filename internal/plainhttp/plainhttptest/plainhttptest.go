// Package plainhttptest gives tests an aws.Config whose clients send
// their requests over plain HTTP to a host that is not loopback
// (192.0.2.1, TEST-NET-1, where nothing answers), through an HTTP client
// that counts the requests it is asked to send and sends none.
package plainhttptest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// Endpoint is the plain-HTTP, non-loopback endpoint of [Config].
const Endpoint = "http://192.0.2.1:9"

// ErrNotSent is what every request of a [Config] client fails with.
var ErrNotSent = errors.New("plainhttptest: request not sent")

// Sender counts the requests its clients were asked to send.
type Sender struct{ n atomic.Int64 }

// Do counts r and fails with ErrNotSent.
func (s *Sender) Do(*http.Request) (*http.Response, error) {
	s.n.Add(1)
	return nil, ErrNotSent
}

// Sent is the number of requests the clients were asked to send.
func (s *Sender) Sent() int64 { return s.n.Load() }

// Config returns a config for Region us-east-1 with static credentials,
// BaseEndpoint [Endpoint] for every service, one attempt per request and
// the Sender as HTTP client.
func Config() (aws.Config, *Sender) {
	s := &Sender{}
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		BaseEndpoint: aws.String(Endpoint),
		HTTPClient:   s,
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}, s
}

// RemoteRegion returns an S3 client option that sends the requests for
// region over plain HTTP to s3.REGION.example.net, a host that is not
// loopback, and every other Region's where the client sends them, with an
// HTTP client that dials fakeURL's host and port whatever the host, as a
// proxy on the network path would answer. The Sender counts the
// connections dialed for the remote host.
func RemoteRegion(fakeURL, region string) (func(*s3.Options), *Sender) {
	u, err := url.Parse(fakeURL)
	if err != nil {
		panic("plainhttptest: " + err.Error())
	}
	s := &Sender{}
	remote := "http://s3." + region + ".example.net:" + u.Port()
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(addr); host != u.Hostname() {
			s.n.Add(1)
		}
		return (&net.Dialer{}).DialContext(ctx, network, u.Host)
	}
	return func(o *s3.Options) {
		o.EndpointResolverV2 = remoteRegion{region: region, remote: remote, next: s3.NewDefaultEndpointResolverV2()}
		o.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: dial, DisableKeepAlives: true}}
	}, s
}

// remoteRegion is an S3 endpoint resolver that resolves region's requests
// for the endpoint remote.
type remoteRegion struct {
	region, remote string
	next           s3.EndpointResolverV2
}

func (r remoteRegion) ResolveEndpoint(ctx context.Context, p s3.EndpointParameters) (smithyendpoints.Endpoint, error) {
	if aws.ToString(p.Region) == r.region {
		p.Endpoint = aws.String(r.remote)
	}
	return r.next.ResolveEndpoint(ctx, p)
}

// RemoteControlRegion returns an S3 Control client option that resolves
// the requests for region over plain HTTP at s3-control.REGION.example.net,
// a host that is not loopback, and every other Region's where the client
// resolves them, and sends them all through next (an HTTP client that
// reaches the fake whatever the host, as a proxy on the network path
// would answer). The Sender counts the requests for example.net hosts.
func RemoteControlRegion(region string, next *http.Client) (func(*s3control.Options), *Sender) {
	s := &Sender{}
	return func(o *s3control.Options) {
		o.EndpointResolverV2 = remoteControlRegion{region: region, next: s3control.NewDefaultEndpointResolverV2()}
		o.HTTPClient = countRemote{s: s, next: next}
	}, s
}

// remoteControlRegion is an S3 Control endpoint resolver that resolves
// region's requests at http://s3-control.REGION.example.net.
type remoteControlRegion struct {
	region string
	next   s3control.EndpointResolverV2
}

func (r remoteControlRegion) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	if aws.ToString(p.Region) == r.region {
		p.Endpoint = aws.String("http://s3-control." + r.region + ".example.net")
	}
	return r.next.ResolveEndpoint(ctx, p)
}

// countRemote counts the requests for example.net hosts and sends every
// request through next.
type countRemote struct {
	s    *Sender
	next *http.Client
}

func (c countRemote) Do(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Hostname(), ".example.net") {
		c.s.n.Add(1)
	}
	return c.next.Do(r)
}
