package analyzer_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/secrettest"
	"github.com/s3secure/s3secure/s3securetest"
)

// TestCredentialProviderErrorsHaveNoSecrets: clients whose credentials come
// from a credential_process printing output that does not parse (the SDK's
// error quotes it, secret key and session token included). The package's
// errors name the provider's error by its types and keep it in the chain,
// *Error built around such an SDK error too.
func TestCredentialProviderErrorsHaveNoSecrets(t *testing.T) {
	ctx := t.Context()
	srv := s3securetest.NewServer(t, nil)
	leak := secrettest.NewLeak(t, srv.Config, "analyzer")
	cfg := leak.Config
	aa := accessanalyzer.NewFromConfig(cfg)
	s3c := s3.NewFromConfig(cfg)
	raw := leak.Raw

	errs := map[string]error{"Error": &analyzer.Error{Op: "ListFindings", Resource: "a", Err: raw}}
	_, errs["EnsureAnalyzer"] = analyzer.EnsureAnalyzer(ctx, aa, nil)
	_, errs["AnalyzeAll"] = analyzer.AnalyzeAll(ctx, s3c, &analyzer.FetchOptions{Owner: s3securetest.DefaultAccountID})
	_, errs["AnalyzeBucket"] = analyzer.AnalyzeBucket(ctx, s3c, "b-leaky", &analyzer.FetchOptions{Owner: s3securetest.DefaultAccountID})
	_, errs["KeyHygiene"] = analyzer.KeyHygiene(ctx, iam.NewFromConfig(cfg), nil)
	_, errs["Validate"] = analyzer.Validate(ctx, aa, `{"Version":"2012-10-17","Statement":[]}`, nil)
	errs["CheckPolicy"] = analyzer.NewGate(aa, nil).CheckPolicy(ctx, "b-leaky", `{"Version":"2012-10-17","Statement":[]}`)
	leak.Check(t, errs)
}
