// Package ocsf writes check results as OCSF Detection Finding records
// (class_uid 2004), the format AWS Security Hub reads and Prowler emits.
//
// Describe each outcome as a [Check] and turn it into a record with
// [NewDetectionFinding]; the records are plain structs that encoding/json
// writes as OCSF JSON:
//
//	enc := json.NewEncoder(os.Stdout) // one record per line
//	enc.Encode(ocsf.NewDetectionFinding(product, ocsf.Check{
//		ID: "S3.5", Title: "S3 buckets should require requests to use SSL",
//		Outcome: "FAIL", Severity: ocsf.SeverityMedium,
//		Resource: ocsf.Resource{UID: "arn:aws:s3:::my-bucket", Name: "my-bucket", Type: "AWS::S3::Bucket"},
//	}))
//
// The records follow OCSF schema [Version] 1.6.0, the version AWS Security
// Hub reads ("Security Hub currently supports findings in OCSF schema
// version 1.6", Security Hub user guide, "Security Hub and the Open
// Cybersecurity Schema Framework"), with the cloud and datetime profiles:
// every record has cloud.provider "AWS" and a time_dt beside each time.
//
// # Mapping
//
//   - metadata.event_code and finding_info.analytic.uid are the check's id
//     (a Security Hub control id such as "S3.5"); finding_info.title is its
//     title; status_code is the outcome as the tool says it ("PASS",
//     "FAIL", ...); message and status_detail say why.
//   - finding_info.uid is stable across runs (product, check and resource),
//     so a consumer updates one finding instead of piling up copies, unless
//     [Check.UID] gives one (an Access Analyzer finding id).
//   - status_id follows [StatusOf]: FAIL and UNKNOWN (a setting that could
//     not be read is never taken as passing) and Access Analyzer's ACTIVE
//     are New; PASS and RESOLVED are Resolved (as Security Hub resolves a
//     control finding that passes); ARCHIVED is Archived; NOT_APPLICABLE is
//     Suppressed; anything else is Other.
//   - severity_id is the check's severity ([ParseSeverity] reads Security
//     Hub's words), whatever the outcome, as Prowler does: status_id tells
//     whether it needs attention.
//   - resources[0] is the resource checked, by ARN (uid), name and
//     CloudFormation type ("AWS::S3::Bucket").
//
// OCSF: https://schema.ocsf.io/1.6.0/classes/detection_finding
package ocsf

import (
	"strings"
	"time"

	"github.com/s3secure/s3secure/policy"
)

// Version is the OCSF schema version of the records (metadata.version).
const Version = "1.6.0"

// Classification of a Detection Finding: the Findings category (2), the
// Detection Finding class (category*1000 + 4) and its Create activity.
const (
	CategoryFindings      = 2
	ClassDetectionFinding = 2004
)

// SeverityID is OCSF's normalized severity (severity_id).
type SeverityID int

// Severities, as OCSF 1.6.0 defines them.
const (
	SeverityUnknown       SeverityID = 0
	SeverityInformational SeverityID = 1
	SeverityLow           SeverityID = 2
	SeverityMedium        SeverityID = 3
	SeverityHigh          SeverityID = 4
	SeverityCritical      SeverityID = 5
	SeverityFatal         SeverityID = 6
	SeverityOther         SeverityID = 99
)

var severityCaptions = map[SeverityID]string{
	SeverityUnknown: "Unknown", SeverityInformational: "Informational", SeverityLow: "Low", SeverityMedium: "Medium",
	SeverityHigh: "High", SeverityCritical: "Critical", SeverityFatal: "Fatal", SeverityOther: "Other",
}

// String returns the severity's OCSF caption ("Critical"), the value of the
// severity attribute.
func (s SeverityID) String() string { return caption(severityCaptions, s) }

// caption returns an enum value's caption, "Other" for a value OCSF does
// not define.
func caption[T comparable](captions map[T]string, id T) string {
	if c, ok := captions[id]; ok {
		return c
	}
	return "Other"
}

// ParseSeverity reads a severity word in any case ("CRITICAL", "High",
// "informational"; Security Hub's labels and OCSF's captions). An empty or
// unknown word is SeverityUnknown.
func ParseSeverity(s string) SeverityID {
	for id, c := range severityCaptions {
		if id != SeverityOther && strings.EqualFold(s, c) {
			return id
		}
	}
	return SeverityUnknown
}

// StatusID is the finding's normalized status (status_id).
type StatusID int

