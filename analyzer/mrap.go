package analyzer

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3secure/s3secure/internal/mrap"
)

// A Multi-Region Access Point is analyzed as an access point: a request
// through it is authorized by its policy, by the policy of the bucket it
// is routed to (which may delegate to it), and by Block Public Access at
// the Multi-Region Access Point, the bucket and the account ("For any
// request that is made through a Multi-Region Access Point, Amazon S3
// evaluates the Block Public Access settings for: The Multi-Region Access
// Point, The underlying buckets, The account that owns both", S3 user
// guide, "Multi-Region Access Point permissions"). Such a request carries
// the condition keys of a request through an access point,
// s3:DataAccessPointArn (the Multi-Region Access Point's ARN, which the
// guide's delegating bucket policy tests: "StringEquals" :
// { "s3:DataAccessPointArn" : "MultiRegionAccessPoint_ARN" }) and
// s3:DataAccessPointAccount (its owner), so a bucket policy that delegates
// to the account's access points delegates to its Multi-Region Access
// Points too. Access Analyzer reports access through one with the source
// type S3_ACCESS_POINT and its ARN.

// MultiRegionAccessPointAPI is the part of the S3 Control client that
// reads Multi-Region Access Points. A *s3control.Client satisfies it; an
// [S3Control] whose client does not cannot read them and says so.
type MultiRegionAccessPointAPI interface {
	ListMultiRegionAccessPoints(ctx context.Context, in *s3control.ListMultiRegionAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListMultiRegionAccessPointsOutput, error)
	GetMultiRegionAccessPointPolicy(ctx context.Context, in *s3control.GetMultiRegionAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.GetMultiRegionAccessPointPolicyOutput, error)
}

var _ MultiRegionAccessPointAPI = (*s3control.Client)(nil)

// MultiRegionAccessPointLister supplies the Multi-Region Access Points in
// front of a bucket, each as an [AccessPoint] (ARN
// arn:aws:s3::ACCOUNT:accesspoint/ALIAS, network origin Internet).
// [S3Control] reads them from AWS; [AccessPoints] is a fixed list.
type MultiRegionAccessPointLister interface {
	MultiRegionAccessPoints(ctx context.Context, bucket string) ([]AccessPoint, error)
}

// MultiRegionAccessPoints returns the entries of the list for bucket whose
// ARN is a Multi-Region Access Point's (no Region). One fixed list can
// serve as both listers: [Analyze] analyzes an entry that both return
// once.
func (l AccessPoints) MultiRegionAccessPoints(_ context.Context, bucket string) ([]AccessPoint, error) {
	var out []AccessPoint
	for _, a := range l {
		if a.Bucket == bucket && a.MultiRegion() {
			out = append(out, a)
		}
	}
	return out, nil
}

// MultiRegion reports whether the access point is a Multi-Region Access
// Point: its ARN has no Region (arn:aws:s3::ACCOUNT:accesspoint/ALIAS).
func (a AccessPoint) MultiRegion() bool {
	return arnRegion(a.ARN) == "" && a.ARN != ""
}

// arnRegion returns the Region field of an ARN, "" when it has none.
func arnRegion(arn string) string {
	if parts := strings.SplitN(arn, ":", 5); len(parts) == 5 {
		return parts[3]
	}
	return ""
}

// MultiRegionAccessPoints lists the account's Multi-Region Access Points
// (in us-west-2, the only Region that serves them) and returns those that
// route requests to bucket, each with its Block Public Access and policy.
// A policy update still in progress gives two entries, the established
// and the proposed policy, since either may be in effect in a Region
// meanwhile. A Multi-Region Access Point without a policy has an empty
// Policy. An S3Control whose client is not a [MultiRegionAccessPointAPI]
// returns an [ErrInvalidInput] error rather than no Multi-Region Access
// Points.
func (c S3Control) MultiRegionAccessPoints(ctx context.Context, bucket string) ([]AccessPoint, error) {
	return c.multiRegionAccessPoints(ctx, bucket)
}

// multiRegionAccessPoints is MultiRegionAccessPoints for bucket, or for
// every bucket of the account when bucket is "": one listing, and one
// policy read per Multi-Region Access Point, whatever the number of
// buckets.
func (c S3Control) multiRegionAccessPoints(ctx context.Context, bucket string) ([]AccessPoint, error) {
	api, ok := c.Client.(MultiRegionAccessPointAPI)
	if !ok {
		return nil, invalid("S3Control's client cannot read Multi-Region Access Points (it has no ListMultiRegionAccessPoints and GetMultiRegionAccessPointPolicy)")
	}
	all, err := mrap.List(ctx, api, c.Account, noSetupRetryControl)
	if err != nil {
		return nil, wrap("ListMultiRegionAccessPoints", c.Account, err)
	}
	var out []AccessPoint
	for _, r := range all {
		buckets := mrap.Buckets(r, c.Account)
		if bucket != "" {
			buckets = slices.DeleteFunc(buckets, func(b string) bool { return b != bucket })
		}
		if len(buckets) == 0 {
			continue
		}
		name := aws.ToString(r.Name)
		policies, err := mrapPolicies(ctx, api, c.Account, r.Name)
		if err != nil {
			return nil, err
		}
		for _, b := range buckets {
			for _, p := range policies {
				out = append(out, AccessPoint{
					Name: name, ARN: mrap.ARN(c.Account, aws.ToString(r.Alias)), Account: c.Account, Bucket: b, Policy: p,
					// Multi-Region Access Points have no VPC network
					// origin; a missing setting reads as all off, which
					// reports more, never less.
					NetworkOrigin: "Internet", BlockPublicAccess: controlBPA(r.PublicAccessBlock),
				})
			}
		}
	}
	return out, nil
}

// mrapPolicies returns the policies of the Multi-Region Access Point name
// that may be in effect ([mrap.Policies]).
func mrapPolicies(ctx context.Context, api MultiRegionAccessPointAPI, account string, name *string) ([]string, error) {
	pols, err := mrap.Policies(ctx, api, account, name, noSetupRetryControl)
	if err != nil {
		return nil, wrap("GetMultiRegionAccessPointPolicy", aws.ToString(name), err)
	}
	return pols, nil
}
