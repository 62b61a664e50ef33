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
// [Options]: the fake does not pretend to be Zelkova.
//
// Use [Start] in tests; [Server.Deny] and [Server.FailNext] inject errors.
package aafake
