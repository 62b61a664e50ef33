package securebucket_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/securebucket"
)

func ctBasic(rw cttypes.ReadWriteType, values ...string) cttypes.EventSelector {
	s := cttypes.EventSelector{ReadWriteType: rw, IncludeManagementEvents: aws.Bool(true)}
	if len(values) > 0 {
		s.DataResources = []cttypes.DataResource{{Type: aws.String("AWS::S3::Object"), Values: values}}
	}
	return s
}

func ctField(name string, op string, values ...string) cttypes.AdvancedFieldSelector {
	f := cttypes.AdvancedFieldSelector{Field: aws.String(name)}
	switch op {
	case "Equals":
		f.Equals = values
	case "StartsWith":
		f.StartsWith = values
	case "NotStartsWith":
		f.NotStartsWith = values
	case "EndsWith":
		f.EndsWith = values
	}
	return f
}

func ctAdv(fields ...cttypes.AdvancedFieldSelector) cttypes.AdvancedEventSelector {
	return cttypes.AdvancedEventSelector{Name: aws.String("user"), FieldSelectors: append([]cttypes.AdvancedFieldSelector{
		ctField("eventCategory", "Equals", "Data"), ctField("resources.type", "Equals", "AWS::S3::Object"),
	}, fields...)}
}

func TestSelectorsCoverage(t *testing.T) {
	rw := securebucket.DataEventsCoverage{Read: true, Write: true}
	none := securebucket.DataEventsCoverage{}
	tests := []struct {
		name     string
		basic    []cttypes.EventSelector
		advanced []cttypes.AdvancedEventSelector
		bucket   string
		want     securebucket.DataEventsCoverage
	}{
		{"default selector: management only", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll)}, nil, "", none},
		{"basic all buckets arn:aws:s3", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3")}, nil, "", rw},
		{"basic all buckets arn:aws:s3:::", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3:::")}, nil, "data", rw},
		{"basic write only", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeWriteOnly, "arn:aws:s3")}, nil, "", securebucket.DataEventsCoverage{Write: true}},
		{"basic read only + write only", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeReadOnly, "arn:aws:s3"), ctBasic(cttypes.ReadWriteTypeWriteOnly, "arn:aws:s3")}, nil, "", rw},
		{"basic one bucket covers it", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3:::data/")}, nil, "data", rw},
		{"basic one bucket is not all", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3:::data/")}, nil, "", none},
		{"basic prefix is partial", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3:::data/logs/")}, nil, "data", none},
		{"basic other bucket", []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3:::other/")}, nil, "data", none},
		{"basic lambda only", []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, DataResources: []cttypes.DataResource{{Type: aws.String("AWS::Lambda::Function"), Values: []string{"arn:aws:lambda"}}}}}, nil, "", none},
		{"advanced all", nil, []cttypes.AdvancedEventSelector{ctAdv()}, "", rw},
		{"advanced write", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("readOnly", "Equals", "false"))}, "", securebucket.DataEventsCoverage{Write: true}},
		{"advanced read", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("readOnly", "Equals", "true"))}, "", securebucket.DataEventsCoverage{Read: true}},
		{"advanced bucket prefix", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("resources.ARN", "StartsWith", "arn:aws:s3:::data/"))}, "data", rw},
		{"advanced bucket prefix is not all", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("resources.ARN", "StartsWith", "arn:aws:s3:::data/"))}, "", none},
		{"advanced key prefix is partial", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("resources.ARN", "StartsWith", "arn:aws:s3:::data/logs/"))}, "data", none},
		{"advanced NotStartsWith drops events", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("resources.ARN", "NotStartsWith", "arn:aws:s3:::data/tmp/"))}, "data", none},
		// A resources.ARN field that may narrow, or a field given twice
		// (CloudTrail, and cloudtrailfake, refuse that; SelectorsCoverage
		// takes selectors from anywhere), is not counted: these read as
		// covering every object.
		{"advanced StartsWith with EndsWith may narrow", nil, []cttypes.AdvancedEventSelector{ctAdv(cttypes.AdvancedFieldSelector{Field: aws.String("resources.ARN"),
			StartsWith: []string{"arn:aws:s3:::"}, EndsWith: []string{".csv"}})}, "", none},
		{"advanced StartsWith with Equals may narrow", nil, []cttypes.AdvancedEventSelector{ctAdv(cttypes.AdvancedFieldSelector{Field: aws.String("resources.ARN"),
			StartsWith: []string{"arn:aws:s3:::data/"}, Equals: []string{"arn:aws:s3:::data/one"}})}, "data", none},
		{"advanced resources.ARN twice, NotStartsWith first", nil, []cttypes.AdvancedEventSelector{ctAdv(
			ctField("resources.ARN", "NotStartsWith", "arn:aws:s3:::data/"), ctField("resources.ARN", "StartsWith", "arn:aws:s3:::"))}, "data", none},
		{"advanced readOnly twice", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("readOnly", "Equals", "true"), ctField("readOnly", "Equals", "false"))}, "", none},
		{"advanced eventName filter", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("eventName", "Equals", "PutObject"))}, "", none},
		{"advanced eventSource s3 is harmless", nil, []cttypes.AdvancedEventSelector{ctAdv(ctField("eventSource", "Equals", "s3.amazonaws.com"))}, "", rw},
		{"advanced management", nil, []cttypes.AdvancedEventSelector{{FieldSelectors: []cttypes.AdvancedFieldSelector{ctField("eventCategory", "Equals", "Management")}}}, "", none},
		{"advanced dynamodb", nil, []cttypes.AdvancedEventSelector{{FieldSelectors: []cttypes.AdvancedFieldSelector{ctField("eventCategory", "Equals", "Data"), ctField("resources.type", "Equals", "AWS::DynamoDB::Table")}}}, "", none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, securebucket.SelectorsCoverage(tt.basic, tt.advanced, tt.bucket))
		})
	}
}

