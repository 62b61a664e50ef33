package cloudfront

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/s3secure/s3secure/policy"
)

// MigrateOptions configures [Migrate]. A nil *MigrateOptions means the
// defaults.
type MigrateOptions struct {
	// Region is the bucket's region. By default it is read with
	// GetBucketLocation.
	Region string
	// OriginAccessControlName is the OAC to find or create. By default
	// OACName(bucket).
	OriginAccessControlName string
	// PollInterval is how often the distribution's status is read while
	// waiting for Deployed. By default DefaultDeployPollInterval.
	PollInterval time.Duration
	// DeployTimeout bounds the wait for Deployed. By default
	// DefaultDeployTimeout. When it passes, Migrate returns ErrNotDeployed
	// with the OAI statement still in place; run Migrate again to finish.
	DeployTimeout time.Duration
	// DeleteOAI deletes the origin access identity once no distribution
	// uses it for the bucket any more and its statement is gone. By default
	// the identity is kept (it is harmless without a statement, and other
	// buckets may trust it).
	DeleteOAI bool
	// ExpectedBucketOwner is the 12-digit account id that must own the
	// bucket; it is sent with every S3 request, so S3 refuses with 403
	// AccessDenied a bucket of the same name that someone else owns. By
	// default, the account of the distribution.
	ExpectedBucketOwner string
	// OriginAccessIdentityID names the OAI being replaced. It is needed
	// only to finish a migration whose origin was already switched (by an
	// earlier run that stopped, or by hand) when the OAI's bucket policy
	// statement does not have Sid OAIStatementSid. By default the OAI is
	// read from the origin, or from the OAIStatementSid statement.
	OriginAccessIdentityID string

	// AllowInsecureTransport lets Migrate run with a CloudFront or S3
	// client that sends its requests over plain HTTP to a host that is not
	// loopback (127.0.0.0/8, ::1, localhost), or that does not let the call
	// see its endpoint (a wrapper that drops the per-call options, a test
	// double: refused with an empty Endpoint). By default it is refused
	// before any request with a [*RemotePlainHTTPError]: SigV4 signs the
	// requests, but nothing authenticates the answers, so anyone on the
	// network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) could rewrite the distributions and bucket policies
	// its refusals and warnings are read from. It is not the viewers'
	// protocol (see HTTPSOnly). Set it only for a test server on a network
	// you trust.
	AllowInsecureTransport bool
}

