package s3fake

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// AccessRequest describes one request for the Authorizer. It is built after
// the signature has been verified and the bucket looked up.
type AccessRequest struct {
	// Operation is the SDK operation name, e.g. "GetObject", "PutBucketPolicy".
	Operation string
	// Action is the IAM action, for example "s3:GetObject".
	Action string
	// Resource is the ARN, "arn:PARTITION:s3:::bucket" or
	// "arn:PARTITION:s3:::bucket/key" in the partition of the fake's Region
	// ("arn:aws-cn:s3:::bucket" in cn-north-1), "*" for ListBuckets.
	Resource string
	Bucket   string
	Key      string

	Principal Principal
	// SecureTransport is true for TLS requests (aws:SecureTransport).
	SecureTransport bool
	// TLSVersion is "1.0", "1.1", "1.2" or "1.3" (s3:TlsVersion), "" without TLS.
	TLSVersion string
	// SourceIP is the client address from RemoteAddr (aws:SourceIp).
	SourceIP string
	// AuthType is "REST-HEADER", "REST-QUERY-STRING" or "" for anonymous
	// (s3:authType).
	AuthType string
	// SignatureAge is now minus the signing time (s3:signatureAge), zero for
	// anonymous requests.
	SignatureAge time.Duration
	// Header and Query are the request's headers and query (read-only), for
	// condition keys such as s3:x-amz-acl.
	Header http.Header
	Query  url.Values
	// Now is the fake clock's time (aws:CurrentTime).
	Now time.Time

	// BucketConfig is the bucket's configuration, nil for ListBuckets and
	// for CreateBucket.
	BucketConfig *BucketConfig
	// AccountPublicAccessBlock is the bucket owner's (or, without a bucket,
	// the caller's) account-level BPA, nil when unset.
	AccountPublicAccessBlock *PublicAccessBlock
	// ObjectACL is the object's ACL for object operations on an existing
	// object, nil otherwise.
	ObjectACL *ACL
	// ObjectTags are the tags of that object (s3:ExistingObjectTag/<key>),
	// nil when it has none or there is no such object.
	ObjectTags []Tag
	// RequestObjectTags are the tags the request gives the object: the
	// x-amz-tagging header's (PutObject, CopyObject,
	// CreateMultipartUpload) or PutObjectTagging's body
	// (s3:RequestObjectTag/<key>, s3:RequestObjectTagKeys); nil for none.
	RequestObjectTags []Tag
}

// AuthorizeFunc decides a request: nil allows it. An *Error is answered as
// is (status, code, message); any other error becomes 403 AccessDenied.
type AuthorizeFunc func(ctx context.Context, req *AccessRequest) error

// PublicPolicyFunc reports whether a bucket policy is public in S3's sense.
// It decides GetBucketPolicyStatus and BlockPublicPolicy.
type PublicPolicyFunc func(policy string) (bool, error)

// OwnerOnlyAuthorize is a simpler authorizer than the default
// ([NewPolicyAuthorizer]), for tests that want to take policies out of the
// picture:
//   - anonymous requests are refused (403 AccessDenied);
//   - ListBuckets and CreateBucket are allowed to any signed principal;
//   - bucket and object operations are allowed to principals of the bucket
//     owner's account; bucket-policy operations from another account get
//     405 MethodNotAllowed (as S3 answers), everything else 403 AccessDenied.
//
// It ignores policies, ACLs and Block Public Access.
func OwnerOnlyAuthorize(_ context.Context, req *AccessRequest) error {
	if req.Principal.IsAnonymous() {
		return errAccessDenied()
	}
	if req.BucketConfig == nil {
		return nil
	}
	if req.Principal.AccountID == req.BucketConfig.OwnerAccountID {
		return nil
	}
	switch req.Operation {
	case "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy":
		return errf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
	return errAccessDenied()
}

// SimpleIsPublicPolicy is a PublicPolicyFunc simpler than the default
// ([PolicyIsPublic]), for tests that need a predictable judge: a policy is
// public when some Allow statement has Principal "*" (or {"AWS": "*"}, or a
// list containing "*") and no Condition. Real S3 is stricter (conditions on
// non-fixed keys, such as StringLike aws:SourceVpc "vpc-*", are still
// public); [PolicyIsPublic] applies S3's definition.
func SimpleIsPublicPolicy(policy string) (bool, error) {
	var doc struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return false, err
	}
	var stmts []map[string]json.RawMessage
	if err := json.Unmarshal(doc.Statement, &stmts); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			return false, err
		}
		stmts = []map[string]json.RawMessage{one}
	}
	for _, s := range stmts {
		var effect string
		_ = json.Unmarshal(s["Effect"], &effect)
		if effect != "Allow" {
			continue
		}
		if c, ok := s["Condition"]; ok && len(c) > 0 && string(c) != "{}" && string(c) != "null" {
			continue
		}
		if principalIsStar(s["Principal"]) {
			return true, nil
		}
	}
	return false, nil
}

func principalIsStar(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	aws, ok := m["AWS"]
	if !ok {
		return false
	}
	if json.Unmarshal(aws, &s) == nil {
		return s == "*"
	}
	var list []string
	if json.Unmarshal(aws, &list) == nil {
		for _, v := range list {
			if v == "*" {
				return true
			}
		}
	}
	return false
}

func tlsVersionName(v uint16) string {
	switch v {
	case 0x0301:
		return "1.0"
	case 0x0302:
		return "1.1"
	case 0x0303:
		return "1.2"
	case 0x0304:
		return "1.3"
	}
	return ""
}

func sourceIP(remoteAddr string) string {
	if i := strings.LastIndexByte(remoteAddr, ':'); i >= 0 {
		return strings.Trim(remoteAddr[:i], "[]")
	}
	return remoteAddr
}
