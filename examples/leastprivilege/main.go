// Command leastprivilege tells the least-privilege story in one run, on the
// in-memory AWS of package s3securetest (no AWS account needed):
//
//	go run ./examples/leastprivilege
//
// A shop's bucket has the kind of policy that is written once and never
// narrowed: three principals may do anything (s3:*). Server access logging
// is turned on with securebucket.Harden, and a week of traffic follows on
// the server's clock: an order service writes orders, a reporting job reads
// them and writes a daily report, a partner account reads its exports.
// The in-memory S3 delivers its access logs as S3 does, and usage.Suggest
// reads them straight from the log bucket: what each principal really used,
// the grants nobody used, a narrowed bucket policy, and the proof (every
// request of the week replayed against the narrowed policy: all allowed).
// Finally the narrowed policy is put in force: the partner still reads its
// exports, and can no longer read the orders.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
	"github.com/s3secure/s3secure/usage"
)

const (
	dataBucket = "shop-data"
	logBucket  = "shop-logs"
	partnerID  = "444455556666"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "leastprivilege:", err)
		os.Exit(1)
	}
}

// clockSigned returns an S3 client that signs with the server's clock, so
// that requests made after srv.Advance (a week of traffic in a second) are
// within S3's 15-minute skew of the server's time.
func clockSigned(srv *s3securetest.Server, cfg aws.Config) *s3.Client {
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = true
		o.HTTPSignerV4 = signerFunc(func(ctx context.Context, cred aws.Credentials, r *http.Request, hash, service, region string, _ time.Time, fns ...func(*v4.SignerOptions)) error {
			return signer.SignHTTP(ctx, cred, r, hash, service, region, srv.Now(), fns...)
		})
	})
}

type signerFunc func(context.Context, aws.Credentials, *http.Request, string, string, string, time.Time, ...func(*v4.SignerOptions)) error

func (f signerFunc) SignHTTP(ctx context.Context, cred aws.Credentials, r *http.Request, hash, service, region string, t time.Time, fns ...func(*v4.SignerOptions)) error {
	return f(ctx, cred, r, hash, service, region, t, fns...)
}

