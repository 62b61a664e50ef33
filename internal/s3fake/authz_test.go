package s3fake_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

func TestSimpleIsPublicPolicy(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		public bool
	}{
		{"star principal", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, true},
		{"AWS star", `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, true},
		{"AWS list with star", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`, true},
		{"deny star", `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`, false},
		{"fixed account", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`, false},
		{"service with condition", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/E1"}}}]}`, false},
		{"star with condition", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s3fake.SimpleIsPublicPolicy(tt.policy)
			require.NoError(t, err)
			assert.Equal(t, tt.public, got)
		})
	}
	_, err := s3fake.SimpleIsPublicPolicy("not json")
	assert.Error(t, err)
}

func TestPublicAccessBlockMerge(t *testing.T) {
	var none *s3fake.PublicAccessBlock
	bucket := &s3fake.PublicAccessBlock{BlockPublicAcls: true}
	account := &s3fake.PublicAccessBlock{RestrictPublicBuckets: true}
	assert.Equal(t, s3fake.PublicAccessBlock{}, none.Merge(nil))
	assert.Equal(t, s3fake.PublicAccessBlock{BlockPublicAcls: true, RestrictPublicBuckets: true}, bucket.Merge(account))
}

func TestPrincipalsAndRedaction(t *testing.T) {
	f := s3fake.Start(t, nil)
	u := f.AddUser("", "alice")
	assert.Equal(t, "arn:aws:iam::111122223333:user/alice", u.Principal.ARN)
	assert.Equal(t, s3fake.IAMUser, u.Principal.Type)
	assert.Equal(t, u.AccessKeyID, u.Principal.AccessKeyID)
	r := f.AddRole("444455556666", "reader", "sess")
	assert.Equal(t, "arn:aws:sts::444455556666:assumed-role/reader/sess", r.Principal.ARN)
	assert.NotEqual(t, u.AccessKeyID, r.AccessKeyID)
	for _, s := range []string{u.String(), r.GoString()} {
		assert.NotContains(t, s, u.SecretAccessKey)
		assert.NotContains(t, s, r.SecretAccessKey)
		assert.NotContains(t, s, r.SessionToken)
	}
	require.Error(t, f.AddCredential(s3fake.Credential{AccessKeyID: u.AccessKeyID, SecretAccessKey: "x", Principal: s3fake.RootPrincipal("1")}))
	require.Error(t, f.AddCredential(s3fake.Credential{AccessKeyID: "AKIANEW"}))
	require.NoError(t, f.AddCredential(s3fake.Credential{AccessKeyID: "AKIANEW", SecretAccessKey: "s", Principal: s3fake.UserPrincipal("111122223333", "bob")}))
	assert.Equal(t, "AssumedRole", s3fake.AssumedRole.String())
	assert.Len(t, s3fake.CanonicalUserID("111122223333"), 64)
}
