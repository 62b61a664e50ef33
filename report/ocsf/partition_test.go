package ocsf_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/report/ocsf"
)

// TestCloudPartition: a resource's cloud_partition is its ARN's partition
// when that is an AWS partition (policy.ARNPartition), and left out
// otherwise: the second field of any string that starts with "arn:" was
// taken, so "arn:aws-moon:…" and "arn::…" were reported as partitions.
func TestCloudPartition(t *testing.T) {
	for uid, want := range map[string]string{
		"arn:aws:s3:::b":       "aws",
		"arn:aws-cn:s3:::b":    "aws-cn",
		"arn:aws-iso-f:s3:::b": "aws-iso-f",
		"arn:aws-eusc:s3:::b":  "aws-eusc",
		"arn:aws-moon:s3:::b":  "",
		"arn::s3:::b":          "",
		"arn:aws":              "",
		"b":                    "",
	} {
		f := ocsf.NewDetectionFinding(product, ocsf.Check{ID: "S3.5", Outcome: "PASS", Severity: ocsf.SeverityMedium, Resource: ocsf.Resource{UID: uid}})
		require.Len(t, f.Resources, 1)
		assert.Equal(t, want, f.Resources[0].CloudPartition, uid)
	}
}
