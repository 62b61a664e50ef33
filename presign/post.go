package presign

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"

	"strings"
	"time"
)

// PostOptions describe a browser upload form ([Presigner.Post]). Exactly
// one of Key and KeyPrefix, and exactly one of ContentType and
// ContentTypePrefix, must be set.
type PostOptions struct {
	// Expires is the policy's lifetime, under the same caps as URLs. By
	// default, Options.DefaultExpiry.
	Expires time.Duration

	// Key is the exact object key the form may write.
	Key string
	// KeyPrefix lets the form write any key starting with it; the form's
	// key field is KeyPrefix+"${filename}" (S3 substitutes the uploaded
	// file's name). It must not be empty: an empty prefix would let the
	// form overwrite any object in the bucket. It must end in '/' unless
	// AllowKeyPrefixWithoutSlash is set: the policy's condition is
	// starts-with, so "users/alice" would also let the form write
	// "users/alice-evil/x" and "users/alice2/x", another user's folder.
	KeyPrefix string
	// AllowKeyPrefixWithoutSlash accepts a KeyPrefix that does not end in
	// '/' ("uploads/2026-12-08-"): the form may then write every key that
	// merely starts with it, those of longer names included.
	AllowKeyPrefixWithoutSlash bool

	// ContentType is the exact Content-Type the upload must declare.
	ContentType string
	// ContentTypePrefix requires the declared Content-Type to start with
	// it (for example "image/"). The browser's form must then carry a
	// Content-Type field.
	ContentTypePrefix string

	// MinContentLength and MaxContentLength bound the upload size in
	// bytes (content-length-range, inclusive). MaxContentLength defaults
	// to [DefaultPostMaxContentLength] (10 MiB) and may not exceed 5 GiB,
	// the POST upload limit.
	MinContentLength int64
	MaxContentLength int64

	// ServerSideEncryption ("AES256", "aws:kms", "aws:kms:dsse") and
	// SSEKMSKeyID are required form fields when set.
	ServerSideEncryption string
	SSEKMSKeyID          string
}

// Post is a presigned POST form: send a multipart/form-data POST to URL
// with Fields (in any order) followed by the file as the last field,
// named "file". Its String method redacts the signature and token.
type Post struct {
	// URL is the form's action.
	URL string
	// Fields are the hidden form fields, including the base64 policy and
	// its signature. Treat them as a credential until Expires.
	Fields map[string]string
	// Expires is the policy's expiration.
	Expires time.Time
}

// String returns the URL and the field names, not their secret values.
func (p Post) String() string {
	var b strings.Builder
	b.WriteString("POST " + p.URL + " fields:")
	for _, k := range sortedKeys(p.Fields) {
		v := p.Fields[k]
		if k == "x-amz-signature" || k == "x-amz-security-token" || k == "policy" {
			v = redacted
		}
		b.WriteString(" " + k + "=" + v)
	}
	return b.String()
}

// GoString is like String.
func (p Post) GoString() string { return "presign.Post{" + p.String() + "}" }

// Format prints String for every verb (%d and %x included, which would
// otherwise print the fields), and GoString for %#v.
func (p Post) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, p.GoString())
		return
	}
	writeFormatted(f, verb, p.String())
}

const maxPostSize = 5 << 30

