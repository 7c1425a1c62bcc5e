package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// creditFixture writes a ledger straight in SQL, the way the importer and the
// ledger service leave it (an allocation is one settlements row dated its
// payment or note, a dishonour one reversal row per allocation, a write-off a
// row dated its approval), independently of the credit store under test.
type creditFixture struct {
	t       *testing.T
	db      *bun.DB
	ctx     context.Context
	offices map[string]int64
	users   map[string]int64
	custs   map[string]int64
	invs    map[string]int64
	product int64
}

// creditDay is the as-of date of the hand-worked examples.
var creditDay = creditdesk.MustParseDate("2025-06-30")

// creditClock is 2025-06-30 09:00 in Shanghai (01:00 UTC).
var creditClock creditdesk.Clock = func() time.Time { return time.Date(2025, 6, 30, 1, 0, 0, 0, time.UTC) }

func newCreditFixture(t *testing.T) *creditFixture {
	t.Helper()
	f := &creditFixture{t: t, db: pgtest.New(t), ctx: context.Background(),
		offices: map[string]int64{}, users: map[string]int64{}, custs: map[string]int64{}, invs: map[string]int64{}}
	f.product = f.id(`INSERT INTO products (code, name) VALUES ('P1', 'Product 1') RETURNING id`)
	return f
}

func (f *creditFixture) store() postgres.CreditStore {
	return postgres.CreditStore{DB: f.db, Clock: creditClock}
}

