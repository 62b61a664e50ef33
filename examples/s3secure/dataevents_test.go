package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
)

// The fake account owner's credentials, which every fake accepts (the
// fakes verify SigV4 signatures against the keys they know).
const (
	ctTestKey    = fakeutil.OwnerAccessKeyID
	ctTestSecret = fakeutil.OwnerSecretAccessKey
)

// trailEnv starts the test AWS with one multi-region trail "main"
// (CloudTrail's default selectors: management events only) and returns it
// with the global flags that reach it.
func trailEnv(t *testing.T, trail *cloudtrailfake.Trail) (*testAWS, []string) {
	t.Helper()
	a := startAWS(t, nil)
	if trail == nil {
		trail = &cloudtrailfake.Trail{Name: "main", S3BucketName: "trail-logs", IsMultiRegionTrail: true, Logging: true}
	}
	a.Trails.AddTrail(*trail)
	return a, []string{"-endpoint", a.URL, "-region", "us-east-1"}
}

func selectors(t *testing.T, a *testAWS, trail string) *cloudtrail.GetEventSelectorsOutput {
	t.Helper()
	client := cloudtrail.New(cloudtrail.Options{Region: "us-east-1", BaseEndpoint: aws.String(a.URL), HTTPClient: a.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider(ctTestKey, ctTestSecret, "")})
	out, err := client.GetEventSelectors(t.Context(), &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(trail)})
	require.NoError(t, err)
	return out
}

func TestDataEventsPlanThenApply(t *testing.T) {
	ct, base := trailEnv(t, nil)
	before := selectors(t, ct, "main")
	cmd := []string{"data-events", "-trail", "main"}
	arn := "arn:aws:cloudtrail:us-east-1:" + ct.AccountID() + ":trail/main"

	code, stdout, stderr := runCLI(t, "", append(append(base, "-format", "json"), cmd...)...)
	require.Equal(t, exitOK, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 4, stdout)
	assert.Equal(t, map[string]string{"trail": arn, "step": "log", "status": "planned",
		"detail": "S3 object-level read and write data events for all buckets in the account"}, rows[0])
	assert.Equal(t, "billing", rows[1]["step"])
	assert.Contains(t, rows[1]["detail"], "bills data events per event")
	assert.Equal(t, "selectors", rows[2]["step"])
	assert.Contains(t, rows[2]["detail"], "basic event selectors: 1 before, 1 after; S3 object data resources added")
	assert.Equal(t, map[string]string{"trail": arn, "step": "result", "status": "planned",
		"detail": "nothing written; run with -apply to write the event selectors"}, rows[3])
	assert.Zero(t, ct.Trails.Count("PutEventSelectors"), "a plan writes nothing")
	assert.Equal(t, before.EventSelectors, selectors(t, ct, "main").EventSelectors)

	code, stdout, stderr = runCLI(t, "", append(base, append(cmd, "-apply")...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^TRAIL +STEP +STATUS +DETAIL$`, stdout)
	assert.Regexp(t, `log +applied +S3 object-level read and write data events for all buckets`, stdout)
	assert.Regexp(t, `billing +note +CloudTrail bills data events per event`, stdout)
	assert.Regexp(t, `(?m)^trail arn:aws:cloudtrail:us-east-1:\d{12}:trail/main: applied: event selectors written$`, stdout)
	assert.Equal(t, 1, ct.Trails.Count("PutEventSelectors"))
	after := selectors(t, ct, "main").EventSelectors
	require.Len(t, after, 1, "the data resource joins the trail's read-and-write selector")
	assert.Equal(t, cttypes.ReadWriteTypeAll, after[0].ReadWriteType)
	assert.True(t, aws.ToBool(after[0].IncludeManagementEvents), "management events are still logged")
	require.Len(t, after[0].DataResources, 1)
	assert.Equal(t, "AWS::S3::Object", aws.ToString(after[0].DataResources[0].Type))
	assert.Equal(t, []string{"arn:aws:s3"}, after[0].DataResources[0].Values)

	assert.NotContains(t, stdout, "S3.22", "the trail is logging and multi-Region: S3.22 passes, nothing to say")

	// Applied once, there is nothing left to do.
	code, stdout, stderr = runCLI(t, "", append(base, append(cmd, "-apply")...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^trail arn:[^ ]+: none: the trail's event selectors already select the requested S3 data events; nothing to write$`, stdout)
	assert.Equal(t, 1, ct.Trails.Count("PutEventSelectors"))
	assert.NotContains(t, stdout+stderr, ctTestSecret)
}

func TestDataEventsAdvancedWriteOnlyBuckets(t *testing.T) {
	user := cloudtrailfake.AdvancedEventSelector{Name: "Management", FieldSelectors: []cloudtrailfake.FieldSelector{
		{Field: "eventCategory", Equals: []string{"Management"}},
	}}
	ct, base := trailEnv(t, &cloudtrailfake.Trail{Name: "adv", S3BucketName: "trail-logs", IsMultiRegionTrail: true,
		AdvancedEventSelectors: []cloudtrailfake.AdvancedEventSelector{user}})
	code, stdout, stderr := runCLI(t, "", append(base, "data-events", "-trail", "adv",
		"-bucket", "alpha-data, beta-data", "-allow-write-only", "-apply")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `log +applied +S3 object-level write data events for bucket alpha-data`, stdout)
	assert.Regexp(t, `log +applied +S3 object-level write data events for bucket beta-data`, stdout)
	assert.Regexp(t, `selectors +applied +advanced event selector S3SecureDataEvents \(the trail's other 1 advanced selector\(s\) kept\)`, stdout)

	adv := selectors(t, ct, "adv").AdvancedEventSelectors
	require.Len(t, adv, 2)
	assert.Equal(t, "Management", aws.ToString(adv[0].Name), "the user's selector is kept")
	assert.Equal(t, "S3SecureDataEvents", aws.ToString(adv[1].Name))
	fields := map[string][]string{}
	for _, f := range adv[1].FieldSelectors {
		fields[aws.ToString(f.Field)] = append(f.Equals, f.StartsWith...)
	}
	assert.Equal(t, []string{"false"}, fields["readOnly"], "write events only")
	assert.Equal(t, []string{"arn:aws:s3:::alpha-data/", "arn:aws:s3:::beta-data/"}, fields["resources.ARN"])
}

// A selector named S3SecureDataEvents that its owner narrowed since (every
// bucket but a prefix) is kept as it is and the bucket goes into a new
// selector beside it: the summary counts it among the selectors kept.
func TestDataEventsKeepsANarrowedSelectorOfOurName(t *testing.T) {
	narrowed := cloudtrailfake.AdvancedEventSelector{Name: "S3SecureDataEvents", FieldSelectors: []cloudtrailfake.FieldSelector{
		{Field: "eventCategory", Equals: []string{"Data"}},
		{Field: "resources.type", Equals: []string{"AWS::S3::Object"}},
		{Field: "resources.ARN", NotStartsWith: []string{"arn:aws:s3:::alpha-data/tmp/"}},
	}}
	ct, base := trailEnv(t, &cloudtrailfake.Trail{Name: "adv", S3BucketName: "trail-logs", IsMultiRegionTrail: true,
		AdvancedEventSelectors: []cloudtrailfake.AdvancedEventSelector{narrowed}})
	code, stdout, stderr := runCLI(t, "", append(base, "data-events", "-trail", "adv", "-bucket", "beta-data", "-apply")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `selectors +applied +advanced event selector S3SecureDataEvents \(the trail's other 1 advanced selector\(s\) kept\)`, stdout)
	adv := selectors(t, ct, "adv").AdvancedEventSelectors
	require.Len(t, adv, 2)
	assert.Equal(t, []string{"arn:aws:s3:::alpha-data/tmp/"}, adv[0].FieldSelectors[2].NotStartsWith, "the narrowed selector is kept")
}

func TestDataEventsRefusals(t *testing.T) {
	full := make([]cloudtrailfake.EventSelector, 5)
	for i := range full {
		full[i] = cloudtrailfake.EventSelector{ReadWriteType: "ReadOnly", IncludeManagementEvents: aws.Bool(i == 0)}
	}
	ct, base := trailEnv(t, &cloudtrailfake.Trail{Name: "full", S3BucketName: "trail-logs", IsMultiRegionTrail: true, EventSelectors: full})
	ct.Trails.AddTrail(cloudtrailfake.Trail{Name: "main", S3BucketName: "trail-logs", IsMultiRegionTrail: true})
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no room for a selector", []string{"-trail", "full", "-apply"}, "trail has no room for another event selector"},
		{"unknown trail", []string{"-trail", "nope", "-apply"}, "TrailNotFoundException"},
		{"invalid bucket, no request", []string{"-trail", "main", "-bucket", "Bad_Bucket", "-apply"}, `bucket name "Bad_Bucket" is not valid`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append(base, "data-events"), tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.stderr)
			assert.Empty(t, stdout)
		})
	}
	assert.Zero(t, ct.Trails.Count("PutEventSelectors"), "nothing was written")
	assert.Equal(t, 2, ct.Trails.Count("GetEventSelectors"), "the invalid bucket name sent no request")
}

