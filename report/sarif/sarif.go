// Package sarif writes policy findings as a SARIF 2.1.0 log, the format
// GitHub code scanning and other CI viewers read.
//
// Start with [NewLog], add each finding with [Log.Add], and write the log
// with [Log.WriteTo]:
//
//	log := sarif.NewLog(sarif.Tool{Name: "s3secure", Version: "1.0.0"})
//	for _, f := range policy.Validate(data, nil) {
//		log.Add(sarif.Location{File: "policy.json"}, f)
//	}
//	log.WriteTo(os.Stdout)
//
// The log has one run. Its tool lists one rule per issue code that occurs,
// with the code's title, description, help link and default level from
// [policy.LookupCheck]; each result names its rule, the file, the line and
// column (in Unicode code points, as [policy.Finding] counts them), and,
// for a policy inside an infrastructure template, the resource as a logical
// location.
//
// # Severities
//
// SARIF has four levels; [Level] maps the policy severities onto them:
//
//	ERROR            error    the policy is broken or dangerous; blocks
//	SECURITY_WARNING error    blocks, like the s3secure lint command's exit
//	                          code; the rule is tagged "security" with a
//	                          security-severity of 7.5 (GitHub's "high")
//	WARNING          warning
//	SUGGESTION       note
//
// The finding's own severity is kept in each result's properties
// ("severity"), so nothing is lost in the mapping.
//
// The SARIF 2.1.0 standard: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
package sarif

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// Version is the SARIF version of the logs this package writes.
const Version = "2.1.0"

// SchemaURI is the JSON schema of SARIF 2.1.0 (with errata 01), written as
// the log's "$schema".
const SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SecuritySeverity is the "security-severity" property given to the rules
// of SECURITY_WARNING codes: GitHub code scanning reads it (0.0 to 10.0) and
// shows 7.0 to 8.9 as "high".
const SecuritySeverity = "7.5"

// Level returns the SARIF level of a policy severity: "error" for ERROR and
// SECURITY_WARNING (both block a deployment), "warning" for WARNING, "note"
// for SUGGESTION and anything else.
func Level(s policy.Severity) string {
	switch s {
	case policy.SeverityError, policy.SeveritySecurityWarning:
		return "error"
	case policy.SeverityWarning:
		return "warning"
	}
	return "note"
}

// Tool names the program that found the issues.
type Tool struct {
	// Name is the tool's name, for example "s3secure".
	Name string
	// Version is the tool's version, if known.
	Version string
	// InformationURI is the tool's home page, if any.
	InformationURI string
}

// Location is where a finding was found.
type Location struct {
	// File is the path of the file, as given on the command line
	// (relative paths stay relative, so a viewer can resolve them against
	// the repository root). Empty for standard input: the result then
	// has no physical location, and GitHub code scanning does not display
	// a result without one ("At least one location is required for code
	// scanning to display a result").
	File string
	// Resource names the resource the policy belongs to inside an
	// infrastructure template: a CloudFormation logical id or a Terraform
	// address. Empty for a plain policy file.
	Resource string
}

// Log is a SARIF log. Its fields follow the SARIF 2.1.0 JSON names; build it
// with [NewLog] and [Log.Add].
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one run of a tool.
type Run struct {
	Tool       ToolRun  `json:"tool"`
	ColumnKind string   `json:"columnKind,omitempty"`
	Results    []Result `json:"results"`
}

// ToolRun describes the tool of a run (SARIF's "tool" object).
type ToolRun struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool's main component and its rules.
type Driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri,omitempty"`
	Rules          []Rule `json:"rules,omitempty"`
}

// Rule describes one issue code (SARIF's "reportingDescriptor").
type Rule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     *Message       `json:"shortDescription,omitempty"`
	FullDescription      *Message       `json:"fullDescription,omitempty"`
	Help                 *Message       `json:"help,omitempty"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration *Configuration `json:"defaultConfiguration,omitempty"`
	Properties           map[string]any `json:"properties,omitempty"`
}

// Configuration is a rule's default configuration.
type Configuration struct {
	Level string `json:"level"`
}

// Message is a SARIF message.
type Message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// Result is one finding.
type Result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             Message           `json:"message"`
	Locations           []ResultLocation  `json:"locations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

// ResultLocation is where a result was found (SARIF's "location").
type ResultLocation struct {
	PhysicalLocation *PhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []LogicalLocation `json:"logicalLocations,omitempty"`
}

// PhysicalLocation is a file and a region in it.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation is a file, by URI reference.
type ArtifactLocation struct {
	URI string `json:"uri"`
}

// Region is a place in a file; lines and columns are 1-based.
type Region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// LogicalLocation names the resource a finding is in.
type LogicalLocation struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

// fingerprintKey names the partial fingerprint Add computes.
const fingerprintKey = "s3secureFinding/v1"

