package csvimport

import "fmt"

// LineError is a bad value, a bad row or a refused file in an import. Its
// message is `file:line: column: what is wrong`; the line is the physical
// line of the file where the row starts (the header is line 1). An error
// about a whole file (an identical file imported before, an unreadable file)
// has Line 0 and reads `file: what is wrong`; one about a whole row (the
// wrong number of fields) has no Column.
type LineError struct {
	File    string // file name within the directory, e.g. "customers.csv"
	Line    int    // 1-based line of the row; 0 for the whole file
	Column  string // column name as in the header; "" for the whole row
	Value   string // the offending value as written ("" when absent)
	Problem string // what is wrong, naming the value
}

// Error formats the error as `file:line: column: what is wrong`.
func (e *LineError) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Problem)
	case e.Column == "":
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Problem)
	default:
		return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Column, e.Problem)
	}
}
