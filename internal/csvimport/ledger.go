package csvimport

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// postLedger writes the receivables ledger of this import (DOMAIN.md §2,
// §9): payment allocations, note allocations with the reversals of
// dishonoured notes, and write-offs, after checking them together against
// every invoice's open balance; then the FIFO allocation of the payments
// that came without explicit allocations.
func (im *importer) postLedger() error {
	// At most one settlement per allocation, note allocation (two when
	// dishonoured) and write-off, and a few per FIFO payment.
	rows := im.staged["allocations.csv"].rows + 2*im.staged["note_allocations.csv"].rows + im.staged["writeoffs.csv"].rows +
		im.staged["payments.csv"].rows
	if err := im.bulkLoad("settlements", rows); err != nil {
		return err
	}
	// Each settled invoice's settled_on is updated: the same rule applies
	// to the invoices (a no-op when invoices.csv already dropped their
	// indexes).
	if err := im.bulkLoad("invoices", rows); err != nil {
		return err
	}
	if err := im.postLedgerRows(); err != nil {
		return err
	}
	return im.restoreIndexes("settlements", "invoices")
}

// explicitLedger says whether the import has explicit ledger rows: those of
// allocations.csv, note_allocations.csv and writeoffs.csv, which are written
// into ledger_new.
func (im *importer) explicitLedger() bool {
	return im.present["allocations.csv"] || im.present["note_allocations.csv"] || im.present["writeoffs.csv"]
}

// createLedgerNew creates ledger_new, the explicit ledger rows of this
// import, each with the file and line it comes from; reversed_on is the date
// a NOTE row is reversed (its note is dishonoured), else NULL. Each explicit
// ledger file writes its rows there in the statement that checks them
// (writeLedgerNew); postLedger checks them against the open balances together
// and posts them.
func (im *importer) createLedgerNew() error {
	return im.exec(`
CREATE TEMP TABLE ledger_new (src int, file text, line bigint, invoice_id bigint, customer_id bigint, kind text,
    date date, amount numeric(18,2), reversed_on date, payment_id bigint, note_id bigint, approved_by bigint)
ON COMMIT DROP`)
}

// writeLedgerNew is the passing statement of an explicit ledger file: it writes
// the columns cols of ledger_new, an SQL select list over the file's rules'
// FROM clause, for the rows that break none of its rules. The rules' joins
// give the ids, so no other pass over the file resolves them again.
func writeLedgerNew(cols string) func(im *importer, spec *fileSpec, from, passes string) ([]string, [][]any) {
	return func(im *importer, spec *fileSpec, from, passes string) ([]string, [][]any) {
		return []string{"INSERT INTO ledger_new\nSELECT " + cols + "\nFROM " + from + "\nWHERE " + passes}, [][]any{nil}
	}
}

// postLedgerRows checks and writes the ledger rows (postLedger).
func (im *importer) postLedgerRows() error {
	if im.explicitLedger() {
		if err := im.exec("ANALYZE ledger_new"); err != nil {
			return err
		}
		if err := im.checkOpenBalances(); err != nil {
			return err
		}
		if err := im.postExplicit(); err != nil {
			return err
		}
	}
	if _, ok := im.staged["payments.csv"]; ok {
		return im.allocateFIFO()
	}
	return nil
}

