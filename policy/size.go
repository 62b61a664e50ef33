package policy

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of policy a document is used as. It decides the size limit
// and how size is counted.
type Kind uint8

// Kinds of policies and their size limits.
//
// Sources: S3 bucket policies are limited to 20 KB, measured as 20,480 bytes
// of the whitespace-stripped document; access point policies likewise to 20
// KB. IAM counts characters and does not count whitespace: managed policies
// 6,144; inline policies in total per user 2,048, per role 10,240, per group
// 5,120 (IAM and AWS STS quotas).
const (
	KindBucket      Kind = iota + 1 // S3 bucket policy: 20,480 bytes
	KindAccessPoint                 // S3 access point policy: 20,480 bytes
	KindManaged                     // IAM customer managed policy: 6,144 characters
	KindInlineUser                  // IAM inline policies of a user: 2,048 characters
	KindInlineRole                  // IAM inline policies of a role: 10,240 characters
	KindInlineGroup                 // IAM inline policies of a group: 5,120 characters
)

// String names the kind, for example "bucket policy".
func (k Kind) String() string {
	switch k {
	case KindBucket:
		return "bucket policy"
	case KindAccessPoint:
		return "access point policy"
	case KindManaged:
		return "managed policy"
	case KindInlineUser:
		return "user inline policy"
	case KindInlineRole:
		return "role inline policy"
	case KindInlineGroup:
		return "group inline policy"
	}
	return fmt.Sprintf("policy kind %d", uint8(k))
}

// Limit returns the size limit for the kind (bytes for S3 kinds, characters
// for IAM kinds), or 0 for an unknown kind.
func (k Kind) Limit() int {
	switch k {
	case KindBucket, KindAccessPoint:
		return BucketPolicyMaxBytes
	case KindManaged:
		return ManagedPolicyMaxChars
	case KindInlineUser:
		return InlineUserPolicyMaxChars
	case KindInlineRole:
		return InlineRolePolicyMaxChars
	case KindInlineGroup:
		return InlineGroupPolicyMaxChars
	}
	return 0
}

func (k Kind) unit() string {
	if k == KindBucket || k == KindAccessPoint {
		return "bytes"
	}
	return "characters"
}

// Size returns the document's size as the kind's service counts it: for S3
// kinds the bytes of [Document.Marshal]'s minified output; for IAM kinds the
// characters of that output that are not whitespace (IAM does not count
// whitespace, including inside strings).
func (d *Document) Size(kind Kind) (int, error) {
	b, err := d.Marshal()
	if err != nil {
		return 0, err
	}
	return sizeOf(b, kind), nil
}

func sizeOf(minified []byte, kind Kind) int {
	switch kind {
	case KindBucket, KindAccessPoint:
		return len(minified)
	}
	n := 0
	for len(minified) > 0 {
		r, w := utf8.DecodeRune(minified)
		minified = minified[w:]
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// CheckSize returns a [*SizeError] (wrapping [ErrPolicyTooLarge]) when the
// document is over the limit for kind, an error wrapping [ErrInvalidValue]
// when it cannot be marshalled or kind is unknown, and nil otherwise. Call it
// before sending a policy: S3 and IAM reject an oversized one only after the
// round trip.
func (d *Document) CheckSize(kind Kind) error {
	limit := kind.Limit()
	if limit == 0 {
		return fmt.Errorf("%w: unknown policy kind %d", ErrInvalidValue, uint8(kind))
	}
	n, err := d.Size(kind)
	if err != nil {
		return err
	}
	if n > limit {
		return &SizeError{Kind: kind, Size: n, Limit: limit}
	}
	return nil
}
