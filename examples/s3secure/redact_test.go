package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFailRedactsSecrets(t *testing.T) {
	tests := []struct{ name, in, secret string }{
		{"presigned GET", `Get "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=FQoGsessiontok&X-Amz-Signature=deadbeef01": dial tcp: refused`, "deadbeef01"},
		{"token", `https://b/k?X-Amz-Security-Token=FQoGsessiontok&x=1`, "FQoGsessiontok"},
		{"escaped names", `https://b/k?X%2DAmz%2DSignature=cafe0123`, "cafe0123"},
		{"cloudfront", `https://d111.cloudfront.net/a?Expires=1&Signature=Zm9vYmFy~&Key-Pair-Id=K2`, "Zm9vYmFy~"},
		{"env", `AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG`, "wJalrXUtnFEMI/K7MDENG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			g := &globals{stderr: &stderr}
			assert.Equal(t, exitUsage, g.fail(errors.New(tt.in)))
			assert.NotContains(t, stderr.String(), tt.secret)
			assert.Contains(t, stderr.String(), "REDACTED")
		})
	}
	var stderr bytes.Buffer
	(&globals{stderr: &stderr}).fail(errors.New("presign: -bucket and -key are required"))
	assert.Equal(t, "s3secure: presign: -bucket and -key are required\n", stderr.String(), "other messages pass unchanged")
}
