package cloudfront_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// cfStatement is a bucket policy statement for cloudfront.amazonaws.com on
// the test bucket's objects, under Sid sid, with the condition block cond
// (JSON, "" for none).
func cfStatement(sid, principal, cond string) string {
	if principal == "" {
		principal = `{"Service":"cloudfront.amazonaws.com"}`
	}
	s := `{"Sid":"` + sid + `","Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/*"`
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + "}"
}

// TestServeBucketRefusesOtherWaysInThroughCloudFront: the CloudFront
// developer guide ("Restricting access to an Amazon S3 origin") says the
// wiring "makes sure that viewers (users) can access the content in the
// bucket only through the specified CloudFront distribution—that is,
// prevents them from accessing the content directly from the bucket, or
// through an unintended CloudFront distribution". A statement the bucket
// policy already has that lets cloudfront.amazonaws.com in for a
// distribution it does not name exactly (no AWS:SourceArn: any
// distribution of any account, the confused deputy; an ARN pattern; only
// aws:SourceAccount) is such an unintended way in. ServeBucket kept it and
// answered success; now it refuses with ErrUnscopedCloudFrontAccess before
// any write (the create path before the distribution exists, an existing
// distribution before its policy or configuration changes), and with
// Options.AllowUnscopedCloudFrontAccess it wires and warns. Statements
// that name distributions exactly, or are not CloudFront's, stay accepted.
func TestServeBucketRefusesOtherWaysInThroughCloudFront(t *testing.T) {
	const acct = "111122223333"
	cases := []struct {
		name      string
		statement string
		refused   bool
	}{
		{"no condition: any distribution of any account", cfStatement("Legacy", "", ""), true},
		{"StringLike account wildcard", cfStatement("Legacy", "", `{"StringLike":{"AWS:SourceArn":"arn:aws:cloudfront::`+acct+`:distribution/*"}}`), true},
		{"ArnLike any account", cfStatement("Legacy", "", `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::*:distribution/*"}}`), true},
		{"ArnLike distribution id prefix", cfStatement("Legacy", "", `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::`+acct+`:distribution/E1*"}}`), true},
		{"aws:SourceAccount only", cfStatement("Legacy", "", `{"StringEquals":{"aws:SourceAccount":"`+acct+`"}}`), true},
		{"a list with a pattern among exact ARNs", cfStatement("Legacy", "", `{"StringLike":{"AWS:SourceArn":["arn:aws:cloudfront::`+acct+`:distribution/EOTHER1","arn:aws:cloudfront::444455556666:distribution/*"]}}`), true},
		{"a Referer the distribution sends (an origin custom header)", cfStatement("Legacy", "", `{"StringEquals":{"aws:Referer":"s3cr3t"}}`), true},
		{"a User-Agent pattern the distribution sends", cfStatement("Legacy", "", `{"StringLike":{"aws:UserAgent":"Amazon CloudFront*"}}`), true},
		{"tagging by any distribution (an action pattern)", `{"Sid":"Legacy","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:*Tagging","Resource":"arn:aws:s3:::` + testBucket + `/*"}`, true},
		{"everyone limited to the account", cfStatement("Legacy", `"*"`, `{"StringEquals":{"aws:SourceAccount":"`+acct+`"}}`), true},
		{"another distribution named exactly", cfStatement("Other", "", `{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::`+acct+`:distribution/EOTHER1"}}`), false},
		{"another distribution with ArnEquals", cfStatement("Other", "", `{"ArnEquals":{"AWS:SourceArn":"arn:aws:cloudfront::444455556666:distribution/EOTHER2"}}`), false},
		{"IfExists with an exact ARN (OAC always sends it)", cfStatement("Other", "", `{"StringEqualsIfExists":{"AWS:SourceArn":"arn:aws:cloudfront::`+acct+`:distribution/EOTHER1"}}`), false},
		{"a role of the account", `{"Sid":"Role","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:role/app"},"Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*"}`, false},
		{"another service for the account", cfStatement("Logs", `{"Service":"logging.s3.amazonaws.com"}`, `{"StringEquals":{"aws:SourceAccount":"`+acct+`"}}`), false},
		// An organization or organizational unit alone: "aws:SourceOrgID —
		// use this condition key to make sure that an AWS service can
		// access your resources only when the request originates from a
		// particular organization ID in AWS Organizations" (AWS Security
		// Blog, "Use scalable controls for AWS services accessing your
		// resources"), so every distribution of every account in it
		// reads. The probe asked only without those keys, which such a
		// condition never matches, and ServeBucket wired without a word.
		{"aws:SourceOrgID only", cfStatement("Legacy", "", `{"StringEquals":{"aws:SourceOrgID":"o-a1b2c3d4e5"}}`), true},
		{"aws:SourceOrgPaths under an OU", cfStatement("Legacy", "", `{"ForAnyValue:StringLike":{"aws:SourceOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}`), true},
		{"aws:SourceOrgPaths exact", cfStatement("Legacy", "", `{"ForAnyValue:StringEquals":{"aws:SourceOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"}}`), true},
		{"the organization and the account", cfStatement("Legacy", "", `{"StringEquals":{"aws:SourceOrgID":"o-a1b2c3d4e5","aws:SourceAccount":"`+acct+`"}}`), true},
		// The confused-deputy guard (Deny unless aws:SourceOrgID is one's
		// own) lets every distribution of the organization through; the
		// probe asked from inside only the organizations an Allow named,
		// so the Deny refused every request asked about and hid the grant.
		{"any distribution, beside a Deny of other organizations' (confused deputy)", cfStatement("Legacy", "", "") + `,{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"StringNotEqualsIfExists":{"aws:SourceOrgID":"o-a1b2c3d4e5"},"Null":{"aws:SourceAccount":"false"}}}`, true},
		{"the organization and a named distribution", cfStatement("Other", "", `{"StringEquals":{"aws:SourceOrgID":"o-a1b2c3d4e5","AWS:SourceArn":"arn:aws:cloudfront::`+acct+`:distribution/EOTHER1"}}`), false},
		// The bucket's own keys: the same in every request to it, so they
		// scope no distribution (aws:ResourceAccount: "This key is always
		// included in the request context for most service actions", IAM
		// User Guide). The probe set none of them, so
		// such a condition never held, and a Deny unless it holds always
		// did, hiding the unscoped grant beside it.
		{"aws:ResourceAccount only (the bucket owner's, always true)", cfStatement("Legacy", "", `{"StringEquals":{"aws:ResourceAccount":"`+s3fake.DefaultAccountID+`"}}`), true},
		{"s3:ResourceAccount only", cfStatement("Legacy", "", `{"StringEquals":{"s3:ResourceAccount":"`+s3fake.DefaultAccountID+`"}}`), true},
		{"aws:ResourceOrgID only", cfStatement("Legacy", "", `{"StringEquals":{"aws:ResourceOrgID":"o-a1b2c3d4e5"}}`), true},
		{"any distribution, beside a Deny of other owners' buckets", cfStatement("Legacy", "", "") + `,{"Sid":"OwnBucketsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"StringNotEquals":{"aws:ResourceAccount":"` + s3fake.DefaultAccountID + `"}}}`, true},
		// Keys every OAC request carries alike: SigV4 in the Authorization
		// header ("CloudFront signs all origin requests, overwriting the
		// Authorization header from the viewer request if one exists",
		// CloudFront API reference, OriginAccessControlConfig) and the
		// time, and the Region called, the bucket's (its regional REST
		// endpoint is the origin). Asked without them, a Deny of other signature versions
		// held for every request and hid the grant beside it, and a grant
		// until a date never held.
		{"any distribution, beside a Deny of other than SigV4", cfStatement("Legacy", "", "") + `,{"Sid":"SigV4Only","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"StringNotEquals":{"s3:signatureversion":"AWS4-HMAC-SHA256"}}}`, true},
		{"any distribution, beside a Deny of query-string authentication", cfStatement("Legacy", "", "") + `,{"Sid":"NoPresigned","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"StringNotEquals":{"s3:authType":"REST-HEADER"}}}`, true},
		{"any distribution, beside a Deny of other Regions than the bucket's", cfStatement("Legacy", "", "") + `,{"Sid":"EURegionsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["` + testRegion + `","eu-central-1"]}}}`, true},
		{"any distribution until 2099", cfStatement("Legacy", "", `{"DateLessThan":{"aws:CurrentTime":"2099-01-01T00:00:00Z"}}`), true},
		{"any distribution, until 2001", cfStatement("Legacy", "", `{"DateLessThan":{"aws:CurrentTime":"2001-01-01T00:00:00Z"}}`), false},
		{"another distribution named exactly, in the owner's bucket", cfStatement("Other", "", `{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::`+acct+`:distribution/EOTHER1","aws:ResourceAccount":"`+s3fake.DefaultAccountID+`"}}`), false},
		{"any distribution, denied unless named", cfStatement("Legacy", "", "") + `,{"Sid":"OnlyOne","Effect":"Deny","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"StringNotEquals":{"AWS:SourceArn":"arn:aws:cloudfront::` + acct + `:distribution/EOTHER1"}}}`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, existing := range []bool{false, true} {
				e := newEnv(t, s3fake.StateAWSDefault)
				e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+c.statement+`]}`)
				var opts *cloudfront.Options
				if existing {
					id, _ := legacyDistribution(t, e, "")
					opts = &cloudfront.Options{DistributionID: id}
				}
				e.resetCounts()
				res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, opts)
				if !c.refused {
					require.NoError(t, err, "existing %v", existing)
					for _, w := range res.Warnings {
						assert.NotContains(t, w, "does not name", "existing %v", existing)
					}
					continue
				}
				require.ErrorIs(t, err, cloudfront.ErrUnscopedCloudFrontAccess, "existing %v", existing)
				assert.Contains(t, err.Error(), `"Legacy"`, "the error names the statement")
				assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "existing %v: refused before any write: %v", existing, e.cf.Counts())

				var o cloudfront.Options
				if opts != nil {
					o = *opts
				}
				o.AllowUnscopedCloudFrontAccess = true
				res, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &o)
				require.NoError(t, err, "existing %v", existing)
				n := 0
				for _, w := range res.Warnings {
					if strings.Contains(w, `"Legacy"`) && strings.Contains(w, "does not name") {
						n++
					}
					assert.NotContains(t, w, "access point", "an unscoped statement is not also a delegation")
				}
				assert.Equal(t, 1, n, "one warning names the statement unscoped: %v", res.Warnings)
			}
		})
	}
}

