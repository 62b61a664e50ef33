package securebucket_test

import (
	"context"
	"fmt"

	"github.com/s3secure/s3secure/securebucket"
)

// ExampleAuditAll audits every bucket the client can list, a few at a
// time, and counts the failing controls per bucket. A bucket that cannot be
// audited has Report.Err set and does not stop the run.
func ExampleAuditAll() {
	ctx := context.Background()
	srv, client, err := startAWS(true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	createBucket(ctx, client, "fleet-legacy")
	createBucket(ctx, client, "fleet-new")
	_, _ = securebucket.Harden(ctx, client, "fleet-new", nil)

	done := 0
	fleet, err := securebucket.AuditAll(ctx, client, &securebucket.AuditOptions{
		Concurrency: 4,
		Progress:    func(securebucket.Progress) { done++ },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("buckets audited:", done)
	for _, rep := range fleet.Buckets {
		fails := 0
		for _, r := range rep.Results {
			if r.Status == securebucket.StatusFail {
				fails++
			}
		}
		fmt.Printf("%s: %d of %d controls fail\n", rep.Bucket, fails, len(rep.Results))
	}
	fmt.Println("fleet failed:", fleet.Failed())
	// Output:
	// buckets audited: 2
	// fleet-legacy: 7 of 12 controls fail
	// fleet-new: 0 of 12 controls fail
	// fleet failed: true
}
