package analyzer_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/policy"
)

func TestEnsureAnalyzer(t *testing.T) {
	ctx := t.Context()
	t.Run("none and creation not allowed", func(t *testing.T) {
		f, c := aafake.Start(t, nil)
		_, err := analyzer.EnsureAnalyzer(ctx, c, nil)
		require.ErrorIs(t, err, analyzer.ErrNoAnalyzer)
		assert.Equal(t, 0, f.Calls("CreateAnalyzer"))
		// The error says what to do, not only what is missing.
		assert.EqualError(t, err, "analyzer: no active analyzer in the region us-east-1 (EnsureOptions.AllowCreate creates one)")
	})
	t.Run("create once, then find", func(t *testing.T) {
		f, c := aafake.Start(t, nil)
		a, err := analyzer.EnsureAnalyzer(ctx, c, &analyzer.EnsureOptions{AllowCreate: true})
		require.NoError(t, err)
		assert.True(t, a.Created)
		assert.Equal(t, analyzer.DefaultAnalyzerName, a.Name)
		assert.Equal(t, types.TypeAccount, a.Type)
		assert.Equal(t, "us-east-1", a.Region)
		assert.Equal(t, aafake.DefaultAccount, a.Account)
		again, err := analyzer.EnsureAnalyzer(ctx, c, &analyzer.EnsureOptions{AllowCreate: true})
		require.NoError(t, err)
		assert.False(t, again.Created)
		assert.Equal(t, a.ARN, again.ARN)
		assert.Equal(t, 1, f.Calls("CreateAnalyzer"))
	})
	t.Run("an analyzer still being created", func(t *testing.T) {
		f, c := aafake.Start(t, nil)
		a, err := analyzer.EnsureAnalyzer(ctx, c, &analyzer.EnsureOptions{AllowCreate: true})
		require.NoError(t, err)
		require.True(t, f.SetAnalyzerStatus(a.ARN, types.AnalyzerStatusCreating))
		_, err = analyzer.EnsureAnalyzer(ctx, c, nil)
		require.ErrorIs(t, err, analyzer.ErrNoAnalyzer)
		assert.Contains(t, err.Error(), "s3secure (CREATING)")
		again, err := analyzer.EnsureAnalyzer(ctx, c, &analyzer.EnsureOptions{AllowCreate: true})
		require.NoError(t, err)
		assert.Equal(t, types.AnalyzerStatusCreating, again.Status)
		assert.Equal(t, 1, f.Calls("CreateAnalyzer"), "not created twice")
	})
	t.Run("organization wanted", func(t *testing.T) {
		f, c := aafake.Start(t, nil)
		f.AddAnalyzer("us-east-1", "acct", types.TypeAccount)
		org := f.AddAnalyzer("us-east-1", "org", types.TypeOrganization)
		a, err := analyzer.EnsureAnalyzer(ctx, c, &analyzer.EnsureOptions{Organization: true})
		require.NoError(t, err)
		assert.Equal(t, org, a.ARN)
		assert.True(t, a.External())
	})
	t.Run("unused-access analyzers do not count", func(t *testing.T) {
		f, c := aafake.Start(t, nil)
		f.AddAnalyzer("us-east-1", "unused", types.TypeAccountUnusedAccess)
		_, err := analyzer.EnsureAnalyzer(ctx, c, nil)
		require.ErrorIs(t, err, analyzer.ErrNoAnalyzer)
	})
	t.Run("analyzer in another region", func(t *testing.T) {
		f, c := aafake.Start(t, nil)
		f.AddAnalyzer("eu-west-1", "eu", types.TypeAccount)
		_, err := analyzer.EnsureAnalyzer(ctx, c, nil)
		require.ErrorIs(t, err, analyzer.ErrNoAnalyzer, "analyzers are regional")
		eu, err := analyzer.EnsureAnalyzer(ctx, f.Client("eu-west-1"), nil)
		require.NoError(t, err)
		_, err = analyzer.ListFindings(ctx, c, eu, nil)
		var wr *analyzer.WrongRegionError
		require.ErrorAs(t, err, &wr)
		assert.Equal(t, "eu-west-1", wr.Region)
		assert.Equal(t, "us-east-1", wr.Want)
		require.ErrorIs(t, err, analyzer.ErrWrongRegion)
		assert.Equal(t, 0, f.Calls("ListFindings"), "refused before sending")
	})
	t.Run("access denied", func(t *testing.T) {
		f, c := aafake.Start(t, nil)
		f.Deny("CreateAnalyzer")
		_, err := analyzer.EnsureAnalyzer(ctx, c, &analyzer.EnsureOptions{AllowCreate: true})
		require.ErrorIs(t, err, analyzer.ErrAccessDenied)
		var ae *analyzer.Error
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "CreateAnalyzer", ae.Op)
		var api smithy.APIError
		require.ErrorAs(t, err, &api)
		assert.Equal(t, "AccessDeniedException", api.ErrorCode())
		assert.Regexp(t, `^analyzer: CreateAnalyzer s3secure: `, err.Error())
	})
}

