package organization_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/secrettest"
	"github.com/s3secure/s3secure/organization"
)

// testKey and otherKey are checkpoint keys of the tests. DO NOT hardcode a
// real key: read it from where the checkpoint's writers cannot.
var (
	testKey  = organization.CheckpointKey("0123456789abcdef0123456789abcdef-test-key")
	otherKey = organization.CheckpointKey("fedcba9876543210fedcba9876543210-other-key")
)

// signedRun audits the fixture's organization with a checkpoint signed
// with testKey and returns the file's lines (each with its newline) and
// the reports.
func signedRun(t *testing.T, f *fixture, cp string) ([]string, []*organization.Report) {
	t.Helper()
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey})
	require.NoError(t, err)
	b, err := os.ReadFile(cp)
	require.NoError(t, err)
	ls := strings.SplitAfter(string(b), "\n")
	require.Equal(t, "", ls[len(ls)-1])
	ls = ls[:len(ls)-1]
	require.Len(t, ls, 7, "a header and one line per account")
	return ls, reports
}

// lineOf returns the index of the checkpoint line of account id.
func lineOf(t *testing.T, ls []string, id string) int {
	t.Helper()
	for i, l := range ls[1:] {
		if strings.Contains(l, `"id":"`+id+`"`) {
			return i + 1
		}
	}
	t.Fatalf("no line for account %s", id)
	return 0
}

// field returns a JSON object's raw field, and set replaces it.
func field(t *testing.T, line, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(line), &m), line)
	return m[name]
}

func setField(t *testing.T, line, name string, v json.RawMessage) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(line), &m), line)
	m[name] = v
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b) + "\n"
}

// TestCheckpointNeedsKey: a checkpoint without CheckpointKey (or with a
// key shorter than MinCheckpointKeyLen) is refused before any request,
// without the key in the message; InsecureUnsignedCheckpoint is the one
// way to run without a key.
func TestCheckpointNeedsKey(t *testing.T) {
	f := newFixture(t, 0)
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	short := organization.CheckpointKey(strings.Repeat("k", organization.MinCheckpointKeyLen-1))
	for name, o := range map[string]*organization.Options{
		"no key":              {Role: role, Checkpoint: cp},
		"short key":           {Role: role, Checkpoint: cp, CheckpointKey: short},
		"short key, insecure": {Role: role, Checkpoint: cp, CheckpointKey: short, InsecureUnsignedCheckpoint: true},
	} {
		_, _, err := f.audit(t.Context(), o)
		require.ErrorIs(t, err, organization.ErrInvalidOptions, name)
		assert.Contains(t, err.Error(), "CheckpointKey", name)
		assert.NotContains(t, err.Error(), string(short), name)
		assert.NoFileExists(t, cp, name)
	}
	assert.Zero(t, f.srv.STS().Count("GetCallerIdentity"), "refused before any request")
	_, _, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, InsecureUnsignedCheckpoint: true})
	require.NoError(t, err)
	_, _, err = f.audit(t.Context(), &organization.Options{Role: role, CheckpointKey: testKey})
	require.NoError(t, err, "a key without a checkpoint is unused, not an error")
}

