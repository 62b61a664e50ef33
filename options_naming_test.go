package s3secure_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// weakensNothing lists the boolean fields of the library's options structs
// that are not named Allow… or Insecure…, each with why its true value is
// not weaker than its zero value. A new boolean option either starts with
// Allow or Insecure (an opt-out greppable in one search) or is added here
// after that review.
var weakensNothing = map[string]string{
	"analyzer.EnsureOptions.Organization":                     "creates an organization analyzer (more coverage), not fewer checks",
	"analyzer.KeyOptions.IncludeInactive":                     "lists inactive keys too: more output",
	"analyzer.ListOptions.IncludeArchived":                    "lists archived findings too: more output",
	"analyzer.ListOptions.IncludeResolved":                    "lists resolved findings too: more output",
	"analyzer.ListOptions.CrossAccountOnly":                   "a filter of what is listed; the zero value lists everything",
	"analyzer.ListOptions.PublicOnly":                         "a filter of what is listed; the zero value lists everything",
	"analyzer.ListOptions.UseV2":                              "which API reads the findings",
	"analyzer.ArchiveRuleOptions.NewFindingsOnly":             "applies the rule to fewer findings (archives less)",
	"cloudfront.MigrateOptions.DeleteOAI":                     "deletes the legacy identity after migrating: removes access",
	"cloudfront.Options.ApplyKeyPolicy":                       "writes the KMS key policy statement the distribution needs; the zero value leaves the key policy alone",
	"cloudfront.Options.DisableIPv6":                          "the transport family viewers use; both are behind the same TLS policy",
	"cloudfront.Options.HTTPSOnly":                            "refuses plain HTTP viewers; the zero value redirects them to HTTPS",
	"organization.Options.AccountControls":                    "adds account-level controls: more checks",
	"presign.Options.ClampToCredentials":                      "shortens an expiry; the zero value refuses instead",
	"presign.Options.UsePathStyle":                            "the URL's addressing style; signed the same way",
	"s3securetest.MemberOptions.Suspended":                    "test server: a suspended member account of the fake organization",
	"s3securetest.Options.LegacyBuckets":                      "test server: buckets with the settings of before April 2023",
	"s3securetest.Options.Organization":                       "test server: starts an organization",
	"securebucket.AccessPointOptions.DisableBucketDelegation": "leaves the bucket policy alone: no statement is added to it",
}

// durationsNotWeaker lists the time.Duration fields of the library's
// options structs that are not named Allow… or Insecure…, each with why a
// larger value is not a weaker choice. A limit that weakens when raised is
// named Allow…UpTo (cloudfront.SignerOptions.AllowExpiryUpTo,
// presign.VerifyOptions.AllowClockSkewUpTo); its former name may stay as
// a deprecated alias ("Deprecated: use Allow…"), which needs no entry.
var durationsNotWeaker = map[string]string{
	"cloudfront.MigrateOptions.PollInterval":  "how often the deployment is polled",
	"cloudfront.MigrateOptions.DeployTimeout": "how long Migrate waits for the deployment before it stops and says so",
	"organization.Options.ThrottleBackoff":    "a pause after a throttling answer",
	"organization.Options.MaxThrottleBackoff": "the longest pause after throttling answers",
	"presign.Options.DefaultExpiry":           "the lifetime of a URL that asks for none, never above AllowExpiryUpTo",
	"presign.GetOptions.Expires":              "one URL's lifetime, never above the Presigner's AllowExpiryUpTo",
	"presign.PutOptions.Expires":              "one URL's lifetime, never above the Presigner's AllowExpiryUpTo",
	"presign.DeleteOptions.Expires":           "one URL's lifetime, never above the Presigner's AllowExpiryUpTo",
	"presign.UploadPartOptions.Expires":       "one URL's lifetime, never above the Presigner's AllowExpiryUpTo",
	"presign.PostOptions.Expires":             "one form's lifetime, never above the Presigner's AllowExpiryUpTo",
	"s3securetest.Options.Latency":            "test server: a delay added to every response",
	"usage.Options.Since":                     "the window of observed use a proposal is drawn from, not a limit requests are checked against (a longer one keeps grants used longer ago)",
}

