package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"syscall"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
	"github.com/s3secure/s3secure/report/sarif"
)

func init() {
	register(&command{
		name:    "lint",
		usage:   "lint [-type resource|access-point|identity] [-account-id ID] [-service-reference FILE] [-allow-unknown-policies] FILE... (- = stdin; policy JSON, CloudFormation JSON/YAML, Terraform plan JSON)",
		summary: "validate policies offline, in policy files, CloudFormation templates and Terraform plans, with IAM Access Analyzer's issue codes",
		formats: []string{"text", "json", "sarif"},
		run:     runLint,
	})
}

// Input size limits. lint reads at most maxLintInput bytes of a file and
// refuses a larger one before reading the rest (a policy file of tens of
// megabytes, or /dev/zero, would otherwise take gigabytes of memory), then
// applies the limit of the format it finds.
const (
	// maxPolicyFile: AWS's largest policy is a bucket or access point
	// policy of 20 KB (IAM managed policies: 6,144 characters); 1 MiB
	// leaves room for any indentation.
	maxPolicyFile = 1 << 20
	// maxTemplateFile: CloudFormation accepts a template of at most 1 MB
	// (from S3; 51,200 bytes inline); 4 MiB leaves room for comments and
	// templates that a tool preprocesses.
	maxTemplateFile = 4 << 20
	// maxPlanFile: a Terraform plan in JSON holds every resource's
	// attributes twice (before and after) and grows with the
	// infrastructure; 64 MiB covers tens of thousands of resources. The
	// plan parser is linear: a 60 MiB plan of 103,000 IAM policies takes
	// about 800 MB and 20 s on a busy 2-core machine.
	maxPlanFile = 64 << 20
	// maxLintInput is the most lint reads of any file.
	maxLintInput = maxPlanFile
)

// lintKinds maps -type values to policy kinds (for policy files; a
// template's or plan's policies have the kind of their resource).
var lintKinds = map[string]policy.Kind{
	"resource":     policy.KindBucket,
	"bucket":       policy.KindBucket,
	"access-point": policy.KindAccessPoint,
	"identity":     policy.KindManaged,
}

// lintInput is one file argument, read and split into policies.
type lintInput struct {
	name     string // as printed: the argument, or <stdin>
	sarifURI string // the file for SARIF; empty for standard input
	format   iac.Format
	policies []iac.Policy
	err      *iac.SyntaxError // a template or plan that could not be read
}

// runLint prints one line per finding: file, resource (the CloudFormation
// logical id or Terraform address; empty for a policy file), severity,
// code, statement (the statement's index, -1 for the document), line,
// column (in the file given), message; in text, a summary line follows.
// A policy known only at deployment, or of a kind lint does not check
// yet, is a finding too (ERROR, or WARNING with -allow-unknown-policies):
// nothing of it was checked.
// With -format sarif it writes one SARIF 2.1.0 log instead, of files only
// (standard input is refused: code scanning shows no result without a
// file). It exits 1
// when a finding is ERROR or SECURITY_WARNING, 2 when a file cannot be
// read or is too large.
func runLint(_ context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	typ := fs.String("type", "resource", "how the policies of policy files are used: resource (a bucket policy), access-point, or identity (an IAM policy); templates and plans say it themselves")
	account := accountIDFlag(fs, "the owning account's 12-digit `ID`, so grants to it are not reported as cross-account (templates' ${AWS::AccountId} is this account)")
	allowUnknown := fs.Bool("allow-unknown-policies", false, "report a policy known only at deployment (a plan's after_unknown, a template's !ImportValue), "+
		"or of a kind lint does not check yet (a Multi-Region Access Point, directory bucket, Object Lambda or Outposts policy), which lint cannot check, as a WARNING instead of a blocking ERROR: for a pipeline that checks the deployed policy otherwise (s3secure audit)")
	refFile := fs.String("service-reference", "", "a newer AWS service reference `FILE` for S3 (https://servicereference.us-east-1.amazonaws.com/v1/s3/s3.json): actions, resource types and condition keys AWS added after this build are then known")
	// Flags may come after files too (lint a.json -format json); "--"
	// ends the flags, for a file whose name starts with "-".
	var files []string
	for rest := args; ; {
		if code, ok := g.parseFlags(fs, rest); !ok {
			return code
		}
		left := fs.Args()
		if len(left) == 0 {
			break
		}
		if i := len(rest) - len(left); i > 0 && rest[i-1] == "--" {
			files = append(files, left...)
			break
		}
		files, rest = append(files, left[0]), left[1:]
	}
	kind, ok := lintKinds[*typ]
	if !ok {
		return g.fail(fmt.Errorf("lint: -type must be resource, access-point or identity, not %q", *typ))
	}
	if len(files) == 0 {
		return g.fail(errors.New("lint: no files (give FILE... or - for standard input)"))
	}
	opts := &policy.ValidateOptions{Kind: kind, Account: *account}
	if *refFile != "" {
		ref, err := loadServiceReference(*refFile)
		if err != nil {
			return g.fail(err)
		}
		opts.ServiceReference = ref
	}
	// GitHub code scanning shows no result without a file ("At least one
	// location is required for code scanning to display a result"):
	// the findings of standard input would be uploaded and never seen.
	if g.format == "sarif" && slices.Contains(files, "-") {
		return g.fail(errors.New("lint: -format sarif needs files: code scanning shows no result without a file, " +
			"so the findings of standard input (-) would never be seen; give the file's path as it is in the repository"))
	}
	// Read everything first, so an unreadable or oversized file fails the
	// run before any output.
	var inputs []lintInput
	stdinUsed := false
	for _, name := range files {
		if name == "-" {
			if stdinUsed {
				return g.fail(errors.New("lint: standard input (-) given twice"))
			}
			stdinUsed = true
		}
		in, err := g.readLintInput(name)
		if err != nil {
			return g.fail(err)
		}
		inputs = append(inputs, in)
	}

	var log *sarif.Log
	var p *printer
	if g.format == "sarif" {
		log = sarif.NewLog(sarif.Tool{Name: "s3secure", Version: thisVersion().known(), InformationURI: "https://github.com/s3secure/s3secure"})
	} else {
		p = g.newPrinter("file", "resource", "severity", "code", "statement", "line", "column", "message")
	}
	code := exitOK
	var nPolicies, nFindings, nBlocking int
	emit := func(in lintInput, resource string, f policy.Finding) {
		if f.Code == policy.CodeUnknownPolicy && *allowUnknown {
			f.Severity = policy.SeverityWarning
		}
		nFindings++
		if f.Severity.Blocking() {
			nBlocking++
			code = exitFindings
		}
		if log != nil {
			log.Add(sarif.Location{File: in.sarifURI, Resource: resource}, f)
			return
		}
		p.Row(in.name, resource, string(f.Severity), f.Code, f.Statement, f.Line, f.Column, f.Message)
	}
	for _, in := range inputs {
		if in.err != nil {
			emit(in, "", syntaxFinding(in.err))
			continue
		}
		for _, pol := range in.policies {
			nPolicies++
			for _, f := range pol.Validate(opts) {
				emit(in, pol.Resource, f)
			}
		}
	}
	if log != nil {
		if _, err := log.WriteTo(g.stdout); err != nil {
			return g.fail(fmt.Errorf("lint: write the SARIF log: %w", err))
		}
		return code
	}
	p.Flush()
	if !g.json() {
		policies := "1 policy"
		if nPolicies != 1 {
			policies = fmt.Sprintf("%d policies", nPolicies)
		}
		fmt.Fprintf(g.stdout, "%s, %s: %s, %d blocking\n", plural(len(inputs), "file"), policies, plural(nFindings, "finding"), nBlocking)
	}
	return code
}

