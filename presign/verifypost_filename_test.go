package presign_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyPostSubstitutesFilename: S3 replaces ${filename} in the key
// field with the uploaded file's name before it checks the policy's
// conditions. The oracle is Ceph's s3-tests, written against AWS:
// test_post_object_set_key_from_filename posts the key "${filename}" under
// ["starts-with", "$key", "foo"] with a file named foo.txt and expects 204
// and an object foo.txt. VerifyPost checked the key field as sent, so it
// refused that form, and it accepted a policy pinning the key
// {"key": "up/${filename}"} for any file name, which S3 refuses (it
// compares "up/<name>" with "up/${filename}"), so a server substituting
// after VerifyPost wrote keys the signer never allowed. With
// VerifyOptions.Filename set, VerifyPost substitutes first, as S3 does, and
// VerifiedPost.Key is the key S3 would write.
func TestVerifyPostSubstitutesFilename(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	const date = "20260314T150926Z"
	fixed := signingConditions(date)
	doc := func(keyCondition string) string {
		return `{"expiration":"2026-03-14T15:24:26Z","conditions":[{"bucket":"b-ok"},` + keyCondition + `,` + fixed + `]}`
	}
	rows := []struct {
		name, keyCondition, key, filename, wantKey string
		want                                       error
	}{
		{name: "s3-tests set_key_from_filename", keyCondition: `["starts-with","$key","foo"]`, key: "${filename}", filename: "foo.txt", wantKey: "foo.txt"},
		{name: "file name outside the prefix", keyCondition: `["starts-with","$key","foo"]`, key: "${filename}", filename: "bar.txt", want: presign.ErrPolicyViolation},
		{name: "prefix form", keyCondition: `["starts-with","$key","up/"]`, key: "up/${filename}", filename: "a.png", wantKey: "up/a.png"},
		{name: "pinned key holding ${filename}", keyCondition: `{"key":"up/${filename}"}`, key: "up/${filename}", filename: "a.png", want: presign.ErrPolicyViolation},
		{name: "pinned key, file name not given", keyCondition: `{"key":"up/${filename}"}`, key: "up/${filename}", wantKey: "up/${filename}"},
		{name: "every occurrence", keyCondition: `["starts-with","$key","up/"]`, key: "up/${filename}/${filename}", filename: "a", wantKey: "up/a/a"},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			v, err := presign.VerifyPost("b-ok", handSignedPost(doc(tc.keyCondition), date, tc.key), 1, lookupFor(creds),
				&presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }, Filename: tc.filename})
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantKey, v.Key)
			assert.Equal(t, tc.wantKey, v.Fields["key"])
		})
	}
}
