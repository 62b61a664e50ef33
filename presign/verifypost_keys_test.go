package presign_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyPostPolicyKeysAreCaseSensitive: a POST policy's "expiration"
// and "conditions" are read by their exact names, as S3 reads them. The
// oracle is Ceph's s3-tests, written against AWS: a policy spelling
// "EXPIRATION" (test_post_object_expires_is_case_sensitive) or
// "CONDITIONS" (test_post_object_condition_is_case_sensitive), or without
// a conditions list (test_post_object_missing_conditions_list), is refused
// with 400. VerifyPost decoded the document with encoding/json, which
// matches field names case-insensitively and keeps the last of two
// spellings, so it took "EXPIRATION" and "CONDITIONS" as the real ones,
// and a policy holding a strict "conditions" list followed by a loose
// "Conditions" list was checked against the loose one only: a form S3
// refuses (wrong key, no size limit) verified. Now the names must be exact
// and each may appear once (S3's choice between two is not documented, so
// neither is taken), and a condition object with a repeated field name is
// refused likewise.
func TestVerifyPostPolicyKeysAreCaseSensitive(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	signed := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	const date = "20260314T150000Z"
	const exp = `"2026-03-14T15:30:00Z"`
	fixed := signingConditions(date)
	strict := `[{"bucket":"b-ok"},{"key":"k"},["content-length-range",0,10],` + fixed + `]`
	loose := `[{"bucket":"b-ok"},["starts-with","$key",""],` + fixed + `]`
	verify := func(doc, key string, size int64) error {
		_, err := presign.VerifyPost("b-ok", handSignedPost(doc, date, key), size, lookupFor(creds), &presign.VerifyOptions{Now: func() time.Time { return signed.Add(time.Minute) }})
		return err
	}
	rows := []struct {
		name string
		doc  string
		key  string
		size int64 // 1000 unless given: over the strict list's range, which the loose one has not
		want error // nil: verifies
	}{
		{name: "exact names", doc: `{"expiration":` + exp + `,"conditions":` + strict + `}`, key: "k", size: 10},
		{name: "exact names, file over the range", doc: `{"expiration":` + exp + `,"conditions":` + strict + `}`, key: "k", want: presign.ErrPolicyViolation},
		{name: "EXPIRATION", doc: `{"EXPIRATION":` + exp + `,"conditions":` + strict + `}`, key: "k", size: 10, want: presign.ErrMalformed},
		{name: "CONDITIONS", doc: `{"expiration":` + exp + `,"CONDITIONS":` + loose + `}`, key: "other", want: presign.ErrMalformed},
		{name: "no conditions", doc: `{"expiration":` + exp + `}`, key: "k", want: presign.ErrMalformed},
		{name: "strict conditions then loose Conditions", doc: `{"expiration":` + exp + `,"conditions":` + strict + `,"Conditions":` + loose + `}`, key: "other", want: presign.ErrMalformed},
		{name: "conditions twice", doc: `{"expiration":` + exp + `,"conditions":` + strict + `,"conditions":` + loose + `}`, key: "other", want: presign.ErrMalformed},
		{name: "expiration twice", doc: `{"expiration":"2026-03-21T15:00:00Z","expiration":` + exp + `,"conditions":` + strict + `}`, key: "k", size: 10, want: presign.ErrMalformed},
		{name: "condition object repeats its field", doc: `{"expiration":` + exp + `,"conditions":[{"bucket":"b-ok"},{"key":"k","key":"other"},` + fixed + `]}`, key: "other", want: presign.ErrMalformed},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			size := tc.size
			if size == 0 {
				size = 1000
			}
			err := verify(tc.doc, tc.key, size)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			var ve *presign.VerifyError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, http.StatusBadRequest, ve.HTTPStatus())
		})
	}
}
