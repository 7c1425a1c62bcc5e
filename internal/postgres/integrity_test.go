package postgres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestSalesLineReferencesAndTheRowsTheyPointTo: a sales line's customer,
// product and invoice are checked for the whole INSERT statement (migration
// 08, in place of foreign keys), and the rows they point to can be neither
// re-keyed (identity columns) nor truncated (08) nor deleted (01).
func TestSalesLineReferencesAndTheRowsTheyPointTo(t *testing.T) {
	f := newDeskFixture(t)
	k1 := f.customer(customerRow{Code: "K1", OfficeID: f.office("BJ")})
	inv := f.invoice("I1", k1, "2025-01-10", "2025-03-11", "100.00")
	p1 := f.id(`INSERT INTO products (code, name) VALUES ('P1', '产品1') RETURNING id`)
	line := `(?, ?, ?, DATE '2025-01-10', 1, 100, 100, 70, 'CNY', 1, 100)`
	insert := `INSERT INTO sales_lines (customer_id, product_id, invoice_id, ship_date, quantity, unit_price, amount,
		cost_amount, currency, exchange_rate, base_amount) VALUES `
	wantErr := func(err error, code, text string) {
		t.Helper()
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != code || !strings.Contains(pgErr.Message, text) {
			t.Errorf("got %v, want SQLSTATE %s with %q", err, code, text)
		}
	}

	f.exec(insert+line, k1, p1, inv)
	for _, tc := range []struct {
		customer, product int64
		invoice           any
		text              string
	}{
		{k1, p1 + 99, inv, "product_id"},
		{k1 + 99, p1, nil, "customer_id"},
		{k1, p1, inv + 99, "invoice_id"},
	} {
		// A good line and a bad one in one statement: the statement fails
		// whole.
		_, err := f.db.NewRaw(insert+line+", "+line, k1, p1, inv, tc.customer, tc.product, tc.invoice).Exec(f.ctx)
		wantErr(err, "23503", tc.text)
	}
	var lines int
	if err := f.db.NewRaw(`SELECT count(*) FROM sales_lines`).Scan(f.ctx, &lines); err != nil || lines != 1 {
		t.Errorf("%d sales lines (%v), want the 1 good one", lines, err)
	}

	// Identity columns generated always: PostgreSQL itself refuses a new id.
	for _, table := range []string{"customers", "products", "invoices"} {
		_, err := f.db.NewRaw(`UPDATE ` + table + ` SET id = id + 1000`).Exec(f.ctx)
		wantErr(err, "428C9", `column "id" can only be updated to DEFAULT`)
	}
	for _, table := range []string{"customers", "products", "invoices"} {
		_, err := f.db.NewRaw(`TRUNCATE ` + table + ` CASCADE`).Exec(f.ctx)
		wantErr(err, "23001", "never deleted")
	}
}
