package presign_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// fixedTimePresigner makes s3.PresignClient sign at a chosen time: the SDK
// reads the clock itself, so we wrap PresignOptions.Presigner.
type fixedTimePresigner struct {
	signer *v4.Signer
	at     time.Time
}

func (f fixedTimePresigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request,
	payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions),
) (string, http.Header, error) {
	return f.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, f.at, optFns...)
}

const diffSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

type diffConfig struct {
	region    string
	endpoint  string
	pathStyle bool
	token     string
}

type diffCase struct {
	cfg      diffConfig
	op       string
	bucket   string
	key      string
	expires  time.Duration
	at       time.Time
	put      presign.PutOptions
	get      presign.GetOptions
	uploadID string
	part     int32
	ct       string
}

var (
	diffRegions   = []string{"us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "sa-east-1", "ca-central-1", "il-central-1", "eu-south-2", "cn-north-1", "cn-northwest-1", "us-gov-west-1", "aws-global", "me-central-1", "af-south-1"}
	diffEndpoints = []string{"", "", "", "https://s3.example.com", "https://minio.internal:9443/prefix", "https://objects.example.net/a/b/", "http://127.0.0.1:9000", "http://localhost:4566", "https://s3.amazonaws.com", "https://example.com:443", "http://[::1]:9000", "https://10.1.2.3:8443"}
	keyPieces     = []string{"a", "Z", "09", "dir/", "/", "-", "_", ".", "~", " ", "+", "%", "%20", "!", "*", "'", "(", ")", ";", ":", "@", "&", "=", "$", ",", "?", "#", "[", "]", "\\", "^", "`", "{", "}", "|", "<", ">", "\"", "é", "日本語", "😀", "\u00a0", "\u200b", "ß", "Ω", "ﬁ", "file.txt", "photos/2024/", "a..b", ".hidden", "x."}
	ctPieces      = []string{"image/png", "text/plain; charset=utf-8", "application/octet-stream", "video/mp4", "text/html;  charset=UTF-8 ", "multipart/form-data; boundary=x"}
)

func randomKey(r *rand.Rand) string {
	for {
		var b strings.Builder
		n := 1 + r.IntN(8)
		for range n {
			b.WriteString(keyPieces[r.IntN(len(keyPieces))])
		}
		if r.IntN(50) == 0 {
			b.WriteString(strings.Repeat("k", 900))
		}
		k := b.String()
		if presign.ValidateKey(k) == nil {
			return k
		}
	}
}

func randomBucket(r *rand.Rand) string {
	const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	for {
		var b strings.Builder
		n := 3 + r.IntN(30)
		for i := range n {
			switch {
			case i > 0 && i < n-1 && r.IntN(8) == 0:
				b.WriteByte('-')
			case i > 0 && i < n-1 && r.IntN(12) == 0:
				b.WriteByte('.')
			default:
				b.WriteByte(alnum[r.IntN(len(alnum))])
			}
		}
		s := b.String()
		if presign.ValidateBucket(s) == nil {
			return s
		}
	}
}

func randomToken(r *rand.Rand) string {
	if r.IntN(3) != 0 {
		return ""
	}
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	b := make([]byte, 16+r.IntN(400))
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

func randomB64(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return base64Std(b)
}

func generateCase(r *rand.Rand) diffCase {
	c := diffCase{
		cfg: diffConfig{
			region:    diffRegions[r.IntN(len(diffRegions))],
			endpoint:  diffEndpoints[r.IntN(len(diffEndpoints))],
			pathStyle: r.IntN(4) == 0,
			token:     randomToken(r),
		},
		bucket: randomBucket(r),

		key:     randomKey(r),
		expires: time.Duration(1+r.IntN(7*24*3600)) * time.Second,
		at:      time.Date(2013+r.IntN(20), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), 0, time.UTC),
	}
	if strings.Contains(c.bucket, ".") && (strings.Contains(c.cfg.endpoint, "[") || strings.Contains(c.cfg.endpoint, "http://127.")) {
		// Deliberate difference: for a plain-HTTP IP endpoint the SDK puts
		// a dotted bucket in front of the IP address
		// ("http://my.bucket.127.0.0.1:9000/", or "Failed to parse uri"
		// for IPv6); we use path style. Compare path style only there.
		c.cfg.pathStyle = true
	}
	switch r.IntN(5) {
	case 0:
		c.op = "GET"
		if r.IntN(3) == 0 {
			c.get.ResponseContentDisposition = `attachment; filename="r` + fmt.Sprint(r.IntN(100)) + `.pdf"`
		}
		if r.IntN(3) == 0 {
			c.get.ResponseContentType = ctPieces[r.IntN(len(ctPieces))]
		}
	case 1:
		c.op = "HEAD"
		if r.IntN(3) == 0 {
			c.get.ResponseContentType = ctPieces[r.IntN(len(ctPieces))]
		}
	case 2:
		c.op = "PUT"
		c.ct = ctPieces[r.IntN(len(ctPieces))]
		if r.IntN(2) == 0 {
			c.put.ContentLength = 1 + r.Int64N(1<<34)
		}
		if r.IntN(3) == 0 {
			c.put.ChecksumSHA256 = randomB64(r, 32)
		}
		if r.IntN(3) == 0 {
			c.put.ChecksumCRC32 = randomB64(r, 4)
		}
		switch r.IntN(4) {
		case 0:
			c.put.ServerSideEncryption = "AES256"
		case 1:
			c.put.ServerSideEncryption = "aws:kms"
			if r.IntN(2) == 0 {
				c.put.SSEKMSKeyID = "arn:aws:kms:us-east-1:111122223333:key/" + fmt.Sprint(r.IntN(1e6))
			}
		}
	case 3:
		c.op = "DELETE"
	case 4:
		c.op = "UPLOADPART"
		c.part = int32(1 + r.IntN(10000))
		c.uploadID = randomToken(r) + "x~Y-_." + fmt.Sprint(r.IntN(1000))
		if r.IntN(2) == 0 {
			c.put.ContentLength = 1 + r.Int64N(5<<30)
		}
		if r.IntN(3) == 0 {
			c.put.ChecksumSHA256 = randomB64(r, 32)
		}
	}
	return c
}

func sdkPresign(ctx context.Context, client *s3.Client, c diffCase) (*v4.PresignedHTTPRequest, error) {
	pc := s3.NewPresignClient(client, func(o *s3.PresignOptions) {
		// The same signer options as the SDK's default S3 presigner
		// (newDefaultV4Signer): S3 paths are escaped once, not twice.
		o.Presigner = fixedTimePresigner{signer: v4.NewSigner(func(so *v4.SignerOptions) { so.DisableURIPathEscaping = true }), at: c.at}
		o.Expires = c.expires
	})
	optStr := func(s string) *string {
		if s == "" {
			return nil
		}
		return aws.String(s)
	}
	optLen := func(n int64) *int64 {
		if n == 0 {
			return nil
		}
		return aws.Int64(n)
	}
	switch c.op {
	case "GET":
		return pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &c.bucket, Key: &c.key,
			ResponseContentDisposition: optStr(c.get.ResponseContentDisposition), ResponseContentType: optStr(c.get.ResponseContentType)})
	case "HEAD":
		return pc.PresignHeadObject(ctx, &s3.HeadObjectInput{Bucket: &c.bucket, Key: &c.key, ResponseContentType: optStr(c.get.ResponseContentType)})
	case "PUT":
		return pc.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: &c.bucket, Key: &c.key, ContentType: &c.ct,
			ContentLength: optLen(c.put.ContentLength), ChecksumSHA256: optStr(c.put.ChecksumSHA256), ChecksumCRC32: optStr(c.put.ChecksumCRC32),
			ServerSideEncryption: types.ServerSideEncryption(c.put.ServerSideEncryption), SSEKMSKeyId: optStr(c.put.SSEKMSKeyID)})
	case "DELETE":
		return pc.PresignDeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &c.bucket, Key: &c.key})
	default:
		return pc.PresignUploadPart(ctx, &s3.UploadPartInput{Bucket: &c.bucket, Key: &c.key, UploadId: &c.uploadID, PartNumber: aws.Int32(c.part),
			ContentLength: optLen(c.put.ContentLength), ChecksumSHA256: optStr(c.put.ChecksumSHA256)})
	}
}

