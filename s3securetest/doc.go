// Package s3securetest runs an in-memory AWS for tests, as net/http/httptest
// runs an HTTP server: S3, S3 Control, STS, CloudFront, CloudTrail, Access
// Analyzer, IAM, Organizations and the Account Management API on one HTTPS
// endpoint on the loopback interface, with an aws.Config that every
// service client of aws-sdk-go-v2 accepts. It is
// what s3secure's own examples run against, so they can be copied into
// your code.
//
//	func TestHardenedBucketRefusesAnonymousReads(t *testing.T) {
//		srv := s3securetest.NewServer(t, &s3securetest.Options{LegacyBuckets: true})
//		client := s3.NewFromConfig(srv.Config)
//		// ... create a bucket, securebucket.Harden(ctx, client, bucket, nil), ...
//	}
//
// The S3 it serves tells the truth where a plain object store would not:
// it verifies every request's SigV4 signature (header-signed, presigned
// and browser POST), decides each request with the bucket's policy, ACLs
// and Block Public Access (bucket and account) as S3 does, and keeps every
// bucket configuration (policy, public access block, ownership controls,
// encryption, versioning, lifecycle, logging, tagging, object lock) with
// S3's own XML and error codes. Unsigned requests are anonymous. STS
// GetCallerIdentity names the caller's account and ARN; the other services
// keep their state per account ([Server.AddAccount]). Access Analyzer
// applies s3secure's own analysis, not AWS's: an analyzer's findings are
// what package analyzer's offline analysis finds in the account's buckets
// of its Region, analyzed when the analyzer is created and again whenever
// findings are read, so they follow every change of a policy, ACL, Block
// Public Access, access point or Multi-Region Access Point at once (AWS
// takes up to 30 minutes); and CheckNoPublicAccess uses S3's definition of
// public (package policy). S3 Control serves the Multi-Region Access Point
// operations in us-west-2 only, as AWS does: set that Region on those
// calls (the SDK does not).
//
// The server's HTTP error log goes to the standard logger (package log),
// as net/http's does, but with the signatures and session tokens of
// requests cut out (a handler's panic can quote the request), and with
// one line for the first failed TLS handshake and none for later ones.
//
// # Organizations
//
// With Options.Organization the owner account is the management account
// of an AWS Organization. [Server.AddMember] adds member accounts, each
// with its own services and credentials, optionally a role the owner
// account may assume (with an ExternalId its trust policy requires),
// suspended, or with its own enabled and disabled Regions. STS AssumeRole
// evaluates the role's trust policy and returns credentials that act as
// the role in the member account, so code that audits a whole
// organization (package organization) runs against the server as it runs
// against AWS:
//
//	srv := s3securetest.NewServer(t, &s3securetest.Options{Organization: true})
//	member, _ := srv.AddMember("222233334444", &s3securetest.MemberOptions{Role: "S3SecureAudit"})
//	// s3.NewFromConfig(member) creates the member's buckets; then
//	// organization.Audit(ctx, srv.Config, organizations.NewFromConfig(srv.Config),
//	//	sts.NewFromConfig(srv.Config), report, &organization.Options{Role: "S3SecureAudit"})
//
// # NewServer and Start
//
// [NewServer] takes a testing.TB: it fails the test when the server cannot
// start and closes it when the test ends, so a test needs no error
// handling and no defer. [Start] is the same server for code that is not a
// test (a program, a runnable example, a local playground): it returns an
// error and the caller must Close the server. One package serves both
// rather than a second package for programs, because the server is the
// same and small; NewServer is Start plus the testing.TB plumbing.
//
// # What the Config does
//
// [Server.Config] points at the endpoint (BaseEndpoint), signs as the
// owner account's root user with fixed, fake credentials, and carries an
// HTTP client that trusts only the server's own certificate authority and
// connects only to the server (S3 Control addresses ACCOUNT.host, which
// the client sends to the server too). The endpoint is an IP address, so
// the SDK addresses buckets path-style by itself. The Config reads
// nothing from the environment (AWS_PROFILE, AWS_ENDPOINT_URL, AWS_REGION,
// …) or shared configuration files, so a test behaves the same on every
// machine. Its retryer retries no service error: an injected fault reaches
// your code. For an anonymous client, copy the Config and set Credentials
// to aws.AnonymousCredentials{}.
//
// # Security defaults
//
//   - HTTPS, with a certificate authority generated for the server (its
//     private key never leaves the process); clients outside the process
//     trust [Server.CAFile]. Plain HTTP is the Options.InsecureHTTP opt-in,
//     under which a bucket that denies insecure transport refuses every
//     request, as on AWS.
//   - New buckets get what AWS gives them today (Block Public Access on,
//     ACLs disabled, SSE-S3); Options.LegacyBuckets starts them with
//     nothing, to test code that finds and fixes old buckets.
//   - The server listens on the loopback interface only.
//
// # Errors
//
// [Start], [Server.AddAccount], [Server.AddUser], [Server.AddMember] and
// [Server.InjectFault] return errors prefixed "s3securetest:"; the services answer their own
// error documents, which the SDK decodes into its usual smithy.APIError
// values (AccessDenied, NoSuchBucketPolicy, …).
//
// # Limits
//
// Identity policies, SCPs and permission boundaries are not modelled: a
// principal of the bucket owner's account may do whatever the bucket's
// policy does not deny, as if its identity policy allowed everything.
// Only path-style S3 addressing is served. The other services implement
// the operations s3secure uses; see the internal fakes for their lists.
package s3securetest
