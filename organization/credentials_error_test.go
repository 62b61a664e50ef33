package organization_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/secrettest"
	"github.com/s3secure/s3secure/organization"
)

// TestCredentialProviderErrorsHaveNoSecrets: the management account's
// credentials come from a credential_process printing output that does
// not parse (the SDK's error quotes it, secret key and session token
// included). The run's error, and the reason of an account whose audit
// failed on such an error, name the provider's error by its types.
func TestCredentialProviderErrorsHaveNoSecrets(t *testing.T) {
	ctx := t.Context()
	f := newFixture(t, 0)
	leak := secrettest.NewLeak(t, f.cfg, "organization")
	cfg, secret, token := leak.Config, leak.Secret, leak.Token
	opts := &organization.Options{Role: role}

	// The management clients on the provider: the run stops.
	_, runErr := organization.Audit(ctx, cfg, organizations.NewFromConfig(cfg), sts.NewFromConfig(cfg),
		func(*organization.Report) error { return nil }, opts)
	leak.Check(t, map[string]error{"Audit": runErr})

	// The management clients work; the configuration the accounts are
	// audited with (the caller's own, the one the roles are assumed from)
	// is the provider's.
	var reports []*organization.Report
	_, err := organization.Audit(ctx, cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg),
		func(r *organization.Report) error { reports = append(reports, r); return nil }, opts)
	require.NoError(t, err)
	// A Work of the caller's own whose clients it did not wrap.
	raw := leak.Raw
	var results []*organization.Result[string]
	_, err = organization.Run(ctx, f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg), organization.Work[string]{
		Name: "leaky",
		Audit: func(context.Context, *organization.Account) ([]string, error) {
			return nil, fmt.Errorf("list: %w", raw)
		},
	}, func(r *organization.Result[string]) error { results = append(results, r); return nil }, opts)
	require.NoError(t, err)

	unreachable := 0
	for _, r := range append(toAny(reports), toAny(results)...) {
		js, err := json.Marshal(r)
		require.NoError(t, err)
		for _, s := range []string{string(js), fmt.Sprintf("%+v", r)} {
			assert.NotContains(t, s, secret)
			assert.NotContains(t, s, token)
		}
		if strings.Contains(string(js), "processcreds.ProviderError") {
			unreachable++
		}
	}
	assert.Positive(t, unreachable, "an account's reason names what failed")
}

func toAny[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
