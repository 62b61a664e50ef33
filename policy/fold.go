package policy

// IAM compares the names in a policy (actions, condition operators,
// condition keys, resource types, ACL grantee URIs and canned ACLs) without
// regard to ASCII case only. Go's strings.EqualFold and strings.ToLower use
// Unicode case folding, under which the Kelvin sign K (U+212A) equals k and
// the long s ſ (U+017F) equals s: "s3:DeleteBuc\u212Aet" would name
// s3:DeleteBucket and "StringLi\u212Ae" the StringLike operator, which IAM
// would not accept. Every case-insensitive comparison of such a name in this
// package goes through equalFoldASCII or asciiLower, and other packages
// that compare names ask [EqualName].

// EqualName reports whether a and b are the same name to IAM: the name of
// an action, a condition operator or a condition key, as written in a
// policy. IAM compares such names without regard to ASCII case and every
// other character exactly: "s3:GetObject" and "S3:GETOBJECT" are one
// action, but "s3:DeleteBuc\u212Aet" (with the Kelvin sign) is not
// s3:DeleteBucket, nor "aws:\u017FourceArn" (long s) aws:SourceArn, though
// strings.EqualFold says they are. It compares names, not patterns: use
// [MatchAction] for an action pattern with wildcards, and
// [LookupConditionKey] or [LookupAction] for a name's catalog entry.
func EqualName(a, b string) bool { return equalFoldASCII(a, b) }

// equalFoldASCII reports whether a and b are equal when ASCII letters are
// compared without regard to case; any other byte must be equal.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if !byteEq(a[i], b[i], true) {
			return false
		}
	}
	return true
}
