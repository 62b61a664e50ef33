package securebucket

import (
	"fmt"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// codeServicePrincipal is the Access Analyzer issue code [policy.Validate]
// reports an Allow to a service principal with: no aws:SourceArn,
// aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths condition ties
// the service's request to a named source (an account, organization or
// resource; not necessarily the bucket owner's).
const codeServicePrincipal = "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL"

// servicePrincipalScoped judges S3Secure.ServicePrincipalScoped with the
// policy package's rule (its RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL
// finding): an Allow to an AWS service principal without a condition on
// the request's source lets the service act on the bucket for any AWS
// customer, the confused deputy: "The calling service can be manipulated
// to use its permissions to act on another customer's resources in a way
// it should not otherwise have permission to access", and AWS's services
// "recommend using the aws:SourceArn and aws:SourceAccount global
// condition context keys in resource policies" (Cross-service confused
// deputy prevention, in each service's guide; the IAM user guide's "The
// confused deputy problem"). S3's definition of public does not count it (a
// service principal is a fixed value), so S3.2 and S3.3 pass it. A public
// statement that names a service principal fails too (policy reports it
// as public instead): it grants the service whatever it acts for. A Deny
// grants nothing and is never counted. Which account, organization or
// resource the condition names is not judged: an organization's log
// archive bucket rightly names the management account's trail.
func (c *checker) servicePrincipalScoped() ControlResult {
	doc, err := c.policy()
	if err != nil {
		return unparsedPolicy(err)
	}
	if doc == nil {
		return notApplicable("no bucket policy")
	}
	unscoped, public := map[int]bool{}, map[int]bool{}
	for _, f := range policy.ValidateDocument(doc, &policy.ValidateOptions{Kind: policy.KindBucket, Account: c.a.o.AccountID}) {
		switch f.Code {
		case codeServicePrincipal:
			unscoped[f.Statement] = true
		case policy.CodePublicAccess:
			public[f.Statement] = true
		}
	}
	var bad []string
	for i, s := range doc.Statements {
		if s.Effect != policy.Allow || s.Principal == nil {
			continue
		}
		services := s.Principal.Get(policy.PrincipalService)
		if len(services) == 0 {
			continue
		}
		switch {
		case unscoped[i]:
			bad = append(bad, fmt.Sprintf("statement %s allows %s with no aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths condition",
				statementName(s, i), strings.Join(services, ", ")))
		case public[i]:
			bad = append(bad, fmt.Sprintf("statement %s allows %s and is public", statementName(s, i), strings.Join(services, ", ")))
		}
	}
	if len(bad) == 0 {
		return pass("every Allow to an AWS service principal names the source it acts for (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or " +
			"aws:SourceOrgPaths); a source may be another account's, such as an organization trail's management account, which is not checked")
	}
	return fail(strings.Join(bad, "; ") + ": the service may act on this bucket for any AWS customer (confused deputy); " +
		"add a condition on aws:SourceArn (the distribution, trail or bucket the service acts for) or aws:SourceAccount (the bucket owner's account)")
}
