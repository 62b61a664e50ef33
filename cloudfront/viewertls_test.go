package cloudfront_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestServeBucketNeverLowersTheViewerTLSPolicy: with CertificateARN, an
// existing distribution with that certificate and a stricter security
// policy than DefaultMinimumProtocolVersion (TLSv1.2_2025, TLSv1.3_2025)
// was rewritten to TLSv1.2_2021, which allows TLS 1.2 ciphers those do
// not; and a dedicated-IP (vip) certificate set-up was switched to
// sni-only. The floor is only ever raised; the explicit
// InsecureMinimumProtocolVersion still sets what it names.
func TestServeBucketNeverLowersTheViewerTLSPolicy(t *testing.T) {
	cert := "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012"
	cases := []struct {
		name     string
		have     types.MinimumProtocolVersion
		method   types.SSLSupportMethod
		opts     cloudfront.Options
		want     types.MinimumProtocolVersion
		wantMeth types.SSLSupportMethod
	}{
		{"TLS 1.3 kept with the certificate option", types.MinimumProtocolVersionTLSv132025, types.SSLSupportMethodSniOnly, cloudfront.Options{CertificateARN: cert}, types.MinimumProtocolVersionTLSv132025, types.SSLSupportMethodSniOnly},
		{"TLSv1.2_2025 kept with the certificate option", types.MinimumProtocolVersionTLSv122025, types.SSLSupportMethodSniOnly, cloudfront.Options{CertificateARN: cert}, types.MinimumProtocolVersionTLSv122025, types.SSLSupportMethodSniOnly},
		{"TLS 1.3 kept without it", types.MinimumProtocolVersionTLSv132025, types.SSLSupportMethodSniOnly, cloudfront.Options{}, types.MinimumProtocolVersionTLSv132025, types.SSLSupportMethodSniOnly},
		{"vip kept", types.MinimumProtocolVersionTLSv122021, types.SSLSupportMethodVip, cloudfront.Options{CertificateARN: cert}, types.MinimumProtocolVersionTLSv122021, types.SSLSupportMethodVip},
		{"weak raised with the certificate option", types.MinimumProtocolVersionTLSv122019, types.SSLSupportMethodSniOnly, cloudfront.Options{CertificateARN: cert}, cloudfront.DefaultMinimumProtocolVersion, types.SSLSupportMethodSniOnly},
		{"weak raised without it", types.MinimumProtocolVersionTLSv1, types.SSLSupportMethodSniOnly, cloudfront.Options{}, cloudfront.DefaultMinimumProtocolVersion, types.SSLSupportMethodSniOnly},
		{"explicit insecure floor set", types.MinimumProtocolVersionTLSv132025, types.SSLSupportMethodSniOnly, cloudfront.Options{CertificateARN: cert, InsecureMinimumProtocolVersion: types.MinimumProtocolVersionTLSv122019}, types.MinimumProtocolVersionTLSv122019, types.SSLSupportMethodSniOnly},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			cfg := legacyConfig("by-hand", "")
			cfg.Aliases = &types.Aliases{Quantity: aws.Int32(1), Items: []string{"cdn.example.com"}}
			cfg.ViewerCertificate = &types.ViewerCertificate{ACMCertificateArn: aws.String(cert), SSLSupportMethod: c.method, MinimumProtocolVersion: c.have}
			out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
			require.NoError(t, err)
			id := aws.ToString(out.Distribution.Id)
			o := c.opts
			o.DistributionID = id
			_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &o)
			require.NoError(t, err)
			got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
			require.NoError(t, err)
			vc := got.DistributionConfig.ViewerCertificate
			assert.Equal(t, c.want, vc.MinimumProtocolVersion)
			assert.Equal(t, c.wantMeth, vc.SSLSupportMethod)
			assert.Equal(t, cert, aws.ToString(vc.ACMCertificateArn))
		})
	}
}
