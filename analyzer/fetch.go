package analyzer

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/internal/mrap"
	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/internal/setuperr"
	"github.com/s3secure/s3secure/internal/workers"
	"github.com/s3secure/s3secure/policy"
)

// S3API is the part of the S3 client the offline analysis reads with. All
// calls are reads.
type S3API interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, optFns ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error)
}

// S3ControlAPI is the part of the S3 Control client used for the
// account-level Block Public Access and the access points.
type S3ControlAPI interface {
	GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
	ListAccessPoints(ctx context.Context, in *s3control.ListAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error)
	GetAccessPoint(ctx context.Context, in *s3control.GetAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error)
	GetAccessPointPolicy(ctx context.Context, in *s3control.GetAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyOutput, error)
}

var (
	_ S3API        = (*s3.Client)(nil)
	_ S3ControlAPI = (*s3control.Client)(nil)
)

// AccessPointLister supplies a bucket's access points. [S3Control] reads
// them from AWS; [AccessPoints] is a fixed list.
type AccessPointLister interface {
	AccessPoints(ctx context.Context, bucket string) ([]AccessPoint, error)
}

// AccessPoints is a fixed list of access points; it implements
// [AccessPointLister] by filtering on the bucket.
type AccessPoints []AccessPoint

// AccessPoints returns the access points of bucket.
func (l AccessPoints) AccessPoints(_ context.Context, bucket string) ([]AccessPoint, error) {
	var out []AccessPoint
	for _, a := range l {
		if a.Bucket == bucket {
			out = append(out, a)
		}
	}
	return out, nil
}

// S3Control reads account-level settings through S3 Control: the
// account's Block Public Access and the access points. It implements
// [AccessPointLister].
type S3Control struct {
	Client S3ControlAPI
	// Account is the 12-digit account id (S3 Control calls need it).
	Account string
}

// checkClients refuses a Control without a client and an AccessPoints
// lister that is a nil pointer, before any request is sent.
func (o *FetchOptions) checkClients() error {
	if o.Control != nil && isNil(o.Control.Client) {
		return invalid("Control has a nil client")
	}
	if o.AccessPoints != nil && isNil(o.AccessPoints) {
		return invalid("nil AccessPoints lister")
	}
	if o.MultiRegionAccessPoints != nil && isNil(o.MultiRegionAccessPoints) {
		return invalid("nil MultiRegionAccessPoints lister")
	}
	return nil
}

// AccountBlock returns the account's Block Public Access; all off when none
// is configured (NoSuchPublicAccessBlockConfiguration).
func (c S3Control) AccountBlock(ctx context.Context) (policy.BlockPublicAccess, error) {
	out, err := c.Client.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(c.Account)}, noSetupRetryControl)
	if isCode(err, "NoSuchPublicAccessBlockConfiguration") {
		return policy.BlockPublicAccess{}, nil
	}
	if err != nil {
		return policy.BlockPublicAccess{}, wrap("GetPublicAccessBlock", c.Account, err)
	}
	return controlBPA(out.PublicAccessBlockConfiguration), nil
}

// AccessPoints lists the bucket's access points with their policies, as
// S3 Control in the Region of c.Client answers: an access point lives in
// its bucket's Region, and S3 Control refuses to list a bucket's access
// points from another Region (InvalidRequest "Amazon S3 AccessPoint can
// only be listed for bucket in the same region"). [Fetch] (and so
// [AnalyzeBucket] and [AnalyzeAll]) reads them in the bucket's Region
// whatever the client's.
func (c S3Control) AccessPoints(ctx context.Context, bucket string) ([]AccessPoint, error) {
	return c.accessPointsIn(ctx, bucket, noSetupRetryControl)
}

