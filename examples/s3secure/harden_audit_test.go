package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// jsonRows parses JSON lines into maps of field to value: a string as
// itself, anything else as its JSON text ("true", "[]", "3").
func jsonRows(t *testing.T, out string) []map[string]string {
	t.Helper()
	var rows []map[string]string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var raw map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(l), &raw), l)
		m := map[string]string{}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				m[k] = s
			} else {
				m[k] = string(v)
			}
		}
		rows = append(rows, m)
	}
	return rows
}

// controlRows returns the JSON rows of out for control.
func controlRows(t *testing.T, out, control string) []map[string]string {
	t.Helper()
	var rows []map[string]string
	for _, r := range jsonRows(t, out) {
		if r["control"] == control {
			rows = append(rows, r)
		}
	}
	return rows
}

func TestHardenLocal(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "harden", "-bucket", "demo-bucket")
	require.Equal(t, exitOK, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 6, stdout)
	for _, r := range rows {
		assert.Equal(t, "demo-bucket", r["bucket"])
		assert.Equal(t, "create", r["action"], r["step"])
		assert.NotEmpty(t, r["detail"])
	}
	assert.Equal(t, "public-access-block", rows[0]["step"], "protection first")
	assert.Equal(t, "bucket-policy", rows[5]["step"])

	code, stdout, stderr = runCLI(t, "", "-local", "harden", "-bucket", "demo-bucket", "-dry-run")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "BUCKET")
	assert.Contains(t, stdout, "bucket-policy")
}

func TestHardenThenAuditEndpoint(t *testing.T) {
	f := s3fake.Start(t, nil)
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("cli-legacy", s3fake.StateLegacy))
	require.NoError(t, f.CreateBucket("cli-new", s3fake.StateAWSDefault))
	base := []string{"-endpoint", f.URL, "-region", "us-east-1", "-format", "json"}

	code, stdout, stderr := runCLI(t, "", append(base, "audit", "-all")...)
	assert.Equal(t, exitFindings, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 24, stdout) // 12 default controls × 2 buckets
	fails := 0
	for _, r := range rows {
		assert.Contains(t, []string{"cli-legacy", "cli-new"}, r["bucket"])
		assert.Contains(t, []string{"PASS", "FAIL", "NOT_APPLICABLE"}, r["status"])
		if r["status"] == "FAIL" {
			fails++
		}
	}
	assert.Positive(t, fails)

	for _, b := range []string{"cli-legacy", "cli-new"} {
		code, stdout, stderr = runCLI(t, "", append(base, "harden", "-bucket", b, "-account-id", s3fake.DefaultAccountID)...)
		require.Equal(t, exitOK, code, stderr)
		assert.NotEmpty(t, jsonRows(t, stdout))
	}
	f.ResetCounts()
	code, stdout, stderr = runCLI(t, "", append(base, "harden", "-bucket", "cli-legacy")...)
	require.Equal(t, exitOK, code, stderr)
	for _, r := range jsonRows(t, stdout) {
		assert.Equal(t, "none", r["action"], r["step"])
	}
	assert.Zero(t, f.WriteCount())

	code, stdout, stderr = runCLI(t, "", append(base, "audit", "-all")...)
	assert.Equal(t, exitOK, code, stderr+stdout)
	for _, r := range jsonRows(t, stdout) {
		assert.Equal(t, "PASS", r["status"], "%s %s: %s", r["bucket"], r["control"], r["message"])
	}
	code, stdout, _ = runCLI(t, "", append(base, "audit", "-bucket", "cli-new", "-controls", "all")...)
	assert.Equal(t, exitFindings, code, "optional controls (logging, Object Lock, KMS) fail")
	assert.Contains(t, stdout, `"control":"S3.17"`)
}

func TestHardenRefusesACLGrants(t *testing.T) {
	f := s3fake.Start(t, nil)
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("cli-shared", s3fake.StateLegacy))
	_, err := f.OwnerClient().PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String("cli-shared"), GrantRead: aws.String(`uri="http://acs.amazonaws.com/groups/global/AllUsers"`)})
	require.NoError(t, err)
	base := []string{"-endpoint", f.URL, "-region", "us-east-1"}
	code, _, stderr := runCLI(t, "", append(base, "harden", "-bucket", "cli-shared")...)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stderr, "READ to http://acs.amazonaws.com/groups/global/AllUsers")
	code, _, stderr = runCLI(t, "", append(base, "harden", "-bucket", "cli-shared", "-remove-acl-grants")...)
	assert.Equal(t, exitOK, code, stderr)
}

