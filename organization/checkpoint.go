package organization

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"
	"time"
)

// The checkpoint file (Options.Checkpoint) is JSON lines, append-only:
//
//	{"s3secure_checkpoint":2,"run":"<fingerprint>","file":"<random id>","mac":"<HMAC>"}
//	{"mac":"<HMAC>","result":{"account":{...},"status":"AUDITED","rows":[...],"time":"..."}}   one line per finished account
//
// Each finished account's whole [Result] (its rows included) is written on
// one line and the file is fsync'd before the account counts as done, so a
// rerun replays those accounts' results exactly as they were first emitted
// (same rows, same times) and audits only the others: the rerun's output is
// the output of an uninterrupted run. An account is written when it
// finishes, in any order; a crash in the middle of a line leaves a torn
// last line (no newline), which the rerun cuts off (that account is audited
// again). Only the fingerprint of the options (role, ExternalId hashed,
// Regions, controls, trusted KMS key accounts, shard, AllowInsecureTransport,
// what is run) is stored, never credentials, never the key.
//
// The MACs are HMAC-SHA256 under Options.CheckpointKey. The header's covers
// the format, the fingerprint and the file's random id; a result's covers
// the same fingerprint and file id and the result's bytes as stored, so a
// result verifies only in the file, and for the run, it was written for,
// and only with the account id it holds. Every complete line is verified
// when the file is opened, and a result again when it is read back to be
// emitted; nothing that does not verify is used, cut or overwritten.
//
// Format 1 (no "file", no MACs) is written and read only with
// Options.InsecureUnsignedCheckpoint.
//
// A MAC says who wrote a result, not when: every result's "time" (when the
// account finished) is inside the bytes its MAC covers, and a checkpoint
// holding one older than Options.AllowCheckpointAgeUpTo, or dated more than
// MaxCheckpointClockSkew after the run's clock, is refused whole (see
// [CheckpointStaleError]), after every line verified and before anything
// is cut or appended.

const (
	formatUnsigned = 1
	formatSigned   = 2
	macHeader      = "s3secure organization checkpoint header v2\n"
	macResult      = "s3secure organization checkpoint result v2\n"
)

type checkpointHeader struct {
	Version int    `json:"s3secure_checkpoint"`
	Run     string `json:"run"`
	File    string `json:"file,omitempty"`
	MAC     string `json:"mac,omitempty"`
}

// signedLine is a result line of format 2.
type signedLine struct {
	MAC    string          `json:"mac"`
	Result json.RawMessage `json:"result"`
}

var (
	fileIDRE    = regexp.MustCompile(`^[0-9a-f]{32}$`)
	headerStart = []byte(`{"s3secure_checkpoint":`)
)

// CheckpointKey is the secret key of a checkpoint's MACs
// (Options.CheckpointKey). It prints as <redacted> whatever formats it,
// fmt's verbs and encoding/json included, so that logging the Options
// does not give it away.
type CheckpointKey []byte

// String hides the key.
func (k CheckpointKey) String() string {
	if len(k) == 0 {
		return "CheckpointKey(none)"
	}
	return "CheckpointKey(<redacted>)"
}

// GoString hides the key from %#v too.
func (k CheckpointKey) GoString() string { return k.String() }

// Format prints String for every verb: %x, %d and the others would
// otherwise print the bytes.
func (k CheckpointKey) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", k.String())
		return
	}
	_, _ = io.WriteString(f, k.String())
}

// MarshalJSON hides the key from encoding/json, which would otherwise
// write its bytes in base64.
func (k CheckpointKey) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// CheckpointIntegrityError means a checkpoint does not verify with
// Options.CheckpointKey: a line was altered (a byte changed, rows edited
// or moved to another account), forged, copied from another checkpoint,
// or the file was signed with another key. When the checkpoint is opened
// (before any request) nothing from the file is used; when a result fails
// as it is read back to be emitted (the file changed during the run), the
// run stops there, and what was emitted before had verified. The file is
// left as it is. It matches [ErrCheckpointIntegrity] and [ErrCheckpoint].
// It never holds the key.
type CheckpointIntegrityError struct {
	Path string
	// Line is the 1-based line that does not verify (1: the header).
	Line int
	// Reason says how it fails.
	Reason string
}

func (e *CheckpointIntegrityError) Error() string {
	where := "header"
	if e.Line > 1 {
		where = fmt.Sprintf("line %d", e.Line)
	}
	return fmt.Sprintf("organization: checkpoint %s does not verify: %s: %s; it was left as it is: "+
		"audit without it (or delete it and run again) after finding out who changed it", e.Path, where, e.Reason)
}

