// Package rmw is the one implementation of the write discipline that
// s3secure follows for every setting AWS replaces whole and cannot write
// conditionally (no ETag, no If-Match): an S3 bucket policy, access point
// policy, Block Public Access (bucket and account), Object Ownership,
// default encryption, versioning, lifecycle, server access logging and
// Object Lock configuration, a KMS key policy and a CloudTrail trail's
// event selectors. Another writer (a
// person in the console, an infrastructure-as-code apply, another run of
// the library) may change the same setting at any moment, and a write
// made from an earlier read would silently undo that change.
//
// # The discipline
//
// A [Cycle] is one such setting. [Cycle.Run] carries it out:
//
//  1. Fresh read: the setting is read one request before the write, never
//     taken from an earlier read (a plan, or a read before a wait).
//  2. Merge: the caller's merge takes its decision again on that read: its
//     own part added or replaced, everything else carried through, never
//     weaker than what was read. A merge that finds its part already there
//     writes nothing.
//  3. Write: the merged value, with all its fields. A write that fails
//     with a retryable error ([Retryable]: 409 OperationAborted, throttling,
//     5xx, a dropped connection) goes back to 1 after a backoff
//     ([Backoff]): an old merge is never sent again. After
//     Policy.MaxAttempts failures the error is returned.
//  4. Verify: after about twice the read-to-write time (so that another
//     writer who read before this write has landed theirs by then), the
//     setting is read and merged again. If the merge finds the part in
//     place, Run is done. If another writer replaced the value, the merge
//     goes into what they wrote and is written again, up to Policy.Rounds
//     writes in all, then the error wraps Cycle.Conflict ([ErrConflict] by
//     default): Run never overwrites what it has not read.
//
// A verifying read whose merge would send exactly the request just sent
// means the write did not take. When that read still shows exactly what
// the write was merged into, it may be a stale read (S3's bucket
// configuration is eventually consistent): it is read again after growing
// delays (Policy.BaseDelay doubling up to Policy.MaxDelay), for up to
// Policy.StaleBudget in all. Otherwise, or once the budget is spent, the
// endpoint did not keep the change: it does not support a field (moto 5.2.1
// drops BlockedEncryptionTypes), or another writer puts the old value back
// every time. Writing again would change nothing, so Run stops and names
// what was not kept in [Outcome].NotKept; the caller reports it (securebucket's
// Harden as its step's not-kept action, the single-purpose calls as an
// error).
//
// Within one process, cycles with the same [Cycle].Key are serialised, so
// that many merges into one setting (a fleet's buckets merging their
// log-delivery statements into one target's policy, Harden and a
// CloudFront wiring merging into one bucket policy) do not race. Between
// processes the window in which a concurrent change can be lost is the one
// round trip between 1 and 3, which the AWS APIs cannot close; the
// verification in 4 catches every later change.
package rmw