func (f *creditFixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.NewRaw(query, args...).Exec(f.ctx); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

func (f *creditFixture) id(query string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.NewRaw(query, args...).Scan(f.ctx, &id); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (f *creditFixture) office(code string) int64 {
	if id, ok := f.offices[code]; ok {
		return id
	}
	f.offices[code] = f.id(`INSERT INTO offices (code, name) VALUES (?, ?) RETURNING id`, code, code+"办事处")
	return f.offices[code]
}

func (f *creditFixture) rep(username, office string) int64 {
	f.users[username] = f.id(`INSERT INTO users (username, name, role, office_id) VALUES (?, ?, 'SALES_REP', ?) RETURNING id`,
		username, strings.ToUpper(username), f.office(office))
	return f.users[username]
}

// creditCustomerSpec is a customer of a fixture; an empty Limit is no limit and an
// empty Rep no rep.
type creditCustomerSpec struct {
	Code, Office, Rep, Limit string
	Status                   creditdesk.CustomerStatus
	Bankrupt                 bool
	Industry                 creditdesk.Industry
}

func (f *creditFixture) customer(s creditCustomerSpec) int64 {
	f.t.Helper()
	var limit *string
	if s.Limit != "" {
		limit = &s.Limit
	}
	var rep *int64
	if s.Rep != "" {
		id := f.users[s.Rep]
		rep = &id
	}
	if s.Status == "" {
		s.Status = creditdesk.StatusActive
	}
	if s.Industry == "" {
		s.Industry = creditdesk.IndustryOther
	}
	if s.Office == "" {
		s.Office = "HZ"
	}
	f.custs[s.Code] = f.id(`INSERT INTO customers (code, name, industry, office_id, rep_id, credit_limit, status, bankrupt)
		VALUES (?, ?, ?, ?, ?, ?::numeric, ?, ?) RETURNING id`,
		s.Code, "客户"+s.Code, s.Industry, f.office(s.Office), rep, limit, s.Status, s.Bankrupt)
	return f.custs[s.Code]
}

// invoice adds a CNY invoice.
func (f *creditFixture) invoice(number, customer, ship, due, amount string) int64 {
	return f.invoiceIn(number, customer, ship, due, amount, "CNY", "1")
}

func (f *creditFixture) invoiceIn(number, customer, ship, due, amount, currency, rate string) int64 {
	f.t.Helper()
	base := decimal.RequireFromString(amount).Mul(decimal.RequireFromString(rate)).Round(2)
	f.invs[number] = f.id(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		VALUES (?, ?, ?::date, ?::date, ?::date, ?, ?::numeric, ?::numeric, ?) RETURNING id`,
		number, f.custs[customer], ship, ship, due, currency, amount, rate, base)
	return f.invs[number]
}

// sale adds a sales line of base amount (CNY).
func (f *creditFixture) sale(customer, ship, amount string) {
	f.exec(`INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount, currency, exchange_rate, base_amount)
		VALUES (?, ?, ?::date, 1, ?::numeric, ?::numeric, 0, 'CNY', 1, ?::numeric)`,
		f.custs[customer], f.product, ship, amount, amount, amount)
}

// payment records a payment allocated to one invoice (in the invoice's
// currency, at its rate).
func (f *creditFixture) payment(ref, customer, date, invoice, amount, currency, rate string) {
	f.t.Helper()
	base := decimal.RequireFromString(amount).Mul(decimal.RequireFromString(rate)).Round(2)
	pid := f.id(`INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount)
		VALUES (?, ?, ?::date, 'TRANSFER', ?, ?::numeric, ?::numeric, ?) RETURNING id`,
		ref, f.custs[customer], date, currency, amount, rate, base)
	f.exec(`INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
		VALUES (?, ?, 'PAYMENT', ?::date, ?::numeric, ?)`, f.invs[invoice], f.custs[customer], date, amount, pid)
}

// creditNoteSpec is a note receivable with its allocations (invoice → amount).
type creditNoteSpec struct {
	Number, Kind, Customer, Received, Maturity, Amount string
	// Status is the note's final status, dated StatusDate; DISHONORED adds
	// one reversal per allocation dated StatusDate.
	Status     creditdesk.NoteStatus
	StatusDate string
	Alloc      [][2]string
}

func (f *creditFixture) note(s creditNoteSpec) int64 {
	f.t.Helper()
	if s.Status == "" {
		s.Status = creditdesk.NoteHeld
	}
	statusDate := s.Received
	var settled *string
	if s.StatusDate != "" {
		statusDate = s.StatusDate
	}
	if s.Status.Final() {
		settled = &statusDate
	}
	nid := f.id(`INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date, amount, status, status_date, settled_on)
		VALUES (?, ?, ?, ?::date, ?::date, ?::date, ?::numeric, ?, ?::date, ?::date) RETURNING id`,
		s.Number, s.Kind, f.custs[s.Customer], s.Received, s.Received, s.Maturity, s.Amount, s.Status, statusDate, settled)
	for _, a := range s.Alloc {
		sid := f.id(`INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id)
			VALUES (?, ?, 'NOTE', ?::date, ?::numeric, ?) RETURNING id`, f.invs[a[0]], f.custs[s.Customer], s.Received, a[1], nid)
		if s.Status == creditdesk.NoteDishonored {
			f.exec(`INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id, reverses_id)
				VALUES (?, ?, 'NOTE_REVERSAL', ?::date, -?::numeric, ?, ?)`, f.invs[a[0]], f.custs[s.Customer], statusDate, a[1], nid, sid)
		}
	}
	return nid
}

// writeOff writes off amount of an invoice on date (approved by admin).
func (f *creditFixture) writeOff(invoice, date, amount string) {
	f.t.Helper()
	wid := f.id(`INSERT INTO write_offs (invoice_id, date, amount, approved_by)
		VALUES (?, ?::date, ?::numeric, (SELECT id FROM users WHERE username = 'admin')) RETURNING id`, f.invs[invoice], date, amount)
	f.exec(`INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, write_off_id)
		SELECT i.id, i.customer_id, 'WRITE_OFF', ?::date, ?::numeric, ? FROM invoices i WHERE i.id = ?`, date, amount, wid, f.invs[invoice])
}

func (f *creditFixture) demand(customer, date string) {
	f.exec(`INSERT INTO collection_demands (customer_id, date, channel) VALUES (?, ?::date, 'LETTER')`, f.custs[customer], date)
}

// creditLedgerFixture is the hand-worked ledger of the credit figure tests, as of
// 2025-06-30 (DOMAIN.md §3, §9). Office HZ: A001, B002, E005–I009; office NB:
// C003, D004. Reps r1 (A, E, G, H) and r2 (B, D, F, I); C003 has none.
//
//	A001 limit 100,000: A1 50,000 shipped 03-01 due 04-30, paid 20,000 on
//	     05-10 and 30,000 on 07-05; A2 10,000 due 06-30 (today: current);
//	     A3 25,000 (ship 04-02) and A4 14,000 (ship 04-15) both settled by
//	     one bank acceptance NA1 39,000 received 06-01, maturing 09-01, held.
//	B002 limit 50,000: B1 20,000 (ship 01-10, due 03-11) settled by NB1
//	     received 02-20 and dishonoured 05-22 (open again); B2 26,000 (ship
//	     04-20, due 06-19); B3 10,000 (ship 01-05, due 03-06) settled by NB2
//	     on 03-20, dishonoured 04-10, paid 04-25.
//	C003 no limit: USD invoices at 7.1, C1 200.10 (paid 100.05 on 06-20) and
//	     C2 100.05: each open 100.05 USD = 710.355 → 710.36 per invoice.
//	D004 limit 10,000, suspended: D1 8,000 (ship 2024-06-01, due 07-31)
//	     written off 2024-10-29; D2 5,000 (ship 02-01, due 03-03) 2,000
//	     written off 06-01.
//	E005 limit 1,000,000, bankrupt: one invoice on each ageing edge, due 0,
//	     1, 30, 60, 90, 120 and 121 days before 06-30 (100 … 700).
//	F006 limit 500: F1 500 not yet due; a sale of 500 in the period.
//	G007 limit 10,000: G1 9,000 not yet due (exactly 90 %).
//	H008 limit 20,000, I009 no limit: nothing at all.
//
// Sales lines (trailing 90 days = 04-02..06-30): A2, A3, A4 (and A1 on 03-01,
// before the period), F 500.
func creditLedgerFixture(t *testing.T) *creditFixture {
	f := newCreditFixture(t)
	f.office("HZ")
	f.office("NB")
	f.rep("r1", "HZ")
	f.rep("r2", "HZ")
	f.customer(creditCustomerSpec{Code: "A001", Rep: "r1", Limit: "100000", Industry: creditdesk.IndustryRegionalElectrical})
	f.customer(creditCustomerSpec{Code: "B002", Rep: "r2", Limit: "50000", Industry: creditdesk.IndustryRegionalElectrical})
	f.customer(creditCustomerSpec{Code: "C003", Office: "NB"})
	f.customer(creditCustomerSpec{Code: "D004", Office: "NB", Rep: "r2", Limit: "10000", Status: creditdesk.StatusSuspended})
	f.customer(creditCustomerSpec{Code: "E005", Rep: "r1", Limit: "1000000", Bankrupt: true})
	f.customer(creditCustomerSpec{Code: "F006", Rep: "r2", Limit: "500"})
	f.customer(creditCustomerSpec{Code: "G007", Rep: "r1", Limit: "10000"})
	f.customer(creditCustomerSpec{Code: "H008", Rep: "r1", Limit: "20000"})
	f.customer(creditCustomerSpec{Code: "I009", Rep: "r2"})

	f.invoice("A1", "A001", "2025-03-01", "2025-04-30", "50000")
	f.invoice("A2", "A001", "2025-05-01", "2025-06-30", "10000")
	f.invoice("A3", "A001", "2025-04-02", "2025-06-01", "25000")
	f.invoice("A4", "A001", "2025-04-15", "2025-06-14", "14000")
	f.payment("PA1", "A001", "2025-05-10", "A1", "20000", "CNY", "1")
	f.payment("PA2", "A001", "2025-07-05", "A1", "30000", "CNY", "1")
	f.note(creditNoteSpec{Number: "NA1", Kind: "BANK_ACCEPTANCE", Customer: "A001", Received: "2025-06-01", Maturity: "2025-09-01",
		Amount: "39000", Alloc: [][2]string{{"A3", "25000"}, {"A4", "14000"}}})
	f.sale("A001", "2025-03-01", "50000")
	f.sale("A001", "2025-05-01", "10000")
	f.sale("A001", "2025-04-02", "25000")
	f.sale("A001", "2025-04-15", "14000")

	f.invoice("B1", "B002", "2025-01-10", "2025-03-11", "20000")
	f.invoice("B2", "B002", "2025-04-20", "2025-06-19", "26000")
	f.invoice("B3", "B002", "2025-01-05", "2025-03-06", "10000")
	f.note(creditNoteSpec{Number: "NB1", Kind: "BANK_ACCEPTANCE", Customer: "B002", Received: "2025-02-20", Maturity: "2025-05-20",
		Amount: "20000", Status: creditdesk.NoteDishonored, StatusDate: "2025-05-22", Alloc: [][2]string{{"B1", "20000"}}})
	f.note(creditNoteSpec{Number: "NB2", Kind: "COMMERCIAL_ACCEPTANCE", Customer: "B002", Received: "2025-03-20", Maturity: "2025-04-08",
		Amount: "10000", Status: creditdesk.NoteDishonored, StatusDate: "2025-04-10", Alloc: [][2]string{{"B3", "10000"}}})
	f.payment("PB3", "B002", "2025-04-25", "B3", "10000", "CNY", "1")

	f.invoiceIn("C1", "C003", "2025-06-01", "2025-07-31", "200.10", "USD", "7.1")
	f.invoiceIn("C2", "C003", "2025-06-05", "2025-08-04", "100.05", "USD", "7.1")
	f.payment("PC1", "C003", "2025-06-20", "C1", "100.05", "USD", "7.1")

	f.invoice("D1", "D004", "2024-06-01", "2024-07-31", "8000")
	f.invoice("D2", "D004", "2025-02-01", "2025-03-03", "5000")
	f.writeOff("D1", "2024-10-29", "8000")
	f.writeOff("D2", "2025-06-01", "2000")

	f.invoice("E0", "E005", "2025-05-01", "2025-06-30", "100")
	f.invoice("E1", "E005", "2025-04-30", "2025-06-29", "200")
	f.invoice("E30", "E005", "2025-04-01", "2025-05-31", "300")
	f.invoice("E60", "E005", "2025-03-02", "2025-05-01", "400")
	f.invoice("E90", "E005", "2025-01-31", "2025-04-01", "500")
	f.invoice("E120", "E005", "2025-01-01", "2025-03-02", "600")
	f.invoice("E121", "E005", "2024-12-31", "2025-03-01", "700")

	f.invoice("F1", "F006", "2025-06-20", "2025-08-19", "500")
	f.sale("F006", "2025-06-20", "500")
	f.invoice("G1", "G007", "2025-06-25", "2025-08-24", "9000")
	return f
}

func asOfDate(s string) *creditdesk.Date {
	d := creditdesk.MustParseDate(s)
	return &d
}

func amountOf(s string) decimal.Decimal { return decimal.RequireFromString(s) }
