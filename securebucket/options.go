package securebucket

import (
	"context"
	"fmt"
	"io"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/policy"
)

// Options changes what [Plan], [Harden] and [Create] do. A nil *Options,
// or the zero value, means every secure default (see the package
// documentation, "Security defaults"). Fields named Allow… leave a default
// out; their comments say what that exposes. Harden never weakens a setting
// it finds, whatever the options say: an opt-out only means "leave this as
// it is".
type Options struct {
	// ExpectedBucketOwner is the 12-digit account id that must own the
	// bucket. When set, it is sent with every request, and S3 refuses the
	// request with 403 if someone else owns the bucket (for example a bucket
	// of the same name that an attacker created after yours was deleted).
	// It is required with Logging, whose policy statement names the account.
	ExpectedBucketOwner string

	// Region is where Create makes the bucket (its LocationConstraint), and
	// its partition is that of the bucket's ARN in the policy statements
	// Harden writes and judges (aws-cn for cn-north-1, aws-us-gov for
	// us-gov-west-1: policy.PartitionOfRegion). By default, the client's
	// Region for both; for a client that does not expose its Options,
	// Harden reads the bucket's Region (GetBucketLocation) for the
	// partition. It never takes the aws partition for granted. Harden reads
	// an existing bucket's Region from S3 where else it matters (the
	// logging target check).
	Region string

	// KMSKeyARN, when set, makes the default encryption SSE-KMS with this
	// key and S3 Bucket Keys on (fewer KMS calls, lower cost). Give the
	// full key or alias ARN: S3 does not check the key id, and a bare key
	// id or alias name resolves in the account of whoever writes the
	// object, so it is refused. The key must be in the bucket's Region
	// (Create checks it against the Region it creates the bucket in,
	// Harden against the bucket's location before the key is written).
	//
	// The key must be of the bucket owner's account, ExpectedBucketOwner,
	// which KMSKeyARN therefore needs, or of an account listed in
	// TrustedKMSKeyAccounts: the rule of the audit's
	// S3Secure.KMSKeyAccount, so that a bucket Harden configured passes
	// it. Any other key is refused with a [*KMSKeyAccountError] before any
	// request.
	//
	// By default, SSE-S3. An existing SSE-KMS or DSSE-KMS configuration is
	// kept either way, with its key; when S3Secure.KMSKeyAccount would not
	// pass that key, the encryption step says so in a note.
	KMSKeyARN string

	// TrustedKMSKeyAccounts are 12-digit account ids, besides the bucket
	// owner's (ExpectedBucketOwner), whose keys KMSKeyARN may name: for
	// example an organization's central key account. Pass the audit the
	// same list ([AuditOptions].TrustedKMSKeyAccounts). By default none: a
	// key of another account is refused, because that account controls
	// the key (it can stop the bucket owner's use of it, which leaves the
	// objects unreadable, and let principals of its choice decrypt).
	TrustedKMSKeyAccounts []string

	// Logging, when set, turns on server access logging into another bucket
	// of the same account and Region.
	Logging *Logging

	// ObjectLock, when set, enables S3 Object Lock (optionally with a
	// default retention). It cannot be undone: objects under retention
	// cannot be deleted or overwritten by anyone, and versioning can never
	// be suspended again.
	ObjectLock *ObjectLock

	// MFADelete, when set, enables MFA delete. Only the bucket owner's
	// root user can do this (S3 refuses IAM users and roles), and MFA
	// delete cannot be used with lifecycle rules, so it requires
	// AllowNoLifecycleRule.
	MFADelete *MFADelete

	// AbortIncompleteMultipartDays is the age in days after which the
	// lifecycle rule aborts unfinished multipart uploads. By default,
	// DefaultAbortIncompleteMultipartDays.
	AbortIncompleteMultipartDays int32

	// AllowNoLifecycleRule leaves the lifecycle configuration alone: no
	// rule aborts unfinished multipart uploads, whose parts are billed and
	// invisible to ordinary listings.
	AllowNoLifecycleRule bool

	// AllowPublicAccess leaves the bucket's Block Public Access settings as
	// they are (Harden never turns them off). Without Block Public Access a
	// single public policy statement or ACL grant exposes the bucket's
	// objects to the internet.
	AllowPublicAccess bool

	// AllowACLs leaves Object Ownership as it is, so ACLs keep granting
	// access. ACLs are a second, easily overlooked way to make objects public
	// or give other accounts access; AWS recommends disabling them.
	//
	// Disabling ACLs also makes every object ACL ineffective. Harden checks
	// the bucket ACL but cannot read the ACL of every object: if objects
	// were shared through object ACLs (public-read objects of a website,
	// objects granted to another account), move that access to the bucket
	// policy first, or set AllowACLs.
	AllowACLs bool

	// AllowUnversioned leaves versioning as it is (Harden never suspends
	// it). Without versioning an overwrite or a delete destroys the only
	// copy of an object. Object Lock and MFA delete need versioning, so
	// they cannot be combined with this.
	//
	// With versioning, overwritten and deleted objects are kept (and
	// billed) as noncurrent versions until a lifecycle rule expires them;
	// Harden does not add such a rule, because how long to keep them is the
	// owner's decision.
	AllowUnversioned bool

	// AllowSSEC leaves SSE-C (encryption with customer-provided keys)
	// usable. Anyone with write access can then re-encrypt objects with a
	// key only they hold, which ransomware campaigns have done.
	AllowSSEC bool

	// AllowInsecureTransport leaves out the policy statement that denies
	// requests over plain HTTP, so credentials' signatures, data and
	// presigned URLs can travel unencrypted.
	//
	// It is also the opt-in that lets Plan, Harden and Create run against
	// a plain-HTTP endpoint (a local test server such as moto): without
	// it they refuse one with a [*PlainHTTPError] before sending anything,
	// because the statement would refuse their own next request. They
	// learn the scheme from the URL each request resolves to (a middleware
	// added through the per-request options); a client wrapper that drops
	// those options hides it, and is refused with a [*RemotePlainHTTPError]
	// whose Endpoint is empty unless AllowInsecureTransport is set.
	AllowInsecureTransport bool

	// AllowOutdatedTLS leaves out the policy statement that denies TLS
	// versions older than 1.2, which have known weaknesses.
	AllowOutdatedTLS bool

	// AllowPublicStatementRemoval lets Harden remove the statements that
	// make the existing bucket policy public. By default they are kept and
	// reported in the plan (Block Public Access neutralises them), because
	// removing someone's policy statements is not undoable by Harden.
	AllowPublicStatementRemoval bool

	// AllowACLGrantRemoval lets Harden disable ACLs on a bucket whose ACL
	// grants access to someone other than the owner, which revokes those
	// grants (the bucket ACL is reset to private first, as S3 requires). By
	// default Harden stops with an [*ACLGrantsError] listing the grants.
	AllowACLGrantRemoval bool

	// PolicyCheck, when set, judges every bucket policy before Harden
	// writes it (the bucket's own and a logging target's); an error stops
	// Harden before the write, wrapped in a [*StepError]. The analyzer
	// package's Gate (Access Analyzer's CheckNoPublicAccess and
	// CheckAccessNotGranted, billed per call) is one. Note that a public
	// statement Harden keeps by default fails such a check: combine it with
	// AllowPublicStatementRemoval. By default, no check beyond this
	// package's own.
	PolicyCheck PolicyChecker

	// Retry controls retries of failed requests. The zero value means
	// the defaults.
	Retry Retry
}

