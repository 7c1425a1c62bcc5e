package csvimport

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"creditdesk/internal/pgtest"
)

// The ledger files are the ones whose presence defers the invoices' index
// rebuild to the ledger's posting.
func TestLedgerPresent(t *testing.T) {
	for _, f := range fileSpecs {
		im := &importer{present: map[string]bool{f.name: true}}
		if im.ledgerPresent() != f.ledger {
			t.Errorf("%s: ledgerPresent %v, ledger %v", f.name, im.ledgerPresent(), f.ledger)
		}
	}
}

// An import that drops and rebuilds the indexes of the tables it more than
// doubles, leaves room on the invoices' pages for their settled_on, and
// writes its sales lines a few per statement, writes the same rows, derived
// columns and rollup as one that does not, and leaves the same valid indexes
// and fill factors behind.
func TestBulkLoadSameResult(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "small")
	const indexes = `
SELECT tablename || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`
	const options = `
SELECT relname || ' ' || array_to_string(reloptions, ',') FROM pg_class
WHERE relnamespace = 'public'::regnamespace AND reloptions IS NOT NULL ORDER BY relname`
	const invalid = `SELECT count(*)::text FROM pg_index WHERE NOT indisvalid OR NOT indisready`
	const constraints = `
SELECT conrelid::regclass || ' ' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`
	content := []string{
		`SELECT number || ' ' || coalesce(settled_on::text, '-') FROM invoices ORDER BY id`,
		`SELECT id || ' ' || invoice_id || ' ' || kind || ' ' || date || ' ' || amount || ' ' || coalesce(reverses_id, 0)
		 FROM settlements ORDER BY id`,
		`SELECT customer_id || ' ' || month || ' ' || sales || ' ' || cost || ' ' || quantity || ' ' || lines
		 FROM sales_customer_months ORDER BY 1`,
		`SELECT id || ' ' || coalesce(invoice_id, 0) || ' ' || base_amount FROM sales_lines ORDER BY id`,
		`SELECT id || ' ' || number || ' ' || status || ' ' || coalesce(settled_on::text, '-') FROM notes ORDER BY id`,
		`SELECT note_id || ' ' || status || ' ' || date FROM note_status_changes ORDER BY id`,
		`SELECT customer_id || ' ' || rep_id || ' ' || date || ' ' || effective FROM visits ORDER BY id`,
		`SELECT customer_id || ' ' || month || ' ' || coalesce(product_id, 0) || ' ' || amount FROM targets ORDER BY id`,
	}
	plain := pgtest.New(t)
	wantIndexes := queryStrings(t, plain, indexes)
	wantConstraints := queryStrings(t, plain, constraints)
	mustImport(t, plain, dir)

	oldMin, oldPer := bulkMinRows, salesLinesPerStatement
	bulkMinRows, salesLinesPerStatement = 1, 7
	t.Cleanup(func() { bulkMinRows, salesLinesPerStatement = oldMin, oldPer })
	bulk := pgtest.New(t)
	// A fill factor of the database's own survives the import's.
	if _, err := bulk.Exec(`ALTER TABLE invoices SET (fillfactor = 90)`); err != nil {
		t.Fatal(err)
	}
	mustImport(t, bulk, dir)
	if got := queryStrings(t, bulk, options); !slices.Equal(got, []string{"invoices fillfactor=90"}) {
		t.Errorf("storage options after a bulk import: %q, want invoices' own fillfactor=90 alone", got)
	}
	if got := queryStrings(t, plain, options); len(got) != 0 {
		t.Errorf("storage options after a plain import: %q, want none", got)
	}

	if got := queryStrings(t, bulk, indexes); !slices.Equal(got, wantIndexes) {
		t.Errorf("indexes after a bulk import:\n%q\nwant\n%q", got, wantIndexes)
	}
	if got := queryStrings(t, bulk, constraints); !slices.Equal(got, wantConstraints) {
		t.Errorf("constraints after a bulk import:\n%q\nwant\n%q", got, wantConstraints)
	}
	if got := queryString(t, bulk, invalid); got != "0" {
		t.Errorf("%s invalid indexes after a bulk import", got)
	}
	for _, q := range content {
		if got, want := queryStrings(t, bulk, q), queryStrings(t, plain, q); !slices.Equal(got, want) {
			t.Errorf("%s\nbulk import: %d rows, plain: %d rows, or they differ", q, len(got), len(want))
		}
	}
}

// A bulk load sets aside the unique keys of the table it writes, with its
// plain indexes, except those a foreign key refers to, and builds them
// again as they were; a key that the rows written break fails the rebuild,
// naming the key.
func TestUniqueKeysSetAsideAndRestored(t *testing.T) {
	db := pgtest.New(t)
	mustImport(t, db, filepath.Join("..", "..", "testdata", "small"))
	if _, err := db.Exec(`CREATE TABLE payment_refs (reference text REFERENCES payments (reference))`); err != nil {
		t.Fatal(err)
	}
	const keys = `
SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid IN ('invoices'::regclass, 'payments'::regclass, 'customers'::regclass) AND contype = 'u'
ORDER BY 1`
	want := []string{
		"customers_code_key UNIQUE (code)",
		"invoices_number_key UNIQUE (number)",
		"payments_idempotency_key_key UNIQUE (idempotency_key)",
		"payments_reference_key UNIQUE (reference)",
	}
	if got := queryStrings(t, db, keys); !slices.Equal(got, want) {
		t.Fatalf("unique keys before: %q, want %q", got, want)
	}
	const indexes = `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`
	wantIndexes := queryStrings(t, db, indexes)
	oldMin := bulkMinRows
	bulkMinRows = 1
	t.Cleanup(func() { bulkMinRows = oldMin })
	ctx := context.Background()
	onConnection(t, db, func(im *importer) error {
		im.dropped, im.keys = map[string][]indexDef{}, map[string][]indexDef{}
		keysNow := func() []string {
			rs, err := im.conn.Query(ctx, keys)
			if err != nil {
				t.Fatal(err)
			}
			out, err := pgx.CollectRows(rs, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		if err := im.exec("BEGIN"); err != nil {
			return err
		}
		defer im.exec("ROLLBACK") //nolint:errcheck
		// The bulk path for invoices (asked twice) and payments; not for
		// customers, whose one row written is fewer than those they hold.
		for _, w := range []struct {
			table string
			rows  int64
		}{{"invoices", 1 << 20}, {"payments", 1 << 20}, {"customers", 1}, {"invoices", 1 << 20}} {
			if err := im.bulkLoad(w.table, w.rows); err != nil {
				return err
			}
		}
		aside := []string{"customers_code_key UNIQUE (code)", "payments_reference_key UNIQUE (reference)"}
		if got := keysNow(); !slices.Equal(got, aside) {
			t.Errorf("unique keys set aside: %q left, want %q", got, aside)
		}
		if err := im.exec("SAVEPOINT dup"); err != nil {
			return err
		}
		if err := im.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency,
			amount, exchange_rate, base_amount)
			SELECT number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount
			FROM invoices ORDER BY id LIMIT 1`); err != nil {
			return err
		}
		var pg *pgconn.PgError
		if err := im.restoreKeys("invoices"); !errors.As(err, &pg) || pg.Code != "23505" ||
			!strings.Contains(err.Error(), "restore index invoices_number_key") {
			t.Errorf("restoring the key over a repeated number: %v, want a unique violation naming invoices_number_key", err)
		}
		if err := im.exec("ROLLBACK TO SAVEPOINT dup"); err != nil {
			return err
		}
		if err := im.restoreKeys("invoices"); err != nil {
			return err
		}
		if err := im.restoreIndexes("invoices", "payments"); err != nil {
			return err
		}
		if got := keysNow(); !slices.Equal(got, want) {
			t.Errorf("unique keys restored: %q, want %q", got, want)
		}
		rs, err := im.conn.Query(ctx, indexes)
		if err != nil {
			return err
		}
		if got, err := pgx.CollectRows(rs, pgx.RowTo[string]); err != nil || !slices.Equal(got, wantIndexes) {
			t.Errorf("indexes restored: %q (%v), want %q", got, err, wantIndexes)
		}
		return nil
	})
}

// leaveRoom lowers a table's fill factor for the import's own writes, once
// however often it is asked, and restoreFillFactors gives the table back the
// fill factor it had: its own, or the default.
func TestLeaveRoomAndRestore(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	onConnection(t, db, func(im *importer) error {
		options := func(table string) string {
			var o string
			if err := im.conn.QueryRow(ctx, `SELECT coalesce(array_to_string(reloptions, ','), '-') FROM pg_class
				WHERE oid = $1::regclass`, table).Scan(&o); err != nil {
				t.Fatal(err)
			}
			return o
		}
		if err := im.exec("ALTER TABLE invoices SET (fillfactor = 90)"); err != nil {
			return err
		}
		for range 2 {
			if err := im.leaveRoom("invoices"); err != nil {
				return err
			}
		}
		if err := im.leaveRoom("notes"); err != nil {
			return err
		}
		if got := options("invoices") + " " + options("notes"); got != "fillfactor=50 fillfactor=50" {
			t.Errorf("while importing: %s, want fillfactor=50 on both", got)
		}
		if err := im.restoreFillFactors(); err != nil {
			return err
		}
		if got := options("invoices") + " " + options("notes"); got != "fillfactor=90 -" {
			t.Errorf("after the import: %s, want invoices' own fillfactor=90 and none on notes", got)
		}
		return nil
	})
}

// The sales lines' rules run inside their INSERTs (fileSpec.passing).
// A line that breaks one is not written, and the rules' own pass then
// reports the first bad line, whichever statement held it, and leaves
// nothing behind: here with two lines per statement, so the first
// statements have written their lines when a later one leaves a line out,
// and every statement but the first reads its lines from a typed table.
func TestDeferredRulesReportTheFirstBadLine(t *testing.T) {
	db, _ := newCompany(t)
	oldMin, oldPer := bulkMinRows, salesLinesPerStatement
	bulkMinRows, salesLinesPerStatement = 1, 2
	t.Cleanup(func() { bulkMinRows, salesLinesPerStatement = oldMin, oldPer })
	const header = "invoice_number,customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount\n"
	const good = ",K1,P1,2024-05-01,1,10,10.00,5.00\n"
	cases := []struct {
		name, lines, want string
	}{
		{"the last line, in the last statement", good + good + good + good + ",K1,P7,2024-05-01,1,10,10.00,5.00\n",
			"sales_lines.csv:6: product_code: unknown product P7"},
		{"two bad lines in two statements", good + good + "I4,K1,P1,2024-05-01,1,10,10.00,5.00\n" + good +
			",K1,P7,2024-05-01,1,10,10.00,5.00\n",
			"sales_lines.csv:4: invoice_number: I4 belongs to customer K2"},
		{"the first line", ",K9,P1,2024-05-01,1,10,10.00,5.00\n" + good + good,
			"sales_lines.csv:2: customer_code: unknown customer K9"},
		// Phase 1 refuses the file before any statement writes it, and the
		// stager copies none of its chunks into typed tables.
		{"a malformed date in the second statement's lines", good + good + good + ",K1,P1,2024-02-30,1,10,10.00,5.00\n" + good,
			"sales_lines.csv:5: ship_date: 2024-02-30 is not a valid date (YYYY-MM-DD)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			importFails(t, db, writeDir(t, map[string]string{"sales_lines.csv": header + c.lines}), c.want)
		})
	}
	// The same lines with the bad ones left out are written, all of them.
	dir := writeDir(t, map[string]string{"sales_lines.csv": header + good + good + good + good + good})
	res := mustImport(t, db, dir)
	if got := queryString(t, db, `SELECT count(*)::text FROM sales_lines WHERE ship_date = '2024-05-01'`); got != "5" {
		t.Errorf("%s sales lines written, want 5", got)
	}
	// The import refuses the same file again before it writes a line,
	// while the stager may still be typing its chunks: the stager is
	// stopped and no staging table is left.
	importFails(t, db, dir, fmt.Sprintf("sales_lines.csv: identical to the file imported in batch %d", res.BatchID))
}
