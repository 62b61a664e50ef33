// Package conformance holds one set of S3 scenarios and a harness per
// target: internal/s3fake always, and moto_server when it is available
// ([StartMoto]: moto_server on PATH, started on a free loopback port, or
// S3SECURE_MOTO_ENDPOINT). The scenarios are in the package's tests; the
// harness ([Each], [FakeTarget], [MotoTarget], [StartMoto]) is exported so
// other packages' conformance tests (CloudFront, s3control) can reuse it.
//
// Where moto and the fake disagree, real AWS behaviour decides: each
// scenario pins AWS's answer and says, next to any per-target skip, which
// target deviates and why.
package conformance
