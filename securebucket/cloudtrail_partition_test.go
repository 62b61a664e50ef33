package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/securebucket"
)

// A trail in China names buckets by their ARNs there (arn:aws-cn:s3:::),
// the only ARNs they have: S3.22 and S3.23 read a trail's data resources
// in its own partition, and PlanDataEvents writes them in it. Both assumed
// arn:aws:s3:::, so a trail logging one bucket correctly failed the audit,
// and the plan added selectors that name no bucket of the partition.
func TestDataEventsInTheTrailsPartition(t *testing.T) {
	for _, region := range []string{"cn-north-1", "us-gov-west-1"} {
		t.Run(region, func(t *testing.T) {
			ts := cloudtrailfake.Start(t, &cloudtrailfake.Options{Region: region})
			e := ctTrailEnv{ts, ts.Client()}
			ctx := t.Context()
			partition := map[string]string{"cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov"}[region]
			e.trail(t, "main", true, true)
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{
				ctAdv(ctField("resources.ARN", "StartsWith", "arn:"+partition+":s3:::data/"))}})
			rs, err := securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: "data"})
			require.NoError(t, err)
			assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}, acctStatuses(rs))

			// The same bucket named in aws does not cover it there.
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3:::data/")}})
			rs, err = securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: "data"})
			require.NoError(t, err)
			assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusFail, "S3.23": securebucket.StatusFail}, acctStatuses(rs))

			plan, err := securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"data", "logs"}})
			require.NoError(t, err)
			require.NoError(t, securebucket.ApplyDataEvents(ctx, e.client, plan))
			got, err := e.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
			require.NoError(t, err)
			var values []string
			for _, s := range got.EventSelectors {
				for _, dr := range s.DataResources {
					values = append(values, dr.Values...)
				}
			}
			assert.Contains(t, values, "arn:"+partition+":s3:::data/")
			assert.Contains(t, values, "arn:"+partition+":s3:::logs/")
			assert.Contains(t, values, "arn:aws:s3:::data/", "the user's own value is kept")
			for _, b := range []string{"data", "logs"} {
				rs, err = securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: b})
				require.NoError(t, err)
				assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}, acctStatuses(rs), b)
			}
			again, err := securebucket.PlanDataEvents(ctx, e.client, "main", &securebucket.DataEventsOptions{Buckets: []string{"data", "logs"}})
			require.NoError(t, err)
			assert.True(t, again.NoChange(), again.String())
		})
	}
}

func TestSelectorsCoverageIn(t *testing.T) {
	rw := securebucket.DataEventsCoverage{Read: true, Write: true}
	none := securebucket.DataEventsCoverage{}
	cn := []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws-cn:s3:::data/")}
	assert.Equal(t, rw, securebucket.SelectorsCoverageIn("aws-cn", cn, nil, "data"))
	assert.Equal(t, none, securebucket.SelectorsCoverage(cn, nil, "data"), "SelectorsCoverage is the aws partition's")
	assert.Equal(t, none, securebucket.SelectorsCoverageIn("aws-us-gov", cn, nil, "data"))
	all := []cttypes.AdvancedEventSelector{ctAdv(ctField("resources.ARN", "StartsWith", "arn:aws-cn:s3:::"))}
	assert.Equal(t, rw, securebucket.SelectorsCoverageIn("aws-cn", nil, all, ""))
	assert.Equal(t, rw, securebucket.SelectorsCoverageIn("aws-cn", nil, all, "data"))
	assert.Equal(t, none, securebucket.SelectorsCoverageIn("aws", nil, all, "data"))
}

// "All buckets" is the trail's partition's: arn:aws-cn:s3 in a trail in
// aws selects no bucket there.
func TestSelectorsCoverageAllBucketsInPartition(t *testing.T) {
	rw := securebucket.DataEventsCoverage{Read: true, Write: true}
	for _, v := range []string{"arn:aws-cn:s3", "arn:aws-cn:s3:::"} {
		sel := []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, v)}
		assert.Equal(t, rw, securebucket.SelectorsCoverageIn("aws-cn", sel, nil, "data"), v)
		assert.Equal(t, securebucket.DataEventsCoverage{}, securebucket.SelectorsCoverage(sel, nil, "data"), v)
	}
}

// TestAuditDataEventsResourceInThePartition: S3.22's and S3.23's results
// for one bucket name it by its ARN in the trails' partition
// (arn:aws-cn:s3:::data in China), whether they pass or fail, and in the
// partition of the CloudTrail client's Region when there is no trail to
// take it from. They said arn:aws:s3:::data whatever the partition: an ARN
// that names no bucket there, under which a report or a suppression
// keyed by ARN files the result.
func TestAuditDataEventsResourceInThePartition(t *testing.T) {
	for region, partition := range map[string]string{"cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "eu-west-1": "aws"} {
		t.Run(region, func(t *testing.T) {
			ts := cloudtrailfake.Start(t, &cloudtrailfake.Options{Region: region})
			e := ctTrailEnv{ts, ts.Client()}
			ctx := t.Context()
			want := "arn:" + partition + ":s3:::data"
			resources := func(rs []securebucket.AccountResult) []string {
				var out []string
				for _, r := range rs {
					out = append(out, r.Resource)
				}
				return out
			}

			rs, err := securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: "data"})
			require.NoError(t, err)
			assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusFail, "S3.23": securebucket.StatusFail}, acctStatuses(rs), "no trails")
			assert.Equal(t, []string{want, want}, resources(rs), "no trails: the client's Region's partition")

			e.trail(t, "main", true, true)
			rs, err = securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: "data"})
			require.NoError(t, err)
			assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusFail, "S3.23": securebucket.StatusFail}, acctStatuses(rs))
			assert.Equal(t, []string{want, want}, resources(rs))

			e.put(t, "main", cloudtrail.PutEventSelectorsInput{AdvancedEventSelectors: []cttypes.AdvancedEventSelector{
				ctAdv(ctField("resources.ARN", "StartsWith", "arn:"+partition+":s3:::data/"))}})
			rs, err = securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: "data"})
			require.NoError(t, err)
			assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}, acctStatuses(rs))
			assert.Equal(t, []string{want, want}, resources(rs))
			for _, r := range rs {
				assert.Equal(t, "data", r.Bucket)
			}

			ts.SetFault("DescribeTrails", cloudtrailfake.Fault{Status: 400, Code: "AccessDeniedException", Message: "denied"})
			rs, err = securebucket.AuditDataEvents(ctx, e.client, &securebucket.DataEventsAuditOptions{Bucket: "data"})
			require.NoError(t, err)
			assert.Equal(t, map[string]securebucket.Status{"S3.22": securebucket.StatusUnknown, "S3.23": securebucket.StatusUnknown}, acctStatuses(rs))
			assert.Equal(t, []string{want, want}, resources(rs), "trails not listed: the client's Region's partition")
		})
	}
}
