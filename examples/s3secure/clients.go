package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/policy"
)

// The AWS services the CLI calls, by the SDK's service id (the name in
// AWS_ENDPOINT_URL_<SERVICE> and in a profile's services section).
const (
	svcS3             = "S3"
	svcS3Control      = "S3 Control"
	svcCloudFront     = "CloudFront"
	svcCloudTrail     = "CloudTrail"
	svcAccessAnalyzer = "AccessAnalyzer"
	svcIAM            = "IAM"
	svcSTS            = "STS"
	svcKMS            = "KMS"
)

// awsServices lists every service a command may call with the function
// that tells where this run's client for it sends requests. Every one is
// checked before the first request: a command given a custom endpoint for
// one service must not send another service's requests to AWS.
var awsServices = []struct {
	id       string
	endpoint func(g *globals, cfg aws.Config) *string
}{
	{svcS3, func(g *globals, cfg aws.Config) *string { return g.newS3(cfg).Options().BaseEndpoint }},
	{svcS3Control, func(g *globals, cfg aws.Config) *string { return g.newS3Control(cfg).Options().BaseEndpoint }},
	{svcCloudFront, func(g *globals, cfg aws.Config) *string { return g.newCloudFront(cfg).Options().BaseEndpoint }},
	{svcCloudTrail, func(g *globals, cfg aws.Config) *string { return g.newCloudTrail(cfg).Options().BaseEndpoint }},
	{svcAccessAnalyzer, func(g *globals, cfg aws.Config) *string { return g.newAccessAnalyzer(cfg).Options().BaseEndpoint }},
	{svcIAM, func(g *globals, cfg aws.Config) *string { return g.newIAM(cfg).Options().BaseEndpoint }},
	{svcSTS, func(g *globals, cfg aws.Config) *string { return g.newSTS(cfg).Options().BaseEndpoint }},
	{svcKMS, func(g *globals, cfg aws.Config) *string { return g.newKMS(cfg).Options().BaseEndpoint }},
	{svcOrganizations, func(g *globals, cfg aws.Config) *string { return g.newOrganizations(cfg).Options().BaseEndpoint }},
	{svcAccount, func(g *globals, cfg aws.Config) *string { return g.newAccount(cfg).Options().BaseEndpoint }},
}

// envName is the environment variable that sets a service's endpoint.
func envName(id string) string {
	return "AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(id, " ", "_"))
}

// override points a client at -endpoint (which wins over the SDK's
// environment and profile settings) or, with -local, at the embedded
// service.
func (g *globals) override(id string, base **string) {
	switch {
	case g.local:
		*base = aws.String(g.localURL)
	case g.endpoint != "":
		*base = aws.String(g.endpoint)
	}
}

func (g *globals) newS3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		g.override(svcS3, &o.BaseEndpoint)
		if o.BaseEndpoint != nil && !isAWSEndpoint(*o.BaseEndpoint) {
			// S3-compatible servers (moto, LocalStack, serve) are reached
			// path-style, and not all understand aws-chunked trailing
			// checksums: send checksums only when an operation requires
			// them.
			o.UsePathStyle = true
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	})
}

func (g *globals) newS3Control(cfg aws.Config) *s3control.Client {
	return s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		g.override(svcS3Control, &o.BaseEndpoint)
		if o.BaseEndpoint != nil && !isAWSEndpoint(*o.BaseEndpoint) {
			// The SDK sends S3 Control requests to ACCOUNT.<endpoint host>,
			// which does not resolve for a local server (serve, moto): dial
			// the endpoint's own address whatever the host; the Host
			// header keeps the account prefix, as moto routes on it.
			o.HTTPClient = dialEndpoint(o.HTTPClient, *o.BaseEndpoint)
		}
	})
}

func (g *globals) newCloudFront(cfg aws.Config) *cloudfront.Client {
	return cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) { g.override(svcCloudFront, &o.BaseEndpoint) })
}

func (g *globals) newCloudTrail(cfg aws.Config) *cloudtrail.Client {
	return cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) { g.override(svcCloudTrail, &o.BaseEndpoint) })
}

func (g *globals) newAccessAnalyzer(cfg aws.Config) *accessanalyzer.Client {
	return accessanalyzer.NewFromConfig(cfg, func(o *accessanalyzer.Options) { g.override(svcAccessAnalyzer, &o.BaseEndpoint) })
}

func (g *globals) newIAM(cfg aws.Config) *iam.Client {
	return iam.NewFromConfig(cfg, func(o *iam.Options) { g.override(svcIAM, &o.BaseEndpoint) })
}

func (g *globals) newSTS(cfg aws.Config) *sts.Client {
	return sts.NewFromConfig(cfg, func(o *sts.Options) { g.override(svcSTS, &o.BaseEndpoint) })
}

