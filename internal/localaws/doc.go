// Package localaws is the in-memory AWS on one endpoint: every fake under
// internal/ (S3, S3 Control, STS, CloudFront, CloudTrail, Access Analyzer,
// IAM) behind one http.Handler, routed by the service in each request's
// SigV4 credential scope, as LocalStack and moto do, over a registry of
// accounts. The public s3securetest package, the command-line tool's
// serve and -local, and examples/quickstart all run it.
//
// # Use
//
//	srv, err := localaws.New(nil)              // the owner account, 111122223333
//	ep, err := srv.Listen(nil)                 // HTTPS on a free loopback port
//	defer ep.Close()
//	cfg := ep.Config(srv.Owner().Root())       // aws.Config for every service client
//	s3c := s3.NewFromConfig(cfg)               // path-style: the endpoint is an IP address
//	ctl := s3control.NewFromConfig(cfg)        // ep.HTTPClient dials the endpoint whatever the host
//	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil) // 111122223333, arn:aws:iam::111122223333:root
//
// [Server] is the handler (serve it yourself, or with [Server.Listen]);
// [Endpoint] is a listening server with its URL, its generated
// certificate authority ([TLS], optionally written to a file for clients
// outside the process) and [Endpoint.Config].
//
// # Routing
//
// [Server.ServeHTTP] reads the credential scope
// (AKID/DATE/REGION/SERVICE/aws4_request) from the Authorization header or
// the X-Amz-Credential query parameter (internal/sigv4.RequestScope) and
// sends the request to:
//
//   - s3: the one S3 fake ([Server.S3]); bucket names are global, so every
//     account's buckets live there, each owned by its account;
//   - s3 with a path under /v20180820/ and an x-amz-account-id header: S3
//     Control (which signs as s3) of the caller's account;
//   - sts: the STS fake ([Server.STS]), which answers GetCallerIdentity
//     from the registry;
//   - cloudfront, cloudtrail, access-analyzer, iam: that fake of the
//     caller's account;
//   - any name registered with [Server.Handle];
//   - anything else: 501 NotImplemented.
//
// Unsigned requests (anonymous S3 requests, browser POST uploads, whose
// signature is in the form) go to S3, or to S3 Control by their shape. The
// caller's account is the one its access key was issued in; an unknown key
// goes to the owner account's fake, which refuses it in its own protocol.
// The router checks no signature: each fake verifies every request with
// presign.Verify against the server's one credential table
// ([Server.Credentials]; S3 against its own table of principals, which the
// registry fills too).
//
// # Accounts and credentials
//
// The server starts with the owner account (Options.AccountID) and its
// root credentials (Options.OwnerAccessKeyID, or fixed defaults).
// [Server.AddAccount] adds another account with its own S3 Control,
// CloudFront, CloudTrail, Access Analyzer and IAM, and new root
// credentials; [Account.AddUser] and [Account.AddRoleSession] issue keys
// for an IAM user or a role session (temporary, with a session token and
// an expiry on the server's clock). Every key is registered at once with
// every service, maps to its principal ([Server.Identity]), and acts as
// that principal in that account: its requests reach the account's fakes,
// S3 decides them with the bucket's owner, policy, ACLs and Block Public
// Access, and STS names the account. [Server.Revoke] withdraws a key.
//
// # Access Analyzer
//
// Each account's Access Analyzer reasons with s3secure's own rules, not
// with Zelkova: an analyzer's findings are what the offline analysis
// (analyzer.Analyze) finds in the state of each of the account's buckets
// of the analyzer's Region in the S3 fake (policy, ACL, Object Ownership,
// Block Public Access of bucket and account) and the access points and
// Multi-Region Access Points the S3 Control fakes hold for them. The analyzer analyzes them when it is
// created and again before every read of findings (ListFindings,
// ListFindingsV2, GetFinding, GetFindingV2), so findings follow changes of
// a policy, an ACL, Block Public Access or an access point with no
// StartResourceScan: AWS updates findings within about 30 minutes of a
// change, the local one by the next read (reading state on demand needs
// no hooks in the S3 and S3 Control fakes, and catches every kind of
// change). StartResourceScan analyzes one bucket at once, as before.
// Access that vanished is RESOLVED; new access goes through the archive
// rules. An ORGANIZATION analyzer's zone of trust is its account, as an
// ACCOUNT analyzer's. CheckNoPublicAccess judges a policy with S3's
// definition of public (policy.IsPublic). Seeded findings
// (aafake.Server.SeedFinding) stay until their bucket, if it exists, is
// analyzed.
//
// # Organizations, roles and Regions (issue #15)
//
//   - [Server.CreateOrganization] makes the owner the management account
//     of an organization served by internal/orgfake (signing name
//     organizations: DescribeOrganization, ListAccounts paginated,
//     DescribeAccount; AccessDeniedException for members that are not
//     delegated administrators, AWSOrganizationsNotInUseException outside
//     it); add members (accounts of this server) and suspend them there,
//     or with [Server.AddMember], which also gives a member its role
//     and Regions.
//   - [Account.AddRole] creates a role with a trust policy ([TrustPolicy]
//     trusts another account, optionally with an ExternalId). STS
//     AssumeRole (internal/stsfake) evaluates the trust policy with the
//     policy package for the caller and sts:ExternalId and answers
//     AccessDenied for a missing role or account, as AWS does; the
//     credentials it returns are [Account.AddRoleSession]'s, so they act
//     as the assumed account everywhere.
//   - [Server.Regions] is the Account Management API's ListRegions
//     (internal/accountfake, signing name account): each account's
//     Regions with their opt-in status.
//   - [Account.SetS3Fault] fails one account's S3 and S3 Control requests
//     (503 SlowDown, say), leaving every other account's alone.
//
// # Security defaults
//
//   - [Server.Listen] serves HTTPS with a certificate authority generated
//     for the server (its key never leaves the process); plain HTTP is
//     the ListenOptions.InsecureHTTP opt-in.
//   - Every request is signature-checked by the fake that serves it;
//     unsigned requests are anonymous to S3 and refused by the others.
//   - [Endpoint.Config] and [Endpoint.HTTPClient] read nothing from the
//     environment or shared files and connect only to the endpoint.
//
// # Errors
//
// [New], [Server.AddAccount] and [Server.Listen] return errors for invalid
// options, account ids or addresses, prefixed "localaws:". Services answer
// their own protocols' error documents.
package localaws
