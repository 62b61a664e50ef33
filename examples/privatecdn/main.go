// Command privatecdn serves a private S3 bucket through Amazon CloudFront
// with Origin Access Control, on the in-memory AWS of package s3securetest (no
// AWS account is needed):
//
//	go run ./examples/privatecdn
//
// It creates a hardened bucket (Block Public Access on, ACLs off,
// encryption, TLS-only policy) with securebucket.Create, uploads a page,
// uploads a signing key to CloudFront, and puts the bucket behind a
// distribution with cloudfront.ServeBucket, which requires signed URLs from
// that key. Then it proves the bucket is still private: package policy's
// evaluator reads the bucket policy and allows s3:GetObject only to
// cloudfront.amazonaws.com acting for this distribution (AWS:SourceArn),
// not to anonymous callers, another distribution or another account; an
// anonymous GET against S3 itself is refused. It signs a CloudFront URL for
// the page, checks the signature with the public key CloudFront holds, and
// prints the URL with its signature redacted. Finally it runs ServeBucket
// again, which finds nothing to change.
//
// Against AWS the same calls take s3.NewFromConfig(cfg) and
// cloudfront.NewFromConfig(cfg), and the signing key is loaded with
// cloudfront.LoadPrivateKeyFile instead of being generated.
package main

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // CloudFront reads a signature that names no hash as SHA-1; only to check one.
	_ "crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

const (
	region   = "eu-west-1"
	bucket   = "privatecdn-demo"
	pageKey  = "index.html"
	pageBody = "<!doctype html><title>hello</title><p>served by CloudFront, not by S3</p>\n"
	// keyGroupName names the key group whose key signs the URLs.
	keyGroupName = "privatecdn-signers"
	// urlLifetime is how long a signed URL works: short, because a signed
	// URL cannot be revoked short of removing its key from the key group.
	urlLifetime = 10 * time.Minute
	// otherAccount is an account that must not read the bucket.
	otherAccount = "444455556666"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "privatecdn:", err)
		os.Exit(1)
	}
}

// run tells the whole story on the embedded fakes.
func run(ctx context.Context, w io.Writer) error {
	// The in-memory AWS of package s3securetest: an S3 that verifies
	// signatures and enforces bucket policies and Block Public Access, over
	// HTTPS like AWS (the TLS-only statement Create writes refuses plain
	// HTTP), and a CloudFront speaking the real REST-XML API, on one
	// endpoint. With AWS, build both clients from config.LoadDefaultConfig.
	srv, err := s3securetest.Start(&s3securetest.Options{Region: region})
	if err != nil {
		return err
	}
	defer srv.Close()
	s3c := s3.NewFromConfig(srv.Config)
	cf := cfsdk.NewFromConfig(srv.Config)

	fmt.Fprintln(w, "In-memory S3 and CloudFront (no AWS account used).")

	fmt.Fprintf(w, "\n1. Create bucket %q, hardened before Create returns.\n", bucket)
	created, err := securebucket.Create(ctx, s3c, bucket, nil)
	if err != nil {
		return err
	}
	for _, s := range created.Steps {
		fmt.Fprintf(w, "   %-22s %-7s %s\n", s.Name, s.Action, s.Detail)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(pageKey),
		Body: strings.NewReader(pageBody), ContentType: aws.String("text/html"),
	}); err != nil {
		return err
	}
	fmt.Fprintf(w, "   put s3://%s/%s (%d bytes)\n", bucket, pageKey, len(pageBody))

	fmt.Fprintln(w, "\n2. Upload the public half of a signing key to CloudFront as a key group.")
	// DO NOT generate signing keys in a program like this one: create the
	// key pair once, keep the private key in a secret store or a file with
	// tight permissions, and load it with cloudfront.LoadPrivateKeyFile (or
	// cloudfront.ParsePrivateKeyPEM). Only the public key goes to CloudFront.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	kg, err := cloudfront.CreateKeyGroup(ctx, cf, keyGroupName, &key.PublicKey)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   key group %s trusts public key %s\n", kg.KeyGroupID, kg.PublicKeyID)

	fmt.Fprintln(w, "\n3. Serve the bucket through CloudFront with Origin Access Control; viewers need signed URLs.")
	serveOpts := &cloudfront.Options{TrustedKeyGroupIDs: []string{kg.KeyGroupID}}
	res, err := cloudfront.ServeBucket(ctx, cf, s3c, bucket, serveOpts)
	if err != nil {
		return err
	}
	printActions(w, res)
	fmt.Fprintf(w, "   distribution   %s\n", res.DistributionID)
	fmt.Fprintf(w, "   ARN            %s\n", res.DistributionARN)
	fmt.Fprintf(w, "   domain         https://%s/\n", res.DomainName)
	fmt.Fprintf(w, "   origin access  %s (signs every request to S3 with SigV4)\n", res.OriginAccessControlID)
	for _, warning := range res.Warnings {
		fmt.Fprintf(w, "   warning: %s\n", warning)
	}

	fmt.Fprintln(w, "\n4. Who may read the page? The bucket policy, judged by package policy's evaluator.")
	if err := whoCanRead(ctx, w, s3c, res.DistributionARN); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n5. Read the page straight from S3, bypassing CloudFront: with no credentials, then as another account.")
	if err := anonymousGet(ctx, w, srv.Client(), srv.URL, "/"+bucket+"/"+pageKey); err != nil {
		return err
	}
	stranger, err := srv.AddAccount(otherAccount)
	if err != nil {
		return err
	}
	strangerClient := s3.NewFromConfig(stranger)
	_, err = strangerClient.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(pageKey)})
	var apiErr smithy.APIError
	switch {
	case err == nil:
		fmt.Fprintf(w, "   GetObject as account %s -> the bucket is readable by another account!\n", otherAccount)
	case errors.As(err, &apiErr):
		fmt.Fprintf(w, "   GetObject as account %s -> %s: refused\n", otherAccount, apiErr.ErrorCode())
	default:
		return err
	}

	fmt.Fprintln(w, "\n6. Sign a CloudFront URL for the page.")
	if err := signURL(ctx, w, cf, key, kg.PublicKeyID, "https://"+res.DomainName+"/"+pageKey); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n7. Run ServeBucket again.")
	again, err := cloudfront.ServeBucket(ctx, cf, s3c, bucket, serveOpts)
	if err != nil {
		return err
	}
	printActions(w, again)
	if again.Changed() {
		fmt.Fprintln(w, "   => something changed")
	} else {
		fmt.Fprintln(w, "   => nothing changed")
	}
	return nil
}

