package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCloudFrontCommandLocal(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "cloudfront", "-bucket", "site-bucket", "-https-only")
	require.Equal(t, exitOK, code, stderr)
	var steps []string
	rows := jsonRows(t, stdout)
	require.NotEmpty(t, rows)
	id := rows[0]["distribution_id"]
	assert.Regexp(t, `^E[A-Z0-9]+$`, id)
	for _, row := range rows {
		assert.Equal(t, "site-bucket", row["bucket"])
		assert.Equal(t, id, row["distribution_id"], "every row names the distribution")
		assert.Regexp(t, `^[a-z0-9]+\.cloudfront\.net$`, row["domain_name"])
		assert.Equal(t, "arn:aws:cloudfront::"+s3fake.DefaultAccountID+":distribution/"+id, row["distribution_arn"])
		assert.Equal(t, "InProgress", row["status"])
		steps = append(steps, row["step"]+":"+row["action"])
		if row["step"] == "create-distribution" {
			assert.Contains(t, row["detail"], "https-only")
			assert.Contains(t, row["detail"], "site-bucket.s3.us-east-1.amazonaws.com")
		}
	}
	assert.Equal(t, []string{"origin-access-control:create", "create-distribution:create", "bucket-policy:create"}, steps)

	code, stdout, stderr = runCLI(t, "", "-local", "cloudfront", "-bucket", "site-bucket")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^distribution E[A-Z0-9]+ \(https://[a-z0-9]+\.cloudfront\.net/, arn:aws:cloudfront::\d{12}:distribution/E[A-Z0-9]+\): `+
		`3 changes, 0 warnings; status InProgress\n\z`, stdout, "the summary line ends the text output")
}

func TestCloudFrontCommandUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"cloudfront"}, "-bucket is required"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate"}, "-migrate needs -distribution"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-delete-oai"}, "-delete-oai applies to -migrate only"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "extra"}, "unexpected argument"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-https-only"}, "-migrate only switches the origin"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-wait", "0"}, "-wait must be positive"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-wait", "-1s"}, "-wait must be positive"},
		{[]string{"-local", "cloudfront", "-bucket", "b-b-b", "-alias", "cdn.example.com"},
			"a -certificate is required with -alias (an ACM certificate in us-east-1 covering them)"},
	} {
		code, _, stderr := runCLI(t, "", tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.msg)
	}
	code, stdout, stderr := runCLI(t, "", "-local", "cloudfront", "-bucket", "Bad_Name")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout, "refused before any step: no summary of nothing")
	assert.Regexp(t, `(?i)invalid ?bucket ?name`, stderr)
}

// TestCloudFrontCommandUnscopedAccessIsADecision: a bucket policy that
// already lets every distribution in (cloudfront.amazonaws.com without
// aws:SourceArn) is refused before any write, and, like a bucket whose
// Block Public Access is off, exits 1 with a hint: the decision is the
// user's (README, exit codes).
func TestCloudFrontCommandUnscopedAccessIsADecision(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("cf-unscoped", s3fake.StateAWSDefault))
	_, err := a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("cf-unscoped"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"AnyDistribution","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::cf-unscoped/*"}]}`)})
	require.NoError(t, err)
	code, _, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "cloudfront", "-bucket", "cf-unscoped")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stderr, "AnyDistribution")
	assert.Contains(t, stderr, "(hint: scope each named statement to one distribution (aws:SourceArn with its ARN) or remove it, then run again)")
}

// TestCloudFrontCommandRefusesSidConflict: someone else's statement under
// s3secure's OAC Sid (a grant that also lets distributions upload) stops
// cloudfront with the library's *SidConflictError as one line on stderr
// (the policy, the Sid, why, and what to do) and exit 1, as harden does
// for its Sids (TestHardenRefusesSidConflict); nothing is written.
// Renamed, the statement is kept and the distribution is wired.
func TestCloudFrontCommandRefusesSidConflict(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("cf-sid", s3fake.StateAWSDefault))
	uploads := `{"Version":"2012-10-17","Statement":[{"Sid":"S3SecureAllowCloudFrontOAC","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},` +
		`"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::cf-sid/*","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/EOTHER1"}}}]}`
	_, err := a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("cf-sid"), Policy: aws.String(uploads)})
	require.NoError(t, err)
	a.ResetCounts()
	base := []string{"-endpoint", a.URL, "-region", "us-east-1"}
	code, _, stderr := runCLI(t, "", append(base, "cloudfront", "-bucket", "cf-sid")...)
	assert.Equal(t, exitFindings, code, stderr)
	assert.Equal(t, `s3secure: cloudfront: bucket-policy (bucket cf-sid): bucket policy of cf-sid: statement "S3SecureAllowCloudFrontOAC" is not s3secure's `+
		`(its actions differ from s3secure's), and replacing it with s3secure's would drop it, so the policy was not written: `+
		"give that statement another Sid, then run again\n", stderr)
	assert.Zero(t, a.WriteCount()+a.CloudFront.Writes(), "nothing written")
	cfg, _ := a.Bucket("cf-sid")
	assert.Equal(t, uploads, cfg.Policy)

	renamed := strings.Replace(uploads, "S3SecureAllowCloudFrontOAC", "Uploads", 1)
	_, err = a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("cf-sid"), Policy: aws.String(renamed)})
	require.NoError(t, err)
	code, _, stderr = runCLI(t, "", append(base, "cloudfront", "-bucket", "cf-sid")...)
	assert.Equal(t, exitOK, code, stderr)
	cfg, _ = a.Bucket("cf-sid")
	assert.Contains(t, cfg.Policy, `"Sid":"Uploads"`)
}

