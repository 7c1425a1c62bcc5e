package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"creditdesk/internal/creditdesk"
)

// ApprovalStore implements creditdesk.ApprovalService: credit limit
// requests (DOMAIN.md §3), write-offs (002 十七) and credit class overrides
// (000 第九条2), one approval mechanism for all three. A request keeps its
// status on its row; each step (request, approval, rejection) is an
// append-only approval_steps row written in the same transaction, and the
// change itself (the new limit, the write-off, the override) lands in the
// transaction of the last approval.
type ApprovalStore struct {
	DB *bun.DB
	// Clock tells the day of a request or decision (in the policy's time
	// zone): a write-off is dated the day it is approved, an override runs
	// to the end of that day's quarter. nil is the system clock.
	Clock creditdesk.Clock
}

var _ creditdesk.ApprovalService = ApprovalStore{}

var kindNames = map[creditdesk.ApprovalKind]string{
	creditdesk.KindCreditLimit:   "credit limit request",
	creditdesk.KindWriteOff:      "write-off request",
	creditdesk.KindClassOverride: "credit class override",
}

// newRequest is what a request stores besides its kind, customer and
// reason.
type newRequest struct {
	Kind       creditdesk.ApprovalKind
	CustomerID int64
	Amount     any
	InvoiceID  *int64
	Class      *creditdesk.CreditClass
	Exception  bool
	Reason     string
	Chain      []creditdesk.Role
}

// decisionContext is what a request's transaction knows: who acts, today,
// and the policy in force today.
type decisionContext struct {
	actor  *creditdesk.User
	today  creditdesk.Date
	policy *creditdesk.Policy
}

func (s ApprovalStore) begin(ctx context.Context, db bun.IDB) (*decisionContext, error) {
	actor, err := actingUser(ctx, db)
	if err != nil {
		return nil, err
	}
	today, err := policyToday(ctx, db, s.Clock)
	if err != nil {
		return nil, err
	}
	p, err := PolicyStore{DB: db}.PolicyAt(ctx, today)
	if err != nil {
		return nil, err
	}
	return &decisionContext{actor: actor, today: today, policy: p}, nil
}

// requireReason trims a reason and refuses an empty one.
func requireReason(field, reason string) (string, error) {
	r := strings.TrimSpace(reason)
	if r == "" {
		return "", creditdesk.FieldError(field, reason, "is required")
	}
	return r, nil
}

// checkRequester refuses roles that only read.
func checkRequester(actor *creditdesk.User) error {
	if !creditdesk.CanRequest(actor.Role) {
		return creditdesk.Errorf(creditdesk.EFORBIDDEN, "a user with role %s may not make requests", actor.Role)
	}
	return nil
}

// visibleCustomerID returns the id of the customer with code among those the
// actor sees, or ENOTFOUND.
func visibleCustomerID(ctx context.Context, db bun.IDB, code string) (int64, error) {
	var id int64
	err := db.NewRaw(`SELECT c.id FROM customers c WHERE c.code = ? AND ?`, code, CustomerPredicate(ctx, "c", nil)).
		Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q not found", code)
	}
	if err != nil {
		return 0, fmt.Errorf("find customer %q: %w", code, err)
	}
	return id, nil
}

