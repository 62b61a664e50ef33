package analyzer

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// Sentinel errors. Test for them with errors.Is.
var (
	// ErrAccessDenied means AWS refused a call for lack of permission
	// (AccessDeniedException from Access Analyzer, AccessDenied from S3 or
	// IAM).
	ErrAccessDenied = errors.New("analyzer: access denied")
	// ErrNoAnalyzer means no active external-access analyzer exists in the
	// Region and creating one was not allowed, or its name is taken by an
	// analyzer that cannot serve.
	ErrNoAnalyzer = errors.New("analyzer: no active analyzer in the region")
	// ErrWrongRegion means an analyzer, finding or bucket belongs to another
	// Region than the client's. Access Analyzer is Regional: a bucket is
	// analyzed only by an analyzer in the bucket's Region.
	ErrWrongRegion = errors.New("analyzer: wrong region")
	// ErrArchiveRuleConflict means an archive rule of that name exists with
	// a different filter; it is left unchanged.
	ErrArchiveRuleConflict = errors.New("analyzer: archive rule exists with a different filter")
	// ErrPublicAccess is returned by [Gate.CheckPolicy] when Access Analyzer
	// finds that a policy allows public access.
	ErrPublicAccess = errors.New("analyzer: policy allows public access")
	// ErrAccessGranted is returned by [Gate.CheckPolicy] when a policy grants
	// one of the actions the gate forbids.
	ErrAccessGranted = errors.New("analyzer: policy grants forbidden access")
	// ErrInvalidInput means an argument was rejected before any request was
	// sent.
	ErrInvalidInput = errors.New("analyzer: invalid input")
)

// Error is a failed AWS call: the operation, the resource it was about and
// the SDK error (a smithy.APIError, reachable with errors.As). errors.Is
// also matches [ErrAccessDenied] for access-denied errors.
type Error struct {
	// Op is the API operation, for example "ListFindings".
	Op string
	// Resource is the analyzer, bucket or user the call was about.
	Resource string
	// Err is the SDK error.
	Err error
}

// Error implements error. A credentials provider's error in Err is named
// by its types, not its text, which can quote the credentials.
func (e *Error) Error() string {
	if e.Resource != "" {
		return fmt.Sprintf("analyzer: %s %s: %s", e.Op, e.Resource, credsafe.Text(e.Err))
	}
	return fmt.Sprintf("analyzer: %s: %s", e.Op, credsafe.Text(e.Err))
}

// Unwrap returns the SDK error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports access-denied errors as [ErrAccessDenied].
func (e *Error) Is(target error) bool {
	return target == ErrAccessDenied && accessDenied(e.Err)
}

func accessDenied(err error) bool {
	var ad *types.AccessDeniedException
	if errors.As(err, &ad) {
		return true
	}
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
			return true
		}
	}
	return false
}

func wrap(op, resource string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Resource: resource, Err: err}
}

// WrongRegionError says which Regions disagree. It matches [ErrWrongRegion].
type WrongRegionError struct {
	// What names the thing in the wrong Region (an analyzer ARN, a bucket).
	What string
	// Region is where it is; Want is the client's Region.
	Region, Want string
}

// Error implements error.
func (e *WrongRegionError) Error() string {
	return fmt.Sprintf("analyzer: %s is in region %s, not %s (access analyzer is regional)", e.What, e.Region, e.Want)
}

// Unwrap returns [ErrWrongRegion].
func (e *WrongRegionError) Unwrap() error { return ErrWrongRegion }

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// ErrNoDetails means Access Analyzer returned a finding without the access
// details the call needs.
var ErrNoDetails = errors.New("analyzer: finding has no access details")

// isNil reports a nil client, including a typed nil pointer inside the
// interface (a nil *accessanalyzer.Client, *s3.Client, *iam.Client, or a
// caller's own nil test double), which would otherwise panic on first use.
func isNil(client any) bool {
	if client == nil {
		return true
	}
	v := reflect.ValueOf(client)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// RegionError reports a Region whose buckets [AnalyzeAll] could not read:
// a setup problem met at that Region's S3 endpoint (an opt-in Region not
// enabled for the account, a session token not valid there) while the
// client's own Region still answered. Its fields: Call
// ("analyzer.AnalyzeAll"), Region, ClientRegion, and Err, the first
// bucket's [*Error] in that Region, wrapping the SDK error. It is
// securebucket.RegionError.
type RegionError = setuperr.RegionError
