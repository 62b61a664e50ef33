package cloudfront_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// keysAndGroups lists every public key ID and every key group (ID and
// trusted keys) the fake holds.
func keysAndGroups(t *testing.T, e *env) (keys []string, groups map[string][]string) {
	t.Helper()
	pk, err := e.cfc.ListPublicKeys(t.Context(), &cfsdk.ListPublicKeysInput{})
	require.NoError(t, err)
	for _, k := range pk.PublicKeyList.Items {
		keys = append(keys, aws.ToString(k.Id))
	}
	kg, err := e.cfc.ListKeyGroups(t.Context(), &cfsdk.ListKeyGroupsInput{})
	require.NoError(t, err)
	groups = map[string][]string{}
	for _, g := range kg.KeyGroupList.Items {
		groups[aws.ToString(g.KeyGroup.Id)] = g.KeyGroup.KeyGroupConfig.Items
	}
	return keys, groups
}

func actionChanges(acts []cloudfront.Action) []string {
	var out []string
	for _, a := range acts {
		out = append(out, a.Step+":"+string(a.Change))
	}
	return out
}

// A CreatePublicKey whose response is lost is sent again by the SDK's
// retryer, and CloudFront refuses the repeat: the API reference promises
// no replay answer for it, its CallerReference being "a string included
// in the request to help make sure that the request can't be replayed"
// (PublicKeyConfig), and answers PublicKeyAlreadyExists ("The specified
// public key already exists."). CreateKeyGroup returned that error with
// the key uploaded and no key group; it now finds the key by name, checks
// it carries its CallerReference and exactly its key, and goes on.
func TestCreateKeyGroupPublicKeyResponseLost(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	cfc, lose := lossyClient(e.cf, "public-key")
	kg, err := cloudfront.CreateKeyGroup(t.Context(), cfc, "media-signers", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	sent, lost := lose.counts()
	require.Equal(t, 1, lost, "the first upload's response was lost")
	require.Equal(t, 2, sent, "and the SDK sent it again")
	keys, groups := keysAndGroups(t, e)
	assert.Equal(t, []string{kg.PublicKeyID}, keys, "one public key")
	assert.Equal(t, map[string][]string{kg.KeyGroupID: {kg.PublicKeyID}}, groups, "one key group, trusting it")
	assert.Equal(t, []string{"public-key:none", "key-group:create"}, actionChanges(kg.Actions))
	assert.Contains(t, kg.Actions[0].Detail, "PublicKeyAlreadyExists")
}

// The same for CreateKeyGroup: key group names are unique ("A key group
// with this name already exists. You must provide a unique name.",
// KeyGroupAlreadyExists), so the resent create is refused; the group of
// the name is used when it trusts exactly the uploaded key.
func TestCreateKeyGroupResponseLost(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	cfc, lose := lossyClient(e.cf, "key-group")
	kg, err := cloudfront.CreateKeyGroup(t.Context(), cfc, "media-signers", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	sent, lost := lose.counts()
	require.Equal(t, 1, lost)
	require.Equal(t, 2, sent)
	keys, groups := keysAndGroups(t, e)
	assert.Equal(t, []string{kg.PublicKeyID}, keys)
	assert.Equal(t, map[string][]string{kg.KeyGroupID: {kg.PublicKeyID}}, groups)
	assert.Equal(t, []string{"public-key:create", "key-group:none"}, actionChanges(kg.Actions))
	assert.Contains(t, kg.Actions[1].Detail, "KeyGroupAlreadyExists")
}

// TestCreateKeyGroupRunAgain: a second call with the same name and key
// makes nothing and answers the same IDs.
func TestCreateKeyGroupRunAgain(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	first, err := cloudfront.CreateKeyGroup(t.Context(), e.cfc, "media-signers", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	assert.Equal(t, []string{"public-key:create", "key-group:create"}, actionChanges(first.Actions))
	again, err := cloudfront.CreateKeyGroup(t.Context(), e.cfc, "media-signers", &rsaKey(t).PublicKey)
	require.NoError(t, err)
	assert.Equal(t, first.PublicKeyID, again.PublicKeyID)
	assert.Equal(t, first.KeyGroupID, again.KeyGroupID)
	assert.Equal(t, []string{"public-key:none", "key-group:none"}, actionChanges(again.Actions))
	keys, groups := keysAndGroups(t, e)
	assert.Len(t, keys, 1)
	assert.Len(t, groups, 1)
}

func otherKeyPEM(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func ourKeyPEM(t *testing.T) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&rsaKey(t).PublicKey)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// TestCreateKeyGroupNeverAdoptsWhatIsNotOurs: a public key or key group of
// the name that is not provably what this call asked for stays
// CloudFront's error, and nothing of it is used: a key of the name
// holding another key, or our key uploaded under another CallerReference;
// a group of the name trusting another key, or ours and another; an
// AlreadyExists answer with nothing of the name to be found.
func TestCreateKeyGroupNeverAdoptsWhatIsNotOurs(t *testing.T) {
	const name = "media-signers"
	upload := func(t *testing.T, e *env, keyName, ref, encoded string) string {
		t.Helper()
		out, err := e.cfc.CreatePublicKey(t.Context(), &cfsdk.CreatePublicKeyInput{PublicKeyConfig: &types.PublicKeyConfig{
			CallerReference: aws.String(ref), Name: aws.String(keyName), EncodedKey: aws.String(encoded),
		}})
		require.NoError(t, err)
		return aws.ToString(out.PublicKey.Id)
	}
	group := func(t *testing.T, e *env, keys ...string) string {
		t.Helper()
		out, err := e.cfc.CreateKeyGroup(t.Context(), &cfsdk.CreateKeyGroupInput{KeyGroupConfig: &types.KeyGroupConfig{Name: aws.String(name), Items: keys}})
		require.NoError(t, err)
		return aws.ToString(out.KeyGroup.Id)
	}
	publicKeyCases := []struct {
		name   string
		setup  func(t *testing.T, e *env)
		reason string
	}{
		{"a key of the name holds another key", func(t *testing.T, e *env) {
			_, other := otherKeyPEM(t)
			upload(t, e, name, cloudfront.DefaultCallerReferencePrefix+"key-"+name, other)
		}, "holds another key than the one given: not adopted"},
		{"our key under another CallerReference", func(t *testing.T, e *env) {
			upload(t, e, name, "uploaded-by-hand", ourKeyPEM(t))
		}, `was uploaded with CallerReference "uploaded-by-hand"`},
		{"nothing of the name", func(t *testing.T, e *env) {
			e.cf.InjectFault("CreatePublicKey", cffake.Fault{Status: http.StatusConflict, Code: "PublicKeyAlreadyExists", Times: 1})
		}, "no public key is called " + name},
	}
	for _, tc := range publicKeyCases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			tc.setup(t, e)
			keysBefore, _ := keysAndGroups(t, e)
			kg, err := cloudfront.CreateKeyGroup(t.Context(), e.cfc, name, &rsaKey(t).PublicKey)
			assert.Nil(t, kg)
			var exists *types.PublicKeyAlreadyExists
			require.ErrorAs(t, err, &exists, "CloudFront's error is kept")
			assert.Contains(t, err.Error(), tc.reason)
			keys, groups := keysAndGroups(t, e)
			assert.Equal(t, keysBefore, keys)
			assert.Empty(t, groups, "no key group trusts it")
			assert.Equal(t, 0, e.cf.Count("CreateKeyGroup"))
		})
	}

	groupCases := []struct {
		name   string
		setup  func(t *testing.T, e *env) string // the existing group's ID, or ""
		reason string
	}{
		{"a group of the name trusts another key", func(t *testing.T, e *env) string {
			_, other := otherKeyPEM(t)
			return group(t, e, upload(t, e, "other", "other", other))
		}, "not exactly"},
		{"a group of the name trusts ours and another", func(t *testing.T, e *env) string {
			// Our key is uploaded as CreateKeyGroup would, so the call
			// adopts it and meets the group.
			ours := upload(t, e, name, cloudfront.DefaultCallerReferencePrefix+"key-"+name, ourKeyPEM(t))
			_, other := otherKeyPEM(t)
			return group(t, e, ours, upload(t, e, "other", "other", other))
		}, "not exactly"},
		{"no group of the name", func(t *testing.T, e *env) string {
			e.cf.InjectFault("CreateKeyGroup", cffake.Fault{Status: http.StatusConflict, Code: "KeyGroupAlreadyExists", Times: 1})
			return ""
		}, "no key group is called " + name},
	}
	for _, tc := range groupCases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			existing := tc.setup(t, e)
			_, groupsBefore := keysAndGroups(t, e)
			kg, err := cloudfront.CreateKeyGroup(t.Context(), e.cfc, name, &rsaKey(t).PublicKey)
			assert.Nil(t, kg)
			var exists *types.KeyGroupAlreadyExists
			require.ErrorAs(t, err, &exists, "CloudFront's error is kept")
			assert.Contains(t, err.Error(), tc.reason)
			if existing != "" {
				assert.Contains(t, err.Error(), "key group "+existing)
			}
			_, groups := keysAndGroups(t, e)
			assert.Equal(t, groupsBefore, groups, "no group made or changed")
		})
	}
}