// accessPointsIn is AccessPoints with optFns on every request (the
// bucket's Region, a plain-HTTP guard).
func (c S3Control) accessPointsIn(ctx context.Context, bucket string, optFns ...func(*s3control.Options)) ([]AccessPoint, error) {
	var out []AccessPoint
	p := s3control.NewListAccessPointsPaginator(c.Client, &s3control.ListAccessPointsInput{AccountId: aws.String(c.Account), Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, optFns...)
		if err != nil {
			return nil, wrap("ListAccessPoints", bucket, err)
		}
		for _, ap := range page.AccessPointList {
			name := aws.ToString(ap.Name)
			got, err := c.Client.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(c.Account), Name: ap.Name}, optFns...)
			if err != nil {
				return nil, wrap("GetAccessPoint", name, err)
			}
			a := AccessPoint{
				Name: name, ARN: aws.ToString(ap.AccessPointArn), Account: c.Account, Bucket: bucket,
				NetworkOrigin:     string(got.NetworkOrigin),
				BlockPublicAccess: controlBPA(got.PublicAccessBlockConfiguration),
			}
			pol, err := c.Client.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(c.Account), Name: ap.Name}, optFns...)
			switch {
			case isCode(err, "NoSuchAccessPointPolicy"):
			case err != nil:
				return nil, wrap("GetAccessPointPolicy", name, err)
			default:
				a.Policy = aws.ToString(pol.Policy)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

func controlBPA(c *s3controltypes.PublicAccessBlockConfiguration) policy.BlockPublicAccess {
	if c == nil {
		return policy.BlockPublicAccess{}
	}
	return policy.BlockPublicAccess{
		BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
		BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
	}
}

// FetchOptions configures [Fetch], [AnalyzeBucket] and [AnalyzeAll]. Owner
// is required.
type FetchOptions struct {
	// Owner is the 12-digit account that owns the buckets. Required (nil
	// options are refused with ErrInvalidInput before any request): it
	// tells the owner's principals from other accounts'. STS
	// GetCallerIdentity gives the caller's account.
	Owner string
	// Control, when set, supplies the account's Block Public Access, the
	// access points and the Multi-Region Access Points through S3 Control.
	// Without it the account setting is taken as AccountBlock, access
	// points from AccessPoints and Multi-Region Access Points from
	// MultiRegionAccessPoints.
	Control *S3Control
	// AccountBlock is the account-level Block Public Access when Control is
	// nil (all off when nil: the conservative reading for an analysis,
	// since it reports more, never less).
	AccountBlock *policy.BlockPublicAccess
	// AccessPoints lists access points when Control is nil. Without
	// either, no access point is read and BucketState.Unread says so.
	AccessPoints AccessPointLister
	// MultiRegionAccessPoints lists the Multi-Region Access Points in front
	// of the bucket when Control is nil. Without either, none is read and
	// BucketState.Unread says so.
	MultiRegionAccessPoints MultiRegionAccessPointLister
	// Analyze sets the zone of trust.
	Analyze *AnalyzeOptions
	// Concurrency bounds how many buckets [AnalyzeAll] reads at once;
	// DefaultConcurrency when zero.
	Concurrency int
	// Region is the bucket's Region for [Fetch] and [AnalyzeBucket]; the
	// S3 calls are signed for it. When empty the client's Region is used,
	// and a bucket S3 says is elsewhere is followed there once.
	// [AnalyzeAll] sets it per bucket from ListBuckets.
	Region string
	// Progress, when set, is called by [AnalyzeAll] after each bucket,
	// never concurrently.
	Progress func(Progress)

	// AllowInsecureTransport lets Fetch, AnalyzeBucket and AnalyzeAll read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError]:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) can rewrite them into "nothing public" and read the
	// policies. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it
	// only for a test server on a network you trust, or a client you know
	// uses TLS.
	AllowInsecureTransport bool
}

// Progress reports [AnalyzeAll]'s progress after one bucket.
type Progress struct {
	// Done of Total buckets are analyzed.
	Done, Total int
	// Bucket is the bucket just analyzed, and Err its BucketResult.Err (a
	// [*RegionError] for a bucket of a Region AnalyzeAll could not reach).
	Bucket string
	Err    error
}

// Fetch reads a bucket's state for [Analyze]: policy, ACL, ownership
// controls, Block Public Access (bucket and account), access points (read
// in the bucket's Region, where they live, with Control) and the
// Multi-Region Access Points in front of the bucket (read in us-west-2,
// the only Region that serves them). Settings that are not
// configured (NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration,
// OwnershipControlsNotFoundError) read as absent. Access points and
// Multi-Region Access Points that opts gives no way to read are listed in
// BucketState.Unread, never taken as none without saying so.
//
// Errors: [ErrInvalidInput] for a bad bucket name or owner, or a Control
// whose client cannot read Multi-Region Access Points; [*Error] for a
// failed call (matching [ErrAccessDenied]).
func Fetch(ctx context.Context, client S3API, bucket string, opts *FetchOptions) (*BucketState, error) {
	if isNil(client) {
		return nil, invalid("nil client")
	}
	var o FetchOptions
	if opts != nil {
		o = *opts
	}
	if !validBucketName(bucket) {
		return nil, invalid("bad bucket name %q", bucket)
	}
	if err := o.checkOwner(); err != nil {
		return nil, err
	}
	if err := o.checkClients(); err != nil {
		return nil, err
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "Fetch", "FetchOptions", o.fetchProbes(client, bucket)...); err != nil {
			return nil, err
		}
	}
	b := &BucketState{Name: bucket, Owner: o.Owner, Region: o.Region}
	optFns := o.regionOpt(o.Region)
	pol, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)}, optFns...)
	if r := regionHint(err); o.Region == "" && r != "" {
		// Asked through another Region, S3 names the bucket's own.
		b.Region, optFns = r, o.regionOpt(r)
		pol, err = client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)}, optFns...)
	}
	switch {
	case isCode(err, "NoSuchBucketPolicy"):
	case err != nil:
		return nil, wrap("GetBucketPolicy", bucket, err)
	default:
		b.Policy = aws.ToString(pol.Policy)
	}
	own, err := client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)}, optFns...)
	switch {
	case isCode(err, "OwnershipControlsNotFoundError"):
	case err != nil:
		return nil, wrap("GetBucketOwnershipControls", bucket, err)
	case own.OwnershipControls != nil:
		for _, r := range own.OwnershipControls.Rules {
			if r.ObjectOwnership == s3types.ObjectOwnershipBucketOwnerEnforced {
				b.ACLsDisabled = true
			}
		}
	}
	acl, err := client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String(bucket)}, optFns...)
	if err != nil {
		return nil, wrap("GetBucketAcl", bucket, err)
	}
	if acl.Owner != nil {
		b.OwnerCanonicalID = aws.ToString(acl.Owner.ID)
	}
	for _, g := range acl.Grants {
		if g.Grantee == nil {
			continue
		}
		b.ACL = append(b.ACL, policy.ACLGrant{GranteeURI: aws.ToString(g.Grantee.URI), GranteeID: aws.ToString(g.Grantee.ID), Permission: string(g.Permission)})
	}
	bpa, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)}, optFns...)
	switch {
	case isCode(err, "NoSuchPublicAccessBlockConfiguration"):
	case err != nil:
		return nil, wrap("GetPublicAccessBlock", bucket, err)
	default:
		b.BlockPublicAccess = fromS3(bpa.PublicAccessBlockConfiguration)
	}
	lister, mrapLister := o.AccessPoints, o.MultiRegionAccessPoints
	switch {
	case o.Control != nil:
		if b.AccountBlock, err = o.Control.AccountBlock(ctx); err != nil {
			return nil, err
		}
		lister, mrapLister = o.Control, o.Control
	case o.AccountBlock != nil:
		b.AccountBlock = *o.AccountBlock
	}
	var apErr error
	switch l := lister.(type) {
	case nil:
		b.Unread = append(b.Unread, UnreadAccessPoints)
	case *S3Control:
		b.AccessPoints, apErr = l.accessPointsIn(ctx, bucket, o.controlRegionOpt(fetchedRegion(b, client))...)
	case S3Control:
		b.AccessPoints, apErr = l.accessPointsIn(ctx, bucket, o.controlRegionOpt(fetchedRegion(b, client))...)
	default:
		b.AccessPoints, apErr = l.AccessPoints(ctx, bucket)
	}
	if apErr != nil {
		return nil, apErr
	}
	if mrapLister == nil || mrapOutsidePartition(mrapLister) {
		b.Unread = append(b.Unread, UnreadMultiRegionAccessPoints)
	} else if b.MultiRegionAccessPoints, err = mrapLister.MultiRegionAccessPoints(ctx, bucket); err != nil {
		return nil, err
	}
	return b, nil
}