func (g *globals) newKMS(cfg aws.Config) *kms.Client {
	return kms.NewFromConfig(cfg, func(o *kms.Options) { g.override(svcKMS, &o.BaseEndpoint) })
}

// clientFor returns the run's client for service id, built by mk. With
// -local the embedded service is started first (or the command refused
// when there is none); otherwise, when any service has a custom endpoint
// and this one has none, the command is refused before any request rather
// than sending it to AWS.
func clientFor[C any](ctx context.Context, g *globals, id string, mk func(*globals, aws.Config) C) (C, error) {
	var zero C
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return zero, err
	}
	if g.local && !localServices[id] {
		return zero, fmt.Errorf("-local has no %s: run the command against AWS, or an endpoint that has it", id)
	} else if !g.local && g.custom && g.endpoints[id] == nil {
		return zero, fmt.Errorf("an endpoint is configured for %s but not for %s, whose requests would go to AWS: "+
			"give -endpoint, or set AWS_ENDPOINT_URL or %s", strings.Join(g.customServices(), ", "), id, envName(id))
	}
	return mk(g, cfg), nil
}

// s3Client returns the run's S3 client; with a custom endpoint (or the
// embedded fake) it uses path-style addressing.
func (g *globals) s3Client(ctx context.Context) (*s3.Client, error) {
	return clientFor(ctx, g, svcS3, (*globals).newS3)
}

// resolveEndpoints records where each service's client sends requests,
// checks every custom endpoint URL, and notes whether any is not AWS's.
func (g *globals) resolveEndpoints(cfg aws.Config) error {
	g.endpoints = map[string]*string{}
	for _, s := range awsServices {
		ep := s.endpoint(g, cfg)
		g.endpoints[s.id] = ep
		if ep == nil {
			continue
		}
		name := envName(s.id) + " (or AWS_ENDPOINT_URL, or endpoint_url in the profile)"
		if g.endpoint != "" {
			name = "-endpoint"
		}
		if err := checkEndpointURL(name, *ep); err != nil {
			return err
		}
		if err := g.checkTransport(name, *ep); err != nil {
			return err
		}
		if !isAWSEndpoint(*ep) {
			g.custom = true
		}
	}
	return nil
}

// checkTransport refuses an endpoint that is plain HTTP to a host that is
// not loopback, unless -allow-insecure-transport: the verdicts read from
// it could be forged by anyone on the network path. presign, which sends
// no request, has its own rule (-insecure-allow-http).
func (g *globals) checkTransport(name, ep string) error {
	u, err := url.Parse(ep)
	if err != nil || g.insecureTransport || (g.cmd != nil && g.cmd.name == "presign") || !plainhttp.Remote(u) {
		return nil
	}
	return &hintError{
		err: fmt.Errorf("%s %s is plain HTTP to a host that is not loopback: nothing authenticates its answers (SigV4 signs only the requests), "+
			"so anyone on the network path could forge the verdicts and read the policies; nothing was sent", name, u.Scheme+"://"+u.Host),
		hint: "use the endpoint's https:// URL (s3secure serve -tls prints one), or, for a test server on a network you trust, -allow-insecure-transport",
	}
}

// customServices names the services with a custom endpoint.
func (g *globals) customServices() []string {
	var ids []string
	for _, s := range awsServices {
		if ep := g.endpoints[s.id]; ep != nil && !isAWSEndpoint(*ep) {
			ids = append(ids, s.id)
		}
	}
	return ids
}

// checkEndpointURL accepts scheme://host[:port] with scheme http or https
// and an optional trailing slash: nothing that would be sent as a path,
// query or credentials.
func checkEndpointURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return fmt.Errorf("%s %q is not an endpoint URL: give http://host:port or https://host[:port]", name, raw)
	}
	if u.User != nil {
		return fmt.Errorf("%s must not carry credentials (user:password@): credentials come from the AWS SDK's chain", name)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Errorf("%s %q has a path, query or fragment: give only scheme://host[:port]", name, raw)
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s %q has an invalid port", name, raw)
		}
	}
	return nil
}

// isAWSEndpoint reports whether an endpoint URL is one of AWS's own (a
// VPC, FIPS or dual-stack endpoint, say, in any partition:
// policy.IsAWSDomain) rather than another server.
func isAWSEndpoint(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return policy.IsAWSDomain(u.Hostname())
}

