package policy

import (
	"slices"
	"strconv"
	"strings"
)

// Equivalent reports whether two statements say the same thing, ignoring
// their Sids and the way they are written. It treats as equal:
//
//   - lists in any order and with duplicates ("Resource" [bucket, bucket/*]
//     or [bucket/*, bucket]), a single string and a one-element list;
//   - actions in any case ("s3:getobject"), as IAM matches them;
//   - the principal "*" and {"AWS": "*"}, and an account ID and its root ARN
//     ("111122223333" and "arn:aws:iam::111122223333:root");
//   - condition operators in any case, condition keys in any case
//     ("aws:SecureTransport", "AWS:securetransport");
//   - condition values of any JSON type with the same text (false and
//     "false", 1.2 and "1.2"), booleans in any case under Bool operators
//     and numbers with the same value under Numeric operators.
//
// It does not treat broader and narrower statements as equivalent ("*" and
// "s3:*" differ), nor principals S3 may rewrite into another form (an OAI's
// ARN and its canonical user ID).
func Equivalent(a, b Statement) bool {
	return canonicalStatement(a) == canonicalStatement(b)
}

// canonicalStatement returns a string that is equal for equivalent
// statements.
func canonicalStatement(s Statement) string {
	var b strings.Builder
	b.WriteString(string(s.Effect))
	part := func(name string, items []string) {
		b.WriteString("\x00")
		b.WriteString(name)
		if items == nil {
			b.WriteString("\x02")
			return
		}
		slices.Sort(items)
		items = slices.Compact(items)
		for _, it := range items {
			b.WriteString("\x01")
			b.WriteString(it)
		}
	}
	part(keyPrincipal, canonicalPrincipal(s.Principal))
	part(keyNotPrincipal, canonicalPrincipal(s.NotPrincipal))
	part(keyAction, lowerAll(s.Action))
	part(keyNotAction, lowerAll(s.NotAction))
	part(keyResource, cloneStrings(s.Resource))
	part(keyNotResource, cloneStrings(s.NotResource))
	part(keyCondition, canonicalCondition(s.Condition))
	return b.String()
}

func cloneStrings(v Values) []string {
	if v == nil {
		return nil
	}
	return slices.Clone([]string(v))
}

func lowerAll(v Values) []string {
	if v == nil {
		return nil
	}
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = strings.ToLower(s)
	}
	return out
}

func canonicalPrincipal(p *Principal) []string {
	if p == nil {
		return nil
	}
	if p.Wildcard {
		return []string{"AWS\x03*"}
	}
	out := []string{}
	for _, e := range p.Entries {
		for _, v := range e.Values {
			if e.Type == PrincipalAWS && accountIDRe.MatchString(v) {
				v = "arn:aws:iam::" + v + ":root"
			}
			out = append(out, string(e.Type)+"\x03"+v)
		}
	}
	return out
}

func canonicalCondition(c Condition) []string {
	if len(c) == 0 {
		return nil // an empty Condition is no condition
	}
	out := []string{}
	for _, blk := range c {
		op := strings.ToLower(blk.Operator)
		base := op
		if i := strings.LastIndexByte(base, ':'); i >= 0 {
			base = base[i+1:]
		}
		for _, e := range blk.Entries {
			key := strings.ToLower(e.Key)
			for _, v := range e.Values {
				text := v.Text
				switch {
				case strings.HasPrefix(base, "bool"):
					text = strings.ToLower(text)
				case strings.HasPrefix(base, "numeric"):
					if f, err := strconv.ParseFloat(text, 64); err == nil {
						text = strconv.FormatFloat(f, 'g', -1, 64)
					}
				}
				out = append(out, op+"\x03"+key+"\x03"+text)
			}
		}
	}
	return out
}