// TestCloudFrontCommandPolicyConflictIsADecision: a bucket policy the
// wiring would have to change against its owner's intent (here an ARN
// pattern under s3secure's OAC Sid, which rewriting for one distribution
// would drop; for -migrate, an identity the policy does not grant) is
// refused by the library with ErrPolicyConflict before any write. The
// README's exit codes make that 1, "a change ... cloudfront refuses to
// make without your decision"; the command exited 2, a usage or setup
// error, as only *SidConflictError was counted.
func TestCloudFrontCommandPolicyConflictIsADecision(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("cf-pattern", s3fake.StateAWSDefault))
	pattern := `{"Version":"2012-10-17","Statement":[{"Sid":"S3SecureAllowCloudFrontOAC","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},` +
		`"Action":"s3:GetObject","Resource":"arn:aws:s3:::cf-pattern/*","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/*"}}}]}`
	_, err := a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("cf-pattern"), Policy: aws.String(pattern)})
	require.NoError(t, err)
	a.ResetCounts()
	code, _, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "cloudfront", "-bucket", "cf-pattern")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stderr, "ARN pattern")
	assert.Zero(t, a.WriteCount()+a.CloudFront.Writes(), "nothing written")
}

// TestCloudFrontCommandMigrateUnscopedAccessIsADecision: Migrate does not
// refuse a bucket policy that lets distributions it does not name in (it
// adds no such access, and refusing would keep the OAI): it warns, and
// names the statements in Result.UnscopedStatements. The command printed
// the warning and exited 0, though the README makes "cloudfront on a
// bucket ... whose policy already lets distributions it does not name in"
// exit 1, so a gate on -migrate passed a bucket any distribution of any
// account reads. It now finishes the migration and exits 1 with the hint.
func TestCloudFrontCommandMigrateUnscopedAccessIsADecision(t *testing.T) {
	const bucket = "cf-migrate-unscoped"
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket(bucket, s3fake.StateAWSDefault))
	ctx := t.Context()
	owner := a.OwnerCredential()
	cfc := cfsdk.New(cfsdk.Options{
		BaseEndpoint: aws.String(a.URL), Region: "us-east-1", HTTPClient: a.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, owner.SessionToken),
	})
	oai, err := cloudfront.CreateLegacyOAI(ctx, cfc, a.OwnerClient(), bucket, nil)
	require.NoError(t, err)
	out, err := cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: &cftypes.DistributionConfig{
		CallerReference: aws.String("by-hand"), Comment: aws.String("site"), Enabled: aws.Bool(true),
		Origins: &cftypes.Origins{Quantity: aws.Int32(1), Items: []cftypes.Origin{{
			Id: aws.String("bucket"), DomainName: aws.String(bucket + ".s3.us-east-1.amazonaws.com"),
			S3OriginConfig: &cftypes.S3OriginConfig{OriginAccessIdentity: aws.String(oai.OriginValue)},
		}}},
		DefaultCacheBehavior: &cftypes.DefaultCacheBehavior{TargetOriginId: aws.String("bucket"), ViewerProtocolPolicy: cftypes.ViewerProtocolPolicyHttpsOnly,
			CachePolicyId: aws.String(cloudfront.DefaultCachePolicyID)},
	}})
	require.NoError(t, err)
	id := aws.ToString(out.Distribution.Id)
	a.CloudFront.Deploy(id)
	cfg, _ := a.Bucket(bucket)
	_, err = a.OwnerClient().PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(strings.Replace(cfg.Policy, `"Statement":[`,
		`"Statement":[{"Sid":"AnyDistribution","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::`+bucket+`/*"},`, 1))})
	require.NoError(t, err)

	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "cloudfront", "-bucket", bucket, "-migrate", "-distribution", id, "-wait", "5s")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "origin bucket: origin access identity "+oai.ID, "the migration was done")
	assert.Equal(t, `s3secure: cloudfront: the bucket policy lets distributions it does not name reach the bucket: statement "AnyDistribution" lets cloudfront.amazonaws.com in for distributions it does not name in AWS:SourceArn`+
		" (hint: scope each named statement to one distribution (aws:SourceArn with its ARN) or remove it, then run again)\n", stderr)
}
