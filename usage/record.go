package usage

import (
	"strings"
	"time"

	"github.com/s3secure/s3secure/policy"
)

// Record is one request read from a log: a line of a server access log, or a
// record of a CloudTrail log file. Fields the log leaves out are empty.
type Record struct {
	// File and Line are where the record was read (Line counts from 1; for
	// CloudTrail, the line the record starts on).
	File string
	Line int
	// Time is when S3 received the request, in UTC.
	Time time.Time
	// Bucket is the bucket the request was for ("" when it names none, such
	// as ListBuckets).
	Bucket string
	// BucketOwner is the bucket owner's canonical user ID (server access
	// logs; "" in CloudTrail).
	BucketOwner string
	// Key is the object key, decoded ("" for a request on the bucket).
	Key string
	// Operation is the operation as logged: "REST.GET.OBJECT" in a server
	// access log, the eventName "GetObject" in CloudTrail.
	Operation string
	// Requester is the requester as logged (an ARN, a canonical user ID,
	// "svc:…"), "" for an anonymous request. Principal is who it is.
	Requester string
	Principal Principal
	// Status is the HTTP status (CloudTrail: 200 without an errorCode, 403
	// for an access-denied errorCode, 404 for NoSuchKey, 400 for any other
	// errorCode).
	Status int
	// ErrorCode is S3's error code, "" when the request succeeded.
	ErrorCode string
	// VersionID is the object version the request named, if any.
	VersionID string
	// ListPrefix is the prefix a listing asked for (the prefix query
	// parameter of ListObjects), and HasListPrefix whether one was given.
	ListPrefix    string
	HasListPrefix bool
	// CopySource is the source "bucket/key" of a CloudTrail CopyObject or
	// UploadPartCopy (a server access log records the source's read as a
	// REST.COPY.OBJECT_GET record of its own, in the source bucket's log).
	CopySource string
	// CopySourceVersionID is the versionId of a CloudTrail copy's source,
	// if it named one (x-amz-copy-source "bucket/key?versionId=v"): the
	// read then needs what reading a version needs (s3:GetObjectVersion).
	CopySourceVersionID string
	// RequestURI is the Request-URI field of a server access log ("GET
	// /bucket/key?acl HTTP/1.1").
	RequestURI string
	// SourceIP is the requester's IP address, when the log gives one.
	SourceIP string
	// RequestID is S3's request ID (CloudTrail: requestID).
	RequestID string

	// detail holds the fields Detail returns; for a server access log
	// record, detailRaw is the unread rest of the line until Detail reads
	// it.
	detail     Detail
	detailRaw  string
	detailRead bool
	// roleFromIssuer: Principal is a role named by CloudTrail's
	// sessionIssuer, path included (not guessed from a session ARN).
	roleFromIssuer bool
	// unplacedAP: a CloudTrail record of a request made through an
	// access point that names no bucket resource; Bucket is
	// requestParameters.bucketName, which may be the access point's.
	unplacedAP bool
}

// Detail are the fields of a request that say how it was made, rather than
// who did what to which resource.
type Detail struct {
	// Referer and UserAgent are the HTTP headers.
	Referer   string
	UserAgent string
	// HostID is S3's extended request ID (x-amz-id-2).
	HostID string
	// SignatureVersion is "SigV4" or "SigV2"; "" when unsigned or unknown.
	SignatureVersion string
	// CipherSuite is the TLS cipher suite; "" for plain HTTP or unknown.
	CipherSuite string
	// AuthType is "AuthHeader" or "QueryString" (a presigned URL); "" when
	// unsigned or unknown.
	AuthType string
	// HostHeader is the endpoint the request was sent to.
	HostHeader string
	// TLSVersion is "TLSv1.2", "TLSv1.3", …; "" for plain HTTP or unknown.
	TLSVersion string
	// AccessPointARN is the access point the request came through, if any.
	AccessPointARN string
	// ACLRequired is "Yes" when the request needed an ACL to be allowed.
	ACLRequired string
}

// Detail returns the record's [Detail]. For a server access log record the
// fields after the error code are read on the first call, which keeps
// reading the log fast for callers that do not need them; the parser has
// already checked their quoting.
func (r *Record) Detail() Detail {
	if !r.detailRead {
		r.detailRead = true
		r.detail = parseDetail(r.detailRaw)
	}
	return r.detail
}

// Clone returns a copy of r whose strings are its own. A record from a
// [ServerAccessLogScanner] is valid only until the next Scan; its clone may
// be kept.
func (r *Record) Clone() *Record {
	c := *r
	for _, p := range []*string{&c.File, &c.Bucket, &c.BucketOwner, &c.Key, &c.Operation, &c.Requester,
		&c.Principal.ARN, &c.Principal.Account, &c.Principal.Service, &c.Principal.ID,
		&c.ErrorCode, &c.VersionID, &c.ListPrefix, &c.CopySource, &c.CopySourceVersionID, &c.RequestURI, &c.SourceIP, &c.RequestID,
		&c.detail.Referer, &c.detail.UserAgent, &c.detail.HostID, &c.detail.SignatureVersion, &c.detail.CipherSuite,
		&c.detail.AuthType, &c.detail.HostHeader, &c.detail.TLSVersion, &c.detail.AccessPointARN, &c.detail.ACLRequired,
		&c.detailRaw} {
		*p = strings.Clone(*p)
	}
	c.Principal.Kind = PrincipalKind(strings.Clone(string(c.Principal.Kind)))
	return &c
}

