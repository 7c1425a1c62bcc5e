package csvimport

import (
	"slices"
	"testing"
)

// K1 pays three times without saying what for, K2 once with an explicit
// allocation, so FIFO allocates K1's payments (DOMAIN.md §2).
var paymentFiles = map[string]string{
	"payments.csv": `
		reference,customer_code,date,method,amount,currency,exchange_rate
		PAY2,K1,2024-04-01,CASH,250.00,,
		PAY1,K1,2024-03-05,TRANSFER,1200.00,,
		PAY3,K2,2024-02-01,TRANSFER,50.00,,
		PAY4,K1,2024-04-10,TRANSFER,100.00,USD,7.2
		`,
	"allocations.csv": `
		payment_reference,invoice_number,amount
		PAY3,I4,50.00
		`,
}

func TestImportTotals(t *testing.T) {
	db, _ := newCompany(t)
	mustImport(t, db, writeDir(t, paymentFiles))

	for _, c := range []struct{ what, query, want string }{
		// Sales = Σ base amounts of the lines: 1000.00 + 300.00 × 7.1 − 100.00
		// (a return without invoice) = 3030.00; cost 600 + 150 − 60 = 690.00.
		{"sales", "SELECT sum(base_amount)::text || ' ' || sum(cost_amount)::text FROM sales_lines", "3030.00 690.00"},
		// Receivables 1000 + 500 + 2130 + 200 = 3830.00 in base currency.
		{"invoices", "SELECT sum(base_amount)::text FROM invoices", "3830.00"},
		// Due dates: I1 2024-01-10 + 60 days; I2 as given; I3 2024-03-01 + 60.
		{"due dates", "SELECT string_agg(number || ' ' || due_date, ', ' ORDER BY number) FROM invoices",
			"I1 2024-03-10, I2 2024-03-01, I3 2024-04-30, I4 2024-03-15"},
		// Payments 1200 + 250 + 50 + 100 × 7.2 = 2220.00 in base currency;
		// a payment without currency is in CNY at rate 1.
		{"payments", "SELECT sum(base_amount)::text FROM payments", "2220.00"},
		{"payment defaults", "SELECT currency || ' ' || exchange_rate FROM payments WHERE reference = 'PAY1'", "CNY 1.00000000"},
		// Open on 2024-04-30: I1 1000 − 700 − 250 = 50; I2 0; I3 300 − 100
		// = 200 USD, base 1420.00; I4 200 − 50 = 150. Base total 1620.00.
		{"open balances", `
			SELECT string_agg(i.number || ' ' || (i.amount - coalesce(s.settled, 0)), ', ' ORDER BY i.number)
			    || ' / ' || sum(round((i.amount - coalesce(s.settled, 0)) * i.exchange_rate, 2))
			FROM invoices i
			LEFT JOIN (SELECT invoice_id, sum(amount) AS settled FROM settlements
			           WHERE date <= '2024-04-30' GROUP BY invoice_id) s ON s.invoice_id = i.id`,
			"I1 50.00, I2 0.00, I3 200.00, I4 150.00 / 1620.00"},
		// Unapplied cash: nothing, every payment is fully allocated.
		{"unapplied", `SELECT coalesce(sum(p.amount - a.allocated), 0)::text FROM payments p
			JOIN (SELECT payment_id, sum(amount) AS allocated FROM settlements GROUP BY payment_id) a ON a.payment_id = p.id`, "0.00"},
		// I2 was paid off by PAY1 on 2024-03-05 (the ledger's trigger keeps
		// settled_on); the others are still open.
		{"settled on", "SELECT string_agg(number || ' ' || coalesce(settled_on::text, 'open'), ', ' ORDER BY number) FROM invoices",
			"I1 open, I2 2024-03-05, I3 open, I4 open"},
	} {
		if got := queryString(t, db, c.query); got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, got, c.want)
		}
	}
}

// ledgerRows lists settlements in id order as
// "kind document invoice date amount".
const ledgerRows = `
SELECT s.kind || ' ' || coalesce(p.reference, n.number, 'write-off') || ' ' || i.number || ' ' || s.date || ' ' || s.amount
    || CASE WHEN s.reverses_id IS NOT NULL THEN ' reverses ' || s.reverses_id ELSE '' END
FROM settlements s
JOIN invoices i ON i.id = s.invoice_id
LEFT JOIN payments p ON p.id = s.payment_id
LEFT JOIN notes n ON n.id = s.note_id
ORDER BY s.id`

