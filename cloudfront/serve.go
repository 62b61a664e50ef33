package cloudfront

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/s3secure/s3secure/policy"
)

// Options configures [ServeBucket]. A nil *Options means the defaults, which
// are the secure choices listed in the package documentation. Fields named
// Allow… or Insecure… weaken them; each says how.
type Options struct {
	// DistributionID is the distribution to put in front of the bucket. It
	// must already have an S3 origin for the bucket. By default the
	// distribution whose origin is the bucket is found by listing
	// distributions, and one is created when there is none.
	DistributionID string
	// Region is the bucket's region. By default it is read with
	// GetBucketLocation.
	Region string
	// OriginAccessControlName is the name of the origin access control to
	// find or create. By default OACName(bucket).
	OriginAccessControlName string
	// Comment is the comment of a created distribution. By default it names
	// the bucket.
	Comment string
	// Aliases are alternate domain names (CNAMEs) for a created
	// distribution. They need CertificateARN.
	Aliases []string
	// CertificateARN is an ACM certificate in us-east-1 for the aliases. With
	// it the distribution uses SNI and DefaultMinimumProtocolVersion; an
	// existing distribution keeps its dedicated-IP set-up (vip, static-ip)
	// and a stricter TLS policy it already has (TLSv1.2_2025,
	// TLSv1.3_2025): the floor is only ever raised.
	CertificateARN string
	// HTTPSOnly refuses plain HTTP viewers instead of redirecting them.
	HTTPSOnly bool
	// DefaultRootObject is served for "/". By default DefaultRootObject.
	DefaultRootObject string
	// CachePolicyID replaces the managed CachingOptimized cache policy.
	CachePolicyID string
	// ResponseHeadersPolicyID replaces the managed SecurityHeadersPolicy.
	ResponseHeadersPolicyID string
	// HTTPVersion replaces DefaultHTTPVersion on a created distribution.
	HTTPVersion types.HttpVersion
	// PriceClass replaces DefaultPriceClass on a created distribution.
	PriceClass types.PriceClass
	// DisableIPv6 turns IPv6 off on a created distribution.
	DisableIPv6 bool
	// WebACLID attaches an AWS WAF web ACL (WAFv2: the web ACL's ARN) to a
	// created distribution.
	WebACLID string
	// TrustedKeyGroupIDs, when set, makes the behaviors that serve the
	// bucket accept only requests with a valid signed URL or signed cookies
	// from a key in one of these key groups (see [CreateKeyGroup] and
	// [Signer]); the AWS accounts such a behavior trusted as signers
	// (legacy TrustedSigners: CloudFront key pairs) are removed from it.
	// By default requests need no signature, and an existing requirement
	// is kept.
	TrustedKeyGroupIDs []string
	// Tags are added to a created distribution, next to the
	// "s3secure-bucket" tag.
	Tags map[string]string

	// KMS is used, with ApplyKeyPolicy, to add the CloudFront statement to
	// the policy of the bucket's SSE-KMS key.
	KMS KMSAPI
	// ApplyKeyPolicy adds Result.KeyPolicyStatement to the key's policy
	// through KMS. By default the statement is only returned, for the key's
	// owner to add.
	ApplyKeyPolicy bool

	// InsecureAllowHTTPViewers serves viewers over plain HTTP as well
	// (viewer protocol policy allow-all): content and any signed URL or
	// cookie travel in clear text and can be read or altered on the way.
	InsecureAllowHTTPViewers bool
	// InsecureMinimumProtocolVersion replaces DefaultMinimumProtocolVersion
	// for a custom certificate, for example TLSv1.2_2019 for old clients.
	// Older policies allow TLS 1.0/1.1 or ciphers without forward secrecy.
	InsecureMinimumProtocolVersion types.MinimumProtocolVersion
	// AllowNoResponseHeadersPolicy leaves behaviors without a response
	// headers policy: no HSTS, no X-Content-Type-Options, no frame
	// protection on the distribution's responses.
	AllowNoResponseHeadersPolicy bool
	// AllowNoDefaultRootObject leaves the default root object unset, so a
	// request for "/" goes to the bucket itself (403 with OAC, a key listing
	// if s3:ListBucket is ever granted).
	AllowNoDefaultRootObject bool
	// ExpectedBucketOwner is the 12-digit account id that must own the
	// bucket. It is sent with every S3 request, and S3 refuses the request
	// with 403 AccessDenied when someone else owns the bucket (a bucket of
	// the same name created after yours was deleted), so no distribution is
	// ever wired to it. By default, the account of the distribution (the
	// given one, or the one found): the bucket must then be in the
	// distribution's account; set this for a bucket in another account.
	// Before a distribution is created its account is unknown, and the
	// checks made before creating it go without ExpectedBucketOwner; among
	// them is a read of the bucket policy, which S3 answers only to the
	// bucket owner's account, so a bucket someone else owns is still
	// refused before the distribution exists.
	ExpectedBucketOwner string

	// AllowPublicAccessBlockOff wires a bucket whose Block Public Access
	// settings are not all on. Such a bucket can be made public by a policy
	// or ACL change, bypassing CloudFront entirely; the result then carries
	// a warning, and one naming each public grant the bucket's ACL already
	// has while IgnorePublicAcls is off ([BucketACLReader]). By default
	// ServeBucket refuses with ErrPublicAccessBlockOff before changing
	// anything.
	AllowPublicAccessBlockOff bool

	// AllowUnscopedCloudFrontAccess wires a bucket whose policy already
	// lets CloudFront in for distributions it does not name one by one (a
	// statement for cloudfront.amazonaws.com without AWS:SourceArn, with an
	// ARN pattern, or with aws:SourceAccount, aws:SourceOrgID or
	// aws:SourceOrgPaths only): such distributions,
	// of any account for a statement without a source condition, read the
	// bucket around the one wired. The result then carries a warning
	// naming the statements. By default ServeBucket refuses with
	// ErrUnscopedCloudFrontAccess before changing anything.
	AllowUnscopedCloudFrontAccess bool

	// AllowInsecureTransport lets ServeBucket run with a CloudFront or S3
	// client (or, with ApplyKeyPolicy, a KMS client, whose key policy read
	// decides the key policy written) that sends its requests over plain
	// HTTP to a host that is not
	// loopback (127.0.0.0/8, ::1, localhost), or that does not let the call
	// see its endpoint (a wrapper that drops the per-call options, a test
	// double: refused with an empty Endpoint). By default it is refused
	// before any request with a [*RemotePlainHTTPError]: SigV4 signs the
	// requests, but nothing authenticates the answers, so anyone on the
	// network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) could rewrite the distributions and bucket policies
	// its refusals and warnings are read from. It is not the viewers'
	// protocol (see HTTPSOnly). Set it only for a test server on a network
	// you trust.
	AllowInsecureTransport bool
}

