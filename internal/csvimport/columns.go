package csvimport

import (
	"fmt"
	"strings"
)

// valueKind is what a staged text value must look like.
type valueKind int

const (
	kindText     valueKind = iota // any text
	kindDate                      // YYYY-MM-DD, a real calendar day
	kindMonth                     // YYYY-MM
	kindQuarter                   // YYYYQn
	kindDecimal                   // -?digits[.digits] within the column's precision
	kindEnum                      // one of a fixed list of names
	kindCurrency                  // ISO 4217: three capital letters
	kindBool                      // true/false, 1/0, yes/no
)

// column is one column of an import file. Every value is staged as text;
// the kind says how phase 1 validates it before anything casts it.
type column struct {
	name     string
	required bool // the header must have it and no cell may be empty
	kind     valueKind
	// Decimals: the most digits before and after the point the target
	// column can hold (numeric(18,2) holds 16 and 2; API.md allows at most
	// 18 before the point, and a column may allow fewer), and the bounds.
	intDigits, places int
	min, max          string // "" for none; SQL numeric literals
	minExclusive      bool   // min is a strict bound (amounts that must be > 0)
	few               bool   // a decimal with few distinct values (see fewValues)
	enum              []string
}

// Column constructors, one per kind; req(), positive(), nonNegative() and
// between() refine them.

func text(name string) column     { return column{name: name, kind: kindText} }
func date(name string) column     { return column{name: name, kind: kindDate} }
func month(name string) column    { return column{name: name, kind: kindMonth} }
func quarter(name string) column  { return column{name: name, kind: kindQuarter} }
func currency(name string) column { return column{name: name, kind: kindCurrency} }
func boolean(name string) column  { return column{name: name, kind: kindBool} }

func enum[T ~string](name string, values []T) column {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return column{name: name, kind: kindEnum, enum: names}
}

// money is a numeric(18,2) amount in any sign (sales lines carry returns).
func money(name string) column {
	return column{name: name, kind: kindDecimal, intDigits: 16, places: 2}
}

// rate is an exchange rate, numeric(18,8), strictly positive.
func rate(name string) column {
	return column{name: name, kind: kindDecimal, intDigits: 10, places: 8, min: "0", minExclusive: true, few: true}
}

// whole is an integer column of up to digits digits.
func whole(name string, digits int) column {
	return column{name: name, kind: kindDecimal, intDigits: digits}
}

// numeric is a numeric column with the given precision.
func numeric(name string, intDigits, places int) column {
	return column{name: name, kind: kindDecimal, intDigits: intDigits, places: places}
}

func (c column) req() column { c.required = true; return c }

// positive requires a value > 0 (document amounts: the schema's CHECK
// (amount > 0)).
func (c column) positive() column { c.min, c.minExclusive = "0", true; return c }

// nonNegative requires a value ≥ 0.
func (c column) nonNegative() column { c.min = "0"; return c }

// between bounds the value to [lo, hi].
func (c column) between(lo, hi string) column { c.min, c.max = lo, hi; return c }

// check is one rule a staged row must satisfy. cond is SQL over the row
// (alias s and whatever the query joins) that is true when the row breaks
// the rule; value and info are SQL text expressions for the message, which
// is a format with %[1]s for the value and %[2]s for the info.
type check struct {
	column string
	cond   string
	value  string
	info   string
	msg    string
}

// sqlString quotes s as an SQL string literal (standard_conforming_strings
// is on in every supported PostgreSQL).
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlStrings is the values as a list of SQL string literals: 'A', 'B'.
func sqlStrings[T ~string](values []T) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = sqlString(string(v))
	}
	return strings.Join(q, ", ")
}

// fewValues reports whether the column holds few distinct values however
// long the file (dates, months, codes of a list, currencies, exchange
// rates). Phase 1 validates such a column over its distinct values, not row
// by row: a million sales lines carry a thousand ship dates.
func (c column) fewValues() bool {
	return c.kind != kindText && c.kind != kindDecimal || c.few
}

