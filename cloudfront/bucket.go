package cloudfront

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/policy"
)

// bucketNameRe is a DNS-compatible S3 bucket name: the only kind that has a
// virtual-hosted REST endpoint, which a CloudFront S3 origin needs.
var (
	bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	regionRe     = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
)

// isRegionName reports whether r names a Region: one an AWS partition
// claims (policy.PartitionOfRegion: eusc-de-east-1 too, which regionRe's
// two-letter prefix does not match), or of the usual shape (a Region AWS
// opens after the partition data was copied).
func isRegionName(r string) bool {
	_, claimed := policy.PartitionOfRegion(r)
	return claimed || regionRe.MatchString(r)
}

func checkBucket(bucket string) error {
	if !bucketNameRe.MatchString(bucket) || strings.Contains(bucket, "..") {
		return fmt.Errorf("%w: %q (3-63 lower-case letters, digits, '.' and '-')", ErrInvalidBucket, bucket)
	}
	return nil
}

// RESTEndpoint returns the regional S3 REST endpoint of a bucket, the
// domain name a CloudFront S3 origin must use: "BUCKET.s3.REGION.SUFFIX",
// where SUFFIX is the DNS suffix of the Region's partition
// ([policy.DNSSuffix]): "BUCKET.s3.eu-west-1.amazonaws.com",
// "BUCKET.s3.cn-north-1.amazonaws.com.cn" in China. A Region no partition
// claims is taken in aws (amazonaws.com), as aws-sdk-go-v2 resolves it.
// Never the website endpoint (s3-website), which cannot use OAC or OAI.
//
// The CloudFront developer guide, "Use a standard Amazon S3 bucket": "we
// recommend that you use the following format:
// bucket-name.s3.region.amazonaws.com"
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistS3AndCustomOrigins.html);
// CloudFront in the China Regions is operated separately
// (https://docs.amazonaws.cn/en_us/aws/latest/userguide/cloudfront.html)
// and reads buckets there, whose endpoints end in amazonaws.com.cn.
func RESTEndpoint(bucket, region string) string {
	return bucket + ".s3." + region + "." + dnsSuffix(region)
}

// dnsSuffix returns the DNS suffix of the partition of region (aws for a
// Region no partition claims: partitionOf).
func dnsSuffix(region string) string {
	s, _ := policy.DNSSuffix(partitionOf("", region))
	return s
}

// regionDomain reports whether rest is "REGION.SUFFIX" for a Region name
// and the DNS suffix of its partition ("cn-north-1.amazonaws.com.cn";
// never "cn-north-1.amazonaws.com", which no endpoint has).
func regionDomain(rest string) bool {
	r, suffix, ok := strings.Cut(rest, ".")
	if !ok {
		return false
	}
	return isRegionName(r) && suffix == dnsSuffix(r)
}

// isBucketDomain reports whether an origin domain is one of the bucket's S3
// REST endpoints: regional ("BUCKET.s3.REGION.SUFFIX", in the Region's
// partition), legacy dash-region ("BUCKET.s3-REGION.SUFFIX"), legacy
// global ("BUCKET.s3.amazonaws.com"), or legacy Northern Virginia
// ("BUCKET.s3-external-1.amazonaws.com", which the CloudFront developer
// guide gave for a bucket "in the US Standard region" that should be
// reached "to a facility in Northern Virginia", "Using Amazon S3 Origins
// and Custom Origins for Web Distributions").
func isBucketDomain(domain, bucket string) bool {
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	rest, ok := strings.CutPrefix(d, bucket+".")
	if !ok {
		return false
	}
	if rest == "s3.amazonaws.com" || rest == "s3-external-1.amazonaws.com" {
		return true
	}
	if r, ok := strings.CutPrefix(rest, "s3."); ok {
		return regionDomain(r)
	}
	if r, ok := strings.CutPrefix(rest, "s3-"); ok {
		return regionDomain(r)
	}
	return false
}

