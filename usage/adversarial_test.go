package usage_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
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

// Rows the parsers already read right, kept as regression rows: what a
// real log holds that a hand-made one may not.
func TestAdversarialServerAccessLogRows(t *testing.T) {
	at := now.Add(-time.Hour)
	base := entry{at, "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200}.String()
	var gz1, gz2 strings.Builder
	for _, p := range []struct {
		b *strings.Builder
		s string
	}{{&gz1, base + "\n"}, {&gz2, base + "\n"}} {
		p.b.WriteString(gzipString(t, p.s))
	}
	tests := []struct {
		name             string
		input            string
		records, badRows int
		check            func(t *testing.T, r usage.Record)
	}{
		{"CRLF line ends", base + "\r\n" + base + "\r\n", 2, 0, func(t *testing.T, r usage.Record) {
			assert.Equal(t, "-", r.Detail().ACLRequired+"-", "no \\r left in the last field")
		}},
		{"a last line without a newline", base + "\n" + base, 2, 0, nil},
		{"a last line cut inside the User-Agent", base + "\n" + base[:strings.Index(base, `"aws-sdk`)+5], 1, 1, nil},
		{"fields added after ACL Required are ignored", strings.TrimSuffix(base, " -") + " - us-east-1 NEWFIELD \"quoted new\" 42", 1, 0, func(t *testing.T, r usage.Record) {
			assert.Equal(t, "TLSv1.3", r.Detail().TLSVersion)
		}},
		{"the older format, without the trailing fields", base[:strings.Index(base, `"aws-sdk-go-v2"`)+len(`"aws-sdk-go-v2"`)], 1, 0, func(t *testing.T, r usage.Record) {
			assert.Empty(t, r.Detail().TLSVersion)
			assert.Equal(t, "aws-sdk-go-v2", r.Detail().UserAgent)
		}},
		{"an escaped quote and spaces in the User-Agent", strings.Replace(base, `"aws-sdk-go-v2"`, `"evil \" 200 - ua"`, 1), 1, 0, func(t *testing.T, r usage.Record) {
			assert.Equal(t, `evil \" 200 - ua`, r.Detail().UserAgent)
			assert.Equal(t, "SigV4", r.Detail().SignatureVersion)
		}},
		{"Bytes Sent and Object Size -", strings.Replace(base, " 200 - - - 1 1 ", " 200 - - - - - ", 1), 1, 0, func(t *testing.T, r usage.Record) {
			assert.Equal(t, 200, r.Status)
		}},
		{"a 3-digit status with an error code", strings.Replace(base, " 200 - ", " 200 InternalError ", 1), 1, 0, func(t *testing.T, r usage.Record) {
			assert.Equal(t, "InternalError", r.ErrorCode)
			assert.True(t, r.Succeeded(), "S3 served it: authorization passed")
		}},
		{"two gzip members, as concatenated deliveries", gz1.String() + gz2.String(), 2, 0, nil},
		{"a key with an encoded slash, plus, space and unicode", strings.Replace(base, " reports/q1.csv ", " a%2Fb+c%20d%C3%A9 ", 1), 1, 0, func(t *testing.T, r usage.Record) {
			// The Key field is "URL-encoded" (S3 user guide, "Amazon S3
			// server access log format"), read as a URL path: a + stays a
			// plus. Whether S3 ever writes a space as + is not documented;
			// if it did, such a key would be read with a plus.
			assert.Equal(t, "a/b+c dé", r.Key)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, stats := parseAll(t, tc.input, "access.log")
			assert.Len(t, recs, tc.records)
			assert.Equal(t, tc.badRows, stats.Malformed, "%v", stats.Errors)
			if tc.check != nil && len(recs) > 0 {
				tc.check(t, recs[len(recs)-1])
			}
		})
	}
}

// Which statuses are a request S3 served: 2xx and 304 are replayed; a
// redirect (301, 307) and a 5xx are not (they say nothing of what is
// allowed), a 403 is denied; a 404 NoSuchKey of a GET is replayed too,
// with the s3:ListBucket it needed (TestAdversarialNotFoundUsedListBucket).
func TestAdversarialStatusesReplayed(t *testing.T) {
	at := now.Add(-time.Hour)
	var es []entry
	for _, st := range []int{200, 204, 206, 304, 301, 307, 404, 403, 500} {
		k := fmt.Sprintf("s/%d", st)
		es = append(es, entry{at, "", alice, "REST.GET.OBJECT", k, "GET /data-bucket/" + k + " HTTP/1.1", st})
	}
	rep := suggest(t, logOf(es...), usage.Input{}, &usage.Options{MaxResources: 100})
	assert.Equal(t, 4, rep.Counts.Succeeded)
	assert.Equal(t, 1, rep.Counts.NotFound)
	assert.Equal(t, 1, rep.Counts.Denied)
	assert.Equal(t, 3, rep.Counts.OtherErrors)
	assert.Equal(t, 5, rep.Replay.Requests)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/s/200", "arn:aws:s3:::data-bucket/s/204", "arn:aws:s3:::data-bucket/s/206", "arn:aws:s3:::data-bucket/s/304", "arn:aws:s3:::data-bucket/s/404"},
		useOf(rep, alice, "s3:GetObject").Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
}

func gzipString(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.String()
}

// CloudTrail's userIdentity types, each as the principal it is (CloudTrail
// user guide, "CloudTrail userIdentity element"), and errorCode variants.
func TestAdversarialCloudTrailIdentities(t *testing.T) {
	ev := func(identity, errorCode string) string {
		e := trailEvent("GetObject", `{"bucketName":"data-bucket","key":"k"}`, errorCode)
		return strings.Replace(e, `{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"`+alice+`","accountId":"111122223333","userName":"alice"}`, identity, 1)
	}
	tests := []struct {
		name, identity, errorCode string
		want                      usage.Principal
		status                    int
	}{
		{"Root", `{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"}`, "",
			usage.Principal{Kind: usage.Root, ARN: "arn:aws:iam::111122223333:root", Account: "111122223333"}, 200},
		{"IAMUser under a path", `{"type":"IAMUser","principalId":"AIDA","arn":"arn:aws:iam::111122223333:user/ops/alice","accountId":"111122223333"}`, "",
			usage.Principal{Kind: usage.User, ARN: "arn:aws:iam::111122223333:user/ops/alice", Account: "111122223333"}, 200},
		{"AssumedRole of a role under a path", `{"type":"AssumedRole","principalId":"AROA:s","arn":"arn:aws:sts::111122223333:assumed-role/etl/s","accountId":"111122223333",
			"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROA","arn":"arn:aws:iam::111122223333:role/jobs/etl","accountId":"111122223333","userName":"etl"}}}`, "",
			usage.Principal{Kind: usage.Role, ARN: "arn:aws:iam::111122223333:role/jobs/etl", Account: "111122223333"}, 200},
		{"FederatedUser", `{"type":"FederatedUser","principalId":"111122223333:bob","arn":"arn:aws:sts::111122223333:federated-user/bob","accountId":"111122223333",
			"sessionContext":{"sessionIssuer":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/broker"}}}`, "",
			usage.Principal{Kind: usage.FederatedUser, ARN: "arn:aws:sts::111122223333:federated-user/bob", Account: "111122223333"}, 200},
		{"AWSService", `{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"}`, "",
			usage.Principal{Kind: usage.Service, Service: "cloudtrail.amazonaws.com"}, 200},
		{"AWSAccount of another account", `{"type":"AWSAccount","principalId":"AIDAOTHER","accountId":"444455556666"}`, "",
			usage.Principal{Kind: usage.Root, ARN: "arn:aws:iam::444455556666:root", Account: "444455556666"}, 200},
		{"anonymous", `{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}`, "AccessDenied",
			usage.Principal{Kind: usage.Anonymous}, 403},
		{"a type CloudTrail may add", `{"type":"SomethingNew","principalId":"X"}`, "",
			usage.Principal{Kind: usage.Unknown, ID: "SomethingNew:X"}, 200},
		{"a missing key", `{"type":"IAMUser","principalId":"AIDA","arn":"` + alice + `","accountId":"111122223333"}`, "NoSuchKey",
			usage.Principal{Kind: usage.User, ARN: alice, Account: "111122223333"}, 404},
		{"another error", `{"type":"IAMUser","principalId":"AIDA","arn":"` + alice + `","accountId":"111122223333"}`, "InvalidRange",
			usage.Principal{Kind: usage.User, ARN: alice, Account: "111122223333"}, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, stats := parseTrail(t, `{"Records":[`+ev(tc.identity, tc.errorCode)+`]}`)
			require.Zero(t, stats.Malformed, "%v", stats.Errors)
			require.Len(t, recs, 1)
			assert.Equal(t, tc.want, recs[0].Principal)
			assert.Equal(t, tc.status, recs[0].Status)
			assert.Equal(t, tc.status == 403, recs[0].Denied())
		})
	}
}

