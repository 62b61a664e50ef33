package securebucket_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// hiddenRegion is a client that does not expose its Options (so its
// Region): a wrapper that securebucket cannot look through.
type hiddenRegion struct{ *s3.Client }

func (h hiddenRegion) Options() {}

func (h hiddenRegion) GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	return h.Client.GetBucketLocation(ctx, in)
}

// TestPartitionOutsideAWS: outside the aws partition (China, GovCloud, the
// ISO partitions, the European Sovereign Cloud) a bucket's ARN is
// arn:PARTITION:s3:::bucket ("arn:aws-cn:s3:::bucket" in China). With no
// Options.Region, Harden writes its statements in the partition of the
// client's Region, and Audit judges TLS-deny statements against that ARN:
// a correct deny naming arn:aws-cn: passes S3.5 and the TLS-version
// check. Both took the aws partition: Harden's statements were refused
// ("Policy has invalid resource") and Audit failed a correct policy.
func TestPartitionOutsideAWS(t *testing.T) {
	for _, region := range []string{"cn-north-1", "us-gov-west-1", "us-isof-south-1", "eusc-de-east-1"} {
		t.Run(region, func(t *testing.T) {
			p, ok := policy.PartitionOfRegion(region)
			require.True(t, ok)
			f := s3fake.Start(t, &s3fake.Options{Region: region})
			c := f.OwnerClient()

			// A foreign TLS deny of the bucket's partition passes.
			bucketIn(t, f, "foreign", s3fake.StateAWSDefault)
			stmt := `{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:P:s3:::foreign","arn:P:s3:::foreign/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},` +
				`{"Sid":"NoOldTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:P:s3:::foreign","arn:P:s3:::foreign/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`
			putPolicy(t, c, "foreign", `{"Version":"2012-10-17","Statement":[`+strings.ReplaceAll(stmt, "arn:P:", "arn:"+p+":")+`]}`)
			for name, client := range map[string]securebucket.ReadAPI{"s3.Client": c, "wrapper": hiddenRegion{c}} {
				rep, err := securebucket.Audit(t.Context(), client, "foreign", auditOpts())
				require.NoError(t, err, name)
				for _, ctl := range []securebucket.Control{securebucket.ControlTLSOnly, securebucket.ControlOutdatedTLS} {
					r, ok := rep.Result(ctl)
					require.True(t, ok)
					assert.Equal(t, securebucket.StatusPass, r.Status, "%s %s: %s", name, ctl, r.Message)
				}
			}
			res, err := securebucket.Harden(t.Context(), c, "foreign", opts())
			require.NoError(t, err)
			ps := stepOf(t, res.Steps, securebucket.StepPolicy)
			assert.Equal(t, securebucket.ActionNone, ps.Action, "the foreign statements do the job: %s", ps.Detail)

			// Harden writes statements in the bucket's partition, through
			// a client that hides its Region too.
			for name, client := range map[string]securebucket.API{"s3.Client": c, "wrapper": hiddenRegion{c}} {
				bucket := "fresh-" + strings.ToLower(strings.ReplaceAll(name, ".", "-"))
				bucketIn(t, f, bucket, s3fake.StateAWSDefault)
				_, err = securebucket.Harden(t.Context(), client, bucket, opts())
				require.NoError(t, err, name)
				out, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
				require.NoError(t, err)
				doc := aws.ToString(out.Policy)
				assert.Contains(t, doc, `"arn:`+p+`:s3:::`+bucket+`/*"`, name)
				assert.NotContains(t, doc, `arn:aws:`, name)
				rep, err := securebucket.Audit(t.Context(), client, bucket, auditOpts())
				require.NoError(t, err)
				for _, ctl := range []securebucket.Control{securebucket.ControlTLSOnly, securebucket.ControlOutdatedTLS} {
					r, _ := rep.Result(ctl)
					assert.Equal(t, securebucket.StatusPass, r.Status, "%s %s: %s", name, ctl, r.Message)
				}
			}
		})
	}
}

// TestPartitionUnknown: when neither Options.Region nor the client tells
// the bucket's Region and S3 refuses GetBucketLocation, Audit does not
// take the aws partition: S3.5 and the TLS-version check are UNKNOWN with
// the error (the other controls are judged), and Harden writes nothing
// and names the policy step.
func TestPartitionUnknown(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{Region: "cn-north-1"})
	c := f.OwnerClient()
	bucketIn(t, f, "nowhere", s3fake.StateAWSDefault)
	putPolicy(t, c, "nowhere", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws-cn:s3:::nowhere","arn:aws-cn:s3:::nowhere/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	f.InjectFault("GetBucketLocation", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
	rep, err := securebucket.Audit(t.Context(), hiddenRegion{c}, "nowhere", auditOpts())
	require.NoError(t, err)
	for _, ctl := range []securebucket.Control{securebucket.ControlTLSOnly, securebucket.ControlOutdatedTLS} {
		r, _ := rep.Result(ctl)
		assert.Equal(t, securebucket.StatusUnknown, r.Status, "%s: %s", ctl, r.Message)
		assert.Contains(t, r.Message, "AccessDenied")
		assert.Error(t, r.Err)
	}
	r, _ := rep.Result(securebucket.ControlVersioning)
	assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)

	// Through the *s3.Client, whose Region tells the partition, nothing
	// needs reading.
	o := auditOpts()
	rep, err = securebucket.Audit(t.Context(), c, "nowhere", o)
	require.NoError(t, err)
	r, _ = rep.Result(securebucket.ControlTLSOnly)
	assert.Equal(t, securebucket.StatusPass, r.Status, r.Message)

	writes := f.WriteCount()
	_, err = securebucket.Harden(t.Context(), hiddenRegion{c}, "nowhere", opts())
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepPolicy, se.Step)
	assert.Contains(t, err.Error(), "AccessDenied")
	assert.Equal(t, writes, f.WriteCount(), "nothing written")
}

