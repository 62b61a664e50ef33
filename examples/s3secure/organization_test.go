package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/orgfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

const orgTestRole = "S3SecureAudit"

// orgEnv builds an organization of n member accounts on the test AWS
// (each with a bucket and the audit role; the second one without the
// role, the third suspended) and returns the arguments that reach it.
func orgEnv(t *testing.T, n int, opts *localaws.Options) (*testAWS, []string) {
	t.Helper()
	a := startAWS(t, opts)
	org, err := a.AWS.CreateOrganization()
	require.NoError(t, err)
	for i := range n {
		id := "22220000" + strings.Repeat("0", 4-len(itoa(i+1))) + itoa(i+1)
		acct, err := a.AWS.AddAccount(id)
		require.NoError(t, err)
		require.NoError(t, org.AddAccount(orgfake.Account{ID: id, Name: "member-" + itoa(i+1)}))
		if i != 1 {
			require.NoError(t, acct.AddRole(orgTestRole, localaws.TrustPolicy(a.AWS.Owner().ID, "")))
		}
		require.NoError(t, a.AWS.S3().CreateBucketWith("bucket-"+id, &s3fake.BucketOptions{State: s3fake.StateLegacy, AccountID: id}))
	}
	if n >= 3 {
		require.NoError(t, org.SetState("222200000003", orgfake.StateSuspended))
	}
	return a, []string{"-endpoint", a.URL, "-region", "us-east-1"}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// orgRow is a line of audit -organization's JSON output (its fields and
// their order: TestREADMEJSONFields).
type orgRow = orgAuditRecord

func orgRows(t *testing.T, out string) []orgRow {
	t.Helper()
	var rows []orgRow
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r orgRow
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&r), l)
		rows = append(rows, r)
	}
	return rows
}

func TestAuditOrganization(t *testing.T) {
	_, args := orgEnv(t, 4, nil)
	code, out, errOut := runCLI(t, "", append(args, "audit", "-organization", "-role", orgTestRole, "-format", "json")...)
	assert.Equal(t, exitFindings, code, errOut)
	rows := orgRows(t, out)
	accounts := map[string]map[string]int{}
	for _, r := range rows {
		require.NotEmpty(t, r.AccountID, "every row carries its account")
		if accounts[r.AccountID] == nil {
			accounts[r.AccountID] = map[string]int{}
		}
		accounts[r.AccountID][r.Status]++
		if r.Resource == "bucket-222200000001" {
			assert.Equal(t, "222200000001", r.AccountID)
		}
	}
	assert.Len(t, accounts, 5, "the management account and four members")
	assert.Equal(t, map[string]int{"UNKNOWN": 1}, accounts["222200000002"], "the account without the role")
	assert.Equal(t, map[string]int{"NOT_APPLICABLE": 1}, accounts["222200000003"], "the suspended account")
	assert.Positive(t, accounts["222200000004"]["FAIL"])

	code, out, _ = runCLI(t, "", append(args, "audit", "-organization", "-role", orgTestRole)...)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, out, "account 222200000002 (member-2): UNREACHABLE: 0 PASS, 0 FAIL, 1 UNKNOWN, 0 NOT_APPLICABLE; could not assume role arn:aws:iam::222200000002:role/S3SecureAudit: STS AssumeRole: AccessDenied")
	assert.Contains(t, out, "account 222200000003 (member-3): SKIPPED")
	assert.True(t, strings.HasSuffix(out, "5 accounts: 3 audited, 1 unreachable, 1 skipped\n"), out)

	code, out, _ = runCLI(t, "", append(args, "audit", "-organization", "-role", orgTestRole, "-format", "ocsf")...)
	assert.Equal(t, exitFindings, code)
	var rec struct {
		Cloud struct {
			Account struct {
				UID string `json:"uid"`
			} `json:"account"`
		} `json:"cloud"`
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		require.NoError(t, json.Unmarshal([]byte(l), &rec))
		assert.Regexp(t, `^[0-9]{12}$`, rec.Cloud.Account.UID, "each OCSF record names its account")
	}
}

