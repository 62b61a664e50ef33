package policy_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create the golden file")
	assert.Equal(t, string(want), string(got))
}

func indentStatement(t *testing.T, s policy.Statement) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, b, "", "  "))
	buf.WriteByte('\n')
	return buf.Bytes()
}

const (
	bucketB     = "amzn-s3-demo-bucket" // B in REFERENCE.md
	bucketL     = "amzn-s3-demo-logs"   // L in REFERENCE.md
	testAccount = "111122223333"
	testDistARN = "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"
)

// must returns a helper that fails t when a ready-made statement fails.
func must(t *testing.T) func(policy.Statement, error) policy.Statement {
	return func(s policy.Statement, err error) policy.Statement {
		t.Helper()
		require.NoError(t, err)
		return s
	}
}

// TestReadyMadeStatements checks every ready-made statement against its
// golden file and, where REFERENCE.md gives the exact statement, against it.
func TestReadyMadeStatements(t *testing.T) {
	tests := []struct {
		name  string
		stmt  func() (policy.Statement, error)
		sid   string
		exact string // from REFERENCE.md "Exact statements", bucket B
	}{
		{"DenyInsecureTransport", func() (policy.Statement, error) { return policy.DenyInsecureTransport(bucketB) }, policy.SidDenyInsecureTransport,
			`{"Sid": "S3SecureDenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
			  "Resource": ["arn:aws:s3:::B", "arn:aws:s3:::B/*"],
			  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`},
		{"DenyOutdatedTLS", func() (policy.Statement, error) { return policy.DenyOutdatedTLS(bucketB) }, policy.SidDenyOutdatedTLS,
			`{"Sid": "S3SecureDenyOutdatedTLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
			  "Resource": ["arn:aws:s3:::B", "arn:aws:s3:::B/*"],
			  "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}`},
		{"ServerAccessLogsDelivery", func() (policy.Statement, error) {
			return policy.ServerAccessLogsDelivery(bucketL, "logs/", bucketB, testAccount)
		}, policy.SidServerAccessLogsDelivery,
			`{"Sid": "S3SecureServerAccessLogsPolicy", "Effect": "Allow",
			  "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
			  "Resource": "arn:aws:s3:::L/logs/*",
			  "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::B"},
			                "StringEquals": {"aws:SourceAccount": "111122223333"}}}`},
		{"AllowCloudFrontOAC", func() (policy.Statement, error) { return policy.AllowCloudFrontOAC(bucketB, testDistARN) }, policy.SidAllowCloudFrontOAC,
			`{"Sid": "S3SecureAllowCloudFrontOAC", "Effect": "Allow",
			  "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
			  "Resource": "arn:aws:s3:::B/*",
			  "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}}`},
		{"AllowCloudFrontOAI", func() (policy.Statement, error) { return policy.AllowCloudFrontOAI(bucketB, "E2QWRUHEXAMPLE") }, policy.SidAllowCloudFrontOAI,
			`{"Sid": "S3SecureAllowCloudFrontOAI", "Effect": "Allow",
			  "Principal": {"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE"},
			  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::B/*"}`},
		{"DelegateToAccessPoints", func() (policy.Statement, error) { return policy.DelegateToAccessPoints(bucketB, testAccount) }, policy.SidDelegateToAccessPoints,
			`{"Sid": "S3SecureDelegateToAccessPoints", "Effect": "Allow", "Principal": {"AWS": "*"},
			  "Action": "*", "Resource": ["arn:aws:s3:::B", "arn:aws:s3:::B/*"],
			  "Condition": {"StringEquals": {"s3:DataAccessPointAccount": "111122223333"}}}`},
		{"DenyOutsideVPCEndpoint", func() (policy.Statement, error) { return policy.DenyOutsideVPCEndpoint(bucketB, "vpce-1a2b3c4d") }, policy.SidDenyOutsideVPCEndpoint, ""},
		{"DenyOutsideOrganization", func() (policy.Statement, error) { return policy.DenyOutsideOrganization(bucketB, "o-a1b2c3d4e5") }, policy.SidDenyOutsideOrganization, ""},
		{"RequireMFAForDeletes", func() (policy.Statement, error) { return policy.RequireMFAForDeletes(bucketB) }, policy.SidRequireMFAForDeletes, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := must(t)(tt.stmt())
			assert.Equal(t, tt.sid, s.Sid)
			assert.Regexp(t, `^S3Secure[A-Za-z0-9]+$`, s.Sid)
			golden(t, "statements/"+tt.name+".json", indentStatement(t, s))
			if tt.exact != "" {
				exact := strings.NewReplacer("arn:aws:s3:::B", "arn:aws:s3:::"+bucketB, "arn:aws:s3:::L/", "arn:aws:s3:::"+bucketL+"/").Replace(tt.exact)
				want := compact(t, []byte(exact))
				got, err := json.Marshal(s)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got))
			}
			// The statement parses back to an equal one.
			b, err := json.Marshal(s)
			require.NoError(t, err)
			back, err := policy.ParseStatement(b)
			require.NoError(t, err)
			assert.True(t, policy.Equivalent(s, back))
			assert.Equal(t, s.Sid, back.Sid)
		})
	}
}

