package s3fake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// bucketSub serves the bucket-level configuration sub-resources.
func (s *Server) bucketSub(w http.ResponseWriter, r *http.Request, rt route, req *AccessRequest) *Error {
	var body []byte
	if r.Method == http.MethodPut {
		var e *Error
		if body, e = readBody(r); e != nil {
			return e
		}
	}
	// Reads work on the snapshot; writes take the lock and re-read.
	cfg := req.BucketConfig
	switch rt.op {
	case "GetBucketPolicy":
		if cfg.Policy == "" {
			return errNoSuchBucketPolicy(rt.bucket)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(cfg.Policy))
		return nil
	case "GetBucketPolicyStatus":
		if cfg.Policy == "" {
			return errNoSuchBucketPolicy(rt.bucket)
		}
		public, err := s.publicPolicy(cfg.Policy)
		if err != nil {
			return errf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		}
		writeXML(w, []byte(`<PolicyStatus xmlns="`+s3ns+`"><IsPublic>`+strconv.FormatBool(public)+`</IsPublic></PolicyStatus>`))
		return nil
	case "GetPublicAccessBlock":
		if cfg.PublicAccessBlock == nil {
			return errf(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", [2]string{"BucketName", rt.bucket})
		}
		writeXML(w, pabXML(*cfg.PublicAccessBlock))
		return nil
	case "GetBucketOwnershipControls":
		if cfg.ObjectOwnership == "" {
			return errf(http.StatusNotFound, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found", [2]string{"BucketName", rt.bucket})
		}
		writeXML(w, []byte(`<OwnershipControls xmlns="`+s3ns+`"><Rule><ObjectOwnership>`+cfg.ObjectOwnership+`</ObjectOwnership></Rule></OwnershipControls>`))
		return nil
	case "GetBucketEncryption":
		if cfg.Encryption == nil {
			return errf(http.StatusNotFound, "ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found", [2]string{"BucketName", rt.bucket})
		}
		writeXML(w, encryptionXML(cfg.Encryption))
		return nil
	case "GetBucketLogging":
		s.mu.RLock()
		raw := s.buckets[rt.bucket].logging
		s.mu.RUnlock()
		if raw == nil {
			writeXML(w, []byte(`<BucketLoggingStatus xmlns="`+s3ns+`"></BucketLoggingStatus>`))
			return nil
		}
		writeXML(w, raw)
		return nil
	case "GetBucketAcl":
		writeXML(w, aclXML(cfg.ACL))
		return nil
	case "GetBucketLifecycleConfiguration":
		s.mu.RLock()
		raw, minSize := s.buckets[rt.bucket].lifecycle, s.buckets[rt.bucket].lifecycleMinSize
		s.mu.RUnlock()
		if raw == nil {
			return errf(http.StatusNotFound, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", [2]string{"BucketName", rt.bucket})
		}
		w.Header().Set(transitionMinSizeHeader, minSize)
		writeXML(w, raw)
		return nil
	case "GetObjectLockConfiguration":
		s.mu.RLock()
		lock := s.buckets[rt.bucket].lock
		s.mu.RUnlock()
		if lock == nil {
			return errf(http.StatusNotFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket", [2]string{"BucketName", rt.bucket})
		}
		writeXML(w, lock.xml())
		return nil
	case "GetBucketRequestPayment":
		payer := payerBucketOwner
		if cfg.RequesterPays {
			payer = payerRequester
		}
		writeXML(w, []byte(`<RequestPaymentConfiguration xmlns="`+s3ns+`"><Payer>`+payer+`</Payer></RequestPaymentConfiguration>`))
		return nil
	case "GetBucketTagging":
		if cfg.Tags == nil {
			return errf(http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist", [2]string{"BucketName", rt.bucket})
		}
		writeXML(w, tagsXML(cfg.Tags))
		return nil
	}

	// Writes. Policy validation and the public-policy judgement run before
	// the lock is taken, so a PublicPolicyFunc may be slow.
	var public bool
	if rt.op == "PutBucketPolicy" {
		if e := validatePolicy(rt.bucket, s.partition, body); e != nil {
			return e
		}
		if e := s.checkPrincipals(body); e != nil {
			return e
		}
		var err error
		if public, err = s.publicPolicy(string(bytes.TrimSpace(body))); err != nil {
			public = true // fail closed under BlockPublicPolicy
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[rt.bucket]
	if b == nil {
		return errNoSuchBucket(rt.bucket)
	}
	var e *Error
	status := http.StatusOK
	switch rt.op {
	case "PutBucketPolicy":
		if eff := b.cfg.PublicAccessBlock.Merge(s.accountBPA[b.cfg.OwnerAccountID]); eff.BlockPublicPolicy && public {
			return errAccessDenied()
		}
		b.cfg.Policy = string(body)
		status = http.StatusNoContent
	case "DeleteBucketPolicy":
		b.cfg.Policy = ""
		status = http.StatusNoContent
	case "PutPublicAccessBlock":
		var in struct {
			XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
			BlockPublicAcls       *bool
			IgnorePublicAcls      *bool
			BlockPublicPolicy     *bool
			RestrictPublicBuckets *bool
		}
		if err := xml.Unmarshal(body, &in); err != nil {
			return errMalformedXML()
		}
		if in.BlockPublicAcls == nil && in.IgnorePublicAcls == nil && in.BlockPublicPolicy == nil && in.RestrictPublicBuckets == nil {
			// S3 refuses a configuration without any flag (a flag that is
			// sent, false included, counts; an omitted one is false).
			return errf(http.StatusBadRequest, "InvalidRequest", "Must specify at least one configuration.")
		}
		isTrue := func(p *bool) bool { return p != nil && *p }
		b.cfg.PublicAccessBlock = &PublicAccessBlock{isTrue(in.BlockPublicAcls), isTrue(in.IgnorePublicAcls), isTrue(in.BlockPublicPolicy), isTrue(in.RestrictPublicBuckets)}
	case "DeletePublicAccessBlock":
		b.cfg.PublicAccessBlock = nil
		status = http.StatusNoContent
	case "PutBucketOwnershipControls":
		var in struct {
			XMLName xml.Name `xml:"OwnershipControls"`
			Rules   []struct {
				ObjectOwnership string
			} `xml:"Rule"`
		}
		if err := xml.Unmarshal(body, &in); err != nil || len(in.Rules) != 1 {
			return errMalformedXML()
		}
		o := in.Rules[0].ObjectOwnership
		switch o {
		case OwnershipBucketOwnerEnforced:
			if !b.cfg.ACL.onlyOwner() {
				return errf(http.StatusBadRequest, "InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
			}
		case OwnershipBucketOwnerPreferred, OwnershipObjectWriter:
		default:
			return errMalformedXML()
		}
		b.cfg.ObjectOwnership = o
	case "DeleteBucketOwnershipControls":
		b.cfg.ObjectOwnership = ""
		status = http.StatusNoContent
	case "PutBucketEncryption":
		enc, pe := parseEncryption(body)
		if pe != nil {
			return pe
		}
		b.cfg.Encryption = enc
	case "DeleteBucketEncryption":
		// Since January 2023 S3 cannot be without default encryption:
		// deleting the configuration resets it to SSE-S3.
		b.cfg.Encryption = &Encryption{SSEAlgorithm: "AES256"}
		status = http.StatusNoContent
	case "PutBucketLogging":
		e = s.putLogging(b, body)
	case "PutBucketAcl":
		e = s.putBucketACL(b, r, body, req)
	case "PutBucketLifecycleConfiguration":
		if b.cfg.MFADelete == "Enabled" {
			// "Lifecycle configuration on MFA-enabled buckets is not
			// supported" (S3 user guide, "Lifecycle and other bucket
			// configurations"). The error code is the one S3 gives the
			// reverse order (errMFAWithLifecycle); this one is unverified.
			return errMFAWithLifecycle()
		}
		if e = putLifecycle(b, body, r.Header.Get(transitionMinSizeHeader)); e == nil {
			w.Header().Set(transitionMinSizeHeader, b.lifecycleMinSize)
		}
	case "DeleteBucketLifecycle":
		b.lifecycle, b.lifecycleMinSize = nil, ""
		b.cfg.HasLifecycle = false
		status = http.StatusNoContent
	case "PutObjectLockConfiguration":
		e = putObjectLock(b, body)
	case "PutBucketTagging":
		tags, te := parseTags(body, MaxBucketTags, true)
		if te != nil {
			return te
		}
		if tags == nil {
			tags = []Tag{}
		}
		b.cfg.Tags = tags
		status = http.StatusNoContent
	case "DeleteBucketTagging":
		b.cfg.Tags = nil
		status = http.StatusNoContent
	case "PutBucketRequestPayment":
		e = putRequestPayment(b, body)
	default:
		return errNotImplemented()
	}
	if e != nil {
		return e
	}
	w.WriteHeader(status)
	return nil
}

func errNoSuchBucketPolicy(bucket string) *Error {
	return errf(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist", [2]string{"BucketName", bucket})
}

func (s *Server) publicPolicy(policy string) (bool, error) {
	s.mu.RLock()
	f := s.isPublic
	s.mu.RUnlock()
	return f(policy)
}

func pabXML(p PublicAccessBlock) []byte {
	return []byte(`<PublicAccessBlockConfiguration xmlns="` + s3ns + `"><BlockPublicAcls>` + strconv.FormatBool(p.BlockPublicAcls) +
		`</BlockPublicAcls><IgnorePublicAcls>` + strconv.FormatBool(p.IgnorePublicAcls) +
		`</IgnorePublicAcls><BlockPublicPolicy>` + strconv.FormatBool(p.BlockPublicPolicy) +
		`</BlockPublicPolicy><RestrictPublicBuckets>` + strconv.FormatBool(p.RestrictPublicBuckets) +
		`</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)
}

// validatePolicy checks a bucket policy as S3 does on PutBucketPolicy.
func validatePolicy(bucketName, partition string, body []byte) *Error {
	malformed := func(msg string) *Error { return errf(http.StatusBadRequest, "MalformedPolicy", msg) }
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		return malformed("Policies must be valid JSON and the first byte must be '{'")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, trimmed); err != nil {
		return malformed("Policies must be valid JSON and the first byte must be '{'")
	}
	if compact.Len() > MaxPolicySize {
		return malformed("Policy exceeds the maximum allowed document size.")
	}
	var doc struct {
		Version   *string
		Statement json.RawMessage
	}
	if err := json.Unmarshal(trimmed, &doc); err != nil {
		return malformed("Policies must be valid JSON and the first byte must be '{'")
	}
	if doc.Version != nil && *doc.Version != "2012-10-17" && *doc.Version != "2008-10-17" {
		return malformed("Document is invalid: Invalid Version " + *doc.Version)
	}
	if len(doc.Statement) == 0 || string(doc.Statement) == "null" {
		return malformed("Missing required field Statement")
	}
	var stmts []map[string]json.RawMessage
	if err := json.Unmarshal(doc.Statement, &stmts); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(doc.Statement, &one); err != nil {
			return malformed("Statement is not well formatted.")
		}
		stmts = []map[string]json.RawMessage{one}
	}
	if len(stmts) == 0 {
		return malformed("Missing required field Statement")
	}
	for _, st := range stmts {
		var effect string
		_ = json.Unmarshal(st["Effect"], &effect)
		if effect != "Allow" && effect != "Deny" {
			if effect == "" {
				return malformed("Missing required field Effect")
			}
			return malformed("Invalid effect: " + effect)
		}
		if st["Principal"] == nil && st["NotPrincipal"] == nil {
			return malformed("Missing required field Principal")
		}
		actions, ok := stringList(st["Action"], st["NotAction"])
		if !ok {
			return malformed("Missing required field Action")
		}
		for _, a := range actions {
			if a != "*" && !strings.HasPrefix(strings.ToLower(a), "s3:") {
				return malformed("Policy has invalid action")
			}
		}
		resources, ok := stringList(st["Resource"], st["NotResource"])
		if !ok {
			return malformed("Missing required field Resource")
		}
		for _, res := range resources {
			if !resourceInBucket(res, bucketName, partition) {
				return malformed("Policy has invalid resource")
			}
		}
	}
	// S3 refuses an action it does not have, and an action that applies to
	// none of its statement's resources; package policy's validator knows
	// both from the Service Authorization Reference's catalog.
	for _, f := range policy.Validate(trimmed, &policy.ValidateOptions{Kind: policy.KindBucket}) {
		switch f.Code {
		case "INVALID_ACTION":
			return malformed("Policy has invalid action")
		case policy.CodeActionResourceMismatch, policy.CodeDeadAction:
			return malformed("Action does not apply to any resource(s) in statement")
		}
	}
	return nil
}

// checkPrincipals refuses a policy that names an IAM user or role that
// Options.KnownPrincipal does not know.
func (s *Server) checkPrincipals(body []byte) *Error {
	if s.known == nil {
		return nil
	}
	doc, err := policy.Parse(body)
	if err != nil {
		return nil // validatePolicy has judged the shape
	}
	for _, st := range doc.Statements {
		for _, p := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if p == nil {
				continue
			}
			for _, e := range p.Entries {
				if e.Type != policy.PrincipalAWS {
					continue
				}
				for _, v := range e.Values {
					f := strings.SplitN(v, ":", 6)
					if len(f) == 6 && f[0] == "arn" && f[2] == "iam" && (strings.HasPrefix(f[5], "user/") || strings.HasPrefix(f[5], "role/")) && !s.known(v) {
						return errf(http.StatusBadRequest, "MalformedPolicy", "Invalid principal in policy")
					}
				}
			}
		}
	}
	return nil
}

// stringList reads a string or string array from the first non-nil field.
func stringList(fields ...json.RawMessage) ([]string, bool) {
	for _, f := range fields {
		if f == nil {
			continue
		}
		var one string
		if json.Unmarshal(f, &one) == nil {
			return []string{one}, one != ""
		}
		var many []string
		if json.Unmarshal(f, &many) == nil && len(many) > 0 {
			return many, true
		}
		return nil, false
	}
	return nil, false
}

// resourceInBucket reports whether a policy Resource can refer to the bucket
// or objects in it (S3 refuses policies naming other buckets).
func resourceInBucket(res, bucket, partition string) bool {
	arn := "arn:" + partition + ":s3:::" + bucket
	lit := res
	if i := strings.IndexAny(res, "*?"); i >= 0 {
		lit = res[:i]
		return strings.HasPrefix(arn+"/", lit) || strings.HasPrefix(lit, arn+"/")
	}
	return lit == arn || strings.HasPrefix(lit, arn+"/")
}

type xmlEncryption struct {
	XMLName xml.Name `xml:"ServerSideEncryptionConfiguration"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Rules   []struct {
		Default *struct {
			SSEAlgorithm   string `xml:"SSEAlgorithm"`
			KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
		} `xml:"ApplyServerSideEncryptionByDefault"`
		BucketKeyEnabled *bool `xml:"BucketKeyEnabled"`
		Blocked          *struct {
			EncryptionType []string `xml:"EncryptionType"`
		} `xml:"BlockedEncryptionTypes"`
	} `xml:"Rule"`
}

func parseEncryption(body []byte) (*Encryption, *Error) {
	var in xmlEncryption
	if err := xml.Unmarshal(body, &in); err != nil || len(in.Rules) != 1 || in.Rules[0].Default == nil {
		return nil, errMalformedXML()
	}
	rule := in.Rules[0]
	enc := &Encryption{SSEAlgorithm: rule.Default.SSEAlgorithm, KMSMasterKeyID: rule.Default.KMSMasterKeyID}
	switch enc.SSEAlgorithm {
	case "AES256":
		if enc.KMSMasterKeyID != "" {
			return nil, errInvalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse", "ApplyServerSideEncryptionByDefault", "")
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return nil, errMalformedXML()
	}
	if rule.BucketKeyEnabled != nil {
		enc.BucketKeyEnabled = *rule.BucketKeyEnabled
	}
	if rule.Blocked != nil {
		for _, t := range rule.Blocked.EncryptionType {
			if t != "SSE-C" && t != "NONE" {
				return nil, errMalformedXML()
			}
		}
		enc.BlockedEncryptionTypes = append([]string{}, rule.Blocked.EncryptionType...)
	}
	return enc, nil
}

func encryptionXML(e *Encryption) []byte {
	var b strings.Builder
	b.WriteString(`<ServerSideEncryptionConfiguration xmlns="` + s3ns + `"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>`)
	b.WriteString(escapeXML(e.SSEAlgorithm))
	b.WriteString(`</SSEAlgorithm>`)
	if e.KMSMasterKeyID != "" {
		b.WriteString(`<KMSMasterKeyID>` + escapeXML(e.KMSMasterKeyID) + `</KMSMasterKeyID>`)
	}
	b.WriteString(`</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>` + strconv.FormatBool(e.BucketKeyEnabled) + `</BucketKeyEnabled>`)
	if e.BlockedEncryptionTypes != nil {
		b.WriteString(`<BlockedEncryptionTypes>`)
		for _, t := range e.BlockedEncryptionTypes {
			b.WriteString(`<EncryptionType>` + escapeXML(t) + `</EncryptionType>`)
		}
		b.WriteString(`</BlockedEncryptionTypes>`)
	}
	b.WriteString(`</Rule></ServerSideEncryptionConfiguration>`)
	return []byte(b.String())
}

// putLogging validates and stores a BucketLoggingStatus. s.mu is held.
func (s *Server) putLogging(b *bucket, body []byte) *Error {
	var in struct {
		XMLName xml.Name `xml:"BucketLoggingStatus"`
		Enabled *struct {
			TargetBucket string `xml:"TargetBucket"`
			TargetPrefix string `xml:"TargetPrefix"`
			Grants       []struct {
				Permission string `xml:"Permission"`
			} `xml:"TargetGrants>Grant"`
		} `xml:"LoggingEnabled"`
	}
	if err := xml.Unmarshal(body, &in); err != nil {
		return errMalformedXML()
	}
	if in.Enabled == nil {
		b.logging = nil
		b.cfg.LoggingTargetBucket = ""
		return nil
	}
	invalid := func(msg string) *Error {
		return errf(http.StatusBadRequest, "InvalidTargetBucketForLogging", msg, [2]string{"TargetBucket", in.Enabled.TargetBucket})
	}
	t := s.buckets[in.Enabled.TargetBucket]
	switch {
	case in.Enabled.TargetBucket == "":
		return errMalformedXML()
	case t == nil:
		return invalid("The target bucket for logging does not exist")
	case t.cfg.OwnerAccountID != b.cfg.OwnerAccountID:
		return invalid("The owner for the bucket to be logged and the target bucket must be the same.")
	case t.cfg.Region != b.cfg.Region:
		return errf(http.StatusForbidden, "CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ", [2]string{"TargetBucketLocation", t.cfg.Region})
	case len(in.Enabled.Grants) > 0 && t.cfg.ObjectOwnership == OwnershipBucketOwnerEnforced:
		return errACLNotSupported()
	case !allowsLogDelivery(t.cfg.Policy, s.partition, t.cfg.Name, in.Enabled.TargetPrefix) && !(t.cfg.ACLsEnabled() && aclAllowsLogDelivery(t.cfg.ACL)):
		return invalid("You must either provide the necessary permissions to the logging service using a bucket policy or give the log-delivery group WRITE and READ_ACP permissions to the target bucket")
	}
	b.logging = append([]byte(nil), body...)
	b.cfg.LoggingTargetBucket = in.Enabled.TargetBucket
	return nil
}

// The payers of a request payment configuration (S3 API reference,
// RequestPaymentConfiguration: "Valid Values: Requester | BucketOwner").
const (
	payerBucketOwner = "BucketOwner"
	payerRequester   = "Requester"
)

// putRequestPayment implements PutBucketRequestPayment: the whole
// configuration is one Payer. s.mu is held.
func putRequestPayment(b *bucket, body []byte) *Error {
	var in struct {
		XMLName xml.Name `xml:"RequestPaymentConfiguration"`
		Payer   *string  `xml:"Payer"`
	}
	if err := xml.Unmarshal(body, &in); err != nil || in.Payer == nil {
		return errMalformedXML()
	}
	switch *in.Payer {
	case payerBucketOwner:
		b.cfg.RequesterPays = false
	case payerRequester:
		b.cfg.RequesterPays = true
	default:
		return errMalformedXML()
	}
	return nil
}

// putBucketACL implements PutBucketAcl. s.mu is held.
func (s *Server) putBucketACL(b *bucket, r *http.Request, body []byte, req *AccessRequest) *Error {
	if b.cfg.ObjectOwnership == OwnershipBucketOwnerEnforced {
		return errACLNotSupported()
	}
	owner := b.cfg.ACL.OwnerID
	acl, ok, e := aclFromHeaders(r.Header, owner, owner)
	if e != nil {
		return e
	}
	if ok && len(bytes.TrimSpace(body)) > 0 {
		return errf(http.StatusBadRequest, "UnexpectedContent", "This request does not support content")
	}
	if !ok {
		if len(bytes.TrimSpace(body)) == 0 {
			return errf(http.StatusBadRequest, "MissingSecurityHeader", "Your request was missing a required header", [2]string{"MissingHeaderName", "x-amz-acl"})
		}
		if acl, e = aclFromXML(body, owner); e != nil {
			return e
		}
	}
	eff := b.cfg.PublicAccessBlock.Merge(s.accountBPA[b.cfg.OwnerAccountID])
	if eff.BlockPublicAcls && acl.IsPublic() {
		return errAccessDenied()
	}
	b.cfg.ACL = acl
	return nil
}

// transitionMinSizeHeader carries a lifecycle configuration's default
// minimum object size for transitions, on PutBucketLifecycleConfiguration
// (request and response) and GetBucketLifecycleConfiguration (response):
// all_storage_classes_128K or varies_by_storage_class (S3 API reference,
// PutBucketLifecycleConfiguration). It is part of the configuration a PUT
// replaces: one without it gets the default, S3's "default behavior ...
// that prevents objects smaller than 128 KB from being transitioned to any
// storage class" (S3 user guide, "Transitioning objects using Amazon S3
// Lifecycle").
const transitionMinSizeHeader = "X-Amz-Transition-Default-Minimum-Object-Size"

func putLifecycle(b *bucket, body []byte, minSize string) *Error {
	switch minSize {
	case "":
		minSize = "all_storage_classes_128K"
	case "all_storage_classes_128K", "varies_by_storage_class":
	default:
		return errInvalidArgument("Invalid value for x-amz-transition-default-minimum-object-size", transitionMinSizeHeader, minSize)
	}
	var in struct {
		XMLName xml.Name `xml:"LifecycleConfiguration"`
		Rules   []struct {
			ID     string `xml:"ID"`
			Status string `xml:"Status"`
		} `xml:"Rule"`
	}
	if err := xml.Unmarshal(body, &in); err != nil || len(in.Rules) == 0 || len(in.Rules) > 1000 {
		return errMalformedXML()
	}
	seen := map[string]bool{}
	for _, r := range in.Rules {
		if r.Status != "Enabled" && r.Status != "Disabled" {
			return errMalformedXML()
		}
		if len(r.ID) > 255 {
			return errInvalidArgument("ID length should not exceed allowed limit of 255", "ID", r.ID)
		}
		if r.ID != "" && seen[r.ID] {
			return errInvalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", r.ID)
		}
		seen[r.ID] = true
	}
	b.lifecycle, b.lifecycleMinSize = append([]byte(nil), body...), minSize
	b.cfg.HasLifecycle = true
	return nil
}

// objectLockConfig is a bucket's Object Lock configuration: a default
// retention (mode and period) and a default event hold duration
// (DefaultEventHold), each optional ("You can set one or both", the
// ObjectLockRule documentation of the AWS SDKs).
type objectLockConfig struct {
	mode  string
	days  int
	years int
	// holdDays and holdYears are the default event hold duration, one of
	// them set, or neither.
	holdDays, holdYears int
}

func (c *objectLockConfig) xml() []byte {
	var b strings.Builder
	b.WriteString(`<ObjectLockConfiguration xmlns="` + s3ns + `"><ObjectLockEnabled>Enabled</ObjectLockEnabled>`)
	hold := c.holdDays > 0 || c.holdYears > 0
	if c.mode != "" || hold {
		b.WriteString(`<Rule><DefaultRetention>`)
		if c.mode != "" {
			b.WriteString(`<Mode>` + c.mode + `</Mode>`)
		}
		if c.days > 0 {
			b.WriteString(`<Days>` + strconv.Itoa(c.days) + `</Days>`)
		}
		if c.years > 0 {
			b.WriteString(`<Years>` + strconv.Itoa(c.years) + `</Years>`)
		}
		if hold {
			b.WriteString(`<DefaultEventHold>`)
			if c.holdDays > 0 {
				b.WriteString(`<Days>` + strconv.Itoa(c.holdDays) + `</Days>`)
			}
			if c.holdYears > 0 {
				b.WriteString(`<Years>` + strconv.Itoa(c.holdYears) + `</Years>`)
			}
			b.WriteString(`</DefaultEventHold>`)
		}
		b.WriteString(`</DefaultRetention></Rule>`)
	}
	b.WriteString(`</ObjectLockConfiguration>`)
	return []byte(b.String())
}

func putObjectLock(b *bucket, body []byte) *Error {
	var in struct {
		XMLName xml.Name `xml:"ObjectLockConfiguration"`
		Enabled string   `xml:"ObjectLockEnabled"`
		Rule    *struct {
			Mode      string `xml:"DefaultRetention>Mode"`
			Days      *int   `xml:"DefaultRetention>Days"`
			Years     *int   `xml:"DefaultRetention>Years"`
			HoldDays  *int   `xml:"DefaultRetention>DefaultEventHold>Days"`
			HoldYears *int   `xml:"DefaultRetention>DefaultEventHold>Years"`
		} `xml:"Rule"`
	}
	if err := xml.Unmarshal(body, &in); err != nil || in.Enabled != "Enabled" {
		return errMalformedXML()
	}
	if b.lock == nil && b.cfg.VersioningStatus != "Enabled" {
		return errf(http.StatusConflict, "InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
	}
	c := &objectLockConfig{}
	if r := in.Rule; r != nil {
		// A default retention (a mode with Days or Years), a default event
		// hold (Days or Years), or both.
		hold := r.HoldDays != nil || r.HoldYears != nil
		var e *Error
		if r.Mode != "" || !hold {
			if r.Mode != "GOVERNANCE" && r.Mode != "COMPLIANCE" {
				return errMalformedXML()
			}
			c.mode = r.Mode
			if c.days, c.years, e = lockPeriod(r.Days, r.Years, "DefaultRetention", "Default retention period"); e != nil {
				return e
			}
		} else if r.Days != nil || r.Years != nil {
			return errMalformedXML() // a period needs a mode
		}
		if hold {
			if c.holdDays, c.holdYears, e = lockPeriod(r.HoldDays, r.HoldYears, "DefaultEventHold", "Default event hold duration"); e != nil {
				return e
			}
		}
	}
	b.lock = c
	b.cfg.ObjectLockEnabled = true
	return nil
}

// lockPeriod reads an Object Lock period given in days or years (exactly
// one, positive).
func lockPeriod(days, years *int, name, what string) (int, int, *Error) {
	if (days == nil) == (years == nil) {
		return 0, 0, errMalformedXML()
	}
	d, y := 0, 0
	if days != nil {
		d = *days
	}
	if years != nil {
		y = *years
	}
	if d < 0 || y < 0 || d+y == 0 {
		return 0, 0, errInvalidArgument(what+" must be a positive integer value", name, "")
	}
	return d, y, nil
}

// parseTags parses a Tagging document and checks S3's tag rules.
func parseTags(body []byte, max int, bucketLevel bool) ([]Tag, *Error) {
	var in struct {
		XMLName xml.Name `xml:"Tagging"`
		Tags    []struct {
			Key   string `xml:"Key"`
			Value string `xml:"Value"`
		} `xml:"TagSet>Tag"`
	}
	if err := xml.Unmarshal(body, &in); err != nil {
		return nil, errMalformedXML()
	}
	invalid := func(msg string) *Error { return errf(http.StatusBadRequest, "InvalidTag", msg) }
	if len(in.Tags) > max {
		if bucketLevel {
			return nil, invalid("Bucket tag count cannot be greater than 50")
		}
		return nil, errf(http.StatusBadRequest, "BadRequest", "Object tags cannot be greater than 10")
	}
	seen := map[string]bool{}
	var out []Tag
	for _, t := range in.Tags {
		switch {
		case t.Key == "" || len([]rune(t.Key)) > 128:
			return nil, invalid("The TagKey you have provided is invalid")
		case len([]rune(t.Value)) > 256:
			return nil, invalid("The TagValue you have provided is invalid")
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return nil, invalid("System tags cannot be added/updated by requester")
		case seen[t.Key]:
			return nil, invalid("Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
		out = append(out, Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

func tagsXML(tags []Tag) []byte {
	var b strings.Builder
	b.WriteString(`<Tagging xmlns="` + s3ns + `"><TagSet>`)
	for _, t := range tags {
		b.WriteString(`<Tag><Key>` + escapeXML(t.Key) + `</Key><Value>` + escapeXML(t.Value) + `</Value></Tag>`)
	}
	b.WriteString(`</TagSet></Tagging>`)
	return []byte(b.String())
}

// logDeliveryPrincipal is the service principal of server access logging.
const logDeliveryPrincipal = "logging.s3.amazonaws.com"

// allowsLogDelivery reports whether a target bucket's policy lets the
// logging service put objects under prefix, as S3 checks on PutBucketLogging.
func allowsLogDelivery(bucketPolicy, partition, target, prefix string) bool {
	if bucketPolicy == "" {
		return false
	}
	var doc struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(bucketPolicy), &doc) != nil {
		return false
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(doc.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(doc.Statement, &one) != nil {
			return false
		}
		stmts = []map[string]json.RawMessage{one}
	}
	arn := "arn:" + partition + ":s3:::" + target
	okResources := map[string]bool{arn: true, arn + "/*": true, arn + "/" + prefix + "*": true}
	for _, st := range stmts {
		var effect string
		_ = json.Unmarshal(st["Effect"], &effect)
		if effect != "Allow" {
			continue
		}
		var principal struct{ Service json.RawMessage }
		if json.Unmarshal(st["Principal"], &principal) != nil {
			continue
		}
		services, _ := stringList(principal.Service)
		actions, _ := stringList(st["Action"])
		resources, _ := stringList(st["Resource"])
		if !containsFold(services, logDeliveryPrincipal) {
			continue
		}
		if !slices.ContainsFunc(actions, func(p string) bool { return policy.MatchAction(p, "s3:PutObject") }) {
			continue
		}
		for _, r := range resources {
			if okResources[r] {
				return true
			}
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// aclAllowsLogDelivery reports whether the ACL grants the LogDelivery group
// WRITE and READ_ACP (FULL_CONTROL counts for both).
func aclAllowsLogDelivery(a ACL) bool {
	var write, readACP bool
	for _, g := range a.Grants {
		if g.GranteeType != GranteeGroup || g.URI != LogDeliveryURI {
			continue
		}
		write = write || g.Permission == PermWrite || g.Permission == PermFullControl
		readACP = readACP || g.Permission == PermReadACP || g.Permission == PermFullControl
	}
	return write && readACP
}
