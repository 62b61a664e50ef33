package securebucket

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/policy"
)

// bucketPartition returns the ARN partition of bucket ("aws-cn" for a
// bucket in China: its ARN is arn:aws-cn:s3:::bucket), from the first of
// these that is known: region (Options.Region, or the Region AuditAll
// found the bucket in), the client's Region (the SDK resolves the client's
// endpoint in that Region's partition, and an endpoint serves its own
// partition's buckets only), and the bucket's location, which it reads
// (GetBucketLocation) only when neither is known: a client that does not
// expose its Options. It returns that read's error.
func (r *reader) bucketPartition(ctx context.Context, bucket, region string) (string, error) {
	if p, ok := partitionOf(region, clientRegion(r.client)); ok {
		return p, nil
	}
	loc, err := r.location(ctx, bucket)
	if err != nil {
		return "", err
	}
	return policy.EndpointPartition(loc), nil
}

// partitionOf returns the partition of the first of regions a partition
// claims (policy.PartitionOfRegion), else, when one of them is named, the
// partition aws-sdk-go-v2 resolves it in (policy.EndpointPartition: aws
// for an S3-compatible server's "garage"). It returns false when every
// name is empty.
func partitionOf(regions ...string) (string, bool) {
	for _, r := range regions {
		if p, ok := policy.PartitionOfRegion(r); ok {
			return p, true
		}
	}
	for _, r := range regions {
		if r != "" {
			return policy.EndpointPartition(r), true
		}
	}
	return "", false
}

// clientRegion returns the Region of a client that exposes its Options
// (an *s3.Client does), "" for others.
func clientRegion(c any) string {
	if o, ok := c.(interface{ Options() s3.Options }); ok {
		return o.Options().Region
	}
	return ""
}
