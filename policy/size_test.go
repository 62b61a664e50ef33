package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// largePolicy returns a bucket policy of about n bytes (pretty-printed, so
// its minified form is smaller) with a mix of every shape.
func largePolicy(tb testing.TB, minified int) []byte {
	tb.Helper()
	var b strings.Builder
	b.WriteString("{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"Large\",\n  \"Statement\": [\n")
	for i := 0; ; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `    {"Sid": "Read%d", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/reader-%d", "444455556666"]}, "Action": ["s3:GetObject", "s3:GetObjectVersion"], "Resource": "arn:aws:s3:::large/team-%d/*"}`, i, i, i)
		case 1:
			fmt.Fprintf(&b, `    {"Sid": "List%d", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader-%d"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::large", "Condition": {"StringLike": {"s3:prefix": ["team-%d/", "team-%d/*"]}}}`, i, i, i, i)
		case 2:
			fmt.Fprintf(&b, `    {"Sid": "DenyTLS%d", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::large", "arn:aws:s3:::large/*"], "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:TlsVersion": 1.2}}}`, i)
		case 3:
			fmt.Fprintf(&b, `    {"Sid": "Vpce%d", "Effect": "Deny", "NotPrincipal": {"Service": "cloudfront.amazonaws.com"}, "NotAction": "s3:GetObject", "Resource": "arn:aws:s3:::large/ünïcødé-%d/*", "Condition": {"StringNotEquals": {"aws:SourceVpce": ["vpce-%08d", "vpce-ffff%04d"]}, "IpAddress": {"aws:SourceIp": "203.0.113.%d/32"}}}`, i, i, i, i, i%256)
		}
		if len(compact(tb, []byte(b.String()+"]}"))) >= minified-400 {
			break
		}
	}
	b.WriteString("\n  ]\n}\n")
	return []byte(b.String())
}

func TestRoundTripLarge(t *testing.T) {
	src := largePolicy(t, policy.BucketPolicyMaxBytes)
	want := compact(t, src)
	require.Greater(t, len(want), 19000)
	require.LessOrEqual(t, len(want), policy.BucketPolicyMaxBytes)
	doc, err := policy.Parse(src)
	require.NoError(t, err)
	got, err := doc.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	n, err := doc.Size(policy.KindBucket)
	require.NoError(t, err)
	assert.Equal(t, len(want), n)
	assert.NoError(t, doc.CheckSize(policy.KindBucket))
	assert.NoError(t, doc.CheckSize(policy.KindAccessPoint))
}

func TestCheckSize(t *testing.T) {
	// A document whose minified size is exactly n bytes: {"Id":"xxx…","Statement":[]}.
	docOfBytes := func(n int) *policy.Document {
		overhead := len(`{"Id":"","Statement":[]}`)
		return &policy.Document{ID: strings.Repeat("x", n-overhead)}
	}
	for _, tt := range []struct {
		kind  policy.Kind
		limit int
	}{
		{policy.KindBucket, 20480},
		{policy.KindAccessPoint, 20480},
		{policy.KindManaged, 6144},
		{policy.KindInlineUser, 2048},
		{policy.KindInlineRole, 10240},
		{policy.KindInlineGroup, 5120},
	} {
		t.Run(tt.kind.String(), func(t *testing.T) {
			assert.Equal(t, tt.limit, tt.kind.Limit())
			assert.NoError(t, docOfBytes(tt.limit).CheckSize(tt.kind))
			err := docOfBytes(tt.limit + 1).CheckSize(tt.kind)
			require.ErrorIs(t, err, policy.ErrPolicyTooLarge)
			var se *policy.SizeError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.kind, se.Kind)
			assert.Equal(t, tt.limit+1, se.Size)
			assert.Equal(t, tt.limit, se.Limit)
			assert.Contains(t, err.Error(), "policy: "+tt.kind.String()+" is")
		})
	}

	// IAM counts characters, not bytes, and not whitespace (even inside
	// strings); S3 counts bytes.
	doc := &policy.Document{ID: "é é"}
	b, err := doc.Size(policy.KindBucket)
	require.NoError(t, err)
	c, err := doc.Size(policy.KindManaged)
	require.NoError(t, err)
	assert.Equal(t, len(`{"Id":"é é","Statement":[]}`), b)
	assert.Equal(t, len(`{"Id":"ee","Statement":[]}`), c)

	err = doc.CheckSize(policy.Kind(0))
	assert.ErrorIs(t, err, policy.ErrInvalidValue)
	bad := &policy.Document{ID: "\xff"}
	assert.ErrorIs(t, bad.CheckSize(policy.KindBucket), policy.ErrInvalidValue)
}
