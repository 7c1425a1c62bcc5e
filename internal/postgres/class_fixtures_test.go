package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// classWorld is a test database for the credit class, approvals and
// investigations, with helpers that write the ledger rows straight into the
// tables, a frozen clock, and users to act as.
type classWorld struct {
	t     *testing.T
	ctx   context.Context
	db    *bun.DB
	today creditdesk.Date
}

func newClassWorld(t *testing.T) *classWorld {
	t.Helper()
	w := newEmptyClassWorld(t)
	w.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处'), ('SH', '上海办事处')`)
	w.exec(`INSERT INTO products (code, name) VALUES ('P1', '产品1')`)
	return w
}

// newEmptyClassWorld is a classWorld without its offices and product (for
// an import).
func newEmptyClassWorld(t *testing.T) *classWorld {
	t.Helper()
	return &classWorld{t: t, ctx: context.Background(), db: pgtest.New(t), today: creditdesk.MustParseDate("2025-06-30")}
}

// clock is a frozen clock at w.today, noon in Shanghai.
func (w *classWorld) clock() creditdesk.Clock {
	return func() time.Time {
		return time.Date(w.today.Year(), w.today.Time().Month(), w.today.Day(), 12, 0, 0, 0, time.FixedZone("CST", 8*3600))
	}
}

func (w *classWorld) classes() postgres.ClassStore {
	return postgres.ClassStore{DB: w.db, Clock: w.clock()}
}

func (w *classWorld) approvals() postgres.ApprovalStore {
	return postgres.ApprovalStore{DB: w.db, Clock: w.clock()}
}

func (w *classWorld) exec(query string, args ...any) {
	w.t.Helper()
	if _, err := w.db.NewRaw(query, args...).Exec(w.ctx); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
}

func (w *classWorld) scan(dest any, query string, args ...any) {
	w.t.Helper()
	if err := w.db.NewRaw(query, args...).Scan(w.ctx, dest); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
}

// MustCreateUser adds a user and returns it, ready to be put in a context.
func (w *classWorld) MustCreateUser(username string, role creditdesk.Role, office string) *creditdesk.User {
	w.t.Helper()
	u := new(creditdesk.User)
	w.scan(u, `INSERT INTO users (username, name, role, office_id)
		VALUES (?, ?, ?, (SELECT id FROM offices WHERE code = ?))
		RETURNING id, username, name, role, office_id`, username, username, string(role), classNull(office))
	return u
}

// as returns a context acting as u.
func (w *classWorld) as(u *creditdesk.User) context.Context { return creditdesk.WithActor(w.ctx, u) }

// classCustomer describes a customer; empty fields stay NULL.
type classCustomer struct {
	Code         string
	Office       string // default BJ
	Rep          string
	BusinessType string
	Employees    string
	Capital      string
	Founded      string
	FirstTrade   string
	CreditLimit  string
}

func classNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// MustCreateCustomer adds a customer and returns its id.
func (w *classWorld) MustCreateCustomer(c classCustomer) int64 {
	w.t.Helper()
	if c.Office == "" {
		c.Office = "BJ"
	}
	var id int64
	w.scan(&id, `INSERT INTO customers (code, name, industry, business_type, office_id, rep_id, employees,
			registered_capital, founded_on, first_trade_on, credit_limit)
		VALUES (?, ?, 'OTHER', ?, (SELECT id FROM offices WHERE code = ?), (SELECT id FROM users WHERE username = ?),
			?::int, ?::numeric, ?::date, ?::date, ?::numeric)
		RETURNING id`,
		c.Code, "客户"+c.Code, classNull(c.BusinessType), c.Office, classNull(c.Rep), classNull(c.Employees),
		classNull(c.Capital), classNull(c.Founded), classNull(c.FirstTrade), classNull(c.CreditLimit))
	return id
}

