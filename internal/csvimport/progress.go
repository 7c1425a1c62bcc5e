package csvimport

import (
	"fmt"
	"strconv"
	"time"
)

// FileProgress reports one loaded file: its name, its data rows and the
// wall time from opening it to its rows being in their tables. The ledger
// postings (settlements and FIFO allocation), which need allocations.csv,
// note_allocations.csv and writeoffs.csv together, are timed with the last
// of the ledger files present.
type FileProgress struct {
	File    string
	Rows    int64
	Elapsed time.Duration
}

// RowsPerSecond is the file's throughput; zero when no time was measured.
// A float is fine here: it is a speed, not money.
func (p FileProgress) RowsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Rows) / p.Elapsed.Seconds()
}

// String is the progress line printed by `creditdesk import`, e.g.
// `sales_lines.csv     1,000,000 rows  4.21s  237,530 rows/s`.
// Names are padded to 20 characters (note_allocations.csv is the longest)
// and counts right-aligned in 9, so the lines of one import line up.
func (p FileProgress) String() string {
	count := fmt.Sprintf("%9s", groupThousands(p.Rows))
	if len(p.File) >= 20 && count[0] != ' ' {
		count = " " + count
	}
	return fmt.Sprintf("%-20s%s rows  %.2fs  %s rows/s",
		p.File, count, p.Elapsed.Seconds(), groupThousands(int64(p.RowsPerSecond()+0.5)))
}

// groupThousands writes n with a comma between groups of three digits.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Result describes a committed import: the batch recorded in import_batches
// and each file loaded, in load order.
type Result struct {
	BatchID int64
	Files   []FileProgress
}