func TestAuditOrganizationUsage(t *testing.T) {
	_, args := orgEnv(t, 1, nil)
	code, out, errOut := runCLI(t, "", append(args, "audit", "-organization")...)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	assert.Contains(t, errOut, "-organization needs -role NAME")
	for _, bad := range [][]string{{"-shard", "3/3"}, {"-role", "arn:aws:iam::1:role/x"}, {"-bucket", "b"}, {"-external-id", "x"}} {
		code, _, errOut = runCLI(t, "", append(append(args, "audit", "-organization", "-role", orgTestRole), bad...)...)
		assert.Equal(t, exitUsage, code, bad)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
		assert.NotContains(t, errOut, "Options", "flags, not Go identifiers")
	}
}

// TestPrintRolePolicy: the printed policy passes policy.Validate, and
// needs no AWS.
func TestPrintRolePolicy(t *testing.T) {
	code, out, errOut := runCLI(t, "", "audit", "-print-role-policy")
	require.Equal(t, exitOK, code, errOut)
	for _, f := range policy.Validate([]byte(out), &policy.ValidateOptions{Kind: policy.KindInlineRole}) {
		assert.NotEqual(t, policy.SeverityError, f.Severity, "%+v", f)
		assert.NotEqual(t, policy.SeveritySecurityWarning, f.Severity, "%+v", f)
	}
	assert.Contains(t, out, `"s3:GetBucketPolicy"`)
	assert.Contains(t, out, `"account:ListRegions"`)
}

// TestAuditOrganizationShards: the shards' outputs concatenate to the
// whole organization's.
func TestAuditOrganizationShards(t *testing.T) {
	_, args := orgEnv(t, 9, nil)
	base := append(args, "audit", "-organization", "-role", orgTestRole, "-format", "json")
	_, whole, _ := runCLI(t, "", base...)
	seen := map[string]int{}
	var parts []orgRow
	for i := range 3 {
		_, out, errOut := runCLI(t, "", append(base, "-shard", itoa(i)+"/3")...)
		require.Empty(t, errOut)
		for _, r := range orgRows(t, out) {
			seen[r.AccountID+"/"+r.Resource+"/"+r.Control]++
			parts = append(parts, r)
		}
	}
	assert.ElementsMatch(t, orgRows(t, whole), parts)
	for k, n := range seen {
		assert.Equal(t, 1, n, k)
	}
}

// TestKeysOrganization: the access-key report of every account.
func TestKeysOrganization(t *testing.T) {
	a, args := orgEnv(t, 2, nil)
	member, _ := a.AWS.Account("222200000001")
	old := time.Now().Add(-200 * 24 * time.Hour)
	member.IAM.AddUser("alice", old, iamfake.Key{ID: "AKIAALICEOLDKEY00001", Created: old})
	code, out, errOut := runCLI(t, "", append(args, "keys", "-organization", "-role", orgTestRole, "-format", "json")...)
	assert.Equal(t, exitFindings, code, errOut)
	assert.Contains(t, out, `{"account_id":"222200000001","user":"alice"`)
	assert.Contains(t, out, `{"account_id":"222200000002","user":"-","key_id":"-","status":"unknown"`)
}

// TestCLIChild runs the command line given in S3SECURE_ORG_CHILD_ARGS as
// this process's main (for TestAuditOrganizationCrashResume); otherwise it
// does nothing.
func TestCLIChild(t *testing.T) {
	raw := os.Getenv("S3SECURE_ORG_CHILD_ARGS")
	if raw == "" {
		t.Skip("only as a child process")
	}
	var args []string
	require.NoError(t, json.Unmarshal([]byte(raw), &args))
	// This process's init cleared the AWS settings the parent test set.
	var env map[string]string
	require.NoError(t, json.Unmarshal([]byte(os.Getenv("S3SECURE_ORG_CHILD_ENV")), &env))
	for k, v := range env {
		t.Setenv(k, v)
	}
	os.Exit(run(context.Background(), args, strings.NewReader(""), os.Stdout, os.Stderr))
}

