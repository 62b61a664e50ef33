package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// localServices are the services -local (and serve) have: every one of
// localaws's fakes, all on one endpoint.
var localServices = map[string]bool{
	svcS3: true, svcS3Control: true, svcSTS: true, svcCloudFront: true, svcCloudTrail: true, svcAccessAnalyzer: true, svcIAM: true,
	svcOrganizations: true, svcAccount: true,
}

// startLocal starts, with -local, the in-memory AWS (internal/localaws:
// every service on one HTTPS endpoint on a loopback port, with a
// certificate authority generated for it) for the duration of the command,
// and returns a configuration that reaches it as the owner account's root.
// HTTPS, so that bucket policies denying plain HTTP (which Harden writes)
// behave as on AWS.
func (g *globals) startLocal(_ context.Context) (aws.Config, error) {
	region := g.region
	if region == "" {
		region = localaws.DefaultRegion
	}
	srv, err := localaws.New(&localaws.Options{Region: region})
	if err != nil {
		return aws.Config{}, fmt.Errorf("start the in-memory AWS: %w", err)
	}
	ep, err := srv.Listen(nil)
	if err != nil {
		return aws.Config{}, fmt.Errorf("start the in-memory AWS: %w", err)
	}
	g.closer = append(g.closer, func() { _ = ep.Close() })
	g.localServer = srv.S3()
	g.localAWS = srv
	g.localURL = ep.URL
	cfg := ep.Config(srv.Owner().Root())
	cfg.Logger = logging.Nop{}
	return cfg, nil
}

// localBucket gives -local's empty S3 the bucket the command names, in
// state, unless it has it already. A name S3 would refuse for a new bucket
// is a usage error that names the flag.
func (g *globals) localBucket(bucket string, state s3fake.BucketState) error {
	err := g.localServer.CreateBucket(bucket, state)
	var e *s3fake.Error
	switch {
	case err == nil || isBucketExists(err):
		return nil
	case errors.As(err, &e) && e.Code == "InvalidBucketName":
		return fmt.Errorf("%s: -bucket: invalid bucket name %q: a new bucket's name is 3 to 63 lower-case letters, digits, dots and hyphens, "+
			"starting and ending with a letter or digit", g.cmd.name, bucket)
	}
	return err
}
