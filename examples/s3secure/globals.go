package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// globals carries the global flags and what commands share: the streams,
// the AWS configuration and, with -local, the embedded fake.
type globals struct {
	endpoint string
	region   string
	local    bool
	format   string
	// insecureTransport is -allow-insecure-transport: plain HTTP to a
	// host that is not loopback is accepted.
	insecureTransport bool

	stdin          io.Reader
	stdout, stderr io.Writer
	// progressTo is stderr when it is a terminal (progress of long runs
	// goes there), else nil.
	progressTo io.Writer

	cmd         *command       // the command being run
	cliRE       *regexp.Regexp // cmd.flagFor's identifiers, compiled once (cliText)
	cfg         *aws.Config
	closer      []func()
	localServer *s3fake.Server   // with -local: the embedded fake
	localURL    string           // with -local: the in-memory AWS's endpoint
	localAWS    *localaws.Server // with -local: the in-memory AWS

	// endpoints is the endpoint each AWS service resolves to in this run
	// (nil: AWS's own); custom is set when any of them is not an AWS host.
	endpoints map[string]*string
	custom    bool
}

// json reports whether output is JSON lines.
func (g *globals) json() bool { return g.format == "json" }

// close releases what the command started (the embedded fake).
func (g *globals) close() {
	for i := len(g.closer) - 1; i >= 0; i-- {
		g.closer[i]()
	}
	g.closer = nil
}

// checkGlobals validates the global flags once they are all parsed
// (before or after the command).
func (g *globals) checkGlobals() error {
	if formats := g.cmd.outputFormats(); !slices.Contains(formats, g.format) {
		list := formats[0]
		if n := len(formats); n > 1 {
			list = strings.Join(formats[:n-1], ", ") + " or " + formats[n-1]
		}
		return fmt.Errorf("-format %s: %s writes %s", g.format, g.cmd.name, list)
	}
	if g.local && g.endpoint != "" {
		return errors.New("-local and -endpoint cannot be used together")
	}
	if g.endpoint != "" {
		if err := checkEndpointURL("-endpoint", g.endpoint); err != nil {
			return err
		}
	}
	if g.region != "" {
		if err := checkRegion("-region", g.region, g.endpoint != "" || g.local); err != nil {
			return err
		}
	}
	return nil
}

// awsConfig returns the AWS configuration for the command: the SDK's default
// chain, or the embedded fake's endpoint and owner credentials with -local.
// It is loaded once per run. Every endpoint the services resolve to is
// checked, and the credentials are retrieved, so that a setup problem is
// one clear error before any request.
func (g *globals) awsConfig(ctx context.Context) (aws.Config, error) {
	if g.cfg != nil {
		return *g.cfg, nil
	}
	if g.local {
		cfg, err := g.startLocal(ctx)
		if err != nil {
			return aws.Config{}, err
		}
		g.cfg = &cfg
		return cfg, nil
	}
	// The SDK's own log lines (warnings about response bodies and
	// checksums) would break the one-line stderr contract.
	opts := []func(*config.LoadOptions) error{config.WithRetryer(newRetryer), config.WithLogger(logging.Nop{})}
	if g.region != "" {
		opts = append(opts, config.WithRegion(g.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		hint := "check AWS_PROFILE, AWS_CONFIG_FILE and ~/.aws/config"
		switch ca := os.Getenv("AWS_CA_BUNDLE"); {
		case ca != "" && strings.Contains(err.Error(), ca):
			// Typically left from an earlier serve -tls, whose CA file is gone.
			hint = "AWS_CA_BUNDLE names a file that cannot be read: point it at the server's CA certificate file " +
				"(s3secure serve -tls prints it), or unset it"
		case ca != "" && strings.Contains(err.Error(), "custom CA bundle"):
			hint = "AWS_CA_BUNDLE names a file that is not a PEM certificate: point it at the server's CA certificate file " +
				"(s3secure serve -tls prints it), or unset it"
		}
		return aws.Config{}, &hintError{err: fmt.Errorf("load the AWS configuration: %w", err), hint: hint}
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if g.endpoint != "" {
		cfg.BaseEndpoint = aws.String(g.endpoint)
	}
	if err := g.resolveEndpoints(cfg); err != nil {
		return aws.Config{}, err
	}
	if err := checkRegion("the configured Region", cfg.Region, g.custom); err != nil {
		return aws.Config{}, err
	}
	// A provider's error can quote the credentials (credential_process's
	// quotes its whole output when it does not parse): every client made
	// from cfg reports it by its types (internal/credsafe).
	cfg.Credentials = credsafe.Provider(cfg.Credentials)
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return aws.Config{}, fmt.Errorf("%w: %w", errNoCredentials, err)
	}
	g.cfg = &cfg
	return cfg, nil
}

// printer writes records either as JSON lines (one object per record, keys
// in column order) or as an aligned text table with a header row.
type printer struct {
	json    bool
	w       io.Writer
	tw      *tabwriter.Writer
	columns []string
	header  bool
	text    func(string) string // applied to string values
}

// newPrinter returns a printer for records with these columns.
func (g *globals) newPrinter(columns ...string) *printer {
	p := &printer{json: g.json(), w: g.stdout, columns: columns, text: g.cliText}
	if !p.json {
		p.tw = tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	}
	return p
}

// Row writes one record; values are given in column order.
func (p *printer) Row(values ...any) {
	if p.json {
		var b strings.Builder
		b.WriteByte('{')
		for i, c := range p.columns {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(c)
			var v any
			if i < len(values) {
				v = p.cell(values[i])
			}
			vb, err := json.Marshal(v)
			if err != nil {
				vb, _ = json.Marshal(fmt.Sprint(v))
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(vb)
		}
		b.WriteString("}\n")
		io.WriteString(p.w, b.String())
		return
	}
	if !p.header {
		p.header = true
		fmt.Fprintln(p.tw, strings.ToUpper(strings.Join(p.columns, "\t")))
	}
	cells := make([]string, len(p.columns))
	for i := range p.columns {
		if i < len(values) {
			cells[i] = strings.ReplaceAll(fmt.Sprint(p.cell(values[i])), "\t", " ")
		}
	}
	fmt.Fprintln(p.tw, strings.Join(cells, "\t"))
}

// cell passes string values through p.text.
func (p *printer) cell(v any) any {
	if s, ok := v.(string); ok && p.text != nil {
		return p.text(s)
	}
	return v
}

// Flush writes out a buffered text table.
func (p *printer) Flush() {
	if p.tw != nil {
		p.tw.Flush()
	}
}

// terminal returns w when it is a terminal, else nil.
func terminal(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return w
}