// mrapOutsidePartition reports whether l is S3 Control whose client is in
// another partition than us-west-2's, the only Region that serves
// Multi-Region Access Points: its credentials are not valid there ("You
// cannot use IAM credentials from one partition to interact with
// resources in a different partition", AWS Fault Isolation Boundaries),
// so they are not read (and the client's credentials not sent there).
func mrapOutsidePartition(l MultiRegionAccessPointLister) bool {
	var c any
	switch l := l.(type) {
	case *S3Control:
		c = l.Client
	case S3Control:
		c = l.Client
	default:
		return false
	}
	_, out := mrap.OutsidePartition(c)
	return out
}

// AnalyzeBucket is [Fetch] followed by [Analyze]. Access through what opts
// gives no way to read (access points or Multi-Region Access Points
// without Control or a lister) cannot be reported: a bucket policy
// statement that delegates access to them is a blocking finding with an
// Error (see BucketState.Unread); call Fetch and Analyze to see
// BucketState.Unread itself.
func AnalyzeBucket(ctx context.Context, client S3API, bucket string, opts *FetchOptions) ([]Finding, error) {
	b, err := Fetch(ctx, client, bucket, opts)
	if err != nil {
		return nil, err
	}
	var ao *AnalyzeOptions
	if opts != nil {
		ao = opts.Analyze
	}
	return Analyze(b, ao)
}

