package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/s3secure/s3secure/internal/s3fake"
)

func init() {
	register(&command{
		name:  "serve",
		usage: "serve [-addr 127.0.0.1:9000] [-tls] [-legacy]",
		summary: "run the in-memory AWS (it verifies signatures and enforces policies) as a local server until Ctrl-C; " +
			"prints endpoint=URL, then export lines to paste into another shell",
		formats: []string{"text"},
		run:     runServe,
	})
}

// runServe runs the fake until the context ends (Ctrl-C). It prints
// endpoint=URL first, then export lines for a shell (endpoint, Region,
// the owner's access key and, when serve generated them, the secret:
// throwaway credentials for a local server; with -tls the CA bundle),
// then a comment naming the account.
func runServe(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	addr := fs.String("addr", "127.0.0.1:9000", "listen address (use port 0 for any free port)")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate (its PEM path is printed as ca_bundle=)")
	legacy := fs.Bool("legacy", false, "buckets created through the API start with nothing configured, like pre-2023 buckets (default: today's AWS defaults)")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("serve: unexpected argument %q", fs.Arg(0)))
	}
	if g.local || g.endpoint != "" {
		return g.fail(errors.New("serve: -local and -endpoint do not apply: serve is the local server"))
	}
	opts := &s3fake.Options{Region: g.region}
	generated := false
	if id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		opts.OwnerAccessKeyID, opts.OwnerSecretAccessKey = id, secret
	} else {
		id, secret, err := newAccessKey()
		if err != nil {
			return g.fail(fmt.Errorf("serve: generate credentials: %w", err))
		}
		opts.OwnerAccessKeyID, opts.OwnerSecretAccessKey = id, secret
		generated = true
	}
	if *legacy {
		opts.CreateBucketState = s3fake.StateLegacy
	}
	srv, err := s3fake.New(opts)
	if err != nil {
		return g.fail(fmt.Errorf("serve: %w", err))
	}
	var tcfg *tlsConfig
	if *useTLS {
		tcfg, err = newSelfSignedTLS()
		if err == nil {
			err = tcfg.writeCAFile()
		}
		if err != nil {
			return g.fail(fmt.Errorf("serve: %w", err))
		}
		defer os.RemoveAll(filepath.Dir(tcfg.caFile))
	}
	endpoint, stop, err := listenAndServe(ctx, *addr, srv, tcfg)
	if err != nil {
		return g.fail(fmt.Errorf("serve: %w", err))
	}
	defer stop()
	owner := srv.OwnerCredential()
	w := g.stdout
	fmt.Fprintf(w, "endpoint=%s\n", endpoint)
	fmt.Fprintf(w, "export AWS_ENDPOINT_URL=%s\n", endpoint)
	fmt.Fprintf(w, "export AWS_REGION=%s\n", srv.Region())
	fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\n", owner.AccessKeyID)
	if generated {
		// Generated for this run only, so the user can configure a client.
		fmt.Fprintf(w, "export AWS_SECRET_ACCESS_KEY=%s\n", owner.SecretAccessKey)
	} else {
		fmt.Fprintln(w, "# AWS_SECRET_ACCESS_KEY: the one in serve's environment")
	}
	fmt.Fprintln(w, "unset AWS_SESSION_TOKEN")
	if tcfg != nil {
		fmt.Fprintf(w, "export AWS_CA_BUNDLE=%s\n", tcfg.caFile)
	}
	fmt.Fprintf(w, "# account %s; serving until Ctrl-C\n", srv.AccountID())
	<-ctx.Done()
	return exitOK
}

// newAccessKey makes a random access key pair in AWS's shapes.
func newAccessKey() (id, secret string, err error) {
	const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, 16+30)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	var sb strings.Builder
	sb.WriteString("AKIA")
	for _, c := range b[:16] {
		sb.WriteByte(upper[int(c)%len(upper)])
	}
	return sb.String(), base64.StdEncoding.EncodeToString(b[16:]), nil
}

// tlsConfig is a self-signed server certificate for loopback names, the
// pool a Go client trusts it with, and (after writeCAFile) the PEM file
// another client can trust (AWS_CA_BUNDLE, aws --ca-bundle).
type tlsConfig struct {
	server *tls.Config
	pool   *x509.CertPool
	pem    []byte
	caFile string
}

// writeCAFile writes the certificate to a new temporary directory.
func (c *tlsConfig) writeCAFile() error {
	dir, err := os.MkdirTemp("", "s3secure-serve-")
	if err != nil {
		return err
	}
	c.caFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(c.caFile, c.pem, 0o600); err != nil {
		os.RemoveAll(dir)
		return err
	}
	return nil
}

func newSelfSignedTLS() (*tlsConfig, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "s3secure serve"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
	return &tlsConfig{
		server: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		pool:   pool,
		pem:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}
