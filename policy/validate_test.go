package policy_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// wrap puts statements into a 2012-10-17 document.
func wrap(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

const goodBucketPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    },
    {
      "Sid": "AllowCloudFrontOAC",
      "Effect": "Allow",
      "Principal": {"Service": "cloudfront.amazonaws.com"},
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::my-bucket/*",
      "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}
    },
    {
      "Sid": "TeamList",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::111122223333:role/team"},
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::my-bucket",
      "Condition": {"StringLike": {"s3:prefix": ["team/*"]}}
    },
    {
      "Sid": "DelegateToAccessPoints",
      "Effect": "Allow",
      "Principal": {"AWS": "*"},
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"],
      "Condition": {"StringEquals": {"s3:DataAccessPointAccount": "111122223333"}}
    }
  ]
}`

func TestValidateCleanPolicies(t *testing.T) {
	assert.Empty(t, policy.Validate([]byte(goodBucketPolicy), nil))
	oai := wrap(`{"Sid":"OAI","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}`)
	assert.Empty(t, policy.Validate([]byte(oai), nil))
	identity := wrap(`{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::my-bucket","arn:aws:s3:::my-bucket/home/${aws:username}/*"]}`,
		`{"Sid":"Ec2","Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}`)
	assert.Empty(t, policy.Validate([]byte(identity), &policy.ValidateOptions{Kind: policy.KindManaged}))
}

// A bucket and object ARN has neither Region nor account
// ("arn:${Partition}:s3:::${BucketName}/${ObjectName}", Service
// Authorization Reference), and "job", "accesspoint" and "storage-lens" are
// valid bucket names: such a bucket's policy is clean. It was an ERROR
// (MISSING_ARN_REGION; s3:GetObject applying to no resource), and S3.2/S3.3
// missed the public grants of such a bucket (see securebucket's
// TestAuditPublicGrantOnBucketNamedLikeAResourceType).
func TestValidateBucketNamedLikeAResourceType(t *testing.T) {
	for _, b := range []string{"job", "accesspoint", "storage-lens", "storage-lens-group", "access-grants", "async-request"} {
		doc := wrap(fmt.Sprintf(`{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/ap/object/*"]}`, b, b))
		assert.Empty(t, policy.Validate([]byte(doc), &policy.ValidateOptions{Account: "111122223333"}), b)
		pub := wrap(fmt.Sprintf(`{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::%s/report.csv"}`, b))
		d, err := policy.Parse([]byte(pub))
		require.NoError(t, err)
		st := policy.IsPublic(d, policy.KindBucket)
		require.True(t, st.IsPublic, b)
		assert.Equal(t, []string{"s3:GetObject"}, st.Statements[0].Read, b)
		assert.Equal(t, []string{"s3:PutObject"}, st.Statements[0].Write, b)
	}
}

// codes returns the codes of the findings.
func codes(fs []policy.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestValidateFindsEachClass(t *testing.T) {
	owner := `"Principal":{"AWS":"111122223333"}`
	tests := []struct {
		name string
		doc  string
		kind policy.Kind
		code string
		path string // expected path of the finding with code (optional)
	}{
		// Document.
		{"syntax", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",}]}`, 0, "JSON_SYNTAX_ERROR", ""},
		{"unknown element", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Acton":"s3:GetObject"}]}`, 0, "INVALID_POLICY_ELEMENT", ""},
		{"missing version", `{"Statement":[{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}]}`, 0, "MISSING_VERSION", "Version"},
		{"wrong version", `{"Version":"2012-10-18","Statement":[{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}]}`, 0, "INVALID_VERSION", "Version"},
		{"old version", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}]}`, 0, policy.CodeOldVersion, "Version"},
		{"empty statements", `{"Version":"2012-10-17","Statement":[]}`, 0, "MISSING_STATEMENT", "Statement"},
		{"duplicate sids", wrap(`{"Sid":"A","Effect":"Allow",`+owner+`,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`, `{"Sid":"A","Effect":"Allow",`+owner+`,"Action":"s3:PutObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "UNIQUE_SIDS_RECOMMENDED", "Statement[1].Sid"},
		{"duplicate sids identity", wrap(`{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`, `{"Sid":"A","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b-1/*"}`), policy.KindManaged, "UNIQUE_SIDS_REQUIRED", "Statement[1].Sid"},
		{"sid characters identity", wrap(`{"Sid":"read-only","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), policy.KindManaged, "UNSUPPORTED_SID", "Statement[0].Sid"},
		{"missing effect", wrap(`{` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "MISSING_EFFECT", "Statement[0]"},
		{"invalid effect", wrap(`{"Effect":"allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_EFFECT", "Statement[0].Effect"},
		{"missing action", wrap(`{"Effect":"Allow",` + owner + `,"Resource":"arn:aws:s3:::b-1/*"}`), 0, "MISSING_ACTION", "Statement[0]"},
		{"missing resource", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject"}`), 0, "MISSING_RESOURCE", "Statement[0]"},
		{"action and not action", wrap(`{"Effect":"Deny",` + owner + `,"Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "UNSUPPORTED_ELEMENT_COMBINATION", "Statement[0].NotAction"},
		{"empty action list", wrap(`{"Effect":"Allow",` + owner + `,"Action":[],"Resource":"arn:aws:s3:::b-1/*"}`), 0, "EMPTY_ARRAY_ACTION", "Statement[0].Action"},
		{"empty condition", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{}}`), 0, "EMPTY_OBJECT_CONDITION", "Statement[0].Condition"},
		// Actions.
		{"unknown action", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObjects","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_ACTION", "Statement[0].Action[0]"},
		{"malformed action", wrap(`{"Effect":"Allow",` + owner + `,"Action":"GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_ACTION", "Statement[0].Action[0]"},
		{"other service in bucket policy", wrap(`{"Effect":"Allow",` + owner + `,"Action":["s3:GetObject","ec2:RunInstances"],"Resource":"arn:aws:s3:::b-1/*"}`), 0, "UNSUPPORTED_ACTION_IN_POLICY", "Statement[0].Action[1]"},
		{"wildcard matching nothing", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:Frob*","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_ACTION", "Statement[0].Action[0]"},
		{"wildcard in service", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s*:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "WILDCARD_IN_SERVICE_NAME", "Statement[0].Action[0]"},
		{"redundant action", wrap(`{"Effect":"Allow",` + owner + `,"Action":["s3:GetObject","s3:Get*"],"Resource":"arn:aws:s3:::b-1/*"}`), 0, "REDUNDANT_ACTION", "Statement[0].Action[0]"},
		{"redundant statement", wrap(`{"Sid":"A","Effect":"Allow",`+owner+`,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`, `{"Sid":"B","Effect":"Allow",`+owner+`,"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b-1/*"]}`), 0, "REDUNDANT_STATEMENT", "Statement[1]"},
		{"redundant resource", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":["arn:aws:s3:::b-1/*","arn:aws:s3:::b-1/logs/*"]}`), 0, "REDUNDANT_RESOURCE", "Statement[0].Resource[1]"},
		// Resources.
		{"object action on bucket ARN", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1"}`), 0, policy.CodeActionResourceMismatch, "Statement[0].Action[0]"},
		{"bucket action on objects", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b-1/*"}`), 0, policy.CodeActionResourceMismatch, "Statement[0].Action[0]"},
		{"wildcard action on wrong type", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject*","Resource":"arn:aws:s3:::b-1"}`), 0, policy.CodeActionResourceMismatch, "Statement[0].Action[0]"},
		{"not an ARN", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"b-1/*"}`), 0, "INVALID_ARN_PREFIX", "Statement[0].Resource[0]"},
		{"short ARN", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:b-1"}`), 0, "MISSING_ARN_FIELD", "Statement[0].Resource[0]"},
		{"partition", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:amazon:s3:::b-1/*"}`), 0, "INVALID_PARTITION", "Statement[0].Resource[0]"},
		{"service case", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:S3:::b-1/*"}`), 0, "INVALID_ARN_SERVICE_CASE", "Statement[0].Resource[0]"},
		{"placeholder bucket", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::<<bucket_name>>/*"}`), 0, policy.CodePlaceholder, "Statement[0].Resource[0]"},
		{"placeholder account", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<account_id>:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, policy.CodePlaceholder, "Statement[0].Principal.AWS[0]"},
		{"placeholder capitals", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::YOUR-BUCKET-NAME/*"}`), 0, policy.CodePlaceholder, "Statement[0].Resource[0]"},
		{"numeric NaN", wrap(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"NumericLessThan":{"s3:TlsVersion":"NaN"}}}`), 0, "TYPE_MISMATCH_NUMBER", "Statement[0].Condition.NumericLessThan.s3:TlsVersion[0]"},
		{"principal without a name", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_PRINCIPAL_FORMAT", "Statement[0].Principal.AWS[0]"},
		{"principal of no type", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_PRINCIPAL_FORMAT", "Statement[0].Principal.AWS[0]"},
		{"session without a session name", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/Reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_PRINCIPAL_FORMAT", "Statement[0].Principal.AWS[0]"},
		{"group principal", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/devs"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_PRINCIPAL_FORMAT", "Statement[0].Principal.AWS[0]"},
		{"region in bucket ARN", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1::b-1/*"}`), 0, "ARN_REGION_NOT_ALLOWED", "Statement[0].Resource[0]"},
		{"account in bucket ARN", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3::111122223333:b-1/*"}`), 0, "ARN_ACCOUNT_NOT_ALLOWED", "Statement[0].Resource[0]"},
		{"bucket name", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::my!bucket/*"}`), 0, policy.CodeInvalidBucketName, "Statement[0].Resource[0]"},
		{"job without region", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:DescribeJob","Resource":"arn:aws:s3::111122223333:job/j-1"}`), 0, "MISSING_ARN_REGION", "Statement[0].Resource[0]"},
		{"bad account in access point ARN", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:1234:accesspoint/ap/object/*"}`), policy.KindAccessPoint, "INVALID_ARN_ACCOUNT", "Statement[0].Resource[0]"},
		{"non-S3 resource in bucket policy", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:sqs:us-east-1:111122223333:q"}`), 0, "UNSUPPORTED_RESOURCE_ARN_IN_POLICY", "Statement[0].Resource[0]"},
		// Conditions.
		{"unknown operator", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEqual":{"aws:SourceVpce":"vpce-1"}}}`), 0, "INVALID_CONDITION_OPERATOR", "Statement[0].Condition.StringEqual"},
		{"unknown global key", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"aws:SourceVPCE":"vpce-1","aws:SourceVpcEndpoint":"vpce-1"}}}`), 0, "INVALID_GLOBAL_CONDITION_KEY", "Statement[0].Condition.StringEquals.aws:SourceVpcEndpoint"},
		{"unknown s3 key", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"s3:Prefix2":"a"}}}`), 0, "INVALID_SERVICE_CONDITION_KEY", "Statement[0].Condition.StringEquals.s3:Prefix2"},
		{"key format", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"SourceVpce":"vpce-1"}}}`), 0, "INVALID_CONDITION_KEY_FORMAT", "Statement[0].Condition.StringEquals.SourceVpce"},
		{"key unsupported by actions", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`), 0, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY", "Statement[0].Condition.StringLike.s3:prefix"},
		{"arn operator on ip key", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"ArnEquals":{"aws:SourceIp":"203.0.113.0/24"}}}`), 0, "TYPE_MISMATCH", "Statement[0].Condition.ArnEquals.aws:SourceIp"},
		{"string operator on bool key", wrap(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"aws:SecureTransport":"false"}}}`), 0, "TYPE_MISMATCH", "Statement[0].Condition.StringEquals.aws:SecureTransport"},
		{"bad cidr", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}}}`), 0, "TYPE_MISMATCH_IP_RANGE", "Statement[0].Condition.IpAddress.aws:SourceIp[0]"},
		{"bad date", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"DateLessThan":{"aws:CurrentTime":"next tuesday"}}}`), 0, "TYPE_MISMATCH_DATE", "Statement[0].Condition.DateLessThan.aws:CurrentTime[0]"},
		{"bad number", wrap(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"NumericLessThan":{"s3:TlsVersion":"one point two"}}}`), 0, "TYPE_MISMATCH_NUMBER", "Statement[0].Condition.NumericLessThan.s3:TlsVersion[0]"},
		{"bad bool", wrap(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"Bool":{"aws:SecureTransport":"no"}}}`), 0, "TYPE_MISMATCH_BOOLEAN", "Statement[0].Condition.Bool.aws:SecureTransport[0]"},
		{"multiple bools", wrap(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"Bool":{"aws:SecureTransport":["false","true"]}}}`), 0, "INVALID_CONDITION_MULTIPLE_BOOLEAN", "Statement[0].Condition.Bool.aws:SecureTransport"},
		{"private ip", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}}`), 0, "PRIVATE_IP_ADDRESS", "Statement[0].Condition.IpAddress.aws:SourceIp[0]"},
		{"private not ip", wrap(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.168.0.0/16"]}}}`), 0, "PRIVATE_NOT_IP_ADDRESS", "Statement[0].Condition.NotIpAddress.aws:SourceIp[0]"},
		{"private subset", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"IpAddress":{"aws:SourceIp":"8.0.0.0/4"}}}`), 0, "PRIVATE_IP_ADDRESS_SUBSET", "Statement[0].Condition.IpAddress.aws:SourceIp[0]"},
		{"host bits", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.7/24"}}}`), 0, "IMPROVE_IP_RANGE", "Statement[0].Condition.IpAddress.aws:SourceIp[0]"},
		{"forallvalues single-valued", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"ForAllValues:StringEquals":{"aws:SourceVpce":"vpce-1"}}}`), 0, "FORALLVALUES_WITH_SINGLE_VALUED_KEY", "Statement[0].Condition.ForAllValues:StringEquals.aws:SourceVpce"},
		{"allow if exists", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}`), 0, policy.CodeAllowIfExists, "Statement[0].Condition.StringEqualsIfExists.aws:SourceVpce"},
		{"null if exists", wrap(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"NullIfExists":{"aws:SourceVpce":"true"}}}`), 0, "NULL_WITH_IF_EXISTS", "Statement[0].Condition.NullIfExists"},
		{"wildcard with equals", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-*"}}}`), 0, "WILDCARD_WITHOUT_LIKE_OPERATOR", "Statement[0].Condition.StringEquals.aws:SourceVpce[0]"},
		{"variable without version", `{"Statement":[{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/${aws:username}/*"}]}`, 0, "VARIABLE_UNSUPPORTED_IN_VERSION", "Statement[0].Resource[0]"},
		{"variable missing brace", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/${aws:username/*"}`), 0, "MISSING_BRACE_IN_VARIABLE", "Statement[0].Resource[0]"},
		{"empty variable", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/${}/*"}`), 0, "EMPTY_VARIABLE", "Statement[0].Resource[0]"},
		{"variable default quote", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/${aws:username, none}/*"}`), 0, "MISSING_QUOTE_IN_VARIABLE", "Statement[0].Resource[0]"},
		{"variable in action", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:${aws:username}","Resource":"arn:aws:s3:::b-1/*"}`), 0, "VARIABLE_UNSUPPORTED_IN_ELEMENT", "Statement[0].Action[0]"},
		{"variable in principal", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/${aws:username}"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "VARIABLE_UNSUPPORTED_IN_ELEMENT", "Statement[0].Principal.AWS[0]"},
		{"variable in not principal", wrap(`{"Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/${aws:username}"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "VARIABLE_UNSUPPORTED_IN_ELEMENT", "Statement[0].NotPrincipal.AWS[1]"},
		{"variable with numeric operator", wrap(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"NumericLessThan":{"s3:TlsVersion":"${aws:username}"}}}`), 0, "INVALID_VARIABLE_FOR_OPERATOR", "Statement[0].Condition.NumericLessThan.s3:TlsVersion[0]"},
		// Principals.
		{"principal in identity policy", wrap(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), policy.KindManaged, "UNSUPPORTED_PRINCIPAL", "Statement[0].Principal"},
		{"no principal in resource policy", wrap(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "MISSING_PRINCIPAL", "Statement[0]"},
		{"malformed principal arn", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam:111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_PRINCIPAL_FORMAT", "Statement[0].Principal.AWS[0]"},
		{"principal not an arn", wrap(`{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_PRINCIPAL_FORMAT", "Statement[0].Principal.AWS[0]"},
		{"wildcard in principal arn", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "Statement[0].Principal.AWS[0]"},
		{"principal key", wrap(`{"Effect":"Allow","Principal":{"User":"alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_PRINCIPAL_KEY", "Statement[0].Principal.User"},
		{"service principal without source", wrap(`{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b-1/logs/*"}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with negated source only", wrap(`{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b-1/logs/*","Condition":{"StringNotEquals":{"aws:SourceAccount":"444455556666"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with an IfExists source (holds without the key)", wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with a ForAllValues source (holds without the key)", wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"ForAllValues:StringEquals":{"aws:SourceAccount":"111122223333"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with a wildcard-only source ARN", wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringLike":{"aws:SourceArn":"*"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with a source ARN of any account", wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::*:distribution/*"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with one source value of any account", wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"ArnEquals":{"aws:SourceArn":["arn:aws:cloudfront::111122223333:distribution/E1","arn:aws:cloudfront::*:distribution/*"]}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with a wildcard source account", wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringLike":{"aws:SourceAccount":"1111*"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with a Null source (the key is there: any source)", wrap(`{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b-1/logs/*","Condition":{"Null":{"aws:SourceAccount":"false"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with a numeric range of source accounts", wrap(`{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b-1/logs/*","Condition":{"NumericGreaterThan":{"aws:SourceAccount":"0"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with a source equal to itself", wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"ArnEquals":{"aws:SourceArn":"${aws:SourceArn}"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal with a wildcard organization path", wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"ForAnyValue:StringLike":{"aws:SourceOrgPaths":"o-*/*"}}}`), 0, "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Statement[0].Principal"},
		{"service principal format", wrap(`{"Effect":"Allow","Principal":{"Service":"CloudFront"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_SERVICE_PRINCIPAL_FORMAT", "Statement[0].Principal.Service[0]"},
		{"canonical user format", wrap(`{"Effect":"Allow","Principal":{"CanonicalUser":"abc"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "INVALID_PRINCIPAL_FORMAT", "Statement[0].Principal.CanonicalUser[0]"},
		{"not principal with allow", wrap(`{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, "ALLOW_WITH_NOT_PRINCIPAL", "Statement[0].NotPrincipal"},
		// Security.
		{"public read", wrap(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*"}`), 0, policy.CodePublicAccess, "Statement[0].Principal"},
		{"public write", wrap(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b-1/*"}`), 0, policy.CodePublicWrite, "Statement[0].Principal"},
		{"public via broad ip", wrap(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}}`), 0, policy.CodePublicAccess, "Statement[0].Principal"},
		{"allow not action", wrap(`{"Effect":"Allow",` + owner + `,"NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::b-1"}`), 0, policy.CodeAllowWithNotAction, "Statement[0].NotAction"},
		{"allow not resource", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","NotResource":"arn:aws:s3:::b-1/secret/*"}`), 0, policy.CodeAllowWithNotResource, "Statement[0].NotResource"},
		{"permissions management cross-account", wrap(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["s3:GetObject","s3:PutBucketPolicy"],"Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"]}`), 0, policy.CodeCrossAccountPermissionsManagement, "Statement[0].Principal"},
		{"size", wrap(`{"Effect":"Allow",` + owner + `,"Action":"s3:GetObject","Resource":["arn:aws:s3:::b-1/` + strings.Repeat("k", 21000) + `"]}`), 0, "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", "Statement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := policy.Validate([]byte(tt.doc), &policy.ValidateOptions{Kind: tt.kind, Account: "111122223333"})
			var hit *policy.Finding
			for i := range fs {
				if fs[i].Code == tt.code {
					hit = &fs[i]
					break
				}
			}
			require.NotNilf(t, hit, "want %s, got %v", tt.code, fs)
			sev, ok := policy.CodeSeverity(tt.code)
			require.True(t, ok)
			assert.Equal(t, sev, hit.Severity)
			assert.NotEmpty(t, hit.Message)
			assert.Positive(t, hit.Line, "finding has a line")
			assert.Positive(t, hit.Column, "finding has a column")
			if tt.path != "" {
				assert.Equal(t, tt.path, hit.Path)
				if strings.HasPrefix(tt.path, "Statement[0]") {
					assert.Equal(t, 0, hit.Statement)
				}
			}
		})
	}
}

func TestValidatePositions(t *testing.T) {
	src := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Sid\": \"Read\",\n    \"Effect\": \"Allow\",\n    \"Principal\": {\"AWS\": \"111122223333\"},\n    \"Action\": [\"s3:GetObject\", \"s3:GetObjectz\"],\n    \"Resource\": \"arn:aws:s3:::b-1/*\"\n  }]\n}"
	fs := policy.Validate([]byte(src), nil)
	require.Len(t, fs, 1)
	f := fs[0]
	assert.Equal(t, "INVALID_ACTION", f.Code)
	assert.Equal(t, policy.SeverityError, f.Severity)
	assert.Equal(t, 0, f.Statement)
	assert.Equal(t, "Read", f.Sid)
	assert.Equal(t, "Statement[0].Action[1]", f.Path)
	assert.Equal(t, 7, f.Line)
	assert.Equal(t, 32, f.Column)

	syntax := policy.Validate([]byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]\n}"), nil)
	require.Len(t, syntax, 1)
	assert.Equal(t, "JSON_SYNTAX_ERROR", syntax[0].Code)
	assert.Equal(t, -1, syntax[0].Statement)
	assert.Equal(t, 3, syntax[0].Line)
}

func TestValidateBuiltDocument(t *testing.T) {
	doc := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{
		Effect: policy.Allow, Principal: policy.AnyPrincipal(),
		Action: policy.Strings("s3:PutObject"), Resource: policy.Strings("arn:aws:s3:::b-1/*"),
	}}}
	fs := policy.ValidateDocument(doc, nil)
	assert.Contains(t, codes(fs), policy.CodePublicAccess)
	assert.Contains(t, codes(fs), policy.CodePublicWrite)
	for _, f := range fs {
		assert.Zero(t, f.Line, "a built document has no positions")
		assert.Equal(t, "Statement[0].Principal", f.Path)
	}
	assert.Equal(t, []string{"MISSING_STATEMENT"}, codes(policy.ValidateDocument(nil, nil)))
}

// TestValidateCodesAreKnown checks every code Validate can emit against the
// Access Analyzer checks table and the s3secure codes.
func TestValidateCodesAreKnown(t *testing.T) {
	path := filepath.Join(dataDir, "access-analyzer-checks.tsv")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("reference data not found at %s", path)
	}
	defer f.Close()
	tsv := map[string]policy.Severity{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) >= 2 && fields[0] != "finding_type" {
			tsv[fields[1]] = policy.Severity(fields[0])
		}
	}
	require.NoError(t, sc.Err())
	require.Len(t, tsv, 135)

	s3secure := []string{policy.CodePublicAccess, policy.CodePublicWrite, policy.CodeAllowWithNotAction, policy.CodeAllowWithNotResource,
		policy.CodeCrossAccountPermissionsManagement, policy.CodeActionResourceMismatch, policy.CodePlaceholder, policy.CodeAllowIfExists,
		policy.CodeOldVersion, policy.CodeInvalidBucketName}
	for code, sev := range tsv {
		got, ok := policy.CodeSeverity(code)
		assert.True(t, ok, code)
		assert.Equal(t, sev, got, code)
	}
	for _, code := range s3secure {
		_, inTSV := tsv[code]
		assert.False(t, inTSV, code)
		_, ok := policy.CodeSeverity(code)
		assert.True(t, ok, code)
		assert.True(t, strings.HasPrefix(code, "S3SECURE_"), code)
	}
	_, ok := policy.CodeSeverity("NOT_A_CODE")
	assert.False(t, ok)
}

// TestValidateLargePolicyIsFast guards against quadratic blow-ups: a
// 20 KB policy with hundreds of wildcard actions and resources.
func TestValidateLargePolicyIsFast(t *testing.T) {
	var acts, res []string
	for i := 0; i < 400; i++ {
		acts = append(acts, `"s3:*"`, `"s3:Get*"`)
		res = append(res, `"arn:aws:s3:::b-1/*a*b*c*d*e*f*"`)
	}
	src := wrap(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":[` + strings.Join(acts, ",") + `],"Resource":[` + strings.Join(res, ",") + `]}`)
	start := time.Now()
	fs := policy.Validate([]byte(src), nil)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, codes(fs), "REDUNDANT_ACTION")
}

// TestValidateAcceptsBuilderOutput checks the builder and the ready-made
// statements against the validator: what s3secure writes must not block.
func TestValidateAcceptsBuilderOutput(t *testing.T) {
	var grants []policy.Grant
	for _, in := range []policy.Intent{policy.ListOnly, policy.ReadOnly, policy.WriteOnly, policy.ReadWrite} {
		grants = append(grants, policy.Grant{Intent: in, Bucket: "amzn-s3-demo-bucket", Prefix: "data/" + string(in) + "/",
			Principal: policy.AWSPrincipal("arn:aws:iam::111122223333:role/app-" + string(in))})
	}
	doc, err := policy.Build(grants, nil)
	require.NoError(t, err)
	for _, mk := range []func() (policy.Statement, error){
		func() (policy.Statement, error) { return policy.DenyInsecureTransport("amzn-s3-demo-bucket") },
		func() (policy.Statement, error) { return policy.DenyOutdatedTLS("amzn-s3-demo-bucket") },
		func() (policy.Statement, error) {
			return policy.AllowCloudFrontOAC("amzn-s3-demo-bucket", "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL")
		},
		func() (policy.Statement, error) {
			return policy.AllowCloudFrontOAI("amzn-s3-demo-bucket", "E2QWRUHAPOMQZL")
		},
		func() (policy.Statement, error) {
			return policy.DenyOutsideVPCEndpoint("amzn-s3-demo-bucket", "vpce-1a2b3c4d")
		},
		func() (policy.Statement, error) {
			return policy.DenyOutsideOrganization("amzn-s3-demo-bucket", "o-a1b2c3d4e5")
		},
		func() (policy.Statement, error) {
			return policy.DelegateToAccessPoints("amzn-s3-demo-bucket", "111122223333")
		},
		func() (policy.Statement, error) { return policy.RequireMFAForDeletes("amzn-s3-demo-bucket") },
	} {
		s, err := mk()
		require.NoError(t, err)
		doc.Statements = append(doc.Statements, s)
	}
	logs := &policy.Document{Version: policy.Version2012}
	s, err := policy.ServerAccessLogsDelivery("amzn-s3-demo-logs", "logs/", "amzn-s3-demo-bucket", "111122223333")
	require.NoError(t, err)
	logs.Statements = append(logs.Statements, s)
	for _, d := range []*policy.Document{doc, logs} {
		assert.Empty(t, policy.ValidateDocument(d, &policy.ValidateOptions{Account: "111122223333"}))
	}
}

func TestValidatePlaceholderIsNotEveryCapitalWord(t *testing.T) {
	// Object keys are case-sensitive: an upper-case prefix is real, while
	// words copied from documentation are placeholders.
	owner := `"Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"}`
	tests := []struct {
		resource    string
		placeholder bool
	}{
		{"arn:aws:s3:::my-bucket/USER_UPLOADS/*", false},
		{"arn:aws:s3:::my-bucket/ROLE-DATA/*", false},
		{"arn:aws:s3:::my-bucket/AWSLogs/111122223333/*", false},
		{"arn:aws:s3:::my-bucket/REPORTS/*", false},
		{"arn:aws:s3:::my-bucket/EXAMPLE-LOGGING-PREFIX*", true},
		{"arn:aws:s3:::my-bucket/PREFIX/*", true},
		{"arn:aws:s3:::BUCKET_NAME/*", true},
		{"arn:aws:s3:::YOUR-BUCKET/*", true},
		{"arn:aws:s3:::my-bucket/ACCOUNT-ID/*", true},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			fs := policy.Validate([]byte(wrap(`{"Effect":"Allow",`+owner+`,"Action":"s3:GetObject","Resource":"`+tt.resource+`"}`)), nil)
			if tt.placeholder {
				assert.Contains(t, codes(fs), policy.CodePlaceholder)
			} else {
				assert.NotContains(t, codes(fs), policy.CodePlaceholder)
			}
		})
	}
}

func TestValidateRedundantResourceComparesPatterns(t *testing.T) {
	owner := `"Principal":{"AWS":"111122223333"}`
	tests := []struct {
		resources string
		redundant []string // paths reported
	}{
		// "b-1/?" matches the text "b-1/*" but names one-character keys only.
		{`["arn:aws:s3:::b-1/?","arn:aws:s3:::b-1/*"]`, []string{"Statement[0].Resource[0]"}},
		{`["arn:aws:s3:::b-1/a*","arn:aws:s3:::b-1/*"]`, []string{"Statement[0].Resource[0]"}},
		{`["arn:aws:s3:::b-1/a?c","arn:aws:s3:::b-1/???"]`, []string{"Statement[0].Resource[0]"}},
		{`["arn:aws:s3:::b-1/a*","arn:aws:s3:::b-1/*b"]`, nil},
		{`["arn:aws:s3:::b-1/x/*","arn:aws:s3:::b-1/*/*"]`, []string{"Statement[0].Resource[0]"}},
		{`["arn:aws:s3:::b-1/*/*","arn:aws:s3:::b-1/x/*"]`, []string{"Statement[0].Resource[1]"}},
		{`["arn:aws:s3:::b-1/k","arn:aws:s3:::b-1/k"]`, []string{"Statement[0].Resource[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.resources, func(t *testing.T) {
			fs := policy.Validate([]byte(wrap(`{"Effect":"Allow",`+owner+`,"Action":"s3:GetObject","Resource":`+tt.resources+`}`)), nil)
			var got []string
			for _, f := range fs {
				if f.Code == "REDUNDANT_RESOURCE" {
					got = append(got, f.Path)
				}
			}
			assert.Equal(t, tt.redundant, got)
		})
	}
}

func TestValidatePermissionsManagementToEveryoneLimited(t *testing.T) {
	// Principal "*" limited to an organization is not public, but every
	// account of the organization may then rewrite the bucket policy.
	pm := func(cond string) string {
		return wrap(`{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutBucketPolicy"],"Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":` + cond + `}`)
	}
	tests := []struct {
		name, doc string
		want      bool
	}{
		{"organization", pm(`{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`), true},
		{"vpc endpoint", pm(`{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), true},
		{"other account", pm(`{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}`), true},
		{"owner account", pm(`{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`), false},
		{"owner account if exists", pm(`{"StringEqualsIfExists":{"aws:PrincipalAccount":"111122223333"},"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), true},
		{"read only", wrap(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := policy.Validate([]byte(tt.doc), &policy.ValidateOptions{Account: "111122223333"})
			assert.Equal(t, tt.want, slices.Contains(codes(fs), policy.CodeCrossAccountPermissionsManagement), codes(fs))
		})
	}
}

// TestValidateLegacyBucketNames pins that a bucket name S3 once allowed is
// no ERROR: "Before March 1, 2018, buckets created in the US East (N.
// Virginia) Region could have names that were up to 255 characters long
// and included uppercase letters and underscores" (S3 user guide, "Bucket
// naming rules"). Such buckets still exist, and an ARN naming one matches
// it; Validate called "My_Bucket" an invalid name that "matches no
// bucket", a blocking finding on a policy IAM and S3 accept. The rule is
// CheckBucketName's, the one the statement constructors apply.
func TestValidateLegacyBucketNames(t *testing.T) {
	codes := func(bucket string) []string {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
		var out []string
		for _, f := range policy.Validate([]byte(src), &policy.ValidateOptions{Kind: policy.KindManaged}) {
			out = append(out, f.Code)
		}
		return out
	}
	for _, legacy := range []string{"My_Bucket", "LOGS.2017", "a_b", strings.Repeat("a", 255)} {
		assert.NotContains(t, codes(legacy), policy.CodeInvalidBucketName, legacy)
		assert.NoError(t, policy.CheckBucketName(legacy))
	}
	for _, bad := range []string{"ab", "my!bucket", "-bucket", "bucket_", strings.Repeat("a", 256)} {
		assert.Contains(t, codes(bad), policy.CodeInvalidBucketName, bad)
		assert.Error(t, policy.CheckBucketName(bad))
	}
}

// TestValidateServicePrincipalScopedForms: a service principal is tied to
// a named source by a positive source condition whose every value
// names one account, organization or bucket; a wildcard under the
// Equals operators is a literal character (it matches no real source, so
// it grants less, never more).
func TestValidateServicePrincipalScopedForms(t *testing.T) {
	for name, cond := range map[string]string{
		"source account":               `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`,
		"source bucket (no account)":   `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::source-bucket"}}`,
		"distributions of one account": `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/*"}}`,
		"organization path":            `{"ForAnyValue:StringLike":{"aws:SourceOrgPaths":"o-a1b2c3d4e5/r-ab12/*"}}`,
		"organization id":              `{"StringEquals":{"aws:SourceOrgID":"o-a1b2c3d4e5"}}`,
		"literal star under Equals":    `{"StringEquals":{"aws:SourceArn":"*"}}`,
		"one scoped key of two blocks": `{"StringLike":{"aws:SourceArn":"*"},"StringEquals":{"aws:SourceAccount":"111122223333"}}`,
		"AWS's log delivery statement": `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::source-bucket"},"StringEquals":{"aws:SourceAccount":"111122223333"}}`,
	} {
		doc := wrap(`{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":` + cond + `}`)
		assert.NotContains(t, codes(policy.Validate([]byte(doc), nil)), "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", name)
	}
}
