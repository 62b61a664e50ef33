package aafake

import (
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
)

// Filter keys from the IAM User Guide, "IAM Access Analyzer filter keys".
var plainKeys = map[string]bool{
	"resource": true, "resourceType": true, "status": true, "isPublic": true,
	"resourceOwnerAccount": true, "id": true, "error": true, "findingType": true,
}

func knownKey(k string) bool {
	if plainKeys[k] {
		return true
	}
	for _, p := range []string{"principal.", "condition."} {
		if strings.HasPrefix(k, p) && len(k) > len(p) {
			return true
		}
	}
	return false
}

// attr returns a finding's value for a filter key and whether it is set.
func attr(f *finding, key string) (string, bool) {
	x := f.f
	opt := func(p *string) (string, bool) { return aws.ToString(p), p != nil && *p != "" }
	switch key {
	case "resource":
		return opt(x.Resource)
	case "resourceType":
		return string(x.ResourceType), x.ResourceType != ""
	case "status":
		return string(x.Status), true
	case "isPublic":
		if x.IsPublic == nil {
			return "", false
		}
		return strconv.FormatBool(*x.IsPublic), true
	case "resourceOwnerAccount":
		return opt(x.ResourceOwnerAccount)
	case "id":
		return opt(x.Id)
	case "error":
		return opt(x.Error)
	case "findingType":
		return string(f.findingType), true
	case "createdAt":
		return ts(aws.ToTime(x.CreatedAt)), x.CreatedAt != nil
	case "updatedAt":
		return ts(aws.ToTime(x.UpdatedAt)), x.UpdatedAt != nil
	case "analyzedAt":
		return ts(aws.ToTime(x.AnalyzedAt)), x.AnalyzedAt != nil
	}
	if k, ok := strings.CutPrefix(key, "principal."); ok {
		v, ok := x.Principal[k]
		return v, ok
	}
	if k, ok := strings.CutPrefix(key, "condition."); ok {
		// Condition keys are case-insensitive in IAM.
		for ck, v := range x.Condition {
			if strings.EqualFold(ck, k) {
				return v, true
			}
		}
	}
	return "", false
}

// matches reports whether a finding satisfies every criterion of a filter
// (criteria are ANDed; the values of one operator are ORed; neq requires
// the value to differ from all listed values).
func matches(f *finding, filter map[string]types.Criterion) bool {
	for key, c := range filter {
		v, ok := attr(f, key)
		if c.Exists != nil && *c.Exists != ok {
			return false
		}
		if len(c.Eq) > 0 && (!ok || !contains(c.Eq, v)) {
			return false
		}
		if len(c.Neq) > 0 && ok && contains(c.Neq, v) {
			return false
		}
		if len(c.Contains) > 0 {
			hit := false
			for _, sub := range c.Contains {
				if ok && strings.Contains(v, sub) {
					hit = true
					break
				}
			}
			if !hit {
				return false
			}
		}
	}
	return true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
