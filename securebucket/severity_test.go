package securebucket_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/securebucket"
)

// TestHighestSeverity: the severity of a result standing for several
// controls is the highest of theirs; nil means the default controls.
func TestHighestSeverity(t *testing.T) {
	assert.Equal(t, securebucket.SeverityCritical, securebucket.HighestSeverity(nil), "S3.2 and S3.3 are among the defaults")
	assert.Equal(t, securebucket.SeverityMedium, securebucket.HighestSeverity([]securebucket.Control{"S3.5", "S3.14"}), "MEDIUM over LOW")
	assert.Equal(t, securebucket.SeverityLow, securebucket.HighestSeverity([]securebucket.Control{"S3.14"}))
	assert.Empty(t, securebucket.HighestSeverity([]securebucket.Control{}), "no control")
	assert.Empty(t, securebucket.HighestSeverity([]securebucket.Control{"S3.999"}), "an unknown control has no severity")
}

// TestAccountControlsHaveTheirSeverity: the account controls that are not
// bucket controls have their Security Hub title and severity, so a row
// made for one without a result (UNKNOWN: an account or Region that could
// not be audited) carries them too.
func TestAccountControlsHaveTheirSeverity(t *testing.T) {
	for c, sev := range map[securebucket.Control]string{
		securebucket.ControlAccessPointBPA:            securebucket.SeverityCritical,
		securebucket.ControlDataEventsWrite:           securebucket.SeverityMedium,
		securebucket.ControlDataEventsRead:            securebucket.SeverityMedium,
		securebucket.ControlMultiRegionAccessPointBPA: securebucket.SeverityHigh,
	} {
		assert.Equal(t, sev, c.Severity(), c)
		assert.NotEmpty(t, c.Title(), c)
	}
}
