package securebucket_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

const apForeignStatement = `{"Sid":"TeamRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}`

func (e acctEnv) region() string { return e.s3f.Region() }

func (e acctEnv) bucketPolicy(t *testing.T, bucket string) *policy.Document {
	t.Helper()
	out, err := e.s3.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	doc, err := policy.Parse([]byte(aws.ToString(out.Policy)))
	require.NoError(t, err)
	return doc
}

func (e acctEnv) apPolicy(t *testing.T, name string) *policy.Document {
	t.Helper()
	out, err := e.control.GetAccessPointPolicy(t.Context(), &s3control.GetAccessPointPolicyInput{AccountId: aws.String(e.account), Name: aws.String(name)})
	require.NoError(t, err)
	doc, err := policy.Parse([]byte(aws.ToString(out.Policy)))
	require.NoError(t, err)
	return doc
}

func jsonEqual(t *testing.T, want string, got policy.Statement) {
	t.Helper()
	b, err := (&policy.Document{Statements: []policy.Statement{got}}).Marshal()
	require.NoError(t, err)
	var doc struct{ Statement json.RawMessage }
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.JSONEq(t, "["+want+"]", string(doc.Statement))
}

func TestCreateAccessPoint(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	_, err := e.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + apForeignStatement + `]}`)})
	require.NoError(t, err)

	opts := &securebucket.AccessPointOptions{VPCID: "vpc-0abc123", Principal: "arn:aws:iam::111122223333:role/app", Prefix: "app/"}
	res, err := securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
	require.NoError(t, err)
	arn := securebucket.AccessPointARN(e.region(), e.account, "app-ap")
	assert.Equal(t, arn, res.ARN)
	assert.True(t, res.Created)
	assert.True(t, res.PolicyChanged)
	assert.True(t, res.BucketPolicyChanged)
	assert.Equal(t, "VPC", res.NetworkOrigin)
	assert.NotEmpty(t, res.Alias)

	got, err := e.control.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(e.account), Name: aws.String("app-ap")})
	require.NoError(t, err)
	assert.Equal(t, s3ctltypes.NetworkOriginVpc, got.NetworkOrigin)
	assert.Equal(t, "vpc-0abc123", aws.ToString(got.VpcConfiguration.VpcId))
	assert.True(t, securebucket.PublicAccessBlockFromS3Control(got.PublicAccessBlockConfiguration).AllOn())

	// The access point policy: read objects under the prefix, list the prefix.
	ap := e.apPolicy(t, "app-ap")
	require.Len(t, ap.Statements, 2)
	jsonEqual(t, `{"Sid":"S3SecureAccessPointRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"`+arn+`/object/app/*"}`, ap.Statements[0])
	jsonEqual(t, `{"Sid":"S3SecureAccessPointList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:ListBucket","Resource":"`+arn+`","Condition":{"StringLike":{"s3:prefix":"app/*"}}}`, ap.Statements[1])
	assert.False(t, policy.IsPublic(ap, policy.KindAccessPoint).IsPublic)

	// The bucket policy: the foreign statement first and untouched, then
	// the delegation statement exactly as AWS documents it.
	bp := e.bucketPolicy(t, "data")
	require.Len(t, bp.Statements, 2)
	jsonEqual(t, apForeignStatement, bp.Statements[0])
	jsonEqual(t, `{"Sid":"S3SecureDelegateToAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"`+e.account+`"}}}`, bp.Statements[1])
	assert.False(t, policy.IsPublic(bp, policy.KindBucket).IsPublic, "delegation to the account's access points is not public")

	// Again: nothing to do, nothing written.
	creates, apPuts, bPuts := e.ctl.Count("CreateAccessPoint"), e.ctl.Count("PutAccessPointPolicy"), e.s3f.Count("PutBucketPolicy")
	res, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
	require.NoError(t, err)
	assert.False(t, res.Created || res.PolicyChanged || res.BucketPolicyChanged)
	assert.Equal(t, creates, e.ctl.Count("CreateAccessPoint"))
	assert.Equal(t, apPuts, e.ctl.Count("PutAccessPointPolicy"))
	assert.Equal(t, bPuts, e.s3f.Count("PutBucketPolicy"))
}

