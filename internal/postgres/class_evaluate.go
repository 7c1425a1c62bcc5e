package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// EvaluateSummary reports one stored credit class evaluation.
type EvaluateSummary struct {
	EvaluationID  int64
	AsOf          creditdesk.Date
	PolicyVersion int
	// Customers is the number of customers evaluated, Changed the number
	// whose stored class changed.
	Customers int
	Changed   int
	// ByClass counts the effective classes.
	ByClass map[creditdesk.CreditClass]int
	Took    time.Duration
}

// String is the command line's one-line report.
func (s EvaluateSummary) String() string {
	return fmt.Sprintf("credit evaluation %d as of %s (policy version %d): %d customers, %d changed; 甲 %d, 乙 %d, 丙 %d; took %s",
		s.EvaluationID, s.AsOf, s.PolicyVersion, s.Customers, s.Changed,
		s.ByClass[creditdesk.CreditJia], s.ByClass[creditdesk.CreditYi], s.ByClass[creditdesk.CreditBing],
		s.Took.Round(time.Millisecond))
}

// classEvaluationLock serialises evaluation runs, so that the "keep a class
// from a later evaluation" check of one run sees what the other stored.
const classEvaluationLock int64 = 0x637265646974636c // "creditcl"

// EvaluateCreditClasses evaluates the credit class of every customer as of
// asOf (000 第九条, DOMAIN.md §4) with the policy version in force then, and
// stores it, in one transaction and one set-based statement: an evaluation
// run, a snapshot per customer (classes, eligibility, payment score, fired
// rules and every input), the customers' stored credit_class where it
// changed, and a customer_history row per change with the reason "credit
// evaluation as of …". A customer whose stored class comes from an
// evaluation as of a later date keeps it.
//
// It is what `creditdesk evaluate --as-of DATE` runs. It acts as the actor
// of ctx, or the built-in admin when there is none (the command line); an
// actor other than a general manager gets EFORBIDDEN (it re-grades every
// customer). ENOTFOUND when no policy version is in force on asOf.
func EvaluateCreditClasses(ctx context.Context, db *bun.DB, asOf creditdesk.Date) (EvaluateSummary, error) {
	start := time.Now()
	var sum EvaluateSummary
	if a := creditdesk.ActorFrom(ctx); a != nil && a.Role != creditdesk.RoleGeneralManager {
		return sum, creditdesk.Errorf(creditdesk.EFORBIDDEN,
			"only a general manager may run the credit evaluation, which re-grades every customer")
	}
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", classEvaluationLock); err != nil {
			return fmt.Errorf("lock credit evaluation: %w", err)
		}
		var err error
		sum, err = storeEvaluation(ctx, tx, nil, asOf, "EVALUATION", creditdesk.ReasonCreditEvaluation(asOf))
		return err
	})
	sum.Took = time.Since(start)
	return sum, err
}

// ReevaluateCustomer re-evaluates one customer as of asOf after a credit
// event (a dishonoured note, 000 第七条2: "银行拒付…信用恶化"; a write-off) and
// stores it like EvaluateCreditClasses does: a CREDIT_EVENT run with the
// customer's snapshot, its stored class, and a history row (reason "credit
// event: re-evaluation as of …") when the class changed. An override approved
// before the event no longer applies from the event on.
//
// Call it inside the transaction that records the event, after the event's
// rows are written (the evaluation reads them), with tx that transaction.
// It acts as the actor of ctx (default admin) and sees only its customers:
// ENOTFOUND for a customer outside the actor's scope or unknown, ENOTFOUND
// when no policy version is in force on asOf.
func ReevaluateCustomer(ctx context.Context, tx bun.IDB, customerID int64, asOf creditdesk.Date) error {
	sum, err := storeEvaluation(ctx, tx, []int64{customerID}, asOf, "CREDIT_EVENT",
		creditdesk.ReasonCreditEvent(asOf))
	if err != nil {
		return err
	}
	if sum.Customers == 0 {
		return creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %d not found", customerID)
	}
	return nil
}

// storeEvaluation runs evaluate.sql for the visible customers of ids (every
// visible customer when ids is nil).
func storeEvaluation(ctx context.Context, db bun.IDB, ids []int64, asOf creditdesk.Date,
	trigger, reason string) (EvaluateSummary, error) {
	sum := EvaluateSummary{AsOf: asOf}
	p, err := PolicyStore{DB: db}.PolicyAt(ctx, asOf)
	if err != nil {
		return sum, err
	}
	actor, err := actingUser(ctx, db)
	if err != nil {
		return sum, err
	}
	var out struct {
		EvaluationID int64
		Customers    int
		Changed      int
		Jia, Yi      int
		Bing         int
	}
	err = db.NewRaw(classQuery("evaluate.sql"), sqlArgs{
		"asof": asOf, "version": p.Version, "trigger": trigger, "actor": actor.ID, "reason": reason,
		"pipeline": classPipeline(ctx, ids, asOf, p),
	}).Scan(ctx, &out)
	if err != nil {
		return sum, fmt.Errorf("store credit evaluation as of %s: %w", asOf, err)
	}
	sum.EvaluationID, sum.PolicyVersion = out.EvaluationID, p.Version
	sum.Customers, sum.Changed = out.Customers, out.Changed
	sum.ByClass = map[creditdesk.CreditClass]int{
		creditdesk.CreditJia: out.Jia, creditdesk.CreditYi: out.Yi, creditdesk.CreditBing: out.Bing,
	}
	return sum, nil
}

// actingUser returns the actor of ctx, or the built-in admin (a general
// manager) when there is none: until tokens exist every request acts as it
// (DOMAIN.md §8).
func actingUser(ctx context.Context, db bun.IDB) (*creditdesk.User, error) {
	if a := creditdesk.ActorFrom(ctx); a != nil {
		return a, nil
	}
	return UserStore{DB: db}.FindUserByUsername(ctx, "admin")
}