// isWebsiteDomain reports whether an origin domain is one of the bucket's
// S3 website endpoints ("BUCKET.s3-website-REGION.SUFFIX" or
// "BUCKET.s3-website.REGION.SUFFIX", in the Region's partition), which are
// plain-HTTP custom origins that cannot use OAC or OAI.
func isWebsiteDomain(domain, bucket string) bool {
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	rest, ok := strings.CutPrefix(d, bucket+".s3-website")
	if !ok || rest == "" || (rest[0] != '-' && rest[0] != '.') {
		return false
	}
	return regionDomain(rest[1:])
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// bucketAPI makes the S3 calls for one bucket. Every call carries
// ExpectedBucketOwner once the owner is known ([Options].ExpectedBucketOwner,
// else the account of the distribution), so that S3 refuses with 403 a
// bucket of the same name that another account owns.
type bucketAPI struct {
	c     S3API
	name  string
	owner *string
	// partition is the bucket's ARN partition, where a caller has read
	// it (CreateLegacyOAI).
	partition string
}

func newBucketAPI(c S3API, bucket, owner string) *bucketAPI {
	b := &bucketAPI{c: c, name: bucket}
	if owner != "" {
		b.owner = aws.String(owner)
	}
	return b
}

// pinOwner makes the account of distributionARN the expected owner, unless
// one is set already.
func (b *bucketAPI) pinOwner(distributionARN string) {
	if b.owner != nil {
		return
	}
	// arn:PARTITION:cloudfront::ACCOUNT:distribution/ID
	if parts := strings.SplitN(distributionARN, ":", 6); len(parts) == 6 && policy.IsAccountID(parts[4]) {
		b.owner = aws.String(parts[4])
	}
}

// ownerID returns the bucket's expected owner, "" when not known.
func (b *bucketAPI) ownerID() string { return aws.ToString(b.owner) }

// accounts returns the bucket's expected owner, when known, and the
// account of distributionARN, when it has one.
func (b *bucketAPI) accounts(distributionARN string) []string {
	var out []string
	if b.owner != nil {
		out = append(out, *b.owner)
	}
	if parts := strings.SplitN(distributionARN, ":", 6); len(parts) == 6 && policy.IsAccountID(parts[4]) && !slices.Contains(out, parts[4]) {
		out = append(out, parts[4])
	}
	return out
}

// region returns the bucket's region from GetBucketLocation.
func (b *bucketAPI) region(ctx context.Context) (string, error) {
	out, err := b.c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(b.name), ExpectedBucketOwner: b.owner}, noSetupRetryS3)
	if err != nil {
		return "", err
	}
	switch r := string(out.LocationConstraint); r {
	case "":
		return "us-east-1", nil
	case "EU":
		return "eu-west-1", nil
	default:
		return r, nil
	}
}

// publicAccessBlockOn reports whether all four bucket-level Block Public
// Access settings are on.
func (b *bucketAPI) publicAccessBlockOn(ctx context.Context) (bool, error) {
	on, _, err := b.publicAccessBlock(ctx)
	return on, err
}

// publicAccessBlock reports whether all four bucket-level Block Public
// Access settings are on, and whether IgnorePublicAcls is.
func (b *bucketAPI) publicAccessBlock(ctx context.Context) (all, ignoreACLs bool, err error) {
	out, err := b.c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(b.name), ExpectedBucketOwner: b.owner}, noSetupRetryS3)
	if err != nil {
		if apiCode(err) == "NoSuchPublicAccessBlockConfiguration" {
			return false, false, nil
		}
		return false, false, err
	}
	p := out.PublicAccessBlockConfiguration
	if p == nil {
		return false, false, nil
	}
	ignoreACLs = aws.ToBool(p.IgnorePublicAcls)
	return aws.ToBool(p.BlockPublicAcls) && ignoreACLs && aws.ToBool(p.BlockPublicPolicy) && aws.ToBool(p.RestrictPublicBuckets), ignoreACLs, nil
}

