package securebucket

// Multi-Region Access Points: Security Hub S3.24.

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3secure/s3secure/internal/mrap"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// ControlMultiRegionAccessPointBPA is Security Hub S3.24: Multi-Region
// Access Points have Block Public Access settings enabled (all four).
const ControlMultiRegionAccessPointBPA Control = "S3.24"

const mrapTitleBPA = "S3 Multi-Region Access Points should have block public access settings enabled"

// MultiRegionAccessPointAPI is the part of the S3 Control API that
// [AuditMultiRegionAccessPoints] reads. A *s3control.Client satisfies it.
type MultiRegionAccessPointAPI interface {
	ListMultiRegionAccessPoints(ctx context.Context, in *s3control.ListMultiRegionAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListMultiRegionAccessPointsOutput, error)
	GetMultiRegionAccessPoint(ctx context.Context, in *s3control.GetMultiRegionAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.GetMultiRegionAccessPointOutput, error)
}

var _ MultiRegionAccessPointAPI = (*s3control.Client)(nil)

// MultiRegionAccessPointAuditOptions configure
// [AuditMultiRegionAccessPoints]. nil means every Multi-Region Access
// Point of the account.
type MultiRegionAccessPointAuditOptions struct {
	// Bucket limits the audit to the Multi-Region Access Points in front
	// of one bucket.
	Bucket string

	// AllowInsecureTransport lets AuditMultiRegionAccessPoints read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError]:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) can rewrite them into a PASS and read the
	// policies. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it
	// only for a test server on a network you trust, or a client you know
	// uses TLS.
	AllowInsecureTransport bool
}

// AuditMultiRegionAccessPoints checks Security Hub S3.24 for every
// Multi-Region Access Point of the account (or those in front of
// opts.Bucket): one result per Multi-Region Access Point, its ARN
// (arn:aws:s3::ACCOUNT:accesspoint/ALIAS) as the resource, PASS when all
// four Block Public Access settings are on, FAIL naming those that are
// off. The settings "can't be changed ... after it has been created" (S3
// user guide, "Blocking public access with Amazon S3 Multi-Region Access
// Points"): a failing Multi-Region Access Point must be replaced. The
// calls go to us-west-2, the only Region that serves them.
//
// Security Hub evaluates S3.24 per Multi-Region Access Point (resource
// type AWS::S3::MultiRegionAccessPoint), so an account without any gets no
// finding: here one NOT_APPLICABLE result for the account. A listing that
// fails (or a nil client) gives one UNKNOWN result for the account, and a
// Multi-Region Access Point whose settings cannot be read an UNKNOWN
// result: never PASS.
//
// Multi-Region Access Points are made and listed in us-west-2 alone, and
// credentials are valid in their own partition only ("You cannot use IAM
// credentials from one partition to interact with resources in a
// different partition", AWS Fault Isolation Boundaries): with a client of
// another partition (a Region of China, GovCloud, …) the result is one
// UNKNOWN for the account whose Err matches [ErrMRAPOutsidePartition],
// and no request is sent, rather than the client's credentials to
// us-west-2. Whether that partition has Multi-Region Access Points at all,
// AWS does not say; UNKNOWN is never taken as passing.
//
// AuditMultiRegionAccessPoints returns [ErrInvalidAccountID] for a bad
// account id before any request, and stops at the first read that meets a
// setup problem (credentials that cannot be retrieved or that S3 Control
// refuses, a refused connection, a host name that does not resolve, a TLS
// failure), returning its [*AccountError] and no results.
func AuditMultiRegionAccessPoints(ctx context.Context, control MultiRegionAccessPointAPI, accountID string, opts *MultiRegionAccessPointAuditOptions) ([]AccountResult, error) {
	if err := acctCheckID(accountID); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &MultiRegionAccessPointAuditOptions{}
	}
	c := ControlMultiRegionAccessPointBPA
	base := acctResult(c, c.CIS(), c.Title(), c.Severity(), accountID)
	if acctIsNil(control) {
		base.Status, base.Err = StatusUnknown, errAcctNoClient
		base.Message = "Multi-Region Access Points could not be listed: no S3 Control client"
		return []AccountResult{base}, nil
	}
	if p, out := mrap.OutsidePartition(control); out {
		base.Status, base.Err = StatusUnknown, &AccountError{AccountID: accountID, Operation: "ListMultiRegionAccessPoints", Err: fmt.Errorf("%w: the client is in %s", ErrMRAPOutsidePartition, p)}
		base.Message = "Multi-Region Access Points could not be listed: they are served in " + mrap.Region + " (partition " + mrap.Partition() +
			") alone, and this S3 Control client's credentials are of partition " + p + ", not valid there"
		return []AccountResult{base}, nil
	}
	if !opts.AllowInsecureTransport {
		if err := refuseRemote(ctx, "AuditMultiRegionAccessPoints", "MultiRegionAccessPointAuditOptions", probeMRAP(control, accountID)); err != nil {
			return nil, err
		}
	}
	all, err := mrap.List(ctx, control, accountID, noSetupRetryControl)
	if err != nil {
		aerr := &AccountError{AccountID: accountID, Operation: "ListMultiRegionAccessPoints", Err: err}
		if setuperr.Is(err) {
			return nil, aerr
		}
		base.Status, base.Err = StatusUnknown, aerr
		base.Message = "Multi-Region Access Points could not be listed: " + acctTrim(aerr)
		return []AccountResult{base}, nil
	}
	var results []AccountResult
	for _, r := range all {
		if opts.Bucket != "" && !mrap.Fronts(r, opts.Bucket, accountID) {
			continue
		}
		res, err := auditMRAP(ctx, control, accountID, r)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	if len(results) == 0 {
		base.Status = StatusNotApplicable
		base.Message = "no Multi-Region Access Points (Security Hub reports S3.24 per Multi-Region Access Point)"
		if opts.Bucket != "" {
			base.Message = "no Multi-Region Access Points in front of bucket " + opts.Bucket
		}
		return []AccountResult{base}, nil
	}
	return results, nil
}

