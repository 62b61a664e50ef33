package analyzer

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp/probeopt"
	"github.com/s3secure/s3secure/policy"
)

// PolicyChecker judges a bucket policy before it is written. [*Gate] is
// the Access Analyzer implementation; securebucket accepts any
// PolicyChecker as its optional pre-flight check.
type PolicyChecker interface {
	// CheckPolicy returns nil when the policy may be written to the bucket.
	CheckPolicy(ctx context.Context, bucket, policyJSON string) error
}

var _ PolicyChecker = (*Gate)(nil)

// GateOptions configures a [Gate]. nil means the defaults.
type GateOptions struct {
	// ResourceType is AWS::S3::Bucket when empty.
	ResourceType types.AccessCheckResourceType
	// Actions are the actions the policy must not grant to anyone
	// (CheckAccessNotGranted); DefaultGateActions() when empty.
	Actions []string
	// AllowPublicCheckOnly runs only CheckNoPublicAccess, halving the
	// billed calls. It weakens the gate: a policy that grants Actions
	// (for example s3:DeleteBucket or s3:PutBucketPolicy) to a named
	// non-public principal, such as another account, then passes. The
	// default runs both checks.
	AllowPublicCheckOnly bool

	// AllowInsecureTransport lets the gate read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError]:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) can rewrite them into a pass, letting a public policy be written, and read the
	// policies. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it
	// only for a test server on a network you trust, or a client you know
	// uses TLS.
	AllowInsecureTransport bool
}

// Gate is a pre-flight check of bucket policies with Access Analyzer's
// custom policy checks: CheckNoPublicAccess (the policy must not allow
// public access) and CheckAccessNotGranted (it must not grant the gate's
// actions). Each check is billed per call by AWS. A Gate is safe for
// concurrent use.
type Gate struct {
	client CheckAPI
	opts   GateOptions
}

// NewGate returns a Gate using client. opts may be nil.
func NewGate(client CheckAPI, opts *GateOptions) *Gate {
	g := &Gate{client: client}
	if opts != nil {
		g.opts = *opts
		g.opts.Actions = append([]string(nil), opts.Actions...)
	}
	if g.opts.ResourceType == "" {
		g.opts.ResourceType = types.AccessCheckResourceTypeS3Bucket
	}
	if len(g.opts.Actions) == 0 {
		g.opts.Actions = DefaultGateActions()
	}
	return g
}

// GateError is a policy the gate refused. It matches [ErrPublicAccess] or
// [ErrAccessGranted].
type GateError struct {
	// Bucket is the bucket the policy was for.
	Bucket string
	// Check is "CheckNoPublicAccess" or "CheckAccessNotGranted".
	Check string
	// Message is Access Analyzer's explanation.
	Message string
	// Reasons are the statements responsible.
	Reasons []Reason
	err     error
}

// Reason is one statement responsible for a failed check.
type Reason struct {
	Description    string
	StatementIndex int // -1 when not given
	StatementID    string
}

// Error implements error.
func (e *GateError) Error() string {
	var parts []string
	for _, r := range e.Reasons {
		s := r.Description
		if r.StatementIndex >= 0 {
			s = fmt.Sprintf("statement %d: %s", r.StatementIndex, s)
		}
		parts = append(parts, s)
	}
	msg := fmt.Sprintf("%v (bucket %s, %s)", e.err, e.Bucket, e.Check)
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, "; ")
	}
	return msg
}

// Unwrap returns [ErrPublicAccess] or [ErrAccessGranted].
func (e *GateError) Unwrap() error { return e.err }

