package analyzer_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

func state(pol string) *analyzer.BucketState {
	return &analyzer.BucketState{Name: "bkt", Owner: owner, Policy: pol}
}

func TestAnalyzeZoneOfTrust(t *testing.T) {
	pol := stmts(
		`{"Sid":"Org","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`,
		`{"Sid":"Sister","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`,
		`{"Sid":"Stranger","Effect":"Allow","Principal":{"AWS":"777788889999"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`,
	)
	cases := []struct {
		name string
		opts *analyzer.AnalyzeOptions
		want []string
	}{
		{"account", nil, []string{"Org", "Sister", "Stranger"}},
		{"trusted account", &analyzer.AnalyzeOptions{TrustedAccounts: []string{partner}}, []string{"Org", "Stranger"}},
		{"organization", &analyzer.AnalyzeOptions{Organization: org, TrustedAccounts: []string{partner}}, []string{"Stranger"}},
		{"other organization", &analyzer.AnalyzeOptions{Organization: "o-zzzzzzzzzz"}, []string{"Org", "Sister", "Stranger"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(pol), tc.opts)
			require.NoError(t, err)
			var sids []string
			for _, f := range got {
				sids = append(sids, f.Sid)
			}
			assert.Equal(t, tc.want, sids)
		})
	}
}

func TestAnalyzeDetails(t *testing.T) {
	t.Run("NotPrincipal and NotAction are public", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(`{"Effect":"Allow","NotPrincipal":{"AWS":"444455556666"},"NotAction":"s3:DeleteObject","Resource":"arn:aws:s3:::bkt/*"}`)), nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.True(t, got[0].Public)
		assert.Equal(t, []string{"*"}, got[0].Actions)
		assert.Equal(t, 0, got[0].Statement)
	})
	t.Run("federated principal is public", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(`{"Effect":"Allow","Principal":{"Federated":"graph.facebook.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)), nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, analyzer.KindPublic, got[0].Kind)
		assert.Equal(t, map[string]string{"Federated": "graph.facebook.com"}, got[0].Principal)
	})
	t.Run("a deny that cannot be satisfied removes public access", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(publicReadBkt, `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`)), nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("the usual deny of plain HTTP does not hide public access", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(publicReadBkt,
			`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)), nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.True(t, got[0].Public)
	})
	// Not public, and so not restricted by RestrictPublicBuckets (on for
	// every access point created since 2019): any account's principals
	// reach the bucket from within the VPC.
	for _, bpa := range []policy.BlockPublicAccess{{}, policy.AllBlocked()} {
		t.Run(fmt.Sprintf("VPC access point is never public, %+v", bpa), func(t *testing.T) {
			s := state(stmts(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}`))
			s.AccessPoints = []analyzer.AccessPoint{{Name: "inside", ARN: apARN("inside"), Account: owner, Bucket: "bkt", NetworkOrigin: "VPC", BlockPublicAccess: bpa,
				Policy: fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/object/*"}]}`, apARN("inside"))}}
			got, err := analyzer.Analyze(s, nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.False(t, got[0].Public)
			assert.Equal(t, analyzer.KindConditional, got[0].Kind)
			assert.Equal(t, "VPC", got[0].Conditions["s3:AccessPointNetworkOrigin"])
			assert.Equal(t, analyzer.SourceAccessPoint, got[0].Sources[0].Type)
		})
	}
	t.Run("ACLs disabled by BucketOwnerEnforced", func(t *testing.T) {
		s := state("")
		s.ACL = []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: "FULL_CONTROL"}}
		got, err := analyzer.Analyze(s, nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.ElementsMatch(t, policy.ACLPermissionActions(policy.ACLFullControl, false), got[0].Actions, "FULL_CONTROL maps to every bucket ACL action, as the fake S3 enforces them")
		assert.Len(t, got[0].Actions, 9)
		s.ACLsDisabled = true
		got, err = analyzer.Analyze(s, nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("owner grants are not findings", func(t *testing.T) {
		s := state("")
		s.OwnerCanonicalID = "owner-canonical"
		s.ACL = []policy.ACLGrant{{GranteeID: "owner-canonical", Permission: "FULL_CONTROL"},
			{GranteeURI: "http://acs.amazonaws.com/groups/s3/LogDelivery", Permission: "WRITE"}}
		got, err := analyzer.Analyze(s, nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

const publicReadBkt = `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`

func TestAnalyzeErrors(t *testing.T) {
	_, err := analyzer.Analyze(nil, nil)
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
	_, err = analyzer.Analyze(&analyzer.BucketState{Name: "bkt", Owner: "1"}, nil)
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
	_, err = analyzer.Analyze(state(`{"Statement":[`), nil)
	require.ErrorIs(t, err, analyzer.ErrBadPolicy)
	var pe *policy.ParseError
	assert.ErrorAs(t, err, &pe, "the parse error is kept")
}

// countingS3 counts concurrent calls and adds latency.
type countingS3 struct {
	analyzer.S3API
	delay          time.Duration
	inFlight, peak atomic.Int32
	failBucket     string
}

func (c *countingS3) enter() func() {
	n := c.inFlight.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(c.delay)
	return func() { c.inFlight.Add(-1) }
}

func (c *countingS3) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, o ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	defer c.enter()()
	if aws.ToString(in.Bucket) == c.failBucket {
		return nil, errors.New("boom")
	}
	return c.S3API.GetBucketPolicy(ctx, in, o...)
}

func fleet(t testing.TB, n int) *s3.Client {
	c, _ := fleetFake(t, n)
	return c
}

func fleetFake(t testing.TB, n int) (*s3.Client, *s3fake.Fake) {
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner, CreateBucketState: s3fake.StateLegacy})
	c := ownerClient(sf)
	for i := range n {
		b := fmt.Sprintf("fleet-%03d", i)
		_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		if i%3 == 0 {
			_, err = c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String(b),
				Policy: aws.String(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`, b))})
			require.NoError(t, err)
		}
	}
	return c, sf
}

func TestAnalyzeAll(t *testing.T) {
	c := fleet(t, 12)
	wrapped := &countingS3{S3API: c, delay: 5 * time.Millisecond, failBucket: "fleet-005"}
	var progress []analyzer.Progress
	inside := false
	got, err := analyzer.AnalyzeAll(t.Context(), wrapped, &analyzer.FetchOptions{Owner: owner, Concurrency: 3,
		Progress: func(p analyzer.Progress) {
			assert.False(t, inside, "Progress is never called concurrently")
			inside = true
			progress = append(progress, p)
			time.Sleep(time.Millisecond)
			inside = false
		}})
	require.NoError(t, err)
	require.Len(t, got, 12)
	require.Len(t, progress, 12, "Progress after each bucket")
	for i, p := range progress {
		assert.Equal(t, i+1, p.Done)
		assert.Equal(t, 12, p.Total)
		assert.Equal(t, p.Bucket == "fleet-005", p.Err != nil, p.Bucket)
	}
	assert.LessOrEqual(t, wrapped.peak.Load(), int32(3), "bounded concurrency")
	assert.Greater(t, wrapped.peak.Load(), int32(1), "buckets are read in parallel")
	public := 0
	for i, r := range got {
		assert.Equal(t, fmt.Sprintf("fleet-%03d", i), r.Bucket, "sorted by name")
		if r.Bucket == "fleet-005" {
			assert.Error(t, r.Err, "one failing bucket is reported")
			continue
		}
		require.NoError(t, r.Err)
		if len(r.Findings) > 0 {
			public++
			assert.Equal(t, analyzer.KindPublic, r.Findings[0].Kind)
		}
	}
	assert.Equal(t, 4, public)

	_, err = analyzer.AnalyzeAll(t.Context(), c, &analyzer.FetchOptions{Owner: "x"})
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = analyzer.AnalyzeAll(ctx, c, &analyzer.FetchOptions{Owner: owner})
	require.ErrorIs(t, err, context.Canceled)
}

func TestFetchErrors(t *testing.T) {
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner})
	c := ownerClient(sf)
	_, err := analyzer.Fetch(t.Context(), c, "missing-bucket", &analyzer.FetchOptions{Owner: owner})
	var ae *analyzer.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "missing-bucket", ae.Resource)
	_, err = analyzer.Fetch(t.Context(), c, "Bad_Name", &analyzer.FetchOptions{Owner: owner})
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)

	stranger := sf.Client(sf.AddAccountRoot(other))
	_, err = stranger.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("mine-only")})
	require.NoError(t, err)
	_, err = analyzer.Fetch(t.Context(), c, "mine-only", &analyzer.FetchOptions{Owner: owner})
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "MethodNotAllowed", api.ErrorCode(), "S3 serves a bucket policy only to the owner account")

	_, err = c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("denied-acl")})
	require.NoError(t, err)
	sf.InjectFault("GetBucketAcl", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
	_, err = analyzer.Fetch(t.Context(), c, "denied-acl", &analyzer.FetchOptions{Owner: owner})
	require.ErrorIs(t, err, analyzer.ErrAccessDenied)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "GetBucketAcl", ae.Op)
}

func TestAccessPointsList(t *testing.T) {
	l := analyzer.AccessPoints{{Name: "a", Bucket: "x"}, {Name: "b", Bucket: "y"}, {Name: "c", Bucket: "x"}}
	got, err := l.AccessPoints(t.Context(), "x")
	require.NoError(t, err)
	assert.Len(t, got, 2)
}

// BenchmarkAnalyzeAll compares bounded-parallel fleet analysis with the
// obvious sequential loop (concurrency 1), with 5 ms of injected latency on
// every S3 call (about an in-Region round trip).
func BenchmarkAnalyzeAll(b *testing.B) {
	c, sf := fleetFake(b, 24)
	sf.InjectFault(s3fake.AnyOperation, s3fake.Fault{Latency: 5 * time.Millisecond})
	for _, n := range []int{1, analyzer.DefaultConcurrency} {
		b.Run(fmt.Sprintf("concurrency=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := analyzer.AnalyzeAll(context.Background(), c, &analyzer.FetchOptions{Owner: owner, Concurrency: n}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAnalyze measures the pure offline analysis of one policy.
func BenchmarkAnalyze(b *testing.B) {
	s := state(stmts(publicReadBkt,
		`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`,
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`))
	for b.Loop() {
		if _, err := analyzer.Analyze(s, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzAnalyze checks that no bucket policy makes the offline analysis
// panic or report a finding without a kind.
func FuzzAnalyze(f *testing.F) {
	for _, s := range scenarios {
		if s.policy != "" {
			f.Add(fmt.Sprintf(s.policy, "bkt"))
		}
	}
	f.Add(`{"Statement":{"Effect":"Allow","NotPrincipal":"*","NotAction":"*","Resource":"*"}}`)
	f.Fuzz(func(t *testing.T, pol string) {
		got, err := analyzer.Analyze(state(pol), nil)
		if err != nil {
			if !errors.Is(err, analyzer.ErrBadPolicy) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for _, x := range got {
			if x.Kind == "" || len(x.Sources) == 0 || x.Bucket != "bkt" {
				t.Fatalf("incomplete finding %+v", x)
			}
		}
	})
}

func TestMultiRegionFleet(t *testing.T) {
	ctx := t.Context()
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner, CreateBucketState: s3fake.StateLegacy})
	east := ownerClient(sf)
	west := sf.Client(sf.OwnerCredential(), func(o *s3.Options) { o.Region = "eu-west-1"; o.Retryer = aafake.ClosedConnRetryer{} })
	_, err := east.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("home-bucket")})
	require.NoError(t, err)
	_, err = west.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("away-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}})
	require.NoError(t, err)
	_, err = west.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("away-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::away-bucket/*"}]}`)})
	require.NoError(t, err)

	all, err := analyzer.AnalyzeAll(ctx, east, &analyzer.FetchOptions{Owner: owner})
	require.NoError(t, err)
	require.Len(t, all, 2)
	for _, r := range all {
		require.NoError(t, r.Err, r.Bucket)
	}
	assert.Equal(t, "away-bucket", all[0].Bucket)
	require.Len(t, all[0].Findings, 1, "the eu-west-1 bucket is read in its own Region")
	assert.True(t, all[0].Findings[0].Public)

	// A single bucket in another Region is followed there.
	b, err := analyzer.Fetch(ctx, east, "away-bucket", &analyzer.FetchOptions{Owner: owner})
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", b.Region)
	assert.NotEmpty(t, b.Policy)
}

func TestCheckBucketRegions(t *testing.T) {
	ctx := t.Context()
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner, CreateBucketState: s3fake.StateLegacy})
	east := ownerClient(sf)
	west := sf.Client(sf.OwnerCredential(), func(o *s3.Options) { o.Region = "eu-west-1"; o.Retryer = aafake.ClosedConnRetryer{} })
	_, err := east.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("home-bucket")})
	require.NoError(t, err)
	_, err = west.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("away-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}})
	require.NoError(t, err)

	r, err := analyzer.BucketRegion(ctx, east, "home-bucket")
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", r)
	r, err = analyzer.BucketRegion(ctx, east, "away-bucket")
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", r)

	a := &analyzer.Analyzer{Name: "x", ARN: "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/x", Region: "us-east-1"}
	require.NoError(t, analyzer.CheckBucketRegions(ctx, east, a, "home-bucket"))
	err = analyzer.CheckBucketRegions(ctx, east, a, "home-bucket", "away-bucket")
	var wr *analyzer.WrongRegionError
	require.ErrorAs(t, err, &wr)
	assert.Equal(t, "bucket away-bucket", wr.What)
	assert.Equal(t, "eu-west-1", wr.Region)
	assert.ErrorIs(t, err, analyzer.ErrWrongRegion)
	assert.Equal(t, "analyzer: bucket away-bucket is in region eu-west-1, not us-east-1 (access analyzer is regional)", err.Error())

	_, err = analyzer.BucketRegion(ctx, east, "no-such-bucket-here")
	var ae *analyzer.Error
	require.ErrorAs(t, err, &ae)
}

// TestAnalyzeDenyNarrowsActions: Access Analyzer reports the actions a
// principal outside the zone of trust can actually use, so a Deny that
// removes one action of a grant, or limits one action to the organization,
// changes that action only.
func TestAnalyzeDenyNarrowsActions(t *testing.T) {
	type out struct {
		Kind       analyzer.Kind
		Actions    []string
		Conditions map[string]string
	}
	cases := []struct {
		name string
		pol  string
		want []out
	}{
		{"deny removes one action", stmts(
			`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}`,
			`{"Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`),
			[]out{{Kind: analyzer.KindCrossAccount, Actions: []string{"s3:GetObject"}}}},
		{"deny limits one action to the organization", stmts(
			`{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`),
			[]out{
				{Kind: analyzer.KindPublic, Actions: []string{"s3:GetObject"}},
				{Kind: analyzer.KindOrganization, Actions: []string{"s3:PutObject"}, Conditions: map[string]string{"aws:PrincipalOrgID": org}},
			}},
		{"a wildcard survives a deny of one action it covers", stmts(
			`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:Get*","Resource":"arn:aws:s3:::bkt/*"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`),
			[]out{{Kind: analyzer.KindCrossAccount, Actions: []string{"s3:Get*"}}}},
		// The actions tried first (object reads and writes, listing, the
		// ACL) all refused: the rest of s3:* (PutBucketPolicy,
		// DeleteBucket, GetObjectVersion, …) is public still.
		{"a deny of the common actions leaves the rest of s3:*", stmts(
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`,
			`{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:PutObject","s3:ListBucket","s3:DeleteObject","s3:GetBucketAcl","s3:PutBucketAcl"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`),
			[]out{{Kind: analyzer.KindPublic, Actions: []string{"s3:*"}}}},
		// One action far down the catalog left by a Deny of the rest.
		{"a deny of all but one action leaves that one", stmts(
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`,
			`{"Effect":"Deny","Principal":"*","NotAction":"s3:PutObjectVersionAcl","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`),
			[]out{{Kind: analyzer.KindPublic, Actions: []string{"s3:*"}}}},
		// Anyone with AWS credentials is the public too: a Deny of
		// anonymous writes leaves them to every signed caller.
		{"a deny of anonymous writes leaves them public", stmts(
			`{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:PrincipalType":"Anonymous"}}}`),
			[]out{{Kind: analyzer.KindPublic, Actions: []string{"s3:GetObject", "s3:PutObject"}}}},
		{"deny of every action removes the grant", stmts(
			`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}`,
			`{"Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`),
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(tc.pol), nil)
			require.NoError(t, err)
			var outs []out
			for _, f := range got {
				outs = append(outs, out{Kind: f.Kind, Actions: f.Actions, Conditions: f.Conditions})
			}
			assert.ElementsMatch(t, tc.want, outs)
		})
	}
}

func TestFindingAllows(t *testing.T) {
	pol := stmts(`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["s3:Get*","s3:ListBucket"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`)
	got, err := analyzer.Analyze(state(pol), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []string{"s3:Get*", "s3:ListBucket"}, got[0].Actions, "as written, not expanded")
	for action, want := range map[string]bool{"s3:GetObject": true, "S3:getobjectversion": true, "s3:ListBucket": true, "s3:PutObject": false, "s3:ListBucketVersions": false} {
		assert.Equal(t, want, got[0].Allows(action), action)
	}
	expanded := analyzer.Finding{Actions: []string{"s3:GetObject", "s3:ListBucket"}}
	assert.True(t, expanded.Allows("s3:getobject"))
	assert.False(t, expanded.Allows("s3:GetObjectAcl"))
	assert.True(t, (&analyzer.Finding{Actions: []string{"*"}}).Allows("s3:DeleteBucket"))
}

// TestAnalyzeZoneOptionsChecked: a zone of trust that cannot match
// anything (a misspelt organization id or account) is refused, not
// silently ignored.
func TestAnalyzeZoneOptionsChecked(t *testing.T) {
	for name, o := range map[string]*analyzer.AnalyzeOptions{
		"organization":    {Organization: "a1b2c3d4e5"},
		"trusted account": {TrustedAccounts: []string{"4444-5555-6666"}},
	} {
		_, err := analyzer.Analyze(state(stmts(publicReadBkt)), o)
		assert.ErrorIs(t, err, analyzer.ErrInvalidInput, name)
	}
}

// TestAnalyzeDenyNotPrincipal: a public grant with a Deny for everyone
// but one outside account leaves that account's access, which must be
// reported (it was dropped with the public access). A named account
// limited by a Deny outside the organization keeps its account id.
func TestAnalyzeDenyNotPrincipal(t *testing.T) {
	got, err := analyzer.Analyze(state(stmts(publicReadBkt,
		`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`)), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, analyzer.KindCrossAccount, got[0].Kind)
	assert.False(t, got[0].Public)
	assert.Equal(t, map[string]string{"AWS": "arn:aws:iam::444455556666:root"}, got[0].Principal)
	assert.Equal(t, []string{partner}, got[0].Accounts)
	assert.Equal(t, []string{"s3:GetObject"}, got[0].Actions)

	got, err = analyzer.Analyze(state(stmts(publicReadBkt,
		`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`)), nil)
	require.NoError(t, err)
	assert.Empty(t, got, "only the owner's account is left")

	got, err = analyzer.Analyze(state(stmts(`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`,
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`)), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []string{partner}, got[0].Accounts, "the named account is kept")
	assert.Equal(t, org, got[0].Organization)
}

// TestAnalyzeDenyOfRequestShape: a Deny that only demands a request shape
// the caller chooses (an encryption header, a canned ACL) does not remove
// the access; the grant was hidden before.
func TestAnalyzeDenyOfRequestShape(t *testing.T) {
	grant := `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`
	for name, deny := range map[string]string{
		"StringNotEquals encryption": `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`,
		"Null encryption":            `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}`,
		"IfExists encryption":        `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`,
		"bucket-owner-full-control":  `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}`,
		"both":                       `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"s3:x-amz-acl":"bucket-owner-full-control"},"Null":{"s3:x-amz-server-side-encryption":"true"}}}`,
		// A positive operator that holds when the key is absent (…IfExists,
		// ForAllValues:) denies the probe that leaves the header out, but
		// not a caller that sends another value.
		"StringEqualsIfExists encryption":   `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}}`,
		"StringLikeIfExists storage class":  `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringLikeIfExists":{"s3:x-amz-storage-class":"STANDARD*"}}}`,
		"DateLessThanIfExists retention":    `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"DateLessThanIfExists":{"s3:object-lock-retain-until-date":"2030-01-01T00:00:00Z"}}}`,
		"ForAllValues:StringEquals tags":    `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["team"]}}}`,
		"ForAllValues:StringNotEquals tags": `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"ForAllValues:StringNotEquals":{"s3:RequestObjectTagKeys":["team","owner"]}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(grant, deny)), nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, analyzer.KindCrossAccount, got[0].Kind)
			assert.Equal(t, []string{"s3:PutObject"}, got[0].Actions)
		})
	}
	t.Run("a numeric limit the caller stays under", func(t *testing.T) {
		// Anyone lists the bucket with max-keys of 100 or less.
		got, err := analyzer.Analyze(state(stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"NumericGreaterThanIfExists":{"s3:max-keys":"100"}}}`)), nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, analyzer.KindPublic, got[0].Kind)
		assert.Equal(t, []string{"s3:ListBucket"}, got[0].Actions)
	})
	t.Run("a deny no request value escapes still holds", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt"}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"StringLikeIfExists":{"s3:prefix":"*"}}}`)), nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("a deny on who the caller is still holds", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(publicReadBkt,
			`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"aws:PrincipalServiceName":"cloudtrail.amazonaws.com"}}}`)), nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