type ctTrailEnv struct {
	fake   *cloudtrailfake.TestServer
	client *cloudtrail.Client
}

func newCtTrailEnv(t *testing.T) ctTrailEnv {
	t.Helper()
	ts := cloudtrailfake.Start(t, nil)
	return ctTrailEnv{ts, ts.Client()}
}

func (e ctTrailEnv) trail(t *testing.T, name string, multi, logging bool) {
	t.Helper()
	ctx := t.Context()
	_, err := e.client.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String("trail-logs"), IsMultiRegionTrail: aws.Bool(multi)})
	require.NoError(t, err)
	if logging {
		_, err = e.client.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(name)})
		require.NoError(t, err)
	}
}

func (e ctTrailEnv) put(t *testing.T, name string, in cloudtrail.PutEventSelectorsInput) {
	t.Helper()
	in.TrailName = aws.String(name)
	_, err := e.client.PutEventSelectors(t.Context(), &in)
	require.NoError(t, err)
}

func acctStatuses(rs []securebucket.AccountResult) map[string]securebucket.Status {
	m := map[string]securebucket.Status{}
	for _, r := range rs {
		m[string(r.Control)] = r.Status
	}
	return m
}

func TestAuditDataEvents(t *testing.T) {
	const (
		pass    = securebucket.StatusPass
		fail    = securebucket.StatusFail
		unknown = securebucket.StatusUnknown
	)
	tests := []struct {
		name        string
		setup       func(t *testing.T, e ctTrailEnv)
		bucket      string
		write, read securebucket.Status
		msg         string
	}{
		// PlanDataEvents needs an existing trail: with none, the message says
		// to create one first, or its remediation fails with TrailNotFound.
		{"no trails", func(*testing.T, ctTrailEnv) {}, "", fail, fail, "no trails; create a multi-Region trail (CloudTrail CreateTrail), then set up data events with securebucket.PlanDataEvents"},
		{"management only", func(t *testing.T, e ctTrailEnv) { e.trail(t, "main", true, true) }, "", fail, fail, "does not select"},
		{"basic all buckets", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "main", true, true)
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3")}})
		}, "", pass, pass, "main"},
		{"not logging", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "main", true, false)
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3")}})
		}, "", fail, fail, "not logging"},
		{"single region", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "regional", false, true)
			e.put(t, "regional", cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3")}})
		}, "", fail, fail, "not multi-Region"},
		{"advanced write only", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "main", true, true)
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{ctAdv(ctField("readOnly", "Equals", "false"))}})
		}, "", pass, fail, ""},
		{"advanced one bucket, audited for that bucket", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "main", true, true)
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{ctAdv(ctField("resources.ARN", "StartsWith", "arn:aws:s3:::data/"))}})
		}, "data", pass, pass, ""},
		{"advanced one bucket, audited for all", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "main", true, true)
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{ctAdv(ctField("resources.ARN", "StartsWith", "arn:aws:s3:::data/"))}})
		}, "", fail, fail, ""},
		{"advanced resources.ARN StartsWith and EndsWith: may be only .csv objects", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "main", true, true)
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{ctAdv(cttypes.AdvancedFieldSelector{Field: aws.String("resources.ARN"),
				StartsWith: []string{"arn:aws:s3:::"}, EndsWith: []string{".csv"}})}})
		}, "", fail, fail, "does not select"},
		{"listing denied", func(t *testing.T, e ctTrailEnv) {
			e.fake.SetFault("DescribeTrails", cloudtrailfake.Fault{Status: 400, Code: "AccessDeniedException", Message: "denied"})
		}, "", unknown, unknown, "could not be listed"},
		{"selectors denied on the only trail", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "main", true, true)
			e.fake.SetFault("GetEventSelectors", cloudtrailfake.Fault{Status: 400, Code: "AccessDeniedException", Message: "denied"})
		}, "", unknown, unknown, "could not be read"},
		{"one trail passes although another is unreadable", func(t *testing.T, e ctTrailEnv) {
			e.trail(t, "a-other", true, true)
			e.trail(t, "b-good", true, true)
			e.put(t, "b-good", cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3")}})
			// Trails are described in name order: the one-time fault hits a-other.
			e.fake.SetFault("GetTrailStatus", cloudtrailfake.Fault{Status: 400, Code: "AccessDeniedException", Times: 1})
		}, "", pass, pass, "b-good"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCtTrailEnv(t)
			tt.setup(t, e)
			rs, err := securebucket.AuditDataEvents(t.Context(), e.client, &securebucket.DataEventsAuditOptions{Bucket: tt.bucket})
			require.NoError(t, err)
			require.Len(t, rs, 2)
			assert.Equal(t, securebucket.ControlDataEventsWrite, rs[0].Control)
			assert.Equal(t, securebucket.ControlDataEventsRead, rs[1].Control)
			assert.Equal(t, tt.write, rs[0].Status, rs[0].Message)
			assert.Equal(t, tt.read, rs[1].Status, rs[1].Message)
			assert.Contains(t, rs[0].Message, tt.msg)
			if tt.write == unknown {
				var ae smithy.APIError
				assert.True(t, errors.As(rs[0].Err, &ae), "UNKNOWN carries the SDK error")
			}
		})
	}
}

