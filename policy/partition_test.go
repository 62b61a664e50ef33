package policy_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/internal/gen"
)

func TestPartitionOfRegion(t *testing.T) {
	tests := []struct {
		region, want string
	}{
		{"us-east-1", "aws"},
		{"eu-west-1", "aws"},
		{"il-central-1", "aws"},
		{"mx-central-1", "aws"},
		{"aws-global", "aws"},
		// A Region AWS has not opened yet: its partition's pattern.
		{"ap-southeast-9", "aws"},
		{"cn-north-1", "aws-cn"},
		{"cn-northwest-1", "aws-cn"},
		{"cn-south-2", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-gov-east-1", "aws-us-gov"},
		{"us-gov-central-3", "aws-us-gov"},
		{"us-iso-east-1", "aws-iso"},
		{"us-isob-east-1", "aws-iso-b"},
		{"eu-isoe-west-1", "aws-iso-e"},
		{"us-isof-south-1", "aws-iso-f"},
		{"us-isof-east-1", "aws-iso-f"},
		{"eusc-de-east-1", "aws-eusc"},
		{"eusc-de-west-2", "aws-eusc"},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			got, ok := policy.PartitionOfRegion(tt.region)
			assert.True(t, ok)
			assert.Equal(t, tt.want, got)
			assert.True(t, policy.IsPartition(got))
		})
	}
	// Names no partition claims are not taken for aws (the SDK's fallback).
	for _, r := range []string{"", "EU", "local", "garage", "US-EAST-1", "us-east-1a", "us-east-1 ", "cn-north", "eusc-fr-east-1", "xx-east-1"} {
		t.Run("unknown "+r, func(t *testing.T) {
			got, ok := policy.PartitionOfRegion(r)
			assert.False(t, ok)
			assert.Empty(t, got)
		})
	}
}

func TestIsPartition(t *testing.T) {
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"} {
		assert.Truef(t, policy.IsPartition(p), "%s", p)
	}
	for _, p := range []string{"", "AWS", "aws-", "aws-iso-z", "aws-cn ", "*", "aws*"} {
		assert.Falsef(t, policy.IsPartition(p), "%q", p)
	}
}

// TestDNSSuffix: each partition's DNS suffix is the one of AWS's partition
// data (outputs.dnsSuffix), the domain its Regional endpoints end in; an
// id that is no partition has none.
func TestDNSSuffix(t *testing.T) {
	for p, want := range map[string]string{
		"aws":        "amazonaws.com",
		"aws-cn":     "amazonaws.com.cn",
		"aws-us-gov": "amazonaws.com",
		"aws-iso":    "c2s.ic.gov",
		"aws-iso-b":  "sc2s.sgov.gov",
		"aws-iso-e":  "cloud.adc-e.uk",
		"aws-iso-f":  "csp.hci.ic.gov",
		"aws-eusc":   "amazonaws.eu",
	} {
		got, ok := policy.DNSSuffix(p)
		assert.Truef(t, ok, "%s", p)
		assert.Equalf(t, want, got, "%s", p)
	}
	for _, p := range []string{"", "AWS", "aws-cn ", "aws-moon", "*"} {
		got, ok := policy.DNSSuffix(p)
		assert.Falsef(t, ok, "%q", p)
		assert.Emptyf(t, got, "%q", p)
	}
}

func TestARNPartition(t *testing.T) {
	tests := []struct {
		arn, want string
		ok        bool
	}{
		{"arn:aws:s3:::bucket", "aws", true},
		{"arn:aws-cn:s3:::bucket/*", "aws-cn", true},
		{"arn:aws-us-gov:iam::111122223333:root", "aws-us-gov", true},
		{"arn:aws-iso-f:s3:::b", "aws-iso-f", true},
		{"arn:aws-eusc:cloudfront::111122223333:distribution/E1", "aws-eusc", true},
		{"arn:aws", "", false},
		{"arn::s3:::b", "", false},
		{"arn:aws-moon:s3:::b", "", false},
		{"arn:*:s3:::b", "", false},
		{"ARN:aws:s3:::b", "", false},
		{"bucket", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := policy.ARNPartition(tt.arn)
		assert.Equalf(t, tt.ok, ok, "%q", tt.arn)
		assert.Equalf(t, tt.want, got, "%q", tt.arn)
	}
}

// TestPartitionsDataMatchesSDK fails when the aws-sdk-go-v2 version go.mod
// requires ships other partition data than the repository's copy (an SDK
// upgrade that adds a partition or a Region): copy the module's
// internal/endpoints/awsrulesfn/partitions.json to
// policy/internal/gen/data and run go generate ./policy/...
func TestPartitionsDataMatchesSDK(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to locate the aws-sdk-go-v2 module: %v", err)
	}
	out, err := exec.CommandContext(t.Context(), goTool, "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("aws-sdk-go-v2 module not in the module cache (%v)", err)
	}
	want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(gen.SDKPartitionsPath)))
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(dataDir, "partitions.json"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "%s/partitions.json differs from %s in %s: copy it and run go generate ./policy/...", dataDir, gen.SDKPartitionsPath, dir)
}

