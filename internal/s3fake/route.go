package s3fake

import (
	"net/http"
	"net/url"
	"strings"
)

// route is what a request asks for.
type route struct {
	op, action  string
	bucket, key string
	sub         string
	versionID   string
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
	}
	objectSubs = map[string]bool{"acl": true, "tagging": true, "uploads": true}
)

type opAction struct{ op, action string }

// bucketOps maps sub-resource and method to operation and IAM action.
var bucketOps = map[string]map[string]opAction{
	"": {
		http.MethodHead:   {"HeadBucket", "s3:ListBucket"},
		http.MethodPut:    {"CreateBucket", "s3:CreateBucket"},
		http.MethodDelete: {"DeleteBucket", "s3:DeleteBucket"},
		http.MethodPost:   {"PostObject", "s3:PutObject"},
	},
	"policy": {
		http.MethodGet:    {"GetBucketPolicy", "s3:GetBucketPolicy"},
		http.MethodPut:    {"PutBucketPolicy", "s3:PutBucketPolicy"},
		http.MethodDelete: {"DeleteBucketPolicy", "s3:DeleteBucketPolicy"},
	},
	"policyStatus": {http.MethodGet: {"GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"}},
	"publicAccessBlock": {
		http.MethodGet:    {"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
		http.MethodPut:    {"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
		http.MethodDelete: {"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
	},
	"ownershipControls": {
		http.MethodGet:    {"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
		http.MethodPut:    {"PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
		http.MethodDelete: {"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
	},
	"encryption": {
		http.MethodGet:    {"GetBucketEncryption", "s3:GetEncryptionConfiguration"},
		http.MethodPut:    {"PutBucketEncryption", "s3:PutEncryptionConfiguration"},
		http.MethodDelete: {"DeleteBucketEncryption", "s3:PutEncryptionConfiguration"},
	},
	"logging": {
		http.MethodGet: {"GetBucketLogging", "s3:GetBucketLogging"},
		http.MethodPut: {"PutBucketLogging", "s3:PutBucketLogging"},
	},
	"versioning": {
		http.MethodGet: {"GetBucketVersioning", "s3:GetBucketVersioning"},
		http.MethodPut: {"PutBucketVersioning", "s3:PutBucketVersioning"},
	},
	"acl": {
		http.MethodGet: {"GetBucketAcl", "s3:GetBucketAcl"},
		http.MethodPut: {"PutBucketAcl", "s3:PutBucketAcl"},
	},
	"lifecycle": {
		http.MethodGet:    {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
		http.MethodPut:    {"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
		http.MethodDelete: {"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"},
	},
	"object-lock": {
		http.MethodGet: {"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"},
		http.MethodPut: {"PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration"},
	},
	"tagging": {
		http.MethodGet:    {"GetBucketTagging", "s3:GetBucketTagging"},
		http.MethodPut:    {"PutBucketTagging", "s3:PutBucketTagging"},
		http.MethodDelete: {"DeleteBucketTagging", "s3:PutBucketTagging"},
	},
	"location": {http.MethodGet: {"GetBucketLocation", "s3:GetBucketLocation"}},
	"versions": {http.MethodGet: {"ListObjectVersions", "s3:ListBucketVersions"}},
	"uploads":  {http.MethodGet: {"ListMultipartUploads", "s3:ListBucketMultipartUploads"}},
	"delete":   {http.MethodPost: {"DeleteObjects", "s3:DeleteObject"}},
}

func classify(r *http.Request, q url.Values) route {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, _ := strings.Cut(path, "/")
	rt := route{bucket: bucket, key: key, versionID: q.Get("versionId")}
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
			rt.op, rt.action = "ListBuckets", "s3:ListAllMyBuckets"
		}
	case key == "":
		if rt.sub == "" && m == http.MethodGet {
			rt.op, rt.action = "ListObjects", "s3:ListBucket"
			if q.Get("list-type") == "2" {
				rt.op = "ListObjectsV2"
			}
			break
		}
		if oa, ok := bucketOps[rt.sub][m]; ok {
			rt.op, rt.action = oa.op, oa.action
		}
	case q.Has("uploadId"):
		switch m {
		case http.MethodPut:
			rt.op, rt.action = "UploadPart", "s3:PutObject"
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				rt.op = "UploadPartCopy"
			}
		case http.MethodPost:
			rt.op, rt.action = "CompleteMultipartUpload", "s3:PutObject"
		case http.MethodDelete:
			rt.op, rt.action = "AbortMultipartUpload", "s3:AbortMultipartUpload"
		case http.MethodGet:
			rt.op, rt.action = "ListParts", "s3:ListMultipartUploadParts"
		}
	default:
		ver := rt.versionID != ""
		pick := func(op, action, versionAction string) {
			rt.op, rt.action = op, action
			if ver && versionAction != "" {
				rt.action = versionAction
			}
		}
		switch rt.sub + " " + m {
		case "uploads POST":
			pick("CreateMultipartUpload", "s3:PutObject", "")
		case "acl GET":
			pick("GetObjectAcl", "s3:GetObjectAcl", "s3:GetObjectVersionAcl")
		case "acl PUT":
			pick("PutObjectAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl")
		case "tagging GET":
			pick("GetObjectTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging")
		case "tagging PUT":
			pick("PutObjectTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging")
		case "tagging DELETE":
			pick("DeleteObjectTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging")
		case " GET":
			pick("GetObject", "s3:GetObject", "s3:GetObjectVersion")
		case " HEAD":
			pick("HeadObject", "s3:GetObject", "s3:GetObjectVersion")
		case " PUT":
			pick("PutObject", "s3:PutObject", "")
			if r.Header.Get("X-Amz-Copy-Source") != "" {
				rt.op = "CopyObject"
			}
		case " DELETE":
			pick("DeleteObject", "s3:DeleteObject", "s3:DeleteObjectVersion")
		}
	}
	if rt.op == "" {
		rt.op = "MethodNotAllowed"
	}
	return rt
}

func (rt route) resource() string {
	switch {
	case rt.bucket == "":
		return "*"
	case rt.key == "":
		return "arn:aws:s3:::" + rt.bucket
	}
	return "arn:aws:s3:::" + rt.bucket + "/" + rt.key
}
