package securebucket

import "slices"

// Control identifies one audit check: an AWS Security Hub control id
// ("S3.2") or, for checks Security Hub does not have, an s3secure id
// ("S3Secure.SSECBlocked").
type Control string

// The bucket controls [Audit] checks, and the account control S3.1.
const (
	ControlAccountBPA         Control = "S3.1"  // account-level Block Public Access
	ControlPublicRead         Control = "S3.2"  // no public read access
	ControlPublicWrite        Control = "S3.3"  // no public write access
	ControlTLSOnly            Control = "S3.5"  // policy denies non-TLS requests
	ControlCrossAccount       Control = "S3.6"  // no permission actions for other accounts
	ControlBucketBPA          Control = "S3.8"  // bucket-level Block Public Access
	ControlLogging            Control = "S3.9"  // server access logging
	ControlVersionedLifecycle Control = "S3.10" // versioned buckets have lifecycle rules
	ControlACLs               Control = "S3.12" // ACLs disabled
	ControlLifecycle          Control = "S3.13" // lifecycle rules
	ControlVersioning         Control = "S3.14" // versioning enabled
	ControlObjectLock         Control = "S3.15" // Object Lock enabled
	ControlKMS                Control = "S3.17" // SSE-KMS or DSSE-KMS default encryption
	ControlMFADelete          Control = "S3.20" // MFA delete enabled
	ControlSSECBlocked        Control = "S3Secure.SSECBlocked"
	ControlOutdatedTLS        Control = "S3Secure.DenyOutdatedTLS"
	ControlKMSKeyAccount      Control = "S3Secure.KMSKeyAccount"          // the KMS key is the bucket owner's account's
	ControlServicePrincipal   Control = "S3Secure.ServicePrincipalScoped" // service principals tied to the sources they act for
)

// Status is the outcome of one control.
type Status string

// Outcomes. UNKNOWN means a setting the control needs could not be read
// (access denied, throttled, …), or that what was read cannot decide it
// (S3Secure.KMSKeyAccount with a key given by bare id or alias): it is
// never turned into a PASS.
// NOT_APPLICABLE is used where Security Hub produces no finding (S3.20 on a
// bucket with lifecycle rules, S3.10 on an unversioned bucket, S3.9 in
// AuditAll on a bucket S3 delivers another bucket's access logs into: a
// bucket named as a target whose logs are not delivered, for example one
// with a default Object Lock retention, is not exempt).
const (
	StatusPass          Status = "PASS"
	StatusFail          Status = "FAIL"
	StatusUnknown       Status = "UNKNOWN"
	StatusNotApplicable Status = "NOT_APPLICABLE"
)

// controlInfo describes a control.
type controlInfo struct {
	title    string
	severity string
	cis      string // CIS AWS Foundations Benchmark v3.0.0 recommendation
	needs    part   // what must be read (ACL is read lazily)
}

// controlTable is immutable.
var controlTable = map[Control]controlInfo{
	ControlAccountBPA:         {"Block Public Access settings should be enabled at the account level", SeverityMedium, "2.1.4", 0},
	ControlPublicRead:         {"S3 general purpose buckets should block public read access", SeverityCritical, "", partPolicy | partBPA | partOwnership},
	ControlPublicWrite:        {"S3 general purpose buckets should block public write access", SeverityCritical, "", partPolicy | partBPA | partOwnership},
	ControlTLSOnly:            {"S3 general purpose buckets should require requests to use SSL", SeverityMedium, "2.1.1", partPolicy},
	ControlCrossAccount:       {"S3 general purpose bucket policies should restrict access to other AWS accounts", SeverityHigh, "", partPolicy},
	ControlBucketBPA:          {"S3 general purpose buckets should have block public access settings enabled", SeverityHigh, "2.1.4", partBPA},
	ControlLogging:            {"S3 general purpose bucket server access logging should be enabled", SeverityMedium, "", partLogging},
	ControlVersionedLifecycle: {"S3 general purpose buckets with versioning enabled should have Lifecycle configurations", SeverityMedium, "", partVersioning | partLifecycle},
	ControlACLs:               {"ACLs should not be used to manage user access to S3 general purpose buckets", SeverityMedium, "", partOwnership},
	ControlLifecycle:          {"S3 general purpose buckets should have Lifecycle configurations", SeverityLow, "", partLifecycle},
	ControlVersioning:         {"S3 general purpose buckets should have versioning enabled", SeverityLow, "", partVersioning},
	ControlObjectLock:         {"S3 general purpose buckets should have Object Lock enabled", SeverityMedium, "", partObjectLock},
	ControlKMS:                {"S3 general purpose buckets should be encrypted at rest with AWS KMS keys", SeverityMedium, "", partEncryption},
	ControlMFADelete:          {"S3 general purpose buckets should have MFA delete enabled", SeverityLow, "2.1.2", partVersioning | partLifecycle},
	ControlSSECBlocked:        {"S3 general purpose buckets should block SSE-C (customer-provided keys)", SeverityMedium, "", partEncryption},
	ControlOutdatedTLS:        {"S3 general purpose buckets should deny TLS versions older than 1.2", SeverityMedium, "", partPolicy},
	ControlKMSKeyAccount:      {"S3 general purpose buckets encrypted with SSE-KMS should use a KMS key of the bucket owner's account", SeverityMedium, "", partEncryption},
	ControlServicePrincipal:   {"S3 general purpose bucket policies should tie AWS service principals to the sources they act for", SeverityHigh, "", partPolicy},
}

