package s3fake

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/presign"
)

const s3ns = "http://s3.amazonaws.com/doc/2006-03-01/"

// maxConfigBody bounds configuration request bodies.
const maxConfigBody = 1 << 20

// maxObjectBody bounds an upload body held in memory to check its hex
// payload hash, and a browser POST upload.
const maxObjectBody = 256 << 20

// ServeHTTP answers one S3 request: it classifies the operation, counts it,
// verifies the signature, applies injected faults, looks up the bucket,
// checks x-amz-expected-bucket-owner, asks the Authorizer, and only then
// serves it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := s.reqID.Add(1)
	rid := fmt.Sprintf("%016X", id)
	h := w.Header()
	h.Set("x-amz-request-id", rid)
	h.Set("x-amz-id-2", base64.StdEncoding.EncodeToString([]byte(rid+rid+rid)))
	h.Set("Server", "AmazonS3")

	q := r.URL.Query()
	rt := classify(r, q)
	if !fakeutil.Resent(r) { // count operations, not the SDK's resends
		s.counts.add(rt.op, r.Method)
	}

	now := s.Now()
	// S3's Date is its own clock's time: the SDK corrects a skewed clock
	// from it (it retries a RequestTimeTooSkewed signed with the Date's
	// time), so the fake's must follow its clock, not the machine's.
	h.Set("Date", now.UTC().Format(http.TimeFormat))
	var (
		res  *presign.Verified
		post *postUpload
		p    Principal
	)
	al, w := s.accessLogStart(w, r, rid)
	defer func() { s.accessLogFinish(al, rt, p, res) }()
	keys := &keyLookup{s: s}
	if rt.op == "PostObject" {
		// A browser upload: the signature is over the form's policy, and
		// the request becomes the PutObject it asks for.
		var e *Error
		if post, e = s.preparePost(r, rt, now, keys); e != nil {
			writeError(w, r, e)
			return
		}
		r, rt, res = post.put, post.route, post.verified
	} else {
		v, err := presign.Verify(r, keys.lookup, &presign.VerifyOptions{
			Now:             func() time.Time { return now },
			AllowExpiryUpTo: presign.HardMaxExpiry, // S3 accepts presigned URLs of up to 7 days
		})
		switch {
		case errors.Is(err, presign.ErrUnsigned):
		case err != nil:
			writeError(w, r, verifyError(err))
			return
		default:
			res = v
		}
		if sigv4.IsStreaming(r.Header.Get("X-Amz-Content-Sha256")) {
			guardBody(r) // aws-chunked: Verify made r.Body the verifying decoder
		}
	}
	if res != nil {
		if s.afterVerify != nil {
			s.afterVerify()
		}
		cred := keys.cred // the credential the signature was checked with
		if !cred.Expires.IsZero() && now.After(cred.Expires) {
			writeError(w, r, errf(http.StatusBadRequest, "ExpiredToken", "The provided token has expired."))
			return
		}
		p = cred.Principal
		if post == nil {
			if e := verifyPayload(r, res.PayloadHash); e != nil {
				writeError(w, r, e)
				return
			}
		}
	}

	faultRegion := ""
	if res != nil {
		faultRegion = res.Region
	}
	if latency, ferr := s.faults.pick(rt.op, faultRegion, rt.bucket); latency > 0 || ferr != nil {
		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if ferr != nil && ferr.Code == FaultConnectionReset {
			resetConnection(w)
			return
		}
		if ferr != nil {
			if tok := r.Header.Get("X-Amz-Security-Token"); ferr.Code == FaultInvalidToken && tok != "" {
				ferr.Extra = append(ferr.Extra, [2]string{"Token-0", tok}) // S3 echoes the token it refuses
			}
			writeError(w, r, ferr)
			return
		}
	}
	if rt.op == "MethodNotAllowed" {
		writeError(w, r, errf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource."))
		return
	}

	req := &AccessRequest{
		Operation: rt.op, Action: rt.action, Resource: rt.resource(s.partition), Bucket: rt.bucket, Key: rt.key,
		Principal: p, SecureTransport: r.TLS != nil, SourceIP: sourceIP(r.RemoteAddr),
		Header: r.Header.Clone(), Query: q, Now: now,
	}
	if r.TLS != nil {
		req.TLSVersion = tlsVersionName(r.TLS.Version)
	}
	if res != nil {
		req.AuthType = res.AuthType
		req.SignatureAge = now.Sub(res.SigningTime)
	}

	if rt.bucket != "" {
		s.mu.RLock()
		b := s.buckets[rt.bucket]
		if b != nil && rt.op != "CreateBucket" {
			cfg := b.cfg
			req.BucketConfig = &cfg
			if a := s.accountBPA[cfg.OwnerAccountID]; a != nil {
				c := *a
				req.AccountPublicAccessBlock = &c
			}
			if m := b.meta(rt.key, rt.versionID); rt.key != "" && m != nil {
				acl := m.acl
				req.ObjectACL = &acl
				req.ObjectTags = m.tags
			}
		}
		s.mu.RUnlock()
		if req.BucketConfig == nil && rt.op != "CreateBucket" {
			writeError(w, r, errNoSuchBucket(rt.bucket))
			return
		}
	} else {
		s.mu.RLock()
		if a := s.accountBPA[p.AccountID]; a != nil {
			c := *a
			req.AccountPublicAccessBlock = &c
		}
		s.mu.RUnlock()
	}
	if cfg := req.BucketConfig; cfg != nil {
		exp := r.Header.Get("X-Amz-Expected-Bucket-Owner")
		if exp == "" {
			exp = q.Get("x-amz-expected-bucket-owner")
		}
		if exp != "" && exp != cfg.OwnerAccountID {
			writeError(w, r, errAccessDenied())
			return
		}
		if res != nil && res.Region != cfg.Region && rt.op != "CreateBucket" {
			code := "AuthorizationHeaderMalformed"
			if res.Presigned {
				code = "AuthorizationQueryParametersError"
			}
			writeError(w, r, errf(http.StatusBadRequest, code, "The authorization header is malformed; the region '"+res.Region+"' is wrong; expecting '"+cfg.Region+"'", [2]string{"Region", cfg.Region}))
			return
		}
	}
	if e := requestTags(r, req); e != nil {
		writeError(w, r, e)
		return
	}
	if e := s.decide(r.Context(), req); e != nil {
		writeError(w, r, e)
		return
	}
	if rt.unsupported {
		writeError(w, r, errNotImplemented())
		return
	}
	var signingRegion string
	if res != nil {
		signingRegion = res.Region
	}
	if post != nil {
		post.respond(w, r, func(w http.ResponseWriter) { s.dispatch(w, r, rt, req, signingRegion) })
		return
	}
	s.dispatch(w, r, rt, req, signingRegion)
}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, rt route, req *AccessRequest, signingRegion string) {
	var e *Error
	switch rt.op {
	case "ListBuckets":
		s.listBuckets(w, req.Principal, req.Query)
		return
	case "CreateBucket":
		e = s.createBucketAPI(w, r, rt, req.Principal, signingRegion)
	case "HeadBucket":
		w.Header().Set("x-amz-bucket-region", req.BucketConfig.Region)
		w.WriteHeader(http.StatusOK)
		return
	case "GetBucketLocation":
		loc := req.BucketConfig.Region
		if loc == "us-east-1" {
			loc = ""
		}
		writeXML(w, []byte(`<LocationConstraint xmlns="`+s3ns+`">`+escapeXML(loc)+`</LocationConstraint>`))
		return
	case "DeleteBucket":
		// Under the lock, so a concurrent CreateBucket sees either the old
		// bucket or none, never a half-deleted one.
		s.mu.Lock()
		err := s.backend.DeleteBucket(rt.bucket)
		if err == nil {
			delete(s.buckets, rt.bucket)
		}
		s.mu.Unlock()
		switch {
		case err == nil:
			w.WriteHeader(http.StatusNoContent)
			return
		case gofakes3.HasErrorCode(err, gofakes3.ErrBucketNotEmpty):
			e = errf(http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty", [2]string{"BucketName", rt.bucket})
		case gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchBucket):
			e = errNoSuchBucket(rt.bucket)
		default:
			e = errf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		}
	case "UploadPartCopy":
		e = errf(http.StatusNotImplemented, "NotImplemented", "UploadPartCopy is not implemented by this fake")
	case "GetBucketVersioning", "PutBucketVersioning":
		e = s.versioning(w, r, rt, req)
	case "DeleteObject":
		if rt.versioned {
			if e = s.checkMFADelete(r, req, false); e != nil {
				break
			}
		}
		if st := s.passThrough(w, r); st == http.StatusNoContent || st == http.StatusOK {
			s.mu.Lock()
			if b := s.buckets[rt.bucket]; b != nil {
				b.dropMeta(rt.key, rt.versionID)
			}
			s.mu.Unlock()
		}
		return
	case "DeleteObjects":
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			e = readError(err)
			break
		}
		if e = s.checkMFADelete(r, req, bytes.Contains(body, []byte("<VersionId>"))); e != nil {
			break
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if st := s.passThrough(w, r); st == http.StatusOK {
			if lr, ok := w.(*logRecorder); ok {
				lr.batch = deletedKeys(body)
			}
		}
		return
	case "PutObject", "CopyObject", "CreateMultipartUpload":
		if rt.op == "CopyObject" {
			if e = s.authorizeCopySource(r, req); e != nil {
				break
			}
		}
		chunkedForBackend(r)
		if rt.op == "PutObject" {
			if e = checkUploadChecksum(r); e != nil {
				break
			}
		}
		e = s.putObject(w, r, rt, req)
	case "CompleteMultipartUpload", "AbortMultipartUpload":
		s.endUpload(w, r, rt)
		return
	case "UploadPart":
		chunkedForBackend(r)
		if e = checkUploadChecksum(r); e != nil {
			break
		}
		s.passThrough(w, r)
		return
	case "GetObjectAcl", "PutObjectAcl", "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging":
		e = s.objectSub(w, r, rt, req)
	default:
		if rt.sub != "" && rt.key == "" && rt.sub != "versions" && rt.sub != "uploads" && rt.sub != "delete" {
			e = s.bucketSub(w, r, rt, req)
			break
		}
		s.passThrough(w, r)
		return
	}
	if e != nil {
		writeError(w, r, e)
	}
}