// Migrate moves a distribution's origin for the bucket from a legacy origin
// access identity to origin access control, without a moment where the
// bucket refuses the distribution or trusts anyone new:
//
//  1. find or create the OAC (as [ServeBucket] does);
//  2. add the OAC statement for this distribution to the bucket policy,
//     keeping the OAI statement: both paths work. The OAC statement grants
//     what the bucket policy granted the OAI, never more: an OAI statement
//     limited to part of the bucket (B/public/*, a condition) gives an OAC
//     statement limited the same way, and a limit it cannot carry (a Deny
//     naming the OAI) stops Migrate with ErrPolicyConflict before any
//     write, as do an OAI no statement grants (it reads what object ACLs
//     grant it, if anything), origins for the bucket that use no identity
//     at all (they read only what is public; [ServeBucket] serves a
//     bucket) while no statement grants the distribution, and an OAC
//     statement of other distributions
//     that grants more than the OAI was granted, unless the OAC statement
//     already names this distribution (a grant its owner made);
//  3. switch every origin for the bucket (one per origin path, say): set
//     OriginAccessControlId, empty OriginAccessIdentity. Origins for the
//     bucket with two different identities stop Migrate with
//     ErrPolicyConflict before any write, since the OAC statement carries
//     one identity's grant (UpdateDistribution with If-Match; a
//     configuration changed by someone else in between is read again and
//     switched from that read, MaxConfigWriteAttempts writes at most, and
//     an origin that names another OAI by then stops Migrate with
//     ErrConcurrentUpdate);
//  4. wait until the distribution is Deployed, so no edge location still
//     signs as the OAI;
//  5. remove the bucket policy's grants (Allow statements) that exist only
//     for the OAI (a Deny naming it is the owner's, and kept), if no other
//     distribution still uses that OAI for this bucket: merged
//     into the policy as read after the wait, written and verified (see
//     "Writes" in the package documentation), so statements others added
//     meanwhile stay, and the OAC statement is put back if it went
//     missing;
//  6. with DeleteOAI, delete the identity.
//
// A failure at any step leaves the old path working: until step 3 succeeds
// the distribution still uses the OAI, and the OAI statement stays until
// the new path is deployed. Running Migrate again continues where it
// stopped; on a migrated distribution it changes nothing.
//
// Errors: [ErrInvalidBucket] and [ErrInvalidOptions] before any request;
// otherwise a [*StepError] wrapping [ErrOriginNotFound], [ErrNotDeployed],
// [ErrOACMisconfigured], [ErrPolicyConflict], [ErrSidConflict] ([*SidConflictError],
// before any write: see "Whose statement is under our Sid" in the package
// documentation), [ErrConflict], [ErrConcurrentUpdate], or the
// SDK's error (AccessDenied
// when the bucket belongs to an account other than the expected owner).
// Every S3 request carries ExpectedBucketOwner: MigrateOptions'
// ExpectedBucketOwner, else the distribution's account. The Result lists what was done.
func Migrate(ctx context.Context, cf CloudFrontAPI, s3c S3API, bucket, distributionID string, opts *MigrateOptions) (*Result, error) {
	var o MigrateOptions
	if opts != nil {
		o = *opts
	}
	if err := checkBucket(bucket); err != nil {
		return nil, err
	}
	if distributionID == "" {
		return nil, fmt.Errorf("%w: a distribution ID is required", ErrInvalidOptions)
	}
	if err := checkClients(cf, s3c); err != nil {
		return nil, err
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "Migrate", "MigrateOptions", bucket, cf, s3c); err != nil {
			return nil, err
		}
	}
	switch {
	case o.PollInterval < 0 || o.DeployTimeout < 0:
		return nil, fmt.Errorf("%w: negative PollInterval or DeployTimeout", ErrInvalidOptions)
	case o.Region != "" && !isRegionName(o.Region):
		return nil, fmt.Errorf("%w: Region %q is not an AWS Region name", ErrInvalidOptions, o.Region)
	case len(o.OriginAccessControlName) > 64:
		return nil, fmt.Errorf("%w: OriginAccessControlName is longer than 64 characters", ErrInvalidOptions)
	case o.ExpectedBucketOwner != "" && !policy.IsAccountID(o.ExpectedBucketOwner):
		return nil, fmt.Errorf("%w: ExpectedBucketOwner %q is not a 12-digit account id", ErrInvalidOptions, o.ExpectedBucketOwner)
	}
	if o.PollInterval == 0 {
		o.PollInterval = DefaultDeployPollInterval
	}
	if o.DeployTimeout == 0 {
		o.DeployTimeout = DefaultDeployTimeout
	}
	res := &Result{Bucket: bucket, Region: o.Region, DistributionID: distributionID}
	fail := func(step string, err error) (*Result, error) {
		return res, &StepError{Bucket: bucket, Distribution: distributionID, Step: step, Err: err}
	}

	// The distribution first: its account is the bucket's expected owner
	// for every S3 call.
	got, err := cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String(distributionID)}, noSetupRetryCF)
	if err != nil {
		return fail(StepFindDistribution, err)
	}
	setDistribution(res, got.Distribution)
	bkt := newBucketAPI(s3c, bucket, o.ExpectedBucketOwner)
	bkt.pinOwner(res.DistributionARN)

	on, ignoreACLs, err := bkt.publicAccessBlock(ctx)
	if err != nil {
		return fail(StepCheckBucket, err)
	}
	if !on {
		res.Warnings = append(res.Warnings, bkt.aroundCloudFront(ctx, ignoreACLs)...)
	}
	if res.Region == "" {
		if res.Region, err = bkt.region(ctx); err != nil {
			return fail(StepCheckBucket, err)
		}
	}

	cfgOut, err := cf.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(distributionID)}, noSetupRetryCF)
	if err != nil {
		return fail(StepFindDistribution, err)
	}
	cfg := cfgOut.DistributionConfig
	i := bucketOrigin(cfg, bucket)
	if i < 0 {
		return fail(StepFindDistribution, noOrigin(cfg, bucket, res.Region))
	}
	origin := &cfg.Origins.Items[i]
	// The identity being replaced: the first one an origin for the bucket
	// uses.
	oldOAI := ""
	for _, j := range bucketOrigins(cfg, bucket) {
		if oldOAI = oaiIDOf(&cfg.Origins.Items[j]); oldOAI != "" {
			break
		}
	}
	// Every origin for the bucket moves, before anything is written: a
	// custom one, or one with another identity, stops Migrate here.
	if _, err := migratableOrigins(cfg, bucket, res.Region, oldOAI, false); err != nil {
		return fail(StepFindDistribution, err)
	}

	// Someone else's statement under OACStatementSid is refused before
	// any write (the grant judges it again on its fresh read).
	doc, err := bkt.policy(ctx)
	if err != nil {
		return fail(StepBucketPolicy, err)
	}
	if err := checkOACSid(doc, bucket, res.DistributionARN, partitionOf(res.DistributionARN, res.Region)); err != nil {
		return fail(StepBucketPolicy, err)
	}
	// No identity to move from (no origin for the bucket uses one, none is
	// named, none has our statement) and no grant of the distribution's
	// own: its origin reaches the bucket without an identity and reads
	// what is public, so the OAC statement for the whole bucket would
	// widen what it reads.
	if oldOAI == "" && o.OriginAccessIdentityID == "" && len(ourOAIStatement(doc)) == 0 && !namesDistribution(doc, res.DistributionARN) {
		return fail(StepBucketPolicy, fmt.Errorf("%w: no origin of distribution %s for the bucket uses an origin access identity, and the bucket policy does not grant the distribution under Sid %s: it reads only what is public, so the OAC statement for the whole bucket would widen what it reads; to serve the bucket through it, use ServeBucket (which also secures its behaviors), or grant the distribution what it should read under Sid %s yourself, and Migrate keeps it", ErrPolicyConflict, res.DistributionID, OACStatementSid, OACStatementSid))
	}

	// 1. OAC.
	name := o.OriginAccessControlName
	if name == "" {
		name = OACName(bucket)
	}
	oacID, act, err := ensureOAC(ctx, cf, name, bucket)
	if err != nil {
		return fail(StepOriginAccessControl, err)
	}
	res.OriginAccessControlID = oacID
	res.add(act)

	// 2. Both statements. The OAC statement grants what the OAI was
	// granted, never more.
	var scope *policy.Statement
	if oldOAI != "" {
		cur, err := bkt.policy(ctx)
		if err != nil {
			return fail(StepBucketPolicy, err)
		}
		canonical, err := oaiCanonicalID(ctx, cf, oldOAI)
		if err != nil {
			return fail(StepBucketPolicy, err)
		}
		if scope, err = oaiScope(cur, bucket, res.DistributionARN, oldOAI, canonical); err != nil {
			return fail(StepBucketPolicy, err)
		}
	}
	if err := grantDistribution(ctx, bkt, res, scope, false); err != nil {
		return fail(StepBucketPolicy, err)
	}

	// 3. Switch the origin, with If-Match on the read's ETag; a
	// configuration another writer changed since is read again and the
	// switch merged into that read (see ifMatchWrite), so their change
	// stays.
	originID := aws.ToString(origin.Id)
	switchOrigin := func(cfg *types.DistributionConfig) ([]string, error) {
		return switchToOAC(cfg, bucket, res.Region, oldOAI, oacID)
	}
	changes, err := switchOrigin(cfg)
	if err != nil {
		return fail(StepFindDistribution, err)
	}
	written, err := distributionWrite(cf, distributionID, switchOrigin,
		func(out *cfsdk.UpdateDistributionOutput) { setDistribution(res, out.Distribution) }).run(ctx, cfg, cfgOut.ETag, changes)
	if err != nil {
		return fail(StepUpdateDistribution, err)
	}
	if written != nil {
		res.add(Action{Step: StepUpdateDistribution, Change: ChangeUpdated, Detail: joinChanges(written)})
	} else {
		res.add(Action{Step: StepUpdateDistribution, Change: ChangeNone, Detail: fmt.Sprintf("origin %s already uses OAC %s", originID, oacID)})
		if len(changes) > 0 {
			// Another writer made the switch since the first read: the
			// status read then is stale, and the wait below must see
			// their change deployed.
			res.Status = ""
		}
	}

	// 5 needs the OAIs whose statements may go: the origin's, the one
	// named in the options, and the one of our own OAI statement (a
	// previous run may have switched the origin already). Statements for
	// other OAIs are never touched: they may serve distributions this
	// account cannot see.
	doc, err = bkt.policy(ctx)
	if err != nil {
		return fail(StepRemoveOAIStatement, err)
	}
	var candidates []string
	for _, id := range append([]string{oldOAI, o.OriginAccessIdentityID}, ourOAIStatement(doc)...) {
		if id != "" && !containsString(candidates, id) {
			candidates = append(candidates, id)
		}
	}
	if len(candidates) == 0 {
		return res, nil
	}

	// 4. Wait for the new path to be live everywhere.
	if res.Status != "Deployed" {
		if err := waitDeployed(ctx, cf, res, o.PollInterval, o.DeployTimeout); err != nil {
			return fail(StepWaitDeployed, err)
		}
	}

	// 5. Remove what only the OAI needed.
	inUse, err := oaisInUse(ctx, cf, bucket)
	if err != nil {
		return fail(StepRemoveOAIStatement, err)
	}
	var removable []string
	for _, id := range candidates {
		if inUse[id] != "" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s is still used by distribution %s for this bucket: its statement was kept", describeOAI(id), inUse[id]))
			continue
		}
		removable = append(removable, id)
	}
	canonical := map[string]string{}
	for _, id := range removable {
		out, err := cf.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(id)}, noSetupRetryCF)
		switch {
		case err == nil:
			canonical[id] = aws.ToString(out.CloudFrontOriginAccessIdentity.S3CanonicalUserId)
		case apiCode(err) != "NoSuchCloudFrontOriginAccessIdentity":
			return fail(StepRemoveOAIStatement, err)
		}
	}
	if len(removable) > 0 {
		// The policy is read again now, after the wait, and the removal is
		// merged into that read (see changeDocument): statements written
		// meanwhile by anyone else are kept, and the statement the
		// distribution now depends on is put back if it went missing.
		var removed, warnings []string
		var regranted bool
		wrote, err := bkt.changePolicy(ctx, func(cur *policy.Document) (*policy.Document, bool, error) {
			merged, _, err := mergeGrant(cur, bucket, res.DistributionARN, scope)
			if err != nil {
				return nil, false, err
			}
			next, gone, warned := withoutOAIStatements(merged.Document, removable, canonical)
			warnings = warned
			if changed := merged.Changed() || len(gone) > 0; changed {
				removed, regranted = gone, merged.Changed()
				return next, true, nil
			}
			return next, false, nil
		})
		res.Warnings = append(res.Warnings, warnings...)
		if err != nil {
			return fail(StepRemoveOAIStatement, err)
		}
		if wrote {
			if regranted {
				res.add(Action{Step: StepBucketPolicy, Change: ChangeUpdated, Detail: OACStatementSid + " was missing after the wait and was put back for " + res.DistributionARN})
			}
			if len(removed) > 0 {
				res.add(Action{Step: StepRemoveOAIStatement, Change: ChangeRemoved, Detail: fmt.Sprintf("statements %s for %s", strings.Join(removed, ", "), strings.Join(removable, ", "))})
			}
		}
	}

	// 6. The identity itself.
	if o.DeleteOAI {
		for _, id := range removable {
			if err := deleteOAI(ctx, cf, id, res); err != nil {
				return fail(StepDeleteOAI, err)
			}
		}
	}
	return res, nil
}