// DefaultControls returns the bucket controls [Audit] checks by default:
// those a bucket hardened with Harden's defaults passes. S3.1 is added
// when AuditOptions.AccountControl is set.
func DefaultControls() []Control {
	return []Control{
		ControlPublicRead, ControlPublicWrite, ControlTLSOnly, ControlOutdatedTLS, ControlCrossAccount, ControlServicePrincipal,
		ControlBucketBPA, ControlACLs, ControlSSECBlocked, ControlVersioning, ControlLifecycle, ControlVersionedLifecycle,
	}
}

// AllControls returns every bucket control, adding to DefaultControls the
// ones for optional settings: S3.9 logging, S3.15 Object Lock, S3.17 KMS
// encryption, S3Secure.KMSKeyAccount (whose account the KMS key is) and
// S3.20 MFA delete.
func AllControls() []Control {
	return append(DefaultControls(), ControlLogging, ControlObjectLock, ControlKMS, ControlKMSKeyAccount, ControlMFADelete)
}

// accountControlTable describes account controls that are not bucket
// controls ([Audit] refuses them); it is immutable.
var accountControlTable = map[Control]controlInfo{
	ControlMultiRegionAccessPointBPA: {mrapTitleBPA, SeverityHigh, "", 0},
	ControlAccessPointBPA:            {apTitleBPA, SeverityCritical, "", 0},
	ControlAccessPointOrigin:         {"Access points should only accept requests from a VPC", SeverityLow, "", 0},
	ControlAccessPointPolicy:         {"Access point policies should not grant public access", SeverityCritical, "", 0},
	ControlDataEventsWrite:           {"S3 buckets should log object-level write events (CloudTrail data events)", SeverityMedium, ctCISWrite, 0},
	ControlDataEventsRead:            {"S3 buckets should log object-level read events (CloudTrail data events)", SeverityMedium, ctCISRead, 0},
}

// HighestSeverity returns the highest severity of controls (nil: those of
// [DefaultControls]), or "" when none has one. It is the severity of a
// result that stands for all of them, such as a bucket that could not be
// audited at all, so that a gate or view keeping HIGH and above never
// passes what nobody audited because the result had no severity.
func HighestSeverity(controls []Control) string {
	if controls == nil {
		controls = DefaultControls()
	}
	order := []string{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}
	best := ""
	for _, c := range controls {
		if slices.Index(order, c.Severity()) > slices.Index(order, best) {
			best = c.Severity()
		}
	}
	return best
}

func infoOf(c Control) controlInfo {
	if i, ok := controlTable[c]; ok {
		return i
	}
	return accountControlTable[c]
}

// Title returns the control's title, or "" for an unknown control.
func (c Control) Title() string { return infoOf(c).title }

// Severity returns the control's Security Hub severity (CRITICAL, HIGH,
// MEDIUM or LOW), or "" for an unknown control.
func (c Control) Severity() string { return infoOf(c).severity }

// CIS returns the CIS AWS Foundations Benchmark (v3.0.0) recommendation the
// control maps to, or "".
func (c Control) CIS() string { return infoOf(c).cis }
