package policy

import (
	"fmt"
	"regexp"
	"strings"
)

// Sids of the ready-made statements. Each starts with [SidPrefix], and each
// stays the same across releases: [Merge] finds our statements by Sid.
const (
	SidDenyInsecureTransport    = SidPrefix + "DenyInsecureTransport"
	SidDenyOutdatedTLS          = SidPrefix + "DenyOutdatedTLS"
	SidAllowCloudFrontOAC       = SidPrefix + "AllowCloudFrontOAC"
	SidAllowCloudFrontOAI       = SidPrefix + "AllowCloudFrontOAI"
	SidServerAccessLogsDelivery = SidPrefix + "ServerAccessLogsPolicy"
	SidDenyOutsideVPCEndpoint   = SidPrefix + "DenyOutsideVPCEndpoint"
	SidDenyOutsideOrganization  = SidPrefix + "DenyOutsideOrganization"
	SidDelegateToAccessPoints   = SidPrefix + "DelegateToAccessPoints"
	SidRequireMFAForDeletes     = SidPrefix + "RequireMFAForDeletes"
)

var (
	distributionARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:cloudfront::[0-9]{12}:distribution/[A-Z0-9]+$`)
	oaiIDRe           = regexp.MustCompile(`^[A-Z0-9]{1,64}$`)
	vpceIDRe          = regexp.MustCompile(`^vpce-[0-9a-f]{8,17}$`)
	orgIDRe           = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// CheckBucketName returns an error wrapping [ErrInvalidArgument] unless name
// can be placed in a bucket ARN without changing its meaning: 3 to 255
// characters of letters, digits, '.', '-' and '_' (legacy us-east-1 names
// included), starting and ending with a letter or digit. In particular it
// refuses the wildcards '*' and '?', '/', ':' and policy variables.
func CheckBucketName(name string) error {
	if len(name) < 3 || len(name) > 255 {
		return fmt.Errorf("%w: bucket name %q must be 3 to 255 characters", ErrInvalidArgument, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && c != '.' && c != '-' && c != '_' {
			return fmt.Errorf("%w: bucket name %q contains %q", ErrInvalidArgument, name, c)
		}
		if !alnum && (i == 0 || i == len(name)-1) {
			return fmt.Errorf("%w: bucket name %q must start and end with a letter or digit", ErrInvalidArgument, name)
		}
	}
	return nil
}

// CheckKeyPrefix returns an error wrapping [ErrInvalidArgument] unless
// prefix can be placed in an object ARN before a trailing "*" without
// widening it: no '*', '?' or "${" (policy variable), no control
// characters, and no leading '/'.
func CheckKeyPrefix(prefix string) error {
	if strings.ContainsAny(prefix, "*?") || strings.Contains(prefix, "${") {
		return fmt.Errorf("%w: key prefix %q contains a wildcard or policy variable", ErrInvalidArgument, prefix)
	}
	if strings.HasPrefix(prefix, "/") {
		return fmt.Errorf("%w: key prefix %q starts with '/' (S3 keys do not)", ErrInvalidArgument, prefix)
	}
	for _, r := range prefix {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%w: key prefix %q contains a control character", ErrInvalidArgument, prefix)
		}
	}
	return nil
}

// BucketARN returns "arn:aws:s3:::bucket", the bucket's ARN in the aws
// partition; [BucketARNIn] names it in another (China, GovCloud, …). It
// does not check the name; see [CheckBucketName].
func BucketARN(bucket string) string { return bucketARN("aws", bucket) }

// ObjectARN returns "arn:aws:s3:::bucket/prefix*", the ARN of every object
// under prefix ("arn:aws:s3:::bucket/*" for the empty prefix) in the aws
// partition; [ObjectARNIn] names it in another. It does not check its
// arguments; see [CheckBucketName] and [CheckKeyPrefix].
func ObjectARN(bucket, prefix string) string { return objectARN("aws", bucket, prefix) }

// BucketARNIn returns "arn:PARTITION:s3:::bucket", the bucket's ARN in
// partition ("arn:aws-cn:s3:::bucket" for a bucket in China: a bucket has
// an ARN in its own partition only, and S3 there does not match
// arn:aws:s3:::bucket). Use [PartitionOfRegion] for the partition of the
// bucket's Region.
//
// It fails with a [*PartitionError] (matching [ErrInvalidPartition] and
// [ErrInvalidArgument]) when partition is not an AWS partition
// ([IsPartition]); "" is not one. Like [BucketARN] it does not check the
// name; see [CheckBucketName].
func BucketARNIn(partition, bucket string) (string, error) {
	if err := checkPartition(partition); err != nil {
		return "", err
	}
	return bucketARN(partition, bucket), nil
}

// ObjectARNIn returns "arn:PARTITION:s3:::bucket/prefix*", [ObjectARN] in
// partition. It fails as [BucketARNIn] does, and like [ObjectARN] does not
// check bucket or prefix; see [CheckBucketName] and [CheckKeyPrefix].
func ObjectARNIn(partition, bucket, prefix string) (string, error) {
	if err := checkPartition(partition); err != nil {
		return "", err
	}
	return objectARN(partition, bucket, prefix), nil
}

func bucketARN(partition, bucket string) string { return "arn:" + partition + ":s3:::" + bucket }

func objectARN(partition, bucket, prefix string) string {
	return bucketARN(partition, bucket) + "/" + prefix + "*"
}

// IsAccountID reports whether s is an AWS account ID: twelve digits, as a
// policy names an account ("111122223333") and an ARN holds one.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func checkAccount(id string) error {
	if !IsAccountID(id) {
		return fmt.Errorf("%w: account ID %q must be 12 digits", ErrInvalidArgument, id)
	}
	return nil
}

// bucketAndObjects is the Resource of statements that cover a bucket and all
// its objects.
func bucketAndObjects(bucket string) Values {
	return Values{BucketARN(bucket), ObjectARN(bucket, "")}
}

// DenyInsecureTransport returns the statement that denies every request to
// the bucket and its objects not made over TLS (aws:SecureTransport false),
// as AWS Security Hub control S3.5 requires:
//
//	{"Sid": "S3SecureDenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
//	 "Resource": ["arn:aws:s3:::B", "arn:aws:s3:::B/*"],
//	 "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
//
// It fails with [ErrInvalidArgument] for a malformed bucket name.
func DenyInsecureTransport(bucket string) (Statement, error) {
	if err := CheckBucketName(bucket); err != nil {
		return Statement{}, err
	}
	return Statement{
		Sid: SidDenyInsecureTransport, Effect: Deny, Principal: AnyPrincipal(),
		Action: Values{"s3:*"}, Resource: bucketAndObjects(bucket),
		Condition: NewCondition("Bool", "aws:SecureTransport", "false"),
	}, nil
}

// DenyOutdatedTLS returns the statement that denies requests made with TLS
// older than [MinTLSVersion] (s3:TlsVersion NumericLessThan "1.2").
//
// It fails with [ErrInvalidArgument] for a malformed bucket name.
func DenyOutdatedTLS(bucket string) (Statement, error) {
	if err := CheckBucketName(bucket); err != nil {
		return Statement{}, err
	}
	return Statement{
		Sid: SidDenyOutdatedTLS, Effect: Deny, Principal: AnyPrincipal(),
		Action: Values{"s3:*"}, Resource: bucketAndObjects(bucket),
		Condition: NewCondition("NumericLessThan", "s3:TlsVersion", MinTLSVersion),
	}, nil
}

// AllowCloudFrontOAC returns the statement that lets CloudFront read objects
// of the bucket through Origin Access Control, for the given distributions
// only (AWS:SourceArn). It grants s3:GetObject on "bucket/*" and nothing on
// the bucket itself, so a missing key answers 403 rather than 404. The
// bucket's ARN is in the distributions' partition
// ("arn:aws-cn:s3:::bucket/*" for a distribution in China).
//
// It fails with [ErrInvalidArgument] for a malformed bucket name, no
// distribution, an argument that is not a distribution ARN
// ("arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE") in an
// AWS partition ([IsPartition]), or distributions of two partitions.
func AllowCloudFrontOAC(bucket string, distributionARNs ...string) (Statement, error) {
	if err := CheckBucketName(bucket); err != nil {
		return Statement{}, err
	}
	if len(distributionARNs) == 0 {
		return Statement{}, fmt.Errorf("%w: no CloudFront distribution ARN", ErrInvalidArgument)
	}
	partition := ""
	for _, a := range distributionARNs {
		p, ok := ARNPartition(a)
		if !ok || !distributionARNRe.MatchString(a) {
			return Statement{}, fmt.Errorf("%w: %q is not a CloudFront distribution ARN", ErrInvalidArgument, a)
		}
		if partition != "" && p != partition {
			return Statement{}, fmt.Errorf("%w: distributions of the %s and %s partitions: a bucket is in one", ErrInvalidArgument, partition, p)
		}
		partition = p
	}
	return Statement{
		Sid: SidAllowCloudFrontOAC, Effect: Allow, Principal: ServicePrincipal("cloudfront.amazonaws.com"),
		Action: Values{"s3:GetObject"}, Resource: Values{objectARN(partition, bucket, "")},
		Condition: NewCondition("StringEquals", "AWS:SourceArn", distributionARNs...),
	}, nil
}

// OAIPrincipalARN returns the IAM ARN of a legacy CloudFront Origin Access
// Identity, as a bucket policy names it, in aws
// ("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID");
// [InPartition] moves it to another partition, where IAM ARNs are
// arn:aws-cn:iam::… (China), and [OAIOfPrincipal] reads it in any.
func OAIPrincipalARN(oaiID string) string {
	return "arn:aws" + oaiPrincipalPath + oaiID
}

// oaiPrincipalPath is the IAM ARN of an origin access identity after its
// partition, up to its ID.
const oaiPrincipalPath = ":iam::cloudfront:user/CloudFront Origin Access Identity "

// OAIOfPrincipal reports whether principal, an AWS principal of a policy,
// is the IAM ARN of a legacy CloudFront Origin Access Identity in an AWS
// partition ([IsPartition]: "arn:aws-cn:iam::cloudfront:user/CloudFront
// Origin Access Identity E2QWRUHEXAMPLE" in China as well as aws's
// [OAIPrincipalARN]), and returns the identity's ID. A principal of
// another form, or with no ID after the prefix, is not one.
func OAIOfPrincipal(principal string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(principal, "arn:")
	if !ok {
		return "", false
	}
	p, rest, ok := strings.Cut(rest, ":")
	if !ok || !IsPartition(p) {
		return "", false
	}
	id, ok = strings.CutPrefix(":"+rest, oaiPrincipalPath)
	if !ok || id == "" {
		return "", false
	}
	return id, true
}

// AllowCloudFrontOAI returns the statement that lets a legacy CloudFront
// Origin Access Identity read objects of the bucket. Prefer
// [AllowCloudFrontOAC] for new distributions. S3 may rewrite the principal
// into the OAI's canonical user form; [Equivalent] does not treat the two as
// equal, so after such a rewrite [Merge] replaces the statement again.
//
// It fails with [ErrInvalidArgument] for a malformed bucket name or OAI ID.
func AllowCloudFrontOAI(bucket, oaiID string) (Statement, error) {
	if err := CheckBucketName(bucket); err != nil {
		return Statement{}, err
	}
	if !oaiIDRe.MatchString(oaiID) {
		return Statement{}, fmt.Errorf("%w: %q is not a CloudFront origin access identity ID", ErrInvalidArgument, oaiID)
	}
	return Statement{
		Sid: SidAllowCloudFrontOAI, Effect: Allow, Principal: AWSPrincipal(OAIPrincipalARN(oaiID)),
		Action: Values{"s3:GetObject"}, Resource: Values{ObjectARN(bucket, "")},
	}, nil
}

// ServerAccessLogsDelivery returns the statement for the target bucket's
// policy that lets the S3 logging service write server access logs under
// prefix, for one source bucket of one account only (aws:SourceArn and
// aws:SourceAccount, against the confused-deputy problem).
//
// It fails with [ErrInvalidArgument] for malformed bucket names, a prefix
// with a wildcard, or an account that is not 12 digits.
func ServerAccessLogsDelivery(targetBucket, prefix, sourceBucket, sourceAccount string) (Statement, error) {
	for _, b := range []string{targetBucket, sourceBucket} {
		if err := CheckBucketName(b); err != nil {
			return Statement{}, err
		}
	}
	if err := CheckKeyPrefix(prefix); err != nil {
		return Statement{}, err
	}
	if err := checkAccount(sourceAccount); err != nil {
		return Statement{}, err
	}
	return Statement{
		Sid: SidServerAccessLogsDelivery, Effect: Allow, Principal: ServicePrincipal("logging.s3.amazonaws.com"),
		Action: Values{"s3:PutObject"}, Resource: Values{ObjectARN(targetBucket, prefix)},
		Condition: NewCondition("ArnLike", "aws:SourceArn", BucketARN(sourceBucket)).
			With("StringEquals", "aws:SourceAccount", sourceAccount),
	}, nil
}

// DenyOutsideVPCEndpoint returns the statement that denies every request to
// the bucket and its objects that does not arrive through one of the given
// VPC endpoints (aws:SourceVpce).
//
// Danger: it also denies the console, the CLI outside the VPC and every
// other principal of the owning account, including this library when it
// runs elsewhere. Only the account root can still change the bucket policy.
//
// It fails with [ErrInvalidArgument] for a malformed bucket name, no
// endpoint, or an endpoint ID that is not "vpce-…".
func DenyOutsideVPCEndpoint(bucket string, vpceIDs ...string) (Statement, error) {
	if err := CheckBucketName(bucket); err != nil {
		return Statement{}, err
	}
	if len(vpceIDs) == 0 {
		return Statement{}, fmt.Errorf("%w: no VPC endpoint ID", ErrInvalidArgument)
	}
	for _, id := range vpceIDs {
		if !vpceIDRe.MatchString(id) {
			return Statement{}, fmt.Errorf("%w: %q is not a VPC endpoint ID", ErrInvalidArgument, id)
		}
	}
	return Statement{
		Sid: SidDenyOutsideVPCEndpoint, Effect: Deny, Principal: AnyPrincipal(),
		Action: Values{"s3:*"}, Resource: bucketAndObjects(bucket),
		Condition: NewCondition("StringNotEquals", "aws:SourceVpce", vpceIDs...),
	}, nil
}

// DenyOutsideOrganization returns the statement that denies every request
// to the bucket and its objects by principals outside the AWS Organization
// orgID (aws:PrincipalOrgID), except AWS services acting on their own
// behalf (aws:PrincipalIsAWSService, so log delivery and CloudFront keep
// working), as AWS's data perimeter guidance writes it.
//
// It fails with [ErrInvalidArgument] for a malformed bucket name or
// organization ID ("o-…").
func DenyOutsideOrganization(bucket, orgID string) (Statement, error) {
	if err := CheckBucketName(bucket); err != nil {
		return Statement{}, err
	}
	if !orgIDRe.MatchString(orgID) {
		return Statement{}, fmt.Errorf("%w: %q is not an organization ID", ErrInvalidArgument, orgID)
	}
	return Statement{
		Sid: SidDenyOutsideOrganization, Effect: Deny, Principal: AnyPrincipal(),
		Action: Values{"s3:*"}, Resource: bucketAndObjects(bucket),
		Condition: NewCondition("StringNotEquals", "aws:PrincipalOrgID", orgID).
			With("BoolIfExists", "aws:PrincipalIsAWSService", "false"),
	}, nil
}

// DelegateToAccessPoints returns the statement that delegates access
// control of the bucket to the access points of account: any request made
// through one of that account's access points is allowed by the bucket
// policy, and the access point's own policy decides. Requests not made
// through an access point gain nothing (s3:DataAccessPointAccount is absent),
// so S3 does not count the statement as public.
//
// It fails with [ErrInvalidArgument] for a malformed bucket name or account.
func DelegateToAccessPoints(bucket, account string) (Statement, error) {
	if err := CheckBucketName(bucket); err != nil {
		return Statement{}, err
	}
	if err := checkAccount(account); err != nil {
		return Statement{}, err
	}
	return Statement{
		Sid: SidDelegateToAccessPoints, Effect: Allow, Principal: AWSPrincipal("*"),
		Action: Values{"*"}, Resource: bucketAndObjects(bucket),
		Condition: NewCondition("StringEquals", "s3:DataAccessPointAccount", account),
	}, nil
}

// RequireMFAForDeletes returns the statement that denies deleting objects
// and object versions of the bucket unless the request was authenticated
// with MFA (aws:MultiFactorAuthAge is absent without MFA).
//
// Danger: it also denies deletes by roles and automation that cannot use
// MFA; lifecycle expiration is not affected.
//
// It fails with [ErrInvalidArgument] for a malformed bucket name.
func RequireMFAForDeletes(bucket string) (Statement, error) {
	if err := CheckBucketName(bucket); err != nil {
		return Statement{}, err
	}
	return Statement{
		Sid: SidRequireMFAForDeletes, Effect: Deny, Principal: AnyPrincipal(),
		Action: RequiredActions(true, "DeleteObject"), Resource: Values{ObjectARN(bucket, "")},
		Condition: NewCondition("Null", "aws:MultiFactorAuthAge", "true"),
	}, nil
}
