package securebucket

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/policy"
)

// keyVerdict is what the one rule of S3Secure.KMSKeyAccount says of a
// default encryption key. [Audit] reports it, and the write path applies
// it: [Options] refuse a KMSKeyARN the audit would not pass, and Plan and
// Harden note an existing key it does not pass.
type keyVerdict int

const (
	keyOwners       keyVerdict = iota // the bucket owner's key, or aws/s3 (no key named)
	keyTrusted                        // a key of an account TrustedKMSKeyAccounts lists
	keyForeign                        // a key of another account: FAIL
	keyNotARN                         // a bare key id or alias: UNKNOWN
	keyOwnerUnknown                   // an ARN, and the owner's account is not known: UNKNOWN
)

// judgeKMSKey judges a default encryption key: whose account the key is,
// and whether that is the bucket owner's (owner, "" when not known) or
// one of the trusted accounts. Security Hub's S3.17 passes SSE-KMS with
// any key; a key of another account is that account's to disable, to
// schedule for deletion or to re-grant, so the bucket owner's data is
// readable only as long as that account allows it.
//
// The account comes from the key or alias ARN. A bare key id or alias
// name does not say it, and S3 does not resolve it when the configuration
// is written: "If you use a KMS key alias instead, then KMS resolves the
// key within the requester's account. This behavior can result in data
// that's encrypted with a KMS key that belongs to the requester, and not
// the bucket owner" (S3 API reference, ServerSideEncryptionByDefault). No
// key at all is the AWS managed key aws/s3, which "Amazon S3 automatically
// creates ... in your AWS account" (the same page). account is the key's
// account, "" for keyNotARN and for no key.
func judgeKMSKey(key, owner string, trusted []string) (v keyVerdict, account string) {
	if key == "" {
		return keyOwners, ""
	}
	if !kmsARNRe.MatchString(key) {
		return keyNotARN, ""
	}
	account = strings.SplitN(key, ":", 6)[4]
	switch {
	case owner != "" && account == owner:
		return keyOwners, account
	case slices.Contains(trusted, account):
		return keyTrusted, account
	case owner == "":
		return keyOwnerUnknown, account
	}
	return keyForeign, account
}

// validateTrustedKMSKeyAccounts checks a TrustedKMSKeyAccounts field of
// [Options] or [AuditOptions].
func validateTrustedKMSKeyAccounts(ids []string) error {
	for _, id := range ids {
		if !policy.IsAccountID(id) {
			return fmt.Errorf("%w: TrustedKMSKeyAccounts: %q is not a 12-digit account id", ErrInvalidOptions, id)
		}
	}
	return nil
}

// kmsKeyAccount reports S3Secure.KMSKeyAccount with [judgeKMSKey].
func (c *checker) kmsKeyAccount() ControlResult {
	var d *types.ServerSideEncryptionByDefault
	if c.st.encryption != nil && len(c.st.encryption.Rules) > 0 {
		d = c.st.encryption.Rules[0].ApplyServerSideEncryptionByDefault
	}
	if d == nil || (d.SSEAlgorithm != types.ServerSideEncryptionAwsKms && d.SSEAlgorithm != types.ServerSideEncryptionAwsKmsDsse) {
		what := "no default encryption configuration"
		if c.st.encryption != nil && len(c.st.encryption.Rules) > 0 {
			what = "default encryption is " + describeRule(c.st.encryption.Rules[0])
		}
		return notApplicable(what + ": no KMS key")
	}
	key := aws.ToString(d.KMSMasterKeyID)
	owner := c.a.o.AccountID
	v, account := judgeKMSKey(key, owner, c.a.o.TrustedKMSKeyAccounts)
	switch v {
	case keyOwners:
		if key == "" {
			return pass("no key named: S3 uses the AWS managed key aws/s3 of the bucket owner's account")
		}
		return pass("the KMS key " + key + " is the bucket owner's account's")
	case keyTrusted:
		return pass("the KMS key " + key + " is account " + account + "'s, which TrustedKMSKeyAccounts trusts")
	case keyNotARN:
		return ControlResult{Status: StatusUnknown, Message: "the KMS key is given as " + key +
			", a key id or alias, not an ARN: its account cannot be known from it, and an alias resolves in the account of each object's writer; give the key's ARN"}
	case keyOwnerUnknown:
		return ControlResult{Status: StatusUnknown, Message: "the KMS key " + key + " is account " + account +
			"'s, and the bucket owner's account is not known: set AccountID"}
	}
	return fail("the KMS key " + key + " is account " + account + "'s, not the bucket owner's (" + owner +
		"): that account can disable the key or withdraw this account's use of it, leaving the objects unreadable, and can let others decrypt; " +
		"use a key of the bucket owner's account, or list " + account + " in TrustedKMSKeyAccounts")
}

