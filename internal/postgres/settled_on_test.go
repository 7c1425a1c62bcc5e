package postgres_test

import (
	"context"
	"path/filepath"
	"testing"

	"creditdesk/internal/csvimport"
	"creditdesk/internal/pgtest"
)

// TestSettledOnEqualsTheLedger checks the derived invoices.settled_on against
// its definition, recomputed here from the ledger alone: the date from which
// the open balance is zero for good — the day of the last ledger row when
// the rows sum to the amount, else none. testdata/small has partial
// payments, notes settling several invoices, a dishonour that re-opens
// invoices, write-offs and USD invoices, all imported through the importer,
// so every write path of the ledger's trigger is exercised. Then, for every
// invoice and every ledger date, an invoice counted settled by settled_on
// must have a zero balance by the definition of DOMAIN.md §3.
func TestSettledOnEqualsTheLedger(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := csvimport.ImportDir(ctx, db, csvimport.Options{Dir: filepath.Join("..", "..", "testdata", "small")}); err != nil {
		t.Fatal(err)
	}
	var invoices, settled, mismatched int
	if err := db.NewRaw(`
		WITH ledger AS (
			SELECT i.id, i.amount, i.settled_on, sum(s.amount) AS paid, max(s.date) AS last_day
			FROM invoices i LEFT JOIN settlements s ON s.invoice_id = i.id
			GROUP BY i.id)
		SELECT count(*), count(settled_on),
		       count(*) FILTER (WHERE settled_on IS DISTINCT FROM
		                        CASE WHEN paid = amount THEN last_day END)
		FROM ledger`).Scan(ctx, &invoices, &settled, &mismatched); err != nil {
		t.Fatal(err)
	}
	if invoices != 386 || settled == 0 || settled == invoices {
		t.Fatalf("%d invoices, %d settled: the worked example should have both settled and open invoices", invoices, settled)
	}
	if mismatched != 0 {
		t.Errorf("settled_on differs from the ledger on %d of %d invoices", mismatched, invoices)
	}

	var wrong int
	if err := db.NewRaw(`
		SELECT count(*)
		FROM invoices i
		JOIN (SELECT DISTINCT invoice_id, date FROM settlements) d ON d.invoice_id = i.id
		WHERE i.settled_on <= d.date
		  AND i.amount <> (SELECT sum(s.amount) FROM settlements s
		                   WHERE s.invoice_id = i.id AND s.date <= d.date)`).Scan(ctx, &wrong); err != nil {
		t.Fatal(err)
	}
	if wrong != 0 {
		t.Errorf("%d (invoice, date) pairs counted settled by settled_on have an open balance", wrong)
	}
}