func TestCreateAccessPointPolicyMergeKeepsForeign(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	opts := &securebucket.AccessPointOptions{AllowInternetOrigin: true, Principal: "111122223333", Access: securebucket.AccessPointReadWrite}
	res, err := securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "shared", opts)
	require.NoError(t, err)
	assert.Equal(t, "Internet", res.NetworkOrigin)
	assert.Equal(t, []string{"S3SecureAccessPointRead", "S3SecureAccessPointList", "S3SecureAccessPointWrite"}, e.apPolicy(t, "shared").Sids())

	// Someone adds their own statement to the access point policy.
	arn := securebucket.AccessPointARN(e.region(), e.account, "shared")
	doc := e.apPolicy(t, "shared")
	doc.Statements = append(doc.Statements, policy.Statement{Sid: "Auditors", Effect: policy.Allow, Principal: policy.AWSPrincipal("arn:aws:iam::111122223333:role/audit"),
		Action: policy.Strings("s3:GetObject"), Resource: policy.Strings(arn + "/object/reports/*")})
	body, err := doc.Marshal()
	require.NoError(t, err)
	_, err = e.control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(e.account), Name: aws.String("shared"), Policy: aws.String(string(body))})
	require.NoError(t, err)

	// Narrowing to read: our write statement goes, the user's stays.
	opts.Access = securebucket.AccessPointRead
	res, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "shared", opts)
	require.NoError(t, err)
	assert.False(t, res.Created)
	assert.True(t, res.PolicyChanged)
	assert.False(t, res.BucketPolicyChanged)
	assert.Equal(t, []string{"S3SecureAccessPointRead", "S3SecureAccessPointList", "Auditors"}, e.apPolicy(t, "shared").Sids())
}

func TestCreateAccessPointRefusals(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	region := e.region()
	tests := []struct {
		name       string
		account    string
		region     string
		bucket, ap string
		opts       *securebucket.AccessPointOptions
		want       error
	}{
		{"no origin", e.account, region, "data", "app", nil, securebucket.ErrAccessPointOrigin},
		{"bad account", "1234", region, "data", "app", &securebucket.AccessPointOptions{VPCID: "vpc-1"}, securebucket.ErrInvalidAccountID},
		{"bad region", e.account, "mars", "data", "app", &securebucket.AccessPointOptions{VPCID: "vpc-1"}, securebucket.ErrInvalidAccessPoint},
		{"bad name", e.account, region, "data", "App_1", &securebucket.AccessPointOptions{VPCID: "vpc-1"}, securebucket.ErrInvalidAccessPoint},
		{"name too short", e.account, region, "data", "ap", &securebucket.AccessPointOptions{VPCID: "vpc-1"}, securebucket.ErrInvalidAccessPoint},
		{"reserved suffix", e.account, region, "data", "app-s3alias", &securebucket.AccessPointOptions{VPCID: "vpc-1"}, securebucket.ErrInvalidAccessPoint},
		{"bad bucket", e.account, region, "Data", "app", &securebucket.AccessPointOptions{VPCID: "vpc-1"}, securebucket.ErrInvalidAccessPoint},
		{"bad vpc", e.account, region, "data", "app", &securebucket.AccessPointOptions{VPCID: "vpce-1"}, securebucket.ErrInvalidAccessPoint},
		{"wildcard principal", e.account, region, "data", "app", &securebucket.AccessPointOptions{VPCID: "vpc-1", Principal: "*"}, securebucket.ErrInvalidAccessPoint},
		{"wildcard role", e.account, region, "data", "app", &securebucket.AccessPointOptions{VPCID: "vpc-1", Principal: "arn:aws:iam::111122223333:role/*"}, securebucket.ErrInvalidAccessPoint},
		{"wildcard prefix", e.account, region, "data", "app", &securebucket.AccessPointOptions{VPCID: "vpc-1", Principal: "111122223333", Prefix: "a*"}, securebucket.ErrInvalidAccessPoint},
		{"unknown access", e.account, region, "data", "app", &securebucket.AccessPointOptions{VPCID: "vpc-1", Access: "admin"}, securebucket.ErrInvalidAccessPoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := securebucket.CreateAccessPoint(ctx, e.control, e.s3, tt.account, tt.region, tt.bucket, tt.ap, tt.opts)
			assert.ErrorIs(t, err, tt.want)
		})
	}
	assert.Zero(t, e.ctl.Count("GetAccessPoint")+e.ctl.Count("CreateAccessPoint"), "invalid input sends no request")

	// An existing access point that differs cannot be changed.
	_, err := e.control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(e.account), Name: aws.String("legacy"), Bucket: aws.String("data"),
		PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}})
	require.NoError(t, err)
	_, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, region, "data", "legacy", &securebucket.AccessPointOptions{VPCID: "vpc-1"})
	require.ErrorIs(t, err, securebucket.ErrAccessPointMismatch)
	assert.Contains(t, err.Error(), "network origin")
	assert.Contains(t, err.Error(), "Block Public Access off: IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets")

	// A failed request is an AccountError with the SDK error inside.
	e.ctl.SetFault("CreateAccessPoint", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	_, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, region, "data", "denied", &securebucket.AccessPointOptions{VPCID: "vpc-1"})
	var accErr *securebucket.AccountError
	require.ErrorAs(t, err, &accErr)
	assert.Equal(t, "CreateAccessPoint", accErr.Operation)
	assert.Equal(t, "AccessDenied", apiCodeOf(err))
}

