package cloudfront_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// oacReads reports whether doc lets distribution src read an object of
// testBucket, over TLS or not, with account as aws:SourceAccount.
func oacReads(t *testing.T, doc *policy.Document, src, account string, tls bool) bool {
	t.Helper()
	req := &policy.Request{Caller: cloudfrontService, Action: "s3:GetObject", Resource: "arn:aws:s3:::" + testBucket + "/a"}
	req.Context.Set("aws:SourceArn", src)
	req.Context.Set("aws:SourceAccount", account)
	req.Context.SetBool("aws:SecureTransport", tls)
	r, err := policy.Evaluate(req, doc)
	require.NoError(t, err)
	return r.Allowed()
}

// TestServeBucketKeepsAnOACStatementWithAConditionOfItsOwn: the OAC
// statement under OACStatementSid, its owner's condition added beside
// AWS:SourceArn (aws:SourceAccount, or aws:SecureTransport), only narrows
// it. grantedSourceARNs refused every condition on a key other than
// AWS:SourceArn with ErrPolicyConflict ("which the wiring would drop"),
// yet the statement is judged by policy.JudgeSid with its conditions
// (oacStatement), which keeps such a statement as it is, its list of
// distributions grown: ServeBucket failed for a correctly locked-down
// statement and dropped nothing; with ArnLike rather than StringEquals on
// AWS:SourceArn, JudgeSid, which compares operators as written, took the
// other condition for someone else's. It now serves the second distribution,
// keeps the owner's condition, and still refuses what cannot be carried
// over into the list of distributions (a negated or IfExists operator on
// AWS:SourceArn) before any write.
func TestServeBucketKeepsAnOACStatementWithAConditionOfItsOwn(t *testing.T) {
	const acct = "111122223333"
	other := "arn:aws:cloudfront::" + acct + ":distribution/EOTHERDIST0000"
	reads := oacReads
	kept := []struct {
		name, cond string
		// narrowed says what the owner's condition refuses to a
		// distribution the statement names.
		narrowed func(t *testing.T, doc *policy.Document, src string) bool
	}{
		{"aws:SourceAccount in the same block", `{"StringEquals":{"AWS:SourceArn":"` + other + `","aws:SourceAccount":"` + acct + `"}}`,
			func(t *testing.T, doc *policy.Document, src string) bool {
				return !reads(t, doc, src, "444455556666", true)
			}},
		{"aws:SecureTransport in a block of its own", `{"StringEquals":{"AWS:SourceArn":"` + other + `"},"Bool":{"aws:SecureTransport":"true"}}`,
			func(t *testing.T, doc *policy.Document, src string) bool { return !reads(t, doc, src, acct, false) }},
		{"ArnLike AWS:SourceArn, and aws:SecureTransport", `{"ArnLike":{"AWS:SourceArn":"` + other + `"},"Bool":{"aws:SecureTransport":"true"}}`,
			func(t *testing.T, doc *policy.Document, src string) bool { return !reads(t, doc, src, acct, false) }},
	}
	for _, c := range kept {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement(cloudfront.OACStatementSid, "", c.cond)+`]}`)
			res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			assert.NotContains(t, strings.Join(res.Warnings, "\n"), "viewers get 403")
			doc := e.bucketPolicy(t)
			require.Len(t, doc.Statements, 1, "one statement under the Sid: %s", mustMarshal(t, doc))
			for _, src := range []string{res.DistributionARN, other} {
				assert.True(t, reads(t, doc, src, acct, true), "%s reads: %s", src, mustMarshal(t, doc))
				assert.True(t, c.narrowed(t, doc, src), "the owner's condition is kept for %s: %s", src, mustMarshal(t, doc))
			}
			assert.False(t, reads(t, doc, "arn:aws:cloudfront::"+acct+":distribution/ENOTNAMED0000", acct, true), "only the distributions named")
		})
	}

	refused := []struct{ name, cond string }{
		{"StringNotEquals AWS:SourceArn", `{"StringEquals":{"AWS:SourceArn":"` + other + `"},"StringNotEquals":{"AWS:SourceArn":"arn:aws:cloudfront::` + acct + `:distribution/EBANNED00000"}}`},
		{"StringEqualsIfExists AWS:SourceArn", `{"StringEqualsIfExists":{"AWS:SourceArn":"` + other + `"},"Bool":{"aws:SecureTransport":"true"}}`},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement(cloudfront.OACStatementSid, "", c.cond)+`]}`)
			e.resetCounts()
			_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any write: %v", e.cf.Counts())
		})
	}
}

// TestServeBucketDoesNotWidenANDedSourceArnConditions: the conditions of a
// statement are ANDed ("If your policy statement has multiple condition
// operators, the condition operators are evaluated using a logical AND",
// and so are "multiple context keys attached to a single condition
// operator", IAM user guide, "Conditions with multiple context keys or
// values"), so an OAC statement whose
// StringEquals AWS:SourceArn lists A and B and whose ArnEquals
// AWS:SourceArn names A alone lets A read, never B. The wiring took every
// value of every AWS:SourceArn condition as a distribution the statement
// allows and wrote the whole list into each of them, so serving the bucket
// from a new distribution also let B in, and the result said B was kept.
// It now keeps the distributions every AWS:SourceArn condition allows.
func TestServeBucketDoesNotWidenANDedSourceArnConditions(t *testing.T) {
	const acct = "111122223333"
	a := "arn:aws:cloudfront::" + acct + ":distribution/EALLOWED00000"
	b := "arn:aws:cloudfront::" + acct + ":distribution/ENOTALLOWED00"
	reads := func(t *testing.T, doc *policy.Document, src string) bool {
		t.Helper()
		return oacReads(t, doc, src, acct, true)
	}
	for _, c := range []struct{ name, cond string }{
		{"two operators", `{"StringEquals":{"AWS:SourceArn":["` + a + `","` + b + `"]},"ArnEquals":{"AWS:SourceArn":"` + a + `"}}`},
		{"two spellings of the key in one operator", `{"StringEquals":{"AWS:SourceArn":["` + a + `","` + b + `"],"aws:sourcearn":"` + a + `"}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement(cloudfront.OACStatementSid, "", c.cond)+`]}`)
			before := e.bucketPolicy(t)
			require.True(t, reads(t, before, a), "precondition: A reads")
			require.False(t, reads(t, before, b), "precondition: B does not read")

			res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			doc := e.bucketPolicy(t)
			assert.True(t, reads(t, doc, res.DistributionARN), "the new distribution reads: %s", mustMarshal(t, doc))
			assert.True(t, reads(t, doc, a), "A still reads: %s", mustMarshal(t, doc))
			assert.False(t, reads(t, doc, b), "B, which no write was asked to let in, does not read: %s", mustMarshal(t, doc))
			for _, w := range res.Warnings {
				assert.NotContains(t, w, b, "B is not named as kept")
			}

			again, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			assert.False(t, again.Changed(), "a second run writes nothing: %v", again.Actions)
		})
	}
}