func TestFIFOAllocation(t *testing.T) {
	db, _ := newCompany(t)
	mustImport(t, db, writeDir(t, paymentFiles))

	// PAY3 is allocated as told. K1's CNY payments in date order: PAY1
	// (2024-03-05, 1200.00) finds I1 and I2 shipped; I2 is due first
	// (2024-03-01 before 2024-03-10) and takes 500.00, I1 the remaining
	// 700.00 (partial). PAY2 (2024-04-01, 250.00) goes to what is left of
	// I1 (300.00). PAY4 is in USD and only I3 is in USD: 100.00 of its
	// 300.00.
	want := []string{
		"PAYMENT PAY3 I4 2024-02-01 50.00",
		"PAYMENT PAY1 I2 2024-03-05 500.00",
		"PAYMENT PAY1 I1 2024-03-05 700.00",
		"PAYMENT PAY2 I1 2024-04-01 250.00",
		"PAYMENT PAY4 I3 2024-04-10 100.00",
	}
	if got := queryStrings(t, db, ledgerRows); !slices.Equal(got, want) {
		t.Errorf("settlements:\n got  %q\n want %q", got, want)
	}
}

// A payment finds only invoices already shipped on its date, and what it
// cannot allocate stays unapplied cash.
func TestFIFOShipDateAndUnappliedCash(t *testing.T) {
	db, _ := newCompany(t)
	mustImport(t, db, writeDir(t, map[string]string{
		"payments.csv": `
			reference,customer_code,date,method,amount
			PAY9,K1,2024-02-01,TRANSFER,1500.00
			PAY10,K1,2024-02-10,TRANSFER,700.00
			`,
	}))
	// On 2024-02-01 only I1 (shipped 2024-01-10) exists: 1000.00 of PAY9
	// goes to it and 500.00 stays unapplied, although I2 (shipped
	// 2024-02-05) is due earlier. On 2024-02-10 PAY10 finds I2: 500.00,
	// and 200.00 stays unapplied; PAY9's remainder is never revisited.
	want := []string{
		"PAYMENT PAY9 I1 2024-02-01 1000.00",
		"PAYMENT PAY10 I2 2024-02-10 500.00",
	}
	if got := queryStrings(t, db, ledgerRows); !slices.Equal(got, want) {
		t.Errorf("settlements:\n got  %q\n want %q", got, want)
	}
}

func TestDishonouredNote(t *testing.T) {
	db, _ := newCompany(t)
	// K2 pays 50.00 of I4 (200.00) on 2024-02-01, then hands over note N1
	// for the other 150.00, received 2024-02-12 and dishonoured on
	// 2024-05-15. PAY5 (2024-04-01) comes while I4 is covered by the note:
	// nothing is open for it, then or later than the note's reversal would
	// allow, so it stays unapplied. PAY6 (2024-06-01) comes after the
	// dishonour reopened I4 and takes 100.00 of the 150.00.
	mustImport(t, db, writeDir(t, map[string]string{
		"payments.csv": `
			reference,customer_code,date,method,amount
			PAY3,K2,2024-02-01,TRANSFER,50.00
			PAY5,K2,2024-04-01,TRANSFER,80.00
			PAY6,K2,2024-06-01,TRANSFER,100.00
			`,
		"allocations.csv": `
			payment_reference,invoice_number,amount
			PAY3,I4,50.00
			`,
		"notes.csv": `
			number,kind,customer_code,drawer,bank,issue_date,received_date,maturity_date,amount,status,status_date
			N1,COMMERCIAL_ACCEPTANCE,K2,某公司,,2024-02-10,2024-02-12,2024-05-12,150.00,DISHONORED,2024-05-15
			`,
		"note_allocations.csv": `
			note_number,invoice_number,amount
			N1,I4,150.00
			`,
	}))
	noteID := queryString(t, db, "SELECT s.id::text FROM settlements s WHERE s.kind = 'NOTE'")
	want := []string{
		"PAYMENT PAY3 I4 2024-02-01 50.00",
		"NOTE N1 I4 2024-02-12 150.00",
		"NOTE_REVERSAL N1 I4 2024-05-15 -150.00 reverses " + noteID,
		"PAYMENT PAY6 I4 2024-06-01 100.00",
	}
	if got := queryStrings(t, db, ledgerRows); !slices.Equal(got, want) {
		t.Errorf("settlements:\n got  %q\n want %q", got, want)
	}
	// I4 is settled the day before the dishonour and open again, 150.00,
	// from the dishonour date on.
	const open = `SELECT (i.amount - coalesce(sum(s.amount), 0))::text FROM invoices i
		LEFT JOIN settlements s ON s.invoice_id = i.id AND s.date <= ?::date
		WHERE i.number = 'I4' GROUP BY i.id`
	for day, want := range map[string]string{"2024-02-12": "0.00", "2024-05-14": "0.00", "2024-05-15": "150.00", "2024-06-01": "50.00"} {
		if got := queryString(t, db, open, day); got != want {
			t.Errorf("I4 open on %s: %s, want %s", day, got, want)
		}
	}
	if got := queryString(t, db, "SELECT coalesce(settled_on::text, 'open') FROM invoices WHERE number = 'I4'"); got != "open" {
		t.Errorf("I4 settled_on: %s", got)
	}
	// The note's history: HELD when received, DISHONORED on its date, and
	// it is settled (no longer exposure) from then.
	if got := queryStrings(t, db, `SELECT c.status || ' ' || c.date FROM note_status_changes c
		JOIN notes n ON n.id = c.note_id WHERE n.number = 'N1' ORDER BY c.id`); !slices.Equal(got, []string{"HELD 2024-02-12", "DISHONORED 2024-05-15"}) {
		t.Errorf("N1 history: %q", got)
	}
	if got := queryString(t, db, "SELECT status || ' ' || status_date || ' ' || settled_on FROM notes WHERE number = 'N1'"); got != "DISHONORED 2024-05-15 2024-05-15" {
		t.Errorf("N1: %s", got)
	}
}

