package policy

import (
	"errors"
	"fmt"
)

// Sentinel errors. Typed errors ([*ParseError], [*SizeError], [*BuildError],
// [*MergeError]) wrap one of these, so callers branch with [errors.Is].
var (
	// ErrSyntax: the document is not valid JSON (including trailing commas).
	ErrSyntax = errors.New("policy: invalid JSON")
	// ErrDuplicateKey: a JSON object has the same key twice.
	ErrDuplicateKey = errors.New("policy: duplicate key")
	// ErrUnknownField: a top-level or statement element is not part of the
	// policy grammar.
	ErrUnknownField = errors.New("policy: unknown element")
	// ErrWrongType: an element has the wrong JSON type (for example a number
	// where a string is expected).
	ErrWrongType = errors.New("policy: wrong JSON type")
	// ErrInvalidValue: a value built in code cannot be written as JSON (a
	// NumberValue that is not a number, a string that is not UTF-8).
	ErrInvalidValue = errors.New("policy: invalid value")

	// ErrPolicyTooLarge: the minified document exceeds the size limit for its
	// kind of policy.
	ErrPolicyTooLarge = errors.New("policy: policy too large")

	// ErrWildcardAction: an Allow grants "*" or "s3:*" (or another pattern).
	ErrWildcardAction = errors.New("policy: wildcard action")
	// ErrWildcardResource: an Allow applies to "*" or to a wildcard bucket.
	ErrWildcardResource = errors.New("policy: wildcard resource")
	// ErrPublicGrant: an Allow to everyone without a condition that S3
	// counts as limiting it to non-public access.
	ErrPublicGrant = errors.New("policy: public grant")
	// ErrNotPrincipalAllow: an Allow with NotPrincipal grants everyone except
	// the listed principals.
	ErrNotPrincipalAllow = errors.New("policy: allow with NotPrincipal")
	// ErrNotActionOrResourceAllow: an Allow with NotAction or NotResource
	// grants everything not listed.
	ErrNotActionOrResourceAllow = errors.New("policy: allow with NotAction or NotResource")
	// ErrPermissionsManagement: a grant includes Permissions-management
	// actions (PutBucketPolicy, PutBucketAcl, …) it did not ask for.
	ErrPermissionsManagement = errors.New("policy: permissions-management action")
	// ErrInvalidGrant: a grant is incomplete or inconsistent (no bucket, an
	// unknown action, an action that applies to neither buckets nor objects,
	// principal and identity statements mixed in one document, …).
	ErrInvalidGrant = errors.New("policy: invalid grant")

	// ErrInvalidArgument: a bucket name, account ID, ARN or other argument is
	// malformed or would put a wildcard where none is meant.
	ErrInvalidArgument = errors.New("policy: invalid argument")

	// ErrInvalidPartition: a partition given to [BucketARNIn],
	// [ObjectARNIn], [InPartition] or BuildOptions.Partition is not an AWS
	// partition, or a statement to move into one names another partition's
	// ARNs. The error is a [*PartitionError].
	ErrInvalidPartition = errors.New("policy: invalid partition")

	// ErrDuplicateSid: a Sid being merged or removed occurs more than once,
	// so it is not clear which statement it means.
	ErrDuplicateSid = errors.New("policy: duplicate sid")
	// ErrMissingSid: a statement to merge has no Sid.
	ErrMissingSid = errors.New("policy: statement has no sid")
	// ErrVersionConflict: a statement to merge uses a policy variable,
	// which needs Version 2012-10-17, and a statement of the existing
	// policy, of an older version, holds text that would start reading as
	// one under it.
	ErrVersionConflict = errors.New("policy: policy variables need Version 2012-10-17, which would change another statement")
)

// ParseError is returned by [Parse] for a document that cannot be read. Line
// and Column are 1-based (Column counts characters, not bytes); Offset is the
// byte offset. Err is one of [ErrSyntax], [ErrDuplicateKey],
// [ErrUnknownField] or [ErrWrongType].
type ParseError struct {
	Line, Column, Offset int
	// Path is the JSON path of the element, in the syntax of [Document.Pos],
	// when the error is about an element ("" for syntax errors).
	Path string
	// Msg describes the problem.
	Msg string
	Err error
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("policy: line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *ParseError) Unwrap() error { return e.Err }

// SizeError is returned by [Document.CheckSize] when a document is over the
// limit for its kind. It wraps [ErrPolicyTooLarge].
type SizeError struct {
	Kind  Kind
	Size  int // in the unit of Kind (bytes or characters)
	Limit int
}

// Error implements error.
func (e *SizeError) Error() string {
	return fmt.Sprintf("policy: %s is %d %s, over the limit of %d", e.Kind, e.Size, e.Kind.unit(), e.Limit)
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *SizeError) Unwrap() error { return ErrPolicyTooLarge }

// BuildError is returned by the [Builder] when a statement would be broader
// than asked for. Err is the sentinel ([ErrWildcardAction], …); Option names
// the [BuildOptions] field that would allow it, if any.
type BuildError struct {
	// Statement is the Sid (or the index as "#N") of the offending statement.
	Statement string
	// Value is the offending action, resource or principal, if any.
	Value  string
	Reason string
	Option string
	Err    error
}

// Error implements error.
func (e *BuildError) Error() string {
	msg := "policy: statement " + e.Statement + ": " + e.Reason
	if e.Value != "" {
		msg += " (" + e.Value + ")"
	}
	if e.Option != "" {
		msg += "; set BuildOptions." + e.Option + " to allow it"
	}
	return msg
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *BuildError) Unwrap() error { return e.Err }

// PartitionError is returned for a partition that is not an AWS partition
// ([IsPartition]: "aws", "aws-cn", "aws-us-gov", …), and by [InPartition]
// for a statement that names an ARN of a third partition. It matches
// [ErrInvalidPartition] and [ErrInvalidArgument].
type PartitionError struct {
	// Partition is the partition asked for.
	Partition string
	// ARN is the statement's ARN of another partition; "" when Partition
	// itself is not an AWS partition.
	ARN string
}

// Error implements error.
func (e *PartitionError) Error() string {
	if e.ARN != "" {
		return fmt.Sprintf("policy: %s is in another partition than %s (or aws, the partition the ready-made statements name): a statement is about one partition's resources", e.ARN, e.Partition)
	}
	return fmt.Sprintf("policy: %q is not an AWS partition (aws, aws-cn, aws-us-gov, …; see PartitionOfRegion)", e.Partition)
}

// Unwrap returns [ErrInvalidPartition] and [ErrInvalidArgument], for
// errors.Is.
func (e *PartitionError) Unwrap() []error { return []error{ErrInvalidPartition, ErrInvalidArgument} }

// MergeError is returned by [Merge] and [Remove] for a statement that cannot
// be merged. Err is [ErrMissingSid], [ErrDuplicateSid] or
// [ErrVersionConflict].
type MergeError struct {
	Sid string
	Err error
}

// Error implements error.
func (e *MergeError) Error() string {
	if e.Sid == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("%v: %q", e.Err, e.Sid)
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *MergeError) Unwrap() error { return e.Err }
