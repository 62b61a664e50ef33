package rmw

import "sync"

// locks serialises this process's cycles on the same setting ([Cycle].Key).
// It is the one piece of shared mutable state of the library's writes: the
// hazard it guards is process-wide, and the AWS APIs offer no conditional
// write that would make it unnecessary. Writers in other processes are
// handled, as well as the APIs allow, by the verification of [Cycle.Run].
var locks = keyedMutex{m: map[string]*keyedEntry{}}

type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

// lock locks key and returns its unlock function. Entries are removed when
// unused, so the table does not grow.
func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
