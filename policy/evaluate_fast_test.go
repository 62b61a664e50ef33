package policy_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// TestDecideFindsEveryCatalogAction holds the compiled evaluator's action
// lookup to IAM's rule, ASCII case folding only, for every action of the
// catalog: the name in any ASCII case finds its statement; a name that
// differs in anything else (the Kelvin sign for k, a control character
// that differs from a letter, digit or colon by one bit, one byte more or
// less) finds nothing.
func TestDecideFindsEveryCatalogAction(t *testing.T) {
	actions := policy.Actions()
	require.NotEmpty(t, actions)
	for i, a := range actions {
		name := a.Name
		doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"` + name + `","Resource":"*"}]}`))
		require.NoError(t, err)
		c, err := policy.Compile(doc)
		require.NoError(t, err)
		other := actions[(i+1)%len(actions)].Name
		decide := func(action string) policy.Decision {
			return c.Decide(&policy.Request{Action: action, Resource: "arn:aws:s3:::b/k"}).Decision
		}
		for _, same := range []string{name, strings.ToLower(name), strings.ToUpper(name), flipCase(name)} {
			assert.Equal(t, policy.DecisionAllow, decide(same), "%q for %s", same, name)
		}
		var near []string
		near = append(near, other, name+"x", name[:len(name)-1], "x"+name)
		for j := 0; j < len(name); j++ {
			c := name[j]
			// Flip bit 0x20 (a letter's case) where it is not a letter's,
			// and bit 0x40 everywhere.
			if !('a' <= c|0x20 && c|0x20 <= 'z') {
				near = append(near, name[:j]+string(c^0x20)+name[j+1:])
			}
			near = append(near, name[:j]+string(c^0x40)+name[j+1:])
			if c|0x20 == 'k' {
				near = append(near, name[:j]+"\u212A"+name[j+1:])
			}
		}
		for _, n := range near {
			if strings.EqualFold(n, name) && !strings.ContainsRune(n, '\u212A') {
				continue // flipping 0x40 can make another case of a letter
			}
			assert.Equal(t, policy.DecisionDeny, decide(n), "%q for %s", n, name)
		}
	}
}

func flipCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if i%2 == 0 && 'a' <= c|0x20 && c|0x20 <= 'z' {
			b[i] = c ^ 0x20
		}
	}
	return string(b)
}

// TestIPAddressMatchesNetip holds IpAddress and NotIpAddress, compiled or
// not, to net/netip's Prefix.Contains on the address without its IPv4-in-
// IPv6 mapping: IPv4 and IPv6 never mix, an address with a zone is in no
// range, a policy value without a prefix length is one address (/32 or
// /128), and an IPv4-mapped range is the IPv4 range.
func TestIPAddressMatchesNetip(t *testing.T) {
	ranges := []string{
		"0.0.0.0/0", "10.0.0.0/8", "203.0.113.0/24", "203.0.113.0/25", "203.0.113.128/25",
		"203.0.113.7/32", "203.0.113.7", "192.0.2.255/31",
		"::/0", "2001:db8::/32", "2001:db8::/64", "2001:db8::/63", "2001:db8:0:0:8000::/65",
		"2001:db8::1/128", "2001:db8::1", "2001:db8::/127", "2001:db8::/96", "2001:db8::/1",
		"::ffff:203.0.113.0/120", "::ffff:0.0.0.0/96", "::1", "::",
		// An IPv4-mapped range shorter than /96 has no IPv4 form: it
		// contains nothing, not even what is not an address.
		"::ffff:0.0.0.0/80",
	}
	addrs := []string{
		"203.0.113.7", "203.0.113.128", "203.0.113.255", "10.1.2.3", "192.0.2.254", "192.0.2.255",
		"192.0.3.0", "0.0.0.0", "255.255.255.255", "::ffff:203.0.113.7", "::ffff:10.0.0.1",
		"2001:db8::1", "2001:db8::", "2001:db8::2", "2001:db8:0:1::1", "2001:db8:0:0:8000::1",
		"2001:db8:0:0:7fff::1", "2001:db9::1", "8000::", "::1", "::", "::ffff:0.0.0.0",
		"fe80::1%eth0", "203.0.113.7%eth0", "not-an-address", "",
	}
	for _, r := range ranges {
		want := netipRange(t, r)
		for _, op := range []string{"IpAddress", "NotIpAddress"} {
			doc, err := policy.Parse([]byte(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{%q:{"aws:SourceIp":%q}}}]}`, op, r)))
			require.NoError(t, err)
			c, err := policy.Compile(doc)
			require.NoError(t, err)
			for _, a := range addrs {
				req := &policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
				req.Context.Set("aws:SourceIp", a)
				in := false
				if addr, err := netip.ParseAddr(a); err == nil {
					in = want.Contains(addr.Unmap())
				}
				if op == "NotIpAddress" {
					in = !in
				}
				wantDecision := policy.DecisionDeny
				if in {
					wantDecision = policy.DecisionAllow
				}
				assert.Equal(t, wantDecision, c.Decide(req).Decision, "%s %s, address %q", op, r, a)
				u, err := policy.Evaluate(req, doc)
				require.NoError(t, err)
				assert.Equal(t, wantDecision, u.Decision, "uncompiled: %s %s, address %q", op, r, a)
			}
		}
	}
}

