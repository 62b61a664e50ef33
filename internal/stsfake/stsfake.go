// Package stsfake is an in-memory AWS STS speaking STS's awsQuery protocol
// (form-encoded POST, or GET, with Action and Version 2011-06-15; XML
// responses in the https://sts.amazonaws.com/doc/2011-06-15/ namespace;
// <ErrorResponse> errors), so the real aws-sdk-go-v2 sts client talks to it
// unchanged. It answers GetCallerIdentity with the account, ARN and user id
// of the principal the request's access key belongs to, which a
// [Directory] (internal/localaws's account registry) tells it.
//
// Every request's SigV4 signature (signing name sts, any region, the form
// body hashed into it) is verified with presign.Verify against the
// Options.Credentials table. Refusals are STS's <ErrorResponse>, HTTP 403:
// MissingAuthenticationToken (unsigned), InvalidClientTokenId (unknown key
// or session token), SignatureDoesNotMatch (wrong secret, expired or skewed
// signature), IncompleteSignature (malformed authentication). An action the
// fake does not implement answers 400 InvalidAction.
//
// AssumeRole asks Options.Roles (localaws's role registry) for temporary
// credentials of the role: RoleArn and RoleSessionName are required and
// checked for AWS's shapes (ValidationError), DurationSeconds is 900 to
// 43200 (default 3600), ExternalId 2 to 1224 characters. A role that does
// not exist, or whose trust policy does not let the caller in (with the
// ExternalId it asks for), is AccessDenied, HTTP 403, with AWS's message:
// AWS does not tell a missing role from a refused one.
package stsfake

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/sigv4"
)

// SigningName is STS's SigV4 signing name.
const SigningName = "sts"

// Version is the STS API version the fake serves.
const Version = "2011-06-15"

// Namespace is the XML namespace of STS responses.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Directory tells the fake whose an access key is.
type Directory interface {
	// Principal returns the principal accessKeyID belongs to; ok is false
	// for a key the directory does not know.
	Principal(accessKeyID string) (p s3fake.Principal, ok bool)
}

// Roles assumes roles for AssumeRole.
type Roles interface {
	// AssumeRole returns temporary credentials (with a session token and
	// an expiry) for a session of req.RoleARN, or an error wrapping
	// [ErrAccessDenied] when the role does not exist or does not trust
	// caller (with req.ExternalID).
	AssumeRole(caller s3fake.Principal, req AssumeRoleRequest) (s3fake.Credential, error)
}

// AssumeRoleRequest is a checked AssumeRole request.
type AssumeRoleRequest struct {
	RoleARN, SessionName, ExternalID string
	Duration                         time.Duration
}

// ErrAccessDenied is what a [Roles] returns for a role the caller may not
// assume (or that does not exist).
var ErrAccessDenied = errors.New("stsfake: access denied")

// Options configure a [Server]. Credentials and Directory are required.
type Options struct {
	// Credentials are the access keys the fake accepts.
	Credentials *fakeutil.Credentials
	// Directory maps an access key to its principal.
	Directory Directory
	// Roles answers AssumeRole; without it every AssumeRole is
	// AccessDenied (no role exists).
	Roles Roles
}

// Server is the fake STS; it is an http.Handler and safe for concurrent
// use.
type Server struct {
	auth  fakeutil.Auth
	dir   Directory
	roles Roles
	ops   fakeutil.Ops
	seq   atomic.Uint64
}

// New returns a fake STS. It panics when opts leaves out Credentials or
// Directory (a programming error).
func New(opts Options) *Server {
	if opts.Credentials == nil || opts.Directory == nil {
		panic("stsfake: Options.Credentials and Options.Directory are required")
	}
	return &Server{dir: opts.Directory, roles: opts.Roles,
		auth: fakeutil.Auth{Service: SigningName, Codes: fakeutil.QueryAuth, Credentials: opts.Credentials}}
}

// SetFault makes calls of the operation (for example
// "GetCallerIdentity") fail with f; a zero Fault clears it.
func (s *Server) SetFault(op string, f fakeutil.Fault) { s.ops.SetFault(op, f) }

