package main

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

func TestAccountBPALocal(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "account-bpa")
	require.Equal(t, exitOK, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 5, stdout)
	for i, name := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
		assert.Equal(t, map[string]string{"account_id": s3fake.DefaultAccountID, "kind": "setting", "name": name, "current": "off", "target": "on",
			"detail": "turn on (the account has no Block Public Access configuration)"}, rows[i])
	}
	assert.Equal(t, "result", rows[4]["kind"])
	assert.Equal(t, "planned", rows[4]["name"])
	assert.Equal(t, "", rows[4]["current"]+rows[4]["target"])
	assert.Contains(t, rows[4]["detail"], "nothing written; run with -apply")
	assert.Contains(t, rows[4]["detail"], "0 bucket(s) checked, none relies on public access")

	code, stdout, stderr = runCLI(t, "", "-local", "account-bpa", "-apply")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^ACCOUNT_ID +KIND +NAME +CURRENT +TARGET +DETAIL$`, stdout)
	assert.Regexp(t, `RestrictPublicBuckets +off +on +turn on`, stdout)
	assert.Regexp(t, `account \d{12}: applied: turned on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets`, stdout)
}

// accountBPAEnv is the test AWS (one HTTPS endpoint, trusted through
// AWS_CA_BUNDLE) with a public bucket and a private one; its S3 Control
// keeps the account's Block Public Access in the S3 fake.
func accountBPAEnv(t *testing.T) (*testAWS, *s3controlfake.Server, []string) {
	t.Helper()
	sf := startAWS(t, &localaws.Options{LegacyBuckets: true})
	c := sf.OwnerClient()
	for _, b := range []string{"public-site", "quiet-data"} {
		_, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("public-site"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-site/*"}]}`)})
	require.NoError(t, err)
	base := []string{"-endpoint", sf.URL, "-region", "us-east-1"}
	return sf, sf.Control, base
}

func TestAccountBPARefusesPublicBuckets(t *testing.T) {
	sf, ctl, base := accountBPAEnv(t)
	acct := sf.AccountID()
	cmd := []string{"account-bpa", "-account-id", acct}

	// The plan alone: blocked, exit 1, nothing written.
	code, stdout, stderr := runCLI(t, "", append(append(base, "-format", "json"), cmd...)...)
	require.Equal(t, exitFindings, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 6, stdout)
	assert.Equal(t, acct, rows[4]["account_id"])
	assert.Equal(t, "bucket", rows[4]["kind"])
	assert.Equal(t, "public-site", rows[4]["name"])
	assert.Equal(t, "public", rows[4]["current"])
	assert.Equal(t, "not public", rows[4]["target"])
	assert.Contains(t, rows[4]["detail"], `relies on public access: policy statement 0 "PublicRead": Principal "*"`)
	assert.Equal(t, "blocked", rows[5]["name"])
	assert.Contains(t, rows[5]["detail"], "1 bucket(s) would be cut off")
	assert.NotContains(t, stdout, "quiet-data", "a private bucket is not listed")

	// -apply refuses: exit 1, no PutPublicAccessBlock sent.
	code, stdout, stderr = runCLI(t, "", append(base, append(cmd, "-apply")...)...)
	require.Equal(t, exitFindings, code, stderr)
	assert.Regexp(t, `public-site +public +not public +relies on public access`, stdout)
	assert.Regexp(t, `account \d{12}: refused: nothing written`, stdout)
	assert.Zero(t, ctl.Count("PutPublicAccessBlock"))
	_, set := ctl.AccountPublicAccessBlock()
	assert.False(t, set, "the refusal wrote nothing")

	// The named opt-in applies it.
	code, stdout, stderr = runCLI(t, "", append(base, append(cmd, "-apply", "-allow-blocking-public-buckets")...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `account \d{12}: applied: turned on .*2 bucket\(s\) checked, 1 of them rely on public access`, stdout)
	got, set := ctl.AccountPublicAccessBlock()
	require.True(t, set)
	assert.Equal(t, s3controlfake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}, got)

	// Then there is nothing left to do, and no bucket is inspected.
	sf.ResetCounts()
	code, stdout, stderr = runCLI(t, "", append(base, cmd...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `BlockPublicAcls +on +on +already on`, stdout)
	assert.Regexp(t, `account \d{12}: none: all four settings are already on`, stdout)
	assert.Zero(t, sf.Count("ListBuckets"))
	assert.NotContains(t, stdout+stderr, sf.OwnerCredential().SecretAccessKey)
}

func TestAccountBPAUncheckableBucket(t *testing.T) {
	sf, _, base := accountBPAEnv(t)
	sf.InjectFault("GetBucketAcl", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
	code, stdout, stderr := runCLI(t, "", append(base, "-format", "json", "account-bpa")...)
	require.Equal(t, exitFindings, code, stderr)
	rows := jsonRows(t, stdout)
	var unknown []string
	for _, r := range rows {
		if r["kind"] == "bucket" && r["current"] == "unknown" {
			unknown = append(unknown, r["name"])
			assert.Contains(t, r["detail"], "could not be checked")
			assert.Contains(t, r["detail"], "AccessDenied")
		}
	}
	assert.ElementsMatch(t, []string{"public-site", "quiet-data"}, unknown, "a bucket that could not be checked may be public")
	assert.Equal(t, "blocked", rows[len(rows)-1]["name"])
}

func TestAccountBPANoBucketAffected(t *testing.T) {
	sf, ctl, base := accountBPAEnv(t)
	sf.SetAccountPublicAccessBlock(sf.AccountID(), &s3fake.PublicAccessBlock{IgnorePublicAcls: true, RestrictPublicBuckets: true})
	sf.ResetCounts()
	code, stdout, stderr := runCLI(t, "", append(base, "account-bpa", "-apply")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `BlockPublicAcls +off +on +turn on\n`, stdout)
	assert.Regexp(t, `IgnorePublicAcls +on +on +already on\n`, stdout)
	assert.Regexp(t, `account \d{12}: applied: turned on BlockPublicAcls, BlockPublicPolicy for every bucket in every Region \(no bucket inspected`, stdout)
	assert.NotContains(t, stdout, "public-site", "a public policy is already neutralised by RestrictPublicBuckets")
	assert.Zero(t, sf.Count("ListBuckets"))
	got, _ := ctl.AccountPublicAccessBlock()
	assert.Equal(t, s3controlfake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}, got)
}

func TestAccountBPAUsageErrors(t *testing.T) {
	sf := startAWS(t, nil)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"allow without apply", []string{"account-bpa", "-allow-blocking-public-buckets"}, "only applies with -apply"},
		{"bad concurrency", []string{"account-bpa", "-concurrency", "0"}, "-concurrency must be at least 1"},
		{"bad account", []string{"-endpoint", sf.URL, "account-bpa", "-account-id", "12345"}, "not a 12-digit account id"},
		{"extra argument", []string{"account-bpa", "extra"}, `unexpected argument "extra"`},
		{"unknown flag", []string{"account-bpa", "-nope"}, "flag provided but not defined"},
		{"bad endpoint", []string{"-endpoint", "ftp://x", "account-bpa"}, `-endpoint "ftp://x" is not an endpoint URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.stderr)
			assert.Empty(t, stdout)
		})
	}
}
