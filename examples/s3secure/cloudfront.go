package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

func init() {
	register(&command{
		name: "cloudfront",
		usage: "cloudfront -bucket B [-distribution ID] [-migrate [-delete-oai] [-wait 25m]] [-https-only] [-certificate ARN -alias D,...] " +
			"[-trusted-key-group ID,...] [-apply-key-policy]",
		summary: "serve a private bucket through CloudFront with origin access control (or migrate a distribution from OAI)",
		run:     runCloudFront,
		flagFor: map[string]string{
			"CertificateARN": "-certificate", "TrustedKeyGroupIDs": "-trusted-key-group", "DistributionID": "-distribution",
			"Aliases": "-alias", "DeployTimeout": "-wait", "HTTPSOnly": "-https-only", "ApplyKeyPolicy": "-apply-key-policy", "DeleteOAI": "-delete-oai",
		},
	})
}

// runCloudFront wires a bucket to a distribution with cloudfront.ServeBucket,
// or migrates one from OAI with cloudfront.Migrate, and prints one line per
// step: bucket, step, action (create|update|remove|none), detail; then the
// distribution and any warnings. With -local, an embedded CloudFront fake
// serves next to the embedded S3, and the bucket is created there if
// missing (today's AWS defaults: Block Public Access on).
func runCloudFront(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	bucket := fs.String("bucket", "", "bucket to serve (required)")
	dist := fs.String("distribution", "", "distribution ID to update or migrate (default: the one whose origin is the bucket, else a new one)")
	migrate := fs.Bool("migrate", false, "migrate -distribution from a legacy origin access identity to origin access control")
	deleteOAI := fs.Bool("delete-oai", false, "with -migrate: delete the origin access identity once nothing uses it")
	wait := fs.Duration("wait", cloudfront.DefaultDeployTimeout, "with -migrate: how long to wait for the distribution to deploy")
	httpsOnly := fs.Bool("https-only", false, "refuse plain HTTP viewers instead of redirecting them")
	cert := fs.String("certificate", "", "ACM certificate ARN (us-east-1) for -alias")
	aliases := fs.String("alias", "", "comma-separated alternate domain names")
	keyGroups := fs.String("trusted-key-group", "", "comma-separated key group IDs: require signed URLs or cookies")
	applyKey := fs.Bool("apply-key-policy", false, "add the CloudFront statement to the bucket's SSE-KMS key policy")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("cloudfront: unexpected argument %q", fs.Arg(0)))
	}
	if *bucket == "" {
		return g.fail(errors.New("cloudfront: -bucket is required"))
	}
	if *migrate && *dist == "" {
		return g.fail(errors.New("cloudfront: -migrate needs -distribution"))
	}
	if *migrate && (*httpsOnly || *cert != "" || *aliases != "" || *keyGroups != "" || *applyKey) {
		return g.fail(errors.New("cloudfront: -migrate only switches the origin; run without -migrate for the other settings"))
	}
	if *wait <= 0 {
		// 0 would mean the 25-minute default while polling every
		// millisecond: refuse it rather than hammer the CloudFront API.
		return g.fail(fmt.Errorf("cloudfront: -wait must be positive, not %v", *wait))
	}
	if !*migrate && *deleteOAI {
		return g.fail(errors.New("cloudfront: -delete-oai applies to -migrate only"))
	}
	s3c, err := g.s3Client(ctx)
	if err != nil {
		return g.fail(err)
	}
	cf, err := clientFor(ctx, g, svcCloudFront, (*globals).newCloudFront)
	if err != nil {
		return g.fail(err)
	}
	if g.local {
		if err := g.localBucket(*bucket, s3fake.StateAWSDefault); err != nil {
			return g.fail(err)
		}
	}

	var res *cloudfront.Result
	if *migrate {
		res, err = cloudfront.Migrate(ctx, cf, s3c, *bucket, *dist, &cloudfront.MigrateOptions{
			DeleteOAI: *deleteOAI, DeployTimeout: *wait, PollInterval: min(cloudfront.DefaultDeployPollInterval, max(*wait/10, time.Millisecond)),
			AllowInsecureTransport: g.insecureTransport,
		})
	} else {
		opts := &cloudfront.Options{DistributionID: *dist, HTTPSOnly: *httpsOnly, CertificateARN: *cert, AllowInsecureTransport: g.insecureTransport}
		if *aliases != "" {
			opts.Aliases = strings.Split(*aliases, ",")
		}
		if *keyGroups != "" {
			opts.TrustedKeyGroupIDs = strings.Split(*keyGroups, ",")
		}
		if *applyKey {
			kmsc, err := clientFor(ctx, g, svcKMS, (*globals).newKMS)
			if err != nil {
				return g.fail(err)
			}
			opts.KMS, opts.ApplyKeyPolicy = kmsc, true
		}
		res, err = cloudfront.ServeBucket(ctx, cf, s3c, *bucket, opts)
	}
	var records []cloudFrontRecord
	summary := "no distribution was wired"
	if res != nil {
		add := func(step, change, detail string) {
			records = append(records, cloudFrontRecord{Bucket: *bucket, DistributionID: res.DistributionID, DomainName: res.DomainName,
				DistributionARN: res.DistributionARN, Status: res.Status, Step: step, Action: change, Detail: g.cliText(detail)})
		}
		changes := 0
		for _, a := range res.Actions {
			add(a.Step, string(a.Change), a.Detail)
			if a.Change != cloudfront.ChangeNone {
				changes++
			}
		}
		if res.KeyPolicyStatement != nil && !*applyKey {
			b, _ := res.KeyPolicyStatement.MarshalJSON()
			add("kms-key-policy-statement", "none", "add to the KMS key's policy (or rerun with -apply-key-policy): "+string(b))
		}
		for _, w := range res.Warnings {
			add("warning", "none", w)
		}
		if res.DistributionID != "" {
			summary = fmt.Sprintf("distribution %s (https://%s/, %s): %s, %s; status %s", res.DistributionID, res.DomainName,
				res.DistributionARN, plural(changes, "change"), plural(len(res.Warnings), "warning"), res.Status)
		}
	}
	if res != nil || err == nil {
		writeRecords(g, records, []string{"bucket", "step", "action", "detail"},
			func(r cloudFrontRecord) []any { return []any{r.Bucket, r.Step, r.Action, r.Detail} }, summary)
	}
	if err != nil {
		if errors.Is(err, cloudfront.ErrPublicAccessBlockOff) {
			g.fail(&hintError{err: err, hint: "harden the bucket first: s3secure harden -bucket " + *bucket})
			return exitFindings
		}
		if errors.Is(err, cloudfront.ErrUnscopedCloudFrontAccess) {
			// A decision for the user, like Block Public Access off: exit 1.
			g.fail(&hintError{err: err, hint: unscopedHint})
			return exitFindings
		}
		if errors.Is(err, cloudfront.ErrPolicyConflict) {
			// Someone else's statement under one of s3secure's Sids
			// (ErrSidConflict is one), or a policy the wiring would have
			// to change against its owner's intent: a decision for the
			// user, as for harden (exit 1); the error says what to do.
			g.fail(err)
			return exitFindings
		}
		return g.fail(err)
	}
	if res != nil && len(res.UnscopedStatements) > 0 {
		// Migrate wires and warns rather than refuse (refusing would
		// keep the OAI), but the bucket is still open to distributions
		// the policy does not name: the same decision, exit 1.
		g.fail(&hintError{err: fmt.Errorf("%w: statement %s lets cloudfront.amazonaws.com in for distributions it does not name in AWS:SourceArn",
			cloudfront.ErrUnscopedCloudFrontAccess, strings.Join(res.UnscopedStatements, ", ")), hint: unscopedHint})
		return exitFindings
	}
	return exitOK
}

// unscopedHint is what to do about a bucket policy statement that lets
// distributions it does not name in.
const unscopedHint = "scope each named statement to one distribution (aws:SourceArn with its ARN) or remove it, then run again"

// cloudFrontRecord is one step of cloudfront, in JSON: the bucket, the
// distribution (id, domain name, ARN and status after the run), the step,
// its action (create, update, remove or none; warnings and the KMS key
// policy statement to add are steps "warning" and
// "kms-key-policy-statement" with action none) and what it did.
type cloudFrontRecord struct {
	Bucket          string `json:"bucket"`
	DistributionID  string `json:"distribution_id"`
	DomainName      string `json:"domain_name"`
	DistributionARN string `json:"distribution_arn"`
	Status          string `json:"status"`
	Step            string `json:"step"`
	Action          string `json:"action"`
	Detail          string `json:"detail"`
}

func isBucketExists(err error) bool {
	var e *s3fake.Error
	return errors.As(err, &e) && e.StatusCode == http.StatusConflict
}