// PolicyChecker judges a bucket policy before it is written: nil means it
// may be written. analyzer.Gate implements it.
type PolicyChecker interface {
	CheckPolicy(ctx context.Context, bucket, policyJSON string) error
}

// Logging names where server access logs go.
type Logging struct {
	// TargetBucket receives the logs. It must be another bucket of the same
	// account and Region, without a default Object Lock retention and not
	// a Requester Pays bucket (S3 delivers no logs into either; Harden
	// refuses such a target with ErrIncompatible before any write). Its
	// bucket policy gets a statement that lets logging.s3.amazonaws.com
	// write under TargetPrefix for this bucket only (scoped by
	// aws:SourceArn and aws:SourceAccount); no ACL grant is used.
	TargetBucket string
	// TargetPrefix is the key prefix of the log objects, for example
	// "logs/mybucket/". It may be empty. It becomes the Resource of the
	// log-delivery statement, so a prefix holding * or ? (wildcards there),
	// ${ (a policy variable), a control character, or a leading / is
	// refused with ErrInvalidOptions before any request.
	TargetPrefix string
}

// ObjectLock is the Object Lock setting to enable. Mode empty enables Object
// Lock without a default retention period.
type ObjectLock struct {
	// Mode is GOVERNANCE (users with s3:BypassGovernanceRetention can still
	// delete) or COMPLIANCE (nobody can, not even the root user, until the
	// period ends).
	Mode types.ObjectLockRetentionMode
	// Days or Years (not both) is the default retention period.
	Days, Years int32
}

// MFADelete carries the root user's MFA device and a current code.
type MFADelete struct {
	// SerialNumber is the MFA device's serial number, or its ARN for a
	// virtual device (arn:aws:iam::ACCOUNT:mfa/NAME).
	SerialNumber string
	// Code is the 6-digit code the device shows now.
	Code string
}

// String hides the code.
func (m MFADelete) String() string {
	return "MFADelete{SerialNumber: " + m.SerialNumber + ", Code: <redacted>}"
}

// GoString hides the code from %#v too.
func (m MFADelete) GoString() string { return m.String() }