// statusWriter records the status gofakes3 answers with. When reading the
// request body failed verification (an aws-chunked or checksummed upload),
// it answers S3's error for that instead of gofakes3's.
type statusWriter struct {
	http.ResponseWriter
	status int
	r      *http.Request
	failed bool // the answer is the body's error; gofakes3's is dropped
}

// start records the status of the first write, or answers the body's
// verification failure instead.
func (sw *statusWriter) start(code int) {
	if e := bodyFailure(sw.r); e != nil {
		sw.status, sw.failed = e.StatusCode, true
		writeError(sw.ResponseWriter, sw.r, e)
		return
	}
	sw.status = code
	lowerMetaHeaders(sw.Header())
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.start(code)
	}
	if !sw.failed {
		sw.ResponseWriter.WriteHeader(code)
	}
}

// lowerMetaHeaders writes user metadata header names in lower case, as S3
// does (Go would canonicalise x-amz-meta-foo to X-Amz-Meta-Foo).
func lowerMetaHeaders(h http.Header) {
	for k, v := range h {
		if len(k) > len("X-Amz-Meta-") && strings.EqualFold(k[:len("X-Amz-Meta-")], "X-Amz-Meta-") {
			if lk := strings.ToLower(k); lk != k {
				delete(h, k)
				h[lk] = v
			}
		}
	}
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.start(http.StatusOK)
	}
	if sw.failed {
		return len(b), nil
	}
	return sw.ResponseWriter.Write(b)
}

