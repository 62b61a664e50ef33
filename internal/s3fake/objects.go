package s3fake

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/johannesboyne/gofakes3"
)

// objectExists checks the object (or the version) in the backend.
func (s *Server) objectExists(rt route) bool {
	var obj *gofakes3.Object
	var err error
	if rt.versionID != "" {
		obj, err = s.backend.HeadObjectVersion(rt.bucket, rt.key, gofakes3.VersionID(rt.versionID))
	} else {
		obj, err = s.backend.HeadObject(rt.bucket, rt.key)
	}
	if err != nil || obj == nil {
		return false
	}
	if obj.Contents != nil {
		_ = obj.Contents.Close()
	}
	return !obj.IsDeleteMarker
}

// objectSub serves object ?acl and ?tagging. It never touches the object's
// bytes: ACLs and tags are stored beside the object.
func (s *Server) objectSub(w http.ResponseWriter, r *http.Request, rt route, req *AccessRequest) *Error {
	if !s.objectExists(rt) {
		return errNoSuchKey(rt.key)
	}
	cfg := req.BucketConfig
	bucketOwner := cfg.ACL.OwnerID
	var body []byte
	if r.Method == http.MethodPut {
		var e *Error
		if body, e = readBody(r); e != nil {
			return e
		}
	}
	if rt.versionID != "" {
		w.Header().Set("x-amz-version-id", rt.versionID)
	}
	switch rt.op {
	case "GetObjectAcl":
		// With ACLs disabled, "Requests to read ACLs always return a
		// response that shows full control for the bucket owner".
		acl := privateACL(bucketOwner)
		if req.ObjectACL != nil && cfg.ACLsEnabled() {
			acl = *req.ObjectACL
		}
		writeXML(w, aclXML(acl))
		return nil
	case "GetObjectTagging":
		s.mu.RLock()
		var tags []Tag
		if b := s.buckets[rt.bucket]; b != nil {
			if m := b.meta(rt.key, rt.versionID); m != nil {
				tags = m.tags
			}
		}
		s.mu.RUnlock()
		writeXML(w, tagsXML(tags))
		return nil
	case "PutObjectAcl":
		if cfg.ObjectOwnership == OwnershipBucketOwnerEnforced {
			return errACLNotSupported()
		}
		owner := bucketOwner
		if req.ObjectACL != nil {
			owner = req.ObjectACL.OwnerID
		}
		acl, ok, e := aclFromHeaders(r.Header, owner, bucketOwner)
		if e != nil {
			return e
		}
		if !ok {
			if acl, e = aclFromXML(body, owner); e != nil {
				return e
			}
		}
		eff := cfg.PublicAccessBlock.Merge(req.AccountPublicAccessBlock)
		if eff.BlockPublicAcls && acl.IsPublic() {
			return errAccessDenied()
		}
		s.updateObject(rt, func(m *objectMeta) { m.acl = acl })
	case "PutObjectTagging":
		tags, e := parseTags(body, MaxObjectTags, false)
		if e != nil {
			return e
		}
		s.updateObject(rt, func(m *objectMeta) { m.tags = tags })
	case "DeleteObjectTagging":
		s.updateObject(rt, func(m *objectMeta) { m.tags = nil })
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// updateObject replaces the metadata record of an object (or of the version
// rt names) via f.
func (s *Server) updateObject(rt route, f func(m *objectMeta)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[rt.bucket]
	if b == nil {
		return
	}
	m := objectMeta{acl: privateACL(b.cfg.ACL.OwnerID), version: rt.versionID}
	if old := b.meta(rt.key, rt.versionID); old != nil {
		m = *old
	}
	f(&m)
	latest := rt.versionID == ""
	if cur := b.objects[rt.key]; cur != nil && m.version != "" && cur.version == m.version {
		latest = true
	}
	b.setMeta(rt.key, &m, latest)
}

// putObject applies S3's write-time rules (ACLs under Object Ownership and
// Block Public Access, SSE-C blocking, default encryption) before handing the
// upload to gofakes3, then records the object's ACL and tags.
func (s *Server) putObject(w http.ResponseWriter, r *http.Request, rt route, req *AccessRequest) *Error {
	cfg := req.BucketConfig
	bucketOwner := cfg.ACL.OwnerID
	writer := CanonicalUserID(req.Principal.AccountID)
	if req.Principal.IsAnonymous() {
		writer = bucketOwner
	}
	acl, hasACL, e := aclFromHeaders(r.Header, writer, bucketOwner)
	if e != nil {
		return e
	}
	canned := r.Header.Get("X-Amz-Acl")
	switch cfg.ObjectOwnership {
	case OwnershipBucketOwnerEnforced:
		if hasACL && canned != "bucket-owner-full-control" {
			return errACLNotSupported()
		}
		acl, hasACL = privateACL(bucketOwner), false
	case OwnershipBucketOwnerPreferred:
		if canned == "bucket-owner-full-control" {
			acl = privateACL(bucketOwner)
		}
	}
	if hasACL {
		eff := cfg.PublicAccessBlock.Merge(req.AccountPublicAccessBlock)
		if eff.BlockPublicAcls && acl.IsPublic() {
			return errAccessDenied()
		}
	} else if cfg.ObjectOwnership != OwnershipBucketOwnerEnforced {
		owner := writer
		if cfg.ObjectOwnership == OwnershipBucketOwnerPreferred && canned == "bucket-owner-full-control" {
			owner = bucketOwner
		}
		acl = privateACL(owner)
	}
	if r.Header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "" && cfg.Encryption.BlocksSSEC() {
		return errf(http.StatusForbidden, "AccessDenied", "Requests specifying Server Side Encryption with Customer provided keys are blocked for this bucket")
	}
	if cfg.Encryption != nil && r.Header.Get("X-Amz-Server-Side-Encryption") == "" && r.Header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") == "" && rt.op != "CopyObject" {
		r.Header.Set("X-Amz-Server-Side-Encryption", cfg.Encryption.SSEAlgorithm)
		if cfg.Encryption.KMSMasterKeyID != "" {
			r.Header.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", cfg.Encryption.KMSMasterKeyID)
		}
	}
	var tags []Tag
	if t := r.Header.Get("X-Amz-Tagging"); t != "" {
		vals, err := url.ParseQuery(t)
		if err != nil {
			return errf(http.StatusBadRequest, "InvalidArgument", "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
		}
		for k, vs := range vals {
			for _, v := range vs {
				tags = append(tags, Tag{Key: k, Value: v})
			}
		}
		if len(tags) > MaxObjectTags {
			return errf(http.StatusBadRequest, "BadRequest", "Object tags cannot be greater than 10")
		}
	}
	if rt.op == "CopyObject" && !strings.EqualFold(r.Header.Get("X-Amz-Tagging-Directive"), "REPLACE") {
		// "COPY (default) - Copies the tag-set from the source object"
		// (CopyObject, x-amz-tagging-directive).
		tags = s.copySourceTags(r.Header.Get("X-Amz-Copy-Source"))
	}
	if rt.op == "CreateMultipartUpload" {
		// The ACL and tags are the object's when the upload completes.
		tw := &teeWriter{ResponseWriter: w}
		if s.passThrough(tw, r) != http.StatusOK {
			return nil
		}
		var out struct {
			UploadID string `xml:"UploadId"`
		}
		if xml.Unmarshal(tw.body.Bytes(), &out) != nil || out.UploadID == "" {
			return nil
		}
		s.mu.Lock()
		if b := s.buckets[rt.bucket]; b != nil {
			if b.uploads == nil {
				b.uploads = map[string]*objectMeta{}
			}
			b.uploads[out.UploadID] = &objectMeta{acl: acl, tags: tags}
		}
		s.mu.Unlock()
		return nil
	}
	if s.passThrough(w, r) == http.StatusOK {
		m := &objectMeta{acl: acl, tags: tags, version: w.Header().Get("x-amz-version-id")}
		s.mu.Lock()
		if b := s.buckets[rt.bucket]; b != nil {
			b.setMeta(rt.key, m, true)
		}
		s.mu.Unlock()
	}
	return nil
}

// copySourceTags returns the tags of a copy's source object.
func (s *Server) copySourceTags(src string) []Tag {
	bucketName, key, versionID, ok := copySource(src)
	if !ok {
		return nil
	}
	if versionID == "null" {
		versionID = ""
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if b := s.buckets[bucketName]; b != nil {
		if m := b.meta(key, versionID); m != nil {
			return m.tags
		}
	}
	return nil
}

// endUpload serves CompleteMultipartUpload and AbortMultipartUpload: once
// the upload completes, the object has the ACL and tags its
// CreateMultipartUpload gave; either way the upload's record goes.
func (s *Server) endUpload(w http.ResponseWriter, r *http.Request, rt route) {
	status := s.passThrough(w, r)
	id := r.URL.Query().Get("uploadId")
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[rt.bucket]
	if b == nil {
		return
	}
	switch {
	case rt.op == "CompleteMultipartUpload" && status == http.StatusOK:
		if m := b.uploads[id]; m != nil {
			done := *m
			done.version = w.Header().Get("x-amz-version-id")
			b.setMeta(rt.key, &done, true)
		} else {
			// No record: never the ACL of the object it replaced.
			b.dropMeta(rt.key, "")
		}
		delete(b.uploads, id)
	case rt.op == "AbortMultipartUpload" && status == http.StatusNoContent:
		delete(b.uploads, id)
	}
}

// maxUploadResult bounds the CreateMultipartUpload answer teeWriter keeps.
const maxUploadResult = 64 << 10

// teeWriter keeps (the start of) what is written through it.
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if room := maxUploadResult - t.body.Len(); room > 0 {
		t.body.Write(b[:min(len(b), room)])
	}
	return t.ResponseWriter.Write(b)
}
