package cloudfront

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"

	"github.com/s3secure/s3secure/policy"
)

// OAIOriginPrefix is how an S3 origin names a legacy origin access identity
// in S3OriginConfig.OriginAccessIdentity ("origin-access-identity/cloudfront/ID").
const OAIOriginPrefix = "origin-access-identity/cloudfront/"

// LegacyOAI is a legacy origin access identity and how to use it.
type LegacyOAI struct {
	// ID is the identity's ID, for example "E2QWRUHEXAMPLE".
	ID string
	// S3CanonicalUserID is the identity's S3 canonical user ID.
	S3CanonicalUserID string
	// OriginValue is the value for an origin's
	// S3OriginConfig.OriginAccessIdentity.
	OriginValue string
	// Actions lists the steps taken.
	Actions []Action
}

// LegacyOAIOptions configures [CreateLegacyOAI]. A nil *LegacyOAIOptions
// means the defaults.
type LegacyOAIOptions struct {
	// ExpectedBucketOwner is the 12-digit account id that must own the
	// bucket; it is sent with every S3 request, so S3 refuses with 403
	// AccessDenied a bucket of the same name that someone else owns. By
	// default none is sent (no distribution names an account here); the
	// bucket policy, which the identity's statement is merged into, is
	// then still read and written only for the bucket owner's account, as
	// S3 allows nothing else.
	ExpectedBucketOwner string

	// AllowInsecureTransport lets CreateLegacyOAI run with a CloudFront or S3
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

// CreateLegacyOAI creates (or, when run again, finds) a legacy CloudFront
// origin access identity for the bucket and merges into the bucket policy
// the statement that lets it read objects (Sid OAIStatementSid, s3:GetObject
// on "bucket/*"). Put LegacyOAI.OriginValue in the origin's
// S3OriginConfig.OriginAccessIdentity.
//
// Legacy: AWS recommends origin access control ([ServeBucket]) instead. An
// OAI cannot read SSE-KMS objects, does not work in Regions opened after
// December 2022 and cannot sign PUT or DELETE. Use it only for set-ups that
// still need it, and plan a [Migrate].
//
// The identity is found again by its comment ("s3secure legacy OAI for
// bucket B") and used only when it was made with the CallerReference
// "s3secure-oai-B" (anyone can write a comment), so a second call creates
// nothing and writes nothing. It is created with that CallerReference,
// and CloudFront
// answers a repeat of that request with the identity the first one made,
// so neither a create whose response was lost and that the client's
// retryer sent again, nor a run after someone changed the comment, makes
// a second identity. An identity made with that CallerReference and
// another comment is CloudFront's CloudFrontOriginAccessIdentityAlreadyExists
// and is never adopted.
//
// The grant names the bucket and the identity in the bucket's partition,
// from its Region (GetBucketLocation): in China the identity is
// arn:aws-cn:iam::cloudfront:user/CloudFront Origin Access Identity ID,
// as IAM ARNs there are. Migrate and ServeBucket's warnings know an
// identity's grant in any partition ([policy.OAIOfPrincipal]).
//
// The statement is merged into the bucket policy with the package's write
// discipline (read just before the write, merged, written, verified; see
// [ServeBucket]). A statement already under OAIStatementSid is judged by
// [policy.JudgeSid] against the identity's grant (naming the identity by
// its S3 canonical user ID names it as its ARN does): the grant, or the
// grant made stricter (narrowed to public/, a condition of the owner's),
// is kept as it is; an older version the grant strengthens is replaced;
// anything else (a Deny of private/ for the identity, a grant to the
// identity and a role, another identity's grant) is someone else's, and
// CreateLegacyOAI refuses before any write, before it creates an identity
// too, with a [*SidConflictError] (see "Whose statement is under our Sid"
// in the package documentation).
//
// Errors: [ErrInvalidBucket], and [ErrInvalidOptions] for a nil client or a
// malformed ExpectedBucketOwner, before any request; otherwise a
// [*StepError] wrapping [ErrPublicAccessBlockOff] (Block Public Access must
// be on, as for ServeBucket), [ErrSidConflict] ([*SidConflictError]),
// [ErrConflict] or the SDK's error (for example
// *types.CloudFrontOriginAccessIdentityAlreadyExists, above).
func CreateLegacyOAI(ctx context.Context, cf CloudFrontAPI, s3c S3API, bucket string, opts *LegacyOAIOptions) (*LegacyOAI, error) {
	var o LegacyOAIOptions
	if opts != nil {
		o = *opts
	}
	if err := checkBucket(bucket); err != nil {
		return nil, err
	}
	if err := checkClients(cf, s3c); err != nil {
		return nil, err
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "CreateLegacyOAI", "LegacyOAIOptions", bucket, cf, s3c); err != nil {
			return nil, err
		}
	}
	if o.ExpectedBucketOwner != "" && !policy.IsAccountID(o.ExpectedBucketOwner) {
		return nil, fmt.Errorf("%w: ExpectedBucketOwner %q is not a 12-digit account id", ErrInvalidOptions, o.ExpectedBucketOwner)
	}
	bkt := newBucketAPI(s3c, bucket, o.ExpectedBucketOwner)
	res := &LegacyOAI{}
	fail := func(step string, err error) (*LegacyOAI, error) {
		return res, &StepError{Bucket: bucket, Step: step, Err: err}
	}
	on, err := bkt.publicAccessBlockOn(ctx)
	if err != nil {
		return fail(StepCheckBucket, err)
	}
	if !on {
		return fail(StepCheckBucket, ErrPublicAccessBlockOff)
	}
	// The grant names the bucket and the identity in the bucket's
	// partition (arn:aws-cn:… in China).
	region, err := bkt.region(ctx)
	if err != nil {
		return fail(StepCheckBucket, err)
	}
	bkt.partition = partitionOf("", region)
	comment := "s3secure legacy OAI for bucket " + bucket
	ref := DefaultCallerReferencePrefix + "oai-" + bucket
	found, err := findOAIByComment(ctx, cf, comment)
	if err != nil {
		return fail(StepOriginAccessID, err)
	}
	skipped := ""
	if found != nil {
		// Anyone can write a comment: the identity is this bucket's only
		// when it was made with the bucket's CallerReference.
		got, err := cf.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: found.Id}, noSetupRetryCF)
		if err != nil {
			return fail(StepOriginAccessID, err)
		}
		if o := got.CloudFrontOriginAccessIdentity; o == nil || o.CloudFrontOriginAccessIdentityConfig == nil ||
			aws.ToString(o.CloudFrontOriginAccessIdentityConfig.CallerReference) != ref {
			got := ""
			if o != nil && o.CloudFrontOriginAccessIdentityConfig != nil {
				got = aws.ToString(o.CloudFrontOriginAccessIdentityConfig.CallerReference)
			}
			skipped = fmt.Sprintf("; %s has the comment but CallerReference %q, not %s: not used", describeOAI(aws.ToString(found.Id)), got, ref)
			found = nil
		}
	}
	// Someone else's statement under the Sid is refused before any write,
	// before an identity is created too (see judgeOAIGrant).
	if err := checkOAISid(ctx, cf, bkt, found, ref); err != nil {
		return fail(StepBucketPolicy, err)
	}
	if found != nil {
		res.ID, res.S3CanonicalUserID = aws.ToString(found.Id), aws.ToString(found.S3CanonicalUserId)
		res.Actions = append(res.Actions, Action{Step: StepOriginAccessID, Change: ChangeNone, Detail: describeOAI(res.ID) + " (legacy)"})
	} else {
		// The CallerReference is the bucket's, so a repeat of this
		// request (the SDK's retry after a lost response, or a later run
		// that no longer finds the identity by its comment) is answered
		// by CloudFront with the identity the first one made, never a
		// second one; the same reference with other content is
		// CloudFrontOriginAccessIdentityAlreadyExists, and nothing is
		// adopted (API reference, CloudFrontOriginAccessIdentityConfig).
		out, err := cf.CreateCloudFrontOriginAccessIdentity(ctx, &cfsdk.CreateCloudFrontOriginAccessIdentityInput{
			CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
				CallerReference: aws.String(ref),
				Comment:         aws.String(comment),
			},
		}, noSetupRetryCF)
		if err != nil {
			if apiCode(err) == "CloudFrontOriginAccessIdentityAlreadyExists" {
				err = fmt.Errorf("%w; an origin access identity was made with CallerReference %s and another comment than %q, so it is not provably this bucket's: not adopted", err, ref, comment)
			}
			return fail(StepOriginAccessID, err)
		}
		o := out.CloudFrontOriginAccessIdentity
		res.ID, res.S3CanonicalUserID = aws.ToString(o.Id), aws.ToString(o.S3CanonicalUserId)
		act := Action{Step: StepOriginAccessID, Change: ChangeCreated, Detail: describeOAI(res.ID) + " (legacy)"}
		if o.CloudFrontOriginAccessIdentityConfig != nil {
			if now := aws.ToString(o.CloudFrontOriginAccessIdentityConfig.Comment); now != comment {
				// The identity CloudFront answered was made earlier by the
				// same request; its comment was changed since.
				act.Change = ChangeNone
				act.Detail += fmt.Sprintf(", made earlier under CallerReference %s (its comment is now %q)", ref, now)
			}
		}
		act.Detail += skipped
		res.Actions = append(res.Actions, act)
	}
	res.OriginValue = OAIOriginPrefix + res.ID

	st, err := oaiGrant(bucket, res.ID, bkt.partition)
	if err != nil {
		return fail(StepBucketPolicy, err)
	}
	act := Action{Step: StepBucketPolicy, Change: ChangeNone, Detail: OAIStatementSid + " allows s3:GetObject on " + strings.Join(st.Resource, ", ") + " to OAI " + res.ID}
	wrote, err := bkt.changePolicy(ctx, func(cur *policy.Document) (*policy.Document, bool, error) {
		if existing, ok := statementBySid(cur, OAIStatementSid); ok {
			v, err := judgeOAIGrant(existing, bucket, res.ID, res.S3CanonicalUserID, bkt.partition)
			if err != nil {
				return nil, false, err
			}
			if v == policy.SidKeep {
				return cur, false, nil
			}
		}
		merged, err := policy.Merge(cur, st)
		if err != nil {
			return nil, false, err
		}
		return merged.Document, merged.Changed(), nil
	})
	if err != nil {
		return fail(StepBucketPolicy, err)
	}
	if wrote {
		act.Change = ChangeUpdated
	}
	res.Actions = append(res.Actions, act)
	return res, nil
}

