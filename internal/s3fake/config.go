package s3fake

import "time"

// BucketState is the configuration a bucket starts with.
type BucketState int

const (
	// StateAWSDefault is what a bucket created in AWS today has: all four
	// Block Public Access flags on, Object Ownership BucketOwnerEnforced (ACLs
	// disabled), and default encryption SSE-S3 with SSE-C blocked
	// (BlockedEncryptionTypes = [SSE-C]). It is the zero value.
	StateAWSDefault BucketState = iota
	// StateLegacy is a bucket from before April 2023 that nobody configured:
	// no Block Public Access configuration, no ownership controls (ACLs work,
	// ObjectWriter), and no default-encryption configuration, so
	// GetBucketEncryption answers ServerSideEncryptionConfigurationNotFoundError
	// as it did before January 2023. (Real S3 now reports SSE-S3 for every
	// bucket; the fake keeps the pre-2023 answer so callers' handling of it
	// stays tested.)
	StateLegacy
)

// String returns the state's name.
func (s BucketState) String() string {
	if s == StateLegacy {
		return "legacy"
	}
	return "aws-default"
}

// Object Ownership values.
const (
	OwnershipBucketOwnerEnforced  = "BucketOwnerEnforced"
	OwnershipBucketOwnerPreferred = "BucketOwnerPreferred"
	OwnershipObjectWriter         = "ObjectWriter"
)

// PublicAccessBlock is a Block Public Access configuration (bucket or
// account level).
type PublicAccessBlock struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// Merge returns the most restrictive combination of p and other (either may
// be nil), which is how S3 combines account and bucket settings.
func (p *PublicAccessBlock) Merge(other *PublicAccessBlock) PublicAccessBlock {
	var out PublicAccessBlock
	for _, x := range []*PublicAccessBlock{p, other} {
		if x == nil {
			continue
		}
		out.BlockPublicAcls = out.BlockPublicAcls || x.BlockPublicAcls
		out.IgnorePublicAcls = out.IgnorePublicAcls || x.IgnorePublicAcls
		out.BlockPublicPolicy = out.BlockPublicPolicy || x.BlockPublicPolicy
		out.RestrictPublicBuckets = out.RestrictPublicBuckets || x.RestrictPublicBuckets
	}
	return out
}

// allBlocked is the AWS default for new buckets.
var allBlocked = PublicAccessBlock{true, true, true, true}

// BucketConfig is a read-only snapshot of a bucket's configuration, handed
// to the Authorizer and returned by Server.Bucket. Slices and pointers in it
// must not be modified.
type BucketConfig struct {
	Name           string
	OwnerAccountID string
	Region         string
	CreationDate   time.Time

	// Policy is the bucket policy JSON exactly as stored ("" when none).
	Policy string
	// PublicAccessBlock is nil when the bucket has no BPA configuration.
	PublicAccessBlock *PublicAccessBlock
	// ObjectOwnership is "" when the bucket has no ownership controls
	// (which S3 treats as ObjectWriter).
	ObjectOwnership string
	// ACL is the bucket ACL.
	ACL ACL
	// Encryption is nil when no default-encryption configuration exists.
	Encryption *Encryption
	// VersioningStatus is "", "Enabled" or "Suspended"; MFADelete is "",
	// "Enabled" or "Disabled".
	VersioningStatus string
	MFADelete        string
	// ObjectLockEnabled reports whether Object Lock is on.
	ObjectLockEnabled bool
	// LoggingTargetBucket is the server access log target ("" when off).
	LoggingTargetBucket string
	// RequesterPays reports whether the request payment configuration
	// names Requester as the payer (S3's default is BucketOwner). S3
	// delivers no server access logs into such a bucket.
	RequesterPays bool
	// HasLifecycle reports whether a lifecycle configuration exists.
	HasLifecycle bool
	// Tags are the bucket tags (nil when none).
	Tags []Tag
}

// ACLsEnabled reports whether ACLs take effect (ownership is not
// BucketOwnerEnforced).
func (c *BucketConfig) ACLsEnabled() bool { return c.ObjectOwnership != OwnershipBucketOwnerEnforced }

// Encryption is a default-encryption rule.
type Encryption struct {
	// SSEAlgorithm is "AES256", "aws:kms" or "aws:kms:dsse".
	SSEAlgorithm     string
	KMSMasterKeyID   string
	BucketKeyEnabled bool
	// BlockedEncryptionTypes lists blocked encryption types, e.g. ["SSE-C"].
	BlockedEncryptionTypes []string
}

// BlocksSSEC reports whether SSE-C writes are refused.
func (e *Encryption) BlocksSSEC() bool {
	if e == nil {
		return false
	}
	for _, t := range e.BlockedEncryptionTypes {
		if t == "SSE-C" {
			return true
		}
	}
	return false
}

// Tag is a key/value tag.
type Tag struct {
	Key   string
	Value string
}

// bucket is the fake's mutable record of a bucket. Its fields are replaced,
// never mutated in place, so snapshots can share them.
type bucket struct {
	cfg       BucketConfig
	lifecycle []byte // raw XML as PUT
	// lifecycleMinSize is the lifecycle configuration's
	// x-amz-transition-default-minimum-object-size.
	lifecycleMinSize string
	logging          []byte // raw XML as PUT, nil when off
	lock             *objectLockConfig
	objects          map[string]*objectMeta
	// uploads holds, by upload id, the ACL and tags a multipart upload
	// gives the object it completes into.
	uploads map[string]*objectMeta
}

// objectMeta is what the fake keeps beside an object: its ACL and tags.
// bucket.objects holds the latest version under the key and every version
// under versionKey(key, id).
type objectMeta struct {
	acl     ACL
	tags    []Tag
	version string
}

func versionKey(key, version string) string { return key + "\x00" + version }

// meta returns the record for key, or for one version of it.
func (b *bucket) meta(key, version string) *objectMeta {
	if version != "" {
		if m := b.objects[versionKey(key, version)]; m != nil {
			return m
		}
		if m := b.objects[key]; m != nil && (m.version == version || m.version == "") {
			return m
		}
		return nil
	}
	return b.objects[key]
}

// setMeta stores m for key (and its version); latest says whether it is
// the current version.
func (b *bucket) setMeta(key string, m *objectMeta, latest bool) {
	if m.version != "" {
		b.objects[versionKey(key, m.version)] = m
	}
	if latest {
		b.objects[key] = m
	}
}

// dropMeta forgets key's record (the latest only) or one version's.
func (b *bucket) dropMeta(key, version string) {
	if version == "" {
		delete(b.objects, key)
		return
	}
	delete(b.objects, versionKey(key, version))
	if m := b.objects[key]; m != nil && m.version == version {
		delete(b.objects, key)
	}
}
