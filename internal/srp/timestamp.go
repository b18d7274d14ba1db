package srp

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// timestampLayout is the TIMESTAMP the clients sign, "Tue Dec 2 16:05:09
// UTC 2026": English names, the day of the month without padding, the time
// with it, always UTC (amazon-cognito-identity-js DateHelper.getNowString,
// Amplify v6 getNowString; Cognito's own error names the pattern "EEE MMM d
// HH:mm:ss z yyyy").
const timestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// ErrTimestampFormat reports a TIMESTAMP that is not in that pattern.
var ErrTimestampFormat = errors.New("srp: TIMESTAMP format")

// FormatTimestamp writes t in the clients' form. It is the canonical form:
// the server signs what ParseTimestamp read, written back with it.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

var (
	weekdays = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	months   = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// ParseTimestamp reads a TIMESTAMP in the pattern "EEE MMM d HH:mm:ss z
// yyyy" with z = UTC: one or two digits for the day, exactly two for hours,
// minutes and seconds, four for the year. The weekday must be a weekday
// name but is not checked against the date, and "05" is read as the 5th:
// such a timestamp parses, but is not what FormatTimestamp writes back, so
// a signature over it does not verify — as on Cognito, where a client
// signing "Sep 05" or a wrong weekday gets "Incorrect username or
// password." (observed: qwigo/warrant#12 for the padded day; ministack's
// measurements for both), while "15:56:9" is refused as a format error
// (observed: amazon-cognito-identity-js#683).
func ParseTimestamp(s string) (time.Time, error) {
	f := strings.Split(s, " ")
	if len(f) != 6 || slices.Index(weekdays, f[0]) < 0 || f[4] != "UTC" {
		return time.Time{}, ErrTimestampFormat
	}
	month := slices.Index(months, f[1])
	day, okD := digits(f[2], 1, 2)
	year, okY := digits(f[5], 4, 4)
	hms := strings.Split(f[3], ":")
	if month < 0 || !okD || !okY || len(hms) != 3 {
		return time.Time{}, ErrTimestampFormat
	}
	var clock [3]int
	for i, p := range hms {
		n, ok := digits(p, 2, 2)
		if !ok {
			return time.Time{}, ErrTimestampFormat
		}
		clock[i] = n
	}
	t := time.Date(year, time.Month(month+1), day, clock[0], clock[1], clock[2], 0, time.UTC)
	// time.Date normalises Feb 30 to Mar 2 and 24:00 to the next day; a
	// date that does not exist is a format error, not another date.
	if t.Day() != day || t.Hour() != clock[0] || t.Minute() != clock[1] || t.Second() != clock[2] {
		return time.Time{}, fmt.Errorf("%w: no such date", ErrTimestampFormat)
	}
	return t, nil
}

// digits reads s as a decimal number of minLen to maxLen ASCII digits.
func digits(s string, minLen, maxLen int) (int, bool) {
	if len(s) < minLen || len(s) > maxLen {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