func (e *CheckpointIntegrityError) Unwrap() []error {
	return []error{ErrCheckpointIntegrity, ErrCheckpoint}
}

// CheckpointStaleError means a checkpoint holds a result that must not be
// replayed as current: it finished more than MaxAge (Options.AllowCheckpointAgeUpTo)
// before the run started, or more than MaxCheckpointClockSkew after it
// (its writer's clock was ahead, or forged: such a result would take that
// much longer to go stale, or never would). A checkpoint resumes one
// interrupted run; a result that old belongs to another audit (an earlier
// checkpoint left behind, or swapped in: every line of it verifies), so
// the whole checkpoint is refused, before any request, rather than only
// those accounts audited again: the run does not mix verdicts of two
// audits, and whoever can write the file learns nothing from which
// accounts a run would audit again. The file is left as it is. It matches
// [ErrCheckpointStale] and [ErrCheckpoint], not [ErrCheckpointIntegrity]:
// the checkpoint verified.
type CheckpointStaleError struct {
	Path string
	// Line is the 1-based line of the first such result; Account its
	// account id.
	Line    int
	Account string
	// Finished is the result's Time (zero: the line does not say, which
	// only an unsigned checkpoint can); Now is the run's clock when it
	// opened the checkpoint; MaxAge the run's AllowCheckpointAgeUpTo.
	Finished, Now time.Time
	MaxAge        time.Duration
}

func (e *CheckpointStaleError) Error() string {
	where := fmt.Sprintf("line %d (account %s)", e.Line, e.Account)
	var why, or string
	switch {
	case e.Finished.IsZero():
		why = where + " does not say when it finished"
	case e.Finished.After(e.Now):
		why = fmt.Sprintf("%s finished at %s, %v after this run's clock (more than %v of clock skew): its writer's clock was ahead, "+
			"and such a result would not go stale for that long", where, e.Finished.UTC().Format(time.RFC3339),
			e.Finished.Sub(e.Now).Round(time.Millisecond), MaxCheckpointClockSkew)
		or = " (and check both machines' clocks)"
	default:
		why = fmt.Sprintf("%s finished at %s, %v before this run, more than AllowCheckpointAgeUpTo %v: resumed, the run would report "+
			"it as current", where, e.Finished.UTC().Format(time.RFC3339), e.Now.Sub(e.Finished).Round(time.Millisecond), e.MaxAge)
		or = ", or set a longer AllowCheckpointAgeUpTo to report results that old as current"
	}
	return fmt.Sprintf("organization: checkpoint %s is stale: %s; it was left as it is: audit without it (delete it, or give "+
		"another file) to read every account again%s", e.Path, why, or)
}

func (e *CheckpointStaleError) Unwrap() []error { return []error{ErrCheckpointStale, ErrCheckpoint} }

// freshness is what a run accepts of a checkpoint's results: finished at
// most maxAge before now, and at most MaxCheckpointClockSkew after it.
type freshness struct {
	now    time.Time
	maxAge time.Duration
}

// unsignedError refuses a checkpoint without MACs; it matches
// [ErrCheckpointUnsigned] and [ErrCheckpoint].
type unsignedError struct{ path string }

func (e *unsignedError) Error() string {
	return "organization: checkpoint " + e.path + " is not signed (it was written with InsecureUnsignedCheckpoint, or before checkpoints " +
		"were signed), so whoever could write it may have forged its results: delete it and run again with CheckpointKey, " +
		"or set InsecureUnsignedCheckpoint to trust it"
}

func (e *unsignedError) Unwrap() []error { return []error{ErrCheckpointUnsigned, ErrCheckpoint} }

// checkpoint is an open checkpoint file: the offset and length of each
// finished account's line (its result is read back, and verified again,
// when it is emitted, so a resumed run does not hold every earlier result
// in memory).
type checkpoint struct {
	path  string
	run   string
	key   []byte // nil: format 1, unsigned
	file  string // format 2: the file's random id
	fresh freshness

	mu    sync.Mutex
	f     *os.File
	lines map[string]loc // account id → where its line is
	count int            // lines in the file, header included
}

type loc struct {
	off, n int64
	line   int
}

// openCheckpoint opens (or creates) path for a run whose options have the
// fingerprint run. With a key, a new file is signed and an existing one
// must verify; an unsigned one is used only when insecure allows it.
// Every result in it must be as fresh as fresh says.
func openCheckpoint(path, run string, key []byte, insecure bool, fresh freshness) (*checkpoint, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("organization: checkpoint: %w", err)
	}
	c := &checkpoint{path: path, run: run, f: f, lines: map[string]loc{}, fresh: fresh}
	if len(key) > 0 {
		c.key = bytes.Clone(key)
	}
	if err := c.load(insecure); err != nil {
		_ = f.Close()
		return nil, err
	}
	return c, nil
}