// insertRequest stores a request and its REQUESTED step in one statement,
// after checking that no request of the kind is pending for the customer
// (or, for a write-off, the invoice).
func insertRequest(ctx context.Context, tx bun.IDB, dc *decisionContext, r newRequest) (int64, error) {
	var pending []int64
	scope := bun.SafeQuery("customer_id = ?", r.CustomerID)
	if r.Kind == creditdesk.KindWriteOff {
		scope = bun.SafeQuery("invoice_id = ?", *r.InvoiceID)
	}
	if err := tx.NewRaw(`SELECT id FROM approval_requests WHERE kind = ? AND status = 'PENDING' AND ?`,
		r.Kind, scope).Scan(ctx, &pending); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find pending requests: %w", err)
	}
	if len(pending) > 0 {
		return 0, creditdesk.Errorf(creditdesk.ECONFLICT, "%s %d is still pending: decide it first", kindNames[r.Kind], pending[0])
	}
	roles := make([]string, len(r.Chain))
	for i, role := range r.Chain {
		roles[i] = string(role)
	}
	var id int64
	err := tx.NewRaw(`
		WITH req AS (
			INSERT INTO approval_requests (kind, customer_id, amount, invoice_id, credit_class, exception, reason,
				required_roles, policy_version, awaiting_role, requested_by, requested_on)
			VALUES (?kind, ?customer, ?amount, ?invoice, ?class, ?exception, ?reason,
				?roles, ?version, ?awaiting, ?actor, ?today)
			RETURNING id
		)
		INSERT INTO approval_steps (request_id, decision, role, actor_id, acted_on)
		SELECT id, 'REQUESTED', ?role, ?actor, ?today FROM req
		RETURNING request_id`, sqlArgs{
		"kind": r.Kind, "customer": r.CustomerID, "amount": r.Amount, "invoice": r.InvoiceID, "class": r.Class,
		"exception": r.Exception, "reason": r.Reason, "roles": pgdialect.Array(roles), "version": dc.policy.Version,
		"awaiting": string(r.Chain[0]), "actor": dc.actor.ID, "today": dc.today, "role": dc.actor.Role,
	}).Scan(ctx, &id)
	if isUniqueViolation(err, "approval_requests_one_pending_idx") ||
		isUniqueViolation(err, "approval_requests_one_pending_write_off_idx") {
		return 0, creditdesk.Errorf(creditdesk.ECONFLICT, "another %s was made at the same moment", kindNames[r.Kind])
	}
	if err != nil {
		return 0, fmt.Errorf("insert %s: %w", kindNames[r.Kind], err)
	}
	return id, nil
}

// outcome is what the last approval's effect adds to the request row.
type outcome struct {
	EffectiveUntil *creditdesk.Date
	WriteOffID     *int64
}

// effect applies an approved request's change, in the deciding transaction.
type effect func(ctx context.Context, tx bun.Tx, dc *decisionContext, r *approvalRow) (outcome, error)

// decide records an approval or a rejection of request id of kind by the
// actor of ctx, and applies the change with apply when the approval is the
// last one needed. The request row is locked for the decision, so two
// deciders cannot both take the same step.
func (s ApprovalStore) decide(ctx context.Context, kind creditdesk.ApprovalKind, id int64, approve bool,
	comment *string, apply effect) error {
	if !approve {
		if comment == nil {
			return creditdesk.FieldError("reason", "", "is required")
		}
		r, err := requireReason("reason", *comment)
		if err != nil {
			return err
		}
		comment = &r
	} else if comment != nil && strings.TrimSpace(*comment) == "" {
		comment = nil
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		dc, err := s.begin(ctx, tx)
		if err != nil {
			return err
		}
		r := new(approvalRow)
		err = tx.NewRaw(`
			SELECT r.* FROM approval_requests r JOIN customers c ON c.id = r.customer_id
			WHERE r.id = ? AND r.kind = ? AND ?
			FOR UPDATE OF r`, id, kind, CustomerPredicate(ctx, "c", nil)).Scan(ctx, r)
		if errors.Is(err, sql.ErrNoRows) {
			return creditdesk.Errorf(creditdesk.ENOTFOUND, "%s %d not found", kindNames[kind], id)
		}
		if err != nil {
			return fmt.Errorf("lock %s %d: %w", kindNames[kind], id, err)
		}
		if r.Status != creditdesk.ApprovalPending {
			return creditdesk.Errorf(creditdesk.ECONFLICT, "%s %d is already %s", kindNames[kind], id,
				strings.ToLower(string(r.Status)))
		}
		if err := creditdesk.CheckDecider(dc.actor, r.RequestedBy, *r.AwaitingRole); err != nil {
			return err
		}
		decision := creditdesk.DecisionRejected
		if approve {
			decision = creditdesk.DecisionApproved
		}
		var approvals int
		if err := tx.NewRaw(`
			WITH step AS (
				INSERT INTO approval_steps (request_id, decision, role, actor_id, acted_on, comment)
				VALUES (?, ?, ?, ?, ?, ?)
			)
			SELECT count(*) FROM approval_steps WHERE request_id = ? AND decision = 'APPROVED'`,
			id, decision, dc.actor.Role, dc.actor.ID, dc.today, comment, id).Scan(ctx, &approvals); err != nil {
			return fmt.Errorf("record the decision on %s %d: %w", kindNames[kind], id, err)
		}
		chain := r.chain()
		switch {
		case !approve:
			_, err = tx.NewRaw(`UPDATE approval_requests SET status = 'REJECTED', awaiting_role = NULL,
				decided_by = ?, decided_on = ? WHERE id = ?`, dc.actor.ID, dc.today, id).Exec(ctx)
		case creditdesk.ApprovalCompletes(chain, approvals, dc.actor.Role):
			// approvals counts the steps before this one (the INSERT's row is
			// not visible to the statement that wrote it).
			var out outcome
			if out, err = apply(ctx, tx, dc, r); err != nil {
				return err
			}
			_, err = tx.NewRaw(`UPDATE approval_requests SET status = 'APPROVED', awaiting_role = NULL,
				decided_by = ?, decided_on = ?, effective_until = ?, write_off_id = ? WHERE id = ?`,
				dc.actor.ID, dc.today, out.EffectiveUntil, out.WriteOffID, id).Exec(ctx)
		default:
			_, err = tx.NewRaw(`UPDATE approval_requests SET awaiting_role = ? WHERE id = ?`,
				string(chain[approvals+1]), id).Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("update %s %d: %w", kindNames[kind], id, err)
		}
		return nil
	})
}