// switchToOAC switches every origin for the bucket in cfg (one per origin
// path, say) to the OAC oacID, with an empty OriginAccessIdentity, and says
// what it changed (nothing when they all use the OAC already). oldOAI is
// the identity the first origin for the bucket used when Migrate first
// read it ("" for none): an origin that names another identity now was
// changed by someone else since, or uses a second identity, and the bucket
// policy was checked against oldOAI's statements only, so it is refused
// with ErrConcurrentUpdate and nothing is written.
func switchToOAC(cfg *types.DistributionConfig, bucket, region, oldOAI, oacID string) ([]string, error) {
	idx, err := migratableOrigins(cfg, bucket, region, oldOAI, true)
	if err != nil {
		return nil, err
	}
	var changes []string
	for _, i := range idx {
		origin := &cfg.Origins.Items[i]
		cur := oaiIDOf(origin)
		if cur == "" && aws.ToString(origin.OriginAccessControlId) == oacID {
			continue
		}
		origin.OriginAccessControlId = aws.String(oacID)
		origin.S3OriginConfig = &types.S3OriginConfig{
			OriginAccessIdentity: aws.String(""),
			OriginReadTimeout:    originReadTimeout(origin),
		}
		if cur != "" {
			changes = append(changes, fmt.Sprintf("origin %s: %s -> OAC %s", aws.ToString(origin.Id), describeOAI(cur), oacID))
		} else {
			changes = append(changes, fmt.Sprintf("origin %s -> OAC %s", aws.ToString(origin.Id), oacID))
		}
	}
	return changes, nil
}

