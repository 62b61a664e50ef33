package aafake_test

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/aafake"
)

func bucketFinding(bucket string, public bool, principal string) types.Finding {
	return types.Finding{
		Resource:  aws.String("arn:aws:s3:::" + bucket),
		IsPublic:  aws.Bool(public),
		Principal: map[string]string{"AWS": principal},
		Action:    []string{"s3:GetObject"},
		Sources:   []types.FindingSource{{Type: types.FindingSourceTypePolicy}},
	}
}

func TestAnalyzersAreRegionalAndIdempotent(t *testing.T) {
	ctx := t.Context()
	f, c := aafake.Start(t, nil)
	out, err := c.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{
		AnalyzerName: aws.String("a1"), Type: types.TypeAccount, ClientToken: aws.String("tok"),
	})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a1", aws.ToString(out.Arn))

	// Same client token: same result, no conflict.
	again, err := c.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{
		AnalyzerName: aws.String("a1"), Type: types.TypeAccount, ClientToken: aws.String("tok"),
	})
	require.NoError(t, err)
	assert.Equal(t, out.Arn, again.Arn)

	_, err = c.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("a1"), Type: types.TypeAccount})
	var ce *types.ConflictException
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "a1", aws.ToString(ce.ResourceId))

	got, err := c.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("a1")})
	require.NoError(t, err)
	assert.Equal(t, types.AnalyzerStatusActive, got.Analyzer.Status)
	assert.Equal(t, types.TypeAccount, got.Analyzer.Type)
	assert.WithinDuration(t, time.Now(), aws.ToTime(got.Analyzer.CreatedAt), time.Minute)

	west := f.Client("us-west-2")
	l, err := west.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
	require.NoError(t, err)
	assert.Empty(t, l.Analyzers, "an analyzer in us-east-1 is not visible from us-west-2")

	_, err = west.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("a1")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "Analyzer", aws.ToString(nf.ResourceType))
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "ResourceNotFoundException", api.ErrorCode())
}

func TestListFindingsFiltersAndPages(t *testing.T) {
	ctx := t.Context()
	f, c := aafake.Start(t, &aafake.Options{PageSize: 2})
	arn := f.AddAnalyzer("us-east-1", "acct", types.TypeAccount)
	seed := []types.Finding{
		bucketFinding("pub", true, "*"),
		bucketFinding("shared", false, "444455556666"),
		bucketFinding("shared", false, "777788889999"),
		{Resource: aws.String("arn:aws:iam::111122223333:role/r"), ResourceType: types.ResourceTypeAwsIamRole, Principal: map[string]string{"AWS": "444455556666"}, IsPublic: aws.Bool(false)},
		func() types.Finding {
			x := bucketFinding("org", false, "*")
			x.Condition = map[string]string{"aws:PrincipalOrgID": "o-abc123"}
			return x
		}(),
	}
	for _, s := range seed {
		_, err := f.SeedFinding(arn, s)
		require.NoError(t, err)
	}
	s3 := map[string]types.Criterion{"resourceType": {Eq: []string{"AWS::S3::Bucket"}}}
	cases := []struct {
		name   string
		filter map[string]types.Criterion
		want   int
	}{
		{"all", nil, 5},
		{"s3", s3, 4},
		{"public", map[string]types.Criterion{"isPublic": {Eq: []string{"true"}}}, 1},
		{"bucket", map[string]types.Criterion{"resource": {Eq: []string{"arn:aws:s3:::shared"}}}, 2},
		{"contains", map[string]types.Criterion{"resource": {Contains: []string{"sha", "pu"}}}, 3},
		{"neq account", map[string]types.Criterion{"principal.AWS": {Neq: []string{"444455556666", "*"}}}, 1},
		{"org condition", map[string]types.Criterion{"condition.aws:PrincipalOrgID": {Exists: aws.Bool(true)}}, 1},
		{"no condition", map[string]types.Criterion{"condition.aws:PrincipalOrgID": {Exists: aws.Bool(false)}, "resourceType": {Eq: []string{"AWS::S3::Bucket"}}}, 3},
		{"findingType", map[string]types.Criterion{"findingType": {Eq: []string{"ExternalAccess"}}}, 5},
		{"owner", map[string]types.Criterion{"resourceOwnerAccount": {Eq: []string{"111122223333"}}, "status": {Eq: []string{"ACTIVE"}}}, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := accessanalyzer.NewListFindingsPaginator(c, &accessanalyzer.ListFindingsInput{AnalyzerArn: &arn, Filter: tc.filter})
			n, pages := 0, 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(out.Findings), 2)
				n += len(out.Findings)
				pages++
			}
			assert.Equal(t, tc.want, n)
			assert.Equal(t, max(1, (tc.want+1)/2), pages)

			v2 := accessanalyzer.NewListFindingsV2Paginator(c, &accessanalyzer.ListFindingsV2Input{AnalyzerArn: &arn, Filter: tc.filter})
			n = 0
			for v2.HasMorePages() {
				out, err := v2.NextPage(ctx)
				require.NoError(t, err)
				for _, s := range out.Findings {
					assert.Equal(t, types.FindingTypeExternalAccess, s.FindingType)
				}
				n += len(out.Findings)
			}
			assert.Equal(t, tc.want, n)
		})
	}

	_, err := c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: &arn, Filter: map[string]types.Criterion{"colour": {Eq: []string{"x"}}}})
	var ve *types.ValidationException
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, types.ValidationExceptionReasonFieldValidationFailed, ve.Reason)

	_, err = c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: &arn, NextToken: aws.String("garbage")})
	require.ErrorAs(t, err, &ve)

	sorted, err := c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: &arn, Filter: s3, MaxResults: aws.Int32(10),
		Sort: &types.SortCriteria{AttributeName: aws.String("resource"), OrderBy: types.OrderByDesc}})
	require.NoError(t, err)
	require.Len(t, sorted.Findings, 4)
	assert.Equal(t, "arn:aws:s3:::shared", aws.ToString(sorted.Findings[0].Resource))
	assert.Equal(t, "arn:aws:s3:::org", aws.ToString(sorted.Findings[3].Resource))
}

