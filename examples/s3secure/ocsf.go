package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/report/ocsf"
	"github.com/s3secure/s3secure/securebucket"
)

// -format ocsf: audit and analyze write one OCSF 1.6.0 Detection Finding
// (class_uid 2004) per line, as AWS Security Hub and Prowler read them;
// the mapping is report/ocsf's. The exit code is the same as in text.

// securityHubControls documents the S3 controls; a control's anchor is its
// id in lower case with the dot as a dash (#s3-5).
const securityHubControls = "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html"

// ocsfProductUID is metadata.product.uid, the first part of every
// finding_info.uid.
const ocsfProductUID = "s3secure"

// ocsfProduct names s3secure as the product that found the records.
func ocsfProduct() ocsf.Product {
	p := ocsf.Product{Name: "s3secure", UID: ocsfProductUID, VendorName: "s3secure", URLString: "https://github.com/s3secure/s3secure"}
	p.Version = thisVersion().known()
	return p
}

// ocsfAccountType is the resource type of an account's findings.
const ocsfAccountType = "AWS::::Account"

// ocsfResource describes what an audit result is about: a bucket, an
// access point or Multi-Region Access Point (by ARN; the latter's has no
// Region: arn:aws:s3::ACCOUNT:accesspoint/ALIAS) or the account (by id).
func ocsfResource(resource string) ocsf.Resource {
	switch {
	case policy.IsAccountID(resource):
		return ocsf.Resource{UID: "AWS::::Account:" + resource, Name: resource, Type: ocsfAccountType}
	case strings.HasPrefix(resource, "arn:aws:s3::") && strings.Contains(resource, ":accesspoint/"):
		return ocsf.Resource{UID: resource, Name: resource[strings.LastIndex(resource, "/")+1:], Type: "AWS::S3::MultiRegionAccessPoint"}
	case strings.Contains(resource, ":accesspoint/"):
		return ocsf.Resource{UID: resource, Name: resource[strings.LastIndex(resource, "/")+1:], Type: "AWS::S3::AccessPoint"}
	case strings.HasPrefix(resource, "arn:"):
		return ocsf.Resource{UID: resource, Name: resource[strings.LastIndex(resource, ":")+1:], Type: "AWS::S3::Bucket"}
	}
	return ocsf.Resource{UID: policy.BucketARN(resource), Name: resource, Type: "AWS::S3::Bucket"}
}

// controlCheck turns one audit result into an OCSF check.
func controlCheck(r securebucket.ControlResult, resource, account, region string, now time.Time) ocsf.Check {
	c := ocsf.Check{
		ID:       string(r.Control),
		Title:    r.Title,
		Outcome:  string(r.Status),
		Severity: ocsf.ParseSeverity(r.Severity),
		Message:  r.Message,
		Resource: ocsfResource(resource),
		Account:  account,
		Region:   region,
		Time:     now,
	}
	if c.Resource.Type == ocsfAccountType && region != "" {
		// A control of the account audited in each Region (S3.19,
		// S3.22, S3.23 with -organization) is one finding per Region:
		// with one uid, a consumer would keep the last Region's record
		// and drop a FAIL or UNKNOWN before it. A bucket's or an access
		// point's ARN names it alone.
		c.UID = ocsfProductUID + "/" + c.ID + "/" + c.Resource.UID + "/" + region
	}
	if strings.HasPrefix(c.ID, "S3.") {
		c.References = []string{securityHubControls + "#" + strings.ToLower(strings.ReplaceAll(c.ID, ".", "-"))}
	}
	if r.Status == securebucket.StatusFail {
		c.Remediation = r.Message
	}
	if r.CIS != "" {
		c.Unmapped = map[string]any{"cis": r.CIS}
	}
	return c
}

