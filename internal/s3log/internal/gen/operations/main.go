// Command operations writes internal/s3log/operations_gen.go from
// data/operations.tsv, and cloudtrail_gen.go from
// data/cloudtrail-event-names.tsv. It is run by go generate in package s3log:
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
	ctData := flag.String("cloudtrail", "data/cloudtrail-event-names.tsv", "the CloudTrail event name table")
	ctOut := flag.String("cloudtrail-out", "cloudtrail_gen.go", "the Go file to write from it")
	flag.Parse()
	write(gen.Generate, *data, *out)
	write(gen.GenerateCloudTrail, *ctData, *ctOut)
}

func write(generate func(string) ([]byte, error), data, out string) {
	src, err := generate(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
