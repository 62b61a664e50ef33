package ocsf_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/ocsfcheck"
	"github.com/s3secure/s3secure/report/ocsf"
)

// schemaDir is the committed OCSF 1.6.0 excerpt (testdata/README.md).
const schemaDir = "testdata/ocsf-schema-1.6.0"

func loadSchema(t *testing.T, profiles ...string) *ocsfcheck.Schema {
	return ocsfcheck.Load(t, schemaDir, profiles...)
}

var product = ocsf.Product{Name: "s3secure", UID: "s3secure", VendorName: "s3secure", Version: "1.2.3"}

var when = time.Date(2026, 5, 1, 12, 30, 0, 250e6, time.FixedZone("CEST", 2*3600))

func record(t *testing.T, f ocsf.DetectionFinding) map[string]any {
	t.Helper()
	b, err := json.Marshal(f)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func TestRecordsFollowTheSchema(t *testing.T) {
	s := loadSchema(t, "cloud", "datetime")
	for _, c := range []ocsf.Check{
		{ID: "S3.5", Title: "S3 general purpose buckets should require requests to use SSL", Outcome: "FAIL",
			Severity: ocsf.SeverityMedium, Message: "the policy does not deny plain HTTP",
			Resource: ocsf.Resource{UID: "arn:aws:s3:::my-bucket", Name: "my-bucket", Type: "AWS::S3::Bucket"},
			Account:  "111122223333", Region: "eu-west-1", Remediation: "add a Deny of aws:SecureTransport false",
			References: []string{"https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html"}, Time: when},
		{ID: "S3.8", Outcome: "PASS", Severity: ocsf.SeverityHigh, Resource: ocsf.Resource{UID: "arn:aws-cn:s3:::b"}, Time: when},
		{ID: "S3.2", Outcome: "UNKNOWN", Severity: ocsf.SeverityCritical, Message: "AccessDenied"},
		{ID: "S3.20", Outcome: "NOT_APPLICABLE", Severity: ocsf.SeverityLow},
		{ID: "ExternalAccess", UID: "5b2a-1", Outcome: "ARCHIVED", Severity: ocsf.SeverityHigh, Types: []string{"Cross-Account Access"},
			Unmapped: map[string]any{"principal": map[string]any{"AWS": "444455556666"}, "actions": []string{"s3:GetObject"}}},
		{},
	} {
		rec := record(t, ocsf.NewDetectionFinding(product, c))
		assert.Empty(t, s.CheckRecord(rec), "%+v", rec)
	}
}

// The checker is not a rubber stamp: each way of breaking a record is
// reported.
func TestSchemaCheckCatchesMistakes(t *testing.T) {
	s := loadSchema(t, "cloud", "datetime")
	good := ocsf.NewDetectionFinding(product, ocsf.Check{ID: "S3.5", Outcome: "FAIL", Severity: ocsf.SeverityMedium,
		Resource: ocsf.Resource{UID: "arn:aws:s3:::b", Name: "b"}, Account: "111122223333"})
	for name, breakIt := range map[string]func(m map[string]any){
		"missing time":         func(m map[string]any) { delete(m, "time") },
		"missing finding uid":  func(m map[string]any) { delete(m["finding_info"].(map[string]any), "uid") },
		"missing product":      func(m map[string]any) { delete(m["metadata"].(map[string]any), "product") },
		"missing cloud":        func(m map[string]any) { delete(m, "cloud") },
		"severity out of enum": func(m map[string]any) { m["severity_id"] = 7.0 },
		"wrong caption":        func(m map[string]any) { m["severity"] = "Medium-ish" },
		"status out of enum":   func(m map[string]any) { m["status_id"] = 8.0 },
		"wrong class":          func(m map[string]any) { m["class_uid"] = 2003.0 },
		"wrong type_uid":       func(m map[string]any) { m["type_uid"] = 200402.0 },
		"unknown attribute":    func(m map[string]any) { m["colour"] = "red" },
		"string for integer":   func(m map[string]any) { m["time"] = "now" },
		"old version":          func(m map[string]any) { m["metadata"].(map[string]any)["version"] = "1.1.0" },
		"account type":         func(m map[string]any) { m["cloud"].(map[string]any)["account"].(map[string]any)["type_id"] = 42.0 },
		"resources not array":  func(m map[string]any) { m["resources"] = map[string]any{"uid": "x"} },
	} {
		rec := record(t, good)
		require.Empty(t, s.CheckRecord(rec))
		breakIt(rec)
		assert.NotEmpty(t, s.CheckRecord(rec), name)
	}
	// Without the cloud profile, cloud is not an attribute of the class.
	noCloud := loadSchema(t, "datetime")
	assert.NotEmpty(t, noCloud.CheckRecord(record(t, good)))
}

// The Go constants carry the schema's ids and captions.
func TestConstantsMatchSchema(t *testing.T) {
	s := loadSchema(t, "cloud", "datetime")
	attrs := s.Attributes("detection_finding", true)
	enumMatches(t, attrs["severity_id"]["enum"].(map[string]any), []ocsf.SeverityID{ocsf.SeverityUnknown, ocsf.SeverityInformational,
		ocsf.SeverityLow, ocsf.SeverityMedium, ocsf.SeverityHigh, ocsf.SeverityCritical, ocsf.SeverityFatal, ocsf.SeverityOther})
	enumMatches(t, attrs["status_id"]["enum"].(map[string]any), []ocsf.StatusID{ocsf.StatusUnknown, ocsf.StatusNew,
		ocsf.StatusInProgress, ocsf.StatusSuppressed, ocsf.StatusResolved, ocsf.StatusArchived, ocsf.StatusDeleted, ocsf.StatusOther})
	assert.Equal(t, s.Version(), ocsf.Version)
}

// enumMatches checks that the schema's enum has exactly these values, each
// with the constant's caption.
func enumMatches[T interface {
	~int
	String() string
}](t *testing.T, enum map[string]any, values []T) {
	t.Helper()
	assert.Len(t, enum, len(values))
	for _, v := range values {
		e, ok := enum[strconv.Itoa(int(v))].(map[string]any)
		if assert.True(t, ok, int(v)) {
			assert.Equal(t, e["caption"], v.String(), int(v))
		}
	}
}

func TestNewDetectionFinding(t *testing.T) {
	f := ocsf.NewDetectionFinding(product, ocsf.Check{ID: "S3.5", Title: "TLS only", Outcome: "FAIL", Severity: ocsf.SeverityMedium,
		Message: "no deny", Resource: ocsf.Resource{UID: "arn:aws:s3:::my-bucket", Name: "my-bucket", Type: "AWS::S3::Bucket"},
		Account: "111122223333", Region: "eu-west-1", Time: when})
	assert.Equal(t, when.UnixMilli(), f.Time)
	assert.Equal(t, "2026-05-01T10:30:00.25Z", f.TimeDT)
	assert.Equal(t, "s3secure/S3.5/arn:aws:s3:::my-bucket", f.FindingInfo.UID)
	assert.Equal(t, "S3.5", f.Metadata.EventCode)
	assert.Equal(t, &ocsf.Analytic{UID: "S3.5", Name: "TLS only", TypeID: 1, Type: "Rule"}, f.FindingInfo.Analytic)
	assert.Equal(t, "FAIL", f.StatusCode)
	assert.Equal(t, ocsf.StatusNew, f.StatusID)
	assert.True(t, f.IsAlert)
	assert.Equal(t, "Medium", f.Severity)
	assert.Equal(t, []ocsf.Resource{{UID: "arn:aws:s3:::my-bucket", Name: "my-bucket", Type: "AWS::S3::Bucket", Region: "eu-west-1", CloudPartition: "aws"}}, f.Resources)
	assert.Equal(t, ocsf.Cloud{Provider: "AWS", Region: "eu-west-1", Account: &ocsf.Account{UID: "111122223333", TypeID: 10, Type: "AWS Account"}}, f.Cloud)
	assert.Nil(t, f.Remediation)

	// The uid is stable across runs; an explicit one wins.
	g := ocsf.NewDetectionFinding(product, ocsf.Check{ID: "S3.5", Outcome: "PASS", Resource: ocsf.Resource{UID: "arn:aws:s3:::my-bucket"}})
	assert.Equal(t, f.FindingInfo.UID, g.FindingInfo.UID)
	assert.False(t, g.IsAlert)
	assert.WithinDuration(t, time.Now(), time.UnixMilli(g.Time), time.Minute)
	h := ocsf.NewDetectionFinding(product, ocsf.Check{ID: "x", UID: "aa-id"})
	assert.Equal(t, "aa-id", h.FindingInfo.UID)
	assert.Nil(t, h.Resources)
}

func TestStatusOf(t *testing.T) {
	for outcome, want := range map[string]ocsf.StatusID{
		"FAIL": ocsf.StatusNew, "UNKNOWN": ocsf.StatusNew, "ACTIVE": ocsf.StatusNew, "fail": ocsf.StatusNew,
		"PASS": ocsf.StatusResolved, "RESOLVED": ocsf.StatusResolved,
		"ARCHIVED": ocsf.StatusArchived, "NOT_APPLICABLE": ocsf.StatusSuppressed, "": ocsf.StatusOther, "MAYBE": ocsf.StatusOther,
	} {
		assert.Equal(t, want, ocsf.StatusOf(outcome), outcome)
	}
}

func TestParseSeverity(t *testing.T) {
	for s, want := range map[string]ocsf.SeverityID{
		"CRITICAL": ocsf.SeverityCritical, "High": ocsf.SeverityHigh, "medium": ocsf.SeverityMedium, "Low": ocsf.SeverityLow,
		"INFORMATIONAL": ocsf.SeverityInformational, "": ocsf.SeverityUnknown, "severe": ocsf.SeverityUnknown, "other": ocsf.SeverityUnknown,
	} {
		assert.Equal(t, want, ocsf.ParseSeverity(s), s)
	}
	assert.Equal(t, "Other", ocsf.SeverityID(42).String())
	assert.Equal(t, "Other", ocsf.StatusID(42).String())
}