func TestGetFindingAndV2Details(t *testing.T) {
	ctx := t.Context()
	f, c := aafake.Start(t, nil)
	arn := f.AddAnalyzer("us-east-1", "acct", types.TypeAccount)
	in := bucketFinding("ap", false, "444455556666")
	in.Sources = []types.FindingSource{{Type: types.FindingSourceTypeS3AccessPoint, Detail: &types.FindingSourceDetail{AccessPointArn: aws.String("arn:aws:s3:us-east-1:111122223333:accesspoint/ap1")}}}
	in.Condition = map[string]string{"aws:SourceVpc": "vpc-1"}
	id, err := f.SeedFinding(arn, in)
	require.NoError(t, err)

	g, err := c.GetFinding(ctx, &accessanalyzer.GetFindingInput{AnalyzerArn: &arn, Id: &id})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"AWS": "444455556666"}, g.Finding.Principal)
	assert.Equal(t, []string{"s3:GetObject"}, g.Finding.Action)
	assert.Equal(t, "vpc-1", g.Finding.Condition["aws:SourceVpc"])
	require.Len(t, g.Finding.Sources, 1)
	assert.Equal(t, types.FindingSourceTypeS3AccessPoint, g.Finding.Sources[0].Type)
	assert.Equal(t, "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1", aws.ToString(g.Finding.Sources[0].Detail.AccessPointArn))
	assert.False(t, aws.ToBool(g.Finding.IsPublic))

	g2, err := c.GetFindingV2(ctx, &accessanalyzer.GetFindingV2Input{AnalyzerArn: &arn, Id: &id})
	require.NoError(t, err)
	assert.Equal(t, types.FindingTypeExternalAccess, g2.FindingType)
	require.Len(t, g2.FindingDetails, 1)
	ext, ok := g2.FindingDetails[0].(*types.FindingDetailsMemberExternalAccessDetails)
	require.True(t, ok, "details are %T", g2.FindingDetails[0])
	assert.Equal(t, map[string]string{"AWS": "444455556666"}, ext.Value.Principal)
	assert.Equal(t, types.FindingSourceTypeS3AccessPoint, ext.Value.Sources[0].Type)

	_, err = c.GetFinding(ctx, &accessanalyzer.GetFindingInput{AnalyzerArn: &arn, Id: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "Finding", aws.ToString(nf.ResourceType))
}