func (c *checkpoint) integrity(line int, reason string) error {
	return &CheckpointIntegrityError{Path: c.path, Line: line, Reason: reason}
}

// load reads the file, verifies what it holds, cuts a torn last line off
// and positions the file for appending; an empty file (or one whose header
// is torn) gets a new header. A file with a stale result is refused once
// every line verified (an altered line is the graver news), and left as
// it is.
func (c *checkpoint) load(insecure bool) error {
	r := bufio.NewReaderSize(c.f, 1<<16)
	var off, good int64
	n := 0
	format := 0
	var stale error
	for {
		line, err := r.ReadBytes('\n')
		if len(line) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
		}
		n++
		if !bytes.HasSuffix(line, []byte("\n")) {
			// Torn by a crash while it was written: cut off (the account
			// is audited again). Only the last line can lack its newline.
			// A first line that is not the start of a header is some other
			// file, which is not cut.
			if n == 1 && !bytes.HasPrefix(line, headerStart) && !bytes.HasPrefix(headerStart, line) {
				return fmt.Errorf("%w: %s is not an s3secure checkpoint", ErrCheckpoint, c.path)
			}
			break
		}
		if n == 1 {
			if format, err = c.header(line, insecure); err != nil {
				return err
			}
		} else {
			id, finished, ok, err := c.verify(line, n, format)
			if err != nil {
				return err
			}
			if !ok {
				break // format 1: torn by a crash, cut off from here
			}
			if stale == nil {
				stale = c.check(n, id, finished)
			}
			c.lines[id] = loc{off: off, n: int64(len(line)), line: n}
		}
		off += int64(len(line))
		good = off
		c.count = n
	}
	if stale != nil {
		return stale
	}
	if good == 0 {
		format = formatUnsigned
		if c.key != nil {
			format = formatSigned
		}
	}
	if format == formatUnsigned {
		c.key = nil // an unsigned file stays unsigned: a MAC on its lines would vouch for what it was fed
	}
	if err := c.f.Truncate(good); err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	if _, err := c.f.Seek(good, io.SeekStart); err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	if good > 0 {
		return nil
	}
	h := checkpointHeader{Version: formatUnsigned, Run: c.run}
	if c.key != nil {
		id, err := newFileID()
		if err != nil {
			return fmt.Errorf("organization: checkpoint: %w", err)
		}
		c.file = id
		h = checkpointHeader{Version: formatSigned, Run: c.run, File: c.file, MAC: c.mac(c.run, macHeader)}
	}
	b, _ := json.Marshal(h)
	c.count = 1
	return c.append(b)
}

// newFileID returns a new file's random id (32 hex digits). A variable so
// that FuzzCheckpoint can write the same seed files in each of its
// processes.
var newFileID = func() (string, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", err
	}
	return hex.EncodeToString(id), nil
}

// header checks the first line and returns the file's format.
func (c *checkpoint) header(line []byte, insecure bool) (int, error) {
	var h checkpointHeader
	if json.Unmarshal(line, &h) != nil || (h.Version != formatUnsigned && h.Version != formatSigned) {
		return 0, fmt.Errorf("%w: %s is not an s3secure checkpoint", ErrCheckpoint, c.path)
	}
	if h.Version == formatUnsigned {
		if !insecure {
			return 0, &unsignedError{path: c.path}
		}
	} else {
		if c.key == nil {
			return 0, fmt.Errorf("%w: %s is signed: give the CheckpointKey it was written with", ErrCheckpoint, c.path)
		}
		if !fileIDRE.MatchString(h.File) {
			return 0, c.integrity(1, "no file id")
		}
		c.file = h.File
		// The header's own fingerprint first: an authentic checkpoint of
		// other options is told apart from an altered one.
		if !hmac.Equal([]byte(h.MAC), []byte(c.mac(h.Run, macHeader))) {
			return 0, c.integrity(1, "its MAC does not match: it was written with another key, or altered")
		}
	}
	if h.Run != c.run {
		return 0, fmt.Errorf("%w: %s was written by a run with other options (role, external id, regions, controls, trusted KMS key accounts, shard, AllowInsecureTransport or command); "+
			"rerun with those, or give another file", ErrCheckpoint, c.path)
	}
	return h.Version, nil
}

