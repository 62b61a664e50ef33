package cloudfront

import (
	"context"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// CloudFrontAPI is the part of *cfsdk.Client this package uses.
type CloudFrontAPI interface {
	ListOriginAccessControls(ctx context.Context, in *cfsdk.ListOriginAccessControlsInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListOriginAccessControlsOutput, error)
	GetOriginAccessControl(ctx context.Context, in *cfsdk.GetOriginAccessControlInput, optFns ...func(*cfsdk.Options)) (*cfsdk.GetOriginAccessControlOutput, error)
	CreateOriginAccessControl(ctx context.Context, in *cfsdk.CreateOriginAccessControlInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreateOriginAccessControlOutput, error)
	UpdateOriginAccessControl(ctx context.Context, in *cfsdk.UpdateOriginAccessControlInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateOriginAccessControlOutput, error)

	ListDistributions(ctx context.Context, in *cfsdk.ListDistributionsInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListDistributionsOutput, error)
	GetDistribution(ctx context.Context, in *cfsdk.GetDistributionInput, optFns ...func(*cfsdk.Options)) (*cfsdk.GetDistributionOutput, error)
	GetDistributionConfig(ctx context.Context, in *cfsdk.GetDistributionConfigInput, optFns ...func(*cfsdk.Options)) (*cfsdk.GetDistributionConfigOutput, error)
	CreateDistributionWithTags(ctx context.Context, in *cfsdk.CreateDistributionWithTagsInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreateDistributionWithTagsOutput, error)
	UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error)

	ListCloudFrontOriginAccessIdentities(ctx context.Context, in *cfsdk.ListCloudFrontOriginAccessIdentitiesInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListCloudFrontOriginAccessIdentitiesOutput, error)
	CreateCloudFrontOriginAccessIdentity(ctx context.Context, in *cfsdk.CreateCloudFrontOriginAccessIdentityInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreateCloudFrontOriginAccessIdentityOutput, error)
	GetCloudFrontOriginAccessIdentity(ctx context.Context, in *cfsdk.GetCloudFrontOriginAccessIdentityInput, optFns ...func(*cfsdk.Options)) (*cfsdk.GetCloudFrontOriginAccessIdentityOutput, error)
	DeleteCloudFrontOriginAccessIdentity(ctx context.Context, in *cfsdk.DeleteCloudFrontOriginAccessIdentityInput, optFns ...func(*cfsdk.Options)) (*cfsdk.DeleteCloudFrontOriginAccessIdentityOutput, error)
}

// S3API is the part of *s3.Client this package uses.
type S3API interface {
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
	DeleteBucketPolicy(ctx context.Context, in *s3.DeleteBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.DeleteBucketPolicyOutput, error)
}

// BucketACLReader reads a bucket's ACL; *s3.Client is one. When the
// [S3API] given to [ServeBucket] or [Migrate] is also a BucketACLReader and
// the bucket's Block Public Access is not fully on (AllowPublicAccessBlockOff)
// with IgnorePublicAcls off, they read the ACL and warn about each public
// grant in it: anyone reaches the bucket through it, around CloudFront.
// Without it, they warn that the ACL was not read.
type BucketACLReader interface {
	GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, optFns ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
}

var _ BucketACLReader = (*s3.Client)(nil)

// KMSAPI is the part of *kms.Client this package uses to add the
// CloudFront statement to an SSE-KMS key's policy.
type KMSAPI interface {
	GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
	PutKeyPolicy(ctx context.Context, in *kms.PutKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.PutKeyPolicyOutput, error)
}

var (
	_ CloudFrontAPI = (*cfsdk.Client)(nil)
	_ S3API         = (*s3.Client)(nil)
	_ KMSAPI        = (*kms.Client)(nil)
)