// TestAnalyzeDenyIfExistsLimit: StringNotEqualsIfExists in a Deny limits
// access like StringNotEquals (an absent key is denied too), so the grant
// is organization access, not nothing.
func TestAnalyzeDenyIfExistsLimit(t *testing.T) {
	got, err := analyzer.Analyze(state(stmts(publicReadBkt,
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`)), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, analyzer.KindOrganization, got[0].Kind)
	assert.Equal(t, org, got[0].Organization)
	assert.False(t, got[0].Public)
}

// TestAnalyzeDenyCarveOut: access left by a Deny with NotResource (or a
// grant to one prefix only) is found by probing the policy's own resource
// patterns, not only one object name.
func TestAnalyzeDenyCarveOut(t *testing.T) {
	for name, pol := range map[string]string{
		"deny NotResource": stmts(publicReadBkt,
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","NotResource":"arn:aws:s3:::bkt/public/*"}`),
		"deny of other prefixes": stmts(publicReadBkt,
			`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::bkt/s3secure-probe","arn:aws:s3:::bkt/private/*"]}`),
		// The pattern names the bucket through a wildcard: it was not
		// probed, and the grant read as wholly denied.
		"deny NotResource of every bucket's prefix": stmts(publicReadBkt,
			`{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::*/public/*"}`),
		"deny NotResource of some buckets' prefix": stmts(publicReadBkt,
			`{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":["arn:aws:s3:::b?t/public/*","arn:aws:s3:::other/*"]}`),
	} {
		t.Run(name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(pol), nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, analyzer.KindPublic, got[0].Kind)
		})
	}
}

