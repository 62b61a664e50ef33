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

// TestAnalyzeKeepsAGrantOfMoreValuesThanTried: a grant limited to more VPC
// endpoints than the analysis makes probes of (maxProbeContexts) beside a
// Deny of those it tries keeps its finding: access through the others is
// left. A Deny of the first 12 of 16 endpoints was reported as no finding.
func TestAnalyzeKeepsAGrantOfMoreValuesThanTried(t *testing.T) {
	var endpoints []string
	for i := 1; i <= 16; i++ {
		endpoints = append(endpoints, fmt.Sprintf(`"vpce-%017d"`, i))
	}
	grant := func(effect string, vpces []string) string {
		return `{"Effect":"` + effect + `","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*",` +
			`"Condition":{"StringEquals":{"aws:SourceVpce":[` + strings.Join(vpces, ",") + `]}}}`
	}
	for _, n := range []int{11, 12, 15} {
		t.Run(fmt.Sprintf("a Deny of the first %d", n), func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(grant("Allow", endpoints), grant("Deny", endpoints[:n]))), nil)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, []string{"s3:GetObject"}, got[0].Actions)
			assert.Contains(t, got[0].Conditions, "aws:SourceVpce", "limited to the endpoints, not public")
			assert.NotEqual(t, analyzer.KindPublic, got[0].Kind)
		})
	}
	t.Run("a Deny of every one of 8", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(grant("Allow", endpoints[:8]), grant("Deny", endpoints[:8]))), nil)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
	// Beyond what it tries, the analysis cannot tell a Deny of every one
	// from a Deny of those it tried: it keeps the finding (our choice:
	// a finding too many, never one too few).
	t.Run("a Deny of every one of 16", func(t *testing.T) {
		got, err := analyzer.Analyze(state(stmts(grant("Allow", endpoints), grant("Deny", endpoints))), nil)
		require.NoError(t, err)
		assert.Len(t, got, 1)
	})
}

// TestAnalyzeProbesEveryActionAndResource: a Deny that refuses the
// requests the analysis tries first (the first common actions of a
// wildcard, the first resources of a grant) does not hide what it leaves:
// every action the grant covers is tried on every resource it names before
// the grant is taken as refused. Allow "*" s3:* with a Deny of all but
// s3:DeleteObject (or s3:PutBucketAcl: anyone may rewrite the bucket's
// ACL) was reported as no finding, and so was a public GetObject of 13
// prefixes beside a Deny of the first 12. A grant of more resources than
// the analysis tries (maxProbeResources) that it finds wholly refused is
// kept: the ones not tried may be those the Deny leaves.
func TestAnalyzeProbesEveryActionAndResource(t *testing.T) {
	bucketAndObjects := `["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]`
	var first12 []string
	for _, c := range "abcdefghijlm" {
		first12 = append(first12, `"arn:aws:s3:::bkt/`+string(c)+`/*"`)
	}
	all13 := append(append([]string(nil), first12...), `"arn:aws:s3:::bkt/n/*"`)
	var all20 []string
	for _, c := range "abcdefghijlmnopqrstu" {
		all20 = append(all20, `"arn:aws:s3:::bkt/`+string(c)+`/*"`)
	}
	getObject := func(resources []string) string {
		return `"Action":"s3:GetObject","Resource":[` + strings.Join(resources, ",") + `]}`
	}
	type out struct {
		Kind    analyzer.Kind
		Actions []string
	}
	publicAll := []out{{Kind: analyzer.KindPublic, Actions: []string{"s3:*"}}}
	cases := []struct {
		name string
		pol  string
		want []out
	}{
		{"all but DeleteObject denied", stmts(
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":`+bucketAndObjects+`}`,
			`{"Effect":"Deny","Principal":"*","NotAction":"s3:DeleteObject","Resource":`+bucketAndObjects+`}`), publicAll},
		{"all but GetBucketAcl denied", stmts(
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":`+bucketAndObjects+`}`,
			`{"Effect":"Deny","Principal":"*","NotAction":"s3:GetBucketAcl","Resource":`+bucketAndObjects+`}`), publicAll},
		{"all but PutBucketAcl denied", stmts(
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":`+bucketAndObjects+`}`,
			`{"Effect":"Deny","Principal":"*","NotAction":"s3:PutBucketAcl","Resource":`+bucketAndObjects+`}`), publicAll},
		{"the 13th prefix of a grant left by a Deny of the first 12", stmts(
			`{"Effect":"Allow","Principal":"*",`+getObject(all13),
			`{"Effect":"Deny","Principal":"*",`+getObject(first12)),
			[]out{{Kind: analyzer.KindPublic, Actions: []string{"s3:GetObject"}}}},
		// More prefixes than the analysis makes probes of: those it does
		// not try may be the ones the Deny leaves, so the grant is kept.
		{"the 20th prefix of a grant left by a Deny of the first 19", stmts(
			`{"Effect":"Allow","Principal":"*",`+getObject(all20),
			`{"Effect":"Deny","Principal":"*",`+getObject(all20[:19])),
			[]out{{Kind: analyzer.KindPublic, Actions: []string{"s3:GetObject"}}}},
		// The same grants, wholly denied: no finding.
		{"every action denied", stmts(
			`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":`+bucketAndObjects+`}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":`+bucketAndObjects+`}`), nil},
		{"every prefix denied", stmts(
			`{"Effect":"Allow","Principal":"*",`+getObject(all13),
			`{"Effect":"Deny","Principal":"*",`+getObject(all13)), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(tc.pol), nil)
			require.NoError(t, err)
			var outs []out
			for _, f := range got {
				outs = append(outs, out{Kind: f.Kind, Actions: f.Actions})
			}
			assert.ElementsMatch(t, tc.want, outs)
		})
	}
}

