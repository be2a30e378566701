package cli

import (
	"os"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
)

// settings are the defaults berth takes from the environment, read and
// parsed once when it starts; commands take them from here.
type settings struct {
	// sourceDateEpoch is $SOURCE_DATE_EPOCH (zero when unset); its parse
	// error is kept for the commands that stamp with it, so each of them
	// refuses a bad value alike.
	sourceDateEpoch    time.Time
	sourceDateEpochErr error
}

const settingsKey = "berth.settings"

func readSettings(getenv func(string) string) *settings {
	s := &settings{}
	s.sourceDateEpoch, s.sourceDateEpochErr = chartfmt.SourceDateEpoch(getenv("SOURCE_DATE_EPOCH"))
	return s
}

// appSettings are the settings Run read; an App built otherwise reads the
// environment now.
func appSettings(c *ucli.Context) *settings {
	if s, ok := c.App.Metadata[settingsKey].(*settings); ok {
		return s
	}
	return readSettings(os.Getenv)
}

// sourceDateEpoch is the time packaged and pushed charts are stamped with.
func sourceDateEpoch(c *ucli.Context) (time.Time, error) {
	s := appSettings(c)
	return s.sourceDateEpoch, s.sourceDateEpochErr
}
