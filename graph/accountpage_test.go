package graph_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"creditdesk/internal/postgres"
)

// seedAccount creates customer K1 (office BJ, rep rep1) with n rows of
// everything on its account page: n contacts, n history rows (each by its
// own user, approved by mgr), n invoices of 100.00 shipped one day apart from
// 2025-01-01, each paid 60.00 by its own payment and 40.00 by its own note,
// and n sales lines, each of its own product and on its own invoice.
func (a *api) seedAccount(n int) {
	a.t.Helper()
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处')`)
	a.exec(`INSERT INTO users (username, name, role, office_id)
		SELECT 'rep1', '业务员1', 'SALES_REP', id FROM offices
		UNION ALL SELECT 'mgr', '经理', 'MANAGER', id FROM offices`)
	a.exec(`INSERT INTO customers (code, name, industry, office_id, rep_id)
		SELECT 'K1', '客户一', 'OTHER', o.id, u.id FROM offices o, users u WHERE u.username = 'rep1'`)
	a.exec(`INSERT INTO users (username, name, role, office_id)
		SELECT 'u' || g, '用户' || g, 'SALES_REP', (SELECT id FROM offices) FROM generate_series(1, ?0) g;
		INSERT INTO customer_contacts (customer_id, name, phone)
		SELECT (SELECT id FROM customers), '联系人' || g, '010-' || g FROM generate_series(1, ?0) g;
		INSERT INTO customer_history (customer_id, field, old_value, new_value, reason, changed_by, approved_by)
		SELECT (SELECT id FROM customers), 'address', 'old ' || g, 'new ' || g, 'reason ' || g,
		       (SELECT id FROM users WHERE username = 'u' || g), (SELECT id FROM users WHERE username = 'mgr')
		FROM generate_series(1, ?0) g;
		INSERT INTO products (code, name) SELECT 'PR' || g, '产品' || g FROM generate_series(1, ?0) g;
		INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT 'INV' || lpad(g::text, 3, '0'), (SELECT id FROM customers), DATE '2025-01-01' + g, DATE '2025-01-01' + g,
		       DATE '2025-03-02' + g, 'CNY', 100, 1, 100
		FROM generate_series(1, ?0) g;
		INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount)
		SELECT 'PAY' || g, (SELECT id FROM customers), DATE '2025-02-01' + g, 'TRANSFER', 'CNY', 60, 1, 60
		FROM generate_series(1, ?0) g;
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
		SELECT i.id, i.customer_id, 'PAYMENT', p.date, 60, p.id
		FROM generate_series(1, ?0) g
		JOIN invoices i ON i.number = 'INV' || lpad(g::text, 3, '0') JOIN payments p ON p.reference = 'PAY' || g;
		INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date, amount, status, status_date)
		SELECT 'N' || g, 'BANK_ACCEPTANCE', (SELECT id FROM customers), DATE '2025-03-01' + g, DATE '2025-03-01' + g,
		       DATE '2025-06-01' + g, 40, 'HELD', DATE '2025-03-01' + g
		FROM generate_series(1, ?0) g;
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id)
		SELECT i.id, i.customer_id, 'NOTE', n.received_date, 40, n.id
		FROM generate_series(1, ?0) g
		JOIN invoices i ON i.number = 'INV' || lpad(g::text, 3, '0') JOIN notes n ON n.number = 'N' || g;
		INSERT INTO sales_lines (invoice_id, customer_id, product_id, ship_date, quantity, unit_price, amount,
		    cost_amount, currency, exchange_rate, base_amount)
		SELECT i.id, i.customer_id, p.id, i.ship_date, 1, 100, 100, 70, 'CNY', 1, 100
		FROM generate_series(1, ?0) g
		JOIN invoices i ON i.number = 'INV' || lpad(g::text, 3, '0') JOIN products p ON p.code = 'PR' || g`, n)
}

// accountPageQuery asks for one customer's whole account page.
const accountPageQuery = `query($code: String!) {
  customer(code: $code) {
    code name
    office { code name }
    rep { username name office { code } }
    contacts { name phone }
    history(first: 50) { totalCount edges { node {
      field oldValue newValue reason changedBy { username office { code } } approvedBy { username } } } }
    invoices(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
      number amount openBalance openBase settledOn } } }
    payments(first: 50) { totalCount edges { node {
      reference amount allocated unapplied allocations { invoiceNumber kind date amount } } } }
    notes(first: 50) { totalCount edges { node { number status allocations { invoiceNumber kind amount } } } }
    sales(first: 50) { totalCount edges { node { invoiceNumber shipDate amount product { code name } } } }
  }
}`