// Count returns how many requests the operation has received.
func (s *Server) Count(op string) int { return s.ops.Count(op) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := fmt.Sprintf("stsfake-%08d", s.seq.Add(1))
	fail := func(status int, code, msg string) {
		fakeutil.WriteQueryError(w, Namespace, reqID, fakeutil.QueryError{Status: status, Code: code, Message: msg})
	}
	if ae := s.auth.Check(r); ae != nil {
		fail(ae.Status, ae.Code, ae.Message)
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		fail(http.StatusMethodNotAllowed, "InvalidAction", "stsfake: use POST or GET")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "MalformedQueryString", "stsfake: "+err.Error())
		return
	}
	action := r.Form.Get("Action")
	if v := r.Form.Get("Version"); v != Version {
		fail(http.StatusBadRequest, "InvalidParameterValue", "stsfake: Version must be "+Version)
		return
	}
	if f, failed := s.ops.Hit(action, r); failed {
		fakeutil.WriteQueryError(w, Namespace, reqID, fakeutil.QueryError{Status: f.Status, Code: f.Code, Message: f.MessageOrStatus(), Receiver: f.Status >= 500})
		return
	}
	switch action {
	case "GetCallerIdentity":
		sc, _ := sigv4.RequestScope(r) // verified above
		p, ok := s.dir.Principal(sc.AccessKeyID)
		if !ok {
			fail(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		fakeutil.WriteQueryResult(w, Namespace, action, reqID, callerIdentity{Account: p.AccountID, Arn: p.ARN, UserID: UserID(p)})
	case "AssumeRole":
		sc, _ := sigv4.RequestScope(r)
		p, ok := s.dir.Principal(sc.AccessKeyID)
		if !ok {
			fail(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		req, msg := assumeRoleRequest(r)
		if msg != "" {
			fail(http.StatusBadRequest, "ValidationError", msg)
			return
		}
		if s.roles == nil {
			fail(http.StatusForbidden, "AccessDenied", denied(p, req.RoleARN))
			return
		}
		c, err := s.roles.AssumeRole(p, req)
		if errors.Is(err, ErrAccessDenied) {
			fail(http.StatusForbidden, "AccessDenied", denied(p, req.RoleARN))
			return
		} else if err != nil {
			fakeutil.WriteQueryError(w, Namespace, reqID, fakeutil.QueryError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error(), Receiver: true})
			return
		}
		out := assumeRoleResult{}
		out.Credentials.AccessKeyID, out.Credentials.SecretAccessKey, out.Credentials.SessionToken = c.AccessKeyID, c.SecretAccessKey, c.SessionToken
		out.Credentials.Expiration = c.Expires.UTC().Format(time.RFC3339)
		out.AssumedRoleUser.Arn = c.Principal.ARN
		out.AssumedRoleUser.AssumedRoleID = UserID(c.Principal)
		fakeutil.WriteQueryResult(w, Namespace, action, reqID, out)
	default:
		fail(http.StatusBadRequest, "InvalidAction", "Could not find operation "+action+" for version "+Version)
	}
}

type callerIdentity struct {
	XMLName xml.Name `xml:"GetCallerIdentityResult"`
	Arn     string   `xml:"Arn"`
	UserID  string   `xml:"UserId"`
	Account string   `xml:"Account"`
}

// UserID returns the UserId GetCallerIdentity answers for p, in AWS's
// shapes: the account id for an account's root user, a unique id starting
// with AIDA for an IAM user, and ROLEID:SESSION (ROLEID starting with AROA)
// for an assumed-role session. The unique ids are derived from the ARN, so
// they are stable.
func UserID(p s3fake.Principal) string {
	switch p.Type {
	case s3fake.AccountRoot:
		return p.AccountID
	case s3fake.IAMUser:
		return uniqueID("AIDA", p.ARN)
	case s3fake.AssumedRole:
		role := "arn:aws:iam::" + p.AccountID + ":role/" + p.Name
		return uniqueID("AROA", role) + ":" + p.SessionName
	}
	return ""
}

// uniqueID makes an IAM unique id (prefix and 17 more characters of
// upper-case base32) from seed.
func uniqueID(prefix, seed string) string {
	sum := sha256.Sum256([]byte("stsfake unique id " + seed))
	return prefix + strings.ToUpper(base32.StdEncoding.EncodeToString(sum[:]))[:17]
}

type assumeRoleResult struct {
	XMLName     xml.Name `xml:"AssumeRoleResult"`
	Credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	} `xml:"Credentials"`
	AssumedRoleUser struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
}

var (
	roleARNRE     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:[\x{21}-\x{7E}]+/)?[\w+=,.@-]{1,64}$`)
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/-]+$`) // 2 to 1224 characters, checked apart
)

// assumeRoleRequest reads and checks AssumeRole's parameters; msg is the
// ValidationError's message when one is wrong.
func assumeRoleRequest(r *http.Request) (req AssumeRoleRequest, msg string) {
	req = AssumeRoleRequest{RoleARN: r.Form.Get("RoleArn"), SessionName: r.Form.Get("RoleSessionName"), ExternalID: r.Form.Get("ExternalId"), Duration: time.Hour}
	if !roleARNRE.MatchString(req.RoleARN) {
		return req, "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: it must be a role ARN"
	}
	if !sessionNameRE.MatchString(req.SessionName) {
		return req, "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2 to 64"
	}
	if _, set := r.Form["ExternalId"]; set && (len(req.ExternalID) < 2 || len(req.ExternalID) > 1224 || !externalIDRE.MatchString(req.ExternalID)) {
		return req, "1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]* and have length 2 to 1224"
	}
	if v := r.Form.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			return req, "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200"
		}
		req.Duration = time.Duration(n) * time.Second
	}
	return req, ""
}

// denied is AWS's AccessDenied message for AssumeRole.
func denied(p s3fake.Principal, roleARN string) string {
	return "User: " + p.ARN + " is not authorized to perform: sts:AssumeRole on resource: " + roleARN
}
