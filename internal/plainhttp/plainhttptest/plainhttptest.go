// Package plainhttptest gives tests an aws.Config whose clients send
// their requests over plain HTTP to a host that is not loopback
// (192.0.2.1, TEST-NET-1, where nothing answers), through an HTTP client
// that counts the requests it is asked to send and sends none.
package plainhttptest

import (
	"errors"
	"net/http"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
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