// auditOCSF writes audit's results as OCSF records; the account's are of
// regions[1] for the trails' controls (S3.22, S3.23), else of regions[0].
// The exit code follows the same rule as the table.
func (g *globals) auditOCSF(account string, regions [2]string, controls []securebucket.Control, accountRows []securebucket.AccountResult,
	reports []*securebucket.Report) int {
	enc := json.NewEncoder(g.stdout)
	product, now := ocsfProduct(), time.Now()
	blocking := false
	write := func(c ocsf.Check) {
		if err := enc.Encode(ocsf.NewDetectionFinding(product, c)); err != nil {
			blocking = true
		}
	}
	for _, r := range accountRows {
		r.Message = g.cliText(r.Message)
		region := regions[0]
		if r.Control == securebucket.ControlDataEventsWrite || r.Control == securebucket.ControlDataEventsRead {
			region = regions[1]
		}
		write(controlCheck(r.ControlResult, r.Resource, account, region, now))
		blocking = blocking || r.Blocking()
	}
	for _, rep := range reports {
		if rep.Err != nil {
			write(ocsf.Check{ID: "s3secure.audit", Title: "Bucket audit", Outcome: string(securebucket.StatusUnknown),
				Severity: ocsf.ParseSeverity(securebucket.HighestSeverity(controls)),
				Message:  "could not audit the bucket: " + redact(strings.ReplaceAll(credsafe.Text(rep.Err), "\n", " ")),
				Resource: ocsfResource(rep.Bucket), Account: account, Region: rep.Region, Time: now})
			blocking = true
			continue
		}
		for _, r := range rep.Results {
			if r.Control == securebucket.ControlAccountBPA {
				continue // as in the table
			}
			r.Message = g.cliText(r.Message)
			write(controlCheck(r, rep.Bucket, account, rep.Region, now))
			blocking = blocking || r.Blocking()
		}
	}
	if blocking {
		return exitFindings
	}
	return exitOK
}

// analyzeOCSF writes analyze's findings as OCSF records; partial is the
// error of buckets that could not be analyzed (exit 2 after the records).
func (g *globals) analyzeOCSF(findings []analyzer.Finding, partial error) int {
	enc := json.NewEncoder(g.stdout)
	product, now := ocsfProduct(), time.Now()
	blocking := false
	for _, f := range findings {
		if f.Blocking() {
			blocking = true
		}
		// A finding whose access could not be read (Error, "UNREAD: …")
		// says so where a reader looks: message, title and type.
		kind, msg := string(f.Kind), analyzeMessage(f)
		if f.Error != "" {
			msg = f.Error
			if kind == "" {
				kind = "unread"
			}
		}
		title := "S3 bucket reachable from outside the zone of trust"
		var types []string
		if kind != "" {
			title += " (" + kind + ")"
			types = []string{kind}
		}
		c := ocsf.Check{
			ID:       "ExternalAccess",
			UID:      f.ID,
			Title:    title,
			Outcome:  string(f.Status),
			Severity: ocsf.SeverityHigh,
			Message:  msg,
			Resource: ocsf.Resource{UID: f.Resource, Name: f.Bucket, Type: f.ResourceType},
			Account:  f.Owner,
			Types:    types,
			Time:     now,
			Unmapped: map[string]any{"principal": f.Principal, "accounts": orEmpty(f.Accounts), "actions": orEmpty(f.Actions),
				"conditions": f.Conditions, "public": f.Public},
		}
		if f.Error != "" {
			c.Unmapped["error"] = f.Error
		}
		switch {
		case f.Public:
			c.Severity = ocsf.SeverityCritical
		case !f.Shared() && f.Error == "":
			// An error finding's access is unknown: it keeps High.
			c.Severity = ocsf.SeverityInformational
		}
		if c.Resource.UID == "" {
			c.Resource = ocsfResource(f.Bucket)
		}
		if c.UID == "" {
			// Offline findings have no id: make one that stays the same
			// while the access does.
			id := []any{f.Kind, f.Principal, f.Accounts, f.Actions, f.Conditions, f.Sources}
			if f.Error != "" {
				// Two unread statements may grant the same actions.
				id = append(id, f.Error, f.Statement)
			}
			b, _ := json.Marshal(id)
			h := sha256.Sum256(b)
			c.UID = product.UID + "/ExternalAccess/" + c.Resource.UID + "/" + hex.EncodeToString(h[:8])
		}
		if err := enc.Encode(ocsf.NewDetectionFinding(product, c)); err != nil {
			return g.fail(err)
		}
	}
	if partial != nil {
		return g.fail(partial)
	}
	if blocking {
		return exitFindings
	}
	return exitOK
}

// analyzeMessage says who can do what, in one line.
func analyzeMessage(f analyzer.Finding) string {
	var who []string
	for k, v := range f.Principal {
		who = append(who, k+"="+v)
	}
	sort.Strings(who)
	msg := "principal " + strings.Join(who, ",") + " can " + strings.Join(f.Actions, ",")
	if len(f.Conditions) > 0 {
		msg += " when " + kvText(f.Conditions)
	}
	return msg
}
