package main

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
)

// TestAWSEndpointsInEveryPartition: an -endpoint that is one of AWS's own
// (a FIPS, dual-stack or VPC endpoint) in any partition is reached as AWS
// is, virtual-hosted, not as another server (path-style, every S3 Control
// request dialled to the endpoint's own address); the domains come from
// AWS's partition data, so the ISO and European sovereign partitions'
// count too.
func TestAWSEndpointsInEveryPartition(t *testing.T) {
	for _, tc := range []struct {
		endpoint, region string
	}{
		{"https://s3-fips.us-east-1.amazonaws.com", "us-east-1"},
		{"https://s3.dualstack.us-east-1.amazonaws.com", "us-east-1"},
		{"https://s3.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"https://s3.dualstack.cn-north-1.api.amazonwebservices.com.cn", "cn-north-1"},
		{"https://s3.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"},
		{"https://s3.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"},
		{"https://s3.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"},
		{"https://s3.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"},
		{"https://s3.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"},
		{"https://bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com", "us-east-1"},
	} {
		assert.Truef(t, isAWSEndpoint(tc.endpoint), "%s", tc.endpoint)
		g := &globals{endpoint: tc.endpoint}
		assert.Falsef(t, g.newS3(aws.Config{Region: tc.region}).Options().UsePathStyle, "%s is reached virtual-hosted", tc.endpoint)
	}
	for _, ep := range []string{"http://127.0.0.1:5000", "https://localhost:4566", "https://minio.internal.example",
		"https://amazonaws.com.evil.example", "https://evilamazonaws.com", "::not a url"} {
		assert.Falsef(t, isAWSEndpoint(ep), "%s", ep)
	}
	g := &globals{endpoint: "http://127.0.0.1:5000"}
	assert.True(t, g.newS3(aws.Config{Region: "us-east-1"}).Options().UsePathStyle, "another server is reached path-style")
}