// TestAnalyzeDenyOfTheSampledAddresses: a grant to an address range is
// probed with addresses next to every range the policies name, not only
// the range's first, middle and last: a Deny of exactly those three
// addresses beside Allow from 203.0.113.0/24 was reported as no finding,
// though the other 253 addresses still reach the bucket.
func TestAnalyzeDenyOfTheSampledAddresses(t *testing.T) {
	grant := func(effect, ranges string) string {
		return `{"Effect":"` + effect + `","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*",` +
			`"Condition":{"IpAddress":{"aws:SourceIp":[` + ranges + `]}}}`
	}
	for _, tc := range []struct {
		name, deny string
		found      bool
	}{
		{"first, middle and last denied", `"203.0.113.0/32","203.0.113.128/32","203.0.113.255/32"`, true},
		{"all but one denied", `"203.0.113.0/26","203.0.113.64/27","203.0.113.96/28","203.0.113.112/29","203.0.113.120/30","203.0.113.124/31","203.0.113.126/32","203.0.113.128/25"`, true},
		{"both halves denied", `"203.0.113.0/25","203.0.113.128/25"`, false},
		{"the range denied", `"203.0.113.0/24"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(grant("Allow", `"203.0.113.0/24"`), grant("Deny", tc.deny))), nil)
			require.NoError(t, err)
			if !tc.found {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, []string{"s3:GetObject"}, got[0].Actions)
			assert.Equal(t, "203.0.113.0/24", got[0].Conditions["aws:SourceIp"])
		})
	}
}

// TestAnalyzeManyDeniesOfRequestShape: each Deny that only demands a
// request shape the caller chooses is satisfied, however many there are:
// Allow "*" PutObject beside 12 Denies, each of an upload without one of
// 12 tags, is public write for whoever sends the tags. With 8 or more it
// was reported as no finding (a probe was re-tried 8 times at most).
func TestAnalyzeManyDeniesOfRequestShape(t *testing.T) {
	allow := `{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`
	var denies []string
	for i := range 12 {
		denies = append(denies, fmt.Sprintf(`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Null":{"aws:RequestTag/k%d":"true"}}}`, i))
	}
	got, err := analyzer.Analyze(state(stmts(append([]string{allow}, denies...)...)), nil)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, analyzer.KindPublic, got[0].Kind)
	assert.Equal(t, []string{"s3:PutObject"}, got[0].Actions)

	// One Deny that no request shape escapes removes the grant.
	all := `{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}`
	got, err = analyzer.Analyze(state(stmts(append([]string{allow, all}, denies...)...)), nil)
	require.NoError(t, err)
	assert.Empty(t, got)
}

// TestAnalyzeDenyOfKeyLengths: a Deny of keys of given lengths ("?",
// "???") leaves keys of other lengths; the analysis probes keys one longer
// than each such pattern, under the bucket and under each prefix a grant
// names. A Deny of keys of 1, 3 and 24 characters (the lengths of the
// probe keys) beside a public read of every object hid the read of every
// other key ("report.pdf").
func TestAnalyzeDenyOfKeyLengths(t *testing.T) {
	q := func(prefix string, n int) string { return `"arn:aws:s3:::bkt/` + prefix + strings.Repeat("?", n) + `"` }
	for _, tc := range []struct {
		name, allow, deny string
		found             bool
	}{
		{"lengths 1, 3 and 24 denied", `"arn:aws:s3:::bkt/*"`, q("", 1) + "," + q("", 3) + "," + q("", 24), true},
		{"under a prefix", `"arn:aws:s3:::bkt/logs/*"`, q("logs/", 1) + "," + q("logs/", 3) + "," + q("logs/", 24), true},
		{"every length denied", `"arn:aws:s3:::bkt/*"`, q("", 1) + `,"arn:aws:s3:::bkt/??*"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := stmts(
				`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":`+tc.allow+`}`,
				`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":[`+tc.deny+`]}`)
			got, err := analyzer.Analyze(state(pol), nil)
			require.NoError(t, err)
			if !tc.found {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, analyzer.KindPublic, got[0].Kind)
		})
	}
}

