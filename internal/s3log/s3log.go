// Package s3log holds what the project knows about the Operation field of
// Amazon S3 server access logs: which S3 API operation each logged operation
// stands for, generated from data/operations.tsv. The usage package reads
// logs with it; the fake S3 writes them with it. It also knows the CloudTrail
// event names of S3 that are not their API operation's name
// (GetBucketPublicAccessBlock, PostObject), from
// data/cloudtrail-event-names.tsv.
package s3log

import "slices"

//go:generate go run ./internal/gen/operations -data data/operations.tsv -out operations_gen.go -cloudtrail data/cloudtrail-event-names.tsv -cloudtrail-out cloudtrail_gen.go

// Level says what a logged request acted on.
type Level uint8

// Levels. A record whose Key field is "-" acted on the bucket.
const (
	Bucket Level = iota
	Object
)

// Source says how sure the name of a logged operation is.
type Source string

// Sources of the operation names (data/README.md).
const (
	// SourceDoc: the name appears in the S3 user guide's log format page.
	SourceDoc Source = "doc"
	// SourceObserved: seen in published real server access logs.
	SourceObserved Source = "observed"
	// SourceDerived: built by the REST.HTTP_method.resource_type rule, not
	// yet seen in a published log.
	SourceDerived Source = "derived"
)

// Operation is one logged operation at one level.
type Operation struct {
	// Name is the Operation field, for example "REST.GET.OBJECT".
	Name  string
	Level Level
	// APIOperations are the API operations it stands for; the first
	// decides the actions (policy.LookupOperation). Empty for a request
	// that needs no permission of its own (REST.OPTIONS.PREFLIGHT).
	APIOperations []string
	Source        Source
}

type key struct {
	name  string
	level Level
}

// Lookup returns the logged operation name at level.
func Lookup(name string, level Level) (Operation, bool) {
	i, ok := operationIndex[key{name, level}]
	if !ok {
		return Operation{}, false
	}
	o := operations[i]
	o.APIOperations = slices.Clone(o.APIOperations)
	return o, true
}

// Name returns the Operation field S3 writes for a request of the API
// operation apiOp at level: the first row of data/operations.tsv that lists
// it at that level.
func Name(apiOp string, level Level) (string, bool) {
	for _, o := range operations {
		if o.Level == level && slices.Contains(o.APIOperations, apiOp) {
			return o.Name, true
		}
	}
	return "", false
}

// Operations returns every known logged operation, in the data file's order.
func Operations() []Operation {
	out := make([]Operation, len(operations))
	for i, o := range operations {
		o.APIOperations = slices.Clone(o.APIOperations)
		out[i] = o
	}
	return out
}

// CloudTrailAPIOperation returns the API operation that a CloudTrail record
// of S3 (eventSource s3.amazonaws.com) named eventName stands for, as
// policy.LookupOperation takes it. Most events are named after their
// operation and are returned as they are; the Block Public Access events
// name the level (GetBucketPublicAccessBlock is S3's GetPublicAccessBlock,
// GetAccountPublicAccessBlock S3 Control's), and a browser upload is
// PostObject, S3's PutObject (S3 user guide, "Amazon S3 CloudTrail events").
func CloudTrailAPIOperation(eventName string) string {
	if api, ok := cloudTrailEvents[eventName]; ok {
		return api
	}
	return eventName
}
