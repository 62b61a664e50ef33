package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

func TestSuggestUsageErrors(t *testing.T) {
	expectNoAWS(t)
	policyFile := filepath.Join(t.TempDir(), "p.json")
	require.NoError(t, os.WriteFile(policyFile, []byte(`{"Version":"2012-10-17","Statement":[]}`), 0o600))
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"suggest", "-server-logs", "x"}, "give -bucket B"},
		{[]string{"suggest", "-bucket", "b"}, "-server-logs LOC or -cloudtrail LOC"},
		{[]string{"suggest", "-bucket", "b", "-server-logs", "x", "-since", "ninety"}, `-since "ninety"`},
		{[]string{"suggest", "-bucket", "b", "-server-logs", "x", "-since", "0d"}, `-since "0d"`},
		{[]string{"suggest", "-bucket", "b", "-server-logs", "x", "-max-resources", "0"}, "-max-resources must be between 1 and 1000"},
		{[]string{"suggest", "-bucket", "b", "-server-logs", "x", "-identity-policy", policyFile}, "give ARN=FILE"},
		{[]string{"suggest", "-bucket", "b", "-server-logs", "x", "-identity-policy", "arn:aws:iam::111122223333:role/r=/no/such/file"}, "no such file"},
		{[]string{"suggest", "-bucket", "b", "-server-logs", "x", "extra"}, `unexpected argument "extra"`},
	} {
		code, _, stderr := runCLI(t, "", tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.msg, tc.args)
	}
}

// TestSuggestCommand: Harden turns on logging through the one endpoint,
// several principals use the bucket, the fake delivers its logs, and
// suggest reads them from s3://, in JSON and in text.
func TestSuggestCommand(t *testing.T) {
	a := startAWS(t, nil)
	ctx := t.Context()
	c := a.OwnerClient()
	for _, b := range []string{"cli-data", "cli-logs"} {
		require.NoError(t, a.CreateBucket(b, s3fake.StateAWSDefault))
	}
	_, err := securebucket.Harden(ctx, c, "cli-data", &securebucket.Options{ExpectedBucketOwner: a.AccountID(),
		Logging: &securebucket.Logging{TargetBucket: "cli-logs", TargetPrefix: "cli-data/"}})
	require.NoError(t, err)
	etl := a.Client(a.AddRole("", "etl", "run-1"))
	for _, k := range []string{"in/a.csv", "in/b.csv"} {
		_, err := etl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cli-data"), Key: aws.String(k), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	_, err = a.AnonymousClient().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("cli-data"), Key: aws.String("in/a.csv")})
	require.Error(t, err)
	require.NoError(t, a.FlushAccessLogs())

	base := []string{"-endpoint", a.URL, "suggest", "-bucket", "cli-data", "-server-logs", "s3://cli-logs/cli-data/"}
	code, stdout, stderr := runCLI(t, "", append([]string{"-format", "json"}, base...)...)
	require.Equal(t, exitOK, code, stderr)
	kinds := map[string]int{}
	var bucketPolicy string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r suggestRecord
		require.NoError(t, json.Unmarshal([]byte(l), &r), l)
		kinds[r.Kind]++
		if r.Kind == "bucket-policy" {
			bucketPolicy = r.Policy
		}
		if r.Kind == "used" && r.Principal == "arn:aws:iam::"+a.AccountID()+":role/etl" {
			assert.Equal(t, "s3:PutObject", r.Action)
			assert.Equal(t, []string{"arn:aws:s3:::cli-data/in/a.csv", "arn:aws:s3:::cli-data/in/b.csv"}, r.Resources)
			assert.Equal(t, 2, r.Requests)
		}
		if r.Kind == "proof" {
			assert.Contains(t, r.Detail, "nothing breaks")
		}
		if r.Kind == "unresolved-role" {
			assert.Equal(t, "arn:aws:iam::"+a.AccountID()+":role/etl", r.Principal)
			assert.Contains(t, r.Detail, "read CloudTrail, whose sessionIssuer names the role with its path")
		}
	}
	assert.Equal(t, 1, kinds["unresolved-role"], "the role's path is unknown without -iam: %s", stdout)
	assert.Equal(t, 1, kinds["denied"], stdout)
	assert.Equal(t, 1, kinds["bucket-policy"])
	assert.Equal(t, 1, kinds["identity-policy"])
	assert.Equal(t, 1, kinds["proof"])
	assert.Positive(t, kinds["withheld"], "Harden's own requests, by the owner's root user")
	assert.Contains(t, bucketPolicy, `"Resource":["arn:aws:s3:::cli-data/in/a.csv","arn:aws:s3:::cli-data/in/b.csv"]`)

	// -iam reads the role's policies through the one endpoint's IAM.
	a.IAM.PutRolePolicy("etl", "wide", `{"Version":"2012-10-17","Statement":[{"Sid":"Wide","Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::cli-data/*"}]}`)
	code, stdout, stderr = runCLI(t, "", append([]string{"-format", "json"}, append(base, "-iam")...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stdout, "unresolved-role", "-iam asks GetRole for the role's ARN")
	assert.Contains(t, stdout, `{"kind":"unused","principal":"arn:aws:iam::`+a.AccountID()+`:role/etl","action":"s3:DeleteObject","resources":[],"prefixes":[],"requests":0,"detail":"identity policy 0 of arn:aws:iam::`+a.AccountID()+`:role/etl, statement 0 (Wide)","policy":""}`)

	code, stdout, stderr = runCLI(t, "", append(base, "-max-resources", "1")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "proposed bucket policy:")
	assert.Contains(t, stdout, `"arn:aws:s3:::cli-data/in/*"`, "two keys merged to stay under -max-resources 1")
	assert.Contains(t, stdout, "give -iam (iam:GetRole) or read CloudTrail", "the text names Input.IAM by its flag")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	assert.Regexp(t, `^bucket cli-data, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: \d+ lines read \(0 malformed\) from 1 log object; \d+ requests used by 2 principals, 1 denied, \d+ withheld; 0 unused grants in force, \d+ added; \d+ requests replayed: .*; nothing breaks$`, lines[len(lines)-1])

	// Local log files, and the opt-in's flag named in the text.
	dir := t.TempDir()
	log := s3fake.CanonicalUserID(a.AccountID()) + ` cli-data [06/Feb/2024:00:00:38 +0000] 192.0.2.3 - R1 REST.GET.OBJECT k "GET /cli-data/k HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - H SigV4 C AuthHeader h TLSv1.3 - -` + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "log1"), []byte(log), 0o600))
	code, stdout, _ = runCLI(t, "", "-endpoint", a.URL, "suggest", "-bucket", "cli-data", "-server-logs", dir, "-since", "5000d")
	assert.Equal(t, exitFindings, code, "an anonymous read is withheld, so the proof breaks")
	assert.Contains(t, stdout, "-allow-public", "options are named by their flags")
	assert.NotContains(t, stdout, "AllowPublic")
	code, _, stderr = runCLI(t, "", "-endpoint", a.URL, "suggest", "-bucket", "cli-data", "-server-logs", dir, "-since", "5000d", "-allow-public")
	assert.Equal(t, exitFindings, code, "a public grant is a SECURITY_WARNING: %s", stderr)
}

