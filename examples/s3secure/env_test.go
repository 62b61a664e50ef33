package main

import "github.com/s3secure/s3secure/internal/fakeutil"

// The tool reads the user's AWS settings by design (the SDK's default
// chain); its tests must not: every AWS_* and proxy variable of the machine
// is removed before any test runs, and each test sets what it needs.
func init() { fakeutil.IsolateAWSEnv() }
