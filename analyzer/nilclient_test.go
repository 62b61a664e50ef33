package analyzer_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/analyzer"
)

// nilControl is a caller's own S3 Control double left nil.
type nilControl struct{ analyzer.S3ControlAPI }

// TestTypedNilClients passes nil *Client pointers inside the interfaces
// (the common mistake of an unset field): each call must return
// ErrInvalidInput before any request, not panic inside the SDK.
func TestTypedNilClients(t *testing.T) {
	var (
		aa *accessanalyzer.Client
		sc *s3.Client
		ic *iam.Client
		cc *s3control.Client
		nc *nilControl
	)
	a := &analyzer.Analyzer{Name: "x", ARN: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/x", Region: "us-east-1"}
	fo := &analyzer.FetchOptions{Owner: owner}
	tests := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"EnsureAnalyzer", func(ctx context.Context) error { _, err := analyzer.EnsureAnalyzer(ctx, aa, nil); return err }},
		{"EnsureArchiveRule", func(ctx context.Context) error {
			r, err := analyzer.ExpectedAccountsRule("r", owner)
			if err != nil {
				return nil
			}
			_, err = analyzer.EnsureArchiveRule(ctx, aa, a, r, nil)
			return err
		}},
		{"Archive", func(ctx context.Context) error { return analyzer.Archive(ctx, aa, a, "id") }},
		{"Unarchive", func(ctx context.Context) error { return analyzer.Unarchive(ctx, aa, a, "id") }},
		{"Rescan", func(ctx context.Context) error { return analyzer.Rescan(ctx, aa, a, "bkt") }},
		{"ListFindings", func(ctx context.Context) error { _, err := analyzer.ListFindings(ctx, aa, a, nil); return err }},
		{"GetFinding", func(ctx context.Context) error { _, err := analyzer.GetFinding(ctx, aa, a, "id"); return err }},
		{"Validate", func(ctx context.Context) error { _, err := analyzer.Validate(ctx, aa, sample, nil); return err }},
		{"Gate", func(ctx context.Context) error { return analyzer.NewGate(aa, nil).CheckPolicy(ctx, "bkt", sample) }},
		{"KeyHygiene", func(ctx context.Context) error { _, err := analyzer.KeyHygiene(ctx, ic, nil); return err }},
		{"Fetch", func(ctx context.Context) error { _, err := analyzer.Fetch(ctx, sc, "bkt", fo); return err }},
		{"AnalyzeBucket", func(ctx context.Context) error { _, err := analyzer.AnalyzeBucket(ctx, sc, "bkt", fo); return err }},
		{"AnalyzeAll", func(ctx context.Context) error { _, err := analyzer.AnalyzeAll(ctx, sc, fo); return err }},
		{"BucketRegion", func(ctx context.Context) error { _, err := analyzer.BucketRegion(ctx, sc, "bkt"); return err }},
		{"CheckBucketRegions", func(ctx context.Context) error { return analyzer.CheckBucketRegions(ctx, sc, a, "bkt") }},
		{"Fetch with nil Control client", func(ctx context.Context) error {
			s3c := newFailingS3(t)
			_, err := analyzer.Fetch(ctx, s3c, "bkt", &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: cc, Account: owner}})
			return err
		}},
		{"AnalyzeAll with nil Control double", func(ctx context.Context) error {
			s3c := newFailingS3(t)
			_, err := analyzer.AnalyzeAll(ctx, s3c, &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: nc, Account: owner}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			assert.NotPanics(t, func() { err = tt.call(t.Context()) })
			assert.ErrorIs(t, err, analyzer.ErrInvalidInput)
		})
	}
}

// failingS3 is an S3API that fails the test if any method is called.
type failingS3 struct {
	analyzer.S3API
	t *testing.T
}

func newFailingS3(t *testing.T) failingS3 { return failingS3{t: t} }

func (f failingS3) GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	f.t.Error("GetBucketPolicy called: input should be refused before any request")
	return nil, assert.AnError
}

func (f failingS3) ListBuckets(context.Context, *s3.ListBucketsInput, ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	f.t.Error("ListBuckets called: input should be refused before any request")
	return nil, assert.AnError
}
