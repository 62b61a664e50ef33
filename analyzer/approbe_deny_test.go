package analyzer_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
)

// TestForeignAccessPointProbeBesideAccessPointDeny: a bucket delegates
// reads to the access points of another account (partner) and keeps a
// Deny of requests that do not come through the access points a pattern
// names (ArnNotLikeIfExists or StringNotLikeIfExists on
// s3:DataAccessPointArn, StringNotEqualsIfExists on
// s3:DataAccessPointAccount). When the pattern leaves some access point
// of partner (a wildcard account, or partner named), partner's access
// point, which Access Analyzer takes to allow everyone, lets everyone
// read: a public finding. The probe's access point was sampled from the
// Deny's pattern alone (arn:aws:s3:probe:probe:accesspoint/probe, an
// access point of account "probe"), which the delegation to partner does
// not let through: no finding. When the pattern names only the owner's
// access points, partner's are refused and nothing is public.
func TestForeignAccessPointProbeBesideAccessPointDeny(t *testing.T) {
	const allow = `{"Sid":"Delegate","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + partner + `"}}}`
	deny := func(op, key, values string) string {
		return `{"Sid":"OnlyAPs","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"` + op + `":{"` + key + `":` + values + `}}}`
	}
	for _, tc := range []struct {
		name   string
		deny   string
		public bool
	}{
		{"ArnNotLike any account", deny("ArnNotLikeIfExists", "s3:DataAccessPointArn", `"arn:aws:s3:*:*:accesspoint/*"`), true},
		{"ArnNotLike any account in us-east-1", deny("ArnNotLikeIfExists", "s3:DataAccessPointArn", `"arn:aws:s3:us-east-1:*:accesspoint/*"`), true},
		{"StringNotLike any account", deny("StringNotLikeIfExists", "s3:DataAccessPointArn", `"arn:aws:s3:*:*:accesspoint/*"`), true},
		{"ArnNotLike owner and partner", deny("ArnNotLikeIfExists", "s3:DataAccessPointArn", `["arn:aws:s3:*:`+owner+`:accesspoint/*","arn:aws:s3:*:`+partner+`:accesspoint/*"]`), true},
		{"ArnNotLike partner named", deny("ArnNotLikeIfExists", "s3:DataAccessPointArn", `"arn:aws:s3:*:`+partner+`:accesspoint/reports-*"`), true},
		{"ArnNotLike owner only", deny("ArnNotLikeIfExists", "s3:DataAccessPointArn", `"arn:aws:s3:*:`+owner+`:accesspoint/*"`), false},
		{"StringNotLike other account only", deny("StringNotLikeIfExists", "s3:DataAccessPointArn", `"arn:aws:s3:*:777788889999:accesspoint/*"`), false},
		{"account owner and partner", deny("StringNotEqualsIfExists", "s3:DataAccessPointAccount", `["`+owner+`","`+partner+`"]`), true},
		{"account owner only", deny("StringNotEqualsIfExists", "s3:DataAccessPointAccount", `"`+owner+`"`), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.Analyze(state(stmts(allow, tc.deny)), nil)
			require.NoError(t, err)
			public := false
			for _, f := range got {
				public = public || f.Public
			}
			assert.Equal(t, tc.public, public, "%+v", got)
		})
	}
}
