package localaws_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
)

// TestAccessAnalyzerFollowsState: the account's analyzer analyzes the
// account's buckets of its Region when it is created, and its findings
// follow later changes of a bucket's policy, ACL and Block Public Access,
// and of access points in S3 Control, without StartResourceScan, as Access
// Analyzer does ("Each time a resource-based policy is modified, IAM
// Access Analyzer analyzes the policy"; AWS within about 30 minutes, the
// local one by the next read). Everything goes through the real SDK
// clients.
func TestAccessAnalyzerFollowsState(t *testing.T) {
	srv, ep := start(t, &localaws.Options{LegacyBuckets: true}, nil)
	ctx := t.Context()
	cfg := ep.Config(srv.Owner().Root())
	s3c, aa, ctl := s3.NewFromConfig(cfg), accessanalyzer.NewFromConfig(cfg), s3control.NewFromConfig(cfg)
	owner := srv.Owner().ID
	create := func(bucket string, opts ...func(*s3.Options)) {
		t.Helper()
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}, opts...)
		require.NoError(t, err)
	}
	put := func(bucket, principal, action string, opts ...func(*s3.Options)) {
		t.Helper()
		_, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"` + action + `","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`)}, opts...)
		require.NoError(t, err)
	}
	create("open-bucket")
	put("open-bucket", `"*"`, "s3:GetObject")
	create("quiet-bucket")
	west := func(o *s3.Options) { o.Region = "eu-west-1" }
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("west-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}}, west)
	require.NoError(t, err)
	put("west-bucket", `"*"`, "s3:GetObject", west)

	created, err := aa.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: aatypes.TypeAccount})
	require.NoError(t, err)
	type row struct {
		Resource string
		Status   aatypes.FindingStatus
		Public   bool
		Actions  []string
		Source   string
	}
	list := func() []row {
		t.Helper()
		out, err := aa.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn})
		require.NoError(t, err)
		var rows []row
		for _, f := range out.Findings {
			r := row{Resource: aws.ToString(f.Resource), Status: f.Status, Public: aws.ToBool(f.IsPublic), Actions: f.Action}
			for _, s := range f.Sources {
				r.Source += string(s.Type)
			}
			rows = append(rows, r)
		}
		return rows
	}
	assert.Equal(t, []row{{"arn:aws:s3:::open-bucket", aatypes.FindingStatusActive, true, []string{"s3:GetObject"}, "POLICY"}}, list(),
		"analyzed at creation; the eu-west-1 bucket is another Region's analyzer's")
	got, err := aa.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("acct")})
	require.NoError(t, err)
	assert.NotEmpty(t, aws.ToString(got.Analyzer.LastResourceAnalyzed))

	// A policy change: the old access is resolved, the new one is found.
	put("open-bucket", `"*"`, "s3:PutObject")
	assert.Equal(t, []row{
		{"arn:aws:s3:::open-bucket", aatypes.FindingStatusResolved, true, []string{"s3:GetObject"}, "POLICY"},
		{"arn:aws:s3:::open-bucket", aatypes.FindingStatusActive, true, []string{"s3:PutObject"}, "POLICY"},
	}, list())

	// Block Public Access on the bucket: resolved.
	_, err = s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("open-bucket"),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	for _, r := range list() {
		assert.Equal(t, aatypes.FindingStatusResolved, r.Status, r)
	}

	// An ACL grant to everyone on another bucket.
	acl, err := s3c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("quiet-bucket")})
	require.NoError(t, err)
	_, err = s3c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("quiet-bucket"), AccessControlPolicy: &s3types.AccessControlPolicy{
		Owner: acl.Owner, Grants: append(acl.Grants, s3types.Grant{Permission: s3types.PermissionRead,
			Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}}),
	}})
	require.NoError(t, err)
	var active []row
	for _, r := range list() {
		if r.Status == aatypes.FindingStatusActive {
			active = append(active, r)
		}
	}
	require.Len(t, active, 1)
	assert.Equal(t, "arn:aws:s3:::quiet-bucket", active[0].Resource)
	assert.Equal(t, "BUCKET_ACL", active[0].Source)

	// An access point with a policy for another account, on a bucket that
	// delegates to the owner's access points: read from S3 Control.
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("quiet-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::quiet-bucket","arn:aws:s3:::quiet-bucket/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + owner + `"}}}]}`)})
	require.NoError(t, err)
	ap, err := ctl.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(owner), Name: aws.String("partner"), Bucket: aws.String("quiet-bucket"),
		PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	_, err = ctl.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(owner), Name: aws.String("partner"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"` + aws.ToString(ap.AccessPointArn) + `/object/*"}]}`)})
	require.NoError(t, err)
	out, err := aa.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn,
		Filter: map[string]aatypes.Criterion{"status": {Eq: []string{"ACTIVE"}}}})
	require.NoError(t, err)
	var viaAP []aatypes.FindingSummary
	for _, f := range out.Findings {
		if len(f.Sources) > 0 && f.Sources[0].Type == aatypes.FindingSourceTypeS3AccessPoint {
			viaAP = append(viaAP, f)
		}
	}
	require.Len(t, viaAP, 1)
	assert.Equal(t, map[string]string{"AWS": "444455556666"}, viaAP[0].Principal)
	assert.Equal(t, aws.ToString(ap.AccessPointArn), aws.ToString(viaAP[0].Sources[0].Detail.AccessPointArn))

	// GetFinding reads current state too: deleting the access point
	// resolves its finding.
	_, err = ctl.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: aws.String(owner), Name: aws.String("partner")})
	require.NoError(t, err)
	f, err := aa.GetFinding(ctx, &accessanalyzer.GetFindingInput{AnalyzerArn: created.Arn, Id: viaAP[0].Id})
	require.NoError(t, err)
	assert.Equal(t, aatypes.FindingStatusResolved, f.Finding.Status)

	// The eu-west-1 analyzer sees the eu-west-1 bucket only.
	westAA := accessanalyzer.NewFromConfig(cfg, func(o *accessanalyzer.Options) { o.Region = "eu-west-1" })
	wa, err := westAA.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: aatypes.TypeAccount})
	require.NoError(t, err)
	wout, err := westAA.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: wa.Arn})
	require.NoError(t, err)
	require.Len(t, wout.Findings, 1)
	assert.Equal(t, "arn:aws:s3:::west-bucket", aws.ToString(wout.Findings[0].Resource))
}