// decideAs records a decision on request id of kind, as decide does, and
// returns the request as it then stands, converted by as.
func decideAs[T any](ctx context.Context, s ApprovalStore, kind creditdesk.ApprovalKind, id int64, approve bool,
	comment *string, apply effect, as func(*loadedApproval) T) (T, error) {
	if err := s.decide(ctx, kind, id, approve, comment, apply); err != nil {
		var none T
		return none, err
	}
	return loadAs(ctx, s, kind, id, as)
}

// loadAs loads request id of kind (ENOTFOUND if there is none) and converts
// it with as.
func loadAs[T any](ctx context.Context, s ApprovalStore, kind creditdesk.ApprovalKind, id int64,
	as func(*loadedApproval) T) (T, error) {
	a, err := s.loadOne(ctx, kind, id)
	if err != nil {
		var none T
		return none, err
	}
	return as(a), nil
}

// RequestCreditLimit asks for a new credit limit for a customer (DOMAIN.md
// §3). The request needs a manager's approval, and the general manager's too
// when amount is above the policy's credit_limit_cap (compared unrounded) or
// exception is set. Sales reps, managers, finance and the general manager
// may request (EFORBIDDEN otherwise); EINVALID for a negative amount or an
// empty reason; ENOTFOUND for an unknown or invisible customer; ECONFLICT
// when a limit request for the customer is pending.
func (s ApprovalStore) RequestCreditLimit(ctx context.Context, customerCode string, amount creditdesk.Money,
	reason string, exception bool) (*creditdesk.CreditLimitRequest, error) {
	reason, err := requireReason("reason", reason)
	if err != nil {
		return nil, err
	}
	if amount.IsNegative() {
		return nil, creditdesk.FieldError("amount", creditdesk.DecimalText(amount.Decimal), "a credit limit cannot be negative")
	}
	if !amount.Equal(amount.Round(creditdesk.MoneyScale)) {
		return nil, creditdesk.FieldError("amount", creditdesk.DecimalText(amount.Decimal), "a credit limit has at most 2 decimal places")
	}
	var id int64
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		dc, err := s.begin(ctx, tx)
		if err != nil {
			return err
		}
		if err := checkRequester(dc.actor); err != nil {
			return err
		}
		cid, err := visibleCustomerID(ctx, tx, customerCode)
		if err != nil {
			return err
		}
		// DOMAIN.md §3: no limit above credit_limit_cap without the general
		// manager's approval.
		chain := creditdesk.CreditLimitChain(amount.Decimal, dc.policy.Decimal("credit_limit_cap"), exception)
		id, err = insertRequest(ctx, tx, dc, newRequest{Kind: creditdesk.KindCreditLimit, CustomerID: cid,
			Amount: amount.Decimal, Exception: exception, Reason: reason, Chain: chain})
		return err
	})
	if err != nil {
		return nil, err
	}
	return loadAs(ctx, s, creditdesk.KindCreditLimit, id, (*loadedApproval).limit)
}

