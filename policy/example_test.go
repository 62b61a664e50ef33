package policy_test

import (
	"errors"
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

// A read-only grant for one role under a key prefix: the builder puts
// s3:ListBucket on the bucket with an s3:prefix condition and s3:GetObject
// on the objects under the prefix.
func ExampleBuild() {
	doc, err := policy.Build([]policy.Grant{{
		Sid:       "ReportsRead",
		Intent:    policy.ReadOnly,
		Bucket:    "amzn-s3-demo-reports",
		Prefix:    "2024/",
		Principal: policy.AWSPrincipal("arn:aws:iam::111122223333:role/reader"),
	}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := doc.MarshalIndent("", "  ")
	fmt.Println(string(out))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "ReportsReadList",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::111122223333:role/reader"
	//       },
	//       "Action": "s3:ListBucket",
	//       "Resource": "arn:aws:s3:::amzn-s3-demo-reports",
	//       "Condition": {
	//         "StringLike": {
	//           "s3:prefix": "2024/*"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "ReportsReadObjects",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::111122223333:role/reader"
	//       },
	//       "Action": "s3:GetObject",
	//       "Resource": "arn:aws:s3:::amzn-s3-demo-reports/2024/*"
	//     }
	//   ]
	// }
}

// Public read is refused unless asked for by name.
func ExampleBuild_refused() {
	_, err := policy.Build([]policy.Grant{{
		Intent:    policy.ReadOnly,
		Bucket:    "amzn-s3-demo-site",
		Principal: policy.AnyPrincipal(),
	}}, nil)
	fmt.Println(errors.Is(err, policy.ErrPublicGrant))
	fmt.Println(err)
	// Output:
	// true
	// policy: statement #0: public: Principal "*" without a condition that limits it to fixed values (for example aws:SourceVpce, aws:SourceIp, aws:PrincipalOrgID); set BuildOptions.AllowPublic to allow it
}

// Merging our statements into a bucket policy someone else wrote: their
// statement keeps its exact form, CDK's unnamed deny of plain HTTP is
// recognised as equivalent to ours, and only the missing statement is added.
func ExampleMerge() {
	existing, err := policy.Parse([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "PartnerRead", "Effect": "Allow", "Principal": {"AWS": ["444455556666"]},
	     "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/shared/*"},
	    {"Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": false}}, "Effect": "Deny",
	     "Principal": {"AWS": "*"},
	     "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket"]}
	  ]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	tls, _ := policy.DenyInsecureTransport("amzn-s3-demo-bucket")
	oldTLS, _ := policy.DenyOutdatedTLS("amzn-s3-demo-bucket")
	res, err := policy.Merge(existing, tls, oldTLS)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Changes {
		fmt.Println(c)
	}
	out, _ := res.Document.MarshalIndent("", "  ")
	fmt.Println(string(out))
	// Output:
	// S3SecureDenyInsecureTransport: kept-equivalent (statement #1)
	// S3SecureDenyOutdatedTLS: added
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "PartnerRead",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": [
	//           "444455556666"
	//         ]
	//       },
	//       "Action": [
	//         "s3:GetObject"
	//       ],
	//       "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/shared/*"
	//     },
	//     {
	//       "Action": "s3:*",
	//       "Condition": {
	//         "Bool": {
	//           "aws:SecureTransport": false
	//         }
	//       },
	//       "Effect": "Deny",
	//       "Principal": {
	//         "AWS": "*"
	//       },
	//       "Resource": [
	//         "arn:aws:s3:::amzn-s3-demo-bucket/*",
	//         "arn:aws:s3:::amzn-s3-demo-bucket"
	//       ]
	//     },
	//     {
	//       "Sid": "S3SecureDenyOutdatedTLS",
	//       "Effect": "Deny",
	//       "Principal": "*",
	//       "Action": "s3:*",
	//       "Resource": [
	//         "arn:aws:s3:::amzn-s3-demo-bucket",
	//         "arn:aws:s3:::amzn-s3-demo-bucket/*"
	//       ],
	//       "Condition": {
	//         "NumericLessThan": {
	//           "s3:TlsVersion": "1.2"
	//         }
	//       }
	//     }
	//   ]
	// }
}

// Parse errors and element positions carry line and column.
func ExampleIsAccountID() {
	fmt.Println(policy.IsAccountID("111122223333"), policy.IsAccountID("1111-2222-3333"))
	// Output: true false
}

func ExampleParse() {
	src := []byte(`{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
    "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}
  }]
}`)
	doc, err := policy.Parse(src)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Pos("Statement[0].Condition.IpAddress.aws:SourceIp[1]"))

	_, err = policy.Parse([]byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [],\n}"))
	fmt.Println(err)
	// Output:
	// line 8, column 66
	// policy: line 4, column 1: trailing comma before '}'
}

// Check the size before sending: S3 refuses bucket policies over 20 KB.
func ExampleDocument_CheckSize() {
	doc := &policy.Document{Version: policy.Version2012}
	for i := range 200 {
		doc.Statements = append(doc.Statements, policy.Statement{
			Sid: fmt.Sprintf("Partner%d", i), Effect: policy.Allow,
			Principal: policy.AWSPrincipal(fmt.Sprintf("arn:aws:iam::%012d:root", i)),
			Action:    policy.Strings("s3:GetObject"),
			Resource:  policy.Strings(fmt.Sprintf("arn:aws:s3:::amzn-s3-demo-bucket/partner-%d/*", i)),
		})
	}
	err := doc.CheckSize(policy.KindBucket)
	fmt.Println(errors.Is(err, policy.ErrPolicyTooLarge))
	fmt.Println(err)
	// Output:
	// true
	// policy: bucket policy is 34818 bytes, over the limit of 20480
}
