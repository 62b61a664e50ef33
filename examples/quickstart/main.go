// Command quickstart tells s3secure's story in one run, on an in-memory S3
// that verifies signatures and enforces bucket policies, ACLs and Block
// Public Access the way S3 does. No AWS account is needed:
//
//	go run ./examples/quickstart
//
// It creates a bucket the way many old buckets still look (no Block Public
// Access, a policy that lets anyone read), audits it (it fails), reads an
// object anonymously (it works), hardens the bucket with one call, audits it
// again (it passes), and shows that the anonymous read is now refused while
// the bucket owner's own policy statement is still there.
//
// With -aws it works on a bucket of yours instead, using the AWS SDK's
// default credentials: it audits the bucket and prints the hardening plan,
// and applies it only with -apply:
//
//	go run ./examples/quickstart -aws -bucket my-bucket [-apply]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

const (
	demoBucket = "quickstart-demo"
	demoKey    = "reports/2026.csv"
)

// publicReadPolicy is the kind of policy many buckets were given to serve
// files to a website: anyone may read any object.
const publicReadPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PublicRead",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::quickstart-demo/*"
    }
  ]
}`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run is the program: 0 when the story (or, with -aws, the audit and the
// plan) ran, 1 when it failed, 2 for flags it cannot act on.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	useAWS := fs.Bool("aws", false, "use a bucket in your AWS account (default: the embedded in-memory S3)")
	bucket := fs.String("bucket", "", "with -aws: the bucket to audit and harden")
	apply := fs.Bool("apply", false, "with -aws: apply the hardening plan (default: only print it)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if !*useAWS && (*bucket != "" || *apply) {
		// Without -aws the demo would run on the in-memory S3 and exit 0,
		// which reads as if the bucket named had been hardened.
		fmt.Fprintln(stderr, "quickstart: -bucket and -apply work on a bucket of yours and need -aws (go run ./examples/quickstart -aws -bucket NAME [-apply])")
		return 2
	}
	var err error
	if *useAWS {
		err = runAWS(ctx, stdout, *bucket, *apply)
	} else {
		err = runLocal(ctx, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "quickstart:", err)
		return 1
	}
	return 0
}

// runLocal tells the whole story on the embedded fake.
func runLocal(ctx context.Context, w io.Writer) error {
	// The in-memory AWS of package s3securetest: its S3 enforces policies,
	// over HTTPS (the TLS-only policy that Harden writes refuses plain
	// HTTP, as on AWS). Buckets created through the API start "legacy":
	// nothing configured. In your own tests, s3securetest.NewServer(t, opts).
	srv, err := s3securetest.Start(&s3securetest.Options{LegacyBuckets: true})
	if err != nil {
		return err
	}
	defer srv.Close()
	client := s3.NewFromConfig(srv.Config) // with AWS: s3.NewFromConfig(cfg), as runAWS does
	anonymous := srv.Client()              // no credentials: requests are unsigned
	fmt.Fprintf(w, "An in-memory S3 at %s (no AWS account used).\n\n", srv.URL)

	fmt.Fprintf(w, "1. Create bucket %q as many old buckets look: no Block Public Access, ACLs on, a public-read policy.\n", demoBucket)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(demoBucket)}); err != nil {
		return err
	}
	if _, err := client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(demoBucket), Policy: aws.String(publicReadPolicy)}); err != nil {
		return err
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(demoBucket), Key: aws.String(demoKey), Body: strings.NewReader("quarter,revenue\nQ1,1200\n")}); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n2. Audit it.")
	if err := audit(ctx, w, client, demoBucket); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n3. Read an object with no credentials at all.")
	objectURL := srv.URL + "/" + demoBucket + "/" + demoKey
	if err := anonymousGet(ctx, w, anonymous, objectURL); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n4. Harden it: one call, nil options (the secure defaults).")
	res, err := securebucket.Harden(ctx, client, demoBucket, nil)
	if err != nil {
		return err
	}
	for _, s := range res.Steps {
		fmt.Fprintf(w, "   %-22s %-7s %s\n", s.Name, s.Action, s.Detail)
		for _, n := range s.Notes {
			fmt.Fprintf(w, "   %-22s %-7s note: %s\n", "", "", n)
		}
	}

	fmt.Fprintln(w, "\n5. Audit it again.")
	if err := audit(ctx, w, client, demoBucket); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n6. The same anonymous read.")
	if err := anonymousGet(ctx, w, anonymous, objectURL); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n7. The owner's own statement is still in the bucket policy; Block Public Access neutralises it.")
	out, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(demoBucket)})
	if err != nil {
		return err
	}
	doc, err := policy.Parse([]byte(aws.ToString(out.Policy)))
	if err != nil {
		return err
	}
	for _, st := range doc.Statements {
		fmt.Fprintf(w, "   statement %-32q %s\n", st.Sid, st.Effect)
	}

	fmt.Fprintln(w, "\n8. Harden again: nothing left to change.")
	again, err := securebucket.Harden(ctx, client, demoBucket, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   changed: %v\n", again.Changed())
	return nil
}

// audit prints one line per control and a summary. A control that could
// not be read (UNKNOWN) is counted apart: it is not a pass.
func audit(ctx context.Context, w io.Writer, client securebucket.ReadAPI, bucket string) error {
	rep, err := securebucket.Audit(ctx, client, bucket, nil)
	if err != nil {
		return err
	}
	failed, unknown := 0, 0
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rep.Results {
		switch r.Status {
		case securebucket.StatusFail:
			failed++
		case securebucket.StatusUnknown:
			unknown++
		}
		fmt.Fprintf(tw, "   %s\t%s\t%s\t%s\n", r.Control, r.Status, r.Severity, r.Title)
	}
	tw.Flush()
	fmt.Fprintf(w, "   => %d of %d controls fail", failed, len(rep.Results))
	if unknown > 0 {
		fmt.Fprintf(w, ", %d could not be read (UNKNOWN: not a pass)", unknown)
	}
	fmt.Fprintln(w)
	return nil
}

// anonymousGet reads url without credentials and prints what S3 answered.
func anonymousGet(ctx context.Context, w io.Writer, c *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusOK {
		fmt.Fprintf(w, "   GET %s -> %d: anyone can read %q\n", url, resp.StatusCode, firstLine(string(body)))
		return nil
	}
	code := "?"
	if i := strings.Index(string(body), "<Code>"); i >= 0 {
		rest := string(body)[i+len("<Code>"):]
		if j := strings.Index(rest, "<"); j >= 0 {
			code = rest[:j]
		}
	}
	fmt.Fprintf(w, "   GET %s -> %d %s: refused\n", url, resp.StatusCode, code)
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// runAWS audits a real bucket and prints (or applies) the hardening plan.
func runAWS(ctx context.Context, w io.Writer, bucket string, apply bool) error {
	if bucket == "" {
		return errors.New("-aws needs -bucket NAME")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	return hardenBucket(ctx, w, s3.NewFromConfig(cfg), bucket, apply)
}

// hardenBucket audits bucket and prints the hardening plan; with apply it
// hardens the bucket and audits it again.
func hardenBucket(ctx context.Context, w io.Writer, client *s3.Client, bucket string, apply bool) error {
	fmt.Fprintf(w, "Audit of s3://%s:\n", bucket)
	if err := audit(ctx, w, client, bucket); err != nil {
		return err
	}
	plan, err := securebucket.Plan(ctx, client, bucket, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nHardening plan:")
	for _, s := range plan.Steps {
		fmt.Fprintf(w, "   %-22s %-7s %s\n", s.Name, s.Action, s.Detail)
	}
	if len(plan.Changes()) == 0 {
		fmt.Fprintln(w, "\nNothing to change: the bucket is hardened.")
		return nil
	}
	if !apply {
		fmt.Fprintln(w, "\nNothing was changed. Run again with -apply to apply the plan.")
		return nil
	}
	if _, err := securebucket.Harden(ctx, client, bucket, nil); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nHardened. Audit again:")
	return audit(ctx, w, client, bucket)
}