func TestArchiveRulesAndUpdateFindings(t *testing.T) {
	ctx := t.Context()
	f, c := aafake.Start(t, nil)
	arn := f.AddAnalyzer("us-east-1", "acct", types.TypeAccount)
	existing, err := f.SeedFinding(arn, bucketFinding("b", false, "444455556666"))
	require.NoError(t, err)

	filter := map[string]types.Criterion{"principal.AWS": {Eq: []string{"444455556666"}}}
	_, err = c.CreateArchiveRule(ctx, &accessanalyzer.CreateArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String("partner"), Filter: filter})
	require.NoError(t, err)
	_, err = c.CreateArchiveRule(ctx, &accessanalyzer.CreateArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String("partner"), Filter: filter})
	var ce *types.ConflictException
	require.ErrorAs(t, err, &ce)

	status := func(id string) types.FindingStatus {
		g, err := c.GetFinding(ctx, &accessanalyzer.GetFindingInput{AnalyzerArn: &arn, Id: &id})
		require.NoError(t, err)
		return g.Finding.Status
	}
	assert.Equal(t, types.FindingStatusActive, status(existing), "creating a rule does not touch existing findings")
	fresh, err := f.SeedFinding(arn, bucketFinding("c", false, "444455556666"))
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusArchived, status(fresh), "new matching findings are archived")
	other, err := f.SeedFinding(arn, bucketFinding("c", false, "999988887777"))
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusActive, status(other))

	_, err = c.ApplyArchiveRule(ctx, &accessanalyzer.ApplyArchiveRuleInput{AnalyzerArn: &arn, RuleName: aws.String("partner")})
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusArchived, status(existing))
	assert.Equal(t, types.FindingStatusActive, status(other))

	rules, err := c.ListArchiveRules(ctx, &accessanalyzer.ListArchiveRulesInput{AnalyzerName: aws.String("acct")})
	require.NoError(t, err)
	require.Len(t, rules.ArchiveRules, 1)
	assert.Equal(t, filter, rules.ArchiveRules[0].Filter)

	_, err = c.UpdateFindings(ctx, &accessanalyzer.UpdateFindingsInput{AnalyzerArn: &arn, Ids: []string{existing}, Status: types.FindingStatusUpdateActive})
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusActive, status(existing))
	_, err = c.UpdateFindings(ctx, &accessanalyzer.UpdateFindingsInput{AnalyzerArn: &arn, ResourceArn: aws.String("arn:aws:s3:::c"), Status: types.FindingStatusUpdateArchived})
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusArchived, status(other))

	_, err = c.UpdateFindings(ctx, &accessanalyzer.UpdateFindingsInput{AnalyzerArn: &arn, Status: types.FindingStatusUpdateArchived})
	var ve *types.ValidationException
	require.ErrorAs(t, err, &ve)
}

