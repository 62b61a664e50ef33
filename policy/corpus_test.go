package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// knownBad are the corpus policies AWS published broken, with the codes
// Validate must report as ERROR on them and why they are broken.
var knownBad = map[string]struct {
	codes []string
	why   string
}{
	"storage-lens-destination": {[]string{"JSON_SYNTAX_ERROR"},
		"the S3 user guide's Storage Lens destination example writes three \"StringEquals\" keys in one Condition object: " +
			"a JSON object has each key once, so two of the three conditions are lost (IAM keeps one)"},
	"public-read-doc-example-bucket": {[]string{policy.CodePlaceholder},
		"the 2023 user guide's examples name the bucket DOC-EXAMPLE-BUCKET, a placeholder " +
			"(upper case, which only a bucket made before March 2018 can have): filled in as written it names nobody's bucket. The current guide writes amzn-s3-demo-bucket, as the other examples here do"},
}

// TestAWSPublishedPoliciesPass validates AWS-published policies that use s3:
// actions (testdata/aws-managed: AWS managed policies, identity policies;
// testdata/aws-docs: examples from AWS's documentation, identity or bucket
// policies by their directory; sources in the READMEs there) the way lint
// does: every ERROR must mean the
// policy is broken, so none of them may have one, except the known-bad
// ones, which must.
func TestAWSPublishedPoliciesPass(t *testing.T) {
	for _, dir := range []struct {
		glob string
		kind policy.Kind
	}{
		{"testdata/aws-managed/*.json", policy.KindManaged},
		{"testdata/aws-docs/identity/*.json", policy.KindManaged},
		{"testdata/aws-docs/bucket/*.json", policy.KindBucket},
	} {
		files, err := filepath.Glob(dir.glob)
		require.NoError(t, err)
		require.NotEmpty(t, files, dir.glob)
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			t.Run(filepath.Base(filepath.Dir(f))+"/"+name, func(t *testing.T) {
				src, err := os.ReadFile(f)
				require.NoError(t, err)
				var errs []string
				for _, x := range policy.Validate(src, &policy.ValidateOptions{Kind: dir.kind}) {
					if x.Severity == policy.SeverityError {
						errs = append(errs, x.Code)
						t.Logf("%s %s %s: %s", x.Severity, x.Code, x.Path, x.Message)
					}
				}
				bad, isBad := knownBad[name]
				if !isBad {
					assert.Empty(t, errs, "AWS publishes this policy as working")
					return
				}
				assert.ElementsMatch(t, bad.codes, errs, bad.why)
			})
		}
	}
}
