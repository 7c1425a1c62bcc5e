package postgres_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/pgtest"
)

// dealerWorld is a test database with helpers that write the rows the dealer
// and sales-force reports read, straight into the tables.
type dealerWorld struct {
	t   *testing.T
	ctx context.Context
	db  *bun.DB
}

func newDealerWorld(t *testing.T) *dealerWorld {
	t.Helper()
	return &dealerWorld{t: t, ctx: context.Background(), db: pgtest.New(t)}
}

func (w *dealerWorld) exec(query string, args ...any) {
	w.t.Helper()
	if _, err := w.db.NewRaw(query, args...).Exec(w.ctx); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
}

// MustCreateOffice adds an office.
func (w *dealerWorld) MustCreateOffice(code string) {
	w.t.Helper()
	w.exec(`INSERT INTO offices (code, name) VALUES (?, ?)`, code, code+" office")
}

// MustCreateUser adds a user of an office.
func (w *dealerWorld) MustCreateUser(username string, role creditdesk.Role, office string) {
	w.t.Helper()
	w.exec(`INSERT INTO users (username, name, role, office_id) SELECT ?, ?, ?, (SELECT id FROM offices WHERE code = ?)`,
		username, username, string(role), office)
}

// dealerCustomer describes a customer to create; zero fields stay NULL.
type dealerCustomer struct {
	Code       string
	Office     string
	DealerType creditdesk.DealerType
	Rep        string
	AssignedOn string
	FirstTrade string
	Status     creditdesk.CustomerStatus
}

// MustCreateCustomer adds a customer.
func (w *dealerWorld) MustCreateCustomer(c dealerCustomer) {
	w.t.Helper()
	nullIf := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	status := c.Status
	if status == "" {
		status = creditdesk.StatusActive
	}
	w.exec(`INSERT INTO customers (code, name, industry, dealer_type, office_id, rep_id, rep_assigned_on, first_trade_on, status)
		SELECT ?, ?, 'OTHER', ?, (SELECT id FROM offices WHERE code = ?), (SELECT id FROM users WHERE username = ?), ?::date, ?::date, ?`,
		c.Code, "客户 "+c.Code, nullIf(string(c.DealerType)), c.Office, nullIf(c.Rep), nullIf(c.AssignedOn),
		nullIf(c.FirstTrade), string(status))
}

// MustShip adds a sales line of amount (base currency) shipped on date.
func (w *dealerWorld) MustShip(code, date, amount string) {
	w.t.Helper()
	w.exec(`INSERT INTO products (code, name) VALUES ('P1', 'Product 1') ON CONFLICT (code) DO NOTHING`)
	w.exec(`INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount,
			currency, exchange_rate, base_amount)
		SELECT (SELECT id FROM customers WHERE code = ?), (SELECT id FROM products WHERE code = 'P1'), ?::date,
			1, ?::numeric, ?::numeric, 0, 'CNY', 1, ?::numeric`, code, date, amount, amount, amount)
}

// MustTarget adds a monthly customer target (month as YYYY-MM).
func (w *dealerWorld) MustTarget(code, month, amount string) {
	w.t.Helper()
	w.exec(`INSERT INTO targets (customer_id, month, amount) SELECT (SELECT id FROM customers WHERE code = ?), (? || '-01')::date, ?::numeric`,
		code, month, amount)
}

// MustRate adds an office rating.
func (w *dealerWorld) MustRate(code, quarter string, metric creditdesk.DealerMetric, score string) {
	w.t.Helper()
	w.exec(`INSERT INTO dealer_ratings (customer_id, quarter, metric, score) SELECT (SELECT id FROM customers WHERE code = ?), ?, ?, ?::numeric`,
		code, quarter, string(metric), score)
}

// MustInvoice adds a CNY invoice shipped on ship and due on due, paid in full
// on paidOn unless paidOn is empty.
func (w *dealerWorld) MustInvoice(number, code, ship, due, amount, paidOn string) {
	w.t.Helper()
	w.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT ?, (SELECT id FROM customers WHERE code = ?), ?::date, ?::date, ?::date, 'CNY', ?::numeric, 1, ?::numeric`,
		number, code, ship, ship, due, amount, amount)
	if paidOn != "" {
		w.MustPay(number, paidOn, amount)
	}
}

// MustPay records a payment of amount on date allocated to one invoice.
func (w *dealerWorld) MustPay(invoice, date, amount string) {
	w.t.Helper()
	w.exec(`WITH p AS (
			INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount)
			SELECT 'PAY-' || ? || '-' || ?, i.customer_id, ?::date, 'TRANSFER', 'CNY', ?::numeric, 1, ?::numeric
			FROM invoices i WHERE i.number = ?
			RETURNING id, customer_id)
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
		SELECT (SELECT id FROM invoices WHERE number = ?), p.customer_id, 'PAYMENT', ?::date, ?::numeric, p.id FROM p`,
		invoice, date, date, amount, amount, invoice, invoice, date, amount)
}

// MustVisit adds a visit by rep on date.
func (w *dealerWorld) MustVisit(code, rep, date string, effective bool) {
	w.t.Helper()
	w.exec(`INSERT INTO visits (customer_id, rep_id, date, effective)
		SELECT (SELECT id FROM customers WHERE code = ?), (SELECT id FROM users WHERE username = ?), ?::date, ?`,
		code, rep, date, effective)
}

// count returns the number of rows a query counts.
func (w *dealerWorld) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.db.NewRaw(query, args...).Scan(w.ctx, &n); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// dealerDec parses a decimal constant of a test.
func dealerDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
