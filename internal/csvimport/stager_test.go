package csvimport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"creditdesk/internal/pgtest"
)

// The stager runs ahead of the import: a file it cannot stage is reported
// only when the import reaches it, so a bad row of an earlier file, found by
// the import's transaction, is still the error.
func TestStagingErrorsInFileOrder(t *testing.T) {
	db, _ := newCompany(t)
	malformed := map[string]string{"sales_lines.csv": "customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount\n" +
		"K1,P1,2024-05-01,1,10,\"10.00,5.00\n"}
	importFails(t, db, writeDir(t, files(malformed)), `sales_lines.csv:2: malformed CSV: extraneous or missing " in quoted-field`)
	importFails(t, db, writeDir(t, files(malformed, map[string]string{"invoices.csv": `
		number,customer_code,ship_date,amount
		I9,K9,2024-05-01,10.00
		`})), "invoices.csv:2: customer_code: unknown customer K9")
}

// Staging tables that an import which died left behind are dropped by the
// next import, which then stages its files as usual.
func TestLeftoverStagingTables(t *testing.T) {
	db := pgtest.New(t)
	if _, err := db.Exec(`CREATE UNLOGGED TABLE import_staging.stage_offices (line bigint, code text, name text);
		INSERT INTO import_staging.stage_offices VALUES (2, 'XX', 'left over')`); err != nil {
		t.Fatal(err)
	}
	mustImport(t, db, writeDir(t, masterFiles))
	if got := queryString(t, db, `SELECT count(*)::text FROM offices WHERE code = 'XX'`); got != "0" {
		t.Errorf("an office from a leftover staging table was imported")
	}
}

// The import reads what the stager commits, so its transaction runs at READ
// COMMITTED even in a database whose default isolation is stricter.
func TestImportUnderRepeatableReadDefault(t *testing.T) {
	db := pgtest.New(t)
	if _, err := db.Exec(`DO $$ BEGIN
		EXECUTE format('ALTER DATABASE %I SET default_transaction_isolation = %L', current_database(), 'repeatable read');
		END $$`); err != nil {
		t.Fatal(err)
	}
	db.SetMaxIdleConns(0) // new connections, with the database's new default
	db.SetMaxIdleConns(2)
	if got := queryString(t, db, `SHOW default_transaction_isolation`); got != "repeatable read" {
		t.Fatalf("default_transaction_isolation %s", got)
	}
	res := mustImport(t, db, writeDir(t, files(masterFiles, invoiceFiles)))
	if got, want := queryString(t, db, `SELECT count(*)::text FROM invoices`), fmt.Sprint(len(strings.Split(strings.TrimSpace(dedent(invoiceFiles["invoices.csv"])), "\n"))-1); got != want {
		t.Errorf("%s invoices imported, want %s", got, want)
	}
	// The staged files are read, and a failure is undone, at the same
	// isolation.
	importFails(t, db, writeDir(t, masterFiles),
		fmt.Sprintf("offices.csv: identical to the file imported in batch %d", res.BatchID))
}

// A failure stops the stager in the middle of a COPY: here the invoices
// fail at once while a 300,000-line sales_lines.csv is still being staged.
// The COPY is cancelled, the error is the invoices', and no staging table
// is left behind, not even the one whose COPY was cut short.
func TestFailureStopsStagingUnderWay(t *testing.T) {
	db, _ := newCompany(t)
	var b strings.Builder
	b.WriteString("customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount\n")
	for range 300_000 {
		b.WriteString("K1,P1,2024-05-01,1,10,10.00,5.00\n")
	}
	dir := writeDir(t, map[string]string{
		"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K9,2024-05-01,10.00
			`,
		"sales_lines.csv": b.String(),
	})
	start := time.Now()
	importFails(t, db, dir, "invoices.csv:2: customer_code: unknown customer K9")
	t.Logf("failed in %v", time.Since(start))
}