func TestDelegateToAccessPointsRecognisesEquivalent(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	// The same statement written by someone else, under another Sid and in
	// another form.
	_, err := e.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["*"],"Resource":["arn:aws:s3:::data/*","arn:aws:s3:::data"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":["` + e.account + `"]}}}]}`)})
	require.NoError(t, err)
	puts := e.s3f.Count("PutBucketPolicy")
	changed, err := securebucket.DelegateToAccessPoints(ctx, e.s3, "data", e.account)
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, puts, e.s3f.Count("PutBucketPolicy"))

	require.NoError(t, e.s3f.CreateBucket("fresh", s3fake.StateAWSDefault))
	changed, err = securebucket.DelegateToAccessPoints(ctx, e.s3, "fresh", e.account)
	require.NoError(t, err)
	assert.True(t, changed, "a bucket without a policy gets one")
	assert.Equal(t, []string{policy.SidDelegateToAccessPoints}, e.bucketPolicy(t, "fresh").Sids())
}

func TestAuditAccessPoints(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	require.NoError(t, e.s3f.CreateBucket("other", s3fake.StateAWSDefault))

	rs, err := securebucket.AuditAccessPoints(ctx, e.control, e.account, nil)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.StatusPass, rs[0].Status)
	assert.Equal(t, "no access points in Region "+e.region(), rs[0].Message)

	_, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "good", &securebucket.AccessPointOptions{VPCID: "vpc-1", Principal: "111122223333"})
	require.NoError(t, err)
	// An old-style access point: Internet origin, Block Public Access off,
	// a public policy.
	_, err = e.control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(e.account), Name: aws.String("open"), Bucket: aws.String("other"),
		PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false)}})
	require.NoError(t, err)
	openARN := securebucket.AccessPointARN(e.region(), e.account, "open")
	_, err = e.control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(e.account), Name: aws.String("open"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + openARN + `/object/*","Condition":{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:*"}}}]}`)})
	require.NoError(t, err)

	rs, err = securebucket.AuditAccessPoints(ctx, e.control, e.account, nil)
	require.NoError(t, err)
	got := map[string]securebucket.Status{}
	for _, r := range rs {
		got[r.Resource[len(r.Resource)-4:]+" "+string(r.Control)] = r.Status
	}
	assert.Equal(t, map[string]securebucket.Status{
		"good S3.19": securebucket.StatusPass, "good S3Secure.AccessPointNetworkOrigin": securebucket.StatusPass, "good S3Secure.AccessPointPolicy": securebucket.StatusPass,
		"open S3.19": securebucket.StatusFail, "open S3Secure.AccessPointNetworkOrigin": securebucket.StatusFail, "open S3Secure.AccessPointPolicy": securebucket.StatusFail,
	}, got)
	for _, r := range rs {
		if r.Control == securebucket.ControlAccessPointPolicy && r.Status == securebucket.StatusFail {
			assert.Contains(t, r.Message, `"Everyone"`)
		}
	}

	// Only one bucket's access points.
	rs, err = securebucket.AuditAccessPoints(ctx, e.control, e.account, &securebucket.AccessPointAuditOptions{Bucket: "data"})
	require.NoError(t, err)
	assert.Len(t, rs, 3)

	// Reads denied: UNKNOWN, never PASS.
	e.ctl.SetFault("GetAccessPointPolicy", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	e.ctl.SetFault("GetAccessPoint", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	rs, err = securebucket.AuditAccessPoints(ctx, e.control, e.account, &securebucket.AccessPointAuditOptions{Bucket: "data"})
	require.NoError(t, err)
	for _, r := range rs {
		if r.Control != securebucket.ControlAccessPointOrigin {
			assert.Equal(t, securebucket.StatusUnknown, r.Status, "%s: %s", r.Control, r.Message)
			assert.Equal(t, "AccessDenied", apiCodeOf(r.Err))
		}
	}
	e.ctl.SetFault("ListAccessPoints", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	rs, err = securebucket.AuditAccessPoints(ctx, e.control, e.account, nil)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.StatusUnknown, rs[0].Status)
}

func TestAccessPointPolicy(t *testing.T) {
	doc, err := securebucket.AccessPointPolicy("eu-west-1", "111122223333", "writer", &securebucket.AccessPointOptions{Principal: "arn:aws:iam::111122223333:user/ci", Access: securebucket.AccessPointWrite, Prefix: "in/"})
	require.NoError(t, err)
	require.Len(t, doc.Statements, 1)
	jsonEqual(t, `{"Sid":"S3SecureAccessPointWrite","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:aws:s3:eu-west-1:111122223333:accesspoint/writer/object/in/*"}`, doc.Statements[0])
	_, err = securebucket.AccessPointPolicy("eu-west-1", "111122223333", "writer", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidAccessPoint)
}

func TestPlanAccessPoint(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-0abc123", Principal: "arn:aws:iam::111122223333:role/app"}
	plan, err := securebucket.PlanAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
	require.NoError(t, err)
	assert.True(t, plan.Create)
	require.NotNil(t, plan.Policy)
	require.NotNil(t, plan.BucketPolicy)
	assert.Equal(t, "create access point "+securebucket.AccessPointARN(e.region(), e.account, "app-ap")+" on bucket data, network origin VPC vpc-0abc123, Block Public Access all on\n"+
		"write the access point policy: S3SecureAccessPointRead: added, S3SecureAccessPointList: added\n"+
		"write the policy of bucket data: S3SecureDelegateToAccessPoints: added", plan.String())
	assert.Zero(t, e.ctl.Count("CreateAccessPoint")+e.ctl.Count("PutAccessPointPolicy")+e.s3f.Count("PutBucketPolicy"), "planning writes nothing")

	_, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
	require.NoError(t, err)
	plan, err = securebucket.PlanAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
	require.NoError(t, err)
	assert.True(t, plan.NoChange(), plan.String())
	assert.Contains(t, plan.String(), "nothing to do")
}

// slowCreate is S3 Control whose CreateAccessPoint takes long enough for
// someone else to change the bucket policy meanwhile.
type slowCreate struct {
	*s3control.Client
	meanwhile func(ctx context.Context)
}

func (s slowCreate) CreateAccessPoint(ctx context.Context, in *s3control.CreateAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.CreateAccessPointOutput, error) {
	s.meanwhile(ctx)
	return s.Client.CreateAccessPoint(ctx, in, optFns...)
}

// TestCreateAccessPointWritesFromFreshRead: a statement added to the bucket
// policy after CreateAccessPoint planned (while the access point was being
// created) is kept: the bucket policy is merged on a fresh read, not
// written from the plan's.
func TestCreateAccessPointWritesFromFreshRead(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	_, err := e.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + apForeignStatement + `]}`)})
	require.NoError(t, err)
	late := `{"Sid":"AddedMeanwhile","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/late"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}`
	control := slowCreate{Client: e.control, meanwhile: func(ctx context.Context) {
		_, err := e.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + apForeignStatement + `,` + late + `]}`)})
		require.NoError(t, err)
	}}
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-0abc123", Principal: "arn:aws:iam::111122223333:role/app"}
	res, err := securebucket.CreateAccessPoint(ctx, control, e.s3, e.account, e.region(), "data", "late-ap", opts)
	require.NoError(t, err)
	assert.True(t, res.BucketPolicyChanged)
	assert.Equal(t, []string{"TeamRead", "AddedMeanwhile", policy.SidDelegateToAccessPoints}, e.bucketPolicy(t, "data").Sids())
}

