package presign_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// rotatingProvider hands out two access keys in turn, as a credentials
// cache does around a rotation, so the signing-key cache is exercised
// with misses from several goroutines at once.
type rotatingProvider struct {
	n     atomic.Uint64
	creds [2]aws.Credentials
}

func (r *rotatingProvider) Retrieve(context.Context) (aws.Credentials, error) {
	return r.creds[r.n.Add(1)%2], nil
}

func TestConcurrentUse(t *testing.T) {
	prov := &rotatingProvider{creds: [2]aws.Credentials{
		{AccessKeyID: "AKIAROTATE0000000001", SecretAccessKey: "secret-one"},
		{AccessKeyID: "AKIAROTATE0000000002", SecretAccessKey: "secret-two"},
	}}
	// The clock crosses midnight, so the derived key's day changes too.
	var tick atomic.Int64
	midnight := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return midnight.Add(time.Duration(tick.Add(1)%7-3) * time.Second) }
	p, err := presign.New(aws.Config{Region: "us-east-1", Credentials: prov}, &presign.Options{Now: clock})
	require.NoError(t, err)
	lookup := lookupFor(prov.creds[0], prov.creds[1])

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				r, err := p.Get(t.Context(), "b-ok", fmt.Sprintf("g%d/%d", g, i), nil)
				if err != nil {
					errs <- err
					return
				}
				req, _ := http.NewRequest(r.Method, r.URL, nil)
				if _, err := presign.Verify(req, lookup, &presign.VerifyOptions{Now: func() time.Time { return r.SignedAt }}); err != nil {
					errs <- fmt.Errorf("%s: %w", presign.Redact(r.URL), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}
