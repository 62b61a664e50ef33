package policy

import "fmt"

// Severity is the class of a validation finding. The values and their
// meaning are those of IAM Access Analyzer's ValidatePolicy finding types,
// so findings from [Validate] and from Access Analyzer line up.
type Severity string

// Severities, from most to least serious. ERROR and SECURITY_WARNING block:
// a policy with either should not be deployed.
const (
	SeverityError           Severity = "ERROR"
	SeveritySecurityWarning Severity = "SECURITY_WARNING"
	SeverityWarning         Severity = "WARNING"
	SeveritySuggestion      Severity = "SUGGESTION"
)

// Blocking reports whether findings of this severity should stop a policy
// from being deployed (ERROR and SECURITY_WARNING).
func (s Severity) Blocking() bool {
	return s == SeverityError || s == SeveritySecurityWarning
}

// Finding is one problem found in a policy document, by [Validate] or, mapped
// from Access Analyzer's ValidatePolicy, by the analyzer package.
type Finding struct {
	// Severity is the finding's class.
	Severity Severity
	// Code is the Access Analyzer issue code (for example "INVALID_ACTION")
	// where the check has one, or an s3secure code otherwise.
	Code string
	// Statement is the index of the statement the finding is about, or -1
	// when it is about the document as a whole.
	Statement int
	// Sid is that statement's Sid, if it has one.
	Sid string
	// Path is a JSON path to the offending element, for example
	// "Statement[0].Condition.IpAddress.aws:SourceIp".
	Path string
	// Line and Column locate the offending element in the source document
	// (1-based); zero when unknown (a document built in code).
	Line, Column int
	// Message says what is wrong and how to fix it.
	Message string
	// LearnMoreLink points at AWS documentation for the check, when known.
	LearnMoreLink string
}

// String formats the finding on one line.
func (f Finding) String() string {
	loc := ""
	if f.Line > 0 {
		loc = fmt.Sprintf("line %d, column %d: ", f.Line, f.Column)
	}
	return fmt.Sprintf("%s%s %s: %s", loc, f.Severity, f.Code, f.Message)
}