// ApproveCreditLimitRequest approves the awaited step of a limit request. On
// the last approval the customer's credit limit changes, with a
// customer_history row naming the requester and the approver, in the same
// transaction. A manager who sees the customer or the general manager
// decides a manager step; only the general manager a general manager step;
// nobody their own request (EFORBIDDEN). ENOTFOUND for an unknown or
// invisible request, ECONFLICT for one already decided.
func (s ApprovalStore) ApproveCreditLimitRequest(ctx context.Context, id int64, comment *string) (*creditdesk.CreditLimitRequest, error) {
	return decideAs(ctx, s, creditdesk.KindCreditLimit, id, true, comment, applyCreditLimit, (*loadedApproval).limit)
}

// RejectCreditLimitRequest rejects a limit request; the same people as for
// an approval may, and a reason is required (EINVALID). Other errors as
// ApproveCreditLimitRequest.
func (s ApprovalStore) RejectCreditLimitRequest(ctx context.Context, id int64, reason string) (*creditdesk.CreditLimitRequest, error) {
	return decideAs(ctx, s, creditdesk.KindCreditLimit, id, false, &reason, nil, (*loadedApproval).limit)
}

// applyCreditLimit sets the approved limit and writes the history row
// (000 3.7.4: old value, new value, reason, who changed it, who approved).
func applyCreditLimit(ctx context.Context, tx bun.Tx, dc *decisionContext, r *approvalRow) (outcome, error) {
	var old struct{ CreditLimit *creditdesk.Money }
	if err := tx.NewRaw(`SELECT credit_limit FROM customers WHERE id = ? FOR UPDATE`, r.CustomerID).
		Scan(ctx, &old); err != nil {
		return outcome{}, fmt.Errorf("lock customer %d: %w", r.CustomerID, err)
	}
	if _, err := tx.NewRaw(`UPDATE customers SET credit_limit = ? WHERE id = ?`, r.Amount.Decimal, r.CustomerID).
		Exec(ctx); err != nil {
		return outcome{}, fmt.Errorf("set the credit limit of customer %d: %w", r.CustomerID, err)
	}
	newLimit := creditdesk.NewMoney(r.Amount.Decimal)
	if old.CreditLimit != nil && old.CreditLimit.Equal(newLimit.Decimal) {
		return outcome{}, nil
	}
	err := insertHistory(ctx, tx, r.CustomerID, []historyRow{{
		Field: "creditLimit", OldValue: moneyText(old.CreditLimit), NewValue: moneyText(&newLimit),
	}}, fmt.Sprintf("credit limit request %d: %s", r.ID, r.Reason), r.RequestedBy, &dc.actor.ID)
	return outcome{}, err
}

// RequestWriteOff asks to write off amount (in the invoice's currency) of an
// invoice's open balance (呆账核销, 002 十七: "销售部门认为确实无法收回的款项案件,
// 应先提报,最终由公司总经理核准"). Sales reps, managers, finance and the
// general manager may request (EFORBIDDEN otherwise); ENOTFOUND for an
// unknown invoice or one of an invisible customer; EINVALID for an amount
// not above zero, with more than 2 decimals or above the open balance
// today, or an empty reason; ECONFLICT when a write-off of the invoice is
// pending.
func (s ApprovalStore) RequestWriteOff(ctx context.Context, invoiceNumber string, amount creditdesk.Money,
	reason string) (*creditdesk.WriteOffRequest, error) {
	reason, err := requireReason("reason", reason)
	if err != nil {
		return nil, err
	}
	if !amount.IsPositive() {
		return nil, creditdesk.FieldError("amount", creditdesk.DecimalText(amount.Decimal), "must be above zero")
	}
	if !amount.Equal(amount.Round(creditdesk.MoneyScale)) {
		return nil, creditdesk.FieldError("amount", creditdesk.DecimalText(amount.Decimal), "has more than 2 decimal places")
	}
	var id int64
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		dc, err := s.begin(ctx, tx)
		if err != nil {
			return err
		}
		if err := checkRequester(dc.actor); err != nil {
			return err
		}
		inv, err := lockInvoice(ctx, tx, invoiceNumber, dc.today)
		if err != nil {
			return err
		}
		if amount.GreaterThan(inv.Open.Decimal) {
			return creditdesk.FieldError("amount", creditdesk.DecimalText(amount.Decimal), "is above the open balance of invoice %s on %s (%s %s)",
				invoiceNumber, dc.today, inv.Open, inv.Currency)
		}
		id, err = insertRequest(ctx, tx, dc, newRequest{Kind: creditdesk.KindWriteOff, CustomerID: inv.CustomerID,
			Amount: amount.Decimal, InvoiceID: &inv.ID, Reason: reason, Chain: creditdesk.WriteOffChain()})
		return err
	})
	if err != nil {
		return nil, err
	}
	return loadAs(ctx, s, creditdesk.KindWriteOff, id, (*loadedApproval).writeOff)
}

