// Package mrap holds the facts about S3 Multi-Region Access Points that
// more than one package needs: where their control-plane operations are
// served, the form of their ARN, and which of them front a bucket.
package mrap

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/policy"
)

// Region is the only Region that serves the Multi-Region Access Point
// control-plane operations: "This action will always be routed to the US
// West (Oregon) Region" (API reference of each operation). aws-sdk-go-v2's
// s3control client does not route them there by itself (v1.71.1 signs for
// and sends to the client's Region, and AWS answers 301 PermanentRedirect),
// so every call sets it with [InRegion].
const Region = "us-west-2"

// InRegion is the per-call option that sends a call to [Region].
func InRegion(o *s3control.Options) { o.Region = Region }

// Partition is the partition of [Region] (aws, policy.PartitionOfRegion),
// the only partition with Multi-Region Access Points: they are made and
// listed in Region alone (the Service Authorization Reference's request
// token ARN names it: arn:${Partition}:s3:us-west-2:…), and "You cannot use
// IAM credentials from one partition to interact with resources in a
// different partition" (AWS Fault Isolation Boundaries: Partitions), so an
// account of China or GovCloud reaches none.
func Partition() string { return policy.EndpointPartition(Region) }

// OutsidePartition returns the partition of c's Region (c an S3 Control
// client that exposes its Options, as a *s3control.Client does) and true
// when that is not [Partition]: c's credentials are of another partition,
// not valid in [Region]'s, so a call sent there cannot read anything and
// would carry them out of their partition. It returns false for a client
// of [Partition], without a Region, or that hides its Options.
func OutsidePartition(c any) (string, bool) {
	o, ok := c.(interface{ Options() s3control.Options })
	if !ok {
		return "", false
	}
	region := o.Options().Region
	if region == "" {
		return "", false
	}
	if p := policy.EndpointPartition(region); p != Partition() {
		return p, true
	}
	return "", false
}

// ARN returns the Multi-Region Access Point's ARN,
// arn:PARTITION:s3::ACCOUNT:accesspoint/ALIAS ("Making requests through a
// Multi-Region Access Point": no Region, the alias rather than the name;
// arn:${Partition}:s3::${Account}:accesspoint/${AccessPointAlias} in the
// Service Authorization Reference), PARTITION being [Partition]'s: every
// Multi-Region Access Point is made in [Region], whatever Regions its
// buckets are in.
func ARN(account, alias string) string {
	return "arn:" + Partition() + ":s3::" + account + ":accesspoint/" + alias
}

// Lister is the S3 Control operation that lists Multi-Region Access
// Points. A *s3control.Client satisfies it.
type Lister interface {
	ListMultiRegionAccessPoints(ctx context.Context, in *s3control.ListMultiRegionAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListMultiRegionAccessPointsOutput, error)
}

var _ Lister = (*s3control.Client)(nil)

// List returns every Multi-Region Access Point of account (all pages),
// asked in [Region]; optFns are added to each call.
func List(ctx context.Context, c Lister, account string, optFns ...func(*s3control.Options)) ([]types.MultiRegionAccessPointReport, error) {
	fns := append([]func(*s3control.Options){InRegion}, optFns...)
	var out []types.MultiRegionAccessPointReport
	p := s3control.NewListMultiRegionAccessPointsPaginator(c, &s3control.ListMultiRegionAccessPointsInput{AccountId: aws.String(account)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, fns...)
		if err != nil {
			return nil, err
		}
		out = append(out, page.AccessPoints...)
	}
	return out, nil
}

// Fronts reports whether the Multi-Region Access Point r routes requests to
// bucket, a bucket of owner: one of its Regions names the bucket, with
// owner as its account or no account (the Multi-Region Access Point's own).
// Bucket names are unique in a partition, so the name decides; the
// account is checked as well.
func Fronts(r types.MultiRegionAccessPointReport, bucket, owner string) bool {
	return slices.Contains(Buckets(r, owner), bucket)
}

// Buckets returns the buckets of owner that the Multi-Region Access Point
// r routes requests to: those its Regions name with owner as their
// account or with no account (the Multi-Region Access Point's own).
func Buckets(r types.MultiRegionAccessPointReport, owner string) []string {
	var out []string
	for _, reg := range r.Regions {
		if acct := aws.ToString(reg.BucketAccountId); acct == "" || acct == owner {
			out = append(out, aws.ToString(reg.Bucket))
		}
	}
	return out
}

// PolicyGetter is the S3 Control operation that reads a Multi-Region
// Access Point's policy. A *s3control.Client satisfies it.
type PolicyGetter interface {
	GetMultiRegionAccessPointPolicy(ctx context.Context, in *s3control.GetMultiRegionAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.GetMultiRegionAccessPointPolicyOutput, error)
}

var _ PolicyGetter = (*s3control.Client)(nil)

// Policies returns the policies of the Multi-Region Access Point name
// that may be in effect: [""] for none, the established one, and the
// proposed one too while an update is being applied ("When you update the
// policy, the update is first listed as the proposed policy", API
// reference, MultiRegionAccessPointPolicyDocument), asked in [Region];
// optFns are added to the call. The error is the call's.
func Policies(ctx context.Context, c PolicyGetter, account string, name *string, optFns ...func(*s3control.Options)) ([]string, error) {
	fns := append([]func(*s3control.Options){InRegion}, optFns...)
	pol, err := c.GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: aws.String(account), Name: name}, fns...)
	var api smithy.APIError
	switch {
	case errors.As(err, &api) && api.ErrorCode() == "NoSuchMultiRegionAccessPointPolicy":
		// moto's answer for no policy (S3's published error codes do
		// not list it; what AWS answers there is unverified).
		return []string{""}, nil
	case err != nil:
		return nil, err
	case pol.Policy == nil:
		return []string{""}, nil
	}
	var established, proposed string
	if pol.Policy.Established != nil {
		established = aws.ToString(pol.Policy.Established.Policy)
	}
	if pol.Policy.Proposed != nil {
		proposed = aws.ToString(pol.Policy.Proposed.Policy)
	}
	switch {
	case established == "":
		return []string{proposed}, nil
	case proposed != "" && proposed != established:
		return []string{established, proposed}, nil
	}
	return []string{established}, nil
}