// pagedS3 lists keys two to a page; lostToken drops the continuation token
// of a truncated page, as a broken gateway might.
type pagedS3 struct {
	keys      []string
	lostToken bool
	failGetOf string
}

func (p *pagedS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	start := 0
	if in.ContinuationToken != nil {
		start, _ = strconv.Atoi(*in.ContinuationToken)
	}
	end := min(start+2, len(p.keys))
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(end < len(p.keys))}
	for _, k := range p.keys[start:end] {
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(k)})
	}
	if end < len(p.keys) && !p.lostToken {
		out.NextContinuationToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func (p *pagedS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if aws.ToString(in.Key) == p.failGetOf {
		return nil, errors.New("connection reset")
	}
	line := entry{now.Add(-time.Hour), "", alice, "REST.GET.OBJECT", aws.ToString(in.Key), "GET /data-bucket/" + aws.ToString(in.Key) + " HTTP/1.1", 200}.String()
	return &s3.GetObjectOutput{Body: io.NopCloser(strings.NewReader(line + "\n"))}, nil
}

// An S3 location is read to its last page; a listing that says there is
// more but gives no way to ask for it, and an object that cannot be read,
// stop the run: a proposal from part of the logs could take away access the
// rest shows was used.
func TestAdversarialS3LocationPagesAndFailures(t *testing.T) {
	keys := []string{"logs/1", "logs/2", "logs/3", "logs/4", "logs/5"}
	run := func(api *pagedS3) (*usage.Report, error) {
		src, err := usage.S3Location(api, "s3://log-bucket/logs/")
		require.NoError(t, err)
		// pagedS3 is not an SDK client, so its endpoint cannot be known:
		// Suggest refuses it unless AllowInsecureTransport.
		return usage.Suggest(t.Context(), "data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{src}},
			&usage.Options{Now: now, MaxResources: 100, AllowInsecureTransport: true})
	}
	rep, err := run(&pagedS3{keys: keys})
	require.NoError(t, err)
	assert.Equal(t, 5, rep.Objects)
	assert.Len(t, useOf(rep, alice, "s3:GetObject").Resources, 5)

	_, err = run(&pagedS3{keys: keys, lostToken: true})
	var re *usage.ReadError
	require.ErrorAs(t, err, &re, "a truncated page without a continuation token")
	assert.Contains(t, err.Error(), "s3://log-bucket/logs/")

	_, err = run(&pagedS3{keys: keys, failGetOf: "logs/4"})
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "s3://log-bucket/logs/4", re.Object)
}

