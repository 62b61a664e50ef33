package securebucket

import (
	"slices"
	"strconv"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// Semantic checks of bucket policy statements, written to accept every form
// real policies use: "*" or {"AWS": "*"}; false or "false"; 1.2 or "1.2";
// action and key names in any case; wildcard resources that cover the
// bucket and its objects.

// everyone reports whether a statement applies to every caller: Principal
// "*" or {"AWS": "*"} (a NotPrincipal statement is never counted).
func everyone(s policy.Statement) bool {
	return s.NotPrincipal == nil && s.Principal.IsEveryone()
}

// allS3Actions reports whether the statement's Action covers every S3
// action ("*", "s3:*", in any ASCII case: [policy.EqualName]).
func allS3Actions(s policy.Statement) bool {
	if s.NotAction != nil {
		return false
	}
	for _, a := range s.Action {
		if policy.EqualName(a, "*") || policy.EqualName(a, "s3:*") {
			return true
		}
	}
	return false
}

// coversBucketAndObjects reports whether the statement's Resource covers
// the bucket ARN and every object ARN of the bucket.
func coversBucketAndObjects(s policy.Statement, bucketARN string) bool {
	if s.NotResource != nil {
		return false
	}
	var bucket, objects bool
	for _, r := range s.Resource {
		if policy.MatchARN(r, bucketARN) {
			bucket = true
		}
		if coversEveryObject(r, bucketARN) {
			objects = true
		}
	}
	return bucket && objects
}

// coversEveryObject reports whether the Resource pattern r matches the ARN
// of every object of the bucket: bucketARN + "/" + any key of one or more
// characters (S3 keys are never empty).
//
// It tries keys made of a character that r does not contain, of every
// length from 1 to len(r)+1. Such a character can only be matched by a
// wildcard, so wherever r matches one of them, it matches any key of that
// length too (a key's own characters, "/" and ":" included, take the same
// wildcards); and a pattern that matches every length up to one more than
// its own length has a * that takes the rest. One fixed probe key is not
// enough: "B/*/*" matches "x/y" but leaves "report.csv" out.
func coversEveryObject(r, bucketARN string) bool {
	c := ""
	for _, k := range []string{"k", "x", "q", "Z", "0", "~", "_"} {
		if !strings.Contains(r, k) {
			c = k
			break
		}
	}
	if c == "" {
		return false // a pattern holding all of them is not a plain "every object" pattern
	}
	for n := 1; n <= len(r)+1; n++ {
		if !policy.MatchARN(r, bucketARN+"/"+strings.Repeat(c, n)) {
			return false
		}
	}
	return true
}

// onlyCondition returns the single operator/key/values of a condition with
// exactly one operator and one key, as written (compare them with
// [policy.EqualName]); ok is false otherwise (more conditions would narrow
// a deny).
func onlyCondition(c policy.Condition) (op, key string, values []string, ok bool) {
	if len(c) != 1 || len(c[0].Entries) != 1 {
		return "", "", nil, false
	}
	e := c[0].Entries[0]
	return c[0].Operator, e.Key, e.Strings(), true
}

// denyForEveryoneOnBucket reports whether s is a Deny for every principal
// of every S3 action on the bucket and its objects that the evaluator can
// decide: a statement policy.Compile refuses (a condition value IAM cannot
// read, such as NumericLessThan "Infinity" or "0x1.4p0") denies nothing
// there, so it is not counted as denying anything here either.
func denyForEveryoneOnBucket(s policy.Statement, bucketARN string) bool {
	return s.Effect == policy.Deny && everyone(s) && allS3Actions(s) && coversBucketAndObjects(s, bucketARN) && compiles(s)
}

// deniesInsecureTransport reports whether s denies every S3 request to the
// bucket and its objects that is not made over TLS (Security Hub S3.5).
func deniesInsecureTransport(s policy.Statement, bucketARN string) bool {
	if !denyForEveryoneOnBucket(s, bucketARN) {
		return false
	}
	op, key, vals, ok := onlyCondition(s.Condition)
	if !ok || !policy.EqualName(key, "aws:SecureTransport") {
		return false
	}
	if policy.EqualName(op, "Bool") || policy.EqualName(op, "BoolIfExists") {
		// A value, not a name: the evaluator compares Bool values with
		// strings.EqualFold.
		return len(vals) == 1 && strings.EqualFold(vals[0], "false")
	}
	return false
}

// deniesOutdatedTLS reports whether s denies every S3 request to the bucket
// and its objects made with a TLS version below 1.2 (or a higher minimum):
// NumericLessThan or NumericLessThanEquals ("Less than or equals
// matching", IAM condition operators) s3:TlsVersion v with v ≥ 1.2; the
// latter with 1.2 refuses TLS 1.2 too. The value is a number as the
// evaluator reads it (denyForEveryoneOnBucket compiles the statement), so
// ParseFloat below reads the same number.
func deniesOutdatedTLS(s policy.Statement, bucketARN string) bool {
	if !denyForEveryoneOnBucket(s, bucketARN) {
		return false
	}
	op, key, vals, ok := onlyCondition(s.Condition)
	if !ok || !policy.EqualName(key, "s3:TlsVersion") || len(vals) != 1 ||
		!policy.EqualName(op, "NumericLessThan") && !policy.EqualName(op, "NumericLessThanEquals") {
		return false
	}
	v, err := strconv.ParseFloat(vals[0], 64)
	return err == nil && v >= 1.2
}

// securityHubS36Actions is the blacklistedactionpatterns parameter Security
// Hub gives the AWS Config rule s3-bucket-blacklisted-actions-prohibited for
// control S3.6, as the Security Hub user guide writes it ("[S3.6] S3
// permissions granted to other AWS accounts in bucket policies should be
// restricted"). It is Security Hub's choice, not a fact of S3 the action
// catalog could give (it is neither every permissions-management action nor
// only those); TestCrossAccountActionsAreCatalogActions checks that each is
// an s3 action of the catalog.
const securityHubS36Actions = "s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration, s3:PutObjectAcl"

// crossAccountActions are the actions Security Hub S3.6 forbids granting to
// other accounts.
var crossAccountActions = strings.Split(securityHubS36Actions, ", ")

// grantedActions returns which of actions an Allow statement grants
// (matching wildcards, case-insensitively). A NotAction statement grants
// every action it does not list.
func grantedActions(s policy.Statement, actions []string) []string {
	var out []string
	for _, a := range actions {
		matches := func(p string) bool { return policy.MatchAction(p, a) }
		if s.NotAction != nil {
			if !slices.ContainsFunc(s.NotAction, matches) {
				out = append(out, a)
			}
			continue
		}
		if slices.ContainsFunc(s.Action, matches) {
			out = append(out, a)
		}
	}
	return out
}

// otherAccountPrincipals returns the principals of an Allow statement that
// are outside account (every AWS principal when account is ""; "*" always).
// Service principals are not accounts. ok is false when a principal's
// account cannot be told (a canonical user id, a federated principal).
func otherAccountPrincipals(s policy.Statement, account string) (others []string) {
	if s.NotPrincipal != nil {
		return []string{"NotPrincipal (everyone else)"}
	}
	p := s.Principal
	if p == nil {
		return nil
	}
	if p.Wildcard {
		return []string{"*"}
	}
	for _, e := range p.Entries {
		switch e.Type {
		case policy.PrincipalAWS:
			for _, v := range e.Values {
				if v == "*" || account == "" || principalAccount(v) != account {
					others = append(others, v)
				}
			}
		case policy.PrincipalCanonicalUser, policy.PrincipalFederated:
			others = append(others, e.Values...)
		}
	}
	return others
}

// principalAccount returns the account id of an AWS principal: a bare
// account id or an IAM ARN ("arn:aws:iam::111122223333:role/x").
func principalAccount(v string) string {
	if policy.IsAccountID(v) {
		return v
	}
	parts := strings.SplitN(v, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && (parts[2] == "iam" || parts[2] == "sts") {
		return parts[4]
	}
	return ""
}

// publicStatement reports whether a statement is public by S3's
// definition (policy.StatementIsPublic for a bucket policy).
func publicStatement(s policy.Statement) bool {
	_, public := policy.StatementIsPublic(s, policy.KindBucket)
	return public
}

// Our own statements made stricter. A statement under one of the
// library's Sids is "ours", but its owner may have tightened it since
// Harden wrote it. Harden keeps such a statement instead of replacing it
// with its own, weaker one. [policy.JudgeSid] is the rule (a Deny that
// applies wherever ours does, [policy.DeniesAtLeast], and that
// policy.Compile accepts, so a Deny of everything with no condition, a
// lockdown, is kept; an Allow that grants nothing ours does not,
// [policy.AllowsNoMoreThan]); the TLS denies (S3SecureDenyInsecureTransport,
// S3SecureDenyOutdatedTLS) are also kept in every form Audit counts
// ([deniesInsecureTransport], [deniesOutdatedTLS]): a Deny for every
// principal and every S3 action on the bucket and its objects, with a
// single condition (Bool or BoolIfExists aws:SecureTransport false; or
// NumericLessThan or NumericLessThanEquals s3:TlsVersion v with v ≥ 1.2,
// so "1.3", or "1.2" with NumericLessThanEquals, is stricter; and a
// statement policy.Compile accepts, so "Infinity" is not).

// compiles reports whether the evaluator can decide s: a statement
// policy.Compile refuses (a condition value IAM cannot read, such as
// NumericLessThan "Infinity") grants and denies nothing there.
func compiles(s policy.Statement) bool {
	_, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{s}})
	return err == nil
}

