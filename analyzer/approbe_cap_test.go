package analyzer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/policy"
)

// TestAnalyzeTriesEachValueADenySpares: a Deny of every value of a key but
// some (StringNotEquals aws:SourceVpce [A, B]) beside a Deny of the first
// of them (A revoked) leaves the others: the grant is reported, limited
// to the values the Deny spares. The analysis took the first value alone,
// found it refused, and reported no finding. A Deny that does not name the
// key refuses every value alike: with more values than the analysis tries
// (maxProbeContexts), it is still no finding.
func TestAnalyzeTriesEachValueADenySpares(t *testing.T) {
	const everyone = `{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}`
	deny := func(op, key string, values ...string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"` + op + `":{"` + key + `":["` + strings.Join(values, `","`) + `"]}}}`
	}
	var vpces []string
	for i := range 16 {
		vpces = append(vpces, fmt.Sprintf("vpce-%017d", i))
	}
	for _, tc := range []struct {
		name       string
		pol        string
		kind       analyzer.Kind // "" for no finding
		conditions map[string]string
	}{
		{"one endpoint of two revoked", stmts(everyone, deny("StringNotEquals", "aws:SourceVpce", "vpce-1", "vpce-2"), deny("StringEquals", "aws:SourceVpce", "vpce-1")),
			analyzer.KindConditional, map[string]string{"aws:SourceVpce": "vpce-1,vpce-2"}},
		{"both revoked", stmts(everyone, deny("StringNotEquals", "aws:SourceVpce", "vpce-1", "vpce-2"), deny("StringEquals", "aws:SourceVpce", "vpce-1", "vpce-2")),
			"", nil},
		{"16 endpoints, every request refused by a Deny without the key", stmts(everyone, deny("StringNotEquals", "aws:SourceVpce", vpces...),
			`{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bkt/*"}`),
			"", nil},
		{"16 endpoints, the first 15 revoked", stmts(everyone, deny("StringNotEquals", "aws:SourceVpce", vpces...), deny("StringEquals", "aws:SourceVpce", vpces[:15]...)),
			analyzer.KindConditional, map[string]string{"aws:SourceVpce": strings.Join(vpces, ",")}},
		{"one organization of two revoked", stmts(everyone, deny("StringNotEquals", "aws:PrincipalOrgID", "o-aaaaaaaaaa", "o-bbbbbbbbbb"), deny("StringEquals", "aws:PrincipalOrgID", "o-aaaaaaaaaa")),
			analyzer.KindOrganization, map[string]string{"aws:PrincipalOrgID": "o-aaaaaaaaaa,o-bbbbbbbbbb"}},
		{"one address range of two revoked", stmts(everyone, deny("NotIpAddress", "aws:SourceIp", "192.0.2.0/24", "198.51.100.0/24"), deny("IpAddress", "aws:SourceIp", "192.0.2.0/24")),
			analyzer.KindConditional, map[string]string{"aws:SourceIp": "192.0.2.0/24,198.51.100.0/24"}},
		// A request header the caller writes is no limit: a Deny of all
		// encryption but two, and another of the first, leave the second
		// to everyone.
		{"one encryption of two refused", stmts(everyone, deny("StringNotEquals", "s3:x-amz-server-side-encryption", "AES256", "aws:kms"), deny("StringEquals", "s3:x-amz-server-side-encryption", "AES256")),
			analyzer.KindPublic, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(tc.pol), nil)
			require.NoError(t, err)
			if tc.kind == "" {
				assert.Empty(t, got)
				return
			}
			require.NotEmpty(t, got)
			assert.Equal(t, tc.kind, got[0].Kind, "%+v", got)
			assert.Equal(t, tc.conditions, got[0].Conditions, "%+v", got)
		})
	}
}

// TestForeignAccessPointProbeBeyondItsCap: a bucket delegates reads to
// the access points of another account (partner) and denies requests
// through any access point but n of partner's, named one by one, and
// through the first k of those too. Access Analyzer takes partner's
// access points to allow everyone, so when k < n an access point is left
// and the grant is public. The probes try at most 12 access point ARNs
// (maxProbeContexts): beyond them they cannot tell a Deny of every one
// from a Deny of those tried, and the grant is kept, public (a finding too
// many, never one too few), as for other values the analysis does not
// try. With RestrictPublicBuckets on the bucket, no access point of
// another account makes it public, tried or not.
func TestForeignAccessPointProbeBeyondItsCap(t *testing.T) {
	const allow = `{"Sid":"Delegate","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + partner + `"}}}`
	var aps []string
	for i := 1; i <= 16; i++ {
		aps = append(aps, fmt.Sprintf(`"arn:aws:s3:us-east-1:%s:accesspoint/ap%02d"`, partner, i))
	}
	deny := func(op string, values []string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"` + op + `":{"s3:DataAccessPointArn":[` + strings.Join(values, ",") + `]}}}`
	}
	for _, tc := range []struct {
		spared, denied int
		found, public  bool
	}{
		{spared: 8, denied: 7, found: true, public: true},
		{spared: 8, denied: 8},
		{spared: 12, denied: 11, found: true, public: true},
		{spared: 12, denied: 12},
		{spared: 13, denied: 12, found: true, public: true},
		{spared: 16, denied: 12, found: true, public: true},
		{spared: 16, denied: 15, found: true, public: true},
		// Beyond the cap a Deny of every one is not told from a Deny of
		// those tried.
		{spared: 16, denied: 16, found: true, public: true},
	} {
		for _, restrict := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d spared, the first %d denied, RestrictPublicBuckets %v", tc.spared, tc.denied, restrict), func(t *testing.T) {
				s := state(stmts(allow, deny("ArnNotLikeIfExists", aps[:tc.spared]), deny("ArnLike", aps[:tc.denied])))
				s.BlockPublicAccess = policy.BlockPublicAccess{RestrictPublicBuckets: restrict}
				got, err := analyzer.Analyze(s, nil)
				require.NoError(t, err)
				public := false
				for _, f := range got {
					public = public || f.Public
					assert.Contains(t, f.Accounts, partner, "%+v", f)
				}
				assert.Equal(t, tc.found, len(got) > 0, "%+v", got)
				assert.Equal(t, tc.public && !restrict, public, "%+v", got)
			})
		}
	}
}