// TestDelegateToAccessPointsKeepsStricter: the delegation statement under
// its own Sid, narrowed by its owner (an organisation condition of its
// own), is kept; widened (no account condition), it is replaced.
func TestDelegateToAccessPointsKeepsStricter(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateLegacy))
	base := `{"Sid":"S3SecureDelegateToAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + e.account + `"`
	for _, tc := range []struct {
		stmt  string
		wrote bool
	}{
		{base + `,"aws:PrincipalOrgID":"o-abc123"}}}`, false},
		{base + `},"StringLike":{"aws:userid":"AROA*"}}}`, false},
		{`{"Sid":"S3SecureDelegateToAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]}`, true},
	} {
		_, err := e.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[` + tc.stmt + `]}`)})
		require.NoError(t, err)
		wrote, err := securebucket.DelegateToAccessPoints(ctx, e.s3, "data", e.account)
		require.NoError(t, err)
		assert.Equal(t, tc.wrote, wrote, tc.stmt)
		want, err := policy.DelegateToAccessPoints("data", e.account)
		require.NoError(t, err)
		got := e.bucketPolicy(t, "data").Statements[0]
		assert.Equal(t, tc.wrote, policy.Equivalent(want, got), "%s: %+v", tc.stmt, got)
	}
}

// An access point of the account may serve a bucket of another account
// (BucketAccountId). CreateAccessPoint promises that "the bucket must be in
// accountID's account": an existing access point of the same name on
// another account's bucket is not the one asked for. It was reused (bucket
// names matched) and its policy written granting the principal access to
// the other account's bucket, with DisableBucketDelegation without any
// check of the bucket's owner at all.
func TestCreateAccessPointRefusesAnotherAccountsBucket(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	_, err := e.control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(e.account), Name: aws.String("partner-ap"),
		Bucket: aws.String("data"), BucketAccountId: aws.String("444455556666"), VpcConfiguration: &s3ctltypes.VpcConfiguration{VpcId: aws.String("vpc-1")}})
	require.NoError(t, err)
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-1", Principal: "arn:aws:iam::111122223333:role/app", DisableBucketDelegation: true}
	_, err = securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "partner-ap", opts)
	require.ErrorIs(t, err, securebucket.ErrAccessPointMismatch)
	assert.Contains(t, err.Error(), "444455556666")
	assert.Zero(t, e.ctl.Count("PutAccessPointPolicy"), "nothing written")
}

// TestCreateAccessPointKeepsANarrowedStatement: a statement of ours in the
// access point policy that its owner narrowed since (a VPC endpoint
// condition, a smaller prefix) grants no more than the one CreateAccessPoint
// would write, and a second run keeps it as it is ("Never replace ours with
// something weaker", as Harden keeps ours made stricter). It was replaced
// with the broader statement: the condition dropped, every object under the
// prefix readable again. One that grants more than ours through another
// principal is someone else's: TestAccessPointPolicySidConflict.
func TestCreateAccessPointKeepsANarrowedStatement(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-0abc123", Principal: "arn:aws:iam::111122223333:role/app", Prefix: "app/"}
	_, err := securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
	require.NoError(t, err)
	arn := securebucket.AccessPointARN(e.region(), e.account, "app-ap")
	const role = `"Principal":{"AWS":"arn:aws:iam::111122223333:role/app"}`
	list := `{"Sid":"S3SecureAccessPointList","Effect":"Allow",` + role + `,"Action":"s3:ListBucket","Resource":"` + arn + `","Condition":{"StringLike":{"s3:prefix":"app/*"}}}`
	read := `{"Sid":"S3SecureAccessPointRead","Effect":"Allow",` + role + `,"Action":"s3:GetObject","Resource":"` + arn + `/object/app/*"}`
	for _, tc := range []struct {
		name, first, second, want string
		kept                      bool
	}{
		{"VPC endpoint condition added", `{"Sid":"S3SecureAccessPointRead","Effect":"Allow",` + role + `,"Action":"s3:GetObject","Resource":"` + arn + `/object/app/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`, list, "", true},
		{"smaller prefix", `{"Sid":"S3SecureAccessPointRead","Effect":"Allow",` + role + `,"Action":"s3:GetObject","Resource":"` + arn + `/object/app/public/*"}`, list, "", true},
		// A version of ours that lists more (another prefix too): the same
		// principal, action and resource, a condition on our key only.
		{"list statement listing more", `{"Sid":"S3SecureAccessPointList","Effect":"Allow",` + role + `,"Action":"s3:ListBucket","Resource":"` + arn + `","Condition":{"StringLike":{"s3:prefix":["app/*","tmp/*"]}}}`, read, list, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":[` + tc.first + `,` + tc.second + `]}`
			_, err := e.control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(e.account), Name: aws.String("app-ap"), Policy: aws.String(doc)})
			require.NoError(t, err)
			plan, err := securebucket.PlanAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
			require.NoError(t, err)
			assert.Equal(t, tc.kept, plan.NoChange(), "plan: %s", plan)
			res, err := securebucket.CreateAccessPoint(ctx, e.control, e.s3, e.account, e.region(), "data", "app-ap", opts)
			require.NoError(t, err)
			assert.Equal(t, !tc.kept, res.PolicyChanged)
			got := e.apPolicy(t, "app-ap").Statements[0]
			if tc.kept {
				jsonEqual(t, tc.first, got)
			} else {
				jsonEqual(t, tc.want, got)
			}
		})
	}
}
