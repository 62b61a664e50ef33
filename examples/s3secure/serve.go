package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/s3secure/s3secure/internal/localaws"
)

func init() {
	register(&command{
		name:  "serve",
		usage: "serve [-addr 127.0.0.1:9000] [-tls] [-legacy] [-organization-members N [-member-role NAME]]",
		summary: "run the in-memory AWS (S3, S3 Control, STS, CloudFront, CloudTrail, Access Analyzer, IAM, Organizations, Account on one endpoint; " +
			"it verifies signatures and enforces policies) until Ctrl-C; prints endpoint=URL, then export lines to paste into another shell; " +
			"the owner's keys are serve's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when both are set (the secret is not printed), else a pair made for the run",
		formats: []string{"text"},
		run:     runServe,
	})
}

// runServe runs the in-memory AWS (internal/localaws) until the context
// ends (Ctrl-C). It prints endpoint=URL first, then export lines for a
// shell (endpoint, Region, the owner's access key and, when serve
// generated them, the secret: throwaway credentials for a local server;
// an unset line for the settings that would send clients elsewhere
// (shadowingSettings); with -tls the CA bundle), then a comment naming the
// account. The HTTP server's error log goes to stderr through localaws'
// (ListenOptions.ErrorLog): signatures and session tokens cut out, one
// line for the first failed TLS handshake and none after.
func runServe(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	addr := fs.String("addr", "127.0.0.1:9000", "listen address (use port 0 for any free port); an address other machines can reach (0.0.0.0, :PORT) is warned about")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a certificate authority generated for this run (its PEM file is printed as AWS_CA_BUNDLE); "+
		"needed for harden, whose bucket policy denies plain HTTP")
	legacy := fs.Bool("legacy", false, "buckets created through the API start with nothing configured, like pre-2023 buckets (default: today's AWS defaults)")
	members := fs.Int("organization-members", 0, "make the owner account the management account of an AWS Organization with `N` active member "+
		"accounts (222200000001 …, each with the -member-role and one bucket, demo-ID: the odd members' unconfigured, the even members' "+
		"as AWS creates buckets today) and one suspended account (222299999999), for audit -organization and keys -organization")
	memberRole := fs.String("member-role", "S3SecureAudit", "with -organization-members: the `NAME` of the role in every member account, "+
		"which the management account may assume")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("serve: unexpected argument %q", fs.Arg(0)))
	}
	if g.local || g.endpoint != "" {
		return g.fail(errors.New("serve: -local and -endpoint do not apply: serve is the local server"))
	}
	if *members < 0 || *members > demoMaxMembers {
		return g.fail(fmt.Errorf("serve: -organization-members must be between 0 (no organization) and %d, not %d", demoMaxMembers, *members))
	}
	if !roleNameRE.MatchString(*memberRole) {
		return g.fail(fmt.Errorf("serve: -member-role %q is not a role name (1 to 64 of letters, digits and +=,.@_-)", *memberRole))
	}
	opts := &localaws.Options{Region: g.region, LegacyBuckets: *legacy}
	generated := false
	if id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		opts.OwnerAccessKeyID, opts.OwnerSecretAccessKey = id, secret
	} else {
		opts.OwnerAccessKeyID, opts.OwnerSecretAccessKey = localaws.NewAccessKey()
		generated = true
	}
	srv, err := localaws.New(opts)
	if err != nil {
		return g.fail(fmt.Errorf("serve: %w", err))
	}
	var orgLine string
	if *members > 0 {
		if orgLine, err = demoOrganization(srv, *members, *memberRole, ""); err != nil {
			return g.fail(fmt.Errorf("serve: %w", err))
		}
	}
	ep, err := srv.Listen(&localaws.ListenOptions{Addr: *addr, InsecureHTTP: !*useTLS, WriteCAFile: *useTLS,
		ErrorLog: log.New(g.stderr, "s3secure serve: ", 0)})
	if errors.Is(err, syscall.EADDRINUSE) {
		// 9000, serve's default, is MinIO's too.
		return g.fail(&hintError{err: fmt.Errorf("serve: %w", err),
			hint: "another program listens on " + *addr + ": give serve -addr with another port, or -addr 127.0.0.1:0 for any free one"})
	}
	if err != nil {
		return g.fail(fmt.Errorf("serve: %w", err))
	}
	defer ep.Close()
	if !loopbackAddr(*addr) {
		transport := "HTTPS"
		if ep.CAFile == "" {
			transport = "plain HTTP: they can also read and change its traffic"
		}
		fmt.Fprintf(g.stderr, "s3secure serve: warning: %s is not a loopback address: other machines can reach this server (%s); use -addr 127.0.0.1:PORT to serve this machine only\n",
			*addr, transport)
	}
	owner := srv.Owner().Root()
	w := g.stdout
	fmt.Fprintf(w, "endpoint=%s\n", ep.URL)
	fmt.Fprintf(w, "export AWS_ENDPOINT_URL=%s\n", ep.URL)
	fmt.Fprintf(w, "export AWS_REGION=%s\n", srv.Region())
	fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\n", owner.AccessKeyID)
	if generated {
		// Generated for this run only, so the user can configure a client.
		fmt.Fprintf(w, "export AWS_SECRET_ACCESS_KEY=%s\n", owner.SecretAccessKey)
	} else {
		fmt.Fprintln(w, "# AWS_SECRET_ACCESS_KEY: the one in serve's environment")
	}
	fmt.Fprintf(w, "export AWS_DEFAULT_REGION=%s\n", srv.Region()) // the AWS CLI v1 reads only this one
	fmt.Fprintf(w, "unset %s\n", strings.Join(shadowingSettings(os.Environ(), ep.CAFile == ""), " "))
	if ep.CAFile != "" {
		fmt.Fprintf(w, "export AWS_CA_BUNDLE=%s\n", ep.CAFile)
	}
	if orgLine != "" {
		fmt.Fprintf(w, "# %s\n", orgLine)
	}
	fmt.Fprintf(w, "# account %s; serving until Ctrl-C\n", srv.Owner().ID)
	<-ctx.Done()
	return exitOK
}

// loopbackAddr says whether a listen address serves this machine only: a
// loopback IP or localhost. An empty host (":9000") or 0.0.0.0 listens on
// every interface.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// shadowingSettings are the variables serve's unset line names, because in
// the shell the lines are pasted into they would send the SDK or the AWS
// CLI elsewhere than the exported endpoint and keys: a session token (it
// would not match the server's keys), a profile (one that does not exist
// is an error even when keys are exported; one that does may carry
// endpoint_url or services settings), the switch that ignores
// AWS_ENDPOINT_URL, the service-specific AWS_ENDPOINT_URL_<SERVICE> of
// every service the tool calls and any other of environ (each beats
// AWS_ENDPOINT_URL; the shell the lines are pasted into may have one that
// serve's does not), and, when the server is plain
// HTTP (noCA), a CA bundle left from an earlier serve -tls: the SDK cannot
// load its configuration once that file is gone.
func shadowingSettings(environ []string, noCA bool) []string {
	names := []string{"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"}
	if noCA {
		names = append(names, "AWS_CA_BUNDLE")
	}
	var perService []string
	for _, s := range awsServices {
		perService = append(perService, envName(s.id))
	}
	for _, kv := range environ {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_ENDPOINT_URL_") {
			perService = append(perService, k)
		}
	}
	slices.Sort(perService)
	return append(names, slices.Compact(perService)...)
}