// lockedInvoice is an invoice locked for a write-off, with its open balance
// on a day: the lower of the balance on that day and after every settlement
// recorded, so that a write-off never takes a later balance below zero.
type lockedInvoice struct {
	ID         int64
	CustomerID int64
	Currency   string
	Open       creditdesk.Money
}

func lockInvoice(ctx context.Context, tx bun.IDB, number string, day creditdesk.Date) (*lockedInvoice, error) {
	inv := new(lockedInvoice)
	err := tx.NewRaw(`
		SELECT i.id, i.customer_id, i.currency,
		       i.amount - greatest(
		           (SELECT coalesce(sum(s.amount), 0) FROM settlements s WHERE s.invoice_id = i.id AND s.date <= ?::date),
		           (SELECT coalesce(sum(s.amount), 0) FROM settlements s WHERE s.invoice_id = i.id)) AS open
		FROM invoices i
		JOIN customers c ON c.id = i.customer_id
		WHERE i.number = ? AND i.ship_date <= ?::date AND ?
		FOR UPDATE OF i`, day, number, day, CustomerPredicate(ctx, "c", nil)).Scan(ctx, inv)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "invoice %q not found", number)
	}
	if err != nil {
		return nil, fmt.Errorf("lock invoice %q: %w", number, err)
	}
	return inv, nil
}

// ApproveWriteOff approves a write-off request (general manager only,
// 002 十七; not the requester: EFORBIDDEN) and posts it dated today: a
// write_offs row and its WRITE_OFF settlement (the ledger's trigger keeps
// invoices.settled_on right), then re-evaluates the customer's credit class
// (a write-off is a credit default, R5). ECONFLICT when the open balance
// today is below the amount or the request is already decided; ENOTFOUND
// for an unknown or invisible request.
func (s ApprovalStore) ApproveWriteOff(ctx context.Context, id int64, comment *string) (*creditdesk.WriteOffRequest, error) {
	return decideAs(ctx, s, creditdesk.KindWriteOff, id, true, comment, applyWriteOff, (*loadedApproval).writeOff)
}

// RejectWriteOff rejects a write-off request (general manager only; a
// reason is required). Errors as ApproveWriteOff.
func (s ApprovalStore) RejectWriteOff(ctx context.Context, id int64, reason string) (*creditdesk.WriteOffRequest, error) {
	return decideAs(ctx, s, creditdesk.KindWriteOff, id, false, &reason, nil, (*loadedApproval).writeOff)
}

func applyWriteOff(ctx context.Context, tx bun.Tx, dc *decisionContext, r *approvalRow) (outcome, error) {
	var number string
	if err := tx.NewRaw(`SELECT number FROM invoices WHERE id = ?`, *r.InvoiceID).Scan(ctx, &number); err != nil {
		return outcome{}, fmt.Errorf("find invoice %d: %w", *r.InvoiceID, err)
	}
	inv, err := lockInvoice(ctx, tx, number, dc.today)
	if err != nil {
		return outcome{}, err
	}
	if r.Amount.Decimal.GreaterThan(inv.Open.Decimal) {
		return outcome{}, creditdesk.Errorf(creditdesk.ECONFLICT,
			"the open balance of invoice %s on %s is %s %s, below the write-off of %s: reject this request and make a new one",
			number, dc.today, inv.Open, inv.Currency, creditdesk.NewMoney(r.Amount.Decimal))
	}
	var writeOffID int64
	err = tx.NewRaw(`
		WITH w AS (
			INSERT INTO write_offs (invoice_id, date, amount, reason, approved_by)
			VALUES (?invoice, ?today, ?amount, ?reason, ?actor)
			RETURNING id, invoice_id, date, amount
		)
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, write_off_id)
		SELECT w.invoice_id, ?customer, 'WRITE_OFF', w.date, w.amount, w.id FROM w
		RETURNING write_off_id`, sqlArgs{
		"invoice": inv.ID, "today": dc.today, "amount": r.Amount.Decimal, "reason": r.Reason,
		"actor": dc.actor.ID, "customer": inv.CustomerID,
	}).Scan(ctx, &writeOffID)
	if err != nil {
		return outcome{}, fmt.Errorf("post the write-off of invoice %s: %w", number, err)
	}
	// A write-off is a credit default (R5): the stored class follows now.
	if err := ReevaluateCustomer(ctx, tx, inv.CustomerID, dc.today); err != nil {
		return outcome{}, err
	}
	return outcome{WriteOffID: &writeOffID}, nil
}