// aroundCloudFront returns the warnings for a bucket whose Block Public
// Access is not fully on: that, and, unless IgnorePublicAcls is on, the
// public grants of its ACL (read when the client is a [BucketACLReader]),
// through which anyone reaches the bucket without CloudFront.
func (b *bucketAPI) aroundCloudFront(ctx context.Context, ignoreACLs bool) []string {
	w := []string{"bucket Block Public Access is not fully on: the bucket can still be made public around CloudFront"}
	if ignoreACLs {
		return w
	}
	r, ok := b.c.(BucketACLReader)
	if !ok {
		return append(w, "the bucket ACL was not read (the S3 client has no GetBucketAcl) and IgnorePublicAcls is off: "+
			"a public grant in it would reach the bucket around CloudFront")
	}
	out, err := r.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(b.name), ExpectedBucketOwner: b.owner}, noSetupRetryS3)
	if err != nil {
		why := apiCode(err)
		if why == "" {
			why = "error"
		}
		return append(w, "the bucket ACL could not be read ("+why+") and IgnorePublicAcls is off: "+
			"a public grant in it would reach the bucket around CloudFront")
	}
	var public []string
	for _, g := range out.Grants {
		if g.Grantee != nil && policy.IsPublicGrantee(aws.ToString(g.Grantee.URI)) {
			public = append(public, string(g.Permission)+" to "+aws.ToString(g.Grantee.URI))
		}
	}
	if len(public) > 0 {
		w = append(w, "the bucket ACL grants "+strings.Join(public, ", ")+" and IgnorePublicAcls is off: "+
			"anyone reaches the bucket around CloudFront; remove the grants or turn Block Public Access on")
	}
	return w
}

// kmsKey returns the KMS key of the bucket's default SSE-KMS (or DSSE-KMS)
// encryption, or "" when the bucket does not use KMS.
func (b *bucketAPI) kmsKey(ctx context.Context) (string, error) {
	out, err := b.c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(b.name), ExpectedBucketOwner: b.owner}, noSetupRetryS3)
	if err != nil {
		if apiCode(err) == "ServerSideEncryptionConfigurationNotFoundError" {
			return "", nil
		}
		return "", err
	}
	if out.ServerSideEncryptionConfiguration == nil {
		return "", nil
	}
	for _, r := range out.ServerSideEncryptionConfiguration.Rules {
		d := r.ApplyServerSideEncryptionByDefault
		if d == nil {
			continue
		}
		if d.SSEAlgorithm == s3types.ServerSideEncryptionAwsKms || d.SSEAlgorithm == s3types.ServerSideEncryptionAwsKmsDsse {
			if k := aws.ToString(d.KMSMasterKeyID); k != "" {
				return k, nil
			}
			return "aws/s3", nil
		}
	}
	return "", nil
}

// policy returns the bucket's policy, or nil when it has none.
func (b *bucketAPI) policy(ctx context.Context) (*policy.Document, error) {
	doc, _, err := b.readPolicy(ctx)
	return doc, err
}

// readPolicy returns the bucket's policy (nil when it has none) and its
// text as read.
func (b *bucketAPI) readPolicy(ctx context.Context) (*policy.Document, string, error) {
	out, err := b.c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b.name), ExpectedBucketOwner: b.owner}, noSetupRetryS3)
	if err != nil {
		if apiCode(err) == "NoSuchBucketPolicy" {
			return nil, "", nil
		}
		return nil, "", err
	}
	raw := aws.ToString(out.Policy)
	doc, err := policy.Parse([]byte(raw))
	if err != nil {
		return nil, "", fmt.Errorf("cloudfront: the bucket policy does not parse: %w", err)
	}
	return doc, raw, nil
}

// writePolicy writes doc, or deletes the policy when doc has no statements
// left (S3 refuses an empty policy). ConfirmRemoveSelfBucketAccess is never
// set.
func (b *bucketAPI) writePolicy(ctx context.Context, doc *policy.Document) error {
	if doc == nil || len(doc.Statements) == 0 {
		_, err := b.c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(b.name), ExpectedBucketOwner: b.owner}, noSetupRetryS3)
		return err
	}
	if err := doc.CheckSize(policy.KindBucket); err != nil {
		return err
	}
	body, err := doc.Marshal()
	if err != nil {
		return err
	}
	_, err = b.c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b.name), Policy: aws.String(string(body)), ExpectedBucketOwner: b.owner}, noSetupRetryS3)
	return err
}