func TestPolicyChecks(t *testing.T) {
	ctx := t.Context()
	var seenType string
	_, c := aafake.Start(t, &aafake.Options{
		PageSize: 1,
		ValidatePolicy: func(in aafake.ValidateInput) []types.ValidatePolicyFinding {
			seenType = in.ResourceType
			return []types.ValidatePolicyFinding{
				{FindingType: types.ValidatePolicyFindingTypeWarning, IssueCode: aws.String("MISSING_VERSION"), FindingDetails: aws.String("add a Version"),
					Locations: []types.Location{{Path: []types.PathElement{&types.PathElementMemberValue{Value: "Version"}}, Span: &types.Span{Start: &types.Position{Line: aws.Int32(1), Column: aws.Int32(0), Offset: aws.Int32(0)}, End: &types.Position{Line: aws.Int32(1), Column: aws.Int32(2), Offset: aws.Int32(2)}}}}},
				{FindingType: types.ValidatePolicyFindingTypeError, IssueCode: aws.String("INVALID_ACTION"),
					Locations: []types.Location{{Path: []types.PathElement{&types.PathElementMemberValue{Value: "Statement"}, &types.PathElementMemberIndex{Value: 0}, &types.PathElementMemberKey{Value: "Action"}}}}},
			}
		},
		CheckNoPublicAccess: func(doc, rt string) aafake.CheckResult {
			return aafake.CheckResult{Pass: rt == "AWS::S3::Bucket" && doc == "{}", Message: "m",
				Reasons: []types.ReasonSummary{{Description: aws.String("public"), StatementIndex: aws.Int32(0)}}}
		},
	})
	p := accessanalyzer.NewValidatePolicyPaginator(c, &accessanalyzer.ValidatePolicyInput{
		PolicyDocument: aws.String("{}"), PolicyType: types.PolicyTypeResourcePolicy,
		ValidatePolicyResourceType: types.ValidatePolicyResourceTypeS3Bucket,
	})
	var all []types.ValidatePolicyFinding
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		assert.Len(t, out.Findings, 1, "page size 1 through the query-string tokens")
		all = append(all, out.Findings...)
	}
	require.Len(t, all, 2)
	assert.Equal(t, "AWS::S3::Bucket", seenType)
	assert.Equal(t, int32(1), aws.ToInt32(all[0].Locations[0].Span.Start.Line))
	idx, ok := all[1].Locations[0].Path[1].(*types.PathElementMemberIndex)
	require.True(t, ok)
	assert.Equal(t, int32(0), idx.Value)

	pass, err := c.CheckNoPublicAccess(ctx, &accessanalyzer.CheckNoPublicAccessInput{PolicyDocument: aws.String("{}"), ResourceType: types.AccessCheckResourceTypeS3Bucket})
	require.NoError(t, err)
	assert.Equal(t, types.CheckNoPublicAccessResultPass, pass.Result)
	fail, err := c.CheckNoPublicAccess(ctx, &accessanalyzer.CheckNoPublicAccessInput{PolicyDocument: aws.String(`{"a":1}`), ResourceType: types.AccessCheckResourceTypeS3Bucket})
	require.NoError(t, err)
	assert.Equal(t, types.CheckNoPublicAccessResultFail, fail.Result)
	assert.Equal(t, int32(0), aws.ToInt32(fail.Reasons[0].StatementIndex))

	bad, err := c.ValidatePolicy(ctx, &accessanalyzer.ValidatePolicyInput{PolicyDocument: aws.String(`{"Statement":[`), PolicyType: types.PolicyTypeResourcePolicy})
	require.NoError(t, err)
	require.Len(t, bad.Findings, 1)
	assert.Equal(t, "JSON_SYNTAX_ERROR", aws.ToString(bad.Findings[0].IssueCode))
	assert.Equal(t, types.ValidatePolicyFindingTypeError, bad.Findings[0].FindingType)

	_, err = c.CheckAccessNotGranted(ctx, &accessanalyzer.CheckAccessNotGrantedInput{PolicyDocument: aws.String("{}"), PolicyType: types.AccessCheckPolicyTypeResourcePolicy, Access: []types.Access{{Actions: []string{"s3:GetObject"}}}})
	var ie *types.InternalServerException
	require.ErrorAs(t, err, &ie, "no injected function: the fake refuses to guess")
}

func TestStartResourceScanReplacesFindings(t *testing.T) {
	ctx := t.Context()
	var next []types.Finding
	f, c := aafake.Start(t, &aafake.Options{Scan: func(_, _ string) []types.Finding { return next }})
	arn := f.AddAnalyzer("us-east-1", "acct", types.TypeAccount)
	keep, err := f.SeedFinding(arn, bucketFinding("b", false, "444455556666"))
	require.NoError(t, err)
	gone, err := f.SeedFinding(arn, bucketFinding("b", true, "*"))
	require.NoError(t, err)
	next = []types.Finding{bucketFinding("b", false, "444455556666"), bucketFinding("b", false, "777788889999")}
	_, err = c.StartResourceScan(ctx, &accessanalyzer.StartResourceScanInput{AnalyzerArn: &arn, ResourceArn: aws.String("arn:aws:s3:::b")})
	require.NoError(t, err)
	assert.Len(t, f.Scans(), 1)
	out, err := c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: &arn})
	require.NoError(t, err)
	got := map[string]types.FindingStatus{}
	for _, x := range out.Findings {
		got[aws.ToString(x.Id)] = x.Status
	}
	assert.Len(t, got, 3)
	assert.Equal(t, types.FindingStatusActive, got[keep])
	assert.Equal(t, types.FindingStatusResolved, got[gone])
}