// NewLog returns a log with one run of tool and no results. Its results
// array is empty, not null: a clean run is reported as such.
func NewLog(tool Tool) *Log {
	return &Log{
		Schema:  SchemaURI,
		Version: Version,
		Runs: []Run{{
			Tool:       ToolRun{Driver: Driver{Name: tool.Name, Version: tool.Version, InformationURI: tool.InformationURI}},
			ColumnKind: "unicodeCodePoints",
			Results:    []Result{},
		}},
	}
}

// Add appends a policy finding found at loc to the log's run, and the rule
// of its code when the run has none yet. A finding without a position (a
// document built in code) gets the file only. Rules of codes
// [policy.LookupCheck] does not know carry the code alone.
func (l *Log) Add(loc Location, f policy.Finding) {
	run := &l.Runs[0]
	idx := -1
	for i, r := range run.Tool.Driver.Rules {
		if r.ID == f.Code {
			idx = i
			break
		}
	}
	if idx < 0 {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule(f))
		idx = len(run.Tool.Driver.Rules) - 1
	}
	res := Result{
		RuleID:    f.Code,
		RuleIndex: idx,
		Level:     Level(f.Severity),
		Message:   Message{Text: f.Message},
		Properties: map[string]any{
			"severity": string(f.Severity),
		},
	}
	if f.Statement >= 0 {
		res.Properties["statement"] = f.Statement
	}
	if f.Sid != "" {
		res.Properties["sid"] = f.Sid
	}
	if f.Path != "" {
		res.Properties["path"] = f.Path
	}
	rl := ResultLocation{}
	if loc.File != "" {
		rl.PhysicalLocation = &PhysicalLocation{ArtifactLocation: ArtifactLocation{URI: fileURI(loc.File)}}
		if f.Line > 0 {
			rl.PhysicalLocation.Region = &Region{StartLine: f.Line, StartColumn: f.Column}
		}
	}
	if loc.Resource != "" {
		ll := LogicalLocation{Name: loc.Resource, FullyQualifiedName: loc.Resource, Kind: "resource"}
		if f.Path != "" {
			ll.FullyQualifiedName = loc.Resource + "." + f.Path
		}
		rl.LogicalLocations = []LogicalLocation{ll}
	}
	if rl.PhysicalLocation != nil || rl.LogicalLocations != nil {
		res.Locations = []ResultLocation{rl}
	}
	// The fingerprint leaves out the line, so a finding keeps its identity
	// when lines are added above it.
	h := sha256.Sum256([]byte(strings.Join([]string{loc.File, loc.Resource, f.Code, f.Path, f.Message}, "\x00")))
	res.PartialFingerprints = map[string]string{fingerprintKey: hex.EncodeToString(h[:16])}
	run.Results = append(run.Results, res)
}

// rule describes f's code from the policy package's check table.
func rule(f policy.Finding) Rule {
	r := Rule{ID: f.Code, DefaultConfiguration: &Configuration{Level: Level(f.Severity)}}
	c, ok := policy.LookupCheck(f.Code)
	if !ok {
		r.ShortDescription = &Message{Text: f.Code}
		return r
	}
	r.Name = ruleName(c.Title)
	r.ShortDescription = &Message{Text: c.Title}
	r.FullDescription = &Message{Text: c.Description}
	r.Help = &Message{Text: c.Description + " See " + c.HelpURL,
		Markdown: c.Description + "\n\n[" + c.Title + "](" + c.HelpURL + ")"}
	r.HelpURI = c.HelpURL
	r.DefaultConfiguration.Level = Level(c.Severity)
	tags := []string{strings.ToLower(strings.ReplaceAll(string(c.Severity), "_", "-"))}
	r.Properties = map[string]any{"severity": string(c.Severity)}
	if c.Severity == policy.SeveritySecurityWarning {
		tags = append(tags, "security")
		r.Properties["security-severity"] = SecuritySeverity
	}
	sort.Strings(tags)
	r.Properties["tags"] = tags
	return r
}

// ruleName turns a title into SARIF's suggested PascalCase rule name
// ("Invalid action" → "InvalidAction").
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// fileURI turns a path into a URI reference: relative paths stay relative
// (with forward slashes, percent-encoded), absolute paths become file URIs.
func fileURI(p string) string {
	slashed := filepath.ToSlash(p)
	u := url.URL{Path: slashed}
	if filepath.IsAbs(p) {
		if !strings.HasPrefix(slashed, "/") {
			slashed = "/" + slashed // a Windows drive path
		}
		u = url.URL{Scheme: "file", Path: slashed}
	}
	// String prefixes "./" when a relative path's first segment has a
	// colon, which would otherwise read as a scheme.
	return u.String()
}

// WriteTo writes the log as indented JSON followed by a newline.
func (l *Log) WriteTo(w io.Writer) (int64, error) {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return 0, err
	}
	b = append(b, '\n')
	n, err := w.Write(b)
	return int64(n), err
}
