package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// TestAccountRootIsInItsPartition: an account's root ARN names the
// account in its partition only. "Partitions have independent instances
// of AWS Identity and Access Management (IAM) ... You cannot use IAM
// credentials from one partition to interact with resources in a different
// partition" (AWS Fault Isolation Boundaries, "Partitions"); "AWS
// partitions are hard isolation boundaries with independent instances of
// AWS Identity and Access Management (IAM), so a credential issued in one
// partition isn't valid in another" (IAM user guide, "Federating AWS
// identities across AWS partitions"): account 444455556666 of aws-cn is
// not account 444455556666 of aws. The evaluator read the account out of
// an arn:aws-cn:iam::…:root principal and matched a caller of the same
// number in aws: an Allow to the China account granted the aws account,
// and a Deny of it refused the aws account. A bare account ID, which IAM
// names in the policy's partition, and a root ARN of the caller's own
// partition still match. @cloud-copilot/iam-simulate matches across
// partitions too (it answers Allowed and ExplicitlyDenied in the first
// two cases); the documentation decides.
func TestAccountRootIsInItsPartition(t *testing.T) {
	alice := policy.Caller{ARN: "arn:aws:iam::444455556666:user/alice", Account: "444455556666"}
	chinaAlice := policy.Caller{ARN: "arn:aws-cn:iam::444455556666:user/alice", Account: "444455556666"}
	accountOnly := policy.Caller{Account: "444455556666"}
	const (
		allowCN   = `{"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"*"}`
		allowAWS  = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"*"}`
		allowID   = `{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"*"}`
		denyCN    = `{"Effect":"Deny","Principal":{"AWS":"arn:aws-cn:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"*"}`
		notPrinCN = `{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws-cn:iam::444455556666:root","arn:aws-cn:iam::444455556666:user/alice"]},"Action":"s3:GetObject","Resource":"*"}`
	)
	tests := []struct {
		name     string
		stmts    string
		caller   policy.Caller
		resource string
		want     policy.Decision
	}{
		{"allow to the China account grants no aws caller", allowCN, alice, "arn:aws:s3:::bucket/k", policy.DecisionDeny},
		{"allow to the China account grants its China caller", allowCN, chinaAlice, "arn:aws-cn:s3:::bucket/k", policy.DecisionAllow},
		{"allow to the aws account grants its caller", allowAWS, alice, "arn:aws:s3:::bucket/k", policy.DecisionAllow},
		{"allow to the aws account grants no China caller", allowAWS, chinaAlice, "arn:aws-cn:s3:::bucket/k", policy.DecisionDeny},
		{"a bare account ID is the account in the policy's partition", allowID, alice, "arn:aws:s3:::bucket/k", policy.DecisionAllow},
		{"a bare account ID, in China", allowID, chinaAlice, "arn:aws-cn:s3:::bucket/k", policy.DecisionAllow},
		{"deny of the China account does not refuse the aws caller", allowAWS + `,` + denyCN, alice, "arn:aws:s3:::bucket/k", policy.DecisionAllow},
		{"deny of the China account refuses its China caller", allowID + `,` + denyCN, chinaAlice, "arn:aws-cn:s3:::bucket/k", policy.DecisionExplicitDeny},
		{"NotPrincipal of the China account and user does not exempt the aws caller", allowAWS + `,` + notPrinCN, alice, "arn:aws:s3:::bucket/k", policy.DecisionExplicitDeny},
		{"NotPrincipal of the China account and user exempts the China caller", allowID + `,` + notPrinCN, chinaAlice, "arn:aws-cn:s3:::bucket/k", policy.DecisionAllow},
		{"a caller without ARN is in the resource's partition", allowCN, accountOnly, "arn:aws:s3:::bucket/k", policy.DecisionDeny},
		{"a caller without ARN, in China", allowCN, accountOnly, "arn:aws-cn:s3:::bucket/k", policy.DecisionAllow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[` + tt.stmts + `]}`))
			require.NoError(t, err)
			c, err := policy.Compile(doc)
			require.NoError(t, err)
			got := c.Decide(&policy.Request{Caller: tt.caller, Action: "s3:GetObject", Resource: tt.resource})
			assert.Equal(t, tt.want, got.Decision)
		})
	}
}

// TestNotPrincipalAccountRootInItsPartition: a NotPrincipal naming the
// China account's root does not exempt the aws account's root of the same
// number (it exempted it, so a Deny meant for everyone else let it by).
func TestNotPrincipalAccountRootInItsPartition(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws-cn:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"*"}]}`))
	require.NoError(t, err)
	c, err := policy.Compile(doc)
	require.NoError(t, err)
	root := func(p string) policy.Caller {
		return policy.Caller{ARN: "arn:" + p + ":iam::444455556666:root", Account: "444455556666"}
	}
	got := c.Decide(&policy.Request{Caller: root("aws"), Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/k"})
	assert.Equal(t, policy.DecisionExplicitDeny, got.Decision, "the aws root is not the China root")
	got = c.Decide(&policy.Request{Caller: root("aws-cn"), Action: "s3:GetObject", Resource: "arn:aws-cn:s3:::bucket/k"})
	assert.Equal(t, policy.DecisionAllow, got.Decision, "the China root is exempt")
}
