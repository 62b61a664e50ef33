package cloudfront

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/s3secure/s3secure/policy"
)

// weakTLS are viewer security policies below DefaultMinimumProtocolVersion.
var weakTLS = map[types.MinimumProtocolVersion]bool{
	types.MinimumProtocolVersionSSLv3:      true,
	types.MinimumProtocolVersionTLSv1:      true,
	types.MinimumProtocolVersionTLSv12016:  true,
	types.MinimumProtocolVersionTLSv112016: true,
	types.MinimumProtocolVersionTLSv122018: true,
	types.MinimumProtocolVersionTLSv122019: true,
	types.MinimumProtocolVersionTLSv122021: false,
	types.MinimumProtocolVersionTLSv122025: false,
	types.MinimumProtocolVersionTLSv132025: false,
}

func (o *Options) viewerProtocol() types.ViewerProtocolPolicy {
	switch {
	case o.HTTPSOnly:
		return types.ViewerProtocolPolicyHttpsOnly
	case o.InsecureAllowHTTPViewers:
		return types.ViewerProtocolPolicyAllowAll
	}
	return DefaultViewerProtocolPolicy
}

func (o *Options) minTLS() types.MinimumProtocolVersion {
	if o.InsecureMinimumProtocolVersion != "" {
		return o.InsecureMinimumProtocolVersion
	}
	return DefaultMinimumProtocolVersion
}

func (o *Options) responseHeadersPolicy() string {
	switch {
	case o.ResponseHeadersPolicyID != "":
		return o.ResponseHeadersPolicyID
	case o.AllowNoResponseHeadersPolicy:
		return ""
	}
	return DefaultResponseHeadersPolicyID
}

func (o *Options) cachePolicy() string {
	if o.CachePolicyID != "" {
		return o.CachePolicyID
	}
	return DefaultCachePolicyID
}

func (o *Options) rootObject() string {
	switch {
	case o.DefaultRootObject != "":
		return o.DefaultRootObject
	case o.AllowNoDefaultRootObject:
		return ""
	}
	return DefaultRootObject
}

func (o *Options) validate() error {
	switch {
	case o.HTTPSOnly && o.InsecureAllowHTTPViewers:
		return fmt.Errorf("%w: HTTPSOnly and InsecureAllowHTTPViewers contradict each other", ErrInvalidOptions)
	case len(o.Aliases) > 0 && o.CertificateARN == "":
		return fmt.Errorf("%w: a CertificateARN is required with Aliases (an ACM certificate in us-east-1 covering them)", ErrInvalidOptions)
	case o.CertificateARN != "" && !strings.HasPrefix(o.CertificateARN, "arn:aws"):
		return fmt.Errorf("%w: CertificateARN %q is not an ACM certificate ARN", ErrInvalidOptions, o.CertificateARN)
	case o.CertificateARN != "" && !strings.Contains(o.CertificateARN, ":acm:us-east-1:"):
		return fmt.Errorf("%w: CloudFront only uses ACM certificates from us-east-1, not %q", ErrInvalidOptions, o.CertificateARN)
	case o.InsecureMinimumProtocolVersion != "" && !slices.Contains(types.MinimumProtocolVersion("").Values(), o.InsecureMinimumProtocolVersion):
		return fmt.Errorf("%w: unknown InsecureMinimumProtocolVersion %q", ErrInvalidOptions, o.InsecureMinimumProtocolVersion)
	case o.ApplyKeyPolicy && isNil(o.KMS):
		return fmt.Errorf("%w: ApplyKeyPolicy needs a KMS client", ErrInvalidOptions)
	case o.AllowNoDefaultRootObject && o.DefaultRootObject != "":
		return fmt.Errorf("%w: DefaultRootObject and AllowNoDefaultRootObject contradict each other", ErrInvalidOptions)
	case o.Region != "" && !isRegionName(o.Region):
		return fmt.Errorf("%w: Region %q is not an AWS Region name", ErrInvalidOptions, o.Region)
	case len(o.OriginAccessControlName) > 64:
		return fmt.Errorf("%w: OriginAccessControlName is longer than 64 characters", ErrInvalidOptions)
	case slices.Contains(o.TrustedKeyGroupIDs, ""):
		return fmt.Errorf("%w: empty key group ID in TrustedKeyGroupIDs", ErrInvalidOptions)
	case strings.HasPrefix(o.DefaultRootObject, "/"):
		return fmt.Errorf("%w: DefaultRootObject %q must not start with '/'", ErrInvalidOptions, o.DefaultRootObject)
	case o.ExpectedBucketOwner != "" && !policy.IsAccountID(o.ExpectedBucketOwner):
		return fmt.Errorf("%w: ExpectedBucketOwner %q is not a 12-digit account id", ErrInvalidOptions, o.ExpectedBucketOwner)
	}
	return nil
}

