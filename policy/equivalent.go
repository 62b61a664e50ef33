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
//     ("111122223333" and "arn:aws:iam::111122223333:root") in the
//     partition of the statement's resources ("arn:aws-cn:iam::…:root" for
//     a statement on arn:aws-cn:s3:::bucket; aws when they name none or
//     several);
//   - condition keys in any case ("aws:SecureTransport",
//     "AWS:securetransport"); operator names are case-sensitive, as IAM
//     reads them ("numericlessthan" is no operator);
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
	p := resourcePartition(s)
	part(keyPrincipal, canonicalPrincipal(s.Principal, p))
	part(keyNotPrincipal, canonicalPrincipal(s.NotPrincipal, p))
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
		out[i] = asciiLower(s) // as IAM folds: ASCII only
	}
	return out
}

// resourcePartition is the partition of s's resource ARNs when they name
// one (an account ID in a bucket policy names that partition's account),
// else aws.
func resourcePartition(s Statement) string {
	found := ""
	for _, r := range append(slices.Clone(s.Resource), s.NotResource...) {
		p, ok := ARNPartition(r)
		if !ok {
			continue
		}
		if found != "" && p != found {
			return "aws"
		}
		found = p
	}
	if found == "" {
		return "aws"
	}
	return found
}

func canonicalPrincipal(p *Principal, partition string) []string {
	if p == nil {
		return nil
	}
	if p.Wildcard {
		return []string{"AWS\x03*"}
	}
	out := []string{}
	for _, e := range p.Entries {
		for _, v := range e.Values {
			if e.Type == PrincipalAWS && IsAccountID(v) {
				v = "arn:" + partition + ":iam::" + v + ":root"
			}
			out = append(out, string(e.Type)+"\x03"+v)
		}
	}
	return out
}

// canonicalCondition returns one item per condition entry: its operator,
// its key and its set of values. Values stay with their entry, because the
// values of one key are ORed while two entries (the same key written twice
// in another case) are ANDed:
// {k: [a, b]} is not {k: a, K: b}. Repeated entries collapse, as a AND a
// is a.
func canonicalCondition(c Condition) []string {
	if len(c) == 0 {
		return nil // an empty Condition is no condition
	}
	out := []string{}
	for _, blk := range c {
		op := blk.Operator // names are case-sensitive (lookupOperator)
		base := op
		if i := strings.LastIndexByte(base, ':'); i >= 0 {
			base = base[i+1:]
		}
		for _, e := range blk.Entries {
			vals := make([]string, 0, len(e.Values))
			for _, v := range e.Values {
				text := v.Text
				switch {
				case strings.HasPrefix(base, "Bool"):
					text = asciiLower(text)
				case strings.HasPrefix(base, "Numeric"):
					if f, err := parseNumber(text); err == nil { // as the evaluator reads it
						text = strconv.FormatFloat(f, 'g', -1, 64)
					}
				}
				vals = append(vals, strconv.Quote(text))
			}
			slices.Sort(vals)
			vals = slices.Compact(vals)
			out = append(out, op+"\x03"+asciiLower(e.Key)+"\x03"+strings.Join(vals, ","))
		}
	}
	return out
}