// BucketResult is the offline analysis of one bucket by [AnalyzeAll].
type BucketResult struct {
	Bucket   string
	Findings []Finding
	// Err is set when the bucket could not be read or analyzed (a
	// [*RegionError] for a bucket of a Region AnalyzeAll could not reach);
	// Findings is then empty, which says nothing about the bucket. The
	// other buckets are still analyzed.
	Err error
}

// AnalyzeAll lists every bucket (ListBuckets, all pages) and analyzes each,
// at most opts.Concurrency at a time. With opts.Control, the account's
// Block Public Access and its Multi-Region Access Points are read once for
// all buckets. Results are in bucket-name order; a
// bucket that fails has its Err set and does not stop the others, unless
// it fails with a setup problem (credentials that cannot be retrieved or
// that AWS refuses, an untrusted TLS certificate, an endpoint that cannot
// be reached): every other bucket would fail the same way, so AnalyzeAll
// stops at once and returns that first error.
//
// Unless the problem is one Region's. A bucket's S3 reads go to its
// Region's endpoint, and a setup problem can be that endpoint's alone: S3
// in an opt-in Region that is not enabled for the account, or that
// refuses a session token from the global STS endpoint ("Version 1
// tokens are valid only in AWS Regions that are available by default",
// IAM API reference, SetSecurityTokenServicePreferences), answers 400
// InvalidToken. When a bucket of another Region than the client's meets
// one in its S3 reads, AnalyzeAll asks the client's Region once more (one
// ListBuckets): if it answers, the problem is that Region's and the run
// goes on. That Region's buckets, the one that met it, those in flight
// that meet it too and those not yet started (which get no request), have
// Err a [*RegionError] naming the Region and wrapping the bucket's
// [*Error], and no Findings: not analysed, never "no finding". If the
// client's Region refuses too, the run stops as above.
//
// Each bucket is analyzed in a goroutine of its own, which calls
// opts.Progress. A panic there (in Progress, in the client, or a bug)
// stops the run the same way, and once the buckets in flight have ended
// AnalyzeAll panics with it in the caller's goroutine, returning nothing
// (see "Panics" in the s3secure package documentation).
//
// Errors: [ErrInvalidInput] for a bad owner or negative concurrency;
// [*Error] when ListBuckets fails or a bucket fails with a setup problem
// that is not one Region's; ctx's error when it is cancelled.
func AnalyzeAll(ctx context.Context, client S3API, opts *FetchOptions) ([]BucketResult, error) {
	if isNil(client) {
		return nil, invalid("nil client")
	}
	var o FetchOptions
	if opts != nil {
		o = *opts
	}
	if err := o.checkOwner(); err != nil {
		return nil, err
	}
	if err := o.checkClients(); err != nil {
		return nil, err
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "AnalyzeAll", "FetchOptions", o.fetchProbes(client, "")...); err != nil {
			return nil, err
		}
	}
	if o.Concurrency < 0 {
		return nil, invalid("negative concurrency %d", o.Concurrency)
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	var names []string
	regions := map[string]string{}
	// Paginated (MaxBuckets): "All unpaginated ListBuckets requests will
	// be rejected for AWS accounts with a general purpose bucket quota
	// greater than 10,000" (S3 user guide, General purpose bucket quotas),
	// and only paginated requests return each bucket's Region.
	p := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(10000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, noSetupRetryS3)
		if err != nil {
			return nil, wrap("ListBuckets", "", err)
		}
		for _, b := range page.Buckets {
			names = append(names, aws.ToString(b.Name))
			regions[aws.ToString(b.Name)] = aws.ToString(b.BucketRegion)
		}
	}
	sort.Strings(names)
	if o.Control != nil {
		// Read the account setting once, not once per bucket.
		bpa, err := o.Control.AccountBlock(ctx)
		if err != nil {
			return nil, err
		}
		o.AccountBlock = &bpa
		// And the Multi-Region Access Points: one listing for all buckets
		// (none from another partition than us-west-2's: Fetch marks
		// them unread).
		o.AccessPoints, o.MultiRegionAccessPoints = o.Control, nil
		if !mrapOutsidePartition(o.Control) {
			mraps, err := o.Control.multiRegionAccessPoints(ctx, "")
			if err != nil {
				return nil, err
			}
			o.MultiRegionAccessPoints = AccessPoints(mraps)
		}
		o.Control = nil
	}
	// A setup problem met at another Region's endpoint, while the client's
	// own (which listed the buckets) still answers, is that Region's: its
	// buckets are not analysed, the others are.
	clientRegion := ""
	if c, ok := client.(interface{ Options() s3.Options }); ok {
		clientRegion = c.Options().Region
	}
	confined := &setuperr.Regions{Home: clientRegion, Call: "analyzer.AnalyzeAll", Check: func(ctx context.Context) error {
		_, err := client.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)}, noSetupRetryS3)
		return err
	}}
	results := make([]BucketResult, len(names))
	sem := make(chan struct{}, o.Concurrency)
	var progressMu sync.Mutex
	done := 0
	// A setup problem stops the run: every other bucket would fail the
	// same way. So does a panic, which Wait raises again here.
	run, stop := context.WithCancel(ctx)
	defer stop()
	group := workers.New("analyzer.AnalyzeAll", stop)
	var setupOnce sync.Once
	var setupErr error
	finish := func() ([]BucketResult, error) {
		group.Wait()
		if setupErr != nil {
			return nil, setupErr
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return results, nil
	}
	for i, name := range names {
		results[i].Bucket = name
		select {
		case sem <- struct{}{}:
		case <-run.Done():
			return finish()
		}
		if run.Err() != nil {
			<-sem
			return finish()
		}
		bo := o
		bo.Region = regions[name]
		group.Go(func() {
			defer func() { <-sem }()
			if down := confined.Down(bo.Region); down != nil {
				results[i].Err = down // no request: the Region is known unreachable
			} else {
				results[i].Findings, results[i].Err = AnalyzeBucket(run, client, name, &bo)
				if down := confined.Confine(run, s3Region(bo.Region, results[i].Err), results[i].Err); down != nil {
					results[i].Findings, results[i].Err = nil, down
				}
			}
			if setuperr.Is(results[i].Err) && !errors.As(results[i].Err, new(*RegionError)) {
				setupOnce.Do(func() { setupErr = results[i].Err; stop() })
			}
			if o.Progress != nil {
				progressMu.Lock()
				defer progressMu.Unlock()
				done++
				o.Progress(Progress{Done: done, Total: len(names), Bucket: name, Err: results[i].Err})
			}
		})
	}
	return finish()
}

