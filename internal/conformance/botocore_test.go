package conformance_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestBotocoreInterop drives the fake with boto3, whose SigV4 signer and
// serializers are independent of aws-sdk-go-v2: an "ordinary S3 client" as
// the serve command promises. It skips when python3 with boto3 is absent
// (moto depends on boto3, so wherever moto runs, this runs).
func TestBotocoreInterop(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	if exec.Command(py, "-c", "import boto3").Run() != nil {
		t.Skip("boto3 not installed")
	}
	f := s3fake.Start(t, nil) // HTTPS: botocore trusts the test certificate through AWS_CA_BUNDLE
	owner := f.OwnerCredential()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.HTTPServer.Certificate().Raw}), 0o600))
	cmd := exec.CommandContext(t.Context(), py, "testdata/botocore_client.py", f.URL, owner.AccessKeyID, owner.SecretAccessKey)
	cmd.Env = fakeutil.ProcessEnv("AWS_CA_BUNDLE=" + caFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())

	type result struct {
		Step  string `json:"step"`
		OK    bool   `json:"ok"`
		Value any    `json:"value"`
		Code  string `json:"code"`
	}
	got := map[string]result{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r result
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		got[r.Step] = r
	}
	ok := func(step string) any {
		t.Helper()
		r, found := got[step]
		require.True(t, found, "step %s missing: %s", step, out)
		require.True(t, r.OK, "step %s failed with %s", step, r.Code)
		return r.Value
	}
	assert.EqualValues(t, 200, ok("create"))
	assert.EqualValues(t, 200, ok("put"))
	ok("upload_fileobj")
	assert.Equal(t, "hello boto", ok("get"))
	assert.EqualValues(t, 100000, ok("get_big_len"))
	assert.Equal(t, map[string]any{"note": "a  b"}, ok("head_meta"))
	assert.Equal(t, true, ok("pab"))
	assert.Equal(t, result{Step: "put_acl", Code: "AccessControlListNotSupported"}, got["put_acl"])
	assert.Equal(t, "hello boto", ok("presigned_get"))
	assert.Equal(t, "HTTP 403 SignatureDoesNotMatch", ok("presigned_tampered"))
	assert.Equal(t, result{Step: "wrong_secret", Code: "SignatureDoesNotMatch"}, got["wrong_secret"])
}
