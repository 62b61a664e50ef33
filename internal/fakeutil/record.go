package fakeutil

import (
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// QueryRecorder is an aws.HTTPClient for tests: it records the raw query
// of every request Match accepts, then sends it with Next.
type QueryRecorder struct {
	Next  aws.HTTPClient
	Match func(*http.Request) bool

	mu      sync.Mutex
	queries []string
}

// Do records r's query when Match accepts r, and sends r with Next.
func (c *QueryRecorder) Do(r *http.Request) (*http.Response, error) {
	if c.Match(r) {
		c.mu.Lock()
		c.queries = append(c.queries, r.URL.RawQuery)
		c.mu.Unlock()
	}
	return c.Next.Do(r)
}

// Queries returns the queries recorded so far.
func (c *QueryRecorder) Queries() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.queries...)
}

// IsListBuckets reports whether r is an S3 ListBuckets request (GET / with
// no bucket, path-style).
func IsListBuckets(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == "/" }