// newDistributionConfig is the configuration of a distribution created for
// the bucket, with every secure default.
func newDistributionConfig(o *Options, bucket, region, oacID, callerRef string) *types.DistributionConfig {
	origin := types.Origin{
		Id:                    aws.String(DefaultOriginID),
		DomainName:            aws.String(RESTEndpoint(bucket, region)),
		OriginAccessControlId: aws.String(oacID),
		S3OriginConfig:        &types.S3OriginConfig{OriginAccessIdentity: aws.String("")},
	}
	cfg := &types.DistributionConfig{
		CallerReference: aws.String(callerRef),
		Comment:         aws.String(o.comment(bucket)),
		Enabled:         aws.Bool(true),
		Origins:         &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{origin}},
		DefaultCacheBehavior: &types.DefaultCacheBehavior{
			TargetOriginId:       aws.String(DefaultOriginID),
			ViewerProtocolPolicy: o.viewerProtocol(),
			Compress:             aws.Bool(true),
		},
		HttpVersion:   DefaultHTTPVersion,
		IsIPV6Enabled: aws.Bool(!o.DisableIPv6),
		PriceClass:    DefaultPriceClass,
	}
	if o.HTTPVersion != "" {
		cfg.HttpVersion = o.HTTPVersion
	}
	if o.PriceClass != "" {
		cfg.PriceClass = o.PriceClass
	}
	if o.WebACLID != "" {
		cfg.WebACLId = aws.String(o.WebACLID)
	}
	if len(o.Aliases) > 0 {
		cfg.Aliases = &types.Aliases{Quantity: aws.Int32(int32(len(o.Aliases))), Items: slices.Clone(o.Aliases)}
	}
	applyViewerCertificate(o, cfg)
	applyBehavior(o, cfg.DefaultCacheBehavior)
	if root := o.rootObject(); root != "" {
		cfg.DefaultRootObject = aws.String(root)
	}
	return cfg
}

func (o *Options) comment(bucket string) string {
	if o.Comment != "" {
		return o.Comment
	}
	return "s3secure: private S3 bucket " + bucket + " through origin access control"
}

func applyViewerCertificate(o *Options, cfg *types.DistributionConfig) []string {
	if o.CertificateARN == "" {
		vc := cfg.ViewerCertificate
		if vc == nil {
			cfg.ViewerCertificate = &types.ViewerCertificate{CloudFrontDefaultCertificate: aws.Bool(true)}
			return nil
		}
		// A custom certificate already in place: raise its TLS floor.
		if (aws.ToString(vc.ACMCertificateArn) != "" || aws.ToString(vc.IAMCertificateId) != "") &&
			weakTLS[vc.MinimumProtocolVersion] && vc.MinimumProtocolVersion != o.minTLS() {
			old := vc.MinimumProtocolVersion
			vc.MinimumProtocolVersion = o.minTLS()
			return []string{fmt.Sprintf("viewer TLS policy %s -> %s", old, vc.MinimumProtocolVersion)}
		}
		return nil
	}
	want := &types.ViewerCertificate{
		ACMCertificateArn:      aws.String(o.CertificateARN),
		SSLSupportMethod:       types.SSLSupportMethodSniOnly,
		MinimumProtocolVersion: o.minTLS(),
	}
	vc := cfg.ViewerCertificate
	if vc != nil && (aws.ToString(vc.ACMCertificateArn) != "" || aws.ToString(vc.IAMCertificateId) != "") {
		// A custom certificate already in place: its dedicated-IP set-up
		// (vip, static-ip) is kept, and so is a TLS floor above the
		// default (TLSv1.2_2025, TLSv1.3_2025) unless
		// InsecureMinimumProtocolVersion names one: the floor is only
		// ever raised.
		if vc.SSLSupportMethod != "" {
			want.SSLSupportMethod = vc.SSLSupportMethod
		}
		if weak, known := weakTLS[vc.MinimumProtocolVersion]; known && !weak && o.InsecureMinimumProtocolVersion == "" {
			want.MinimumProtocolVersion = vc.MinimumProtocolVersion
		}
		if aws.ToString(vc.ACMCertificateArn) == o.CertificateARN && aws.ToString(vc.IAMCertificateId) == "" &&
			vc.SSLSupportMethod == want.SSLSupportMethod && vc.MinimumProtocolVersion == want.MinimumProtocolVersion {
			return nil
		}
	}
	cfg.ViewerCertificate = want
	return []string{fmt.Sprintf("viewer certificate %s, %s, %s", o.CertificateARN, want.SSLSupportMethod, want.MinimumProtocolVersion)}
}

