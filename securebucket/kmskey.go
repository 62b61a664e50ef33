package securebucket

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// kmsKeyAccount judges S3Secure.KMSKeyAccount: whose account the default
// encryption's KMS key is. Security Hub's S3.17 passes SSE-KMS with any
// key; a key of another account is that account's to disable, to
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
// creates ... in your AWS account" (the same page).
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
	if key == "" {
		return pass("no key named: S3 uses the AWS managed key aws/s3 of the bucket owner's account")
	}
	if !kmsARNRe.MatchString(key) {
		return ControlResult{Status: StatusUnknown, Message: "the KMS key is given as " + key +
			", a key id or alias, not an ARN: its account cannot be known from it, and an alias resolves in the account of each object's writer; give the key's ARN"}
	}
	account := strings.SplitN(key, ":", 6)[4]
	owner := c.a.o.AccountID
	switch {
	case owner != "" && account == owner:
		return pass("the KMS key " + key + " is the bucket owner's account's")
	case slices.Contains(c.a.o.TrustedKMSKeyAccounts, account):
		return pass("the KMS key " + key + " is account " + account + "'s, which TrustedKMSKeyAccounts trusts")
	case owner == "":
		return ControlResult{Status: StatusUnknown, Message: "the KMS key " + key + " is account " + account +
			"'s, and the bucket owner's account is not known: set AccountID"}
	}
	return fail("the KMS key " + key + " is account " + account + "'s, not the bucket owner's (" + owner +
		"): that account can disable the key or withdraw this account's use of it, leaving the objects unreadable, and can let others decrypt; " +
		"use a key of the bucket owner's account, or list " + account + " in TrustedKMSKeyAccounts")
}