func printActions(w io.Writer, res *cloudfront.Result) {
	for _, a := range res.Actions {
		fmt.Fprintf(w, "   %-22s %-7s %s\n", a.Step, a.Change, a.Detail)
	}
}

// whoCanRead decides s3:GetObject on the page for several callers against
// the bucket policy that is now on the bucket, and prints each decision and
// the statement that made it.
func whoCanRead(ctx context.Context, w io.Writer, s3c *s3.Client, distributionARN string) error {
	out, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		return err
	}
	doc, err := policy.Parse([]byte(aws.ToString(out.Policy)))
	if err != nil {
		return err
	}
	compiled, err := policy.Compile(doc)
	if err != nil {
		return err
	}
	for _, st := range doc.Statements {
		fmt.Fprintf(w, "   statement %-36q %s\n", st.Sid, st.Effect)
	}

	cloudFront := policy.Caller{Service: "cloudfront.amazonaws.com"}
	// Another distribution's ARN: same account, different ID.
	otherDistribution := distributionARN[:strings.LastIndexByte(distributionARN, '/')+1] + "EOTHERDISTRIB"
	cases := []struct {
		who       string
		caller    policy.Caller
		sourceARN string
	}{
		{"CloudFront for this distribution", cloudFront, distributionARN},
		{"CloudFront for another distribution", cloudFront, otherDistribution},
		{"CloudFront without a source ARN", cloudFront, ""},
		{"anonymous", policy.Caller{}, ""},
		{"another account (root)", policy.Caller{ARN: "arn:aws:iam::" + otherAccount + ":root", Account: otherAccount}, ""},
	}
	for _, c := range cases {
		req := &policy.Request{
			Caller:   c.caller,
			Action:   "s3:GetObject",
			Resource: "arn:aws:s3:::" + bucket + "/" + pageKey,
		}
		req.Context.SetBool("aws:SecureTransport", true)
		if c.sourceARN != "" {
			req.Context.Set("aws:SourceArn", c.sourceARN)
		}
		r := compiled.Decide(req)
		by := "no statement allows it"
		if r.Matched {
			by = "statement " + strconv.Quote(r.By.Sid)
		}
		fmt.Fprintf(w, "   %-36s %-12s (%s)\n", c.who, r.Decision, by)
	}
	return nil
}

// anonymousGet reads endpoint+path without credentials and prints S3's
// answer.
func anonymousGet(ctx context.Context, w io.Writer, c *http.Client, endpoint, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusOK {
		fmt.Fprintf(w, "   GET %s -> %d: the bucket is readable by anyone!\n", path, resp.StatusCode)
		return nil
	}
	fmt.Fprintf(w, "   GET %s -> %d %s: refused\n", path, resp.StatusCode, errorCode(body))
	return nil
}

// errorCode returns the <Code> of an S3 XML error document.
func errorCode(body []byte) string {
	_, rest, ok := strings.Cut(string(body), "<Code>")
	if !ok {
		return "?"
	}
	code, _, _ := strings.Cut(rest, "</Code>")
	return code
}