// TestServeBucketRefusesAConflictingOACStatementBeforeAnyWrite: ServeBucket
// documents that "the refusals of an existing distribution ... and of an
// OAC statement it cannot keep come before any write". For an existing
// distribution the OAC statement was checked only when the grant was
// merged, after the origin access control had been created.
func TestServeBucketRefusesAConflictingOACStatementBeforeAnyWrite(t *testing.T) {
	for _, existing := range []bool{false, true} {
		e := newEnv(t, s3fake.StateAWSDefault)
		e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement(cloudfront.OACStatementSid, "", `{"ArnLike":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/*"}}`)+`]}`)
		var opts *cloudfront.Options
		if existing {
			id, _ := legacyDistribution(t, e, "")
			opts = &cloudfront.Options{DistributionID: id}
		}
		e.resetCounts()
		_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, opts)
		require.ErrorIs(t, err, cloudfront.ErrPolicyConflict, "existing %v", existing)
		assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "existing %v: refused before any write: %v", existing, e.cf.Counts())
	}
}

// TestMigrateWarnsAboutOtherWaysInThroughCloudFront: Migrate does not
// refuse a bucket policy that lets distributions it does not name in (it
// adds no such access, and refusing would keep the OAI), but its result
// says so instead of reading as "only this distribution".
func TestMigrateWarnsAboutOtherWaysInThroughCloudFront(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	_, id := legacySetup(t, e)
	doc := e.bucketPolicy(t)
	raw, err := doc.Marshal()
	require.NoError(t, err)
	e.putBucketPolicy(t, strings.Replace(string(raw), `"Statement":[`, `"Statement":[`+cfStatement("Legacy", "", "")+",", 1))

	res, err := cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	require.NotEmpty(t, res.Warnings)
	assert.Contains(t, strings.Join(res.Warnings, "\n"), `"Legacy"`)
	// A gate reads it without parsing warnings (the command-line tool
	// exits 1 on it).
	assert.Equal(t, []string{`"Legacy"`}, res.UnscopedStatements)
}