// TestCheckpointIntegrity: a signed checkpoint that was altered in any way
// that could make a resumed run report what was not audited, or that
// another key signed, is refused with a *CheckpointIntegrityError before
// any request, and left as it is (never cut, never started over); nothing
// is emitted from it.
func TestCheckpointIntegrity(t *testing.T) {
	f := newFixture(t, 0)
	dir := t.TempDir()
	ls, _ := signedRun(t, f, filepath.Join(dir, "a.checkpoint"))
	// Another run, same options and key, another file.
	other, _ := signedRun(t, f, filepath.Join(dir, "b.checkpoint"))
	good, busy := lineOf(t, ls, acctGood), lineOf(t, ls, acctBusy)
	require.Contains(t, ls[good], `"FAIL"`, "the good account has failing buckets")

	with := func(i int, line string) []string {
		out := append([]string(nil), ls...)
		out[i] = line
		return out
	}
	// flip changes the byte at offset off of s to another that keeps the
	// JSON valid.
	flip := func(s string, off int) string {
		b := []byte(s)
		switch c := b[off]; {
		case c >= '0' && c <= '8', c >= 'a' && c <= 'e', c >= 'A' && c <= 'Y':
			b[off] = c + 1
		default:
			b[off] = c - 1
		}
		return string(b)
	}
	result := func(i int) string { return string(field(t, ls[i], "result")) }
	goodResult := result(good)
	passing := strings.ReplaceAll(goodResult, `"status":"FAIL"`, `"status":"PASS"`)
	require.NotEqual(t, goodResult, passing)
	// The busy account's result with the good account's rows.
	var busyRes, goodRes map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(result(busy)), &busyRes))
	require.NoError(t, json.Unmarshal([]byte(goodResult), &goodRes))
	busyRes["rows"] = goodRes["rows"]
	swappedRows, _ := json.Marshal(busyRes)
	macAt := strings.Index(ls[good], `"mac":"`) + len(`"mac":"`) + 5
	resultAt := strings.Index(ls[good], `"result":`) + len(`"result":`) + 40

	cases := []struct {
		name  string
		lines []string
		says  string
	}{
		{"one byte of a result", with(good, flip(ls[good], resultAt)), fmt.Sprintf("line %d", good+1)},
		{"one byte of a MAC", with(good, flip(ls[good], macAt)), ""},
		{"one byte of the header's fingerprint", with(0, flip(ls[0], strings.Index(ls[0], `"run":"`)+8)), "header"},
		{"FAIL rows made PASS", with(good, setField(t, ls[good], "result", json.RawMessage(passing))), ""},
		{"rows moved to another account", with(busy, setField(t, ls[busy], "result", swappedRows)), ""},
		{"results swapped between lines", nil, ""}, // below
		{"a line of another run's checkpoint", with(good, other[lineOf(t, other, acctGood)]), ""},
		{"another run's header", with(0, other[0]), ""},
		{"a forged line for an account", nil, ""}, // below
		{"a line whose MAC is cut short", with(good, strings.Replace(ls[good], string(field(t, ls[good], "mac")), `"abcd"`, 1)), ""},
		{"a line without a MAC", with(good, result(good)+"\n"), ""},
		{"a result that is not JSON", with(good, `{"mac":`+string(field(t, ls[good], "mac"))+`,"result":{"account":`+"\n"), ""},
	}
	// The forged line: the good account removed, then added back with
	// passing rows and a MAC of the attacker's making.
	forged := append(append([]string(nil), ls[:good]...), ls[good+1:]...)
	forged = append(forged, fmt.Sprintf(`{"mac":%q,"result":%s}`+"\n", hex.EncodeToString(bytes.Repeat([]byte{7}, 32)), passing))
	cases[8].lines = forged
	// Results swapped between two lines, each MAC left where it was.
	swap := append([]string(nil), ls...)
	swap[good] = setField(t, ls[good], "result", json.RawMessage(result(busy)))
	swap[busy] = setField(t, ls[busy], "result", json.RawMessage(goodResult))
	cases[5].lines = swap

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), "tampered.checkpoint")
			data := []byte(strings.Join(tc.lines, ""))
			require.NoError(t, os.WriteFile(cp, data, 0o600))
			calls := f.srv.STS().Count("GetCallerIdentity")
			reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey})
			require.ErrorIs(t, err, organization.ErrCheckpointIntegrity)
			assert.ErrorIs(t, err, organization.ErrCheckpoint)
			var ie *organization.CheckpointIntegrityError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, cp, ie.Path)
			assert.Contains(t, err.Error(), tc.says)
			assert.Empty(t, reports, "nothing is emitted from a checkpoint that does not verify")
			assert.Equal(t, calls, f.srv.STS().Count("GetCallerIdentity"), "refused before any request")
			after, err2 := os.ReadFile(cp)
			require.NoError(t, err2)
			assert.Equal(t, string(data), string(after), "the file is left as it is: not cut, not started over")
			assertNoKey(t, err)
		})
	}

	t.Run("wrong key", func(t *testing.T) {
		cp := filepath.Join(t.TempDir(), "a.checkpoint")
		require.NoError(t, os.WriteFile(cp, []byte(strings.Join(ls, "")), 0o600))
		_, _, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: otherKey})
		require.ErrorIs(t, err, organization.ErrCheckpointIntegrity)
		assert.Contains(t, err.Error(), "another key")
		assertNoKey(t, err)
	})
	t.Run("another run's options", func(t *testing.T) {
		cp := filepath.Join(t.TempDir(), "a.checkpoint")
		require.NoError(t, os.WriteFile(cp, []byte(strings.Join(ls, "")), 0o600))
		_, _, err := f.audit(t.Context(), &organization.Options{Role: "OtherRole", Checkpoint: cp, CheckpointKey: testKey})
		require.ErrorIs(t, err, organization.ErrCheckpoint)
		assert.NotErrorIs(t, err, organization.ErrCheckpointIntegrity, "authentic, but of another run")
		assert.Contains(t, err.Error(), "other options")
	})
	t.Run("a signed checkpoint without the key", func(t *testing.T) {
		cp := filepath.Join(t.TempDir(), "a.checkpoint")
		require.NoError(t, os.WriteFile(cp, []byte(strings.Join(ls, "")), 0o600))
		_, _, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, InsecureUnsignedCheckpoint: true})
		require.ErrorIs(t, err, organization.ErrCheckpoint)
		assert.Contains(t, err.Error(), "signed")
	})
}