// passThrough hands the request to gofakes3 without the headers that carry
// secrets or that gofakes3 would store as object metadata by mistake, and
// returns the status it answered.
func (s *Server) passThrough(w http.ResponseWriter, r *http.Request) int {
	for _, h := range []string{"Authorization", "X-Amz-Security-Token", "X-Amz-Mfa", "X-Amz-Date", "X-Amz-Expected-Bucket-Owner"} {
		r.Header.Del(h)
	}
	sw := &statusWriter{ResponseWriter: w, r: r}
	s.objects.ServeHTTP(sw, r)
	if sw.status == 0 {
		// Nothing written yet (HEAD): net/http sends the headers after we return.
		sw.start(http.StatusOK)
	}
	return sw.status
}

func writeXML(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(body)
}

func marshalXML(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		writeError(w, &http.Request{Method: http.MethodGet}, errf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again."))
		return
	}
	writeXML(w, b)
}

func (s *Server) listBuckets(w http.ResponseWriter, p Principal, q url.Values) {
	type xb struct {
		Name         string `xml:"Name"`
		CreationDate string `xml:"CreationDate"`
		BucketRegion string `xml:"BucketRegion"`
	}
	type out struct {
		XMLName           xml.Name `xml:"ListAllMyBucketsResult"`
		Xmlns             string   `xml:"xmlns,attr"`
		OwnerID           string   `xml:"Owner>ID"`
		Buckets           []xb     `xml:"Buckets>Bucket"`
		ContinuationToken string   `xml:"ContinuationToken,omitempty"`
		Prefix            string   `xml:"Prefix,omitempty"`
	}
	prefix, region, after := q.Get("prefix"), q.Get("bucket-region"), q.Get("continuation-token")
	limit := 10000
	if v := q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			writeError(w, &http.Request{Method: http.MethodGet}, errInvalidArgument("Invalid max-buckets value", "max-buckets", v))
			return
		}
		limit = n
	}
	o := out{Xmlns: s3ns, OwnerID: CanonicalUserID(p.AccountID), Prefix: prefix}
	s.mu.RLock()
	for _, b := range s.buckets {
		c := &b.cfg
		if c.OwnerAccountID == p.AccountID && strings.HasPrefix(c.Name, prefix) && (region == "" || c.Region == region) && c.Name > after {
			o.Buckets = append(o.Buckets, xb{c.Name, c.CreationDate.UTC().Format("2006-01-02T15:04:05.000Z"), c.Region})
		}
	}
	s.mu.RUnlock()
	sort.Slice(o.Buckets, func(i, j int) bool { return o.Buckets[i].Name < o.Buckets[j].Name })
	if len(o.Buckets) > limit {
		o.Buckets = o.Buckets[:limit]
		o.ContinuationToken = o.Buckets[limit-1].Name
	}
	marshalXML(w, o)
}

