package presign

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// templateBucket is resolved through the SDK's own S3 endpoint rules once,
// when a Presigner is built; per-request addresses are derived from it by
// substituting the real bucket. Validation refuses every bucket name for
// which the rules would take another branch (ARNs, access point aliases,
// S3 Express and Outposts suffixes).
const (
	templateBucket       = "s3secure-endpoint-template"
	dottedTemplateBucket = "s3secure.endpoint.template"
)

// endpointSettings are the settings of an aws.Config that choose the S3
// endpoint beside the region and the base endpoint.
type endpointSettings struct {
	fips, dualStack bool
}

// configEndpointSettings reads cfg's FIPS and dual-stack settings as the
// SDK's S3 client does (s3.NewFromConfig resolves them from
// cfg.ConfigSources: use_fips_endpoint and use_dualstack_endpoint in the
// shared config, AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT, the
// LoadOptions), and maps a FIPS pseudo-region ("fips-us-gov-west-1",
// "us-east-1-fips") to its Region with FIPS on, as the client does before
// it resolves an endpoint (finalizeClientEndpointResolverOptions and
// bindRegion, through the SDK's internal endpoints.MapFIPSRegion).
func configEndpointSettings(cfg aws.Config, region string) (string, endpointSettings) {
	eo := s3.NewFromConfig(cfg).Options().EndpointOptions
	es := endpointSettings{
		fips:      eo.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled,
		dualStack: eo.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled,
	}
	if strings.Contains(region, "-fips-") || strings.Contains(region, "fips-") || strings.Contains(region, "-fips") {
		region = strings.ReplaceAll(region, "-fips-", "-")
		region = strings.ReplaceAll(region, "fips-", "")
		region = strings.ReplaceAll(region, "-fips", "")
		es.fips = true
	}
	return region, es
}

// resolveAddresses fills p.scheme, p.vhost, p.path, p.signingRegion and
// p.customHTTP from the SDK endpoint resolver.
func (p *Presigner) resolveAddresses(region string, endpoint *url.URL, usePathStyle bool, es endpointSettings) error {
	if es.fips && endpoint != nil {
		// The endpoint rules refuse the pair ("A custom endpoint cannot be
		// combined with FIPS"); say which settings clash.
		return &ValidationError{Field: "endpoint", Reason: "the configuration asks for FIPS endpoints (use_fips_endpoint, AWS_USE_FIPS_ENDPOINT or a fips Region), " +
			"which cannot be combined with a custom endpoint", Err: ErrInvalidEndpoint}
	}
	r := s3.NewDefaultEndpointResolverV2()
	params := func(forcePath bool) s3.EndpointParameters {
		ps := s3.EndpointParameters{
			Bucket:         aws.String(templateBucket),
			Region:         aws.String(region),
			ForcePathStyle: aws.Bool(forcePath),
			UseFIPS:        aws.Bool(es.fips),
			UseDualStack:   aws.Bool(es.dualStack),
			Accelerate:     aws.Bool(false),
		}
		if endpoint != nil {
			ps.Endpoint = aws.String(endpoint.String())
		}
		return ps
	}
	ctx := context.Background()
	pathEP, err := r.ResolveEndpoint(ctx, params(true))
	if err != nil {
		// The rules' message says why (for example FIPS or dual-stack in
		// a partition without them); it holds no credentials.
		return &ValidationError{Field: "endpoint", Reason: fmt.Sprintf("cannot resolve the S3 endpoint for region %q: %v", region, err), Err: ErrInvalidEndpoint}
	}
	p.scheme = pathEP.URI.Scheme
	p.customHTTP = endpoint != nil && endpoint.Scheme == "http"
	pp := pathEP.URI.EscapedPath()
	if !strings.HasSuffix(pp, "/"+templateBucket) {
		return &ValidationError{Field: "endpoint", Reason: "unexpected path-style endpoint shape", Err: ErrInvalidEndpoint}
	}
	p.path = address{
		host:      pathEP.URI.Host,
		canonHost: canonicalHost(pathEP.URI.Scheme, pathEP.URI.Host),
		prefix:    strings.TrimSuffix(pp, templateBucket),
	}
	p.signingRegion = signingRegion(&pathEP.Properties, region)

	p.vhostOK = false
	if !usePathStyle {
		vEP, err := r.ResolveEndpoint(ctx, params(false))
		if err != nil {
			return &ValidationError{Field: "endpoint", Reason: fmt.Sprintf("cannot resolve the S3 endpoint for region %q", region), Err: ErrInvalidEndpoint}
		}
		if rest, ok := strings.CutPrefix(vEP.URI.Host, templateBucket+"."); ok {
			p.vhostOK = true
			p.vhost = address{
				host:      rest,
				canonHost: canonicalHost(vEP.URI.Scheme, rest),
				prefix:    joinPrefix(vEP.URI.EscapedPath()),
			}
		}
		// Otherwise (an IP address endpoint) the rules always use path style.
	}
	p.dottedSigningRegion = p.signingRegion
	if p.vhostOK && p.customHTTP {
		// Dotted buckets in front of a plain-HTTP custom endpoint take
		// another branch of the rules, whose signing region is the
		// configured region verbatim (it differs for "aws-global").
		ps := params(false)
		ps.Bucket = aws.String(dottedTemplateBucket)
		dEP, err := r.ResolveEndpoint(ctx, ps)
		if err != nil {
			return &ValidationError{Field: "endpoint", Reason: fmt.Sprintf("cannot resolve the S3 endpoint for region %q", region), Err: ErrInvalidEndpoint}
		}
		p.dottedSigningRegion = signingRegion(&dEP.Properties, region)
	}
	return nil
}

