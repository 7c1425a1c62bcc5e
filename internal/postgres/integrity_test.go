package postgres_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"

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
		wantPgError(t, err, "23503", tc.text)
	}
	var lines int
	if err := f.db.NewRaw(`SELECT count(*) FROM sales_lines`).Scan(f.ctx, &lines); err != nil || lines != 1 {
		t.Errorf("%d sales lines (%v), want the 1 good one", lines, err)
	}

	// Identity columns generated always: PostgreSQL itself refuses a new id.
	for _, table := range []string{"customers", "products", "invoices"} {
		_, err := f.db.NewRaw(`UPDATE ` + table + ` SET id = id + 1000`).Exec(f.ctx)
		wantPgError(t, err, "428C9", `column "id" can only be updated to DEFAULT`)
	}
	for _, table := range []string{"customers", "products", "invoices"} {
		_, err := f.db.NewRaw(`TRUNCATE ` + table + ` CASCADE`).Exec(f.ctx)
		wantPgError(t, err, "23001", "never deleted")
	}
}

// TestLedgerReferencesAndTheRowsTheyPointTo: the references of invoices,
// payments and settlements are checked for the whole INSERT statement
// (migration 10, in place of foreign keys), one column at a time, and the
// rows they point to can be neither deleted (01) nor truncated (08, 10).
func TestLedgerReferencesAndTheRowsTheyPointTo(t *testing.T) {
	f := newDeskFixture(t)
	k1 := f.customer(customerRow{Code: "K1", OfficeID: f.office("BJ")})
	u1 := f.user("clerk", creditdesk.RoleFinance, nil)
	inv := f.invoice("I1", k1, "2025-01-10", "2025-03-11", "100.00")
	pay := f.id(`INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate,
		base_amount, recorded_by) VALUES ('P1', ?, DATE '2025-02-01', 'TRANSFER', 'CNY', 60, 1, 60, ?) RETURNING id`, k1, u1)
	note := f.id(`INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date, amount,
		status, status_date) VALUES ('N1', 'CHEQUE', ?, DATE '2025-02-01', DATE '2025-02-01', DATE '2025-05-01', 10,
		'HELD', DATE '2025-02-01') RETURNING id`, k1)
	wo := f.id(`INSERT INTO write_offs (invoice_id, date, amount, approved_by) VALUES (?, DATE '2025-03-01', 5, ?)
		RETURNING id`, inv, u1)
	noteSettlement := f.id(`INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id)
		VALUES (?, ?, 'NOTE', DATE '2025-02-01', 10, ?) RETURNING id`, inv, k1, note)

	invoice := `INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount,
		exchange_rate, base_amount) VALUES ('I2', ?, DATE '2025-01-10', DATE '2025-01-10', DATE '2025-03-11', 'CNY',
		1, 1, 1), ('I3', ?, DATE '2025-01-10', DATE '2025-01-10', DATE '2025-03-11', 'CNY', 1, 1, 1)`
	_, err := f.db.NewRaw(invoice, k1, k1+99).Exec(f.ctx)
	wantPgError(t, err, "23503", fmt.Sprintf("insert into invoices: customer_id %d does not exist in customers", k1+99))

	payment := `INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate,
		base_amount, recorded_by) VALUES ('P2', ?, DATE '2025-02-01', 'TRANSFER', 'CNY', 1, 1, 1, ?)`
	_, err = f.db.NewRaw(payment, k1+99, u1).Exec(f.ctx)
	wantPgError(t, err, "23503", "insert into payments: customer_id")
	_, err = f.db.NewRaw(payment, k1, u1+99).Exec(f.ctx)
	wantPgError(t, err, "23503", fmt.Sprintf("recorded_by %d does not exist in users", u1+99))
	f.exec(payment, k1, nil) // an unknown recorder is NULL, not a reference

	// A good settlement and a bad one in one statement: the statement fails
	// whole, whichever reference is wrong.
	good := fmt.Sprintf(`(%d, %d, 'PAYMENT', DATE '2025-02-01', 1, %d, NULL, NULL, NULL)`, inv, k1, pay)
	settle := `INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id, note_id,
		write_off_id, reverses_id) VALUES ` + good + `, `
	for _, tc := range []struct{ row, text string }{
		{fmt.Sprintf(`(%d, %d, 'PAYMENT', DATE '2025-02-01', 1, %d, NULL, NULL, NULL)`, inv+99, k1, pay), "invoice_id"},
		{fmt.Sprintf(`(%d, %d, 'PAYMENT', DATE '2025-02-01', 1, %d, NULL, NULL, NULL)`, inv, k1+99, pay), "customer_id"},
		{fmt.Sprintf(`(%d, %d, 'PAYMENT', DATE '2025-02-01', 1, %d, NULL, NULL, NULL)`, inv, k1, pay+99), "payment_id"},
		{fmt.Sprintf(`(%d, %d, 'NOTE', DATE '2025-02-01', 1, NULL, %d, NULL, NULL)`, inv, k1, note+99), "note_id"},
		{fmt.Sprintf(`(%d, %d, 'WRITE_OFF', DATE '2025-03-01', 1, NULL, NULL, %d, NULL)`, inv, k1, wo+99), "write_off_id"},
		{fmt.Sprintf(`(%d, %d, 'NOTE_REVERSAL', DATE '2025-03-01', -1, NULL, %d, NULL, %d)`, inv, k1, note, noteSettlement+99), "reverses_id"},
	} {
		_, err := f.db.NewRaw(settle + tc.row).Exec(f.ctx)
		wantPgError(t, err, "23503", "insert into settlements: "+tc.text)
	}
	var rows int
	if err := f.db.NewRaw(`SELECT count(*) FROM settlements`).Scan(f.ctx, &rows); err != nil || rows != 1 {
		t.Errorf("%d settlements (%v), want the 1 good one", rows, err)
	}
	// Every reference right, a reversal of a settlement of the same
	// statement's table included: the statement is written.
	f.exec(settle + fmt.Sprintf(`(%d, %d, 'NOTE_REVERSAL', DATE '2025-03-01', -10, NULL, %d, NULL, %d),
		(%d, %d, 'WRITE_OFF', DATE '2025-03-01', 5, NULL, NULL, %d, NULL)`, inv, k1, note, noteSettlement, inv, k1, wo))

	for _, table := range []string{"users", "payments", "notes", "write_offs", "settlements"} {
		_, err := f.db.NewRaw(`TRUNCATE ` + table + ` CASCADE`).Exec(f.ctx)
		wantPgError(t, err, "23001", "never deleted")
	}
}

