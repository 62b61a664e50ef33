package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// PartitionsFile is the name of the generated partition table in package
// policy.
const PartitionsFile = "partitions_gen.go"

// partitionsData is AWS's partition data as the aws-sdk-go-v2 module ships it
// (internal/endpoints/awsrulesfn/partitions.json), copied unmodified.
const partitionsData = "partitions.json"

// SDKPartitionsPath is where partitionsData lies inside the aws-sdk-go-v2
// module, for the test that compares the copy with the module's.
const SDKPartitionsPath = "internal/endpoints/awsrulesfn/partitions.json"

// dnsSuffixRe is a lower-case domain name of two labels or more, the shape
// of every dnsSuffix in the data ("amazonaws.com", "c2s.ic.gov").
var dnsSuffixRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$`)

type partitionsJSON struct {
	Version    string `json:"version"`
	Partitions []struct {
		ID          string                     `json:"id"`
		RegionRegex string                     `json:"regionRegex"`
		Regions     map[string]json.RawMessage `json:"regions"`
		Outputs     struct {
			Name               string `json:"name"`
			DNSSuffix          string `json:"dnsSuffix"`
			DualStackDNSSuffix string `json:"dualStackDnsSuffix"`
		} `json:"outputs"`
	} `json:"partitions"`
}

// generatePartitions writes the partition table: each partition's id, its
// DNS suffix (outputs.dnsSuffix: "amazonaws.com.cn" for aws-cn) and
// dual-stack DNS suffix (outputs.dualStackDnsSuffix:
// "api.amazonwebservices.com.cn"), its
// regionRegex and its known Regions, in the data's order (the order the
// SDK tries the regular expressions in).
func generatePartitions(dataDir string) ([]byte, error) {
	var in partitionsJSON
	if err := readJSON(filepath.Join(dataDir, partitionsData), &in); err != nil {
		return nil, err
	}
	if len(in.Partitions) == 0 {
		return nil, fmt.Errorf("gen: %s: no partitions", partitionsData)
	}
	owner := map[string]string{}
	var b bytes.Buffer
	b.WriteString(generatedHeader)
	b.WriteString("package policy\n\nimport \"regexp\"\n\n")
	fmt.Fprintf(&b, "// partitionTable holds the %d AWS partitions of aws-sdk-go-v2's\n// partitions.json (version %s), in its order.\n", len(in.Partitions), in.Version)
	b.WriteString("var partitionTable = []partitionEntry{\n")
	for _, p := range in.Partitions {
		if p.ID == "" || p.Outputs.Name != p.ID {
			return nil, fmt.Errorf("gen: %s: partition %q named %q", partitionsData, p.ID, p.Outputs.Name)
		}
		if _, dup := owner[p.ID]; dup {
			return nil, fmt.Errorf("gen: %s: duplicate partition %s", partitionsData, p.ID)
		}
		owner[p.ID] = ""
		if !dnsSuffixRe.MatchString(p.Outputs.DNSSuffix) {
			return nil, fmt.Errorf("gen: %s: partition %s: dnsSuffix %q is not a domain name", partitionsData, p.ID, p.Outputs.DNSSuffix)
		}
		if !dnsSuffixRe.MatchString(p.Outputs.DualStackDNSSuffix) {
			return nil, fmt.Errorf("gen: %s: partition %s: dualStackDnsSuffix %q is not a domain name", partitionsData, p.ID, p.Outputs.DualStackDNSSuffix)
		}
		re, err := regexp.Compile(p.RegionRegex)
		if err != nil {
			return nil, fmt.Errorf("gen: %s: partition %s: regionRegex: %w", partitionsData, p.ID, err)
		}
		regions := make([]string, 0, len(p.Regions))
		for r := range p.Regions {
			if o, ok := owner["region "+r]; ok {
				return nil, fmt.Errorf("gen: %s: Region %s in both %s and %s", partitionsData, r, o, p.ID)
			}
			owner["region "+r] = p.ID
			regions = append(regions, r)
		}
		sort.Strings(regions)
		lit := "`" + re.String() + "`"
		if strings.Contains(re.String(), "`") {
			lit = strconv.Quote(re.String())
		}
		fmt.Fprintf(&b, "{ID: %q, DNSSuffix: %q, DualStackDNSSuffix: %q, RegionRegex: regexp.MustCompile(%s), Regions: %s},\n", p.ID, p.Outputs.DNSSuffix, p.Outputs.DualStackDNSSuffix, lit, strSlice(regions))
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
