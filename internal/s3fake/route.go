package s3fake

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// route is what a request asks for.
type route struct {
	op, action  string
	bucket, key string
	sub         string
	// versionID is the version the request names, "" for the null
	// version (versionId=null) as for none; versioned is set for any
	// versionId, null included, which S3 authorizes as a request for a
	// specific version.
	versionID string
	versioned bool
	// unsupported is set for sub-resources the fake does not implement.
	unsupported bool
}

// valueParams are query parameters that are not sub-resources.
var valueParams = map[string]bool{
	"prefix": true, "delimiter": true, "marker": true, "max-keys": true, "list-type": true,
	"continuation-token": true, "start-after": true, "fetch-owner": true, "encoding-type": true,
	"key-marker": true, "version-id-marker": true, "upload-id-marker": true, "max-uploads": true,
	"max-parts": true, "part-number-marker": true, "versionId": true, "partNumber": true,
	"uploadId": true, "x-id": true, "response-cache-control": true, "response-content-disposition": true,
	"response-content-encoding": true, "response-content-language": true, "response-content-type": true,
	"response-expires": true, "bucket-region": true, "max-buckets": true,
}

// bucketSubs and objectSubs are the sub-resources the fake implements.
var (
	bucketSubs = map[string]bool{
		"policy": true, "policyStatus": true, "publicAccessBlock": true, "ownershipControls": true,
		"encryption": true, "logging": true, "versioning": true, "acl": true, "lifecycle": true,
		"object-lock": true, "tagging": true, "location": true, "versions": true, "uploads": true, "delete": true,
		"requestPayment": true,
	}
	objectSubs = map[string]bool{"acl": true, "tagging": true, "uploads": true}
)

// bucketOps maps sub-resource and method to the API operation; the IAM
// action comes from AWS's reference (operationAction).
var bucketOps = map[string]map[string]string{
	"": {
		http.MethodHead:   "HeadBucket",
		http.MethodPut:    "CreateBucket",
		http.MethodDelete: "DeleteBucket",
		http.MethodPost:   "PostObject",
	},
	"policy": {
		http.MethodGet:    "GetBucketPolicy",
		http.MethodPut:    "PutBucketPolicy",
		http.MethodDelete: "DeleteBucketPolicy",
	},
	"policyStatus": {http.MethodGet: "GetBucketPolicyStatus"},
	"publicAccessBlock": {
		http.MethodGet:    "GetPublicAccessBlock",
		http.MethodPut:    "PutPublicAccessBlock",
		http.MethodDelete: "DeletePublicAccessBlock",
	},
	"ownershipControls": {
		http.MethodGet:    "GetBucketOwnershipControls",
		http.MethodPut:    "PutBucketOwnershipControls",
		http.MethodDelete: "DeleteBucketOwnershipControls",
	},
	"encryption": {
		http.MethodGet:    "GetBucketEncryption",
		http.MethodPut:    "PutBucketEncryption",
		http.MethodDelete: "DeleteBucketEncryption",
	},
	"logging": {
		http.MethodGet: "GetBucketLogging",
		http.MethodPut: "PutBucketLogging",
	},
	"versioning": {
		http.MethodGet: "GetBucketVersioning",
		http.MethodPut: "PutBucketVersioning",
	},
	"acl": {
		http.MethodGet: "GetBucketAcl",
		http.MethodPut: "PutBucketAcl",
	},
	"lifecycle": {
		http.MethodGet:    "GetBucketLifecycleConfiguration",
		http.MethodPut:    "PutBucketLifecycleConfiguration",
		http.MethodDelete: "DeleteBucketLifecycle",
	},
	"object-lock": {
		http.MethodGet: "GetObjectLockConfiguration",
		http.MethodPut: "PutObjectLockConfiguration",
	},
	"tagging": {
		http.MethodGet:    "GetBucketTagging",
		http.MethodPut:    "PutBucketTagging",
		http.MethodDelete: "DeleteBucketTagging",
	},
	"requestPayment": {
		http.MethodGet: "GetBucketRequestPayment",
		http.MethodPut: "PutBucketRequestPayment",
	},
	"location": {http.MethodGet: "GetBucketLocation"},
	"versions": {http.MethodGet: "ListObjectVersions"},
	"uploads":  {http.MethodGet: "ListMultipartUploads"},
	"delete":   {http.MethodPost: "DeleteObjects"},
}

