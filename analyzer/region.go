package analyzer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// LocationAPI is the S3 call [CheckBucketRegions] uses.
type LocationAPI interface {
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
}

var _ LocationAPI = (*s3.Client)(nil)

// BucketRegion returns the Region a bucket lives in (GetBucketLocation,
// with S3's legacy values: an empty constraint is us-east-1 and "EU" is
// eu-west-1; a wrong-Region refusal names the Region too).
//
// Errors: [ErrInvalidInput] for a bad bucket name; [*Error] for a failed
// call.
func BucketRegion(ctx context.Context, client LocationAPI, bucket string) (string, error) {
	if isNil(client) {
		return "", invalid("nil client")
	}
	if !validBucketName(bucket) {
		return "", invalid("bad bucket name %q", bucket)
	}
	out, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)}, noSetupRetryS3)
	if err != nil {
		if r := regionHint(err); r != "" {
			return r, nil
		}
		return "", wrap("GetBucketLocation", bucket, err)
	}
	switch c := string(out.LocationConstraint); c {
	case "":
		return "us-east-1", nil
	case "EU":
		return "eu-west-1", nil
	default:
		return c, nil
	}
}

// CheckBucketRegions returns a [*WrongRegionError] for the first bucket
// that is not in the analyzer's Region: Access Analyzer analyzes a bucket
// only with an analyzer in the bucket's own Region, so listing its
// findings elsewhere silently finds nothing.
//
// Errors: [*WrongRegionError]; those of [BucketRegion].
func CheckBucketRegions(ctx context.Context, client LocationAPI, a *Analyzer, buckets ...string) error {
	if a == nil || a.Region == "" {
		return invalid("analyzer with a Region is required")
	}
	for _, b := range buckets {
		r, err := BucketRegion(ctx, client, b)
		if err != nil {
			return err
		}
		if r != a.Region {
			return &WrongRegionError{What: "bucket " + b, Region: r, Want: a.Region}
		}
	}
	return nil
}