// CheckPolicy returns nil when Access Analyzer finds that policyJSON allows
// no public access and grants none of the gate's actions on the bucket's
// ARNs, in the partition of the client's Region (arn:aws-cn:s3:::bucket
// in China); for a client that does not expose its Options, in each
// partition policyJSON names the bucket in (aws when none).
//
// Errors: [*GateError] (matching [ErrPublicAccess] or [ErrAccessGranted])
// when a check fails; [ErrInvalidInput] for a bad bucket name or empty
// policy; [*Error] when a call fails (matching [ErrAccessDenied] without
// the access-analyzer:Check* permissions), so a caller can tell "refused"
// from "could not check".
func (g *Gate) CheckPolicy(ctx context.Context, bucket, policyJSON string) error {
	if g == nil || isNil(g.client) {
		return invalid("gate has no client")
	}
	if !validBucketName(bucket) {
		return invalid("bad bucket name %q", bucket)
	}
	if strings.TrimSpace(policyJSON) == "" {
		return invalid("policy document is empty")
	}
	if !g.opts.AllowInsecureTransport {
		err := refuseRemote(ctx, "Gate.CheckPolicy", "GateOptions", func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := g.client.CheckNoPublicAccess(ctx, &accessanalyzer.CheckNoPublicAccessInput{
				PolicyDocument: &policyJSON, ResourceType: g.opts.ResourceType,
			}, probeopt.AccessAnalyzer(add))
			return err
		})
		if err != nil {
			return err
		}
	}
	pub, err := g.client.CheckNoPublicAccess(ctx, &accessanalyzer.CheckNoPublicAccessInput{
		PolicyDocument: aws.String(policyJSON), ResourceType: g.opts.ResourceType,
	}, noSetupRetryAA)
	if err != nil {
		return wrap("CheckNoPublicAccess", bucket, err)
	}
	if pub.Result != types.CheckNoPublicAccessResultPass {
		return &GateError{Bucket: bucket, Check: "CheckNoPublicAccess", Message: aws.ToString(pub.Message), Reasons: reasons(pub.Reasons), err: ErrPublicAccess}
	}
	if g.opts.AllowPublicCheckOnly {
		return nil
	}
	var res []string
	for _, p := range gatePartitions(g.client, bucket, policyJSON) {
		res = append(res, "arn:"+p+":s3:::"+bucket, "arn:"+p+":s3:::"+bucket+"/*")
	}
	ng, err := g.client.CheckAccessNotGranted(ctx, &accessanalyzer.CheckAccessNotGrantedInput{
		PolicyDocument: aws.String(policyJSON), PolicyType: types.AccessCheckPolicyTypeResourcePolicy,
		Access: []types.Access{{Actions: g.opts.Actions, Resources: res}},
	}, noSetupRetryAA)
	if err != nil {
		return wrap("CheckAccessNotGranted", bucket, err)
	}
	if ng.Result != types.CheckAccessNotGrantedResultPass {
		return &GateError{Bucket: bucket, Check: "CheckAccessNotGranted", Message: aws.ToString(ng.Message), Reasons: reasons(ng.Reasons), err: ErrAccessGranted}
	}
	return nil
}

func reasons(in []types.ReasonSummary) []Reason {
	var out []Reason
	for _, r := range in {
		x := Reason{Description: aws.ToString(r.Description), StatementIndex: -1, StatementID: aws.ToString(r.StatementId)}
		if r.StatementIndex != nil {
			x.StatementIndex = int(*r.StatementIndex)
		}
		out = append(out, x)
	}
	return out
}

// gatePartitions returns the partitions in which the gate asks about the
// bucket's ARNs: that of the client's Region (arn:aws-cn:s3:::bucket in
// China); for a client that does not tell its Region, each partition
// policyJSON names the bucket in, aws when it names none.
func gatePartitions(client any, bucket, policyJSON string) []string {
	if p, ok := policy.PartitionOfRegion(clientRegion(client)); ok {
		return []string{p}
	}
	if out := namedPartitions(policyJSON, bucket); len(out) > 0 {
		return out
	}
	return []string{"aws"}
}

// namedPartitions returns the partitions policyJSON's resources name
// bucket in ("arn:aws-cn:s3:::bucket/*" names it in aws-cn).
func namedPartitions(policyJSON, bucket string) []string {
	var out []string
	if doc, err := policy.Parse([]byte(policyJSON)); err == nil {
		for _, s := range doc.Statements {
			for _, r := range append(slices.Clone(s.Resource), s.NotResource...) {
				if p, ok := policy.ARNPartition(r); ok && strings.HasPrefix(r, "arn:"+p+":s3:::"+bucket) && !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}
