package usage_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/usage"
)

// TestProofAgreesWithIAMSimulate decides the requests the proof replays,
// and their near misses, against the proposed bucket policy with
// policy.Authorize (the proof's evaluator) and with an independent one,
// @cloud-copilot/iam-simulate (policy/testdata/oracle, installed by
// .ci/run): a role's session against a grant to the role (its path from
// CloudTrail's sessionIssuer), keys merged into a prefix, a key with IAM's
// wildcard characters escaped, and listings under s3:prefix. Without node or
// the package it skips, except in CI.
func TestProofAgreesWithIAMSimulate(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "policy", "testdata", "oracle"))
	require.NoError(t, err)
	node, err := exec.LookPath("node")
	_, statErr := os.Stat(filepath.Join(dir, "node_modules", "@cloud-copilot", "iam-simulate", "package.json"))
	if err != nil || statErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node or @cloud-copilot/iam-simulate is missing in CI (.ci/run installs it in %s)", dir)
		}
		t.Skipf("node or @cloud-copilot/iam-simulate is missing (npm ci in %s)", dir)
	}

	at := now.Add(-time.Hour)
	var es []entry
	for m := 1; m <= 3; m++ {
		for d := 1; d <= 4; d++ {
			k := fmt.Sprintf("data/2024/%02d/%02d.parquet", m, d)
			es = append(es, entry{at, "", etlSession1, "REST.GET.OBJECT", k, "GET /data-bucket/" + k + " HTTP/1.1", 200})
		}
	}
	es = append(es,
		entry{at, "", alice, "REST.GET.OBJECT", "odd/a%2Ab%3F%24c", "GET /data-bucket/odd/a%2Ab%3F%24c HTTP/1.1", 200},
		entry{at, "", alice, "REST.GET.BUCKET", "", "GET /data-bucket?list-type=2&prefix=reports%2F2024%2F HTTP/1.1", 200})
	ct := `{"Records":[{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROA:s","arn":"arn:aws:sts::111122223333:assumed-role/loader/s",
	 "accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/jobs/loader","accountId":"111122223333","userName":"loader"}}},
	 "eventTime":"` + at.Format(time.RFC3339) + `","eventSource":"s3.amazonaws.com","eventName":"PutObject","requestParameters":{"bucketName":"data-bucket","key":"in/x.csv"},
	 "tlsDetails":{"tlsVersion":"TLSv1.3"},"requestID":"R"}]}`
	rep := suggest(t, logOf(es...), usage.Input{CloudTrail: []usage.Source{stringSource("trail.json", ct)}}, &usage.Options{MaxResources: 2})
	require.True(t, rep.Proved(), "%+v", rep.Replay)
	doc, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	compiled, err := policy.Compile(rep.BucketPolicy)
	require.NoError(t, err)

	type probe struct {
		principal, roleARN, action, key string
		prefix                          *string
		want                            bool // what the proof needs, or must refuse
		// simWrong is the documentation that decides against the
		// simulator where it disagrees.
		simWrong string
	}
	// The simulator denies a key matched by a pattern that has both ${*}
	// and ${$} ("a${*}${$}c" against "a*$c"; each alone, it matches).
	const literalDollar = `IAM user guide, "IAM policy elements: Variables and tags", special characters: the predefined policy variables ${*}, ${?} and ${$} are used "where you need" a literal *, ? or $ "character", so odd/a${*}b${?}${$}c names the key odd/a*b?$c and nothing else`
	str := func(s string) *string { return &s }
	probes := []probe{
		{etlSession1, etlRole, "s3:GetObject", "data/2024/02/03.parquet", nil, true, ""},
		{etlSession2, etlRole, "s3:GetObject", "data/2024/09/new.parquet", nil, true, ""}, // under the merged prefix
		{etlSession1, etlRole, "s3:GetObject", "data/2023/01/01.parquet", nil, false, ""},
		{etlSession1, etlRole, "s3:PutObject", "data/2024/02/03.parquet", nil, false, ""},
		{alice, "", "s3:GetObject", "odd/a*b?$c", nil, true, literalDollar},
		{alice, "", "s3:GetObject", "odd/aXbY$c", nil, false, ""},
		{alice, "", "s3:ListBucket", "", str("reports/2024/"), true, ""},
		{alice, "", "s3:ListBucket", "", str("reports/"), false, ""},
		{alice, "", "s3:ListBucket", "", nil, false, ""},
		{"arn:aws:sts::111122223333:assumed-role/loader/s2", "arn:aws:iam::111122223333:role/jobs/loader", "s3:PutObject", "in/x.csv", nil, true, ""},
		{"arn:aws:sts::111122223333:assumed-role/loader/s2", "arn:aws:iam::111122223333:role/jobs/loader", "s3:PutObject", "in/y.csv", nil, false, ""},
		{bob, "", "s3:GetObject", "data/2024/02/03.parquet", nil, false, ""},
	}
	var lines []string
	var ours []bool
	for _, p := range probes {
		resource := "arn:aws:s3:::data-bucket"
		if p.key != "" {
			resource += "/" + p.key
		}
		pArn := p.principal
		if p.roleARN != "" {
			pArn = p.roleARN
		}
		ctx := map[string]any{"aws:PrincipalArn": pArn, "aws:PrincipalAccount": owner, "aws:PrincipalIsAWSService": "false", "aws:SecureTransport": "true"}
		req := &policy.AccessRequest{BucketOwner: owner}
		req.Caller, req.Action, req.Resource = policy.Caller{ARN: p.principal, Account: owner}, p.action, resource
		req.Context.SetBool("aws:SecureTransport", true)
		if p.roleARN != "" {
			req.Context.Set("aws:PrincipalArn", p.roleARN)
		}
		if p.prefix != nil {
			ctx["s3:prefix"] = *p.prefix
			req.Context.Set("s3:prefix", *p.prefix)
		}
		az := policy.Authorize(req, &policy.Chain{Bucket: compiled})
		ours = append(ours, az.Allowed())
		assert.Equal(t, p.want, az.Allowed(), "ours: %+v: %s", p, az)
		sim, err := json.Marshal(map[string]any{
			"request": map[string]any{"principal": p.principal, "action": p.action,
				"resource": map[string]string{"resource": resource, "accountId": owner}, "contextVariables": ctx},
			"identityPolicies": []any{}, "serviceControlPolicies": []any{}, "resourceControlPolicies": []any{}, "resourcePolicy": json.RawMessage(doc),
		})
		require.NoError(t, err)
		lines = append(lines, string(sim))
	}

	cmd := exec.CommandContext(t.Context(), node, "driver.mjs")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + filepath.Dir(node), "HOME=" + t.TempDir(), "NODE_OPTIONS=", "NO_COLOR=1", "LANG=C"}
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	i := 0
	for sc.Scan() {
		var a struct {
			Result string `json:"result"`
			Error  string `json:"error"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a))
		require.Empty(t, a.Error, "probe %d: %+v", i, probes[i])
		if probes[i].simWrong != "" {
			assert.NotEqual(t, ours[i], a.Result == "Allowed", "probe %d: the simulator now agrees: drop the note", i)
		} else {
			assert.Equal(t, ours[i], a.Result == "Allowed", "probe %d %+v: the simulator says %s", i, probes[i], a.Result)
		}
		i++
	}
	assert.Equal(t, len(probes), i)
}