// joinPrefix returns what smithyhttp.JoinPath(a, "/"+escapedKey) puts before
// the escaped key.
func joinPrefix(a string) string {
	if a == "" {
		a = "/"
	} else if a[0] != '/' {
		a = "/" + a
	}
	if len(a) > 1 && a[len(a)-1] != '/' {
		a += "/"
	}
	return a
}

// canonicalHost drops the scheme's default port, as the SDK signer does.
func canonicalHost(scheme, host string) string {
	if h, ok := strings.CutSuffix(host, ":443"); ok && scheme == "https" {
		return h
	}
	if h, ok := strings.CutSuffix(host, ":80"); ok && scheme == "http" {
		return h
	}
	return host
}

// signingRegion returns the SigV4 signing region the endpoint rules chose
// (for example us-east-1 for the aws-global pseudo-region).
func signingRegion(props *smithy.Properties, fallback string) string {
	if opts, ok := smithyauth.GetAuthOptions(props); ok {
		for _, o := range opts {
			if o.SchemeID == "sigv4" || o.SchemeID == "aws.auth#sigv4" {
				if r, ok := smithyhttp.GetSigV4SigningRegion(&o.SignerProperties); ok && r != "" {
					return r
				}
			}
		}
	}
	return fallback
}

// virtualHosted reports whether bucket goes into the host name, following
// the S3 endpoint rules: a DNS-compatible name without dots, or, for a
// custom plain-HTTP endpoint, dotted names whose labels are each valid host
// labels of 3 or more characters. One deliberate difference: for an
// IP-address endpoint we always use path style, where the SDK (s3
// v1.114.10) builds "http://my.dotted.bucket.127.0.0.1:9000/", a host name
// that cannot resolve.
func (p *Presigner) virtualHosted(bucket string) bool {
	if !p.vhostOK {
		return false
	}
	if strings.IndexByte(bucket, '.') < 0 {
		return true
	}
	if !p.customHTTP {
		return false
	}
	for label := range strings.SplitSeq(bucket, ".") {
		if len(label) < 3 || !smithyhttp.ValidHostLabel(label) {
			return false
		}
	}
	return true
}