// Format prints String for every verb: %d, %x and the others would
// otherwise print the fields, code included.
func (m MFADelete) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", m.String())
		return
	}
	_, _ = io.WriteString(f, m.String())
}

var (
	kmsARNRe  = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_+=,.@-]+)$`)
	mfaCodeRe = regexp.MustCompile(`^[0-9]{6}$`)
	regionRe  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// isRegionName reports whether r is a Region name: one an AWS partition
// claims (policy.PartitionOfRegion: eusc-de-east-1 too), or of the usual
// shape (a Region AWS opens after the partition data was copied).
func isRegionName(r string) bool {
	_, ok := policy.PartitionOfRegion(r)
	return ok || regionRe.MatchString(r)
}

// validate checks the options for bucket. o is never nil.
func (o *Options) validate(bucket string) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidOptions}, a...)...)
	}
	if o.ExpectedBucketOwner != "" && !policy.IsAccountID(o.ExpectedBucketOwner) {
		return bad("ExpectedBucketOwner %q is not a 12-digit account id", o.ExpectedBucketOwner)
	}
	if o.Region != "" && !isRegionName(o.Region) {
		return bad("Region %q is not a Region name", o.Region)
	}
	if err := validateTrustedKMSKeyAccounts(o.TrustedKMSKeyAccounts); err != nil {
		return err
	}
	if o.KMSKeyARN != "" {
		switch v, account := judgeKMSKey(o.KMSKeyARN, o.ExpectedBucketOwner, o.TrustedKMSKeyAccounts); v {
		case keyNotARN:
			return bad("KMSKeyARN %q is not a KMS key or alias ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); a bare key id or alias name resolves in the writer's account", o.KMSKeyARN)
		case keyForeign, keyOwnerUnknown:
			return &KMSKeyAccountError{Key: o.KMSKeyARN, KeyAccount: account, BucketOwner: o.ExpectedBucketOwner}
		}
	}
	if o.AbortIncompleteMultipartDays < 0 || o.AbortIncompleteMultipartDays > 36500 {
		return bad("AbortIncompleteMultipartDays %d is not between 1 and 36500", o.AbortIncompleteMultipartDays)
	}
	if err := o.Retry.validate(); err != nil {
		return err
	}
	if l := o.Logging; l != nil {
		if err := validateBucketName(l.TargetBucket, false); err != nil {
			return bad("Logging.TargetBucket: %v", trimPrefix(err))
		}
		if l.TargetBucket == bucket {
			return bad("Logging.TargetBucket must not be the bucket itself (its own log deliveries would be logged, without end)")
		}
		if len(l.TargetPrefix) > 1024 {
			return bad("Logging.TargetPrefix is longer than 1024 bytes")
		}
		// It is the Resource of the target's log-delivery statement, where
		// * and ? are wildcards and ${…} a policy variable.
		if err := policy.CheckKeyPrefix(l.TargetPrefix); err != nil {
			return bad("Logging.TargetPrefix: %v", trimPrefix(err))
		}
		if o.ExpectedBucketOwner == "" {
			return bad("Logging needs ExpectedBucketOwner: the log-delivery statement is scoped to the account by aws:SourceAccount")
		}
	}
	if ol := o.ObjectLock; ol != nil {
		switch ol.Mode {
		case "":
			if ol.Days != 0 || ol.Years != 0 {
				return bad("ObjectLock.Days or Years needs a Mode (GOVERNANCE or COMPLIANCE)")
			}
		case types.ObjectLockRetentionModeGovernance, types.ObjectLockRetentionModeCompliance:
			if (ol.Days == 0) == (ol.Years == 0) {
				return bad("ObjectLock needs exactly one of Days and Years")
			}
			if ol.Days < 0 || ol.Years < 0 || ol.Days > 36500 || ol.Years > 100 {
				return bad("ObjectLock retention period out of range")
			}
		default:
			return bad("ObjectLock.Mode %q is not GOVERNANCE or COMPLIANCE", ol.Mode)
		}
		if o.AllowUnversioned {
			return bad("ObjectLock needs versioning, which AllowUnversioned leaves alone")
		}
	}
	if m := o.MFADelete; m != nil {
		if m.SerialNumber == "" || len(m.SerialNumber) > 256 {
			return bad("MFADelete.SerialNumber is empty or too long")
		}
		if !mfaCodeRe.MatchString(m.Code) {
			return bad("MFADelete.Code is not 6 digits")
		}
		if !o.AllowNoLifecycleRule {
			return bad("MFADelete cannot be used with lifecycle rules: set AllowNoLifecycleRule")
		}
		if o.AllowUnversioned {
			return bad("MFADelete needs versioning, which AllowUnversioned leaves alone")
		}
	}
	return nil
}

func (o *Options) abortDays() int32 {
	if o.AbortIncompleteMultipartDays == 0 {
		return DefaultAbortIncompleteMultipartDays
	}
	return o.AbortIncompleteMultipartDays
}