// behavior is the part of DefaultCacheBehavior and CacheBehavior the wiring
// enforces.
type behavior struct {
	viewer          *types.ViewerProtocolPolicy
	allowed         **types.AllowedMethods
	cachePolicy     **string
	responseHeaders **string
	forwarded       **types.ForwardedValues
	minTTL          **int64
	defaultTTL      **int64
	maxTTL          **int64
	keyGroups       **types.TrustedKeyGroups
	signers         **types.TrustedSigners
}

func applyBehavior(o *Options, d *types.DefaultCacheBehavior) []string {
	//lint:ignore SA1019 the legacy cache settings are read to be cleared: a cache policy replaces them
	return enforce(o, behavior{&d.ViewerProtocolPolicy, &d.AllowedMethods, &d.CachePolicyId, &d.ResponseHeadersPolicyId, &d.ForwardedValues, &d.MinTTL, &d.DefaultTTL, &d.MaxTTL, &d.TrustedKeyGroups, &d.TrustedSigners})
}

func applyCacheBehavior(o *Options, c *types.CacheBehavior) []string {
	//lint:ignore SA1019 the legacy cache settings are read to be cleared: a cache policy replaces them
	return enforce(o, behavior{&c.ViewerProtocolPolicy, &c.AllowedMethods, &c.CachePolicyId, &c.ResponseHeadersPolicyId, &c.ForwardedValues, &c.MinTTL, &c.DefaultTTL, &c.MaxTTL, &c.TrustedKeyGroups, &c.TrustedSigners})
}

// enforce applies the secure defaults to one cache behavior and says what
// it changed. A stricter viewer policy than asked (https-only) and a cache
// or response headers policy the user chose are kept.
func enforce(o *Options, b behavior) []string {
	var changes []string
	want := o.viewerProtocol()
	keepStricter := *b.viewer == types.ViewerProtocolPolicyHttpsOnly && !o.InsecureAllowHTTPViewers
	if *b.viewer != want && !keepStricter {
		changes = append(changes, fmt.Sprintf("viewer protocol %q -> %s", *b.viewer, want))
		*b.viewer = want
	}
	if am := *b.allowed; am == nil || !sameSet(am.Items, defaultAllowedMethods) ||
		am.CachedMethods == nil || !sameSet(am.CachedMethods.Items, defaultAllowedMethods) {
		changes = append(changes, "allowed methods -> GET, HEAD")
		*b.allowed = &types.AllowedMethods{
			Quantity: aws.Int32(2), Items: slices.Clone(defaultAllowedMethods),
			CachedMethods: &types.CachedMethods{Quantity: aws.Int32(2), Items: slices.Clone(defaultAllowedMethods)},
		}
	}
	if cur := aws.ToString(*b.cachePolicy); cur == "" || o.CachePolicyID != "" && cur != o.CachePolicyID {
		changes = append(changes, "cache policy -> "+o.cachePolicy())
		*b.cachePolicy = aws.String(o.cachePolicy())
		// A cache policy replaces the legacy cache settings.
		*b.forwarded, *b.minTTL, *b.defaultTTL, *b.maxTTL = nil, nil, nil, nil
	}
	if ids := o.TrustedKeyGroupIDs; len(ids) > 0 {
		if cur := *b.keyGroups; cur == nil || !aws.ToBool(cur.Enabled) || !sameSet(cur.Items, ids) {
			changes = append(changes, fmt.Sprintf("trusted key groups -> %v (signed URLs or cookies required)", ids))
			*b.keyGroups = &types.TrustedKeyGroups{Enabled: aws.Bool(true), Quantity: aws.Int32(int32(len(ids))), Items: slices.Clone(ids)}
		}
		// Only keys of these groups sign: the AWS accounts a behavior
		// still trusts (legacy CloudFront key pairs) would sign for it
		// too. "We recommend using TrustedKeyGroups instead of
		// TrustedSigners" (API reference, CacheBehavior).
		if cur := *b.signers; cur != nil && (aws.ToBool(cur.Enabled) || len(cur.Items) > 0) {
			changes = append(changes, fmt.Sprintf("trusted signers %v -> none (only the key groups sign)", cur.Items))
			*b.signers = &types.TrustedSigners{Enabled: aws.Bool(false), Quantity: aws.Int32(0)}
		}
	}
	rh := o.responseHeadersPolicy()
	if cur := aws.ToString(*b.responseHeaders); cur == "" && rh != "" || o.ResponseHeadersPolicyID != "" && cur != rh {
		changes = append(changes, "response headers policy -> "+rh)
		*b.responseHeaders = aws.String(rh)
	}
	return changes
}

// sameSet reports whether got and want hold the same items, in any order:
// CloudFront's lists of methods and of trusted key groups are sets.
func sameSet[T cmp.Ordered](got, want []T) bool {
	if len(got) != len(want) {
		return false
	}
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}
