package securebucket

import (
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// Every request this package sends passes one of these options: the
// client's retryer, except that a setup problem (credentials that cannot
// be retrieved or that AWS refuses, a refused connection, a host that does
// not resolve, a TLS failure; see internal/setuperr) is not retried, since
// retrying cannot fix it. The SDK's standard retryer retries refused
// connections and unreachable credential sources; [Retry]'s own retries
// skip them too (rmw.Retryable). And the client's credentials report a
// provider's failure by its error's types, not its text, which can quote
// the credentials (internal/credsafe).

func noSetupRetry(o *s3.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}

func noSetupRetryControl(o *s3control.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}

func noSetupRetryTrail(o *cloudtrail.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}
