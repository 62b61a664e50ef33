// Package organization audits every account of an AWS Organization:
// it lists the accounts (Organizations ListAccounts), assumes a role you
// name in each member account (STS AssumeRole), and runs securebucket's
// bucket audit and, when asked, its account-level controls there, with a
// bound on the requests in flight, a throttling backoff shared per
// account, a checkpoint to resume an interrupted run, and shards to split
// an organization across machines.
//
// For most uses, call [Audit] with the management account's (or a
// delegated administrator's) aws.Config and its Organizations and STS
// clients, and a function that receives each account's [Report]:
//
//	sum, err := organization.Audit(ctx, cfg, organizations.NewFromConfig(cfg), sts.NewFromConfig(cfg),
//		func(r *organization.Report) error { /* write r.Rows */ return nil },
//		&organization.Options{Role: "S3SecureAudit", AccountControls: true, Checkpoint: "org.checkpoint"})
//
// [RolePolicy] is the least-privilege policy of that role. [Run] does any
// per-account work the same way (the command-line tool's access-key report
// uses it): an [Account] carries an aws.Config that acts in the account,
// from which a tool builds its own clients.
//
// This is a package of its own, not part of securebucket: securebucket
// works inside one account with the clients it is given, while this
// package decides which accounts there are, how to act in each (roles,
// sessions, credentials), and how a long run over many accounts behaves
// (concurrency, throttling, checkpoints, shards); it needs the
// Organizations, STS and Account Management clients that securebucket does
// not.
//
// # Results
//
// Results are emitted per account, in account id order, as soon as every
// account before them is done, never all at the end: memory does not grow
// with the number of accounts audited. Every [Row] carries its account id.
// An account whose role cannot be assumed is [Unreachable] and its rows
// are UNKNOWN with the reason; a Region that is not enabled gives UNKNOWN
// rows saying so; an account that cannot be used (PENDING_ACTIVATION,
// SUSPENDED, PENDING_CLOSURE, CLOSED) is [Skipped] with one NOT_APPLICABLE
// row, and one in a state the audit does not know is audited. Nothing is
// ever silently left out or reported as PASS without having been read.
// [Summary] counts the accounts audited, unreachable and skipped.
//
// Buckets report their own Region. Access points and CloudTrail trails are
// audited per Region: Options.Regions, or each account's enabled Regions
// as account:ListRegions (the AWS Account Management API, which answers
// for the caller's own account without any organization setting) lists
// them; EC2 DescribeRegions would need the much larger EC2 client for the
// same answer. Multi-Region Access Points are global (their control plane
// is in us-west-2 alone): S3.24 is audited once per account.
//
// # Checkpoints and shards
//
// With Options.Checkpoint, each finished account's whole result is
// appended to the file as one JSON line and the file is fsync'd; a rerun
// with the same options replays those results, in order, and audits only
// the other accounts, so its output is the output of an uninterrupted run.
// A checkpoint written with other options is refused ([ErrCheckpoint]),
// and so is one with a result older than Options.AllowCheckpointAgeUpTo, 24
// hours by default ([ErrCheckpointStale]). A checkpoint needs
// Options.CheckpointKey (see "Checkpoint integrity").
// Options.Shard ([ParseShard] "I/N") keeps the accounts whose id hashes to
// I modulo N: N runs with 0/N … N-1/N cover every account exactly once,
// and their outputs concatenate.
//
// # Checkpoint integrity
//
// A resumed run emits what the checkpoint says, without auditing those
// accounts again, so the file decides the verdict of every account in it.
// The attacker this protects against can write the checkpoint file (a
// shared disk, a CI cache or artifact, a build agent's workspace, another
// user of the machine) and read it, but cannot read Options.CheckpointKey:
// without integrity they could mark accounts as done with PASS rows, or
// turn an account's FAIL rows into PASS, and a resumed run would report an
// organization as passing that was never audited.
//
// So every line of the file carries an HMAC-SHA256 under
// Options.CheckpointKey: the header's binds the options' fingerprint and a
// random id of the file; each account's binds its whole result, as
// stored, to that fingerprint and that file. A run refuses, with a
// [*CheckpointIntegrityError] ([ErrCheckpointIntegrity]) and before any
// request, a checkpoint in which any complete line does not verify: a byte
// changed, rows edited or moved to another account, a line forged, a line
// or header copied from another checkpoint (of another run, even with the
// same options and key), a file written with another key. It never starts
// over silently, never cuts such a file, and never uses a line it has not
// verified; a result is verified again when it is read back to be
// emitted. The attacker can still delete lines or the whole file, and a
// torn last line (no newline: a crash while it was written) is cut off:
// those accounts are audited again, which costs time and hides nothing.
// An authentic checkpoint written with a different key or options is not
// resumed.
//
// What a MAC does not give: freshness. An earlier checkpoint of the same
// options and key verifies: last month's, when every account passed,
// copied over today's would have a resumed run report PASS for accounts
// that have failed since, and a checkpoint left behind a week ago would
// mix last week's verdicts with today's. So each result's [Result].Time
// (when its account finished, inside the bytes its MAC covers: who cannot
// read the key cannot make a result look newer) is checked against the
// run's clock (Options.Now) when the run starts: a checkpoint holding a
// result that finished more than Options.AllowCheckpointAgeUpTo before
// (DefaultCheckpointMaxAge, 24 hours, when zero), or more than
// MaxCheckpointClockSkew after (a writer's clock that was ahead, whose
// results would take that much longer to go stale), is refused whole,
// before any request and after every line verified, with a
// [*CheckpointStaleError] ([ErrCheckpointStale]), and left as it is.
// Whole, rather than those accounts audited again: a checkpoint resumes
// one interrupted run, and a result older than the window is another
// audit's, so the file is not the one expected, which the operator must
// hear of; a run does not mix two audits' verdicts; and the accounts a
// run would audit again tell whoever wrote the file nothing. Within the
// window, what a checkpoint replays is the verdict of when it was written;
// a longer Options.AllowCheckpointAgeUpTo is the explicit choice to report
// older results as current, a shorter one is stricter. Delete the
// checkpoint once its run completed, and keep the key where the
// checkpoint's writers cannot read it: a key stored beside the
// checkpoint, or generated per run and written next to it, is not
// integrity. The key is never written to the file, and never appears in
// errors or output ([CheckpointKey] prints as <redacted>).
//
// The zero value refuses: Options.Checkpoint without Options.CheckpointKey
// is [ErrInvalidOptions], and a checkpoint without MACs (written before
// checkpoints were signed) is refused with [ErrCheckpointUnsigned].
// Options.InsecureUnsignedCheckpoint, the one opt-out, writes and resumes
// unsigned checkpoints and trusts whoever could write them.
//
// # Security defaults
//
//   - There is no default role: Options.Role is required, because a
//     default that happens to exist (OrganizationAccountAccessRole is an
//     administrator) would give the audit more than it needs, and one that
//     does not would audit nothing. [RolePolicy] is read-only.
//   - Role sessions are named DefaultSessionName, so CloudTrail in every
//     member account shows who read its configuration; credentials are
//     never written anywhere (the checkpoint holds results and a
//     fingerprint of the options, with the ExternalId hashed).
//   - Options.ExternalID is sent when set, for roles whose trust policy
//     requires sts:ExternalId.
//   - What cannot be read is UNKNOWN, never PASS.
//   - A checkpoint is resumed only when every line verifies with
//     Options.CheckpointKey (HMAC-SHA256); without a key there is no
//     checkpoint. Opt-out: Options.InsecureUnsignedCheckpoint.
//   - A checkpoint is resumed only when none of its results is older than
//     DefaultCheckpointMaxAge (24 hours) or dated in the future; a longer
//     Options.AllowCheckpointAgeUpTo is the explicit choice of older results.
//   - The run reads over TLS, or over plain HTTP from a loopback host only
//     (127.0.0.0/8, ::1, localhost). When S3 built from cfg, or the
//     Organizations or STS client given, would send its requests over
//     plain HTTP to any other host, [Run] and [Audit] are refused before
//     any request with a [*RemotePlainHTTPError] ([ErrPlainHTTPEndpoint]);
//     a member's client that would gives UNKNOWN rows. Nothing
//     authenticates such answers: anyone on the network path could hide
//     accounts or forge PASS rows. An Organizations or STS client that
//     does not let the run see its endpoint (a wrapper that drops the
//     per-call options, a test double) is refused the same way, with an
//     empty Endpoint: the run fails closed. Opt-out:
//     Options.AllowInsecureTransport (a checkpoint written with it is
//     resumed only with it).
//
// # Errors
//
// [ErrInvalidOptions] before any request; [ErrCheckpoint] for a
// checkpoint that cannot be used, before any request: among them
// [ErrCheckpointIntegrity] ([*CheckpointIntegrityError]) for one that does
// not verify, [ErrCheckpointUnsigned] for one without MACs and
// [ErrCheckpointStale] ([*CheckpointStaleError]) for one with a result
// too old or dated in the future; the SDK's error, wrapped once, when the
// caller's identity or the account list cannot be read (for example
// AccessDeniedException from a member account); ctx's error when ctx
// ends, with the [Summary] of what was emitted. Per-account failures are
// rows, not errors.
//
// A credentials provider's failure is named by the types of its error
// chain, never by its text, which can quote the credentials (aws-sdk-go-v2's
// credential_process provider puts its whole output into its error when
// the output does not parse): the configuration's credentials, every
// account's and the management calls' are wrapped so, and an account's
// reason prints such an error the same way. errors.As still reaches the
// provider's error.
//
// See https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html,
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html and
// https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html.
package organization
