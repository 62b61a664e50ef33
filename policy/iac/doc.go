// Package iac finds IAM and S3 policies where they are written, in
// infrastructure code, and validates them with the line and column of the
// original file.
//
// [Find] tells the format of a file ([Detect]) and returns its policies:
// [CloudFormation] reads templates in JSON or YAML, short-form intrinsic
// functions included; [TerraformPlan] reads the JSON of terraform show
// -json. Each [Policy] names its resource (a CloudFormation logical id or a
// Terraform address), its type and property, and the [policy.Kind] it is
// used as; [Policy.Validate] runs [policy.Validate] on it and places every
// finding in the original file:
//
//	_, policies, err := iac.Find(data)
//	for _, p := range policies {
//		for _, f := range p.Validate(nil) {
//			fmt.Printf("%s:%d:%d: %s %s\n", p.Resource, f.Line, f.Column, f.Severity, f.Message)
//		}
//	}
//
// Lines and columns are 1-based and count as in the policy package: a line
// ends at a line feed (so CRLF files count as editors show them), a column
// is a character, and a leading byte order mark is no column. In YAML,
// which also ends lines at a lone CR, NEL, LS and PS, positions count the
// same way, so a policy and its findings always point inside the file.
//
// # Values known only at deployment
//
// A template's parameter with a Default is not such a value: a deployment
// that gives the parameter no value uses the Default, so !Ref of it (and
// ${Name} in a !Sub) is checked as the Default, and a finding about what a
// statement that uses one grants, or about the value itself, says so
// ("checked with parameter Reader at its Default "*""; the Default of a
// NoEcho parameter is never printed). A Principal: !Ref Reader whose Default is "*" is public.
// The Default of a Systems Manager parameter type
// (AWS::SSM::Parameter::Value<...>) names the parameter, not the value,
// and such a parameter is a placeholder like one without a Default.
// !FindInMap of the template's Mappings and !Select of a list are applied
// when their arguments are known (literal, or parameter Defaults): a
// Principal: !FindInMap [Access, prod, Reader] whose entry is "*" is
// public.
//
// A template's policy often holds values CloudFormation fills in at
// deployment: !Ref of a parameter without a Default or of a resource,
// !GetAtt, !ImportValue, !FindInMap and !Select of what is not known,
// pseudo parameters such as ${AWS::AccountId} in a !Sub. A Terraform plan
// marks values known only after apply as after_unknown. Such a value is a
// placeholder that may be anything: it is never reported as an error, and
// it does not make a statement look broader than it will be.
//
//   - In Resource and NotResource it matches anything (it is checked as
//     "*"), so !Sub "${Bucket.Arn}/*" neither fails as a bad ARN nor hides
//     the literal text around it.
//   - Elsewhere (principals, condition values, actions) it is a fixed
//     value: a public statement limited by aws:SourceVpce: !Ref VpceId is
//     limited, as it will be once deployed. Findings about the value itself
//     (its format, its type) are left out.
//   - Where an object must be, a wholly unknown value is read as one of
//     the same effect: a principal as an unknown AWS principal, a
//     condition as a fixed (limiting) one; a statement known only at
//     deployment is left out, and the others are still checked; the one
//     left out (an Fn::If branch too) is a finding,
//     policy.CodeUnknownPolicy (ERROR), as it may grant anything.
//   - ${AWS::AccountId} is the owner's account when
//     [policy.ValidateOptions].Account is set.
//   - !Sub substitutes the variables it is given literal values for;
//     ${!Literal} is the literal text ${Literal}. An IAM policy variable
//     is therefore written ${!aws:username} inside a !Sub and
//     ${aws:username} in a plain string, and both are checked as the
//     variable. A Terraform plan holds rendered strings, where ${...} is
//     always text (a policy variable), never an interpolation.
//   - !Join joins what is known around the unknown parts. !Ref
//     AWS::NoValue removes the element.
//   - A template too large to check whole (more than 100,000 values to
//     evaluate, YAML aliases and Fn::ForEach loops expanded, which bounds
//     a "billion laughs" file) has its policies past that left out, and
//     one Unknown policy more, with no Resource, at its Resources.
//   - Fn::ForEach (the AWS::LanguageExtensions transform) is expanded:
//     among the Resources, and among the members of a mapping, its
//     fragment is evaluated once for each item of the collection (a list,
//     or !Ref of a CommaDelimitedList parameter), ${Identifier} and
//     &{Identifier} replaced in strings and keys (in logical ids too) and
//     !Ref Identifier the item. A collection known only at deployment
//     is one item known only then, so the fragment is still checked.
//   - !If (Fn::If) is checked in every branch, wherever it is: a policy
//     (or the Properties holding it, or an item of a role's Policies) in
//     an !If is returned once for each branch; inside a policy, including
//     in an argument of !Join, !Sub, !Select or !FindInMap, the policy is
//     validated with every combination of its conditions' branches (a
//     condition is taken by its name, the same way everywhere in the
//     policy), and each finding is reported once, at the branch it is
//     about. Which branch a stack takes is decided at deployment, by its
//     parameters, so a public second branch is public. Past 6 conditions
//     in one policy, the others are taken at their first branch and
//     Validate says so with a policy.CodeUnknownPolicy finding.
//   - A whole policy known only at deployment (PolicyDocument:
//     !ImportValue x, Statement: !Ref S, policy after_unknown) is
//     returned Unknown, without a Document: nothing of it can be checked,
//     and [Policy.Validate] says so with one finding,
//     policy.CodeUnknownPolicy (ERROR), for it may grant anything, to
//     anyone. In a plan, aws_s3_bucket's and aws_s3_access_point's policy
//     are Computed attributes, unknown on every new resource whether set
//     or not, and are not reported so.
//   - What an Fn::Transform (AWS::Include, which may be used "anywhere
//     within the CloudFormation template except in the template
//     parameters section or the template version") inserts at deployment
//     is not known either: a policy resource's Properties (or those
//     beside it without the policy), an item of a role's Policies or the
//     list, a resource that has no Type but an Fn::Transform, and an
//     Fn::Transform among the Resources are each returned as an Unknown
//     policy (the last two with no Type, and Resource the logical id or
//     "Fn::Transform").
//   - The policies of S3 resource types package policy cannot validate
//     yet, whose actions (s3express:, s3-object-lambda:, s3-outposts:) or
//     ARNs (a Multi-Region Access Point's) its catalog does not have, are
//     returned Unknown too, at their value, rather than skipped: a
//     directory bucket's (AWS::S3Express::BucketPolicy), a Multi-Region
//     Access Point's (AWS::S3::MultiRegionAccessPointPolicy,
//     aws_s3control_multi_region_access_point_policy), an Object Lambda
//     Access Point's (AWS::S3ObjectLambda::AccessPointPolicy,
//     aws_s3control_object_lambda_access_point_policy) and S3 on
//     Outposts' (AWS::S3Outposts::BucketPolicy and AccessPoint,
//     aws_s3control_bucket_policy). The finding names the type.
//
// # Secrets
//
// The Default of a CloudFormation NoEcho parameter is never printed, and
// the findings of a policy a Terraform plan marks sensitive
// (after_sensitive, sensitive_values) quote none of its values: findings
// end up in CI logs and in SARIF uploaded to code scanning.
//
// Role trust policies (AssumeRolePolicyDocument, assume_role_policy) grant
// no S3 access and are not returned.
//
// # Errors
//
// A file that is not JSON or YAML, or not shaped like a template or plan,
// gives a [*SyntaxError] with the line and column of the problem; a policy
// that is not valid JSON is a finding of [Policy.Validate], like any other
// problem in a policy.
package iac
