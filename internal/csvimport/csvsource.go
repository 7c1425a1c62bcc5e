package csvimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvSource reads one import file and feeds its rows to pgx's CopyFrom
// lazily: a million-line file is never held in memory, and parsing in this
// goroutine overlaps with the server's COPY work on the other core.
type csvSource struct {
	file    string
	r       *csv.Reader
	columns []string // staged columns in COPY order, after "line"
	index   []int    // index[i]: field of the record holding columns[i]
	width   int      // fields per record (the header's)
	values  []any
	cells   []string // the row's values; values points into it (no allocation per value)
	rows    int64
	last    int64 // the line of the last row staged
	err     error
	// The reader's part of phase 1 (rowcheck.go): bad is the first row
	// that fails it, badColumn the index of its column in the file spec.
	// The rows after it are read to the end, so a malformed record
	// anywhere in the file is still reported first, but not staged.
	checks    rowCheck
	bad       *LineError
	badColumn int
	// The other part of phase 1 checks the columns of few values over their
	// distinct values, in SQL (shapeChecks). The reader gathers those values
	// from the rows it stages: distinct[k] holds those of cols[k], for the
	// columns of few values the file has (nil for the others). A column
	// whose values outnumber maxDistinct is not so few after all: its set
	// is dropped and tooMany[k] set, and shapeChecks reads its values from
	// the staging table instead.
	distinct []map[string]struct{}
	tooMany  []bool
}

// maxDistinct bounds the distinct values the reader keeps of one column (a
// variable so that tests can lower it). Dates of ten years are 3,653.
var maxDistinct = 100_000

// newCSVSource reads the header of r and matches it against the file's
// columns: any order, optional columns may be absent, an unknown,
// duplicated or unnamed column or a missing required one is an error.
func newCSVSource(file string, r io.Reader, cols []column) (*csvSource, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	// A UTF-8 byte-order mark is accepted (spreadsheets write one).
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &LineError{File: file, Problem: "the file is empty: a header row is required"}
	}
	if err != nil {
		return nil, parseError(file, err, nil, 0)
	}
	header = append([]string(nil), header...) // the reader reuses its record
	known := make(map[string]column, len(cols))
	for _, c := range cols {
		known[c.name] = c
	}
	seen := make(map[string]bool, len(header))
	src := &csvSource{file: file, r: cr, width: len(header)}
	for i, h := range header {
		switch {
		case h == "":
			return nil, &LineError{File: file, Line: 1, Problem: fmt.Sprintf("column %d of the header has no name", i+1)}
		case seen[h]:
			return nil, &LineError{File: file, Line: 1, Column: h, Value: h, Problem: "the column appears twice in the header"}
		}
		seen[h] = true
		if _, ok := known[h]; !ok {
			return nil, &LineError{File: file, Line: 1, Column: h, Value: h,
				Problem: "unknown column (the columns of " + file + " are " + columnList(cols) + ")"}
		}
		src.columns = append(src.columns, h)
		src.index = append(src.index, i)
	}
	for _, c := range cols {
		if c.required && !seen[c.name] {
			return nil, &LineError{File: file, Line: 1, Column: c.name, Problem: "required column is missing from the header"}
		}
	}
	src.values = make([]any, len(src.columns)+1)
	src.cells = make([]string, len(src.columns))
	src.checks = rowCheck{file: file, cols: cols, field: make([]int, len(cols)), value: make([]bool, len(cols))}
	src.distinct, src.tooMany = make([]map[string]struct{}, len(cols)), make([]bool, len(cols))
	for k, c := range cols {
		src.checks.value[k] = c.checkedInReader()
		src.checks.field[k] = -1
		for i, h := range header {
			if h == c.name {
				src.checks.field[k] = i
				if c.fewValues() {
					src.distinct[k] = map[string]struct{}{}
				}
			}
		}
	}
	return src, nil
}

// columnList names the columns of a file, optional ones in brackets as in
// API.md.
func columnList(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
		if !c.required {
			names[i] = "[" + c.name + "]"
		}
	}
	return strings.Join(names, ", ")
}

// Next implements pgx.CopyFromSource.
func (s *csvSource) Next() bool {
	for s.err == nil {
		rec, err := s.r.Read()
		if err == io.EOF {
			return false
		}
		line, _ := s.r.FieldPos(0)
		if err != nil {
			s.err = parseError(s.file, err, rec, s.width)
			return false
		}
		s.values[0] = int64(line)
		for i, j := range s.index {
			v := rec[j]
			if v == "" {
				// An empty cell is the same as an absent optional column.
				s.values[i+1] = nil
				continue
			}
			// COPY would reject these with a message naming neither the
			// line nor the column.
			if !utf8.ValidString(v) {
				s.err = &LineError{File: s.file, Line: line, Column: s.columns[i], Value: strings.ToValidUTF8(v, "\uFFFD"), Problem: "the value is not valid UTF-8"}
				return false
			}
			if strings.IndexByte(v, 0) >= 0 {
				s.err = &LineError{File: s.file, Line: line, Column: s.columns[i], Problem: "the value contains a NUL character"}
				return false
			}
			s.cells[i] = v
			s.values[i+1] = &s.cells[i]
		}
		if s.bad != nil {
			continue // past the first bad row: read, not staged
		}
		s.bad, s.badColumn = s.checks.check(rec, line)
		s.gather(rec)
		s.rows++
		s.last = int64(line)
		return true
	}
	return false
}

// gather adds the values of a staged record to the distinct values of its
// columns of few values.
func (s *csvSource) gather(rec []string) {
	for k, set := range s.distinct {
		if set == nil {
			continue
		}
		v := rec[s.checks.field[k]]
		if _, ok := set[v]; ok || v == "" {
			continue
		}
		if len(set) == maxDistinct {
			s.distinct[k], s.tooMany[k] = nil, true
			continue
		}
		set[strings.Clone(v)] = struct{}{} // the reader reuses its record
	}
}

// Values implements pgx.CopyFromSource.
func (s *csvSource) Values() ([]any, error) { return s.values, nil }

// Err implements pgx.CopyFromSource.
func (s *csvSource) Err() error { return s.err }

// parseError turns encoding/csv's errors into a LineError naming the line
// where the bad record starts.
func parseError(file string, err error, rec []string, width int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &LineError{File: file, Problem: "cannot read the file: " + err.Error()}
	}
	line := pe.StartLine
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return &LineError{File: file, Line: line,
			Problem: fmt.Sprintf("the row has %d fields, the header has %d", len(rec), width)}
	}
	return &LineError{File: file, Line: line, Problem: "malformed CSV: " + pe.Err.Error()}
}
