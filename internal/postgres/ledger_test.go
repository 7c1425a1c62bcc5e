package postgres_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun/dialect/pgdialect"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

func money(s string) creditdesk.Money { return creditdesk.Money{Decimal: decimal.RequireFromString(s)} }

func date(s string) creditdesk.Date { return creditdesk.MustParseDate(s) }

// invoice inserts an invoice; currency "" is CNY at rate 1.
func (f *deskFixture) invoice(number string, customerID int64, ship, due, amount string, currencyRate ...string) int64 {
	f.t.Helper()
	cur, rate := "CNY", "1"
	if len(currencyRate) == 2 {
		cur, rate = currencyRate[0], currencyRate[1]
	}
	return f.id(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount,
		exchange_rate, base_amount) VALUES (?, ?, ?::date, ?::date, ?::date, ?, ?::numeric, ?::numeric,
		round(?::numeric * ?::numeric, 2)) RETURNING id`,
		number, customerID, ship, ship, due, cur, amount, rate, amount, rate)
}

// openBalance is an invoice's open balance as of asOf, straight from the
// definition (DOMAIN.md §3): amount less the ledger rows dated on or before.
func (f *deskFixture) openBalance(number, asOf string) string {
	f.t.Helper()
	var open decimal.Decimal
	if err := f.db.NewRaw(`SELECT i.amount - coalesce(sum(s.amount) FILTER (WHERE s.date <= ?::date), 0)
		FROM invoices i LEFT JOIN settlements s ON s.invoice_id = i.id WHERE i.number = ? GROUP BY i.id`,
		asOf, number).Scan(f.ctx, &open); err != nil {
		f.t.Fatal(err)
	}
	return open.StringFixed(2)
}

// ledger lists the ledger rows of a payment or note as
// "invoice kind date amount".
func (f *deskFixture) ledger(column string, id int64) []string {
	f.t.Helper()
	var rows []struct {
		Number, Kind string
		Date         creditdesk.Date
		Amount       decimal.Decimal
	}
	if err := f.db.NewRaw(`SELECT i.number, s.kind, s.date, s.amount FROM settlements s
		JOIN invoices i ON i.id = s.invoice_id WHERE s.`+column+` = ? ORDER BY s.id`, id).Scan(f.ctx, &rows); err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s %s %s %s", r.Number, r.Kind, r.Date, r.Amount.StringFixed(2)))
	}
	return out
}

func (f *deskFixture) settledOn(number string) string {
	f.t.Helper()
	var d *creditdesk.Date
	if err := f.db.NewRaw(`SELECT settled_on FROM invoices WHERE number = ?`, number).Scan(f.ctx, &d); err != nil {
		f.t.Fatal(err)
	}
	if d == nil {
		return "open"
	}
	return d.String()
}

// ledgerFixture: customer K1 (CNY invoices A–D, one USD invoice E) and K2.
//
//	A  ship 2025-01-05  due 2025-03-06  300.00
//	B  ship 2025-01-20  due 2025-03-21  500.00
//	C  ship 2025-01-10  due 2025-03-31  200.00
//	D  ship 2025-03-20  due 2025-03-25  400.00   (shipped after the 2025-03-15 payment)
//	E  ship 2025-01-02  due 2025-03-01  100.00 USD at 7.1
//	Z  ship 2025-01-02  due 2025-03-01  900.00   (customer K2)
func ledgerFixture(t *testing.T) (*deskFixture, postgres.LedgerStore) {
	f := newDeskFixture(t)
	bj := f.office("BJ")
	k1 := f.customer(customerRow{Code: "K1", OfficeID: bj})
	k2 := f.customer(customerRow{Code: "K2", OfficeID: bj})
	f.invoice("INV-A", k1, "2025-01-05", "2025-03-06", "300.00")
	f.invoice("INV-B", k1, "2025-01-20", "2025-03-21", "500.00")
	f.invoice("INV-C", k1, "2025-01-10", "2025-03-31", "200.00")
	f.invoice("INV-D", k1, "2025-03-20", "2025-03-25", "400.00")
	f.invoice("INV-E", k1, "2025-01-02", "2025-03-01", "100.00", "USD", "7.1")
	f.invoice("INV-Z", k2, "2025-01-02", "2025-03-01", "900.00")
	return f, postgres.LedgerStore{DB: f.db}
}

func payment(ref, day, amount string, allocs ...string) creditdesk.PaymentInput {
	in := creditdesk.PaymentInput{CustomerCode: "K1", Reference: ref, Date: date(day), Method: creditdesk.MethodTransfer,
		Amount: money(amount), IdempotencyKey: "key-" + ref}
	for i := 0; i+1 < len(allocs); i += 2 {
		in.Allocations = append(in.Allocations, creditdesk.AllocationInput{InvoiceNumber: allocs[i], Amount: money(allocs[i+1])})
	}
	return in
}

func TestRecordPaymentAllocations(t *testing.T) {
	f, store := ledgerFixture(t)

	// Explicit: 100.00 of a 250.00 payment to B; 150.00 is unapplied.
	p1, err := store.RecordPayment(f.ctx, payment("P1", "2025-02-01", "250.00", "INV-B", "100.00"))
	if err != nil {
		t.Fatal(err)
	}
	if p1.Allocated.String() != "100.00" || p1.Unapplied.String() != "150.00" || p1.BaseAmount.String() != "250.00" {
		t.Errorf("P1 allocated %s unapplied %s base %s, want 100.00 150.00 250.00", p1.Allocated, p1.Unapplied, p1.BaseAmount)
	}
	if got, want := f.ledger("payment_id", p1.ID), []string{"INV-B PAYMENT 2025-02-01 100.00"}; !slices.Equal(got, want) {
		t.Errorf("P1 ledger %v, want %v", got, want)
	}

	// FIFO on 2025-03-15, 650.00: open CNY invoices shipped by then, by due
	// date: A (due 03-06, open 300.00) takes 300.00, B (due 03-21, open
	// 400.00) takes the remaining 350.00, C (due 03-31) nothing. D ships
	// after the payment, E is in USD.
	p2, err := store.RecordPayment(f.ctx, payment("P2", "2025-03-15", "650.00"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.ledger("payment_id", p2.ID), []string{
		"INV-A PAYMENT 2025-03-15 300.00",
		"INV-B PAYMENT 2025-03-15 350.00",
	}; !slices.Equal(got, want) {
		t.Errorf("P2 ledger %v, want %v", got, want)
	}
	if p2.Allocated.String() != "650.00" || p2.Unapplied.String() != "0.00" {
		t.Errorf("P2 allocated %s unapplied %s, want 650.00 0.00", p2.Allocated, p2.Unapplied)
	}
	for _, c := range []struct{ number, asOf, want string }{
		{"INV-A", "2025-03-14", "300.00"}, {"INV-A", "2025-03-15", "0.00"},
		{"INV-B", "2025-01-31", "500.00"}, {"INV-B", "2025-02-01", "400.00"}, {"INV-B", "2025-03-15", "50.00"},
		{"INV-C", "2025-03-15", "200.00"},
	} {
		if got := f.openBalance(c.number, c.asOf); got != c.want {
			t.Errorf("%s open on %s = %s, want %s", c.number, c.asOf, got, c.want)
		}
	}
	if got := f.settledOn("INV-A"); got != "2025-03-15" {
		t.Errorf("INV-A settled_on = %s, want 2025-03-15", got)
	}

	// FIFO on 2025-03-16, 1000.00: B 50.00, C 200.00; D still not shipped;
	// 750.00 unapplied.
	p3, err := store.RecordPayment(f.ctx, payment("P3", "2025-03-16", "1000.00"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.ledger("payment_id", p3.ID), []string{
		"INV-B PAYMENT 2025-03-16 50.00",
		"INV-C PAYMENT 2025-03-16 200.00",
	}; !slices.Equal(got, want) {
		t.Errorf("P3 ledger %v, want %v", got, want)
	}
	if p3.Unapplied.String() != "750.00" {
		t.Errorf("P3 unapplied %s, want 750.00", p3.Unapplied)
	}

	t.Run("a USD payment settles USD invoices", func(t *testing.T) {
		in := payment("P4", "2025-03-16", "40.00")
		in.Currency, in.ExchangeRate = ptr("USD"), &creditdesk.Rate{Decimal: decimal.RequireFromString("7.2")}
		p, err := store.RecordPayment(f.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		// 40.00 × 7.2 = 288.00 base.
		if got := f.ledger("payment_id", p.ID); !slices.Equal(got, []string{"INV-E PAYMENT 2025-03-16 40.00"}) ||
			p.BaseAmount.String() != "288.00" {
			t.Errorf("USD payment ledger %v base %s", got, p.BaseAmount)
		}
	})
}

func TestRecordPaymentRefusals(t *testing.T) {
	f, store := ledgerFixture(t)
	if _, err := store.RecordPayment(f.ctx, payment("P1", "2025-03-10", "300.00", "INV-A", "300.00")); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RecordPayment(f.ctx, payment("P2", "2025-02-01", "450.00", "INV-B", "450.00")); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name  string
		in    creditdesk.PaymentInput
		code  string
		field string
		says  []string
	}{
		{"above the open balance", payment("X1", "2025-03-10", "60.00", "INV-B", "60.00"),
			creditdesk.EINVALID, "allocations[0].amount", []string{"INV-B", "60.00", "50.00"}},
		// A is paid in full on 2025-03-10; on 2025-03-01 it was open, but a
		// back-dated allocation would leave it below zero from 03-10 on.
		{"back-dated past a later settlement", payment("X2", "2025-03-01", "50.00", "INV-A", "50.00"),
			creditdesk.EINVALID, "allocations[0].amount", []string{"INV-A", "50.00", "0.00", "300.00"}},
		{"shipped after the payment", payment("X3", "2025-03-16", "10.00", "INV-D", "10.00"),
			creditdesk.EINVALID, "allocations[0].invoiceNumber", []string{"INV-D", "2025-03-20"}},
		{"another customer's invoice", payment("X4", "2025-03-16", "10.00", "INV-Z", "10.00"),
			creditdesk.EINVALID, "allocations[0].invoiceNumber", []string{"INV-Z", "K1"}},
		{"another currency", payment("X5", "2025-03-16", "10.00", "INV-E", "10.00"),
			creditdesk.EINVALID, "allocations[0].invoiceNumber", []string{"USD", "CNY"}},
		{"allocations above the payment", payment("X6", "2025-03-16", "100.00", "INV-C", "80.00", "INV-B", "30.00"),
			creditdesk.EINVALID, "allocations", []string{"110.00", "100.00"}},
		{"an invoice twice", payment("X7", "2025-03-16", "100.00", "INV-C", "10.00", "INV-C", "10.00"),
			creditdesk.EINVALID, "allocations[1].invoiceNumber", []string{"INV-C"}},
		{"fractions of a fen", payment("X8", "2025-03-16", "10.005"), creditdesk.EINVALID, "amount", nil},
		{"nothing paid", payment("X9", "2025-03-16", "0"), creditdesk.EINVALID, "amount", nil},
		{"foreign currency without a rate", func() creditdesk.PaymentInput {
			in := payment("X10", "2025-03-16", "10.00")
			in.Currency = ptr("USD")
			return in
		}(), creditdesk.EINVALID, "exchangeRate", []string{"USD"}},
		{"no idempotency key", func() creditdesk.PaymentInput {
			in := payment("X11", "2025-03-16", "10.00")
			in.IdempotencyKey = ""
			return in
		}(), creditdesk.EINVALID, "idempotencyKey", nil},
		{"unknown customer", func() creditdesk.PaymentInput {
			in := payment("X12", "2025-03-16", "10.00")
			in.CustomerCode = "NOPE"
			return in
		}(), creditdesk.ENOTFOUND, "", nil},
		{"a reference another payment has", func() creditdesk.PaymentInput {
			in := payment("P1", "2025-03-16", "10.00")
			in.IdempotencyKey = "another-key"
			return in
		}(), creditdesk.ECONFLICT, "", []string{"P1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.counts()
			_, err := store.RecordPayment(f.ctx, tc.in)
			de := wantCode(t, err, tc.code)
			if de.Field != tc.field {
				t.Errorf("field = %q, want %q", de.Field, tc.field)
			}
			for _, s := range tc.says {
				if !strings.Contains(de.Message, s) {
					t.Errorf("message %q does not say %q", de.Message, s)
				}
			}
			f.assertUnchanged(before)
		})
	}
}

func TestRecordPaymentIdempotency(t *testing.T) {
	f, store := ledgerFixture(t)
	in := payment("P1", "2025-03-15", "650")
	first, err := store.RecordPayment(f.ctx, in)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a replay returns the first payment", func(t *testing.T) {
		before := f.counts()
		replay := in
		replay.Amount = money("650.00") // the same amount, written otherwise
		replay.Currency = ptr("CNY")    // the default, spelt out
		again, err := store.RecordPayment(f.ctx, replay)
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Allocated.String() != "650.00" || again.Reference != "P1" {
			t.Errorf("replay returned payment %d (allocated %s), want %d (650.00)", again.ID, again.Allocated, first.ID)
		}
		f.assertUnchanged(before)
	})
	t.Run("the same key with another payload conflicts", func(t *testing.T) {
		before := f.counts()
		other := in
		other.Amount = money("651.00")
		_, err := store.RecordPayment(f.ctx, other)
		de := wantCode(t, err, creditdesk.ECONFLICT)
		if !strings.Contains(de.Message, in.IdempotencyKey) {
			t.Errorf("message %q does not name the key", de.Message)
		}
		f.assertUnchanged(before)
	})
}

func TestRecordPaymentConcurrentDuplicates(t *testing.T) {
	f, store := ledgerFixture(t)
	// Five keys, each sent by two callers at the same moment.
	for round := range 5 {
		in := payment(fmt.Sprintf("R%d", round), "2025-03-16", "10.00")
		start := make(chan struct{})
		var wg sync.WaitGroup
		results := make([]*creditdesk.Payment, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() {
				<-start
				results[i], errs[i] = store.RecordPayment(f.ctx, in)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d caller %d: %v", round, i, err)
			}
		}
		if results[0].ID != results[1].ID {
			t.Errorf("round %d: the callers got payments %d and %d, want the same", round, results[0].ID, results[1].ID)
		}
		var n int
		f.db.NewRaw(`SELECT count(*) FROM payments WHERE idempotency_key = ?`, in.IdempotencyKey).Scan(f.ctx, &n) //nolint:errcheck
		if n != 1 {
			t.Errorf("round %d: %d payments recorded, want 1", round, n)
		}
	}
	// 5 × 10.00 FIFO: all on INV-A (due first), 50.00 in all.
	if got := f.openBalance("INV-A", "2025-03-16"); got != "250.00" {
		t.Errorf("INV-A open %s, want 250.00", got)
	}
}

func TestConcurrentPaymentsNeverOverAllocate(t *testing.T) {
	f, store := ledgerFixture(t)
	// Eight payments of 100.00 race for A (300.00) and B (500.00): together
	// they can take 800.00, exactly what is open, and not a fen more.
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, 8)
	for i := range 8 {
		wg.Go(func() {
			<-start
			_, errs[i] = store.RecordPayment(f.ctx, payment(fmt.Sprintf("C%d", i), "2025-03-15", "100.00"))
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("payment %d: %v", i, err)
		}
	}
	if a, b := f.openBalance("INV-A", "2025-03-15"), f.openBalance("INV-B", "2025-03-15"); a != "0.00" || b != "0.00" {
		t.Errorf("open A %s B %s, want 0.00 and 0.00", a, b)
	}
	var settled decimal.Decimal
	f.db.NewRaw(`SELECT sum(amount) FROM settlements`).Scan(f.ctx, &settled) //nolint:errcheck
	if settled.StringFixed(2) != "800.00" {
		t.Errorf("ledger total %s, want 800.00", settled.StringFixed(2))
	}
	// One more payment finds nothing open but C (due last): 100.00 to C.
	p, err := store.RecordPayment(f.ctx, payment("C9", "2025-03-15", "300.00"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.ledger("payment_id", p.ID); !slices.Equal(got, []string{"INV-C PAYMENT 2025-03-15 200.00"}) ||
		p.Unapplied.String() != "100.00" {
		t.Errorf("last payment ledger %v unapplied %s", got, p.Unapplied)
	}
}

func note(number, received, amount string, allocs ...string) creditdesk.NoteInput {
	in := creditdesk.NoteInput{CustomerCode: "K1", Number: number, Kind: creditdesk.NoteBankAcceptance,
		IssueDate: date(received).AddDays(-2), ReceivedDate: date(received), MaturityDate: date(received).AddDays(90),
		Amount: money(amount), Endorsers: []string{"甲公司"}}
	for i := 0; i+1 < len(allocs); i += 2 {
		in.Allocations = append(in.Allocations, creditdesk.AllocationInput{InvoiceNumber: allocs[i], Amount: money(allocs[i+1])})
	}
	return in
}

func TestNoteDishonourReopensInvoices(t *testing.T) {
	f, store := ledgerFixture(t)
	n, err := store.ReceiveNote(f.ctx, note("N1", "2025-04-01", "800.00", "INV-A", "300.00", "INV-B", "500.00"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != creditdesk.NoteHeld || n.StatusDate.String() != "2025-04-01" || n.SettledOn != nil {
		t.Errorf("received note %+v", n)
	}
	if got := f.settledOn("INV-A"); got != "2025-04-01" {
		t.Errorf("INV-A settled_on %s after the note, want 2025-04-01", got)
	}
	if _, err := store.SetNoteStatus(f.ctx, creditdesk.NoteStatusInput{Number: "N1", Status: creditdesk.NotePresented,
		Date: date("2025-06-28")}); err != nil {
		t.Fatal(err)
	}
	n, err = store.SetNoteStatus(f.ctx, creditdesk.NoteStatusInput{Number: "N1", Status: creditdesk.NoteDishonored,
		Date: date("2025-07-02"), Reason: ptr("付款行拒付")})
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != creditdesk.NoteDishonored || n.StatusDate.String() != "2025-07-02" || n.SettledOn.String() != "2025-07-02" {
		t.Errorf("dishonoured note %+v", n)
	}
	// The note's allocations stay; a reversal per allocation is appended.
	if got, want := f.ledger("note_id", n.ID), []string{
		"INV-A NOTE 2025-04-01 300.00",
		"INV-B NOTE 2025-04-01 500.00",
		"INV-A NOTE_REVERSAL 2025-07-02 -300.00",
		"INV-B NOTE_REVERSAL 2025-07-02 -500.00",
	}; !slices.Equal(got, want) {
		t.Errorf("note ledger %v, want %v", got, want)
	}
	for _, c := range []struct{ number, asOf, want string }{
		{"INV-A", "2025-03-31", "300.00"}, {"INV-A", "2025-04-01", "0.00"}, {"INV-A", "2025-07-01", "0.00"},
		{"INV-A", "2025-07-02", "300.00"},
		{"INV-B", "2025-07-01", "0.00"}, {"INV-B", "2025-07-02", "500.00"},
	} {
		if got := f.openBalance(c.number, c.asOf); got != c.want {
			t.Errorf("%s open on %s = %s, want %s", c.number, c.asOf, got, c.want)
		}
	}
	if a, b := f.settledOn("INV-A"), f.settledOn("INV-B"); a != "open" || b != "open" {
		t.Errorf("settled_on after the dishonour: A %s B %s, want open", a, b)
	}
	var statuses []string
	f.db.NewRaw(`SELECT status || ' ' || date FROM note_status_changes WHERE note_id = ? ORDER BY id`, n.ID).Scan(f.ctx, &statuses) //nolint:errcheck
	if want := []string{"HELD 2025-04-01", "PRESENTED 2025-06-28", "DISHONORED 2025-07-02"}; !slices.Equal(statuses, want) {
		t.Errorf("status changes %v, want %v", statuses, want)
	}

	// Reopened, the invoices take a payment again from the dishonour on.
	p, err := store.RecordPayment(f.ctx, payment("P1", "2025-07-03", "300.00"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.ledger("payment_id", p.ID); !slices.Equal(got, []string{"INV-A PAYMENT 2025-07-03 300.00"}) {
		t.Errorf("payment after the dishonour: %v", got)
	}
}

func TestNoteLifeCycle(t *testing.T) {
	f, store := ledgerFixture(t)
	// FIFO like a payment: A (due 03-06) 300.00, B 100.00.
	n, err := store.ReceiveNote(f.ctx, note("N1", "2025-04-01", "400.00"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.ledger("note_id", n.ID), []string{"INV-A NOTE 2025-04-01 300.00", "INV-B NOTE 2025-04-01 100.00"}; !slices.Equal(got, want) {
		t.Errorf("FIFO note ledger %v, want %v", got, want)
	}

	move := func(status creditdesk.NoteStatus, day string) error {
		_, err := store.SetNoteStatus(f.ctx, creditdesk.NoteStatusInput{Number: "N1", Status: status, Date: date(day)})
		return err
	}
	refused := []struct {
		name   string
		status creditdesk.NoteStatus
		day    string
		field  string
	}{
		{"held cannot be honoured before it is presented", creditdesk.NoteHonored, "2025-05-01", "status"},
		{"held cannot be held again", creditdesk.NoteHeld, "2025-05-01", "status"},
		{"not before the received date", creditdesk.NotePresented, "2025-03-31", "date"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			before := f.counts()
			de := wantCode(t, move(tc.status, tc.day), creditdesk.EINVALID)
			if de.Field != tc.field {
				t.Errorf("field %q, want %q", de.Field, tc.field)
			}
			f.assertUnchanged(before)
		})
	}
	if err := move(creditdesk.NotePresented, "2025-06-28"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, move(creditdesk.NoteHonored, "2025-06-27"), creditdesk.EINVALID) // before the presentation
	if err := move(creditdesk.NoteHonored, "2025-06-30"); err != nil {
		t.Fatal(err)
	}
	before := f.counts()
	wantCode(t, move(creditdesk.NoteDishonored, "2025-07-01"), creditdesk.EINVALID) // honoured is final
	f.assertUnchanged(before)
	// Honouring writes nothing to the ledger: the allocation stands.
	if got := f.ledger("note_id", n.ID); len(got) != 2 {
		t.Errorf("ledger after honour %v", got)
	}
	var status, settled string
	f.db.NewRaw(`SELECT status, settled_on::text FROM notes WHERE id = ?`, n.ID).Scan(f.ctx, &status, &settled) //nolint:errcheck
	if status != "HONORED" || settled != "2025-06-30" {
		t.Errorf("note status %s settled %s, want HONORED 2025-06-30", status, settled)
	}

	t.Run("refusals on receipt", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			in   creditdesk.NoteInput
			code string
		}{
			{"a known number", note("N1", "2025-04-02", "10.00"), creditdesk.ECONFLICT},
			{"a USD invoice", note("N2", "2025-04-02", "10.00", "INV-E", "10.00"), creditdesk.EINVALID},
			{"above the open balance", note("N3", "2025-04-02", "500.00", "INV-B", "500.00"), creditdesk.EINVALID},
			{"received before issue", func() creditdesk.NoteInput {
				in := note("N4", "2025-04-02", "10.00")
				in.IssueDate = date("2025-04-03")
				return in
			}(), creditdesk.EINVALID},
			{"unknown note", note("N5", "2025-04-02", "10.00"), ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.code == "" {
					_, err := store.SetNoteStatus(f.ctx, creditdesk.NoteStatusInput{Number: "NOPE",
						Status: creditdesk.NotePresented, Date: date("2025-05-01")})
					wantCode(t, err, creditdesk.ENOTFOUND)
					return
				}
				before := f.counts()
				_, err := store.ReceiveNote(f.ctx, tc.in)
				wantCode(t, err, tc.code)
				f.assertUnchanged(before)
			})
		}
	})
}

func TestDishonourReevaluatesTheCustomer(t *testing.T) {
	// 000 第七条2: a dishonoured note is a credit event. K1 has no stored
	// class; the dishonour on 2025-07-02 (today, by the store's clock) fires
	// R5 — a dishonoured note within the last 24 months — so K1 becomes 丙
	// in the same transaction, with a CREDIT_EVENT snapshot and a history row.
	f, _ := ledgerFixture(t)
	store := postgres.LedgerStore{DB: f.db, Clock: fixedClock("2025-07-02")}
	if _, err := store.ReceiveNote(f.ctx, note("N1", "2025-04-01", "300.00", "INV-A", "300.00")); err != nil {
		t.Fatal(err)
	}
	for _, mv := range []struct {
		status creditdesk.NoteStatus
		day    string
	}{{creditdesk.NotePresented, "2025-06-28"}, {creditdesk.NoteDishonored, "2025-07-02"}} {
		if _, err := store.SetNoteStatus(f.ctx, creditdesk.NoteStatusInput{Number: "N1", Status: mv.status,
			Date: date(mv.day)}); err != nil {
			t.Fatal(err)
		}
	}
	var class, trigger, asOf string
	var rules []string
	if err := f.db.NewRaw(`SELECT c.credit_class, e.trigger, s.as_of::text, s.fired_rules
		FROM customers c
		JOIN credit_class_snapshots s ON s.customer_id = c.id
		JOIN credit_class_evaluations e ON e.id = s.evaluation_id
		WHERE c.code = 'K1'`).Scan(f.ctx, &class, &trigger, &asOf, pgdialect.Array(&rules)); err != nil {
		t.Fatal(err)
	}
	if class != "BING" || trigger != "CREDIT_EVENT" || asOf != "2025-07-02" || !slices.Contains(rules, "R5") {
		t.Errorf("after the dishonour: class %s, trigger %s, as of %s, rules %v; want BING, CREDIT_EVENT, 2025-07-02, R5",
			class, trigger, asOf, rules)
	}
	var history int
	if err := f.db.NewRaw(`SELECT count(*) FROM customer_history h JOIN customers c ON c.id = h.customer_id
		WHERE c.code = 'K1' AND h.field = 'creditClass' AND h.new_value = 'BING'`).Scan(f.ctx, &history); err != nil || history != 1 {
		t.Errorf("history rows for the class change: %d (%v), want 1", history, err)
	}
}

// fixedClock is a clock stopped at noon of day in Shanghai.
func fixedClock(day string) creditdesk.Clock {
	t := date(day).Time().Add(12 * time.Hour)
	return func() time.Time { return t }
}