func TestAuditDataEventsNilClientAndBadBucket(t *testing.T) {
	rs, err := securebucket.AuditDataEvents(t.Context(), nil, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusUnknown, "S3.23": securebucket.StatusUnknown}, acctStatuses(rs))
	_, err = securebucket.AuditDataEvents(t.Context(), nil, &securebucket.DataEventsAuditOptions{Bucket: "Bad_Bucket"})
	assert.ErrorIs(t, err, securebucket.ErrInvalidDataEvents)
}

func TestPlanApplyDataEventsBasic(t *testing.T) {
	e := newCtTrailEnv(t)
	ctx := t.Context()
	e.trail(t, "main", true, true)
	// The user's own selectors: management events, and Lambda data events.
	user := []cttypes.EventSelector{
		ctBasic(cttypes.ReadWriteTypeAll),
		{ReadWriteType: cttypes.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(false), DataResources: []cttypes.DataResource{{Type: aws.String("AWS::Lambda::Function"), Values: []string{"arn:aws:lambda"}}}},
	}
	e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: user})

	plan, err := securebucket.PlanDataEvents(ctx, e.client, "main", nil)
	require.NoError(t, err)
	require.False(t, plan.NoChange())
	assert.False(t, plan.UsesAdvanced)
	assert.Contains(t, plan.String(), "read and write data events for all buckets")
	assert.Contains(t, plan.String(), "charges for data events")
	assert.Equal(t, 0, e.fake.Count("PutEventSelectors")-1, "planning writes nothing")

	require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))
	got, err := e.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
	require.NoError(t, err)
	require.Len(t, got.EventSelectors, 2, "the S3 data resource joins the user's All selector")
	assert.True(t, aws.ToBool(got.EventSelectors[0].IncludeManagementEvents), "management events still logged")
	assert.Equal(t, "AWS::Lambda::Function", aws.ToString(got.EventSelectors[1].DataResources[0].Type), "the user's Lambda selector is kept")

	rs, err := securebucket.AuditDataEvents(ctx, e.client, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}, acctStatuses(rs))

	again, err := securebucket.PlanDataEvents(ctx, e.client, "main", nil)
	require.NoError(t, err)
	assert.True(t, again.NoChange(), again.String())
	puts := e.fake.Count("PutEventSelectors")
	require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, again))
	assert.Equal(t, puts, e.fake.Count("PutEventSelectors"), "nothing to change, nothing written")
}

