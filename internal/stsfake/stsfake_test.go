package stsfake_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/stsfake"
	"github.com/s3secure/s3secure/internal/testretry"
)

type directory map[string]s3fake.Principal

func (d directory) Principal(id string) (s3fake.Principal, bool) { p, ok := d[id]; return p, ok }

type key struct{ id, secret, token string }

var (
	root = key{"AKIASTSROOT000000001", "root/secret", ""}
	user = key{"AKIASTSUSER000000001", "user/secret", ""}
	role = key{"ASIASTSROLE000000001", "role/secret", "session-token"}
	lost = key{"AKIASTSLOST000000001", "lost/secret", ""} // accepted by the table, unknown to the directory
)

func start(t *testing.T) (*stsfake.Server, func(k key) *sts.Client) {
	t.Helper()
	creds := fakeutil.NewCredentials()
	for _, k := range []key{root, user, role, lost} {
		creds.Add(aws.Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret, SessionToken: k.token})
	}
	dir := directory{
		root.id: s3fake.RootPrincipal("111122223333"),
		user.id: s3fake.UserPrincipal("444455556666", "alice"),
		role.id: s3fake.RolePrincipal("777788889999", "auditor", "s3secure"),
	}
	s := stsfake.New(stsfake.Options{Credentials: creds, Directory: dir})
	hs := fakeutil.Serve(t, s)
	return s, func(k key) *sts.Client {
		return sts.New(sts.Options{Region: "eu-west-1", BaseEndpoint: aws.String(hs.URL),
			Credentials: credentials.NewStaticCredentialsProvider(k.id, k.secret, k.token),
			Retryer:     testretry.ClosedConn{}, HTTPClient: testretry.FreshConnClient()})
	}
}

func TestGetCallerIdentity(t *testing.T) {
	s, client := start(t)
	tests := []struct {
		name                 string
		key                  key
		account, arn, userID string
	}{
		{"root", root, "111122223333", "arn:aws:iam::111122223333:root", "111122223333"},
		{"user", user, "444455556666", "arn:aws:iam::444455556666:user/alice", stsfake.UserID(s3fake.UserPrincipal("444455556666", "alice"))},
		{"role", role, "777788889999", "arn:aws:sts::777788889999:assumed-role/auditor/s3secure", stsfake.UserID(s3fake.RolePrincipal("777788889999", "auditor", "s3secure"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := client(tt.key).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
			require.NoError(t, err)
			assert.Equal(t, tt.account, aws.ToString(out.Account))
			assert.Equal(t, tt.arn, aws.ToString(out.Arn))
			assert.Equal(t, tt.userID, aws.ToString(out.UserId))
		})
	}
	assert.Equal(t, 3, s.Count("GetCallerIdentity"))
}

func TestUserIDShapes(t *testing.T) {
	u := stsfake.UserID(s3fake.UserPrincipal("444455556666", "alice"))
	assert.Regexp(t, `^AIDA[A-Z2-7]{17}$`, u)
	assert.Equal(t, u, stsfake.UserID(s3fake.UserPrincipal("444455556666", "alice")), "stable")
	assert.NotEqual(t, u, stsfake.UserID(s3fake.UserPrincipal("444455556666", "bob")))
	assert.Regexp(t, `^AROA[A-Z2-7]{17}:night-run$`, stsfake.UserID(s3fake.RolePrincipal("444455556666", "auditor", "night-run")))
	assert.Equal(t, "", stsfake.UserID(s3fake.Principal{}), "anonymous has no user id")
}

func TestRefusals(t *testing.T) {
	s, client := start(t)
	code := func(err error) string { t.Helper(); require.Error(t, err); return fakeutil.ErrorCode(err) }

	_, err := client(key{root.id, "wrong", ""}).GetCallerIdentity(t.Context(), nil)
	assert.Equal(t, "SignatureDoesNotMatch", code(err))
	_, err = client(key{"AKIASTSNOBODY0000001", "x", ""}).GetCallerIdentity(t.Context(), nil)
	assert.Equal(t, "InvalidClientTokenId", code(err))
	_, err = client(key{role.id, role.secret, "other-token"}).GetCallerIdentity(t.Context(), nil)
	assert.Equal(t, "InvalidClientTokenId", code(err))
	_, err = client(lost).GetCallerIdentity(t.Context(), nil)
	assert.Equal(t, "InvalidClientTokenId", code(err), "a key nobody owns")

	s.SetFault("GetCallerIdentity", fakeutil.Fault{Status: 400, Code: "Throttling", Message: "Rate exceeded", Times: 1})
	_, err = client(root).GetCallerIdentity(t.Context(), nil)
	assert.Equal(t, "Throttling", code(err))
	_, err = client(root).GetCallerIdentity(t.Context(), nil)
	assert.NoError(t, err, "the fault was used up")
}

// TestWire checks what the SDK cannot show: unsigned requests and unknown
// actions get STS's error document.
func TestWire(t *testing.T) {
	creds := fakeutil.NewCredentials()
	hs := fakeutil.Serve(t, stsfake.New(stsfake.Options{Credentials: creds, Directory: directory{root.id: s3fake.RootPrincipal("111122223333")}}))
	resp, err := http.PostForm(hs.URL, url.Values{"Action": {"GetCallerIdentity"}, "Version": {stsfake.Version}})
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Contains(t, string(body), `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>`)

	creds.Add(aws.Credentials{AccessKeyID: root.id, SecretAccessKey: root.secret})

	// The query protocol also takes GET with the parameters in the query.
	get, err := http.NewRequestWithContext(t.Context(), http.MethodGet, hs.URL+"/?Action=GetCallerIdentity&Version="+stsfake.Version, nil)
	require.NoError(t, err)
	const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	require.NoError(t, v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: root.id, SecretAccessKey: root.secret}, get, emptySHA, "sts", "us-east-1", time.Now()))
	resp, err = http.DefaultClient.Do(get)
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), "<Account>111122223333</Account>")
	c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider(root.id, root.secret, ""), Retryer: testretry.ClosedConn{}})
	_, err = c.GetSessionToken(t.Context(), &sts.GetSessionTokenInput{})
	require.Error(t, err)
	assert.Equal(t, "InvalidAction", fakeutil.ErrorCode(err))
	assert.True(t, strings.Contains(err.Error(), "GetSessionToken"), err.Error())
}