// TestAuditOrganizationCrashResume kills the tool (SIGKILL, no chance to
// clean up) in the middle of an organization audit with -checkpoint, then
// runs the same command again: it finishes, skipping the accounts the
// checkpoint recorded, and its output is that of an uninterrupted run.
func TestAuditOrganizationCrashResume(t *testing.T) {
	_, args := orgEnv(t, 8, &localaws.Options{Latency: 15 * time.Millisecond})
	t.Setenv(checkpointKeyEnv, testCheckpointKey) // the child inherits it
	cp := filepath.Join(t.TempDir(), "audit.checkpoint")
	cmdline := append(args, "audit", "-organization", "-role", orgTestRole, "-format", "json", "-concurrency", "1", "-checkpoint", cp)
	b, _ := json.Marshal(cmdline)
	child := exec.Command(os.Args[0], "-test.run=^TestCLIChild$")
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			env[k] = v
		}
	}
	eb, _ := json.Marshal(env)
	child.Env = append(os.Environ(), "S3SECURE_ORG_CHILD_ARGS="+string(b), "S3SECURE_ORG_CHILD_ENV="+string(eb))
	var childOut, childErr bytes.Buffer
	child.Stdout, child.Stderr = &childOut, &childErr
	require.NoError(t, child.Start())
	killed := false
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if data, _ := os.ReadFile(cp); bytes.Count(data, []byte("\n")) >= 4 { // header and three accounts
			require.NoError(t, child.Process.Signal(syscall.SIGKILL))
			killed = true
			break
		}
	}
	err := child.Wait()
	require.True(t, killed, "the checkpoint never recorded three accounts: %v: %s", err, childErr.String())
	data, err := os.ReadFile(cp)
	require.NoError(t, err)
	recorded := bytes.Count(data, []byte("\n")) - 1
	require.Less(t, recorded, 9, "killed before the end")

	code, resumed, errOut := runCLI(t, "", cmdline...)
	assert.Equal(t, exitFindings, code, errOut)
	_, clean, _ := runCLI(t, "", append(args, "audit", "-organization", "-role", orgTestRole, "-format", "json")...)
	assert.Equal(t, clean, resumed, "the resumed run prints what an uninterrupted run prints")
	code, text, _ := runCLI(t, "", append(cmdline[:len(cmdline)-6:len(cmdline)-6], "-checkpoint", cp)...)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, text, "9 accounts: 7 audited, 1 unreachable, 1 skipped (9 from checkpoint",
		"the checkpoint holds the rows, so any format is printed from it without auditing again")
}

// cancelOnWrite cancels a context at the first write (Ctrl-C once the
// first account is printed).
type cancelOnWrite struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	c.cancel()
	return c.Buffer.Write(p)
}

// TestAuditOrganizationInterrupt: Ctrl-C stops the run cleanly, with one
// line on stderr that says how to resume.
func TestAuditOrganizationInterrupt(t *testing.T) {
	_, args := orgEnv(t, 6, nil)
	t.Setenv(checkpointKeyEnv, testCheckpointKey)
	cp := filepath.Join(t.TempDir(), "audit.checkpoint")
	for _, tc := range []struct{ extra, want []string }{
		{nil, []string{"interrupted after", "give -checkpoint FILE to make a run resumable"}},
		{[]string{"-checkpoint", cp}, []string{"interrupted after", "finished accounts are recorded in " + cp + ": run the same command again to resume, within 24h of the first one's finishing (-checkpoint-max-age: a checkpoint holding an older result is refused)"}},
	} {
		ctx, cancel := context.WithCancel(t.Context())
		out := &cancelOnWrite{cancel: cancel}
		var errb bytes.Buffer
		code := run(ctx, append(append(args, "audit", "-organization", "-role", orgTestRole, "-format", "json", "-concurrency", "1"), tc.extra...),
			strings.NewReader(""), out, &errb)
		assert.Equal(t, exitUsage, code)
		assert.Equal(t, 1, strings.Count(errb.String(), "\n"), errb.String())
		for _, w := range tc.want {
			assert.Contains(t, errb.String(), w)
		}
	}
	code, _, errOut := runCLI(t, "", append(args, "audit", "-organization", "-role", orgTestRole, "-checkpoint", cp)...)
	assert.Equal(t, exitFindings, code, errOut)
}
