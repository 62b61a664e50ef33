package usage

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// checkLogTime fails t unless parseLogTime and time.Parse agree on s.
func checkLogTime(t *testing.T, s string) {
	t.Helper()
	got, ok := parseLogTime(s)
	want, err := time.Parse(logTimeLayout, s)
	if ok != (err == nil) {
		t.Fatalf("%q: parseLogTime ok=%v, time.Parse error %v", s, ok, err)
	}
	if ok && !got.Equal(want) {
		t.Fatalf("%q: parseLogTime %v, time.Parse %v", s, got, want.UTC())
	}
	if ok && got.Location() != time.UTC {
		t.Fatalf("%q: %v is not in UTC", s, got)
	}
}

// The hand-rolled parser of the bracketed time takes what time.Parse takes,
// and gives the same time: generated times over years 0 to 9999 in every
// zone offset, then the same strings with bytes changed (to digits, month
// letters in any case, separators), which must be refused or read alike.
func TestParseLogTimeMatchesTimeParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := "0123456789/:+- JFMASONDjfmasondaeuoprcnbglyvtAEUOPRCNBGLYVTx"
	n := 100_000
	if testing.Short() {
		n = 10_000
	}
	for range n {
		zone := time.FixedZone("", (rng.IntN(49*60)-24*60)*60)
		tm := time.Date(rng.IntN(10000), time.Month(1+rng.IntN(12)), 1+rng.IntN(31), rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, zone)
		s := tm.Format(logTimeLayout)
		if len(s) != 26 {
			continue // a year that needs another width
		}
		checkLogTime(t, s)
		b := []byte(s)
		for range 1 + rng.IntN(2) {
			b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
		}
		checkLogTime(t, string(b))
	}
	for _, s := range []string{
		"06/Feb/2019:00:00:38 +0000", "06/feb/2019:00:00:38 +0000", "06/FEB/2019:23:59:59 -2400",
		"29/Feb/2020:00:00:38 +0000", "29/Feb/2019:00:00:38 +0000", "31/Apr/2019:00:00:38 +0000",
		"00/Feb/2019:00:00:38 +0000", "06/Feb/2019:24:00:00 +0000", "06/Feb/2019:00:60:00 +0000",
		"06/Feb/2019:00:00:60 +0000", "06/Feb/2019:00:00:38 +2400", "06/Feb/2019:00:00:38 +2500",
		"06/Feb/2019:00:00:38 +0060", "06/Feb/2019:00:00:38 +0061", "06/Feb/2019:00:00:38 -0000",
		"01/feB/0000:0:00:00 +0000", "06/Feb/2019:7:00:38 +0000", "06/Feb/2019:x:00:38 +0000", "06/Feb/2019::00:38 +0000",
		"01/feB/0000:0:00:00  +0000", "06/Feb/2019:00:00:38   +0000", " 06/Feb/2019:00:00:38 +0000",
		"06/Fex/2019:00:00:38 +0000", "06/F\xc5b/2019:00:00:38 +0000", "6/Feb/2019:00:00:38 +00000",
	} {
		checkLogTime(t, s)
	}
}

// FuzzParseLogTime checks parseLogTime against time.Parse on any input.
func FuzzParseLogTime(f *testing.F) {
	f.Add("06/Feb/2019:00:00:38 +0000")
	f.Add("29/feb/2020:23:59:59 -2400")
	f.Fuzz(func(t *testing.T, s string) {
		checkLogTime(t, s)
	})
}

// FuzzFieldScanning checks the word-at-a-time helpers against the obvious
// loops: fieldEnds against finding spaces one byte at a time, hasPercent
// against strings.IndexByte.
func FuzzFieldScanning(f *testing.F) {
	f.Add("203.0.113.7 arn:aws:iam::111122223333:user/alice 3E57427F3EXAMPLE REST.GET.OBJECT a%20b \"GET / HTTP/1.1\"", 0)
	f.Add(strings.Repeat("x ", 70), 3)
	f.Fuzz(func(t *testing.T, s string, from int) {
		if from < 0 || from > len(s) {
			return
		}
		var got [5]int
		ok := fieldEnds(s, from, got[:])
		var want []int
		for i := from; i < len(s) && len(want) < len(got); i++ {
			if s[i] == ' ' {
				want = append(want, i)
			}
		}
		if ok != (len(want) == len(got)) || (ok && [5]int(want) != got) {
			t.Fatalf("fieldEnds(%q, %d) = %v, %v; want %v", s, from, got, ok, want)
		}
		if hasPercent(s) != strings.Contains(s, "%") {
			t.Fatalf("hasPercent(%q) = %v", s, hasPercent(s))
		}
	})
}

// Clone copies every string of a record, exported or not: no string of the
// clone shares memory with the scanner's record.
func TestCloneCopiesEveryString(t *testing.T) {
	log := "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be logs [06/Feb/2024:00:00:38 +0000] 192.0.2.3 arn:aws:iam::111122223333:user/a R1 REST.COPY.OBJECT_GET k \"GET /logs/k?versionId=v&prefix=p HTTP/1.1\" 403 AccessDenied 1 1 1 1 \"ref\" \"ua\" v2 H= SigV4 TLS AuthHeader host TLSv1.3 arn:aws:s3:eu-west-1:111122223333:accesspoint/ap Yes\n"
	sc := NewServerAccessLogScanner(strings.NewReader(log), "f")
	if !sc.Scan() {
		t.Fatal(sc.Err(), sc.Stats().Errors)
	}
	r := sc.Record()
	r.CopySource = r.RequestURI[4:10] // set by CloudTrail only
	r.CopySourceVersionID = r.RequestURI[5:10]
	r.ListPrefix = r.RequestURI[3:7] // set for a listing only
	r.Principal.Service, r.Principal.ID = r.RequestURI[5:9], r.RequestURI[6:9]
	_ = r.Detail()
	c := r.Clone()
	var walk func(a, b reflect.Value, path string)
	walk = func(a, b reflect.Value, path string) {
		switch a.Kind() {
		case reflect.String:
			if a.Len() == 0 {
				t.Errorf("%s is empty: the test does not check it", path)
			} else if unsafe.StringData(a.String()) == unsafe.StringData(b.String()) {
				t.Errorf("%s shares the original's memory", path)
			} else if a.String() != b.String() {
				t.Errorf("%s = %q, want %q", path, b.String(), a.String())
			}
		case reflect.Struct:
			if a.Type() == reflect.TypeOf(time.Time{}) {
				return
			}
			for i := range a.NumField() {
				walk(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)
			}
		}
	}
	walk(reflect.ValueOf(*r), reflect.ValueOf(*c), "Record")
}
