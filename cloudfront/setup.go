package cloudfront

import (
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// Every request this package sends passes one of these options: the
// client's retryer, except that a setup problem (credentials that cannot
// be retrieved or that AWS refuses, a refused connection, a host that does
// not resolve, a TLS failure; see internal/setuperr) is not retried, since
// retrying cannot fix it. The SDK's standard retryer retries refused
// connections and unreachable credential sources; the write discipline's
// own retries skip them too (rmw.Retryable). And the client's credentials
// report a provider's failure by its error's types, not its text, which
// can quote the credentials (internal/credsafe).

func noSetupRetryCF(o *cfsdk.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}

func noSetupRetryS3(o *s3.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}

func noSetupRetryKMS(o *kms.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}