func findOAIByComment(ctx context.Context, cf CloudFrontAPI, comment string) (*types.CloudFrontOriginAccessIdentitySummary, error) {
	p := cfsdk.NewListCloudFrontOriginAccessIdentitiesPaginator(cf, &cfsdk.ListCloudFrontOriginAccessIdentitiesInput{})
	seen := pageMarkers{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, noSetupRetryCF)
		if err != nil {
			return nil, err
		}
		if page.CloudFrontOriginAccessIdentityList == nil {
			break
		}
		for i := range page.CloudFrontOriginAccessIdentityList.Items {
			s := &page.CloudFrontOriginAccessIdentityList.Items[i]
			if aws.ToString(s.Comment) == comment {
				return s, nil
			}
		}
		if err := seen.check("origin access identities", page.CloudFrontOriginAccessIdentityList.NextMarker); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// checkOAISid judges the statement under OAIStatementSid of the bucket
// policy, if any, before CreateLegacyOAI writes anything: against the
// grant of found, the identity found by its comment and CallerReference;
// else of the identity the statement names when it was made with the
// bucket's CallerReference ref (the create that follows answers with it);
// else of a new identity, which no statement names yet.
func checkOAISid(ctx context.Context, cf CloudFrontAPI, bkt *bucketAPI, found *types.CloudFrontOriginAccessIdentitySummary, ref string) error {
	cur, err := bkt.policy(ctx)
	if err != nil {
		return err
	}
	existing, ok := statementBySid(cur, OAIStatementSid)
	if !ok {
		return nil
	}
	id, canonical := "", ""
	if found != nil {
		id, canonical = aws.ToString(found.Id), aws.ToString(found.S3CanonicalUserId)
	} else if existing.Principal != nil {
		for _, v := range existing.Principal.Get(policy.PrincipalAWS) {
			named, ok := policy.OAIOfPrincipal(v)
			if !ok {
				continue
			}
			got, err := cf.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(named)}, noSetupRetryCF)
			if apiCode(err) == "NoSuchCloudFrontOriginAccessIdentity" {
				continue
			}
			if err != nil {
				return err
			}
			if o := got.CloudFrontOriginAccessIdentity; o != nil && o.CloudFrontOriginAccessIdentityConfig != nil &&
				aws.ToString(o.CloudFrontOriginAccessIdentityConfig.CallerReference) == ref {
				id, canonical = named, aws.ToString(o.S3CanonicalUserId)
				break
			}
		}
	}
	_, err = judgeOAIGrant(existing, bkt.name, id, canonical, bkt.partition)
	return err
}

