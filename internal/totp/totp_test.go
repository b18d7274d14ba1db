package totp

import (
	"bytes"
	"testing"
	"time"
)

// The shared secret of RFC 4226 Appendix D and of RFC 6238 Appendix B's
// SHA-1 rows: ASCII "12345678901234567890".
var rfcKey = []byte("12345678901234567890")

// RFC 4226 Appendix D: HOTP values of counters 0..9, six digits.
func TestHOTPRFC4226Vectors(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for c, w := range want {
		if got := HOTP(rfcKey, uint64(c), 6); got != w {
			t.Errorf("HOTP(counter %d) = %s, want %s", c, got, w)
		}
	}
}

// RFC 6238 Appendix B, the SHA-1 rows (eight digits there): the time step
// and the truncation agree with the published table, the year-2603 row
// included (a counter above 32 bits).
func TestTOTPRFC6238Vectors(t *testing.T) {
	cases := []struct {
		unix int64
		step uint64
		code string
	}{
		{59, 0x1, "94287082"},
		{1111111109, 0x23523EC, "07081804"},
		{1111111111, 0x23523ED, "14050471"},
		{1234567890, 0x273EF07, "89005924"},
		{2000000000, 0x3F940AA, "69279037"},
		{20000000000, 0x27BC86AA, "65353130"},
	}
	for _, c := range cases {
		at := time.Unix(c.unix, 0)
		if got := Counter(at); got != c.step {
			t.Errorf("Counter(%d) = %#x, want %#x", c.unix, got, c.step)
		}
		if got := HOTP(rfcKey, Counter(at), 8); got != c.code {
			t.Errorf("TOTP at %d = %s, want %s", c.unix, got, c.code)
		}
		// The six-digit code is the last six digits of the eight-digit one
		// (both are the same number modulo a power of ten).
		if got := Code(rfcKey, at); got != c.code[2:] {
			t.Errorf("Code at %d = %s, want %s", c.unix, got, c.code[2:])
		}
	}
}

// Verify accepts the current step and one either side, and nothing
// further, and reports the step the code belongs to.
func TestVerifyWindow(t *testing.T) {
	at := time.Unix(1234567890, 0)
	now := Counter(at)
	for d := int64(-3); d <= 3; d++ {
		step := uint64(int64(now) + d)
		code := HOTP(rfcKey, step, Digits)
		got, ok := Verify(rfcKey, code, at)
		inWindow := d >= -1 && d <= 1 // Cognito: ±1 step, not the constant
		// A code of a step outside the window may equal one inside it by
		// chance (one in a million); the RFC key at this time has no such
		// collision, so the expectation is exact.
		if ok != inWindow || (ok && got != step) {
			t.Errorf("step %+d: Verify = (%d, %v), want ok=%v step %d", d, got, ok, inWindow, step)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := Verify(rfcKey, bad, at); ok {
			t.Errorf("Verify(%q) accepted", bad)
		}
	}
	// At step 0 there is no step before it.
	if _, ok := Verify(rfcKey, HOTP(rfcKey, 0, Digits), time.Unix(5, 0)); !ok {
		t.Error("step 0 code refused at step 0")
	}
}

// A step ends 30 s after it starts; the last instant of a step still
// belongs to it.
func TestStepBoundaries(t *testing.T) {
	start := time.Unix(1111111110, 0) // 0x23523ED * 30
	if Counter(start) != 0x23523ED || Counter(start.Add(-time.Nanosecond)) != 0x23523EC {
		t.Fatalf("step boundary misplaced")
	}
	if end := StepEnd(0x23523ED); !end.Equal(start.Add(Period)) {
		t.Fatalf("StepEnd = %v, want %v", end, start.Add(Period))
	}
	if Counter(time.Unix(-1, 0)) != 0 {
		t.Fatal("a time before the epoch is not step 0")
	}
}

// SecretCode round trip: base32 without padding, upper case; lower case
// and padding are read back too.
func TestEncodeDecode(t *testing.T) {
	key := []byte("0123456789abcdefghijklmnopqrstuv") // 32 bytes
	s := Encode(key)
	if len(s) != 52 {
		t.Fatalf("Encode gave %d characters, want 52 (32 bytes, no padding): %s", len(s), s)
	}
	for _, in := range []string{s, s + "====", toLower(s)} {
		got, err := Decode(in)
		if err != nil || !bytes.Equal(got, key) {
			t.Fatalf("Decode(%q) = %x, %v", in, got, err)
		}
	}
	if _, err := Decode("not base32!"); err == nil {
		t.Fatal("Decode accepted garbage")
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