// TestAccessPointARNPartition: an access point's ARN, and the statements
// AccessPointPolicy writes on it, are in its Region's partition
// (arn:aws-cn:s3:cn-north-1:…); they were arn:aws: everywhere.
func TestAccessPointARNPartition(t *testing.T) {
	for region, want := range map[string]string{
		"eu-west-1":       "arn:aws:s3:eu-west-1:111122223333:accesspoint/app",
		"cn-north-1":      "arn:aws-cn:s3:cn-north-1:111122223333:accesspoint/app",
		"us-gov-west-1":   "arn:aws-us-gov:s3:us-gov-west-1:111122223333:accesspoint/app",
		"us-isof-south-1": "arn:aws-iso-f:s3:us-isof-south-1:111122223333:accesspoint/app",
		"eusc-de-east-1":  "arn:aws-eusc:s3:eusc-de-east-1:111122223333:accesspoint/app",
	} {
		assert.Equal(t, want, securebucket.AccessPointARN(region, "111122223333", "app"))
		p, _ := policy.PartitionOfRegion(region)
		doc, err := securebucket.AccessPointPolicy(region, "111122223333", "app", &securebucket.AccessPointOptions{Principal: "arn:" + p + ":iam::111122223333:role/reader"})
		require.NoError(t, err, region)
		for _, s := range doc.Statements {
			for _, r := range s.Resource {
				assert.True(t, strings.HasPrefix(r, want), "%s: %s", region, r)
			}
		}
	}
}

// TestRegionNamesOfEveryPartition: Options.Region takes the Region names
// of every partition, eusc-de-east-1 (the European Sovereign Cloud) among
// them; a pattern typed by hand (two letters first) refused it as "not a
// Region name". Names that are no Region stay refused.
func TestRegionNamesOfEveryPartition(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{Region: "eusc-de-east-1"})
	c := f.OwnerClient()
	bucketIn(t, f, "sovereign", s3fake.StateAWSDefault)
	o := opts()
	o.Region = "eusc-de-east-1"
	_, err := securebucket.Harden(t.Context(), c, "sovereign", o)
	require.NoError(t, err)
	out, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("sovereign")})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(out.Policy), `"arn:aws-eusc:s3:::sovereign/*"`)
	for _, bad := range []string{"EU", "eusc", "eusc-de-east", "us_east_1", "../etc"} {
		o.Region = bad
		_, err := securebucket.Harden(t.Context(), c, "sovereign", o)
		assert.ErrorIs(t, err, securebucket.ErrInvalidOptions, bad)
	}
}

// DelegateToAccessPoints names the bucket in the partition of the
// client's Region: arn:aws:s3:::data is no bucket in China, and S3 (as the
// fake) refuses a policy whose resource is in another partition. It wrote
// arn:aws: resources, so the write failed there.
func TestDelegateToAccessPointsInThePartition(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{Region: "cn-north-1"})
	c := f.OwnerClient()
	bucketIn(t, f, "data", s3fake.StateAWSDefault)
	changed, err := securebucket.DelegateToAccessPoints(t.Context(), c, "data", s3fake.DefaultAccountID)
	require.NoError(t, err)
	assert.True(t, changed)
	out, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("data")})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(out.Policy), `arn:aws-cn:s3:::data/*`)
	assert.NotContains(t, aws.ToString(out.Policy), `arn:aws:s3:::`)
	again, err := securebucket.DelegateToAccessPoints(t.Context(), c, "data", s3fake.DefaultAccountID)
	require.NoError(t, err)
	assert.False(t, again, "its own statement is recognised")
}

// TestAccessPointARNUnclaimedRegion: a Region name no partition claims (an
// S3-compatible server's) names its access points in the partition
// aws-sdk-go-v2 resolves it in, aws (policy.EndpointPartition).
func TestAccessPointARNUnclaimedRegion(t *testing.T) {
	for _, region := range []string{"garage", "zz-west-1"} {
		assert.Equal(t, "arn:"+policy.EndpointPartition(region)+":s3:"+region+":111122223333:accesspoint/app", securebucket.AccessPointARN(region, "111122223333", "app"))
		assert.Equal(t, "arn:aws:s3:"+region+":111122223333:accesspoint/app", securebucket.AccessPointARN(region, "111122223333", "app"))
	}
}
