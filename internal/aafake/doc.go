// Package aafake is an in-memory IAM Access Analyzer for tests. It speaks
// the restJson1 protocol of the real service (paths, member names,
// ISO-8601 timestamps, X-Amzn-ErrorType errors with a JSON message,
// nextToken pagination, clientToken idempotency for CreateAnalyzer), so the
// real aws-sdk-go-v2 accessanalyzer client talks to it unchanged.
//
// Analyzers are Regional: a request's Region is taken from its SigV4
// credential scope. Findings are seeded by tests with [Server.SeedFinding];
// archive rules archive matching new findings, and ApplyArchiveRule
// archives matching existing ones, as in AWS. The policy checks
// (ValidatePolicy, CheckNoPublicAccess, CheckAccessNotGranted) and
// StartResourceScan are driven by functions the test injects through
// [Options]: the fake does not pretend to be Zelkova. With Options.Scan and
// Options.Resources it also analyzes resources on its own, when an
// analyzer is created and before findings are read.
//
// Every request's SigV4 signature (signing name access-analyzer, any
// region; ARNs in paths are encoded twice, as SigV4 requires) is verified
// with presign.Verify against [TestAccessKeyID], the fake account owner's
// key (fakeutil.OwnerAccessKeyID) and keys added with
// [Server.AddCredential]. Refusals are HTTP 403 with X-Amzn-ErrorType:
// MissingAuthenticationTokenException (unsigned),
// UnrecognizedClientException (unknown key or token),
// InvalidSignatureException (wrong secret, expired or skewed signature),
// IncompleteSignatureException (malformed authentication).
//
// Use [Start] in tests; [Server.Deny] and [Server.FailNext] inject errors.
package aafake