// migratableOrigins returns the indexes of the origins for the bucket in
// cfg, or why Migrate cannot switch them: none (noOrigin), a custom origin
// (ErrOriginNotFound), or one that uses another identity than oldOAI (the
// bucket policy is checked against oldOAI's statements only): on the first
// read (reread false; oldOAI is the first identity an origin for the
// bucket uses) two identities for the bucket, ErrPolicyConflict,
// since the OAC statement carries one identity's grant; on a later read a
// change someone made since, ErrConcurrentUpdate.
func migratableOrigins(cfg *types.DistributionConfig, bucket, region, oldOAI string, reread bool) ([]int, error) {
	return s3Origins(cfg, bucket, region, func(origin *types.Origin) error {
		cur := oaiIDOf(origin)
		switch {
		case cur == "" || cur == oldOAI:
			return nil
		case !reread:
			return fmt.Errorf("%w: origin %s uses %s and another origin for the bucket %s; the OAC statement carries one identity's grant: point the bucket's origins at one identity, then run Migrate", ErrPolicyConflict, aws.ToString(origin.Id), describeOAI(cur), describeOAI(oldOAI))
		}
		was := "none"
		if oldOAI != "" {
			was = describeOAI(oldOAI)
		}
		return fmt.Errorf("%w: origin %s now uses %s, not %s as first read; run Migrate again", ErrConcurrentUpdate, aws.ToString(origin.Id), describeOAI(cur), was)
	})
}

