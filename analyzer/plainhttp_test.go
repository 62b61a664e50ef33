package analyzer_test

import (
	"context"

	"testing"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestRefuseRemotePlainHTTP: every call that judges access whose client
// would send its requests over plain HTTP to a host that is not loopback
// is refused before any request with a *RemotePlainHTTPError
// (ErrPlainHTTPEndpoint): nothing authenticates the answers, so anyone on
// the path could forge "nothing public". AllowInsecureTransport lets the
// requests go.
func TestRefuseRemotePlainHTTP(t *testing.T) {
	const owner = "111122223333"
	cfg, sender := plainhttptest.Config()
	s3c, control := s3.NewFromConfig(cfg), s3control.NewFromConfig(cfg)
	aa, iamc := accessanalyzer.NewFromConfig(cfg), iam.NewFromConfig(cfg)
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner}) // loopback
	require.NoError(t, sf.CreateBucket("data-1", s3fake.StateAWSDefault))
	a := &analyzer.Analyzer{Name: "main", ARN: "arn:aws:access-analyzer:us-east-1:" + owner + ":analyzer/main"}
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data-1/*"}]}`
	regional := &analyzer.Analyzer{Name: a.Name, ARN: a.ARN, Region: "us-east-1", Account: owner}
	rule, err := analyzer.OrganizationRule("our-org", "o-abcdef1234")
	require.NoError(t, err)

	cases := []struct {
		call string
		run  func(allow bool) error
	}{
		{"Fetch", func(allow bool) error {
			_, err := analyzer.Fetch(t.Context(), s3c, "data-1", &analyzer.FetchOptions{Owner: owner, AllowInsecureTransport: allow})
			return err
		}},
		{"Fetch", func(allow bool) error { // S3 Control over plain HTTP
			_, err := analyzer.Fetch(t.Context(), sf.OwnerClient(), "data-1", &analyzer.FetchOptions{Owner: owner,
				Control: &analyzer.S3Control{Client: control, Account: owner}, AllowInsecureTransport: allow})
			return err
		}},
		{"Fetch", func(allow bool) error { // AnalyzeBucket is Fetch, then Analyze
			_, err := analyzer.AnalyzeBucket(t.Context(), s3c, "data-1", &analyzer.FetchOptions{Owner: owner, AllowInsecureTransport: allow})
			return err
		}},
		{"AnalyzeAll", func(allow bool) error {
			_, err := analyzer.AnalyzeAll(t.Context(), s3c, &analyzer.FetchOptions{Owner: owner, AllowInsecureTransport: allow})
			return err
		}},
		{"AnalyzeAll", func(allow bool) error {
			_, err := analyzer.AnalyzeAll(t.Context(), sf.OwnerClient(), &analyzer.FetchOptions{Owner: owner,
				Control: &analyzer.S3Control{Client: control, Account: owner}, AllowInsecureTransport: allow})
			return err
		}},
		{"ListFindings", func(allow bool) error {
			_, err := analyzer.ListFindings(t.Context(), aa, a, &analyzer.ListOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"KeyHygiene", func(allow bool) error {
			_, err := analyzer.KeyHygiene(t.Context(), iamc, &analyzer.KeyOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"Validate", func(allow bool) error {
			_, err := analyzer.Validate(t.Context(), aa, doc, &analyzer.ValidateOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"Gate.CheckPolicy", func(allow bool) error {
			return analyzer.NewGate(aa, &analyzer.GateOptions{AllowInsecureTransport: allow}).CheckPolicy(t.Context(), "data-1", doc)
		}},
		{"EnsureAnalyzer", func(allow bool) error {
			_, err := analyzer.EnsureAnalyzer(t.Context(), aa, &analyzer.EnsureOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"GetFinding", func(allow bool) error {
			_, err := analyzer.GetFinding(t.Context(), aa, a, "finding-1", &analyzer.FindingOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"EnsureArchiveRule", func(allow bool) error {
			_, err := analyzer.EnsureArchiveRule(t.Context(), aa, a, rule, &analyzer.ArchiveRuleOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"BucketRegion", func(allow bool) error {
			_, err := analyzer.BucketRegion(t.Context(), s3c, "data-1", &analyzer.RegionOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"CheckBucketRegions", func(allow bool) error {
			return analyzer.CheckBucketRegionsWith(t.Context(), s3c, regional, []string{"data-1", "data-2"}, &analyzer.RegionOptions{AllowInsecureTransport: allow})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.call, func(t *testing.T) {
			before := sender.Sent()
			err := tc.run(false)
			require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
			var pe *analyzer.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "analyzer."+tc.call, pe.Call)
			assert.Regexp(t, `^http://([0-9]{12}\.)?192\.0\.2\.1:9$`, pe.Endpoint)
			assert.Contains(t, err.Error(), ".AllowInsecureTransport")
			assert.Equal(t, before, sender.Sent(), "nothing was sent")

			err = tc.run(true)
			assert.NotErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
			assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
		})
	}
}

// TestRefuseRemotePlainHTTPWithoutOptions: the calls that took no options
// (GetFinding, BucketRegion, CheckBucketRegions) check by default, when
// called as before.
func TestRefuseRemotePlainHTTPWithoutOptions(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	s3c, aa := s3.NewFromConfig(cfg), accessanalyzer.NewFromConfig(cfg)
	a := &analyzer.Analyzer{Name: "main", ARN: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/main", Region: "us-east-1"}
	_, err := analyzer.GetFinding(t.Context(), aa, a, "finding-1")
	require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
	_, err = analyzer.GetFinding(t.Context(), aa, a, "finding-1", nil)
	require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
	_, err = analyzer.BucketRegion(t.Context(), s3c, "data-1")
	require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
	err = analyzer.CheckBucketRegions(t.Context(), s3c, a, "data-1")
	require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
	_, err = analyzer.EnsureAnalyzer(t.Context(), aa, nil)
	require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
	rule, err := analyzer.OrganizationRule("our-org", "o-abcdef1234")
	require.NoError(t, err)
	_, err = analyzer.EnsureArchiveRule(t.Context(), aa, a, rule, nil)
	require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)

	// More than one options value is bad input, before any request.
	_, err = analyzer.GetFinding(t.Context(), aa, a, "finding-1", &analyzer.FindingOptions{}, &analyzer.FindingOptions{})
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
	_, err = analyzer.BucketRegion(t.Context(), s3c, "data-1", &analyzer.RegionOptions{}, &analyzer.RegionOptions{})
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
	err = analyzer.CheckBucketRegions(t.Context(), s3c, a, "data-1", "Not_A_Bucket")
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
	assert.Zero(t, sender.Sent(), "nothing was sent")
}

// TestLoopbackPlainHTTP: the fakes serve plain HTTP on loopback, which is
// this machine: the calls run.
func TestLoopbackPlainHTTP(t *testing.T) {
	aaf, aa := aafake.Start(t, nil)
	require.Regexp(t, `^http://127\.0\.0\.1:`, aaf.URL)
	_, err := analyzer.Validate(t.Context(), aa, `{"Version":"2012-10-17","Statement":[]}`, nil)
	assert.NotErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
	_, iamc := iamfake.Start(t)
	_, err = analyzer.KeyHygiene(t.Context(), iamc, nil)
	require.NoError(t, err)
	_, err = analyzer.EnsureAnalyzer(t.Context(), aa, nil)
	require.ErrorIs(t, err, analyzer.ErrNoAnalyzer, "read, and none found")
	sf := s3fake.StartHTTP(t, nil)
	require.NoError(t, sf.CreateBucket("data-1", s3fake.StateAWSDefault))
	region, err := analyzer.BucketRegion(t.Context(), sf.OwnerClient(), "data-1")
	require.NoError(t, err)
	a := &analyzer.Analyzer{Name: "main", ARN: "arn:aws:access-analyzer:" + region + ":111122223333:analyzer/main", Region: region}
	require.NoError(t, analyzer.CheckBucketRegions(t.Context(), sf.OwnerClient(), a, "data-1"))
}

// dropsOptions is a caller's wrapper that does not pass the per-call
// options on to the SDK client it wraps.
type dropsOptions struct{ *accessanalyzer.Client }

func (d dropsOptions) ListAnalyzers(ctx context.Context, in *accessanalyzer.ListAnalyzersInput, _ ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error) {
	return d.Client.ListAnalyzers(ctx, in)
}

// TestFailClosedForHiddenEndpoint: a client that does not let the call
// see its endpoint (a wrapper that drops the per-call options, around a
// client that sends over plain HTTP to a remote host) is refused with a
// *RemotePlainHTTPError whose Endpoint is ""; AllowInsecureTransport lets
// it run.
func TestFailClosedForHiddenEndpoint(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	hidden := dropsOptions{accessanalyzer.NewFromConfig(cfg)}
	a := &analyzer.Analyzer{Name: "main", ARN: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/main"}
	err := func(allow bool) error {
		_, err := analyzer.ListFindings(t.Context(), hidden, a, &analyzer.ListOptions{AllowInsecureTransport: allow})
		return err
	}
	refused := err(false)
	require.ErrorIs(t, refused, analyzer.ErrPlainHTTPEndpoint)
	var pe *analyzer.RemotePlainHTTPError
	require.ErrorAs(t, refused, &pe)
	assert.Equal(t, "analyzer.ListFindings", pe.Call)
	assert.Empty(t, pe.Endpoint)
	assert.Contains(t, refused.Error(), "ListOptions.AllowInsecureTransport")

	before := sender.Sent()
	assert.NotErrorIs(t, err(true), analyzer.ErrPlainHTTPEndpoint)
	assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
}