// Change is what a step did.
type Change string

// Changes a step reports.
const (
	ChangeNone    Change = "none"
	ChangeCreated Change = "create"
	ChangeUpdated Change = "update"
	ChangeRemoved Change = "remove"
)

// Steps, as reported in Action.Step and StepError.Step.
const (
	StepCheckBucket         = "check-bucket"
	StepOriginAccessControl = "origin-access-control"
	StepOriginAccessID      = "origin-access-identity"
	StepFindDistribution    = "find-distribution"
	StepCreateDistribution  = "create-distribution"
	StepUpdateDistribution  = "update-distribution"
	StepBucketPolicy        = "bucket-policy"
	StepKeyPolicy           = "kms-key-policy"
	StepWaitDeployed        = "wait-deployed"
	StepRemoveOAIStatement  = "remove-oai-statement"
	StepDeleteOAI           = "delete-origin-access-identity"
)

// Action is one step taken, for people and scripts to read.
type Action struct {
	Step   string
	Change Change
	Detail string
}

// String formats the action as "step: change: detail".
func (a Action) String() string { return a.Step + ": " + string(a.Change) + ": " + a.Detail }

// Result describes the distribution serving the bucket and what was done.
type Result struct {
	Bucket string
	Region string
	// DistributionID, DistributionARN and DomainName identify the
	// distribution; viewers use https://DomainName/.
	DistributionID  string
	DistributionARN string
	DomainName      string
	// Status is the distribution's status after the last step (InProgress
	// or Deployed).
	Status string
	// OriginAccessControlID is the OAC the origin uses.
	OriginAccessControlID string
	// KMSKeyID is the bucket's default SSE-KMS key, "" without SSE-KMS.
	KMSKeyID string
	// KeyPolicyStatement is the statement the KMS key's policy needs so
	// the distribution can decrypt objects (kms:Decrypt for
	// cloudfront.amazonaws.com, only for this distribution). Nil without
	// SSE-KMS.
	KeyPolicyStatement *policy.Statement
	// Actions lists every step, including the ones that changed nothing.
	Actions []Action
	// Warnings are conditions that did not stop the wiring but deserve
	// attention.
	Warnings []string
	// UnscopedStatements names (quoted Sid, or #index) the bucket policy
	// statements that let cloudfront.amazonaws.com in for distributions
	// they do not name one by one, which the call kept: [Migrate] warns
	// about them instead of refusing, and so does [ServeBucket] with
	// Options.AllowUnscopedCloudFrontAccess. Each is also in Warnings.
	// Through them a distribution other than this one (of any account, for
	// a statement without a source condition) reads the bucket, so a gate
	// on "CloudFront's only way in is this distribution" fails while it is
	// not empty.
	UnscopedStatements []string
}

// Changed reports whether any step changed anything.
func (r *Result) Changed() bool {
	for _, a := range r.Actions {
		if a.Change != ChangeNone {
			return true
		}
	}
	return false
}

func (r *Result) add(a Action) { r.Actions = append(r.Actions, a) }