// oaiGrant is the grant of the identity id on the bucket's objects
// ([policy.AllowCloudFrontOAI]), naming both in partition, the bucket's.
func oaiGrant(bucket, id, partition string) (policy.Statement, error) {
	st, err := policy.AllowCloudFrontOAI(bucket, id)
	if err != nil {
		return st, err
	}
	return policy.InPartition(st, partition)
}

// judgeOAIGrant judges existing, found under OAIStatementSid, against the
// grant of the identity id (S3 canonical user ID canonical; id "" for an
// identity not made yet) with [policy.JudgeSid], the rule of every writer
// that merges by Sid: a statement naming the identity by its canonical
// user ID names it as the grant's ARN does. Someone else's statement is a
// [*SidConflictError].
func judgeOAIGrant(existing policy.Statement, bucket, id, canonical, partition string) (policy.SidVerdict, error) {
	conflict := func(why string) (policy.SidVerdict, error) {
		return policy.SidConflict, &SidConflictError{Policy: "bucket policy of " + bucket, Sid: OAIStatementSid, Reason: why}
	}
	if id == "" {
		return conflict("it does not name the origin access identity s3secure makes for the bucket")
	}
	ours, err := oaiGrant(bucket, id, partition)
	if err != nil {
		return policy.SidConflict, err
	}
	v, why := policy.JudgeSid(oaiByARN(existing, ours.Principal.Get(policy.PrincipalAWS)[0], canonical), ours)
	if v == policy.SidConflict {
		return conflict(why)
	}
	return v, nil
}

