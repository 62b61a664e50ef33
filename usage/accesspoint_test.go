package usage_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/usage"
)

// apARN is the access point of the S3 user guide's sample, in the tests'
// account and Region.
const apARN = "arn:aws:s3:eu-west-1:111122223333:accesspoint/my-bucket-ap"

// apEvent is a CloudTrail event of a request made through the access point
// my-bucket-ap of data-bucket. Its resources are the S3 user guide's
// sample ("Monitoring and logging access points", "CloudTrail log entries
// for requests made through access points include the access point ARN in
// the resources section of the log": an AWS::S3::Object ARN
// arn:aws:s3:::BUCKET/KEY, the AWS::S3::Bucket ARN, and the
// AWS::S3::AccessPoint ARN). AWS documents no sample of the rest of such
// an event: what requestParameters.bucketName holds for it is not
// documented, so the reader must not rely on it; bucketName is what the
// test passes.
func apEvent(name, bucketName, key string, resources ...string) string {
	params := `{"bucketName":"` + bucketName + `"`
	if key != "" {
		params += `,"key":"` + key + `"`
	}
	params += `}`
	e := trailEvent(name, params, "")
	return strings.Replace(e, `"requestID"`, `"resources":[`+strings.Join(resources, ",")+`],"requestID"`, 1)
}

func apResources(key string) []string {
	var out []string
	if key != "" {
		out = append(out, `{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::data-bucket/`+key+`"}`)
	}
	return append(out,
		`{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::data-bucket"}`,
		`{"accountId":"111122223333","type":"AWS::S3::AccessPoint","ARN":"`+apARN+`"}`)
}

