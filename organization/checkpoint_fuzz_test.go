package organization_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/s3secure/s3secure/organization"
)

// FuzzCheckpoint feeds arbitrary checkpoint files to a signed run's
// resume (organization.ResumeCheckpoint: open, verify, read back each
// result, as Audit does before emitting it). Seeds: two checkpoints of the
// same options and key (two files, two ids) written by the checkpoint
// writer with the results of a real audit of the fixture's organization
// through the fakes, tampered shapes (as in TestCheckpointIntegrity)
// built from them, and two more of the same options and key whose results
// are too old and dated in the future for a run started at resumeAt. For
// any input it must not panic, and either
//   - refuse with an error of the ErrCheckpoint family that does not hold
//     the key, leaving the file byte for byte as it was, or
//   - resume results that are all, byte for byte, ones a single one of the
//     files holds for that same account (nothing forged, altered, moved
//     between accounts or mixed between files is ever accepted), each
//     finished within the default AllowCheckpointAgeUpTo before resumeAt and
//     MaxCheckpointClockSkew after (nothing stale or dated further in the
//     future is ever accepted),
//     having cut at most a torn last line (no newline) off the file, and
//     written a new header only where nothing else was left.
func FuzzCheckpoint(f *testing.F) {
	// The results of a real audit of the fixture through the fakes, at a
	// fixed time (one per file) so that every process of the fuzzer writes
	// the same seeds, and cut to three accounts (two in the second file) of
	// a row each so that an input is about 2 KB (the fuzzer minimizes every
	// new input it keeps, byte by byte).
	fx := newFixture(f, 0)
	opts := &organization.Options{Role: role}
	reports, _, err := fx.audit(f.Context(), opts)
	if err != nil || len(reports) != 6 {
		f.Fatalf("audit: %d reports, %v", len(reports), err)
	}
	for _, r := range reports {
		r.Rows = r.Rows[:min(1, len(r.Rows))]
	}
	run := organization.AuditFingerprint(opts)
	dir := f.TempDir()
	resumeAt := time.Date(2026, 3, 14, 17, 0, 0, 0, time.UTC)
	var runs []map[string]string // per file written: account id → result as written
	var files [][]string
	for i, id := range []string{strings.Repeat("a1", 16), strings.Repeat("b2", 16), strings.Repeat("c3", 16), strings.Repeat("d4", 16)} {
		for j, r := range reports { // each file's results differ (in Time)
			r.Time = time.Date(2026, 3, 14, 15+i, 9, 26, j*1e6, time.UTC)
			switch i {
			case 2: // the first exactly as old as accepted, the second a millisecond older
				r.Time = resumeAt.Add(-organization.DefaultCheckpointMaxAge - time.Duration(j)*time.Millisecond)
			case 3: // the first exactly as far ahead as accepted, the second a millisecond further
				r.Time = resumeAt.Add(organization.MaxCheckpointClockSkew + time.Duration(j)*time.Millisecond)
			}
		}
		cp := filepath.Join(dir, id)
		n := 3 - i
		if i >= 2 {
			n = 2
		}
		if err := organization.WriteCheckpoint(cp, run, testKey, id, reports[:n]); err != nil {
			f.Fatal(err)
		}
		data, err := os.ReadFile(cp)
		if err != nil {
			f.Fatal(err)
		}
		ls := strings.SplitAfter(string(data), "\n")
		ls = ls[:len(ls)-1]
		written := map[string]string{}
		for _, l := range ls[1:] {
			var sl struct {
				Result json.RawMessage `json:"result"`
			}
			var acct struct {
				Account struct {
					ID string `json:"id"`
				} `json:"account"`
			}
			if err := json.Unmarshal([]byte(l), &sl); err != nil || json.Unmarshal(sl.Result, &acct) != nil || acct.Account.ID == "" {
				f.Fatalf("not a signed result line: %q", l)
			}
			written[acct.Account.ID] = string(sl.Result)
		}
		if len(written) != n {
			f.Fatalf("%d results written, want %d", len(written), n)
		}
		runs = append(runs, written)
		files = append(files, ls)
	}
	a, b, stale, future := files[0], files[1], files[2], files[3]
	join := func(ls ...string) []byte { return []byte(strings.Join(ls, "")) }
	f.Add(join(a...))
	f.Add(join(b...))
	f.Add(join(a[:3]...))
	f.Add(join(a[0]))
	full := join(a...)
	f.Add(full[:len(full)-len(a[len(a)-1])/2])                        // a torn last line
	f.Add(join(append(append([]string(nil), a[:2]...), b[2:]...)...)) // lines of another file
	f.Add(join(append([]string{b[0]}, a[1:]...)...))                  // another file's header
	f.Add(join(a[0], a[2], a[1], a[2]))                               // reordered, repeated
	f.Add([]byte(`{"s3secure_checkpoint":1,"run":"` + run + `"}` + "\n" + strings.Join(strings.Split(runs[0][acctGood], "\n"), "") + "\n"))
	f.Add(join(stale...))
	f.Add(join(future...))
	f.Add(join(stale[:2]...)) // its first result alone: as old as accepted
	f.Add(join(future[:2]...))
	f.Add([]byte(nil))
	f.Add([]byte(`{"s3secure_checkpoint":`))

	f.Fuzz(func(t *testing.T, data []byte) {
		cp := filepath.Join(dir, "fuzz.checkpoint") // one input at a time in a process
		if err := os.WriteFile(cp, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := organization.ResumeCheckpoint(cp, run, testKey, resumeAt)
		after, rerr := os.ReadFile(cp)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if err != nil {
			if got != nil {
				t.Fatalf("a checkpoint that verified when opened failed when read back: %v", err)
			}
			if !errors.Is(err, organization.ErrCheckpoint) {
				t.Fatalf("not an ErrCheckpoint: %T %v", err, err)
			}
			for _, k := range []organization.CheckpointKey{testKey} {
				if strings.Contains(err.Error(), string(k[:12])) {
					t.Fatalf("the key in the error: %v", err)
				}
			}
			if !bytes.Equal(data, after) {
				t.Fatalf("a refused checkpoint was changed:\nbefore %q\nafter  %q", data, after)
			}
			return
		}
		// Accepted: every result is one real run's, for that account.
		from := -1
		for r, written := range runs {
			ok := true
			for id, res := range got {
				if written[id] != string(res) {
					ok = false
				}
			}
			if ok {
				from = r
				break
			}
		}
		if from < 0 {
			t.Fatalf("resumed results no single real run wrote: %q", got)
		}
		for id, res := range got {
			var r struct {
				Time time.Time `json:"time"`
			}
			if err := json.Unmarshal(res, &r); err != nil || resumeAt.Sub(r.Time) > organization.DefaultCheckpointMaxAge ||
				r.Time.Sub(resumeAt) > organization.MaxCheckpointClockSkew {
				t.Fatalf("account %s resumed, finished at %v: not within the window of a run at %v (%v)", id, r.Time, resumeAt, err)
			}
		}
		// Only a torn last line is cut; a new header only in an emptied file.
		good := bytes.LastIndexByte(data, '\n') + 1
		switch {
		case good > 0 && !bytes.Equal(after, data[:good]):
			t.Fatalf("accepted, but the file was changed beyond its torn last line:\nbefore %q\nafter  %q", data, after)
		case good == 0 && (len(got) > 0 || !bytes.HasPrefix(after, []byte(`{"s3secure_checkpoint":2,`)) || bytes.IndexByte(after, '\n') != len(after)-1):
			t.Fatalf("a torn header was not replaced by a new one: %q → %q (%d results)", data, after, len(got))
		}
	})
}