// ServeBucket puts an existing private bucket behind a CloudFront
// distribution with Origin Access Control, and keeps it private:
//
//  1. it checks the bucket: valid name, Block Public Access fully on (else
//     ErrPublicAccessBlockOff), region, default encryption;
//  2. it finds the origin access control OACName(bucket) or creates it
//     (origin type s3, SigV4, signing always), fixing its signing settings
//     if they were changed;
//  3. it creates a distribution with the bucket's regional REST endpoint as
//     origin and the secure defaults, or, for an existing distribution (the
//     given one or the one found), switches every origin for the bucket
//     (one per origin path, say) to the OAC and enforces the secure
//     defaults on the behaviors that reach the bucket, through one of
//     those origins or an origin group holding one,
//     with GetDistributionConfig and UpdateDistribution with If-Match (a
//     configuration changed by someone else in between is read, checked
//     and secured again, MaxConfigWriteAttempts writes at most; see
//     "Writes" in the package documentation);
//  4. it merges into the bucket policy the statement that lets CloudFront
//     read objects for this distribution only, keeping every other
//     statement, with the package's write discipline (see "Writes" in the
//     package documentation); for an existing distribution this happens
//     before the origin switch, so reads never fail on the way;
//  5. with SSE-KMS it returns the key policy statement, and adds it to the
//     key's policy when Options.ApplyKeyPolicy is set.
//
// A create whose response was lost and that the client's retryer sent
// again (DistributionAlreadyExists, OriginAccessControlAlreadyExists) goes
// on with what the first request made, as "Writes" in the package
// documentation describes; a distribution that does not carry this call's
// CallerReference, origin and OAC is never adopted.
//
// Running it again with the same options changes nothing and writes
// nothing. An origin that still uses a legacy origin access identity is
// refused with ErrUsesOAI: use [Migrate].
//
// Errors: [ErrInvalidBucket] and [ErrInvalidOptions] before any request,
// and [ErrPlainHTTPEndpoint] (see Options.AllowInsecureTransport);
// otherwise a [*StepError] wrapping [ErrPublicAccessBlockOff],
// [ErrAmbiguousDistribution], [ErrOriginNotFound], [ErrWebsiteEndpoint],
// [ErrUsesOAI], [ErrForwardsHost], [ErrPolicyConflict], [ErrSidConflict]
// ([*SidConflictError]: see "Whose statement is under our Sid" in the
// package documentation),
// [ErrUnscopedCloudFrontAccess], [ErrConflict],
// [ErrConcurrentUpdate], [ErrOACMisconfigured] or the SDK's error (AccessDenied when the bucket
// belongs to an account other than the expected owner;
// *types.DistributionAlreadyExists when no distribution this call asked
// for carries its CallerReference). The refusals of an existing
// distribution (website endpoint, custom origin, OAI, AllViewer origin
// request policy), of an OAC statement it cannot keep and of a bucket
// policy that lets distributions it does not name in come before any
// write, the origin access control's included. The Result holds the actions
// done before a failure.
func ServeBucket(ctx context.Context, cf CloudFrontAPI, s3c S3API, bucket string, opts *Options) (*Result, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if err := checkBucket(bucket); err != nil {
		return nil, err
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if err := checkClients(cf, s3c); err != nil {
		return nil, err
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "ServeBucket", "Options", bucket, cf, s3c); err != nil {
			return nil, err
		}
		if o.ApplyKeyPolicy && !isNil(o.KMS) {
			if err := refuseRemoteKMS(ctx, "ServeBucket", "Options", o.KMS); err != nil {
				return nil, err
			}
		}
	}
	res := &Result{Bucket: bucket, Region: o.Region}
	fail := func(step string, err error) (*Result, error) {
		return res, &StepError{Bucket: bucket, Distribution: res.DistributionID, Step: step, Err: err}
	}
	bkt := newBucketAPI(s3c, bucket, o.ExpectedBucketOwner)

	// A given distribution is read first: its account is the bucket's
	// expected owner for every S3 call.
	var dist *cfsdk.GetDistributionOutput
	if o.DistributionID != "" {
		res.DistributionID = o.DistributionID
		var err error
		if dist, err = cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String(o.DistributionID)}, noSetupRetryCF); err != nil {
			return fail(StepFindDistribution, err)
		}
		setDistribution(res, dist.Distribution)
		bkt.pinOwner(res.DistributionARN)
	}

	// 1. The bucket.
	on, ignoreACLs, err := bkt.publicAccessBlock(ctx)
	if err != nil {
		return fail(StepCheckBucket, err)
	}
	if !on {
		if !o.AllowPublicAccessBlockOff {
			return fail(StepCheckBucket, ErrPublicAccessBlockOff)
		}
		res.Warnings = append(res.Warnings, bkt.aroundCloudFront(ctx, ignoreACLs)...)
	}
	if res.Region == "" {
		if res.Region, err = bkt.region(ctx); err != nil {
			return fail(StepCheckBucket, err)
		}
	}
	if res.KMSKeyID, err = bkt.kmsKey(ctx); err != nil {
		return fail(StepCheckBucket, err)
	}

	// The distribution, checked before anything is written: an origin
	// that cannot be wired is refused without leaving an OAC behind.
	distID, distARN := o.DistributionID, res.DistributionARN
	if distID == "" {
		summary, err := findDistribution(ctx, cf, bucket)
		if err != nil {
			return fail(StepFindDistribution, err)
		}
		if summary != nil {
			distID = aws.ToString(summary.Id)
			distARN = aws.ToString(summary.ARN)
			bkt.pinOwner(distARN)
		}
	}
	var current *cfsdk.GetDistributionConfigOutput
	if distID != "" {
		res.DistributionID = distID
		if current, err = cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(distID)}, noSetupRetryCF); err != nil {
			return fail(StepFindDistribution, err)
		}
		if _, err := checkExisting(current.DistributionConfig, bucket, res.Region); err != nil {
			return fail(StepUpdateDistribution, err)
		}
	}

	// A bucket policy the grant would have to refuse (an OAC statement it
	// cannot keep, another way in for distributions it does not name) is
	// refused before any write: before the OAC, and before a distribution
	// is created or changed. S3 answers a bucket policy read only to the
	// bucket owner's account, so this read also stops a bucket someone
	// else owns before a distribution points at it. The grant checks the
	// policy again as it reads it for the write.
	doc, err := bkt.policy(ctx)
	if err != nil {
		return fail(StepBucketPolicy, err)
	}
	if err := checkOACSid(doc, bucket, distARN, partitionOf(distARN, res.Region)); err != nil {
		return fail(StepBucketPolicy, err)
	}
	if err := checkKeySid(ctx, &o, res.KMSKeyID, distARN); err != nil {
		return fail(StepKeyPolicy, err)
	}
	if !o.AllowUnscopedCloudFrontAccess {
		// Our statement is rewritten for the distribution: only the
		// others count.
		found, err := unscopedCloudFrontAccess(withoutSid(doc, OACStatementSid), bucket, res.Region, partitionOf(distARN, res.Region), bkt.ownerID(), bkt.accounts(distARN))
		if err != nil {
			return fail(StepBucketPolicy, err)
		}
		if len(found) > 0 {
			return fail(StepBucketPolicy, unscopedError(found))
		}
	}
	// The ways in the policy names and the wiring keeps: a warning each.
	named, err := namedWaysIn(doc, bucket, distARN, res.Region, bkt.ownerID(), bkt.accounts(distARN))
	if err != nil {
		return fail(StepBucketPolicy, err)
	}
	res.Warnings = append(res.Warnings, named...)

	// 2. The origin access control.
	name := o.OriginAccessControlName
	if name == "" {
		name = OACName(bucket)
	}
	oacID, act, err := ensureOAC(ctx, cf, name, bucket)
	if err != nil {
		return fail(StepOriginAccessControl, err)
	}
	res.OriginAccessControlID = oacID
	res.add(act)

	// 3 and 4. The distribution and the bucket policy.
	if distID == "" {
		if err := createDistribution(ctx, cf, &o, res); err != nil {
			return fail(StepCreateDistribution, err)
		}
		bkt.pinOwner(res.DistributionARN)
		if err := grantDistribution(ctx, bkt, res, nil, !o.AllowUnscopedCloudFrontAccess); err != nil {
			return fail(StepBucketPolicy, err)
		}
	} else {
		if err := updateDistribution(ctx, cf, bkt, &o, res, distID, dist); err != nil {
			var se *StepError
			if errors.As(err, &se) {
				se.Bucket, se.Distribution = bucket, res.DistributionID
				return res, se
			}
			return fail(StepUpdateDistribution, err)
		}
	}

	// 5. SSE-KMS.
	if res.KMSKeyID != "" {
		if err := keyPolicy(ctx, &o, res); err != nil {
			return fail(StepKeyPolicy, err)
		}
	}
	return res, nil
}

