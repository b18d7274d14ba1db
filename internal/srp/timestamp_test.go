package srp

import (
	"errors"
	"testing"
	"time"
)

// TestFormatTimestamp: the clients' form — no padding for the day, padding
// for the time.
func TestFormatTimestamp(t *testing.T) {
	for when, want := range map[time.Time]string{
		time.Date(2026, 12, 2, 16, 5, 9, 0, time.UTC):                "Wed Dec 2 16:05:09 UTC 2026",
		time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC):                 "Sat Jan 31 00:00:00 UTC 2026",
		time.Date(2026, 3, 9, 10, 8, 7, 0, time.FixedZone("", 3600)): "Mon Mar 9 09:08:07 UTC 2026",
	} {
		if got := FormatTimestamp(when); got != want {
			t.Errorf("FormatTimestamp(%v) = %q, want %q", when, got, want)
		}
	}
}

// TestParseTimestamp: what the clients send parses back to itself; a
// padded day or a wrong weekday parses but does not round-trip (so a
// signature over it fails, as on Cognito); other shapes are format errors.
func TestParseTimestamp(t *testing.T) {
	for _, c := range loadVectors(t).Cases {
		got, err := ParseTimestamp(c.Timestamp)
		if err != nil || FormatTimestamp(got) != c.Timestamp {
			t.Errorf("%q: %v, %v", c.Timestamp, got, err)
		}
	}
	for _, s := range []string{"Wed Dec 02 16:05:09 UTC 2026", "Mon Dec 2 16:05:09 UTC 2026"} {
		got, err := ParseTimestamp(s)
		if err != nil || !got.Equal(time.Date(2026, 12, 2, 16, 5, 9, 0, time.UTC)) || FormatTimestamp(got) == s {
			t.Errorf("%q: %v, %v", s, got, err)
		}
	}
	for _, s := range []string{
		"", "Wed Dec 2 16:05:9 UTC 2026", "Wed Dec 2 16:05:09 IST 2026", "Wed Dec 2 16:05:09 +00:00 2026",
		"wed dec 2 16:05:09 UTC 2026", "Wed Dec  2 16:05:09 UTC 2026", "Wed Dec 2 16:05:09 UTC 26",
		"Mon Feb 30 10:00:00 UTC 2026", "Wed Dec 2 24:00:00 UTC 2026", "Wed Dec 2 16:60:09 UTC 2026",
		"Wed Dec 2 16:05:09 UTC 2026 ", "Wed Dec 123 16:05:09 UTC 2026", "2026-12-02T16:05:09Z", "Wed Dec +2 16:05:09 UTC 2026",
	} {
		if _, err := ParseTimestamp(s); !errors.Is(err, ErrTimestampFormat) {
			t.Errorf("%q: %v, want a format error", s, err)
		}
	}
}
