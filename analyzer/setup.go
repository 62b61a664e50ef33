package analyzer

import (
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// Every call this package makes passes one of these options: the client's
// retryer, except that a setup problem (no or refused credentials, an
// untrusted certificate, an unreachable endpoint) is not retried, since
// retrying cannot fix it. The SDK's standard retryer retries refused
// connections and unreachable credential sources. And the client's
// credentials report a provider's failure by its error's types, not its
// text, which can quote the credentials (internal/credsafe).

func noSetupRetryAA(o *accessanalyzer.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}

func noSetupRetryS3(o *s3.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}

func noSetupRetryControl(o *s3control.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}

func noSetupRetryIAM(o *iam.Options) {
	o.Retryer, o.Credentials = setuperr.Retryer(o.Retryer), credsafe.Provider(o.Credentials)
}