// withoutOAIStatements returns doc without the grants (Allow statements)
// that exist only for one of the OAIs in ids (canonical maps an OAI to its S3 canonical
// user ID), the quoted Sids (or indexes) of the statements removed, and a
// warning for each statement that names such an OAI among other
// principals (kept: it is not only the OAI's). A Deny naming such an OAI
// is kept: it is the owner's, and removing it could only widen what the
// identity reads. Statements are matched by
// their principals, not by Sid: an OAI statement written by hand or by
// the console has a Sid of its own, or none.
func withoutOAIStatements(doc *policy.Document, ids []string, canonical map[string]string) (*policy.Document, []string, []string) {
	if doc == nil {
		return nil, nil, nil
	}
	next := doc.Clone()
	next.Statements = next.Statements[:0]
	var removed, warnings []string
	for i, s := range doc.Statements {
		drop := false
		for _, id := range ids {
			switch {
			case s.Effect != policy.Allow:
				// A Deny naming the identity grants nothing, and removing
				// it could only widen what the identity reads: kept.
			case isOAIOnlyStatement(s, id, canonical[id]):
				drop = true
			case mentionsOAI(s, id, canonical[id]):
				warnings = append(warnings, fmt.Sprintf("statement %s grants %s together with other principals: kept, edit it by hand", statementName(s, i), describeOAI(id)))
			}
		}
		if drop {
			removed = append(removed, statementName(s, i))
			continue
		}
		next.Statements = append(next.Statements, s)
	}
	return next, removed, warnings
}

