package csvimport

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// invoice builds a fifoInvoice; moves are "date:amount" settlements already
// in the ledger (negative for a reversal).
func invoice(id int64, number, ship, due, amount string, moves ...string) *fifoInvoice {
	inv := &fifoInvoice{id: id, number: number, ship: day(ship), due: day(due), amount: decimal.RequireFromString(amount)}
	var dates []time.Time
	var amounts []decimal.Decimal
	for _, m := range moves {
		dates = append(dates, day(m[:10]))
		amounts = append(amounts, decimal.RequireFromString(m[11:]))
	}
	inv.settle(dates, amounts)
	return inv
}

func payment(id int64, date, amount string) fifoPayment {
	return fifoPayment{id: id, date: day(date), reference: fmt.Sprintf("P%d", id), amount: decimal.RequireFromString(amount)}
}

func allocations(as []fifoAllocation) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = fmt.Sprintf("P%d→%d %s %s", a.paymentID, a.invoiceID, a.date.Format(time.DateOnly), a.amount.StringFixed(2))
	}
	return out
}

func TestAllocateFIFO(t *testing.T) {
	cases := []struct {
		name     string
		invoices []*fifoInvoice
		payments []fifoPayment
		want     []string
	}{
		{
			// Due date first, then invoice number; the partly paid invoice
			// keeps the next payment.
			name: "by due date then number",
			invoices: []*fifoInvoice{
				invoice(1, "B", "2024-01-01", "2024-03-01", "100.00"),
				invoice(2, "A", "2024-01-05", "2024-03-01", "50.00"),
				invoice(3, "C", "2024-01-02", "2024-02-01", "30.00"),
			},
			payments: []fifoPayment{payment(1, "2024-02-10", "100.00"), payment(2, "2024-02-11", "100.00")},
			want:     []string{"P1→3 2024-02-10 30.00", "P1→2 2024-02-10 50.00", "P1→1 2024-02-10 20.00", "P2→1 2024-02-11 80.00"},
		},
		{
			// An invoice shipped after the payment's date is out of reach,
			// even if due earlier; the remainder is unapplied.
			name: "only invoices already shipped",
			invoices: []*fifoInvoice{
				invoice(1, "A", "2024-01-01", "2024-03-01", "100.00"),
				invoice(2, "B", "2024-02-15", "2024-02-20", "100.00"),
			},
			payments: []fifoPayment{payment(1, "2024-02-01", "150.00"), payment(2, "2024-02-15", "70.00")},
			want:     []string{"P1→1 2024-02-01 100.00", "P2→2 2024-02-15 70.00"},
		},
		{
			// Partly settled already (an explicit allocation of 40.00): only
			// the open 60.00 is taken.
			name:     "existing settlements",
			invoices: []*fifoInvoice{invoice(1, "A", "2024-01-01", "2024-02-01", "100.00", "2024-01-20:40.00")},
			payments: []fifoPayment{payment(1, "2024-02-01", "100.00")},
			want:     []string{"P1→1 2024-02-01 60.00"},
		},
		{
			// A later settlement already recorded (a write-off of 70.00 on
			// 2024-06-30) leaves only 30.00 for a payment dated before it:
			// taking more would make the write-off exceed the balance.
			name:     "a later settlement binds",
			invoices: []*fifoInvoice{invoice(1, "A", "2024-01-01", "2024-02-01", "100.00", "2024-06-30:70.00")},
			payments: []fifoPayment{payment(1, "2024-03-01", "100.00")},
			want:     []string{"P1→1 2024-03-01 30.00"},
		},
		{
			// A note covers the invoice from 2024-02-01 and is reversed on
			// 2024-04-01: a payment on 2024-03-01 finds nothing open and
			// goes to the next invoice; one on 2024-05-01 finds it open
			// again.
			name: "dishonoured note reopens",
			invoices: []*fifoInvoice{
				invoice(1, "A", "2024-01-01", "2024-01-31", "100.00", "2024-02-01:100.00", "2024-04-01:-100.00"),
				invoice(2, "B", "2024-01-10", "2024-02-10", "50.00"),
			},
			payments: []fifoPayment{payment(1, "2024-03-01", "30.00"), payment(2, "2024-05-01", "150.00")},
			want:     []string{"P1→2 2024-03-01 30.00", "P2→1 2024-05-01 100.00", "P2→2 2024-05-01 20.00"},
		},
		{
			name:     "nothing open",
			invoices: []*fifoInvoice{invoice(1, "A", "2024-01-01", "2024-01-31", "100.00", "2024-01-15:100.00")},
			payments: []fifoPayment{payment(1, "2024-03-01", "30.00")},
			want:     []string{},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := allocations(allocateFIFO(c.invoices, c.payments)); !slices.Equal(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestFileProgressString(t *testing.T) {
	p := FileProgress{File: "sales_lines.csv", Rows: 1_000_000, Elapsed: 4210 * time.Millisecond}
	if got, want := p.String(), "sales_lines.csv     1,000,000 rows  4.21s  237,530 rows/s"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	long := FileProgress{File: "note_allocations.csv", Rows: 1_234_567, Elapsed: time.Second}
	if got, want := long.String(), "note_allocations.csv 1,234,567 rows  1.00s  1,234,567 rows/s"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := (FileProgress{File: "x.csv"}).RowsPerSecond(); got != 0 {
		t.Errorf("no time measured: %v rows/s", got)
	}
}

func TestLineErrorFormats(t *testing.T) {
	for _, c := range []struct {
		err  LineError
		want string
	}{
		{LineError{File: "a.csv", Line: 7, Column: "code", Value: "K1", Problem: "K1 already exists"}, "a.csv:7: code: K1 already exists"},
		{LineError{File: "a.csv", Line: 3, Problem: "the row has 3 fields, the header has 2"}, "a.csv:3: the row has 3 fields, the header has 2"},
		{LineError{File: "a.csv", Problem: "identical to the file imported in batch 3"}, "a.csv: identical to the file imported in batch 3"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
