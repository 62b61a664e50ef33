package organization

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// The checkpoint file (Options.Checkpoint) is JSON lines, append-only:
//
//	{"s3secure_checkpoint":1,"run":"<fingerprint of the run's options>"}
//	{"account":{...},"status":"AUDITED","rows":[...],"time":"..."}   one line per finished account
//
// Each finished account's whole [Result] (its rows included) is written on
// one line and the file is fsync'd before the account counts as done, so a
// rerun replays those accounts' results exactly as they were first emitted
// (same rows, same times) and audits only the others: the rerun's output is
// the output of an uninterrupted run. An account is written when it
// finishes, in any order; a crash in the middle of a line leaves a torn
// last line, which the rerun cuts off (that account is audited again).
// Only the fingerprint of the options (role, ExternalId hashed, Regions,
// controls, trusted KMS key accounts, shard, what is run) is stored, never
// credentials.

type checkpointHeader struct {
	Version int    `json:"s3secure_checkpoint"`
	Run     string `json:"run"`
}

// checkpoint is an open checkpoint file: the offset and length of each
// finished account's line (its result is read back when it is emitted,
// so a resumed run does not hold every earlier result in memory).
type checkpoint struct {
	path string

	mu    sync.Mutex
	f     *os.File
	lines map[string][2]int64 // account id → offset, length
}

// openCheckpoint opens (or creates) path for a run whose options have the
// fingerprint run.
func openCheckpoint(path, run string) (*checkpoint, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("organization: checkpoint: %w", err)
	}
	c := &checkpoint{path: path, f: f, lines: map[string][2]int64{}}
	if err := c.load(run); err != nil {
		_ = f.Close()
		return nil, err
	}
	return c, nil
}

func (c *checkpoint) load(run string) error {
	r := bufio.NewReaderSize(c.f, 1<<16)
	var off int64
	good := int64(0)
	first := true
	for {
		line, err := r.ReadBytes('\n')
		if len(line) == 0 && errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
		}
		complete := bytes.HasSuffix(line, []byte("\n"))
		if first {
			var h checkpointHeader
			if !complete || json.Unmarshal(line, &h) != nil || h.Version != 1 {
				if !complete && good == 0 {
					break // a header torn by a crash: start afresh
				}
				return fmt.Errorf("%w: %s is not an s3secure checkpoint", ErrCheckpoint, c.path)
			}
			if h.Run != run {
				return fmt.Errorf("%w: %s was written by a run with other options (role, external id, regions, controls, shard or command); "+
					"rerun with those, or give another file", ErrCheckpoint, c.path)
			}
			first = false
		} else {
			var rec struct {
				Account struct {
					ID string `json:"id"`
				} `json:"account"`
			}
			if !complete || json.Unmarshal(line, &rec) != nil || rec.Account.ID == "" {
				break // torn by a crash: everything from here is cut off
			}
			c.lines[rec.Account.ID] = [2]int64{off, int64(len(line))}
		}
		off += int64(len(line))
		good = off
		if err != nil {
			break
		}
	}
	if err := c.f.Truncate(good); err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	if _, err := c.f.Seek(good, io.SeekStart); err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	if good == 0 {
		b, _ := json.Marshal(checkpointHeader{Version: 1, Run: run})
		return c.append(b)
	}
	return nil
}

// done reports whether the account's result is in the file.
func (c *checkpoint) done(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.lines[id]
	return ok
}

// read unmarshals the account's recorded result into v.
func (c *checkpoint) read(id string, v any) error {
	c.mu.Lock()
	loc, ok := c.lines[id]
	c.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: no result for account %s", ErrCheckpoint, id)
	}
	b := make([]byte, loc[1])
	if _, err := c.f.ReadAt(b, loc[0]); err != nil {
		return fmt.Errorf("organization: checkpoint %s: %w", c.path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: account %s: %v", ErrCheckpoint, id, err)
	}
	return nil
}

// record appends an account's result (one JSON line) and syncs the file.
func (c *checkpoint) record(id string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("organization: checkpoint: %w", err)
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
	c.lines[id] = [2]int64{off, int64(len(b) + 1)}
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
