// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests,
// signed either in the Authorization header or as a presigned URL. It is the
// one place in s3secure that checks signatures: the in-memory S3 fake uses it
// for every request, and the public presign.Verify is built on it.
//
// Use [Verify] with a [LookupFunc] that maps access key IDs to
// [Credentials]. By default it implements the canonical request with S3's
// rules (the path is encoded once, never normalised; the payload hash comes
// from x-amz-content-sha256, UNSIGNED-PAYLOAD for presigned URLs). An
// aws-chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, its -TRAILER
// variant, STREAMING-UNSIGNED-PAYLOAD-TRAILER) gets its body replaced by a
// [ChunkedReader], which verifies every chunk signature, the trailer
// signature, the trailing checksum and the decoded length as the body is
// read, following "Signature Calculations for the Authorization Header:
// Transferring Payload in Multiple Chunks (Chunked Upload)"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html)
// and "Signature calculations for trailing headers"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html),
// whose worked examples are its test vectors. [NewChecksumReader] checks a
// body against an x-amz-checksum-* header the same way. With
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
//   - No byte of a signed chunk is returned before that chunk's signature
//     has verified, and a chunked body ends in io.EOF only once the final
//     zero-length chunk, x-amz-decoded-content-length, the trailer
//     signature and the trailing checksum have: a reader that keeps
//     nothing without io.EOF keeps nothing unverified. Chunks are held one
//     at a time (at most [MaxSignedChunkSize]), never the whole body, and
//     unsigned chunks not at all. Chunks other than the last must be at
//     least [MinChunkSize], as S3 requires.
//   - SigV4a (AWS4-ECDSA-P256-SHA256, and the
//     STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD chunks) is not verified, so
//     it is refused with NotImplemented rather than accepted unchecked.
//
// # Errors
//
// [ErrUnsigned] means the request carries no SigV4 authentication (treat it
// as anonymous). Every other failure is an [*Error] with S3's error code and
// HTTP status; compare with the sentinels ([ErrSignatureDoesNotMatch], …)
// using errors.Is. Reads of a chunked or checksummed body fail with one too
// ([ErrSignatureDoesNotMatch], [ErrIncompleteBody], [ErrInvalidChunkSize],
// [ErrMalformedTrailer], [ErrBadDigest], [ErrInvalidRequest]), whose Extra
// carries the elements S3 adds. No error message contains a secret, token
// or signature.
//
// See https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
package sigv4
