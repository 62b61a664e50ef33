package fakeutil

import (
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Fault is an error a fake returns instead of performing an operation.
type Fault struct {
	// Status is the HTTP status code, for example 500 or 503.
	Status int
	// Code is the service's error code, for example "ServiceUnavailable".
	Code string
	// Message is the error message.
	Message string
	// Times is how many requests fail; 0 means every request until cleared.
	Times int
}

// MessageOrStatus returns f.Message, or the text of f.Status when Message
// is empty.
func (f Fault) MessageOrStatus() string {
	if f.Message == "" {
		return http.StatusText(f.Status)
	}
	return f.Message
}

// Ops counts a fake's requests per operation and holds the faults injected
// for operations. The zero value is ready to use; it is safe for concurrent
// use.
type Ops struct {
	mu     sync.Mutex
	counts map[string]int
	faults map[string]*Fault
}

// Hit records one request for op and returns the fault it must fail with,
// if any, using up one of the fault's Times. A request the SDK resent
// ([Resent]) is not counted again: counts are operations the client asked
// for, not transport attempts.
func (o *Ops) Hit(op string, r *http.Request) (Fault, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.counts == nil {
		o.counts = map[string]int{}
	}
	if !Resent(r) {
		o.counts[op]++
	}
	f, ok := o.faults[op]
	if !ok {
		return Fault{}, false
	}
	if f.Times > 0 {
		if f.Times--; f.Times == 0 {
			delete(o.faults, op)
		}
	}
	return *f, true
}

// SetFault makes requests for op fail with f, replacing any fault set for
// op. A Fault with Status 0 clears op's fault instead.
func (o *Ops) SetFault(op string, f Fault) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if f.Status == 0 {
		delete(o.faults, op)
		return
	}
	if o.faults == nil {
		o.faults = map[string]*Fault{}
	}
	o.faults[op] = &f
}

// ClearFaults removes every injected fault.
func (o *Ops) ClearFaults() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.faults = nil
}

// Count returns how many requests for op were recorded, including those
// that failed.
func (o *Ops) Count(op string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counts[op]
}

// Counts returns a copy of the per-operation counters (never nil).
func (o *Ops) Counts() map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]int, len(o.counts))
	maps.Copy(out, o.counts)
	return out
}

// ResetCounts sets every counter to zero.
func (o *Ops) ResetCounts() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.counts = nil
}

// Resent reports whether r is an AWS SDK's second or later attempt at one
// operation: its Amz-Sdk-Request header says "attempt=N" with N > 1. Test
// clients resend only when the client's transport closed the connection
// under itself after the fake had answered (see internal/testretry), so a
// fake that counts requests must not count such a resend twice. Requests
// from other clients (no header) are first attempts.
func Resent(r *http.Request) bool {
	if r == nil {
		return false
	}
	for _, part := range strings.Split(r.Header.Get("Amz-Sdk-Request"), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "attempt="); ok {
			n, err := strconv.Atoi(v)
			return err == nil && n > 1
		}
	}
	return false
}