var (
	// awsRegionRe is the shape of AWS Region names (us-east-1,
	// us-gov-west-1, cn-north-1, eu-isoe-west-1).
	awsRegionRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	// hostLabelRe is what the SDK accepts as a Region: a DNS label.
	hostLabelRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// checkRegion refuses a Region that cannot be AWS's (custom false): one
// no partition claims (policy.PartitionOfRegion) and not of the usual
// shape; or that the SDK would refuse (custom true: another server may
// name its Region as it likes).
func checkRegion(name, region string, custom bool) error {
	if _, ok := policy.PartitionOfRegion(region); ok {
		return nil
	}
	if custom && hostLabelRe.MatchString(region) || awsRegionRe.MatchString(region) {
		return nil
	}
	return fmt.Errorf("%s %q is not an AWS Region name (like us-east-1 or eu-west-2)", name, region)
}

// dialEndpoint returns an HTTP client like hc that connects to endpoint's
// address for every request, whatever the request's host, with TLS
// verified against endpoint's host name.
func dialEndpoint(hc aws.HTTPClient, endpoint string) aws.HTTPClient {
	u, err := url.Parse(endpoint)
	if err != nil {
		return hc
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
	}
	set := func(tr *http.Transport) {
		d := &net.Dialer{}
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		}
		// A proxy would resolve the account-prefixed host itself.
		tr.Proxy = nil
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		} else {
			tr.TLSClientConfig = tr.TLSClientConfig.Clone()
		}
		tr.TLSClientConfig.ServerName = u.Hostname()
	}
	switch c := hc.(type) {
	case *awshttp.BuildableClient:
		return c.WithTransportOptions(set)
	case *http.Client:
		tr, ok := c.Transport.(*http.Transport)
		if !ok && c.Transport != nil {
			// A transport of its own (the in-memory AWS's client under
			// -local, which dials its endpoint whatever the host): a
			// clone of the default one would drop it.
			return hc
		}
		if !ok {
			tr = http.DefaultTransport.(*http.Transport)
		}
		tr = tr.Clone()
		set(tr)
		cc := *c
		cc.Transport = tr
		return &cc
	default:
		return awshttp.NewBuildableClient().WithTransportOptions(set)
	}
}

// newRetryer is the SDK's standard retryer, except that it does not retry
// a setup problem (no such host, connection refused, an untrusted
// certificate, unknown or wrong credentials): retrying cannot fix those,
// and the user should hear about them at once.
func newRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if isSetupError(err) {
				return aws.FalseTernary
			}
			return aws.UnknownTernary
		})}, o.Retryables...)
	})
}

// preflight sends one cheap request (S3 ListBuckets for one bucket) so
// that a setup problem (credentials, TLS, endpoint, Region) is one clear
// error before a command that reports per-bucket or per-control errors
// starts. Any answer that is not a setup problem (AccessDenied: the
// credentials may not list buckets) lets the command go on.
func (g *globals) preflight(ctx context.Context, c *s3.Client) error {
	if g.local {
		return nil
	}
	_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)})
	var ae smithy.APIError
	if err != nil && (isSetupError(err) || !errors.As(err, &ae)) {
		// A setup problem, or an answer that is not S3's (no error
		// code): nothing else will work either.
		return err
	}
	return nil
}

// accountIDValue is an -account-id flag: empty, or 12 digits.
type accountIDValue string

func (v *accountIDValue) String() string { return string(*v) }

func (v *accountIDValue) Set(s string) error {
	if !policy.IsAccountID(s) {
		return fmt.Errorf("%q is not a 12-digit account id", s)
	}
	*v = accountIDValue(s)
	return nil
}

// accountIDUsage is how most commands find the account without
// -account-id.
const accountIDUsage = " 12-digit `ID` (default: the embedded fake's with -local, else STS GetCallerIdentity through the command's endpoint)"

// accountIDFlag defines -account-id on fs, the one spelling of an account
// id in every command, checked when parsed.
func accountIDFlag(fs *flag.FlagSet, usage string) *string {
	v := new(string)
	fs.Var((*accountIDValue)(v), "account-id", usage)
	return v
}

// accountID returns the account the command works on, the same way for
// every command: -account-id when given, else the embedded fake's with
// -local, else the caller's account from STS GetCallerIdentity (through
// the run's endpoint, like every other request).
func (g *globals) accountID(ctx context.Context, flagValue string) (string, error) {
	if flagValue != "" {
		if !policy.IsAccountID(flagValue) {
			return "", fmt.Errorf("-account-id %q is not a 12-digit account id", flagValue)
		}
		return flagValue, nil
	}
	if _, err := g.awsConfig(ctx); err != nil {
		return "", err
	}
	if g.localServer != nil {
		return g.localServer.AccountID(), nil
	}
	client, err := clientFor(ctx, g, svcSTS, (*globals).newSTS)
	if err != nil {
		return "", err
	}
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		err = fmt.Errorf("find the account id: %w", err)
		if isSetupError(err) {
			return "", err // its own hint (credentials, TLS, endpoint) says what to fix
		}
		return "", &hintError{err: err, hint: "give -account-id"}
	}
	id := aws.ToString(out.Account)
	if !policy.IsAccountID(id) {
		return "", fmt.Errorf("STS GetCallerIdentity answered account %q, which is not a 12-digit account id; give -account-id", id)
	}
	return id, nil
}

// hintError adds a hint to an error's one-line description.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }
