package cloudfront

import "github.com/s3secure/s3secure/policy"

// ResourceMatches exposes the matcher the Signer uses to check that a
// custom policy's Resource covers the URL, so tests can show a pattern
// really reaches another host or object.
var ResourceMatches = policy.MatchString