func TestReadyMadeStatementsRefuseBadInput(t *testing.T) {
	tests := map[string]func() (policy.Statement, error){
		"empty bucket":    func() (policy.Statement, error) { return policy.DenyInsecureTransport("") },
		"wildcard bucket": func() (policy.Statement, error) { return policy.DenyOutdatedTLS("logs-*") },
		"slash in bucket": func() (policy.Statement, error) { return policy.RequireMFAForDeletes("a/b") },
		"variable bucket": func() (policy.Statement, error) { return policy.DenyInsecureTransport("${aws:username}") },
		"leading dash":    func() (policy.Statement, error) { return policy.DenyInsecureTransport("-abc") },
		"no distribution": func() (policy.Statement, error) { return policy.AllowCloudFrontOAC("b-1") },
		"bad distribution": func() (policy.Statement, error) {
			return policy.AllowCloudFrontOAC("b-1", "arn:aws:cloudfront::111122223333:distribution/*")
		},
		"bad OAI":       func() (policy.Statement, error) { return policy.AllowCloudFrontOAI("b-1", "E2 X") },
		"short account": func() (policy.Statement, error) { return policy.DelegateToAccessPoints("b-1", "1234") },
		"wildcard log prefix": func() (policy.Statement, error) {
			return policy.ServerAccessLogsDelivery("l-1", "logs/*", "b-1", testAccount)
		},
		"bad log account": func() (policy.Statement, error) { return policy.ServerAccessLogsDelivery("l-1", "logs/", "b-1", "x") },
		"bad source bucket": func() (policy.Statement, error) {
			return policy.ServerAccessLogsDelivery("l-1", "logs/", "b?", testAccount)
		},
		"no vpce":  func() (policy.Statement, error) { return policy.DenyOutsideVPCEndpoint("b-1") },
		"bad vpce": func() (policy.Statement, error) { return policy.DenyOutsideVPCEndpoint("b-1", "vpc-123") },
		"bad org":  func() (policy.Statement, error) { return policy.DenyOutsideOrganization("b-1", "org") },
		"variable in prefix": func() (policy.Statement, error) {
			return policy.ServerAccessLogsDelivery("l-1", "${aws:username}/", "b-1", testAccount)
		},
		"leading slash prefix": func() (policy.Statement, error) {
			return policy.ServerAccessLogsDelivery("l-1", "/logs", "b-1", testAccount)
		},
		"control char prefix": func() (policy.Statement, error) {
			return policy.ServerAccessLogsDelivery("l-1", "a\nb", "b-1", testAccount)
		},
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := f()
			assert.ErrorIs(t, err, policy.ErrInvalidArgument)
			if err != nil {
				assert.Regexp(t, `^policy: `, err.Error())
			}
		})
	}
	assert.NoError(t, policy.CheckBucketName("Legacy_Bucket.Name-1"))
	assert.NoError(t, policy.CheckKeyPrefix(""))
	assert.NoError(t, policy.CheckKeyPrefix("logs/2024/é/"))
}

func TestReadyMadeMultipleValues(t *testing.T) {
	s := must(t)(policy.AllowCloudFrontOAC("b-1", testDistARN, "arn:aws:cloudfront::111122223333:distribution/E2SECOND"))
	e, ok := s.Condition.Get("StringEquals", "aws:sourcearn")
	require.True(t, ok)
	assert.Equal(t, []string{testDistARN, "arn:aws:cloudfront::111122223333:distribution/E2SECOND"}, e.Strings())
	s = must(t)(policy.ServerAccessLogsDelivery("l-1", "", "b-1", testAccount))
	assert.Equal(t, policy.Values{"arn:aws:s3:::l-1/*"}, s.Resource)
}

func TestIsAccountID(t *testing.T) {
	for _, s := range []string{"111122223333", "000000000000", "999999999999"} {
		assert.True(t, policy.IsAccountID(s), s)
	}
	for _, s := range []string{"", "11112222333", "1111222233334", "11112222333a", "1111-2222-33", " 11122223333", "111122223333\n", "１11122223333", "*", "arn:aws:iam::111122223333:root"} {
		assert.False(t, policy.IsAccountID(s), "%q", s)
	}
}