// auditMRAP judges one Multi-Region Access Point; its settings come from
// the listing, or from GetMultiRegionAccessPoint when the listing has
// none. The error is a setup problem only.
func auditMRAP(ctx context.Context, control MultiRegionAccessPointAPI, accountID string, r s3ctltypes.MultiRegionAccessPointReport) (AccountResult, error) {
	name := aws.ToString(r.Name)
	c := ControlMultiRegionAccessPointBPA
	res := acctResult(c, c.CIS(), c.Title(), c.Severity(), mrap.ARN(accountID, aws.ToString(r.Alias)))
	if r.Alias == nil {
		res.Resource = name
	}
	bpa := r.PublicAccessBlock
	if bpa == nil {
		got, err := control.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: aws.String(accountID), Name: r.Name},
			mrap.InRegion, noSetupRetryControl)
		if err != nil {
			aerr := &AccountError{AccountID: accountID, Operation: "GetMultiRegionAccessPoint " + name, Err: err}
			if setuperr.Is(err) {
				return AccountResult{}, aerr
			}
			res.Status, res.Err = StatusUnknown, aerr
			res.Message = "Multi-Region Access Point could not be read: " + acctTrim(aerr)
			return res, nil
		}
		if got.AccessPoint != nil {
			bpa = got.AccessPoint.PublicAccessBlock
		}
	}
	switch {
	case bpa == nil:
		res.Status, res.Message = StatusUnknown, "Multi-Region Access Point has no Block Public Access configuration in the response"
	case len(PublicAccessBlockFromS3Control(bpa).Off()) > 0:
		res.Status = StatusFail
		res.Message = "Block Public Access off: " + strings.Join(PublicAccessBlockFromS3Control(bpa).Off(), ", ") +
			"; it cannot be changed after creation: replace the Multi-Region Access Point"
	default:
		res.Status, res.Message = StatusPass, "all four Block Public Access settings are on"
	}
	return res, nil
}
