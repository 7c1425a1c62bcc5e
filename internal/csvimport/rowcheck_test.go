package csvimport

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"creditdesk/internal/pgtest"
)

// The reader's checks of a value (rowcheck.go) are the SQL checks of
// columns.go: over every decimal column of the import files and a set of
// values on both sides of each rule, both find the same first failing check.
func TestReaderChecksMatchSQL(t *testing.T) {
	db := pgtest.New(t)
	values := []string{
		"0", "-0", "-0.00", "0.00", "1", "-1", "5", "6", "1.5", "-1.5", "1.", ".5", "-.5", "1.2.3", "--1", "1-",
		"+1", " 1", "1 ", "1e5", "1E5", "1,234.50", "1_000", "0x1A", "１２", "١٢٣", "12\n", "abc", "-", ".", "NaN",
		"1.23", "1.234", "12.3456", "12.34567", "0.00000001", "0.000000001", "1.00000000", "1.000000001",
		"00001", "0000000000000000001", "1234567890123456", "12345678901234567", "-1234567890123456.12",
		"999999999", "1234567890", "99.99", "100", "100.00", "100.5", "-0.01", "0.01", "1.0001", "4.0",
	}
	seen := map[string]bool{}
	for _, f := range fileSpecs {
		for _, c := range f.columns {
			if !c.checkedInReader() {
				continue
			}
			key := fmt.Sprintf("%d/%d/%s/%s/%v", c.intDigits, c.places, c.min, c.max, c.minExclusive)
			if seen[key] {
				continue
			}
			seen[key] = true
			checks := c.valueChecks("s.v")
			var b strings.Builder
			b.WriteString("SELECT coalesce(CASE")
			for i, chk := range checks {
				fmt.Fprintf(&b, " WHEN %s THEN %d", chk.cond, i)
			}
			b.WriteString(" END, -1) FROM (SELECT $1::text AS v) s")
			for _, v := range values {
				var want int
				if err := db.DB.QueryRowContext(context.Background(), b.String(), v).Scan(&want); err != nil {
					t.Fatalf("%s.%s %q: %v", f.name, c.name, v, err)
				}
				if got := c.firstFailing(v); got != want {
					t.Errorf("%s.%s (%s) %q: the reader fails check %d, SQL check %d", f.name, c.name, key, v, got, want)
				}
			}
		}
	}
	if len(seen) < 5 {
		t.Fatalf("only %d kinds of decimal columns checked", len(seen))
	}
}

// The first bad row is reported whichever side of phase 1 finds it: by
// line, then on the same line by column; and a malformed record after the
// first bad row is still reported first, as before any row is checked.
func TestReaderAndSQLChecksTogether(t *testing.T) {
	db, _ := newCompany(t)
	const header = "invoice_number,customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount,currency\n"
	cases := []struct{ name, rows, want string }{
		{"bad date before a bad amount on the same row",
			"I1,K1,P1,2024-02-30,1,10,1e5,5.00,CNY\n",
			"sales_lines.csv:2: ship_date: 2024-02-30 is not a valid date (YYYY-MM-DD)"},
		{"bad amount before a bad currency on the same row",
			"I1,K1,P1,2024-05-01,1,10,1e5,5.00,cny\n",
			"sales_lines.csv:2: amount: 1e5 is not a decimal number (digits with an optional dot and decimals, no thousands separator or exponent)"},
		{"missing product before a bad date on the same row",
			"I1,K1,,2024-02-30,1,10,10.00,5.00,CNY\n",
			"sales_lines.csv:2: product_code: a value is required"},
		{"bad amount on an earlier row than a bad date",
			"I1,K1,P1,2024-05-01,1,10,10.00,5.00,CNY\nI1,K1,P1,2024-05-01,1,10,10.00,5.000,CNY\nI1,K1,P1,2024-02-30,1,10,10.00,5.00,CNY\n",
			"sales_lines.csv:3: cost_amount: 5.000 has more than 2 decimal places"},
		{"bad date on an earlier row than a bad amount",
			"I1,K1,P1,2024-02-30,1,10,10.00,5.00,CNY\nI1,K1,P1,2024-05-01,1,10,10.00,5.000,CNY\n",
			"sales_lines.csv:2: ship_date: 2024-02-30 is not a valid date (YYYY-MM-DD)"},
		{"a broken rule before the first bad value",
			"I1,K1,P7,2024-05-01,1,10,10.00,5.00,CNY\nI1,K1,P1,2024-05-01,1,10,10.00,5.000,CNY\n",
			"sales_lines.csv:2: product_code: unknown product P7"},
		{"a broken rule after the first bad value",
			"I1,K1,P1,2024-05-01,1,10,10.00,5.000,CNY\nI1,K1,P7,2024-05-01,1,10,10.00,5.00,CNY\n",
			"sales_lines.csv:2: cost_amount: 5.000 has more than 2 decimal places"},
		{"a malformed record after the first bad value",
			"I1,K1,P1,2024-05-01,1,10,10.00,5.000,CNY\nI1,K1,P1,2024-05-01,1,10,10.00,5.00\n",
			"sales_lines.csv:3: the row has 8 fields, the header has 9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			importFails(t, db, writeDir(t, map[string]string{"sales_lines.csv": header + c.rows}), c.want)
		})
	}
}
