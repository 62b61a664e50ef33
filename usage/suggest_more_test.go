package usage_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/usage"
)

func TestSuggestDefaults(t *testing.T) {
	assert.Equal(t, 90*24*time.Hour, usage.DefaultSince)
	assert.Equal(t, 10, usage.DefaultMaxResources)
	assert.Equal(t, 4, usage.DefaultConcurrency)
	assert.Equal(t, 1024, usage.DefaultMaxTrackedKeys)
	// The default window is 90 days back from Now.
	rep := suggest(t, scenario(), usage.Input{}, nil)
	assert.Equal(t, now.Add(-usage.DefaultSince), rep.Since)
	assert.Equal(t, now, rep.Until)
}

// With the opt-ins, everything that was used is proposed, and the proof
// holds for every request.
func TestSuggestOptInsProveEverything(t *testing.T) {
	var log []string
	for _, l := range strings.Split(scenario(), "\n") {
		// A requester nobody can be granted, and the line that cannot be
		// read (it may be a request that succeeded: nothing is proved).
		if !strings.Contains(l, "someone-odd") && l != "not a log line" {
			log = append(log, l)
		}
	}
	rep := suggest(t, strings.Join(log, "\n"), usage.Input{}, &usage.Options{AllowPublic: true, AllowPermissionsManagement: true})
	assert.Zero(t, rep.Replay.Broken, "%+v", rep.Replay.Breaks)
	assert.True(t, rep.Proved())
	for _, w := range rep.Withheld {
		assert.Contains(t, w.Reason, "root user", "only the owner's root stays out")
	}
	js, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	assert.Contains(t, string(js), `"Principal":"*"`)
	assert.Contains(t, string(js), "s3:PutBucketPolicy")
}