// listDistributions returns the summaries of every distribution (all
// pages) that has origins.
func listDistributions(ctx context.Context, cf CloudFrontAPI) ([]types.DistributionSummary, error) {
	var out []types.DistributionSummary
	p := cfsdk.NewListDistributionsPaginator(cf, &cfsdk.ListDistributionsInput{})
	seen := pageMarkers{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, noSetupRetryCF)
		if err != nil {
			return nil, err
		}
		if page.DistributionList == nil {
			break
		}
		if err := seen.check("distributions", page.DistributionList.NextMarker); err != nil {
			return nil, err
		}
		for _, s := range page.DistributionList.Items {
			if s.Origins != nil {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// findDistribution returns the one distribution with an origin for the
// bucket, nil when there is none.
func findDistribution(ctx context.Context, cf CloudFrontAPI, bucket string) (*types.DistributionSummary, error) {
	dists, err := listDistributions(ctx, cf)
	if err != nil {
		return nil, err
	}
	var found []types.DistributionSummary
	for _, s := range dists {
		for _, org := range s.Origins.Items {
			// A website-endpoint origin is found too, so that the update
			// refuses it with ErrWebsiteEndpoint instead of a second
			// distribution being created beside it.
			if d := aws.ToString(org.DomainName); isBucketDomain(d, bucket) || isWebsiteDomain(d, bucket) {
				found = append(found, s)
				break
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return &found[0], nil
	}
	ids := make([]string, len(found))
	for i, s := range found {
		ids[i] = aws.ToString(s.Id)
	}
	sort.Strings(ids)
	return nil, fmt.Errorf("%w: %v; pass Options.DistributionID", ErrAmbiguousDistribution, ids)
}

func createDistribution(ctx context.Context, cf CloudFrontAPI, o *Options, res *Result) error {
	ref := DefaultCallerReferencePrefix + res.Bucket + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	cfg := newDistributionConfig(o, res.Bucket, res.Region, res.OriginAccessControlID, ref)
	tags := []types.Tag{{Key: aws.String("s3secure-bucket"), Value: aws.String(res.Bucket)}}
	keys := make([]string, 0, len(o.Tags))
	for k := range o.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(o.Tags[k])})
	}
	out, err := cf.CreateDistributionWithTags(ctx, &cfsdk.CreateDistributionWithTagsInput{
		DistributionConfigWithTags: &types.DistributionConfigWithTags{DistributionConfig: cfg, Tags: &types.Tags{Items: tags}},
	}, noSetupRetryCF)
	var (
		made *types.Distribution
		lost string
	)
	switch {
	case err == nil:
		made = out.Distribution
	case apiCode(err) == "DistributionAlreadyExists":
		// The reference is new to this call, so a distribution carrying
		// it is the one this call's first request made, whose response
		// was lost before the SDK's retryer sent the request again.
		if made, err = createdDistribution(ctx, cf, res, ref, err); err != nil {
			return err
		}
		lost = " (its response was lost and CloudFront answered the SDK's retry DistributionAlreadyExists; found by CallerReference " + ref + ")"
	default:
		return err
	}
	setDistribution(res, made)
	tls := "default *.cloudfront.net certificate"
	if o.CertificateARN != "" {
		tls = "certificate " + o.CertificateARN + ", " + string(o.minTLS())
	}
	res.add(Action{Step: StepCreateDistribution, Change: ChangeCreated, Detail: fmt.Sprintf(
		"distribution %s (%s): origin %s via OAC %s, %s, GET/HEAD only, %s%s",
		res.DistributionID, res.DomainName, RESTEndpoint(res.Bucket, res.Region), res.OriginAccessControlID,
		o.viewerProtocol(), tls, lost)})
	return nil
}

// createdDistribution returns the distribution that carries the
// CallerReference ref this call sent, after CloudFront answered its create
// with exists (DistributionAlreadyExists). It looks only at the
// distributions whose summary has an origin for the bucket through this
// call's OAC (one listing, then one GetDistribution each), and returns the
// one whose configuration has ref, the bucket's REST endpoint and the OAC,
// as this call asked. None, or one with ref that is not what this call
// asked for, is exists with the reason: never adopted.
func createdDistribution(ctx context.Context, cf CloudFrontAPI, res *Result, ref string, exists error) (*types.Distribution, error) {
	dists, err := listDistributions(ctx, cf)
	if err != nil {
		return nil, fmt.Errorf("%w; listing distributions to find the one with CallerReference %s: %w", exists, ref, err)
	}
	origin := RESTEndpoint(res.Bucket, res.Region)
	for _, s := range dists {
		if !slices.ContainsFunc(s.Origins.Items, func(org types.Origin) bool {
			return isBucketDomain(aws.ToString(org.DomainName), res.Bucket) && aws.ToString(org.OriginAccessControlId) == res.OriginAccessControlID
		}) {
			continue
		}
		id := aws.ToString(s.Id)
		got, err := cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String(id)}, noSetupRetryCF)
		if err != nil {
			return nil, fmt.Errorf("%w; reading distribution %s to find the one with CallerReference %s: %w", exists, id, ref, err)
		}
		d := got.Distribution
		if d == nil || d.DistributionConfig == nil || aws.ToString(d.DistributionConfig.CallerReference) != ref {
			continue
		}
		i := bucketOrigin(d.DistributionConfig, res.Bucket)
		if i < 0 || aws.ToString(d.DistributionConfig.Origins.Items[i].DomainName) != origin ||
			aws.ToString(d.DistributionConfig.Origins.Items[i].OriginAccessControlId) != res.OriginAccessControlID {
			return nil, fmt.Errorf("%w; distribution %s has CallerReference %s but not the origin %s through OAC %s this call asked for: not adopted", exists, id, ref, origin, res.OriginAccessControlID)
		}
		return d, nil
	}
	return nil, fmt.Errorf("%w; no distribution with an origin for the bucket through OAC %s has this call's CallerReference %s: not adopted", exists, res.OriginAccessControlID, ref)
}

