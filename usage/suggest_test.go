package usage_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/usage"
)

const (
	owner       = "111122223333"
	ownerCanon  = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
	etlSession1 = "arn:aws:sts::111122223333:assumed-role/etl/run-1"
	etlSession2 = "arn:aws:sts::111122223333:assumed-role/etl/run-2"
	etlRole     = "arn:aws:iam::111122223333:role/etl"
	alice       = "arn:aws:iam::111122223333:user/alice"
	bob         = "arn:aws:iam::111122223333:user/bob"
)

var now = time.Date(2024, 3, 31, 12, 0, 0, 0, time.UTC)

// entry is one server access log record of bucket data-bucket.
type entry struct {
	at        time.Time
	bucket    string
	requester string
	op, key   string
	uri       string
	status    int
}

func (e entry) String() string {
	bucket := e.bucket
	if bucket == "" {
		bucket = "data-bucket"
	}
	key := e.key
	if key == "" {
		key = "-"
	}
	errCode := "-"
	switch e.status {
	case 403:
		errCode = "AccessDenied"
	case 404:
		errCode = "NoSuchKey"
	}
	return strings.Join([]string{ownerCanon, bucket, e.at.Format("[02/Jan/2006:15:04:05 -0700]"), "203.0.113.7", e.requester, "REQID",
		e.op, key, `"` + e.uri + `"`, itoa(e.status), errCode, "-", "-", "1", "1", `"-"`, `"aws-sdk-go-v2"`, "-", "HOST=", "SigV4",
		"TLS_AES_128_GCM_SHA256", "AuthHeader", bucket + ".s3.amazonaws.com", "TLSv1.3", "-", "-"}, " ")
}

func logOf(entries ...entry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func stringSource(name, s string) usage.Source {
	return usage.Stream(name, func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil })
}

