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
	case namedByAlias(res.KMSKeyID):
		res.Warnings = append(res.Warnings, fmt.Sprintf("the bucket names its key by alias (%s); add KeyPolicyStatement to the key's policy yourself", res.KMSKeyID))
		act.Detail = "key named by alias: not applied"
		res.add(act)
		return nil
	}
	act.Detail = fmt.Sprintf("key %s: %s allows kms:Decrypt to cloudfront.amazonaws.com for %s only", res.KMSKeyID, st.Sid, res.DistributionARN)
	key := aws.String(res.KMSKeyID)
	read := keyPolicyReader(o.KMS, res.KMSKeyID)
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
		switch v, err := judgeKeySid(cur, st, res.KMSKeyID); {
		case err != nil:
			return nil, false, err
		case v == policy.SidKeep:
			return cur, false, nil
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

// keyPolicyReader reads the default policy of keyID.
func keyPolicyReader(c KMSAPI, keyID string) func(context.Context) (*policy.Document, string, error) {
	return func(ctx context.Context) (*policy.Document, string, error) {
		out, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")}, noSetupRetryKMS)
		if err != nil {
			return nil, "", err
		}
		raw := aws.ToString(out.Policy)
		doc, err := policy.Parse([]byte(raw))
		if err != nil {
			return nil, "", fmt.Errorf("cloudfront: the key policy of %s does not parse: %w", keyID, err)
		}
		return doc, raw, nil
	}
}

// judgeKeySid judges the statement under st's Sid in the key policy doc,
// if any, by policy.JudgeSid, the rule of every writer that merges by Sid:
// ours made stricter since (a key administrator's extra condition) is kept
// as it is, never replaced with a broader one; an older version that ours
// strengthens is replaced; anything else (a Deny, a grant of more actions)
// is someone else's, a *SidConflictError. Without such a statement the
// verdict is SidReplace (ours is merged in).
func judgeKeySid(doc *policy.Document, st policy.Statement, keyID string) (policy.SidVerdict, error) {
	s, ok := statementBySid(doc, st.Sid)
	if !ok {
		return policy.SidReplace, nil
	}
	v, why := policy.JudgeSid(s, st)
	if v == policy.SidConflict {
		return v, &SidConflictError{Policy: "key policy of " + keyID, Sid: st.Sid, Reason: why}
	}
	return v, nil
}

// checkKeySid refuses, before ServeBucket writes anything, someone else's
// statement under the key statement's Sid of an existing distribution
// (distARN; a distribution not made yet has no statement under its Sid)
// when the key statement will be applied (see keyPolicy).
func checkKeySid(ctx context.Context, o *Options, keyID, distARN string) error {
	if !o.ApplyKeyPolicy || keyID == "" || keyID == "aws/s3" || distARN == "" || namedByAlias(keyID) {
		return nil
	}
	st, err := KeyPolicyStatement(distARN)
	if err != nil {
		return err
	}
	doc, _, err := keyPolicyReader(o.KMS, keyID)(ctx)
	if err != nil {
		return err
	}
	_, err = judgeKeySid(doc, st, keyID)
	return err
}

// namedByAlias reports whether the bucket names its key by an alias, whose
// key policy the package does not change.
func namedByAlias(keyID string) bool {
	return strings.HasPrefix(keyID, "alias/") || strings.Contains(keyID, ":alias/")
}
