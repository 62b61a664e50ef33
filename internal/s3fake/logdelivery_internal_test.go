package s3fake

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAllowsLogDeliveryMatchesActions: the logging service's grant on the
// target bucket is read with IAM's action matching (policy.MatchAction):
// a wildcard that covers s3:PutObject grants it, in any letter case, and one
// that does not, does not.
func TestAllowsLogDeliveryMatchesActions(t *testing.T) {
	for action, want := range map[string]bool{
		`"s3:PutObject"`:                   true,
		`"S3:PUTOBJECT"`:                   true,
		`"s3:Put*"`:                        true,
		`"s3:*Object"`:                     true,
		`"s3:*"`:                           true,
		`"*"`:                              true,
		`["s3:GetObject","s3:PutObj*"]`:    true,
		`"s3:PutObjectAcl"`:                false,
		`"s3:Get*"`:                        false,
		`["s3:GetObject","s3:ListBucket"]`: false,
	} {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},` +
			`"Action":` + action + `,"Resource":"arn:aws:s3:::logs/b/*"}]}`
		assert.Equal(t, want, allowsLogDelivery(doc, "aws", "logs", "b/"), action)
	}
}