func TestPlanDataEventsBasicNewSelectorAndLimit(t *testing.T) {
	e := newCtTrailEnv(t)
	ctx := t.Context()
	e.trail(t, "main", true, true)
	e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeReadOnly)}})

	plan, err := securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"data", "more"}, AllowWriteOnly: true})
	require.NoError(t, err)
	require.Len(t, plan.NewBasic, 2, "no WriteOnly selector to join: one is added")
	added := plan.NewBasic[1]
	assert.Equal(t, cttypes.ReadWriteTypeWriteOnly, added.ReadWriteType)
	assert.False(t, aws.ToBool(added.IncludeManagementEvents), "the added selector does not double management events")
	assert.Equal(t, []string{"arn:aws:s3:::data/", "arn:aws:s3:::more/"}, added.DataResources[0].Values)
	require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))
	rs, err := securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: "more"})
	require.NoError(t, err)
	assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusFail}, acctStatuses(rs))

	full := make([]cttypes.EventSelector, 5)
	for i := range full {
		full[i] = ctBasic(cttypes.ReadWriteTypeReadOnly)
	}
	e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: full})
	_, err = securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{AllowWriteOnly: true})
	assert.ErrorIs(t, err, securebucket.ErrDataEventsSelectorLimit)
}

func TestPlanApplyDataEventsAdvanced(t *testing.T) {
	e := newCtTrailEnv(t)
	ctx := t.Context()
	e.trail(t, "main", true, true)
	mgmt := cttypes.AdvancedEventSelector{Name: aws.String("mgmt"), FieldSelectors: []cttypes.AdvancedFieldSelector{ctField("eventCategory", "Equals", "Management")}}
	e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{mgmt}})

	plan, err := securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"data"}})
	require.NoError(t, err)
	assert.True(t, plan.UsesAdvanced)
	require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))

	// A second bucket extends the same named selector.
	plan, err = securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"data", "more"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"S3 object-level read and write data events for bucket more"}, plan.Logs)
	require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))

	got, err := e.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
	require.NoError(t, err)
	require.Len(t, got.AdvancedEventSelectors, 2)
	assert.Equal(t, "mgmt", aws.ToString(got.AdvancedEventSelectors[0].Name), "the user's selector is kept")
	ours := got.AdvancedEventSelectors[1]
	assert.Equal(t, securebucket.DataEventsSelectorName, aws.ToString(ours.Name))
	var arnField *cttypes.AdvancedFieldSelector
	for i, f := range ours.FieldSelectors {
		if aws.ToString(f.Field) == "resources.ARN" {
			arnField = &ours.FieldSelectors[i]
		}
	}
	require.NotNil(t, arnField)
	assert.ElementsMatch(t, []string{"arn:aws:s3:::data/", "arn:aws:s3:::more/"}, arnField.StartsWith)

	// All buckets: our selector loses its resources.ARN filter.
	plan, err = securebucket.PlanDataEvents(ctx, e.client, "main", nil)
	require.NoError(t, err)
	require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))
	rs, err := securebucket.AuditDataEvents(ctx, e.client, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}, acctStatuses(rs))
}

func TestApplyDataEventsRefusesConcurrentChange(t *testing.T) {
	e := newCtTrailEnv(t)
	ctx := t.Context()
	e.trail(t, "main", true, true)
	plan, err := securebucket.PlanDataEvents(ctx, e.client, "main", nil)
	require.NoError(t, err)
	// Someone else changes the selectors after the plan.
	e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeReadOnly)}})
	err = securebucket.ApplyDataEvents(ctx, e.client, plan)
	require.ErrorIs(t, err, securebucket.ErrDataEventsChanged)
	got, err := e.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
	require.NoError(t, err)
	assert.Equal(t, cttypes.ReadWriteTypeReadOnly, got.EventSelectors[0].ReadWriteType, "the other writer's change stands")
}

