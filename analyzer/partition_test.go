package analyzer_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
)

// TestFindingBucketInEveryPartition: a finding's Bucket is read from its
// resource ARN in every partition (policy.ARNPartition), not only aws,
// aws-cn and aws-us-gov as a hand-typed list had it, and not from an ARN
// whose partition is none.
func TestFindingBucketInEveryPartition(t *testing.T) {
	f, a, seed := seedAnalyzer(t, types.TypeAccount)
	want := map[string]string{}
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc", "aws-moon"} {
		arn := "arn:" + p + ":s3:::b-" + p
		seed(types.Finding{Resource: aws.String(arn), IsPublic: aws.Bool(true), Principal: map[string]string{"AWS": "*"},
			Action: []string{"s3:GetObject"}, Sources: []types.FindingSource{{Type: types.FindingSourceTypePolicy}}})
		want[arn] = "b-" + p
	}
	want["arn:aws-moon:s3:::b-aws-moon"] = ""
	// Not a bucket: no Bucket (the archive rules and the report key on it).
	seed(types.Finding{Resource: aws.String("arn:aws-cn:s3:us-east-1:111122223333:accesspoint/ap"), IsPublic: aws.Bool(true), Principal: map[string]string{"AWS": "*"},
		Action: []string{"s3:GetObject"}, Sources: []types.FindingSource{{Type: types.FindingSourceTypePolicy}}})
	want["arn:aws-cn:s3:us-east-1:111122223333:accesspoint/ap"] = ""
	got, err := analyzer.ListFindings(t.Context(), f.Client("us-east-1"), a, nil)
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for _, x := range got {
		assert.Equal(t, want[x.Resource], x.Bucket, x.Resource)
	}
}

// TestListFindingsOfBucketsInChina: ListOptions.Buckets selects the
// findings of those buckets by their ARN in the analyzer's partition
// (arn:aws-cn:s3:::bucket for an analyzer in China), and Rescan asks for a
// scan of that ARN. The filter named arn:aws:s3:::bucket, which no finding
// there has, so the buckets read as clean.
func TestListFindingsOfBucketsInChina(t *testing.T) {
	f, _ := aafake.Start(t, &aafake.Options{Region: "cn-north-1"})
	arn := f.AddAnalyzer("cn-north-1", "main", types.TypeAccount)
	require.True(t, strings.HasPrefix(arn, "arn:aws-cn:access-analyzer:"), arn)
	c := f.Client("cn-north-1")
	a, err := analyzer.EnsureAnalyzer(t.Context(), c, nil)
	require.NoError(t, err)
	for _, b := range []string{"b-1", "b-2"} {
		_, err := f.SeedFinding(a.ARN, types.Finding{Resource: aws.String("arn:aws-cn:s3:::" + b), IsPublic: aws.Bool(true), Principal: map[string]string{"AWS": "*"},
			Action: []string{"s3:GetObject"}, Sources: []types.FindingSource{{Type: types.FindingSourceTypePolicy}}})
		require.NoError(t, err)
	}
	for _, useV2 := range []bool{false, true} {
		got, err := analyzer.ListFindings(t.Context(), c, a, &analyzer.ListOptions{Buckets: []string{"b-1"}, UseV2: useV2})
		require.NoError(t, err)
		require.Len(t, got, 1, "v2 %v", useV2)
		assert.Equal(t, "b-1", got[0].Bucket)
	}
	// Rescan names the bucket's ARN there too.
	require.NoError(t, analyzer.Rescan(t.Context(), c, a, "b-1"))
	scans := f.Scans()
	require.NotEmpty(t, scans)
	assert.Equal(t, "arn:aws-cn:s3:::b-1", scans[len(scans)-1].ResourceArn)
}

// TestGateChecksTheBucketInItsPartition: Gate.CheckPolicy asks whether
// the policy grants the critical actions on the bucket's ARNs in the
// partition of the client's Region (arn:aws-cn:s3:::bucket in China).
// It asked about arn:aws:s3:::bucket, which a policy there never grants,
// so such a policy passed the gate whatever it granted.
func TestGateChecksTheBucketInItsPartition(t *testing.T) {
	var asked []string
	f, _ := aafake.Start(t, &aafake.Options{
		Region:              "cn-north-1",
		CheckNoPublicAccess: func(string, string) aafake.CheckResult { return aafake.CheckResult{Pass: true} },
		CheckAccessNotGranted: func(_, _ string, access []types.Access) aafake.CheckResult {
			for _, a := range access {
				asked = append(asked, a.Resources...)
			}
			return aafake.CheckResult{Pass: true}
		},
	})
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::444455556666:root"},"Action":"s3:PutBucketPolicy","Resource":"arn:aws-cn:s3:::b-1"}]}`
	for name, client := range map[string]analyzer.CheckAPI{"client": f.Client("cn-north-1"), "wrapper": hiddenAARegion{f.Client("cn-north-1")}} {
		asked = nil
		require.NoError(t, analyzer.NewGate(client, nil).CheckPolicy(t.Context(), "b-1", doc), name)
		assert.Equal(t, []string{"arn:aws-cn:s3:::b-1", "arn:aws-cn:s3:::b-1/*"}, asked, name)
	}
}

// hiddenAARegion is a client that does not expose its Options (so its
// Region).
type hiddenAARegion struct{ *accessanalyzer.Client }

func (hiddenAARegion) Options() {}

// TestAnalyzeOutsideAWSPartition: a bucket policy in China grants on
// arn:aws-cn:s3:::bucket/*, the bucket's only ARN there; Analyze probes
// the bucket's ARN in its partition (its Region's, else the one the policy
// names it in), so a public grant there is reported. It probed
// arn:aws:s3:::bucket, which such a grant never matches: no finding.
func TestAnalyzeOutsideAWSPartition(t *testing.T) {
	pol := stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::bkt/*"}`)
	for _, region := range []string{"cn-north-1", ""} {
		b := state(pol)
		b.Region = region
		got, err := analyzer.Analyze(b, nil)
		require.NoError(t, err)
		require.Len(t, got, 1, "region %q", region)
		assert.True(t, got[0].Public)
		assert.Equal(t, "arn:aws-cn:s3:::bkt", got[0].Resource)
	}
}
