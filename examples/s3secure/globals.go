package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// globals carries the global flags and what commands share: the streams,
// the AWS configuration and, with -local, the embedded fake.
type globals struct {
	endpoint string
	region   string
	local    bool
	format   string

	stdin          io.Reader
	stdout, stderr io.Writer

	cfg         *aws.Config
	closer      []func()
	localServer *s3fake.Server // with -local: the embedded fake
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

// awsConfig returns the AWS configuration for the command: the SDK's default
// chain, or the embedded fake's endpoint and owner credentials with -local.
// It is loaded once per run.
func (g *globals) awsConfig(ctx context.Context) (aws.Config, error) {
	if g.cfg != nil {
		return *g.cfg, nil
	}
	var cfg aws.Config
	if g.local {
		c, err := g.startLocal(ctx)
		if err != nil {
			return aws.Config{}, err
		}
		cfg = c
	} else {
		var opts []func(*config.LoadOptions) error
		if g.region != "" {
			opts = append(opts, config.WithRegion(g.region))
		}
		c, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
		}
		if c.Region == "" {
			c.Region = "us-east-1"
		}
		if g.endpoint != "" {
			c.BaseEndpoint = aws.String(g.endpoint)
		}
		cfg = c
	}
	g.cfg = &cfg
	return cfg, nil
}

// s3Client returns an S3 client for the command. A custom endpoint (or the
// embedded fake) gets path-style addressing, which every S3-compatible
// server understands.
func (g *globals) s3Client(ctx context.Context) (*s3.Client, error) {
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	custom := cfg.BaseEndpoint != nil
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if custom {
			o.UsePathStyle = true
			// S3-compatible servers (and moto) do not all understand
			// aws-chunked trailing checksums; send checksums only when an
			// operation requires them.
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	}), nil
}

// printer writes records either as JSON lines (one object per record, keys
// in column order) or as an aligned text table with a header row.
type printer struct {
	json    bool
	w       io.Writer
	tw      *tabwriter.Writer
	columns []string
	header  bool
}

// newPrinter returns a printer for records with these columns.
func (g *globals) newPrinter(columns ...string) *printer {
	p := &printer{json: g.json(), w: g.stdout, columns: columns}
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
				v = values[i]
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
			cells[i] = strings.ReplaceAll(fmt.Sprint(values[i]), "\t", " ")
		}
	}
	fmt.Fprintln(p.tw, strings.Join(cells, "\t"))
}

// Flush writes out a buffered text table.
func (p *printer) Flush() {
	if p.tw != nil {
		p.tw.Flush()
	}
}

// readInput reads a file argument; "-" means standard input.
func (g *globals) readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(g.stdin)
	}
	return os.ReadFile(name)
}