// signURL signs rawURL for urlLifetime, checks the signature against the
// public key CloudFront holds for keyID, and prints the URL with the
// signature redacted and the expiry time replaced by its lifetime, so that
// the output is the same on every run.
func signURL(ctx context.Context, w io.Writer, cf *cfsdk.Client, key *rsa.PrivateKey, keyID, rawURL string) error {
	signer, err := cloudfront.NewSigner(keyID, key, nil)
	if err != nil {
		return err
	}
	expires := time.Now().Add(urlLifetime)
	signed, err := signer.SignURL(rawURL, expires)
	if err != nil {
		return err
	}
	if err := checkSignature(ctx, cf, keyID, rawURL, signed); err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s\n", redact(signed))
	fmt.Fprintf(w, "   valid for %v; the signature checks out against public key %s held by CloudFront\n", urlLifetime, keyID)

	// The Signer refuses lifetimes beyond its cap (one hour by default).
	_, err = signer.SignURL(rawURL, time.Now().Add(24*time.Hour))
	fmt.Fprintf(w, "   a 24h URL: %v (ErrExpiryTooLong: %v)\n", err, errors.Is(err, cloudfront.ErrExpiryTooLong))
	return nil
}

// checkSignature verifies a canned-policy signed URL as CloudFront does,
// with the public key uploaded for keyID (see verifyCanned).
func checkSignature(ctx context.Context, cf *cfsdk.Client, keyID, rawURL, signed string) error {
	pk, err := cf.GetPublicKey(ctx, &cfsdk.GetPublicKeyInput{Id: aws.String(keyID)})
	if err != nil {
		return err
	}
	block, _ := pem.Decode([]byte(aws.ToString(pk.PublicKey.PublicKeyConfig.EncodedKey)))
	if block == nil {
		return errors.New("public key is not PEM")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return err
	}
	return verifyCanned(pub, keyID, rawURL, signed)
}

// verifyCanned checks that signed is rawURL signed with a canned policy by
// the private key of pub (RSA 2048, PKCS #1 v1.5, or ECDSA P-256, ASN.1
// DER: "RSA 2048 or ECDSA 256 key signatures", CloudFront API reference,
// PublicKey) for keyID. The hash is SHA-256 when the URL ends in
// Hash-Algorithm=SHA256 ("When you use SHA-256, include the
// Hash-Algorithm=SHA256 query parameter in the signed URL", developer
// guide) and SHA-1 when it names none; any other value, or the parameter
// twice, is refused, as are the parameters in any other place or order
// than the guide's: Expires, Signature, Key-Pair-Id, Hash-Algorithm.
func verifyCanned(pub crypto.PublicKey, keyID, rawURL, signed string) error {
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	rest, ok := strings.CutPrefix(signed, rawURL+sep+"Expires=")
	if !ok {
		return errors.New("signed URL is not the URL followed by Expires")
	}
	expires, rest, _ := strings.Cut(rest, "&Signature=")
	sigText, rest, _ := strings.Cut(rest, "&Key-Pair-Id=")
	gotKey, hashParam, named := strings.Cut(rest, "&Hash-Algorithm=")
	if gotKey != keyID {
		return fmt.Errorf("signed URL names key %q, want %q", gotKey, keyID)
	}
	if _, err := strconv.ParseInt(expires, 10, 64); err != nil {
		return fmt.Errorf("expiry %q is not a Unix time", expires)
	}
	hash := crypto.SHA1
	switch {
	case !named:
	case hashParam == "SHA256":
		hash = crypto.SHA256
	default:
		return fmt.Errorf("Hash-Algorithm %q is not SHA256, the one value CloudFront documents", hashParam)
	}
	// CloudFront's URL-safe base64: '+' -> '-', '=' -> '_', '/' -> '~'.
	if strings.ContainsAny(sigText, "+/=&") {
		return errors.New("signature is not CloudFront base64")
	}
	sig, err := base64.StdEncoding.DecodeString(strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(sigText))
	if err != nil {
		return fmt.Errorf("signature is not CloudFront base64: %w", err)
	}
	canned := `{"Statement":[{"Resource":"` + rawURL + `","Condition":{"DateLessThan":{"AWS:EpochTime":` + expires + `}}}]}`
	h := hash.New()
	h.Write([]byte(canned))
	digest := h.Sum(nil)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		err = rsa.VerifyPKCS1v15(k, hash, digest, sig)
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() || !ecdsa.VerifyASN1(k, digest, sig) {
			err = errors.New("ECDSA P-256 signature does not verify")
		}
	default:
		err = fmt.Errorf("public key is %T, not RSA or ECDSA", pub)
	}
	if err != nil {
		return fmt.Errorf("signed URL does not verify with the key group's public key: %w", err)
	}
	return nil
}

// redact replaces the signature (a bearer credential until the URL
// expires) and the expiry time in a signed CloudFront URL.
func redact(signed string) string {
	u, err := url.Parse(signed)
	if err != nil {
		return "(unparsable URL)"
	}
	parts := strings.Split(u.RawQuery, "&")
	for i, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		switch name {
		case "Signature", "Policy":
			parts[i] = name + "=REDACTED"
		case "Expires":
			parts[i] = name + "=NOW+" + strconv.Itoa(int(urlLifetime.Seconds())) + "s"
		}
	}
	u.RawQuery = strings.Join(parts, "&")
	return u.String()
}
