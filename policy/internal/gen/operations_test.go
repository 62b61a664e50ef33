package gen_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy/internal/gen"
)

// dataWithSupplement copies ./data to a temporary directory with the
// operations supplement changed by edit.
func dataWithSupplement(t *testing.T, edit func(string) string) string {
	t.Helper()
	return dataWithFile(t, "operations-supplement.tsv", edit)
}

// dataWithFile copies ./data to a temporary directory with the file name
// changed by edit.
func dataWithFile(t *testing.T, name string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir("data")
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("data", e.Name()))
		require.NoError(t, err)
		if e.Name() == name {
			changed := edit(string(b))
			require.NotEqual(t, string(b), changed, "the edit changes %s", name)
			b = []byte(changed)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
	}
	return dir
}

// dropRow removes the supplement's row for an operation of a service.
func dropRow(name, service string) func(string) string {
	return func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, name+"\t"+service+"\t") {
				out = append(out, l)
			}
		}
		return strings.Join(out, "\n")
	}
}

func addRow(row string) func(string) string {
	return func(s string) string { return s + row + "\n" }
}

const src = "\thttps://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations.html"

// TestOperationsSupplementFailsOnUnknowns: the generation fails, naming the
// cause, when the service reference lists an operation without actions or
// once for both SDK services and the supplement does not cover it, and when
// a supplement row names an operation the reference does not list for its
// service, an s3: action the catalog does not know, or is malformed.
func TestOperationsSupplementFailsOnUnknowns(t *testing.T) {
	_, err := gen.Generate("data")
	require.NoError(t, err, "the repository's data generates")

	tests := []struct {
		name string
		edit func(string) string
		want string
	}{
		{"operation without actions", dropRow("GetBucketLifecycleConfiguration", "s3"), "GetBucketLifecycleConfiguration (s3): the service reference lists no action"},
		{"operation of both services", dropRow("GetPublicAccessBlock", "s3control"), "GetPublicAccessBlock (s3control): the service reference lists one set of actions for the s3 and s3control operations"},
		{"unknown s3 action", addRow("GetObject\ts3\ts3:GetObjekt" + src), "action s3:GetObjekt is not in the catalog"},
		{"operation not in the reference", addRow("GetObjectMagic\ts3\ts3:GetObject" + src), "operation GetObjectMagic (s3) is not in the service reference"},
		{"operation of the other service", addRow("ListAccessPoints\ts3\ts3:ListAccessPoints" + src), "operation ListAccessPoints (s3) is not in the service reference"},
		{"unknown service", addRow("GetObject\ts3express\ts3:GetObject" + src), `service "s3express"`},
		{"listed twice", addRow("GetBucketAbac\ts3\ts3:GetBucketAbac" + src), "GetBucketAbac (s3) listed twice"},
		{"wildcard action", addRow("GetObject\ts3\ts3:Get*" + src), `action "s3:Get*" is not service:Name`},
		{"source not AWS documentation", addRow("GetObject\ts3\ts3:GetObject\thttps://example.com/"), "is not an AWS documentation page"},
		{"missing column", addRow("GetObject\ts3\ts3:GetObject"), "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gen.Generate(dataWithSupplement(t, tt.edit))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
