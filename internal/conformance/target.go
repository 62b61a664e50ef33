package conformance

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// Target names.
const (
	TargetFake = "s3fake"
	TargetMoto = "moto"
)

// Target is one S3 implementation the scenarios run against.
type Target struct {
	// Name is TargetFake or TargetMoto.
	Name string
	// Endpoint is the base URL.
	Endpoint string
	// Region and AccountID are the owner's.
	Region    string
	AccountID string
	// Owner is a client signed as the owner account.
	Owner *s3.Client
	// HTTPClient reaches the endpoint (for presigned URLs).
	HTTPClient *http.Client
	// Fake is the s3fake behind the target, nil for moto. Scenarios that
	// need the fake's controls (clock, seeding, MFA devices) skip when nil.
	Fake *s3fake.Fake
	// ChecksSignatures is false for moto, which accepts any signature.
	ChecksSignatures bool
}

// Client returns a client for the target signed with the given static keys.
func (t *Target) Client(accessKeyID, secret, token string) *s3.Client {
	return s3fake.NewClient(t.Endpoint, t.Region, t.HTTPClient, credentials.NewStaticCredentialsProvider(accessKeyID, secret, token))
}

// Advance moves the target's clock forward; false when the target has no
// controllable clock (moto).
func (t *Target) Advance(d time.Duration) bool {
	if t.Fake == nil {
		return false
	}
	t.Fake.Advance(d)
	return true
}

// FakeTarget starts an s3fake for tb.
func FakeTarget(tb testing.TB) *Target {
	tb.Helper()
	f := s3fake.Start(tb, nil)
	return &Target{Name: TargetFake, Endpoint: f.URL, Region: f.Region(), AccountID: f.AccountID(),
		Owner: f.OwnerClient(), HTTPClient: f.HTTPClient(), Fake: f, ChecksSignatures: true}
}

// MotoTarget starts (or finds, see StartMoto) a moto_server for tb.
func MotoTarget(tb testing.TB) *Target {
	tb.Helper()
	ep := StartMoto(tb)
	t := &Target{Name: TargetMoto, Endpoint: ep, Region: "us-east-1", AccountID: MotoAccountID, HTTPClient: &http.Client{Timeout: 30 * time.Second}}
	t.Owner = s3fake.NewClient(ep, t.Region, t.HTTPClient, credentials.NewStaticCredentialsProvider("AKIAMOTOOWNER0000001", "moto-secret", ""))
	return t
}

// Each runs fn against every target as a subtest: the fake always, moto when
// available (skipped with a message otherwise, failed under CI).
func Each(t *testing.T, fn func(t *testing.T, tgt *Target)) {
	t.Helper()
	t.Run(TargetFake, func(t *testing.T) { fn(t, FakeTarget(t)) })
	t.Run(TargetMoto, func(t *testing.T) { fn(t, MotoTarget(t)) })
}
