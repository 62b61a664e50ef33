package policy

import (
	"slices"
	"strings"
)

// Operation is an S3 or S3 Control API operation (as the SDKs and
// CloudTrail's eventName call it) with the s3: actions that authorize it,
// from AWS's Service Authorization Reference for S3, completed where it lists
// an operation without actions, or once for both SDK services, from the S3 API
// Reference (policy/internal/gen/data/operations-supplement.tsv, with the page
// of each).
type Operation struct {
	// Name is the API operation, for example "GetObject" or
	// "PutBucketPolicy".
	Name string
	// Service is the SDK service whose client calls the operation: "s3"
	// (package s3) or "s3control" (package s3control). Some names are both:
	// S3's GetPublicAccessBlock reads a bucket's settings
	// (s3:GetBucketPublicAccessBlock), S3 Control's the account's
	// (s3:GetAccountPublicAccessBlock).
	Service string
	// Actions are every s3: action the operation may need, sorted: the one
	// every call needs, and those only some calls need (a versionId, an
	// ACL, tagging or retention header, a governance bypass). Empty when
	// the operation needs none: it is authorized by another service's
	// actions (s3express:CreateSession, s3-outposts:GetBucket), which the
	// supplement records.
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

// LookupOperation returns the API operation named name, compared exactly, as
// the SDK and CloudTrail spell it: "GetObject" is the S3 operation, and a
// name qualified by the SDK service, "s3control:GetPublicAccessBlock" or
// "s3:GetObject", the operation of that service. The returned value is a
// copy that the caller may modify.
func LookupOperation(name string) (Operation, bool) {
	service := "s3"
	if s, n, ok := strings.Cut(name, ":"); ok {
		service, name = s, n
	}
	i, ok := slices.BinarySearchFunc(catalogOperations[:], Operation{Service: service, Name: name}, func(o, key Operation) int {
		if c := strings.Compare(o.Service, key.Service); c != 0 {
			return c
		}
		return strings.Compare(o.Name, key.Name)
	})
	if !ok {
		return Operation{}, false
	}
	return catalogOperations[i].clone(), true
}

// Operations returns every API operation in the catalog: the S3 operations,
// then the S3 Control operations, each in name order.
func Operations() []Operation {
	out := make([]Operation, len(catalogOperations))
	for i := range catalogOperations {
		out[i] = catalogOperations[i].clone()
	}
	return out
}

// RequiredActions returns the s3 actions every call of the named API
// operations (named as [LookupOperation] takes them) needs (each [Operation]'s Required), and with versions also
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