// A service principal acts for any AWS customer: a grant to it without
// aws:SourceAccount or aws:SourceArn is a confused deputy (policy.Validate's
// RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL), and the logs do not record the
// account it acted for. The proposal made that grant from a logged
// delivery, beside the policy in force's own grant under aws:SourceAccount,
// and called it proved. A service's use is withheld; the policy in force's
// grants to services are kept, and a request only such a grant's
// unrecorded condition can decide is unverifiable, not broken.
func TestAdversarialServiceUseIsNeverAnUnconditionedGrant(t *testing.T) {
	at := now.Add(-time.Hour)
	log := logOf(
		entry{at, "", "svc:logging.s3.amazonaws.com", "REST.PUT.OBJECT", "logs/2024-03-31", "PUT /data-bucket/logs/2024-03-31 HTTP/1.1", 200},
		entry{at, "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
	)
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::data-bucket/logs/*",
	  "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`))
	require.NoError(t, err)
	for name, in := range map[string]usage.Input{"with the grant in force": {BucketPolicy: cur}, "without": {}} {
		t.Run(name, func(t *testing.T) {
			rep := suggest(t, log, in, nil)
			require.NotNil(t, rep.BucketPolicy)
			for _, st := range rep.BucketPolicy.Statements {
				if st.Principal != nil {
					for _, e := range st.Principal.Entries {
						if e.Type == policy.PrincipalService {
							assert.NotEmpty(t, st.Condition, "a service grant without a condition: %+v", st)
						}
					}
				}
			}
			for _, f := range rep.BucketPolicyFindings {
				assert.NotEqual(t, policy.SeveritySecurityWarning, f.Severity, "%+v", f)
			}
			var withheld []string
			for _, w := range rep.Withheld {
				withheld = append(withheld, w.Principal.String()+" "+w.Action)
			}
			assert.Equal(t, []string{"service:logging.s3.amazonaws.com s3:PutObject"}, withheld)
			if in.BucketPolicy != nil {
				assert.Equal(t, 1, rep.Replay.Unverifiable, "%+v", rep.Replay)
				assert.Zero(t, rep.Replay.Broken, "%+v", rep.Replay.Breaks)
				assert.True(t, rep.Proved())
			} else {
				assert.Equal(t, 1, rep.Replay.Broken, "%+v", rep.Replay)
				require.Len(t, rep.Replay.Breaks, 1)
				assert.Contains(t, rep.Replay.Breaks[0].Reason, "aws:SourceAccount")
				assert.False(t, rep.Proved())
			}
		})
	}
}

// cutReader returns its input, then err: a connection that drops.
type cutReader struct {
	r   io.Reader
	err error
}

func (c *cutReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		return n, c.err
	}
	return n, err
}

// A read that fails mid-file is a *ReadError, which stops the run, also
// when the failure is io.ErrUnexpectedEOF (what a body cut short of its
// Content-Length gives) and the JSON decoder, or gzip, reports it as a
// truncated file: it was counted as one malformed line, and the run went on
// with part of the logs. A file that is itself truncated stays a malformed
// line.
func TestAdversarialCloudTrailReadCutShortIsAReadError(t *testing.T) {
	ev := trailEvent("GetObject", `{"bucketName":"data-bucket","key":"k"}`, "")
	full := `{"Records":[` + ev + ",\n" + ev + `]}`
	half := full[:len(full)/2]
	for name, input := range map[string]string{"plain": half, "gzip": gzipString(t, full)[:len(gzipString(t, full))/2]} {
		t.Run(name, func(t *testing.T) {
			_, err := usage.ParseCloudTrail(&cutReader{strings.NewReader(input), io.ErrUnexpectedEOF}, "trail.json", func(*usage.Record) error { return nil })
			var re *usage.ReadError
			require.ErrorAs(t, err, &re)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		})
	}
	stats, err := usage.ParseCloudTrail(strings.NewReader(half), "trail.json", func(*usage.Record) error { return nil })
	require.NoError(t, err, "a truncated file, read whole")
	assert.Equal(t, 1, stats.Malformed)

	// Through Suggest: the run stops.
	src := usage.Stream("trail.json", func(context.Context) (io.ReadCloser, error) {
		return io.NopCloser(&cutReader{strings.NewReader(half), io.ErrUnexpectedEOF}), nil
	})
	_, err = usage.Suggest(t.Context(), "data-bucket", usage.Input{BucketOwner: owner, CloudTrail: []usage.Source{src}}, &usage.Options{Now: now})
	var re *usage.ReadError
	require.ErrorAs(t, err, &re)
}

// S3 writes the per-key records of a DeleteObjects (BATCH.DELETE.OBJECT)
// with the Request-URI, Referer and User-Agent as a bare "-", unquoted:
// "The nill `-` in s3 server access logs can actually optionally be `-` or
// `\"-\"`" (awsdocs/amazon-s3-developer-guide pull request 14), as in
// these records, from noobaa-core's tests of its S3 log replication (owner,
// requester account and IDs anonymized there). The parser wanted four
// quotes after the error code and counted every such record malformed, so
// the keys a DeleteObjects deleted were never proposed (s3:DeleteObject),
// and the proof held without them.
func TestAdversarialBatchDeleteRecordsUnquotedDashes(t *testing.T) {
	const batch = `aaa test.bucket [13/Feb/2023:15:08:28 +0000] 1.1.1.1 arn:aws:iam::111:user/user AAA BATCH.DELETE.OBJECT test.js - 204 - - 1 - - - - - AAA SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader s3.us-east-2.amazonaws.com TLSv1.2 - -`
	const put = `aaa test.bucket [13/Feb/2023:16:08:56 +0000] 0.0.0.0 arn:aws:iam::111:user/user AAA REST.PUT.OBJECT code2 "PUT /test.bucket/code2?X-Amz-Security-Token=AAAAAAAAAAAAAAA=20230213T160856Z&X-Amz-AAAAAA HTTP/1.1" 200 - - 1 1 1 "https://s3.console.aws.amazon.com/s3/upload/test.bucket?region=us-east-2" "AAA/5.0 (AAA 1.1; AAA; AAA) AAA/1.1 (KHTML, like Gecko) AAA/1.1 AAA/1.1" - AAAA SigV4 ECDHE-RSA-AES128-GCM-SHA256 QueryString s3.us-east-2.amazonaws.com TLSv1.2 - -`
	recs, stats := parseAll(t, batch+"\n"+put+"\n", "access.log")
	require.Zero(t, stats.Malformed, "%v", stats.Errors)
	require.Len(t, recs, 2)
	del := recs[0]
	assert.Equal(t, "BATCH.DELETE.OBJECT", del.Operation)
	assert.Equal(t, "test.js", del.Key)
	assert.Equal(t, 204, del.Status)
	assert.Empty(t, del.RequestURI)
	d := del.Detail()
	assert.Empty(t, d.UserAgent)
	assert.Equal(t, "SigV4", d.SignatureVersion)
	assert.Equal(t, "AuthHeader", d.AuthType)
	assert.Equal(t, "TLSv1.2", d.TLSVersion)
	assert.Equal(t, "QueryString", recs[1].Detail().AuthType)

	// A line cut before its User-Agent, quoted or not, stays malformed.
	for _, cut := range []string{batch[:strings.Index(batch, " 1 - - - - - ")+5], put[:strings.Index(put, `"AAA/5.0`)+8]} {
		_, stats := parseAll(t, cut+"\n", "access.log")
		assert.Equal(t, 1, stats.Malformed, cut)
	}

	// Through Suggest: the keys deleted are proposed and proved.
	at := now.Add(-time.Hour)
	var lines []string
	for _, k := range []string{"tmp/a", "tmp/b"} {
		l := entry{at, "", alice, "BATCH.DELETE.OBJECT", k, "-", 204}.String()
		l = strings.Replace(l, `"-" 204 - - - 1 1 "-" "aws-sdk-go-v2"`, `- 204 - - - 1 - - -`, 1)
		lines = append(lines, l)
	}
	rep := suggest(t, strings.Join(lines, "\n")+"\n", usage.Input{}, nil)
	require.Zero(t, rep.ServerAccessLogs.Malformed, "%v", rep.ServerAccessLogs.Errors)
	del2 := useOf(rep, alice, "s3:DeleteObject")
	require.NotNil(t, del2, "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/tmp/a", "arn:aws:s3:::data-bucket/tmp/b"}, del2.Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
}

// End to end on the fake: a role's DeleteObjects is proposed, per key, from
// the BATCH.DELETE.OBJECT records the fake writes as S3 does, and the
// proof holds.
func TestAdversarialDeleteObjectsEndToEnd(t *testing.T) {
	ctx := t.Context()
	f := s3fake.Start(t, nil)
	c := f.OwnerClient()
	for _, b := range []string{"data", "logs"} {
		require.NoError(t, f.CreateBucket(b, s3fake.StateAWSDefault))
	}
	_, err := securebucket.Harden(ctx, c, "data", &securebucket.Options{ExpectedBucketOwner: f.AccountID(),
		Logging: &securebucket.Logging{TargetBucket: "logs", TargetPrefix: "data/"}})
	require.NoError(t, err)
	role := f.AddRole("", "cleaner", "run-1")
	cleaner := f.Client(role)
	for _, k := range []string{"tmp/a", "tmp/b"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String(k), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	_, err = cleaner.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("data"), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("tmp/a")}, {Key: aws.String("tmp/b")}}}})
	require.NoError(t, err)
	require.NoError(t, f.FlushAccessLogs())

	src, err := usage.S3Location(c, "s3://logs/data/")
	require.NoError(t, err)
	rep, err := usage.Suggest(ctx, "data", usage.Input{BucketOwner: f.AccountID(), Policy: c, ServerAccessLogs: []usage.Source{src}}, nil)
	require.NoError(t, err)
	require.Zero(t, rep.ServerAccessLogs.Malformed, "%v", rep.ServerAccessLogs.Errors)
	del := useOf(rep, "arn:aws:iam::"+f.AccountID()+":role/cleaner", "s3:DeleteObject")
	require.NotNil(t, del, "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws:s3:::data/tmp/a", "arn:aws:s3:::data/tmp/b"}, del.Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
}

// A DeleteObjects that names a key's version needs s3:DeleteObjectVersion
// for it (DeleteObjects' VersionRequired in policy's catalog). Its per-key
// record has no Request-URI to read a versionId from: the version is in the
// Version Id field ("The version ID in the request", S3 user guide, "Amazon
// S3 server access log format"), as for the GET half of a copy. It was
// read from the Request-URI alone, so the proposal granted s3:DeleteObject
// and the proof allowed a version delete S3 refuses.
func TestAdversarialBatchDeleteOfAVersion(t *testing.T) {
	at := now.Add(-time.Hour)
	line := func(key, version string) string {
		l := entry{at, "", alice, "BATCH.DELETE.OBJECT", key, "-", 204}.String()
		return strings.Replace(l, `"-" 204 - - - 1 1 "-" "aws-sdk-go-v2" -`, `- 204 - - - 1 - - - `+version, 1)
	}
	rep := suggest(t, line("tmp/a", "3HL4kqtJvjVBH40Nrjfkd")+"\n"+line("tmp/b", "-")+"\n", usage.Input{}, nil)
	require.Zero(t, rep.ServerAccessLogs.Malformed, "%v", rep.ServerAccessLogs.Errors)
	ver := useOf(rep, alice, "s3:DeleteObjectVersion")
	require.NotNil(t, ver, "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/tmp/a"}, ver.Resources)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/tmp/b"}, useOf(rep, alice, "s3:DeleteObject").Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
}

// The window is [Now-Since, Now], whatever the order of the records and the
// zone their times are written in.
func TestAdversarialWindowBoundaries(t *testing.T) {
	mk := func(ts, key string) string {
		l := entry{now, "", alice, "REST.GET.OBJECT", key, "GET /data-bucket/" + key + " HTTP/1.1", 200}.String()
		return strings.Replace(l, now.Format("[02/Jan/2006:15:04:05 -0700]"), ts, 1)
	}
	// Now is 12:00Z; the window is one hour.
	log := strings.Join([]string{
		mk("[31/Mar/2024:13:30:00 +0200]", "in/late"),   // 11:30Z
		mk("[31/Mar/2024:13:00:00 +0200]", "in/start"),  // 11:00Z: the window's first instant
		mk("[31/Mar/2024:06:59:59 -0400]", "out/early"), // 10:59:59Z
		mk("[31/Mar/2024:12:00:00 +0000]", "in/end"),    // Now
		mk("[31/Mar/2024:12:00:01 +0000]", "out/after"), // after Now
	}, "\n") + "\n"
	rep := suggest(t, log, usage.Input{}, &usage.Options{Since: time.Hour})
	assert.Equal(t, 2, rep.Counts.OutsideWindow)
	get := useOf(rep, alice, "s3:GetObject")
	require.NotNil(t, get)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/in/end", "arn:aws:s3:::data-bucket/in/late", "arn:aws:s3:::data-bucket/in/start"}, get.Resources)
	assert.Equal(t, now.Add(-time.Hour), get.First)
	assert.Equal(t, now, get.Last)
	assert.Equal(t, 3, rep.Replay.Requests)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
}

// No proposed statement lists more than MaxResources resources or s3:prefix
// values, in the bucket policy and the identity policies, and every
// proposal validates without an ERROR.
func TestAdversarialMaxResourcesBound(t *testing.T) {
	at := now.Add(-time.Hour)
	var es []entry
	for i := range 30 {
		k := fmt.Sprintf("d%d/x%d/f%d", i%7, i%5, i)
		es = append(es, entry{at, "", alice, "REST.GET.OBJECT", k, "GET /data-bucket/" + k + " HTTP/1.1", 200},
			entry{at, "", etlSession1, "REST.PUT.OBJECT", k, "PUT /data-bucket/" + k + " HTTP/1.1", 200},
			entry{at, "", alice, "REST.GET.BUCKET", "", fmt.Sprintf("GET /data-bucket?list-type=2&prefix=d%d%%2Fx%d%%2F HTTP/1.1", i%7, i%3), 200})
	}
	for _, max := range []int{1, 3, 10} {
		rep := suggest(t, logOf(es...), usage.Input{}, &usage.Options{MaxResources: max})
		assert.True(t, rep.Proved(), "%+v", rep.Replay)
		docs := []*policy.Document{rep.BucketPolicy}
		for _, ip := range rep.IdentityPolicies {
			docs = append(docs, ip.Document)
			for _, f := range ip.Findings {
				assert.NotEqual(t, policy.SeverityError, f.Severity, "%+v", f)
			}
		}
		for _, f := range rep.BucketPolicyFindings {
			assert.NotEqual(t, policy.SeverityError, f.Severity, "%+v", f)
		}
		for _, d := range docs {
			for _, st := range d.Statements {
				assert.LessOrEqual(t, len(st.Resource), max, "%+v", st)
				for _, b := range st.Condition {
					for _, e := range b.Entries {
						assert.LessOrEqual(t, len(e.Values), max, "%+v", st)
					}
				}
			}
		}
	}
}

// A CloudTrail record that says nothing of TLS (no tlsDetails, no
// CipherSuite) leaves aws:SecureTransport unknown. The replay left the key
// out, so a kept "Deny unless aws:SecureTransport" did not match and the
// request counted as allowed: a plain-HTTP request the proposal denies was
// proved. Unknown, it is decided as plain HTTP, and a kept statement that
// tests the key makes it unverifiable; a CipherSuite alone says TLS.
func TestAdversarialUnknownTransportIsUnverifiable(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`))
	require.NoError(t, err)
	base := trailEvent("GetObject", `{"bucketName":"data-bucket","key":"k"}`, "")
	none := strings.Replace(strings.Replace(base, `"CipherSuite":"TLS_AES_128_GCM_SHA256"`, `"x":"y"`, 1), `"tlsDetails":{"tlsVersion":"TLSv1.3"},`, "", 1)
	cipherOnly := strings.Replace(base, `"tlsDetails":{"tlsVersion":"TLSv1.3"},`, "", 1)
	for _, tc := range []struct {
		name, event           string
		allowed, unverifiable int
	}{
		{"tlsVersion", base, 1, 0},
		{"CipherSuite alone", cipherOnly, 1, 0},
		{"neither", none, 0, 2}, // the bucket policy's proof and the identity policy's
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := suggest(t, "", usage.Input{BucketPolicy: cur, CloudTrail: []usage.Source{trailOfEvents(tc.event)}}, nil)
			assert.Equal(t, tc.allowed, rep.Replay.Allowed, "%+v", rep.Replay)
			assert.Equal(t, tc.unverifiable, rep.Replay.Unverifiable, "%+v", rep.Replay)
			assert.Zero(t, rep.Replay.Broken, "%+v", rep.Replay.Breaks)
		})
	}
}

// A kept Deny on a key a record does not give (s3:TlsVersion without
// tlsDetails, s3:signatureversion or s3:authType without
// additionalEventData) did not match the key's absence, and the request
// counted as allowed, though with the real value the Deny may refuse it
// (TLS 1.0, SigV2, a presigned URL). Such a decision is unverifiable: the
// kept Deny, its entries on the missing keys left out, would refuse it.
func TestAdversarialMissingKeyNeverAllows(t *testing.T) {
	deny := func(cond string) *policy.Document {
		doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		 {"Sid":"D","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"],"Condition":` + cond + `}]}`))
		require.NoError(t, err)
		return doc
	}
	base := trailEvent("GetObject", `{"bucketName":"data-bucket","key":"k"}`, "")
	noTLSVersion := strings.Replace(base, `"tlsDetails":{"tlsVersion":"TLSv1.3"},`, "", 1)
	noSig := strings.Replace(base, `"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256"}`, `"additionalEventData":{"CipherSuite":"TLS_AES_128_GCM_SHA256"}`, 1)
	tls12 := `{"NumericLessThan":{"s3:TlsVersion":"1.2"}}`
	sigV2 := `{"StringEquals":{"s3:signatureversion":"AWS"}}`
	for _, tc := range []struct {
		name, event, cond     string
		allowed, unverifiable int
	}{
		{"TLS 1.3 given", base, tls12, 1, 0},
		{"TLS version not given", noTLSVersion, tls12, 0, 2},
		{"SigV4 given", base, sigV2, 1, 0},
		{"signature version not given", noSig, sigV2, 0, 2},
		{"a Deny on another key is decided", noSig, `{"StringEquals":{"aws:SourceIp":"203.0.113.7"}}`, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := suggest(t, "", usage.Input{BucketPolicy: deny(tc.cond), CloudTrail: []usage.Source{trailOfEvents(tc.event)}}, nil)
			assert.Equal(t, tc.allowed, rep.Replay.Allowed, "%+v", rep.Replay)
			assert.Equal(t, tc.unverifiable, rep.Replay.Unverifiable, "%+v", rep.Replay)
		})
	}
}

// A server access log line of the older format, which ends before the
// Cipher Suite field, does not say whether the request used TLS: a kept
// TLS-only Deny cannot be decided for it (unverifiable), where the replay
// took the missing field for "-", plain HTTP, and called the request
// broken. A line that has the field and "-" in it was plain HTTP.
func TestAdversarialOlderLogFormatTransportUnknown(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`))
	require.NoError(t, err)
	full := entry{now.Add(-time.Hour), "", alice, "REST.GET.OBJECT", "k", "GET /data-bucket/k HTTP/1.1", 200}.String()
	older := full[:strings.Index(full, `"aws-sdk-go-v2"`)+len(`"aws-sdk-go-v2" -`)]
	plain := strings.Replace(full, "TLS_AES_128_GCM_SHA256", "-", 1)
	plain = strings.Replace(plain, "TLSv1.3", "-", 1)
	for _, tc := range []struct {
		name, line                    string
		allowed, unverifiable, broken int
	}{
		{"TLS", full, 1, 0, 0},
		{"the older format", older, 0, 1, 0},
		{"plain HTTP", plain, 0, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := suggest(t, tc.line+"\n", usage.Input{BucketPolicy: cur}, nil)
			require.Zero(t, rep.ServerAccessLogs.Malformed)
			assert.Equal(t, tc.allowed, rep.Replay.Allowed, "%+v", rep.Replay)
			assert.Equal(t, tc.unverifiable*2, rep.Replay.Unverifiable, "the bucket and identity proofs: %+v", rep.Replay)
			assert.Equal(t, tc.broken*2, rep.Replay.Broken, "%+v", rep.Replay)
		})
	}
}

// CloudTrail names some S3 operations otherwise than the API does: the
// bucket's Block Public Access calls are GetBucketPublicAccessBlock,
// PutBucketPublicAccessBlock and DeleteBucketPublicAccessBlock (S3 user
// guide, "Amazon S3 CloudTrail events", bucket-level event names, each
// linking to GetPublicAccessBlock, …), and a browser upload is PostObject
// (its object-level event names). No table knew them, so they went
// unreplayed (AWS Config reads a bucket's Block Public Access every day).
func TestAdversarialCloudTrailEventNames(t *testing.T) {
	events := []string{
		trailEvent("GetBucketPublicAccessBlock", `{"bucketName":"data-bucket","publicAccessBlock":""}`, ""),
		trailEvent("PostObject", `{"bucketName":"data-bucket","key":"up/x"}`, ""),
	}
	rep := suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(events...)}}, nil)
	assert.Zero(t, rep.Counts.Unmapped, "%+v", rep.Unmapped)
	assert.NotNil(t, useOf(rep, alice, "s3:GetBucketPublicAccessBlock"), "%+v", rep.Used)
	require.NotNil(t, useOf(rep, alice, "s3:PutObject"), "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/up/x"}, useOf(rep, alice, "s3:PutObject").Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	// A browser upload's s3:authType is POST, as for the server access
	// log's REST.POST.OBJECT, whatever additionalEventData says: a kept
	// Deny of every other upload leaves it allowed (it was unverifiable,
	// the record giving no AuthenticationMethod).
	kept, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::data-bucket/up/*"},
	 {"Sid":"BrowserUploadsOnly","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::data-bucket/up/*","Condition":{"StringNotEquals":{"s3:authType":"POST"}}}]}`))
	require.NoError(t, err)
	rep = suggest(t, "", usage.Input{CloudTrail: []usage.Source{trailOfEvents(events[1:]...)}, BucketPolicy: kept}, nil)
	assert.Zero(t, rep.Replay.Unverifiable, "%+v", rep.Replay)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
}

// S3 writes a server access log's Key field URL-encoded twice when the
// request's target names the key: the key "release=2025-12-01/a b.csv",
// requested as /data-bucket/release%3D2025-12-01/a%20b.csv, is logged as
// release%253D2025-12-01/a%2520b.csv, while the Request-URI is the target
// as sent, encoded once (Yelp Engineering, "S3 server access logs at
// scale", 2025: "the key is always double url-encoded … for some
// operations, such as BATCH.DELETE.OBJECT and S3.EXPIRE.OBJECT, the key
// is url-encoded once"). Decoded once, the key is release%3D2025-12-01/…,
// an object nobody read: the proposal granted it, not the key read, and
// the proof, replaying the same wrong key, said every request is allowed.
func TestAdversarialDoublyEncodedKey(t *testing.T) {
	at := now.Add(-time.Hour)
	const key = "release=2025-12-01/a b.csv"
	rows := []struct {
		name, field, uri string
	}{
		{"path style", "release%253D2025-12-01/a%2520b.csv", "GET /data-bucket/release%3D2025-12-01/a%20b.csv HTTP/1.1"},
		{"virtual-hosted, presigned", "release%253D2025-12-01/a%2520b.csv", "GET /release%3D2025-12-01/a%20b.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0 HTTP/1.1"},
		{"absolute target", "release%253D2025-12-01/a%2520b.csv", "GET https://data-bucket.s3.amazonaws.com/release%3D2025-12-01/a%20b.csv HTTP/1.1"},
		{"encoded once, as the fake writes it", "release%3D2025-12-01/a%20b.csv", "GET /data-bucket/release%3D2025-12-01/a%20b.csv HTTP/1.1"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			log := logOf(entry{at, "", alice, "REST.GET.OBJECT", row.field, row.uri, 200})
			recs, stats := parseAll(t, log, "access.log")
			require.Zero(t, stats.Malformed, "%v", stats.Errors)
			require.Len(t, recs, 1)
			assert.Equal(t, key, recs[0].Key)

			rep := suggest(t, log, usage.Input{}, nil)
			require.NotNil(t, useOf(rep, alice, "s3:GetObject"), "%+v", rep.Used)
			assert.Equal(t, []string{"arn:aws:s3:::data-bucket/" + key}, useOf(rep, alice, "s3:GetObject").Resources)
			// The oracle: the request S3 served, for the key it served,
			// decided against the proposal.
			c, err := policy.Compile(rep.BucketPolicy)
			require.NoError(t, err)
			req := policy.Request{Caller: policy.Caller{ARN: alice, Account: owner}, Action: "s3:GetObject", Resource: "arn:aws:s3:::data-bucket/" + key}
			assert.True(t, c.Decide(&req).Allowed(), "the key read is granted")
			assert.True(t, rep.Proved(), "%+v", rep.Replay)
		})
	}

	// A key with a literal percent sign, encoded once (the fake) or twice
	// (S3): the Request-URI says which.
	for _, row := range []struct{ field, uri string }{
		{"100%2541.csv", "GET /data-bucket/100%2541.csv HTTP/1.1"},
		{"100%252541.csv", "GET /data-bucket/100%2541.csv HTTP/1.1"},
	} {
		recs, stats := parseAll(t, logOf(entry{at, "", alice, "REST.GET.OBJECT", row.field, row.uri, 200}), "access.log")
		require.Zero(t, stats.Malformed, "%v", stats.Errors)
		require.Len(t, recs, 1)
		assert.Equal(t, "100%41.csv", recs[0].Key, row.field)
	}

	// Where the Request-URI does not name the key (a key of a
	// DeleteObjects, the GET half of a copy) and the field reads as two
	// keys, which one was touched is unknown: the line is not read, so
	// the proof does not hold, rather than grant or replay a guess.
	log := logOf(
		entry{at, "", alice, "REST.COPY.OBJECT_GET", "src/a%2520b.csv", "PUT /data-bucket/dst/x.csv HTTP/1.1", 200},
		entry{at, "", alice, "BATCH.DELETE.OBJECT", "tmp/a%2520b.csv", "-", 204},
	)
	recs, stats := parseAll(t, log, "access.log")
	assert.Empty(t, recs)
	assert.Equal(t, 2, stats.Malformed, "%v", stats.Errors)
	rep := suggest(t, log, usage.Input{}, nil)
	assert.Empty(t, rep.Used)
	assert.False(t, rep.Proved(), "%+v", rep.Replay)

	// Keys that decode one way only are read as before, whatever the
	// Request-URI: a key of a DeleteObjects with a space (encoded once),
	// S3's own work on a key with a percent sign (it needs no grant).
	log = logOf(
		entry{at, "", alice, "BATCH.DELETE.OBJECT", "tmp/a%20b.csv", "-", 204},
		entry{at, "", "AmazonS3", "S3.EXPIRE.OBJECT", "tmp/100%2541.csv", "-", 200},
	)
	recs, stats = parseAll(t, log, "access.log")
	require.Zero(t, stats.Malformed, "%v", stats.Errors)
	require.Len(t, recs, 2)
	assert.Equal(t, "tmp/a b.csv", recs[0].Key)
	rep = suggest(t, log, usage.Input{}, nil)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
}

// A read of an object that does not exist is answered 404 only to a caller
// allowed s3:ListBucket as well: "If the object you request does not
// exist, the error Amazon S3 returns depends on whether you also have the
// s3:ListBucket permission. If you have the s3:ListBucket permission on
// the bucket, Amazon S3 will return an HTTP status code 404 ("no such
// key") error. If you don't have the s3:ListBucket permission, Amazon S3
// will return an HTTP status code 403 ("access denied") error" (S3 API
// reference, GetObject and HeadObject, Permissions). An existence check
// (HEAD, 404 means "not there yet") used both; the 404s were "other
// errors", so the diff called the s3:ListBucket in force unused, the
// proposal dropped it, and the proof held while every such check would
// get 403 and fail.
func TestAdversarialNotFoundUsedListBucket(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"]}]}`))
	require.NoError(t, err)
	at := now.Add(-time.Hour)
	server := logOf(
		entry{at, "", alice, "REST.HEAD.OBJECT", "cache/a.json", "HEAD /data-bucket/cache/a.json HTTP/1.1", 200},
		entry{at, "", alice, "REST.HEAD.OBJECT", "cache/b.json", "HEAD /data-bucket/cache/b.json HTTP/1.1", 404},
	)
	trail := trailOfEvents(
		trailEvent("HeadObject", `{"bucketName":"data-bucket","key":"cache/a.json"}`, ""),
		trailEvent("GetObject", `{"bucketName":"data-bucket","key":"cache/b.json"}`, "NoSuchKey"),
	)
	for name, in := range map[string]struct {
		log string
		in  usage.Input
	}{
		"server access log": {server, usage.Input{BucketPolicy: cur}},
		"CloudTrail":        {"", usage.Input{BucketPolicy: cur, CloudTrail: []usage.Source{trail}}},
	} {
		t.Run(name, func(t *testing.T) {
			rep := suggest(t, in.log, in.in, nil)
			assert.Equal(t, 1, rep.Counts.NotFound, "%+v", rep.Counts)
			assert.Zero(t, rep.Counts.OtherErrors, "%+v", rep.Counts)
			list := useOf(rep, alice, "s3:ListBucket")
			require.NotNil(t, list, "%+v", rep.Used)
			assert.Empty(t, list.Prefixes, "no s3:prefix condition: which prefix S3 asks about is not documented")
			assert.Equal(t, []string{"arn:aws:s3:::data-bucket/cache/a.json", "arn:aws:s3:::data-bucket/cache/b.json"}, useOf(rep, alice, "s3:GetObject").Resources)
			for _, u := range rep.Unused {
				assert.NotContains(t, u.Actions, "s3:ListBucket", "used by the 404: %+v", u)
			}
			assert.Equal(t, 2, rep.Replay.Requests, "%+v", rep.Replay)
			assert.True(t, rep.Proved(), "%+v", rep.Replay)

			// The oracle: the missing key's HEAD, decided against the
			// proposal, keeps both permissions its 404 needs.
			c, err := policy.Compile(rep.BucketPolicy)
			require.NoError(t, err)
			caller := policy.Caller{ARN: alice, Account: owner}
			for _, req := range []policy.Request{
				{Caller: caller, Action: "s3:GetObject", Resource: "arn:aws:s3:::data-bucket/cache/b.json"},
				{Caller: caller, Action: "s3:ListBucket", Resource: "arn:aws:s3:::data-bucket"},
			} {
				assert.True(t, c.Decide(&req).Allowed(), "%s", req.Action)
			}
		})
	}

	// A 404 that says nothing of s3:ListBucket stays an other error: a
	// version that does not exist, another operation's 404.
	rep := suggest(t, logOf(
		entry{at, "", alice, "REST.GET.OBJECT", "cache/b.json", "GET /data-bucket/cache/b.json?versionId=v1 HTTP/1.1", 404},
		entry{at, "", alice, "REST.GET.OBJECT_TAGGING", "cache/b.json", "GET /data-bucket/cache/b.json?tagging HTTP/1.1", 404},
	), usage.Input{BucketPolicy: cur}, nil)
	assert.Zero(t, rep.Counts.NotFound, "%+v", rep.Counts)
	assert.Equal(t, 2, rep.Counts.OtherErrors, "%+v", rep.Counts)
	assert.Nil(t, useOf(rep, alice, "s3:ListBucket"))
}

// The proposal's grants carry no condition but s3:prefix: a grant in force
// only under a condition (from the office's addresses, through a VPC
// endpoint, over TLS) becomes one from anywhere. The diff checked each use
// against the policy in force with the context the log records, where
// such a condition holds (the request came from the office), so it said
// nothing was added while the proposal let alice read from any address.
// "Added are grants of the proposal that the policies in force, as given,
// do not make": it must list them, with the condition dropped.
func TestAdversarialDroppedAllowConditionIsAnAddition(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Office","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}},
	 {"Sid":"List","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket","Condition":{"StringLike":{"s3:prefix":"reports/*"},"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`))
	require.NoError(t, err)
	at := now.Add(-time.Hour)
	log := logOf(
		entry{at, "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
		entry{at, "", alice, "REST.GET.BUCKET", "", "GET /data-bucket?list-type=2&prefix=reports%2F HTTP/1.1", 200},
	)
	rep := suggest(t, log, usage.Input{BucketPolicy: cur}, nil)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	// The oracle: from another address, the policy in force refuses the
	// read and the proposal allows it.
	req := policy.Request{Caller: policy.Caller{ARN: alice, Account: owner}, Action: "s3:GetObject", Resource: "arn:aws:s3:::data-bucket/reports/q1.csv"}
	req.Context.Set("aws:SourceIp", "198.51.100.1")
	inForce, err := policy.Compile(cur)
	require.NoError(t, err)
	proposed, err := policy.Compile(rep.BucketPolicy)
	require.NoError(t, err)
	require.False(t, inForce.Decide(&req).Allowed())
	require.True(t, proposed.Decide(&req).Allowed())

	var added []string
	for _, a := range rep.Added {
		added = append(added, a.Action+" "+a.Resource)
		if a.Action == "s3:GetObject" {
			assert.Contains(t, a.Why, "aws:SourceIp", "the condition the proposal drops")
		}
	}
	// The listing's s3:prefix condition is one the proposal keeps (it is
	// narrower), and aws:PrincipalAccount is alice's own: not additions.
	assert.Equal(t, []string{"s3:GetObject arn:aws:s3:::data-bucket/reports/q1.csv"}, added)
	// The proposal widens access in force: the keys it drops are named, and
	// Widens says so (the command-line tool exits 1 on it).
	require.Len(t, rep.Added, 1)
	assert.Equal(t, []string{"aws:SourceIp"}, rep.Added[0].DroppedConditions)
	assert.True(t, rep.Widens())
}

// An operation may need more than its required action, by a header the
// logs do not record: a PutObject that sets an ACL (x-amz-acl, as a
// cross-account writer's bucket-owner-full-control) or tags
// (x-amz-tagging) needs s3:PutObjectAcl or s3:PutObjectTagging too
// (policy.Operation.Actions: "those only some calls need (a versionId, an
// ACL, tagging or retention header, a governance bypass)"). The diff
// listed those grants as unused, candidates to remove, though the uploads
// may have needed them: removing them would fail every such upload.
func TestAdversarialHeaderActionsAreNotUnused(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Writer","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":["s3:PutObject","s3:PutObjectAcl","s3:PutObjectTagging","s3:DeleteObject"],"Resource":"arn:aws:s3:::data-bucket/up/*"},
	 {"Sid":"Elsewhere","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:PutObjectAcl","Resource":"arn:aws:s3:::data-bucket/other/*"}]}`))
	require.NoError(t, err)
	at := now.Add(-time.Hour)
	rep := suggest(t, logOf(entry{at, "", alice, "REST.PUT.OBJECT", "up/x.csv", "PUT /data-bucket/up/x.csv HTTP/1.1", 200}), usage.Input{BucketPolicy: cur}, nil)
	bySid := map[string]usage.UnusedGrant{}
	for _, u := range rep.Unused {
		bySid[u.Sid] = u
	}
	assert.Equal(t, []string{"s3:DeleteObject"}, bySid["Writer"].Actions, "no upload needed a delete")
	assert.Equal(t, []string{"s3:PutObjectAcl", "s3:PutObjectTagging"}, bySid["Writer"].MaybeUsed)
	// A grant on keys no upload wrote is unused, header or not.
	assert.Equal(t, []string{"s3:PutObjectAcl"}, bySid["Elsewhere"].Actions)
	assert.Empty(t, bySid["Elsewhere"].MaybeUsed)
}

// fiveFolderReads is alice reading one key in each of data/f1/ … data/f5/:
// past a MaxTrackedKeys of 4, merged into data/.
func fiveFolderReads() string {
	var es []entry
	for i := 1; i <= 5; i++ {
		k := fmt.Sprintf("data/f%d/x.csv", i)
		es = append(es, entry{now.Add(-time.Hour), "", alice, "REST.GET.OBJECT", k, "GET /data-bucket/" + k + " HTTP/1.1", 200})
	}
	return logOf(es...)
}

// Past Options.MaxTrackedKeys a use's keys are merged into prefixes, each
// remembering one key: the diff checked the grants in force against those
// keys alone, so a grant of a folder whose keys were merged away (read,
// but not the one remembered) was listed as unused, a candidate to remove.
func TestAdversarialMergedKeysKeepTheirGrantsUsed(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"First","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/data/f1/*"},
	 {"Sid":"Last","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/data/f5/*"},
	 {"Sid":"Other","Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/logs/*"},
	 {"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"` + bob + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/data/f5/*"}]}`))
	require.NoError(t, err)
	rep := suggest(t, fiveFolderReads(), usage.Input{BucketPolicy: cur}, &usage.Options{MaxResources: 2, MaxTrackedKeys: 4})
	require.Equal(t, []string{"arn:aws:s3:::data-bucket/data/*"}, useOf(rep, alice, "s3:GetObject").Resources, "the keys were merged")
	bySid := map[string]usage.UnusedGrant{}
	for _, u := range rep.Unused {
		bySid[u.Sid] = u
	}
	assert.NotContains(t, bySid, "First")
	assert.NotContains(t, bySid["Last"].Actions, "s3:GetObject", "data/f5/x.csv was read")
	// Outside the merged prefix, or for another principal, a grant is
	// still unused.
	assert.Equal(t, []string{"s3:GetObject"}, bySid["Other"].Actions)
	assert.Equal(t, []string{"s3:GetObject"}, bySid["Bob"].Actions)
}

// A statement naming two principals is split per principal: a merged use
// by one does not keep the other's grant.
func TestAdversarialMergedKeysOfAnotherPrincipal(t *testing.T) {
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Both","Effect":"Allow","Principal":{"AWS":["` + alice + `","` + bob + `"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-bucket/data/f5/*"}]}`))
	require.NoError(t, err)
	rep := suggest(t, fiveFolderReads(), usage.Input{BucketPolicy: cur}, &usage.Options{MaxResources: 2, MaxTrackedKeys: 4})
	require.Len(t, rep.Unused, 1, "%+v", rep.Unused)
	assert.Equal(t, bob, rep.Unused[0].Principal)
	assert.Equal(t, []string{"s3:GetObject"}, rep.Unused[0].Actions)
}

// A Key field written as the key is, not encoded, while the Request-URI
// (the target as sent) encodes it: the Request-URI names the key, and
// decoding the field would name another one ("a%41.csv" read as
// "aA.csv") or none ("100%.csv", a bad escape).
func TestAdversarialRawKeyField(t *testing.T) {
	at := now.Add(-time.Hour)
	for _, row := range []struct{ field, uri, key string }{
		{"a%41.csv", "GET /data-bucket/a%2541.csv HTTP/1.1", "a%41.csv"},
		{"100%.csv", "GET /100%25.csv HTTP/1.1", "100%.csv"},
		{"a%2520b", "GET /data-bucket/a%2520b HTTP/1.1", "a%20b"},
	} {
		recs, stats := parseAll(t, logOf(entry{at, "", alice, "REST.GET.OBJECT", row.field, row.uri, 200}), "access.log")
		require.Zero(t, stats.Malformed, "%v", stats.Errors)
		require.Len(t, recs, 1)
		assert.Equal(t, row.key, recs[0].Key, row.field)
	}
	// Without a Request-URI naming it, a bad escape is still malformed.
	_, stats := parseAll(t, logOf(entry{at, "", alice, "BATCH.DELETE.OBJECT", "100%.csv", "-", 204}), "access.log")
	assert.Equal(t, 1, stats.Malformed)
}