// valueChecks returns the checks of a present (non-NULL) value v of the
// column, in order. They are consecutive CASE branches, so a cast in a later
// branch (a date's day, a decimal's sign) only ever sees a value an earlier
// branch has proven well-formed.
func (c column) valueChecks(v string) []check {
	var out []check
	add := func(cond, msg string) {
		out = append(out, check{column: c.name, cond: cond, value: v, msg: msg})
	}
	switch c.kind {
	case kindDate:
		add(fmt.Sprintf("NOT (length(%[1]s) = 10 AND substr(%[1]s, 5, 1) = '-' AND substr(%[1]s, 8, 1) = '-' AND translate(%[1]s, '0123456789', '') = '--')", v),
			"%[1]s is not a valid date (YYYY-MM-DD)")
		add("NOT "+calendarDay(v), "%[1]s is not a valid date (YYYY-MM-DD)")
	case kindMonth:
		add(fmt.Sprintf("NOT (length(%[1]s) = 7 AND substr(%[1]s, 5, 1) = '-' AND translate(%[1]s, '0123456789', '') = '-' AND substr(%[1]s, 1, 4) <> '0000' AND substr(%[1]s, 6, 2) BETWEEN '01' AND '12')", v),
			"%[1]s is not a valid month (YYYY-MM)")
	case kindQuarter:
		add(v+" !~ '^[0-9]{4}Q[1-4]$' OR substr("+v+", 1, 4) = '0000'", "%[1]s is not a valid quarter (YYYYQn, n from 1 to 4)")
	case kindCurrency:
		add(fmt.Sprintf("NOT (length(%[1]s) = 3 AND translate(%[1]s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '') = '')", v),
			"%[1]s is not a currency code (three capital letters, ISO 4217)")
	case kindBool:
		add("lower("+v+") NOT IN ('true', 'false', '1', '0', 'yes', 'no')", "%[1]s is not a yes/no value (true/false, 1/0 or yes/no)")
	case kindEnum:
		add(v+" NOT IN ("+sqlStrings(c.enum)+")", "%[1]s is not one of "+strings.ReplaceAll(strings.Join(c.enum, ", "), "%", "%%"))
	case kindDecimal:
		out = append(out, decimalChecks(c, v)...)
	}
	return out
}

// typed is the SQL value of a well-formed staged value v of the column, cast
// to its type where the statements that write it would cast it: dates and
// decimals. Other kinds stay text.
func (c column) typed(v string) string {
	switch c.kind {
	case kindDate:
		return v + "::date"
	case kindDecimal:
		return v + "::numeric"
	}
	return v
}

// anyCheckFails is true when one of the checks fails, evaluated in order.
func anyCheckFails(checks []check) string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, c := range checks {
		b.WriteString(" WHEN " + c.cond + " THEN true")
	}
	b.WriteString(" ELSE false END")
	return b.String()
}

// calendarDay is true when v, already shaped NNNN-NN-NN, is a real day. It is
// integer arithmetic only, so it cannot fail on month 13 or day 00 the way a
// cast would.
func calendarDay(v string) string {
	y := "substr(" + v + ", 1, 4)::int"
	m := "substr(" + v + ", 6, 2)::int"
	d := "substr(" + v + ", 9, 2)::int"
	leap := fmt.Sprintf("(CASE WHEN (%[1]s %% 4 = 0 AND %[1]s %% 100 <> 0) OR %[1]s %% 400 = 0 THEN 1 ELSE 0 END)", y)
	days := fmt.Sprintf("(CASE %s WHEN 2 THEN 28 + %s WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END)", m, leap)
	return fmt.Sprintf("(%s >= 1 AND %s BETWEEN 1 AND 12 AND %s BETWEEN 1 AND %s)", y, m, d, days)
}

// decimalChecks validates plain decimal notation (API.md: `-?digits[.digits]`,
// a dot, no thousands separator, no exponent), then the column's precision,
// then its bounds. The reader runs the same checks in Go for the columns of
// many values (column.firstFailing, rowcheck.go): change both together;
// TestReaderChecksMatchSQL compares them.
func decimalChecks(c column, v string) []check {
	var out []check
	add := func(cond, msg string) {
		out = append(out, check{column: c.name, cond: cond, value: v, msg: msg})
	}
	if c.places == 0 {
		add(v+" !~ '^-?[0-9]+$'", "%[1]s is not a whole number")
	} else {
		// An unbounded pattern plus length() costs a third of a bounded
		// {1,16} in PostgreSQL's regex engine (and as much as reading the
		// value as numeric and writing it back to compare).
		add(v+` !~ '^-?[0-9]+(\.[0-9]+)?$'`, "%[1]s is not a decimal number (digits with an optional dot and decimals, no thousands separator or exponent)")
		add(fmt.Sprintf("strpos(%[1]s, '.') > 0 AND length(%[1]s) - strpos(%[1]s, '.') > %[2]d", v, c.places),
			fmt.Sprintf("%%[1]s has more than %d decimal places", c.places))
	}
	add(fmt.Sprintf("length(split_part(ltrim(%s, '-'), '.', 1)) > %d", v, c.intDigits),
		fmt.Sprintf("%%[1]s has more than %d digits before the decimal point", c.intDigits))
	switch {
	case c.min != "" && c.max != "":
		add(fmt.Sprintf("%[1]s::numeric NOT BETWEEN %[2]s AND %[3]s", v, c.min, c.max),
			fmt.Sprintf("%%[1]s is not between %s and %s", c.min, c.max))
	case c.min == "0" && c.minExclusive:
		add(v+"::numeric <= 0", "%[1]s must be greater than 0")
	case c.min == "0":
		add(v+"::numeric < 0", "%[1]s must not be negative")
	}
	return out
}
