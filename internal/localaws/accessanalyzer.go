package localaws

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// The local Access Analyzer reasons with s3secure's own rules, not with
// Zelkova: an account's analyzer finds external access to the account's
// buckets of its Region with the offline analysis (analyzer.Analyze) of
// each bucket's state in the S3 fake (policy, ACL, Object Ownership, Block
// Public Access of bucket and account, and the access points and the
// Multi-Region Access Points the S3 Control fakes hold for it). It
// analyzes them when the analyzer is created, and again before each read
// of findings and on StartResourceScan, so findings follow the buckets'
// current state (AWS updates them within about 30 minutes of a change).
// CheckNoPublicAccess judges a policy with S3's definition of public
// (policy.IsPublic).

// accessAnalyzerOptions are the Access Analyzer fake's hooks for account.
func (s *Server) accessAnalyzerOptions(account string) (scan func(analyzerArn, resourceArn string) []aatypes.Finding,
	resources func(region string) []string, check func(policyDocument, resourceType string) aafake.CheckResult) {
	scan = func(analyzerArn, resourceArn string) []aatypes.Finding {
		return s.scanBucket(account, analyzerArn, resourceArn)
	}
	resources = func(region string) []string { return s.bucketARNs(account, region) }
	return scan, resources, checkNoPublicAccess
}

// bucketARNs returns the ARNs of account's buckets in region: what an
// analyzer of the account in that Region analyzes.
func (s *Server) bucketARNs(account, region string) []string {
	var out []string
	for _, name := range s.s3.BucketNames() {
		if cfg, ok := s.s3.Bucket(name); ok && cfg.OwnerAccountID == account && s.bucketRegion(cfg) == region {
			out = append(out, "arn:"+fakeutil.RegionPartition(region)+":s3:::"+name)
		}
	}
	return out
}

func (s *Server) bucketRegion(cfg s3fake.BucketConfig) string {
	if cfg.Region == "" {
		return s.s3.Region()
	}
	return cfg.Region
}

// scanBucket analyzes a bucket of account for the analyzer analyzerArn:
// its findings (nil for a bucket that does not exist, belongs to another
// account or lives in another Region than the analyzer's, as an analyzer
// only analyzes its own account's resources of its Region).
func (s *Server) scanBucket(account, analyzerArn, resourceArn string) []aatypes.Finding {
	partition, _ := policy.ARNPartition(resourceArn)
	name, ok := strings.CutPrefix(resourceArn, "arn:"+partition+":s3:::")
	if partition == "" || !ok || name == "" || strings.Contains(name, "/") {
		return nil
	}
	cfg, ok := s.s3.Bucket(name)
	// A bucket has an ARN in its Region's partition only.
	if !ok || cfg.OwnerAccountID != account || fakeutil.RegionPartition(s.bucketRegion(cfg)) != partition {
		return nil
	}
	if parts := strings.SplitN(analyzerArn, ":", 5); len(parts) == 5 && parts[3] != s.bucketRegion(cfg) {
		return nil
	}
	state := &analyzer.BucketState{
		Name: name, Region: cfg.Region, Owner: account, OwnerCanonicalID: s3fake.CanonicalUserID(account),
		Policy: cfg.Policy, ACL: cfg.ACL.PolicyGrants(), ACLsDisabled: !cfg.ACLsEnabled(),
		BlockPublicAccess: blockPublicAccess(cfg.PublicAccessBlock),
		AccountBlock:      blockPublicAccess(s.s3.AccountPublicAccessBlock(account)),
	}
	for _, a := range s.Accounts() {
		for _, ap := range a.S3Control.AccessPoints(name) {
			if ap.BucketAccount != "" && ap.BucketAccount != account {
				continue
			}
			b := ap.PublicAccessBlock
			state.AccessPoints = append(state.AccessPoints, analyzer.AccessPoint{
				Name: ap.Name, ARN: ap.ARN, Account: a.ID, Bucket: name, NetworkOrigin: ap.NetworkOrigin, Policy: ap.Policy,
				BlockPublicAccess: policy.BlockPublicAccess{BlockPublicAcls: b.BlockPublicAcls, IgnorePublicAcls: b.IgnorePublicAcls,
					BlockPublicPolicy: b.BlockPublicPolicy, RestrictPublicBuckets: b.RestrictPublicBuckets},
			})
		}
	}
	// Multi-Region Access Points in front of the bucket, of any account of
	// the local AWS, are analyzed as access points.
	for _, a := range s.Accounts() {
		for _, m := range a.S3Control.MultiRegionAccessPoints() {
			for _, mb := range m.Buckets {
				if mb.Bucket != name || mb.BucketAccount != account {
					continue
				}
				b := m.PublicAccessBlock
				state.MultiRegionAccessPoints = append(state.MultiRegionAccessPoints, analyzer.AccessPoint{
					Name: m.Name, ARN: m.ARN, Account: a.ID, Bucket: name, NetworkOrigin: "Internet", Policy: m.Policy,
					BlockPublicAccess: policy.BlockPublicAccess{BlockPublicAcls: b.BlockPublicAcls, IgnorePublicAcls: b.IgnorePublicAcls,
						BlockPublicPolicy: b.BlockPublicPolicy, RestrictPublicBuckets: b.RestrictPublicBuckets},
				})
			}
		}
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
