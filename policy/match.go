package policy

// Wildcard matching, as IAM does it. Every package matches policy values
// through these functions, so that one set of rules holds everywhere.
//
// The rules, from the IAM user guide ("IAM JSON policy elements: Action",
// "Resource", "Condition operators"):
//
//   - "*" matches any run of characters, including none and including
//     '/' and ':' where the element allows it; "?" matches exactly one
//     character (one UTF-8 sequence, not one byte). Every other character
//     matches itself; there is no escape.
//   - Case depends on the element: action names are case-insensitive
//     ("S3:getobject" is s3:GetObject), folding ASCII letters only, as IAM
//     does, so the Kelvin sign U+212A is not "k"; ARNs and StringLike
//     values are case-sensitive.
//   - An ARN pattern is matched field by field: the partition, service,
//     region and account fields each on their own, so that a wildcard there
//     never takes a colon; the resource field (the sixth, which may itself
//     contain colons) takes the rest. "*" alone matches every ARN. A
//     pattern of fewer than six fields matches no ARN here. IAM is more
//     lenient with those: the user guide says a * that ends a segment "can
//     expand to match beyond the colon boundaries", and the
//     @cloud-copilot/iam-simulate oracle pads a short ARN with "*" fields
//     (in identity policies always, in resource policies when it has a
//     wildcard), so that "arn:aws:s3:*" names every S3 resource. That
//     depends on the kind of policy, which a matcher does not know; the
//     evaluator has to decide it.
//   - Policy variables (${aws:username}) are not substituted here: a
//     pattern containing one matches it as literal text.

// MatchAction reports whether action (as a request names it, for example
// "s3:GetObject") matches pattern, a value of an Action or NotAction element
// ("s3:Get*", "s3:*Object?cl", "*"), ASCII case-insensitively.
func MatchAction(pattern, action string) bool { return glob(pattern, action, true) }

// MatchARN reports whether arn matches pattern, a value of a Resource or
// NotResource element or of an ArnLike condition, field by field and
// case-sensitively ("arn:aws:s3:::bucket/*", "arn:aws:s3:*:111122223333:accesspoint/*").
func MatchARN(pattern, arn string) bool { return arnGlob(pattern, arn, false) }

// MatchString reports whether s matches pattern case-sensitively, with the
// wildcards of a StringLike condition value. It knows no ARN fields: "*"
// takes colons too.
func MatchString(pattern, s string) bool { return glob(pattern, s, false) }