// A write-off is a write_offs row and a WRITE_OFF settlement dated its
// approval.
func TestWriteOff(t *testing.T) {
	db, _ := newCompany(t)
	mustImport(t, db, writeDir(t, map[string]string{
		"writeoffs.csv": `
			invoice_number,date,amount,approved_by
			I4,2024-12-31,200.00,gm
			`,
	}))
	if got := queryStrings(t, db, ledgerRows); !slices.Equal(got, []string{"WRITE_OFF write-off I4 2024-12-31 200.00"}) {
		t.Errorf("settlements: %q", got)
	}
	if got := queryString(t, db, `SELECT w.amount || ' ' || u.username || ' ' || i.settled_on FROM write_offs w
		JOIN users u ON u.id = w.approved_by JOIN invoices i ON i.id = w.invoice_id`); got != "200.00 gm 2024-12-31" {
		t.Errorf("write-off: %s", got)
	}
}

// An allocation in a later import is checked against the ledger already in
// the database: I2 was paid off by FIFO in the first import.
func TestAllocationAgainstEarlierImport(t *testing.T) {
	db, _ := newCompany(t)
	mustImport(t, db, writeDir(t, paymentFiles))
	importFails(t, db, writeDir(t, map[string]string{
		"payments.csv": `
			reference,customer_code,date,method,amount
			PAY9,K1,2024-05-01,TRANSFER,60.00
			`,
		"allocations.csv": `
			payment_reference,invoice_number,amount
			PAY9,I1,50.00
			PAY9,I2,10.00
			`,
	}), "allocations.csv:3: amount: 10.00 exceeds the open balance of invoice I2 on 2024-05-01 (0.00)")
	// A payment of an earlier import cannot be allocated twice to the same
	// invoice, nor beyond its amount.
	importFails(t, db, writeDir(t, map[string]string{"allocations.csv": `
		payment_reference,invoice_number,amount
		PAY1,I1,1.00
		`}), "allocations.csv:2: invoice_number: an allocation of payment PAY1 to I1 already exists")
	importFails(t, db, writeDir(t, map[string]string{"allocations.csv": `
		payment_reference,invoice_number,amount
		PAY3,I1,1.00
		`}), "allocations.csv:2: invoice_number: I1 belongs to customer K1, payment PAY3 to K2")
	importFails(t, db, writeDir(t, map[string]string{"allocations.csv": `
		payment_reference,invoice_number,amount
		PAY2,I2,1
		`}), "allocations.csv:2: amount: 1 brings the allocations to 251.00, more than the 250.00 of payment PAY2")
	importFails(t, db, writeDir(t, map[string]string{"note_allocations.csv": `
		note_number,invoice_number,amount
		N7,I1,1.00
		`}), "note_allocations.csv:2: note_number: unknown note N7")
	// A note settles at most its amount.
	importFails(t, db, writeDir(t, map[string]string{
		"notes.csv": `
			number,kind,customer_code,issue_date,received_date,maturity_date,amount,status
			N7,BANK_ACCEPTANCE,K1,2024-04-20,2024-04-21,2024-07-20,40.00,HELD
			`,
		"note_allocations.csv": `
			note_number,invoice_number,amount
			N7,I1,30.00
			N7,I1,10.00
			`,
	}), "note_allocations.csv:3: invoice_number: I1 is allocated twice from note N7 on line 2")
	importFails(t, db, writeDir(t, map[string]string{
		"notes.csv": `
			number,kind,customer_code,issue_date,received_date,maturity_date,amount,status
			N7,BANK_ACCEPTANCE,K1,2024-04-20,2024-04-21,2024-07-20,40.00,HELD
			`,
		"note_allocations.csv": `
			note_number,invoice_number,amount
			N7,I1,40.01
			`,
	}), "note_allocations.csv:2: amount: 40.01 brings the allocations to 40.01, more than the 40.00 of note N7")
}