func setDistribution(res *Result, d *types.Distribution) {
	if d == nil {
		return
	}
	res.DistributionID = aws.ToString(d.Id)
	res.DistributionARN = aws.ToString(d.ARN)
	res.DomainName = aws.ToString(d.DomainName)
	res.Status = aws.ToString(d.Status)
}

// grantDistribution merges the OAC statement for res.DistributionARN into
// the bucket policy, with the package's write discipline (see
// changeDocument): merged into a fresh read, written, verified. A policy
// that would still let CloudFront in for distributions it does not name
// (unscopedCloudFrontAccess) is refused with ErrUnscopedCloudFrontAccess
// before the write when refuseUnscoped is set, and warned about otherwise.
func grantDistribution(ctx context.Context, bkt *bucketAPI, res *Result, scope *policy.Statement, refuseUnscoped bool) error {
	var others, unscoped []string
	created, blocked, denier := false, false, ""
	wrote, err := bkt.changePolicy(ctx, func(cur *policy.Document) (*policy.Document, bool, error) {
		merged, o, err := mergeGrant(cur, res.Bucket, res.DistributionARN, scope)
		if err != nil {
			return nil, false, err
		}
		if unscoped, err = unscopedCloudFrontAccess(merged.Document, res.Bucket, res.Region, partitionOf(res.DistributionARN, res.Region), bkt.ownerID(), bkt.accounts(res.DistributionARN)); err != nil {
			return nil, false, err
		}
		if len(unscoped) > 0 && refuseUnscoped {
			return nil, false, unscopedError(unscoped)
		}
		if denier, blocked, err = readBlocked(merged.Document, res.Bucket, res.Region, res.DistributionARN, bkt.ownerID()); err != nil {
			return nil, false, err
		}
		others = o
		if merged.Changed() {
			created = cur == nil
		}
		return merged.Document, merged.Changed(), nil
	})
	if err != nil {
		return err
	}
	if len(others) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the bucket policy statement %s also allows %v; they were kept", OACStatementSid, others))
	}
	if len(unscoped) > 0 {
		res.Warnings = append(res.Warnings, unscopedWarning(unscoped))
		res.UnscopedStatements = unscoped
	}
	if blocked {
		why := "no statement lets it"
		if denier != "" {
			why = "statement " + denier + " denies it"
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("the bucket policy does not let distribution %s read the objects %s covers: %s, so viewers get 403", res.DistributionARN, OACStatementSid, why))
	}
	act := Action{Step: StepBucketPolicy, Change: ChangeNone, Detail: fmt.Sprintf("%s allows s3:GetObject on %s to cloudfront.amazonaws.com for %s only", OACStatementSid, "arn:"+partitionOf(res.DistributionARN, res.Region)+":s3:::"+res.Bucket+"/*", res.DistributionARN)}
	if wrote {
		act.Change = ChangeUpdated
		if created {
			act.Change = ChangeCreated
		}
	}
	res.add(act)
	return nil
}

// mergeGrant merges the OAC statement for distARN into doc (nil: no
// policy), keeping the other distributions the statement already allows
// (returned). scope, when not nil, is the narrower statement to write when
// doc has no OAC statement yet (see oaiScope); nil means the whole bucket.
// When doc has one that does not name distARN yet, distARN joins its
// AWS:SourceArn list only if the statement grants no more than scope: an
// OAC statement another distribution was served with (on the whole
// bucket, say) would widen what distARN read through its origin access
// identity, and is refused with ErrPolicyConflict.
func mergeGrant(doc *policy.Document, bucket, distARN string, scope *policy.Statement) (*policy.MergeResult, []string, error) {
	if _, ok := statementBySid(doc, OACStatementSid); !ok && scope != nil {
		st := withSourceARNs(*scope, []string{distARN})
		merged, err := policy.Merge(doc, st)
		return merged, nil, err
	}
	st, others, err := oacStatement(doc, bucket, distARN)
	if err != nil {
		return nil, nil, err
	}
	if scope != nil && !namesDistribution(doc, distARN) {
		if mine := withSourceARNs(st, []string{distARN}); !policy.AllowsNoMoreThan(mine, withSourceARNs(*scope, []string{distARN})) {
			return nil, nil, fmt.Errorf("%w: statement %s (for %v) grants more than the origin access identity %s replaces was granted; adding %s to it would widen what that distribution reads: grant it the same access yourself (under another Sid, or narrow %s), and Migrate keeps it", ErrPolicyConflict, OACStatementSid, others, distARN, distARN, OACStatementSid)
		}
	}
	merged, err := policy.Merge(doc, st)
	return merged, others, err
}

// namesDistribution reports whether the OACStatementSid statement of doc
// already names distARN in its AWS:SourceArn condition: a grant its owner
// (or an earlier run) made for that distribution.
func namesDistribution(doc *policy.Document, distARN string) bool {
	arns, err := grantedSourceARNs(doc)
	return err == nil && containsString(arns, distARN)
}

// updateDistribution secures the existing distribution id (got is its
// GetDistribution output when already read, else nil).
func updateDistribution(ctx context.Context, cf CloudFrontAPI, bkt *bucketAPI, o *Options, res *Result, id string, got *cfsdk.GetDistributionOutput) error {
	if got == nil {
		var err error
		if got, err = cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String(id)}, noSetupRetryCF); err != nil {
			return &StepError{Step: StepFindDistribution, Err: err}
		}
	}
	setDistribution(res, got.Distribution)
	bkt.pinOwner(res.DistributionARN)
	cfgOut, err := cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)}, noSetupRetryCF)
	if err != nil {
		return &StepError{Step: StepFindDistribution, Err: err}
	}
	cfg := cfgOut.DistributionConfig
	changes, err := secureExisting(o, cfg, res.Bucket, res.Region, res.OriginAccessControlID)
	if err != nil {
		return &StepError{Step: StepUpdateDistribution, Err: err}
	}
	// Grant before switching: the distribution never signs with an OAC the
	// bucket does not yet trust.
	if err := grantDistribution(ctx, bkt, res, nil, !o.AllowUnscopedCloudFrontAccess); err != nil {
		return &StepError{Step: StepBucketPolicy, Err: err}
	}
	if len(changes) == 0 {
		res.add(Action{Step: StepUpdateDistribution, Change: ChangeNone, Detail: fmt.Sprintf("distribution %s already serves %s through OAC %s with the secure defaults", id, res.Bucket, res.OriginAccessControlID)})
		return nil
	}
	// Written with If-Match on the read's ETag; a configuration another
	// writer changed since is read again and secured again from that read
	// (see ifMatchWrite), so their change stays.
	written, err := distributionWrite(cf, id, func(cfg *types.DistributionConfig) ([]string, error) {
		return secureExisting(o, cfg, res.Bucket, res.Region, res.OriginAccessControlID)
	}, func(out *cfsdk.UpdateDistributionOutput) { setDistribution(res, out.Distribution) }).run(ctx, cfg, cfgOut.ETag, changes)
	if err != nil {
		return &StepError{Step: StepUpdateDistribution, Err: err}
	}
	if written == nil {
		// Another writer made the change since the first read: the
		// status read before it is stale.
		now, err := cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String(id)}, noSetupRetryCF)
		if err != nil {
			return &StepError{Step: StepFindDistribution, Err: err}
		}
		setDistribution(res, now.Distribution)
		res.add(Action{Step: StepUpdateDistribution, Change: ChangeNone, Detail: fmt.Sprintf("distribution %s already serves %s through OAC %s with the secure defaults (another writer changed it while it was being secured; read again, it needed nothing more)", id, res.Bucket, res.OriginAccessControlID)})
		return nil
	}
	res.add(Action{Step: StepUpdateDistribution, Change: ChangeUpdated, Detail: fmt.Sprintf("distribution %s: %s", id, joinChanges(written))})
	return nil
}

// distributionWrite is the If-Match write of distribution id's
// configuration, merged with merge (see ifMatchWrite); done receives the
// answer to the write that took.
func distributionWrite(cf CloudFrontAPI, id string, merge func(*types.DistributionConfig) ([]string, error), done func(*cfsdk.UpdateDistributionOutput)) ifMatchWrite[*types.DistributionConfig] {
	return ifMatchWrite[*types.DistributionConfig]{
		what: "distribution " + id,
		read: func(ctx context.Context) (*types.DistributionConfig, *string, error) {
			out, err := cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)}, noSetupRetryCF)
			if err != nil {
				return nil, nil, err
			}
			return out.DistributionConfig, out.ETag, nil
		},
		merge: merge,
		write: func(ctx context.Context, cfg *types.DistributionConfig, etag *string) (*types.DistributionConfig, bool, error) {
			out, err := cf.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(id), IfMatch: etag, DistributionConfig: cfg}, noSetupRetryCF)
			if err != nil {
				return nil, false, err
			}
			done(out)
			if out.Distribution == nil || out.Distribution.DistributionConfig == nil {
				return nil, false, nil
			}
			return out.Distribution.DistributionConfig, true, nil
		},
	}
}

func joinChanges(c []string) string {
	out := ""
	for i, s := range c {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}

// bucketOrigin returns the index of the distribution's first origin for
// the bucket, or -1.
func bucketOrigin(cfg *types.DistributionConfig, bucket string) int {
	if idx := bucketOrigins(cfg, bucket); len(idx) > 0 {
		return idx[0]
	}
	return -1
}

// bucketOrigins returns the indexes of the distribution's origins for the
// bucket (one per origin path, say), in order.
func bucketOrigins(cfg *types.DistributionConfig, bucket string) []int {
	if cfg.Origins == nil {
		return nil
	}
	var out []int
	for i, org := range cfg.Origins.Items {
		if isBucketDomain(aws.ToString(org.DomainName), bucket) {
			out = append(out, i)
		}
	}
	return out
}

// bucketTargets returns the IDs a cache behavior names to reach the
// bucket: those of the origins at idx, and those of the origin groups
// that hold one of them (a behavior may target an origin group instead of
// an origin).
func bucketTargets(cfg *types.DistributionConfig, idx []int) map[string]bool {
	targets := map[string]bool{}
	for _, i := range idx {
		targets[aws.ToString(cfg.Origins.Items[i].Id)] = true
	}
	if cfg.OriginGroups != nil {
		for _, g := range cfg.OriginGroups.Items {
			if g.Members != nil && slices.ContainsFunc(g.Members.Items, func(m types.OriginGroupMember) bool { return targets[aws.ToString(m.OriginId)] }) {
				targets[aws.ToString(g.Id)] = true
			}
		}
	}
	return targets
}

// secureExisting switches every origin for the bucket in cfg to the OAC
// and applies the secure defaults to the behaviors that reach the bucket
// (through one of those origins, or an origin group holding one). It
// returns what it changed.
func secureExisting(o *Options, cfg *types.DistributionConfig, bucket, region, oacID string) ([]string, error) {
	idx, err := checkExisting(cfg, bucket, region)
	if err != nil {
		return nil, err
	}
	var changes []string
	for _, i := range idx {
		org := &cfg.Origins.Items[i]
		if want := RESTEndpoint(bucket, region); aws.ToString(org.DomainName) != want {
			changes = append(changes, fmt.Sprintf("origin domain %s -> %s", aws.ToString(org.DomainName), want))
			org.DomainName = aws.String(want)
		}
		if aws.ToString(org.OriginAccessControlId) != oacID {
			changes = append(changes, fmt.Sprintf("origin %s -> OAC %s", aws.ToString(org.Id), oacID))
			org.OriginAccessControlId = aws.String(oacID)
		}
		if org.S3OriginConfig == nil {
			org.S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String("")}
		}
	}
	targets := bucketTargets(cfg, idx)
	if cfg.DefaultCacheBehavior != nil && targets[aws.ToString(cfg.DefaultCacheBehavior.TargetOriginId)] {
		changes = append(changes, prefixed("default behavior: ", applyBehavior(o, cfg.DefaultCacheBehavior))...)
	}
	if cfg.CacheBehaviors != nil {
		for j := range cfg.CacheBehaviors.Items {
			cb := &cfg.CacheBehaviors.Items[j]
			if targets[aws.ToString(cb.TargetOriginId)] {
				changes = append(changes, prefixed("behavior "+aws.ToString(cb.PathPattern)+": ", applyCacheBehavior(o, cb))...)
			}
		}
	}
	changes = append(changes, applyViewerCertificate(o, cfg)...)
	if aws.ToString(cfg.DefaultRootObject) == "" {
		if root := o.rootObject(); root != "" {
			changes = append(changes, "default root object -> "+root)
			cfg.DefaultRootObject = aws.String(root)
		}
	}
	return changes, nil
}

// checkExisting returns the indexes of the bucket's origins in cfg, or the
// reason the wiring refuses the distribution: no origin for the bucket (or
// only its website endpoint), an origin for the bucket that is a custom
// origin or uses a legacy OAI, or a behavior reaching the bucket that
// forwards Host to S3. It changes nothing.
func checkExisting(cfg *types.DistributionConfig, bucket, region string) ([]int, error) {
	idx, err := s3Origins(cfg, bucket, region, func(org *types.Origin) error {
		if org.S3OriginConfig != nil && aws.ToString(org.S3OriginConfig.OriginAccessIdentity) != "" {
			return fmt.Errorf("%w: origin %s uses %s", ErrUsesOAI, aws.ToString(org.Id), aws.ToString(org.S3OriginConfig.OriginAccessIdentity))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := checkOriginRequestPolicies(cfg, bucketTargets(cfg, idx)); err != nil {
		return nil, err
	}
	return idx, nil
}

// s3Origins returns the indexes of the origins for the bucket in cfg, or
// the first refusal: none (noOrigin), a custom one (ErrOriginNotFound), or
// judge's error for one of them.
func s3Origins(cfg *types.DistributionConfig, bucket, region string, judge func(*types.Origin) error) ([]int, error) {
	idx := bucketOrigins(cfg, bucket)
	if len(idx) == 0 {
		return nil, noOrigin(cfg, bucket, region)
	}
	for _, i := range idx {
		org := &cfg.Origins.Items[i]
		if org.CustomOriginConfig != nil {
			return nil, fmt.Errorf("%w: origin %s is a custom origin", ErrOriginNotFound, aws.ToString(org.Id))
		}
		if err := judge(org); err != nil {
			return nil, err
		}
	}
	return idx, nil
}

// allViewerOriginRequestPolicyID is the managed AllViewer origin request
// policy, which forwards every viewer header including Host.
const allViewerOriginRequestPolicyID = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

// checkOriginRequestPolicies refuses a behavior that reaches the bucket
// (its target is in targets) and forwards the viewer's Host header to S3.
func checkOriginRequestPolicies(cfg *types.DistributionConfig, targets map[string]bool) error {
	if d := cfg.DefaultCacheBehavior; d != nil && targets[aws.ToString(d.TargetOriginId)] &&
		aws.ToString(d.OriginRequestPolicyId) == allViewerOriginRequestPolicyID {
		return fmt.Errorf("%w: the default behavior uses the AllViewer origin request policy %s", ErrForwardsHost, allViewerOriginRequestPolicyID)
	}
	if cfg.CacheBehaviors != nil {
		for _, cb := range cfg.CacheBehaviors.Items {
			if targets[aws.ToString(cb.TargetOriginId)] && aws.ToString(cb.OriginRequestPolicyId) == allViewerOriginRequestPolicyID {
				return fmt.Errorf("%w: behavior %s uses the AllViewer origin request policy %s", ErrForwardsHost, aws.ToString(cb.PathPattern), allViewerOriginRequestPolicyID)
			}
		}
	}
	return nil
}

// noOrigin is the error for a distribution without a REST origin for the
// bucket: ErrWebsiteEndpoint when it serves the bucket's website endpoint,
// else ErrOriginNotFound.
func noOrigin(cfg *types.DistributionConfig, bucket, region string) error {
	if cfg.Origins != nil {
		for _, org := range cfg.Origins.Items {
			if d := aws.ToString(org.DomainName); isWebsiteDomain(d, bucket) {
				return fmt.Errorf("%w: origin %s is %s; point it at the REST endpoint %s by hand", ErrWebsiteEndpoint, aws.ToString(org.Id), d, RESTEndpoint(bucket, region))
			}
		}
	}
	return ErrOriginNotFound
}

func prefixed(p string, list []string) []string {
	for i := range list {
		list[i] = p + list[i]
	}
	return list
}
