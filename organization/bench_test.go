package organization_test

import (
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/orgfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/organization"
)

// counter counts the requests a client sends.
type counter struct {
	next          aws.HTTPClient
	n             atomic.Int64
	inFlight, max atomic.Int64
}

func (c *counter) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	n := c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	for m := c.max.Load(); n > m && !c.max.CompareAndSwap(m, n); m = c.max.Load() {
	}
	return c.next.Do(r)
}

// BenchmarkAuditOrganization audits an organization of N accounts with 25
// buckets each on the in-memory AWS with 20 ms added to every request, at
// the default concurrency (64 requests in flight), and reports, from the
// same run, the wall time against the bound requests × latency /
// concurrency (x-bound: 1 would be perfect; the target is 1.5 or less),
// and the live heap after a quarter of the accounts and after all of them
// (the results stream out, so it should not grow with the accounts done).
//
//	go test -run '^$' -bench AuditOrganization -benchtime 1x ./organization
func BenchmarkAuditOrganization(b *testing.B) {
	for _, n := range []int{20, 200} {
		b.Run(fmt.Sprintf("accounts=%d/buckets=25", n), func(b *testing.B) { benchAudit(b, n, 25) })
	}
}

func benchAudit(b *testing.B, accounts, buckets int) {
	const latency = 20 * time.Millisecond
	srv, err := localaws.New(&localaws.Options{Latency: latency, LegacyBuckets: true})
	if err != nil {
		b.Fatal(err)
	}
	ep, err := srv.Listen(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ep.Close()
	org, err := srv.CreateOrganization()
	if err != nil {
		b.Fatal(err)
	}
	for i := range accounts {
		id := fmt.Sprintf("4444%08d", i)
		a, err := srv.AddAccount(id)
		if err != nil {
			b.Fatal(err)
		}
		if err := org.AddAccount(orgfake.Account{ID: id}); err != nil {
			b.Fatal(err)
		}
		if err := a.AddRole(role, localaws.TrustPolicy(srv.Owner().ID, "")); err != nil {
			b.Fatal(err)
		}
		for j := range buckets {
			if err := srv.S3().CreateBucketWith(fmt.Sprintf("bench-%s-%03d", id, j), &s3fake.BucketOptions{State: s3fake.StateLegacy, AccountID: id}); err != nil {
				b.Fatal(err)
			}
		}
	}
	cfg := ep.Config(srv.Owner().Root())
	cnt := &counter{next: cfg.HTTPClient}
	cfg.HTTPClient = cnt
	b.ResetTimer()
	var wall time.Duration
	var heapQuarter, heapEnd float64
	var cpu time.Duration
	for range b.N {
		cnt.n.Store(0)
		done := 0
		cpu0 := cpuTime()
		start := time.Now()
		sum, err := organization.Audit(b.Context(), cfg, organizations.NewFromConfig(cfg), sts.NewFromConfig(cfg), func(r *organization.Report) error {
			done++
			if done == (accounts+1)/4 || done == accounts+1 {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if done == accounts+1 {
					heapEnd = float64(ms.HeapAlloc) / (1 << 20)
				} else {
					heapQuarter = float64(ms.HeapAlloc) / (1 << 20)
				}
			}
			return nil
		}, &organization.Options{Role: role})
		wall = time.Since(start)
		cpu = cpuTime() - cpu0
		if err != nil {
			b.Fatal(err)
		}
		if sum.Audited != accounts+1 {
			b.Fatalf("audited %d accounts, want %d", sum.Audited, accounts+1)
		}
	}
	b.StopTimer()
	reqs := float64(cnt.n.Load())
	bound := time.Duration(reqs * float64(latency) / organization.DefaultConcurrency)
	b.ReportMetric(reqs, "requests")
	b.ReportMetric(float64(cnt.max.Load()), "max-in-flight")
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(bound.Seconds(), "bound-s")
	b.ReportMetric(wall.Seconds()/bound.Seconds(), "x-bound")
	// The fakes and the clients share this machine's CPUs: when the
	// process's CPU time over the cores exceeds the latency bound, the run
	// is CPU-bound (the fakes' work, not the audit's waiting), and
	// x-cpu-bound compares with that floor instead.
	floor := max(bound, cpu/time.Duration(runtime.GOMAXPROCS(0)))
	b.ReportMetric(cpu.Seconds(), "cpu-s")
	b.ReportMetric(wall.Seconds()/floor.Seconds(), "x-cpu-bound")
	b.ReportMetric(heapQuarter, "heapMB-quarter")
	b.ReportMetric(heapEnd, "heapMB-end")
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
