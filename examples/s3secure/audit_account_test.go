package main

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// accountControls are the account-level rows "audit -account" adds.
var accountControls = []string{"S3.1", "S3.19", "S3.24", "S3.22", "S3.23"}

// TestAuditAllWithAccountLocal: "audit -all -account-controls" on the embedded fake
// prints the account-level results (S3.1 account Block Public Access, S3.19
// access points, S3.24 Multi-Region Access Points, S3.22/S3.23 CloudTrail
// data events) beside every bucket's,
// and the embedded account's missing account Block Public Access fails.
func TestAuditAllWithAccountLocal(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "audit", "-all", "-account-controls")
	assert.Equal(t, exitFindings, code, stderr)
	status := map[string]string{}
	for _, r := range jsonRows(t, stdout) {
		status[r["control"]] = r["status"]
	}
	for _, c := range accountControls {
		assert.Contains(t, status, c, stdout)
	}
	assert.Equal(t, "FAIL", status["S3.1"], "the embedded account has no account-level Block Public Access")
}

// TestAuditRemediationsNameCommands: the account controls' remediations name
// the commands that fix them, never the library functions, in every format.
func TestAuditRemediationsNameCommands(t *testing.T) {
	for _, format := range []string{"text", "json", "ocsf"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "-local", "-format", format, "audit", "-all", "-account-controls")
			assert.Equal(t, exitFindings, code, stderr)
			assert.Contains(t, stdout, "(s3secure account-bpa -apply)", "S3.1's remediation")
			assert.Contains(t, stdout, "no trails; create a multi-Region trail (CloudTrail CreateTrail), then set up data events with s3secure data-events -trail NAME -apply", "S3.22's remediation")
			assert.NotContains(t, stdout, "securebucket.")
		})
	}
	code, stdout, stderr := runCLI(t, "", "-local", "audit", "-organization", "-role", "S3SecureAudit", "-account-controls")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "s3secure account-bpa -apply")
	assert.NotContains(t, stdout, "securebucket.")
}

// TestAuditAllWithAccountUnreadable: against a plain S3-compatible endpoint
// there is no S3 Control or CloudTrail, so "audit -all -account-controls" reports
// every account-level control as UNKNOWN (never PASS) next to the buckets'
// results, and exits 1.
func TestAuditAllWithAccountUnreadable(t *testing.T) {
	f := s3fake.Start(t, nil)
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("cli-acct-a", s3fake.StateAWSDefault))
	require.NoError(t, f.CreateBucket("cli-acct-b", s3fake.StateLegacy))

	code, stdout, stderr := runCLI(t, "", "-endpoint", f.URL, "-region", "us-east-1", "-format", "json",
		"audit", "-all", "-account-controls", "-account-id", f.AccountID())
	assert.Equal(t, exitFindings, code, stderr)
	account := map[string]string{}
	buckets := map[string]int{}
	for _, r := range jsonRows(t, stdout) {
		switch r["bucket"] {
		case "cli-acct-a", "cli-acct-b":
			buckets[r["bucket"]]++
			assert.NotEqual(t, "S3.1", r["control"], "S3.1 comes once, from the account audit")
		default:
			account[r["control"]] = r["status"]
		}
	}
	for _, c := range accountControls {
		if assert.Contains(t, account, c, stdout) {
			assert.Equal(t, "UNKNOWN", account[c], "%s cannot be read without S3 Control/CloudTrail", c)
		}
	}
	assert.Positive(t, buckets["cli-acct-a"], stdout)
	assert.Positive(t, buckets["cli-acct-b"], stdout)
}

// TestAuditBucketAccessPointsInItsRegion: "audit -bucket B -account-controls"
// lists B's access points in B's Region, where they live (S3 Control lists
// the access points of the Region it is asked in, and refuses a bucket of
// another Region: "Amazon S3 AccessPoint can only be listed for bucket in
// the same region"), whatever -region says: with -region us-east-1 and B in
// eu-west-1, B's open access point fails S3.19. It was UNKNOWN (the
// listing refused in us-east-1), and before the fake refused such a
// listing as AWS does, a PASS: "no access points for bucket far-data".
func TestAuditBucketAccessPointsInItsRegion(t *testing.T) {
	const region = "eu-west-1"
	a := startAWS(t, &localaws.Options{Region: region})
	require.NoError(t, a.CreateBucket("far-data", s3fake.StateAWSDefault))
	off := aws.Bool(false)
	hs := httptest.NewServer(a.Control)
	t.Cleanup(hs.Close)
	root := a.AWS.Owner().Root()
	ctl := s3controlfake.NewClient(hs.URL, hs.Listener.Addr().String(), region, func(o *s3control.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(root.AccessKeyID, root.SecretAccessKey, "")
	})
	_, err := ctl.CreateAccessPoint(t.Context(), &s3control.CreateAccessPointInput{AccountId: aws.String(a.Control.AccountID()), Name: aws.String("open-ap"),
		Bucket: aws.String("far-data"), PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{
			BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off}})
	require.NoError(t, err)

	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "-format", "json", "audit", "-bucket", "far-data", "-account-controls")
	assert.Equal(t, exitFindings, code, stderr)
	s319 := controlRows(t, stdout, "S3.19")
	require.Len(t, s319, 1, stdout)
	assert.Equal(t, "FAIL", s319[0]["status"], s319[0]["message"])
	assert.Contains(t, s319[0]["resource"], "accesspoint/open-ap")
}