// checkOpenBalances enforces "an allocation may not exceed the invoice's
// open balance on its date" (DOMAIN.md §2) for the whole import at once:
// over every invoice the import touches, the settlements already in the
// database and the new rows are summed per date in date order, and the
// running open balance after each date must stay ≥ 0.
//
// Only when some invoice fails does the second part run, to name the row
// that breaks it: the new rows of a failing invoice are added one by one in
// date, file and line order (a note allocation together with its reversal),
// and the first one after which some date's balance is negative is named,
// with what was open for it from its date on.
func (im *importer) checkOpenBalances() error {
	const q = `
WITH touched AS (SELECT DISTINCT invoice_id FROM ledger_new),
moves AS (
    SELECT s.invoice_id, s.date, s.amount FROM settlements s JOIN touched t ON t.invoice_id = s.invoice_id
    UNION ALL SELECT invoice_id, date, amount FROM ledger_new
    UNION ALL SELECT invoice_id, reversed_on, -amount FROM ledger_new WHERE reversed_on IS NOT NULL),
days AS (SELECT invoice_id, date, sum(amount) AS amount FROM moves GROUP BY invoice_id, date),
bad AS (
    SELECT DISTINCT r.invoice_id FROM (
        SELECT d.invoice_id, i.amount - sum(d.amount) OVER (PARTITION BY d.invoice_id ORDER BY d.date) AS open
        FROM days d JOIN invoices i ON i.id = d.invoice_id) r
    WHERE r.open < 0),
unit AS (
    SELECT n.*, row_number() OVER (PARTITION BY n.invoice_id ORDER BY n.date, n.src, n.line) AS k
    FROM ledger_new n JOIN bad b ON b.invoice_id = n.invoice_id),
point AS (
    SELECT s.invoice_id, s.date FROM settlements s JOIN bad b ON b.invoice_id = s.invoice_id
    UNION SELECT invoice_id, date FROM unit
    UNION SELECT invoice_id, reversed_on FROM unit WHERE reversed_on IS NOT NULL),
trial AS (
    -- before: the open balance on date p with the new rows before unit k.
    SELECT u.invoice_id, u.k, p.date,
        i.amount
        - (SELECT coalesce(sum(x.amount), 0) FROM settlements x WHERE x.invoice_id = u.invoice_id AND x.date <= p.date)
        - (SELECT coalesce(sum(v.amount) FILTER (WHERE v.date <= p.date), 0)
                - coalesce(sum(v.amount) FILTER (WHERE v.reversed_on <= p.date), 0)
           FROM unit v WHERE v.invoice_id = u.invoice_id AND v.k < u.k) AS before,
        CASE WHEN u.date <= p.date AND NOT coalesce(u.reversed_on <= p.date, false) THEN u.amount ELSE 0 END AS own
    FROM unit u JOIN point p ON p.invoice_id = u.invoice_id JOIN invoices i ON i.id = u.invoice_id),
breaker AS (SELECT invoice_id, min(k) AS k FROM trial WHERE before - own < 0 GROUP BY invoice_id)
SELECT u.file, u.line, u.amount::text, i.number, u.date::text,
    (SELECT min(t.before) FROM trial t WHERE t.invoice_id = u.invoice_id AND t.k = u.k AND t.date >= u.date)::text
FROM breaker b
JOIN unit u ON u.invoice_id = b.invoice_id AND u.k = b.k
JOIN invoices i ON i.id = u.invoice_id
ORDER BY u.src, u.line
LIMIT 1`
	var file, amount, number, date, open string
	var line int64
	err := im.conn.QueryRow(im.ctx, q).Scan(&file, &line, &amount, &number, &date, &open)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ledger: check open balances: %w", err)
	}
	return &LineError{File: file, Line: int(line), Column: "amount", Value: amount,
		Problem: fmt.Sprintf("%s exceeds the open balance of invoice %s on %s (%s)", amount, number, date, open)}
}

// postExplicit writes the checked rows of ledger_new: PAYMENT settlements;
// NOTE settlements, each followed for a dishonoured note by its
// NOTE_REVERSAL dated the dishonour (reverses_id pointing at it, amount
// negative); write_offs rows with their WRITE_OFF settlements.
func (im *importer) postExplicit() error {
	if err := im.exec(`
INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id, batch_id)
SELECT invoice_id, customer_id, 'PAYMENT', date, amount, payment_id, $1
FROM ledger_new WHERE kind = 'PAYMENT'
ORDER BY line`, im.batch); err != nil {
		return fmt.Errorf("ledger: post allocations: %w", err)
	}
	if err := im.exec(`
WITH note AS (
    INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id, batch_id)
    SELECT invoice_id, customer_id, 'NOTE', date, amount, note_id, $1
    FROM ledger_new WHERE kind = 'NOTE'
    ORDER BY line
    RETURNING id, invoice_id, customer_id, note_id, amount)
INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id, reverses_id, batch_id)
SELECT note.invoice_id, note.customer_id, 'NOTE_REVERSAL', n.status_date, -note.amount, note.note_id, note.id, $1
FROM note JOIN notes n ON n.id = note.note_id
WHERE n.status = 'DISHONORED'
ORDER BY note.id`, im.batch); err != nil {
		return fmt.Errorf("ledger: post note allocations: %w", err)
	}
	if err := im.exec(`
WITH w AS (
    INSERT INTO write_offs (invoice_id, date, amount, approved_by, batch_id)
    SELECT invoice_id, date, amount, approved_by, $1
    FROM ledger_new WHERE kind = 'WRITE_OFF'
    ORDER BY line
    RETURNING id, invoice_id, date, amount)
INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, write_off_id, batch_id)
SELECT w.invoice_id, i.customer_id, 'WRITE_OFF', w.date, w.amount, w.id, $1
FROM w JOIN invoices i ON i.id = w.invoice_id
ORDER BY w.id`, im.batch); err != nil {
		return fmt.Errorf("ledger: post write-offs: %w", err)
	}
	return nil
}