// statementName is a statement's quoted Sid, or "#index" without one.
func statementName(s policy.Statement, i int) string {
	if s.Sid != "" {
		return fmt.Sprintf("%q", s.Sid)
	}
	return fmt.Sprintf("#%d", i)
}

func originReadTimeout(o *types.Origin) *int32 {
	if o.S3OriginConfig == nil {
		return nil
	}
	return o.S3OriginConfig.OriginReadTimeout
}

// ourOAIStatement returns the OAI that the OAIStatementSid statement
// grants by ARN, if any (none when it is a Deny).
func ourOAIStatement(doc *policy.Document) []string {
	st, ok := statementBySid(doc, OAIStatementSid)
	if !ok || st.Effect != policy.Allow || st.Principal == nil {
		return nil
	}
	var ids []string
	for _, v := range st.Principal.Get(policy.PrincipalAWS) {
		if id, ok := policy.OAIOfPrincipal(v); ok && isOAIOnlyStatement(st, id, "") {
			ids = append(ids, id)
		}
	}
	return ids
}

func mentionsOAI(s policy.Statement, id, canonical string) bool {
	if s.Principal == nil {
		return false
	}
	if slices.ContainsFunc(s.Principal.Get(policy.PrincipalAWS), func(v string) bool { return namesOAI(v, id) }) {
		return true
	}
	for _, v := range s.Principal.Get(policy.PrincipalCanonicalUser) {
		if canonical != "" && strings.EqualFold(v, canonical) {
			return true
		}
	}
	return false
}

// oaisInUse maps each OAI that some distribution uses for an origin of the
// bucket to that distribution's ID.
func oaisInUse(ctx context.Context, cf CloudFrontAPI, bucket string) (map[string]string, error) {
	used := map[string]string{}
	dists, err := listDistributions(ctx, cf)
	if err != nil {
		return nil, err
	}
	for _, s := range dists {
		for i := range s.Origins.Items {
			org := &s.Origins.Items[i]
			if id := oaiIDOf(org); id != "" && isBucketDomain(aws.ToString(org.DomainName), bucket) {
				used[id] = aws.ToString(s.Id)
			}
		}
	}
	return used, nil
}

// waitDeployed polls the distribution until it is Deployed.
func waitDeployed(ctx context.Context, cf CloudFrontAPI, res *Result, every, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		got, err := cf.GetDistribution(ctx, &cfsdk.GetDistributionInput{Id: aws.String(res.DistributionID)}, noSetupRetryCF)
		if err != nil {
			return err
		}
		res.Status = aws.ToString(got.Distribution.Status)
		if res.Status == "Deployed" {
			res.add(Action{Step: StepWaitDeployed, Change: ChangeNone, Detail: "distribution " + res.DistributionID + " is Deployed"})
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("%w: still %s after %v; the OAI statement was kept, run Migrate again", ErrNotDeployed, res.Status, timeout)
		case <-tick.C:
		}
	}
}

func deleteOAI(ctx context.Context, cf CloudFrontAPI, id string, res *Result) error {
	got, err := cf.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(id)}, noSetupRetryCF)
	if err != nil {
		if apiCode(err) == "NoSuchCloudFrontOriginAccessIdentity" {
			return nil
		}
		return err
	}
	_, err = cf.DeleteCloudFrontOriginAccessIdentity(ctx, &cfsdk.DeleteCloudFrontOriginAccessIdentityInput{Id: aws.String(id), IfMatch: got.ETag}, noSetupRetryCF)
	if err != nil {
		if apiCode(err) == "CloudFrontOriginAccessIdentityInUse" {
			res.Warnings = append(res.Warnings, describeOAI(id)+" is still used by another distribution: not deleted")
			return nil
		}
		return err
	}
	res.add(Action{Step: StepDeleteOAI, Change: ChangeRemoved, Detail: describeOAI(id)})
	return nil
}

