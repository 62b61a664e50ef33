package organization_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

// Audit every account of an organization: here the in-memory AWS of
// package s3securetest plays the management account (in production, the
// Config comes from config.LoadDefaultConfig with the management
// account's, or a delegated administrator's, credentials). One member has
// the audit role and two buckets, one hardened; one has no such role; one
// is suspended.
func ExampleAudit() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{Organization: true, LegacyBuckets: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	prod, _ := srv.AddMember("222233334444", &s3securetest.MemberOptions{Name: "prod", Role: "S3SecureAudit"})
	_, _ = srv.AddMember("333344445555", &s3securetest.MemberOptions{Name: "sandbox"})
	_, _ = srv.AddMember("444455556666", &s3securetest.MemberOptions{Name: "retired", Suspended: true})
	for _, b := range []string{"prod-invoices", "prod-reports"} {
		_, _ = s3.NewFromConfig(prod).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
	}
	if _, err := securebucket.Harden(ctx, s3.NewFromConfig(prod), "prod-invoices", nil); err != nil {
		fmt.Println(err)
		return
	}

	report := func(r *organization.Report) error {
		fmt.Println(r.Account.ID, r.Account.Name, r.Status)
		for _, row := range r.Rows {
			fmt.Println("  ", row.Resource, row.Control, row.Status)
		}
		return nil
	}
	sum, err := organization.Audit(ctx, srv.Config, organizations.NewFromConfig(srv.Config), sts.NewFromConfig(srv.Config), report,
		&organization.Options{
			Role:     "S3SecureAudit",
			Controls: []securebucket.Control{securebucket.ControlTLSOnly, securebucket.ControlBucketBPA},
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d accounts: %d audited, %d unreachable, %d skipped\n", sum.Accounts, sum.Audited, sum.Unreachable, sum.Skipped)
	// Output:
	// 111122223333 management AUDITED
	//    111122223333 S3Secure.AccountAccess NOT_APPLICABLE
	// 222233334444 prod AUDITED
	//    prod-invoices S3.5 PASS
	//    prod-invoices S3.8 PASS
	//    prod-reports S3.5 FAIL
	//    prod-reports S3.8 FAIL
	// 333344445555 sandbox UNREACHABLE
	//    333344445555 S3Secure.AccountAccess UNKNOWN
	// 444455556666 retired SKIPPED
	//    444455556666 S3Secure.AccountAccess NOT_APPLICABLE
	// 4 accounts: 2 audited, 1 unreachable, 1 skipped
}

// Run does any per-account work the way Audit does (the role in each
// member account, the bound on requests in flight, throttling, checkpoint,
// shards): here, listing each account's buckets. Build the account's
// clients from Account.Config, which acts in the account.
func ExampleRun() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{Organization: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	for i, id := range []string{"222233334444", "333344445555"} {
		member, _ := srv.AddMember(id, &s3securetest.MemberOptions{Role: "Inventory", ExternalID: "inventory-2024"})
		for j := 0; j <= i; j++ {
			_, _ = s3.NewFromConfig(member).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(fmt.Sprintf("data-%s-%d", id, j))})
		}
	}

	work := organization.Work[string]{
		Name: "buckets", // names the work in a checkpoint
		Audit: func(ctx context.Context, a *organization.Account) ([]string, error) {
			out, err := s3.NewFromConfig(a.Config).ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				return nil, err
			}
			var names []string
			for _, b := range out.Buckets {
				names = append(names, aws.ToString(b.Name))
			}
			slices.Sort(names)
			return names, nil
		},
	}
	_, err = organization.Run(ctx, srv.Config, organizations.NewFromConfig(srv.Config), sts.NewFromConfig(srv.Config), work,
		func(r *organization.Result[string]) error {
			fmt.Printf("%s %s: [%s]\n", r.Account.ID, r.Status, strings.Join(r.Rows, " "))
			return nil
		},
		&organization.Options{Role: "Inventory", ExternalID: "inventory-2024"})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 111122223333 AUDITED: []
	// 222233334444 AUDITED: [data-222233334444-0]
	// 333344445555 AUDITED: [data-333344445555-0 data-333344445555-1]
}

// A resumable audit: the checkpoint is signed with a key the caller holds,
// so a resumed run cannot be fed results that were never audited. Here
// the checkpoint is edited to make the failing bucket pass, and the next
// run refuses it.
func ExampleAudit_checkpoint() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{Organization: true, LegacyBuckets: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	prod, _ := srv.AddMember("222233334444", &s3securetest.MemberOptions{Name: "prod", Role: "S3SecureAudit"})
	_, _ = s3.NewFromConfig(prod).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("prod-reports")})
	dir, _ := os.MkdirTemp("", "checkpoint")
	defer os.RemoveAll(dir)

	opts := &organization.Options{
		Role:       "S3SecureAudit",
		Controls:   []securebucket.Control{securebucket.ControlBucketBPA},
		Checkpoint: filepath.Join(dir, "org.checkpoint"),
		// DO NOT hardcode the key: read it from a secret store or a file
		// that whoever can write the checkpoint cannot read.
		CheckpointKey: organization.CheckpointKey("example key: 32 bytes or more, random in real use"),
	}
	audit := func() error {
		_, err := organization.Audit(ctx, srv.Config, organizations.NewFromConfig(srv.Config), sts.NewFromConfig(srv.Config),
			func(r *organization.Report) error {
				for _, row := range r.Rows {
					fmt.Println(r.Account.ID, row.Resource, row.Control, row.Status)
				}
				return nil
			}, opts)
		return err
	}
	if err := audit(); err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(opts.Checkpoint)
	_ = os.WriteFile(opts.Checkpoint, bytes.ReplaceAll(data, []byte(`"FAIL"`), []byte(`"PASS"`)), 0o600)
	err = audit()
	fmt.Println(errors.Is(err, organization.ErrCheckpointIntegrity))
	// Output:
	// 111122223333 111122223333 S3Secure.AccountAccess NOT_APPLICABLE
	// 222233334444 prod-reports S3.8 FAIL
	// true
}
