package cloudtrailfake_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/conformance"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestWireConformance runs one sequence of CloudTrail calls against the
// fake and moto_server (which serves CloudTrail on its one port) and
// expects the same answers. Where moto differs from AWS the sequence does
// not look: a new trail has no event selectors in moto (AWS gives it the
// default management-events selector), and moto does not validate
// selectors nor clear advanced selectors when basic ones are put.
func TestWireConformance(t *testing.T) {
	targets := []struct {
		name string
		mk   func(t *testing.T) (*cloudtrail.Client, string)
	}{
		{"fake", func(t *testing.T) (*cloudtrail.Client, string) {
			ts := cloudtrailfake.Start(t, nil)
			return ts.Client(), ts.AccountID()
		}},
		{"moto", func(t *testing.T) (*cloudtrail.Client, string) {
			ep := conformance.StartMoto(t)
			// moto may be shared with other packages' tests (CI): an account
			// of this run's own, through moto's x-moto-account-id header.
			acct := fakeutil.MotoAccountID(7)
			hc := &http.Client{Timeout: 30 * time.Second, Transport: fakeutil.MotoAccount(acct, http.DefaultTransport)}
			// moto's CreateTrail needs the log bucket to exist. Bucket names
			// are one namespace across moto's accounts, as in S3: the
			// account's own name, so that a moto that already served this
			// test (another run against S3SECURE_MOTO_ENDPOINT, -count=2)
			// does not answer BucketAlreadyExists.
			s3c := s3fake.NewClient(ep, "us-east-1", hc, credentials.NewStaticCredentialsProvider("AKIAMOTO", "moto-secret", ""))
			_, err := s3c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(trailLogs(acct))})
			require.NoError(t, err)
			return cloudtrailfake.NewClient(ep, "us-east-1", func(o *cloudtrail.Options) { o.HTTPClient = hc }), acct
		}},
	}
	for _, tgt := range targets {
		t.Run(tgt.name, func(t *testing.T) {
			c, acct := tgt.mk(t)
			ctx := t.Context()
			name := fmt.Sprintf("wire-%d", time.Now().UnixNano()%1_000_000)

			_, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(name)})
			var nf *types.TrailNotFoundException
			assert.ErrorAs(t, err, &nf)

			cr, err := c.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String(trailLogs(acct)), IsMultiRegionTrail: aws.Bool(true)})
			require.NoError(t, err)
			arn := "arn:aws:cloudtrail:us-east-1:" + acct + ":trail/" + name
			assert.Equal(t, arn, aws.ToString(cr.TrailARN))

			d, err := c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{name}})
			require.NoError(t, err)
			require.Len(t, d.TrailList, 1)
			assert.True(t, aws.ToBool(d.TrailList[0].IsMultiRegionTrail))
			assert.Equal(t, "us-east-1", aws.ToString(d.TrailList[0].HomeRegion))

			st, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(arn)})
			require.NoError(t, err)
			assert.False(t, aws.ToBool(st.IsLogging))
			_, err = c.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String(name)})
			require.NoError(t, err)
			st, err = c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(name)})
			require.NoError(t, err)
			assert.True(t, aws.ToBool(st.IsLogging))

			basic := []types.EventSelector{{ReadWriteType: types.ReadWriteTypeWriteOnly, IncludeManagementEvents: aws.Bool(true),
				DataResources: []types.DataResource{{Type: aws.String("AWS::S3::Object"), Values: []string{"arn:aws:s3:::data/"}}}}}
			pe, err := c.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String(name), EventSelectors: basic})
			require.NoError(t, err)
			assert.Equal(t, arn, aws.ToString(pe.TrailARN))
			g, err := c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(arn)})
			require.NoError(t, err)
			require.Len(t, g.EventSelectors, 1)
			assert.Equal(t, types.ReadWriteTypeWriteOnly, g.EventSelectors[0].ReadWriteType)
			assert.Equal(t, []string{"arn:aws:s3:::data/"}, g.EventSelectors[0].DataResources[0].Values)

			adv := []types.AdvancedEventSelector{{Name: aws.String("s3"), FieldSelectors: []types.AdvancedFieldSelector{
				{Field: aws.String("eventCategory"), Equals: []string{"Data"}},
				{Field: aws.String("resources.type"), Equals: []string{"AWS::S3::Object"}},
				{Field: aws.String("resources.ARN"), StartsWith: []string{"arn:aws:s3:::data/"}},
			}}}
			_, err = c.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String(name), AdvancedEventSelectors: adv})
			require.NoError(t, err)
			g, err = c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(name)})
			require.NoError(t, err)
			assert.Empty(t, g.EventSelectors, "advanced selectors replace basic ones")
			require.Len(t, g.AdvancedEventSelectors, 1)
			assert.Equal(t, adv[0].FieldSelectors, g.AdvancedEventSelectors[0].FieldSelectors)

			_, err = c.DeleteTrail(ctx, &cloudtrail.DeleteTrailInput{Name: aws.String(name)})
			require.NoError(t, err)
			_, err = c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(name)})
			assert.ErrorAs(t, err, &nf)
		})
	}
}

// trailLogs is the log bucket of TestWireConformance's trail in account
// acct.
func trailLogs(acct string) string { return "wire-trail-logs-" + acct }
