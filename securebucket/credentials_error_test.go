package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3secure/s3secure/internal/secrettest"
	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

// TestCredentialProviderErrorsHaveNoSecrets: clients whose credentials come
// from a credential_process printing output that does not parse (the SDK's
// error quotes it, secret key and session token included). What the
// package returns names the provider's error by its types and keeps it in
// the chain; its own error types built around such an SDK error (from a
// call the package did not make) print it the same way.
func TestCredentialProviderErrorsHaveNoSecrets(t *testing.T) {
	ctx := t.Context()
	srv := s3securetest.NewServer(t, nil)
	leak := secrettest.NewLeak(t, srv.Config, "securebucket")
	client := s3.NewFromConfig(leak.Config)
	control := s3control.NewFromConfig(leak.Config)
	trails := cloudtrail.NewFromConfig(leak.Config)
	raw := leak.Raw

	errs := map[string]error{
		"StepError":    &securebucket.StepError{Bucket: "b-leaky", Step: securebucket.StepCreate, Err: raw},
		"AccountError": &securebucket.AccountError{AccountID: "111122223333", Operation: "GetPublicAccessBlock", Err: raw},
		"TrailError":   &securebucket.TrailError{Trail: "t", Operation: "GetEventSelectors", Err: raw},
	}
	_, errs["Audit"] = securebucket.Audit(ctx, client, "b-leaky", nil)
	_, errs["AuditAll"] = securebucket.AuditAll(ctx, client, nil)
	_, errs["Harden"] = securebucket.Harden(ctx, client, "b-leaky", nil)
	_, errs["Create"] = securebucket.Create(ctx, client, "b-leaky-new", nil)
	_, errs["ReadAccountPublicAccessBlock"] = securebucket.ReadAccountPublicAccessBlock(ctx, control, s3securetest.DefaultAccountID)
	errs["AuditAccountPublicAccessBlock"] = securebucket.AuditAccountPublicAccessBlock(ctx, control, s3securetest.DefaultAccountID).Err
	_, errs["AuditDataEvents"] = securebucket.AuditDataEvents(ctx, trails, nil)
	leak.Check(t, errs)
}