func TestPlanDataEventsErrors(t *testing.T) {
	e := newCtTrailEnv(t)
	ctx := t.Context()
	_, err := securebucket.PlanDataEvents(ctx, e.client, "", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidDataEvents)
	_, err = securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"UPPER"}})
	assert.ErrorIs(t, err, securebucket.ErrInvalidDataEvents)
	assert.Equal(t, 0, e.fake.Count("GetEventSelectors"), "invalid input sends no request")

	_, err = securebucket.PlanDataEvents(ctx, e.client, "missing", nil)
	var te *securebucket.TrailError
	require.ErrorAs(t, err, &te)
	var nf *cttypes.TrailNotFoundException
	assert.ErrorAs(t, err, &nf, "the SDK error is reachable")
	assert.True(t, strings.HasPrefix(err.Error(), "securebucket: trail missing: GetEventSelectors:"), err.Error())

	// A shadow trail (home in another Region) cannot be changed from here.
	e.fake.AddTrail(cloudtrailfake.Trail{Name: "org", S3BucketName: "l", HomeRegion: "eu-west-1", IsMultiRegionTrail: true, Logging: true})
	arn := "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org"
	plan, err := securebucket.PlanDataEvents(ctx, e.client, arn, nil)
	require.NoError(t, err)
	err = securebucket.ApplyDataEvents(ctx, e.client, plan)
	var hr *cttypes.InvalidHomeRegionException
	assert.ErrorAs(t, err, &hr)
}

func TestPlanDataEventsNeverNarrower(t *testing.T) {
	e := newCtTrailEnv(t)
	ctx := t.Context()
	e.trail(t, "main", true, true)
	mgmt := cttypes.AdvancedEventSelector{Name: aws.String("mgmt"), FieldSelectors: []cttypes.AdvancedFieldSelector{ctField("eventCategory", "Equals", "Management")}}
	e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{mgmt}})
	plan, err := securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"data"}})
	require.NoError(t, err)
	require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))

	// A later write-only request for another bucket must not stop the read
	// logging of the first.
	plan, err = securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"more"}, AllowWriteOnly: true})
	require.NoError(t, err)
	require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))
	for _, b := range []string{"data", "more"} {
		rs, err := securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: b})
		require.NoError(t, err)
		assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}, acctStatuses(rs), b)
	}
}

// Our selector as its owner narrowed it since (a prefix left out, reads
// only, one event name): a plan for another bucket must not rewrite it
// into a selector of the new bucket alone, which stopped the logging of
// every other bucket; it is kept as it is, field for field, and the new
// bucket is logged beside it (a trail logs what any of its selectors
// selects, so a selector added only adds). Owners do narrow it: "You can
// include or exclude logging for specific resources by adding a filter
// on the resources.ARN field. For example, if you were logging S3 data
// events, you could exclude logging for the S3 bucket for your trail"
// (CloudTrail user guide, Filtering data events by using advanced event
// selectors).
func TestPlanDataEventsKeepsOurSelectorItsOwnerNarrowed(t *testing.T) {
	ours := func(extra ...cttypes.AdvancedFieldSelector) cttypes.AdvancedEventSelector {
		s := ctAdv(extra...)
		s.Name = aws.String(securebucket.DataEventsSelectorName)
		return s
	}
	for _, tc := range []struct {
		name string
		sel  cttypes.AdvancedEventSelector
	}{
		{"all buckets but a prefix", ours(ctField("resources.ARN", "NotStartsWith", "arn:aws:s3:::data/tmp/"))},
		{"two buckets, reads only", ours(ctField("readOnly", "Equals", "true"), ctField("resources.ARN", "StartsWith", "arn:aws:s3:::data/", "arn:aws:s3:::logs/"))},
		{"all buckets, deletes only", ours(ctField("eventName", "Equals", "DeleteObject"))},
		{"two buckets, .csv objects only", ours(cttypes.AdvancedFieldSelector{Field: aws.String("resources.ARN"),
			StartsWith: []string{"arn:aws:s3:::data/", "arn:aws:s3:::logs/"}, EndsWith: []string{".csv"}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newCtTrailEnv(t)
			ctx := t.Context()
			e.trail(t, "main", true, true)
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{tc.sel}})
			plan, err := securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"more"}})
			require.NoError(t, err)
			require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))

			got, err := e.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
			require.NoError(t, err)
			kept := false
			for _, s := range got.AdvancedEventSelectors {
				if ctJSON(t, s) == ctJSON(t, tc.sel) {
					kept = true
				}
			}
			assert.True(t, kept, "the narrowed selector is kept as it was: %s", ctJSON(t, got.AdvancedEventSelectors))
			rs, err := securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: "more"})
			require.NoError(t, err)
			assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}, acctStatuses(rs))

			// Planned again, nothing changes.
			plan, err = securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"more"}})
			require.NoError(t, err)
			assert.True(t, plan.NoChange(), plan.String())
		})
	}
}

// ctJSON is v as JSON, to compare selectors whatever their nil and empty
// lists.
func ctJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