// TestAnalyzeKeepsOnlyWhatADenyMayHide: a grant kept because the analysis
// did not try all its resources or values is one a Deny that spares some
// resources or values (or a missing delegation) refused; one that Block
// Public Access, or a Deny of the whole bucket without conditions,
// refuses whatever the resource or value stays refused, however many of
// them the policy names.
func TestAnalyzeKeepsOnlyWhatADenyMayHide(t *testing.T) {
	var prefixes, endpoints []string
	for _, c := range "abcdefghijlmnopqrstu" {
		prefixes = append(prefixes, `"arn:aws:s3:::bkt/`+string(c)+`/*"`)
	}
	for i := 1; i <= 16; i++ {
		endpoints = append(endpoints, fmt.Sprintf(`"s3secure-%02d/"`, i))
	}
	allow20 := `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":[` + strings.Join(prefixes, ",") + `]}`
	// A Deny of the whole bucket refuses the resources not tried alike.
	for name, deny := range map[string]string{
		"NotPrincipal":   `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`,
		"every resource": `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}`,
	} {
		t.Run("20 prefixes, a Deny of the bucket by "+name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(allow20, deny)), nil)
			require.NoError(t, err)
			assert.Empty(t, got)
		})
	}
	for name, pol := range map[string]string{
		"20 prefixes": stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":[` + strings.Join(prefixes, ",") + `]}`),
		"16 listing prefixes": stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt",` +
			`"Condition":{"StringEquals":{"s3:prefix":[` + strings.Join(endpoints, ",") + `]}}}`),
	} {
		t.Run(name, func(t *testing.T) {
			st := state(pol)
			got, err := analyzer.Analyze(st, nil)
			require.NoError(t, err)
			require.Len(t, got, 1, "public without Block Public Access")
			st.BlockPublicAccess = policy.AllBlocked()
			got, err = analyzer.Analyze(st, nil)
			require.NoError(t, err)
			assert.Empty(t, got, "RestrictPublicBuckets refuses every request")
		})
	}
}
