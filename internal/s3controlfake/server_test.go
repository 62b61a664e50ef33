package s3controlfake_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3controlfake"
)

const acct = s3controlfake.DefaultAccountID

var apiCode = fakeutil.ErrorCode

func TestAccountPublicAccessBlock(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	c := ts.Client()
	ctx := t.Context()

	_, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(acct)})
	require.Error(t, err)
	var nf *types.NoSuchPublicAccessBlockConfiguration
	assert.ErrorAs(t, err, &nf, "unset configuration is the modeled NoSuchPublicAccessBlockConfiguration")
	assert.Equal(t, acct+"."+strings.TrimPrefix(ts.URL, "http://"), ts.LastHost(), "the SDK prefixes the host with the account id")

	_, err = c.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
		AccountId: aws.String(acct),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
			// IgnorePublicAcls omitted: it must read back false.
			RestrictPublicBuckets: aws.Bool(true),
		},
	})
	require.NoError(t, err)
	out, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(acct)})
	require.NoError(t, err)
	cfg := out.PublicAccessBlockConfiguration
	require.NotNil(t, cfg)
	assert.True(t, aws.ToBool(cfg.BlockPublicAcls))
	assert.False(t, aws.ToBool(cfg.IgnorePublicAcls))
	assert.True(t, aws.ToBool(cfg.BlockPublicPolicy))
	assert.True(t, aws.ToBool(cfg.RestrictPublicBuckets))

	_, err = c.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: aws.String(acct)})
	require.NoError(t, err)
	_, err = c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(acct)})
	assert.Equal(t, "NoSuchPublicAccessBlockConfiguration", apiCode(err))
	assert.Equal(t, 2, ts.Count("GetPublicAccessBlock")-1)
}

type store struct {
	cfg *s3controlfake.PublicAccessBlock
}

func (s *store) AccountPublicAccessBlock() (s3controlfake.PublicAccessBlock, bool) {
	if s.cfg == nil {
		return s3controlfake.PublicAccessBlock{}, false
	}
	return *s.cfg, true
}
func (s *store) SetAccountPublicAccessBlock(c *s3controlfake.PublicAccessBlock) { s.cfg = c }

func TestAccountPublicAccessBlockStore(t *testing.T) {
	st := &store{}
	ts := s3controlfake.Start(t, &s3controlfake.Options{AccountBPA: st})
	_, err := ts.Client().PutPublicAccessBlock(t.Context(), &s3control.PutPublicAccessBlockInput{
		AccountId: aws.String(acct),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		},
	})
	require.NoError(t, err)
	require.NotNil(t, st.cfg, "the store receives the configuration")
	assert.Equal(t, s3controlfake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}, *st.cfg)
}

func TestRequestChecks(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	ctx := t.Context()
	tests := []struct {
		name string
		do   func() error
		code string
	}{
		{"other account", func() error {
			_, err := ts.Client().GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String("999988887777")})
			return err
		}, "AccessDenied"},
		{"unsigned", func() error {
			_, err := ts.Client(func(o *s3control.Options) { o.Credentials = aws.AnonymousCredentials{} }).
				GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(acct)})
			return err
		}, "AccessDenied"},
		{"bad access point name", func() error {
			_, err := ts.Client().CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(acct), Name: aws.String("Bad_Name"), Bucket: aws.String("b")})
			return err
		}, "InvalidURI"},
		{"missing access point", func() error {
			_, err := ts.Client().GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(acct), Name: aws.String("nope")})
			return err
		}, "NoSuchAccessPoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.code, apiCode(tt.do()))
		})
	}

	// A request without the account header (not something the SDK sends).
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/v20180820/configuration/publicAccessBlock", nil)
	require.NoError(t, err)
	req.Host = acct + ".s3-control.us-east-1.amazonaws.com"
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	require.NoError(t, v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: s3controlfake.TestAccessKeyID, SecretAccessKey: s3controlfake.TestSecretAccessKey},
		req, emptySHA256, s3controlfake.SigningName, "us-east-1", time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), "<Code>InvalidRequest</Code>")

	// Unimplemented operations answer 501, never a wrong success.
	_, err = ts.Client().GetBucket(ctx, &s3control.GetBucketInput{AccountId: aws.String(acct), Bucket: aws.String("b")})
	assert.Equal(t, "NotImplemented", apiCode(err))
}

func TestFault(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	ts.SetFault("GetPublicAccessBlock", s3controlfake.Fault{Status: 403, Code: "AccessDenied", Times: 1})
	get := func() error {
		_, err := ts.Client().GetPublicAccessBlock(t.Context(), &s3control.GetPublicAccessBlockInput{AccountId: aws.String(acct)})
		return err
	}
	assert.Equal(t, "AccessDenied", apiCode(get()))
	assert.Equal(t, "NoSuchPublicAccessBlockConfiguration", apiCode(get()), "a one-time fault clears itself")
}

