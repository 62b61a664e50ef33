package s3fake

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// SignWithClock returns an S3 client option that signs requests with the
// server's clock rather than the machine's, so that a test can Advance the
// fake (a week of traffic, log delivery, expiring credentials) and still
// make signed requests: the fake checks the 15-minute skew against its own
// clock, as S3 does against its. Use it with [Fake.Client]:
//
//	c := f.Client(cred, s3fake.SignWithClock(f.Server))
func SignWithClock(s *Server) func(*s3.Options) {
	return func(o *s3.Options) {
		o.HTTPSignerV4 = clockSigner{now: s.Now, signer: v4.NewSigner(func(so *v4.SignerOptions) {
			so.DisableURIPathEscaping = true // as the S3 client's own signer
		})}
	}
}

type clockSigner struct {
	now    func() time.Time
	signer *v4.Signer
}

func (c clockSigner) SignHTTP(ctx context.Context, cred aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) error {
	return c.signer.SignHTTP(ctx, cred, r, payloadHash, service, region, c.now(), optFns...)
}
