package csvimport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Phase 1 in the reader. The checks of a single value that must run row by
// row, a required cell's presence and the shape of a decimal of many values
// (amounts, quantities, prices), are made by csvSource as it reads each row
// for COPY, on the client's core and overlapped with the server's work: in
// SQL they were the dearest part of validating a large file (~2.5 s of
// database time per million sales lines). Columns of few values are still
// checked in SQL over their distinct values (importer.shapeChecks).
//
// The Go checks are the SQL ones of columns.go, in the same order and with
// the same messages: a test runs both over the same values. The first row
// failing one of them is staged and ends the staging, as phase 1 would drop
// the rows after it anyway; validate then reports whichever of it and the
// first row failing an SQL check comes first (line, then column).
//
// A file may add a check of the whole row in Go (fileSpec.record: a
// policy setting's value, by the rules the API applies); it runs after the
// row's column checks and has no SQL counterpart.

// checkedInReader reports whether the values of c are checked by csvSource
// rather than in SQL.
func (c column) checkedInReader() bool { return c.kind == kindDecimal && !c.fewValues() }

// firstFailing returns the index in c.valueChecks of the first check that
// the present value v fails, or -1. It is defined for the columns
// checkedInReader, whose checks are decimalChecks.
func (c column) firstFailing(v string) int {
	// Shape: -?digits[.digits] (-?digits for whole numbers), ASCII only.
	s := strings.TrimPrefix(v, "-")
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intDigits, places := i, 0
	if i < len(s) {
		if s[i] != '.' || c.places == 0 {
			return 0
		}
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i+1 || j != len(s) {
			return 0
		}
		places = j - i - 1
	}
	if intDigits == 0 {
		return 0
	}
	k := 1
	if c.places > 0 {
		if places > c.places {
			return k
		}
		k++
	}
	if intDigits > c.intDigits {
		return k
	}
	k++
	switch {
	case c.min != "" && c.max != "":
		d := decimal.RequireFromString(v)
		if d.LessThan(decimal.RequireFromString(c.min)) || d.GreaterThan(decimal.RequireFromString(c.max)) {
			return k
		}
	case c.min == "0" && c.minExclusive:
		if !decimal.RequireFromString(v).IsPositive() {
			return k
		}
	case c.min == "0":
		if decimal.RequireFromString(v).IsNegative() {
			return k
		}
	}
	return -1
}

// rowCheck is the reader's phase 1 over one file's columns in the file
// spec's order (the order SQL's checks run in).
type rowCheck struct {
	file  string
	cols  []column
	field []int  // field[k]: the record's field holding cols[k], -1 if absent
	value []bool // value[k]: cols[k] is checkedInReader
	// record is the file's check of a whole row (fileSpec.record), nil
	// for most files.
	record func(get func(column string) string) (column, problem string)
}

// check returns the first check the record breaks, as validate would report
// it, with the index of its column; nil if it breaks none.
func (rc *rowCheck) check(rec []string, line int) (*LineError, int) {
	for k, c := range rc.cols {
		f := rc.field[k]
		if f < 0 {
			continue // an absent optional column: NULL everywhere
		}
		v := rec[f]
		if v == "" {
			if c.required {
				return &LineError{File: rc.file, Line: line, Column: c.name, Problem: "a value is required"}, k
			}
			continue
		}
		// A required text of spaces alone names nothing, as the API,
		// which trims what it is sent, finds it empty.
		if c.required && c.kind == kindText && strings.TrimSpace(v) == "" {
			return &LineError{File: rc.file, Line: line, Column: c.name, Value: v, Problem: "a value is required (not only spaces)"}, k
		}
		if !rc.value[k] {
			continue
		}
		if i := c.firstFailing(v); i >= 0 {
			chk := c.valueChecks(sqlString(v))[i]
			return &LineError{File: rc.file, Line: line, Column: c.name, Value: v, Problem: problem(chk.msg, v, "")}, k
		}
	}
	if rc.record == nil {
		return nil, -1
	}
	get := func(name string) string {
		for k, c := range rc.cols {
			if c.name == name && rc.field[k] >= 0 {
				return rec[rc.field[k]]
			}
		}
		return ""
	}
	if name, what := rc.record(get); what != "" {
		k := slices.IndexFunc(rc.cols, func(c column) bool { return c.name == name })
		return &LineError{File: rc.file, Line: line, Column: name, Value: get(name), Problem: what}, k
	}
	return nil, -1
}

// problem formats a check's message: %[1]s is the value, %[2]s the detail.
func problem(msg, value, detail string) string {
	if strings.Contains(msg, "%[") {
		return fmt.Sprintf(msg, value, detail)
	}
	return msg
}
