package usage_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
	"github.com/s3secure/s3secure/usage"
)

// TestSuggestRefusesRemotePlainHTTP: Suggest reading logs (an S3
// location), the bucket policy or identity policies through a client that
// would send its requests over plain HTTP to a host that is not loopback
// is refused before any request: anyone on the path could rewrite the logs
// and policies the proposal and its proof are made of.
// AllowInsecureTransport lets the requests go.
func TestSuggestRefusesRemotePlainHTTP(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	s3c, iamc := s3.NewFromConfig(cfg), iam.NewFromConfig(cfg)
	remoteLogs, err := usage.S3Location(s3c, "s3://logs/data/")
	require.NoError(t, err)
	localLogs := usage.Stream("empty.log", func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("")), nil })
	const owner = "111122223333"
	cases := map[string]usage.Input{
		"server access logs in S3": {ServerAccessLogs: []usage.Source{remoteLogs}, BucketOwner: owner},
		"CloudTrail logs in S3":    {CloudTrail: []usage.Source{localLogs, remoteLogs}, BucketOwner: owner},
		"bucket policy":            {ServerAccessLogs: []usage.Source{localLogs}, BucketOwner: owner, Policy: s3c},
		"identity policies":        {ServerAccessLogs: []usage.Source{localLogs}, BucketOwner: owner, IAM: iamc},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			before := sender.Sent()
			_, err := usage.Suggest(t.Context(), "data", in, nil)
			require.ErrorIs(t, err, usage.ErrPlainHTTPEndpoint)
			require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			var pe *usage.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "usage.Suggest", pe.Call)
			assert.Equal(t, plainhttptest.Endpoint, pe.Endpoint)
			assert.Contains(t, err.Error(), "Options.AllowInsecureTransport")
			assert.Equal(t, before, sender.Sent(), "nothing was sent")

			_, err = usage.Suggest(t.Context(), "data", in, &usage.Options{AllowInsecureTransport: true})
			assert.NotErrorIs(t, err, usage.ErrPlainHTTPEndpoint)
			if name != "identity policies" { // IAM is read only for principals the logs show: none here
				assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
			}
		})
	}
}

// TestSuggestLoopbackPlainHTTP: logs in a fake S3 on plain HTTP on
// loopback (this machine) are read.
func TestSuggestLoopbackPlainHTTP(t *testing.T) {
	f := s3fake.StartHTTP(t, nil)
	require.True(t, strings.HasPrefix(f.URL, "http://127.0.0.1:"), f.URL)
	require.NoError(t, f.CreateBucket("logs", s3fake.StateAWSDefault))
	logs, err := usage.S3Location(f.OwnerClient(), "s3://logs/data/")
	require.NoError(t, err)
	rep, err := usage.Suggest(t.Context(), "data", usage.Input{ServerAccessLogs: []usage.Source{logs}, BucketOwner: s3fake.DefaultAccountID}, nil)
	require.NoError(t, err)
	assert.Equal(t, "data", rep.Bucket)
}
