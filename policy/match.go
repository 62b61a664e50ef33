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
//   - A Resource or NotResource pattern is matched segment by segment (the
//     parts separated by colons): "You can use wildcard characters (* and
//     ?) within the individual segments of an ARN", so a * or ? in the
//     partition, service, region or account segment stays in its field,
//     except that "If the * wildcard is the last character of a resource
//     ARN segment, it can expand to match beyond the colon boundaries" (IAM
//     user guide, "IAM JSON policy elements: Resource"). The resource
//     segment (the sixth, which may itself contain colons) takes the rest.
//     "*" alone matches every ARN, "arn:aws:s3:::*" the bucket and object
//     ARNs (their Region and account are empty), and a pattern of fewer
//     than six segments whose last ends in * every ARN it starts:
//     "arn:aws:s3:*" every S3 resource, "arn:*" every resource. Without
//     such a segment a short pattern names no six-field ARN.
//     @cloud-copilot/iam-simulate agrees on those (it pads a short pattern
//     with "*" segments); it departs where it pads a short pattern without
//     a wildcard (in identity policies), where more segments follow a
//     segment-final * (it keeps that * in its field), and where a short
//     NotResource pattern does not name the resource (it then neither
//     matches nor excludes it).
//   - The Arn condition operators compare "each of the six colon-delimited
//     components of the ARN" separately (IAM user guide, "Condition
//     operators"): there no wildcard crosses a colon and a short value
//     matches no six-field ARN. MatchARN is not for them.
//   - Policy variables (${aws:username}) are not substituted here: a
//     pattern containing one matches it as literal text.

// MatchAction reports whether action (as a request names it, for example
// "s3:GetObject") matches pattern, a value of an Action or NotAction element
// ("s3:Get*", "s3:*Object?cl", "*"), ASCII case-insensitively.
func MatchAction(pattern, action string) bool { return glob(pattern, action, true) }

// MatchARN reports whether arn matches pattern, a value of a Resource or
// NotResource element, segment by segment and case-sensitively
// ("arn:aws:s3:::bucket/*", "arn:aws:s3:*:111122223333:accesspoint/*"),
// where a * that ends a segment also takes the following fields
// ("arn:aws:s3:*" matches every S3 ARN).
func MatchARN(pattern, arn string) bool { return resourceGlob(pattern, arn, false) }

// MatchString reports whether s matches pattern case-sensitively, with the
// wildcards of a StringLike condition value. It knows no ARN fields: "*"
// takes colons too.
func MatchString(pattern, s string) bool { return glob(pattern, s, false) }
