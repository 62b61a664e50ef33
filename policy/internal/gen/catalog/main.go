// Command catalog writes policy's generated files (the S3 action catalog and
// the Access Analyzer issue-code table) from the AWS reference data. It is run
// by go generate in package policy:
//
//	go generate ./policy/...
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/s3secure/s3secure/policy/internal/gen"
)

func main() {
	data := flag.String("data", "internal/gen/data", "directory holding the AWS reference data")
	out := flag.String("out", ".", "directory to write the generated files to")
	flag.Parse()
	files, err := gen.Generate(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(*out, name), files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