// netipRange is the range an IpAddress value stands for, by net/netip.
func netipRange(t *testing.T, s string) netip.Prefix {
	t.Helper()
	if !strings.Contains(s, "/") {
		a := netip.MustParseAddr(s).Unmap()
		return netip.PrefixFrom(a, a.BitLen())
	}
	p := netip.MustParsePrefix(s)
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96) // invalid below /96
	}
	return p.Masked()
}

// TestConditionKeysFoundInAnyCase checks that the compiled evaluator finds
// a condition key whatever its case in the policy and in the request, for
// keys of the catalog and others (tag keys, which the catalog has only as
// aws:PrincipalTag/${TagKey}), and that a tag key is not taken for another.
func TestConditionKeysFoundInAnyCase(t *testing.T) {
	cases := []struct{ policyKey, requestKey, value string }{
		{"aws:SourceVpce", "AWS:SOURCEVPCE", "vpce-1"},
		{"AWS:sourcevpce", "aws:SourceVpce", "vpce-1"},
		{"s3:prefix", "S3:Prefix", "home/"},
		{"aws:PrincipalTag/team", "aws:principaltag/TEAM", "blue"},
		{"aws:principaltag/Team", "AWS:PrincipalTag/team", "blue"},
		{"s3:ExistingObjectTag/share", "S3:existingobjecttag/Share", "org7"},
		{"example:Custom", "EXAMPLE:custom", "x"},
	}
	for _, tc := range cases {
		doc, err := policy.Parse([]byte(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{%q:%q}}}]}`, tc.policyKey, tc.value)))
		require.NoError(t, err)
		c, err := policy.Compile(doc)
		require.NoError(t, err)
		req := &policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
		req.Context.Set("aws:PrincipalTag/", tc.value) // the placeholder's prefix alone
		req.Context.Set("aws:PrincipalTag/other", tc.value)
		assert.Equal(t, policy.DecisionDeny, c.Decide(req).Decision, "%s without %s", tc.policyKey, tc.requestKey)
		req.Context.Set(tc.requestKey, tc.value)
		assert.Equal(t, policy.DecisionAllow, c.Decide(req).Decision, "%s with %s", tc.policyKey, tc.requestKey)
	}
}

// TestGuardStatementsKeepTheirOtherElements: the compiled evaluator tests
// the conditions of a statement that names everyone on whole buckets
// first, since they usually decide; its Resource, NotResource and
// Principal still apply.
func TestGuardStatementsKeepTheirOtherElements(t *testing.T) {
	c := mustCompile(t, `{"Version":"2012-10-17","Statement":[
	 {"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::a","arn:aws:s3:::a/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
	 {"Sid":"DenyHTTPAll","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:PutObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
	 {"Sid":"AllowVPCE","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}},
	 {"Sid":"AllowNotC","Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotResource":"arn:aws:s3:::c/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-2"}}}
	]}`)
	cases := []struct {
		action, resource, secure, vpce string
		want                           policy.Decision
		sid                            string
	}{
		{"s3:GetObject", "arn:aws:s3:::a/k", "false", "vpce-1", policy.DecisionExplicitDeny, "DenyHTTP"},
		{"s3:GetObject", "arn:aws:s3:::b/k", "false", "vpce-1", policy.DecisionAllow, "AllowVPCE"},
		{"s3:GetObject", "arn:aws:s3:::a/k", "true", "vpce-1", policy.DecisionDeny, ""},
		{"s3:PutObject", "arn:aws:s3:::z/k", "false", "vpce-1", policy.DecisionExplicitDeny, "DenyHTTPAll"},
		{"s3:GetObject", "arn:aws:s3:::c/k", "true", "vpce-2", policy.DecisionDeny, ""},
		{"s3:GetObject", "arn:aws:s3:::d/k", "true", "vpce-2", policy.DecisionAllow, "AllowNotC"},
	}
	for _, tc := range cases {
		req := &policy.Request{Action: tc.action, Resource: tc.resource}
		req.Context.Set("aws:SecureTransport", tc.secure)
		req.Context.Set("aws:SourceVpce", tc.vpce)
		got := c.Decide(req)
		assert.Equal(t, tc.want, got.Decision, "%+v", tc)
		if tc.sid != "" {
			assert.Equal(t, tc.sid, got.By.Sid, "%+v", tc)
		}
	}
}

// TestBoolComparesAsEqualFold holds Bool to what it always was, compiled or
// not: the policy value and the request value equal under strings.EqualFold
// (so "TRUE" is "true", and "falſe", with the long s that folds to s, is
// "false"), for boolean words and for any other text.
func TestBoolComparesAsEqualFold(t *testing.T) {
	words := []string{"true", "TRUE", "True", "false", "FALSE", "fAlSe", "fal\u017fe", "yes", "YES", "1", "tru", "truee", ""}
	for _, p := range words {
		doc, err := policy.Parse([]byte(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":%q}}}]}`, p)))
		require.NoError(t, err)
		c, err := policy.Compile(doc)
		require.NoError(t, err)
		for _, v := range words {
			req := &policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
			req.Context.Set("aws:SecureTransport", v)
			want := policy.DecisionDeny
			if strings.EqualFold(p, v) {
				want = policy.DecisionAllow
			}
			assert.Equal(t, want, c.Decide(req).Decision, "Bool %q, request %q", p, v)
			u, err := policy.Evaluate(req, doc)
			require.NoError(t, err)
			assert.Equal(t, want, u.Decision, "uncompiled: Bool %q, request %q", p, v)
		}
	}
}
