// Package fakeutil holds what the in-memory AWS fakes under internal/ share:
// SigV4 verification with presign.Verify against a table of access keys
// and the answer each protocol family gives a refused request ([Auth],
// [Credentials], [QueryAuth], [JSONAuth], [RESTJSONAuth], [S3Auth]),
// per-operation request counting with injected faults ([Ops]), serving a
// fake for the length of a test ([Serve]), and the helpers their tests use
// against moto_server ([MotoAccount]) and to read an SDK error's code
// ([ErrorCode]).
//
// Each fake keeps its own wire protocol (JSON 1.1, restJson1, REST-XML,
// awsQuery): error documents differ between services and are written by the
// fake that speaks them.
package fakeutil
