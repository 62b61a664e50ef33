package fakeutil

import "github.com/s3secure/s3secure/policy"

// RegionPartition is the ARN partition of region ("aws-cn" for
// cn-north-1, from policy.PartitionOfRegion), aws for a name no partition
// claims (a test's made-up Region): the partition a fake writes its ARNs
// in.
func RegionPartition(region string) string {
	if p, ok := policy.PartitionOfRegion(region); ok {
		return p
	}
	return "aws"
}
