package usage

import (
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/credsafe"
)

// Every request this package sends passes one of these options: the
// client's credentials report a provider's failure by its error's types,
// not its text, which can quote the credentials (internal/credsafe), as
// securebucket's and analyzer's requests do. The package's own errors
// ([Error], [ReadError]) redact such text too, for a client whose options
// an interface wrapper does not pass on.

func safeS3(o *s3.Options) { o.Credentials = credsafe.Provider(o.Credentials) }

func safeIAM(o *iam.Options) { o.Credentials = credsafe.Provider(o.Credentials) }
