package organization

import (
	"encoding/json"
	"time"
)

// WriteCheckpoint writes a new signed checkpoint at path, with the file
// id fileID, for a run whose options have the fingerprint run, holding
// results in order: the checkpoint writer of a run, with a file id chosen
// so that FuzzCheckpoint's processes write the same seeds. Not safe to
// call while a run opens a checkpoint.
func WriteCheckpoint(path, run string, key []byte, fileID string, results []*Report) error {
	defer func(old func() (string, error)) { newFileID = old }(newFileID)
	newFileID = func() (string, error) { return fileID, nil }
	c, err := openCheckpoint(path, run, key, false, freshness{now: time.Now(), maxAge: DefaultCheckpointMaxAge})
	if err != nil {
		return err
	}
	for _, r := range results {
		if err := c.record(r.Account.ID, r); err != nil {
			_ = c.close()
			return err
		}
	}
	return c.close()
}

// AuditFingerprint is the fingerprint of a run of Audit with o (Audit's
// work is named "audit").
func AuditFingerprint(o *Options) string { return o.fingerprint("audit") }

// ResumeCheckpoint opens the checkpoint at path as a run whose options
// have the fingerprint run and whose CheckpointKey is key would (without
// InsecureUnsignedCheckpoint, with the default AllowCheckpointAgeUpTo), started
// at now, and reads back every account's result as that run does before
// emitting it: it returns, by account id, the bytes each read gave. It is
// FuzzCheckpoint's way in, with no request per input.
func ResumeCheckpoint(path, run string, key []byte, now time.Time) (map[string]json.RawMessage, error) {
	c, err := openCheckpoint(path, run, key, false, freshness{now: now, maxAge: DefaultCheckpointMaxAge})
	if err != nil {
		return nil, err
	}
	defer c.close()
	got := map[string]json.RawMessage{}
	for id := range c.lines {
		var raw json.RawMessage
		if err := c.read(id, &raw); err != nil {
			return got, err
		}
		got[id] = raw
	}
	return got, nil
}
