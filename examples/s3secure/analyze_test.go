package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type analyzeRow struct {
	Bucket    string            `json:"bucket"`
	Kind      string            `json:"kind"`
	Public    bool              `json:"public"`
	Principal map[string]string `json:"principal"`
	Accounts  []string          `json:"accounts"`
	Status    string            `json:"status"`
	ID        string            `json:"id"`
	Error     string            `json:"error"`
}

func rows(t *testing.T, out string) []analyzeRow {
	var rs []analyzeRow
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var r analyzeRow
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		rs = append(rs, r)
	}
	return rs
}

func TestAnalyzeOffline(t *testing.T) {
	sf := startAWS(t, &localaws.Options{AccountID: "111122223333", LegacyBuckets: true})
	owner := sf.OwnerCredential()
	c := sf.OwnerClient()
	for _, b := range []string{"open-bucket", "quiet-bucket", "partner-bucket"} {
		_, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("open-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open-bucket/*"}]}`)})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("partner-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::partner-bucket/*"}]}`)})
	require.NoError(t, err)

	base := []string{"-endpoint", sf.URL, "-region", "us-east-1", "-format", "json", "analyze", "-offline", "-account-id", "111122223333"}
	code, stdout, stderr := runCLI(t, "", append(base, "-all")...)
	require.Equal(t, exitFindings, code, stderr)
	got := rows(t, stdout)
	require.Len(t, got, 2)
	assert.Equal(t, "open-bucket", got[0].Bucket)
	assert.Equal(t, "public", got[0].Kind)
	assert.True(t, got[0].Public)
	assert.Equal(t, "partner-bucket", got[1].Bucket)
	assert.Equal(t, []string{"444455556666"}, got[1].Accounts)
	assert.NotContains(t, stdout+stderr, owner.SecretAccessKey)

	code, stdout, _ = runCLI(t, "", append(base, "-bucket", "quiet-bucket")...)
	assert.Equal(t, exitOK, code)
	assert.Empty(t, strings.TrimSpace(stdout))

	code, _, _ = runCLI(t, "", append(base, "-bucket", "partner-bucket", "-trust", "444455556666")...)
	assert.Equal(t, exitOK, code, "a trusted account is inside the zone of trust")

	code, stdout, _ = runCLI(t, "", "-endpoint", sf.URL, "-region", "us-east-1", "analyze", "-offline", "-bucket", "open-bucket")
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "BUCKET")
	assert.Regexp(t, `open-bucket\s+public\s+true\s+AWS=\*`, stdout)
}

// analyzerClient is an Access Analyzer client of the test AWS, as the
// account owner.
func analyzerClient(a *testAWS) *accessanalyzer.Client {
	owner := a.OwnerCredential()
	return accessanalyzer.New(accessanalyzer.Options{Region: "us-east-1", BaseEndpoint: aws.String(a.URL), HTTPClient: a.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, "")})
}

func TestAnalyzeOnline(t *testing.T) {
	a := startAWS(t, nil)
	f := a.Analyzer
	arn := f.AddAnalyzer("us-east-1", "main", aatypes.TypeAccount)
	public, err := f.SeedFinding(arn, aatypes.Finding{Resource: aws.String("arn:aws:s3:::open-bucket"), IsPublic: aws.Bool(true),
		Principal: map[string]string{"AWS": "*"}, Action: []string{"s3:GetObject"}, Sources: []aatypes.FindingSource{{Type: aatypes.FindingSourceTypePolicy}}})
	require.NoError(t, err)

	base := []string{"-endpoint", a.URL, "-region", "us-east-1", "-format", "json", "analyze"}
	code, stdout, stderr := runCLI(t, "", append(base, "-all")...)
	require.Equal(t, exitFindings, code, stderr)
	got := rows(t, stdout)
	require.Len(t, got, 1)
	assert.Equal(t, public, got[0].ID)
	assert.Equal(t, "ACTIVE", got[0].Status)

	// Archived findings are expected access: they are listed on request and
	// never fail the run.
	_, err = analyzerClient(a).UpdateFindings(t.Context(), archiveInput(arn, public))
	require.NoError(t, err)
	code, stdout, _ = runCLI(t, "", append(base, "-all", "-include-archived")...)
	assert.Equal(t, exitOK, code)
	assert.Len(t, rows(t, stdout), 1)

	// A finding Access Analyzer could not complete (an error finding)
	// blocks: the bucket's access is unknown ("IAM Access Analyzer error
	// findings"). It counted as no access before, and the run passed.
	unknown, err := f.SeedFinding(arn, aatypes.Finding{Resource: aws.String("arn:aws:s3:::unread-bucket"), Error: aws.String("ACCESS_DENIED")})
	require.NoError(t, err)
	code, stdout, stderr = runCLI(t, "", append(base, "-all")...)
	assert.Equal(t, exitFindings, code, stderr)
	got = rows(t, stdout)
	require.Len(t, got, 1)
	assert.Equal(t, unknown, got[0].ID)
	assert.Equal(t, "ACCESS_DENIED", got[0].Error)
	code, stdout, _ = runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "-format", "ocsf", "analyze", "-all")
	assert.Equal(t, exitFindings, code)
	recs := ocsfRecords(t, stdout)
	require.Len(t, recs, 1)
	assert.Equal(t, "High", recs[0]["severity"], "unknown access is not informational")

	code, _, stderr = runCLI(t, "", "-endpoint", a.URL, "-region", "eu-west-1", "analyze", "-all")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "no active analyzer in the region eu-west-1 (-create-analyzer creates one), or use -offline")
	assert.NotContains(t, stderr, a.OwnerCredential().SecretAccessKey)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
}