// scenario is a week of use: a role that reads dated data, writes output
// and lists; a user who reads one report; an anonymous read; the owner
// changing the policy; a user changing it too; a denied read; and noise.
func scenario() string {
	day := func(d int) time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }
	return logOf(
		entry{day(7), "", etlSession1, "REST.GET.OBJECT", "data/2024/01/a.parquet", "GET /data-bucket/data/2024/01/a.parquet HTTP/1.1", 200},
		entry{day(6), "", etlSession2, "REST.GET.OBJECT", "data/2024/01/b.parquet", "GET /data-bucket/data/2024/01/b.parquet HTTP/1.1", 200},
		entry{day(5), "", etlSession1, "REST.GET.OBJECT", "data/2024/02/c.parquet", "GET /data-bucket/data/2024/02/c.parquet HTTP/1.1", 200},
		entry{day(5), "", etlSession1, "REST.PUT.OBJECT", "out/x.json", "PUT /data-bucket/out/x.json HTTP/1.1", 200},
		entry{day(5), "", etlSession2, "REST.GET.BUCKET", "", "GET /data-bucket?list-type=2&prefix=data%2F2024%2F HTTP/1.1", 200},
		entry{day(4), "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
		entry{day(4), "", alice, "REST.HEAD.OBJECT", "reports/q1.csv", "HEAD /data-bucket/reports/q1.csv HTTP/1.1", 200},
		entry{day(3), "", "-", "REST.GET.OBJECT", "public/logo.png", "GET /data-bucket/public/logo.png HTTP/1.1", 200},
		entry{day(3), "", ownerCanon, "REST.PUT.BUCKETPOLICY", "", "PUT /data-bucket?policy HTTP/1.1", 204},
		entry{day(2), "", bob, "REST.PUT.BUCKETPOLICY", "", "PUT /data-bucket?policy HTTP/1.1", 204},
		entry{day(2), "", bob, "REST.GET.OBJECT", "secret/x", "GET /data-bucket/secret/x HTTP/1.1", 403},
		entry{day(2), "", alice, "REST.GET.OBJECT", "reports/missing.csv", "GET /data-bucket/reports/missing.csv?versionId=v9 HTTP/1.1", 404},
		entry{day(2), "other-bucket", alice, "REST.GET.OBJECT", "x", "GET /other-bucket/x HTTP/1.1", 200},
		entry{day(200), "", alice, "REST.DELETE.OBJECT", "reports/old.csv", "DELETE /data-bucket/reports/old.csv HTTP/1.1", 204},
		entry{day(1), "", "someone-odd", "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
	) + "not a log line\n"
}

const currentPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::data-bucket/*"},
 {"Sid":"Etl","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/etl"},"Action":"s3:*","Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"]},
 {"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
 {"Sid":"Inventory","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::data-bucket/inventory/*"}
]}`

func suggest(t *testing.T, log string, in usage.Input, opts *usage.Options) *usage.Report {
	t.Helper()
	in.ServerAccessLogs = append(in.ServerAccessLogs, stringSource("access.log", log))
	if in.BucketOwner == "" {
		in.BucketOwner = owner
	}
	if opts == nil {
		opts = &usage.Options{}
	}
	if opts.Now.IsZero() {
		opts.Now = now
	}
	rep, err := usage.Suggest(t.Context(), "data-bucket", in, opts)
	require.NoError(t, err)
	return rep
}

func useOf(rep *usage.Report, principal, action string) *usage.Use {
	for i := range rep.Used {
		if rep.Used[i].Principal.String() == principal && rep.Used[i].Action == action {
			return &rep.Used[i]
		}
	}
	return nil
}

func TestSuggestScenario(t *testing.T) {
	cur, err := policy.Parse([]byte(currentPolicy))
	require.NoError(t, err)
	rep := suggest(t, scenario(), usage.Input{BucketPolicy: cur}, nil)

	// What was read.
	assert.Equal(t, 1, rep.Objects)
	assert.Equal(t, 1, rep.ServerAccessLogs.Malformed)
	c := rep.Counts
	assert.Equal(t, 15, c.Requests)
	assert.Equal(t, 1, c.OtherBuckets)
	assert.Equal(t, 1, c.OutsideWindow)
	assert.Equal(t, 1, c.OtherErrors, "the 404 of a version")
	assert.Equal(t, 1, c.Denied)
	assert.Equal(t, 11, c.Succeeded)

	// What was used, per principal (sessions collapsed to the role).
	get := useOf(rep, etlRole, "s3:GetObject")
	require.NotNil(t, get)
	assert.Equal(t, 3, get.Requests)
	assert.Equal(t, []string{
		"arn:aws:s3:::data-bucket/data/2024/01/a.parquet", "arn:aws:s3:::data-bucket/data/2024/01/b.parquet",
		"arn:aws:s3:::data-bucket/data/2024/02/c.parquet",
	}, get.Resources)
	list := useOf(rep, etlRole, "s3:ListBucket")
	require.NotNil(t, list)
	assert.Equal(t, []string{"data/2024/"}, list.Prefixes)
	aliceGet := useOf(rep, alice, "s3:GetObject")
	require.NotNil(t, aliceGet)
	assert.Equal(t, 2, aliceGet.Requests, "GET and HEAD both need s3:GetObject")
	require.Len(t, rep.Denied, 1)
	assert.Equal(t, bob, rep.Denied[0].Principal.String())
	assert.Equal(t, []string{"arn:aws:s3:::data-bucket/secret/x"}, rep.Denied[0].Resources)

	// Withheld: public, the owner's root, permissions management.
	reasons := map[string]string{}
	for _, w := range rep.Withheld {
		reasons[w.Principal.String()+" "+w.Action] = w.Reason
	}
	assert.Contains(t, reasons["anonymous s3:GetObject"], "AllowPublic")
	assert.Contains(t, reasons["arn:aws:iam::111122223333:root s3:PutBucketPolicy"], "root user")
	assert.Contains(t, reasons[bob+" s3:PutBucketPolicy"], "AllowPermissionsManagement")
	assert.Contains(t, reasons["unknown:someone-odd s3:GetObject"], "nothing is granted")

	// The proposal: the Deny kept first, then grants from use.
	require.NotNil(t, rep.BucketPolicy)
	assert.Equal(t, []int{2, 3}, rep.Kept, "the Deny and the grant to an AWS service")
	for _, f := range rep.BucketPolicyFindings {
		if f.Statement >= 0 && f.Statement < len(rep.Kept) {
			continue // the policy in force's own statements, kept as they are
		}
		assert.NotEqual(t, policy.SeverityError, f.Severity, f.Message)
		assert.NotEqual(t, policy.SeveritySecurityWarning, f.Severity, f.Message)
	}
	js, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	doc := string(js)
	assert.Contains(t, doc, `"Sid":"TLS"`)
	assert.Contains(t, doc, `"s3:prefix":"data/2024/"`)
	assert.Contains(t, doc, `"arn:aws:s3:::data-bucket/reports/q1.csv"`)
	for _, st := range rep.BucketPolicy.Statements[1:] {
		assert.NotContains(t, st.Resource, "arn:aws:s3:::data-bucket/*", "never the whole bucket")
	}
	assert.NotContains(t, doc, "PutBucketPolicy")
	assert.NotContains(t, doc, "secret/x", "what was denied is never proposed")
	assert.NotContains(t, doc, ":root", "nor the owner's root user")
	assert.NotContains(t, doc, "someone-odd")
	require.Len(t, rep.IdentityPolicies, 2, "alice and etl")

	// The diff with what is in force.
	unused := map[string][]string{}
	for _, u := range rep.Unused {
		unused[u.Sid+" "+u.Principal] = u.Actions
	}
	assert.Equal(t, []string{"s3:DeleteObject", "s3:PutObject"}, unused["Alice "+alice])
	assert.Contains(t, unused["Etl "+etlRole], "s3:DeleteBucket")
	assert.NotContains(t, unused["Etl "+etlRole], "s3:GetObject")
	assert.NotContains(t, unused["Etl "+etlRole], "s3:ListBucket")
	assert.Empty(t, rep.Added, "everything proposed is granted today")
	assert.Empty(t, rep.Unbacked)

	// The proof: everything allowed but what was withheld.
	r := rep.Replay
	assert.Equal(t, 11, r.Requests)
	assert.Equal(t, 3, r.Broken, "%+v", r.Breaks)
	require.Len(t, r.Breaks, 3)
	assert.Equal(t, "anonymous", r.Breaks[0].Principal)
	assert.Contains(t, r.Breaks[0].Reason, "AllowPublic")
	assert.Equal(t, bob, r.Breaks[1].Principal)
	assert.Equal(t, "s3:PutBucketPolicy", r.Breaks[1].Action)
	assert.Equal(t, "unknown:someone-odd", r.Breaks[2].Principal)
	assert.Equal(t, "access.log", r.Breaks[2].File)
	assert.Equal(t, 15, r.Breaks[2].Line)
	assert.Equal(t, 8, r.Allowed, "the owner's root is allowed by S3 itself")
	assert.Equal(t, r.IdentityDecisions, r.IdentityAllowed)
	assert.False(t, rep.Proved())
}
