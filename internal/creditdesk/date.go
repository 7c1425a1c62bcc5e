package creditdesk

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Date is a calendar date without a time zone (DOMAIN.md §0).
type Date struct{ t time.Time } // always UTC midnight

// NewDate returns the date y-m-d; out-of-range days normalise like time.Date.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Year(), t.Month(), t.Day()) }

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ParseDate reads a date written YYYY-MM-DD; anything else (times, other
// layouts, impossible days such as 2025-02-30) is an error.
func ParseDate(s string) (Date, error) {
	if !dateRE.MatchString(s) {
		return Date{}, fmt.Errorf("not a date (want YYYY-MM-DD)")
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("not a valid calendar date")
	}
	return Date{t}, nil
}

// MustParseDate is ParseDate for constants in tests and fixtures; it panics on
// a malformed date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(fmt.Sprintf("MustParseDate(%q): %v", s, err))
	}
	return d
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns d as UTC midnight.
func (d Date) Time() time.Time { return d.t }

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return d.t.Format(time.DateOnly) }

// Year, Month and Day return the parts of the date.
func (d Date) Year() int { return d.t.Year() }

// Month returns the calendar month the date is in.
func (d Date) Month() Month { return Month{Year: d.t.Year(), Month: d.t.Month()} }

// Day returns the day of the month.
func (d Date) Day() int { return d.t.Day() }

// Quarter returns the calendar quarter the date is in.
func (d Date) Quarter() Quarter { return Quarter{Year: d.t.Year(), Q: (int(d.t.Month())-1)/3 + 1} }

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// AddYears returns the same day n calendar years later; 29 February becomes
// 28 February in a year without it (DOMAIN.md §9).
func (d Date) AddYears(n int) Date {
	y, m, day := d.t.Date()
	if m == time.February && day == 29 {
		if t := time.Date(y+n, m, day, 0, 0, 0, 0, time.UTC); t.Month() != time.February {
			return NewDate(y+n, time.February, 28)
		}
	}
	return NewDate(y+n, m, day)
}

// DaysSince returns d − e in days.
func (d Date) DaysSince(e Date) int { return int(d.t.Sub(e.t).Hours() / 24) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Value writes the date to SQL as YYYY-MM-DD.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a SQL date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = NewDate(v.Year(), v.Month(), v.Day())
		return nil
	case string:
		p, err := ParseDate(v)
		*d = p
		return err
	case []byte:
		p, err := ParseDate(string(v))
		*d = p
		return err
	}
	return fmt.Errorf("cannot scan %T into Date", src)
}

// Month is a calendar month, written YYYY-MM.
type Month struct {
	Year  int
	Month time.Month
}

var monthRE = regexp.MustCompile(`^(\d{4})-(\d{2})$`)

// ParseMonth reads a month written YYYY-MM.
func ParseMonth(s string) (Month, error) {
	m := monthRE.FindStringSubmatch(s)
	if m == nil {
		return Month{}, fmt.Errorf("not a month (want YYYY-MM)")
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	if mo < 1 || mo > 12 {
		return Month{}, fmt.Errorf("not a valid month")
	}
	return Month{Year: y, Month: time.Month(mo)}, nil
}

// String writes the month as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// First returns the first day of the month.
func (m Month) First() Date { return NewDate(m.Year, m.Month, 1) }

// Last returns the last day of the month.
func (m Month) Last() Date { return NewDate(m.Year, m.Month+1, 0) }

// Quarter is a calendar quarter, written YYYYQn.
type Quarter struct {
	Year int
	Q    int
}

var quarterRE = regexp.MustCompile(`^(\d{4})Q([1-4])$`)

// ParseQuarter reads a quarter written YYYYQn.
func ParseQuarter(s string) (Quarter, error) {
	m := quarterRE.FindStringSubmatch(s)
	if m == nil {
		return Quarter{}, fmt.Errorf("not a quarter (want YYYYQn, n 1–4)")
	}
	y, _ := strconv.Atoi(m[1])
	q, _ := strconv.Atoi(m[2])
	return Quarter{Year: y, Q: q}, nil
}

// String writes the quarter as YYYYQn.
func (q Quarter) String() string { return fmt.Sprintf("%04dQ%d", q.Year, q.Q) }

// First returns the first day of the quarter.
func (q Quarter) First() Date { return NewDate(q.Year, time.Month(3*q.Q-2), 1) }

// Last returns the last day of the quarter.
func (q Quarter) Last() Date { return NewDate(q.Year, time.Month(3*q.Q+1), 0) }

// Previous returns the quarter before q.
func (q Quarter) Previous() Quarter {
	if q.Q == 1 {
		return Quarter{Year: q.Year - 1, Q: 4}
	}
	return Quarter{Year: q.Year, Q: q.Q - 1}
}

// Period is an inclusive range of dates [From, To] (DOMAIN.md §0).
type Period struct {
	From Date
	To   Date
}

// Validate reports a period whose end is before its start.
func (p Period) Validate() error {
	if p.To.Before(p.From) {
		return FieldError("period.to", p.To.String(), "is before period.from %s", p.From)
	}
	return nil
}

// Value writes the quarter to SQL as YYYYQn.
func (q Quarter) Value() (driver.Value, error) { return q.String(), nil }

// Scan reads a quarter stored as YYYYQn.
func (q *Quarter) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("cannot scan %T into Quarter", src)
	}
	p, err := ParseQuarter(s)
	*q = p
	return err
}

// Value writes the month to SQL as its first day.
func (m Month) Value() (driver.Value, error) { return m.First().String(), nil }

// Scan reads a month stored as its first day (a date) or as YYYY-MM.
func (m *Month) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*m = Month{Year: v.Year(), Month: v.Month()}
		return nil
	case string, []byte:
		s := fmt.Sprint(v)
		if b, ok := v.([]byte); ok {
			s = string(b)
		}
		if len(s) == len("2006-01-02") {
			d, err := ParseDate(s)
			*m = d.Month()
			return err
		}
		p, err := ParseMonth(s)
		*m = p
		return err
	}
	return fmt.Errorf("cannot scan %T into Month", src)
}
