package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3fake"
)

func TestAccessPointCreateLocal(t *testing.T) {
	role := "arn:aws:iam::" + s3fake.DefaultAccountID + ":role/app"
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "accesspoint", "create",
		"-bucket", "data", "-name", "app-ap", "-vpc", "vpc-0abc", "-principal", role, "-prefix", "in/", "-actions", "readwrite")
	require.Equal(t, exitOK, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 3, stdout)
	arn := "arn:aws:s3:" + s3fake.DefaultRegion + ":" + s3fake.DefaultAccountID + ":accesspoint/app-ap"
	alias := rows[0]["alias"]
	assert.True(t, strings.HasPrefix(alias, "app-ap-") && strings.HasSuffix(alias, "-s3alias"), alias)
	assert.Equal(t, map[string]string{"access_point": "app-ap", "arn": arn, "alias": alias, "bucket": "data", "account_id": s3fake.DefaultAccountID,
		"step": "access-point", "action": "create", "detail": arn + " on bucket data, network origin VPC vpc-0abc, Block Public Access all on"}, rows[0])
	assert.Equal(t, "update", rows[1]["action"])
	assert.Equal(t, "readwrite for "+role+", keys under in/", rows[1]["detail"])
	assert.Equal(t, "bucket-policy", rows[2]["step"])
	assert.Equal(t, "update", rows[2]["action"])
}

func TestAccessPointDryRunLocal(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "accesspoint", "create", "-bucket", "data", "-name", "app-ap", "-allow-internet", "-dry-run")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `access-point +create`, stdout)
	assert.Contains(t, stdout, "network origin Internet")
	assert.Regexp(t, `bucket-policy +update`, stdout)
	assert.NotContains(t, stdout, "alias", "nothing was created, so there is no alias yet")
}

func TestAccessPointUsageErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no subcommand", []string{"accesspoint"}, `give the subcommand first: s3secure accesspoint create -bucket B -name N`},
		{"unknown subcommand", []string{"accesspoint", "delete"}, `unknown subcommand "delete": the one subcommand is create`},
		{"bad account id", []string{"accesspoint", "create", "-bucket", "data", "-name", "app", "-vpc", "vpc-1", "-account-id", "12"}, `invalid value "12" for flag -account-id: "12" is not a 12-digit account id`},
		{"no bucket", []string{"accesspoint", "create", "-name", "app"}, "-bucket and -name are required"},
		{"vpc and internet", []string{"accesspoint", "create", "-bucket", "b", "-name", "app", "-vpc", "vpc-1", "-allow-internet"}, "cannot be used together"},
		{"bad actions", []string{"accesspoint", "create", "-bucket", "b", "-name", "app", "-vpc", "vpc-1", "-principal", "111122223333", "-actions", "admin"}, "-actions must be read, write or readwrite"},
		{"prefix without principal", []string{"accesspoint", "create", "-bucket", "b", "-name", "app", "-vpc", "vpc-1", "-prefix", "x/"}, "need -principal"},
		{"no origin", []string{"-local", "accesspoint", "create", "-bucket", "data", "-name", "app"}, "give -vpc, or -allow-internet"},
		{"bad name", []string{"-local", "accesspoint", "create", "-bucket", "data", "-name", "A", "-vpc", "vpc-1"}, "access point name"},
		{"extra argument", []string{"accesspoint", "create", "-bucket", "b", "-name", "app", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

// TestAccessPointInTheBucketsRegion: "accesspoint create" makes the access
// point in its bucket's Region ("The access point must be created in the
// same Region as the associated bucket", S3 user guide), found from S3,
// whatever -region says: with -region us-east-1 and the bucket in
// eu-west-1, the ARN names eu-west-1 and the access point is there.
func TestAccessPointInTheBucketsRegion(t *testing.T) {
	const region = "eu-west-1"
	a := startAWS(t, &localaws.Options{Region: region})
	require.NoError(t, a.CreateBucket("far-data", s3fake.StateAWSDefault))
	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "-format", "json", "accesspoint", "create",
		"-bucket", "far-data", "-name", "far-ap", "-vpc", "vpc-0abc")
	require.Equal(t, exitOK, code, stderr)
	rows := jsonRows(t, stdout)
	require.NotEmpty(t, rows, stdout)
	assert.Equal(t, "arn:aws:s3:"+region+":"+a.Control.AccountID()+":accesspoint/far-ap", rows[0]["arn"])
	assert.Len(t, a.Control.AccessPoints("far-data"), 1)
}
