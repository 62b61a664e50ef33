package cloudtrailfake_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
)

// withTarget makes a client send X-Amz-Target as prefix+Operation (the
// header is set before signing, so it is signed).
func withTarget(prefix string) func(*cloudtrail.Options) {
	return func(o *cloudtrail.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Build.Add(middleware.BuildMiddlewareFunc("target", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
				middleware.BuildOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					op := req.Header.Get("X-Amz-Target")
					req.Header.Set("X-Amz-Target", prefix+op[strings.LastIndex(op, ".")+1:])
				}
				return next.HandleBuild(ctx, in)
			}), middleware.After)
		})
	}
}

// TestFullyQualifiedTarget: the AWS CLI (botocore) names an operation
// with the service model's full target prefix,
// "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.CreateTrail",
// where aws-sdk-go-v2 sends "CloudTrail_20131101.CreateTrail"; CloudTrail
// answers both. The fake answered the CLI's UnknownOperationException, so
// "aws cloudtrail create-trail" against s3secure serve failed. Another
// prefix is still no operation.
func TestFullyQualifiedTarget(t *testing.T) {
	ts := cloudtrailfake.Start(t, nil)
	ctx := t.Context()
	cli := ts.Client(withTarget("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101."))
	_, err := cli.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("trail-logs")})
	require.NoError(t, err)
	out, err := cli.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	require.NoError(t, err)
	require.Len(t, out.TrailList, 1)
	assert.Equal(t, "main", aws.ToString(out.TrailList[0].Name))
	assert.Equal(t, 1, ts.Count("CreateTrail"))

	for _, prefix := range []string{"com.amazonaws.cloudtrail.v20131101.", "com.amazonaws.other.CloudTrail_20131101.", "x.CloudTrail_20131101."} {
		_, err = ts.Client(withTarget(prefix)).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
		assert.Equal(t, "UnknownOperationException", code(err), prefix)
	}
}