// TestAnalyzeDenyLimitWithWildcardStaysPublic: a Deny limit is only a
// limit in S3's sense when its values are fixed; "any account's Reader
// role" is still public.
func TestAnalyzeDenyLimitWithWildcardStaysPublic(t *testing.T) {
	got, err := analyzer.Analyze(state(stmts(publicReadBkt,
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Reader"}}}`)), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.True(t, got[0].Public)
	assert.Equal(t, analyzer.KindPublic, got[0].Kind)
	assert.Equal(t, "arn:aws:iam::*:role/Reader", got[0].Conditions["aws:PrincipalArn"], "the limit is still shown")

	got, err = analyzer.Analyze(state(stmts(publicReadBkt,
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/Reader"}}}`)), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.False(t, got[0].Public, "a fixed role limits")
	assert.Equal(t, []string{partner}, got[0].Accounts)
}

// TestAnalyzeAccessPointDelegationUnderCondition: a bucket policy that
// delegates to the owner's access points only for the organization still
// delegates; the access point's grant to another account is reported,
// carrying the bucket policy's limit.
func TestAnalyzeAccessPointDelegationUnderCondition(t *testing.T) {
	s := state(stmts(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333","aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`))
	s.AccessPoints = []analyzer.AccessPoint{{Name: "ap1", ARN: apARN("ap1"), Account: owner, Bucket: "bkt", NetworkOrigin: "Internet", BlockPublicAccess: policy.AllBlocked(),
		Policy: fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"%s/object/*"}]}`, apARN("ap1"))}}
	got, err := analyzer.Analyze(s, nil)
	require.NoError(t, err)
	var viaAP []analyzer.Finding
	for _, f := range got {
		if f.Sources[0].Type == analyzer.SourceAccessPoint {
			viaAP = append(viaAP, f)
		}
	}
	require.Len(t, viaAP, 1)
	assert.Equal(t, map[string]string{"AWS": partner}, viaAP[0].Principal)
	assert.Equal(t, []string{partner}, viaAP[0].Accounts)
	assert.Equal(t, org, viaAP[0].Conditions["aws:PrincipalOrgID"])

	got, err = analyzer.Analyze(s, &analyzer.AnalyzeOptions{Organization: org})
	require.NoError(t, err)
	assert.Empty(t, got, "inside the trusted organization")
}

// TestAnalyzeChainDenies: the offline analysis decides grants with the
// bucket's whole authorization chain (policy.Authorize), so a bucket policy
// Deny applies to ACL grants and to requests through an access point, as
// S3 evaluates the bucket policy for both ("How Amazon S3 authorizes a
// request"; "Delegating access control to access points"). Before, ACL
// grants ignored the bucket policy and access point grants ignored its
// Deny statements.
func TestAnalyzeChainDenies(t *testing.T) {
	denyListing := `{"Effect":"Deny","Principal":"*","Action":["s3:ListBucket","s3:ListBucketVersions","s3:ListBucketMultipartUploads"],"Resource":"arn:aws:s3:::bkt"}`
	t.Run("a bucket policy Deny removes a public ACL grant", func(t *testing.T) {
		s := state(stmts(denyListing))
		s.ACL = []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: policy.ACLRead}}
		got, err := analyzer.Analyze(s, nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	t.Run("a bucket policy Deny outside the organization limits an ACL grant", func(t *testing.T) {
		s := state(stmts(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`))
		s.ACL = []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: policy.ACLRead}}
		got, err := analyzer.Analyze(s, nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, analyzer.KindOrganization, got[0].Kind)
		assert.False(t, got[0].Public)
		assert.Equal(t, analyzer.SourceACL, got[0].Sources[0].Type)
		assert.Equal(t, org, got[0].Conditions["aws:PrincipalOrgID"])
	})
	t.Run("an access point's grants are kept when the bucket policy cannot be judged", func(t *testing.T) {
		// An operator newer than this library: the bucket policy does
		// not compile, so whether it lets requests through the access
		// point is unknown, and the access point's grant is reported as
		// written, not dropped for want of a delegation.
		delegate := `{"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}`
		newer := `{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::bkt","Condition":{"StringEqualsNewOperator":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`
		s := state(stmts(delegate, newer))
		s.AccessPoints = []analyzer.AccessPoint{{Name: "ap1", ARN: apARN("ap1"), Account: owner, Bucket: "bkt", NetworkOrigin: "Internet",
			Policy: fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/object/*"}]}`, apARN("ap1"))}}
		got, err := analyzer.Analyze(s, nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, analyzer.KindPublic, got[0].Kind)
		assert.Equal(t, analyzer.SourceAccessPoint, got[0].Sources[0].Type)
		assert.Equal(t, []string{"s3:GetObject"}, got[0].Actions)
	})
	t.Run("a bucket policy that refuses all but VPC access points", func(t *testing.T) {
		delegate := `{"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}`
		onlyVPC := `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringNotEquals":{"s3:AccessPointNetworkOrigin":"VPC"}}}`
		for _, origin := range []string{"VPC", "Internet"} {
			s := state(stmts(delegate, onlyVPC))
			s.AccessPoints = []analyzer.AccessPoint{{Name: "ap1", ARN: apARN("ap1"), Account: owner, Bucket: "bkt", NetworkOrigin: origin, BlockPublicAccess: policy.AllBlocked(),
				Policy: fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"%s/object/*"}]}`, apARN("ap1"))}}
			got, err := analyzer.Analyze(s, nil)
			require.NoError(t, err)
			if origin == "Internet" {
				assert.Empty(t, got, "refused through an Internet access point")
				continue
			}
			require.Len(t, got, 1, "the VPC access point's grant to another account")
			assert.Equal(t, analyzer.KindCrossAccount, got[0].Kind)
			assert.Equal(t, analyzer.SourceAccessPoint, got[0].Sources[0].Type)
		}
	})
	t.Run("a bucket policy Deny applies through an access point", func(t *testing.T) {
		delegate := `{"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}`
		ap := analyzer.AccessPoint{Name: "ap1", ARN: apARN("ap1"), Account: owner, Bucket: "bkt", NetworkOrigin: "Internet", BlockPublicAccess: policy.AllBlocked(),
			Policy: fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"%s/object/*"}]}`, apARN("ap1"))}
		s := state(stmts(delegate))
		s.AccessPoints = []analyzer.AccessPoint{ap}
		got, err := analyzer.Analyze(s, nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, []string{"s3:GetObject", "s3:PutObject"}, got[0].Actions, "delegated")

		s = state(stmts(delegate, `{"Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`))
		s.AccessPoints = []analyzer.AccessPoint{ap}
		got, err = analyzer.Analyze(s, nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, analyzer.SourceAccessPoint, got[0].Sources[0].Type)
		assert.Equal(t, []string{"s3:GetObject"}, got[0].Actions, "the bucket policy's Deny removes s3:PutObject")
	})
}

// TestAnalyzeForeignAccessPointDelegation: a bucket policy that delegates
// to another account's access points is public unless Block Public Access
// (RestrictPublicBuckets) is on, as Access Analyzer cannot read that
// account's access point policies ("IAM Access Analyzer resource types",
// Amazon S3 buckets); a delegation that also demands the organization is
// not public.
func TestAnalyzeForeignAccessPointDelegation(t *testing.T) {
	for _, tc := range []struct {
		name, cond string
		restrict   bool
		kind       analyzer.Kind
		action     string
	}{
		{"account", `{"StringEquals":{"s3:DataAccessPointAccount":"444455556666"}}`, false, analyzer.KindPublic, "s3:GetObject"},
		{"access point ARN", `{"StringEquals":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:444455556666:accesspoint/reports"}}`, false, analyzer.KindPublic, "s3:GetObject"},
		{"account, RestrictPublicBuckets", `{"StringEquals":{"s3:DataAccessPointAccount":"444455556666"}}`, true, analyzer.KindCrossAccount, "s3:GetObject"},
		{"account and organization", `{"StringEquals":{"s3:DataAccessPointAccount":"444455556666","aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`, false, analyzer.KindOrganization, "s3:GetObject"},
		// A wildcard that covers none of the actions tried first.
		{"account, object versions", `{"StringEquals":{"s3:DataAccessPointAccount":"444455556666"}}`, false, analyzer.KindPublic, "s3:GetObjectVersion*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := state(stmts(`{"Effect":"Allow","Principal":"*","Action":"` + tc.action + `","Resource":"arn:aws:s3:::bkt/*","Condition":` + tc.cond + `}`))
			s.AccountBlock.RestrictPublicBuckets = tc.restrict
			got, err := analyzer.Analyze(s, nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tc.kind, got[0].Kind)
			assert.Equal(t, tc.kind == analyzer.KindPublic, got[0].Public)
			assert.Equal(t, analyzer.SourceAccessPointAccount, got[0].Sources[0].Type)
			assert.Equal(t, partner, got[0].Sources[0].AccessPointAccount)
		})
	}
}

// TestAnalyzeDenyOfOneAllowedValue: a grant limited to several values of
// a key (VPC endpoints, address ranges, organizations) stays reachable
// through the values a Deny leaves, whichever value the grant lists
// first.
func TestAnalyzeDenyOfOneAllowedValue(t *testing.T) {
	allow := func(cond string) string {
		return `{"Sid":"Limited","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":` + cond + `}`
	}
	deny := func(cond string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":` + cond + `}`
	}
	for _, tc := range []struct {
		name, allow, deny string
		kind              analyzer.Kind
	}{
		{"a revoked VPC endpoint", `{"StringEquals":{"aws:SourceVpce":["vpce-1a2b3c4d","vpce-5e6f7a8b"]}}`, `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`, analyzer.KindConditional},
		{"a blocked range", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]}}`, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, analyzer.KindConditional},
		{"a blocked half of the range", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/25"}}`, analyzer.KindConditional},
		{"a blocked IPv6 half", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, `{"IpAddress":{"aws:SourceIp":"2001:db8::/33"}}`, analyzer.KindConditional},
		{"a refused organization", `{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5","o-zzzzzzzzzz"]}}`, `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`, analyzer.KindOrganization},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(allow(tc.allow), deny(tc.deny))), nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, "Limited", got[0].Sid)
			assert.Equal(t, tc.kind, got[0].Kind)
			assert.False(t, got[0].Public)
		})
	}
	t.Run("a Deny of every allowed value still removes the grant", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(allow(`{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.7"]}}`),
			deny(`{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.0/24"]}}`))), nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

// TestAnalyzeDenyAnOutsiderEscapes: a Deny that only asks for a request
// property any outside caller gives its own requests does not hide a
// public grant. The Referer and User-Agent headers are the caller's to
// write; every request from the internet has a source address; anyone can
// come through a VPC endpoint of its own, or from an organization of its
// own. A Deny of everything but fixed values of a limiting key still
// limits the grant to them.
func TestAnalyzeDenyAnOutsiderEscapes(t *testing.T) {
	deny := func(cond string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":` + cond + `}`
	}
	for _, tc := range []struct {
		name, cond string
		kind       analyzer.Kind // "" for no finding
	}{
		// "Restricting access to a specific HTTP referer", as a Deny.
		{"referer", `{"StringNotLike":{"aws:Referer":["https://www.example.com/*","https://example.com/*"]}}`, analyzer.KindPublic},
		{"user agent", `{"StringNotEquals":{"aws:UserAgent":"internal-app/1.0"}}`, analyzer.KindPublic},
		{"any VPC endpoint", `{"Null":{"aws:SourceVpce":"true"}}`, analyzer.KindPublic},
		{"any VPC", `{"Null":{"aws:SourceVpc":"true"}}`, analyzer.KindPublic},
		{"any organization", `{"Null":{"aws:PrincipalOrgID":"true"}}`, analyzer.KindPublic},
		{"requests from the internet", `{"Null":{"aws:SourceIp":"true"}}`, analyzer.KindPublic},
		{"one endpoint refused", `{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`, analyzer.KindPublic},
		{"half of the addresses refused", `{"IpAddressIfExists":{"aws:SourceIp":"0.0.0.0/1"}}`, analyzer.KindPublic},
		{"every address and no address refused", `{"IpAddressIfExists":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}`, ""},
		{"all but one endpoint refused", `{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`, analyzer.KindConditional},
		{"all but one organization refused", `{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`, analyzer.KindOrganization},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(publicReadBkt, deny(tc.cond))), nil)
			require.NoError(t, err)
			if tc.kind == "" {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, tc.kind, got[0].Kind)
			assert.Equal(t, tc.kind == analyzer.KindPublic, got[0].Public)
		})
	}
}

// TestAnalyzeDataPerimeterDeny: a data perimeter Deny of resources outside
// the owner's accounts never refuses a request to the owner's own bucket
// (policy.Authorize supplies aws:ResourceAccount and s3:ResourceAccount
// from the bucket owner), so it does not hide the public grant beside it.
func TestAnalyzeDataPerimeterDeny(t *testing.T) {
	for _, key := range []string{"aws:ResourceAccount", "s3:ResourceAccount"} {
		t.Run(key, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(publicReadBkt,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"`+key+`":["111122223333","444455556666"]}}}`)), nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, analyzer.KindPublic, got[0].Kind)
			// Another account's bucket is refused.
			s := state(stmts(publicReadBkt,
				`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"`+key+`":"444455556666"}}}`))
			got, err = analyzer.Analyze(s, nil)
			require.NoError(t, err)
			assert.Empty(t, got)
		})
	}
}

// TestAnalyzeDenyOfResourceProperties: a Deny that depends on what the
// analysis does not know of the bucket or its objects (their tags, the
// organization of the owner, the Region) is taken as leaving the grant to
// the resources it spares, with what it spares as a condition: some object
// may well carry the tag. It was taken as refusing every request.
func TestAnalyzeDenyOfResourceProperties(t *testing.T) {
	deny := func(cond string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":` + cond + `}`
	}
	for _, tc := range []struct {
		name, cond string
		limit      map[string]string
	}{
		{"objects tagged public", `{"StringNotEquals":{"s3:ExistingObjectTag/classification":"public"}}`, map[string]string{"s3:ExistingObjectTag/classification": "public"}},
		{"the bucket's tag", `{"StringNotEquals":{"s3:BucketTag/exposure":"internet"}}`, map[string]string{"s3:BucketTag/exposure": "internet"}},
		{"resource tag", `{"StringNotEqualsIfExists":{"aws:ResourceTag/exposure":"internet"}}`, map[string]string{"aws:ResourceTag/exposure": "internet"}},
		{"the owner's organization", `{"StringNotEquals":{"aws:ResourceOrgID":"o-a1b2c3d4e5"}}`, map[string]string{"aws:ResourceOrgID": "o-a1b2c3d4e5"}},
		{"the Region", `{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}`, map[string]string{"aws:RequestedRegion": "eu-west-1"}},
		{"untagged objects", `{"Null":{"s3:ExistingObjectTag/classification":"true"}}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(publicReadBkt, deny(tc.cond))), nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, analyzer.KindPublic, got[0].Kind)
			assert.Equal(t, tc.limit, got[0].Conditions)
		})
	}
}

// TestAnalyzeDenyOfCallerOwnSession: a Deny that only demands what an
// outside account sets up on its own principal or session (a role session
// rather than its root user, an IAM user of a given name, a source
// identity, temporary credentials, a federated session, a request made
// through a service such as Athena on its behalf, aws:CalledVia) does not
// remove the access: any account's principals can meet it. The grant was
// hidden, and the bucket read as shared with no one. A Deny that no
// signed caller of another account escapes still holds for a named
// account.
func TestAnalyzeDenyOfCallerOwnSession(t *testing.T) {
	partnerGrant := `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`
	deny := func(cond string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":` + cond + `}`
	}
	for name, cond := range map[string]string{
		"only through a service":           `{"Null":{"aws:CalledVia":"true"}}`,
		"only through Athena":              `{"ForAllValues:StringNotEquals":{"aws:CalledVia":"athena.amazonaws.com"}}`,
		"only through a first service":     `{"Null":{"aws:CalledViaFirst":"true"}}`,
		"only with a source identity":      `{"Null":{"aws:SourceIdentity":"true"}}`,
		"only temporary credentials":       `{"Null":{"aws:TokenIssueTime":"true"}}`,
		"only fresh temporary credentials": `{"DateLessThanIfExists":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}`,
		"only role sessions":               `{"StringNotEquals":{"aws:PrincipalType":"AssumedRole"}}`,
		"only IAM users":                   `{"StringNotEquals":{"aws:PrincipalType":"User"}}`,
		"only the user alice":              `{"StringNotEquals":{"aws:username":"alice"}}`,
		"only federated sessions":          `{"Null":{"aws:FederatedProvider":"true"}}`,
		// Every signed request carries aws:userid; anonymous ones do not.
		"only signed requests": `{"Null":{"aws:userid":"true"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(publicReadBkt, deny(cond))), nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, analyzer.KindPublic, got[0].Kind)
			got, err = analyzer.Analyze(state(stmts(partnerGrant, deny(cond))), nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, analyzer.KindCrossAccount, got[0].Kind)
			assert.Equal(t, []string{partner}, got[0].Accounts)
		})
	}
	t.Run("a deny of every signed principal type", func(t *testing.T) {
		cond := `{"StringEquals":{"aws:PrincipalType":["Account","User","AssumedRole","FederatedUser"]}}`
		got, err := analyzer.Analyze(state(stmts(partnerGrant, deny(cond))), nil)
		require.NoError(t, err)
		assert.Empty(t, got, "no principal of the partner escapes it")
		// Anonymous callers are not denied: public.
		got, err = analyzer.Analyze(state(stmts(publicReadBkt, deny(cond))), nil)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, analyzer.KindPublic, got[0].Kind)
	})
}

// TestAnalyzeAccessPointDenyCarveOut: a bucket policy that delegates to
// the access points and denies every object but one prefix leaves an
// access point's public grant to that prefix. The access point's requests
// were probed on the access point policy's resources only, all of them
// outside the prefix, and the grant read as wholly denied.
func TestAnalyzeAccessPointDenyCarveOut(t *testing.T) {
	delegate := `{"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}`
	for _, tc := range []struct {
		name, deny string
		want       int
	}{
		{"deny NotResource of a prefix", `{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::bkt/public/*"}`, 1},
		{"deny NotResource of every bucket's prefix", `{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::*/public/*"}`, 1},
		{"deny of every object", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*"}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := state(stmts(delegate, tc.deny))
			s.AccessPoints = []analyzer.AccessPoint{{Name: "open", ARN: apARN("open"), Account: owner, Bucket: "bkt", NetworkOrigin: "Internet",
				Policy: stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + apARN("open") + `/object/*"}`)}}
			got, err := analyzer.Analyze(s, nil)
			require.NoError(t, err)
			require.Len(t, got, tc.want)
			if tc.want > 0 {
				assert.Equal(t, analyzer.KindPublic, got[0].Kind)
				assert.Equal(t, []analyzer.Source{{Type: analyzer.SourceAccessPoint, AccessPointARN: apARN("open"), AccessPointAccount: owner}}, got[0].Sources)
			}
		})
	}
}

// TestAnalyzeACLDenyCarveOut: a bucket ACL grant of WRITE is a grant of
// every key, and a bucket policy Deny of every object but one prefix
// leaves it to that prefix. The ACL's object actions were probed on one
// key only, outside the prefix, and the grant read as wholly denied: the
// bucket read as shared with no one while anyone could write under
// public/.
func TestAnalyzeACLDenyCarveOut(t *testing.T) {
	carveOut := stmts(`{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/public/*"]}`)
	everyObject := stmts(`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`)
	for _, tc := range []struct {
		name  string
		grant policy.ACLGrant
		pol   string
		want  analyzer.Kind
		put   bool
	}{
		{"AllUsers WRITE, all but a prefix denied", policy.ACLGrant{GranteeURI: policy.AllUsersURI, Permission: policy.ACLWrite}, carveOut, analyzer.KindPublic, true},
		{"another account's FULL_CONTROL, all but a prefix denied", policy.ACLGrant{GranteeID: "other-canonical", Permission: policy.ACLFullControl}, carveOut, analyzer.KindCrossAccount, true},
		{"another account's FULL_CONTROL, every object denied", policy.ACLGrant{GranteeID: "other-canonical", Permission: policy.ACLFullControl}, everyObject, analyzer.KindCrossAccount, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := state(tc.pol)
			s.OwnerCanonicalID = "owner-canonical"
			s.ACL = []policy.ACLGrant{tc.grant}
			got, err := analyzer.Analyze(s, nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tc.want, got[0].Kind)
			assert.Equal(t, analyzer.SourceACL, got[0].Sources[0].Type)
			assert.Equal(t, tc.put, got[0].Allows("s3:PutObject"), "%v", got[0].Actions)
		})
	}
}
