package policy

import "slices"

// Operation is an S3 API operation (as the s3 SDK and CloudTrail's eventName
// call it) with the s3: actions that authorize it, from AWS's Service
// Authorization Reference for S3.
type Operation struct {
	// Name is the API operation, for example "GetObject" or
	// "PutBucketPolicy".
	Name string
	// Actions are every s3: action the reference lists for the operation,
	// sorted: the one every call needs, and those only some calls need (a
	// versionId, an ACL, tagging or retention header, a governance bypass).
	// Empty when the reference lists none.
	Actions []string
	// Required are the actions every call of the operation needs. The
	// reference does not mark them; the generator derives them from its
	// lists by fixed rules (see policy/internal/gen/operations.go), and
	// fails when the rules do not give one answer. HeadObject needs
	// s3:GetObject, HeadBucket s3:ListBucket, CopyObject s3:PutObject on
	// the destination (and s3:GetObject on the source, a request of its
	// own).
	Required []string
	// VersionRequired are the actions a call that names an object version
	// (versionId) needs instead of Required, as the S3 API reference asks:
	// GetObject with a versionId needs s3:GetObjectVersion. Nil when the
	// operation's actions have no version form.
	VersionRequired []string
}

// LookupOperation returns the S3 API operation named name ("GetObject"),
// compared exactly, as the SDK and CloudTrail spell it. The returned value is
// a copy that the caller may modify.
func LookupOperation(name string) (Operation, bool) {
	i, ok := slices.BinarySearchFunc(catalogOperations[:], name, func(o Operation, n string) int {
		switch {
		case o.Name < n:
			return -1
		case o.Name > n:
			return 1
		}
		return 0
	})
	if !ok {
		return Operation{}, false
	}
	return catalogOperations[i].clone(), true
}

// Operations returns every S3 API operation in the catalog, in name order.
func Operations() []Operation {
	out := make([]Operation, len(catalogOperations))
	for i := range catalogOperations {
		out[i] = catalogOperations[i].clone()
	}
	return out
}

// RequiredActions returns the s3 actions every call of the named API
// operations needs (each [Operation]'s Required), and with versions also
// those a call naming an object version needs (VersionRequired), in the
// order the operations are named, each once. It is how code that needs the
// actions of a task (read objects, upload, delete versions) says so by the
// API operations the task calls, rather than by a list of action names. An
// operation the catalog does not know adds nothing.
func RequiredActions(versions bool, operations ...string) []string {
	var out []string
	add := func(as []string) {
		for _, a := range as {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	for _, name := range operations {
		if op, ok := LookupOperation(name); ok {
			add(op.Required)
			if versions {
				add(op.VersionRequired)
			}
		}
	}
	return out
}

func (o Operation) clone() Operation {
	o.Actions = slices.Clone(o.Actions)
	o.Required = slices.Clone(o.Required)
	o.VersionRequired = slices.Clone(o.VersionRequired)
	return o
}
