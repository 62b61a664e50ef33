package securebucket

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/policy"
)

// TestPartitionOfPinned pins how securebucket picks a bucket's partition
// from the Regions it knows (Options.Region or the Region AuditAll found
// the bucket in, then the client's): the first a partition claims
// (policy.PartitionOfRegion) wins over a Region name no partition claims,
// which is in the partition aws-sdk-go-v2 resolves it in
// (policy.EndpointPartition: aws); with no name at all it does not guess,
// and the bucket's location is read instead.
func TestPartitionOfPinned(t *testing.T) {
	tests := []struct {
		regions []string
		want    string
		ok      bool
	}{
		{[]string{"", ""}, "", false},
		{nil, "", false},
		{[]string{"cn-north-1", "us-east-1"}, "aws-cn", true},
		{[]string{"", "us-gov-west-1"}, "aws-us-gov", true},
		{[]string{"eusc-de-east-1", ""}, "aws-eusc", true},
		{[]string{"zz-west-1", "cn-north-1"}, "aws-cn", true}, // a claimed Region wins
		{[]string{"garage", ""}, "aws", true},
		{[]string{"", "garage"}, "aws", true},
		{[]string{"us-isob-east-1"}, "aws-iso-b", true},
	}
	for _, tt := range tests {
		got, ok := partitionOf(tt.regions...)
		assert.Equal(t, tt.ok, ok, "%q", tt.regions)
		assert.Equal(t, tt.want, got, "%q", tt.regions)
		if len(tt.regions) == 1 {
			assert.Equal(t, policy.EndpointPartition(tt.regions[0]), got, "one Region: the SDK's partition")
		}
	}
}