type accountPage struct {
	Customer struct {
		Code   string
		Office struct{ Code string }
		Rep    struct {
			Username string
			Office   struct{ Code string }
		}
		Contacts []struct{ Name string }
		History  struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Field     string
					ChangedBy struct {
						Username string
						Office   struct{ Code string }
					}
					ApprovedBy struct{ Username string }
				}
			}
		}
		Invoices struct {
			TotalCount int
			PageInfo   struct{ HasNextPage bool }
			Edges      []struct {
				Node struct {
					Number, Amount, OpenBalance, OpenBase string
					SettledOn                             *string
				}
			}
		}
		Payments struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Reference, Amount, Allocated, Unapplied string
					Allocations                             []struct{ InvoiceNumber, Kind, Date, Amount string }
				}
			}
		}
		Notes struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Number      string
					Allocations []struct{ InvoiceNumber, Kind, Amount string }
				}
			}
		}
		Sales struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					InvoiceNumber *string
					Product       struct{ Code string }
				}
			}
		}
	}
}

// TestAccountPageStatementCount: the account page costs the same number of
// statements whether the customer has 1 row of everything or 50, and no
// more than 6: the customer, the policy (today, for the invoices' as-of
// date) and one statement for all the lists — contacts, history with its
// users, invoices with open balances, payments and notes with their
// allocations, sales lines with products and invoice numbers — and the
// customer's office and rep (with the rep's office).
func TestAccountPageStatementCount(t *testing.T) {
	counts := map[int]int64{}
	for _, n := range []int{1, 50} {
		t.Run(fmt.Sprintf("%d rows", n), func(t *testing.T) {
			a := newAPI(t)
			a.seedAccount(n)
			var c postgres.StatementCounter
			resp := a.post(accountPageQuery, withVars(map[string]any{"code": "K1"}), countedBy(&c))
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			counts[n] = c.Count()
			var page accountPage
			if err := json.Unmarshal(resp.Data, &page); err != nil {
				t.Fatal(err)
			}
			cu := page.Customer
			if cu.Office.Code != "BJ" || cu.Rep.Username != "rep1" || cu.Rep.Office.Code != "BJ" || len(cu.Contacts) != n {
				t.Errorf("office %q rep %q/%q contacts %d", cu.Office.Code, cu.Rep.Username, cu.Rep.Office.Code, len(cu.Contacts))
			}
			for name, total := range map[string]int{"history": cu.History.TotalCount, "invoices": cu.Invoices.TotalCount,
				"payments": cu.Payments.TotalCount, "notes": cu.Notes.TotalCount, "sales": cu.Sales.TotalCount} {
				if total != n {
					t.Errorf("%s totalCount = %d, want %d", name, total, n)
				}
			}
			if want := min(n, 20); len(cu.Invoices.Edges) != want || cu.Invoices.PageInfo.HasNextPage != (n > 20) {
				t.Errorf("%d invoices on the page (next %v), want %d", len(cu.Invoices.Edges), cu.Invoices.PageInfo.HasNextPage, want)
			}
			// Each invoice: 100.00 − 60.00 (payment) − 40.00 (note) = 0.00,
			// settled on the note's received date.
			inv := cu.Invoices.Edges[0].Node
			settled := time.Date(2025, 3, 1+n, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			if inv.Number != fmt.Sprintf("INV%03d", n) || inv.Amount != "100.00" || inv.OpenBalance != "0.00" ||
				inv.OpenBase != "0.00" || inv.SettledOn == nil || *inv.SettledOn != settled {
				t.Errorf("newest invoice %+v, want INV%03d 100.00 open 0.00 settled %s", inv, n, settled)
			}
			h := cu.History.Edges[0].Node
			if h.ChangedBy.Username == "" || h.ChangedBy.Office.Code != "BJ" || h.ApprovedBy.Username != "mgr" {
				t.Errorf("history row %+v", h)
			}
			p := cu.Payments.Edges[0].Node
			if p.Amount != "60.00" || p.Allocated != "60.00" || p.Unapplied != "0.00" || len(p.Allocations) != 1 ||
				p.Allocations[0].Amount != "60.00" || p.Allocations[0].Kind != "PAYMENT" {
				t.Errorf("payment %+v", p)
			}
			if nt := cu.Notes.Edges[0].Node; len(nt.Allocations) != 1 || nt.Allocations[0].Amount != "40.00" {
				t.Errorf("note %+v", nt)
			}
			if s := cu.Sales.Edges[0].Node; s.InvoiceNumber == nil || s.Product.Code == "" {
				t.Errorf("sales line %+v", s)
			}
		})
	}
	t.Logf("account page: %d statements with 1 row of each, %d with 50", counts[1], counts[50])
	if counts[1] != counts[50] {
		t.Errorf("statements: %d with 1 row, %d with 50; want equal", counts[1], counts[50])
	}
	if counts[50] > 6 {
		t.Errorf("statements: %d, want at most 6", counts[50])
	}
	// The customer; the policy (the invoices' "today"); every list with
	// the allocations it selects, and the office and users. A fourth
	// statement would be a loader the look-ahead should have filled.
	if counts[50] != 3 {
		t.Errorf("statements: %d, want 3", counts[50])
	}
}

// TestCustomerListStatementCount: a page of customers with their office, rep
// and first invoices costs the same statements for 1 customer as for 50.
func TestCustomerListStatementCount(t *testing.T) {
	const query = `{ customers(first: 50) { totalCount edges { node {
		code office { code } rep { username }
		invoices(first: 5) { totalCount edges { node { number openBalance } } } } } } }`
	counts := map[int]int64{}
	for _, n := range []int{1, 50} {
		t.Run(fmt.Sprintf("%d customers", n), func(t *testing.T) {
			a := newAPI(t)
			a.exec(`INSERT INTO offices (code, name) SELECT 'O' || g, 'Office ' || g FROM generate_series(1, ?0) g;
				INSERT INTO users (username, name, role, office_id)
				SELECT 'rep' || g, 'Rep ' || g, 'SALES_REP', o.id FROM generate_series(1, ?0) g JOIN offices o ON o.code = 'O' || g;
				INSERT INTO customers (code, name, industry, office_id, rep_id)
				SELECT 'C' || lpad(g::text, 3, '0'), 'Customer ' || g, 'OTHER', o.id, u.id
				FROM generate_series(1, ?0) g JOIN offices o ON o.code = 'O' || g JOIN users u ON u.username = 'rep' || g;
				INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
				SELECT c.code || '-' || k, c.id, DATE '2025-01-01' + k, DATE '2025-01-01' + k, DATE '2025-03-01' + k, 'CNY', 10 * k, 1, 10 * k
				FROM customers c, generate_series(1, 7) k`, n)
			var c postgres.StatementCounter
			resp := a.post(query, countedBy(&c))
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			counts[n] = c.Count()
			var out struct {
				Customers struct {
					TotalCount int
					Edges      []struct {
						Node struct {
							Rep      struct{ Username string }
							Invoices struct {
								TotalCount int
								Edges      []struct {
									Node struct{ Number, OpenBalance string }
								}
							}
						}
					}
				}
			}
			if err := json.Unmarshal(resp.Data, &out); err != nil {
				t.Fatal(err)
			}
			if out.Customers.TotalCount != n || len(out.Customers.Edges) != n {
				t.Fatalf("%d customers (total %d), want %d", len(out.Customers.Edges), out.Customers.TotalCount, n)
			}
			// Every customer gets its own 5 of its 7 invoices, newest first.
			for _, e := range out.Customers.Edges {
				inv := e.Node.Invoices
				if inv.TotalCount != 7 || len(inv.Edges) != 5 || inv.Edges[0].Node.OpenBalance != "70.00" || e.Node.Rep.Username == "" {
					t.Errorf("customer invoices: total %d, %d on the page, first %+v", inv.TotalCount, len(inv.Edges), inv.Edges[0])
				}
			}
		})
	}
	t.Logf("customer list: %d statements for 1 customer, %d for 50", counts[1], counts[50])
	if counts[1] != counts[50] {
		t.Errorf("statements: %d for 1 customer, %d for 50; want equal", counts[1], counts[50])
	}
	// The page of customers; the policy (the invoices' "today"); their
	// invoices with their offices and reps.
	if counts[50] != 3 {
		t.Errorf("statements: %d, want 3", counts[50])
	}
}
