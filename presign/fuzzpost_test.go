package presign_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/presign"
)

// FuzzPostPolicy feeds arbitrary policies and form fields to VerifyPost.
// It must never panic, must return a result or a *VerifyError without the
// secret in it, and a form it accepts must carry a signature that does not
// verify under another secret. The policy argument is raw JSON; the form
// carries it base64-encoded, signed with the right key (so the policy
// parser and condition checks are reached), and extra is "name=value"
// lines added to the form. A form it accepts never has a bucket field that
// names another bucket. Seed corpus: testdata/fuzz/FuzzPostPolicy.
func FuzzPostPolicy(f *testing.F) {
	f.Add(`{"expiration":"2026-03-14T15:24:26.000Z","conditions":[{"bucket":"b-ok"},["starts-with","$key","u/"],["content-length-range",0,10],{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"AKIAS3SECURETEST0001/20260314/eu-west-1/s3/aws4_request"},{"x-amz-date":"20260314T150926Z"}]}`, "key=u/a", int64(5))
	f.Add(`{"expiration":"2026-03-14T15:24:26Z","conditions":[["eq","$bucket","b-ok"],["eq","$key","k"],["content-length-range","1","2"]]}`, "key=k\nacl=private", int64(1))
	f.Add(`{"expiration":1,"conditions":{}}`, "", int64(-1))
	f.Add(`{"conditions":[["starts-with","key",""],[1,2,3],{"a":"b","c":"d"}]}`, "key=x\nKEY=y", int64(0))

	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	lookup := lookupFor(creds)
	wrong := lookupFor(aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret + "x"})
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}
	f.Fuzz(func(t *testing.T, policyJSON, extra string, size int64) {
		policy := base64.StdEncoding.EncodeToString([]byte(policyJSON))
		form := map[string][]string{
			"policy":           {policy},
			"x-amz-algorithm":  {"AWS4-HMAC-SHA256"},
			"x-amz-credential": {testAKID + "/20260314/eu-west-1/s3/aws4_request"},
			"x-amz-date":       {"20260314T150926Z"},
			"x-amz-signature":  {presign.SignPolicy(testSecret, "20260314", "eu-west-1", policy)},
		}
		for line := range strings.SplitSeq(extra, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				form[k] = append(form[k], v)
			}
		}
		v, err := presign.VerifyPost("b-ok", form, size, lookup, opts)
		if err != nil {
			var ve *presign.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
			return
		}
		if v.Key == "" {
			t.Fatal("accepted a form without a key")
		}
		for k, vs := range form {
			if strings.EqualFold(k, "bucket") && vs[0] != "b-ok" {
				t.Fatalf("accepted a bucket field naming %q for bucket b-ok", vs[0])
			}
		}
		if _, err := presign.VerifyPost("b-ok", form, size, wrong, opts); !errors.Is(err, presign.ErrSignatureMismatch) {
			t.Fatalf("form verified under another secret too: %v", err)
		}
	})
}