// Finding statuses, as OCSF 1.6.0 defines them for the Findings category.
const (
	StatusUnknown    StatusID = 0
	StatusNew        StatusID = 1
	StatusInProgress StatusID = 2
	StatusSuppressed StatusID = 3
	StatusResolved   StatusID = 4
	StatusArchived   StatusID = 5
	StatusDeleted    StatusID = 6
	StatusOther      StatusID = 99
)

var statusCaptions = map[StatusID]string{
	StatusUnknown: "Unknown", StatusNew: "New", StatusInProgress: "In Progress", StatusSuppressed: "Suppressed",
	StatusResolved: "Resolved", StatusArchived: "Archived", StatusDeleted: "Deleted", StatusOther: "Other",
}

// String returns the status's OCSF caption ("New").
func (s StatusID) String() string { return caption(statusCaptions, s) }

// StatusOf maps a check's outcome to a finding status; see the package
// documentation for the table. Outcomes are matched in any case.
func StatusOf(outcome string) StatusID {
	switch strings.ToUpper(outcome) {
	case "FAIL", "FAILED", "UNKNOWN", "ACTIVE":
		return StatusNew
	case "PASS", "PASSED", "RESOLVED":
		return StatusResolved
	case "ARCHIVED":
		return StatusArchived
	case "NOT_APPLICABLE":
		return StatusSuppressed
	}
	return StatusOther
}

// Product names the tool that produced the findings (metadata.product).
type Product struct {
	Name       string `json:"name"`
	UID        string `json:"uid,omitempty"`
	VendorName string `json:"vendor_name,omitempty"`
	Version    string `json:"version,omitempty"`
	URLString  string `json:"url_string,omitempty"`
}

// Check is the outcome of one check on one resource, in the terms of the
// tool that ran it. [NewDetectionFinding] turns it into a record.
type Check struct {
	// ID is the check's id, for example the Security Hub control "S3.5".
	ID string
	// UID, when set, is the finding's own unique id (an Access Analyzer
	// finding id); by default one is made from the product, ID and
	// resource.
	UID string
	// Title says what the check checks.
	Title string
	// Description says more about the check, if known.
	Description string
	// Outcome is the result in the tool's words: "PASS", "FAIL",
	// "UNKNOWN", "NOT_APPLICABLE", or Access Analyzer's "ACTIVE",
	// "ARCHIVED", "RESOLVED" (status_code; status_id from [StatusOf]).
	Outcome string
	// Severity is the check's severity.
	Severity SeverityID
	// Message says why the outcome is what it is.
	Message string
	// Resource is what was checked.
	Resource Resource
	// Account is the AWS account id the resource belongs to, if known.
	Account string
	// Region is the AWS Region of the resource, if known.
	Region string
	// Remediation says how to fix a failure, and References where to read
	// more.
	Remediation string
	References  []string
	// Types classify the finding (finding_info.types), for example
	// "Public Access".
	Types []string
	// Time is when the check ran; the zero time means now.
	Time time.Time
	// Unmapped holds tool-specific data OCSF has no attribute for.
	Unmapped map[string]any
}

// DetectionFinding is an OCSF 1.6.0 Detection Finding record. The fields
// are the schema's attributes, with their JSON names; build one with
// [NewDetectionFinding].
type DetectionFinding struct {
	ActivityID   int            `json:"activity_id"`
	ActivityName string         `json:"activity_name"`
	CategoryUID  int            `json:"category_uid"`
	CategoryName string         `json:"category_name"`
	ClassUID     int            `json:"class_uid"`
	ClassName    string         `json:"class_name"`
	TypeUID      int            `json:"type_uid"`
	TypeName     string         `json:"type_name"`
	Time         int64          `json:"time"`
	TimeDT       string         `json:"time_dt"`
	SeverityID   SeverityID     `json:"severity_id"`
	Severity     string         `json:"severity"`
	StatusID     StatusID       `json:"status_id"`
	Status       string         `json:"status"`
	StatusCode   string         `json:"status_code,omitempty"`
	StatusDetail string         `json:"status_detail,omitempty"`
	Message      string         `json:"message,omitempty"`
	IsAlert      bool           `json:"is_alert"`
	Metadata     Metadata       `json:"metadata"`
	FindingInfo  FindingInfo    `json:"finding_info"`
	Resources    []Resource     `json:"resources,omitempty"`
	Cloud        Cloud          `json:"cloud"`
	Remediation  *Remediation   `json:"remediation,omitempty"`
	Unmapped     map[string]any `json:"unmapped,omitempty"`
}

