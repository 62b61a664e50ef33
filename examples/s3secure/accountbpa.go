package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/securebucket"
)

func init() {
	register(&command{
		name:    "account-bpa",
		usage:   "account-bpa [-account ID] [-apply] [-allow-blocking-public-buckets] [-concurrency N] [-control-endpoint URL]",
		summary: "plan (and with -apply, turn on) the account's four Block Public Access settings, naming the buckets that would be cut off",
		run:     runAccountBPA,
	})
}

// runAccountBPA prints the plan for account-level Block Public Access, one
// line per item: account, kind (setting|bucket|result), name, current,
// target, detail. With -apply it writes the plan through
// securebucket.SetAccountPublicAccessBlock. It exits 1 when the plan is
// blocked: buckets rely on public access (or could not be checked) and
// -allow-blocking-public-buckets was not given.
func runAccountBPA(ctx context.Context, g *globals, args []string) int {
	c := registry["account-bpa"]
	fs := g.newFlagSet(c)
	account := fs.String("account", "", "account id (default: the embedded fake's with -local, else STS GetCallerIdentity)")
	apply := fs.Bool("apply", false, "turn the four settings on (default: only print the plan)")
	allow := fs.Bool("allow-blocking-public-buckets", false,
		"with -apply, apply even though buckets rely on public access or could not be checked: they stop being publicly reachable at once, "+
			"in every Region (a public website or download bucket goes dark)")
	concurrency := fs.Int("concurrency", securebucket.DefaultAccountScanConcurrency, "buckets inspected at once")
	controlEndpoint := fs.String("control-endpoint", "", "S3 Control endpoint URL (a VPC endpoint, or a test fake); the global -endpoint names S3, not S3 Control")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("account-bpa: unexpected argument %q", fs.Arg(0)))
	}
	if *allow && !*apply {
		return g.fail(errors.New("account-bpa: -allow-blocking-public-buckets only applies with -apply"))
	}
	if *concurrency < 1 {
		return g.fail(fmt.Errorf("account-bpa: -concurrency must be at least 1, not %d", *concurrency))
	}
	if *account != "" && !apCLIAccountRE.MatchString(*account) {
		return g.fail(fmt.Errorf("account-bpa: -account %q is not a 12-digit account id", *account))
	}
	s3c, err := g.s3Client(ctx)
	if err != nil {
		return g.fail(err)
	}
	control, acct, err := g.controlClient(ctx, *account, *controlEndpoint)
	if err != nil {
		return g.fail(fmt.Errorf("account-bpa: %w", err))
	}
	opts := &securebucket.AccountPublicAccessBlockOptions{AllowBlockingPublicBuckets: *allow, Concurrency: *concurrency}
	var plan *securebucket.AccountPublicAccessBlockPlan
	refused := false
	if *apply {
		plan, err = securebucket.SetAccountPublicAccessBlock(ctx, control, s3c, acct, opts)
		if errors.Is(err, securebucket.ErrBucketsRelyOnPublicAccess) && plan != nil {
			refused, err = true, nil
		}
	} else {
		plan, err = securebucket.PlanAccountPublicAccessBlock(ctx, control, s3c, acct, opts)
	}
	if err != nil {
		return g.fail(err)
	}

	p := g.newPrinter("account", "kind", "name", "current", "target", "detail")
	onOff := func(on bool) string {
		if on {
			return "on"
		}
		return "off"
	}
	cur, tgt := plan.Current.Settings, plan.Target
	settings := []struct {
		name     string
		cur, tgt bool
	}{
		{"BlockPublicAcls", cur.BlockPublicAcls, tgt.BlockPublicAcls},
		{"IgnorePublicAcls", cur.IgnorePublicAcls, tgt.IgnorePublicAcls},
		{"BlockPublicPolicy", cur.BlockPublicPolicy, tgt.BlockPublicPolicy},
		{"RestrictPublicBuckets", cur.RestrictPublicBuckets, tgt.RestrictPublicBuckets},
	}
	for _, s := range settings {
		detail := "already on"
		if !s.cur {
			detail = "turn on"
			if !plan.Current.Configured {
				detail = "turn on (the account has no Block Public Access configuration)"
			}
		}
		p.Row(acct, "setting", s.name, onOff(s.cur), onOff(s.tgt), detail)
	}
	for _, b := range plan.PublicBuckets {
		if b.Err != nil {
			p.Row(acct, "bucket", b.Bucket, "unknown", "not public",
				"could not be checked ("+oneLine(b.Err)+"); it may rely on public access")
			continue
		}
		p.Row(acct, "bucket", b.Bucket, "public", "not public", "relies on public access: "+strings.Join(b.Reasons, "; "))
	}
	blocked := len(plan.PublicBuckets) > 0 && !*allow
	var status, detail string
	switch {
	case plan.NoChange():
		status, detail = "none", "all four settings are already on; nothing to do"
	case refused:
		status = "refused"
		detail = fmt.Sprintf("nothing written: %d bucket(s) would be cut off from public access; make them private first, "+
			"or accept that with -allow-blocking-public-buckets", len(plan.PublicBuckets))
	case *apply:
		status = "applied"
		detail = fmt.Sprintf("turned on %s for every bucket in every Region (%s); AWS may take a while to propagate it",
			strings.Join(plan.TurnOn, ", "), scanNote(plan))
	case blocked:
		status = "blocked"
		detail = fmt.Sprintf("nothing written: %d bucket(s) would be cut off from public access; make them private first, "+
			"or run with -apply -allow-blocking-public-buckets", len(plan.PublicBuckets))
	default:
		status = "planned"
		detail = fmt.Sprintf("nothing written; run with -apply to turn on %s for every bucket in every Region (%s)",
			strings.Join(plan.TurnOn, ", "), scanNote(plan))
	}
	p.Row(acct, "result", status, "", "", detail)
	p.Flush()
	if blocked {
		return exitFindings
	}
	return exitOK
}

