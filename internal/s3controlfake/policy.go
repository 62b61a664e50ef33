package s3controlfake

import (
	"encoding/json"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

type rawStatement struct {
	Effect    string          `json:"Effect"`
	Principal json.RawMessage `json:"Principal"`
	Resource  json.RawMessage `json:"Resource"`
	Condition json.RawMessage `json:"Condition"`
}

type rawPolicy struct {
	Statement json.RawMessage `json:"Statement"`
}

func statements(doc string) ([]rawStatement, string) {
	var p rawPolicy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, "Policies must be valid JSON and the first byte must be '{'"
	}
	if len(p.Statement) == 0 {
		return nil, "Missing required field Statement"
	}
	var list []rawStatement
	if err := json.Unmarshal(p.Statement, &list); err != nil {
		var one rawStatement
		if err := json.Unmarshal(p.Statement, &one); err != nil {
			return nil, "Statement is not valid"
		}
		list = []rawStatement{one}
	}
	return list, ""
}

func stringsOf(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// checkAccessPointPolicy applies S3 Control's checks on PutAccessPointPolicy:
// the 20 KB limit, JSON, and every resource naming this access point (the
// access point ARN or its /object/… form). It returns S3's MalformedPolicy
// message, or "" when the policy is acceptable.
func checkAccessPointPolicy(doc, apARN string) string {
	if len(doc) > maxAccessPointPolicyBytes {
		return "Policy exceeds the maximum allowed document size."
	}
	sts, msg := statements(doc)
	if msg != "" {
		return msg
	}
	for _, st := range sts {
		if st.Effect != "Allow" && st.Effect != "Deny" {
			return "Invalid effect"
		}
		res := stringsOf(st.Resource)
		if len(res) == 0 {
			return "Policy has invalid resource"
		}
		for _, r := range res {
			if r != apARN && !strings.HasPrefix(r, apARN+"/object/") {
				return "Policy has invalid resource"
			}
		}
	}
	return ""
}

// policyJudge is the default PolicyJudge: the policy package's rule for
// access point policies. A VPC access point is never public.
func policyJudge(doc string, vpc bool) (bool, error) {
	if vpc {
		return false, nil
	}
	d, err := policy.Parse([]byte(doc))
	if err != nil {
		return false, err
	}
	return policy.IsPublic(d, policy.KindAccessPoint).IsPublic, nil
}