func seedAnalyzer(t *testing.T, typ types.Type) (*aafake.Fake, *analyzer.Analyzer, func(types.Finding) string) {
	t.Helper()
	f, c := aafake.Start(t, nil)
	f.AddAnalyzer("us-east-1", "main", typ)
	a, err := analyzer.EnsureAnalyzer(t.Context(), c, nil)
	if typ != types.TypeAccount && typ != types.TypeOrganization {
		// EnsureAnalyzer only returns external-access analyzers; build the
		// value by hand for the V2-only types.
		arn := "arn:aws:access-analyzer:us-east-1:" + aafake.DefaultAccount + ":analyzer/main"
		a, err = &analyzer.Analyzer{Name: "main", ARN: arn, Region: "us-east-1", Type: typ}, nil
	}
	require.NoError(t, err)
	return f, a, func(x types.Finding) string {
		id, err := f.SeedFinding(a.ARN, x)
		require.NoError(t, err)
		return id
	}
}

func s3Finding(bucket string, public bool, principal map[string]string, cond map[string]string, src types.FindingSourceType) types.Finding {
	return types.Finding{
		Resource: aws.String("arn:aws:s3:::" + bucket), IsPublic: aws.Bool(public), Principal: principal,
		Action: []string{"s3:GetObject"}, Condition: cond, Sources: []types.FindingSource{{Type: src}},
	}
}

