package analyzer_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/policy"
)

// TestValidateUnknownFindingTypeBlocks: a ValidatePolicy finding of a type
// this version does not know (one AWS adds later, or none) was passed on
// as a Severity no gate blocks on (Severity.Blocking is false for any but
// ERROR and SECURITY_WARNING), so a policy Access Analyzer flagged passed.
// It is now an ERROR whose message names the type it had; the four known
// types map as before.
func TestValidateUnknownFindingTypeBlocks(t *testing.T) {
	_, c := aafake.Start(t, &aafake.Options{ValidatePolicy: func(aafake.ValidateInput) []types.ValidatePolicyFinding {
		return []types.ValidatePolicyFinding{
			{FindingType: "CRITICAL", IssueCode: aws.String("NEW_CHECK"), FindingDetails: aws.String("grants too much")},
			{IssueCode: aws.String("NO_TYPE"), FindingDetails: aws.String("no type")},
			{FindingType: types.ValidatePolicyFindingTypeWarning, IssueCode: aws.String("KNOWN"), FindingDetails: aws.String("known")},
		}
	}})
	got, err := analyzer.Validate(t.Context(), c, sample, nil)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, policy.SeverityError, got[0].Severity)
	assert.True(t, got[0].Severity.Blocking())
	assert.Equal(t, `grants too much (Access Analyzer's finding type "CRITICAL", which this version does not know, is taken as ERROR)`, got[0].Message)
	assert.Equal(t, policy.SeverityError, got[1].Severity)
	assert.Contains(t, got[1].Message, `finding type ""`)
	assert.Equal(t, policy.SeverityWarning, got[2].Severity)
	assert.Equal(t, "known", got[2].Message)
}
