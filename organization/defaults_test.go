package organization_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/organization"
)

func TestDefaults(t *testing.T) {
	assert.Equal(t, 64, organization.DefaultConcurrency)
	assert.Equal(t, 8, organization.DefaultBucketConcurrency)
	assert.Equal(t, "s3secure-organization-audit", organization.DefaultSessionName)
	assert.Equal(t, 200*time.Millisecond, organization.DefaultThrottleBackoff)
	assert.Equal(t, 20*time.Second, organization.DefaultMaxThrottleBackoff)
	assert.Equal(t, time.Hour, organization.DefaultSessionDuration)
	assert.Equal(t, 5*time.Minute, organization.DefaultSessionRenewal)
	assert.Equal(t, 32, organization.MinCheckpointKeyLen)
	assert.Equal(t, 24*time.Hour, organization.DefaultCheckpointMaxAge)
	assert.Equal(t, 5*time.Minute, organization.MaxCheckpointClockSkew)
}

// ExampleParseShard splits an organization in four; each account is in
// exactly one shard.
func ExampleParseShard() {
	shards := make([]organization.Shard, 4)
	for i := range shards {
		shards[i], _ = organization.ParseShard(fmt.Sprintf("%d/4", i))
	}
	for _, id := range []string{"111122223333", "444455556666"} {
		n := 0
		for _, s := range shards {
			if s.Owns(id) {
				n++
			}
		}
		fmt.Println(id, "is in", n, "shard")
	}
	// Output:
	// 111122223333 is in 1 shard
	// 444455556666 is in 1 shard
}

// ExampleRolePolicy prints the first statement of the member role's
// least-privilege policy.
func ExampleRolePolicy() {
	doc, err := organization.RolePolicy()
	if err != nil {
		panic(err)
	}
	for _, s := range doc.Statements {
		fmt.Println(s.Sid, len(s.Action), "actions")
	}
	// Output:
	// S3ReadConfiguration 17 actions
	// CloudTrailReadTrails 3 actions
	// AccountListRegions 1 actions
	// IAMReadAccessKeys 3 actions
}