// TestCheckpointVerifiedWhenReplayed: a resumed result is verified again
// when it is read back to be emitted, so a line altered after the
// checkpoint was opened stops the run before it is emitted.
func TestCheckpointVerifiedWhenReplayed(t *testing.T) {
	f := newFixture(t, 0)
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	ls, _ := signedRun(t, f, cp)
	good := lineOf(t, ls, acctGood)
	passing := strings.ReplaceAll(ls[good], `"status":"FAIL"`, `"status":"PASS"`)
	require.Len(t, passing, len(ls[good]))
	var emitted []string
	_, err := organization.Audit(t.Context(), f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg), func(r *organization.Report) error {
		emitted = append(emitted, r.Account.ID)
		if len(emitted) == 1 {
			// Same length, in place: the offsets the run holds still fit.
			require.NoError(t, os.WriteFile(cp, []byte(strings.Join(append(append(append([]string(nil), ls[:good]...), passing), ls[good+1:]...), "")), 0o600))
		}
		return nil
	}, &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey, Accounts: 1})
	require.ErrorIs(t, err, organization.ErrCheckpointIntegrity)
	assert.NotContains(t, emitted, acctGood)
}

// TestCheckpointUnsigned: a checkpoint without MACs (format 1: written
// before checkpoints were signed, or with InsecureUnsignedCheckpoint) is
// refused with ErrCheckpointUnsigned, key or no key, unless
// InsecureUnsignedCheckpoint, which resumes it (and trusts it).
func TestCheckpointUnsigned(t *testing.T) {
	f := newFixture(t, 0)
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	insecure := &organization.Options{Role: role, Checkpoint: cp, InsecureUnsignedCheckpoint: true}
	full, _, err := f.audit(t.Context(), insecure)
	require.NoError(t, err)
	b, err := os.ReadFile(cp)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), `{"s3secure_checkpoint":1,`), "format 1, as before checkpoints were signed: %.60s", b)
	assert.NotContains(t, string(b), `"mac"`)

	_, _, err = f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey})
	require.ErrorIs(t, err, organization.ErrCheckpointUnsigned)
	assert.ErrorIs(t, err, organization.ErrCheckpoint)
	assert.Contains(t, err.Error(), "InsecureUnsignedCheckpoint")
	after, _ := os.ReadFile(cp)
	assert.Equal(t, b, after, "left as it is")

	again, sum, err := f.audit(t.Context(), insecure)
	require.NoError(t, err)
	assert.Equal(t, 6, sum.Resumed)
	assert.Equal(t, rowsOf(full), rowsOf(again))
	with := *insecure
	with.CheckpointKey = testKey
	_, sum, err = f.audit(t.Context(), &with)
	require.NoError(t, err, "the opt-in reads it with a key too")
	assert.Equal(t, 6, sum.Resumed)
}

// TestCheckpointKeyNeverShown: the key prints as redacted whatever
// formats it, alone or in Options, and is not in the checkpoint file.
func TestCheckpointKeyNeverShown(t *testing.T) {
	o := organization.Options{Role: role, Checkpoint: "x", CheckpointKey: testKey}
	secrettest.Check(t, []any{testKey, o, &o}, string(testKey))
	b, err := json.Marshal(testKey)
	require.NoError(t, err)
	assert.NotContains(t, string(b), string(testKey[:12]))

	f := newFixture(t, 0)
	cp := filepath.Join(t.TempDir(), "org.checkpoint")
	ls, _ := signedRun(t, f, cp)
	assertNoKey(t, errors.New(strings.Join(ls, "")))
}

func assertNoKey(t *testing.T, err error) {
	t.Helper()
	for _, k := range []organization.CheckpointKey{testKey, otherKey} {
		for _, s := range []string{string(k[:12]), hex.EncodeToString(k[:12])} {
			assert.NotContains(t, err.Error(), s)
		}
	}
}
