package usage

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/policy"
)

// IAMAPI reads the identity policies of users and roles (inline policies,
// and the default version of attached managed policies), and a role's ARN,
// path included (GetRole), for the roles a server access log names only
// through their sessions.
type IAMAPI interface {
	GetRole(ctx context.Context, params *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListRolePolicies(ctx context.Context, params *iam.ListRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetRolePolicy(ctx context.Context, params *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, params *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	ListUserPolicies(ctx context.Context, params *iam.ListUserPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error)
	GetUserPolicy(ctx context.Context, params *iam.GetUserPolicyInput, optFns ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
	ListAttachedUserPolicies(ctx context.Context, params *iam.ListAttachedUserPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error)
	GetPolicy(ctx context.Context, params *iam.GetPolicyInput, optFns ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, params *iam.GetPolicyVersionInput, optFns ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

var _ IAMAPI = (*iam.Client)(nil)

// readIdentityPolicies reads, through in.IAM, the inline and attached
// policies of each user and role of the bucket owner's account that the
// logs show, and adds them to the identity policies given. A principal IAM
// no longer has (NoSuchEntity) is skipped. Group policies are not read.
func (s *suggester) readIdentityPolicies(ctx context.Context, a *aggregator) error {
	s.identity = map[string][]*policy.Document{}
	for arn, docs := range s.in.IdentityPolicies {
		s.identity[arn] = append([]*policy.Document(nil), docs...)
	}
	if s.in.IAM == nil {
		return nil
	}
	seen := map[string]bool{}
	var principals []Principal
	for _, u := range a.uses {
		p := u.principal
		if (p.Kind == User || p.Kind == Role) && p.Account == s.owner && !seen[p.ARN] {
			seen[p.ARN] = true
			principals = append(principals, p)
		}
	}
	sort.Slice(principals, func(i, j int) bool { return principals[i].ARN < principals[j].ARN })
	for _, p := range principals {
		docs, err := s.policiesOf(ctx, p)
		switch {
		case isNoSuchEntity(err):
			continue
		case err != nil:
			return &Error{Op: "reading identity policies of", Resource: p.ARN, Err: err}
		}
		s.identity[p.ARN] = append(s.identity[p.ARN], docs...)
	}
	return nil
}

// policiesOf reads one principal's inline and attached policies.
func (s *suggester) policiesOf(ctx context.Context, p Principal) ([]*policy.Document, error) {
	api := s.in.IAM
	name := aws.String(p.ARN[strings.LastIndexByte(p.ARN, '/')+1:])
	// The role and user calls differ only in their names.
	var inline, attached []string
	var get func(policyName string) (*string, error)
	var err error
	if p.Kind == Role {
		inline, err = allPages(ctx, iam.NewListRolePoliciesPaginator(api, &iam.ListRolePoliciesInput{RoleName: name}),
			func(o *iam.ListRolePoliciesOutput) []string { return o.PolicyNames })
		if err == nil {
			attached, err = allPages(ctx, iam.NewListAttachedRolePoliciesPaginator(api, &iam.ListAttachedRolePoliciesInput{RoleName: name}),
				func(o *iam.ListAttachedRolePoliciesOutput) []string { return policyARNs(o.AttachedPolicies) })
		}
		get = func(pn string) (*string, error) {
			out, err := api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: name, PolicyName: aws.String(pn)}, safeIAM)
			if err != nil {
				return nil, err
			}
			return out.PolicyDocument, nil
		}
	} else {
		inline, err = allPages(ctx, iam.NewListUserPoliciesPaginator(api, &iam.ListUserPoliciesInput{UserName: name}),
			func(o *iam.ListUserPoliciesOutput) []string { return o.PolicyNames })
		if err == nil {
			attached, err = allPages(ctx, iam.NewListAttachedUserPoliciesPaginator(api, &iam.ListAttachedUserPoliciesInput{UserName: name}),
				func(o *iam.ListAttachedUserPoliciesOutput) []string { return policyARNs(o.AttachedPolicies) })
		}
		get = func(pn string) (*string, error) {
			out, err := api.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: name, PolicyName: aws.String(pn)}, safeIAM)
			if err != nil {
				return nil, err
			}
			return out.PolicyDocument, nil
		}
	}
	if err != nil {
		return nil, err
	}
	var texts []string
	for _, pn := range inline {
		doc, err := get(pn)
		if err != nil {
			return nil, err
		}
		texts = append(texts, aws.ToString(doc))
	}
	for _, arn := range attached {
		pol, err := api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)}, safeIAM)
		if err != nil {
			return nil, err
		}
		ver, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: pol.Policy.DefaultVersionId}, safeIAM)
		if err != nil {
			return nil, err
		}
		texts = append(texts, aws.ToString(ver.PolicyVersion.Document))
	}
	var docs []*policy.Document
	for _, t := range texts {
		// IAM returns documents URL-encoded (RFC 3986).
		dec, err := url.PathUnescape(t)
		if err != nil {
			return nil, err
		}
		doc, err := policy.Parse([]byte(dec))
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

// pager is an IAM paginator whose pages are O.
type pager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*iam.Options)) (O, error)
}

// allPages returns the items of every page.
func allPages[O any](ctx context.Context, p pager[O], items func(O) []string) ([]string, error) {
	var out []string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, safeIAM)
		if err != nil {
			return nil, err
		}
		out = append(out, items(page)...)
	}
	return out, nil
}

func policyARNs(ps []types.AttachedPolicy) []string {
	out := make([]string, len(ps))
	for i, ap := range ps {
		out[i] = aws.ToString(ap.PolicyArn)
	}
	return out
}

// isNoSuchEntity reports whether err is IAM's answer for a user, role or
// policy it does not have.
func isNoSuchEntity(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchEntity"
}
