package s3fake

import (
	"math/rand"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Fault codes with their S3 statuses.
const (
	FaultSlowDown           = "SlowDown"           // 503
	FaultInternalError      = "InternalError"      // 500
	FaultOperationAborted   = "OperationAborted"   // 409
	FaultServiceUnavailable = "ServiceUnavailable" // 503
	// FaultConnectionReset answers no status at all: the server resets the
	// TCP connection before handling the request (the client sees
	// "connection reset by peer" or EOF).
	FaultConnectionReset = "ConnectionReset"
	// FaultInvalidToken is S3's 400 InvalidToken, "The provided token is
	// malformed or otherwise invalid." (S3 API reference, "List of error
	// codes"), with the request's session token echoed as Token-0, as S3
	// does. It is how S3 in an opt-in Region answers a session token that
	// is not valid there: "Version 1 tokens are valid only in AWS Regions
	// that are available by default. These tokens do not work in manually
	// enabled Regions, such as Asia Pacific (Hong Kong)" (IAM API
	// reference, SetSecurityTokenServicePreferences). Give it a Region.
	FaultInvalidToken = "InvalidToken"
	// FaultAllAccessDisabled is S3's 403 AllAccessDisabled, "All access
	// to this Amazon S3 resource has been disabled. Contact Amazon Web
	// Services Support for further assistance." (S3 API reference, the
	// Error type's list of codes), with the message S3 sends, "All access
	// to this object has been disabled" (as answered for buckets AWS has
	// disabled, whoever asks, signed or not). Give it a Bucket.
	FaultAllAccessDisabled = "AllAccessDisabled"
)

// AnyOperation matches every operation in InjectFault.
const AnyOperation = "*"

// Fault is an injected failure or delay for one operation.
type Fault struct {
	// Code is the S3 error code to answer with (FaultSlowDown,
	// FaultInternalError, FaultOperationAborted, FaultConnectionReset, or
	// any other code). Empty means no error: only Latency applies.
	Code string
	// Codes, when not empty, makes a failing request fail with one of them,
	// drawn at random from the same RNG, so one fault mixes kinds of
	// failure; Code then only needs to be non-empty.
	Codes []string
	// StatusCode overrides the status derived from Code (503 for SlowDown
	// and ServiceUnavailable, 409 for OperationAborted, 500 otherwise).
	StatusCode int
	// Latency is added to every matching request (whether or not it fails),
	// without holding any lock.
	Latency time.Duration
	// Count, when positive, makes the next Count matching requests fail and
	// then removes the error (latency stays).
	Count int
	// Rate, when Count is zero, is the probability in (0,1] that a matching
	// request fails, drawn from a RNG seeded with Options.FaultSeed. Zero
	// Rate and zero Count mean every matching request fails.
	Rate float64
	// Region, when set, makes the fault match only requests signed for
	// that Region: one Region's endpoint. AWS answers each Region at its
	// own host; the fake serves them all at one address and tells them
	// apart by the signature's Region. A fault for an operation and a
	// Region is kept beside the operation's fault for every Region.
	// FaultInvalidToken in a Region is how S3 answers a session token
	// that is not valid there.
	Region string
	// Bucket, when set, makes the fault match only requests to that
	// bucket, whatever their Region; it is kept beside the faults for
	// every bucket. FaultAllAccessDisabled on a bucket is how S3 answers
	// every request to a bucket AWS has disabled.
	Bucket string
}

func (f Fault) status() int {
	if f.StatusCode != 0 {
		return f.StatusCode
	}
	switch f.Code {
	case FaultSlowDown, FaultServiceUnavailable:
		return http.StatusServiceUnavailable
	case FaultOperationAborted:
		return http.StatusConflict
	case FaultInvalidToken:
		return http.StatusBadRequest
	case FaultAllAccessDisabled:
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

func (f Fault) message() string {
	switch f.Code {
	case FaultSlowDown:
		return "Please reduce your request rate."
	case FaultOperationAborted:
		return "A conflicting conditional operation is currently in progress against this resource. Please try again."
	case FaultServiceUnavailable:
		return "Service is unable to handle request."
	case "RequestTimeTooSkewed":
		return "The difference between the request time and the current time is too large."
	case FaultInvalidToken:
		return "The provided token is malformed or otherwise invalid."
	case FaultAllAccessDisabled:
		return "All access to this object has been disabled"
	}
	return "We encountered an internal error. Please try again."
}

type faultTable struct {
	mu     sync.Mutex
	faults map[string]*Fault
	rng    *rand.Rand
}

func newFaultTable(seed int64) *faultTable {
	return &faultTable{faults: map[string]*Fault{}, rng: rand.New(rand.NewSource(seed))}
}

// pick returns the latency to add and the error to answer for op, in a
// request signed for region ("" when unsigned) to bucket ("" for none).
func (t *faultTable) pick(op, region, bucket string) (time.Duration, *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.faults) == 0 {
		return 0, nil
	}
	var latency time.Duration
	var err *Error
	keys := []string{op, AnyOperation}
	if region != "" {
		keys = append([]string{faultKey(op, region, ""), faultKey(AnyOperation, region, "")}, keys...)
	}
	if bucket != "" {
		keys = append([]string{faultKey(op, "", bucket), faultKey(AnyOperation, "", bucket)}, keys...)
	}
	for _, key := range keys {
		f := t.faults[key]
		if f == nil {
			continue
		}
		latency += f.Latency
		if err != nil || f.Code == "" {
			continue
		}
		fail := false
		code := f.Code
		switch {
		case f.Count > 0:
			f.Count--
			fail = true
			if f.Count == 0 {
				f.Code = "" // spent: only the latency stays
			}
		case f.Rate > 0:
			fail = t.rng.Float64() < f.Rate
		default:
			fail = true
		}
		if fail {
			g := *f
			g.Code = code
			if len(f.Codes) > 0 {
				g.Code = f.Codes[t.rng.Intn(len(f.Codes))]
			}
			err = errf(g.status(), g.Code, g.message())
		}
	}
	return latency, err
}

type counters struct {
	mu     sync.Mutex
	ops    map[string]int
	writes int
	total  int
}

func (c *counters) add(op, method string) {
	c.mu.Lock()
	c.ops[op]++
	c.total++
	if method != http.MethodGet && method != http.MethodHead {
		c.writes++
	}
	c.mu.Unlock()
}

// InjectFault installs f for operation op (an SDK operation name such as
// "PutBucketPolicy", or AnyOperation), replacing any earlier fault for op
// (in f.Region, or on f.Bucket, when set). A fault with both a Region
// and a Bucket is the Bucket's.
func (s *Server) InjectFault(op string, f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	region := f.Region
	if f.Bucket != "" {
		region = ""
	}
	s.faults.faults[faultKey(op, region, f.Bucket)] = &f
}

// faultKey is the fault table's key of op in region ("": every Region)
// or on bucket ("": every bucket).
func faultKey(op, region, bucket string) string {
	switch {
	case bucket != "":
		return op + " bucket " + bucket
	case region != "":
		return op + " " + region
	}
	return op
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = map[string]*Fault{}
}

// Count returns how many requests for op the fake has received (including
// refused and failed ones) since the last ResetCounts.
func (s *Server) Count(op string) int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	return s.counts.ops[op]
}

// Counts returns a copy of the per-operation request counts.
func (s *Server) Counts() map[string]int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	out := make(map[string]int, len(s.counts.ops))
	for k, v := range s.counts.ops {
		out[k] = v
	}
	return out
}

// Operations returns the names of the operations counted so far, sorted.
func (s *Server) Operations() []string {
	c := s.Counts()
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WriteCount returns how many requests with a method other than GET and HEAD
// the fake has received since the last ResetCounts.
func (s *Server) WriteCount() int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	return s.counts.writes
}

// TotalCount returns how many requests the fake has received since the last
// ResetCounts.
func (s *Server) TotalCount() int {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	return s.counts.total
}

// ResetCounts zeroes every counter.
func (s *Server) ResetCounts() {
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	s.counts.ops = map[string]int{}
	s.counts.writes = 0
	s.counts.total = 0
}
