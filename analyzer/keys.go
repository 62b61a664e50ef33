package analyzer

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
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
	// MaxAge is the age beyond which an active key is reported;
	// DefaultKeyMaxAge (90 days) when zero. A key exactly MaxAge old is
	// not reported (CIS 1.14: rotated "every 90 days or less").
	MaxAge time.Duration
	// UnusedAge is how long since its last use a key may go unused before
	// it is reported; DefaultKeyUnusedAge (45 days) when zero. Keys never
	// used are reported as [KeyNeverUsed] whatever their age.
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
	// KeyTooOld: created longer ago than MaxAge; rotate it.
	KeyTooOld KeyProblem = "too-old"
	// KeyNeverUsed: never used to sign a request; delete it if unneeded.
	KeyNeverUsed KeyProblem = "never-used"
	// KeyUnused: used once, but not for longer than UnusedAge (CIS 1.12:
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
// and ListAccessKeys) and reports active keys older than opts.MaxAge,
// keys never used, keys not used for longer than opts.UnusedAge and the
// active keys of users with more than one, sorted by user and key id
// (CIS AWS Foundations 1.12–1.14, Security Hub IAM.3 and IAM.22). The root user's
// keys are not IAM users' keys and are not listed; the IAM credential
// report and Security Hub IAM.4 cover them.
//
// Errors: [ErrInvalidInput] for a negative MaxAge; [*Error] for a failed
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
	if o.MaxAge < 0 {
		return nil, invalid("negative key age %v", o.MaxAge)
	}
	if o.UnusedAge < 0 {
		return nil, invalid("negative unused age %v", o.UnusedAge)
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "KeyHygiene", "KeyOptions", probeIAM(client)); err != nil {
			return nil, err
		}
	}
	if o.UnusedAge == 0 {
		o.UnusedAge = DefaultKeyUnusedAge
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultKeyMaxAge
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
	if f.Age > o.MaxAge {
		f.Problems = append(f.Problems, KeyTooOld)
	}
	if f.LastUsed.IsZero() {
		f.Problems = append(f.Problems, KeyNeverUsed)
	} else if now.Sub(f.LastUsed) > o.UnusedAge {
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
