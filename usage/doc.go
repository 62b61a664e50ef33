// Package usage turns the record of what was really done to a bucket (its
// S3 server access logs, or CloudTrail's S3 events) into a least-privilege
// policy, and proves that the narrowed policy still allows everything that
// was done.
//
// This first part reads the logs. [ParseServerAccessLog] reads S3 server
// access logs in the documented format, [ParseCloudTrail] CloudTrail log
// files; both stream (a huge file is never held in memory), read gzip as
// S3 and CloudTrail deliver it, and give one [Record] per request: who (a
// [Principal]: user, role with its sessions collapsed to it, root, anonymous,
// AWS service), what (the logged operation), on which bucket and key, when,
// and whether it succeeded or was denied. A malformed line is counted and
// described, with its file and line, in the [ParseStats]; it never stops a
// run.
//
// It is a package of its own, beside policy and analyzer rather than in
// either: it reads logs and S3 objects (policy depends on no AWS client)
// and proposes policies from observed use (analyzer judges the policies in
// force, with Access Analyzer or offline).
//
// # Security defaults
//
//   - Log content is data, never trusted: a line longer than 1 MiB is
//     refused, and a requester the parser does not recognise is [Unknown]
//     rather than guessed.
//
// See the S3 user guide, "Amazon S3 server access log format"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html),
// and the CloudTrail user guide, "CloudTrail record contents".
//
// # Errors
//
// A malformed line is a [*LineError] wrapping [ErrMalformed], kept in
// [ParseStats]; the parsers return an error only for a failed read (the
// file named) or the error of the caller's function.
package usage