// A request made through an access point is logged with the access point
// among its resources and, as far as AWS documents, nothing else that says
// so. ParseCloudTrail read the bucket from requestParameters.bucketName
// alone and dropped the access point: a bucketName holding the access
// point's name or alias made the request one of "other buckets", left out
// of the proposal and the proof, so the proof held while a read that
// succeeded was never replayed, and the grant it used could be called
// unused. The bucket is now the AWS::S3::Bucket resource of such an event
// and Detail.AccessPointARN the access point; S3 decides such a request
// with the access point's policy, which the proof does not read, so it is
// learnt from but not proved (Replay.ThroughAccessPoint, Proved false).
// An event naming an access point and no bucket resource cannot be placed:
// it is counted (Counts.UnplacedAccessPoint) and, having succeeded, keeps
// the proof from holding.
func TestAdversarialAccessPointRequests(t *testing.T) {
	for _, bucketName := range []string{"my-bucket-ap", "my-bucket-ap-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias", "data-bucket"} {
		t.Run(bucketName, func(t *testing.T) {
			get := apEvent("GetObject", bucketName, "my-image.jpg", apResources("my-image.jpg")...)
			list := apEvent("ListObjects", bucketName, "", apResources("")...)
			recs, stats := parseTrail(t, `{"Records":[`+get+","+list+`]}`)
			require.Zero(t, stats.Malformed, "%v", stats.Errors)
			require.Len(t, recs, 2)
			assert.Equal(t, "data-bucket", recs[0].Bucket, "the AWS::S3::Bucket resource")
			assert.Equal(t, "my-image.jpg", recs[0].Key)
			assert.Equal(t, apARN, recs[0].Detail().AccessPointARN)
			assert.Equal(t, "data-bucket", recs[1].Bucket)
			assert.Equal(t, apARN, recs[1].Detail().AccessPointARN)

			rep := suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(get, list)}}, nil)
			assert.Zero(t, rep.Counts.OtherBuckets)
			require.NotNil(t, useOf(rep, alice, "s3:GetObject"), "%+v", rep.Used)
			assert.Equal(t, []string{"arn:aws:s3:::data-bucket/my-image.jpg"}, useOf(rep, alice, "s3:GetObject").Resources)
			require.NotNil(t, useOf(rep, alice, "s3:ListBucket"), "%+v", rep.Used)
			assert.Equal(t, 2, rep.Replay.ThroughAccessPoint, "%+v", rep.Replay)
			assert.False(t, rep.Proved(), "the access point's policy decides them, and the proof does not read it")
		})
	}

	// A grant in force that only access point requests used is not unused.
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/*"}]}`))
	require.NoError(t, err)
	rep := suggest(t, "", usage.Input{BucketPolicy: cur, CloudTrail: []usage.Source{trailOfEvents(apEvent("GetObject", "my-bucket-ap", "my-image.jpg", apResources("my-image.jpg")...))}}, nil)
	assert.Empty(t, rep.Unused, "%+v", rep.Unused)

	// Not through an access point: as before, proved.
	direct := trailEvent("GetObject", `{"bucketName":"data-bucket","key":"my-image.jpg"}`, "")
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(direct)}}, nil)
	assert.Zero(t, rep.Replay.ThroughAccessPoint)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	// An access point and no bucket resource: the reader cannot place it.
	unplaced := apEvent("GetObject", "my-bucket-ap", "my-image.jpg", `{"accountId":"111122223333","type":"AWS::S3::AccessPoint","ARN":"`+apARN+`"}`)
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(unplaced, direct)}}, nil)
	assert.Equal(t, 1, rep.Counts.UnplacedAccessPoint)
	assert.Zero(t, rep.Counts.OtherBuckets)
	assert.Equal(t, 1, rep.Replay.Unreplayed)
	assert.False(t, rep.Proved())
	// Denied, it needed nothing proved, but is still counted.
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(strings.Replace(unplaced, `"additionalEventData"`, `"errorCode":"AccessDenied","additionalEventData"`, 1), direct)}}, nil)
	assert.Equal(t, 1, rep.Counts.UnplacedAccessPoint)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	// A server access log line through an access point is not proved
	// either: S3 decided it with the access point's policy too.
	line := entry{now.Add(-time.Hour), "", alice, "REST.GET.OBJECT", "my-image.jpg", "GET /my-image.jpg HTTP/1.1", 200}.String()
	require.True(t, strings.HasSuffix(line, " TLSv1.3 - -"))
	rep = suggest(t, strings.TrimSuffix(line, "- -")+apARN+" -\n", usage.Input{}, nil)
	assert.Equal(t, 1, rep.Replay.ThroughAccessPoint, "%+v", rep.Replay)
	assert.False(t, rep.Proved())
}

// A bucket policy that delegates to access points ("Principal":"*" under
// s3:DataAccessPointAccount, S3 user guide, "Configuring IAM policies for
// using access points") is what access point requests used: the diff must
// not list it as unused.
func TestAdversarialDelegationToAccessPointsIsUsed(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"],
	  "Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}]}`))
	require.NoError(t, err)
	get := apEvent("GetObject", "my-bucket-ap", "my-image.jpg", apResources("my-image.jpg")...)
	rep := suggest(t, "", usage.Input{BucketPolicy: cur, CloudTrail: []usage.Source{trailOfEvents(get)}}, nil)
	for _, u := range rep.Unused {
		assert.NotContains(t, u.Actions, "s3:GetObject", "%+v", rep.Unused)
	}
	// The proposal grants alice the object directly, not only through an
	// access point: an addition, and the diff says which condition it drops.
	require.Len(t, rep.Added, 1, "%+v", rep.Added)
	assert.Contains(t, rep.Added[0].Why, "only under a condition on s3:DataAccessPointAccount")
	assert.False(t, rep.Proved())
}

// mrapHost is the S3 user guide's Multi-Region Access Point host
// ("Monitoring and logging requests made through a Multi-Region Access
// Point to underlying resources": such requests "appear in your Amazon S3
// server access logs and AWS CloudTrail logs with the Multi-Region Access
// Point hostname", MRAP_alias.accesspoint.s3-global.amazonaws.com, the
// alias mfzwi23gnjvgw.mrap).
const mrapHost = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com"

// A request made through a Multi-Region Access Point is decided with its
// policy too, and the logs say so only by its host: it was replayed as a
// request to the bucket and proved. It is now ThroughAccessPoint; a
// CloudTrail record of one whose bucketName is not the bucket and that
// lists no bucket resource cannot be placed.
func TestAdversarialMultiRegionAccessPointRequests(t *testing.T) {
	line := entry{now.Add(-time.Hour), "", alice, "REST.GET.OBJECT", "my-image.jpg", "GET /my-image.jpg HTTP/1.1", 200}.String()
	line = strings.Replace(line, " data-bucket.s3.amazonaws.com ", " "+mrapHost+" ", 1)
	require.Contains(t, line, mrapHost)
	rep := suggest(t, line+"\n", usage.Input{}, nil)
	require.NotNil(t, useOf(rep, alice, "s3:GetObject"), "%+v", rep.Used)
	assert.Equal(t, 1, rep.Replay.ThroughAccessPoint, "%+v", rep.Replay)
	assert.False(t, rep.Proved())

	withHost := func(e string) string {
		return strings.Replace(e, `"tlsDetails":{"tlsVersion":"TLSv1.3"}`, `"tlsDetails":{"tlsVersion":"TLSv1.3","clientProvidedHostHeader":"`+mrapHost+`"}`, 1)
	}
	ct := withHost(trailEvent("GetObject", `{"bucketName":"data-bucket","key":"my-image.jpg"}`, ""))
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(ct)}}, nil)
	assert.Equal(t, 1, rep.Replay.ThroughAccessPoint, "%+v", rep.Replay)
	assert.False(t, rep.Proved())

	// requestParameters.Host says it too.
	ct = trailEvent("GetObject", `{"bucketName":"data-bucket","Host":"`+mrapHost+`","key":"my-image.jpg"}`, "")
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(ct)}}, nil)
	assert.Equal(t, 1, rep.Replay.ThroughAccessPoint, "%+v", rep.Replay)

	ct = withHost(trailEvent("GetObject", `{"bucketName":"mfzwi23gnjvgw.mrap","key":"my-image.jpg"}`, ""))
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(ct)}}, nil)
	assert.Equal(t, 1, rep.Counts.UnplacedAccessPoint, "%+v", rep.Counts)
	assert.Equal(t, 1, rep.Replay.Unreplayed)
	assert.False(t, rep.Proved())
}

// A copy whose source is read through an access point names the source by
// the access point's object ARN (S3 API reference, CopyObject,
// x-amz-copy-source: "arn:aws:s3:<Region>:<account-id>:accesspoint/
// <access-point-name>/object/<key>", URL-encoded), which does not say the
// bucket. Its read was dropped with no count, and the proof held though
// the read (perhaps of this bucket) was never replayed. It is now counted
// (Counts.UnplacedAccessPoint) and, the copy having succeeded, keeps the
// proof from holding; the copy's write is learnt and replayed as before.
func TestAdversarialCopyFromAccessPointIsCounted(t *testing.T) {
	src := "arn%3Aaws%3As3%3Aeu-west-1%3A111122223333%3Aaccesspoint%2Fmy-bucket-ap%2Fobject%2Freports%2Fjanuary.pdf"
	ct := trailEvent("CopyObject", `{"bucketName":"data-bucket","key":"dst/january.pdf","x-amz-copy-source":"`+src+`"}`, "")
	rep := suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(ct)}}, nil)
	require.NotNil(t, useOf(rep, alice, "s3:PutObject"), "%+v", rep.Used)
	assert.Equal(t, 1, rep.Counts.UnplacedAccessPoint, "%+v", rep.Counts)
	assert.Equal(t, 1, rep.Replay.Unreplayed, "%+v", rep.Replay)
	assert.False(t, rep.Proved())

	// Into another bucket: still counted, not another bucket's.
	ct = trailEvent("CopyObject", `{"bucketName":"other-bucket","key":"dst/january.pdf","x-amz-copy-source":"`+src+`"}`, "")
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(ct)}}, nil)
	assert.Equal(t, 1, rep.Counts.UnplacedAccessPoint, "%+v", rep.Counts)
	assert.Zero(t, rep.Counts.OtherBuckets)
	assert.False(t, rep.Proved())
}
