package s3controlfake_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3controlfake"
)

// TestPayloadHashVerified: S3 Control requests are signed with the S3
// signing name, whose signature covers the body only through the
// x-amz-content-sha256 header; S3 compares that hash with the body and
// refuses a body changed after signing with XAmzContentSHA256Mismatch.
// The fake accepted such a body (the verifier does not read S3 bodies):
// here an account Block Public Access configuration turned off in transit
// was stored.
func TestPayloadHashVerified(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	ctx := t.Context()
	// The same length, so that only the body differs from what was
	// signed: every "true" becomes " 0  ", which reads as false.
	tamper := func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("tamper", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if req, ok := in.Request.(*smithyhttp.Request); ok && req.GetStream() != nil {
				body, err := io.ReadAll(req.GetStream())
				if err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				changed, err := req.SetStream(strings.NewReader(strings.ReplaceAll(string(body), "true", " 0  ")))
				if err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				in.Request = changed
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
	}
	on := &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	_, err := ts.Client().PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(acct), PublicAccessBlockConfiguration: on},
		func(o *s3control.Options) { o.APIOptions = append(o.APIOptions, tamper) })
	require.Error(t, err)
	assert.Equal(t, "XAmzContentSHA256Mismatch", fakeutil.ErrorCode(err))
	_, err = ts.Client().GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(acct)})
	var nf *types.NoSuchPublicAccessBlockConfiguration
	assert.ErrorAs(t, err, &nf, "the tampered configuration was not stored")

	// The untouched request is accepted.
	_, err = ts.Client().PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(acct), PublicAccessBlockConfiguration: on})
	require.NoError(t, err)
}
