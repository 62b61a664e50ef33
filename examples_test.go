package s3secure_test

import (
	"go/ast"
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
