package analyzer_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
)

// findingWriters are Archive, Unarchive and Rescan, each called as before
// (no options) when opts is nil, else with opts. target is a finding id,
// or Rescan's bucket.
var findingWriters = []struct {
	call string
	run  func(ctx context.Context, c analyzer.API, a *analyzer.Analyzer, target string, opts *analyzer.UpdateOptions) error
}{
	{"Archive", func(ctx context.Context, c analyzer.API, a *analyzer.Analyzer, id string, opts *analyzer.UpdateOptions) error {
		if opts == nil {
			return analyzer.Archive(ctx, c, a, id)
		}
		return analyzer.ArchiveWith(ctx, c, a, []string{id}, opts)
	}},
	{"Unarchive", func(ctx context.Context, c analyzer.API, a *analyzer.Analyzer, id string, opts *analyzer.UpdateOptions) error {
		if opts == nil {
			return analyzer.Unarchive(ctx, c, a, id)
		}
		return analyzer.UnarchiveWith(ctx, c, a, []string{id}, opts)
	}},
	{"Rescan", func(ctx context.Context, c analyzer.API, a *analyzer.Analyzer, bucket string, opts *analyzer.UpdateOptions) error {
		if opts == nil {
			return analyzer.Rescan(ctx, c, a, bucket)
		}
		return analyzer.Rescan(ctx, c, a, bucket, opts)
	}},
}

// TestFindingWritersRefuseRemotePlainHTTP: Archive, Unarchive and Rescan
// whose client would send over plain HTTP to a host that is not loopback
// are refused before any request (nothing reaches the HTTP client) with a
// *RemotePlainHTTPError (ErrPlainHTTPEndpoint), called as before or with
// zero options, as every other call of the package is: nothing
// authenticates the answers, so anyone on the path could answer that an
// Unarchive or a Rescan was made when it was not (the finding stays
// archived, out of ListFindings' default view; the bucket is not analysed
// again). So is a client that hides its endpoint from the call (Endpoint
// ""). UpdateOptions.AllowInsecureTransport lets the requests go. Before,
// they were sent.
func TestFindingWritersRefuseRemotePlainHTTP(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	aa := accessanalyzer.NewFromConfig(cfg)
	a := &analyzer.Analyzer{Name: "main", ARN: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/main"}
	for _, w := range findingWriters {
		target := "finding-1"
		if w.call == "Rescan" {
			target = "data-1"
		}
		t.Run(w.call, func(t *testing.T) {
			for name, opts := range map[string]*analyzer.UpdateOptions{"as before": nil, "zero options": {}} {
				before := sender.Sent()
				err := w.run(t.Context(), aa, a, target, opts)
				require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint, name)
				var pe *analyzer.RemotePlainHTTPError
				require.ErrorAs(t, err, &pe, name)
				assert.Equal(t, "analyzer."+w.call, pe.Call, name)
				assert.Equal(t, plainhttptest.Endpoint, pe.Endpoint, name)
				assert.Contains(t, err.Error(), "UpdateOptions.AllowInsecureTransport", name)
				assert.Equal(t, before, sender.Sent(), "%s: nothing was sent", name)
			}

			// A client that hides its endpoint fails closed. (The
			// wrapper drops the probe's options too, so the probe's
			// ListAnalyzers is sent; the change is not.)
			hidden := &countsChanges{dropsOptions: dropsOptions{aa}}
			err := w.run(t.Context(), hidden, a, target, nil)
			require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
			var pe *analyzer.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Empty(t, pe.Endpoint)
			assert.Zero(t, hidden.changes, "hidden endpoint: the change was not sent")

			before := sender.Sent()
			err = w.run(t.Context(), aa, a, target, &analyzer.UpdateOptions{AllowInsecureTransport: true})
			assert.NotErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
			assert.ErrorIs(t, err, plainhttptest.ErrNotSent, "the request went to the HTTP client")
			assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
			err = w.run(t.Context(), hidden, a, target, &analyzer.UpdateOptions{AllowInsecureTransport: true})
			assert.NotErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
			assert.Equal(t, 1, hidden.changes, "hidden endpoint, AllowInsecureTransport: the change goes")
		})
	}

	// More than one options value is bad input, before any request.
	before := sender.Sent()
	err := analyzer.Rescan(t.Context(), aa, a, "data-1", &analyzer.UpdateOptions{}, &analyzer.UpdateOptions{})
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
	assert.Equal(t, before, sender.Sent(), "nothing was sent")
}

// TestFindingWritersLoopbackPlainHTTP: the fakes serve plain HTTP on
// loopback, which is this machine: Archive, Unarchive and Rescan, called
// as before, reach the fake and do their work.
func TestFindingWritersLoopbackPlainHTTP(t *testing.T) {
	f, a, seed := seedAnalyzer(t, types.TypeAccount)
	c := f.Client("us-east-1")
	id := seed(s3Finding("shared", false, map[string]string{"AWS": "arn:aws:iam::444455556666:role/reader"}, nil, types.FindingSourceTypePolicy))
	status := func() types.FindingStatus {
		got, err := analyzer.GetFinding(t.Context(), c, a, id)
		require.NoError(t, err)
		return got.Status
	}
	for _, w := range findingWriters {
		target, want := id, types.FindingStatusArchived
		switch w.call {
		case "Unarchive":
			want = types.FindingStatusActive
		case "Rescan":
			target = "data-1"
		}
		require.NoError(t, w.run(t.Context(), c, a, target, nil), w.call)
		if w.call == "Rescan" {
			require.Len(t, f.Scans(), 1)
			assert.Equal(t, "arn:aws:s3:::data-1", f.Scans()[0].ResourceArn)
			continue
		}
		assert.Equal(t, want, status(), w.call)
	}
	assert.Equal(t, 2, f.Calls("UpdateFindings"))
}

// countsChanges is dropsOptions that counts the calls that change
// findings.
type countsChanges struct {
	dropsOptions
	changes int
}

func (c *countsChanges) UpdateFindings(ctx context.Context, in *accessanalyzer.UpdateFindingsInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.UpdateFindingsOutput, error) {
	c.changes++
	return c.dropsOptions.UpdateFindings(ctx, in, optFns...)
}

func (c *countsChanges) StartResourceScan(ctx context.Context, in *accessanalyzer.StartResourceScanInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.StartResourceScanOutput, error) {
	c.changes++
	return c.dropsOptions.StartResourceScan(ctx, in, optFns...)
}