func TestSuggestLocal(t *testing.T) {
	expectNoAWS(t)
	dir := t.TempDir()
	log := `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be local-data [06/Feb/2024:00:00:38 +0000] 192.0.2.3 arn:aws:iam::111122223333:user/alice R1 REST.GET.OBJECT k "GET /local-data/k HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - H SigV4 C AuthHeader h TLSv1.3 - -` + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "log1"), []byte(log), 0o600))
	code, stdout, stderr := runCLI(t, "", "-local", "suggest", "-bucket", "local-data", "-server-logs", dir, "-since", "5000d", "-account-id", "111122223333")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "arn:aws:iam::111122223333:user/alice")
	assert.Contains(t, stdout, "nothing breaks")
}

// A request that may have succeeded unproved fails the run, though nothing
// replayed breaks: a line that cannot be read, or an operation no table
// knows (the proposal grants nothing for it).
func TestSuggestLocalUnprovedExitsOne(t *testing.T) {
	expectNoAWS(t)
	line := `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be local-data [06/Feb/2024:00:00:38 +0000] 192.0.2.3 arn:aws:iam::111122223333:user/alice R1 OP k "GET /local-data/k HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - H SigV4 C AuthHeader h TLSv1.3 - -` + "\n"
	good := strings.Replace(line, "OP", "REST.GET.OBJECT", 1)
	for _, tc := range []struct{ log, want string }{
		{good + "not a log line\n", "1 malformed line not read (each may be a request that succeeded); nothing replayed breaks, but the proof does not hold"},
		{good + strings.Replace(line, "OP", "REST.GET.SOMETHING_NEW", 1), "1 that succeeded not replayed (an operation no table knows, or an access point's request of no known bucket); nothing replayed breaks, but the proof does not hold"},
	} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "log1"), []byte(tc.log), 0o600))
		code, stdout, stderr := runCLI(t, "", "-local", "suggest", "-bucket", "local-data", "-server-logs", dir, "-since", "5000d", "-account-id", "111122223333")
		assert.Equal(t, exitFindings, code, stderr)
		assert.Contains(t, stdout, tc.want)
	}
}

// A proposal that drops a condition under which alone the policies in
// force allow a use widens access (alice may read from the office's
// addresses only; the proposal lets her read from anywhere): the gate
// fails, exit 1, and the summary says how many grants widen. Before, it
// exited 0 with "1 added; … nothing breaks".
func TestSuggestWideningExitsOne(t *testing.T) {
	expectNoAWS(t)
	dir := t.TempDir()
	log := `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be local-data [06/Feb/2024:00:00:38 +0000] 192.0.2.3 arn:aws:iam::111122223333:user/alice R1 REST.GET.OBJECT k "GET /local-data/k HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - H SigV4 C AuthHeader h TLSv1.3 - -` + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "log1"), []byte(log), 0o600))
	for _, tc := range []struct {
		condition string
		code      int
		summary   string
	}{
		{`,"Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, exitFindings, "1 added (1 widen access in force: a condition dropped)"},
		{``, exitOK, "0 unused grants in force, 0 added;"},
	} {
		pol := filepath.Join(t.TempDir(), "alice.json")
		require.NoError(t, os.WriteFile(pol, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::local-data/*"`+tc.condition+`}]}`), 0o600))
		args := []string{"-local", "suggest", "-bucket", "local-data", "-server-logs", dir, "-since", "5000d", "-account-id", "111122223333",
			"-identity-policy", "arn:aws:iam::111122223333:user/alice=" + pol}
		code, stdout, stderr := runCLI(t, "", args...)
		assert.Equal(t, tc.code, code, "%s\n%s", stdout, stderr)
		assert.Contains(t, stdout, tc.summary)
		assert.Contains(t, stdout, "nothing breaks", "the proof holds either way")
		if tc.condition != "" {
			code, stdout, _ = runCLI(t, "", append([]string{"-format", "json"}, args...)...)
			assert.Equal(t, exitFindings, code)
			assert.Contains(t, stdout, `"kind":"added"`)
			assert.Contains(t, stdout, "aws:SourceIp")
		}
	}
}