// Keys are merged into prefixes to stay under MaxResources, the deepest
// folders first, and the proof still holds.
func TestSuggestGeneralizesToMaxResources(t *testing.T) {
	var es []entry
	for m := 1; m <= 3; m++ {
		for d := 1; d <= 5; d++ {
			key := fmt.Sprintf("data/2024/%02d/%02d/part.parquet", m, d)
			es = append(es, entry{now.Add(-time.Hour), "", etlSession1, "REST.GET.OBJECT", key, "GET /data-bucket/" + key + " HTTP/1.1", 200})
		}
	}
	es = append(es, entry{now.Add(-time.Hour), "", etlSession1, "REST.GET.OBJECT", "lookup.csv", "GET /data-bucket/lookup.csv HTTP/1.1", 200})
	rep := suggest(t, logOf(es...), usage.Input{}, &usage.Options{MaxResources: 4})
	get := useOf(rep, etlRole, "s3:GetObject")
	require.NotNil(t, get)
	assert.Equal(t, []string{
		"arn:aws:s3:::data-bucket/data/2024/01/*", "arn:aws:s3:::data-bucket/data/2024/02/*",
		"arn:aws:s3:::data-bucket/data/2024/03/*", "arn:aws:s3:::data-bucket/lookup.csv",
	}, get.Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay.Breaks)
	assert.Equal(t, 16, rep.Replay.Allowed)

	rep = suggest(t, logOf(es...), usage.Input{}, &usage.Options{MaxResources: 2})
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/data/2024/*", "arn:aws:s3:::data-bucket/lookup.csv"}, useOf(rep, etlRole, "s3:GetObject").Resources)
	rep = suggest(t, logOf(es...), usage.Input{}, &usage.Options{MaxResources: 1})
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/*"}, useOf(rep, etlRole, "s3:GetObject").Resources, "the whole bucket, because the use spans it")
	assert.True(t, rep.Proved())
}

// Keys with IAM's wildcard characters are escaped, so that a grant of
// "a*b" does not grant "aXb".
func TestSuggestEscapesWildcardsInKeys(t *testing.T) {
	key := "odd/a*b?$c"
	enc := "odd/a%2Ab%3F%24c"
	rep := suggest(t, logOf(entry{now.Add(-time.Hour), "", alice, "REST.GET.OBJECT", enc, "GET /data-bucket/" + enc + " HTTP/1.1", 200}), usage.Input{}, nil)
	get := useOf(rep, alice, "s3:GetObject")
	require.NotNil(t, get)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/odd/a${*}b${?}${$}c"}, get.Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay.Breaks)
	c, err := policy.Compile(rep.BucketPolicy)
	require.NoError(t, err)
	for _, other := range []string{"odd/aXb?$c", "odd/a*bX$c"} {
		req := policy.Request{Caller: policy.Caller{ARN: alice, Account: owner}, Action: "s3:GetObject", Resource: "arn:aws:s3:::data-bucket/" + other}
		assert.False(t, c.Decide(&req).Allowed(), other)
	}
	_ = key
}

// A kept Deny whose condition tests a key the logs do not record cannot be
// replayed: the request is counted as unverifiable, not broken.
func TestSuggestUnverifiableDeny(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"VPCOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data-bucket/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`))
	require.NoError(t, err)
	rep := suggest(t, logOf(entry{now.Add(-time.Hour), "", alice, "REST.GET.OBJECT", "k", "GET /data-bucket/k HTTP/1.1", 200}), usage.Input{BucketPolicy: cur}, nil)
	assert.Equal(t, 2, rep.Replay.Unverifiable, "both proofs: %+v", rep.Replay)
	assert.Zero(t, rep.Replay.Broken)
}

// Without the policies in force, every grant is reported as added, with
// what was missing; identity policies given make them known.
func TestSuggestAddedAndIdentityUnused(t *testing.T) {
	log := logOf(entry{now.Add(-time.Hour), "", etlSession1, "REST.GET.OBJECT", "data/a", "GET /data-bucket/data/a HTTP/1.1", 200})
	rep := suggest(t, log, usage.Input{}, nil)
	require.Len(t, rep.Added, 1)
	assert.Equal(t, etlRole, rep.Added[0].Principal)
	assert.Contains(t, rep.Added[0].Why, "no identity policy of this principal was given")
	assert.Empty(t, rep.Added[0].DroppedConditions)
	assert.False(t, rep.Widens(), "allowed today by a policy not given: no condition dropped")

	id, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Data","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data-bucket/data/*"},
	 {"Sid":"Elsewhere","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other-bucket/*"}]}`))
	require.NoError(t, err)
	rep = suggest(t, log, usage.Input{IdentityPolicies: map[string][]*policy.Document{"arn:aws:iam::111122223333:role/jobs/etl": {id}}}, nil)
	assert.Empty(t, rep.Added, "the role's identity policy (its path unknown to the log) grants it")
	require.Len(t, rep.Unused, 1, "the statement on another bucket is out of scope")
	assert.Equal(t, "Data", rep.Unused[0].Sid)
	assert.Equal(t, []string{"s3:PutObject"}, rep.Unused[0].Actions)
	assert.Contains(t, rep.Unused[0].Policy, "identity policy 0 of arn:aws:iam::111122223333:role/jobs/etl")
}

func TestSuggestCloudTrail(t *testing.T) {
	b, err := os.ReadFile("testdata/cloudtrail-s3.json")
	require.NoError(t, err)
	in := usage.Input{BucketOwner: owner, CloudTrail: []usage.Source{stringSource("trail.json", string(b))}, BucketPolicy: trailBucketPolicy(t)}
	rep, err := usage.Suggest(t.Context(), "data-bucket", in, &usage.Options{Now: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	get := useOf(rep, "arn:aws:iam::111122223333:role/service/etl", "s3:GetObjectVersion")
	require.NotNil(t, get, "a versionId asks for s3:GetObjectVersion; the role keeps its path: %+v", rep.Used)
	assert.Empty(t, rep.UnresolvedRoles, "sessionIssuer gives the path")
	js, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	assert.Contains(t, string(js), `"arn:aws:iam::111122223333:role/service/etl"`, "the proposal names the role with its path")
	assert.NotNil(t, useOf(rep, "arn:aws:iam::111122223333:user/alice", "s3:ListBucket"))
	assert.NotNil(t, useOf(rep, "arn:aws:iam::444455556666:root", "s3:PutObject"))
	del := useOf(rep, "arn:aws:iam::111122223333:user/alice", "s3:DeleteObject")
	require.NotNil(t, del)
	assert.Equal(t, 2, del.Requests)
	src := useOf(rep, "arn:aws:iam::111122223333:user/bob", "s3:GetObjectVersion")
	require.NotNil(t, src, "a copy reads its source, the version its x-amz-copy-source names")
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/reports/2024/q1 final.csv"}, src.Resources)
	assert.NotNil(t, useOf(rep, "arn:aws:iam::111122223333:user/bob", "s3:PutObject"))
	assert.Equal(t, 1, rep.Counts.Denied)
	assert.Zero(t, rep.Replay.Broken, "%+v", rep.Replay.Breaks)
	assert.Equal(t, 1, rep.Replay.Unverifiable, "CloudTrail's GetBucketAcl, allowed by the kept grant but for its aws:SourceArn")
	// The other account's principal needs its side too: its identity
	// proposal is not made (CloudTrail names only the account), so the
	// bucket policy proof holds through the account grant.
	assert.True(t, rep.Proved())
}

func TestSuggestFilesAndConcurrency(t *testing.T) {
	dir := t.TempDir()
	lines := strings.Split(strings.TrimSpace(scenario()), "\n")
	for i, l := range lines {
		sub := filepath.Join(dir, fmt.Sprintf("d%d", i%3))
		require.NoError(t, os.MkdirAll(sub, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(sub, fmt.Sprintf("log-%02d", i)), []byte(l+"\n"), 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".hidden"), []byte("garbage\n"), 0o600))
	in := usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{usage.Files(dir)}}
	one := suggest(t, scenario(), usage.Input{}, nil)
	for _, conc := range []int{1, 3, 8} {
		rep, err := usage.Suggest(t.Context(), "data-bucket", in, &usage.Options{Now: now, Concurrency: conc})
		require.NoError(t, err)
		assert.Equal(t, len(lines), rep.Objects)
		assert.Equal(t, one.Counts, rep.Counts, "concurrency %d", conc)
		assert.Equal(t, one.Used, rep.Used)
		assert.Equal(t, one.Replay.Broken, rep.Replay.Broken)
		assert.Equal(t, one.BucketPolicy, rep.BucketPolicy)
	}
}

func TestSuggestInvalidInputAndReadErrors(t *testing.T) {
	ctx := t.Context()
	src := stringSource("x", "")
	for name, tc := range map[string]struct {
		bucket string
		in     usage.Input
		opts   *usage.Options
	}{
		"no bucket":   {"", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{src}}, nil},
		"no logs":     {"data-bucket", usage.Input{BucketOwner: owner}, nil},
		"bad owner":   {"data-bucket", usage.Input{BucketOwner: "12", ServerAccessLogs: []usage.Source{src}}, nil},
		"nil source":  {"data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{nil}}, nil},
		"negative":    {"data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{src}}, &usage.Options{MaxResources: -1}},
		"bad bucket!": {"a*b", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{src}}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := usage.Suggest(ctx, tc.bucket, tc.in, tc.opts)
			assert.ErrorIs(t, err, usage.ErrInvalidInput)
		})
	}
	_, err := usage.S3Location(nil, "s3://")
	assert.ErrorIs(t, err, usage.ErrInvalidInput)
	_, err = usage.Location(nil, "")
	assert.ErrorIs(t, err, usage.ErrInvalidInput)

	boom := errors.New("disk on fire")
	bad := usage.Stream("broken.log", func(context.Context) (io.ReadCloser, error) { return nil, boom })
	_, err = usage.Suggest(ctx, "data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{stringSource("ok", scenario()), bad}}, nil)
	var re *usage.ReadError
	require.ErrorAs(t, err, &re, "a log that cannot be read stops the run")
	assert.Equal(t, "broken.log", re.Object)
	assert.ErrorIs(t, err, boom)
	_, err = usage.Suggest(ctx, "data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{usage.Files(filepath.Join(t.TempDir(), "missing"))}}, nil)
	require.ErrorAs(t, err, &re)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = usage.Suggest(cctx, "data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{stringSource("ok", scenario())}}, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

// The listing actions that support s3:prefix (the catalog says which:
// s3:ListBucket and s3:ListBucketVersions) are proposed under the prefixes
// asked for, each with its own statement when the prefixes differ; a
// listing of multipart uploads (s3:ListBucketMultipartUploads, which does
// not support s3:prefix) keeps the bucket without a condition, whatever
// prefix it named.
func TestSuggestListingPrefixesFromTheCatalog(t *testing.T) {
	at := now.Add(-time.Hour)
	rep := suggest(t, logOf(
		entry{at, "", etlSession1, "REST.GET.BUCKET", "", "GET /data-bucket?list-type=2&prefix=data%2F HTTP/1.1", 200},
		entry{at, "", etlSession1, "REST.GET.BUCKETVERSIONS", "", "GET /data-bucket?versions&prefix=archive%2F HTTP/1.1", 200},
		entry{at, "", etlSession1, "REST.GET.UPLOADS", "", "GET /data-bucket?uploads&prefix=tmp%2F HTTP/1.1", 200},
	), usage.Input{}, nil)
	versions := useOf(rep, etlRole, "s3:ListBucketVersions")
	require.NotNil(t, versions)
	assert.Equal(t, []string{"archive/"}, versions.Prefixes)
	list := useOf(rep, etlRole, "s3:ListBucket")
	require.NotNil(t, list)
	assert.Equal(t, []string{"data/"}, list.Prefixes)
	uploads := useOf(rep, etlRole, "s3:ListBucketMultipartUploads")
	require.NotNil(t, uploads)
	assert.Empty(t, uploads.Prefixes, "s3:ListBucketMultipartUploads does not support s3:prefix")

	require.NotNil(t, rep.BucketPolicy)
	conds := map[string]string{}
	for _, st := range rep.BucketPolicy.Statements {
		var c []string
		for _, b := range st.Condition {
			for _, e := range b.Entries {
				c = append(c, b.Operator+" "+e.Key+" "+strings.Join(e.Strings(), ","))
			}
		}
		for _, a := range st.Action {
			conds[a] = strings.Join(c, "; ")
		}
	}
	assert.Equal(t, "StringLike s3:prefix data/", conds["s3:ListBucket"])
	assert.Equal(t, "StringLike s3:prefix archive/", conds["s3:ListBucketVersions"])
	assert.Contains(t, conds, "s3:ListBucketMultipartUploads")
	assert.Empty(t, conds["s3:ListBucketMultipartUploads"])
	assert.True(t, rep.Proved(), "%+v", rep.Replay.Breaks)
	assert.Equal(t, 3, rep.Replay.Allowed)
}

// trailBucketPolicy is the grant a trail's bucket has for CloudTrail, under
// aws:SourceArn as the CloudTrail user guide's bucket policy writes it
// ("Amazon S3 bucket policy for CloudTrail").
func trailBucketPolicy(t *testing.T) *policy.Document {
	t.Helper()
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::data-bucket",
	  "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"}}}]}`))
	require.NoError(t, err)
	return doc
}
