package analyzer_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/iamfake"
)

// TestKeyHygieneAllowAgeUpTo: letting keys grow older, or stay unused
// longer, than CIS allows (90 and 45 days) is the opt-in AllowAgeUpTo and
// AllowUnusedAgeUpTo, greppable with every other weakening; the former
// MaxAge and UnusedAge still work alone (deprecated), and with both set
// the smaller applies, so that neither raises what the other allows.
func TestKeyHygieneAllowAgeUpTo(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	fake, client := iamfake.Start(t)
	fake.AddUser("dave", now.Add(-400*day),
		iamfake.Key{ID: "AKIADAVE000000000001", Created: now.Add(-120 * day), LastUsed: now.Add(-60 * day), Service: "s3", Region: "us-east-1"})
	clock := func() time.Time { return now }
	both := []analyzer.KeyProblem{analyzer.KeyTooOld, analyzer.KeyUnused}
	for _, tt := range []struct {
		name string
		opts analyzer.KeyOptions
		want []analyzer.KeyProblem
	}{
		{"defaults", analyzer.KeyOptions{}, both},
		{"AllowAgeUpTo", analyzer.KeyOptions{AllowAgeUpTo: 150 * day}, []analyzer.KeyProblem{analyzer.KeyUnused}},
		{"AllowAgeUpTo stricter than the default", analyzer.KeyOptions{AllowAgeUpTo: 30 * day, AllowUnusedAgeUpTo: 90 * day}, []analyzer.KeyProblem{analyzer.KeyTooOld}},
		{"deprecated MaxAge alone", analyzer.KeyOptions{MaxAge: 150 * day}, []analyzer.KeyProblem{analyzer.KeyUnused}},
		{"both ages: AllowAgeUpTo smaller", analyzer.KeyOptions{AllowAgeUpTo: 100 * day, MaxAge: 150 * day}, both},
		{"both ages: MaxAge smaller", analyzer.KeyOptions{AllowAgeUpTo: 150 * day, MaxAge: 100 * day}, both},
		{"both ages allow it", analyzer.KeyOptions{AllowAgeUpTo: 150 * day, MaxAge: 130 * day}, []analyzer.KeyProblem{analyzer.KeyUnused}},
		{"AllowUnusedAgeUpTo", analyzer.KeyOptions{AllowUnusedAgeUpTo: 90 * day}, []analyzer.KeyProblem{analyzer.KeyTooOld}},
		{"deprecated UnusedAge alone", analyzer.KeyOptions{UnusedAge: 90 * day}, []analyzer.KeyProblem{analyzer.KeyTooOld}},
		{"both unused ages: AllowUnusedAgeUpTo smaller", analyzer.KeyOptions{AllowUnusedAgeUpTo: 50 * day, UnusedAge: 90 * day}, both},
		{"both unused ages: UnusedAge smaller", analyzer.KeyOptions{AllowUnusedAgeUpTo: 90 * day, UnusedAge: 50 * day}, both},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.Now = clock
			got, err := analyzer.KeyHygiene(t.Context(), client, &o)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tt.want, got[0].Problems)
		})
	}
	calls := fake.Calls("ListUsers")
	for _, o := range []analyzer.KeyOptions{
		{AllowAgeUpTo: -time.Hour},
		{AllowUnusedAgeUpTo: -time.Hour},
		{AllowAgeUpTo: time.Hour, MaxAge: -time.Hour},
		{AllowUnusedAgeUpTo: time.Hour, UnusedAge: -time.Hour},
	} {
		_, err := analyzer.KeyHygiene(t.Context(), client, &o)
		assert.ErrorIs(t, err, analyzer.ErrInvalidInput, "%+v", o)
	}
	assert.Equal(t, calls, fake.Calls("ListUsers"), "refused before any request")
}