// s3Region returns region when err is the error of one of Fetch's calls
// sent to the bucket's Region: its S3 calls, and S3 Control's reads of
// the bucket's access points (S3 Control lists them in the bucket's
// Region only); "" for the other S3 Control calls (the account's Block
// Public Access, Multi-Region Access Points in us-west-2), whose endpoint
// is not the bucket's Region's.
func s3Region(region string, err error) string {
	var e *Error
	if errors.As(err, &e) {
		switch e.Op {
		case "GetBucketPolicy", "GetBucketOwnershipControls", "GetBucketAcl", "GetPublicAccessBlock",
			"ListAccessPoints", "GetAccessPoint", "GetAccessPointPolicy":
			return region
		}
	}
	return ""
}

// regionOpt returns the options of Fetch's S3 calls: no retries of a
// setup problem, the bucket's Region when known, and unless
// AllowInsecureTransport a refusal ([*RemotePlainHTTPError]) of each
// request that would go over plain HTTP to a host that is not loopback:
// the probe saw the endpoint of the client's Region, and the bucket's
// Region's may be elsewhere (a custom endpoint resolver).
func (o *FetchOptions) regionOpt(region string) []func(*s3.Options) {
	opts := []func(*s3.Options){noSetupRetryS3}
	if region != "" {
		opts = append(opts, func(so *s3.Options) { so.Region = region })
	}
	if !o.AllowInsecureTransport {
		g := plainhttp.Guard(plainhttp.Error{Call: "analyzer.Fetch", Option: "FetchOptions.AllowInsecureTransport"})
		opts = append(opts, func(so *s3.Options) { so.APIOptions = plainhttp.Append(so.APIOptions, g) })
	}
	return opts
}