// SetDetail sets the record's [Detail], for records built by hand.
func (r *Record) SetDetail(d Detail) {
	r.detail, r.detailRaw, r.detailRead = d, "", true
}

// Succeeded reports whether S3 served the request: a 2xx status, or 304 Not
// Modified (the request was authorized; the object had not changed).
func (r *Record) Succeeded() bool {
	return (r.Status >= 200 && r.Status < 300) || r.Status == 304
}

// Denied reports whether S3 refused the request for lack of permission
// (403).
func (r *Record) Denied() bool { return r.Status == 403 }

// PrincipalKind says what kind of identity made a request.
type PrincipalKind string

// Principal kinds.
const (
	// Anonymous: an unsigned request.
	Anonymous PrincipalKind = "anonymous"
	// User: an IAM user.
	User PrincipalKind = "user"
	// Role: an IAM role; its sessions (arn:aws:sts::…:assumed-role/R/S)
	// are collapsed to the role (arn:aws:iam::…:role/R).
	Role PrincipalKind = "role"
	// Root: an account's root user, or (CloudTrail's AWSAccount) some
	// principal of another account that CloudTrail does not name.
	Root PrincipalKind = "root"
	// FederatedUser: an STS federated user (GetFederationToken).
	FederatedUser PrincipalKind = "federated-user"
	// Service: an AWS service acting for itself (a service principal).
	Service PrincipalKind = "service"
	// CanonicalUser: a principal known only by its S3 canonical user ID.
	CanonicalUser PrincipalKind = "canonical-user"
	// Unknown: a requester the parser cannot classify; its use is reported
	// but never granted.
	Unknown PrincipalKind = "unknown"
)

// Principal is who made a request, as a policy names it.
type Principal struct {
	Kind PrincipalKind
	// ARN is the principal's ARN for User, Role (the role, not the
	// session), Root ("arn:aws:iam::ACCOUNT:root") and FederatedUser.
	ARN string
	// Account is the principal's account ID, when known.
	Account string
	// Service is the service principal, for example
	// "logging.s3.amazonaws.com", for Service.
	Service string
	// ID is the canonical user ID for CanonicalUser, the raw requester for
	// Unknown.
	ID string
}

// String returns the principal as the report shows it: the ARN, "anonymous",
// "service:NAME", "canonical-user:ID" or "unknown:RAW".
func (p Principal) String() string {
	switch p.Kind {
	case Anonymous:
		return "anonymous"
	case Service:
		return "service:" + p.Service
	case CanonicalUser:
		return "canonical-user:" + p.ID
	case Unknown:
		return "unknown:" + p.ID
	}
	return p.ARN
}

// parseRequester classifies a server access log Requester field, or an ARN
// from CloudTrail. It returns Unknown for anything it does not recognise.
func parseRequester(s string) Principal {
	switch {
	case s == "" || s == "-":
		return Principal{Kind: Anonymous}
	case strings.HasPrefix(s, "svc:"):
		return Principal{Kind: Service, Service: s[len("svc:"):]}
	case strings.HasSuffix(s, ".amazonaws.com") && !strings.HasPrefix(s, "arn:"):
		return Principal{Kind: Service, Service: s}
	case isCanonicalID(s):
		return Principal{Kind: CanonicalUser, ID: s}
	case strings.HasPrefix(s, "arn:"):
		return parseARNPrincipal(s)
	}
	return Principal{Kind: Unknown, ID: s}
}

// parseARNPrincipal classifies an IAM or STS ARN: arn:PARTITION:iam::ACCOUNT:user/…,
// :role/…, :root, or arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION,
// :federated-user/NAME.
func parseARNPrincipal(s string) Principal {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[2] == "" || parts[3] != "" || !policy.IsAccountID(parts[4]) {
		return Principal{Kind: Unknown, ID: s}
	}
	partition, service, account, res := parts[1], parts[2], parts[4], parts[5]
	if partition == "" {
		return Principal{Kind: Unknown, ID: s}
	}
	switch service {
	case "iam":
		switch {
		case res == "root":
			return Principal{Kind: Root, ARN: s, Account: account}
		case strings.HasPrefix(res, "user/") && len(res) > len("user/"):
			return Principal{Kind: User, ARN: s, Account: account}
		case strings.HasPrefix(res, "role/") && len(res) > len("role/"):
			return Principal{Kind: Role, ARN: s, Account: account}
		}
	case "sts":
		switch {
		case strings.HasPrefix(res, "assumed-role/"):
			role, session, ok := strings.Cut(res[len("assumed-role/"):], "/")
			if ok && role != "" && session != "" {
				// The session ARN has no role path: this is a guess, right
				// for a role at the root path. Suggest learns the ARN of
				// a role under a path (role/service/name) from CloudTrail's
				// sessionIssuer or iam:GetRole (roles.go).
				return Principal{Kind: Role, ARN: "arn:" + partition + ":iam::" + account + ":role/" + role, Account: account}
			}
		case strings.HasPrefix(res, "federated-user/") && len(res) > len("federated-user/"):
			return Principal{Kind: FederatedUser, ARN: s, Account: account}
		}
	}
	return Principal{Kind: Unknown, ID: s}
}

func isCanonicalID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
