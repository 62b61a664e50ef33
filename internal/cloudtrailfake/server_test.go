package cloudtrailfake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
)

var code = fakeutil.ErrorCode

func TestTrailLifecycle(t *testing.T) {
	ts := cloudtrailfake.Start(t, nil)
	c := ts.Client()
	ctx := t.Context()

	cr, err := c.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("logs"), IsMultiRegionTrail: aws.Bool(true)})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:cloudtrail:us-east-1:111122223333:trail/main", aws.ToString(cr.TrailARN))
	assert.True(t, aws.ToBool(cr.IsMultiRegionTrail))

	_, err = c.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("logs")})
	var exists *types.TrailAlreadyExistsException
	assert.ErrorAs(t, err, &exists)

	st, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: cr.TrailARN})
	require.NoError(t, err)
	assert.False(t, aws.ToBool(st.IsLogging), "a new trail does not log until StartLogging")
	_, err = c.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("main")})
	require.NoError(t, err)
	st, err = c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("main")})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(st.IsLogging))
	assert.NotNil(t, st.StartLoggingTime)

	d, err := c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	require.NoError(t, err)
	require.Len(t, d.TrailList, 1)
	assert.Equal(t, "logs", aws.ToString(d.TrailList[0].S3BucketName))
	assert.Equal(t, "us-east-1", aws.ToString(d.TrailList[0].HomeRegion))

	l, err := c.ListTrails(ctx, &cloudtrail.ListTrailsInput{})
	require.NoError(t, err)
	require.Len(t, l.Trails, 1)
	assert.Equal(t, "main", aws.ToString(l.Trails[0].Name))

	g, err := c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
	require.NoError(t, err)
	require.Len(t, g.EventSelectors, 1, "a new trail has the default selector")
	assert.Equal(t, types.ReadWriteTypeAll, g.EventSelectors[0].ReadWriteType)
	assert.True(t, aws.ToBool(g.EventSelectors[0].IncludeManagementEvents))
	assert.Empty(t, g.EventSelectors[0].DataResources)

	_, err = c.DeleteTrail(ctx, &cloudtrail.DeleteTrailInput{Name: aws.String("main")})
	require.NoError(t, err)
	_, err = c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("main")})
	var nf *types.TrailNotFoundException
	assert.ErrorAs(t, err, &nf)
}

func TestShadowTrails(t *testing.T) {
	ts := cloudtrailfake.Start(t, nil)
	ts.AddTrail(cloudtrailfake.Trail{Name: "org", S3BucketName: "l", HomeRegion: "eu-west-1", IsMultiRegionTrail: true, Logging: true})
	ts.AddTrail(cloudtrailfake.Trail{Name: "regional", S3BucketName: "l", HomeRegion: "eu-west-1"})
	d, err := ts.Client().DescribeTrails(t.Context(), &cloudtrail.DescribeTrailsInput{})
	require.NoError(t, err)
	require.Len(t, d.TrailList, 1, "only the multi-region trail of another region shows as a shadow")
	assert.Equal(t, "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org", aws.ToString(d.TrailList[0].TrailARN))
	d, err = ts.Client().DescribeTrails(t.Context(), &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
	require.NoError(t, err)
	assert.Empty(t, d.TrailList)
	_, err = ts.Client().PutEventSelectors(t.Context(), &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("arn:aws:cloudtrail:eu-west-1:111122223333:trail/org"),
		EventSelectors: []types.EventSelector{{ReadWriteType: types.ReadWriteTypeAll}}})
	var hr *types.InvalidHomeRegionException
	assert.ErrorAs(t, err, &hr)
}

func s3Advanced(extra ...types.AdvancedFieldSelector) types.AdvancedEventSelector {
	return types.AdvancedEventSelector{Name: aws.String("s3"), FieldSelectors: append([]types.AdvancedFieldSelector{
		{Field: aws.String("eventCategory"), Equals: []string{"Data"}},
		{Field: aws.String("resources.type"), Equals: []string{"AWS::S3::Object"}},
	}, extra...)}
}