func TestDataEventsUsageErrors(t *testing.T) {
	cliEnv(t, ctTestKey, ctTestSecret)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no trail", []string{"data-events"}, "-trail is required"},
		{"extra argument", []string{"data-events", "-trail", "t", "extra"}, `unexpected argument "extra"`},
		{"empty bucket", []string{"data-events", "-trail", "t", "-bucket", "a,,b"}, "has an empty bucket name"},
		{"bad endpoint", []string{"data-events", "-trail", "t", "-endpoint", "not a url"}, `-endpoint "not a url" is not an endpoint URL`},
		{"unknown flag", []string{"data-events", "-nope"}, "flag provided but not defined"},
		{"local has no trail", []string{"-local", "data-events", "-trail", "no-such-trail"}, "run s3secure serve, create the trail there"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.stderr)
			assert.Empty(t, stdout)
		})
	}
}

// TestDataEventsSaysWhatStillFails: selectors alone do not pass S3.22 and
// S3.23, which need a multi-Region trail that is logging. After -apply, and
// when there is nothing to write, data-events says what still fails them
// (securebucket.AuditDataEvents's verdict) instead of only "applied" or
// "already logs", which read as done.
func TestDataEventsSaysWhatStillFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		trail cloudtrailfake.Trail
		want  string
	}{
		{"stopped", cloudtrailfake.Trail{Name: "main", S3BucketName: "trail-logs", IsMultiRegionTrail: true},
			`S3\.22 +FAIL +trail main selects them but is not logging; start its logging \(CloudTrail StartLogging\)`},
		{"single Region", cloudtrailfake.Trail{Name: "main", S3BucketName: "trail-logs", Logging: true},
			`S3\.22 +FAIL +trail main is not multi-Region`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, base := trailEnv(t, &tc.trail)
			cmd := append(base, "data-events", "-trail", "main", "-apply")
			code, stdout, stderr := runCLI(t, "", cmd...)
			require.Equal(t, exitOK, code, stderr)
			assert.Regexp(t, tc.want, stdout)
			assert.Regexp(t, strings.Replace(tc.want, `S3\.22`, `S3\.23`, 1), stdout)
			assert.Regexp(t, `(?m)^trail arn:[^ ]+: applied: event selectors written$`, stdout)

			code, stdout, stderr = runCLI(t, "", cmd...)
			require.Equal(t, exitOK, code, stderr)
			assert.Regexp(t, tc.want, stdout, "nothing to write, and still failing")
			assert.NotContains(t, stdout, "securebucket.", "the remedies name commands")
		})
	}
}
