package analyzer

import (
	"slices"

	"github.com/s3secure/s3secure/policy"
)

// Condition operators and keys are names IAM compares without regard to
// ASCII case and nothing more: every comparison of one here goes through
// policy.EqualName, as the evaluator deciding the probes compares them.

// nameIs reports whether name is one of names, as IAM compares names.
func nameIs(name string, names ...string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return policy.EqualName(name, n) })
}

// hasNamePrefix reports whether name starts with prefix, as IAM compares
// names.
func hasNamePrefix(name, prefix string) bool {
	return len(name) >= len(prefix) && policy.EqualName(name[:len(prefix)], prefix)
}

// cutNameSuffix returns name without suffix and true when name ends with
// it, as IAM compares names.
func cutNameSuffix(name, suffix string) (string, bool) {
	if len(name) >= len(suffix) && policy.EqualName(name[len(name)-len(suffix):], suffix) {
		return name[:len(name)-len(suffix)], true
	}
	return name, false
}