// RequestCreditClassOverride asks to set a customer's credit class by
// special approval to expand trade (000 第九条2: "在营销主管为扩大交易规模,
// 进行特别批示的情况下"). Sales reps, managers, finance and the general
// manager may request (EFORBIDDEN otherwise); EINVALID for an empty reason
// or an unknown class; ENOTFOUND for an unknown or invisible customer;
// ECONFLICT when an override of the customer is pending.
func (s ApprovalStore) RequestCreditClassOverride(ctx context.Context, customerCode string, class creditdesk.CreditClass,
	reason string) (*creditdesk.CreditClassOverride, error) {
	reason, err := requireReason("reason", reason)
	if err != nil {
		return nil, err
	}
	if !creditdesk.OneOf(class, creditdesk.CreditClasses) {
		return nil, creditdesk.FieldError("class", string(class), "must be one of %v", creditdesk.CreditClasses)
	}
	var id int64
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		dc, err := s.begin(ctx, tx)
		if err != nil {
			return err
		}
		if err := checkRequester(dc.actor); err != nil {
			return err
		}
		cid, err := visibleCustomerID(ctx, tx, customerCode)
		if err != nil {
			return err
		}
		id, err = insertRequest(ctx, tx, dc, newRequest{Kind: creditdesk.KindClassOverride, CustomerID: cid,
			Class: &class, Reason: reason, Chain: creditdesk.OverrideChain()})
		return err
	})
	if err != nil {
		return nil, err
	}
	return loadAs(ctx, s, creditdesk.KindClassOverride, id, (*loadedApproval).override)
}

// ApproveCreditClassOverride approves an override: a manager who sees the
// customer or the general manager, not the requester (EFORBIDDEN). It
// applies from today to the end of today's quarter (DOMAIN.md §4.4), and the
// customer's stored class is set to it now, with a history row naming the
// approver; the next evaluation after it expires restores the computed
// class. ENOTFOUND for an unknown or invisible override, ECONFLICT for one
// already decided.
func (s ApprovalStore) ApproveCreditClassOverride(ctx context.Context, id int64, comment *string) (*creditdesk.CreditClassOverride, error) {
	return decideAs(ctx, s, creditdesk.KindClassOverride, id, true, comment, applyOverride, (*loadedApproval).override)
}

// RejectCreditClassOverride rejects an override; the same people as for an
// approval may, and a reason is required (EINVALID).
func (s ApprovalStore) RejectCreditClassOverride(ctx context.Context, id int64, reason string) (*creditdesk.CreditClassOverride, error) {
	return decideAs(ctx, s, creditdesk.KindClassOverride, id, false, &reason, nil, (*loadedApproval).override)
}

func applyOverride(ctx context.Context, tx bun.Tx, dc *decisionContext, r *approvalRow) (outcome, error) {
	until := creditdesk.OverrideEffectiveUntil(dc.today)
	var old struct{ CreditClass *string }
	if err := tx.NewRaw(`SELECT credit_class FROM customers WHERE id = ? FOR UPDATE`, r.CustomerID).
		Scan(ctx, &old); err != nil {
		return outcome{}, fmt.Errorf("lock customer %d: %w", r.CustomerID, err)
	}
	class := string(*r.CreditClass)
	if old.CreditClass == nil || *old.CreditClass != class {
		if _, err := tx.NewRaw(`UPDATE customers SET credit_class = ? WHERE id = ?`, class, r.CustomerID).
			Exec(ctx); err != nil {
			return outcome{}, fmt.Errorf("set the credit class of customer %d: %w", r.CustomerID, err)
		}
		if err := insertHistory(ctx, tx, r.CustomerID, []historyRow{{
			Field: "creditClass", OldValue: old.CreditClass, NewValue: &class,
		}}, fmt.Sprintf("credit class override %d until %s: %s", r.ID, until, r.Reason), r.RequestedBy, &dc.actor.ID); err != nil {
			return outcome{}, err
		}
	}
	return outcome{EffectiveUntil: &until}, nil
}
