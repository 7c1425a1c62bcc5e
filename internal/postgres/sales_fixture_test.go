package postgres_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// salesFixture builds hand-worked data sets for the sales reports with
// direct SQL inserts: offices, reps, products, customers, sales lines,
// targets, inventory snapshots and invoices.
type salesFixture struct {
	t   *testing.T
	db  *bun.DB
	ctx context.Context
}

func newSalesFixture(t *testing.T) *salesFixture {
	t.Helper()
	return &salesFixture{t: t, db: pgtest.New(t), ctx: context.Background()}
}

func (f *salesFixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.NewRaw(query, args...).Exec(f.ctx); err != nil {
		f.t.Fatalf("fixture: %v\n%s", err, query)
	}
}

func (f *salesFixture) store() postgres.SalesStore { return postgres.SalesStore{DB: f.db} }

// MustCreateOffice adds an office.
func (f *salesFixture) MustCreateOffice(code string) {
	f.exec(`INSERT INTO offices (code, name) VALUES (?, ?)`, code, code+"办事处")
}

// MustCreateRep adds a sales rep of an office.
func (f *salesFixture) MustCreateRep(username, office string) {
	f.exec(`INSERT INTO users (username, name, role, office_id) SELECT ?, ?, 'SALES_REP', id FROM offices WHERE code = ?`,
		username, "业务员"+username, office)
}

// MustCreateProduct adds a product of a category ("" for none).
func (f *salesFixture) MustCreateProduct(code, category string) {
	var cat *string
	if category != "" {
		cat = &category
	}
	f.exec(`INSERT INTO products (code, name, category) VALUES (?, ?, ?)`, code, "产品"+code, cat)
}

// salesCustomerSpec describes a customer; zero fields take defaults.
type salesCustomerSpec struct {
	Code, Industry, Office, Rep, DealerType, CreditClass string
	RequiredShare                                        string
}

// MustCreateCustomer adds a customer.
func (f *salesFixture) MustCreateCustomer(c salesCustomerSpec) {
	f.t.Helper()
	if c.Industry == "" {
		c.Industry = "OTHER"
	}
	if c.Office == "" {
		c.Office = "BJ"
	}
	null := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	f.exec(`INSERT INTO customers (code, name, industry, office_id, rep_id, dealer_type, credit_class, required_share)
		SELECT ?, ?, ?, (SELECT id FROM offices WHERE code = ?), (SELECT id FROM users WHERE username = ?), ?, ?, ?::numeric`,
		c.Code, "客户"+c.Code, c.Industry, c.Office, null(c.Rep), null(c.DealerType), null(c.CreditClass), null(c.RequiredShare))
}

// salesLine is a sales line: amount in CNY (base), cost, quantity.
type salesLine struct {
	Customer, Product, Date string
	Amount, Cost, Quantity  string
	Invoice                 string
}

// MustCreateLines adds sales lines in one statement (as the importer does).
func (f *salesFixture) MustCreateLines(ls ...salesLine) {
	f.t.Helper()
	if len(ls) == 0 {
		return
	}
	q := `INSERT INTO sales_lines (invoice_id, customer_id, product_id, ship_date, quantity, unit_price, amount,
		cost_amount, currency, exchange_rate, base_amount)
		SELECT (SELECT id FROM invoices WHERE number = v.inv), c.id, p.id, v.d::date, v.q::numeric, 1, v.a::numeric,
		       v.cost::numeric, 'CNY', 1, v.a::numeric
		FROM (VALUES `
	var args []any
	for i, l := range ls {
		if i > 0 {
			q += ", "
		}
		q += "(?, ?, ?, ?, ?, ?, ?)"
		if l.Cost == "" {
			l.Cost = "0"
		}
		if l.Quantity == "" {
			l.Quantity = "1"
		}
		var inv *string
		if l.Invoice != "" {
			inv = &l.Invoice
		}
		args = append(args, l.Customer, l.Product, l.Date, l.Amount, l.Cost, l.Quantity, inv)
	}
	q += `) v(cust, prod, d, a, cost, q, inv)
		JOIN customers c ON c.code = v.cust JOIN products p ON p.code = v.prod`
	f.exec(q, args...)
}

// MustCreateLinesUSD adds one sales line in USD at a rate; its base amount is
// round(amount × rate, 2).
func (f *salesFixture) MustCreateLinesUSD(customer, product, date, amount, rate string) {
	f.exec(`INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount,
		currency, exchange_rate, base_amount)
		SELECT c.id, p.id, ?::date, 1, ?::numeric, ?::numeric, 0, 'USD', ?::numeric, round(?::numeric * ?::numeric, 2)
		FROM customers c, products p WHERE c.code = ? AND p.code = ?`,
		date, amount, amount, rate, amount, rate, customer, product)
}

// MustCreateTarget adds a monthly target (product "" for the customer's).
func (f *salesFixture) MustCreateTarget(customer, month, product, amount string) {
	var prod *string
	if product != "" {
		prod = &product
	}
	f.exec(`INSERT INTO targets (customer_id, month, product_id, amount)
		SELECT c.id, ?::date, (SELECT id FROM products WHERE code = ?), ?::numeric FROM customers c WHERE c.code = ?`,
		month+"-01", prod, amount, customer)
}

// MustCreateSnapshot adds an inventory snapshot.
func (f *salesFixture) MustCreateSnapshot(customer, product, month, opening, closing string) {
	f.exec(`INSERT INTO inventory_snapshots (customer_id, product_id, month, opening, closing)
		SELECT c.id, p.id, ?::date, ?::numeric, ?::numeric FROM customers c, products p WHERE c.code = ? AND p.code = ?`,
		month+"-01", opening, closing, customer, product)
}

// MustCreateInvoice adds a CNY invoice.
func (f *salesFixture) MustCreateInvoice(number, customer, shipDate, amount string) {
	f.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT ?, c.id, ?::date, ?::date, ?::date + 60, 'CNY', ?::numeric, 1, ?::numeric FROM customers c WHERE c.code = ?`,
		number, shipDate, shipDate, shipDate, amount, amount, customer)
}

// MustPay records a payment allocated in full to one invoice.
func (f *salesFixture) MustPay(reference, invoice, date, amount string) {
	f.exec(`WITH p AS (
			INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount)
			SELECT ?, i.customer_id, ?::date, 'TRANSFER', 'CNY', ?::numeric, 1, ?::numeric FROM invoices i WHERE i.number = ?
			RETURNING id, customer_id)
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
		SELECT i.id, p.customer_id, 'PAYMENT', ?::date, ?::numeric, p.id FROM p, invoices i WHERE i.number = ?`,
		reference, date, amount, amount, invoice, date, amount, invoice)
}

// salesDec parses a decimal written in a test.
func salesDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// salesPeriod returns the period [from, to].
func salesPeriod(from, to string) creditdesk.Period {
	return creditdesk.Period{From: creditdesk.MustParseDate(from), To: creditdesk.MustParseDate(to)}
}

// salesShown shows a nullable ratio or money, "null" for nil.
func salesShown[T interface{ String() string }](v *T) string {
	if v == nil {
		return "null"
	}
	return (*v).String()
}
