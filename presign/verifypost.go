package presign

import (
	"bytes"
	"crypto/hmac"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// VerifiedPost describes a POST upload form whose signature and policy
// checked out. It holds no secret.
type VerifiedPost struct {
	AccessKeyID string
	Region      string
	// Key is the form's key field, with every ${filename} replaced by
	// VerifyOptions.Filename when it is set (as S3 does before it checks
	// the conditions), else as sent; a server that substitutes it later
	// must validate the result (for example with [ValidateKey]) and check
	// it against the policy again.
	Key string
	// Fields are the form fields with lower-case names, except the
	// signature, the policy, the session token and a bucket field (which
	// VerifyPost requires to name the bucket it was given).
	Fields map[string]string
	// SigningTime is x-amz-date; Expiration is the policy's expiration.
	SigningTime time.Time
	Expiration  time.Time
}

// VerifyPost checks a browser POST upload (S3 POST Object with a SigV4
// policy) the way S3 does: the policy's signature in constant time, the
// session token, the policy's expiration, and every condition against the
// form fields, the bucket and the uploaded file's size; and it refuses form
// fields no condition covers (other than x-amz-signature, policy, file and
// x-ignore-*); a form field named bucket must name bucket, the bucket the
// policy's bucket conditions are checked against. It is stricter than S3
// in three ways: the policy must name the bucket (an exact condition,
// {"bucket": B} or ["eq", "$bucket", B]; a starts-with condition alone
// would let it upload into other buckets too), it must pin x-amz-date
// with an exact condition, as every SDK's forms do (the signature covers
// the policy, not the form, so an x-amz-date it does not pin is any time
// of the signing day the form's holder chooses), and its lifetime
// (expiration minus that x-amz-date) must not exceed opts.AllowExpiryUpTo. Form
// field names, condition field names and operators are case-insensitive,
// as in S3; the policy document's own element names are not: it must hold
// "expiration" and "conditions", spelled so, once each, and nothing else
// (else [ErrMalformed], 400), and a condition object must name one field
// once. fields holds the form values without the file
// (multipart.Form.Value); set opts.Filename to the file's name so that
// ${filename} in the key is replaced before the conditions are checked,
// as S3 does.
//
// Errors are *[VerifyError] values wrapping [ErrMalformed],
// [ErrUnknownAccessKey], [ErrSignatureMismatch], [ErrInvalidToken],
// [ErrExpired], [ErrClockSkew], [ErrExpiryTooLong] or [ErrPolicyViolation].
func VerifyPost(bucket string, fields map[string][]string, fileSize int64, lookup Lookup, opts *VerifyOptions) (*VerifiedPost, error) {
	o := opts.withDefaults()
	malformed := func(reason string) error {
		return &VerifyError{Err: ErrMalformed, Reason: reason, code: "InvalidArgument", status: http.StatusBadRequest}
	}
	form := make(map[string]string, len(fields))
	for k, vs := range fields {
		lk := strings.ToLower(k)
		if _, dup := form[lk]; dup || len(vs) != 1 {
			return nil, malformed("form field " + strconv.Quote(lk) + " must appear exactly once")
		}
		form[lk] = vs[0]
	}
	for _, k := range []string{"policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "key"} {
		if form[k] == "" {
			return nil, malformed("missing form field " + strconv.Quote(k))
		}
	}
	if o.Filename != "" {
		// S3 substitutes before it checks the conditions.
		form["key"] = strings.ReplaceAll(form["key"], "${filename}", o.Filename)
	}
	if len(form["policy"]) > maxPolicySize {
		return nil, malformed("policy is larger than 20 KB")
	}
	if form["x-amz-algorithm"] != algorithm {
		return nil, malformed("x-amz-algorithm must be " + algorithm)
	}
	parts := strings.Split(form["x-amz-credential"], "/")
	if len(parts) != 5 || parts[0] == "" || parts[3] != serviceS3 || parts[4] != scopeTerminator || validateRegion(parts[2]) != nil {
		return nil, malformed("x-amz-credential must be <access key>/<yyyymmdd>/<region>/s3/aws4_request")
	}
	akid, day, region := parts[0], parts[1], parts[2]
	if len(akid) > 128 {
		return nil, malformed("access key id too long")
	}
	signedAt, ok := sigv4.ParseAmzDate(form["x-amz-date"])
	if !ok || form["x-amz-date"][:8] != day {
		return nil, malformed("x-amz-date must be yyyymmddTHHMMSSZ and match the credential date")
	}
	if o.Region != "" && region != o.Region {
		return nil, &VerifyError{AccessKeyID: akid, Err: ErrMalformed, Reason: "credential region " + strconv.Quote(region) + " is not " + strconv.Quote(o.Region),
			code: "AuthorizationQueryParametersError", status: http.StatusBadRequest}
	}
	creds, ok := lookup(akid)
	if !ok || creds.SecretAccessKey == "" {
		return nil, &VerifyError{AccessKeyID: akid, Err: ErrUnknownAccessKey, code: "InvalidAccessKeyId", status: http.StatusForbidden}
	}
	want := hmacSHA256(deriveSigningKey(creds.SecretAccessKey, day, region, serviceS3), []byte(form["policy"]))
	got, err := hex.DecodeString(form["x-amz-signature"])
	if err != nil || !hmac.Equal(want, got) {
		return nil, &VerifyError{AccessKeyID: akid, Err: ErrSignatureMismatch, code: "SignatureDoesNotMatch", status: http.StatusForbidden}
	}
	if tok, has := form["x-amz-security-token"]; creds.SessionToken != "" || has {
		if subtle.ConstantTimeCompare([]byte(tok), []byte(creds.SessionToken)) != 1 {
			return nil, &VerifyError{AccessKeyID: akid, Err: ErrInvalidToken, code: "InvalidToken", status: http.StatusBadRequest}
		}
	}
	// One instant for every time decision below.
	now := o.Now()
	if err := checkCredentialExpiry(creds, akid, now); err != nil {
		return nil, err
	}
	denied := func(sentinel error, reason string) error {
		return &VerifyError{AccessKeyID: akid, Err: sentinel, Reason: reason, code: "AccessDenied", status: http.StatusForbidden}
	}
	raw, err := base64.StdEncoding.DecodeString(form["policy"])
	if err != nil {
		return nil, malformed("policy is not base64")
	}
	doc, err := parsePolicyDocument(raw)
	if err != nil {
		return nil, malformed("policy is not a JSON policy document: " + err.Error())
	}
	expiration, err := time.Parse(time.RFC3339Nano, doc.expiration)
	if err != nil {
		return nil, malformed("policy expiration is not an ISO 8601 UTC time")
	}
	if now.After(expiration) {
		return nil, denied(ErrExpired, "Invalid according to Policy: Policy expired.")
	}
	if signedAt.Sub(now) > o.AllowClockSkewUpTo {
		return nil, denied(ErrClockSkew, "x-amz-date is in the future")
	}
	if life := expiration.Sub(signedAt); life > o.AllowExpiryUpTo {
		return nil, denied(ErrExpiryTooLong, "policy lifetime "+life.String()+" exceeds the "+o.AllowExpiryUpTo.String()+" maximum")
	}
	// A form field named bucket is held to the policy's bucket conditions
	// like any field ("The form field value must match the value
	// specified", S3 API reference, POST Policy): the conditions below
	// are checked against the request's bucket, so the field must name
	// that same bucket.
	if fb, ok := form["bucket"]; ok && fb != bucket {
		return nil, denied(ErrPolicyViolation, "Invalid according to Policy: the bucket field does not name the request's bucket")
	}
	matched := map[string]bool{}
	hasBucket, hasDate := false, false
	for _, rc := range doc.conditions {
		c, err := parseCondition(rc)
		if err != nil {
			return nil, malformed("policy condition: " + err.Error())
		}
		switch c.op {
		case "content-length-range":
			// S3 answers a size outside the range with 400 EntityTooLarge
			// or EntityTooSmall, not AccessDenied.
			if fileSize > c.max {
				return nil, &VerifyError{AccessKeyID: akid, Err: ErrPolicyViolation, code: "EntityTooLarge", status: http.StatusBadRequest,
					Reason: "Your proposed upload exceeds the maximum allowed size"}
			}
			if fileSize < c.min {
				return nil, &VerifyError{AccessKeyID: akid, Err: ErrPolicyViolation, code: "EntityTooSmall", status: http.StatusBadRequest,
					Reason: "Your proposed upload is smaller than the minimum allowed size"}
			}
			continue
		}
		var value string
		var present bool
		if c.field == "bucket" {
			// Only an exact condition names the bucket: a starts-with
			// one lets the policy upload into other buckets too.
			value, present = bucket, true
			hasBucket = hasBucket || c.op == "eq"
		} else {
			value, present = form[c.field]
			// Only an exact condition pins x-amz-date, from which the
			// lifetime cap and the skew are measured.
			hasDate = hasDate || c.field == "x-amz-date" && c.op == "eq"
		}
		ok := present && (c.op == "eq" && value == c.value || c.op == "starts-with" && strings.HasPrefix(value, c.value))
		if !ok {
			return nil, denied(ErrPolicyViolation, "Invalid according to Policy: Policy Condition failed: "+c.op+" $"+c.field)
		}
		matched[c.field] = true
	}
	if !hasBucket {
		return nil, denied(ErrPolicyViolation, "the policy does not name the bucket (an exact bucket condition)")
	}
	if !hasDate {
		// The signature covers the policy, not the form: an x-amz-date
		// the policy does not pin is any time of the signing day the
		// holder chooses, and the lifetime cap above would measure from it.
		return nil, denied(ErrPolicyViolation, "the policy does not pin x-amz-date (an exact x-amz-date condition)")
	}
	out := make(map[string]string, len(form))
	for k, v := range form {
		switch {
		case k == "x-amz-signature" || k == "policy" || k == "file":
			continue
		case strings.HasPrefix(k, "x-ignore-"):
		case !matched[k]:
			return nil, denied(ErrPolicyViolation, "Invalid according to Policy: Extra input fields: "+k)
		}
		if k != "x-amz-security-token" && k != "bucket" {
			out[k] = v
		}
	}
	return &VerifiedPost{AccessKeyID: akid, Region: region, Key: form["key"], Fields: out, SigningTime: signedAt, Expiration: expiration}, nil
}

// maxPolicySize bounds the base64 policy, as S3 bounds the form fields
// before the file (20 KB).
const maxPolicySize = 20 << 10

type condition struct {
	op       string // eq, starts-with, content-length-range
	field    string // lower case, without '$'
	value    string
	min, max int64
}

// policyDocument is a POST policy: "The POST policy always contains the
// expiration and conditions elements" (S3 API reference, Creating a POST
// policy).
type policyDocument struct {
	expiration string
	conditions []json.RawMessage
}

// parsePolicyDocument reads a POST policy the way S3 does, by exact,
// case-sensitive names (Ceph's s3-tests, written against AWS, expect 400
// for "EXPIRATION" and "CONDITIONS"), where encoding/json would match any
// case and keep the last of two spellings. A name given twice, or any
// other name, is refused: which of two a reader takes is not defined.
func parsePolicyDocument(raw []byte) (policyDocument, error) {
	var doc policyDocument
	members, err := jsonObject(raw)
	if err != nil {
		return doc, err
	}
	var hasExpiration, hasConditions bool
	for _, m := range members {
		switch m.name {
		case "expiration":
			hasExpiration = true
			if json.Unmarshal(m.value, &doc.expiration) != nil {
				return doc, fmt.Errorf("expiration is not a string")
			}
		case "conditions":
			hasConditions = true
			if json.Unmarshal(m.value, &doc.conditions) != nil {
				return doc, fmt.Errorf("conditions is not a list")
			}
		default:
			return doc, fmt.Errorf("unknown element %q (the names are case-sensitive)", m.name)
		}
	}
	if !hasExpiration || !hasConditions {
		return doc, fmt.Errorf("expiration and conditions are required")
	}
	return doc, nil
}

// member is one name and value of a JSON object.
type member struct {
	name  string
	value json.RawMessage
}

// jsonObject returns the members of the JSON object raw, in order, and
// refuses a name that appears twice and anything after the object.
func jsonObject(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not a JSON object")
		}
		name, _ := tok.(string)
		for _, m := range out {
			if m.name == name {
				return nil, fmt.Errorf("%q appears twice", name)
			}
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("not a JSON object")
		}
		out = append(out, member{name: name, value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("text after the JSON object")
	}
	return out, nil
}

func parseCondition(raw json.RawMessage) (condition, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		members, err := jsonObject(raw)
		var v string
		if err != nil || len(members) != 1 || json.Unmarshal(members[0].value, &v) != nil {
			return condition{}, fmt.Errorf("an object condition must have exactly one string field")
		}
		return condition{op: "eq", field: strings.ToLower(members[0].name), value: v}, nil
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(raw, &arr); err != nil || len(arr) != 3 {
		return condition{}, fmt.Errorf("an array condition must have three elements")
	}
	var op string
	if err := json.Unmarshal(arr[0], &op); err != nil {
		return condition{}, fmt.Errorf("the operator must be a string")
	}
	op = strings.ToLower(op)
	switch op {
	case "content-length-range":
		lo, err1 := jsonInt(arr[1])
		hi, err2 := jsonInt(arr[2])
		if err1 != nil || err2 != nil || lo < 0 || hi < lo {
			return condition{}, fmt.Errorf("content-length-range needs 0 <= min <= max")
		}
		return condition{op: op, min: lo, max: hi}, nil
	case "eq", "starts-with":
		var field, value string
		if json.Unmarshal(arr[1], &field) != nil || json.Unmarshal(arr[2], &value) != nil || !strings.HasPrefix(field, "$") {
			return condition{}, fmt.Errorf("%s needs a $field and a string value", op)
		}
		return condition{op: op, field: strings.ToLower(field[1:]), value: value}, nil
	default:
		return condition{}, fmt.Errorf("unknown operator %q", op)
	}
}

// jsonInt accepts a JSON number or a numeric string.
func jsonInt(raw json.RawMessage) (int64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strconv.ParseInt(s, 10, 64)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, err
	}
	return n.Int64()
}
