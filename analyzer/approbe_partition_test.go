package analyzer_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestForeignAccessPointProbeInGovCloud: a bucket in GovCloud delegates
// reads to the access points of another account, and a Deny copied from
// an aws-partition template refuses that account's access points by an
// arn:aws: pattern, which names no access point in GovCloud (there their
// ARNs are arn:aws-us-gov:s3:us-gov-west-1:…). Access Analyzer takes the
// foreign access point to allow everyone, so the grant is public; the
// probe went through arn:aws:s3:us-east-1:…:accesspoint/…, an access point
// no request to this bucket comes through, which the Deny refused: no
// public finding. The probe's access point is in the bucket's partition
// and Region now. Through the SDK's S3 client against the fake S3 in
// us-gov-west-1.
func TestForeignAccessPointProbeInGovCloud(t *testing.T) {
	got := analyzeInGovCloud(t, stmts(
		`{"Sid":"Delegate","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws-us-gov:s3:::bkt/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"444455556666"}}}`,
		`{"Sid":"NoPartnerAPs","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws-us-gov:s3:::bkt","arn:aws-us-gov:s3:::bkt/*"],"Condition":{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:*:444455556666:accesspoint/*"}}}`,
	))
	require.Len(t, got, 1, "%+v", got)
	assert.Equal(t, "Delegate", got[0].Sid)
	assert.True(t, got[0].Public, "%+v", got[0])
	assert.Equal(t, "arn:aws-us-gov:s3:::bkt", got[0].Resource)
}

// TestSignedOutsiderInGovCloud: a bucket in GovCloud lets every AWS
// principal read ({"AWS": "*"}), refuses anonymous callers, and keeps a
// Deny of arn:aws: principals copied from an aws-partition template, which
// names nobody in GovCloud. Every principal of every GovCloud account can
// read: a finding. The signed caller of another account the probes use was
// arn:aws:iam::999999999999:root, whom that Deny refused: no finding at
// all. The probes' callers are named in the bucket's partition now.
func TestSignedOutsiderInGovCloud(t *testing.T) {
	got := analyzeInGovCloud(t, stmts(
		`{"Sid":"AnyAccount","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws-us-gov:s3:::bkt/*"}`,
		`{"Sid":"NoAnonymous","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws-us-gov:s3:::bkt/*","Condition":{"Null":{"aws:PrincipalArn":"true"}}}`,
		`{"Sid":"NoCommercial","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws-us-gov:s3:::bkt/*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:*"}}}`,
	))
	require.Len(t, got, 1, "%+v", got)
	assert.Equal(t, "AnyAccount", got[0].Sid)
	assert.Equal(t, map[string]string{"AWS": "*"}, got[0].Principal)
	assert.Equal(t, []string{"s3:GetObject"}, got[0].Actions)
	assert.Empty(t, got[0].Conditions, "no limit a GovCloud caller does not pass")
	assert.True(t, got[0].Public, "every principal of every account, as with aws partition ARNs in aws")
}

// analyzeInGovCloud puts pol on the bucket bkt of the fake S3 in
// us-gov-west-1 (nothing else set) and analyzes it through the SDK's S3
// client.
func analyzeInGovCloud(t *testing.T, pol string) []analyzer.Finding {
	t.Helper()
	ctx := t.Context()
	f := s3fake.Start(t, &s3fake.Options{Region: "us-gov-west-1"})
	c := f.OwnerClient()
	require.NoError(t, f.CreateBucket("bkt", s3fake.StateLegacy))
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("bkt"), Policy: aws.String(pol)})
	require.NoError(t, err)
	got, err := analyzer.AnalyzeBucket(ctx, c, "bkt", &analyzer.FetchOptions{Owner: f.AccountID()})
	require.NoError(t, err)
	return got
}
