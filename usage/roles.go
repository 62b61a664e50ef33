package usage

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3secure/s3secure/policy"
)

// Why a role's ARN is not known (Report.UnresolvedRoles), and why a role IAM
// does not have is withheld.
const (
	reasonPathNoIAM = "a server access log names only the role's sessions (arn:aws:sts::…:assumed-role/NAME/SESSION), not its path: " +
		"if the role lives under one (role/service/NAME), S3 refuses a bucket policy naming role/NAME (\"Invalid principal in policy\"); " +
		"give Input.IAM (iam:GetRole) or read CloudTrail, whose sessionIssuer names the role with its path"
	reasonPathOtherAccount = "another account's role, seen only through its sessions: a server access log does not give its path, " +
		"and Input.IAM reads only the bucket owner's account; if the role lives under a path, S3 refuses a bucket policy naming role/NAME " +
		"(\"Invalid principal in policy\"): read CloudTrail, whose sessionIssuer names the role with its path, or check the ARN with the role's owner"
	reasonPathNoSuchRole = "iam:GetRole answered NoSuchEntity: the account has no role by this name (deleted since the logs were written?); " +
		"its grants are not proposed"
	reasonNoSuchRole = "IAM has no role by this name in the account (iam:GetRole: NoSuchEntity): S3 refuses a bucket policy naming a principal that does not exist"
)

// roleKey identifies a role by partition, account and name, whatever its
// path: IAM role names are unique in an account.
func roleKey(p Principal) string {
	partition, _, _ := strings.Cut(strings.TrimPrefix(p.ARN, "arn:"), ":")
	return partition + "/" + p.Account + "/" + roleName(p.ARN)
}

// noteRole records how a request named its role: with its path (CloudTrail's
// sessionIssuer), or guessed from a session ARN.
func (a *aggregator) noteRole(r *Record, p Principal, pk string) {
	switch {
	case r.roleFromIssuer:
		k := roleKey(p)
		if _, ok := a.issuers[k]; !ok {
			a.issuers[k] = strings.Clone(p.ARN)
		}
	case strings.Contains(r.Requester, ":assumed-role/"):
		if n, ok := a.guessed[pk]; ok {
			a.guessed[pk] = n + 1
		} else {
			a.guessed[strings.Clone(pk)] = 1
		}
	}
}

// resolveRoles learns, after pass 1, the ARN of each role named only
// through its sessions: from CloudTrail's sessionIssuer in the same run, or
// for the bucket owner's roles from iam:GetRole (Input.IAM; role names are
// unique in an account, whatever the path). The uses are renamed, and pass
// 2 names the role alike (principalOf). The roles left are reported in
// rep.UnresolvedRoles; a role IAM does not have is withheld.
//
// Errors: an [*Error] wrapping the SDK error of a GetRole that fails other
// than with NoSuchEntity.
func (s *suggester) resolveRoles(ctx context.Context, a *aggregator, rep *Report) error {
	guesses := make([]string, 0, len(a.guessed))
	for g := range a.guessed {
		guesses = append(guesses, g)
	}
	sort.Strings(guesses)
	alias := map[string]string{}
	for _, guess := range guesses {
		p := parseARNPrincipal(guess)
		if arn, ok := a.issuers[roleKey(p)]; ok {
			if arn != guess {
				alias[guess] = arn
			}
			continue
		}
		var reason string
		switch {
		case s.in.IAM != nil && p.Account == s.owner:
			arn, err := s.getRole(ctx, p)
			switch {
			case isNoSuchEntity(err):
				s.missingRoles[guess] = true
				reason = reasonPathNoSuchRole
			case err != nil:
				return err
			default:
				if arn != guess {
					alias[guess] = arn
				}
				continue
			}
		case p.Account != s.owner:
			reason = reasonPathOtherAccount
		default:
			reason = reasonPathNoIAM
		}
		rep.UnresolvedRoles = append(rep.UnresolvedRoles, UnresolvedRole{Principal: p, Requests: a.guessed[guess], Reason: reason})
	}
	if len(alias) == 0 {
		return nil
	}
	s.roleARNs = alias
	old := a.uses
	a.uses = make(map[useKey]*use, len(old))
	for k, u := range old {
		if arn, ok := alias[u.principal.ARN]; ok && u.principal.Kind == Role {
			u.principal.ARN = arn
			k.principal = u.principal.String()
			u.sample.ctx.withRoleARN(u.sample.caller, u.principal)
		}
		a.mergeUse(k, u)
	}
	return nil
}

// getRole returns the ARN, path included, of the owner's role p names.
func (s *suggester) getRole(ctx context.Context, p Principal) (string, error) {
	name := roleName(p.ARN)
	out, err := s.in.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)}, safeIAM)
	if err != nil {
		return "", &Error{Op: "GetRole", Resource: name, Err: err}
	}
	var arn string
	if out.Role != nil {
		arn = aws.ToString(out.Role.Arn)
	}
	if q := parseARNPrincipal(arn); q.Kind != Role || roleKey(q) != roleKey(p) {
		return "", &Error{Op: "GetRole", Resource: name, Err: fmt.Errorf("IAM answered the ARN %q, not a role %s of account %s", arn, name, p.Account)}
	}
	return arn, nil
}

// withRoleARN sets aws:PrincipalArn for a session of a role that lives
// under a path: policy derives a session's aws:PrincipalArn from the
// session ARN, which has no path (role/NAME), while for an assumed role
// AWS gives the role's ARN (IAM user guide, "AWS global condition context
// keys", aws:PrincipalArn: arn:aws:iam::ACCOUNT:role/role-name, not the
// session's), which has it.
func (c *requestContext) withRoleARN(caller policy.Caller, p Principal) {
	if p.Kind != Role || !strings.Contains(caller.ARN, ":assumed-role/") {
		return
	}
	i := strings.Index(p.ARN, ":role/")
	if i >= 0 && strings.Contains(p.ARN[i+len(":role/"):], "/") {
		c.principalARN = p.ARN
	}
}
