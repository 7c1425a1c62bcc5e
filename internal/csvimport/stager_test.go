package csvimport

import (
	"fmt"
	"maps"
	"slices"
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

// Staging tables that an import which died left behind, typed chunks
// included, are dropped by the next import, which then stages its files as
// usual.
func TestLeftoverStagingTables(t *testing.T) {
	db := pgtest.New(t)
	if _, err := db.Exec(`CREATE UNLOGGED TABLE import_staging.stage_offices (line bigint, code text, name text);
		INSERT INTO import_staging.stage_offices VALUES (2, 'XX', 'left over');
		CREATE UNLOGGED TABLE import_staging.stage_sales_lines_3 (line bigint)`); err != nil {
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

// The reader gathers the distinct values of the columns of few values from
// the rows it stages, the first bad row included and none after it; a
// column with more of them than it keeps is left to the staging table.
func TestReaderGathersDistinctValues(t *testing.T) {
	old := maxDistinct
	maxDistinct = 3
	t.Cleanup(func() { maxDistinct = old })
	src, err := newCSVSource("invoices.csv", strings.NewReader(dedent(`
		number,customer_code,ship_date,amount,currency
		I1,K1,2024-05-01,10.00,USD
		I2,K1,2024-05-02,10.00,
		I3,K1,2024-05-03,10.00,usd
		I4,K1,2024-05-04,1e5,GBP
		I5,K1,2024-05-09,10.00,EUR
		`)), invoicesFile.columns)
	if err != nil {
		t.Fatal(err)
	}
	for src.Next() {
	}
	if src.Err() != nil || src.bad == nil || src.bad.Line != 5 || src.rows != 4 {
		t.Fatalf("err %v, bad %v, %d rows staged; want the amount of line 5 bad and 4 rows staged", src.Err(), src.bad, src.rows)
	}
	got := map[string]string{}
	for k, c := range invoicesFile.columns {
		switch {
		case src.tooMany[k]:
			got[c.name] = "too many"
		case src.distinct[k] != nil:
			got[c.name] = strings.Join(slices.Sorted(maps.Keys(src.distinct[k])), " ")
		}
	}
	// ship_date has four values, more than the three kept; the amount is
	// checked by the reader, the number and the code are not checked for
	// shape, invoice_date, due_date and exchange_rate are absent; EUR is on
	// a row after the first bad one, which is not staged.
	want := map[string]string{"ship_date": "too many", "currency": "GBP USD usd"}
	if !maps.Equal(got, want) {
		t.Errorf("gathered %v, want %v", got, want)
	}
}

// Columns of few values are checked over the distinct values the reader
// gathered, or over the staging table's when there are more of them than it
// keeps: both report the same first bad row, in line order, across columns
// checked either way.
func TestShapeChecksGatheredOrStaged(t *testing.T) {
	db, _ := newCompany(t)
	cases := []struct{ name, csv, want string }{
		{"currency first", `
			number,customer_code,ship_date,amount,currency,exchange_rate
			I9,K1,2024-05-01,10.00,USD,7.1
			I10,K1,2024-05-02,10.00,USD,7.2
			I11,K1,2024-05-03,10.00,usd,7.3
			I12,K1,2024-02-30,10.00,USD,7.4
			`, "invoices.csv:4: currency: usd is not a currency code (three capital letters, ISO 4217)"},
		{"date first", `
			number,customer_code,ship_date,amount,currency,exchange_rate
			I9,K1,2024-05-01,10.00,USD,7.1
			I10,K1,2024-02-30,10.00,USD,7.2
			I11,K1,2024-05-03,10.00,usd,7.3
			I12,K1,2024-05-04,10.00,USD,7.4
			`, "invoices.csv:3: ship_date: 2024-02-30 is not a valid date (YYYY-MM-DD)"},
		{"rate after a good row of the same value", `
			number,customer_code,ship_date,amount,currency,exchange_rate
			I9,K1,2024-05-01,10.00,USD,7.1
			I10,K1,2024-05-02,10.00,USD,7.1
			I11,K1,2024-05-03,10.00,USD,0
			I12,K1,2024-05-04,10.00,USD,7.123456789
			`, "invoices.csv:4: exchange_rate: 0 must be greater than 0"},
		// The reader finds the amount bad; the date before it on the same
		// row is reported.
		{"two bad values on one row", `
			number,customer_code,ship_date,amount
			I9,K1,2024-05-01,10.00
			I10,K1,2024-02-30,1e5
			I11,K1,2024-05-03,10.00
			`, "invoices.csv:3: ship_date: 2024-02-30 is not a valid date (YYYY-MM-DD)"},
		{"every value good", `
			number,customer_code,ship_date,amount,currency,exchange_rate
			I9,K1,2024-05-01,10.00,USD,7.1
			I10,K1,2024-05-02,10.00,USD,7.2
			I11,K9,2024-05-03,10.00,USD,7.3
			`, "invoices.csv:4: customer_code: unknown customer K9"},
	}
	for _, keep := range []int{maxDistinct, 2} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s, %d kept", c.name, keep), func(t *testing.T) {
				old := maxDistinct
				maxDistinct = keep
				defer func() { maxDistinct = old }()
				importFails(t, db, writeDir(t, map[string]string{"invoices.csv": c.csv}), c.want)
			})
		}
	}
}