// MustInvoice adds a CNY invoice.
func (w *classWorld) MustInvoice(number, code, ship, due, amount string) {
	w.t.Helper()
	w.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT ?, (SELECT id FROM customers WHERE code = ?), ?::date, ?::date, ?::date, 'CNY', ?::numeric, 1, ?::numeric`,
		number, code, ship, ship, due, amount, amount)
}

// MustPay records a payment allocated to one invoice.
func (w *classWorld) MustPay(invoice, date, amount string) {
	w.t.Helper()
	w.exec(`WITH p AS (
			INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount)
			SELECT 'PAY-' || ? || '-' || ? || '-' || ?, i.customer_id, ?::date, 'TRANSFER', 'CNY', ?::numeric, 1, ?::numeric
			FROM invoices i WHERE i.number = ?
			RETURNING id, customer_id)
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
		SELECT (SELECT id FROM invoices WHERE number = ?), p.customer_id, 'PAYMENT', ?::date, ?::numeric, p.id FROM p`,
		invoice, date, amount, date, amount, amount, invoice, invoice, date, amount)
}

// MustDishonouredNote records a note received on received, allocated to
// invoice (if any) and dishonoured on dishonoured, with the reversal.
func (w *classWorld) MustDishonouredNote(number, code, received, dishonoured, amount, invoice string) {
	w.t.Helper()
	w.exec(`INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date, amount, status, status_date, settled_on)
		SELECT ?, 'COMMERCIAL_ACCEPTANCE', (SELECT id FROM customers WHERE code = ?), ?::date, ?::date, ?::date,
			?::numeric, 'DISHONORED', ?::date, ?::date`,
		number, code, received, received, dishonoured, amount, dishonoured, dishonoured)
	if invoice != "" {
		w.exec(`WITH a AS (
				INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id)
				SELECT i.id, i.customer_id, 'NOTE', n.received_date, n.amount, n.id
				FROM invoices i, notes n WHERE i.number = ? AND n.number = ?
				RETURNING id, invoice_id, customer_id, amount, note_id)
			INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id, reverses_id)
			SELECT a.invoice_id, a.customer_id, 'NOTE_REVERSAL', ?::date, -a.amount, a.note_id, a.id FROM a`,
			invoice, number, dishonoured)
	}
}

// MustWriteOff posts a write-off straight into the ledger (as the importer
// does), approved by admin.
func (w *classWorld) MustWriteOff(invoice, date, amount string) {
	w.t.Helper()
	w.exec(`WITH wo AS (
			INSERT INTO write_offs (invoice_id, date, amount, approved_by)
			SELECT i.id, ?::date, ?::numeric, (SELECT id FROM users WHERE username = 'admin')
			FROM invoices i WHERE i.number = ?
			RETURNING id, invoice_id, date, amount)
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, write_off_id)
		SELECT wo.invoice_id, i.customer_id, 'WRITE_OFF', wo.date, wo.amount, wo.id
		FROM wo JOIN invoices i ON i.id = wo.invoice_id`, date, amount, invoice)
}

// MustShip adds a sales line (base currency) without an invoice.
func (w *classWorld) MustShip(code, date, amount string) {
	w.t.Helper()
	w.exec(`INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount,
			currency, exchange_rate, base_amount)
		SELECT (SELECT id FROM customers WHERE code = ?), (SELECT id FROM products WHERE code = 'P1'), ?::date,
			1, ?::numeric, ?::numeric, 0, 'CNY', 1, ?::numeric`, code, date, amount, amount, amount)
}

// classOf evaluates one customer as of date (YYYY-MM-DD).
func (w *classWorld) classOf(ctx context.Context, code, date string) *creditdesk.CreditClassResult {
	w.t.Helper()
	d := creditdesk.MustParseDate(date)
	res, err := w.classes().CreditClass(ctx, code, &d)
	if err != nil {
		w.t.Fatalf("CreditClass(%s, %s): %v", code, date, err)
	}
	return res
}

// ruleNames lists the rules that fired.
func ruleNames(r *creditdesk.CreditClassResult) []string {
	out := []string{}
	for _, h := range r.FiredRules {
		out = append(out, h.Rule)
	}
	return out
}

// wantErrorCode fails unless err is a domain error with the code.
func wantErrorCode(t *testing.T, err error, code string) {
	t.Helper()
	var de *creditdesk.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

// scoreText writes an optional score as the API shows it.
func scoreText(s *creditdesk.Score) string {
	if s == nil {
		return "null"
	}
	return s.String()
}

func textOf(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