func readBody(r *http.Request) ([]byte, *Error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxConfigBody+1))
	if err != nil {
		var se *sigv4.Error
		if errors.As(err, &se) {
			return nil, readError(err)
		}
		return nil, errf(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	if len(b) > maxConfigBody {
		return nil, errf(http.StatusBadRequest, "MaxMessageLengthExceeded", "Your request was too big.")
	}
	return b, nil
}

// createBucketAPI implements CreateBucket.
func (s *Server) createBucketAPI(w http.ResponseWriter, r *http.Request, rt route, p Principal, signingRegion string) *Error {
	body, e := readBody(r)
	if e != nil {
		return e
	}
	var loc string
	if len(bytes.TrimSpace(body)) > 0 {
		var cfg struct {
			XMLName            xml.Name `xml:"CreateBucketConfiguration"`
			LocationConstraint string   `xml:"LocationConstraint"`
		}
		if err := xml.Unmarshal(body, &cfg); err != nil {
			return errMalformedXML()
		}
		loc = cfg.LocationConstraint
	}
	region := loc
	switch {
	case loc == "us-east-1":
		return errf(http.StatusBadRequest, "InvalidLocationConstraint", "The specified location-constraint is not valid", [2]string{"LocationConstraint", loc})
	case loc == "" && signingRegion != "" && signingRegion != "us-east-1":
		return errf(http.StatusBadRequest, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.")
	case loc != "" && signingRegion != "" && signingRegion != "us-east-1" && signingRegion != loc:
		return errf(http.StatusBadRequest, "IllegalLocationConstraintException", "The "+loc+" location constraint is incompatible for the region specific endpoint this request was sent to.")
	case loc == "":
		region = "us-east-1"
		if signingRegion == "" {
			region = s.region
		}
	}
	ownership := r.Header.Get("X-Amz-Object-Ownership")
	switch ownership {
	case "", OwnershipBucketOwnerEnforced, OwnershipBucketOwnerPreferred, OwnershipObjectWriter:
	default:
		return errInvalidArgument("Invalid x-amz-object-ownership header", "x-amz-object-ownership", ownership)
	}
	lock := strings.EqualFold(r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled"), "true")
	state := s.createAs
	effOwnership := ownership
	if effOwnership == "" && state == StateAWSDefault {
		effOwnership = OwnershipBucketOwnerEnforced
	}
	ownerID := CanonicalUserID(p.AccountID)
	acl, hasACL, e := aclFromHeaders(r.Header, ownerID, ownerID)
	if e != nil {
		return e
	}
	if hasACL && effOwnership == OwnershipBucketOwnerEnforced && !acl.onlyOwner() {
		return errf(http.StatusBadRequest, "InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	}
	if err := validBucketName(rt.bucket); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.buckets[rt.bucket]; ok {
		if b.cfg.OwnerAccountID != p.AccountID {
			return errf(http.StatusConflict, "BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", [2]string{"BucketName", rt.bucket})
		}
		if b.cfg.Region == "us-east-1" {
			// S3 keeps a legacy quirk in us-east-1: re-creating a bucket you
			// own answers 200 OK (see the CreateBucket API reference).
			w.Header().Set("Location", "/"+rt.bucket)
			w.WriteHeader(http.StatusOK)
			return nil
		}
		return errf(http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", [2]string{"BucketName", rt.bucket})
	}
	// The account's BlockPublicAcls: "PUT Bucket calls fail if the
	// request includes a public ACL" (PublicAccessBlockConfiguration).
	if acct := s.accountBPA[p.AccountID]; hasACL && acct != nil && acct.BlockPublicAcls && acl.IsPublic() {
		return errAccessDenied()
	}
	if err := s.createLocked(rt.bucket, BucketOptions{State: state, AccountID: p.AccountID, Region: region, ObjectLock: lock}, ownership); err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			return fe
		}
		return errf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	}
	if hasACL {
		s.buckets[rt.bucket].cfg.ACL = acl
	}
	w.Header().Set("Location", "/"+rt.bucket)
	w.WriteHeader(http.StatusOK)
	return nil
}

// authorizeCopySource asks the authorizer whether the caller may read the
// copy source (s3:GetObject on it), as S3 does for CopyObject.
func (s *Server) authorizeCopySource(r *http.Request, req *AccessRequest) *Error {
	src := r.Header.Get("X-Amz-Copy-Source")
	bucketName, key, versionID, ok := copySource(src)
	if !ok {
		return errInvalidArgument("Invalid copy source object key", "x-amz-copy-source", src)
	}
	s.mu.RLock()
	b := s.buckets[bucketName]
	var cfg BucketConfig
	var objACL *ACL
	var objTags []Tag
	var acct *PublicAccessBlock
	if b != nil {
		cfg = b.cfg
		acct = s.accountBPA[cfg.OwnerAccountID]
		if m := b.meta(key, versionID); m != nil {
			a := m.acl
			objACL, objTags = &a, m.tags
		}
	}
	s.mu.RUnlock()
	if b == nil {
		return errNoSuchBucket(bucketName)
	}
	if exp := r.Header.Get("X-Amz-Source-Expected-Bucket-Owner"); exp != "" && exp != cfg.OwnerAccountID {
		return errAccessDenied()
	}
	srcReq := *req
	// The source of a copy is read as GetObject reads it.
	srcReq.Operation, srcReq.Action = "CopyObject", operationAction("GetObject", versionID != "")
	srcReq.Bucket, srcReq.Key = bucketName, key
	srcReq.Resource = "arn:" + s.partition + ":s3:::" + bucketName + "/" + key
	srcReq.BucketConfig, srcReq.ObjectACL, srcReq.ObjectTags, srcReq.AccountPublicAccessBlock = &cfg, objACL, objTags, acct
	return s.decide(r.Context(), &srcReq)
}

// requestTags reads the tags a request gives an object into
// req.RequestObjectTags: PutObjectTagging's body (read here and put back
// for the handler) or the x-amz-tagging header. Tags that do not parse
// are left for the handler to refuse.
func requestTags(r *http.Request, req *AccessRequest) *Error {
	if req.Operation == "PutObjectTagging" {
		body, e := readBody(r)
		if e != nil {
			return e
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		req.RequestObjectTags, _ = parseTags(body, MaxObjectTags, false)
		return nil
	}
	if h := r.Header.Get("X-Amz-Tagging"); h != "" {
		vals, err := url.ParseQuery(h)
		if err != nil {
			return nil
		}
		for k, vs := range vals {
			for _, v := range vs {
				req.RequestObjectTags = append(req.RequestObjectTags, Tag{Key: k, Value: v})
			}
		}
	}
	return nil
}

// copySource reads an x-amz-copy-source header: "/bucket/key?versionId=v",
// URL-encoded, the leading slash optional.
func copySource(src string) (bucketName, key, versionID string, ok bool) {
	path, query, _ := strings.Cut(src, "?")
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	bucketName, key, ok = strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok || bucketName == "" || key == "" {
		return "", "", "", false
	}
	if q, err := url.ParseQuery(query); err == nil {
		versionID = q.Get("versionId")
	}
	return bucketName, key, versionID, true
}

// verifyPayload checks a signed hex SHA-256 payload hash against the body,
// as S3 does (XAmzContentSHA256Mismatch), so a body changed in transit is
// refused. The body is buffered (the backend keeps objects in memory anyway).
func verifyPayload(r *http.Request, payloadHash string) *Error {
	sum, err := fakeutil.CheckPayload(r, payloadHash, maxObjectBody)
	switch {
	case errors.Is(err, fakeutil.ErrPayloadTooLarge):
		return errf(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size of this fake")
	case err != nil:
		return errf(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	case sum != "":
		return errf(http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.",
			[2]string{"ClientComputedContentSHA256", payloadHash}, [2]string{"S3ComputedContentSHA256", sum})
	}
	return nil
}

// resetConnection closes the request's connection with a TCP reset (linger
// 0), for FaultConnectionReset. Where the connection cannot be taken over
// (HTTP/2), it panics with http.ErrAbortHandler, which aborts the stream.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	raw := conn
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}
