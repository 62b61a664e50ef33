package organization_test

import (
	"fmt"
	"net/http"
	"net/http/httptrace"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/organization"
)

// counter counts the requests a client sends, the most in flight at
// once, the time they spent in flight (from sending to the response's
// headers) and the connections the transport had to open for them.
type counter struct {
	next          aws.HTTPClient
	n             atomic.Int64
	inFlight, max atomic.Int64
	busy          atomic.Int64 // nanoseconds in flight, summed over requests
	newConns      atomic.Int64
}

func (c *counter) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	n := c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	for m := c.max.Load(); n > m && !c.max.CompareAndSwap(m, n); m = c.max.Load() {
	}
	r = r.WithContext(httptrace.WithClientTrace(r.Context(), &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if !info.Reused {
			c.newConns.Add(1)
		}
	}}))
	start := time.Now()
	defer func() { c.busy.Add(int64(time.Since(start))) }()
	return c.next.Do(r)
}

func (c *counter) reset() {
	c.n.Store(0)
	c.max.Store(0)
	c.busy.Store(0)
	c.newConns.Store(0)
}

// BenchmarkAuditOrganization audits an organization of N accounts with 25
// buckets each on the in-memory AWS with 20 ms added to every request, at
// the default concurrency (64 requests in flight), and reports, from the
// same run:
//
//   - requests, and the bound requests × latency / concurrency (bound-s)
//     against the wall time (x-bound: 1 would be perfect; the target is
//     1.5 or less);
//   - where the wall time went: the requests the audit kept in flight on
//     average (mean-in-flight, at most 64) and how long a request took
//     from sending to the response's headers (req-ms: the 20 ms plus the
//     time the request waited for a CPU, in the fake or the client). Their
//     product is close to the wall time: x-bound ≈ (req-ms / 20) × (64 /
//     mean-in-flight); the first factor is the machine's, the second the
//     audit's scheduling;
//   - the process's CPU time (cpu-s, in µs per request: cpu-µs/req), the
//     cores it got on average (cores: cpu-s / wall-s; a busy machine gives
//     it less than GOMAXPROCS), and the load average when it started and
//     ended (load1-start, load1-end, from /proc/loadavg);
//   - new-conns, the connections opened (keep-alive works when it is near
//     the concurrency, not the number of requests);
//   - the live heap after a quarter of the accounts and after all of them
//     (the results stream out, so it should not grow with the accounts
//     done).
//
// The fake answers in this process, so cpu-s is the SDK clients', the
// audit's and the fakes' (each request is signed and verified, TLS on both
// sides): about 530 µs per request on the development machines, of which
// this package's code is about 6 µs (a CPU profile: the SDK clients about
// 170 µs, net/http and TLS on both sides 190 µs, the fakes' handlers 75
// µs, the garbage collector's background work 60 µs). Meeting the bound
// at 20 ms takes 3,200 requests a second, so about 1.7 free cores. The
// latency=200ms sub-benchmark needs a tenth of that, so on a loaded
// machine it shows the audit's own scheduling.
//
//	go test -run '^$' -bench AuditOrganization -benchtime 1x ./organization
func BenchmarkAuditOrganization(b *testing.B) {
	for _, tc := range []struct {
		accounts int
		latency  time.Duration
	}{{20, 20 * time.Millisecond}, {200, 20 * time.Millisecond}, {200, 200 * time.Millisecond}} {
		b.Run(fmt.Sprintf("accounts=%d/buckets=25/latency=%s", tc.accounts, tc.latency), func(b *testing.B) { benchAudit(b, tc.accounts, 25, tc.latency) })
	}
}

func benchAudit(b *testing.B, accounts, buckets int, latency time.Duration) {
	srv, err := localaws.New(&localaws.Options{Latency: latency, LegacyBuckets: true})
	if err != nil {
		b.Fatal(err)
	}
	ep, err := srv.Listen(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ep.Close()
	if _, err := srv.CreateOrganization(); err != nil {
		b.Fatal(err)
	}
	for i := range accounts {
		id := fmt.Sprintf("4444%08d", i)
		if _, err := srv.AddMember(id, localaws.Member{Role: role}); err != nil {
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
	var load0, load1 float64
	for range b.N {
		cnt.reset()
		done := 0
		load0 = loadAverage()
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
		load1 = loadAverage()
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
	busy := time.Duration(cnt.busy.Load())
	b.ReportMetric(busy.Seconds()/wall.Seconds(), "mean-in-flight")
	b.ReportMetric(float64(busy.Milliseconds())/reqs, "req-ms")
	b.ReportMetric(float64(cnt.newConns.Load()), "new-conns")
	b.ReportMetric(cpu.Seconds(), "cpu-s")
	b.ReportMetric(float64(cpu.Microseconds())/reqs, "cpu-µs/req")
	b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cores")
	b.ReportMetric(load0, "load1-start")
	b.ReportMetric(load1, "load1-end")
	b.ReportMetric(heapQuarter, "heapMB-quarter")
	b.ReportMetric(heapEnd, "heapMB-end")
}

// loadAverage is the one-minute load average (0 where /proc/loadavg is
// not there).
func loadAverage() float64 {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f, _, _ := strings.Cut(string(data), " ")
	v, _ := strconv.ParseFloat(f, 64)
	return v
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
