package analyzer_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/policy"
)

// A public grant on media/* beside a Deny of some keys (media/s*,
// media/*s*) still lets everyone read media/photo.jpg. The offline
// analysis reported no finding: its probe keys ("s3secure-probe",
// "s3secure-any") start with an s, so the Deny covered every probe. A Deny
// that covers every key (media/*, media/?*) still leaves nothing public.
func TestAnalyzeDenyOfSomeKeysLeavesTheRestPublic(t *testing.T) {
	const allow = `{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::media/*"}`
	for _, tc := range []struct {
		deny   string
		public bool
	}{
		{`"arn:aws:s3:::media/s*"`, true},
		{`"arn:aws:s3:::media/*s*"`, true},
		{`["arn:aws:s3:::media/*3*","arn:aws:s3:::media/*-*"]`, true},
		{`"arn:aws:s3:::media/*"`, false},
		{`"arn:aws:s3:::media/?*"`, false},
	} {
		doc := `{"Version":"2012-10-17","Statement":[` + allow + `,{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + tc.deny + `}]}`
		fs, err := analyzer.Analyze(&analyzer.BucketState{Name: "media", Owner: "111122223333", Policy: doc}, nil)
		require.NoError(t, err)
		public := false
		for _, f := range fs {
			public = public || f.Public
		}
		assert.Equal(t, tc.public, public, "deny %s: %+v", tc.deny, fs)
	}
	// The bucket ACL's public write is found the same way.
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::media/s*"}]}`
	fs, err := analyzer.Analyze(&analyzer.BucketState{Name: "media", Owner: "111122223333", Policy: doc,
		ACL: []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: policy.ACLWrite}}}, nil)
	require.NoError(t, err)
	var actions []string
	for _, f := range fs {
		actions = append(actions, f.Actions...)
	}
	assert.Contains(t, actions, "s3:PutObject", "%+v", fs)
}
