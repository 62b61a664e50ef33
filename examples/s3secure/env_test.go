package main

import (
	"os"

	"github.com/s3secure/s3secure/internal/fakeutil"
)

// The tool reads the user's AWS settings by design (the SDK's default
// chain); its tests must not: every AWS_* and proxy variable of the machine
// is removed before any test runs, and each test sets what it needs.
// A test binary re-run as the program (runAsProgram) keeps the
// environment its test gave it.
func init() {
	if os.Getenv(runAsProgramVar) == "" {
		fakeutil.IsolateAWSEnv()
	}
}
