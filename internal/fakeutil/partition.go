package fakeutil

import "github.com/s3secure/s3secure/policy"

// RegionPartition is the ARN partition of region ("aws-cn" for
// cn-north-1), aws for a name no partition claims (a test's made-up
// Region), policy.EndpointPartition: the partition a fake writes its ARNs
// in.
func RegionPartition(region string) string {
	return policy.EndpointPartition(region)
}
