package policy_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// Every code Validate can emit is described, with the severity
// CodeSeverity gives it, and nothing else is.
func TestChecksDescribeEveryCode(t *testing.T) {
	checks := policy.Checks()
	require.NotEmpty(t, checks)
	assert.True(t, sort.SliceIsSorted(checks, func(i, j int) bool { return checks[i].Code < checks[j].Code }))
	seen := map[string]bool{}
	for _, c := range checks {
		assert.False(t, seen[c.Code], "duplicate %s", c.Code)
		seen[c.Code] = true
		sev, ok := policy.CodeSeverity(c.Code)
		require.True(t, ok, c.Code)
		assert.Equal(t, sev, c.Severity, c.Code)
		assert.NotEmpty(t, c.Title, c.Code)
		assert.NotEmpty(t, c.Description, c.Code)
		assert.Regexp(t, `^https://`, c.HelpURL, c.Code)
		got, ok := policy.LookupCheck(c.Code)
		require.True(t, ok)
		assert.Equal(t, c, got)
	}
	// The s3secure codes each have a hand-written title, not one derived
	// from the code.
	for _, code := range []string{policy.CodePublicAccess, policy.CodePublicWrite, policy.CodeAllowWithNotAction,
		policy.CodeAllowWithNotResource, policy.CodeCrossAccountPermissionsManagement, policy.CodeActionResourceMismatch,
		policy.CodePlaceholder, policy.CodeAllowIfExists, policy.CodeOldVersion, policy.CodeInvalidBucketName,
		policy.CodeDeadAction, policy.CodeResourceNotStar, policy.CodeBucketARNWildcardField, policy.CodeShortARNWildcard,
		policy.CodeUnknownPolicy} {
		assert.True(t, seen[code], code)
		c, _ := policy.LookupCheck(code)
		assert.Contains(t, c.HelpURL, "pkg.go.dev", code)
		assert.Greater(t, len(c.Description), 60, code)
	}
	// Every finding of a few broken policies has a described code.
	for _, doc := range []string{`{`, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`,
		`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:x","Resource":"*"}]}`} {
		for _, f := range policy.Validate([]byte(doc), nil) {
			assert.True(t, seen[f.Code], f.Code)
		}
	}
}

func TestLookupCheck(t *testing.T) {
	c, ok := policy.LookupCheck("ARN_ACCOUNT_NOT_ALLOWED")
	require.True(t, ok)
	assert.Equal(t, policy.Check{Code: "ARN_ACCOUNT_NOT_ALLOWED", Severity: policy.SeverityError, Title: "ARN account not allowed",
		Description: c.Description, HelpURL: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"}, c)
	assert.Contains(t, c.Description, "ARN account not allowed")

	c, ok = policy.LookupCheck(policy.CodePublicWrite)
	require.True(t, ok)
	assert.Equal(t, "Public write", c.Title)
	assert.Equal(t, policy.SeverityError, c.Severity)

	_, ok = policy.LookupCheck("NO_SUCH_CODE")
	assert.False(t, ok)
}

func ExampleLookupCheck() {
	c, _ := policy.LookupCheck("MISSING_VERSION")
	fmt.Println(c.Severity, c.Title)
	// Output: WARNING Missing version
}
