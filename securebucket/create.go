package securebucket

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/setuperr"
)

// Create makes a new bucket that is hardened before Create returns: it is
// created with ACLs disabled (ObjectOwnership BucketOwnerEnforced), Object
// Lock when opts.ObjectLock asks for it (S3 can enable it at creation
// without a versioning step), in opts.Region (LocationConstraint; by
// default the client's Region); the next request switches all four Block
// Public Access settings on (unless AllowPublicAccess), and then [Harden]
// applies every other setting. The Result's first step is StepCreate.
//
// Create uses the strict naming rules for new buckets. It returns an error
// wrapping [ErrInvalidBucketName] or [ErrInvalidOptions] before any request;
// a [*StepError] for StepCreate wrapping [ErrBucketAlreadyExists] (another
// account has the name) or [ErrBucketAlreadyOwnedByYou] (you have it; use
// Harden), each also wrapping the SDK's typed error; or Harden's errors,
// in which case the bucket exists and a later Harden finishes the job.
// A name S3 answers 403 AllAccessDisabled for is a bucket AWS has
// disabled: Create stops at that first answer with a [*StepError] for
// StepCreate saying so, and sends no CreateBucket.
//
// Create first reads the bucket's location. In us-east-1, S3 answers
// CreateBucket for a bucket you already own with success (and resets its
// ACL) rather than BucketAlreadyOwnedByYou: there, when the read succeeds,
// Create returns ErrBucketAlreadyOwnedByYou (without an SDK error inside)
// and sends no CreateBucket. When the read fails otherwise than with
// NoSuchBucket (AccessDenied to a role without s3:GetBucketLocation, an
// error past the retries), Create asks ListBuckets (with the name as
// prefix) whether the account has the bucket: if it does, that same
// ErrBucketAlreadyOwnedByYou; if ListBuckets fails too, a [*StepError] for
// StepCreate wrapping both errors; either way no CreateBucket is sent.
// Without ExpectedBucketOwner, another account's bucket that lets you read
// its location counts as yours here. Elsewhere,
// a bucket the read found missing (NoSuchBucket) that CreateBucket then
// answers BucketAlreadyOwnedByYou for was made by this call (its first
// request's response was lost and the request sent again): Create goes on
// and hardens it.
func Create(ctx context.Context, client API, bucket string, opts *Options) (*Result, error) {
	if err := validateBucketName(bucket, true); err != nil {
		return nil, err
	}
	h, err := newHardener(client, client, bucket, opts)
	if err != nil {
		return nil, err
	}
	if err := h.refuseHidden(ctx, "Create"); err != nil {
		return nil, err
	}
	clientRegion := ""
	if c, ok := client.(interface{ Options() s3.Options }); ok {
		clientRegion = c.Options().Region
	}
	region := h.o.Region
	if region == "" {
		region = clientRegion
	} else if clientRegion != "" && region != clientRegion {
		// Create in, and then talk to, the bucket's own Region.
		h.r.optFns = append(h.r.optFns, func(o *s3.Options) { o.Region = region })
		h.r.rerouted = true
	}
	if h.o.KMSKeyARN != "" && region != "" && kmsKeyRegion(h.o.KMSKeyARN) != region {
		return nil, fmt.Errorf("%w: KMSKeyARN is a key in %s, the bucket would be in %s; SSE-KMS needs a key in the bucket's Region", ErrInvalidOptions, kmsKeyRegion(h.o.KMSKeyARN), region)
	}
	// Look first. In us-east-1, S3 answers CreateBucket for a bucket you
	// already own with 200 OK (and resets its ACL) instead of
	// BucketAlreadyOwnedByYou. Everywhere, a CreateBucket whose response
	// is lost is sent again by the SDK's retryer (and by call), and the
	// second request answers BucketAlreadyOwnedByYou for the bucket the
	// first one made: knowing that the bucket was not there before tells
	// that answer apart from a bucket the caller already had. A bucket
	// that is not readable by us (another account's) is left to
	// CreateBucket to judge.
	_, lerr := call(ctx, h.r.retry, func(ctx context.Context) (*s3.GetBucketLocationOutput, error) {
		return client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket), ExpectedBucketOwner: h.r.owner}, h.r.optFns...)
	})
	if ph := plainHTTP(lerr); ph != nil {
		return nil, ph
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if setuperr.Disabled(lerr) {
		// The name is a bucket AWS has disabled: CreateBucket cannot
		// make it, and nothing else can be done with it.
		return nil, &StepError{Bucket: bucket, Step: StepCreate, Err: disabledError(lerr, "nothing written")}
	}
	absent := hasCode(lerr, "NoSuchBucket")
	usEast1 := region == "" || region == "us-east-1"
	if lerr == nil && usEast1 {
		return nil, &StepError{Bucket: bucket, Step: StepCreate, Err: fmt.Errorf(
			"%w (it answers GetBucketLocation; in us-east-1 CreateBucket would answer 200 OK and reset its ACL)", ErrBucketAlreadyOwnedByYou)}
	}
	if lerr != nil && !absent && usEast1 {
		// The look was refused (no s3:GetBucketLocation, an error past the
		// retries): the name may be a bucket of the account, which
		// CreateBucket would answer with 200 OK and reset. ListBuckets
		// tells; if it cannot, nothing is sent.
		owned, err := ownsBucket(ctx, client, bucket, h.r.retry, h.r.optFns)
		if ph := plainHTTP(err); ph != nil {
			return nil, ph
		}
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			return nil, &StepError{Bucket: bucket, Step: StepCreate, Err: fmt.Errorf(
				"could not tell whether the account already owns the bucket (GetBucketLocation: %w; ListBuckets: %w); in us-east-1 CreateBucket would answer 200 OK for one it owns and reset its ACL, so nothing was sent", lerr, err)}
		case owned:
			return nil, &StepError{Bucket: bucket, Step: StepCreate, Err: fmt.Errorf(
				"%w (ListBuckets names it; in us-east-1 CreateBucket would answer 200 OK and reset its ACL)", ErrBucketAlreadyOwnedByYou)}
		}
	}
	in := &s3.CreateBucketInput{
		Bucket:          aws.String(bucket),
		ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced,
	}
	if h.o.AllowACLs {
		in.ObjectOwnership = ""
	}
	// us-east-1 is the one Region that must not be named.
	if region != "" && region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(region)}
	}
	if h.o.ObjectLock != nil {
		in.ObjectLockEnabledForBucket = aws.Bool(true)
	}
	_, err = call(ctx, h.r.retry, func(ctx context.Context) (*s3.CreateBucketOutput, error) {
		return client.CreateBucket(ctx, in, h.r.optFns...)
	})
	if ph := plainHTTP(err); ph != nil {
		return nil, ph
	}
	if err != nil && absent && isOwnedByYou(err) {
		// Not there before, ours now: this call made it, and the answer
		// is to a request sent again after its response was lost.
		err = nil
	}
	if err != nil {
		var exists *types.BucketAlreadyExists
		switch {
		case isOwnedByYou(err):
			err = &existsError{sentinel: ErrBucketAlreadyOwnedByYou, cause: err}
		case errors.As(err, &exists) || hasCode(err, "BucketAlreadyExists"):
			err = &existsError{sentinel: ErrBucketAlreadyExists, cause: err}
		}
		return nil, &StepError{Bucket: bucket, Step: StepCreate, Err: err}
	}
	where := region
	if where == "" {
		where = "the client's Region"
	}
	created := Step{Name: StepCreate, Action: ActionCreate, Applied: true, Detail: fmt.Sprintf("create bucket in %s with ACLs disabled", where)}
	if h.o.ObjectLock != nil {
		created.Detail += " and Object Lock enabled"
	}
	if !h.o.AllowPublicAccess {
		// Block Public Access is the very next request, so there is no
		// window in which the bucket exists without it, whatever the
		// endpoint's default for new buckets (AWS turns it on since April
		// 2023; other S3-compatible stores and older setups do not). A new
		// bucket has no policy yet, so BlockPublicPolicy refuses nothing
		// here.
		_, err := call(ctx, h.r.retry, func(ctx context.Context) (*s3.PutPublicAccessBlockOutput, error) {
			return client.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
				Bucket:                         aws.String(bucket),
				ExpectedBucketOwner:            h.r.owner,
				PublicAccessBlockConfiguration: AllPublicAccessBlocked().s3(),
			}, h.r.optFns...)
		})
		if err != nil {
			res := &Result{Bucket: bucket, Steps: []Step{created}}
			return res, &StepError{Bucket: bucket, Step: StepBlockPublicAccess, Err: fmt.Errorf("put public access block: %w", err)}
		}
		created.Detail += ", then Block Public Access switched on"
	}
	res, err := h.harden(ctx)
	if res == nil {
		res = &Result{Bucket: bucket}
	}
	res.Steps = append([]Step{created}, res.Steps...)
	return res, err
}

// isOwnedByYou reports S3's BucketAlreadyOwnedByYou answer.
func isOwnedByYou(err error) bool {
	var owned *types.BucketAlreadyOwnedByYou
	return errors.As(err, &owned) || hasCode(err, "BucketAlreadyOwnedByYou")
}

// ownsBucket reports whether the caller's account has a bucket named
// bucket (ListBuckets with the name as prefix; S3 and servers without the
// prefix filter alike list it when there is one).
func ownsBucket(ctx context.Context, client API, bucket string, rt Retry, optFns []func(*s3.Options)) (bool, error) {
	list, err := listBuckets(ctx, client, rt, bucket, optFns...)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list, func(b types.Bucket) bool { return aws.ToString(b.Name) == bucket }), nil
}
