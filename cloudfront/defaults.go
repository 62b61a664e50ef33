package cloudfront

import (
	"crypto"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/s3secure/s3secure/policy"
)

// Distribution defaults. Each is the secure choice; the option that weakens
// it is named beside it.
const (
	// DefaultViewerProtocolPolicy sends viewers on plain HTTP to HTTPS
	// (Options.HTTPSOnly refuses HTTP outright; Options.InsecureAllowHTTPViewers
	// serves both).
	DefaultViewerProtocolPolicy = types.ViewerProtocolPolicyRedirectToHttps
	// DefaultMinimumProtocolVersion is the viewer TLS policy with a custom
	// certificate: TLS 1.2 or later with forward-secret ciphers only
	// (Options.InsecureMinimumProtocolVersion weakens it). With the default
	// *.cloudfront.net certificate CloudFront always uses TLSv1, whatever is
	// set.
	DefaultMinimumProtocolVersion = types.MinimumProtocolVersionTLSv122021
	// DefaultHTTPVersion enables HTTP/2 and HTTP/3 for viewers (faster, and
	// HTTP/3 is TLS 1.3 only).
	DefaultHTTPVersion = types.HttpVersionHttp2and3
	// DefaultCachePolicyID is the managed CachingOptimized cache policy: no
	// cookies, headers or query strings in the cache key or to the origin, so
	// nothing viewer-controlled reaches S3.
	DefaultCachePolicyID = "658327ea-f89d-4fab-a63d-7e88639e58f6"
	// DefaultResponseHeadersPolicyID is the managed SecurityHeadersPolicy:
	// HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy,
	// X-XSS-Protection on every response (Options.ResponseHeadersPolicyID
	// replaces it; Options.AllowNoResponseHeadersPolicy drops it).
	DefaultResponseHeadersPolicyID = "67f7725c-6f97-4210-82d7-5512b31e9d03"
	// DefaultRootObject is served for "/", so the root URL never asks S3 for
	// the bucket itself.
	DefaultRootObject = "index.html"
	// DefaultPriceClass is all edge locations; price, not security, so any
	// value is accepted.
	DefaultPriceClass = types.PriceClassPriceClassAll
	// DefaultOriginID is the origin ID the wiring uses for the bucket.
	DefaultOriginID = "s3secure-s3-origin"
	// DefaultOACNamePrefix prefixes the name of the origin access control
	// created per bucket.
	DefaultOACNamePrefix = "s3secure-"
	// DefaultCallerReferencePrefix prefixes the CallerReference of created
	// distributions.
	DefaultCallerReferencePrefix = "s3secure-"
	// MaxConfigWriteAttempts bounds the writes of one distribution or
	// origin access control configuration change. Each write carries the
	// ETag of the read it was merged into (If-Match); when another writer
	// changed the configuration in between, CloudFront answers 412
	// PreconditionFailed, and the configuration is read again, the change
	// merged into what that writer left, and written again. After this many
	// refused writes the call fails with ErrConcurrentUpdate: something
	// keeps changing the configuration, and a person should look.
	MaxConfigWriteAttempts = 3
	// DefaultDeployPollInterval is how often Migrate polls the distribution
	// status while waiting for Deployed.
	DefaultDeployPollInterval = 20 * time.Second
	// DefaultDeployTimeout bounds Migrate's wait for Deployed (propagation
	// usually takes minutes); the remaining step is done on the next run.
	DefaultDeployTimeout = 25 * time.Minute
	// DefaultMaxSignedExpiry is the longest lifetime of a signed URL or
	// cookie: long enough to start a download or a viewing session, short
	// enough to limit a leak (SignerOptions.AllowExpiryUpTo raises it).
	DefaultMaxSignedExpiry = time.Hour
	// AbsoluteMaxSignedExpiry is the ceiling of SignerOptions.AllowExpiryUpTo:
	// the same 7 days S3 allows for presigned URLs.
	AbsoluteMaxSignedExpiry = 7 * 24 * time.Hour
	// DefaultCookieSameSite is Lax: cookies go with top-level navigation but
	// not with cross-site subrequests.
	DefaultCookieSameSite = http.SameSiteLaxMode
	// DefaultCookiePath scopes signed cookies to the whole distribution.
	DefaultCookiePath = "/"
	// DefaultSignatureHash hashes the policy a Signer signs: SHA-256, named
	// in the URL (Hash-Algorithm=SHA256) and cookies
	// (CloudFront-Hash-Algorithm=SHA256), because SHA-1 signatures fall to
	// practical chosen-prefix collisions (SignerOptions.InsecureSHA1
	// weakens it).
	DefaultSignatureHash = crypto.SHA256
)

// Policy statement Sids this package writes. Merging by Sid keeps every
// other statement of the bucket or key policy.
const (
	// OACStatementSid names the bucket policy statement that lets the
	// distribution read objects through its OAC.
	OACStatementSid = policy.SidAllowCloudFrontOAC
	// OAIStatementSid names the legacy OAI bucket policy statement.
	OAIStatementSid = policy.SidAllowCloudFrontOAI
	// KMSStatementSidPrefix prefixes the KMS key policy statement for a
	// distribution (the distribution ID follows), so several distributions
	// can share one key.
	KMSStatementSidPrefix = "S3SecureAllowCloudFrontSSEKMS"
)

// defaultAllowedMethods are the only methods viewers may use: read-only.
var defaultAllowedMethods = []types.Method{types.MethodGet, types.MethodHead}
