package usage

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/policy"
)

// IAMAPI reads the identity policies of users and roles: inline policies,
// and the default version of attached managed policies.
type IAMAPI interface {
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
		var ae smithy.APIError
		switch {
		case errors.As(err, &ae) && ae.ErrorCode() == "NoSuchEntity":
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
	name := aws.String(p.ARN[strings.LastIndexByte(p.ARN, '/')+1:])
	var texts []string
	var attached []string
	if p.Kind == Role {
		for pg := iam.NewListRolePoliciesPaginator(s.in.IAM, &iam.ListRolePoliciesInput{RoleName: name}); pg.HasMorePages(); {
			out, err := pg.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, pn := range out.PolicyNames {
				got, err := s.in.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: name, PolicyName: aws.String(pn)})
				if err != nil {
					return nil, err
				}
				texts = append(texts, aws.ToString(got.PolicyDocument))
			}
		}
		for pg := iam.NewListAttachedRolePoliciesPaginator(s.in.IAM, &iam.ListAttachedRolePoliciesInput{RoleName: name}); pg.HasMorePages(); {
			out, err := pg.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, ap := range out.AttachedPolicies {
				attached = append(attached, aws.ToString(ap.PolicyArn))
			}
		}
	} else {
		for pg := iam.NewListUserPoliciesPaginator(s.in.IAM, &iam.ListUserPoliciesInput{UserName: name}); pg.HasMorePages(); {
			out, err := pg.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, pn := range out.PolicyNames {
				got, err := s.in.IAM.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: name, PolicyName: aws.String(pn)})
				if err != nil {
					return nil, err
				}
				texts = append(texts, aws.ToString(got.PolicyDocument))
			}
		}
		for pg := iam.NewListAttachedUserPoliciesPaginator(s.in.IAM, &iam.ListAttachedUserPoliciesInput{UserName: name}); pg.HasMorePages(); {
			out, err := pg.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			for _, ap := range out.AttachedPolicies {
				attached = append(attached, aws.ToString(ap.PolicyArn))
			}
		}
	}
	for _, arn := range attached {
		pol, err := s.in.IAM.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
		if err != nil {
			return nil, err
		}
		ver, err := s.in.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: pol.Policy.DefaultVersionId})
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