func run(ctx context.Context, w io.Writer) error {
	srv, err := s3securetest.Start(nil)
	if err != nil {
		return err
	}
	defer srv.Close()
	owner := clockSigned(srv, srv.Config)
	acct := srv.AccountID
	fmt.Fprintf(w, "An in-memory AWS at %s, account %s (no AWS account used).\n", srv.URL, acct)

	fmt.Fprintf(w, "\n1. Bucket %s, hardened with server access logging into %s, and a wide policy: three principals may do anything.\n", dataBucket, logBucket)
	for _, b := range []string{dataBucket, logBucket} {
		if _, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			return err
		}
	}
	if _, err := securebucket.Harden(ctx, owner, dataBucket, &securebucket.Options{
		ExpectedBucketOwner: acct,
		Logging:             &securebucket.Logging{TargetBucket: logBucket, TargetPrefix: dataBucket + "/"},
	}); err != nil {
		return err
	}
	orders, reporting, partner, err := principals(srv, acct)
	if err != nil {
		return err
	}
	wide, err := widen(ctx, owner, acct)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   \"EveryoneWeWorkWith\": user/orders, user/reporting and account %s may do s3:* on the bucket and every object\n", partnerID)

	fmt.Fprintln(w, "\n2. A week of traffic, on the server's clock.")
	start := srv.Now()
	n, export, err := week(ctx, srv, orders, reporting, partner)
	if err != nil {
		return err
	}
	// S3 delivers access logs some time after the requests: an hour, here.
	srv.Advance(2 * time.Hour)
	if _, err := owner.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(logBucket)}); err != nil {
		return err
	}
	logs, err := countObjects(ctx, owner, logBucket, dataBucket+"/")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %d requests from %s to %s; S3 delivered %d access log objects to s3://%s/%s/\n",
		n, start.UTC().Format("Mon 2 Jan"), srv.Now().UTC().Format("Mon 2 Jan"), logs, logBucket, dataBucket)

	fmt.Fprintln(w, "\n3. Suggest: read the logs from S3, learn what was used, narrow, prove.")
	src, err := usage.S3Location(owner, "s3://"+logBucket+"/"+dataBucket+"/")
	if err != nil {
		return err
	}
	rep, err := usage.Suggest(ctx, dataBucket, usage.Input{ServerAccessLogs: []usage.Source{src}, BucketOwner: acct, Policy: owner},
		&usage.Options{Now: srv.Now(), Since: 8 * 24 * time.Hour, MaxResources: 3})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   read %d lines from %d log objects (%d malformed)\n", rep.ServerAccessLogs.Lines, rep.Objects, rep.ServerAccessLogs.Malformed)
	fmt.Fprintln(w, "   used:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, u := range rep.Used {
		res := strings.Join(u.Resources, " ")
		if len(u.Prefixes) > 0 {
			res += " (listing " + strings.Join(u.Prefixes, " ") + ")"
		}
		fmt.Fprintf(tw, "     %s\t%s\t%d\t%s\n", u.Principal, u.Action, u.Requests, res)
	}
	tw.Flush()
	all := len(policy.ExpandActions("s3:*"))
	for _, u := range rep.Unused {
		fmt.Fprintf(w, "   unused: %s may do s3:* and used %d of its %d actions\n", u.Principal, all-len(u.Actions)-len(u.MaybeUsed), all)
	}
	withheld := 0
	for _, wh := range rep.Withheld {
		withheld += wh.Requests
	}
	fmt.Fprintf(w, "   withheld: %d requests by the owner's root user (Harden's), which S3 allows whatever the policy says\n", withheld)

	fmt.Fprintln(w, "\n4. The narrowed bucket policy (Harden's Deny statements kept as they were).")
	js, err := rep.BucketPolicy.Marshal()
	if err != nil {
		return err
	}
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, st := range rep.BucketPolicy.Statements[len(rep.Kept):] {
		fmt.Fprintf(tw, "   %s\t%s\t%s\n", st.Sid, strings.Join(st.Action, ","), strings.Join(st.Resource, " "))
	}
	tw.Flush()
	fmt.Fprintf(w, "   %d statements, %d bytes (the policy in force: %d bytes, s3:* for all three)\n",
		len(rep.BucketPolicy.Statements)-len(rep.Kept), len(js), len(wide))

	fmt.Fprintln(w, "\n5. The proof: every request of the week that succeeded, replayed against the narrowed policy.")
	r := rep.Replay
	fmt.Fprintf(w, "   %d requests, %d decisions: %d allowed, %d broken; every grant backed by a request: %t\n",
		r.Requests, r.Decisions, r.Allowed, r.Broken, len(rep.Unbacked) == 0)
	if !rep.Proved() {
		return errors.New("the narrowed policy does not allow everything that was done")
	}

	fmt.Fprintln(w, "\n6. Put it in force: what was done still works, what was never done no longer does.")
	if _, err := owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(dataBucket), Policy: aws.String(string(js))}); err != nil {
		return err
	}
	for _, c := range []struct {
		what string
		key  string
	}{
		{"the partner reads its export", export},
		{"the partner reads an order", "orders/" + start.UTC().Format("2006-01-02") + "/order-0001.json"},
		{"the partner writes an export", ""},
	} {
		var err error
		if c.key == "" {
			err = put(ctx, partner, "exports/partner/forged.csv", "x")
		} else {
			_, err = get(ctx, partner, c.key)
		}
		fmt.Fprintf(w, "   %-30s -> %s\n", c.what, outcome(err))
	}
	return nil
}