// TestOptionsOptOutsAreNamed reads the library's source (every package but
// internal ones, examples and tests) and checks that every boolean field of
// a struct type named Options or …Options is named Allow… or Insecure…, or
// is in weakensNothing. The README's Security defaults promise it: every
// weaker choice is greppable in one search.
func TestOptionsOptOutsAreNamed(t *testing.T) {
	fset := token.NewFileSet()
	seen := map[string]bool{}
	seenDurations := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "internal", "examples", "testdata", "bench", "node_modules":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && path != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			return err
		}
		pkg := filepath.Base(filepath.Dir(path))
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !ts.Name.IsExported() || !strings.HasSuffix(ts.Name.Name, "Options") {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, field := range st.Fields.List {
				if isDuration(field.Type) {
					checkDurationOption(t, fset, pkg+"."+ts.Name.Name, st, field, seenDurations)
					continue
				}
				if id, ok := field.Type.(*ast.Ident); !ok || id.Name != "bool" {
					continue
				}
				for _, name := range field.Names {
					if !name.IsExported() {
						continue
					}
					key := pkg + "." + ts.Name.Name + "." + name.Name
					seen[key] = true
					if strings.HasPrefix(name.Name, "Allow") || strings.HasPrefix(name.Name, "Insecure") {
						continue
					}
					_, reviewed := weakensNothing[key]
					assert.True(t, reviewed, "%s (%s): a boolean option must be named Allow… or Insecure… if it weakens anything, or be reviewed into weakensNothing", key, fset.Position(name.Pos()))
				}
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	require.Contains(t, seen, "securebucket.Options.AllowPublicAccess", "the walk found the library's options")
	for key := range weakensNothing {
		assert.True(t, seen[key], "weakensNothing names %s, which is no longer a boolean option", key)
	}
	require.Contains(t, seenDurations, "presign.VerifyOptions.AllowExpiryUpTo", "the walk found the duration options")
	for key := range durationsNotWeaker {
		assert.True(t, seenDurations[key], "durationsNotWeaker names %s, which is no longer a duration option", key)
	}
}

func isDuration(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Duration" {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "time"
}

// checkDurationOption checks a time.Duration field of the options struct
// st (named typ): named Allow… or Insecure…, or a deprecated alias of an
// Allow… field of st, or reviewed into durationsNotWeaker.
func checkDurationOption(t *testing.T, fset *token.FileSet, typ string, st *ast.StructType, field *ast.Field, seen map[string]bool) {
	t.Helper()
	for _, name := range field.Names {
		if !name.IsExported() {
			continue
		}
		key := typ + "." + name.Name
		seen[key] = true
		if strings.HasPrefix(name.Name, "Allow") || strings.HasPrefix(name.Name, "Insecure") {
			continue
		}
		if _, reviewed := durationsNotWeaker[key]; reviewed {
			continue
		}
		if alias, ok := deprecatedFor(field); ok {
			assert.True(t, hasField(st, alias), "%s (%s) is deprecated for %s, which %s does not have", key, fset.Position(name.Pos()), alias, typ)
			continue
		}
		assert.Fail(t, "unnamed weakening", "%s (%s): a duration option that weakens when raised must be named Allow…UpTo (the former name kept as a deprecated alias), or be reviewed into durationsNotWeaker", key, fset.Position(name.Pos()))
	}
}

// deprecatedFor returns the Allow… field a field's doc comment says to use
// instead ("Deprecated: use AllowExpiryUpTo, …").
func deprecatedFor(field *ast.Field) (string, bool) {
	if field.Doc == nil {
		return "", false
	}
	_, rest, ok := strings.Cut(field.Doc.Text(), "Deprecated: use ")
	if !ok {
		return "", false
	}
	name := strings.FieldsFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(name) == 0 || !strings.HasPrefix(name[0], "Allow") {
		return "", false
	}
	return name[0], true
}

func hasField(st *ast.StructType, name string) bool {
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name == name {
				return true
			}
		}
	}
	return false
}
