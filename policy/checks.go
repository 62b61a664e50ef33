package policy

import (
	"sort"
	"strings"
)

// Check describes one issue code [Validate] may emit, so that a report (a
// SARIF rule, a help page) can say what the code means without a copy of
// its own.
type Check struct {
	// Code is the issue code, for example "INVALID_ACTION" or
	// "S3SECURE_PUBLIC_ACCESS".
	Code string
	// Severity is the severity of every finding with this code.
	Severity Severity
	// Title is a short phrase, for example "Invalid action". Access
	// Analyzer's codes carry the title of the check in the IAM user guide's
	// policy check reference.
	Title string
	// Description says what the finding means and how to fix it, in full
	// sentences. For Access Analyzer's codes it points at the check
	// reference, whose "Resolving the error" section is the help.
	Description string
	// HelpURL is the AWS documentation page for the check, or s3secure's
	// package documentation for s3secure's own codes.
	HelpURL string
}

// s3secureDocLink documents s3secure's own issue codes (the Code… constants).
const s3secureDocLink = "https://pkg.go.dev/github.com/s3secure/s3secure/policy#pkg-constants"

// s3secureChecks gives the title and description of each s3secure code; the
// severity stays in s3secureCodes. TestChecksDescribeEveryCode fails when a
// code has none.
var s3secureChecks = map[string][2]string{
	CodePublicAccess: {"Public access",
		"An Allow statement of a bucket or access point policy is public by S3's definition: it grants access to everyone without a condition S3 counts as limiting. Name the principals, or add a fixed aws:SourceArn, aws:SourceVpce, aws:PrincipalOrgID or similar condition."},
	CodePublicWrite: {"Public write",
		"A public statement grants write, permissions-management or tagging actions to everyone: anyone can change or replace the data, or take over the bucket's permissions. Remove the actions, or limit the principal."},
	CodeAllowWithNotAction: {"Allow with NotAction",
		"Allow with NotAction grants every action not listed, including actions AWS adds later. List the actions to allow instead."},
	CodeAllowWithNotResource: {"Allow with NotResource",
		"Allow with NotResource grants on every resource not listed, including resources created later. List the resources to allow instead."},
	CodeCrossAccountPermissionsManagement: {"Cross-account permissions management",
		"A resource policy grants permissions-management actions (PutBucketPolicy, PutBucketAcl, ...) to a principal outside the owner's account, who can then grant themselves anything. Grant these actions only within the account, or pin aws:PrincipalAccount."},
	CodeActionResourceMismatch: {"Actions do not apply to the resources",
		"No action of the statement applies to a resource it names (object actions on a bucket ARN only, bucket actions on bucket/* only), so the statement has no effect at all. Add the resource type the actions need."},
	CodeDeadAction: {"Action applies to none of the resources",
		"One action of the statement applies to none of its resources (s3:ListAllMyBuckets beside bucket actions on a bucket ARN), so it grants or denies nothing there; the statement's other actions still apply. Move the action to a statement with a resource of the type it needs, or remove it."},
	CodeResourceNotStar: {"Action without a resource type named without Resource \"*\"",
		"An action that takes no resource (s3:ListAllMyBuckets, s3:ListAccessPoints, ...) is named with ARNs such as arn:aws:s3:::* but not with Resource \"*\". The Service Authorization Reference says: \"If there is no value for this column, you must specify all resources (\"*\") to which the policy applies in the Resource element of your policy statement.\" s3secure's evaluator (like iam-simulate) does not match such an action against an ARN, while AWS's own managed policies (CloudFrontFullAccess, AWSBackupFullAccess) give s3:ListAllMyBuckets arn:aws:s3:::*, so AWS may. Name the action with Resource \"*\" to be certain."},
	CodeBucketARNWildcardField: {"Wildcard in a bucket ARN's region or account",
		"A bucket or object ARN has \"*\" in its region or account field (arn:aws:s3::*:name-*). Bucket ARNs leave both empty and \"*\" matches the empty field, so the ARN works, but arn:aws:s3:::name-* says the same plainly."},
	CodeShortARNWildcard: {"Resource ARN of fewer than six fields",
		"A resource ARN has fewer than six colon-separated fields and a segment that ends in * (arn:aws:s3:*). IAM lets a * that ends a segment match beyond the colons, so the ARN works (arn:aws:s3:* names every S3 resource), but IAM recommends wildcards within the segments: arn:aws:s3:*:*:* says the same in six fields."},
	CodePlaceholder: {"Placeholder left in the policy",
		"A placeholder from a template or an example (\"<<bucket_name>>\", \"<account_id>\", \"YOUR-BUCKET\") was left in an ARN, account ID or condition value. Replace it with the real value."},
	CodeUnknownPolicy: {"Policy known only at deployment",
		"The policy, or every one of its statements, is a value known only at deployment (a Terraform plan's after_unknown, such as a policy that names a bucket the same plan creates; a CloudFormation !ImportValue, or !Ref of a parameter without a Default), so it was not checked and may grant anything, to anyone. Write the values the policy needs where the plan or template can see them (a bucket name from a variable rather than the new bucket's ARN), or check the policy once deployed (s3secure audit, s3secure analyze)."},
	CodeAllowIfExists: {"Allow with only an IfExists condition",
		"An Allow whose only condition on a key is an ...IfExists operator also allows requests that do not carry the key. Use the operator without IfExists, or add a Null condition on the key."},
	CodeOldVersion: {"Old policy version",
		"Version \"2008-10-17\" disables policy variables: ${aws:username} and the like are then literal text. Use \"2012-10-17\"."},
	CodeInvalidBucketName: {"Invalid bucket name",
		"The bucket name in an S3 ARN is not a valid bucket name, so the ARN matches no bucket. Fix the name."},
}

// Checks returns every issue code [Validate] may emit (IAM Access Analyzer's
// and s3secure's), sorted by code.
func Checks() []Check {
	out := make([]Check, 0, len(analyzerChecks)+len(s3secureCodes))
	for code := range analyzerChecks {
		c, _ := LookupCheck(code)
		out = append(out, c)
	}
	for code := range s3secureCodes {
		c, _ := LookupCheck(code)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// LookupCheck returns the description of an issue code; ok is false for a
// code neither [Validate] nor policy/iac emits.
func LookupCheck(code string) (c Check, ok bool) {
	if a, ok := analyzerChecks[code]; ok {
		return Check{
			Code:     code,
			Severity: a.Severity,
			Title:    a.Title,
			Description: "IAM Access Analyzer policy check \"" + a.Title + "\" (" + code +
				"). The IAM user guide's policy check reference explains the finding and how to resolve it.",
			HelpURL: analyzerChecksLink,
		}, true
	}
	sev, ok := s3secureCodes[code]
	if !ok {
		return Check{}, false
	}
	c = Check{Code: code, Severity: sev, HelpURL: s3secureDocLink}
	if d, ok := s3secureChecks[code]; ok {
		c.Title, c.Description = d[0], d[1]
	} else {
		// A code added without a description still gets a readable title.
		t := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(code, "S3SECURE_"), "_", " "))
		if t != "" {
			t = strings.ToUpper(t[:1]) + t[1:]
		}
		c.Title = t
	}
	return c, true
}