// TestUnscopedStatementsNamesWhatWasKept: Result.UnscopedStatements is
// empty when ServeBucket wires a bucket whose policy names every
// distribution it lets in, and names each statement kept by
// Options.AllowUnscopedCloudFrontAccess.
func TestUnscopedStatementsNamesWhatWasKept(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement("Other", "", `{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/EOTHER1"}}`)+`]}`)
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Empty(t, res.UnscopedStatements)

	e = newEnv(t, s3fake.StateAWSDefault)
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement("Legacy", "", "")+`]}`)
	res, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{AllowUnscopedCloudFrontAccess: true})
	require.NoError(t, err)
	assert.Equal(t, []string{`"Legacy"`}, res.UnscopedStatements)
}

// TestServeBucketNeverTurnsItsStatementIntoABroaderGrant: a statement
// under the library's Sid is rewritten when it grants more than the
// library's statement would; one that AllowsNoMoreThan cannot compare was
// taken for broader and replaced, so a Deny of a distribution under that
// Sid became an Allow for it, and an Allow narrowed with NotResource
// (everything but secret/) became a grant of the whole bucket. The same
// held for the KMS key statement under its Sid. Both are now refused with
// ErrPolicyConflict before anything is written.
func TestServeBucketNeverTurnsItsStatementIntoABroaderGrant(t *testing.T) {
	const other = "arn:aws:cloudfront::111122223333:distribution/EOTHER1"
	object := "arn:aws:s3:::" + testBucket + "/*"
	cases := []struct{ name, statement, reason string }{
		{"a Deny of a distribution", `{"Sid":"` + cloudfront.OACStatementSid + `","Effect":"Deny","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"` + object + `","Condition":{"StringEquals":{"AWS:SourceArn":"` + other + `"}}}`,
			"it is a Deny, and s3secure's is an Allow"},
		{"an Allow of everything but secret/", `{"Sid":"` + cloudfront.OACStatementSid + `","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","NotResource":"arn:aws:s3:::` + testBucket + `/secret/*","Condition":{"StringEquals":{"AWS:SourceArn":"` + other + `"}}}`,
			"its resources differ from s3secure's"},
		// It was replaced with the read-only grant, which lost the
		// uploads (TestServeBucketRefusesSomeoneElsesStatementUnderItsSids).
		{"an Allow of uploads too", `{"Sid":"` + cloudfront.OACStatementSid + `","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"` + object + `","Condition":{"StringEquals":{"AWS:SourceArn":"` + other + `"}}}`,
			"its actions differ from s3secure's"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, existing := range []bool{false, true} {
				e := newEnv(t, s3fake.StateAWSDefault)
				e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+c.statement+`]}`)
				var opts *cloudfront.Options
				if existing {
					id, _ := legacyDistribution(t, e, "")
					opts = &cloudfront.Options{DistributionID: id}
				}
				e.resetCounts()
				_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, opts)
				require.ErrorIs(t, err, cloudfront.ErrPolicyConflict, "existing %v", existing)
				var sc *cloudfront.SidConflictError
				require.ErrorAs(t, err, &sc, "existing %v", existing)
				assert.Equal(t, cloudfront.SidConflictError{Policy: "bucket policy of " + testBucket, Sid: cloudfront.OACStatementSid, Reason: c.reason}, *sc)
				assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "existing %v: %v", existing, e.cf.Counts())
			}
		})
	}
	t.Run("the key statement denied", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		e.useKMS(t, keyARN)
		id, _ := legacyDistribution(t, e, "")
		got, err := e.cfc.GetDistribution(t.Context(), &cfsdk.GetDistributionInput{Id: aws.String(id)})
		require.NoError(t, err)
		arn := aws.ToString(got.Distribution.ARN)
		denied := strings.Replace(defaultKeyPolicy, `]}`, `,{"Sid":"`+cloudfront.KMSStatementSidPrefix+id+`","Effect":"Deny","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"AWS:SourceArn":"`+arn+`"}}}]}`, 1)
		kf, kc := startKMS(t, map[string]string{keyARN: denied})
		_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id, KMS: kc, ApplyKeyPolicy: true})
		require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
		assert.Equal(t, denied, kf.policy(keyARN), "the Deny stays")
		assert.Equal(t, 0, kf.count("PutKeyPolicy"))
	})
}