func TestListFindings(t *testing.T) {
	ctx := t.Context()
	for _, useV2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("v2=%v", useV2), func(t *testing.T) {
			f, a, seed := seedAnalyzer(t, types.TypeAccount)
			c := f.Client("us-east-1")
			seed(s3Finding("pub", true, map[string]string{"AWS": "*"}, nil, types.FindingSourceTypePolicy))
			seed(s3Finding("acl", true, map[string]string{"AWS": "*"}, nil, types.FindingSourceTypeBucketAcl))
			seed(s3Finding("shared", false, map[string]string{"AWS": "arn:aws:iam::444455556666:role/reader"}, nil, types.FindingSourceTypePolicy))
			seed(s3Finding("org", false, map[string]string{"AWS": "*"}, map[string]string{"aws:PrincipalOrgID": "o-abcdef1234"}, types.FindingSourceTypePolicy))
			seed(s3Finding("cdn", false, map[string]string{"Service": "cloudfront.amazonaws.com"}, nil, types.FindingSourceTypePolicy))
			seed(types.Finding{Resource: aws.String("arn:aws:iam::111122223333:role/x"), ResourceType: types.ResourceTypeAwsIamRole,
				Principal: map[string]string{"AWS": "444455556666"}, IsPublic: aws.Bool(false)})
			// 120 more shared buckets so that listing needs two pages of 100.
			for i := range 120 {
				seed(s3Finding(fmt.Sprintf("bulk-%03d", i), false, map[string]string{"AWS": "777788889999"}, nil, types.FindingSourceTypePolicy))
			}
			archived := seed(s3Finding("old", true, map[string]string{"AWS": "*"}, nil, types.FindingSourceTypePolicy))
			require.NoError(t, analyzer.Archive(ctx, c, a, archived))

			all, err := analyzer.ListFindings(ctx, c, a, &analyzer.ListOptions{UseV2: useV2})
			require.NoError(t, err)
			assert.Len(t, all, 125, "S3 only, ACTIVE only, every page")
			if useV2 {
				assert.Equal(t, 125, f.Calls("GetFindingV2"), "one GetFindingV2 per finding")
				assert.Equal(t, 2, f.Calls("ListFindingsV2"), "two pages of 100")
			} else {
				assert.Equal(t, 2, f.Calls("ListFindings"), "two pages of 100")
			}

			byBucket := map[string]analyzer.Finding{}
			for _, x := range all {
				byBucket[x.Bucket] = x
			}
			assert.Equal(t, analyzer.KindPublic, byBucket["pub"].Kind)
			assert.Equal(t, analyzer.SourceACL, byBucket["acl"].Sources[0].Type)
			assert.Equal(t, analyzer.KindCrossAccount, byBucket["shared"].Kind)
			assert.Equal(t, []string{"444455556666"}, byBucket["shared"].Accounts)
			assert.Equal(t, analyzer.KindOrganization, byBucket["org"].Kind)
			assert.Equal(t, "o-abcdef1234", byBucket["org"].Organization)
			assert.False(t, byBucket["org"].Public)
			assert.Equal(t, analyzer.KindService, byBucket["cdn"].Kind)
			assert.Equal(t, []string{"s3:GetObject"}, byBucket["pub"].Actions)
			assert.NotEmpty(t, byBucket["pub"].ID)
			assert.False(t, byBucket["pub"].CreatedAt.IsZero())

			pub, err := analyzer.ListFindings(ctx, c, a, &analyzer.ListOptions{PublicOnly: true, UseV2: useV2})
			require.NoError(t, err)
			assert.ElementsMatch(t, []string{"pub", "acl"}, buckets(pub))

			cross, err := analyzer.ListFindings(ctx, c, a, &analyzer.ListOptions{CrossAccountOnly: true, Buckets: []string{"shared", "org", "pub"}, UseV2: useV2})
			require.NoError(t, err)
			assert.ElementsMatch(t, []string{"shared", "org"}, buckets(cross))

			many := []string{"pub"}
			for i := range 45 {
				many = append(many, fmt.Sprintf("bulk-%03d", i))
			}
			got, err := analyzer.ListFindings(ctx, c, a, &analyzer.ListOptions{Buckets: many, UseV2: useV2})
			require.NoError(t, err)
			assert.Len(t, got, 46, "bucket filters are batched by %d", analyzer.MaxFilterValues)

			withArchived, err := analyzer.ListFindings(ctx, c, a, &analyzer.ListOptions{IncludeArchived: true, Buckets: []string{"old"}, UseV2: useV2})
			require.NoError(t, err)
			require.Len(t, withArchived, 1)
			assert.Equal(t, types.FindingStatusArchived, withArchived[0].Status)

			one, err := analyzer.GetFinding(ctx, c, a, byBucket["shared"].ID)
			require.NoError(t, err)
			assert.Equal(t, byBucket["shared"].Principal, one.Principal)

			if !useV2 {
				assert.Zero(t, f.Calls("ListFindingsV2"), "external-access analyzers use ListFindings")
				v2, err := analyzer.ListFindings(ctx, c, a, &analyzer.ListOptions{UseV2: true})
				require.NoError(t, err)
				assert.ElementsMatch(t, all, v2, "both APIs give the same findings")
			} else {
				assert.Zero(t, f.Calls("ListFindings"))
			}
		})
	}
}

func TestListFindingsInternalAccessAnalyzerUsesV2(t *testing.T) {
	f, a, seed := seedAnalyzer(t, types.TypeAccountInternalAccess)
	c := f.Client("us-east-1")
	seed(s3Finding("data-bucket", false, map[string]string{"AWS": "arn:aws:iam::111122223333:role/app"}, nil, types.FindingSourceTypePolicy))
	got, err := analyzer.ListFindings(t.Context(), c, a, nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "data-bucket", got[0].Bucket)
	assert.Equal(t, map[string]string{"AWS": "arn:aws:iam::111122223333:role/app"}, got[0].Principal)
	assert.Zero(t, f.Calls("ListFindings"), "ListFindings does not serve internal-access analyzers")
	assert.Equal(t, 1, f.Calls("ListFindingsV2"))
}

