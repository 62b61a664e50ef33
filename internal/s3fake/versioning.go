package s3fake

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/johannesboyne/gofakes3"
)

// errMFAWithLifecycle is S3's refusal to combine MFA delete with a
// lifecycle configuration.
func errMFAWithLifecycle() *Error {
	return errf(http.StatusConflict, "InvalidBucketState", "Mfa Authentication is not supported on a bucket with lifecycle configuration. Delete lifecycle configuration before enabling Mfa Authentication.")
}

func errMFARequired() *Error {
	return errf(http.StatusForbidden, "AccessDenied", "Mfa Authentication must be used for this request")
}

// checkMFA validates the x-amz-mfa header: present, well formed, for a
// configured device with its code, sent by the bucket owner's root user.
func (s *Server) checkMFA(r *http.Request, req *AccessRequest) *Error {
	v := r.Header.Get("X-Amz-Mfa")
	if v == "" {
		return errMFARequired()
	}
	if !req.SecureTransport {
		// "Requests that include x-amz-mfa must use HTTPS."
		return errf(http.StatusBadRequest, "InvalidRequest", "Requests that include x-amz-mfa must be made over a secure connection.")
	}
	serial, code, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || serial == "" || code == "" {
		return errInvalidArgument("Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}", "x-amz-mfa", "")
	}
	s.mu.RLock()
	want, known := s.mfa[serial]
	s.mu.RUnlock()
	if !known || want != code {
		return errMFARequired()
	}
	p := req.Principal
	if p.Type != AccountRoot || req.BucketConfig == nil || p.AccountID != req.BucketConfig.OwnerAccountID {
		return errf(http.StatusForbidden, "AccessDenied", "Only the bucket owner's root user can use MFA delete")
	}
	return nil
}

// checkMFADelete enforces MFA delete for permanent deletes of versions.
// force is set when the request deletes versions (DeleteObjects with
// VersionId elements); a present but invalid header always fails.
func (s *Server) checkMFADelete(r *http.Request, req *AccessRequest, versioned bool) *Error {
	if req.BucketConfig.MFADelete != "Enabled" {
		return nil
	}
	if r.Header.Get("X-Amz-Mfa") == "" && !versioned && req.Operation == "DeleteObjects" {
		return nil
	}
	return s.checkMFA(r, req)
}

func (s *Server) versioning(w http.ResponseWriter, r *http.Request, rt route, req *AccessRequest) *Error {
	if rt.op == "GetBucketVersioning" {
		var b strings.Builder
		b.WriteString(`<VersioningConfiguration xmlns="` + s3ns + `">`)
		if st := req.BucketConfig.VersioningStatus; st != "" {
			b.WriteString(`<Status>` + st + `</Status>`)
		}
		if m := req.BucketConfig.MFADelete; m != "" {
			b.WriteString(`<MfaDelete>` + m + `</MfaDelete>`)
		}
		b.WriteString(`</VersioningConfiguration>`)
		writeXML(w, []byte(b.String()))
		return nil
	}
	body, e := readBody(r)
	if e != nil {
		return e
	}
	var in struct {
		XMLName   xml.Name `xml:"VersioningConfiguration"`
		Status    string   `xml:"Status"`
		MfaDelete string   `xml:"MfaDelete"`
	}
	if err := xml.Unmarshal(body, &in); err != nil {
		return errMalformedXML()
	}
	illegal := errf(http.StatusBadRequest, "IllegalVersioningConfigurationException", "The Versioning element must be specified")
	switch in.Status {
	case "Enabled", "Suspended":
	case "":
		if in.MfaDelete == "" {
			return illegal
		}
	default:
		return errMalformedXML()
	}
	switch in.MfaDelete {
	case "", "Enabled", "Disabled":
	default:
		return errMalformedXML()
	}
	// Changing MFA delete, or changing anything on a bucket with MFA delete
	// enabled, needs the owner root's MFA.
	if in.MfaDelete != "" || req.BucketConfig.MFADelete == "Enabled" {
		if e := s.checkMFA(r, req); e != nil {
			return e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[rt.bucket]
	if b == nil {
		return errNoSuchBucket(rt.bucket)
	}
	if in.MfaDelete == "Enabled" && b.cfg.MFADelete != "Enabled" && b.cfg.HasLifecycle {
		// S3's answer, as users report it (cloudposse/terraform-aws-codebuild
		// issue #76): "You cannot use MFA delete with lifecycle
		// configurations" (S3 user guide, "Configuring MFA delete").
		return errMFAWithLifecycle()
	}
	if b.cfg.ObjectLockEnabled && in.Status == "Suspended" {
		return errf(http.StatusConflict, "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
	}
	if in.Status != "" {
		// gofakes3 only stores Enabled/not enabled; the fake keeps the real
		// status (S3 reports Suspended even for a never-versioned bucket).
		if err := s.backend.SetVersioningConfiguration(rt.bucket, gofakes3.VersioningConfiguration{Status: gofakes3.VersioningStatus(in.Status)}); err != nil {
			return errf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		}
		b.cfg.VersioningStatus = in.Status
	}
	if in.MfaDelete != "" {
		b.cfg.MFADelete = in.MfaDelete
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
