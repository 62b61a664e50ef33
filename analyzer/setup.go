package analyzer

import (
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3secure/s3secure/internal/setuperr"
)

// Every call this package makes passes one of these options: the client's
// retryer, except that a setup problem (no or refused credentials, an
// untrusted certificate, an unreachable endpoint) is not retried, since
// retrying cannot fix it. The SDK's standard retryer retries refused
// connections and unreachable credential sources.

func noSetupRetryAA(o *accessanalyzer.Options) { o.Retryer = setuperr.Retryer(o.Retryer) }
func noSetupRetryS3(o *s3.Options)             { o.Retryer = setuperr.Retryer(o.Retryer) }
func noSetupRetryControl(o *s3control.Options) { o.Retryer = setuperr.Retryer(o.Retryer) }
func noSetupRetryIAM(o *iam.Options)           { o.Retryer = setuperr.Retryer(o.Retryer) }