// TestHardenRefusesSidConflict: someone else's statement under one of
// s3secure's Sids (a lockdown sparing one account) stops harden, and its
// -dry-run, with the library's *SidConflictError as one line on stderr
// (the policy, the Sid, why, and what to do) and exit 1, as the other
// states harden will not change (ACL grants, ErrIncompatible); nothing is
// written. Renamed, the statement is kept and harden adds its own.
func TestHardenRefusesSidConflict(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{Authorize: s3fake.OwnerOnlyAuthorize})
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("cli-sid", s3fake.StateLegacy))
	lockdown := `{"Version":"2012-10-17","Statement":[{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":["arn:aws:s3:::cli-sid","arn:aws:s3:::cli-sid/*"],"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`
	_, err := f.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("cli-sid"), Policy: aws.String(lockdown)})
	require.NoError(t, err)
	base := []string{"-endpoint", f.URL, "-region", "us-east-1"}
	f.ResetCounts()
	for _, args := range [][]string{{"harden", "-bucket", "cli-sid", "-dry-run"}, {"harden", "-bucket", "cli-sid"}} {
		code, _, stderr := runCLI(t, "", append(base, args...)...)
		assert.Equal(t, exitFindings, code, stderr)
		assert.Equal(t, `s3secure: securebucket: bucket cli-sid: step bucket-policy: bucket policy of cli-sid: statement "S3SecureDenyInsecureTransport" is not s3secure's `+
			`(it has a condition on aws:PrincipalAccount, which s3secure's does not), and replacing it with s3secure's would drop it, so the policy was not written: `+
			"give that statement another Sid, then run again\n", stderr, args)
	}
	assert.Zero(t, f.WriteCount(), "nothing written")
	cfg, _ := f.Bucket("cli-sid")
	assert.Equal(t, lockdown, cfg.Policy)

	renamed := strings.Replace(lockdown, "S3SecureDenyInsecureTransport", "Lockdown", 1)
	_, err = f.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("cli-sid"), Policy: aws.String(renamed)})
	require.NoError(t, err)
	code, _, stderr := runCLI(t, "", append(base, "harden", "-bucket", "cli-sid")...)
	assert.Equal(t, exitOK, code, stderr)
	cfg, _ = f.Bucket("cli-sid")
	assert.Contains(t, cfg.Policy, `"Sid":"Lockdown"`)
}

func TestAuditLocalAccount(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "audit", "-bucket", "acct-demo", "-account-controls")
	assert.Equal(t, exitFindings, code, stderr)
	rows := jsonRows(t, stdout)
	controls := map[string]string{}
	for _, r := range rows {
		controls[r["control"]] = r["status"]
	}
	assert.Equal(t, "FAIL", controls["S3.1"], "the embedded account has no account-level Block Public Access")
	assert.Equal(t, "FAIL", controls["S3.8"])
	assert.Contains(t, controls, "S3.22")
}

func TestHardenAuditUsageErrors(t *testing.T) {
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"harden"}, "-bucket is required"},
		{[]string{"harden", "-bucket", "b", "extra"}, `unexpected argument "extra"`},
		{[]string{"harden", "-bucket", "b", "-create", "-dry-run"}, "cannot be used together"},
		{[]string{"audit"}, "give -bucket B or -all"},
		{[]string{"audit", "-bucket", "b", "-all"}, "give -bucket B or -all"},
		{[]string{"-local", "harden", "-bucket", "demo-bucket", "-kms-key", "alias/x"}, `invalid options: -kms-key "alias/x" is not a KMS key or alias ARN`},
		{[]string{"-local", "audit", "-bucket", "demo-bucket", "-controls", "S3.99"}, `unknown control "S3.99" (did you mean S3.9?); the bucket controls are S3.2, S3.3,`},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, "", tt.args...)
		assert.Equal(t, exitUsage, code, tt.args)
		assert.Contains(t, stderr, tt.stderr, tt.args)
	}
}

// TestOutputNamesFlags: what the library says about its options reaches
// the user as the flags that set them, in errors and in step notes.
func TestOutputNamesFlags(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("flags-public", s3fake.StateLegacy))
	_, err := a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("flags-public"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::flags-public/*"}]}`)})
	require.NoError(t, err)
	for _, format := range []string{"text", "json"} {
		_, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "-format", format, "harden", "-bucket", "flags-public", "-dry-run")
		out := stdout + stderr
		assert.Contains(t, out, "-remove-public-statements", format)
		assert.NotContains(t, out, "AllowPublicStatementRemoval", format)
		assert.NotContains(t, out, "Options.", format)
	}
	_, _, stderr := runCLI(t, "", "-endpoint", a.URL, "harden", "-bucket", "flags-public", "-kms-key", "alias/x")
	assert.Contains(t, stderr, `-kms-key "alias/x" is not a KMS key or alias ARN`)
	assert.NotContains(t, stderr, "KMSKeyARN")
}

// TestHardenOutsideAWSPartition: in the European Sovereign Cloud (and
// every partition but aws) harden writes its statements on the bucket's
// ARN in that partition, arn:aws-eusc:s3:::bucket, and audit then passes
// them. The partition came from a list of Region prefixes that did not
// know eusc-, so the statements named arn:aws: and S3 refused them.
func TestHardenOutsideAWSPartition(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{Region: "eusc-de-east-1"})
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("sovereign", s3fake.StateAWSDefault))
	base := []string{"-endpoint", f.URL, "-region", "eusc-de-east-1", "-format", "json"}
	code, stdout, stderr := runCLI(t, "", append(base, "harden", "-bucket", "sovereign")...)
	require.Equal(t, exitOK, code, stdout+stderr)
	out, err := f.OwnerClient().GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("sovereign")})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(out.Policy), `"arn:aws-eusc:s3:::sovereign/*"`)
	assert.NotContains(t, aws.ToString(out.Policy), "arn:aws:")
	code, stdout, stderr = runCLI(t, "", append(base, "audit", "-bucket", "sovereign")...)
	require.Contains(t, []int{exitOK, exitFindings}, code, stderr)
	seen := 0
	for _, r := range jsonRows(t, stdout) {
		if r["control"] == "S3.5" || r["control"] == "S3Secure.DenyOutdatedTLS" {
			seen++
			assert.Equal(t, "PASS", r["status"], r["message"])
		}
	}
	assert.Equal(t, 2, seen, stdout)
}
