package usage

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/policy"
)

// The bucket's ARN partition ("aws-cn" for a bucket in China, whose only
// ARN is arn:aws-cn:s3:::bucket) names the proposal's resources and the
// replay's requests: S3 in a partition matches only its own partition's
// ARNs, so a proposal on arn:aws:s3:::bucket grants nothing in China.
//
// knownPartition is the partition the bucket's own reader tells, before
// any log is read: the Region of Input.Policy's client (the SDK resolves
// its endpoint in that Region's partition, and an endpoint serves its own
// partition's buckets only), else the partition the bucket policy in
// force names the bucket in. "" when neither does.
func (s *suggester) knownPartition(current *policy.Document) string {
	if p, ok := regionPartition(clientRegion(s.in.Policy)); ok {
		return p
	}
	if current != nil {
		for _, st := range current.Statements {
			for _, r := range append(slices.Clone(st.Resource), st.NotResource...) {
				p, ok := policy.ARNPartition(r)
				if !ok {
					continue
				}
				if rest := strings.TrimPrefix(r, "arn:"+p+":s3:::"+s.bucket); rest != r && (rest == "" || rest[0] == '/') {
					return p
				}
			}
		}
	}
	return ""
}

// settlePartition decides the bucket's partition once pass 1 has read the
// logs: the known one (knownPartition), else the one the logged callers'
// ARNs are in (a bucket's requests come from its own partition only:
// accounts, users and roles do not reach across partitions), else the
// Region of a log location's client, else aws. It refuses (ErrInvalidInput)
// logs whose callers are in another partition than the known one, or in
// two: they are not one bucket's requests, and a proposal naming them
// would be refused or grant nothing. The owner's root user, named in pass
// 1 before the partition was known, is named again in it.
func (s *suggester) settlePartition(a *aggregator) error {
	seen := map[string]bool{}
	for _, u := range a.uses {
		if u.principal.Kind == Root && u.principal.Account == s.owner && u.principal.ARN == s.rootARN(s.pass1Partition) {
			continue // named by us in pass 1
		}
		if p, ok := policy.ARNPartition(u.principal.ARN); ok {
			seen[p] = true
		}
	}
	var parts []string
	for p := range seen {
		parts = append(parts, p)
	}
	sort.Strings(parts)
	switch {
	case s.partition != "":
		for _, p := range parts {
			if p != s.partition {
				return fmt.Errorf("%w: the logs name callers in the %s partition, and the bucket is in %s: a bucket's requests come from its own partition only", ErrInvalidInput, p, s.partition)
			}
		}
	case len(parts) > 1:
		return fmt.Errorf("%w: the logs name callers in the %s partitions: a bucket's requests come from its own partition only", ErrInvalidInput, strings.Join(parts, " and "))
	case len(parts) == 1:
		s.partition = parts[0]
	default:
		s.partition = "aws"
		for _, src := range append(slices.Clone(s.in.ServerAccessLogs), s.in.CloudTrail...) {
			if l, ok := src.(s3Location); ok {
				if p, ok := regionPartition(clientRegion(l.client)); ok {
					s.partition = p
					break
				}
			}
		}
	}
	if s.partition != s.pass1Partition {
		a.renamePrincipal(s.rootARN(s.pass1Partition), Principal{Kind: Root, ARN: s.rootARN(s.partition), Account: s.owner})
	}
	return nil
}

// rootARN is the ARN of the bucket owner's root user in partition.
func (s *suggester) rootARN(partition string) string {
	return "arn:" + partition + ":iam::" + s.owner + ":root"
}

// bucketARN and keyARN name the bucket and its objects in its partition.
func (s *suggester) bucketARN() string {
	arn, _ := policy.BucketARNIn(s.partition, s.bucket) // settlePartition gave a partition
	return arn
}

func (s *suggester) keyARN(key string) string {
	return s.bucketARN() + "/" + key
}

// renamePrincipal names the uses of the principal old (its String) p.
func (a *aggregator) renamePrincipal(old string, p Principal) {
	for k, u := range a.uses {
		if k.principal != old {
			continue
		}
		delete(a.uses, k)
		u.principal = p
		if u.sample.caller.ARN == old {
			u.sample.caller.ARN = p.ARN
		}
		k.principal = p.String()
		a.mergeUse(k, u)
	}
}

// regionPartition is the partition of a client's Region name
// (policy.EndpointPartition: aws for a name no partition claims); false
// for "", a client that does not tell its Region.
func regionPartition(region string) (string, bool) {
	return policy.EndpointPartition(region), region != ""
}

// clientRegion is the Region of a client that exposes its Options (an
// *s3.Client does), "" for others.
func clientRegion(c any) string {
	if o, ok := c.(interface{ Options() s3.Options }); ok {
		return o.Options().Region
	}
	return ""
}

// principalPartition is the partition the owner's root user is named in:
// the bucket's, aws while it is not known yet (settlePartition renames).
func (s *suggester) principalPartition() string {
	if s.partition == "" {
		return "aws"
	}
	return s.partition
}
