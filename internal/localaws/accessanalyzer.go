package localaws

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// The local Access Analyzer reasons with s3secure's own rules, not with
// Zelkova: an account's analyzer finds external access to the account's
// buckets with the offline analysis (analyzer.Analyze) of the bucket's
// state in the S3 fake when StartResourceScan asks for it, as Access
// Analyzer re-analyzes a resource; CheckNoPublicAccess judges a policy with
// S3's definition of public (policy.IsPublic).

// accessAnalyzerOptions are the Access Analyzer fake's hooks for account.
func (s *Server) accessAnalyzerOptions(account string) (scan func(analyzerArn, resourceArn string) []aatypes.Finding,
	check func(policyDocument, resourceType string) aafake.CheckResult) {
	scan = func(_, resourceArn string) []aatypes.Finding { return s.scanBucket(account, resourceArn) }
	return scan, checkNoPublicAccess
}

// scanBucket analyzes a bucket of account: its findings (nil for a bucket
// that does not exist or belongs to another account, as an analyzer only
// analyzes its own account's resources).
func (s *Server) scanBucket(account, resourceArn string) []aatypes.Finding {
	name, ok := strings.CutPrefix(resourceArn, "arn:aws:s3:::")
	if !ok || name == "" || strings.Contains(name, "/") {
		return nil
	}
	cfg, ok := s.s3.Bucket(name)
	if !ok || cfg.OwnerAccountID != account {
		return nil
	}
	state := &analyzer.BucketState{
		Name: name, Region: cfg.Region, Owner: account, OwnerCanonicalID: s3fake.CanonicalUserID(account),
		Policy: cfg.Policy, ACL: cfg.ACL.PolicyGrants(), ACLsDisabled: !cfg.ACLsEnabled(),
		BlockPublicAccess: blockPublicAccess(cfg.PublicAccessBlock),
		AccountBlock:      blockPublicAccess(s.s3.AccountPublicAccessBlock(account)),
	}
	found, err := analyzer.Analyze(state, nil)
	if err != nil {
		return []aatypes.Finding{{ResourceType: aatypes.ResourceTypeAwsS3Bucket, ResourceOwnerAccount: aws.String(account),
			Error: aws.String("The resource could not be analyzed: " + err.Error())}}
	}
	var out []aatypes.Finding
	for _, f := range found {
		if !f.Shared() {
			continue
		}
		af := aatypes.Finding{
			ResourceType: aatypes.ResourceTypeAwsS3Bucket, ResourceOwnerAccount: aws.String(account),
			IsPublic: aws.Bool(f.Public), Principal: f.Principal, Action: f.Actions, Condition: f.Conditions,
		}
		for _, src := range f.Sources {
			fs := aatypes.FindingSource{Type: aatypes.FindingSourceType(src.Type)}
			if src.AccessPointARN != "" || src.AccessPointAccount != "" {
				fs.Detail = &aatypes.FindingSourceDetail{AccessPointArn: nonEmpty(src.AccessPointARN), AccessPointAccount: nonEmpty(src.AccessPointAccount)}
			}
			af.Sources = append(af.Sources, fs)
		}
		out = append(out, af)
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func blockPublicAccess(p *s3fake.PublicAccessBlock) policy.BlockPublicAccess {
	if p == nil {
		return policy.BlockPublicAccess{}
	}
	return policy.BlockPublicAccess{BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
}

// Access Analyzer's CheckNoPublicAccess messages. The PASS message is the
// one the AWS CLI's example shows; FAIL says the opposite in the same words.
const (
	checkPassMessage = "The resource policy does not grant public access for the given resource type."
	checkFailMessage = "The resource policy grants public access for the given resource type."
)

// checkNoPublicAccess judges a policy with S3's definition of public: the
// access point rule for AWS::S3::AccessPoint, the bucket rule for every
// other resource type (a statement open to everyone without a limiting
// condition). A document that does not parse fails, with the parse error.
func checkNoPublicAccess(doc, resourceType string) aafake.CheckResult {
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return aafake.CheckResult{Message: "The policy document could not be read: " + err.Error()}
	}
	kind := policy.KindBucket
	if resourceType == string(aatypes.AccessCheckResourceTypeS3AccessPoint) {
		kind = policy.KindAccessPoint
	}
	st := policy.IsPublic(d, kind)
	if !st.IsPublic {
		return aafake.CheckResult{Pass: true, Message: checkPassMessage}
	}
	res := aafake.CheckResult{Message: checkFailMessage}
	for _, ps := range st.Statements {
		res.Reasons = append(res.Reasons, aatypes.ReasonSummary{Description: aws.String(ps.Reason),
			StatementIndex: aws.Int32(int32(ps.Index)), StatementId: nonEmpty(ps.Sid)})
	}
	return res
}