// readLintInput reads a file argument ("-" is standard input) up to the
// size limits and finds its policies.
func (g *globals) readLintInput(name string) (lintInput, error) {
	in := lintInput{name: name, sarifURI: name}
	var r io.Reader
	if name == "-" {
		in.name, in.sarifURI = "<stdin>", ""
		r = g.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return in, fmt.Errorf("lint: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxLintInput+1))
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe) && errors.Is(err, syscall.EISDIR):
		return in, fmt.Errorf("lint: %s is a directory: give the files in it", in.name)
	case errors.As(err, &pe):
		return in, fmt.Errorf("lint: read %s: %w", in.name, pe.Err) // the path is in the message already
	case err != nil:
		return in, fmt.Errorf("lint: read %s: %w", in.name, err)
	}
	if len(data) > maxLintInput {
		return in, fmt.Errorf("lint: %s is larger than %d MiB, the most lint reads (a Terraform plan's limit; a template's is %d MiB, a policy file's %d MiB)",
			in.name, maxLintInput>>20, maxTemplateFile>>20, maxPolicyFile>>20)
	}
	in.format = iac.Detect(data)
	limit := map[iac.Format]int{iac.FormatPolicy: maxPolicyFile, iac.FormatCloudFormation: maxTemplateFile, iac.FormatTerraformPlan: maxPlanFile}[in.format]
	if len(data) > limit {
		return in, fmt.Errorf("lint: %s (%s) is larger than %d MiB, the limit for its kind of file", in.name, in.format, limit>>20)
	}
	_, in.policies, err = iac.Find(data)
	var se *iac.SyntaxError
	if errors.As(err, &se) {
		in.err = se
	} else if err != nil {
		return in, fmt.Errorf("lint: %s: %w", in.name, err)
	}
	for _, p := range in.policies {
		if len(p.Document) > maxPolicyFile {
			return in, fmt.Errorf("lint: %s: the policy of %s is larger than %d MiB", in.name, p.Resource, maxPolicyFile>>20)
		}
	}
	return in, nil
}

// loadServiceReference reads -service-reference (policy.LoadServiceReference
// stops at its size limit).
func loadServiceReference(name string) (*policy.ServiceReference, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("lint: -service-reference: %w", err)
	}
	defer f.Close()
	ref, err := policy.LoadServiceReference(f)
	if err != nil {
		return nil, fmt.Errorf("lint: -service-reference %s: %w", name, err)
	}
	return ref, nil
}

// syntaxFinding reports a template or plan that could not be read like a
// policy that does not parse.
func syntaxFinding(e *iac.SyntaxError) policy.Finding {
	sev, _ := policy.CodeSeverity("JSON_SYNTAX_ERROR")
	return policy.Finding{Severity: sev, Code: "JSON_SYNTAX_ERROR", Statement: -1, Line: e.Line, Column: e.Column, Message: e.Msg}
}
