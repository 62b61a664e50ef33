package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/s3secure/s3secure/presign"
)

func init() {
	register(&command{
		name: "presign",
		usage: "presign -bucket B -key K [-method GET|PUT|HEAD] [-expires 15m] [-content-type T] [-content-length N] " +
			"[-insecure-allow-http]",
		summary: "print a presigned URL (for PUT, with the headers the uploader must send)",
		run:     runPresign,
		flagFor: map[string]string{"InsecureAllowHTTP": "-allow-insecure-transport", "ContentLength": "-content-length"},
	})
}

// runPresign prints one presigned URL. Text output is the URL alone on one
// line (for PUT followed by the signed headers as "Name: value" lines);
// JSON output is one object with method, url, expires and headers.
func runPresign(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	bucket := fs.String("bucket", "", "bucket name (required)")
	key := fs.String("key", "", "object key (required)")
	method := fs.String("method", "GET", "GET, PUT or HEAD")
	expires := fs.Duration("expires", presign.DefaultExpiry, "lifetime of the URL, at most 168h (SigV4's limit)")
	contentType := fs.String("content-type", "", "content type the upload must declare (required for PUT)")
	contentLength := fs.Int64("content-length", 0, "exact upload size in bytes to sign (PUT, optional)")
	// The global -allow-insecure-transport accepts a plain-HTTP endpoint
	// on another host, as for every command; -insecure-allow-http is
	// presign's former name for it, kept so that scripts still work.
	insecureHTTP := fs.Bool("insecure-allow-http", false, "the same as the global -allow-insecure-transport (its former name here): "+
		"accept a plain-HTTP -endpoint on a non-loopback host; the URL and its signature then cross the network in clear text")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("presign: unexpected argument %q", fs.Arg(0)))
	}
	if *bucket == "" || *key == "" {
		return g.fail(errors.New("presign: -bucket and -key are required"))
	}
	if *expires <= 0 {
		// presign's zero Expires means its default, which the person at
		// the terminal did not ask for by writing -expires 0s.
		return g.fail(fmt.Errorf("presign: -expires %s: the lifetime must be positive, at most 168h", *expires))
	}
	if g.local {
		return g.fail(errors.New("presign: -local's in-memory AWS ends with this run, so the URL would point at nothing; " +
			"run s3secure serve and give its endpoint with -endpoint"))
	}
	m := strings.ToUpper(*method)
	if m != "PUT" && (*contentType != "" || *contentLength != 0) {
		return g.fail(errors.New("presign: -content-type and -content-length apply to PUT only"))
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return g.fail(err)
	}
	// The person at the terminal chose -expires explicitly, so the CLI
	// allows up to SigV4's 7 days instead of the library's 1-hour default
	// cap; the default lifetime stays 15 minutes.
	//
	// The S3 endpoint as the S3 client would use it (-endpoint,
	// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL or the profile), path-style
	// when it is not AWS's.
	endpoint := aws.ToString(g.endpoints[svcS3])
	p, err := presign.New(cfg, &presign.Options{Endpoint: endpoint, UsePathStyle: endpoint != "" && !isAWSEndpoint(endpoint),
		AllowExpiryUpTo: presign.HardMaxExpiry, InsecureAllowHTTP: *insecureHTTP || g.insecureTransport})
	if err != nil {
		return g.fail(err)
	}
	var r *presign.Request
	switch m {
	case "GET":
		r, err = p.Get(ctx, *bucket, *key, &presign.GetOptions{Expires: *expires})
	case "HEAD":
		r, err = p.Head(ctx, *bucket, *key, &presign.GetOptions{Expires: *expires})
	case "PUT":
		r, err = p.Put(ctx, *bucket, *key, *contentType, &presign.PutOptions{Expires: *expires, ContentLength: *contentLength})
	default:
		return g.fail(fmt.Errorf("presign: -method must be GET, PUT or HEAD, not %q", *method))
	}
	var expiry *presign.CredentialExpiryError
	if errors.As(err, &expiry) {
		// The library's remedy, ClampToCredentials, is no flag here: the
		// person at the terminal chooses the lifetime with -expires.
		return g.fail(fmt.Errorf("presign: the credentials expire at %s, before the URL would (%s): "+
			"give a shorter -expires (at most until the credentials expire), or renew the credentials first",
			expiry.CredentialsExpire.UTC().Format(time.RFC3339), expiry.URLWouldExpire.UTC().Format(time.RFC3339)))
	}
	if err != nil {
		return g.fail(err)
	}
	if g.json() {
		headers := map[string]string{}
		for k, v := range r.Header {
			headers[k] = strings.Join(v, ",")
		}
		g.newPrinter("method", "url", "expires", "headers").Row(r.Method, r.URL, r.Expires.UTC().Format(time.RFC3339), headers)
		return exitOK
	}
	fmt.Fprintln(g.stdout, r.URL)
	for _, k := range []string{"Content-Type", "Content-Length"} {
		if v := r.Header.Get(k); v != "" {
			fmt.Fprintf(g.stdout, "%s: %s\n", k, v)
		}
	}
	return exitOK
}