// principals issues keys for the order service and the reporting job (users
// of the owner account) and the partner's analytics user (another account).
func principals(srv *s3securetest.Server, acct string) (orders, reporting, partner *s3.Client, err error) {
	cfg, err := srv.AddUser(acct, "orders")
	if err != nil {
		return nil, nil, nil, err
	}
	orders = clockSigned(srv, cfg)
	if cfg, err = srv.AddUser(acct, "reporting"); err != nil {
		return nil, nil, nil, err
	}
	reporting = clockSigned(srv, cfg)
	if _, err = srv.AddAccount(partnerID); err != nil {
		return nil, nil, nil, err
	}
	if cfg, err = srv.AddUser(partnerID, "analytics"); err != nil {
		return nil, nil, nil, err
	}
	return orders, reporting, clockSigned(srv, cfg), nil
}

// widen adds the wide grant to the hardened bucket policy and returns the
// policy's text.
func widen(ctx context.Context, c *s3.Client, acct string) (string, error) {
	out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(dataBucket)})
	if err != nil {
		return "", err
	}
	doc, err := policy.Parse([]byte(aws.ToString(out.Policy)))
	if err != nil {
		return "", err
	}
	doc.Statements = append(doc.Statements, policy.Statement{
		Sid: "EveryoneWeWorkWith", Effect: policy.Allow,
		Principal: policy.AWSPrincipal("arn:aws:iam::"+acct+":user/orders", "arn:aws:iam::"+acct+":user/reporting", "arn:aws:iam::"+partnerID+":root"),
		Action:    policy.Strings("s3:*"),
		Resource:  policy.Strings("arn:aws:s3:::"+dataBucket, "arn:aws:s3:::"+dataBucket+"/*"),
	})
	js, err := doc.Marshal()
	if err != nil {
		return "", err
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(dataBucket), Policy: aws.String(string(js))}); err != nil {
		return "", err
	}
	return string(js), nil
}

// week makes seven days of traffic, advancing the server's clock an hour at
// a time through each working day. It returns the number of requests and
// the key of the partner's first export.
func week(ctx context.Context, srv *s3securetest.Server, orders, reporting, partner *s3.Client) (n int, export string, err error) {
	order := 0
	for day := 0; day < 7; day++ {
		date := srv.Now().UTC().Format("2006-01-02")
		for hour := 0; hour < 8; hour++ {
			for i := 0; i < 2; i++ {
				order++
				key := fmt.Sprintf("orders/%s/order-%04d.json", date, order)
				if err := put(ctx, orders, key, `{"order":`+fmt.Sprint(order)+`}`); err != nil {
					return n, "", err
				}
				n++
			}
			srv.Advance(time.Hour)
		}
		// The reporting job lists the day's orders, reads them, writes the
		// report and the partner's export.
		out, err := reporting.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(dataBucket), Prefix: aws.String("orders/" + date + "/")})
		if err != nil {
			return n, "", err
		}
		n++
		for _, o := range out.Contents {
			if _, err := get(ctx, reporting, aws.ToString(o.Key)); err != nil {
				return n, "", err
			}
			n++
		}
		for _, key := range []string{"reports/daily-" + date + ".csv", "exports/partner/" + date + ".csv"} {
			if err := put(ctx, reporting, key, "date,orders\n"+date+",16\n"); err != nil {
				return n, "", err
			}
			n++
		}
		// The partner reads its export the next morning.
		srv.Advance(16 * time.Hour)
		key := "exports/partner/" + date + ".csv"
		if _, err := get(ctx, partner, key); err != nil {
			return n, "", err
		}
		if export == "" {
			export = key
		}
		n++
	}
	return n, export, nil
}

func put(ctx context.Context, c *s3.Client, key, body string) error {
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(dataBucket), Key: aws.String(key), Body: strings.NewReader(body)})
	return err
}

func get(ctx context.Context, c *s3.Client, key string) ([]byte, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(dataBucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func countObjects(ctx context.Context, c *s3.Client, bucket, prefix string) (int, error) {
	n := 0
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return n, err
		}
		n += len(out.Contents)
	}
	return n, nil
}

func outcome(err error) string {
	var ae smithy.APIError
	switch {
	case err == nil:
		return "allowed"
	case errors.As(err, &ae):
		return "refused (" + ae.ErrorCode() + ")"
	}
	return "error: " + err.Error()
}
