// Package s3secure is the front door of a library that makes the secure way
// to use Amazon S3 the default way. This package holds documentation only;
// the work is done by the packages below it.
//
// For most use cases, start with [github.com/s3secure/s3secure/securebucket]:
// securebucket.Harden makes an existing bucket private and hardened in one
// call (Block Public Access, ACLs disabled, default encryption with SSE-C
// blocked, versioning, a TLS-only bucket policy merged with yours, an
// abort-incomplete-uploads lifecycle rule), securebucket.Create makes a new
// bucket that is hardened from its first moment, and securebucket.Audit and
// securebucket.AuditAll report where buckets stand against the AWS Security
// Hub and CIS controls for S3. Running Harden twice changes nothing the second
// time, and it never drops a statement, lifecycle rule or setting of yours.
//
// To write or judge a policy, use [github.com/s3secure/s3secure/policy]:
// typed documents that round-trip losslessly, a builder that derives
// least-privilege statements from intent (it cannot put an object action on
// a bucket ARN), ready-made statements, merge by Sid, Validate with IAM Access
// Analyzer's issue codes, a compiled evaluator, and S3's rules for what is
// public. Every other package writes and judges policies through it.
//
// To hand out temporary access to objects, use
// [github.com/s3secure/s3secure/presign]: presigned URLs and POST forms whose
// expiry is capped, whose keys are validated, and whose upload headers are
// signed; presign.Verify checks them on the way in.
//
// To serve a private bucket through CloudFront, use
// [github.com/s3secure/s3secure/cloudfront]: Origin Access Control wiring with
// secure distribution defaults, the legacy Origin Access Identity and a safe
// migration from it, and signed URLs and cookies.
//
// To learn who outside your account can reach a bucket, use
// [github.com/s3secure/s3secure/analyzer]: IAM Access Analyzer findings for
// S3 from Go, and an offline analyzer that computes the same kind of findings
// from a bucket's policy, ACL, Block Public Access, access points and
// Multi-Region Access Points without Access Analyzer.
//
// The command-line tool in examples/s3secure exposes all of it, and
// examples/quickstart tells the whole story in one run against the embedded
// in-memory S3 (go run ./examples/quickstart).
//
// # Security defaults
//
// The zero value of every options struct is the safe choice. Anything weaker
// is a named, documented opt-in whose field name starts with Allow or
// Insecure, so a single search finds every opt-out in a program.
//
// A verdict read over plain HTTP from another machine is not one to gate a
// deploy on: SigV4 signs the requests, but nothing authenticates the
// answers, so anyone on the network path could rewrite them into a PASS.
// The calls that produce verdicts refuse, before any request, a client
// whose requests would go over plain HTTP to a host that is not loopback
// (127.0.0.0/8, ::1, localhost, where the in-memory fakes and moto run),
// with an error matching ErrPlainHTTPEndpoint of their package (one
// shared value); AllowInsecureTransport of their options allows it. They
// fail closed: a client that does not let them see its endpoint (a wrapper
// that drops the per-call options, a test double) is refused the same way.
// The requests a bucket's Region's endpoint receives (AuditAll,
// AnalyzeAll) are checked as each is sent.
//
// # Errors
//
// Each package exports Err… sentinel errors for the conditions callers branch
// on and typed errors that carry context and unwrap to the cause. AWS API
// errors are wrapped exactly once and can be reached with errors.As and
// smithy.APIError. No error, log line or String method ever contains a secret
// key, session token or signature. That holds for a credentials provider's
// failure too, whose own message can quote the credentials (aws-sdk-go-v2's
// credential_process provider puts the whole process output, secret key
// and session token included, into its error when the output does not
// parse): the failure is named by the types of its error chain. presign
// does so for the configuration it is given; securebucket, analyzer,
// cloudfront, organization and usage wrap the credentials of the
// configurations they are given and of every request they send through a
// client they are given; and the error types of those packages print an
// SDK error holding such a failure the same way. errors.As still reaches the
// provider's error; its own Error text is the caller's to keep safe.
//
// # Panics
//
// The functions that work in parallel (analyzer.AnalyzeAll,
// securebucket.AuditAll and securebucket.PlanAccountPublicAccessBlock,
// organization.Run and organization.Audit, usage.Suggest) run their
// workers in goroutines of their own. A panic in one of them, whether a
// bug of s3secure's or in a function of the caller's that a worker calls
// (a Progress callback, a usage Source or Object.Open, an
// organization Work function, a client implementing one of the narrow
// client interfaces), does not end the program from a goroutine the caller
// cannot recover in: the function stops its other workers as it does for a
// fatal error, waits for them, and then panics in the caller's goroutine,
// as it would have had it run sequentially. It returns no result (no
// partial report that could read as clean). The panic value is an error
// whose message names the function and the original value (an error's
// text as errors are printed here, a string as it is, any other value by
// its type only, since a struct can hold credentials); errors.Is and
// errors.As reach an error value through Unwrap, and the methods Value()
// any and Stack() []byte return the original value and the worker's stack.
// A bug stays a panic, not an error that a caller could count as UNKNOWN
// and move past. A function of the caller's that such a function calls in
// the caller's own goroutine (organization's emit and Progress, a usage
// Source's Objects) panics there as it is, after the workers have been
// stopped and waited for: no goroutine outlives the call.
package s3secure
