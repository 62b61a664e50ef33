package cloudfront

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// orgPolicy is a bucket policy with a CloudFront statement for n
// organizations (allow) beside a data perimeter Deny of buckets outside n
// others, the shape whose contexts multiply (bucketContexts).
func orgPolicy(t *testing.T, n int, allowCondition string) *policy.Document {
	t.Helper()
	var src, res []string
	for i := range n {
		src = append(src, fmt.Sprintf(`"o-a%08d"`, i))
		res = append(res, fmt.Sprintf(`"o-b%08d"`, i))
	}
	cond := strings.ReplaceAll(allowCondition, "SOURCES", strings.Join(src, ","))
	d, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
{"Sid":"A","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":` + cond + `},
{"Sid":"D","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:ResourceOrgID":[` + strings.Join(res, ",") + `]}}}]}`))
	require.NoError(t, err)
	return d
}

// The probe asks each request in at most maxBucketContexts contexts: a
// policy naming 150 organizations for CloudFront and 150 for the bucket
// has 22,801 (seconds per call, minutes for a 20 KB policy). Past the
// bound a statement that lets distributions it does not name in, once
// its organization conditions are set aside, is still reported, and one
// scoped to a named distribution is not.
func TestProbeContextsAreBounded(t *testing.T) {
	orgsOnly := `{"StringEquals":{"aws:SourceOrgID":[SOURCES]}}`
	p, err := newCloudFrontProbe(orgPolicy(t, 150, orgsOnly), "b", "us-east-1", "aws", "")
	require.NoError(t, err)
	assert.Len(t, p.bucketCtx, maxBucketContexts)
	assert.Equal(t, 151*151, p.contexts)

	found, err := unscopedCloudFrontAccess(orgPolicy(t, 150, orgsOnly), "b", "us-east-1", "aws", "", []string{"111122223333"})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.True(t, strings.HasPrefix(found[0], `"A" (maybe: the policy names 22801 combinations`), found[0])

	// Under the bound every context is asked: the same shape with three
	// organizations is found for certain.
	found, err = unscopedCloudFrontAccess(orgPolicy(t, 3, orgsOnly), "b", "us-east-1", "aws", "", []string{"111122223333"})
	require.NoError(t, err)
	assert.Equal(t, []string{`"A"`}, found)

	// A statement scoped to one distribution is no way in, bound or not.
	scoped := `{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE","aws:SourceOrgID":[SOURCES]}}`
	found, err = unscopedCloudFrontAccess(orgPolicy(t, 150, scoped), "b", "us-east-1", "aws", "", []string{"111122223333"})
	require.NoError(t, err)
	assert.Empty(t, found)

	warnings, err := namedWaysIn(orgPolicy(t, 150, scoped), "b", "arn:aws:cloudfront::111122223333:distribution/EOTHER", "us-east-1", "", []string{"111122223333"})
	require.NoError(t, err)
	assert.Contains(t, strings.Join(warnings, "\n"), "22801 combinations")
}