// TestResourcesAnalyzedOnTheirOwn: with Options.Resources the fake
// analyzes the Region's resources when an external-access analyzer is
// created, and again (with every resource that has findings) before each
// read of findings; other analyzer types are left alone.
func TestResourcesAnalyzedOnTheirOwn(t *testing.T) {
	ctx := t.Context()
	var mu sync.Mutex
	state := map[string][]types.Finding{"arn:aws:s3:::b": {bucketFinding("b", true, "*")}}
	buckets := []string{"arn:aws:s3:::b"}
	f, c := aafake.Start(t, &aafake.Options{
		Scan: func(_, r string) []types.Finding {
			mu.Lock()
			defer mu.Unlock()
			return state[r]
		},
		Resources: func(region string) []string {
			mu.Lock()
			defer mu.Unlock()
			if region != "us-east-1" {
				return nil
			}
			return slices.Clone(buckets)
		},
	})
	set := func(r string, fs ...types.Finding) {
		mu.Lock()
		defer mu.Unlock()
		state[r] = fs
	}
	created, err := c.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: types.TypeAccount})
	require.NoError(t, err)
	statuses := func() map[string]types.FindingStatus {
		t.Helper()
		out, err := c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn})
		require.NoError(t, err)
		m := map[string]types.FindingStatus{}
		for _, x := range out.Findings {
			m[aws.ToString(x.Resource)+" "+x.Principal["AWS"]] = x.Status
		}
		return m
	}
	assert.Equal(t, map[string]types.FindingStatus{"arn:aws:s3:::b *": types.FindingStatusActive}, statuses(), "analyzed at creation")
	assert.Empty(t, f.Scans(), "without StartResourceScan")
	// A seeded finding of a resource that is not listed is a fixture: kept.
	_, err = f.SeedFinding(aws.ToString(created.Arn), bucketFinding("seeded", true, "*"))
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusActive, statuses()["arn:aws:s3:::seeded *"])

	// The resource changes; a resource that is no longer listed but has
	// findings is analyzed too.
	set("arn:aws:s3:::b", bucketFinding("b", false, "444455556666"))
	mu.Lock()
	buckets = nil
	mu.Unlock()
	assert.Equal(t, map[string]types.FindingStatus{"arn:aws:s3:::b *": types.FindingStatusResolved,
		"arn:aws:s3:::b 444455556666": types.FindingStatusActive, "arn:aws:s3:::seeded *": types.FindingStatusActive}, statuses())

	// GetFinding reads the current state.
	out, err := c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn,
		Filter: map[string]types.Criterion{"status": {Eq: []string{"ACTIVE"}}, "resource": {Eq: []string{"arn:aws:s3:::b"}}}})
	require.NoError(t, err)
	require.Len(t, out.Findings, 1)
	set("arn:aws:s3:::b")
	got, err := c.GetFinding(ctx, &accessanalyzer.GetFindingInput{AnalyzerArn: created.Arn, Id: out.Findings[0].Id})
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusResolved, got.Finding.Status)

	// So do ListFindingsV2 and GetFindingV2 (b is listed again).
	set("arn:aws:s3:::b", bucketFinding("b", false, "121212121212"))
	mu.Lock()
	buckets = []string{"arn:aws:s3:::b"}
	mu.Unlock()
	v2, err := c.ListFindingsV2(ctx, &accessanalyzer.ListFindingsV2Input{AnalyzerArn: created.Arn,
		Filter: map[string]types.Criterion{"status": {Eq: []string{"ACTIVE"}}, "resource": {Eq: []string{"arn:aws:s3:::b"}}}})
	require.NoError(t, err)
	require.Len(t, v2.Findings, 1)
	set("arn:aws:s3:::b")
	g2, err := c.GetFindingV2(ctx, &accessanalyzer.GetFindingV2Input{AnalyzerArn: created.Arn, Id: v2.Findings[0].Id})
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusResolved, g2.Status)

	// An unused-access analyzer, and another Region's, analyze nothing.
	set("arn:aws:s3:::b", bucketFinding("b", true, "*"))
	unused := f.AddAnalyzer("us-east-1", "unused", types.TypeAccountUnusedAccess)
	v2, err = c.ListFindingsV2(ctx, &accessanalyzer.ListFindingsV2Input{AnalyzerArn: &unused})
	require.NoError(t, err)
	assert.Empty(t, v2.Findings)
	west := f.Client("eu-west-1")
	wa, err := west.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: types.TypeAccount})
	require.NoError(t, err)
	wout, err := west.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: wa.Arn})
	require.NoError(t, err)
	assert.Empty(t, wout.Findings)
}

