package policy_test

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// snapshotFile is AWS's service reference for S3 as of the built-in
// snapshot (the reference data the catalog is generated from).
const snapshotFile = "internal/gen/data/aws-service-reference-s3.json"

// newerReference returns the snapshot file with one action and one
// condition key appended, standing for what AWS adds after a release:
// s3:ExampleActionAddedLater (Write, on buckets, with the key
// s3:ExampleKeyAddedLater). The names are made up; the format is AWS's.
func newerReference(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(snapshotFile)
	require.NoError(t, err)
	var f map[string]any
	require.NoError(t, json.Unmarshal(raw, &f))
	f["Actions"] = append(f["Actions"].([]any), map[string]any{
		"Name":                "ExampleActionAddedLater",
		"ActionConditionKeys": []string{"s3:ExampleKeyAddedLater", "s3:TlsVersion"},
		"Annotations":         map[string]any{"Properties": map[string]bool{"IsWrite": true}},
		"Resources":           []map[string]string{{"Name": "bucket"}},
	})
	f["ConditionKeys"] = append(f["ConditionKeys"].([]any), map[string]any{"Name": "s3:ExampleKeyAddedLater", "Types": []string{"String"}})
	out, err := json.Marshal(f)
	require.NoError(t, err)
	return out
}

func TestLoadServiceReferenceSnapshot(t *testing.T) {
	f, err := os.Open(snapshotFile)
	require.NoError(t, err)
	defer f.Close()
	ref, err := policy.LoadServiceReference(f)
	require.NoError(t, err)
	assert.Equal(t, "v1.4", ref.Version())
	assert.Empty(t, ref.Added(), "the built-in catalog knows every action of its own snapshot")
	a, ok := ref.LookupAction("S3:GETOBJECT")
	require.True(t, ok)
	b, _ := policy.LookupAction("s3:GetObject")
	assert.Equal(t, b, a)
	// The actions AWS added after the snapshot (the additions file) stay known.
	_, ok = ref.LookupAction("s3:AllowVendedLogDeliveryForResource")
	assert.True(t, ok)
}

// An action the built-in snapshot does not know is an ERROR by default and
// accepted with a newer service reference that has it; its resource types
// and condition keys are then checked like the snapshot's.
func TestValidateWithServiceReference(t *testing.T) {
	ref, err := policy.LoadServiceReference(strings.NewReader(string(newerReference(t))))
	require.NoError(t, err)
	assert.Equal(t, []string{"s3:ExampleActionAddedLater"}, ref.Added())
	a, ok := ref.LookupAction("s3:exampleactionaddedlater")
	require.True(t, ok)
	assert.Equal(t, policy.AccessWrite, a.AccessLevel)
	assert.True(t, a.AppliesTo("bucket"))
	_, ok = policy.LookupAction("s3:ExampleActionAddedLater")
	assert.False(t, ok, "loading a reference changes nothing global")

	withRef := &policy.ValidateOptions{Kind: policy.KindManaged, ServiceReference: ref}
	without := &policy.ValidateOptions{Kind: policy.KindManaged}

	doc := []byte(wrap(`{"Effect":"Allow","Action":"s3:ExampleActionAddedLater","Resource":"arn:aws:s3:::b-1","Condition":{"StringEquals":{"s3:ExampleKeyAddedLater":"x"}}}`))
	assert.ElementsMatch(t, []string{"INVALID_ACTION", "INVALID_SERVICE_CONDITION_KEY"}, codesOf(policy.Validate(doc, without)))
	assert.Empty(t, policy.Validate(doc, withRef))

	// Wildcards expand to it too.
	doc = []byte(wrap(`{"Effect":"Allow","Action":["s3:ExampleAction*"],"Resource":"arn:aws:s3:::b-1"}`))
	assert.Equal(t, []string{"INVALID_ACTION"}, codesOf(policy.Validate(doc, without)))
	assert.Empty(t, policy.Validate(doc, withRef))

	// Its resource types: on objects only it does nothing.
	doc = []byte(wrap(`{"Effect":"Allow","Action":"s3:ExampleActionAddedLater","Resource":"arn:aws:s3:::b-1/*"}`))
	assert.Equal(t, []string{policy.CodeActionResourceMismatch}, codesOf(policy.Validate(doc, withRef)))

	// Its condition keys: the new key on an action that lacks it.
	doc = []byte(wrap(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"s3:ExampleKeyAddedLater":"x"}}}`))
	assert.Equal(t, []string{"UNSUPPORTED_ACTION_FOR_CONDITION_KEY"}, codesOf(policy.Validate(doc, withRef)))

	// Its access level: granted to everyone it is public write.
	doc = []byte(wrap(`{"Effect":"Allow","Principal":"*","Action":"s3:ExampleActionAddedLater","Resource":"arn:aws:s3:::b-1"}`))
	assert.Contains(t, codesOf(policy.Validate(doc, &policy.ValidateOptions{ServiceReference: ref})), policy.CodePublicWrite)

	// Safe for concurrent use.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.Contains(t, codesOf(policy.Validate(doc, &policy.ValidateOptions{ServiceReference: ref})), policy.CodePublicWrite)
		}()
	}
	wg.Wait()
}

func TestLoadServiceReferenceErrors(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"not JSON", `{"Name":`},
		{"another service", `{"Name":"ec2","Actions":[]}`},
		{"no name", `{"Actions":[]}`},
		{"action without a name", `{"Name":"s3","Actions":[{"Name":""}]}`},
		{"action with a prefix", `{"Name":"s3","Actions":[{"Name":"s3:GetObject"}]}`},
		{"key without a type", `{"Name":"s3","ConditionKeys":[{"Name":"s3:x","Types":[]}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policy.LoadServiceReference(strings.NewReader(tc.src))
			require.ErrorIs(t, err, policy.ErrInvalidServiceReference)
			assert.True(t, strings.HasPrefix(err.Error(), "policy: "), err)
		})
	}

	// An endless input is refused after MaxServiceReferenceSize bytes.
	r := &countingReader{r: io.MultiReader(strings.NewReader(`{"Name":"s3","Version":"`), zeros{})}
	_, err := policy.LoadServiceReference(r)
	require.ErrorIs(t, err, policy.ErrInvalidServiceReference)
	assert.LessOrEqual(t, r.n, int64(policy.MaxServiceReferenceSize+1))

	// A read error is returned as it is.
	boom := errors.New("boom")
	_, err = policy.LoadServiceReference(io.MultiReader(strings.NewReader(`{`), errReader{boom}))
	require.ErrorIs(t, err, boom)
	assert.NotErrorIs(t, err, policy.ErrInvalidServiceReference)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '0'
	}
	return len(p), nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
