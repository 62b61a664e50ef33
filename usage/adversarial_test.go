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

// The red team's rows for the proof, the proposal and the diff: each a
// case where a security team would gate on the answer.

// A request that succeeded with an operation no table knows cannot be
// replayed: the proposal grants nothing for it, so it would break, and the
// proof must not say that nothing breaks.
func TestAdversarialUnmappedSuccessIsNotProved(t *testing.T) {
	at := now.Add(-time.Hour)
	log := logOf(
		entry{at, "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
		entry{at, "", alice, "REST.GET.SOMETHING_NEW", "", "GET /data-bucket?something-new HTTP/1.1", 200},
	)
	rep := suggest(t, log, usage.Input{}, nil)
	assert.Equal(t, 1, rep.Counts.Unmapped)
	assert.Equal(t, 1, rep.Replay.Unreplayed, "the request that succeeded and could not be replayed")
	assert.False(t, rep.Proved(), "a request that succeeded was not replayed")

	// A denied request of an unknown operation is not a request that
	// succeeded: the proof is not about it.
	log = logOf(
		entry{at, "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
		entry{at, "", alice, "REST.GET.SOMETHING_NEW", "", "GET /data-bucket?something-new HTTP/1.1", 403},
	)
	rep = suggest(t, log, usage.Input{}, nil)
	assert.Zero(t, rep.Replay.Unreplayed)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
}

// S3 Lifecycle's own work is logged (S3.EXPIRE.OBJECT, S3.TRANSITION…)
// but needs no grant: "You can't use a bucket policy to prevent deletions
// or transitions by an S3 Lifecycle rule" (S3 user guide, "Managing the
// lifecycle of objects"). It neither breaks the proof nor is proposed.
func TestAdversarialLifecycleRecordsNeedNoGrant(t *testing.T) {
	at := now.Add(-time.Hour)
	log := logOf(
		entry{at, "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
		entry{at, "", "AmazonS3", "S3.EXPIRE.OBJECT", "reports/old.csv", "-", 200},
		entry{at, "", "AmazonS3", "S3.TRANSITION_SIA.OBJECT", "reports/q0.csv", "-", 200},
		entry{at, "", "AmazonS3", "S3.CREATE.DELETEMARKER", "reports/q0.csv", "-", 200},
	)
	rep := suggest(t, log, usage.Input{}, nil)
	assert.Zero(t, rep.Counts.Unmapped)
	assert.Equal(t, 3, rep.Counts.NoPermission)
	assert.Zero(t, rep.Replay.Unreplayed)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
	assert.Len(t, rep.Used, 1)
}

// A log whose lines cannot be read proves nothing: an unread line may be a
// request that succeeded, and an empty proposal "allows every request
// replayed" when none was.
func TestAdversarialMalformedLinesAreNotProved(t *testing.T) {
	at := now.Add(-time.Hour)
	good := logOf(entry{at, "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200})
	rep := suggest(t, good, usage.Input{}, nil)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	// Every line in a shape the parser does not read (a format S3 might
	// change to, or the wrong file).
	bad := strings.ReplaceAll(good, "[", "(")
	rep = suggest(t, bad, usage.Input{}, nil)
	require.Equal(t, 1, rep.ServerAccessLogs.Malformed)
	assert.Zero(t, rep.Replay.Requests)
	assert.False(t, rep.Proved(), "nothing was replayed: a line could not be read")
}

// Keys merged into a prefix to stay under MaxResources grant every key
// under it: when the policy in force grants only some folders under that
// prefix, the proposal adds access, and the diff must say so rather than
// "no additions" (each key read was allowed by what is in force).
func TestAdversarialWidenedPrefixIsAnAddition(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Folders","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:GetObject","Resource":["arn:aws:s3:::data-bucket/data/a/*","arn:aws:s3:::data-bucket/data/b/*"]},
	 {"Sid":"List","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket","Condition":{"StringLike":{"s3:prefix":["data/a/*","data/b/*"]}}}]}`))
	require.NoError(t, err)
	at := now.Add(-time.Hour)
	var es []entry
	for _, k := range []string{"data/a/1", "data/a/2", "data/b/1"} {
		es = append(es, entry{at, "", alice, "REST.GET.OBJECT", k, "GET /data-bucket/" + k + " HTTP/1.1", 200})
	}
	for _, p := range []string{"data%2Fa%2F", "data%2Fb%2F"} {
		es = append(es, entry{at, "", alice, "REST.GET.BUCKET", "", "GET /data-bucket?list-type=2&prefix=" + p + " HTTP/1.1", 200})
	}

	// Under the bound, every grant is one the policy in force makes.
	rep := suggest(t, logOf(es...), usage.Input{BucketPolicy: cur}, nil)
	assert.Empty(t, rep.Added)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	// Merged into data/*: wider than data/a/* and data/b/*.
	rep = suggest(t, logOf(es...), usage.Input{BucketPolicy: cur}, &usage.Options{MaxResources: 1})
	require.Equal(t, []string{"arn:aws:s3:::data-bucket/data/*"}, useOf(rep, alice, "s3:GetObject").Resources)
	require.Equal(t, []string{"data/*"}, useOf(rep, alice, "s3:ListBucket").Prefixes)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
	var added []string
	for _, a := range rep.Added {
		added = append(added, a.Action+" "+a.Resource)
	}
	assert.ElementsMatch(t, []string{"s3:GetObject arn:aws:s3:::data-bucket/data/*", "s3:ListBucket arn:aws:s3:::data-bucket (s3:prefix data/*)"}, added)

	// A policy in force as wide as the merged prefix: nothing is added.
	wide, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/data/*"},
	 {"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket","Condition":{"StringLike":{"s3:prefix":"data/*"}}}]}`))
	require.NoError(t, err)
	rep = suggest(t, logOf(es...), usage.Input{BucketPolicy: wide}, &usage.Options{MaxResources: 1})
	assert.Empty(t, rep.Added)
}

// trailEvent is one CloudTrail S3 event by alice, an hour before now.
func trailEvent(name, params, errorCode string) string {
	ec := ""
	if errorCode != "" {
		ec = `"errorCode":"` + errorCode + `",`
	}
	return `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"` + alice + `","accountId":"111122223333","userName":"alice"},
	 "eventTime":"` + now.Add(-time.Hour).Format(time.RFC3339) + `","eventSource":"s3.amazonaws.com","eventName":"` + name + `","awsRegion":"eu-west-1",
	 "sourceIPAddress":"203.0.113.7","requestParameters":` + params + `,` + ec + `
	 "additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256"},"tlsDetails":{"tlsVersion":"TLSv1.3"},
	 "requestID":"R1","eventID":"e1","readOnly":false,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333"}`
}

func trailOfEvents(events ...string) usage.Source {
	return stringSource("trail.json", `{"Records":[`+strings.Join(events, ",\n")+`]}`)
}

// Copying a version of an object reads that version: GetObject's
// VersionRequired in policy's catalog (s3:GetObjectVersion), as the server
// access log's REST.COPY.OBJECT_GET with a Version Id already needs. From
// CloudTrail, the versionId of x-amz-copy-source was dropped, so the
// proposal granted s3:GetObject alone and the proof "allowed" a copy S3
// refuses.
func TestAdversarialCopyOfAVersionNeedsGetObjectVersion(t *testing.T) {
	ct := trailOfEvents(trailEvent("CopyObject", `{"bucketName":"data-bucket","key":"dst/a.csv","x-amz-copy-source":"data-bucket/src/a%20b.csv?versionId=v1"}`, ""))
	rep := suggest(t, "", usage.Input{CloudTrail: []usage.Source{ct}}, nil)
	get := useOf(rep, alice, "s3:GetObjectVersion")
	require.NotNil(t, get, "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/src/a b.csv"}, get.Resources)
	assert.Nil(t, useOf(rep, alice, "s3:GetObject"))
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/dst/a.csv"}, useOf(rep, alice, "s3:PutObject").Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	// The server access log of the same copy agrees.
	line := entry{now.Add(-time.Hour), "", alice, "REST.COPY.OBJECT_GET", "src/a%20b.csv", "PUT /data-bucket/dst/a.csv HTTP/1.1", 200}.String()
	line = strings.Replace(line, `"aws-sdk-go-v2" -`, `"aws-sdk-go-v2" v1`, 1)
	rep = suggest(t, line+"\n", usage.Input{}, nil)
	require.NotNil(t, useOf(rep, alice, "s3:GetObjectVersion"), "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/src/a b.csv"}, useOf(rep, alice, "s3:GetObjectVersion").Resources)
}

// A CloudTrail DeleteObjects names its keys as object resources; one that
// names none deleted keys the log does not say, so what it needed
// (s3:DeleteObject on each) cannot be proposed or replayed. It was counted
// as needing no permission, and the proof held though the proposal grants
// no delete.
func TestAdversarialDeleteObjectsWithoutKeysIsNotProved(t *testing.T) {
	withKeys := trailEvent("DeleteObjects", `{"bucketName":"data-bucket","delete":""}`, "")
	withKeys = strings.Replace(withKeys, `"requestID"`, `"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::data-bucket/tmp/a"},{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::data-bucket"}],"requestID"`, 1)
	rep := suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(withKeys)}}, nil)
	require.NotNil(t, useOf(rep, alice, "s3:DeleteObject"))
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	noKeys := trailEvent("DeleteObjects", `{"bucketName":"data-bucket","delete":""}`, "")
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(noKeys)}}, nil)
	assert.Nil(t, useOf(rep, alice, "s3:DeleteObject"))
	assert.Zero(t, rep.Counts.NoPermission)
	assert.Equal(t, 1, rep.Replay.Unreplayed)
	assert.False(t, rep.Proved())
}
