package csvimport

import (
	"container/heap"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

// FIFO allocation of payments that came without explicit allocations
// (DOMAIN.md §2: "FIFO by due date then invoice number when none are given —
// at import too, payments taken in date then reference order").
//
// Why Go and not SQL: the classic set-based FIFO overlaps the cumulative
// sums of payments and invoices per customer, which assumes every payment
// may settle every invoice. Here a payment may only settle invoices shipped
// on or before its date, and an invoice's open balance moves over time
// (note allocations, reversals of dishonoured notes, write-offs, explicit
// allocations of other payments), so which invoice a payment reaches
// depends on what the earlier payments took. That is a sequential process;
// it runs in one pass over the rows sorted by SQL, and its result is COPYed
// back and inserted with one INSERT … SELECT.
//
// What a payment can take from an invoice on date D is the lowest open
// balance the invoice has on any date from D on, less what earlier FIFO
// payments took: taking more would make some later, already-recorded
// settlement exceed the open balance on its date (the rule every explicit
// allocation is checked against). A payment's remainder stays unapplied
// cash.

// fifoPayment is a payment to allocate; amounts are in its currency.
type fifoPayment struct {
	id        int64
	date      time.Time
	reference string
	amount    decimal.Decimal
}

// fifoInvoice is an open invoice of the payment's customer and currency.
type fifoInvoice struct {
	id       int64
	number   string
	ship     time.Time
	due      time.Time
	amount   decimal.Decimal
	dates    []time.Time       // the dates its settlements move the balance, ascending
	floor    []decimal.Decimal // floor[j]: lowest balance after dates[j-1] (j = 0: before any) and later
	consumed decimal.Decimal   // taken by FIFO payments so far
}

// fifoAllocation is one PAYMENT settlement produced by FIFO.
type fifoAllocation struct {
	paymentID, invoiceID int64
	date                 time.Time
	amount               decimal.Decimal
}

// settle records the invoice's settlements, as per-date sums in date order,
// and precomputes its floors.
func (inv *fifoInvoice) settle(dates []time.Time, amounts []decimal.Decimal) {
	inv.dates = dates
	bal := make([]decimal.Decimal, len(dates)+1)
	bal[0] = inv.amount
	for j, a := range amounts {
		bal[j+1] = bal[j].Sub(a)
	}
	inv.floor = make([]decimal.Decimal, len(bal))
	inv.floor[len(bal)-1] = bal[len(bal)-1]
	for j := len(bal) - 2; j >= 0; j-- {
		inv.floor[j] = decimal.Min(bal[j], inv.floor[j+1])
	}
}

// step is the index of the balance in force on d: the number of settlement
// dates on or before d.
func (inv *fifoInvoice) step(d time.Time) int {
	return sort.Search(len(inv.dates), func(i int) bool { return inv.dates[i].After(d) })
}

// available is what a payment dated d may still take.
func (inv *fifoInvoice) available(d time.Time) decimal.Decimal {
	return inv.floor[inv.step(d)].Sub(inv.consumed)
}

// reopens is the first date after d from which the invoice has something
// available again (a dishonoured note's reversal), or false if never.
func (inv *fifoInvoice) reopens(d time.Time) (time.Time, bool) {
	for j := inv.step(d) + 1; j < len(inv.floor); j++ {
		if inv.floor[j].GreaterThan(inv.consumed) {
			return inv.dates[j-1], true
		}
	}
	return time.Time{}, false
}

// dueQueue orders eligible invoices by due date, then number (byte order,
// as SQL's COLLATE "C").
type dueQueue []*fifoInvoice

func (q dueQueue) Len() int { return len(q) }
func (q dueQueue) Less(i, j int) bool {
	if !q[i].due.Equal(q[j].due) {
		return q[i].due.Before(q[j].due)
	}
	return q[i].number < q[j].number
}
func (q dueQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)   { *q = append(*q, x.(*fifoInvoice)) }
func (q *dueQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// parked holds invoices with nothing available until a later date.
type parked struct {
	inv  *fifoInvoice
	wake time.Time
}
type parkQueue []parked

func (q parkQueue) Len() int           { return len(q) }
func (q parkQueue) Less(i, j int) bool { return q[i].wake.Before(q[j].wake) }
func (q parkQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *parkQueue) Push(x any)        { *q = append(*q, x.(parked)) }
func (q *parkQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// allocateFIFO allocates the payments of one customer in one currency, in
// the order given (date, then reference), to its invoices.
func allocateFIFO(invoices []*fifoInvoice, payments []fifoPayment) []fifoAllocation {
	byShip := append([]*fifoInvoice(nil), invoices...)
	sort.SliceStable(byShip, func(i, j int) bool { return byShip[i].ship.Before(byShip[j].ship) })
	var (
		out     []fifoAllocation
		ready   dueQueue
		waiting parkQueue
		next    int // byShip[next:] are not shipped yet
	)
	for _, p := range payments {
		// An invoice exists from its ship date (DOMAIN.md §9).
		for ; next < len(byShip) && !byShip[next].ship.After(p.date); next++ {
			heap.Push(&ready, byShip[next])
		}
		for waiting.Len() > 0 && !waiting[0].wake.After(p.date) {
			heap.Push(&ready, heap.Pop(&waiting).(parked).inv)
		}
		left := p.amount
		for left.IsPositive() && ready.Len() > 0 {
			inv := ready[0]
			take := decimal.Min(inv.available(p.date), left)
			if take.IsPositive() {
				out = append(out, fifoAllocation{paymentID: p.id, invoiceID: inv.id, date: p.date, amount: take})
				inv.consumed = inv.consumed.Add(take)
				left = left.Sub(take)
			}
			if inv.available(p.date).IsPositive() {
				continue // the payment is used up; the invoice stays first in line
			}
			heap.Pop(&ready)
			if wake, ok := inv.reopens(p.date); ok {
				heap.Push(&waiting, parked{inv: inv, wake: wake})
			}
		}
	}
	return out
}

// fifoGroup is one customer's payments and invoices in one currency.
type fifoGroup struct {
	payments []fifoPayment
	invoices []*fifoInvoice
}

type fifoKey struct {
	customer int64
	currency string
}

// allocateFIFO runs FIFO for the payments of this import that have no row
// in allocations.csv, and posts the result as PAYMENT settlements.
func (im *importer) allocateFIFO() error {
	explicit := ""
	if _, ok := im.staged["allocations.csv"]; ok {
		explicit = "WHERE NOT EXISTS (SELECT 1 FROM stage_allocations a WHERE a.payment_reference = sp.reference)"
	}
	if err := im.exec(`
CREATE TEMP TABLE fifo_payments ON COMMIT DROP AS
SELECT p.id, p.customer_id, p.currency, p.date, p.reference, p.amount
FROM stage_payments sp JOIN payments p ON p.reference = sp.reference ` + explicit); err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	groups := map[fifoKey]*fifoGroup{}
	rows, err := im.conn.Query(im.ctx, `
SELECT id, customer_id, currency, date, reference, amount::text
FROM fifo_payments
ORDER BY customer_id, currency, date, reference COLLATE "C"`)
	if err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	for rows.Next() {
		var p fifoPayment
		var k fifoKey
		var amount string
		if err := rows.Scan(&p.id, &k.customer, &k.currency, &p.date, &p.reference, &amount); err != nil {
			return fmt.Errorf("ledger: FIFO: %w", err)
		}
		p.amount = decimal.RequireFromString(amount)
		g := groups[k]
		if g == nil {
			g = &fifoGroup{}
			groups[k] = g
		}
		g.payments = append(g.payments, p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	if len(groups) == 0 {
		return nil
	}
	// The candidate invoices: same customer and currency, shipped by the
	// last payment's date, not settled for good; each with its settlements
	// summed per date (one row per invoice and date).
	rows, err = im.conn.Query(im.ctx, `
WITH pair AS (SELECT customer_id, currency, max(date) AS last FROM fifo_payments GROUP BY customer_id, currency),
candidate AS (
    SELECT i.id, i.customer_id, i.currency, i.number, i.ship_date, i.due_date, i.amount
    FROM pair JOIN invoices i ON i.customer_id = pair.customer_id AND i.currency = pair.currency
        AND i.ship_date <= pair.last),
moves AS (
    SELECT s.invoice_id, s.date, sum(s.amount) AS amount
    FROM settlements s JOIN candidate c ON c.id = s.invoice_id
    GROUP BY s.invoice_id, s.date)
SELECT id, customer_id, currency, number, ship_date, due_date, amount::text, move_date, move_amount::text
FROM (SELECT c.*, m.date AS move_date, m.amount AS move_amount,
          coalesce(sum(m.amount) OVER (PARTITION BY c.id), 0) AS settled
      FROM candidate c LEFT JOIN moves m ON m.invoice_id = c.id) x
WHERE amount > settled
ORDER BY id, move_date`)
	if err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	var (
		cur     *fifoInvoice
		dates   []time.Time
		amounts []decimal.Decimal
	)
	flush := func() {
		if cur != nil {
			cur.settle(dates, amounts)
		}
		dates, amounts = nil, nil
	}
	for rows.Next() {
		var inv fifoInvoice
		var k fifoKey
		var amount string
		var moveDate *time.Time
		var moveAmount *string
		if err := rows.Scan(&inv.id, &k.customer, &k.currency, &inv.number, &inv.ship, &inv.due, &amount,
			&moveDate, &moveAmount); err != nil {
			return fmt.Errorf("ledger: FIFO: %w", err)
		}
		if cur == nil || cur.id != inv.id {
			flush()
			inv.amount = decimal.RequireFromString(amount)
			cur = &inv
			groups[k].invoices = append(groups[k].invoices, cur)
		}
		if moveDate != nil {
			dates = append(dates, *moveDate)
			amounts = append(amounts, decimal.RequireFromString(*moveAmount))
		}
	}
	flush()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	// Groups are independent; run them in a fixed order so settlement ids
	// come out the same for the same input.
	keys := make([]fifoKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].customer != keys[j].customer {
			return keys[i].customer < keys[j].customer
		}
		return keys[i].currency < keys[j].currency
	})
	var copied [][]any
	for _, k := range keys {
		g := groups[k]
		for _, a := range allocateFIFO(g.invoices, g.payments) {
			copied = append(copied, []any{int64(len(copied)), a.paymentID, a.invoiceID, k.customer, a.date, a.amount.String()})
		}
	}
	if len(copied) == 0 {
		return nil
	}
	if err := im.exec(`
CREATE TEMP TABLE fifo_allocations (seq bigint, payment_id bigint, invoice_id bigint, customer_id bigint,
    date date, amount text) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	if _, err := im.conn.CopyFrom(im.ctx, pgx.Identifier{"fifo_allocations"},
		[]string{"seq", "payment_id", "invoice_id", "customer_id", "date", "amount"}, pgx.CopyFromRows(copied)); err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	if err := im.exec(`
INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id, batch_id)
SELECT invoice_id, customer_id, 'PAYMENT', date, amount::numeric, payment_id, $1
FROM fifo_allocations ORDER BY seq`, im.batch); err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	return im.guardFIFO()
}

// guardFIFO re-checks, after posting, that no invoice FIFO touched has a
// negative open balance on any date. FIFO is built never to do that; this
// is the same running-balance rule the explicit rows were held to, kept as
// a cheap proof rather than a trust.
func (im *importer) guardFIFO() error {
	var number string
	err := im.conn.QueryRow(im.ctx, `
WITH touched AS (SELECT DISTINCT invoice_id FROM fifo_allocations),
days AS (
    SELECT s.invoice_id, s.date, sum(s.amount) AS amount
    FROM settlements s JOIN touched t ON t.invoice_id = s.invoice_id
    GROUP BY s.invoice_id, s.date)
SELECT i.number FROM (
    SELECT d.invoice_id, i.amount - sum(d.amount) OVER (PARTITION BY d.invoice_id ORDER BY d.date) AS open
    FROM days d JOIN invoices i ON i.id = d.invoice_id) r
JOIN invoices i ON i.id = r.invoice_id
WHERE r.open < 0 LIMIT 1`).Scan(&number)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ledger: FIFO: %w", err)
	}
	return fmt.Errorf("ledger: FIFO allocation left invoice %s with a negative open balance (a bug)", number)
}
