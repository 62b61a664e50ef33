package policy

import (
	"regexp"
	"strings"
)

// partitionEntry is one AWS partition of partitions_gen.go, generated (go
// generate, see catalog.go) from internal/gen/data/partitions.json.
type partitionEntry struct {
	ID                 string
	DNSSuffix          string
	DualStackDNSSuffix string
	RegionRegex        *regexp.Regexp
	Regions            []string
}

// PartitionOfRegion returns the ARN partition of an AWS Region ("aws" for
// us-east-1, "aws-cn" for cn-north-1, "aws-us-gov" for us-gov-west-1,
// "aws-iso-f" for us-isof-south-1, "aws-eusc" for eusc-de-east-1), and
// whether the Region belongs to one. It decides as aws-sdk-go-v2 does from
// AWS's partition data (internal/endpoints/awsrulesfn/partitions.json,
// copied and generated into this package): a Region the data lists belongs
// to its partition, any other to the first partition whose Region pattern
// it matches. Unlike the SDK, which falls back to "aws", it answers false
// for a name no partition claims ("", "EU", "local"), so that a caller
// never takes the aws partition for granted.
func PartitionOfRegion(region string) (string, bool) {
	for _, p := range partitionTable {
		for _, r := range p.Regions {
			if r == region {
				return p.ID, true
			}
		}
	}
	for _, p := range partitionTable {
		if p.RegionRegex.MatchString(region) {
			return p.ID, true
		}
	}
	return "", false
}

// EndpointPartition returns the partition whose endpoints aws-sdk-go-v2
// resolves for region: [PartitionOfRegion]'s, and "aws" for a name no
// partition claims (an S3-compatible server's "garage", a test's made-up
// Region), as the SDK does ("If the partition cannot be determined then
// the default partition (AWS commercial) will be returned", awsrulesfn).
// It is the partition of a client's requests, for callers that must name
// ARNs in it whatever the Region is; callers that must not take aws for
// granted use PartitionOfRegion.
func EndpointPartition(region string) string {
	if p, ok := PartitionOfRegion(region); ok {
		return p
	}
	return "aws"
}

// IsPartition reports whether p is the id of an AWS partition ("aws",
// "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e",
// "aws-iso-f", "aws-eusc", and any AWS's partition data adds), as written
// in the second field of an ARN. The comparison is exact: ARNs are case
// sensitive.
func IsPartition(p string) bool {
	for _, e := range partitionTable {
		if e.ID == p {
			return true
		}
	}
	return false
}

// DNSSuffix returns the domain the Regional endpoints of partition p end
// in ("amazonaws.com" for aws and aws-us-gov, "amazonaws.com.cn" for
// aws-cn, "c2s.ic.gov" for aws-iso), and whether p is a partition
// ([IsPartition]). It is the dnsSuffix of AWS's partition data
// (partitions.json, as for [PartitionOfRegion]), from which aws-sdk-go-v2
// builds endpoints such as S3's BUCKET.s3.REGION.SUFFIX.
func DNSSuffix(p string) (string, bool) {
	for _, e := range partitionTable {
		if e.ID == p {
			return e.DNSSuffix, true
		}
	}
	return "", false
}

// IsAWSDomain reports whether host is a name inside the DNS suffix or the
// dual-stack DNS suffix of an AWS partition, the domains of AWS's own
// endpoints: s3.us-east-1.amazonaws.com, bucket.s3.cn-north-1.amazonaws.com.cn,
// s3.eusc-de-east-1.amazonaws.eu, s3.dualstack.us-east-1.api.aws,
// s3.us-iso-east-1.c2s.ic.gov (partitions.json's dnsSuffix and
// dualStackDnsSuffix, as for [DNSSuffix]). The suffix itself is not a
// host, nor is a look-alike that only ends in its letters
// (evilamazonaws.com). host is compared without regard to case and
// without a trailing dot, as DNS names are; a port or any other
// character no host name holds makes it false.
func IsAWSDomain(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if strings.HasPrefix(h, ".") || strings.Contains(h, "..") {
		return false // an empty label
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	for _, e := range partitionTable {
		for _, s := range []string{e.DNSSuffix, e.DualStackDNSSuffix} {
			if rest, ok := strings.CutSuffix(h, "."+s); ok && rest != "" {
				return true
			}
		}
	}
	return false
}

// ARNPartition returns the partition field of an ARN
// ("arn:aws-cn:s3:::bucket" gives "aws-cn") and whether the string is an
// ARN with a known partition ([IsPartition]).
func ARNPartition(arn string) (string, bool) {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return "", false
	}
	p, _, ok := strings.Cut(rest, ":")
	if !ok || !IsPartition(p) {
		return "", false
	}
	return p, true
}

// checkPartition returns a *PartitionError unless p is an AWS partition.
func checkPartition(p string) error {
	if !IsPartition(p) {
		return &PartitionError{Partition: p}
	}
	return nil
}

// InPartition returns a copy of s with its ARNs in partition: every ARN of
// the aws partition that s names in Resource, NotResource, the AWS and
// Federated values of Principal and NotPrincipal, and the values of
// Condition is rewritten to partition ("arn:aws:s3:::bucket/*" becomes
// "arn:aws-cn:s3:::bucket/*"). The ready-made statements
// ([DenyInsecureTransport], [ServerAccessLogsDelivery], …) name buckets in
// aws; InPartition names them where the bucket is, as S3 in another
// partition matches only ARNs of its own ("arn:aws-cn" in China,
// "arn:aws-us-gov" in GovCloud, [PartitionOfRegion]). ARNs already in
// partition are kept, and so is every value that is not the ARN of an AWS
// partition: "*", account IDs, service principals
// ("cloudfront.amazonaws.com" is the principal in every partition), ARN
// patterns with a wildcard partition ("arn:*:s3:::bucket").
//
// It fails with a [*PartitionError] (matching [ErrInvalidPartition] and
// [ErrInvalidArgument]) when partition is not an AWS partition
// ([IsPartition]), or when s names an ARN of a partition other than aws
// and partition (PartitionError.ARN): such a statement is about another
// partition's resources, and rewriting it would name different ones. s
// itself is never changed.
func InPartition(s Statement, partition string) (Statement, error) {
	if err := checkPartition(partition); err != nil {
		return Statement{}, err
	}
	s = s.Clone()
	move := func(v string) (string, error) {
		p, ok := ARNPartition(v)
		switch {
		case !ok || p == partition:
			return v, nil
		case p == "aws":
			return "arn:" + partition + v[len("arn:aws"):], nil
		}
		return "", &PartitionError{Partition: partition, ARN: v}
	}
	moveAll := func(vs Values) error {
		for i, v := range vs {
			m, err := move(v)
			if err != nil {
				return err
			}
			vs[i] = m
		}
		return nil
	}
	for _, vs := range []Values{s.Resource, s.NotResource} {
		if err := moveAll(vs); err != nil {
			return Statement{}, err
		}
	}
	for _, p := range []*Principal{s.Principal, s.NotPrincipal} {
		if p == nil {
			continue
		}
		for _, e := range p.Entries {
			if e.Type != PrincipalAWS && e.Type != PrincipalFederated {
				continue
			}
			if err := moveAll(e.Values); err != nil {
				return Statement{}, err
			}
		}
	}
	for _, b := range s.Condition {
		for _, e := range b.Entries {
			for i, v := range e.Values {
				m, err := move(v.Text)
				if err != nil {
					return Statement{}, err
				}
				e.Values[i].Text = m
			}
		}
	}
	return s, nil
}