// Post presigns a browser upload form (S3 POST Object with a SigV4 POST
// policy; see
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html).
// The policy pins the bucket, the key (exact or prefix), the content type
// (exact or prefix), the size range, any encryption setting and the expiry.
// Errors are those of [Presigner.Put] plus *[ValidationError] wrapping
// [ErrInvalidOption] for inconsistent options.
func (p *Presigner) Post(ctx context.Context, bucket string, opts *PostOptions) (*Post, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	var o PostOptions
	if opts != nil {
		o = *opts
	}
	if err := ValidateBucket(bucket); err != nil {
		return nil, err
	}
	bad := func(field, reason string) error {
		return &ValidationError{Field: field, Reason: reason, Err: ErrInvalidOption}
	}
	switch {
	case o.Key != "" && o.KeyPrefix != "":
		return nil, bad("Key", "set Key or KeyPrefix, not both")
	case o.Key != "":
		if err := ValidateKey(o.Key); err != nil {
			return nil, err
		}
		if strings.Contains(o.Key, "${filename}") {
			return nil, bad("Key", "use KeyPrefix to let S3 substitute ${filename}")
		}
	case o.KeyPrefix != "":
		if err := ValidateKey(o.KeyPrefix + "f"); err != nil {
			return nil, err
		}
		if !strings.HasSuffix(o.KeyPrefix, "/") && !o.AllowKeyPrefixWithoutSlash {
			return nil, bad("KeyPrefix", fmt.Sprintf("%q does not end in '/', so the form could also write keys that only start with it (%q); end it with '/', or set AllowKeyPrefixWithoutSlash", o.KeyPrefix, o.KeyPrefix+"-other/x"))
		}
	default:
		return nil, bad("Key", "Key or KeyPrefix is required")
	}
	switch {
	case o.ContentType != "" && o.ContentTypePrefix != "":
		return nil, bad("ContentType", "set ContentType or ContentTypePrefix, not both")
	case o.ContentType != "":
		if err := validateContentType(o.ContentType); err != nil {
			return nil, err
		}
	case o.ContentTypePrefix != "":
		if err := validateHeaderValue("ContentTypePrefix", o.ContentTypePrefix, true); err != nil {
			return nil, err
		}
	default:
		return nil, ErrMissingContentType
	}
	if o.MaxContentLength == 0 {
		o.MaxContentLength = DefaultPostMaxContentLength
	}
	if o.MinContentLength < 0 || o.MaxContentLength < o.MinContentLength || o.MaxContentLength > maxPostSize {
		return nil, bad("MaxContentLength", "need 0 <= MinContentLength <= MaxContentLength <= 5 GiB")
	}
	var s spec
	if err := fillSSE(&s, o.ServerSideEncryption, o.SSEKMSKeyID); err != nil {
		return nil, err
	}
	exp, err := p.expiry(o.Expires)
	if err != nil {
		return nil, err
	}
	creds, now, exp, err := p.credentialsFor(ctx, exp)
	if err != nil {
		return nil, err
	}
	amzDate := string(appendAmzDate(nil, now))
	day := amzDate[:8]
	region := p.signingRegion
	vhost := p.virtualHosted(bucket)
	if vhost && strings.IndexByte(bucket, '.') >= 0 {
		region = p.dottedSigningRegion
	}
	credential := creds.AccessKeyID + "/" + day + "/" + region + "/" + serviceS3 + "/" + scopeTerminator
	expiresAt := now.Add(exp)

	fields := map[string]string{
		"x-amz-algorithm":  algorithm,
		"x-amz-credential": credential,
		"x-amz-date":       amzDate,
	}
	conds := []any{map[string]string{"bucket": bucket}}
	if o.Key != "" {
		fields["key"] = o.Key
		conds = append(conds, map[string]string{"key": o.Key})
	} else {
		fields["key"] = o.KeyPrefix + "${filename}"
		conds = append(conds, []any{"starts-with", "$key", o.KeyPrefix})
	}
	conds = append(conds, []any{"content-length-range", o.MinContentLength, o.MaxContentLength})
	if o.ContentType != "" {
		fields["Content-Type"] = o.ContentType
		conds = append(conds, map[string]string{"Content-Type": o.ContentType})
	} else {
		conds = append(conds, []any{"starts-with", "$Content-Type", o.ContentTypePrefix})
	}
	if s.sse != "" {
		fields["x-amz-server-side-encryption"] = s.sse
		conds = append(conds, map[string]string{"x-amz-server-side-encryption": s.sse})
	}
	if s.sseKMSKeyID != "" {
		fields["x-amz-server-side-encryption-aws-kms-key-id"] = s.sseKMSKeyID
		conds = append(conds, map[string]string{"x-amz-server-side-encryption-aws-kms-key-id": s.sseKMSKeyID})
	}
	conds = append(conds,
		map[string]string{"x-amz-algorithm": algorithm},
		map[string]string{"x-amz-credential": credential},
		map[string]string{"x-amz-date": amzDate})
	if creds.SessionToken != "" {
		fields["x-amz-security-token"] = creds.SessionToken
		conds = append(conds, map[string]string{"x-amz-security-token": creds.SessionToken})
	}
	doc, err := json.Marshal(struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}{expiresAt.UTC().Format(postTimeFormat), conds})
	if err != nil {
		return nil, fmt.Errorf("presign: encoding post policy: %w", err)
	}
	policy := base64.StdEncoding.EncodeToString(doc)
	var dayArr [8]byte
	copy(dayArr[:], day)
	key := p.keys.get(&creds, &dayArr, region)
	fields["policy"] = policy
	fields["x-amz-signature"] = string(key.sign(nil, []byte(policy)))

	u := p.scheme + "://"
	if vhost {
		u += bucket + "." + p.vhost.host + p.vhost.prefix
	} else {
		u += p.path.host + p.path.prefix + bucket
	}
	return &Post{URL: u, Fields: fields, Expires: expiresAt}, nil
}

// postTimeFormat is the POST policy expiration format (ISO 8601, UTC,
// milliseconds), as in the AWS examples.
const postTimeFormat = "2006-01-02T15:04:05.000Z"

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
