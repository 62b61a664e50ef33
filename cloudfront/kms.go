package cloudfront

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/policy"
)

var distributionARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:cloudfront::[0-9]{12}:distribution/[A-Z0-9]+$`)

// KeyPolicyStatement returns the statement an SSE-KMS key's policy needs so
// that CloudFront can decrypt objects for one distribution through OAC:
//
//	{"Sid": "S3SecureAllowCloudFrontSSEKMS<ID>", "Effect": "Allow",
//	 "Principal": {"Service": "cloudfront.amazonaws.com"},
//	 "Action": "kms:Decrypt", "Resource": "*",
//	 "Condition": {"StringEquals": {"AWS:SourceArn": "<distribution ARN>"}}}
//
// Only kms:Decrypt: the distributions this package creates allow GET and
// HEAD only (AWS's documented statement also grants kms:Encrypt and
// kms:GenerateDataKey* for uploads through CloudFront). "Resource": "*" in a
// key policy means this key. The Sid carries the distribution ID so several
// distributions can share a key.
//
// Errors wrap policy.ErrInvalidArgument for a malformed ARN.
func KeyPolicyStatement(distributionARN string) (policy.Statement, error) {
	if !distributionARNRe.MatchString(distributionARN) {
		return policy.Statement{}, fmt.Errorf("%w: %q is not a CloudFront distribution ARN", policy.ErrInvalidArgument, distributionARN)
	}
	id := distributionARN[strings.LastIndexByte(distributionARN, '/')+1:]
	return policy.Statement{
		Sid:       KMSStatementSidPrefix + id,
		Effect:    policy.Allow,
		Principal: policy.ServicePrincipal("cloudfront.amazonaws.com"),
		Action:    policy.Strings("kms:Decrypt"),
		Resource:  policy.Strings("*"),
		Condition: policy.NewCondition("StringEquals", "AWS:SourceArn", distributionARN),
	}, nil
}

// keyPolicy fills res.KeyPolicyStatement and applies it when asked.
func keyPolicy(ctx context.Context, o *Options, res *Result) error {
	st, err := KeyPolicyStatement(res.DistributionARN)
	if err != nil {
		return err
	}
	res.KeyPolicyStatement = &st
	act := Action{Step: StepKeyPolicy, Change: ChangeNone}
	switch {
	case res.KMSKeyID == "aws/s3":
		res.Warnings = append(res.Warnings, "the bucket uses the AWS managed key aws/s3, whose policy cannot be changed: CloudFront cannot decrypt its objects; use a customer managed key")
		act.Detail = "aws/s3 managed key: policy cannot be changed"
		res.add(act)
		return nil
	case !o.ApplyKeyPolicy:
		act.Detail = fmt.Sprintf("key %s needs statement %s (returned, not applied)", res.KMSKeyID, st.Sid)
		res.add(act)
		return nil
	case strings.HasPrefix(res.KMSKeyID, "alias/") || strings.Contains(res.KMSKeyID, ":alias/"):
		res.Warnings = append(res.Warnings, fmt.Sprintf("the bucket names its key by alias (%s); add KeyPolicyStatement to the key's policy yourself", res.KMSKeyID))
		act.Detail = "key named by alias: not applied"
		res.add(act)
		return nil
	}
	act.Detail = fmt.Sprintf("key %s: %s allows kms:Decrypt to cloudfront.amazonaws.com for %s only", res.KMSKeyID, st.Sid, res.DistributionARN)
	key := aws.String(res.KMSKeyID)
	read := func(ctx context.Context) (*policy.Document, string, error) {
		out, err := o.KMS.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: key, PolicyName: aws.String("default")}, noSetupRetryKMS)
		if err != nil {
			return nil, "", err
		}
		raw := aws.ToString(out.Policy)
		doc, err := policy.Parse([]byte(raw))
		if err != nil {
			return nil, "", fmt.Errorf("cloudfront: the key policy of %s does not parse: %w", res.KMSKeyID, err)
		}
		return doc, raw, nil
	}
	write := func(ctx context.Context, doc *policy.Document) error {
		b, err := doc.Marshal()
		if err != nil {
			return err
		}
		_, err = o.KMS.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: key, PolicyName: aws.String("default"), Policy: aws.String(string(b))}, noSetupRetryKMS)
		return err
	}
	// A key policy is replaced whole too: the same write discipline as the
	// bucket policy (see changeDocument).
	wrote, err := changeDocument(ctx, rmw.Key("kms", res.KMSKeyID, "policy"), "key policy of "+res.KMSKeyID, read, write, func(cur *policy.Document) (*policy.Document, bool, error) {
		if s, ok := statementBySid(cur, st.Sid); ok {
			// policy.JudgeSid, the rule of every writer that merges by
			// Sid: ours made stricter since (a key administrator's extra
			// condition) is kept as it is, never replaced with a broader
			// one; an older version that ours strengthens is replaced;
			// anything else (a Deny, a grant of more actions) is someone
			// else's, refused.
			switch v, why := policy.JudgeSid(s, st); v {
			case policy.SidKeep:
				return cur, false, nil
			case policy.SidConflict:
				return nil, false, &SidConflictError{Policy: "key policy of " + res.KMSKeyID, Sid: st.Sid, Reason: why}
			}
		}
		merged, err := policy.Merge(cur, st)
		if err != nil {
			return nil, false, err
		}
		return merged.Document, merged.Changed(), nil
	})
	if err != nil {
		return err
	}
	if wrote {
		act.Change = ChangeUpdated
	}
	res.add(act)
	return nil
}