func buckets(fs []analyzer.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Bucket)
	}
	return out
}

func TestListFindingsInvalidInput(t *testing.T) {
	f, a, _ := seedAnalyzer(t, types.TypeAccount)
	c := f.Client("us-east-1")
	for name, o := range map[string]*analyzer.ListOptions{
		"bad bucket": {Buckets: []string{"Bad_Bucket"}},
		"both":       {PublicOnly: true, CrossAccountOnly: true},
	} {
		_, err := analyzer.ListFindings(t.Context(), c, a, o)
		require.ErrorIs(t, err, analyzer.ErrInvalidInput, name)
	}
	_, err := analyzer.ListFindings(t.Context(), c, nil, nil)
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
	assert.Zero(t, f.Calls("ListFindings"))
}

func TestArchiveRules(t *testing.T) {
	ctx := t.Context()
	f, a, seed := seedAnalyzer(t, types.TypeAccount)
	c := f.Client("us-east-1")
	partner := seed(s3Finding("b", false, map[string]string{"AWS": "arn:aws:iam::444455556666:role/etl"}, nil, types.FindingSourceTypePolicy))
	stranger := seed(s3Finding("b", false, map[string]string{"AWS": "999988887777"}, nil, types.FindingSourceTypePolicy))
	orgF := seed(s3Finding("c", false, map[string]string{"AWS": "*"}, map[string]string{"aws:PrincipalOrgID": "o-abcdef1234"}, types.FindingSourceTypePolicy))

	rule, err := analyzer.ExpectedAccountsRule("our-accounts", "444455556666", "555566667777")
	require.NoError(t, err)
	created, err := analyzer.EnsureArchiveRule(ctx, c, a, rule, nil)
	require.NoError(t, err)
	assert.True(t, created)
	created, err = analyzer.EnsureArchiveRule(ctx, c, a, rule, nil)
	require.NoError(t, err)
	assert.False(t, created, "idempotent")
	assert.Equal(t, 1, f.Calls("CreateArchiveRule"))

	orgRule, err := analyzer.OrganizationRule("our-org", "o-abcdef1234")
	require.NoError(t, err)
	_, err = analyzer.EnsureArchiveRule(ctx, c, a, orgRule, &analyzer.ArchiveRuleOptions{NewFindingsOnly: true})
	require.NoError(t, err)

	active, err := analyzer.ListFindings(ctx, c, a, nil)
	require.NoError(t, err)
	ids := map[string]bool{}
	for _, x := range active {
		ids[x.ID] = true
	}
	assert.False(t, ids[partner], "existing finding archived by the applied rule")
	assert.True(t, ids[stranger])
	assert.True(t, ids[orgF], "NewFindingsOnly leaves existing findings active")

	later := seed(s3Finding("d", false, map[string]string{"AWS": "*"}, map[string]string{"aws:PrincipalOrgID": "o-abcdef1234"}, types.FindingSourceTypePolicy))
	got, err := analyzer.GetFinding(ctx, c, a, later)
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusArchived, got.Status, "new findings are archived by the rule")

	other, err := analyzer.ExpectedAccountsRule("our-accounts", "444455556666")
	require.NoError(t, err)
	_, err = analyzer.EnsureArchiveRule(ctx, c, a, other, nil)
	require.ErrorIs(t, err, analyzer.ErrArchiveRuleConflict)

	require.NoError(t, analyzer.Unarchive(ctx, c, a, partner))
	got, err = analyzer.GetFinding(ctx, c, a, partner)
	require.NoError(t, err)
	assert.Equal(t, types.FindingStatusActive, got.Status)

	for _, bad := range [][]string{nil, {"123"}, make([]string, 21)} {
		_, err := analyzer.ExpectedAccountsRule("r", bad...)
		assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
	}
	_, err = analyzer.OrganizationRule("r", "org-1")
	assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
	assert.ErrorIs(t, analyzer.Archive(ctx, c, a), analyzer.ErrInvalidInput)
}