// TestValidateKnowsEveryPartition: Validate takes every partition of AWS's
// data, and only those, in a resource and a principal ARN.
func TestValidateKnowsEveryPartition(t *testing.T) {
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc", "aws-moon"} {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:` + p + `:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:` + p + `:s3:::b-1/*"}]}`
		var codes []string
		for _, f := range policy.Validate([]byte(doc), nil) {
			if strings.HasPrefix(f.Code, "INVALID_P") {
				codes = append(codes, f.Code)
			}
		}
		if p == "aws-moon" {
			assert.Equal(t, []string{"INVALID_PRINCIPAL_FORMAT", "INVALID_PARTITION"}, codes)
			continue
		}
		assert.Emptyf(t, codes, "%s", p)
	}
}

// TestAllowCloudFrontOACPartition: the OAC statement grants the bucket's
// objects in the partition of the distributions it names (a distribution
// in China reads arn:aws-cn:s3:::bucket/*, the only ARN its bucket has
// there); distributions of two partitions, or of no partition, are
// refused. It granted arn:aws:s3:::bucket/* whatever the distribution.
func TestAllowCloudFrontOACPartition(t *testing.T) {
	st, err := policy.AllowCloudFrontOAC("b-1", "arn:aws-cn:cloudfront::111122223333:distribution/E1", "arn:aws-cn:cloudfront::111122223333:distribution/E2")
	require.NoError(t, err)
	assert.Equal(t, policy.Values{"arn:aws-cn:s3:::b-1/*"}, st.Resource)
	st, err = policy.AllowCloudFrontOAC("b-1", "arn:aws:cloudfront::111122223333:distribution/E1")
	require.NoError(t, err)
	assert.Equal(t, policy.Values{"arn:aws:s3:::b-1/*"}, st.Resource)
	for _, arns := range [][]string{
		{"arn:aws:cloudfront::111122223333:distribution/E1", "arn:aws-cn:cloudfront::111122223333:distribution/E2"},
		{"arn:aws-moon:cloudfront::111122223333:distribution/E1"},
		{"arn:aws-:cloudfront::111122223333:distribution/E1"},
	} {
		_, err := policy.AllowCloudFrontOAC("b-1", arns...)
		assert.ErrorIs(t, err, policy.ErrInvalidArgument, "%v", arns)
	}
}

// TestIsAWSDomain: the hosts aws-sdk-go-v2's S3 endpoint rules give, in one
// Region of each partition, plain, dual-stack and FIPS, are AWS's; the
// suffixes themselves, look-alikes, other servers and malformed names are
// not.
func TestIsAWSDomain(t *testing.T) {
	regions := []string{"us-east-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-iso-east-1",
		"us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1"}
	resolver := s3.NewDefaultEndpointResolverV2()
	seen := 0
	for _, region := range regions {
		for _, dual := range []bool{false, true} {
			for _, fips := range []bool{false, true} {
				ep, err := resolver.ResolveEndpoint(t.Context(), s3.EndpointParameters{
					Bucket: aws.String("amzn-s3-demo-bucket"), Region: aws.String(region),
					UseDualStack: aws.Bool(dual), UseFIPS: aws.Bool(fips),
				})
				if err != nil {
					continue // a variant the partition does not offer
				}
				seen++
				assert.Truef(t, policy.IsAWSDomain(ep.URI.Host), "%s dual=%v fips=%v: %s", region, dual, fips, ep.URI.Host)
			}
		}
	}
	assert.GreaterOrEqual(t, seen, 2*len(regions), "every Region resolves at least plain and one variant")
	for _, h := range []string{"S3.US-EAST-1.AMAZONAWS.COM", "s3.us-east-1.amazonaws.com.", "s3.dualstack.cn-north-1.api.amazonwebservices.com.cn",
		"bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com", "s3.eusc-de-east-1.amazonaws.eu"} {
		assert.Truef(t, policy.IsAWSDomain(h), "%s", h)
	}
	for _, h := range []string{"", ".", "amazonaws.com", "api.aws", "amazonaws.com.cn", ".amazonaws.com", "s3..amazonaws.com",
		"evilamazonaws.com", "amazonaws.com.evil.example", "s3.amazonaws.com:443", "s3.amazonaws.com/x", "localhost",
		"127.0.0.1", "minio.internal", "s3.amazonaws.co", "s3 .amazonaws.com", "s3.amazonaws.com..", "xn--amazonaws.com", "a..b.amazonaws.com", ".s3.amazonaws.com"} {
		assert.Falsef(t, policy.IsAWSDomain(h), "%q", h)
	}
}

// TestEndpointPartition: a Region a partition claims is in it, as
// PartitionOfRegion says; any other name is in aws, where aws-sdk-go-v2's
// S3 endpoint rules resolve it (its host ends in aws's DNS suffix).
func TestEndpointPartition(t *testing.T) {
	for _, r := range []string{"us-east-1", "cn-north-1", "us-gov-west-1", "us-isof-south-1", "eusc-de-east-1", "ap-moon-1"} {
		want, ok := policy.PartitionOfRegion(r)
		require.True(t, ok, r)
		assert.Equal(t, want, policy.EndpointPartition(r), r)
	}
	suffix, _ := policy.DNSSuffix("aws")
	for _, r := range []string{"garage", "local", "EU", "xx-moon-1"} {
		_, claimed := policy.PartitionOfRegion(r)
		require.False(t, claimed, r)
		assert.Equal(t, "aws", policy.EndpointPartition(r), r)
		ep, err := s3.NewDefaultEndpointResolverV2().ResolveEndpoint(t.Context(), s3.EndpointParameters{Bucket: aws.String("amzn-s3-demo-bucket"), Region: aws.String(r)})
		require.NoError(t, err, r)
		assert.True(t, strings.HasSuffix(ep.URI.Host, "."+suffix), "%s: %s", r, ep.URI.Host)
	}
	assert.Equal(t, "aws", policy.EndpointPartition(""))
}
