package analyzer_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/policy"
)

// Public access over either transport is public access: a grant that holds
// only over plain HTTP (Allow Principal "*" with Bool aws:SecureTransport
// false, or beside a Deny of TLS requests) lets everyone read the bucket
// as much as one over HTTPS does. The offline analysis probed with
// aws:SecureTransport true only, so it reported no finding for these. A
// bucket that refuses both transports still has none.
func TestAnalyzePublicOverEitherTransport(t *testing.T) {
	const (
		denyTLS   = `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`
		denyPlain = `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	)
	for _, tc := range []struct {
		name   string
		policy string
		acl    []policy.ACLGrant
		public bool
	}{
		{"grant over plain HTTP only", stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), nil, true},
		{"grant over plain HTTP only, IfExists", stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}`), nil, true},
		{"grant unless TLS", stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"aws:SecureTransport":"true"}}}`), nil, true},
		{"grant beside a deny of TLS", stmts(publicReadBkt, denyTLS), nil, true},
		{"grant over TLS beside the usual deny of plain HTTP", stmts(publicReadBkt, denyPlain), nil, true},
		{"public ACL beside a deny of TLS", stmts(denyTLS), []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: policy.ACLRead}}, true},
		{"grant denied over both", stmts(publicReadBkt, denyTLS, denyPlain), nil, false},
		{"public ACL denied over both", stmts(denyTLS, denyPlain), []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: policy.ACLRead}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := state(tc.policy)
			s.ACL = tc.acl
			fs, err := analyzer.Analyze(s, nil)
			require.NoError(t, err)
			public := false
			for _, f := range fs {
				public = public || f.Public
			}
			assert.Equal(t, tc.public, public, "%+v", fs)
		})
	}
}

// A bucket policy that delegates to another account's access points is
// public (its access point may allow everyone) over plain HTTP too.
func TestAnalyzeForeignAccessPointOverPlainHTTP(t *testing.T) {
	s := state(stmts(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"444455556666"}}}`,
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bkt/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`))
	fs, err := analyzer.Analyze(s, nil)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.True(t, fs[0].Public, "%+v", fs)
}