func TestRescan(t *testing.T) {
	f, a, _ := seedAnalyzer(t, types.TypeAccount)
	require.NoError(t, analyzer.Rescan(t.Context(), f.Client("us-east-1"), a, "my-bucket"))
	require.Len(t, f.Scans(), 1)
	assert.Equal(t, "arn:aws:s3:::my-bucket", f.Scans()[0].ResourceArn)
	assert.ErrorIs(t, analyzer.Rescan(t.Context(), f.Client("us-east-1"), a, "NO"), analyzer.ErrInvalidInput)
}

const sample = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
  ]
}`

func TestValidateMapsToPolicyFinding(t *testing.T) {
	pos := func(line, col, off int32) *types.Position {
		return &types.Position{Line: aws.Int32(line), Column: aws.Int32(col), Offset: aws.Int32(off)}
	}
	var gotType string
	_, c := aafake.Start(t, &aafake.Options{ValidatePolicy: func(in aafake.ValidateInput) []types.ValidatePolicyFinding {
		gotType = in.ResourceType
		return []types.ValidatePolicyFinding{{
			FindingType: types.ValidatePolicyFindingTypeSecurityWarning, IssueCode: aws.String("PASS_ROLE_WITH_STAR_IN_RESOURCE"),
			FindingDetails: aws.String("details"), LearnMoreLink: aws.String("https://docs.aws.amazon.com/x"),
			Locations: []types.Location{{
				Path: []types.PathElement{&types.PathElementMemberValue{Value: "Statement"}, &types.PathElementMemberIndex{Value: 0},
					&types.PathElementMemberValue{Value: "Principal"}},
				Span: &types.Span{Start: pos(4, 52, 80), End: pos(4, 55, 83)},
			}},
		}, {
			FindingType: types.ValidatePolicyFindingTypeSuggestion, IssueCode: aws.String("EMPTY_ARRAY"),
		}}
	}})
	got, err := analyzer.Validate(t.Context(), c, sample, nil)
	require.NoError(t, err)
	assert.Equal(t, "AWS::S3::Bucket", gotType)
	assert.Equal(t, []policy.Finding{{
		Severity: policy.SeveritySecurityWarning, Code: "PASS_ROLE_WITH_STAR_IN_RESOURCE", Statement: 0, Sid: "Read",
		Path: "Statement[0].Principal", Line: 4, Column: 53, Message: "details", LearnMoreLink: "https://docs.aws.amazon.com/x",
	}, {
		Severity: policy.SeveritySuggestion, Code: "EMPTY_ARRAY", Statement: -1,
	}}, got)
	assert.True(t, got[0].Severity.Blocking())

	_, err = analyzer.Validate(t.Context(), c, "  ", nil)
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
}

func TestGate(t *testing.T) {
	ctx := t.Context()
	var gotActions []string
	f, c := aafake.Start(t, &aafake.Options{
		CheckNoPublicAccess: func(doc, _ string) aafake.CheckResult {
			if doc == sample {
				return aafake.CheckResult{Message: "public", Reasons: []types.ReasonSummary{{Description: aws.String("Principal * without conditions"), StatementIndex: aws.Int32(0), StatementId: aws.String("Read")}}}
			}
			return aafake.CheckResult{Pass: true}
		},
		CheckAccessNotGranted: func(doc, pt string, access []types.Access) aafake.CheckResult {
			gotActions = access[0].Actions
			return aafake.CheckResult{Pass: doc != `{"grants":"delete"}`, Message: "grants s3:DeleteBucket"}
		},
	})
	var gate analyzer.PolicyChecker = analyzer.NewGate(c, nil)

	err := gate.CheckPolicy(ctx, "bkt", sample)
	var ge *analyzer.GateError
	require.ErrorAs(t, err, &ge)
	require.ErrorIs(t, err, analyzer.ErrPublicAccess)
	assert.Equal(t, "CheckNoPublicAccess", ge.Check)
	require.Len(t, ge.Reasons, 1)
	assert.Equal(t, 0, ge.Reasons[0].StatementIndex)
	assert.Contains(t, err.Error(), "statement 0: Principal * without conditions")
	assert.Equal(t, 0, f.Calls("CheckAccessNotGranted"), "stop at the first failure")

	require.ErrorIs(t, gate.CheckPolicy(ctx, "bkt", `{"grants":"delete"}`), analyzer.ErrAccessGranted)
	assert.Equal(t, analyzer.DefaultGateActions(), gotActions)
	require.NoError(t, gate.CheckPolicy(ctx, "bkt", `{"ok":true}`))

	custom := analyzer.NewGate(c, &analyzer.GateOptions{Actions: []string{"s3:PutObject"}})
	require.NoError(t, custom.CheckPolicy(ctx, "bkt", `{"ok":true}`))
	assert.Equal(t, []string{"s3:PutObject"}, gotActions)

	before := f.Calls("CheckNoPublicAccess")
	require.ErrorIs(t, gate.CheckPolicy(ctx, "Not_A_Bucket", sample), analyzer.ErrInvalidInput)
	assert.Equal(t, before, f.Calls("CheckNoPublicAccess"))

	f.Deny("CheckNoPublicAccess")
	err = gate.CheckPolicy(ctx, "bkt", sample)
	require.ErrorIs(t, err, analyzer.ErrAccessDenied)
	assert.NotErrorIs(t, err, analyzer.ErrPublicAccess, "could not check is not refused")
}

func TestNilClients(t *testing.T) {
	ctx := t.Context()
	a := &analyzer.Analyzer{Name: "x", ARN: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/x"}
	_, err := analyzer.EnsureAnalyzer(ctx, nil, nil)
	assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
	_, err = analyzer.ListFindings(ctx, nil, a, nil)
	assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
	_, err = analyzer.Validate(ctx, nil, sample, nil)
	assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
	assert.ErrorIs(t, analyzer.NewGate(nil, nil).CheckPolicy(ctx, "bkt", sample), analyzer.ErrInvalidInput)
	_, err = analyzer.KeyHygiene(ctx, nil, nil)
	assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
	_, err = analyzer.Fetch(ctx, nil, "bkt", &analyzer.FetchOptions{Owner: owner})
	assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
	_, err = analyzer.AnalyzeAll(ctx, nil, &analyzer.FetchOptions{Owner: owner})
	assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
}

// TestListFindingsInternalAccessIsNotShared: internal-access findings
// report access from inside the zone of trust; they are not access from
// outside the account and must not read as cross-account.
func TestListFindingsInternalAccessIsNotShared(t *testing.T) {
	f, a, seed := seedAnalyzer(t, types.TypeAccountInternalAccess)
	seed(s3Finding("data-bucket", false, map[string]string{"AWS": "arn:aws:iam::111122223333:role/app"}, nil, types.FindingSourceTypePolicy))
	got, err := analyzer.ListFindings(t.Context(), f.Client("us-east-1"), a, nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, analyzer.KindInternal, got[0].Kind)
	assert.False(t, got[0].Shared(), "internal access is not shared outside the account")
	assert.Empty(t, got[0].Accounts)
}

// TestEnsureAnalyzerNameTaken: with AllowCreate, an analyzer that already
// has the name but cannot serve (FAILED, or of an unused-access type) is
// reported as such, with ErrNoAnalyzer, instead of a CreateAnalyzer
// ConflictException.
func TestEnsureAnalyzerNameTaken(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    types.Type
		status types.AnalyzerStatus
		want   string
	}{
		{"failed", types.TypeAccount, types.AnalyzerStatusFailed, "FAILED"},
		{"disabled", types.TypeAccount, types.AnalyzerStatusDisabled, "DISABLED"},
		{"unused-access type", types.TypeAccountUnusedAccess, types.AnalyzerStatusActive, "ACCOUNT_UNUSED_ACCESS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := aafake.Start(t, nil)
			arn := f.AddAnalyzer("us-east-1", analyzer.DefaultAnalyzerName, tc.typ)
			require.True(t, f.SetAnalyzerStatus(arn, tc.status))
			_, err := analyzer.EnsureAnalyzer(t.Context(), c, &analyzer.EnsureOptions{AllowCreate: true})
			require.ErrorIs(t, err, analyzer.ErrNoAnalyzer)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "EnsureOptions.Name")
			assert.Zero(t, f.Calls("CreateAnalyzer"), "nothing sent that must fail")
		})
	}
}

// TestListFindingsOrgPaths: a "*" principal limited by
// aws:PrincipalOrgPaths is organization access, and the organization is
// the path's first element.
func TestListFindingsOrgPaths(t *testing.T) {
	f, a, seed := seedAnalyzer(t, types.TypeAccount)
	seed(s3Finding("ou-bucket", false, map[string]string{"AWS": "*"},
		map[string]string{"aws:PrincipalOrgPaths": "o-abcdef1234/r-ab12/ou-ab12-11111111/*"}, types.FindingSourceTypePolicy))
	got, err := analyzer.ListFindings(t.Context(), f.Client("us-east-1"), a, nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, analyzer.KindOrganization, got[0].Kind)
	assert.Equal(t, "o-abcdef1234", got[0].Organization)
}

// racingRules creates the rule (through the real client) right after the
// first ListArchiveRules has answered, as a concurrent EnsureArchiveRule
// would.
type racingRules struct {
	*accessanalyzer.Client
	rule analyzer.ArchiveRule
	done bool
}

func (r *racingRules) ListArchiveRules(ctx context.Context, in *accessanalyzer.ListArchiveRulesInput, o ...func(*accessanalyzer.Options)) (*accessanalyzer.ListArchiveRulesOutput, error) {
	out, err := r.Client.ListArchiveRules(ctx, in, o...)
	if err == nil && !r.done {
		r.done = true
		_, err = r.Client.CreateArchiveRule(ctx, &accessanalyzer.CreateArchiveRuleInput{AnalyzerName: in.AnalyzerName, RuleName: aws.String(r.rule.Name), Filter: r.rule.Filter})
	}
	return out, err
}

// TestEnsureArchiveRuleRace: a rule created concurrently with the same
// filter is success (idempotent), with another filter a conflict.
func TestEnsureArchiveRuleRace(t *testing.T) {
	same, err := analyzer.OrganizationRule("our-org", "o-abcdef1234")
	require.NoError(t, err)
	other, err := analyzer.OrganizationRule("our-org", "o-zzzzzzzzzz")
	require.NoError(t, err)
	for _, tc := range []struct {
		name     string
		racing   analyzer.ArchiveRule
		conflict bool
	}{{"same filter", same, false}, {"other filter", other, true}} {
		t.Run(tc.name, func(t *testing.T) {
			f, a, _ := seedAnalyzer(t, types.TypeAccount)
			c := &racingRules{Client: f.Client("us-east-1"), rule: tc.racing}
			created, err := analyzer.EnsureArchiveRule(t.Context(), c, a, same, nil)
			assert.False(t, created)
			if tc.conflict {
				require.ErrorIs(t, err, analyzer.ErrArchiveRuleConflict)
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestListFindingsUnusedAccessAnalyzerRefused: an unused-access analyzer
// reports unused IAM roles, users and permissions, never access to a
// bucket, so its S3 findings are always none. ListFindings answered so,
// and a gate read "no S3 bucket is shared"; it now refuses such an
// analyzer before any request.
func TestListFindingsUnusedAccessAnalyzerRefused(t *testing.T) {
	for _, typ := range []types.Type{types.TypeAccountUnusedAccess, types.TypeOrganizationUnusedAccess} {
		t.Run(string(typ), func(t *testing.T) {
			f, a, _ := seedAnalyzer(t, typ)
			c := f.Client("us-east-1")
			_, err := analyzer.ListFindings(t.Context(), c, a, nil)
			require.ErrorIs(t, err, analyzer.ErrInvalidInput)
			assert.Contains(t, err.Error(), string(typ))
			assert.Zero(t, f.Calls("ListFindingsV2")+f.Calls("ListFindings"))
		})
	}
}