// Whose statement is under our Sid. A statement under the Sid of one of
// ours is judged by [judgeOurSid], the one rule of every writer in this
// package that merges by Sid (Harden's bucket policy, a logging target's
// policy, DelegateToAccessPoints, CreateAccessPoint's access point
// policy): [policy.JudgeSid], the rule cloudfront's writers share, after
// the TLS forms above. It is kept as it is ([sidKeep]) when it says what
// ours says or is ours made stricter; replaced with ours ([sidReplace])
// when it is a version of ours that ours strengthens; anything else is
// someone else's statement ([sidConflict]): replacing it would drop it and
// could open what it closed (a lockdown that spares incident responders,
// replaced with a TLS-only Deny), so the writer refuses before any write
// with a [*SidConflictError].

// sidVerdict is what a writer does with a statement under our Sid.
type sidVerdict = policy.SidVerdict

const (
	sidKeep     = policy.SidKeep
	sidReplace  = policy.SidReplace
	sidConflict = policy.SidConflict
)

// judgeOurSid decides what happens to existing, found under the Sid of
// ours (bucketARN is the bucket's ARN for the TLS statements, "" for the
// others); for sidConflict it says how existing differs from ours.
func judgeOurSid(existing, ours policy.Statement, bucketARN string) (sidVerdict, string) {
	switch {
	case ours.Sid == policy.SidDenyInsecureTransport && deniesInsecureTransport(existing, bucketARN),
		ours.Sid == policy.SidDenyOutdatedTLS && deniesOutdatedTLS(existing, bucketARN):
		return sidKeep, ""
	}
	return policy.JudgeSid(existing, ours)
}
