package localaws

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// Account is one AWS account of the local AWS: its id, its root
// credentials, and the fakes of its account-scoped services. Its buckets
// live in the server's one S3 ([Server.S3]), owned by the account. The
// fakes are exported for seeding and inspection (trails, analyzers,
// findings, users, faults, counters); requests reach them through the
// server, routed by the caller's access key.
type Account struct {
	// ID is the 12-digit account id.
	ID string

	S3Control      *s3controlfake.Server
	CloudFront     *cffake.Fake
	CloudTrail     *cloudtrailfake.Server
	AccessAnalyzer *aafake.Server
	IAM            *iamfake.Server

	srv  *Server
	root s3fake.Credential
}

// newAccount makes the account's fakes, all verifying signatures against
// the server's one credential table (the router only sends them requests
// signed with this account's keys, and unknown keys).
func (s *Server) newAccount(id string) *Account {
	scan, resources, check := s.accessAnalyzerOptions(id)
	return &Account{
		ID:         id,
		srv:        s,
		S3Control:  s3controlfake.New(&s3controlfake.Options{AccountID: id, Region: s.region, S3: s.s3, Credentials: s.creds}),
		CloudFront: cffake.New(&cffake.Options{AccountID: id, Now: s.Now, Credentials: s.creds}),
		CloudTrail: cloudtrailfake.New(&cloudtrailfake.Options{AccountID: id, Region: s.region, Credentials: s.creds}),
		AccessAnalyzer: aafake.New(&aafake.Options{Account: id, Region: s.region, Now: s.Now, Credentials: s.creds,
			Scan: scan, Resources: resources, CheckNoPublicAccess: check}),
		IAM: iamfake.NewWith(&iamfake.Options{AccountID: id, Credentials: s.creds, Region: s.region}),
	}
}

// service returns the account's fake for a signing (or routing) name, or
// nil.
func (a *Account) service(name string) http.Handler {
	switch name {
	case ServiceS3Control:
		return a.S3Control
	case ServiceCloudFront:
		return a.CloudFront
	case ServiceCloudTrail:
		return a.CloudTrail
	case ServiceAccessAnalyzer:
		return a.AccessAnalyzer
	case ServiceIAM:
		return a.IAM
	}
	return nil
}

// Root returns the account root user's credentials.
func (a *Account) Root() s3fake.Credential { return a.root }

// AddUser issues a new access key for an IAM user of the account.
func (a *Account) AddUser(name string) (s3fake.Credential, error) {
	return a.issue(s3fake.UserPrincipalIn(a.srv.partition(), a.ID, name), false, time.Time{})
}

// AddRoleSession issues temporary credentials (with a session token) for a
// session of a role of the account, as STS AssumeRole does; they stop
// working at expires on the server's clock (never when zero). S3 answers
// ExpiredToken afterwards; the other services no longer know the key.
func (a *Account) AddRoleSession(role, session string, expires time.Time) (s3fake.Credential, error) {
	return a.issue(s3fake.RolePrincipalIn(a.srv.partition(), a.ID, role, session), true, expires)
}

// issue makes a new access key for p and registers it with every service.
func (a *Account) issue(p s3fake.Principal, temporary bool, expires time.Time) (s3fake.Credential, error) {
	prefix := "AKIA"
	if temporary {
		prefix = "ASIA"
	}
	c := s3fake.Credential{AccessKeyID: prefix + randomString(16, keyAlphabet), SecretAccessKey: randomSecret(), Principal: p, Expires: expires}
	if temporary {
		c.SessionToken = randomSecret() + randomSecret()
	}
	if err := a.srv.s3.AddCredential(c); err != nil {
		return s3fake.Credential{}, fmt.Errorf("localaws: %w", err)
	}
	a.srv.remember(c)
	return c, nil
}

// keyAlphabet is the alphabet of AWS access key ids after the prefix.
const keyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// randomSecret returns 40 characters, the length of an AWS secret key.
func randomSecret() string {
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// NewAccessKey returns a random access key pair in AWS's shapes (AKIA and
// 16 characters; a 40-character secret), for a server's owner credentials.
func NewAccessKey() (id, secret string) {
	return "AKIA" + randomString(16, keyAlphabet), randomSecret()
}

// SetFault makes requests for op (an SDK operation name, such as
// "GetBucketPolicy" or "ListDistributions") to service (a name from
// [ServiceNames]) fail with f: f.Times of them, or every one until cleared
// with a zero Fault. The fault is the account's, except for s3, sts,
// organizations (the one organization) and account (the Account
// Management API), which every account shares. For s3, f.Status
// overrides the status S3 gives f.Code and f.Message is S3's own.
//
// Errors: for a service the endpoint does not serve, and for
// organizations before [Server.CreateOrganization].
func (a *Account) SetFault(service, op string, f fakeutil.Fault) error {
	switch service {
	case ServiceS3:
		a.srv.s3.InjectFault(op, s3fake.Fault{Code: f.Code, StatusCode: f.Status, Count: f.Times})
	case ServiceSTS:
		a.srv.sts.SetFault(op, f)
	case ServiceS3Control:
		a.S3Control.SetFault(op, f)
	case ServiceCloudFront:
		a.CloudFront.SetFault(op, f)
	case ServiceCloudTrail:
		a.CloudTrail.SetFault(op, f)
	case ServiceAccessAnalyzer:
		a.AccessAnalyzer.SetFault(op, f)
	case ServiceIAM:
		a.IAM.SetFault(op, f)
	case ServiceOrganizations:
		org := a.srv.Organization()
		if org == nil {
			return errors.New("localaws: no organization")
		}
		org.SetFault(op, f)
	case ServiceAccount:
		a.srv.Regions().SetFault(op, f)
	default:
		return fmt.Errorf("localaws: no service %q", service)
	}
	return nil
}

// Count returns how many requests for op service has received (the SDK's
// resends of one operation count once); for s3, sts, organizations and
// account, from every account. It is 0 for a service the endpoint does not serve.
func (a *Account) Count(service, op string) int {
	switch service {
	case ServiceS3:
		return a.srv.s3.Count(op)
	case ServiceSTS:
		return a.srv.sts.Count(op)
	case ServiceS3Control:
		return a.S3Control.Count(op)
	case ServiceCloudFront:
		return a.CloudFront.Count(op)
	case ServiceCloudTrail:
		return a.CloudTrail.Count(op)
	case ServiceAccessAnalyzer:
		return a.AccessAnalyzer.Calls(op)
	case ServiceIAM:
		return a.IAM.Calls(op)
	case ServiceOrganizations:
		if org := a.srv.Organization(); org != nil {
			return org.Count(op)
		}
	case ServiceAccount:
		return a.srv.Regions().Count(op)
	}
	return 0
}
