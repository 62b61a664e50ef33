package usage_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/usage"
)

// Identity policies read through IAM (inline and attached, for the users
// and roles the logs show) are compared like the ones given as documents.
func TestSuggestReadsIdentityPoliciesThroughIAM(t *testing.T) {
	srv, client := iamfake.Start(t)
	require.Equal(t, owner, iamfake.DefaultAccount)
	srv.PutRolePolicy("etl", "data", `{"Version":"2012-10-17","Statement":[{"Sid":"Data","Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::data-bucket/data/*"}]}`)
	srv.AttachRolePolicy("etl", srv.CreatePolicy("list", `{"Version":"2012-10-17","Statement":[{"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket"}]}`))
	srv.PutUserPolicy("alice", "all", `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)

	log := logOf(
		entry{now.Add(-time.Hour), "", etlSession1, "REST.GET.OBJECT", "data/a", "GET /data-bucket/data/a HTTP/1.1", 200},
		entry{now.Add(-time.Hour), "", alice, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
		entry{now.Add(-time.Hour), "", bob, "REST.GET.OBJECT", "reports/q1.csv", "GET /data-bucket/reports/q1.csv HTTP/1.1", 200},
	)
	rep := suggest(t, log, usage.Input{IAM: client}, nil)
	unused := map[string][]string{}
	for _, u := range rep.Unused {
		unused[u.Sid] = u.Actions
	}
	assert.Equal(t, []string{"s3:DeleteObject"}, unused["Data"], "the role's inline policy")
	assert.Equal(t, []string{"s3:ListBucket"}, unused["List"], "its attached managed policy")
	assert.Contains(t, unused["All"], "s3:PutObject")
	assert.NotContains(t, unused["All"], "s3:GetObject")
	for _, a := range rep.Added {
		assert.Equal(t, bob, a.Principal, "etl and alice are granted by what IAM holds; bob (no policy in IAM) is not")
	}
	assert.Equal(t, 2, srv.Calls("ListUserPolicies"), "alice's and bob's policies are listed once each; IAM has no bob (NoSuchEntity), who is skipped")

	srv.Deny("GetRolePolicy")
	in := usage.Input{IAM: client, BucketOwner: owner, ServerAccessLogs: []usage.Source{stringSource("l", log)}}
	_, err := usage.Suggest(t.Context(), "data-bucket", in, &usage.Options{Now: now})
	var ue *usage.Error
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, etlRole, ue.Resource)
}
