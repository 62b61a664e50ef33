// Package s3fake is an in-memory Amazon S3 that tells the truth about bucket
// configuration. It puts an http.Handler in front of gofakes3 (s3mem backend,
// which stores the objects) and owns everything gofakes3 gets wrong: every
// bucket configuration sub-resource, object ACLs and tags, SigV4
// verification, principals, authorization, a clock, fault injection and
// request counters.
//
// In tests, start with [Start] (HTTPS) or [StartHTTP] and talk to it through the real
// aws-sdk-go-v2 client from [Fake.OwnerClient] or [Fake.Client]:
//
//	f := s3fake.Start(t, nil)
//	_ = f.CreateBucket("legacy-bucket", s3fake.StateLegacy)
//	c := f.OwnerClient()
//	_, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("legacy-bucket")})
//	// err has code NoSuchPublicAccessBlockConfiguration, as on AWS.
//
// Outside tests (the CLI's serve command, examples/quickstart) use [New],
// which returns a [*Server] (an http.Handler), and [Server.OwnerCredential].
//
// # What it serves
//
// Bucket sub-resources, stored and answered with S3's XML, status codes and
// error codes: policy (JSON kept verbatim; 20 KB minified limit; malformed →
// MalformedPolicy, as is an action S3 does not have ("Policy has invalid
// action", judged by package policy's catalog) or one that applies to none
// of its statement's resources ("Action does not apply to any resource(s)
// in statement"; [Server.SetBucketPolicy] stores a policy without these
// checks); an IAM user or role that Options.KnownPrincipal does not
// know → MalformedPolicy "Invalid principal in policy"; public policy under
// BlockPublicPolicy → AccessDenied),
// policyStatus, publicAccessBlock (one that sets no flag → InvalidRequest),
// ownershipControls, encryption (with
// BlockedEncryptionTypes; DeleteBucketEncryption resets to SSE-S3), logging,
// versioning (with MFA delete and x-amz-mfa; MFA delete and a lifecycle
// configuration exclude each other, 409 InvalidBucketState), acl (canned,
// grant headers, XML body; AccessControlListNotSupported under
// BucketOwnerEnforced; public ACLs refused under BlockPublicAcls, and a
// CreateBucket with one under the account's), lifecycle (with its
// x-amz-transition-default-minimum-object-size, reset to
// all_storage_classes_128K by a PUT without it), object-lock, tagging,
// requestPayment (Payer BucketOwner, the default, or Requester), location;
// object-level acl and tagging, stored beside the object and never touching
// its bytes (those a CreateMultipartUpload gives are the object's when the
// upload completes). Any other sub-resource (cors, website, replication,
// notification, retention, legal-hold, …) answers 501 NotImplemented. Objects,
// listings, versions and multipart uploads are gofakes3's.
//
// Server access logs: a bucket with logging on (PutBucketLogging, as
// securebucket.Harden's Logging option sets it) has every request recorded
// in S3's documented log format (the operation names of
// internal/s3log/data, the requester as S3 writes it: an ARN, a root
// user's canonical ID, "-" when anonymous) and delivered to the target
// bucket and prefix as log objects named as S3 names them (simple or
// partitioned key format), when a batch is [AccessLogDelivery] old on the
// fake's clock or on [Server.FlushAccessLogs]; none is delivered into a
// Requester Pays target or one with a default Object Lock retention
// period, as S3 delivers none. [SignWithClock] signs a
// client's requests with the fake's clock, for traffic after Advance.
// Every response's Date is the fake clock's time, as S3's is S3's: an SDK
// client that retries corrects its clock skew from a RequestTimeTooSkewed
// answer, and every SDK client signs its later requests with that offset.
//
// Buckets start in one of two states ([BucketState]): [StateAWSDefault] (all
// Block Public Access flags on, BucketOwnerEnforced, SSE-S3 with SSE-C
// blocked), which is also what CreateBucket through the API gives unless
// [Options].CreateBucketState says otherwise, or [StateLegacy] (nothing
// configured, and GetBucketEncryption answers
// ServerSideEncryptionConfigurationNotFoundError as before 2023).
//
// CreateBucket honours LocationConstraint, x-amz-object-ownership,
// x-amz-bucket-object-lock-enabled and ACL headers; re-creating a bucket you
// own answers 200 in us-east-1 (S3's legacy behaviour) and
// BucketAlreadyOwnedByYou elsewhere; another account gets BucketAlreadyExists.
// x-amz-expected-bucket-owner is checked on every request.
//
// # Security defaults
//
//   - Every request's SigV4 signature is verified with presign.Verify, the
//     project's one SigV4 verifier (built on internal/sigv4): header-signed
//     and presigned (up to S3's 7-day limit), with expiry and the 15-minute
//     skew. aws-chunked uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, its
//     -TRAILER variant, STREAMING-UNSIGNED-PAYLOAD-TRAILER) are verified
//     chunk by chunk as gofakes3 reads them (every chunk signature, the
//     final chunk, x-amz-decoded-content-length, the trailer signature and
//     the trailing checksum) and stored only if all of it holds, else
//     answered with S3's error (SignatureDoesNotMatch, IncompleteBody,
//     InvalidChunkSizeError, MalformedTrailerError, BadDigest). An upload's
//     x-amz-checksum-* header is checked against its body (BadDigest), and a
//     hex x-amz-content-sha256 too (XAmzContentSHA256Mismatch). SigV4a is
//     answered 501 NotImplemented. Browser POST uploads are checked with presign.VerifyPost: the
//     policy's signature, expiration and every condition, then served as the
//     PutObject they ask for (success_action_status and
//     success_action_redirect as S3 answers them). Unsigned requests are
//     anonymous.
//   - Bucket policies, ACLs and Block Public Access (bucket and account
//     level) decide every request as in S3, with package policy's evaluator
//     ([NewPolicyAuthorizer], the default) and S3's definition of a public
//     policy ([PolicyIsPublic], which also drives GetBucketPolicyStatus and
//     BlockPublicPolicy). Principals of the bucket owner's account are
//     treated as having full identity-policy permissions (the fake has no
//     IAM). [OwnerOnlyAuthorize] is a simpler authorizer for tests that take
//     policies out of the picture; [AccessRequest] carries everything an
//     evaluator of your own needs ([Server.SetAuthorizer]).
//   - [Start] serves HTTPS, like AWS's endpoints, so aws:SecureTransport
//     and s3:TlsVersion are true to life; [StartHTTP] serves plain HTTP.
//   - Session tokens, secrets and the x-amz-mfa header are stripped before
//     gofakes3 sees a request, so they are never stored as object metadata.
//
// # Errors
//
// The fake answers S3's XML error document. [Error] is that answer as a Go
// value; an authorizer may return one to choose the exact response. [New]
// fails only on inconsistent [Options].
//
// # Known gaps and unverified choices
//
// Identity policies, SCPs and cross-account identity permissions are not
// modelled: another account's principal is decided by the bucket policy and
// ACLs alone. SigV4a signatures are not verified (501 NotImplemented).
// Unsigned browser POST uploads
// are refused, even into a bucket whose policy lets everyone write, and
// UploadPartCopy answers 501. Only path-style addressing is served. Choices
// where AWS's answer is not documented: an oversize policy answers 400
// MalformedPolicy; a PutBucketEncryption without BlockedEncryptionTypes
// clears the SSE-C block, and DeleteBucketEncryption resets to plain SSE-S3
// without it; MfaDelete changes without a valid x-amz-mfa answer 403
// AccessDenied, and x-amz-mfa over plain HTTP 400 InvalidRequest (the code
// S3 answers SSE-C keys over HTTP with); an aws-chunked upload without
// x-amz-decoded-content-length answers 411 MissingContentLength (S3
// answers the SDK's unknown-length upload 501 NotImplemented, for its
// Transfer-Encoding); a signed chunk over 16 MiB answers
// InvalidChunkSizeError (S3 documents no maximum).
package s3fake
