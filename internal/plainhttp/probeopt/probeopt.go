// Package probeopt has the per-call options of a plainhttp.Check probe
// for each service's client: the probe's APIOptions entry appended, and
// plainhttp.ProbeCredentials.
package probeopt

import (
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp"
)

// S3 is the probe option of an S3 client.
func S3(add func(*middleware.Stack) error) func(*s3.Options) {
	return func(o *s3.Options) {
		o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
	}
}

// S3Control is the probe option of an S3 Control client.
func S3Control(add func(*middleware.Stack) error) func(*s3control.Options) {
	return func(o *s3control.Options) {
		o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
	}
}

// CloudTrail is the probe option of a CloudTrail client.
func CloudTrail(add func(*middleware.Stack) error) func(*cloudtrail.Options) {
	return func(o *cloudtrail.Options) {
		o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
	}
}

// AccessAnalyzer is the probe option of an Access Analyzer client.
func AccessAnalyzer(add func(*middleware.Stack) error) func(*accessanalyzer.Options) {
	return func(o *accessanalyzer.Options) {
		o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
	}
}

// IAM is the probe option of an IAM client.
func IAM(add func(*middleware.Stack) error) func(*iam.Options) {
	return func(o *iam.Options) {
		o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
	}
}

// CloudFront is the probe option of a CloudFront client.
func CloudFront(add func(*middleware.Stack) error) func(*cloudfront.Options) {
	return func(o *cloudfront.Options) {
		o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
	}
}

// STS is the probe option of an STS client.
func STS(add func(*middleware.Stack) error) func(*sts.Options) {
	return func(o *sts.Options) {
		o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
	}
}
