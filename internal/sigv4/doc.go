// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests,
// signed either in the Authorization header or as a presigned URL. It is the
// one place in s3secure that checks signatures: the in-memory S3 fake uses it
// for every request, and the public presign.Verify is built on it.
//
// Use [Verify] with a [LookupFunc] that maps access key IDs to
// [Credentials]. By default it implements the canonical request with S3's
// rules (the path is encoded once, never normalised; the payload hash comes
// from x-amz-content-sha256, UNSIGNED-PAYLOAD for presigned URLs; the
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD seed signature is accepted). With
// VerifyOptions.Service set to another signing name (cloudfront, iam,
// access-analyzer, …) it uses the generic rules: the path as sent on the
// wire is URI-encoded again (each segment encoded twice) and the payload
// hash is the body's SHA-256 ([VerifyOptions].PayloadHash). Query
// parameters are sorted after encoding for every service. It is tested
// against the official vectors and against requests produced by
// aws-sdk-go-v2's own signer for each of those services.
//
// # Security defaults
//
//   - Signatures and session tokens are compared in constant time.
//   - Header-signed requests more than 15 minutes from the clock are refused
//     (RequestTimeTooSkewed); presigned URLs are refused after
//     X-Amz-Date+X-Amz-Expires, and X-Amz-Expires above 604800 (7 days) is
//     refused outright.
//   - SignedHeaders must include host, and every x-amz-* header present in the
//     request must be signed.
//   - Temporary credentials must present their session token; permanent ones
//     must not present any.
//
// # Errors
//
// [ErrUnsigned] means the request carries no SigV4 authentication (treat it
// as anonymous). Every other failure is an [*Error] with S3's error code and
// HTTP status; compare with the sentinels ([ErrSignatureDoesNotMatch], …)
// using errors.Is. No error message contains a secret, token or signature.
//
// See https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
package sigv4