func TestAccessPoints(t *testing.T) {
	ts := s3controlfake.Start(t, &s3controlfake.Options{Region: "eu-west-1"})
	c := ts.Client()
	ctx := t.Context()

	out, err := c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{
		AccountId: aws.String(acct), Name: aws.String("app-vpc"), Bucket: aws.String("data"),
		VpcConfiguration: &types.VpcConfiguration{VpcId: aws.String("vpc-0123")},
	})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:s3:eu-west-1:"+acct+":accesspoint/app-vpc", aws.ToString(out.AccessPointArn))
	assert.True(t, strings.HasPrefix(aws.ToString(out.Alias), "app-vpc-") && strings.HasSuffix(aws.ToString(out.Alias), "-s3alias"))

	_, err = c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{
		AccountId: aws.String(acct), Name: aws.String("app-vpc"), Bucket: aws.String("data"),
	})
	assert.Equal(t, "AccessPointAlreadyOwnedByYou", apiCode(err))

	_, err = c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{
		AccountId: aws.String(acct), Name: aws.String("open"), Bucket: aws.String("data"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)},
	})
	require.NoError(t, err)

	g, err := c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(acct), Name: aws.String("app-vpc")})
	require.NoError(t, err)
	assert.Equal(t, types.NetworkOriginVpc, g.NetworkOrigin)
	assert.Equal(t, "vpc-0123", aws.ToString(g.VpcConfiguration.VpcId))
	assert.True(t, aws.ToBool(g.PublicAccessBlockConfiguration.RestrictPublicBuckets), "new access points have all four settings on")
	assert.NotNil(t, g.CreationDate)

	g, err = c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(acct), Name: aws.String("open")})
	require.NoError(t, err)
	assert.Equal(t, types.NetworkOriginInternet, g.NetworkOrigin)
	assert.Nil(t, g.VpcConfiguration)
	assert.True(t, aws.ToBool(g.PublicAccessBlockConfiguration.BlockPublicAcls))
	assert.False(t, aws.ToBool(g.PublicAccessBlockConfiguration.BlockPublicPolicy), "a configuration given at creation replaces the defaults")

	// Policy: missing, invalid resource, public under BPA, fine.
	_, err = c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("open")})
	assert.Equal(t, "NoSuchAccessPointPolicy", apiCode(err))
	apARN := "arn:aws:s3:eu-west-1:" + acct + ":accesspoint/open"
	pol := func(principal, resource string) *string {
		return aws.String(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":%s,"Action":"s3:GetObject","Resource":%q}]}`, principal, resource))
	}
	_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("open"), Policy: pol(`"*"`, "arn:aws:s3:::data/*")})
	assert.Equal(t, "MalformedPolicy", apiCode(err))
	_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("open"), Policy: pol(`"*"`, apARN+"/object/*")})
	require.NoError(t, err, "BlockPublicPolicy is off on this access point, so a public policy is accepted")
	st, err := c.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: aws.String(acct), Name: aws.String("open")})
	require.NoError(t, err)
	assert.True(t, st.PolicyStatus.IsPublic)

	vpcARN := "arn:aws:s3:eu-west-1:" + acct + ":accesspoint/app-vpc"
	_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("app-vpc"), Policy: pol(`{"AWS":"arn:aws:iam::`+acct+`:role/app"}`, vpcARN+"/object/in/*")})
	require.NoError(t, err)
	gp, err := c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("app-vpc")})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(gp.Policy), "role/app")
	st, err = c.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: aws.String(acct), Name: aws.String("app-vpc")})
	require.NoError(t, err)
	assert.False(t, st.PolicyStatus.IsPublic)

	_, err = c.DeleteAccessPointPolicy(ctx, &s3control.DeleteAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("app-vpc")})
	require.NoError(t, err)
	_, err = c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("app-vpc")})
	assert.Equal(t, "NoSuchAccessPointPolicy", apiCode(err))

	_, err = c.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: aws.String(acct), Name: aws.String("open")})
	require.NoError(t, err)
	_, err = c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(acct), Name: aws.String("open")})
	assert.Equal(t, "NoSuchAccessPoint", apiCode(err))
}

func TestPublicPolicyRefusedUnderBPA(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	c := ts.Client()
	ctx := t.Context()
	_, err := c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(acct), Name: aws.String("ap1"), Bucket: aws.String("b")})
	require.NoError(t, err)
	arn := "arn:aws:s3:us-east-1:" + acct + ":accesspoint/ap1"
	_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("ap1"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + arn + `/object/*"}]}`)})
	assert.Equal(t, "AccessDenied", apiCode(err))
}

