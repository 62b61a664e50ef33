package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

func init() {
	register(&command{
		name: "accesspoint",
		usage: "accesspoint create -bucket B -name N [-vpc VPC | -allow-internet] [-principal ARN] [-prefix P] " +
			"[-actions read|write|readwrite] [-no-delegate] [-account-id ID] [-dry-run]",
		summary: "create an access point for one application: VPC origin, Block Public Access on, least-privilege policy, bucket delegation",
		run:     runAccessPoint,
		flagFor: map[string]string{"AllowInternetOrigin": "-allow-internet", "VPCID": "-vpc", "DisableBucketDelegation": "-no-delegate"},
	})
}

// runAccessPoint runs "accesspoint create" with securebucket.CreateAccessPoint
// and prints one line per step: access point, step, action (create|update|none),
// detail.
func runAccessPoint(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	bucket := fs.String("bucket", "", "bucket the access point serves (required)")
	name := fs.String("name", "", "access point name (required; 3-50 lowercase letters, digits, hyphens)")
	vpc := fs.String("vpc", "", "VPC id: only requests from this VPC can use the access point (network origin VPC)")
	internet := fs.Bool("allow-internet", false, "without -vpc: create the access point with network origin Internet (reachable from any network; cannot be changed later)")
	principal := fs.String("principal", "", "IAM role or user ARN (or account id) the access point policy grants access to; none: no access point policy")
	prefix := fs.String("prefix", "", "limit the grant to keys under this prefix")
	actions := fs.String("actions", "read", "what the principal may do: read, write or readwrite")
	noDelegate := fs.Bool("no-delegate", false, "do not add the S3SecureDelegateToAccessPoints statement to the bucket policy")
	account := accountIDFlag(fs, "the account's"+accountIDUsage)
	dryRun := fs.Bool("dry-run", false, "print what would be done and change nothing")
	// The one subcommand, create, comes first; -h works with or without it.
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	switch sub {
	case "create":
	case "":
		return g.fail(fmt.Errorf("accesspoint: give the subcommand first: s3secure %s", g.cmd.usage))
	default:
		return g.fail(fmt.Errorf("accesspoint: unknown subcommand %q: the one subcommand is create (run \"s3secure help accesspoint\")", sub))
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("accesspoint: unexpected argument %q", fs.Arg(0)))
	}
	if *bucket == "" || *name == "" {
		return g.fail(errors.New("accesspoint: -bucket and -name are required"))
	}
	if *vpc != "" && *internet {
		return g.fail(errors.New("accesspoint: -vpc and -allow-internet cannot be used together"))
	}
	var access securebucket.AccessPointAccess
	switch *actions {
	case "read":
		access = securebucket.AccessPointRead
	case "write":
		access = securebucket.AccessPointWrite
	case "readwrite":
		access = securebucket.AccessPointReadWrite
	default:
		return g.fail(fmt.Errorf("accesspoint: -actions must be read, write or readwrite, not %q", *actions))
	}
	if *principal == "" && (*prefix != "" || *actions != "read") {
		return g.fail(errors.New("accesspoint: -prefix and -actions need -principal"))
	}
	s3c, err := g.s3Client(ctx)
	if err != nil {
		return g.fail(err)
	}
	if g.local {
		if err := g.localBucket(*bucket, s3fake.StateAWSDefault); err != nil {
			return g.fail(err)
		}
	}
	acct, err := g.accountID(ctx, *account)
	if err != nil {
		return g.fail(err)
	}
	control, err := clientFor(ctx, g, svcS3Control, (*globals).newS3Control)
	if err != nil {
		return g.fail(err)
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return g.fail(err)
	}
	// An access point is made in its bucket's Region ("The access point
	// must be created in the same Region as the associated bucket", S3
	// user guide), whatever -region says; when S3 does not tell, -region.
	region := cfg.Region
	if r, err := analyzer.BucketRegion(ctx, s3c, *bucket, &analyzer.RegionOptions{AllowInsecureTransport: g.insecureTransport}); err == nil && r != "" && r != region {
		// And the bucket policy is read and written there.
		region = r
		s3c = s3.New(s3c.Options(), func(o *s3.Options) { o.Region = r })
	}
	opts := &securebucket.AccessPointOptions{
		VPCID: *vpc, AllowInternetOrigin: *internet, Principal: *principal, Access: access, Prefix: *prefix,
		DisableBucketDelegation: *noDelegate, AllowInsecureTransport: g.insecureTransport,
	}
	explain := func(err error) int {
		if errors.Is(err, securebucket.ErrAccessPointOrigin) {
			return g.fail(fmt.Errorf("%w: give -vpc, or -allow-internet to accept Internet origin", err))
		}
		return g.fail(err)
	}
	var (
		arn, alias                        string
		created, policyDone, bucketPolicy bool
	)
	if *dryRun {
		plan, err := securebucket.PlanAccessPoint(ctx, control, s3c, acct, region, *bucket, *name, opts)
		if err != nil {
			return explain(err)
		}
		arn, created, policyDone, bucketPolicy = plan.ARN, plan.Create, plan.Policy != nil, plan.BucketPolicy != nil
	} else {
		res, err := securebucket.CreateAccessPoint(ctx, control, s3c, acct, region, *bucket, *name, opts)
		if err != nil {
			return explain(err)
		}
		arn, alias, created, policyDone, bucketPolicy = res.ARN, res.Alias, res.Created, res.PolicyChanged, res.BucketPolicyChanged
	}
	action := func(changed bool, kind string) string {
		if changed {
			return kind
		}
		return "none"
	}
	origin := "Internet"
	if *vpc != "" {
		origin = "VPC " + *vpc
	}
	var records []accessPointRecord
	changes := 0
	add := func(step, act, detail string) {
		records = append(records, accessPointRecord{AccessPoint: *name, ARN: arn, Alias: alias, Bucket: *bucket, AccountID: acct,
			Step: step, Action: act, Detail: detail})
		if act != "none" {
			changes++
		}
	}
	add("access-point", action(created, "create"), fmt.Sprintf("%s on bucket %s, network origin %s, Block Public Access all on", arn, *bucket, origin))
	if *principal != "" {
		add("access-point-policy", action(policyDone, "update"), fmt.Sprintf("%s for %s%s", access, *principal, prefixDetail(*prefix)))
	}
	if !*noDelegate {
		add("bucket-policy", action(bucketPolicy, "update"), "statement S3SecureDelegateToAccessPoints (s3:DataAccessPointAccount "+acct+")")
	}
	summary := fmt.Sprintf("access point %s (%s, alias %s): %s", *name, arn, alias, plural(changes, "change"))
	if *dryRun {
		summary = fmt.Sprintf("plan for access point %s (%s): %s; nothing written (run without -dry-run to apply)", *name, arn, plural(changes, "change"))
	}
	writeRecords(g, records, []string{"access_point", "step", "action", "detail"},
		func(r accessPointRecord) []any { return []any{r.AccessPoint, r.Step, r.Action, r.Detail} }, summary)
	return exitOK
}

// accessPointRecord is one step of accesspoint create, in JSON: the
// access point's name, ARN and alias ("" for -dry-run), its bucket and
// account, the step, its action (create, update or none) and detail.
type accessPointRecord struct {
	AccessPoint string `json:"access_point"`
	ARN         string `json:"arn"`
	Alias       string `json:"alias"`
	Bucket      string `json:"bucket"`
	AccountID   string `json:"account_id"`
	Step        string `json:"step"`
	Action      string `json:"action"`
	Detail      string `json:"detail"`
}

func prefixDetail(prefix string) string {
	if prefix == "" {
		return ", every key"
	}
	return ", keys under " + prefix
}
