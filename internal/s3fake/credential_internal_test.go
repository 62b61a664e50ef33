package s3fake

import (
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// A key deleted while a request signed with it is in flight, after its
// signature was checked: the request is decided for the principal whose
// key it was checked with. Before, the fake looked the key up a second
// time, found nothing and decided for a principal of no account (AccessDenied;
// MethodNotAllowed for a bucket policy read, as to another account),
// which made securebucket's TestAuditAllStopsAtSetupProblemConcurrently
// fail now and then: an UNKNOWN result in a report finished with the key.
func TestKeyRemovedDuringRequest(t *testing.T) {
	f := Start(t, nil)
	require.NoError(t, f.CreateBucket("bkt", StateAWSDefault))
	user := f.AddUser("", "auditor")
	var once sync.Once
	f.afterVerify = func() { once.Do(func() { f.RemoveCredential(user.AccessKeyID) }) }
	c := f.Client(user)

	_, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("bkt")})
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "NoSuchBucketPolicy", ae.ErrorCode(), "decided for the auditor: %v", err)

	_, err = c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("bkt")})
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "InvalidAccessKeyId", ae.ErrorCode(), "the next request is refused at its key")
}
