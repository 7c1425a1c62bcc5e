package demo

import (
	"bufio"
	"os"
	"strconv"
)

// day is a calendar date counted in days since 1970-01-01. The generator does
// all its date arithmetic on days and formats them only when writing.
type day int32

// dayOf returns the day of the calendar date y-m-d (proleptic Gregorian;
// Howard Hinnant's days_from_civil). y must be positive.
func dayOf(y, m, d int) day {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return day(era*146097 + doe - 719468)
}

// civil returns the calendar date of d.
func (d day) civil() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, dd
}

// weekday returns 0 for Sunday … 6 for Saturday.
func (d day) weekday() int { return int((int64(d)%7 + 7 + 4) % 7) }

// month returns d's month as a month index (year×12 + month−1).
func (d day) month() int {
	y, m, _ := d.civil()
	return y*12 + m - 1
}

// monthStart returns the first day of month index mi.
func monthStart(mi int) day { return dayOf(mi/12, mi%12+1, 1) }

// appendDate writes d as YYYY-MM-DD.
func appendDate(b []byte, d day) []byte {
	y, m, dd := d.civil()
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10))
	return b
}

// appendMonth writes month index mi as YYYY-MM.
func appendMonth(b []byte, mi int) []byte {
	y, m := mi/12, mi%12+1
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10))
}

// appendMoney writes an amount of cents as a plain decimal with two places
// ("-1234.50").
func appendMoney(b []byte, cents int64) []byte {
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	b = strconv.AppendInt(b, cents/100, 10)
	c := cents % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// appendRate writes an exchange rate kept in units of 1/10,000 ("7.1834");
// a rate of exactly 1 is written "1".
func appendRate(b []byte, r int64) []byte {
	if r == rateOne {
		return append(b, '1')
	}
	b = strconv.AppendInt(b, r/rateOne, 10)
	f := r % rateOne
	return append(b, '.', byte('0'+f/1000), byte('0'+f/100%10), byte('0'+f/10%10), byte('0'+f%10))
}

// appendDocNo writes a document number: prefix, the date as YYMMDD, a dash
// and a sequence number within the day, zero-padded to width digits
// ("INV-250630-00017").
func appendDocNo(b []byte, prefix string, d day, seq int32, width int) []byte {
	y, m, dd := d.civil()
	y %= 100
	b = append(b, prefix...)
	b = append(b, '-', byte('0'+y/10), byte('0'+y%10), byte('0'+m/10), byte('0'+m%10),
		byte('0'+dd/10), byte('0'+dd%10), '-')
	return appendPadded(b, int64(seq), width)
}

// appendPadded writes n zero-padded to at least width digits.
func appendPadded(b []byte, n int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], n, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// csvFile is one output file: a buffered writer and its count of data rows.
// Fields never contain commas, quotes or line breaks, so nothing is quoted.
type csvFile struct {
	name string
	f    *os.File
	w    *bufio.Writer
	rows int
}

// createCSV opens dir/name for writing and writes the header row.
func createCSV(dir, name, header string) (*csvFile, error) {
	f, err := os.Create(dir + string(os.PathSeparator) + name)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<18)
	_, _ = w.WriteString(header)
	_ = w.WriteByte('\n')
	return &csvFile{name: name, f: f, w: w}, nil
}

// row writes one data row; b must end with a newline. Write errors stick in
// the bufio.Writer and come out of close.
func (c *csvFile) row(b []byte) {
	_, _ = c.w.Write(b)
	c.rows++
}

// close flushes and closes the file, returning the first error.
func (c *csvFile) close() error {
	err := c.w.Flush()
	if cerr := c.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// appendInt writes n in decimal.
func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }
