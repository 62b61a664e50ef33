package securebucket

// Access points: create one per application with secure defaults, delegate
// the bucket's access control to the account's access points, and audit
// access points (Security Hub S3.19, network origin, policy).

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/internal/setuperr"
	"github.com/s3secure/s3secure/policy"
)

// AccessPointAPI is the part of the S3 Control API that [CreateAccessPoint]
// and [AuditAccessPoints] use. A *s3control.Client satisfies it.
type AccessPointAPI interface {
	CreateAccessPoint(ctx context.Context, in *s3control.CreateAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.CreateAccessPointOutput, error)
	GetAccessPoint(ctx context.Context, in *s3control.GetAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error)
	ListAccessPoints(ctx context.Context, in *s3control.ListAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error)
	GetAccessPointPolicy(ctx context.Context, in *s3control.GetAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyOutput, error)
	PutAccessPointPolicy(ctx context.Context, in *s3control.PutAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.PutAccessPointPolicyOutput, error)
}

// AccessPointBucketAPI is the part of the S3 API that
// [DelegateToAccessPoints] uses. A *s3.Client satisfies it.
type AccessPointBucketAPI interface {
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
}

var (
	_ AccessPointAPI       = (*s3control.Client)(nil)
	_ AccessPointBucketAPI = (*s3.Client)(nil)
)

// Access point sentinel errors.
var (
	// ErrInvalidAccessPoint means an access point argument or option is not
	// valid (name, Region, VPC id, principal, prefix, access). No request
	// was sent.
	ErrInvalidAccessPoint = errors.New("securebucket: invalid access point request")

	// ErrAccessPointOrigin means neither a VPC id nor
	// AllowInternetOrigin was given: an access point's network origin cannot
	// be changed after creation, so this package does not pick Internet
	// silently. No request was sent.
	ErrAccessPointOrigin = errors.New("securebucket: access point needs a VPC id or AllowInternetOrigin")

	// ErrAccessPointMismatch means an access point of that name already
	// exists with settings that differ from the request (another bucket, or
	// a bucket of another account, another network origin or VPC, Block
	// Public Access not all on). Those
	// settings cannot be changed after creation: delete the access point and
	// create it again.
	ErrAccessPointMismatch = errors.New("securebucket: existing access point differs and cannot be changed")
)

// AccessPointAccess is what an access point's policy grants its principal.
type AccessPointAccess string

// Access levels. The zero value means [AccessPointRead].
const (
	// AccessPointRead grants s3:GetObject on the objects (under the prefix)
	// and s3:ListBucket (limited to the prefix) through the access point.
	AccessPointRead AccessPointAccess = "read"
	// AccessPointWrite grants s3:PutObject and s3:AbortMultipartUpload.
	AccessPointWrite AccessPointAccess = "write"
	// AccessPointReadWrite grants both. Deletion is never granted.
	AccessPointReadWrite AccessPointAccess = "readwrite"
)

// AccessPointOptions configure [CreateAccessPoint]. nil means the
// defaults, which need a VPC id: see AllowInternetOrigin.
type AccessPointOptions struct {
	// VPCID restricts the access point to requests from that VPC (network
	// origin VPC). It cannot be changed after creation.
	VPCID string

	// AllowInternetOrigin creates the access point with network origin
	// Internet when VPCID is empty: requests from any network can then use
	// it, limited only by its policy, the bucket policy and IAM. By default
	// a VPC id is required ([ErrAccessPointOrigin]).
	AllowInternetOrigin bool

	// Principal is the IAM role or user ARN (or 12-digit account id) that
	// the access point policy grants Access to. Empty means no access point
	// policy: access is then governed by identity policies alone.
	Principal string

	// Access is what the policy grants. By default, AccessPointRead.
	Access AccessPointAccess

	// Prefix limits the grant to keys that start with it (for example
	// "app/"). Empty means every key.
	Prefix string

	// DisableBucketDelegation leaves the bucket policy alone. By default the
	// statement S3SecureDelegateToAccessPoints is merged into it, so that
	// access through the account's access points is decided by their
	// policies (the bucket policy must allow a request too).
	DisableBucketDelegation bool

	// AllowInsecureTransport lets PlanAccessPoint and CreateAccessPoint
	// read and write over plain HTTP from a host that is not loopback
	// (127.0.0.0/8, ::1, localhost). By default such a client, or one that
	// does not let them see its endpoint, is refused before any request
	// with a [*RemotePlainHTTPError]: nothing authenticates the answers,
	// so anyone on the path could answer the bucket policy read with a
	// grant of their own, which the delegation write would then put into
	// the bucket policy, signed by the caller.
	AllowInsecureTransport bool
}

// DelegateOptions are the options of [DelegateToAccessPoints]; nil (or
// none) means the defaults.
type DelegateOptions struct {
	// AllowInsecureTransport lets DelegateToAccessPoints read and write the
	// bucket policy over plain HTTP from a host that is not loopback. By
	// default such a client, or one that does not let it see its
	// endpoint, is refused before any request with a
	// [*RemotePlainHTTPError] (see AccessPointOptions.AllowInsecureTransport).
	AllowInsecureTransport bool
}

// AccessPointResult says what [CreateAccessPoint] found and did.
type AccessPointResult struct {
	// ARN is the access point ARN (arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME).
	ARN string
	// Alias is the access point alias, usable where a bucket name is expected.
	Alias string
	// Created is false when a matching access point already existed.
	Created bool
	// NetworkOrigin is "VPC" or "Internet".
	NetworkOrigin string
	// Policy is the access point policy that was written, nil when it was
	// already right or no principal was given.
	Policy *policy.Document
	// PolicyChanged reports whether the access point policy was written.
	PolicyChanged bool
	// BucketPolicyChanged reports whether the bucket policy was written.
	BucketPolicyChanged bool
}

// Sids of the statements this package owns in access point policies, and
// the delegation statement in bucket policies.
const (
	// AccessPointSidPrefix starts every Sid this package owns in an access
	// point policy; statements with other Sids are never changed.
	AccessPointSidPrefix = "S3SecureAccessPoint"

	apSidRead  = AccessPointSidPrefix + "Read"
	apSidList  = AccessPointSidPrefix + "List"
	apSidWrite = AccessPointSidPrefix + "Write"
)

var (
	apNameRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)
	apVPCRE    = regexp.MustCompile(`^vpc-[0-9a-f]{1,17}$`)
	apBucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	apIAMRE    = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[\w+=,.@/-]+)$`)
)

// AccessPointARN returns arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME,
// PARTITION being the Region's ([policy.PartitionOfRegion]: aws-cn for
// cn-north-1), aws for a name no partition claims, as aws-sdk-go-v2
// resolves it ([policy.EndpointPartition]).
func AccessPointARN(region, accountID, name string) string {
	return "arn:" + policy.EndpointPartition(region) + ":s3:" + region + ":" + accountID + ":accesspoint/" + name
}

func apValidate(accountID, region, bucket, name string, o *AccessPointOptions) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidAccessPoint}, args...)...)
	}
	if err := acctCheckID(accountID); err != nil {
		return err
	}
	switch {
	case !isRegionName(region):
		return bad("region %q is not an AWS Region name", region)
	case !apBucketRE.MatchString(bucket) || strings.Contains(bucket, ".."):
		return bad("bucket name %q is not valid", bucket)
	case !apNameRE.MatchString(name) || strings.Contains(name, "--") || strings.HasPrefix(name, "xn--") || strings.HasSuffix(name, "-s3alias"):
		return bad("access point name %q must be 3-50 lowercase letters, digits and single hyphens, starting and ending with a letter or digit", name)
	}
	if o.VPCID != "" && !apVPCRE.MatchString(o.VPCID) {
		return bad("VPC id %q is not valid (vpc-…)", o.VPCID)
	}
	if o.VPCID == "" && !o.AllowInternetOrigin {
		return fmt.Errorf("%w (access point %s)", ErrAccessPointOrigin, name)
	}
	if o.Principal != "" && !apIAMRE.MatchString(o.Principal) && !policy.IsAccountID(o.Principal) {
		return bad("principal %q must be an IAM role or user ARN, an account root ARN or a 12-digit account id (no wildcards)", o.Principal)
	}
	switch o.Access {
	case "", AccessPointRead, AccessPointWrite, AccessPointReadWrite:
	default:
		return bad("access %q must be read, write or readwrite", o.Access)
	}
	if strings.ContainsAny(o.Prefix, "*?$") || strings.HasPrefix(o.Prefix, "/") {
		return bad("prefix %q must not contain *, ? or $ nor start with /", o.Prefix)
	}
	return nil
}

// AccessPointPolicy returns the statements this package writes into the
// policy of access point name for opts (principal, access, prefix), as a
// document. Every statement is checked by the policy package's
// [policy.Builder] (no wildcard action or resource, no public grant, no
// permissions-management action). It sends no request and fails with
// [ErrInvalidAccessPoint] for invalid input or when opts has no Principal.
func AccessPointPolicy(region, accountID, name string, opts *AccessPointOptions) (*policy.Document, error) {
	if opts == nil || opts.Principal == "" {
		return nil, fmt.Errorf("%w: a principal is needed for an access point policy", ErrInvalidAccessPoint)
	}
	o := *opts
	o.AllowInternetOrigin = true // the origin does not matter here
	if err := apValidate(accountID, region, "placeholder-bucket", name, &o); err != nil {
		return nil, err
	}
	return apPolicy(region, accountID, name, &o)
}

// apPolicy derives the access point statements. The builder's Grant works
// on bucket ARNs only, so the statements are written here with access
// point ARNs and checked with Builder.Add.
func apPolicy(region, accountID, name string, o *AccessPointOptions) (*policy.Document, error) {
	arn := AccessPointARN(region, accountID, name)
	objects := arn + "/object/" + o.Prefix + "*"
	principal := policy.AWSPrincipal(o.Principal)
	access := o.Access
	if access == "" {
		access = AccessPointRead
	}
	// The actions come from the builder's intents; those that apply to an
	// access point's objects go on its object ARNs, the others (listing) on
	// the access point.
	onObjects := func(a string) bool { act, _ := policy.LookupAction(a); return act.AppliesTo("accesspointobject") }
	readActs := policy.ReadOnly.Actions()
	listActs := slices.DeleteFunc(slices.Clone(readActs), onObjects)
	readActs = slices.DeleteFunc(readActs, func(a string) bool { return !onObjects(a) })
	var stmts []policy.Statement
	if access == AccessPointRead || access == AccessPointReadWrite {
		stmts = append(stmts, policy.Statement{
			Sid: apSidRead, Effect: policy.Allow, Principal: principal.Clone(),
			Action: readActs, Resource: policy.Strings(objects),
		})
		list := policy.Statement{
			Sid: apSidList, Effect: policy.Allow, Principal: principal.Clone(),
			Action: listActs, Resource: policy.Strings(arn),
		}
		if o.Prefix != "" {
			list.Condition = policy.NewCondition("StringLike", "s3:prefix", o.Prefix+"*")
		}
		stmts = append(stmts, list)
	}
	if access == AccessPointWrite || access == AccessPointReadWrite {
		stmts = append(stmts, policy.Statement{
			Sid: apSidWrite, Effect: policy.Allow, Principal: principal.Clone(),
			Action: policy.WriteOnly.Actions(), Resource: policy.Strings(objects),
		})
	}
	b := policy.NewBuilder(nil)
	for _, st := range stmts {
		if err := b.Add(st); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidAccessPoint, err)
		}
	}
	return b.Document()
}

// AccessPointPlan is what [CreateAccessPoint] will do for one access point,
// as found by [PlanAccessPoint]. Nothing is written by planning.
type AccessPointPlan struct {
	AccountID, Region, Bucket, Name string
	// ARN is the access point ARN.
	ARN string
	// Create is true when the access point does not exist yet.
	Create bool
	// VPCID is the VPC of a VPC access point; "" for Internet origin.
	VPCID string
	// Policy is the access point policy to write (the merged document), nil
	// when it is already right or no principal was given.
	Policy *policy.Document
	// PolicyChanges says, per statement of ours, what the write changes.
	PolicyChanges []policy.Change
	// BucketPolicy is the bucket policy to write (with the delegation
	// statement merged), nil when it already delegates or delegation is off.
	BucketPolicy *policy.Document
	// BucketPolicyChanges says what the bucket policy write changes.
	BucketPolicyChanges []policy.Change
}

// NoChange reports whether the access point exists as asked and no policy
// needs writing.
func (p *AccessPointPlan) NoChange() bool {
	return !p.Create && p.Policy == nil && p.BucketPolicy == nil
}

// String describes the plan, one line per write.
func (p *AccessPointPlan) String() string {
	if p.NoChange() {
		return "access point " + p.ARN + ": exists as asked; nothing to do"
	}
	var lines []string
	if p.Create {
		origin := "Internet"
		if p.VPCID != "" {
			origin = "VPC " + p.VPCID
		}
		lines = append(lines, fmt.Sprintf("create access point %s on bucket %s, network origin %s, Block Public Access all on", p.ARN, p.Bucket, origin))
	}
	if p.Policy != nil {
		lines = append(lines, "write the access point policy: "+apChanges(p.PolicyChanges))
	}
	if p.BucketPolicy != nil {
		lines = append(lines, "write the policy of bucket "+p.Bucket+": "+apChanges(p.BucketPolicyChanges))
	}
	return strings.Join(lines, "\n")
}

func apChanges(cs []policy.Change) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, ", ")
}

// PlanAccessPoint reads the access point, its policy and the bucket policy
// and returns what [CreateAccessPoint] would do with the same arguments,
// without writing anything. It fails like CreateAccessPoint:
// [ErrInvalidAccessPoint], [ErrAccessPointOrigin] or [ErrInvalidAccountID]
// before any request, [ErrAccessPointMismatch] when an existing access point
// differs, an [*AccountError] when a read fails, and policy.ErrPolicyTooLarge
// when a merged policy would exceed 20 KB. Someone else's statement under
// one of our Sids in either policy (see "Whose statement is under our Sid"
// in the package documentation) is an [*AccountError] wrapping a
// [*SidConflictError].
//
// region is the bucket's Region, where the access point lives ("The access
// point must be created in the same Region as the associated bucket", S3
// user guide, Creating access points): it is in the access point ARN, and
// every S3 Control request is sent to it, whatever control's Region (S3
// Control answers for the access points of the Region a request is sent
// to). Unless opts.AllowInsecureTransport, each of those requests that
// would go over plain HTTP to a host that is not loopback (the client's
// endpoint resolver may place region elsewhere than its own Region) is
// refused before it is sent with a [*RemotePlainHTTPError].
func PlanAccessPoint(ctx context.Context, control AccessPointAPI, buckets AccessPointBucketAPI, accountID, region, bucket, name string, opts *AccessPointOptions) (*AccessPointPlan, error) {
	return planAccessPoint(ctx, "PlanAccessPoint", control, buckets, accountID, region, bucket, name, opts)
}

func planAccessPoint(ctx context.Context, call string, control AccessPointAPI, buckets AccessPointBucketAPI, accountID, region, bucket, name string, opts *AccessPointOptions) (*AccessPointPlan, error) {
	if opts == nil {
		opts = &AccessPointOptions{}
	}
	if err := apValidate(accountID, region, bucket, name, opts); err != nil {
		return nil, err
	}
	if !opts.AllowInsecureTransport && !acctIsNil(control) {
		if err := refuseRemote(ctx, call, "AccessPointOptions", probeAccessPoints(control, accountID)); err != nil {
			return nil, err
		}
		if !acctIsNil(buckets) && !opts.DisableBucketDelegation {
			if err := refuseRemote(ctx, call, "AccessPointOptions", probeBucketPolicy(buckets, bucket)); err != nil {
				return nil, err
			}
		}
	}
	var want, every *policy.Document
	if opts.Principal != "" {
		var err error
		if want, err = apPolicy(region, accountID, name, opts); err != nil {
			return nil, err
		}
		if every, err = apEvery(region, accountID, name, opts); err != nil {
			return nil, err
		}
	}
	if acctIsNil(control) || acctIsNil(buckets) && !opts.DisableBucketDelegation {
		return nil, &AccountError{AccountID: accountID, Operation: "GetAccessPoint", Err: errAcctNoClient}
	}
	fail := func(op string, err error) (*AccessPointPlan, error) {
		return nil, &AccountError{AccountID: accountID, Operation: op, Err: err}
	}
	p := &AccessPointPlan{AccountID: accountID, Region: region, Bucket: bucket, Name: name,
		ARN: AccessPointARN(region, accountID, name), VPCID: opts.VPCID}
	copts := apControlOpts(call, region, opts.AllowInsecureTransport)

	got, err := control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(accountID), Name: aws.String(name)}, copts...)
	switch {
	case err == nil:
		if err := apMatches(got, accountID, bucket, opts.VPCID); err != nil {
			return nil, err
		}
		if a := aws.ToString(got.AccessPointArn); a != "" {
			p.ARN = a
		}
	case hasCode(err, "NoSuchAccessPoint"):
		p.Create = true
	default:
		return fail("GetAccessPoint", err)
	}

	if want != nil {
		var cur *policy.Document // nil: no policy yet
		if !p.Create {
			pol, err := control.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(accountID), Name: aws.String(name)}, copts...)
			switch {
			case err == nil:
				if cur, err = policy.Parse([]byte(aws.ToString(pol.Policy))); err != nil {
					return fail("GetAccessPointPolicy", err)
				}
			case hasCode(err, "NoSuchAccessPointPolicy"):
			default:
				return fail("GetAccessPointPolicy", err)
			}
		}
		merged, changes, changed, err := apMergeOwned(cur, name, want.Statements, every.Statements)
		if err != nil {
			return fail("GetAccessPointPolicy", err)
		}
		if changed {
			if err := merged.CheckSize(policy.KindAccessPoint); err != nil {
				return fail("PutAccessPointPolicy", err)
			}
			p.Policy, p.PolicyChanges = merged, changes
		}
	}

	if !opts.DisableBucketDelegation {
		res, err := apPlanDelegation(ctx, buckets, bucket, accountID)
		if err != nil {
			return nil, err
		}
		if res.Changed() {
			p.BucketPolicy, p.BucketPolicyChanges = res.Document, res.Changes
		}
	}
	return p, nil
}

// CreateAccessPoint creates access point name on bucket for one
// application, with secure defaults, and returns what it did:
//
//   - network origin VPC when opts.VPCID is set; Internet only with
//     opts.AllowInternetOrigin ([ErrAccessPointOrigin] otherwise);
//   - all four Block Public Access settings on (they cannot be changed
//     later);
//   - when opts.Principal is set, an access point policy granting it
//     opts.Access on the objects under opts.Prefix, merged by Sid
//     ([AccessPointSidPrefix]) with any statements already there (ours
//     that no longer apply are removed, ours that grant no more than the
//     one asked for, because their owner narrowed them, are kept as they
//     are, others are kept);
//   - unless opts.DisableBucketDelegation, the bucket policy statement
//     [policy.DelegateToAccessPoints] merged into the bucket policy,
//     keeping every other statement.
//
// It plans first ([PlanAccessPoint]) and writes only what differs, in that
// order. Both policies are replaced whole by S3 Control and S3, so each is
// merged again on a fresh read at the moment of its write, written and
// verified, as described under "Writes" in the package documentation: a
// statement someone added since the plan (creating the access point can
// take a while) is kept. An existing access point with the same bucket, origin and Block
// Public Access is reused (Created false); one that differs gives
// [ErrAccessPointMismatch]. Someone else's statement under one of our Sids
// in either policy stops it before any write, an [*AccountError] wrapping a
// [*SidConflictError]. Calling it again with the same arguments writes
// nothing. Invalid input gives [ErrInvalidAccessPoint] before any request;
// a failed request is an [*AccountError] wrapping the SDK error (or
// [ErrConflict], when another writer kept undoing a policy write or the
// endpoint did not keep it), and the result says what was done before it. The bucket must be in accountID's
// account (ExpectedBucketOwner is sent). region is the bucket's Region,
// where its S3 Control requests go, as for [PlanAccessPoint].
func CreateAccessPoint(ctx context.Context, control AccessPointAPI, buckets AccessPointBucketAPI, accountID, region, bucket, name string, opts *AccessPointOptions) (*AccessPointResult, error) {
	plan, err := planAccessPoint(ctx, "CreateAccessPoint", control, buckets, accountID, region, bucket, name, opts)
	if err != nil {
		return nil, err
	}
	res := &AccessPointResult{ARN: plan.ARN, NetworkOrigin: string(s3ctltypes.NetworkOriginInternet), Policy: plan.Policy}
	if plan.VPCID != "" {
		res.NetworkOrigin = string(s3ctltypes.NetworkOriginVpc)
	}
	fail := func(op string, err error) (*AccessPointResult, error) {
		return res, &AccountError{AccountID: accountID, Operation: op, Err: err}
	}
	copts := apControlOpts("CreateAccessPoint", region, opts != nil && opts.AllowInsecureTransport)
	if plan.Create {
		in := &s3control.CreateAccessPointInput{
			AccountId: aws.String(accountID), Name: aws.String(name), Bucket: aws.String(bucket),
			BucketAccountId:                aws.String(accountID),
			PublicAccessBlockConfiguration: AllPublicAccessBlocked().s3control(),
		}
		if plan.VPCID != "" {
			in.VpcConfiguration = &s3ctltypes.VpcConfiguration{VpcId: aws.String(plan.VPCID)}
		}
		out, err := control.CreateAccessPoint(ctx, in, copts...)
		if err != nil {
			return fail("CreateAccessPoint", err)
		}
		res.Created = true
		res.Alias = aws.ToString(out.Alias)
		if a := aws.ToString(out.AccessPointArn); a != "" {
			res.ARN = a
		}
	} else {
		got, err := control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(accountID), Name: aws.String(name)}, copts...)
		if err != nil {
			return fail("GetAccessPoint", err)
		}
		res.Alias = aws.ToString(got.Alias)
	}
	if plan.Policy != nil {
		// Written from a fresh read, not from the plan's: creating the
		// access point may have taken a while.
		want, err := apPolicy(region, accountID, name, opts)
		if err != nil {
			return fail("PutAccessPointPolicy", err)
		}
		every, err := apEvery(region, accountID, name, opts)
		if err != nil {
			return fail("PutAccessPointPolicy", err)
		}
		out, err := apWritePolicy(ctx, control, copts, accountID, name, want.Statements, every.Statements)
		res.PolicyChanged = out.Wrote
		if err == nil && len(out.NotKept) > 0 {
			err = notKeptError(out.NotKept)
		}
		if err != nil {
			return fail("PutAccessPointPolicy", err)
		}
	}
	if plan.BucketPolicy != nil {
		wrote, err := apWriteDelegation(ctx, buckets, bucket, accountID)
		res.BucketPolicyChanged = wrote
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// apControlOpts returns the options of call's S3 Control requests about an
// access point of region: no retries of a setup problem, the request sent
// to region, whatever the client's Region (an access point lives in its
// bucket's Region, "The access point must be created in the same Region as
// the associated bucket", S3 user guide, Creating access points, and S3
// Control answers for the access points of the Region a request is sent
// to), and unless insecure a refusal ([*RemotePlainHTTPError]) of each
// request that would go over plain HTTP to a host that is not loopback:
// the probe saw the endpoint of the client's Region, and region's may be
// elsewhere (a custom endpoint resolver).
func apControlOpts(call, region string, insecure bool) []func(*s3control.Options) {
	opts := []func(*s3control.Options){noSetupRetryControl, func(o *s3control.Options) { o.Region = region }}
	if !insecure {
		g := plainhttp.Guard(plainhttp.Error{Call: "securebucket." + call, Option: "AccessPointOptions.AllowInsecureTransport"})
		opts = append(opts, func(o *s3control.Options) { o.APIOptions = plainhttp.Append(o.APIOptions, g) })
	}
	return opts
}

// apMatches checks that an existing access point is the one asked for.
func apMatches(got *s3control.GetAccessPointOutput, accountID, bucket, vpcID string) error {
	var diffs []string
	if b := aws.ToString(got.Bucket); b != bucket {
		diffs = append(diffs, fmt.Sprintf("bucket %s, not %s", b, bucket))
	}
	// An access point may serve another account's bucket; the bucket asked
	// for is accountID's (the same check ExpectedBucketOwner makes of every
	// bucket request).
	if ba := aws.ToString(got.BucketAccountId); ba != "" && ba != accountID {
		diffs = append(diffs, fmt.Sprintf("a bucket of account %s, not %s", ba, accountID))
	}
	gotVPC := ""
	if got.VpcConfiguration != nil {
		gotVPC = aws.ToString(got.VpcConfiguration.VpcId)
	}
	switch {
	case vpcID == "" && gotVPC != "":
		diffs = append(diffs, "network origin VPC ("+gotVPC+"), not Internet")
	case vpcID != "" && gotVPC != vpcID:
		diffs = append(diffs, fmt.Sprintf("network origin %s %s, not VPC %s", got.NetworkOrigin, gotVPC, vpcID))
	}
	if off := PublicAccessBlockFromS3Control(got.PublicAccessBlockConfiguration).Off(); len(off) > 0 {
		diffs = append(diffs, "Block Public Access off: "+strings.Join(off, ", "))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: access point %s has %s", ErrAccessPointMismatch, aws.ToString(got.Name), strings.Join(diffs, "; "))
	}
	return nil
}

// DelegateToAccessPoints merges the policy package's
// [policy.DelegateToAccessPoints] statement (Sid
// S3SecureDelegateToAccessPoints: any principal, any action, but only
// through an access point of accountID, by s3:DataAccessPointAccount) into
// the bucket policy, creating the policy if there is none, and reports
// whether it wrote anything. Every other statement is kept byte for byte;
// an equivalent statement under another Sid is recognised (nothing is
// written), and so is the statement under its own Sid made stricter (one
// that grants no more); an older version of it that grants more (without
// the account condition) is replaced, and anything else under its Sid is
// someone else's: an [*AccountError] wrapping a [*SidConflictError], with
// nothing written. The policy is read, merged, written and verified
// as described under "Writes" in the package documentation. ConfirmRemoveSelfBucketAccess is never set; ExpectedBucketOwner
// is accountID. A merged policy over 20 KB fails with
// policy.ErrPolicyTooLarge before any write; a failed request is an
// [*AccountError], and so is a write another writer kept undoing or the
// endpoint did not keep (wrapping [ErrConflict]). The statement names the
// bucket in the partition of the client's Region (arn:aws-cn:s3:::bucket
// for a client in cn-north-1); aws for a client that does not expose its
// Options. opts takes at most one [DelegateOptions] (more is an
// [ErrInvalidOptions]); unless AllowInsecureTransport, a client whose
// requests would go over plain HTTP to a host that is not loopback, or
// whose endpoint the call cannot see, is refused before any request with
// a [*RemotePlainHTTPError] ([ErrPlainHTTPEndpoint]).
func DelegateToAccessPoints(ctx context.Context, client AccessPointBucketAPI, bucket, accountID string, opts ...*DelegateOptions) (bool, error) {
	if len(opts) > 1 {
		return false, fmt.Errorf("%w: %d DelegateOptions given, at most one is allowed", ErrInvalidOptions, len(opts))
	}
	var o DelegateOptions
	if len(opts) == 1 && opts[0] != nil {
		o = *opts[0]
	}
	if !o.AllowInsecureTransport && !acctIsNil(client) {
		if err := acctCheckID(accountID); err != nil {
			return false, err
		}
		if err := refuseRemote(ctx, "DelegateToAccessPoints", "DelegateOptions", probeBucketPolicy(client, bucket)); err != nil {
			return false, err
		}
	}
	return apWriteDelegation(ctx, client, bucket, accountID)
}

// apPlanDelegation reads the bucket policy and merges the delegation
// statement into it, checking the size of the result.
func apPlanDelegation(ctx context.Context, client AccessPointBucketAPI, bucket, accountID string) (*policy.MergeResult, error) {
	want, err := apDelegation(bucket, accountID, client)
	if err != nil {
		return nil, err
	}
	if acctIsNil(client) {
		return nil, &AccountError{AccountID: accountID, Operation: "GetBucketPolicy " + bucket, Err: errAcctNoClient}
	}
	fail := func(op string, err error) (*policy.MergeResult, error) {
		return nil, &AccountError{AccountID: accountID, Operation: op + " " + bucket, Err: err}
	}
	cur, err := apReadBucketPolicy(ctx, client, bucket, accountID)
	if err != nil {
		return fail("GetBucketPolicy", err)
	}
	merged, err := apMergeDelegation(cur, bucket, want)
	if err != nil {
		return fail("PutBucketPolicy", err)
	}
	return merged, nil
}

// apDelegation is the delegation statement for bucket, its resources in
// the partition of the client's Region (arn:aws-cn:s3:::bucket in China,
// the bucket's only ARN there); aws for a client that does not expose its
// Options.
func apDelegation(bucket, accountID string, client any) (policy.Statement, error) {
	if err := acctCheckID(accountID); err != nil {
		return policy.Statement{}, err
	}
	want, err := policy.DelegateToAccessPoints(bucket, accountID)
	if err != nil {
		return policy.Statement{}, fmt.Errorf("%w: %w", ErrInvalidAccessPoint, err)
	}
	if acctIsNil(client) {
		return want, nil // the caller reports the missing client
	}
	if r := clientRegion(client); r != "" {
		if want, err = policy.InPartition(want, policy.EndpointPartition(r)); err != nil {
			return policy.Statement{}, fmt.Errorf("%w: %w", ErrInvalidAccessPoint, err)
		}
	}
	return want, nil
}

func apReadBucketPolicy(ctx context.Context, client AccessPointBucketAPI, bucket, accountID string) (string, error) {
	out, err := call(ctx, Retry{}.withDefaults(), func(ctx context.Context) (*s3.GetBucketPolicyOutput, error) {
		return client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket), ExpectedBucketOwner: aws.String(accountID)}, noSetupRetry)
	})
	if hasCode(err, "NoSuchBucketPolicy") {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Policy), nil
}

// apMergeDelegation merges want into the policy text cur ("" for none),
// keeping a statement under its Sid that grants no more than it
// ([judgeOurSid]), and checks the size of a changed result.
func apMergeDelegation(cur, bucket string, want policy.Statement) (*policy.MergeResult, error) {
	var doc *policy.Document
	required := []policy.Statement{want}
	if cur != "" {
		d, err := policy.Parse([]byte(cur))
		if err != nil {
			return nil, err
		}
		doc = d
		if required, err = dropCoveredIn(doc, required, "", "bucket policy of "+bucket, &policyMerge{}); err != nil {
			return nil, err
		}
	}
	merged, err := policy.Merge(doc, required...)
	if err != nil {
		return nil, err
	}
	if merged.Changed() {
		if err := merged.Document.CheckSize(policy.KindBucket); err != nil {
			return nil, err
		}
	}
	return merged, nil
}

// apWriteDelegation merges the delegation statement into the bucket policy
// with the package's write discipline (see "Writes" in the package
// documentation) and reports whether it wrote.
func apWriteDelegation(ctx context.Context, client AccessPointBucketAPI, bucket, accountID string) (bool, error) {
	want, err := apDelegation(bucket, accountID, client)
	if err != nil {
		return false, err
	}
	if acctIsNil(client) {
		return false, &AccountError{AccountID: accountID, Operation: "GetBucketPolicy " + bucket, Err: errAcctNoClient}
	}
	out, err := runCycle(ctx, Retry{}, rmw.Cycle[string, *policy.Document]{
		Key: rmw.Key("s3", bucket, "policy"), What: "bucket policy of " + bucket,
		Read: func(ctx context.Context) (string, error) { return apReadBucketPolicy(ctx, client, bucket, accountID) },
		Merge: func(cur string) (*policy.Document, []string, error) {
			m, err := apMergeDelegation(cur, bucket, want)
			if err != nil || !m.Changed() {
				return nil, nil, err
			}
			return m.Document, []string{apChanges(m.Changes)}, nil
		},
		Write: func(ctx context.Context, doc *policy.Document) error {
			body, err := doc.Marshal()
			if err != nil {
				return err
			}
			_, err = client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(body)), ExpectedBucketOwner: aws.String(accountID)}, noSetupRetry)
			return err
		},
		ReadFP:  func(cur string) string { return cur },
		WriteFP: docFP,
	})
	if err == nil && len(out.NotKept) > 0 {
		err = notKeptError(out.NotKept)
	}
	if err != nil {
		return out.Wrote, &AccountError{AccountID: accountID, Operation: "PutBucketPolicy " + bucket, Err: err}
	}
	return out.Wrote, nil
}

// apWritePolicy merges want into the access point's policy with the
// package's write discipline, each request with copts ([apControlOpts]).
func apWritePolicy(ctx context.Context, control AccessPointAPI, copts []func(*s3control.Options), accountID, name string, want, every []policy.Statement) (rmw.Outcome, error) {
	return runCycle(ctx, Retry{}, rmw.Cycle[string, *policy.Document]{
		Key: rmw.Key("s3control", accountID, "accesspoint", name, "policy"), What: "policy of access point " + name,
		Read: func(ctx context.Context) (string, error) {
			out, err := call(ctx, Retry{}.withDefaults(), func(ctx context.Context) (*s3control.GetAccessPointPolicyOutput, error) {
				return control.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(accountID), Name: aws.String(name)}, copts...)
			})
			if hasCode(err, "NoSuchAccessPointPolicy") {
				return "", nil
			}
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Policy), nil
		},
		Merge: func(cur string) (*policy.Document, []string, error) {
			var doc *policy.Document
			if cur != "" {
				d, err := policy.Parse([]byte(cur))
				if err != nil {
					return nil, nil, err
				}
				doc = d
			}
			merged, changes, changed, err := apMergeOwned(doc, name, want, every)
			if err != nil || !changed {
				return nil, nil, err
			}
			if err := merged.CheckSize(policy.KindAccessPoint); err != nil {
				return nil, nil, err
			}
			return merged, []string{apChanges(changes)}, nil
		},
		Write: func(ctx context.Context, doc *policy.Document) error {
			body, err := doc.Marshal()
			if err != nil {
				return err
			}
			_, err = control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(accountID), Name: aws.String(name), Policy: aws.String(string(body))}, copts...)
			return err
		},
		ReadFP:  func(cur string) string { return cur },
		WriteFP: docFP,
	})
}

// docFP identifies a policy document about to be written.
func docFP(d *policy.Document) string {
	b, err := d.Marshal()
	if err != nil {
		return "unmarshalable"
	}
	return string(b)
}

// apMergeOwned merges want into doc (nil: no policy yet) with the policy
// package's Merge and removes statements of ours (Sid prefix
// AccessPointSidPrefix) that want no longer has, for example the write
// statement when access goes from readwrite to read. A statement of ours
// that grants no more than want's under its Sid (its owner narrowed it:
// [judgeOurSid]) is kept as it is, never replaced with the broader
// one. A statement under one of our Sids that is someone else's
// ([judgeOurSid]; for one that want no longer has, judged against every,
// the statements of the same principal and prefix with readwrite access)
// stops it with a [*SidConflictError] naming the access point. Other
// statements are kept byte for byte. It returns the document, what
// changed, and whether anything did.
func apMergeOwned(doc *policy.Document, name string, want, every []policy.Statement) (*policy.Document, []policy.Change, bool, error) {
	where := "policy of access point " + name
	required := want
	if doc != nil {
		var err error
		if required, err = dropCoveredIn(doc, want, "", where, &policyMerge{}); err != nil {
			return nil, nil, false, err
		}
	}
	res, err := policy.Merge(doc, required...)
	if err != nil {
		return nil, nil, false, err
	}
	var stale []string
	for _, st := range res.Document.Statements {
		if !strings.HasPrefix(st.Sid, AccessPointSidPrefix) || slices.ContainsFunc(want, func(w policy.Statement) bool { return w.Sid == st.Sid }) {
			continue
		}
		i := slices.IndexFunc(every, func(w policy.Statement) bool { return w.Sid == st.Sid })
		if i < 0 {
			return nil, nil, false, &SidConflictError{Policy: where, Sid: st.Sid, Reason: "s3secure writes no statement under that Sid"}
		}
		if v, why := judgeOurSid(st, every[i], ""); v == sidConflict {
			return nil, nil, false, &SidConflictError{Policy: where, Sid: st.Sid, Reason: why}
		}
		stale = append(stale, st.Sid)
	}
	if len(stale) == 0 {
		return res.Document, res.Changes, res.Changed(), nil
	}
	rm, err := policy.Remove(res.Document, stale...)
	if err != nil {
		return nil, nil, false, err
	}
	return rm.Document, append(res.Changes, rm.Changes...), true, nil
}

// apEvery returns the statements of the access point policy for opts's
// principal and prefix with every access (readwrite): each statement of
// ours that a policy for opts may hold.
func apEvery(region, accountID, name string, opts *AccessPointOptions) (*policy.Document, error) {
	o := *opts
	o.Access = AccessPointReadWrite
	return apPolicy(region, accountID, name, &o)
}

const apTitleBPA = "Access points should have Block Public Access settings enabled"

// AccessPointAuditOptions configure [AuditAccessPoints]. nil means every
// access point of the account in the client's Region.
type AccessPointAuditOptions struct {
	// Bucket limits the audit to the access points of one bucket. Its
	// access points live in its Region, so the S3 Control client must be
	// in that Region too: in another, S3 Control refuses the listing
	// ("Amazon S3 AccessPoint can only be listed for bucket in the same
	// region") and the result is UNKNOWN, never a PASS saying the bucket
	// has none.
	Bucket string

	// AllowInsecureTransport lets AuditAccessPoints read over plain HTTP from a host
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

// AuditAccessPoints checks every access point of the account (or of
// opts.Bucket) that S3 Control's ListAccessPoints returns, and returns
// three results per access point:
//
//   - S3.19: all four Block Public Access settings must be on (they cannot
//     be changed after creation: a failing access point must be replaced);
//   - S3Secure.AccessPointNetworkOrigin: VPC passes, Internet fails (Low);
//   - S3Secure.AccessPointPolicy: the access point policy must not be
//     public under S3's access point rules (which differ from the bucket
//     rules: s3:DataAccessPointArn does not make it non-public, and a VPC
//     access point is never public).
//
// Those are the access points of one Region, the one control's requests go
// to (access points belong to a Region: "10,000 access points per AWS
// account per Region", S3 user guide, Access points restrictions and
// limitations; Security Hub reports S3.19 per Region too), attached to S3
// buckets ("Returns only access points attached to S3 buckets by
// default", ListAccessPoints; those attached to an FSx volume have Block
// Public Access on, which cannot be changed). Run it with a client for
// each Region the account uses: "no access points" speaks of that Region
// only.
//
// A read that fails gives UNKNOWN for the checks that needed it; a listing
// that fails gives one UNKNOWN S3.19 result for the account. An account
// without access points in that Region gives one PASS S3.19 result. Both
// results for the account name the Region in their message ("no access
// points in Region eu-west-1"), the client's Options().Region; an access
// point's results name it by its ARN, which holds its Region.
//
// AuditAccessPoints returns [ErrInvalidAccountID] for a bad account id
// before any request, and stops at the first read that meets a setup
// problem (credentials that cannot be retrieved or that S3 Control
// refuses, a refused connection, a host name that does not resolve, a TLS
// failure), returning its [*AccountError] and no results: every other read
// would fail the same way.
func AuditAccessPoints(ctx context.Context, control AccessPointAPI, accountID string, opts *AccessPointAuditOptions) ([]AccountResult, error) {
	if err := acctCheckID(accountID); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &AccessPointAuditOptions{}
	}
	c := ControlAccessPointBPA
	base := acctResult(c, c.CIS(), c.Title(), c.Severity(), accountID)
	if acctIsNil(control) {
		base.Status, base.Err = StatusUnknown, errAcctNoClient
		base.Message = "access points could not be listed: no S3 Control client"
		return []AccountResult{base}, nil
	}
	if !opts.AllowInsecureTransport {
		if err := refuseRemote(ctx, "AuditAccessPoints", "AccessPointAuditOptions", probeAccessPoints(control, accountID)); err != nil {
			return nil, err
		}
	}
	in := &s3control.ListAccessPointsInput{AccountId: aws.String(accountID)}
	if opts.Bucket != "" {
		in.Bucket = aws.String(opts.Bucket)
	}
	// The result for the account speaks of one Region: it says which.
	where := "in the S3 Control client's Region"
	if r := controlRegion(control); r != "" {
		where = "in Region " + r
	}
	var aps []s3ctltypes.AccessPoint
	pg := s3control.NewListAccessPointsPaginator(control, in)
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx, noSetupRetryControl)
		if err != nil {
			if setuperr.Is(err) {
				return nil, &AccountError{AccountID: accountID, Operation: "ListAccessPoints", Err: err}
			}
			base.Status, base.Err = StatusUnknown, &AccountError{AccountID: accountID, Operation: "ListAccessPoints", Err: err}
			base.Message = "access points could not be listed " + where + ": " + acctTrim(base.Err)
			return []AccountResult{base}, nil
		}
		aps = append(aps, out.AccessPointList...)
	}
	if len(aps) == 0 {
		base.Status = StatusPass
		base.Message = "no access points " + where
		if opts.Bucket != "" {
			base.Message = "no access points for bucket " + opts.Bucket + " " + where
		}
		return []AccountResult{base}, nil
	}
	var results []AccountResult
	for _, ap := range aps {
		rs := auditAccessPoint(ctx, control, accountID, ap)
		for _, r := range rs {
			if setuperr.Is(r.Err) {
				return nil, r.Err
			}
		}
		results = append(results, rs...)
	}
	return results, nil
}

// controlRegion is the Region an S3 Control client sends its requests to,
// "" for a client that does not expose its Options.
func controlRegion(c any) string {
	if o, ok := c.(interface{ Options() s3control.Options }); ok {
		return o.Options().Region
	}
	return ""
}

func auditAccessPoint(ctx context.Context, control AccessPointAPI, accountID string, ap s3ctltypes.AccessPoint) []AccountResult {
	name := aws.ToString(ap.Name)
	arn := aws.ToString(ap.AccessPointArn)
	if arn == "" {
		arn = name
	}
	result := func(c Control) AccountResult { return acctResult(c, c.CIS(), c.Title(), c.Severity(), arn) }
	bpa, origin, pol := result(ControlAccessPointBPA), result(ControlAccessPointOrigin), result(ControlAccessPointPolicy)

	vpc := ap.NetworkOrigin == s3ctltypes.NetworkOriginVpc
	if vpc {
		origin.Status, origin.Message = StatusPass, "network origin VPC"
		if ap.VpcConfiguration != nil {
			origin.Message += " (" + aws.ToString(ap.VpcConfiguration.VpcId) + ")"
		}
	} else {
		origin.Status = StatusFail
		origin.Message = "network origin Internet: requests from any network may use it; the origin cannot be changed, so create a VPC access point to replace it if only VPC clients need it"
	}

	got, err := control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(accountID), Name: ap.Name}, noSetupRetryControl)
	switch {
	case err != nil:
		bpa.Status, bpa.Err = StatusUnknown, &AccountError{AccountID: accountID, Operation: "GetAccessPoint " + name, Err: err}
		bpa.Message = "access point could not be read: " + acctTrim(bpa.Err)
	case got.PublicAccessBlockConfiguration == nil:
		bpa.Status, bpa.Message = StatusUnknown, "access point has no Block Public Access configuration in the response"
	default:
		if off := PublicAccessBlockFromS3Control(got.PublicAccessBlockConfiguration).Off(); len(off) > 0 {
			bpa.Status = StatusFail
			bpa.Message = "Block Public Access off: " + strings.Join(off, ", ") + "; it cannot be changed after creation: replace the access point"
		} else {
			bpa.Status, bpa.Message = StatusPass, "all four Block Public Access settings are on"
		}
	}

	p, err := control.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(accountID), Name: ap.Name}, noSetupRetryControl)
	switch {
	case hasCode(err, "NoSuchAccessPointPolicy"):
		pol.Status, pol.Message = StatusPass, "no access point policy"
	case err != nil:
		pol.Status, pol.Err = StatusUnknown, &AccountError{AccountID: accountID, Operation: "GetAccessPointPolicy " + name, Err: err}
		pol.Message = "access point policy could not be read: " + acctTrim(pol.Err)
	default:
		doc, perr := policy.Parse([]byte(aws.ToString(p.Policy)))
		switch {
		case perr != nil:
			pol.Status, pol.Err = StatusUnknown, perr
			pol.Message = "access point policy could not be parsed: " + perr.Error()
		case vpc:
			// S3: access points with VPC network origin are always non-public.
			pol.Status, pol.Message = StatusPass, "VPC access point: its policy cannot make it public"
		default:
			if st := policy.IsPublic(doc, policy.KindAccessPoint); st.IsPublic {
				reasons := make([]string, len(st.Statements))
				for i, ps := range st.Statements {
					reasons[i] = acctStatementLabel(ps) + ": " + ps.Reason
				}
				pol.Status = StatusFail
				pol.Message = "access point policy is public: " + strings.Join(reasons, "; ")
			} else {
				pol.Status, pol.Message = StatusPass, "access point policy is not public"
			}
		}
	}
	return []AccountResult{bpa, origin, pol}
}