func TestAnalyzeUsage(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"analyze"}, "exactly one of -bucket B and -all"},
		{[]string{"analyze", "-all", "-bucket", "b"}, "exactly one of -bucket B and -all"},
		{[]string{"analyze", "-all", "-trust", "444455556666"}, "-trust and -org apply to -offline"},
		{[]string{"analyze", "-all", "-offline", "-create-analyzer"}, "-create-analyzer applies to the online analysis"},
		{[]string{"analyze", "-all", "-account-id", "111122223333"}, "-account-id applies to -offline"},
		{[]string{"-local", "analyze", "-all"}, "add -offline"},
		{[]string{"-local", "analyze", "-bucket", "data", "-offline"}, "run s3secure serve"},
		{[]string{"-local", "analyze", "-all", "-offline", "-trust", "12"}, "not a 12-digit account id"},
	} {
		code, _, stderr := runCLI(t, "", tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.stderr, tc.args)
	}
	code, _, stderr := runCLI(t, "", "-local", "analyze", "-all", "-offline")
	assert.Equal(t, exitOK, code, stderr)
}

func archiveInput(arn, id string) *accessanalyzer.UpdateFindingsInput {
	return &accessanalyzer.UpdateFindingsInput{AnalyzerArn: aws.String(arn), Ids: []string{id}, Status: aatypes.FindingStatusUpdateArchived}
}

func TestAnalyzeOnlineWrongRegion(t *testing.T) {
	sf := startAWS(t, &localaws.Options{AccountID: "111122223333"})
	owner := sf.OwnerCredential()
	west := sf.Client(owner, func(o *s3.Options) { o.Region = "eu-west-1" })
	_, err := west.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("away-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}})
	require.NoError(t, err)
	sf.Analyzer.AddAnalyzer("us-east-1", "main", aatypes.TypeAccount)

	code, _, stderr := runCLI(t, "", "-endpoint", sf.URL, "-region", "us-east-1", "analyze", "-bucket", "away-bucket")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "bucket away-bucket is in region eu-west-1, not us-east-1")
}

// TestAnalyzeOfflineOrganization: a "*" principal limited by
// aws:PrincipalOrgID is an organization finding (not public) and fails
// the run; with -org naming that organization it is inside the zone of
// trust. A malformed -org is refused.
func TestAnalyzeOfflineOrganization(t *testing.T) {
	sf := startAWS(t, &localaws.Options{AccountID: "111122223333", LegacyBuckets: true})
	c := sf.OwnerClient()
	_, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("org-bucket")})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("org-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::org-bucket/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`)})
	require.NoError(t, err)

	base := []string{"-endpoint", sf.URL, "-region", "us-east-1", "-format", "json", "analyze", "-offline", "-account-id", "111122223333", "-bucket", "org-bucket"}
	code, stdout, stderr := runCLI(t, "", base...)
	require.Equal(t, exitFindings, code, stderr)
	got := rows(t, stdout)
	require.Len(t, got, 1)
	assert.Equal(t, "organization", got[0].Kind)
	assert.False(t, got[0].Public)

	code, stdout, stderr = runCLI(t, "", append(base, "-org", "o-a1b2c3d4e5")...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Empty(t, strings.TrimSpace(stdout))

	code, _, stderr = runCLI(t, "", append(base, "-org", "a1b2c3d4e5")...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "not an organization id")
}
