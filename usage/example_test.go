package usage_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3secure/s3secure/usage"
)

func ExampleParseServerAccessLog() {
	log := `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be reports [06/Feb/2024:00:00:38 +0000] 192.0.2.3 arn:aws:sts::111122223333:assumed-role/reader/i-0abc 3E57427F3EXAMPLE REST.GET.OBJECT 2024/q1.csv "GET /reports/2024/q1.csv HTTP/1.1" 200 - 113 113 7 - "-" "aws-sdk-go-v2/1.36.0" - s9lzHYrFp76ZVxRcpX9= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader reports.s3.eu-west-1.amazonaws.com TLSv1.3 - -
this line is not a log record
`
	stats, err := usage.ParseServerAccessLog(strings.NewReader(log), "access.log", func(r *usage.Record) error {
		fmt.Println(r.Time, r.Principal, r.Operation, r.Bucket, r.Key, r.Status, r.Detail().TLSVersion)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(stats.Records, "records,", stats.Malformed, "malformed:", stats.Errors[0])
	// Output:
	// 2024-02-06 00:00:38 +0000 UTC arn:aws:iam::111122223333:role/reader REST.GET.OBJECT reports 2024/q1.csv 200 TLSv1.3
	// 1 records, 1 malformed: usage: access.log:2: bad time
}

func ExampleServerAccessLogScanner() {
	log := `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be reports [06/Feb/2024:00:00:38 +0000] 192.0.2.3 arn:aws:iam::111122223333:user/alice R1 REST.GET.OBJECT 2024/q1.csv "GET /reports/2024/q1.csv HTTP/1.1" 200 - 113 113 7 - "-" "sdk" - H= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader reports.s3.amazonaws.com TLSv1.3 - -
79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be reports [06/Feb/2024:00:01:02 +0000] 192.0.2.3 arn:aws:iam::111122223333:user/alice R2 REST.PUT.OBJECT 2024/q2.csv "PUT /reports/2024/q2.csv HTTP/1.1" 200 - - 113 9 - "-" "sdk" - H= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader reports.s3.amazonaws.com TLSv1.3 - -
`
	sc := usage.NewServerAccessLogScanner(strings.NewReader(log), "access.log")
	var last *usage.Record
	for sc.Scan() {
		r := sc.Record() // valid until the next Scan
		fmt.Println(r.Operation, r.Key)
		last = r.Clone() // a copy that may be kept
	}
	if err := sc.Err(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sc.Stats().Records, "records; the last at", last.Time.Format(time.TimeOnly))
	// Output:
	// REST.GET.OBJECT 2024/q1.csv
	// REST.PUT.OBJECT 2024/q2.csv
	// 2 records; the last at 00:01:02
}

func ExampleParseCloudTrail() {
	trail := `{"Records":[{"eventTime":"2024-02-06T00:00:38Z","eventSource":"s3.amazonaws.com","eventName":"PutObject",
	"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333"},
	"requestParameters":{"bucketName":"reports","key":"2024/q2.csv"}}]}`
	_, err := usage.ParseCloudTrail(strings.NewReader(trail), "trail.json", func(r *usage.Record) error {
		fmt.Println(r.Principal.Kind, r.Principal, r.Operation, r.Bucket+"/"+r.Key)
		return nil
	})
	fmt.Println(err)
	// Output:
	// user arn:aws:iam::111122223333:user/alice PutObject reports/2024/q2.csv
	// <nil>
}

func ExampleSuggest() {
	log := strings.Join([]string{
		`79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be reports [06/Feb/2024:10:00:00 +0000] 192.0.2.3 arn:aws:sts::111122223333:assumed-role/reader/i-0abc R1 REST.GET.OBJECT 2024/q1.csv "GET /reports/2024/q1.csv HTTP/1.1" 200 - 113 113 7 - "-" "sdk" - H= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader reports.s3.amazonaws.com TLSv1.3 - -`,
		`79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be reports [07/Feb/2024:10:00:00 +0000] 192.0.2.3 arn:aws:sts::111122223333:assumed-role/reader/i-0def R2 REST.GET.OBJECT 2024/q2.csv "GET /reports/2024/q2.csv HTTP/1.1" 200 - 113 113 7 - "-" "sdk" - H= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader reports.s3.amazonaws.com TLSv1.3 - -`,
	}, "\n")
	src := usage.Stream("access.log", func(context.Context) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(log)), nil
	})
	rep, err := usage.Suggest(context.Background(), "reports", usage.Input{
		ServerAccessLogs: []usage.Source{src},
		BucketOwner:      "111122223333",
	}, &usage.Options{Now: time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC), MaxResources: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range rep.Used {
		fmt.Println(u.Principal, u.Action, u.Resources, u.Requests)
	}
	js, _ := rep.BucketPolicy.Marshal()
	fmt.Println(string(js))
	fmt.Printf("replayed %d, allowed %d, broken %d\n", rep.Replay.Requests, rep.Replay.Allowed, rep.Replay.Broken)
	// The log names the role's sessions, not its path: without Input.IAM
	// (or CloudTrail) the proposal's role/reader is a guess, and says so.
	for _, r := range rep.UnresolvedRoles {
		fmt.Println("path unknown:", r.Principal, r.Requests)
	}
	// Output:
	// arn:aws:iam::111122223333:role/reader s3:GetObject [arn:aws:s3:::reports/2024/*] 2
	// {"Version":"2012-10-17","Statement":[{"Sid":"RoleReaderObjects","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/2024/*"}]}
	// replayed 2, allowed 2, broken 0
	// path unknown: arn:aws:iam::111122223333:role/reader 2
}