// TestServeBucketWarnsAboutWaysInItKeeps: besides the one distribution
// wired, a bucket policy can name other ways in that ServeBucket keeps (it
// never drops someone else's statement): another distribution named
// exactly, or a legacy origin access identity, which every distribution
// that uses it reaches the bucket through (an OAI grant left behind after
// a migration to OAC: the developer guide's migration ends by removing
// it). ServeBucket reported such a bucket as served by the one
// distribution without a word; now each is a warning naming the
// statement, so a deploy can be gated on none.
func TestServeBucketWarnsAboutWaysInItKeeps(t *testing.T) {
	const other = "arn:aws:cloudfront::111122223333:distribution/EOTHER1"
	cases := []struct {
		name      string
		statement string
		want      []string
	}{
		{"another distribution named exactly", cfStatement("OldSite", "", `{"StringEquals":{"AWS:SourceArn":"`+other+`"}}`), []string{`"OldSite"`, other}},
		{"another distribution named exactly, beside the confused-deputy guard", cfStatement("OldSite", "", `{"StringEquals":{"AWS:SourceArn":"`+other+`"}}`) + `,{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"StringNotEqualsIfExists":{"aws:SourceOrgID":"o-a1b2c3d4e5"},"Null":{"aws:SourceAccount":"false"}}}`, []string{`"OldSite"`, other}},
		{"an origin access identity", `{"Sid":"OldOAI","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/*"}`, []string{`"OldOAI"`, "E2QWRUHEXAMPLE"}},
		{"an S3 canonical user (the form S3 may give an OAI)", `{"Sid":"Canonical","Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/*"}`, []string{`"Canonical"`, "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}},
		{"access control delegated to the account's access points", `{"Sid":"` + policy.SidDelegateToAccessPoints + `","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::` + testBucket + `","arn:aws:s3:::` + testBucket + `/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}`, []string{`"` + policy.SidDelegateToAccessPoints + `"`, "access point"}},
		{"none: a Deny and a role", `{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Sid":"Role","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/*"}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+c.statement+`]}`)
			res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			if c.want == nil {
				assert.Empty(t, res.Warnings)
				return
			}
			require.Len(t, res.Warnings, 1, "%v", res.Warnings)
			for _, w := range c.want {
				assert.Contains(t, res.Warnings[0], w)
			}
		})
	}
	t.Run("none: the console's statement for this distribution, found by listing", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		id, _ := legacyDistribution(t, e, "")
		got, err := e.cfc.GetDistribution(t.Context(), &cfsdk.GetDistributionInput{Id: aws.String(id)})
		require.NoError(t, err)
		e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement("AllowCloudFrontServicePrincipal", "", `{"StringEquals":{"AWS:SourceArn":"`+aws.ToString(got.Distribution.ARN)+`"}}`)+`]}`)
		res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
		require.NoError(t, err)
		assert.Equal(t, id, res.DistributionID)
		assert.Empty(t, res.Warnings)
	})
}

// TestMigrateMovesEveryOriginForTheBucket: a distribution can reach the
// bucket through several origins (one per origin path) that share an
// origin access identity. Migrate switched the first one only, so the
// identity stayed in use, its statement stayed in the bucket policy (with
// a warning on every run), and ServeBucket, which refuses an origin with
// an OAI, could never be run on the distribution; an identity on a
// second origin only was never migrated at all. Now every origin for the
// bucket moves to the OAC and the identity's statement goes; two
// identities for the bucket are refused with ErrPolicyConflict before
// any write (the OAC statement carries one identity's grant).
func TestMigrateMovesEveryOriginForTheBucket(t *testing.T) {
	cases := []struct {
		name          string
		first, second bool // which origins use the identity
		another       bool // the first uses another identity
	}{
		{"both origins", true, true, false},
		{"the second origin only", false, true, false},
		{"two identities", true, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			ctx := t.Context()
			oai, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			cfg := legacyConfig("by-hand", "")
			second := cfg.Origins.Items[0]
			second.Id, second.OriginPath = aws.String("bucket-v2"), aws.String("/v2")
			second.S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String(oai.OriginValue)}
			if c.first {
				cfg.Origins.Items[0].S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String(oai.OriginValue)}
			}
			if c.another {
				other, err := e.cfc.CreateCloudFrontOriginAccessIdentity(ctx, &cfsdk.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
					CallerReference: aws.String("other"), Comment: aws.String("other")}})
				require.NoError(t, err)
				cfg.Origins.Items[0].S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String(cloudfront.OAIOriginPrefix + aws.ToString(other.CloudFrontOriginAccessIdentity.Id))}
			}
			cfg.Origins = &types.Origins{Quantity: aws.Int32(2), Items: []types.Origin{cfg.Origins.Items[0], second}}
			out, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
			require.NoError(t, err)
			id := aws.ToString(out.Distribution.Id)
			e.cf.Deploy(id)

			e.resetCounts()
			res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
			if c.another {
				require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
				assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "%v", e.cf.Counts())
				return
			}
			require.NoError(t, err)
			assert.Empty(t, res.Warnings)
			got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
			require.NoError(t, err)
			for _, o := range got.DistributionConfig.Origins.Items {
				assert.Equal(t, res.OriginAccessControlID, aws.ToString(o.OriginAccessControlId), aws.ToString(o.Id))
				assert.Equal(t, "", aws.ToString(o.S3OriginConfig.OriginAccessIdentity), aws.ToString(o.Id))
			}
			doc := e.bucketPolicy(t)
			assert.False(t, oaiAllowed(t, doc, oai.ID), "the identity's statement is gone")
			assertOnlyDistribution(t, doc, res.DistributionARN)

			_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
			require.NoError(t, err, "the migrated distribution can be secured")
		})
	}
}

// TestServeBucketKeepsDistributionsOfAStringLikeConditionUnderItsSid:
// StringLike without a wildcard matches the one value, as StringEquals
// does (IAM user guide, "Condition operators", StringLike: "Case-sensitive
// matching. The values can include multi-character match wildcards (*)
// and single-character match wildcards (?) anywhere in the string. You
// must specify wildcards to achieve partial string matches."). The library's
// statement written with it by hand, for another distribution, was
// refused with ErrPolicyConflict though ArnLike without a wildcard was
// carried over; now both are, and a pattern still is refused.
func TestServeBucketKeepsDistributionsOfAStringLikeConditionUnderItsSid(t *testing.T) {
	const other = "arn:aws:cloudfront::111122223333:distribution/EOTHERDIST0000"
	for _, c := range []struct {
		value string
		ok    bool
	}{{other, true}, {"arn:aws:cloudfront::111122223333:distribution/EOTHER*", false}} {
		e := newEnv(t, s3fake.StateAWSDefault)
		e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement(cloudfront.OACStatementSid, "", `{"StringLike":{"AWS:SourceArn":"`+c.value+`"}}`)+`]}`)
		res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
		if !c.ok {
			require.ErrorIs(t, err, cloudfront.ErrPolicyConflict, c.value)
			continue
		}
		require.NoError(t, err)
		doc := e.bucketPolicy(t)
		assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a", res.DistributionARN))
		assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a", other))
		for _, probe := range []string{"arn:aws:cloudfront::111122223333:distribution/EOTHERDIST0001", "arn:aws:cloudfront::444455556666:distribution/EOTHERDIST0000"} {
			assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a", probe), probe)
		}
	}
}

// TestServeBucketWarnsWhenTheDistributionCannotRead: the grant's action
// says the statement "allows s3:GetObject ... for" the distribution, and
// ServeBucket succeeded, while another statement of the bucket policy
// denied the distribution every read (a Deny of requests from outside a
// VPC endpoint, which CloudFront's requests never come through): the
// result read as served while every request answered 403. The grant is
// now checked with policy.Evaluate against the policy it wrote, and a
// distribution that cannot read gets a warning naming the statement that
// denies it.
func TestServeBucketWarnsWhenTheDistributionCannotRead(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyFromVPC","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`)
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	require.Len(t, res.Warnings, 1, "%v", res.Warnings)
	assert.Contains(t, res.Warnings[0], `"OnlyFromVPC"`)
	assert.Contains(t, res.Warnings[0], res.DistributionARN)

	ok := newEnv(t, s3fake.StateAWSDefault)
	res, err = cloudfront.ServeBucket(t.Context(), ok.cfc, ok.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Empty(t, res.Warnings, "a distribution that reads gets none")

	// A data perimeter's Deny of buckets outside the owner's account does
	// not deny the owner's own bucket: aws:ResourceAccount "is always
	// included in the request context for most service actions" (IAM User
	// Guide), here the owner's. The check asked without it, so the
	// negated operator held and the result warned of 403s that never come.
	perimeter := newEnv(t, s3fake.StateAWSDefault)
	// Likewise a Deny of other signature versions than SigV4, which OAC
	// signs with (the check asked without s3:signatureversion).
	perimeter.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"OwnersBucketsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::`+testBucket+`/*","Condition":{"StringNotEquals":{"aws:ResourceAccount":"`+s3fake.DefaultAccountID+`"}}},`+
		`{"Sid":"SigV4Only","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::`+testBucket+`/*","Condition":{"StringNotEquals":{"s3:signatureversion":"AWS4-HMAC-SHA256"}}}]}`)
	res, err = cloudfront.ServeBucket(t.Context(), perimeter.cfc, perimeter.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Empty(t, res.Warnings, "the owner's bucket is inside the perimeter, and OAC signs with SigV4")
}
