package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/testretry"
)

// startLocal starts the embedded in-memory S3 on a loopback address for the
// duration of the command and returns a configuration that points at it with
// the owner's credentials.
func (g *globals) startLocal(ctx context.Context) (aws.Config, error) {
	region := g.region
	if region == "" {
		region = s3fake.DefaultRegion
	}
	srv, err := s3fake.New(&s3fake.Options{
		Region: region,
	})
	if err != nil {
		return aws.Config{}, fmt.Errorf("start the embedded S3: %w", err)
	}
	// HTTPS, so that bucket policies denying plain HTTP (which Harden
	// writes) behave as on AWS.
	tcfg, err := newSelfSignedTLS()
	if err != nil {
		return aws.Config{}, fmt.Errorf("start the embedded S3: %w", err)
	}
	endpoint, stop, err := listenAndServe(ctx, "127.0.0.1:0", srv, tcfg)
	if err != nil {
		return aws.Config{}, err
	}
	g.closer = append(g.closer, stop)
	g.localServer = srv
	g.localEndpoints = map[string]string{svcS3: endpoint}
	owner := srv.OwnerCredential()
	return aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, ""),
		Retryer:     func() aws.Retryer { return testretry.ClosedConn{} },
		HTTPClient: &http.Client{Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: tcfg.pool, MinVersion: tls.VersionTLS12},
		}},
	}, nil
}

// startLocalService starts, with -local, the embedded fake of service id
// (once per run) and records its endpoint for the service's client.
func (g *globals) startLocalService(ctx context.Context, id string) error {
	if _, ok := g.localEndpoints[id]; ok {
		return nil
	}
	var h http.Handler
	switch id {
	case svcS3Control:
		h = s3controlfake.New(&s3controlfake.Options{S3: g.localServer})
	case svcCloudTrail:
		h = cloudtrailfake.New(&cloudtrailfake.Options{AccountID: g.localServer.AccountID(), Region: g.cfg.Region})
	case svcCloudFront:
		h = cffake.New(nil)
	case svcIAM:
		h = iamfake.New()
	default:
		return fmt.Errorf("-local has no %s: run the command against AWS, or against s3secure serve with -endpoint", id)
	}
	ep, stop, err := listenAndServe(ctx, "127.0.0.1:0", h, nil)
	if err != nil {
		return err
	}
	g.closer = append(g.closer, stop)
	g.localEndpoints[id] = ep
	return nil
}

// listenAndServe serves h on addr (TLS when cfg is not nil) until stop is
// called or ctx ends, and returns the endpoint URL.
func listenAndServe(ctx context.Context, addr string, h http.Handler, cfg *tlsConfig) (endpoint string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if cfg != nil {
		scheme = "https"
		hs.TLSConfig = cfg.server
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var err error
		if cfg != nil {
			err = hs.ServeTLS(ln, "", "")
		} else {
			err = hs.Serve(ln)
		}
		_ = err // http.ErrServerClosed after stop; a listener error ends serving
	}()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			_ = hs.Close()
		}
		<-done
	}
	return fmt.Sprintf("%s://%s", scheme, ln.Addr().String()), stop, nil
}