func ourPresign(ctx context.Context, p *presign.Presigner, c diffCase) (*presign.Request, error) {
	switch c.op {
	case "GET":
		o := c.get
		o.Expires = c.expires
		return p.Get(ctx, c.bucket, c.key, &o)
	case "HEAD":
		return p.Head(ctx, c.bucket, c.key, &presign.GetOptions{Expires: c.expires, ResponseContentType: c.get.ResponseContentType})
	case "PUT":
		o := c.put
		o.Expires = c.expires
		return p.Put(ctx, c.bucket, c.key, c.ct, &o)
	case "DELETE":
		return p.Delete(ctx, c.bucket, c.key, &presign.DeleteOptions{Expires: c.expires})
	default:
		return p.UploadPart(ctx, c.bucket, c.key, c.uploadID, c.part, &presign.UploadPartOptions{
			Expires: c.expires, ContentLength: c.put.ContentLength, ChecksumSHA256: c.put.ChecksumSHA256})
	}
}

// TestDifferential compares our URLs with s3.PresignClient's, byte for
// byte, over generated inputs.
func TestDifferential(t *testing.T) {
	n := 10000
	if testing.Short() || raceEnabled {
		n = 1500
	}
	ctx := t.Context()
	r := rand.New(rand.NewPCG(20240601, 6))
	type pair struct {
		sdk  *s3.Client
		ours *presign.Presigner
	}
	clients := map[diffConfig]pair{}
	var at time.Time
	var currentToken string
	clock := func() time.Time { return at }
	mismatches := 0
	verifyLookup := func(akid string) (aws.Credentials, bool) {
		if !strings.HasPrefix(akid, "AKIDEXAMPLE") {
			return aws.Credentials{}, false
		}
		return aws.Credentials{AccessKeyID: akid, SecretAccessKey: diffSecret, SessionToken: currentToken}, true
	}
	for i := range n {
		c := generateCase(r)
		pr, ok := clients[c.cfg]
		if !ok {
			creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE"+fmt.Sprint(i%7), diffSecret, c.cfg.token)
			so := s3.Options{Region: c.cfg.region, Credentials: creds, UsePathStyle: c.cfg.pathStyle}
			cfg := aws.Config{Region: c.cfg.region, Credentials: creds}
			if c.cfg.endpoint != "" {
				so.BaseEndpoint = aws.String(c.cfg.endpoint)
				cfg.BaseEndpoint = aws.String(c.cfg.endpoint)
			}
			ours, err := presign.New(cfg, &presign.Options{UsePathStyle: c.cfg.pathStyle, AllowExpiryUpTo: presign.HardMaxExpiry,
				AllowDelete: true, AllowUploadPart: true, Now: clock})
			require.NoError(t, err, "config %+v", c.cfg)
			pr = pair{sdk: s3.New(so), ours: ours}
			clients[c.cfg] = pr
		}
		at = c.at
		currentToken = c.cfg.token
		want, err := sdkPresign(ctx, pr.sdk, c)
		require.NoError(t, err, "sdk, case %d %+v", i, c)
		got, err := ourPresign(ctx, pr.ours, c)
		require.NoError(t, err, "ours, case %d", i)
		if !assert.Equal(t, want.URL, got.URL, "case %d: %s %+v", i, c.op, c.cfg) {
			mismatches++
		}
		assert.Equal(t, want.Method, got.Method)
		wantHeader := want.SignedHeader.Clone()
		wantHeader.Del("Host")
		if len(wantHeader) == 0 {
			wantHeader = nil
		}
		assert.Equal(t, wantHeader, got.Header, "case %d", i)
		// Our verifier accepts every URL the SDK signs.
		if !strings.Contains(c.cfg.endpoint, ":443") {
			req, err := http.NewRequest(want.Method, want.URL, nil)
			require.NoError(t, err)
			for k, v := range want.SignedHeader {
				if k != "Host" && k != "Content-Length" {
					req.Header[k] = v
				}
			}
			req.ContentLength = c.put.ContentLength
			_, err = presign.Verify(req, verifyLookup, &presign.VerifyOptions{Now: func() time.Time { return c.at }, AllowExpiryUpTo: presign.HardMaxExpiry})
			assert.NoError(t, err, "case %d: %s", i, presign.Redact(want.URL))
		}
		if mismatches > 5 {
			t.Fatal("too many mismatches")
		}
	}
	t.Logf("%d cases, %d configurations", n, len(clients))
}