// oaiByARN returns s with the identity's S3 canonical user ID among its
// principals written as the identity's IAM ARN arn (S3 may store either
// form).
func oaiByARN(s policy.Statement, arn, canonical string) policy.Statement {
	if canonical == "" || s.Principal == nil || s.Principal.Wildcard {
		return s
	}
	var entries []policy.PrincipalEntry
	converted := false
	for _, e := range s.Principal.Entries {
		if e.Type == policy.PrincipalCanonicalUser {
			var kept policy.Values
			for _, v := range e.Values {
				if strings.EqualFold(v, canonical) {
					converted = true
				} else {
					kept = append(kept, v)
				}
			}
			if len(kept) == 0 {
				continue
			}
			e = policy.PrincipalEntry{Type: e.Type, Values: kept}
		}
		entries = append(entries, e)
	}
	if !converted {
		return s
	}
	i := slices.IndexFunc(entries, func(e policy.PrincipalEntry) bool { return e.Type == policy.PrincipalAWS })
	if i < 0 {
		entries = append(entries, policy.PrincipalEntry{Type: policy.PrincipalAWS, Values: policy.Values{arn}})
	} else if !entries[i].Values.Contains(arn) {
		entries[i] = policy.PrincipalEntry{Type: policy.PrincipalAWS, Values: append(slices.Clone(entries[i].Values), arn)}
	}
	s = s.Clone()
	s.Principal = &policy.Principal{Entries: entries}
	return s
}

// isOAIOnlyStatement reports whether every principal of s is the OAI (in
// either form): a statement that exists only for the OAI.
func isOAIOnlyStatement(s policy.Statement, oaiID, canonicalID string) bool {
	if s.Principal == nil || s.Principal.Wildcard || len(s.Principal.Entries) == 0 {
		return false
	}
	for _, e := range s.Principal.Entries {
		for _, v := range e.Values {
			switch {
			case e.Type == policy.PrincipalAWS && namesOAI(v, oaiID):
			case e.Type == policy.PrincipalCanonicalUser && canonicalID != "" && strings.EqualFold(v, canonicalID):
			default:
				return false
			}
		}
	}
	return true
}

func oaiIDOf(origin *types.Origin) string {
	if origin.S3OriginConfig == nil {
		return ""
	}
	v := aws.ToString(origin.S3OriginConfig.OriginAccessIdentity)
	if v == "" {
		return ""
	}
	id, _ := strings.CutPrefix(v, OAIOriginPrefix)
	return id
}

func describeOAI(id string) string { return fmt.Sprintf("origin access identity %s", id) }

// statementBySid is doc.Statement that accepts a nil document (no policy).
func statementBySid(doc *policy.Document, sid string) (policy.Statement, bool) {
	if doc == nil {
		return policy.Statement{}, false
	}
	return doc.Statement(sid)
}

// namesOAI reports whether the AWS principal v is the IAM ARN of the origin
// access identity id, in any partition ([policy.OAIOfPrincipal]).
func namesOAI(v, id string) bool {
	got, ok := policy.OAIOfPrincipal(v)
	return ok && got == id
}
