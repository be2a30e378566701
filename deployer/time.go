package deployer

import (
	"bytes"
	"time"
)

// Time is a timestamp that Helm 3 writes as "" when zero (its own time type
// does that) and as RFC 3339 with nanoseconds otherwise. Helm 4 omits zero
// times; both read "".
type Time struct{ time.Time }

// Now is the current time, as stored in releases.
func Now() Time { return Time{time.Now()} }

// MarshalJSON writes "" for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return t.Time.MarshalJSON()
}

// UnmarshalJSON accepts "" and null as the zero time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte(`""`)) || bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	return t.Time.UnmarshalJSON(b)
}
