package iac_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// Past its evaluation budget a template's values were read as values
// known only at deployment, without a word: a public statement past it
// (its Principal "*" read as an unknown principal) passed lint. What is
// past the budget is now one Unknown policy, reported as
// policy.CodeUnknownPolicy (ERROR), and nothing past it is checked as
// placeholders.
func TestCloudFormationBudgetIsReported(t *testing.T) {
	var b strings.Builder
	b.WriteString("Resources:\n")
	for i := range 14_000 {
		fmt.Fprintf(&b, "  P%d: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: s3:GetObject, Resource: '*'}]}}}\n", i)
	}
	b.WriteString("  Public:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: my-bucket\n" +
		"      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: 'arn:aws:s3:::my-bucket/*'}]}\n")
	require.Less(t, b.Len(), 4<<20, "a template lint reads")
	ps, err := iac.CloudFormation([]byte(b.String()))
	require.NoError(t, err)
	var unknown []policy.Finding
	for _, p := range ps {
		for _, f := range p.Validate(nil) {
			if !assert.Equal(t, policy.CodeUnknownPolicy, f.Code, "%s: %s", p.Resource, f.Message) {
				return
			}
			unknown = append(unknown, f)
		}
	}
	require.Len(t, unknown, 1, "%v", unknown[:min(len(unknown), 3)])
	assert.Contains(t, unknown[0].Message, "too large")
	assert.Equal(t, policy.SeverityError, unknown[0].Severity)
}