// changePolicy changes the bucket policy with [changeDocument].
func (b *bucketAPI) changePolicy(ctx context.Context, edit documentEdit) (bool, error) {
	return changeDocument(ctx, rmw.Key("s3", b.name, "policy"), "bucket policy of "+b.name, b.readPolicy, b.writePolicy, edit)
}

// oacStatement returns the OAC statement for distARN, keeping any other
// distributions the existing statement with our Sid already allows, so that
// serving a bucket from a second distribution does not cut off the first.
//
// The existing statement, once it names the same distributions, is judged
// by [policy.JudgeSid], the rule of every writer that merges by Sid: ours,
// or ours narrowed since by its owner (a prefix of the bucket, for
// example), is kept as it is and only its list of distributions grows,
// never replaced with the broader statement; an older version that ours
// strengthens (no AWS:SourceArn) is replaced; anything else (a Deny, a
// grant of other actions, principals or resources, NotPrincipal,
// NotAction or NotResource) is someone else's, refused with a
// [*SidConflictError].
func oacStatement(existing *policy.Document, bucket, distARN string) (policy.Statement, []string, error) {
	kept, err := grantedSourceARNs(existing)
	if err != nil {
		return policy.Statement{}, nil, err
	}
	arns := []string{distARN}
	var others []string
	for _, a := range kept {
		if a != distARN && !containsString(arns, a) {
			arns = append(arns, a)
			others = append(others, a)
		}
	}
	st, err := policy.AllowCloudFrontOAC(bucket, arns...)
	if err != nil {
		return st, others, err
	}
	if cur, ok := statementBySid(existing, OACStatementSid); ok {
		narrowed := withSourceARNs(cur, arns)
		switch v, why := policy.JudgeSid(narrowed, st); v {
		case policy.SidKeep:
			return narrowed, others, nil
		case policy.SidConflict:
			return st, others, &SidConflictError{Policy: "bucket policy of " + bucket, Sid: OACStatementSid, Reason: why}
		}
	}
	return st, others, nil
}

// checkOACSid refuses, before any write, an OACStatementSid statement of
// doc that oacStatement would refuse when granting distARN, or, for a
// distribution not made yet (""), any distribution of the partition: the
// verdict does not depend on which, since the statement compared with
// ours names the same distributions as ours (withSourceARNs).
func checkOACSid(doc *policy.Document, bucket, distARN, partition string) error {
	if distARN == "" {
		distARN = "arn:" + partition + ":cloudfront::000000000000:distribution/NEW"
	}
	_, _, err := oacStatement(doc, bucket, distARN)
	return err
}

// withSourceARNs returns s with the values of its AWS:SourceArn conditions
// (the only conditions on it grantedSourceARNs lets through) set to arns.
// A statement whose one AWS:SourceArn condition is StringLike, ArnEquals or
// ArnLike, with values without wildcards (grantedSourceARNs refuses the
// others), says what StringEquals says, which it then uses, as ours does,
// whatever other conditions it has ([policy.JudgeSid] compares operators
// as written).
func withSourceARNs(s policy.Statement, arns []string) policy.Statement {
	s = s.Clone()
	s.Condition = sourceARNAsStringEquals(s.Condition)
	if have, n := sourceARNsOf(s.Condition); n > 0 && sameSet(have, arns) {
		return s // the same distributions: the statement as it was
	}
	for bi := range s.Condition {
		for ei := range s.Condition[bi].Entries {
			e := &s.Condition[bi].Entries[ei]
			if !policy.EqualName(e.Key, "aws:SourceArn") {
				continue
			}
			if have := e.Strings(); len(have) == len(arns) && !slices.ContainsFunc(arns, func(a string) bool { return !containsString(have, a) }) {
				continue // the same distributions: the statement as it was
			}
			e.Values = make([]policy.ConditionValue, len(arns))
			for i, a := range arns {
				e.Values[i] = policy.StringValue(a)
			}
		}
	}
	return s
}

