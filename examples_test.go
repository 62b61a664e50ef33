package s3secure_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestExamplesImportNoInternal holds the README's promise that every
// example can be copied into a user's code, where the Go toolchain refuses
// imports of this module's internal packages: no file with an Example
// function outside internal/, and no example program (examples/*/main.go
// but the command-line tool, which is s3secure's own), imports one.
func TestExamplesImportNoInternal(t *testing.T) {
	const module = "github.com/s3secure/s3secure/"
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == "internal" || strings.HasSuffix(path, "/internal") || path == "examples/s3secure" || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		program := strings.HasPrefix(path, "examples/") && d.Name() == "main.go"
		if !program && !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if !program && !hasExample(f) {
			return nil
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, module) && (strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal")) {
				t.Errorf("%s imports %s: a user cannot copy it", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Errorf("checked only %d files with examples: the walk is broken", checked)
	}
}

func hasExample(f *ast.File) bool {
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Example") {
			return true
		}
	}
	return false
}

// TestExamplesRun: every Example function of the library is one that go
// test runs, so the output it shows a reader is checked. go test runs an
// example only when its body's last comment group begins with "Output:"
// (or "Unordered output:"); one whose "// Output:" line follows another
// comment line without a blank line between them is compiled and never
// run, and what it claims goes stale unnoticed. Each package but this
// documentation-only one also has at least one example.
func TestExamplesRun(t *testing.T) {
	fset := token.NewFileSet()
	perDir := map[string]int{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch {
			case d.Name() == "testdata", strings.HasPrefix(d.Name(), ".") && path != ".":
				return filepath.SkipDir
			case path != "." && !strings.HasPrefix(path, "examples") && !strings.HasPrefix(path, "bench") && !strings.Contains(path, "internal"):
				perDir[path] += 0
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, ex := range doc.Examples(f) {
			perDir[filepath.Dir(path)]++
			if ex.Output == "" && !ex.EmptyOutput {
				t.Errorf("%s: Example%s has no Output comment go test recognizes, so it never runs (the body's last comment group must begin with \"// Output:\")", path, ex.Name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if perDir["securebucket"] == 0 || perDir["presign"] == 0 {
		t.Fatalf("the walk found no examples: %v", perDir)
	}
	for dir, n := range perDir {
		if n == 0 && hasGoFiles(t, dir) {
			t.Errorf("package %s has no runnable Example", dir)
		}
	}
}

func hasGoFiles(t *testing.T, dir string) bool {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m) > 0
}
