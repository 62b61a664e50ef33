package cloudfront_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// TestCreateLegacyOAIRefusesSomeoneElsesStatementUnderItsSid: a statement
// under OAIStatementSid that is not the identity's grant, nor a version of
// it the grant strengthens, nor the grant made stricter, is someone
// else's. CreateLegacyOAI replaced it with the grant unless it was an
// Allow naming the identity alone, so a Deny of private/ for the identity
// became an Allow of the whole bucket (the identity read private/ through
// the bucket's other grant), and an Allow for the identity and a role lost
// the role. Now it refuses before any write (no identity created, no
// policy written) with a *SidConflictError (ErrSidConflict, also
// ErrPolicyConflict) naming the policy, the Sid and how it differs, as
// securebucket's writers do; the identity's grant narrowed to public/, or
// naming the identity by its canonical user ID, is kept as it is.
func TestCreateLegacyOAIRefusesSomeoneElsesStatementUnderItsSid(t *testing.T) {
	const sid = cloudfront.OAIStatementSid
	object := "arn:aws:s3:::" + testBucket + "/*"
	private := "arn:aws:s3:::" + testBucket + "/private/payroll.csv"
	principal := func(id string) string { return `{"AWS":"` + policy.OAIPrincipalARN(id) + `"}` }
	rows := []struct {
		name string
		// statement is the statement under the Sid, given the identity
		// the first run made ("" before any run).
		statement func(id, canonical string) string
		// fresh: the bucket has no identity yet (the refusal must come
		// before one is created).
		fresh  bool
		reason string // "" for kept as it is
	}{
		{"a Deny of private/ for the identity", func(id, _ string) string {
			return `{"Sid":"` + sid + `","Effect":"Deny","Principal":` + principal(id) + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/private/*"}`
		}, false, "it is a Deny, and s3secure's is an Allow"},
		{"an Allow for the identity and a role", func(id, _ string) string {
			return `{"Sid":"` + sid + `","Effect":"Allow","Principal":{"AWS":["` + policy.OAIPrincipalARN(id) + `","arn:aws:iam::111122223333:role/reports"]},"Action":"s3:GetObject","Resource":"` + object + `"}`
		}, false, "its principals differ from s3secure's"},
		{"an Allow of listing too", func(id, _ string) string {
			return `{"Sid":"` + sid + `","Effect":"Allow","Principal":` + principal(id) + `,"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::` + testBucket + `","` + object + `"]}`
		}, false, "its actions, resources differ from s3secure's"},
		{"an Allow from one network only, on another key", func(id, _ string) string {
			return `{"Sid":"` + sid + `","Effect":"Allow","Principal":` + principal(id) + `,"Action":"s3:GetObject","Resource":"` + object + `","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`
		}, false, ""},
		{"another identity's grant, before any identity exists", func(string, string) string {
			return `{"Sid":"` + sid + `","Effect":"Allow","Principal":` + principal("E2QWRUHEXAMPLE") + `,"Action":"s3:GetObject","Resource":"` + object + `"}`
		}, true, "it does not name the origin access identity s3secure makes for the bucket"},
		{"the grant narrowed to public/", func(id, _ string) string {
			return `{"Sid":"` + sid + `","Effect":"Allow","Principal":` + principal(id) + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/public/*"}`
		}, false, ""},
		{"the grant by canonical user ID", func(_, canonical string) string {
			return `{"Sid":"` + sid + `","Effect":"Allow","Principal":{"CanonicalUser":"` + canonical + `"},"Action":"s3:GetObject","Resource":"` + object + `"}`
		}, false, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			id, canonical := "", ""
			if !r.fresh {
				first, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
				require.NoError(t, err)
				id, canonical = first.ID, first.S3CanonicalUserID
			}
			// The bucket's readers: the identity through its own
			// statement, and the one under the Sid.
			doc := `{"Version":"2012-10-17","Statement":[` + r.statement(id, canonical)
			if !r.fresh {
				doc += `,{"Sid":"SiteRead","Effect":"Allow","Principal":` + principal(id) + `,"Action":"s3:GetObject","Resource":"` + object + `"}`
			}
			doc += `]}`
			e.putBucketPolicy(t, doc)
			before := e.bucketPolicy(t)
			e.resetCounts()

			res, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
			after := e.bucketPolicy(t)
			if !r.fresh {
				assert.False(t, strings.Contains(r.name, "Deny") && oaiAllowedOn(t, after, id, private), "the identity reads private/: %s", mustMarshal(t, after))
			}
			if r.reason == "" {
				require.NoError(t, err)
				assert.Equal(t, id, res.ID)
				assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "kept as it is: %v", res.Actions)
				assert.Equal(t, mustMarshal(t, before), mustMarshal(t, after))
				return
			}
			require.Error(t, err)
			var sc *cloudfront.SidConflictError
			require.True(t, errors.As(err, &sc), "%v", err)
			assert.Equal(t, cloudfront.SidConflictError{Policy: "bucket policy of " + testBucket, Sid: sid, Reason: r.reason}, *sc)
			require.ErrorIs(t, err, cloudfront.ErrSidConflict)
			require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
			var step *cloudfront.StepError
			require.True(t, errors.As(err, &step))
			assert.Equal(t, cloudfront.StepBucketPolicy, step.Step)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any write")
			assert.Equal(t, mustMarshal(t, before), mustMarshal(t, after), "the statement is kept")
		})
	}
}

// oaiAllowedOn decides a GetObject of resource by the OAI.
func oaiAllowedOn(t *testing.T, doc *policy.Document, oaiID, resource string) bool {
	t.Helper()
	return allowed(t, doc, policy.Caller{ARN: policy.OAIPrincipalARN(oaiID)}, "s3:GetObject", resource, "")
}

// TestServeBucketRefusesSomeoneElsesStatementUnderItsSids: the OAC
// statement and the KMS key statement are judged by the same rule as the
// OAI grant and securebucket's statements (policy.JudgeSid). An OAC
// statement that also lets the distribution upload (s3:PutObject) was
// replaced with the read-only grant, and a key statement that also lets
// it encrypt (kms:GenerateDataKey*, AWS's documented statement for
// uploads through CloudFront) with the kms:Decrypt-only one: the uploads
// broke and the owner's statements were lost. Now both are refused with a
// *SidConflictError before any write (the OAC statement's rows are in
// TestServeBucketNeverTurnsItsStatementIntoABroaderGrant, with a Deny under
// the Sid, refused before with ErrPolicyConflict and now the same error).
func TestServeBucketRefusesSomeoneElsesStatementUnderItsSids(t *testing.T) {
	t.Run("the key statement", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		e.useKMS(t, keyARN)
		id, _ := legacyDistribution(t, e, "")
		got, err := e.cfc.GetDistribution(t.Context(), &cfsdk.GetDistributionInput{Id: aws.String(id)})
		require.NoError(t, err)
		uploads := strings.Replace(defaultKeyPolicy, `]}`, `,{"Sid":"`+cloudfront.KMSStatementSidPrefix+id+`","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},`+
			`"Action":["kms:Decrypt","kms:Encrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"AWS:SourceArn":"`+aws.ToString(got.Distribution.ARN)+`"}}}]}`, 1)
		kf, kc := startKMS(t, map[string]string{keyARN: uploads})
		e.resetCounts()
		_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id, KMS: kc, ApplyKeyPolicy: true})
		var sc *cloudfront.SidConflictError
		require.True(t, errors.As(err, &sc), "%v", err)
		assert.Equal(t, cloudfront.SidConflictError{Policy: "key policy of " + keyARN, Sid: cloudfront.KMSStatementSidPrefix + id, Reason: "its actions differ from s3secure's"}, *sc)
		assert.ErrorIs(t, err, cloudfront.ErrSidConflict)
		assert.Equal(t, uploads, kf.policy(keyARN), "the statement stays")
		assert.Equal(t, 0, kf.count("PutKeyPolicy"))
		assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any write: %v", e.cf.Counts())
	})
}

// TestSidConflictError: the error names the policy, the Sid, why, and
// what to do, in one line; it is ErrSidConflict and ErrPolicyConflict.
func TestSidConflictError(t *testing.T) {
	err := error(&cloudfront.SidConflictError{Policy: "bucket policy of b", Sid: cloudfront.OAIStatementSid, Reason: "it is a Deny, and s3secure's is an Allow"})
	assert.Equal(t, `cloudfront: bucket policy of b: statement "S3SecureAllowCloudFrontOAI" is not s3secure's (it is a Deny, and s3secure's is an Allow), `+
		"and replacing it with s3secure's would drop it, so the policy was not written: give that statement another Sid, then run again", err.Error())
	assert.ErrorIs(t, err, cloudfront.ErrSidConflict)
	assert.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
	assert.NotErrorIs(t, err, cloudfront.ErrConflict)
}

// TestMigrateKeepsADenyOfTheIdentity: after a migration the owner denies
// the old identity everything, under OAIStatementSid or a Sid of their
// own, and keeps it read through a statement it shares with a role. A
// second Migrate, which the documentation says changes nothing on a
// migrated distribution, took the Deny for a statement that exists only
// for the identity (its one principal) and removed it: the user's
// statement was lost, and the identity read the bucket again through the
// shared grant. Only grants that exist only for the identity are removed;
// a Deny naming it is kept.
func TestMigrateKeepsADenyOfTheIdentity(t *testing.T) {
	for _, sid := range []string{cloudfront.OAIStatementSid, "NoOldIdentity"} {
		t.Run(sid, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			oai, id := legacySetup(t, e)
			_, err := cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, id, fastPoll)
			require.NoError(t, err)
			raw := string(mustMarshal(t, e.bucketPolicy(t)))
			object := "arn:aws:s3:::" + testBucket + "/*"
			e.putBucketPolicy(t, strings.Replace(raw, `"Statement":[`, `"Statement":[`+
				`{"Sid":"`+sid+`","Effect":"Deny","Principal":{"AWS":"`+policy.OAIPrincipalARN(oai.ID)+`"},"Action":"s3:*","Resource":"`+object+`"},`+
				`{"Sid":"Shared","Effect":"Allow","Principal":{"AWS":["`+policy.OAIPrincipalARN(oai.ID)+`","arn:aws:iam::111122223333:role/reports"]},"Action":"s3:GetObject","Resource":"`+object+`"},`, 1))
			before := e.bucketPolicy(t)
			e.resetCounts()

			res, err := cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, id, fastPoll)
			require.NoError(t, err)
			after := e.bucketPolicy(t)
			assert.Equal(t, mustMarshal(t, before), mustMarshal(t, after), "nothing changes: %v", res.Actions)
			assert.False(t, oaiAllowed(t, after, oai.ID), "the identity reads the bucket again")
			assert.Zero(t, e.s3.WriteCount())
		})
	}
}

// TestMigrateRefusesSomeoneElsesOACStatementBeforeAnyWrite: an OAC
// statement that also lets distributions upload stops Migrate with a
// *SidConflictError before it creates the origin access control (a Deny
// under that Sid was refused only after it, with ErrPolicyConflict).
func TestMigrateRefusesSomeoneElsesOACStatementBeforeAnyWrite(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	_, id := legacySetup(t, e)
	raw := string(mustMarshal(t, e.bucketPolicy(t)))
	e.putBucketPolicy(t, strings.Replace(raw, `"Statement":[`, `"Statement":[{"Sid":"`+cloudfront.OACStatementSid+`","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},`+
		`"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::`+testBucket+`/*","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/EOTHER1"}}},`, 1))
	before := e.bucketPolicy(t)
	e.resetCounts()
	_, err := cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, id, fastPoll)
	var sc *cloudfront.SidConflictError
	require.True(t, errors.As(err, &sc), "%v", err)
	assert.Equal(t, "its actions differ from s3secure's", sc.Reason)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any write: %v", e.cf.Counts())
	assert.Equal(t, mustMarshal(t, before), mustMarshal(t, e.bucketPolicy(t)))
}

// afterOAICreate runs hook with the identity's ID right after
// CreateCloudFrontOriginAccessIdentity: someone writes the bucket policy
// between CreateLegacyOAI's check and its write.
type afterOAICreate struct {
	cloudfront.CloudFrontAPI
	hook func(id string)
}

func (c *afterOAICreate) CreateCloudFrontOriginAccessIdentity(ctx context.Context, in *cfsdk.CreateCloudFrontOriginAccessIdentityInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreateCloudFrontOriginAccessIdentityOutput, error) {
	out, err := c.CloudFrontAPI.CreateCloudFrontOriginAccessIdentity(ctx, in, optFns...)
	if err == nil {
		c.hook(aws.ToString(out.CloudFrontOriginAccessIdentity.Id))
	}
	return out, err
}

// TestCreateLegacyOAIRefusesASidConflictAtWriteTime: a Deny of private/
// for the new identity, put under OAIStatementSid after CreateLegacyOAI
// checked the policy and before it writes, is found on the fresh read
// before the write: *SidConflictError, the policy is not written over it.
func TestCreateLegacyOAIRefusesASidConflictAtWriteTime(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	var deny string
	cf := &afterOAICreate{CloudFrontAPI: e.cfc, hook: func(id string) {
		deny = `{"Version":"2012-10-17","Statement":[{"Sid":"` + cloudfront.OAIStatementSid + `","Effect":"Deny","Principal":{"AWS":"` + policy.OAIPrincipalARN(id) + `"},` +
			`"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/private/*"}]}`
		e.putBucketPolicy(t, deny)
		e.resetCounts()
	}}
	_, err := cloudfront.CreateLegacyOAI(t.Context(), cf, e.s3c, testBucket, nil)
	var sc *cloudfront.SidConflictError
	require.ErrorAs(t, err, &sc)
	assert.Equal(t, "it is a Deny, and s3secure's is an Allow", sc.Reason)
	assert.Zero(t, e.s3.WriteCount(), "nothing written after the Deny")
	assert.JSONEq(t, deny, string(mustMarshal(t, e.bucketPolicy(t))))
}