// verify checks result line n and returns its account id and when it
// finished (zero when a format 1 line does not say). ok is false for a
// format 1 line that does not parse (torn); a format 2 line that does not
// verify is an error.
func (c *checkpoint) verify(line []byte, n, format int) (id string, finished time.Time, ok bool, err error) {
	raw := line
	if format == formatSigned {
		var sl signedLine
		if json.Unmarshal(line, &sl) != nil || len(sl.Result) == 0 {
			return "", time.Time{}, false, c.integrity(n, "not a signed result")
		}
		if !hmac.Equal([]byte(sl.MAC), []byte(c.mac(c.run, macResult, sl.Result))) {
			return "", time.Time{}, false, c.integrity(n, "its MAC does not match: the result was altered, forged or copied from another checkpoint")
		}
		raw = sl.Result
	}
	var rec struct {
		Account struct {
			ID string `json:"id"`
		} `json:"account"`
		Time json.RawMessage `json:"time"`
	}
	if json.Unmarshal(raw, &rec) != nil || rec.Account.ID == "" {
		if format == formatSigned {
			return "", time.Time{}, false, c.integrity(n, "a signed result without an account") // not written by us, whoever holds the key
		}
		return "", time.Time{}, false, nil
	}
	if len(rec.Time) > 0 && json.Unmarshal(rec.Time, &finished) != nil {
		finished = time.Time{}
	}
	if finished.IsZero() && format == formatSigned {
		return "", time.Time{}, false, c.integrity(n, "a signed result without the time it finished") // not written by us either
	}
	return rec.Account.ID, finished, true, nil
}

// check refuses the result of line n unless it finished at most
// c.fresh.maxAge before the run's clock and at most
// MaxCheckpointClockSkew after it; exactly at either limit is accepted.
func (c *checkpoint) check(n int, id string, finished time.Time) error {
	now := c.fresh.now
	if finished.IsZero() || now.Sub(finished) > c.fresh.maxAge || finished.Sub(now) > MaxCheckpointClockSkew {
		return &CheckpointStaleError{Path: c.path, Line: n, Account: id, Finished: finished, Now: now, MaxAge: c.fresh.maxAge}
	}
	return nil
}

// mac is the hex HMAC-SHA256, under the key, of the domain, the run's
// fingerprint, the file id and the payload. The fingerprint and the file
// id hold no newline (the file id is checked to be hex; a fingerprint
// that differs from the run's is refused), so the input is unambiguous.
func (c *checkpoint) mac(run, domain string, payload ...[]byte) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(domain + run + "\n" + c.file + "\n"))
	for _, p := range payload {
		m.Write(p)
	}
	return hex.EncodeToString(m.Sum(nil))
}

// done reports whether the account's result is in the file.
func (c *checkpoint) done(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.lines[id]
	return ok
}

// read verifies the account's recorded result again (the file may have
// changed since it was opened) and unmarshals it into v.
func (c *checkpoint) read(id string, v any) error {
	c.mu.Lock()
	l, ok := c.lines[id]
	c.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: no result for account %s", ErrCheckpoint, id)
	}
	b := make([]byte, l.n)
	if _, err := c.f.ReadAt(b, l.off); err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	format := formatUnsigned
	if c.key != nil {
		format = formatSigned
	}
	got, finished, ok, err := c.verify(b, l.line, format)
	if err != nil {
		return err
	}
	if !ok || got != id {
		if format == formatSigned {
			return c.integrity(l.line, "it changed since the checkpoint was opened")
		}
		return fmt.Errorf("%w: %s: line %d changed since the checkpoint was opened", ErrCheckpoint, c.path, l.line)
	}
	if err := c.check(l.line, id, finished); err != nil {
		return err // an unsigned line rewritten since; a signed one is the bytes checked when opened
	}
	if format == formatSigned {
		var sl signedLine
		_ = json.Unmarshal(b, &sl) // verified above
		b = sl.Result
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: account %s: %v", ErrCheckpoint, id, err)
	}
	return nil
}

// record appends an account's result (one JSON line, signed with the key)
// and syncs the file.
func (c *checkpoint) record(id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("organization: checkpoint: %w", err)
	}
	if c.key != nil {
		b, err = json.Marshal(signedLine{MAC: c.mac(c.run, macResult, b), Result: b})
		if err != nil {
			return fmt.Errorf("organization: checkpoint: %w", err)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	off, err := c.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	if err := c.append(b); err != nil {
		return err
	}
	c.count++
	c.lines[id] = loc{off: off, n: int64(len(b) + 1), line: c.count}
	return nil
}

// append writes one line and fsyncs; called with c.mu held (or before the
// checkpoint is shared).
func (c *checkpoint) append(b []byte) error {
	if _, err := c.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	if err := c.f.Sync(); err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	return nil
}

func (c *checkpoint) close() error { return c.f.Close() }
