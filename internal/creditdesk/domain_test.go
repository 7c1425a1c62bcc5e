package creditdesk

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"
)

func TestAddYearsMovesLeapDayToTheTwentyEighth(t *testing.T) {
	// DOMAIN.md §9: 29 February → 28 February.
	for _, tc := range []struct {
		from  string
		years int
		want  string
	}{
		{"2024-02-29", 2, "2026-02-28"},
		{"2024-02-29", 4, "2028-02-29"},
		{"2024-02-29", -5, "2019-02-28"},
		{"2023-03-01", 1, "2024-03-01"},
		{"2025-06-30", -5, "2020-06-30"},
	} {
		if got := MustParseDate(tc.from).AddYears(tc.years).String(); got != tc.want {
			t.Errorf("%s + %d years = %s, want %s", tc.from, tc.years, got, tc.want)
		}
	}
}

func TestParseDateRefusesAnythingButACalendarDate(t *testing.T) {
	for _, bad := range []string{"2025-02-30", "2025-13-01", "2025-6-30", "2025/06/30", "2025-06-30T00:00:00Z", "", "20250630"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded", bad)
		}
	}
	if d := MustParseDate("2024-02-29"); d.DaysSince(MustParseDate("2024-01-01")) != 59 {
		t.Errorf("2024-02-29 is day 59 after 2024-01-01, got %d", d.DaysSince(MustParseDate("2024-01-01")))
	}
}

func TestMonthsAndQuarters(t *testing.T) {
	q, err := ParseQuarter("2024Q1")
	if err != nil {
		t.Fatal(err)
	}
	if q.First().String() != "2024-01-01" || q.Last().String() != "2024-03-31" || q.Previous().String() != "2023Q4" {
		t.Errorf("2024Q1: first %s last %s previous %s", q.First(), q.Last(), q.Previous())
	}
	for _, bad := range []string{"2025Q5", "2025Q0", "2025q1", "25Q1"} {
		if _, err := ParseQuarter(bad); err == nil {
			t.Errorf("ParseQuarter(%q) succeeded", bad)
		}
	}
	m, err := ParseMonth("2024-02")
	if err != nil {
		t.Fatal(err)
	}
	if m.Last().String() != "2024-02-29" || MustParseDate("2025-08-15").Quarter().String() != "2025Q3" {
		t.Errorf("month 2024-02 ends %s; 2025-08-15 is in %s", m.Last(), MustParseDate("2025-08-15").Quarter())
	}
	if _, err := ParseMonth("2025-13"); err == nil {
		t.Error("ParseMonth(2025-13) succeeded")
	}
}

func TestOutputTypesPrintAtTheirScaleRoundingHalfAwayFromZero(t *testing.T) {
	d := decimal.RequireFromString
	for _, tc := range []struct {
		v    fmt.Stringer
		want string
	}{
		{Money{d("400")}, "400.00"},
		{Money{d("0.005")}, "0.01"},
		{Money{d("-0.005")}, "-0.01"},
		{Ratio{d("0.2531255")}, "0.253126"},
		{Score{d("79.995")}, "80.00"},
		{Rate{d("7.1")}, "7.10000000"},
	} {
		if got := tc.v.String(); got != tc.want {
			t.Errorf("%T %s printed %q, want %q", tc.v, tc.want, got, tc.want)
		}
		if got := fmt.Sprintf("%v", tc.v); got != tc.want {
			t.Errorf("%%v of %T printed %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestRatioOfZeroIsNull(t *testing.T) {
	if RatioOf(decimal.NewFromInt(1), decimal.Zero) != nil {
		t.Error("1/0 must be null")
	}
	if r := RatioOf(decimal.NewFromInt(1), decimal.NewFromInt(3)); r.String() != "0.333333" {
		t.Errorf("1/3 = %s", r)
	}
}

func TestErrorsKeepTheirCodeAndHideInternals(t *testing.T) {
	e := FieldError("amount", "1e5", "not a decimal")
	if ErrorCode(e) != EINVALID || e.Error() != `amount: "1e5": not a decimal` {
		t.Errorf("FieldError: %s %q", ErrorCode(e), e.Error())
	}
	wrapped := fmt.Errorf("record payment: %w", Errorf(ECONFLICT, "key reused"))
	if ErrorCode(wrapped) != ECONFLICT || ErrorMessage(wrapped) != "key reused" {
		t.Errorf("wrapped: %s %q", ErrorCode(wrapped), ErrorMessage(wrapped))
	}
	internal := fmt.Errorf("pq: relation \"secret\" does not exist")
	if ErrorCode(internal) != EINTERNAL || ErrorMessage(internal) != "internal error" {
		t.Errorf("internal: %s %q", ErrorCode(internal), ErrorMessage(internal))
	}
}

func TestNoteStatusMoves(t *testing.T) {
	allowed := map[[2]NoteStatus]bool{
		{NoteHeld, NotePresented}: true, {NotePresented, NoteHonored}: true, {NotePresented, NoteDishonored}: true,
	}
	for _, from := range NoteStatuses {
		for _, to := range NoteStatuses {
			if got := from.CanMoveTo(to); got != allowed[[2]NoteStatus{from, to}] {
				t.Errorf("%s → %s allowed = %v", from, to, got)
			}
		}
	}
}

func TestDecimalTextIsTheValueAsSent(t *testing.T) {
	for _, s := range []string{"-100.00", "0.00", "0", "-0.001", "1000.001", "5", "0.10", "12345678901234567890.1234567890"} {
		if got := DecimalText(decimal.RequireFromString(s)); got != s {
			t.Errorf("DecimalText(%s) = %s", s, got)
		}
	}
}
