package analyzer

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3secure/s3secure/internal/allowupto"
)

// IAMAPI is the part of the IAM client [KeyHygiene] uses: read-only calls.
type IAMAPI interface {
	ListUsers(ctx context.Context, in *iam.ListUsersInput, optFns ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, optFns ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	GetAccessKeyLastUsed(ctx context.Context, in *iam.GetAccessKeyLastUsedInput, optFns ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error)
}

var _ IAMAPI = (*iam.Client)(nil)

// KeyOptions configures [KeyHygiene]. nil means the defaults.
type KeyOptions struct {
	// AllowAgeUpTo is the age an active key may reach before it is
	// reported as [KeyTooOld]; by default (zero) DefaultKeyMaxAge (90
	// days). A key exactly that old is not reported (CIS 1.14: rotated
	// "every 90 days or less"). Raising it is a weakening: a leaked key
	// keeps working until it is rotated, and CIS and Security Hub IAM.3
	// fail keys older than 90 days whatever this says. A value below the
	// default reports keys sooner.
	AllowAgeUpTo time.Duration
	// MaxAge is the former name of AllowAgeUpTo and works the same way.
	// When both are set, the smaller applies: neither raises what the
	// other allows.
	//
	// Deprecated: use AllowAgeUpTo, which names the weakening as every
	// other opt-out of this library is named (Allow…, Insecure…).
	MaxAge time.Duration
	// AllowUnusedAgeUpTo is how long since its last use a key may go
	// unused before it is reported as [KeyUnused]; by default (zero)
	// DefaultKeyUnusedAge (45 days, CIS 1.12 and Security Hub IAM.22).
	// Raising it is a weakening: an unused key is a credential nobody
	// would miss if it were disabled, and one somebody may have copied.
	// Keys never used are reported as [KeyNeverUsed] whatever their age.
	AllowUnusedAgeUpTo time.Duration
	// UnusedAge is the former name of AllowUnusedAgeUpTo and works the
	// same way. When both are set, the smaller applies.
	//
	// Deprecated: use AllowUnusedAgeUpTo, which names the weakening as
	// every other opt-out of this library is named (Allow…, Insecure…).
	UnusedAge time.Duration
	// IncludeInactive also reports inactive keys. By default only active
	// keys are reported: an inactive key cannot sign requests.
	IncludeInactive bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time

	// AllowInsecureTransport lets KeyHygiene read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError]:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) can rewrite them into "no old keys" and read the
	// policies. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it
	// only for a test server on a network you trust, or a client you know
	// uses TLS.
	AllowInsecureTransport bool
}

// KeyProblem is why a key is reported.
type KeyProblem string

// Key problems.
const (
	// KeyTooOld: created longer ago than AllowAgeUpTo; rotate it.
	KeyTooOld KeyProblem = "too-old"
	// KeyNeverUsed: never used to sign a request; delete it if unneeded.
	KeyNeverUsed KeyProblem = "never-used"
	// KeyUnused: used once, but not for longer than AllowUnusedAgeUpTo (CIS 1.12:
	// credentials unused for 45 days or more should be disabled).
	KeyUnused KeyProblem = "unused"
	// KeyMultipleActive: the user has more than one active key (CIS 1.13:
	// one active access key per user). Every active key of such a user is
	// reported, since only the owner knows which one to keep.
	KeyMultipleActive KeyProblem = "multiple-active"
)

// KeyFinding is an access key that needs attention. It holds the key id
// (not secret: it appears in CloudTrail and request logs) and never a
// secret access key, which IAM does not return after creation anyway.
type KeyFinding struct {
	User, KeyID string
	Active      bool
	Created     time.Time
	// Age is how old the key is at the time of the check.
	Age time.Duration
	// LastUsed is when the key last signed a request; zero if never.
	LastUsed time.Time
	// LastService and LastRegion are where it was last used.
	LastService, LastRegion string
	// Problems are the reasons, in a fixed order.
	Problems []KeyProblem
}

// KeyHygiene lists every IAM user's access keys (all pages of ListUsers
// and ListAccessKeys) and reports active keys older than opts.AllowAgeUpTo,
// keys never used, keys not used for longer than opts.AllowUnusedAgeUpTo and the
// active keys of users with more than one, sorted by user and key id
// (CIS AWS Foundations 1.12–1.14, Security Hub IAM.3 and IAM.22). The root user's
// keys are not IAM users' keys and are not listed; the IAM credential
// report and Security Hub IAM.4 cover them.
//
// Errors: [ErrInvalidInput], before any request, for a negative age
// (AllowAgeUpTo, AllowUnusedAgeUpTo or their deprecated names); [*Error] for a failed
// call (matching [ErrAccessDenied] without iam:ListUsers,
// iam:ListAccessKeys or iam:GetAccessKeyLastUsed).
func KeyHygiene(ctx context.Context, client IAMAPI, opts *KeyOptions) ([]KeyFinding, error) {
	if isNil(client) {
		return nil, invalid("nil client")
	}
	var o KeyOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.AllowAgeUpTo < 0 || o.MaxAge < 0:
		return nil, invalid("negative key age %v", min(o.AllowAgeUpTo, o.MaxAge))
	case o.AllowUnusedAgeUpTo < 0 || o.UnusedAge < 0:
		return nil, invalid("negative unused age %v", min(o.AllowUnusedAgeUpTo, o.UnusedAge))
	}
	// The deprecated names merge into the new ones: the smaller of the two
	// set, so that setting both never allows more than either.
	o.AllowAgeUpTo = allowupto.Merge(o.AllowAgeUpTo, o.MaxAge)
	o.AllowUnusedAgeUpTo = allowupto.Merge(o.AllowUnusedAgeUpTo, o.UnusedAge)
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "KeyHygiene", "KeyOptions", probeIAM(client)); err != nil {
			return nil, err
		}
	}
	if o.AllowUnusedAgeUpTo == 0 {
		o.AllowUnusedAgeUpTo = DefaultKeyUnusedAge
	}
	if o.AllowAgeUpTo == 0 {
		o.AllowAgeUpTo = DefaultKeyMaxAge
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	now := o.Now()
	var out []KeyFinding
	users := iam.NewListUsersPaginator(client, &iam.ListUsersInput{})
	for users.HasMorePages() {
		page, err := users.NextPage(ctx, noSetupRetryIAM)
		if err != nil {
			return nil, wrap("ListUsers", "", err)
		}
		for _, u := range page.Users {
			name := aws.ToString(u.UserName)
			var metas []iamtypes.AccessKeyMetadata
			keys := iam.NewListAccessKeysPaginator(client, &iam.ListAccessKeysInput{UserName: u.UserName})
			for keys.HasMorePages() {
				kp, err := keys.NextPage(ctx, noSetupRetryIAM)
				var nse *iamtypes.NoSuchEntityException
				if errors.As(err, &nse) {
					break // the user was deleted while we listed
				}
				if err != nil {
					return nil, wrap("ListAccessKeys", name, err)
				}
				metas = append(metas, kp.AccessKeyMetadata...)
			}
			active := 0
			for _, k := range metas {
				if k.Status == iamtypes.StatusTypeActive {
					active++
				}
			}
			for _, k := range metas {
				f, err := checkKey(ctx, client, name, k, now, o, active > 1)
				if err != nil {
					return nil, err
				}
				if f != nil {
					out = append(out, *f)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].User != out[j].User {
			return out[i].User < out[j].User
		}
		return out[i].KeyID < out[j].KeyID
	})
	return out, nil
}

func checkKey(ctx context.Context, client IAMAPI, user string, k iamtypes.AccessKeyMetadata, now time.Time, o KeyOptions, multipleActive bool) (*KeyFinding, error) {
	active := k.Status == iamtypes.StatusTypeActive
	if !active && !o.IncludeInactive {
		return nil, nil
	}
	id := aws.ToString(k.AccessKeyId)
	f := &KeyFinding{User: user, KeyID: id, Active: active, Created: aws.ToTime(k.CreateDate)}
	f.Age = now.Sub(f.Created)
	lu, err := client.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId}, noSetupRetryIAM)
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) {
		return nil, nil // deleted since it was listed: nothing to report
	}
	if err != nil {
		return nil, wrap("GetAccessKeyLastUsed", id, err)
	}
	if l := lu.AccessKeyLastUsed; l != nil {
		f.LastUsed = aws.ToTime(l.LastUsedDate)
		f.LastService, f.LastRegion = aws.ToString(l.ServiceName), aws.ToString(l.Region)
	}
	if f.Age > o.AllowAgeUpTo {
		f.Problems = append(f.Problems, KeyTooOld)
	}
	if f.LastUsed.IsZero() {
		f.Problems = append(f.Problems, KeyNeverUsed)
	} else if now.Sub(f.LastUsed) > o.AllowUnusedAgeUpTo {
		f.Problems = append(f.Problems, KeyUnused)
	}
	if active && multipleActive {
		f.Problems = append(f.Problems, KeyMultipleActive)
	}
	if len(f.Problems) == 0 {
		return nil, nil
	}
	return f, nil
}