// sourceARNAsStringEquals returns c (a copy of the statement's, which it
// may change) with its one AWS:SourceArn condition moved to StringEquals
// when it is StringLike, ArnEquals or ArnLike with values without
// wildcards; with none or several, c as it is.
func sourceARNAsStringEquals(c policy.Condition) policy.Condition {
	bi, ei, n := 0, 0, 0
	for i, b := range c {
		for j, e := range b.Entries {
			if policy.EqualName(e.Key, "aws:SourceArn") {
				bi, ei, n = i, j, n+1
			}
		}
	}
	if n != 1 {
		return c
	}
	switch c[bi].Operator {
	case "StringLike", "ArnEquals", "ArnLike":
	default:
		return c
	}
	e := c[bi].Entries[ei]
	if slices.ContainsFunc(e.Strings(), func(v string) bool { return strings.ContainsAny(v, "*?") }) {
		return c
	}
	c[bi].Entries = slices.Delete(c[bi].Entries, ei, ei+1)
	if len(c[bi].Entries) == 0 {
		c = slices.Delete(c, bi, bi+1)
	}
	return c.WithValues("StringEquals", e.Key, e.Values...)
}

// grantedSourceARNs returns the distribution ARNs the OACStatementSid
// statement of existing allows. The statement is rewritten with the list
// of distributions grown (withSourceARNs), so an AWS:SourceArn condition
// that cannot be carried over into that list (a negated or IfExists
// operator, or an ARN pattern with wildcards) is refused with
// ErrPolicyConflict instead of being dropped. A condition on another key
// (aws:SecureTransport, aws:SourceAccount) is no concern of the list's:
// it stays in the rewritten statement, which oacStatement judges with
// [policy.JudgeSid], the one rule of what may be kept under our Sid.
func grantedSourceARNs(existing *policy.Document) ([]string, error) {
	s, ok := statementBySid(existing, OACStatementSid)
	if !ok {
		return nil, nil
	}
	for _, b := range s.Condition {
		for _, e := range b.Entries {
			if !policy.EqualName(e.Key, "aws:SourceArn") {
				continue
			}
			// ArnLike and StringLike match the one value when it has no
			// wildcard (refused below when it has one). Operator names
			// are case-sensitive to IAM, unlike keys: "stringequals" is
			// no operator and grants nothing.
			exact := b.Operator == "StringEquals" || b.Operator == "StringLike" ||
				b.Operator == "ArnEquals" || b.Operator == "ArnLike"
			if !exact {
				return nil, fmt.Errorf("%w: statement %s has the condition %s %s, which the wiring would drop; give the statement another Sid to keep it as it is", ErrPolicyConflict, OACStatementSid, b.Operator, e.Key)
			}
			for _, v := range e.Strings() {
				if strings.ContainsAny(v, "*?") {
					return nil, fmt.Errorf("%w: statement %s allows the ARN pattern %q, which the wiring would drop; give the statement another Sid to keep it as it is", ErrPolicyConflict, OACStatementSid, v)
				}
			}
		}
	}
	arns, _ := sourceARNsOf(s.Condition)
	return arns, nil
}

// sourceARNsOf returns the values every AWS:SourceArn condition of c
// allows, in the order of the first, and how many such conditions c has.
// A statement's conditions are ANDed ("If your policy statement has
// multiple condition operators, the condition operators are evaluated
// using a logical AND", and so are "multiple context keys attached to a
// single condition operator", IAM user guide, "Conditions with multiple
// context keys or values"), so a
// distribution one of them does not list is not allowed, whatever the
// others list. The operators are the exact ones grantedSourceARNs lets
// through.
func sourceARNsOf(c policy.Condition) ([]string, int) {
	var arns []string
	n := 0
	for _, b := range c {
		for _, e := range b.Entries {
			if !policy.EqualName(e.Key, "aws:SourceArn") {
				continue
			}
			vals := e.Strings()
			if n == 0 {
				for _, v := range vals {
					if !containsString(arns, v) {
						arns = append(arns, v)
					}
				}
			} else {
				arns = slices.DeleteFunc(arns, func(a string) bool { return !containsString(vals, a) })
			}
			n++
		}
	}
	return arns, n
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
