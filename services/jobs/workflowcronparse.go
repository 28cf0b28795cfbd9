package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronSchedule is a parsed cron pattern: 5 fields (minute hour day-of-month month day-of-week)
// or Twenty's 6 (a seconds field first). The Cron Trigger fires once a minute, so a 6-field
// pattern fires at most once in a minute it matches, whatever its seconds say.
type cronSchedule struct {
	minute, hour, dom, month, dow uint64 // bit i set: value i matches
	domAny, dowAny                bool   // the field was * or ?
}

type cronField struct {
	min, max int
	names    map[string]int
}

var (
	cronSecond = cronField{0, 59, nil}
	cronMinute = cronField{0, 59, nil}
	cronHour   = cronField{0, 23, nil}
	cronDom    = cronField{1, 31, nil}
	cronMonth  = cronField{1, 12, map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}}
	// Sunday is 0 or 7.
	cronDow = cronField{0, 7, map[string]int{"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}}
)

// parseCron parses a pattern of *, ?, numbers, names, ranges (a-b), steps (*/n, a-b/n, a/n)
// and lists of them.
func parseCron(pattern string) (*cronSchedule, error) {
	fields := strings.Fields(pattern)
	switch len(fields) {
	case 6:
		if _, err := cronSecond.parse(fields[0]); err != nil {
			return nil, fmt.Errorf("seconds: %w", err)
		}
		fields = fields[1:]
	case 5:
	default:
		return nil, fmt.Errorf("%d fields, want 5 or 6", len(fields))
	}
	var s cronSchedule
	var err error
	for i, f := range []struct {
		name  string
		field cronField
		bits  *uint64
	}{{"minutes", cronMinute, &s.minute}, {"hours", cronHour, &s.hour}, {"day of month", cronDom, &s.dom}, {"month", cronMonth, &s.month}, {"day of week", cronDow, &s.dow}} {
		if *f.bits, err = f.field.parse(fields[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if s.dow&(1<<7) != 0 {
		s.dow |= 1
	}
	s.domAny = fields[2] == "*" || fields[2] == "?"
	s.dowAny = fields[4] == "*" || fields[4] == "?"
	return &s, nil
}

func (f cronField) parse(text string) (uint64, error) {
	var bits uint64
	for _, part := range strings.Split(text, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 || n > f.max-f.min+1 {
				return 0, fmt.Errorf("invalid step %q", stepText)
			}
			step = n
		}
		lo, hi := f.min, f.max
		switch {
		case rng == "*" || rng == "?":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = f.value(a); err != nil {
				return 0, err
			}
			if hi, err = f.value(b); err != nil {
				return 0, err
			}
			if lo > hi {
				return 0, fmt.Errorf("invalid range %q", rng)
			}
		default:
			v, err := f.value(rng)
			if err != nil {
				return 0, err
			}
			lo = v
			if !hasStep {
				hi = v
			}
		}
		for v := lo; v <= hi; v += step {
			bits |= 1 << v
		}
	}
	return bits, nil
}

func (f cronField) value(text string) (int, error) {
	if v, ok := f.names[strings.ToUpper(text)]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(text)
	if err != nil {
		return 0, fmt.Errorf("invalid value %q", text)
	}
	if v < f.min || v > f.max {
		return 0, errors.New("value " + text + " out of range " + strconv.Itoa(f.min) + "-" + strconv.Itoa(f.max))
	}
	return v, nil
}

// matches reports whether the pattern fires in t's minute (UTC). As in Vixie cron, when both
// day fields are restricted, a day matching either matches.
func (s *cronSchedule) matches(t time.Time) bool {
	t = t.UTC()
	if s.minute&(1<<t.Minute()) == 0 || s.hour&(1<<t.Hour()) == 0 || s.month&(1<<int(t.Month())) == 0 {
		return false
	}
	domOK, dowOK := s.dom&(1<<t.Day()) != 0, s.dow&(1<<int(t.Weekday())) != 0
	if s.domAny || s.dowAny {
		return domOK && dowOK
	}
	return domOK || dowOK
}
