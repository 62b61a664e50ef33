// Package cffake is an in-memory Amazon CloudFront that the real
// aws-sdk-go-v2 service/cloudfront client talks to over HTTP.
//
// It speaks CloudFront's REST-XML protocol (API version 2020-05-31, namespace
// http://cloudfront.amazonaws.com/doc/2020-05-31/) and covers the operations
// s3secure uses: origin access controls (create, get, get config, list,
// update, delete), legacy origin access identities (create, get, get config,
// list, delete), distributions (create, create with tags, get, get config,
// list, update, delete), public keys and key groups (create, get, list) for
// signed URLs, and resource tagging.
//
// It tells the truth where the library depends on it:
//   - every read and write returns an ETag; updates and deletes require
//     If-Match (missing: 400 InvalidIfMatchVersion, stale: 412
//     PreconditionFailed);
//   - errors use CloudFront's XML shape
//     (<ErrorResponse><Error><Type>Sender</Type><Code>…) so the SDK maps them to
//     its typed errors (*types.PreconditionFailed, *types.NoSuchDistribution, …);
//   - request elements are parsed by name, in any order, and the distribution
//     configuration is stored as sent, so every field the caller set (even the
//     ones this fake does not interpret) survives GetDistributionConfig and
//     UpdateDistribution;
//   - distributions move from InProgress to Deployed on the fake's clock
//     (Options.DeployDelay) or when a test calls [Fake.Deploy];
//   - a repeated CreateCloudFrontOriginAccessIdentity with the
//     CallerReference and content of the request that made an identity is
//     answered with that identity, with other content
//     CloudFrontOriginAccessIdentityAlreadyExists (as the API reference
//     documents); a repeated CreatePublicKey (same CallerReference or
//     name) is PublicKeyAlreadyExists and a key group name already taken
//     KeyGroupAlreadyExists, since the reference documents no replay
//     answer for them;
//   - OAC names are unique, an OAC or OAI used by a distribution cannot be
//     deleted, a distribution must be disabled and deployed before deletion,
//     CallerReference cannot change, an origin cannot carry both an OAC and a
//     non-empty OAI, references to unknown OACs, OAIs, origins, key groups,
//     cache policies and response headers policies are refused, a cache
//     behavior may target an origin group (of known origins) instead of an
//     origin, and list Quantity must match Items.
//
// Every request's SigV4 signature (signing name cloudfront) is verified with
// presign.Verify against [TestAccessKeyID], the fake account owner's key
// (fakeutil.OwnerAccessKeyID) and keys added with [Fake.AddCredential]. Any
// signing region is accepted (with a custom endpoint the SDK signs with the
// configured region). Refusals are CloudFront's error XML, HTTP 403:
// MissingAuthenticationToken (unsigned), InvalidClientTokenId (unknown key),
// SignatureDoesNotMatch (wrong secret, expired or skewed signature) and
// IncompleteSignature (malformed authentication).
//
// Tests count requests per operation ([Fake.Count], [Fake.Writes]) and
// inject faults per operation ([Fake.InjectFault]). [Start] runs the fake on a
// loopback httptest server and returns a ready client.
package cffake