// oaiCanonicalID returns the S3 canonical user ID of an OAI, "" when the
// identity no longer exists.
func oaiCanonicalID(ctx context.Context, cf CloudFrontAPI, id string) (string, error) {
	out, err := cf.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(id)}, noSetupRetryCF)
	switch {
	case err == nil:
		return aws.ToString(out.CloudFrontOriginAccessIdentity.S3CanonicalUserId), nil
	case apiCode(err) == "NoSuchCloudFrontOriginAccessIdentity":
		return "", nil
	}
	return "", err
}

// oaiScope returns the OAC statement that grants the distribution what the
// bucket policy grants the OAI it replaces, when that is less than the OAC
// statement for the whole bucket (an OAI statement on B/public/*, for
// example), and nil when the OAI was granted at least that much, or when
// the OAC statement already names the distribution (its owner's grant). A
// migration must not widen what the distribution reads. What cannot be
// carried over to the OAC statement is refused with ErrPolicyConflict: a
// Deny that names the OAI (Migrate removes the OAI's statements), or more
// than one narrower grant, or NotAction/NotResource, or no grant at all
// (no policy, or no statement for the OAI: it reads what object ACLs
// grant it, if anything).
func oaiScope(doc *policy.Document, bucket, distARN, oaiID, canonical string) (*policy.Statement, error) {
	var statements []policy.Statement
	if doc != nil {
		statements = doc.Statements
	}
	whole, err := policy.AllowCloudFrontOAC(bucket, distARN)
	if err != nil {
		return nil, err
	}
	conflict := func(s policy.Statement, i int, why string) error {
		return fmt.Errorf("%w: statement %s %s %s; grant the distribution the same access under Sid %s yourself, and Migrate keeps it", ErrPolicyConflict, statementName(s, i), why, describeOAI(oaiID), OACStatementSid)
	}
	var narrower []policy.Statement
	whollyGranted, other := false, -1
	for i, s := range statements {
		if !mentionsOAI(s, oaiID, canonical) {
			continue
		}
		switch {
		case s.Effect != policy.Allow:
			return nil, conflict(s, i, "denies")
		case s.NotAction != nil || s.NotResource != nil:
			return nil, conflict(s, i, "grants with NotAction or NotResource")
		}
		cand := whole.Clone()
		cand.Action, cand.Resource = s.Action, s.Resource
		cand.Condition = append(cand.Condition, s.Condition...)
		switch {
		case policy.AllowsNoMoreThan(whole, cand):
			whollyGranted = true // the OAI could read the whole bucket
		case policy.AllowsNoMoreThan(cand, whole):
			narrower = append(narrower, cand)
		default:
			other = i // something else, or part of the bucket with more actions
		}
	}
	switch {
	case whollyGranted:
		return nil, nil
	case other >= 0:
		return nil, conflict(doc.Statements[other], other, "grants what the OAC statement cannot express to")
	case len(narrower) == 0:
		if namesDistribution(doc, distARN) {
			// The owner granted the distribution what it reads.
			return nil, nil
		}
		// The identity reads what object ACLs grant its canonical user,
		// if anything: the OAC statement for the whole bucket would
		// widen it.
		return nil, fmt.Errorf("%w: no statement of the bucket policy grants %s (it reads only what object ACLs grant it, if anything), so the OAC statement for the whole bucket would widen what the distribution reads; grant the distribution what it should read under Sid %s yourself, and Migrate keeps it", ErrPolicyConflict, describeOAI(oaiID), OACStatementSid)
	case len(narrower) == 1:
		return &narrower[0], nil
	}
	return nil, fmt.Errorf("%w: several statements grant %s parts of the bucket; grant the distribution the same access under Sid %s yourself, and Migrate keeps it", ErrPolicyConflict, describeOAI(oaiID), OACStatementSid)
}
