package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// LedgerStore implements creditdesk.LedgerService: payments, notes
// receivable and their allocations, written to the append-only receivables
// ledger (settlements). Each method is one transaction; while it allocates,
// it holds row locks on the customer's open invoices of the currency, so two
// concurrent payments cannot both take the same open balance.
type LedgerStore struct {
	DB *bun.DB
	// Clock tells today: the latest date a note's status may change on, and
	// the date a dishonour re-evaluates the customer's credit class as of;
	// nil is the system clock.
	Clock creditdesk.Clock
}

var _ creditdesk.LedgerService = LedgerStore{}

// RecordPayment records a payment and its allocations: the explicit ones,
// or FIFO over the customer's open invoices of the payment's currency
// shipped on or before the payment date, by due date then number (DOMAIN.md
// §2); what is not allocated is unapplied cash. Any caller may use it for a
// customer it can see.
//
// The idempotency key makes it safe to retry: a replay with the same payload
// returns the payment the first call recorded, even when both calls run at
// once; the same key with a different payload is ECONFLICT, and so is a
// reference that another payment has. EINVALID for a bad field, an
// allocation to an invoice that is not the customer's, in another currency
// or shipped after the payment date, or above the invoice's open balance on
// the payment date (nothing is written); ENOTFOUND for an unknown customer.
func (s LedgerStore) RecordPayment(ctx context.Context, in creditdesk.PaymentInput) (*creditdesk.Payment, error) {
	if err := validatePayment(&in); err != nil {
		return nil, err
	}
	var out *creditdesk.Payment
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		base, err := baseCurrency(ctx, tx, in.Date)
		if err != nil {
			return err
		}
		currency, rate, err := paymentCurrency(in, base)
		if err != nil {
			return err
		}
		digest := paymentDigest(in, currency, rate)

		// Retries of one key queue here until the first commits or rolls
		// back; the loser then finds the winner's payment below. (ON
		// CONFLICT on idempotency_key alone would not do: the insert can
		// hit the reference's unique index first and fail instead.)
		if _, err := tx.NewRaw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`,
			"creditdesk.payment.idempotency:"+in.IdempotencyKey).Exec(ctx); err != nil {
			return fmt.Errorf("lock idempotency key: %w", err)
		}
		prev, err := findPayment(ctx, tx, bun.SafeQuery("p.idempotency_key = ?", in.IdempotencyKey))
		if err != nil {
			return err
		}
		if prev != nil {
			if prev.digest != digest {
				return creditdesk.Errorf(creditdesk.ECONFLICT,
					"idempotencyKey %q was used for another payment (reference %s); a retry must repeat the same request",
					in.IdempotencyKey, prev.Reference)
			}
			out = &prev.Payment
			return nil
		}

		cust, err := customerForLedger(ctx, tx, in.CustomerCode)
		if err != nil {
			return err
		}
		if err := lockOpenInvoices(ctx, tx, cust, &currency); err != nil {
			return err
		}
		actor, err := actorID(ctx, tx)
		if err != nil {
			return err
		}
		var paymentID int64
		err = tx.NewRaw(`
			INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount,
				idempotency_key, request_digest, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, cd_base(?, ?), ?, ?, ?)
			RETURNING id`,
			in.Reference, cust, in.Date, in.Method, currency, in.Amount, rate, in.Amount, rate,
			in.IdempotencyKey, digest, actor).Scan(ctx, &paymentID)
		if isUniqueViolation(err, "payments_reference_key") {
			return creditdesk.Errorf(creditdesk.ECONFLICT, "a payment with reference %q exists", in.Reference)
		}
		if err != nil {
			return fmt.Errorf("insert payment: %w", err)
		}
		src := allocationSource{kind: creditdesk.SettlePayment, column: "payment_id", id: paymentID,
			customerID: cust, customerCode: in.CustomerCode, currency: currency, date: in.Date, total: in.Amount.Decimal,
			what: "payment"}
		if err := allocate(ctx, tx, src, in.Allocations); err != nil {
			return err
		}
		p, err := findPayment(ctx, tx, bun.SafeQuery("p.id = ?", paymentID))
		if err != nil {
			return err
		}
		out = &p.Payment
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReceiveNote records a note receivable (status HELD from its received
// date) and allocates it like a payment dated the received date: explicit
// allocations, or FIFO when none are given. Notes are in the base currency
// and settle only base-currency invoices. Any caller may use it for a
// customer it can see. ECONFLICT for a known note number; EINVALID for a bad
// field or allocation (nothing is written); ENOTFOUND for an unknown
// customer.
func (s LedgerStore) ReceiveNote(ctx context.Context, in creditdesk.NoteInput) (*creditdesk.Note, error) {
	if err := validateNote(&in); err != nil {
		return nil, err
	}
	var out *creditdesk.Note
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		base, err := baseCurrency(ctx, tx, in.ReceivedDate)
		if err != nil {
			return err
		}
		cust, err := customerForLedger(ctx, tx, in.CustomerCode)
		if err != nil {
			return err
		}
		if err := lockOpenInvoices(ctx, tx, cust, &base); err != nil {
			return err
		}
		actor, err := actorID(ctx, tx)
		if err != nil {
			return err
		}
		endorsers := in.Endorsers
		if endorsers == nil {
			endorsers = []string{}
		}
		var noteID int64
		err = tx.NewRaw(`
			INSERT INTO notes (number, kind, customer_id, drawer, bank, account, endorsers, issue_date, received_date,
				maturity_date, amount, status, status_date, received_by)
			VALUES (?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			in.Number, in.Kind, cust, blankToNil(in.Drawer), blankToNil(in.Bank), blankToNil(in.Account),
			pgdialect.Array(endorsers), in.IssueDate, in.ReceivedDate, in.MaturityDate, in.Amount, creditdesk.NoteHeld,
			in.ReceivedDate, actor).Scan(ctx, &noteID)
		if isUniqueViolation(err, "notes_number_key") {
			return creditdesk.Errorf(creditdesk.ECONFLICT, "a note numbered %q exists", in.Number)
		}
		if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		if _, err := tx.NewRaw(`INSERT INTO note_status_changes (note_id, status, date, changed_by, reason)
			VALUES (?, ?, ?, ?, 'received')`, noteID, creditdesk.NoteHeld, in.ReceivedDate, actor).Exec(ctx); err != nil {
			return fmt.Errorf("insert note status: %w", err)
		}
		src := allocationSource{kind: creditdesk.SettleNote, column: "note_id", id: noteID, customerID: cust,
			customerCode: in.CustomerCode, currency: base, date: in.ReceivedDate, total: in.Amount.Decimal, what: "note"}
		if err := allocate(ctx, tx, src, in.Allocations); err != nil {
			return err
		}
		out, err = findNote(ctx, tx, noteID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// noteMoves are the only status changes a note may make: it is presented,
// then honoured or dishonoured (DOMAIN.md §2).
var noteMoves = map[creditdesk.NoteStatus][]creditdesk.NoteStatus{
	creditdesk.NoteHeld:      {creditdesk.NotePresented},
	creditdesk.NotePresented: {creditdesk.NoteHonored, creditdesk.NoteDishonored},
}

// SetNoteStatus moves a note along HELD → PRESENTED → HONORED | DISHONORED
// on a date no earlier than its last status change and no later than today
// (a change is recorded once it has happened, so the re-evaluation a
// dishonour forces, as of today, sees it), and records the change.
// A dishonour appends one NOTE_REVERSAL row per allocation of the note,
// dated the dishonour date, so its invoices are open again from that day and
// stay settled before it; nothing on the ledger is updated or deleted. Any
// caller may use it for a note of a customer it can see. EINVALID for a move
// the life cycle does not allow, or a date before the last change or after
// today; ENOTFOUND for an unknown note.
func (s LedgerStore) SetNoteStatus(ctx context.Context, in creditdesk.NoteStatusInput) (*creditdesk.Note, error) {
	if in.Date.IsZero() {
		return nil, creditdesk.FieldError("date", "", "is required")
	}
	if !creditdesk.OneOf(in.Status, creditdesk.NoteStatuses) {
		return nil, creditdesk.FieldError("status", string(in.Status), "not one of %v", creditdesk.NoteStatuses)
	}
	today, err := policyToday(ctx, s.DB, s.Clock)
	if err != nil {
		return nil, err
	}
	if in.Date.After(today) {
		return nil, creditdesk.FieldError("date", in.Date.String(), "is after today (%s)", today)
	}
	var out *creditdesk.Note
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		n := new(creditdesk.Note)
		err := tx.NewRaw(`SELECT n.* FROM notes n JOIN customers c ON c.id = n.customer_id
			WHERE n.number = ? AND ? FOR UPDATE OF n`, in.Number, CustomerPredicate(ctx, "c", nil)).Scan(ctx, n)
		if errors.Is(err, sql.ErrNoRows) {
			return creditdesk.Errorf(creditdesk.ENOTFOUND, "note %q not found", in.Number)
		}
		if err != nil {
			return fmt.Errorf("lock note: %w", err)
		}
		if !creditdesk.OneOf(in.Status, noteMoves[n.Status]) {
			return creditdesk.FieldError("status", string(in.Status),
				"note %s is %s and cannot become %s (HELD → PRESENTED → HONORED | DISHONORED)", n.Number, n.Status, in.Status)
		}
		if in.Date.Before(n.StatusDate) {
			return creditdesk.FieldError("date", in.Date.String(),
				"is before note %s became %s on %s", n.Number, n.Status, n.StatusDate)
		}
		actor, err := actorID(ctx, tx)
		if err != nil {
			return err
		}
		if in.Status == creditdesk.NoteDishonored {
			// The same locks as an allocation takes, so a payment being
			// allocated to these invoices right now sees the reversal or
			// waits for it.
			if _, err := tx.NewRaw(`SELECT i.id FROM invoices i
				WHERE i.id IN (SELECT s.invoice_id FROM settlements s WHERE s.note_id = ? AND s.kind = 'NOTE')
				ORDER BY i.id FOR UPDATE`, n.ID).Exec(ctx); err != nil {
				return fmt.Errorf("lock the note's invoices: %w", err)
			}
			if _, err := tx.NewRaw(`
				INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id, reverses_id)
				SELECT s.invoice_id, s.customer_id, 'NOTE_REVERSAL', ?, -s.amount, s.note_id, s.id
				FROM settlements s
				WHERE s.note_id = ? AND s.kind = 'NOTE'
				ORDER BY s.id`, in.Date, n.ID).Exec(ctx); err != nil {
				return fmt.Errorf("reverse note allocations: %w", err)
			}
		}
		var settledOn *creditdesk.Date
		if in.Status.Final() {
			settledOn = &in.Date
		}
		if _, err := tx.NewRaw(`UPDATE notes SET status = ?, status_date = ?, settled_on = ? WHERE id = ?`,
			in.Status, in.Date, settledOn, n.ID).Exec(ctx); err != nil {
			return fmt.Errorf("update note status: %w", err)
		}
		if in.Status == creditdesk.NoteDishonored {
			// 000 第七条2: a dishonoured note is a credit event that forces
			// the customer's re-evaluation, in the same transaction.
			if err := ReevaluateCustomer(ctx, tx, n.CustomerID, today); err != nil {
				return fmt.Errorf("re-evaluate after the dishonour: %w", err)
			}
		}
		if _, err := tx.NewRaw(`INSERT INTO note_status_changes (note_id, status, date, changed_by, reason)
			VALUES (?, ?, ?, ?, ?)`, n.ID, in.Status, in.Date, actor, blankToNil(in.Reason)).Exec(ctx); err != nil {
			return fmt.Errorf("insert note status: %w", err)
		}
		out, err = findNote(ctx, tx, n.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// allocationSource is the payment or note being allocated.
type allocationSource struct {
	kind         creditdesk.SettlementKind
	column       string // payment_id or note_id
	id           int64
	customerID   int64
	customerCode string
	currency     string
	date         creditdesk.Date
	total        decimal.Decimal
	what         string // "payment" or "note", for messages
}

// invoiceAvailableSQL computes, for the invoice i, what may still be
// allocated to it on the date ?: its open balance on that date, but no more
// than the lowest balance it has on any later date. The second bound keeps a
// back-dated allocation from pushing a later balance below zero (after a
// later payment settled the invoice, say). It yields settled_by_date and
// available.
const invoiceAvailableSQL = `
	LEFT JOIN LATERAL (
		SELECT coalesce(sum(c.amount) FILTER (WHERE c.date <= ?0), 0) AS settled_by_date,
		       max(c.cum) FILTER (WHERE c.date > ?0) AS peak_after
		FROM (SELECT s.date, s.amount, sum(s.amount) OVER (ORDER BY s.date) AS cum
		      FROM settlements s WHERE s.invoice_id = i.id) c
	) b ON true`

// availableExpr is the allocatable amount given invoiceAvailableSQL; GREATEST
// ignores a NULL peak (no later settlements).
const availableExpr = `i.amount - greatest(b.settled_by_date, b.peak_after)`

// allocate posts the allocations of src to the ledger: the explicit ones
// after checking each of them, else FIFO. The caller holds the invoice locks.
func allocate(ctx context.Context, tx bun.Tx, src allocationSource, explicit []creditdesk.AllocationInput) error {
	if len(explicit) == 0 {
		return allocateFIFO(ctx, tx, src)
	}
	vals := make([]schema.QueryWithArgs, len(explicit))
	for i, a := range explicit {
		vals[i] = bun.SafeQuery("(?::int, ?::text, ?::numeric)", i, a.InvoiceNumber, a.Amount)
	}
	var rows []struct {
		Ord           int
		InvoiceID     *int64
		Currency      *string
		ShipDate      *creditdesk.Date
		SettledByDate decimal.NullDecimal
		OpenOnDate    decimal.NullDecimal
		Available     decimal.NullDecimal
	}
	// Only the customer's own invoices are matched, so a number of another
	// customer's invoice reads as unknown and reveals nothing.
	err := tx.NewRaw(`
		WITH req (ord, number, amount) AS (VALUES ?1)
		SELECT req.ord, i.id AS invoice_id, i.currency, i.ship_date, b.settled_by_date,
		       i.amount - b.settled_by_date AS open_on_date, `+availableExpr+` AS available
		FROM req
		LEFT JOIN invoices i ON i.number = req.number AND i.customer_id = ?2
		`+invoiceAvailableSQL+`
		ORDER BY req.ord`,
		src.date, joinQueries(vals, ", "), src.customerID).Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("check allocations: %w", err)
	}
	inserts := make([]schema.QueryWithArgs, len(explicit))
	for i, r := range rows {
		a := explicit[r.Ord]
		field := fmt.Sprintf("allocations[%d]", r.Ord)
		switch {
		case r.InvoiceID == nil:
			return creditdesk.FieldError(field+".invoiceNumber", a.InvoiceNumber,
				"customer %s has no invoice with this number", src.customerCode)
		case *r.Currency != src.currency:
			return creditdesk.FieldError(field+".invoiceNumber", a.InvoiceNumber,
				"the invoice is in %s and the %s in %s; a %s settles only invoices of its currency",
				*r.Currency, src.what, src.currency, src.what)
		case r.ShipDate.After(src.date):
			return creditdesk.FieldError(field+".invoiceNumber", a.InvoiceNumber,
				"the invoice was shipped on %s, after the %s's date %s", r.ShipDate, src.what, src.date)
		case a.Amount.GreaterThan(r.Available.Decimal):
			msg := fmt.Sprintf("invoice %s: allocation %s exceeds its open balance %s on %s",
				a.InvoiceNumber, a.Amount.StringFixed(2), r.Available.Decimal.StringFixed(2), src.date)
			if !r.Available.Decimal.Equal(r.OpenOnDate.Decimal) {
				msg = fmt.Sprintf("invoice %s: allocation %s exceeds %s, the most it can take on %s "+
					"(open %s that day; later settlements leave %s)", a.InvoiceNumber, a.Amount.StringFixed(2),
					r.Available.Decimal.StringFixed(2), src.date, r.OpenOnDate.Decimal.StringFixed(2),
					r.Available.Decimal.StringFixed(2))
			}
			return creditdesk.FieldError(field+".amount", creditdesk.DecimalText(a.Amount.Decimal), "%s", msg)
		}
		inserts[i] = bun.SafeQuery("(?, ?, ?, ?, ?, ?)", *r.InvoiceID, src.customerID, src.kind, src.date, a.Amount, src.id)
	}
	_, err = tx.NewRaw(`INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, ?)
		VALUES ?`, bun.Ident(src.column), joinQueries(inserts, ", ")).Exec(ctx)
	if err != nil {
		return fmt.Errorf("insert allocations: %w", err)
	}
	return nil
}

// allocateFIFO allocates src.total to the customer's open invoices of the
// currency shipped on or before the date, oldest due date first (then by
// number), in one statement: each invoice takes the least of what it can take
// and what the invoices before it left over, computed with a running sum.
func allocateFIFO(ctx context.Context, tx bun.Tx, src allocationSource) error {
	_, err := tx.NewRaw(`
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, ?4)
		SELECT x.id, x.customer_id, ?5, ?0, x.alloc, ?6
		FROM (
			SELECT a.id, a.customer_id, a.due_date, a.number,
			       least(a.available,
			             greatest(0, ?3 - (sum(a.available) OVER (ORDER BY a.due_date, a.number) - a.available))) AS alloc
			FROM (
				SELECT i.id, i.customer_id, i.due_date, i.number, `+availableExpr+` AS available
				FROM invoices i
				`+invoiceAvailableSQL+`
				WHERE i.customer_id = ?1 AND i.currency = ?2 AND i.ship_date <= ?0 AND i.settled_on IS NULL
			) a
			WHERE a.available > 0
		) x
		WHERE x.alloc > 0
		ORDER BY x.due_date, x.number`,
		src.date, src.customerID, src.currency, src.total, bun.Ident(src.column), src.kind, src.id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("allocate FIFO: %w", err)
	}
	return nil
}

// lockOpenInvoices takes row locks on the customer's unsettled invoices of
// the currency, in id order (so two writers never deadlock). An invoice
// settled for good takes no allocation, so it needs no lock; one a
// concurrent writer settles while we wait is re-checked and skipped.
func lockOpenInvoices(ctx context.Context, tx bun.Tx, customerID int64, currency *string) error {
	_, err := tx.NewRaw(`SELECT i.id FROM invoices i
		WHERE i.customer_id = ? AND i.currency = ? AND i.settled_on IS NULL
		ORDER BY i.id FOR UPDATE`, customerID, *currency).Exec(ctx)
	if err != nil {
		return fmt.Errorf("lock open invoices: %w", err)
	}
	return nil
}

// customerForLedger returns the id of the customer with the code among those
// the actor can see, ENOTFOUND otherwise.
func customerForLedger(ctx context.Context, tx bun.Tx, code string) (int64, error) {
	var id int64
	err := tx.NewRaw(`SELECT c.id FROM customers c WHERE c.code = ? AND ?`,
		code, CustomerPredicate(ctx, "c", nil)).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q not found", code)
	}
	if err != nil {
		return 0, fmt.Errorf("find customer: %w", err)
	}
	return id, nil
}

// actorID is the acting user's id, or the built-in admin's when ctx has no
// actor (DOMAIN.md §8: until tokens exist, writes record admin).
func actorID(ctx context.Context, db bun.IDB) (int64, error) {
	if u := creditdesk.ActorFrom(ctx); u != nil && u.ID != 0 {
		return u.ID, nil
	}
	var id int64
	if err := db.NewRaw(`SELECT id FROM users WHERE username = 'admin'`).Scan(ctx, &id); err != nil {
		return 0, fmt.Errorf("find the admin user: %w", err)
	}
	return id, nil
}

// baseCurrency is the policy's base currency on d.
func baseCurrency(ctx context.Context, db bun.IDB, d creditdesk.Date) (string, error) {
	p, err := PolicyStore{DB: db}.PolicyAt(ctx, d)
	if err != nil {
		return "", err
	}
	return p.Value("base_currency")
}

// storedPayment is a payment with the digest of the request that recorded
// it.
type storedPayment struct {
	creditdesk.Payment
	digest string
}

func findPayment(ctx context.Context, db bun.IDB, where schema.QueryWithArgs) (*storedPayment, error) {
	var rows []struct {
		creditdesk.Payment
		RequestDigest *string
	}
	err := db.NewRaw(`
		SELECT p.id, p.reference, p.customer_id, p.date, p.method, p.currency, p.amount, p.exchange_rate,
		       p.base_amount, p.idempotency_key, p.created_at, p.request_digest,
		       a.allocated, p.amount - a.allocated AS unapplied
		FROM payments p
		CROSS JOIN LATERAL (SELECT coalesce(sum(s.amount), 0) AS allocated
		                    FROM settlements s WHERE s.payment_id = p.id AND s.kind = 'PAYMENT') a
		WHERE ?`, where).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read payment: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	p := &storedPayment{Payment: rows[0].Payment}
	if rows[0].RequestDigest != nil {
		p.digest = *rows[0].RequestDigest
	}
	return p, nil
}

func findNote(ctx context.Context, db bun.IDB, id int64) (*creditdesk.Note, error) {
	n := new(creditdesk.Note)
	if err := db.NewRaw(`SELECT n.* FROM notes n WHERE n.id = ?`, id).Scan(ctx, n); err != nil {
		return nil, fmt.Errorf("read note: %w", err)
	}
	return n, nil
}

// paymentDigest is the fingerprint of a payment request, over its values as
// resolved (the default currency and rate filled in, amounts at their
// stored scale), so that "1.5" and "1.50", or an omitted base currency and
// the base currency spelt out, are the same request.
func paymentDigest(in creditdesk.PaymentInput, currency string, rate decimal.Decimal) string {
	type alloc struct{ Invoice, Amount string }
	v := struct {
		Customer, Reference, Date, Method, Amount, Currency, Rate string
		Allocations                                               []alloc
	}{in.CustomerCode, in.Reference, in.Date.String(), string(in.Method), in.Amount.StringFixed(2), currency,
		rate.StringFixed(8), nil}
	for _, a := range in.Allocations {
		v.Allocations = append(v.Allocations, alloc{a.InvoiceNumber, a.Amount.StringFixed(2)})
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// paymentCurrency resolves the payment's currency (default: the base) and
// exchange rate (1 for the base currency, required for any other).
func paymentCurrency(in creditdesk.PaymentInput, base string) (string, decimal.Decimal, error) {
	currency := base
	if in.Currency != nil {
		currency = strings.TrimSpace(*in.Currency)
	}
	if !currencyRE.MatchString(currency) {
		return "", decimal.Decimal{}, creditdesk.FieldError("currency", currency, "not an ISO 4217 code such as CNY")
	}
	one := decimal.NewFromInt(1)
	switch {
	case in.ExchangeRate == nil && currency == base:
		return currency, one, nil
	case in.ExchangeRate == nil:
		return "", decimal.Decimal{}, creditdesk.FieldError("exchangeRate", "",
			"is required for a payment in %s (the base currency is %s)", currency, base)
	}
	rate := in.ExchangeRate.Decimal
	switch {
	case !rate.IsPositive():
		return "", decimal.Decimal{}, creditdesk.FieldError("exchangeRate", creditdesk.DecimalText(rate), "must be positive")
	case !rate.Equal(rate.Round(8)):
		return "", decimal.Decimal{}, creditdesk.FieldError("exchangeRate", creditdesk.DecimalText(rate), "has more than 8 decimal places")
	case rate.GreaterThanOrEqual(decimal.New(1, 10)):
		return "", decimal.Decimal{}, creditdesk.FieldError("exchangeRate", creditdesk.DecimalText(rate), "is too large")
	case currency == base && !rate.Equal(one):
		return "", decimal.Decimal{}, creditdesk.FieldError("exchangeRate", creditdesk.DecimalText(rate),
			"must be 1 for the base currency %s", base)
	}
	return currency, rate, nil
}

// checkPositiveMoney checks an amount of a money document: positive, 2
// places, within numeric(18,2).
func checkPositiveMoney(field string, m creditdesk.Money) error {
	if !m.IsPositive() {
		return creditdesk.FieldError(field, creditdesk.DecimalText(m.Decimal), "must be positive")
	}
	return checkMoney(field, &m)
}

func checkAllocations(allocs []creditdesk.AllocationInput, total creditdesk.Money, what string) error {
	sum := decimal.Zero
	for i, a := range allocs {
		f := fmt.Sprintf("allocations[%d]", i)
		if strings.TrimSpace(a.InvoiceNumber) == "" {
			return creditdesk.FieldError(f+".invoiceNumber", a.InvoiceNumber, "is required")
		}
		for _, b := range allocs[:i] {
			if b.InvoiceNumber == a.InvoiceNumber {
				return creditdesk.FieldError(f+".invoiceNumber", a.InvoiceNumber,
					"is listed twice; give one allocation per invoice")
			}
		}
		if err := checkPositiveMoney(f+".amount", a.Amount); err != nil {
			return err
		}
		sum = sum.Add(a.Amount.Decimal)
	}
	if sum.GreaterThan(total.Decimal) {
		return creditdesk.FieldError("allocations", sum.StringFixed(2),
			"the allocations add up to %s, more than the %s's amount %s", sum.StringFixed(2), what, total.StringFixed(2))
	}
	return nil
}

func validatePayment(in *creditdesk.PaymentInput) error {
	sent := in.Reference
	in.Reference = strings.TrimSpace(in.Reference)
	switch {
	case strings.TrimSpace(in.CustomerCode) == "":
		return creditdesk.FieldError("customerCode", in.CustomerCode, "is required")
	case in.Reference == "":
		return creditdesk.FieldError("reference", sent, "is required")
	case utf8.RuneCountInString(in.Reference) > creditdesk.DocumentNumberMax:
		return creditdesk.FieldError("reference", sent, "is longer than %d characters", creditdesk.DocumentNumberMax)
	case strings.TrimSpace(in.IdempotencyKey) == "":
		return creditdesk.FieldError("idempotencyKey", in.IdempotencyKey, "is required, so that a retry cannot pay twice")
	case utf8.RuneCountInString(in.IdempotencyKey) > 200:
		return creditdesk.FieldError("idempotencyKey", in.IdempotencyKey, "is longer than 200 characters")
	case in.Date.IsZero():
		return creditdesk.FieldError("date", "", "is required")
	case !creditdesk.OneOf(in.Method, creditdesk.PaymentMethods):
		return creditdesk.FieldError("method", string(in.Method), "not one of %v", creditdesk.PaymentMethods)
	}
	if err := checkPositiveMoney("amount", in.Amount); err != nil {
		return err
	}
	return checkAllocations(in.Allocations, in.Amount, "payment")
}

func validateNote(in *creditdesk.NoteInput) error {
	sent := in.Number
	in.Number = strings.TrimSpace(in.Number)
	switch {
	case strings.TrimSpace(in.CustomerCode) == "":
		return creditdesk.FieldError("customerCode", in.CustomerCode, "is required")
	case in.Number == "":
		return creditdesk.FieldError("number", sent, "is required")
	case utf8.RuneCountInString(in.Number) > creditdesk.DocumentNumberMax:
		return creditdesk.FieldError("number", sent, "is longer than %d characters", creditdesk.DocumentNumberMax)
	case !creditdesk.OneOf(in.Kind, creditdesk.NoteKinds):
		return creditdesk.FieldError("kind", string(in.Kind), "not one of %v", creditdesk.NoteKinds)
	case in.IssueDate.IsZero():
		return creditdesk.FieldError("issueDate", "", "is required")
	case in.ReceivedDate.IsZero():
		return creditdesk.FieldError("receivedDate", "", "is required")
	case in.MaturityDate.IsZero():
		return creditdesk.FieldError("maturityDate", "", "is required")
	case in.ReceivedDate.Before(in.IssueDate):
		return creditdesk.FieldError("receivedDate", in.ReceivedDate.String(), "is before the issue date %s", in.IssueDate)
	case in.MaturityDate.Before(in.IssueDate):
		return creditdesk.FieldError("maturityDate", in.MaturityDate.String(), "is before the issue date %s", in.IssueDate)
	}
	for i, e := range in.Endorsers {
		if strings.TrimSpace(e) == "" {
			return creditdesk.FieldError(fmt.Sprintf("endorsers[%d]", i), e, "is blank")
		}
	}
	if err := checkPositiveMoney("amount", in.Amount); err != nil {
		return err
	}
	return checkAllocations(in.Allocations, in.Amount, "note")
}