func TestListAccessPointsPagination(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	c := ts.Client()
	ctx := t.Context()
	for i := range 7 {
		b := "one"
		if i%2 == 1 {
			b = "two"
		}
		_, err := c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(acct), Name: aws.String(fmt.Sprintf("ap-%02d", i)), Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	tests := []struct {
		bucket string
		want   int
	}{{"", 7}, {"one", 4}, {"two", 3}}
	for _, tt := range tests {
		t.Run("bucket="+tt.bucket, func(t *testing.T) {
			in := &s3control.ListAccessPointsInput{AccountId: aws.String(acct), MaxResults: 2}
			if tt.bucket != "" {
				in.Bucket = aws.String(tt.bucket)
			}
			p := s3control.NewListAccessPointsPaginator(c, in)
			var names []string
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				require.NoError(t, err)
				pages++
				for _, ap := range out.AccessPointList {
					names = append(names, aws.ToString(ap.Name))
					if tt.bucket != "" {
						assert.Equal(t, tt.bucket, aws.ToString(ap.Bucket))
					}
				}
			}
			assert.Len(t, names, tt.want)
			assert.Equal(t, (tt.want+1)/2, pages)
			assert.IsNonDecreasing(t, names)
		})
	}
}

// TestListAccessPointsOfAnotherRegion: S3 Control lists the access points
// of the Region a request is sent to, none for another Region's, and
// refuses to list a bucket's from another Region than the bucket's, as AWS
// answers ("InvalidRequest: Amazon S3 AccessPoint can only be listed for
// bucket in the same region", turbot/steampipe-plugin-aws#1394): an empty
// list there would read as "this bucket has no access points".
func TestListAccessPointsOfAnotherRegion(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	c := ts.Client()
	ctx := t.Context()
	_, err := c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(acct), Name: aws.String("ap-one"), Bucket: aws.String("one")})
	require.NoError(t, err)
	other := func(o *s3control.Options) { o.Region = "eu-west-1" }
	require.NotEqual(t, "eu-west-1", ts.Region())

	all, err := c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: aws.String(acct)}, other)
	require.NoError(t, err)
	assert.Empty(t, all.AccessPointList, "another Region has none of this Region's access points")

	_, err = c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: aws.String(acct), Bucket: aws.String("one")}, other)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "InvalidRequest", ae.ErrorCode())
	assert.Equal(t, "Amazon S3 AccessPoint can only be listed for bucket in the same region", ae.ErrorMessage())

	here, err := c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: aws.String(acct), Bucket: aws.String("one")})
	require.NoError(t, err)
	assert.Len(t, here.AccessPointList, 1)
}

// TestAccessPointOfAnotherRegion: access point names are per Region ("The
// same AWS account may create access points with the same name in
// different AWS Regions", S3 user guide, Naming rules for access points),
// so a request about one access point signed for another Region than the
// fake's finds none there (NoSuchAccessPoint), reads nothing and changes
// nothing; in the fake's Region the access point and its policy are
// served as before.
func TestAccessPointOfAnotherRegion(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	c := ts.Client()
	ctx := t.Context()
	_, err := c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(acct), Name: aws.String("ap-one"), Bucket: aws.String("one")})
	require.NoError(t, err)
	const pol = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:` + acct + `:accesspoint/ap-one/object/*"}]}`
	_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(acct), Name: aws.String("ap-one"), Policy: aws.String(pol)})
	require.NoError(t, err)
	other := func(o *s3control.Options) { o.Region = "eu-west-1" }
	require.NotEqual(t, "eu-west-1", ts.Region())
	name := aws.String("ap-one")
	noSuch := func(t *testing.T, err error) {
		t.Helper()
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "NoSuchAccessPoint", ae.ErrorCode())
	}

	_, err = c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(acct), Name: name}, other)
	noSuch(t, err)
	_, err = c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(acct), Name: name}, other)
	noSuch(t, err)
	_, err = c.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: aws.String(acct), Name: name}, other)
	noSuch(t, err)
	_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(acct), Name: name, Policy: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}, other)
	noSuch(t, err)
	_, err = c.DeleteAccessPointPolicy(ctx, &s3control.DeleteAccessPointPolicyInput{AccountId: aws.String(acct), Name: name}, other)
	noSuch(t, err)
	_, err = c.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: aws.String(acct), Name: name}, other)
	noSuch(t, err)

	got, err := c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(acct), Name: name})
	require.NoError(t, err, "nothing was deleted")
	assert.Equal(t, "one", aws.ToString(got.Bucket))
	p, err := c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(acct), Name: name})
	require.NoError(t, err)
	assert.JSONEq(t, pol, aws.ToString(p.Policy), "nothing was written or deleted")
}
