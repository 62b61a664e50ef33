package aafake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/fakeutil"
)

// TestSignatureIsVerified drives the real accessanalyzer client with right
// and wrong credentials, on operations with names and ids in the path
// (GetFinding's id needs encoding, so the doubly encoded canonical URI is
// exercised), ARNs in the query and JSON bodies.
func TestSignatureIsVerified(t *testing.T) {
	f, owner := aafake.Start(t, nil)
	f.AddCredential(aws.Credentials{AccessKeyID: "AKIAAAEXTRA000000001", SecretAccessKey: "extra/secret+"})
	ctx := t.Context()
	_, err := owner.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: types.TypeAccount})
	require.NoError(t, err)
	arn := f.AddAnalyzer(aafake.DefaultRegion, "acct-2", types.TypeAccount)

	tests := []struct {
		name, akid, secret string
		code               string // "" = accepted
	}{
		{"test credentials", aafake.TestAccessKeyID, aafake.TestSecretAccessKey, ""},
		{"fake account owner", fakeutil.OwnerAccessKeyID, fakeutil.OwnerSecretAccessKey, ""},
		{"registered credential", "AKIAAAEXTRA000000001", "extra/secret+", ""},
		{"wrong secret", aafake.TestAccessKeyID, "wrong", "InvalidSignatureException"},
		{"unknown key", "AKIAUNKNOWN000000001", "x", "UnrecognizedClientException"},
		{"unsigned", "", "", "MissingAuthenticationTokenException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A client (and signer) of its own: the SDK's signer caches
			// derived keys by access key id, so the owner's would sign
			// "wrong secret" with the right key.
			c := accessanalyzer.New(aafake.NewClient(f.URL, aafake.DefaultRegion).Options(), func(o *accessanalyzer.Options) {
				if tt.akid == "" {
					o.Credentials = aws.AnonymousCredentials{}
				} else {
					o.Credentials = credentials.NewStaticCredentialsProvider(tt.akid, tt.secret, "")
				}
			})
			rule := "rule-" + strings.ReplaceAll(tt.name, " ", "-")
			calls := []func() error{
				func() error {
					_, err := c.CreateArchiveRule(ctx, &accessanalyzer.CreateArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String(rule),
						Filter: map[string]types.Criterion{"isPublic": {Eq: []string{"false"}}}})
					return err
				},
				func() error {
					_, err := c.GetArchiveRule(ctx, &accessanalyzer.GetArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String(rule)})
					return err
				},
				func() error {
					_, err := c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: aws.String(arn)})
					return err
				},
				func() error {
					_, err := c.GetFinding(ctx, &accessanalyzer.GetFindingInput{AnalyzerArn: aws.String(arn), Id: aws.String("missing id/with:specials")})
					if fakeutil.ErrorCode(err) == "ResourceNotFoundException" {
						return nil // authenticated, then not found
					}
					return err
				},
			}
			for _, call := range calls {
				err := call()
				if tt.code == "" {
					require.NoError(t, err)
					continue
				}
				assert.Equal(t, tt.code, fakeutil.ErrorCode(err))
				var re *smithyhttp.ResponseError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, http.StatusForbidden, re.HTTPStatusCode())
			}
			_, err := owner.GetArchiveRule(ctx, &accessanalyzer.GetArchiveRuleInput{AnalyzerName: aws.String("acct"), RuleName: aws.String(rule)})
			if tt.code == "" {
				assert.NoError(t, err)
			} else {
				assert.Equal(t, "ResourceNotFoundException", fakeutil.ErrorCode(err), "a refused CreateArchiveRule creates nothing")
			}
		})
	}
}