// Metadata is the record's metadata object.
type Metadata struct {
	Version   string   `json:"version"`
	Product   Product  `json:"product"`
	Profiles  []string `json:"profiles"`
	EventCode string   `json:"event_code,omitempty"`
}

// FindingInfo is the finding_info object.
type FindingInfo struct {
	UID           string    `json:"uid"`
	Title         string    `json:"title,omitempty"`
	Desc          string    `json:"desc,omitempty"`
	Types         []string  `json:"types,omitempty"`
	Analytic      *Analytic `json:"analytic,omitempty"`
	CreatedTime   int64     `json:"created_time,omitempty"`
	CreatedTimeDT string    `json:"created_time_dt,omitempty"`
}

// Analytic names the check that produced the finding; type_id 1 is "Rule".
type Analytic struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

// Resource is a resource_details object: the resource a finding is about.
type Resource struct {
	// UID is the resource's ARN.
	UID string `json:"uid,omitempty"`
	// Name is its name (a bucket's name).
	Name string `json:"name,omitempty"`
	// Type is its CloudFormation type, for example "AWS::S3::Bucket".
	Type   string `json:"type,omitempty"`
	Region string `json:"region,omitempty"`
	// CloudPartition is the AWS partition ("aws", "aws-cn", …). By
	// default, that of UID when UID is an ARN in an AWS partition.
	CloudPartition string `json:"cloud_partition,omitempty"`
}

// Cloud is the cloud profile's object: the provider, Region and account.
type Cloud struct {
	Provider string   `json:"provider"`
	Region   string   `json:"region,omitempty"`
	Account  *Account `json:"account,omitempty"`
}

// Account is an AWS account (type_id 10, "AWS Account").
type Account struct {
	UID    string `json:"uid"`
	TypeID int    `json:"type_id"`
	Type   string `json:"type"`
}

// Remediation says how to fix a finding.
type Remediation struct {
	Desc       string   `json:"desc"`
	References []string `json:"references,omitempty"`
}

// NewDetectionFinding returns the record of one check's outcome, produced
// by product. The classification attributes (class, category, activity
// Create, type) are filled in and agree with each other; see the package
// documentation for how the check's fields map.
func NewDetectionFinding(product Product, c Check) DetectionFinding {
	t := c.Time
	if t.IsZero() {
		t = time.Now()
	}
	t = t.UTC()
	ms, dt := t.UnixMilli(), t.Format(time.RFC3339Nano)
	status := StatusOf(c.Outcome)
	uid := c.UID
	if uid == "" {
		p := product.UID
		if p == "" {
			p = product.Name
		}
		uid = p + "/" + c.ID + "/" + c.Resource.UID
	}
	f := DetectionFinding{
		ActivityID:   1,
		ActivityName: "Create",
		CategoryUID:  CategoryFindings,
		CategoryName: "Findings",
		ClassUID:     ClassDetectionFinding,
		ClassName:    "Detection Finding",
		TypeUID:      ClassDetectionFinding*100 + 1,
		TypeName:     "Detection Finding: Create",
		Time:         ms,
		TimeDT:       dt,
		SeverityID:   c.Severity,
		Severity:     c.Severity.String(),
		StatusID:     status,
		Status:       status.String(),
		StatusCode:   c.Outcome,
		StatusDetail: c.Message,
		Message:      c.Message,
		IsAlert:      status == StatusNew,
		Metadata: Metadata{
			Version:   Version,
			Product:   product,
			Profiles:  []string{"cloud", "datetime"},
			EventCode: c.ID,
		},
		FindingInfo: FindingInfo{
			UID:           uid,
			Title:         c.Title,
			Desc:          c.Description,
			Types:         c.Types,
			CreatedTime:   ms,
			CreatedTimeDT: dt,
		},
		Cloud:    Cloud{Provider: "AWS", Region: c.Region},
		Unmapped: c.Unmapped,
	}
	if c.ID != "" {
		f.FindingInfo.Analytic = &Analytic{UID: c.ID, Name: c.Title, TypeID: 1, Type: "Rule"}
	}
	if c.Account != "" {
		f.Cloud.Account = &Account{UID: c.Account, TypeID: 10, Type: "AWS Account"}
	}
	if c.Resource != (Resource{}) {
		r := c.Resource
		if r.Region == "" {
			r.Region = c.Region
		}
		if r.CloudPartition == "" {
			r.CloudPartition, _ = policy.ARNPartition(r.UID)
		}
		f.Resources = []Resource{r}
	}
	if c.Remediation != "" {
		f.Remediation = &Remediation{Desc: c.Remediation, References: c.References}
	}
	return f
}