func TestPutEventSelectors(t *testing.T) {
	ts := cloudtrailfake.Start(t, nil)
	c := ts.Client()
	ctx := t.Context()
	_, err := c.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("trail1"), S3BucketName: aws.String("logs")})
	require.NoError(t, err)

	tests := []struct {
		name string
		in   cloudtrail.PutEventSelectorsInput
		code string
	}{
		{"basic s3 all buckets", cloudtrail.PutEventSelectorsInput{EventSelectors: []types.EventSelector{{
			DataResources: []types.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3"}}}}}}, ""},
		{"basic s3 one bucket", cloudtrail.PutEventSelectorsInput{EventSelectors: []types.EventSelector{{ReadWriteType: types.ReadWriteTypeWriteOnly,
			DataResources: []types.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3:::data/"}}}}}}, ""},
		{"advanced", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []types.AdvancedEventSelector{s3Advanced(
			types.AdvancedFieldSelector{Field: aws.String("resources.ARN"), StartsWith: []string{"arn:aws:s3:::data/"}})}}, ""},
		{"both", cloudtrail.PutEventSelectorsInput{
			EventSelectors:         []types.EventSelector{{ReadWriteType: types.ReadWriteTypeAll}},
			AdvancedEventSelectors: []types.AdvancedEventSelector{s3Advanced()}}, "InvalidEventSelectorsException"},
		{"neither", cloudtrail.PutEventSelectorsInput{}, "InvalidEventSelectorsException"},
		{"six basic", cloudtrail.PutEventSelectorsInput{EventSelectors: make([]types.EventSelector, 6)}, "InvalidEventSelectorsException"},
		{"bad s3 value", cloudtrail.PutEventSelectorsInput{EventSelectors: []types.EventSelector{{
			DataResources: []types.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"data"}}}}}}, "InvalidEventSelectorsException"},
		{"bad type", cloudtrail.PutEventSelectorsInput{EventSelectors: []types.EventSelector{{
			DataResources: []types.DataResource{{Type: aws.String("AWS::S3::Bucket"), Values: []string{"arn:aws:s3"}}}}}}, "InvalidEventSelectorsException"},
		{"advanced without category", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []types.AdvancedEventSelector{{
			FieldSelectors: []types.AdvancedFieldSelector{{Field: aws.String("resources.type"), Equals: []string{"AWS::S3::Object"}}}}}}, "InvalidEventSelectorsException"},
		{"advanced data without type", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []types.AdvancedEventSelector{{
			FieldSelectors: []types.AdvancedFieldSelector{{Field: aws.String("eventCategory"), Equals: []string{"Data"}}}}}}, "InvalidEventSelectorsException"},
		{"advanced readOnly StartsWith", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []types.AdvancedEventSelector{s3Advanced(
			types.AdvancedFieldSelector{Field: aws.String("readOnly"), StartsWith: []string{"t"}})}}, "InvalidEventSelectorsException"},
		{"advanced unknown field", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []types.AdvancedEventSelector{s3Advanced(
			types.AdvancedFieldSelector{Field: aws.String("bucket"), Equals: []string{"x"}})}}, "InvalidEventSelectorsException"},
		{"missing trail", cloudtrail.PutEventSelectorsInput{TrailName: aws.String("nope"), EventSelectors: []types.EventSelector{{}}}, "TrailNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.TrailName == nil {
				in.TrailName = aws.String("trail1")
			}
			out, err := c.PutEventSelectors(ctx, &in)
			if tt.code != "" {
				assert.Equal(t, tt.code, code(err))
				return
			}
			require.NoError(t, err)
			g, err := c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("trail1")})
			require.NoError(t, err)
			assert.Equal(t, len(in.EventSelectors), len(g.EventSelectors))
			assert.Equal(t, len(in.AdvancedEventSelectors), len(g.AdvancedEventSelectors), "advanced selectors replace basic ones and vice versa")
			assert.Equal(t, out.TrailARN, g.TrailARN)
			if len(in.EventSelectors) > 0 {
				assert.True(t, aws.ToBool(g.EventSelectors[0].IncludeManagementEvents), "IncludeManagementEvents defaults to true")
				assert.NotEmpty(t, g.EventSelectors[0].ReadWriteType)
			}
			if len(in.AdvancedEventSelectors) > 0 {
				assert.Equal(t, in.AdvancedEventSelectors[0].FieldSelectors, g.AdvancedEventSelectors[0].FieldSelectors)
			}
		})
	}
}

func TestProtocolErrors(t *testing.T) {
	ts := cloudtrailfake.Start(t, nil)
	ts.SetFault("DescribeTrails", cloudtrailfake.Fault{Status: 400, Code: "AccessDeniedException", Message: "not authorized", Times: 1})
	_, err := ts.Client().DescribeTrails(t.Context(), &cloudtrail.DescribeTrailsInput{})
	assert.Equal(t, "AccessDeniedException", code(err))
	_, err = ts.Client().DescribeTrails(t.Context(), &cloudtrail.DescribeTrailsInput{})
	assert.NoError(t, err)
	assert.Equal(t, 2, ts.Count("DescribeTrails"))

	_, err = ts.Client(func(o *cloudtrail.Options) { o.Credentials = aws.AnonymousCredentials{} }).DescribeTrails(t.Context(), &cloudtrail.DescribeTrailsInput{})
	assert.Equal(t, "MissingAuthenticationTokenException", code(err))

	// Operations the fake does not implement are refused, not faked.
	_, err = ts.Client().GetInsightSelectors(t.Context(), &cloudtrail.GetInsightSelectorsInput{TrailName: aws.String("x")})
	assert.Equal(t, "UnknownOperationException", code(err))

	req, err := http.NewRequest(http.MethodPost, ts.URL+"/", strings.NewReader("{}"))
	require.NoError(t, err)
	req.Header.Set("X-Amz-Target", "CloudTrail_20131101.DescribeTrails")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the JSON 1.1 content type is required")
}
