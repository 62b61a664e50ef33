package gen_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy/internal/gen"
)

// TestPartitionsNeedADNSSuffix: the generation fails, naming the
// partition, when the partition data gives a partition no DNS suffix, or
// one that is not a domain name, instead of generating a table that builds
// host names ending in "." or in a URL; and the same for the dual-stack
// DNS suffix.
func TestPartitionsNeedADNSSuffix(t *testing.T) {
	for _, bad := range []string{`""`, `"https://amazonaws.com.cn"`, `"amazonaws.com.cn."`, `"cn"`} {
		dir := dataWithFile(t, "partitions.json", func(s string) string {
			return strings.Replace(s, `"dnsSuffix" : "amazonaws.com.cn"`, `"dnsSuffix" : `+bad, 1)
		})
		_, err := gen.Generate(dir)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "partition aws-cn: dnsSuffix", bad)
	}
	for _, bad := range []string{`""`, `"https://api.amazonwebservices.com.cn"`, `"cn"`} {
		dir := dataWithFile(t, "partitions.json", func(s string) string {
			return strings.Replace(s, `"dualStackDnsSuffix" : "api.amazonwebservices.com.cn"`, `"dualStackDnsSuffix" : `+bad, 1)
		})
		_, err := gen.Generate(dir)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "partition aws-cn: dualStackDnsSuffix", bad)
	}
}