// existingKeyNote is the note Plan and Harden add to the encryption step
// when they keep a key that S3Secure.KMSKeyAccount does not pass: they
// never change an existing key (readers and writers without access to a
// new key would be cut off), so the caller has to. fails is true when the
// audit fails the key or cannot decide it whatever the owner (Step.Failing):
// another account's, or a bare key id or alias; not when only the owner is
// unknown (ExpectedBucketOwner unset), which the note asks for.
func (h *hardener) existingKeyNote(key string) (note string, fails bool) {
	v, account := judgeKMSKey(key, h.o.ExpectedBucketOwner, h.o.TrustedKMSKeyAccounts)
	const pre = "S3Secure.KMSKeyAccount: the existing key "
	switch v {
	case keyForeign:
		return pre + key + " is account " + account + "'s, not the bucket owner's (" + h.o.ExpectedBucketOwner +
			"), and was kept: that account can disable it or let others decrypt; switch to a key of the bucket owner's account, or list " +
			account + " in TrustedKMSKeyAccounts", true
	case keyNotARN:
		return pre + key + " is a key id or alias, not an ARN, and was kept: its account cannot be known, and an alias resolves in the account of each object's writer; set the key's ARN", true
	case keyOwnerUnknown:
		return pre + key + " is account " + account + "'s, and the bucket owner's account is not known: set ExpectedBucketOwner", false
	}
	return "", false
}

// KMSKeyAccountError means [Options].KMSKeyARN names a key that
// S3Secure.KMSKeyAccount would not pass: a key of another account than
// the bucket owner's (BucketOwner, from ExpectedBucketOwner), or any key
// while the owner's account is not known (BucketOwner empty), and
// KeyAccount is not in TrustedKMSKeyAccounts. Plan, Harden and Create
// return it before any request. It matches [ErrKMSKeyAccount] and
// [ErrInvalidOptions] with [errors.Is].
type KMSKeyAccountError struct {
	// Key is the KMSKeyARN, and KeyAccount the account in it.
	Key, KeyAccount string
	// BucketOwner is ExpectedBucketOwner, "" when it was not set.
	BucketOwner string
}

func (e *KMSKeyAccountError) Error() string {
	if e.BucketOwner == "" {
		return fmt.Sprintf("securebucket: KMSKeyARN is account %s's key, and the bucket owner's account is not known: "+
			"set ExpectedBucketOwner (S3 then refuses every request if another account owns the bucket), or list %s in TrustedKMSKeyAccounts",
			e.KeyAccount, e.KeyAccount)
	}
	return fmt.Sprintf("securebucket: KMSKeyARN is account %s's key, not the bucket owner's (%s): that account can disable the key "+
		"or withdraw this account's use of it, leaving the objects unreadable, and can let others decrypt; "+
		"use a key of the bucket owner's account, or list %s in TrustedKMSKeyAccounts", e.KeyAccount, e.BucketOwner, e.KeyAccount)
}

func (e *KMSKeyAccountError) Unwrap() []error { return []error{ErrKMSKeyAccount, ErrInvalidOptions} }