// fetchedRegion returns the bucket's Region: the one given or S3 named
// (b.Region), else that of client, whose endpoint answered for the bucket
// without naming another; "" when neither is known.
func fetchedRegion(b *BucketState, client S3API) string {
	if b.Region != "" {
		return b.Region
	}
	if c, ok := client.(interface{ Options() s3.Options }); ok {
		return c.Options().Region
	}
	return ""
}

// controlRegionOpt returns the options of the S3 Control requests that
// read a bucket's access points: no retries of a setup problem, the
// bucket's Region when known (an access point lives in its bucket's
// Region, and S3 Control lists them in that Region only), and
// unless AllowInsecureTransport a refusal of each request that would go
// over plain HTTP to a host that is not loopback: the probe saw the
// endpoint of the S3 Control client's Region, and the bucket's Region's
// may be elsewhere.
func (o *FetchOptions) controlRegionOpt(region string) []func(*s3control.Options) {
	opts := []func(*s3control.Options){noSetupRetryControl}
	if region != "" {
		opts = append(opts, func(co *s3control.Options) { co.Region = region })
	}
	if !o.AllowInsecureTransport {
		g := plainhttp.Guard(plainhttp.Error{Call: "analyzer.Fetch", Option: "FetchOptions.AllowInsecureTransport"})
		opts = append(opts, func(co *s3control.Options) { co.APIOptions = plainhttp.Append(co.APIOptions, g) })
	}
	return opts
}

var (
	regionRE    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
	expectingRE = regexp.MustCompile(`expecting '([a-z0-9-]+)'`)
)

// regionHint returns the Region S3 names in a wrong-Region error (the
// x-amz-bucket-region header, or the message of
// AuthorizationHeaderMalformed: "… expecting 'eu-west-1'"), or "".
func regionHint(err error) string {
	if err == nil {
		return ""
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); regionRE.MatchString(r) {
			return r
		}
	}
	if isCode(err, "AuthorizationHeaderMalformed") || isCode(err, "PermanentRedirect") {
		if m := expectingRE.FindStringSubmatch(err.Error()); m != nil && regionRE.MatchString(m[1]) {
			return m[1]
		}
	}
	return ""
}

func isCode(err error, code string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == code
}

func fromS3(c *s3types.PublicAccessBlockConfiguration) policy.BlockPublicAccess {
	if c == nil {
		return policy.BlockPublicAccess{}
	}
	return policy.BlockPublicAccess{
		BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
		BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
	}
}

// checkOwner refuses a missing or malformed Owner, saying which field it is
// and where its value comes from: nil options are the first call a
// newcomer writes.
func (o *FetchOptions) checkOwner() error {
	if o.Owner == "" {
		return invalid("FetchOptions.Owner is required: the 12-digit account that owns the buckets (STS GetCallerIdentity gives the caller's)")
	}
	if !policy.IsAccountID(o.Owner) {
		return invalid("FetchOptions.Owner %q is not a 12-digit account id", o.Owner)
	}
	return nil
}