func TestInjectedErrors(t *testing.T) {
	ctx := t.Context()
	f, c := aafake.Start(t, nil)
	f.Deny("ListAnalyzers")
	_, err := c.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
	var ad *types.AccessDeniedException
	require.ErrorAs(t, err, &ad)
	assert.Contains(t, ad.ErrorMessage(), "access-analyzer:ListAnalyzers")

	f.FailNext("GetAnalyzer", 429, "ThrottlingException")
	_, err = c.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("x")})
	var te *types.ThrottlingException
	require.ErrorAs(t, err, &te)
	_, err = c.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("x")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf, "the fault is used once")
	assert.Equal(t, 2, f.Calls("GetAnalyzer"))

	_, err = f.SeedFinding("arn:nope", types.Finding{})
	assert.True(t, errors.Is(err, aafake.ErrNoAnalyzer))
}

func TestClosedConnRetryer(t *testing.T) {
	r := aafake.ClosedConnRetryer{}
	assert.True(t, r.IsErrorRetryable(fmt.Errorf("decode: %w", &net.OpError{Op: "read", Err: net.ErrClosed})))
	assert.False(t, r.IsErrorRetryable(&types.ThrottlingException{Message: aws.String("slow down")}))
	assert.Equal(t, 3, r.MaxAttempts())
	d, err := r.RetryDelay(1, nil)
	require.NoError(t, err)
	assert.Zero(t, d)
}

func TestArchiveRuleCRUDAndAnalyzerTypes(t *testing.T) {
	ctx := t.Context()
	f, c := aafake.Start(t, nil)
	unused := f.AddAnalyzer("us-east-1", "unused", types.TypeAccountUnusedAccess)
	_, err := c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: &unused})
	var ve *types.ValidationException
	require.ErrorAs(t, err, &ve, "ListFindings serves only external-access analyzers")
	assert.Equal(t, types.ValidationExceptionReasonNotSupported, ve.Reason)
	_, err = c.ListFindingsV2(ctx, &accessanalyzer.ListFindingsV2Input{AnalyzerArn: &unused})
	require.NoError(t, err)

	_, err = c.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: types.TypeAccount,
		ArchiveRules: []types.InlineArchiveRule{{RuleName: aws.String("inline"), Filter: map[string]types.Criterion{"isPublic": {Eq: []string{"false"}}}}}})
	require.NoError(t, err)
	got, err := c.GetArchiveRule(ctx, &accessanalyzer.GetArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String("inline")})
	require.NoError(t, err)
	assert.Equal(t, []string{"false"}, got.ArchiveRule.Filter["isPublic"].Eq)
	assert.False(t, aws.ToTime(got.ArchiveRule.CreatedAt).IsZero())

	_, err = c.UpdateArchiveRule(ctx, &accessanalyzer.UpdateArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String("inline"),
		Filter: map[string]types.Criterion{"isPublic": {Eq: []string{"true"}}}})
	require.NoError(t, err)
	got, err = c.GetArchiveRule(ctx, &accessanalyzer.GetArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String("inline")})
	require.NoError(t, err)
	assert.Equal(t, []string{"true"}, got.ArchiveRule.Filter["isPublic"].Eq)

	_, err = c.CreateArchiveRule(ctx, &accessanalyzer.CreateArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String("empty"), Filter: map[string]types.Criterion{}})
	require.ErrorAs(t, err, &ve, "an empty filter is refused")

	_, err = c.DeleteArchiveRule(ctx, &accessanalyzer.DeleteArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String("inline")})
	require.NoError(t, err)
	_, err = c.GetArchiveRule(ctx, &accessanalyzer.GetArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String("inline")})
	var nf *types.ResourceNotFoundException
	require.ErrorAs(t, err, &nf)

	_, err = c.DeleteAnalyzer(ctx, &accessanalyzer.DeleteAnalyzerInput{AnalyzerName: aws.String("acct")})
	require.NoError(t, err)
	_, err = c.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String("acct")})
	require.ErrorAs(t, err, &nf)

	_, err = c.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("9bad"), Type: types.TypeAccount})
	require.ErrorAs(t, err, &ve)
}
