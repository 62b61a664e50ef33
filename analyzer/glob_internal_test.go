package analyzer

import "testing"

func TestGlobFold(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"s3:*", "s3:GetObject", true},
		{"S3:get*", "s3:GetObject", true},
		{"s3:Get*Acl", "s3:GetBucketAcl", true},
		{"s3:Get*Acl", "s3:GetObject", false},
		{"s3:?etObject", "s3:GetObject", true},
		{"*", "s3:ListBucket", true},
		{"s3:List", "s3:ListBucket", false},
		{"s3:*Object", "s3:GetObjectAcl", false},
		{"", "", true},
		{"*", "", true},
		{"?", "", false},
	} {
		if got := globFold(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globFold(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
