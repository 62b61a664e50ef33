// Command operations writes internal/s3log/operations_gen.go from
// data/operations.tsv. It is run by go generate in package s3log:
//
//	go generate ./internal/s3log
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/s3secure/s3secure/internal/s3log/internal/gen"
)

func main() {
	data := flag.String("data", "data/operations.tsv", "the operations table")
	out := flag.String("out", "operations_gen.go", "the Go file to write")
	flag.Parse()
	src, err := gen.Generate(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