// TestFollowUpReferences: the rollup, notes and the follow-up records check
// their references per statement (migration 10) on INSERT and, since their
// rows may be updated, on UPDATE too.
func TestFollowUpReferences(t *testing.T) {
	f := newDeskFixture(t)
	k := f.customer(customerRow{Code: "K1", OfficeID: f.office("BJ")})
	u := f.user("rep", creditdesk.RoleSalesRep, nil)
	p := f.id(`INSERT INTO products (code, name) VALUES ('P1', '产品1') RETURNING id`)
	note := f.id(`INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date, amount,
		status, status_date) VALUES ('N1', 'CHEQUE', ?, DATE '2025-02-01', DATE '2025-02-01', DATE '2025-05-01', 10,
		'HELD', DATE '2025-02-01') RETURNING id`, k)
	for _, tc := range []struct {
		table, insert, column string
		args                  []int64 // the good row's references, in the order they are bound
		bad                   int     // the index in args of column's: + 99 is a row that does not exist
	}{
		{"sales_customer_months", `INSERT INTO sales_customer_months (customer_id, month, sales, cost, quantity, lines)
			VALUES (?, DATE '2025-01-01', 1, 1, 1, 1)`, "customer_id", []int64{k}, 0},
		{"notes", `INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date, amount, status,
			status_date, received_by) VALUES ('N2', 'CHEQUE', ?, DATE '2025-02-01', DATE '2025-02-01', DATE '2025-05-01',
			10, 'HELD', DATE '2025-02-01', ?)`, "received_by", []int64{k, u}, 1},
		{"note_status_changes", `INSERT INTO note_status_changes (note_id, status, date, changed_by)
			VALUES (?, 'PRESENTED', DATE '2025-03-01', ?)`, "note_id", []int64{note, u}, 0},
		{"targets", `INSERT INTO targets (customer_id, month, product_id, amount) VALUES (?, DATE '2025-01-01', ?, 1)`,
			"product_id", []int64{k, p}, 1},
		{"inventory_snapshots", `INSERT INTO inventory_snapshots (customer_id, product_id, month, opening, closing)
			VALUES (?, ?, DATE '2025-01-01', 1, 1)`, "customer_id", []int64{k, p}, 0},
		{"visits", `INSERT INTO visits (customer_id, rep_id, date, effective) VALUES (?, ?, DATE '2025-01-01', true)`,
			"rep_id", []int64{k, u}, 1},
		{"collection_demands", `INSERT INTO collection_demands (customer_id, date, recorded_by)
			VALUES (?, DATE '2025-01-01', ?)`, "recorded_by", []int64{k, u}, 1},
		{"credit_investigations", `INSERT INTO credit_investigations (customer_id, date, source, operator, internal,
			funding, payment, recorded_by) VALUES (?, DATE '2025-01-01', 'BANK', 1, 1, 1, 1, ?)`, "customer_id", []int64{k, u}, 0},
		{"dealer_ratings", `INSERT INTO dealer_ratings (customer_id, quarter, metric, score, rated_by)
			VALUES (?, '2025Q1', 'PRICE', 50, ?)`, "rated_by", []int64{k, u}, 1},
	} {
		t.Run(tc.table, func(t *testing.T) {
			args := make([]any, len(tc.args))
			bad := make([]any, len(tc.args))
			for i, a := range tc.args {
				args[i], bad[i] = a, a
			}
			bad[tc.bad] = tc.args[tc.bad] + 99
			_, err := f.db.NewRaw(tc.insert, bad...).Exec(f.ctx)
			if !wantPgError(t, err, "23503", fmt.Sprintf("insert into %s: %s", tc.table, tc.column)) {
				t.FailNow()
			}
			f.exec(tc.insert, args...)
			if tc.table == "note_status_changes" {
				return // append-only: an UPDATE is refused before any check
			}
			_, err = f.db.NewRaw(`UPDATE ` + tc.table + ` SET ` + tc.column + ` = ` + tc.column + ` + 99`).Exec(f.ctx)
			wantPgError(t, err, "23503", fmt.Sprintf("update of %s: %s", tc.table, tc.column))
		})
	}
}

// wantPgError reports whether err is the PostgreSQL error code with a
// message containing text, and fails the test when it is not.
func wantPgError(t *testing.T, err error, code, text string) bool {
	t.Helper()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != code || !strings.Contains(pgErr.Message, text) {
		t.Errorf("got %v, want SQLSTATE %s with %q", err, code, text)
		return false
	}
	return true
}