func classify(r *http.Request, q url.Values) route {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	rt := route{bucket: bucket, key: key, versionID: q.Get("versionId")}
	rt.versioned = rt.versionID != ""
	if rt.versionID == "null" {
		rt.versionID = ""
	}
	for k := range q {
		if valueParams[k] || strings.HasPrefix(strings.ToLower(k), "x-amz-") {
			continue
		}
		if (key == "" && bucketSubs[k]) || (key != "" && objectSubs[k]) {
			if rt.sub != "" {
				rt.unsupported = true
			}
			rt.sub = k
			continue
		}
		rt.unsupported = true
	}
	if rt.unsupported {
		rt.op = "Unsupported"
		return rt
	}
	m := r.Method
	switch {
	case bucket == "":
		if m == http.MethodGet {
			rt.op = "ListBuckets"
		}
	case key == "":
		if rt.sub == "" && m == http.MethodGet {
			rt.op = "ListObjects"
			if q.Get("list-type") == "2" {
				rt.op = "ListObjectsV2"
			}
			break
		}
		if op, ok := bucketOps[rt.sub][m]; ok {
			rt.op = op
		}
	case q.Has("uploadId"):
		switch m {
		case http.MethodPut:
			rt.op = "UploadPart"
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				rt.op = "UploadPartCopy"
			}
		case http.MethodPost:
			rt.op = "CompleteMultipartUpload"
		case http.MethodDelete:
			rt.op = "AbortMultipartUpload"
		case http.MethodGet:
			rt.op = "ListParts"
		}
	default:
		switch rt.sub + " " + m {
		case "uploads POST":
			rt.op = "CreateMultipartUpload"
		case "acl GET":
			rt.op = "GetObjectAcl"
		case "acl PUT":
			rt.op = "PutObjectAcl"
		case "tagging GET":
			rt.op = "GetObjectTagging"
		case "tagging PUT":
			rt.op = "PutObjectTagging"
		case "tagging DELETE":
			rt.op = "DeleteObjectTagging"
		case " GET":
			rt.op = "GetObject"
		case " HEAD":
			rt.op = "HeadObject"
		case " PUT":
			rt.op = "PutObject"
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				rt.op = "CopyObject"
			}
		case " DELETE":
			rt.op = "DeleteObject"
		}
	}
	rt.action = operationAction(rt.op, rt.versioned)
	if rt.op == "" {
		rt.op = "MethodNotAllowed"
	}
	return rt
}

// operationAction is the IAM action that authorizes an API operation, from
// AWS's Service Authorization Reference (policy.LookupOperation): the one
// every call needs, or, for a request naming an object version, the
// version form ("" for an operation the reference does not know). A
// browser POST upload (PostObject, not an SDK operation) needs what
// PutObject needs.
func operationAction(op string, version bool) string {
	if op == "PostObject" {
		op = "PutObject"
	}
	o, ok := policy.LookupOperation(op)
	if !ok {
		return ""
	}
	if version && len(o.VersionRequired) > 0 {
		return o.VersionRequired[0]
	}
	if len(o.Required) > 0 {
		return o.Required[0]
	}
	return ""
}

func (rt route) resource(partition string) string {
	switch {
	case rt.bucket == "":
		return "*"
	case rt.key == "":
		return "arn:" + partition + ":s3:::" + rt.bucket
	}
	return "arn:" + partition + ":s3:::" + rt.bucket + "/" + rt.key
}