// scanNote says how many buckets the plan inspected, or why it inspected
// none.
func scanNote(plan *securebucket.AccountPublicAccessBlockPlan) string {
	if cur := plan.Current.Settings; cur.IgnorePublicAcls && cur.RestrictPublicBuckets {
		return "no bucket inspected: IgnorePublicAcls and RestrictPublicBuckets are already on, so no bucket loses public access"
	}
	if n := len(plan.PublicBuckets); n > 0 {
		return fmt.Sprintf("%d bucket(s) checked, %d of them rely on public access or could not be checked", plan.BucketsChecked, n)
	}
	return fmt.Sprintf("%d bucket(s) checked, none relies on public access", plan.BucketsChecked)
}

// oneLine is an error's message on one line with secrets redacted.
func oneLine(err error) string {
	return redactSecrets(strings.ReplaceAll(err.Error(), "\n", " "))
}

// controlClient returns the S3 Control client and account id for account
// commands. Without endpoint it is g.accountServices (the embedded fake with
// -local, AWS otherwise, none with -endpoint). With endpoint (a VPC
// endpoint, a fake or moto_server) the client is built from the
// command's AWS configuration with that base endpoint; the account is
// accountFlag, else the embedded fake's, else STS GetCallerIdentity (not
// with -endpoint, whose server is not AWS).
func (g *globals) controlClient(ctx context.Context, accountFlag, endpoint string) (securebucket.AccountControlAPI, string, error) {
	if endpoint == "" {
		control, _, acct, err := g.accountServices(ctx, accountFlag)
		if err != nil {
			return nil, "", err
		}
		if control == nil {
			return nil, "", errors.New("S3 Control is not available with -endpoint (an S3-compatible endpoint has no account settings); give -control-endpoint")
		}
		return control, acct, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("-control-endpoint %q is not an http(s) URL", endpoint)
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return nil, "", err
	}
	acct := accountFlag
	if acct == "" && g.localServer != nil {
		acct = g.localServer.AccountID()
	}
	if acct == "" {
		if cfg.BaseEndpoint != nil {
			return nil, "", errors.New("give -account: with -endpoint there is no STS to ask for it")
		}
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, "", fmt.Errorf("find the account (or give -account): %w", err)
		}
		acct = aws.ToString(id.Account)
	}
	if !apCLIAccountRE.MatchString(acct) {
		return nil, "", fmt.Errorf("-account %q is not a 12-digit account id", acct)
	}
	client := s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		if isLoopbackHost(u.Hostname()) {
			// The SDK sends S3 Control requests to ACCOUNT.<endpoint
			// host>, which does not resolve for a loopback address (a
			// local fake or moto_server): connect to the endpoint's
			// address whatever the host; the Host header keeps the
			// account prefix.
			addr := u.Host
			if u.Port() == "" {
				addr = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
			}
			o.HTTPClient = s3controlfake.LoopbackHTTPClient(addr)
		}
	})
	return client, acct, nil
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
