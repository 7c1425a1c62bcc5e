package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// DealerEvaluationSummary reports one run of the quarterly dealer evaluation.
type DealerEvaluationSummary = creditdesk.DealerEvaluationSummary

// dealerEvaluationLock serialises evaluation runs: two runs at once could
// otherwise both mark themselves latest, or write an older quarter's class
// over a newer one.
const dealerEvaluationLock int64 = 0x6465616c65727331 // "dealers1"

// EvaluateDealers runs the quarterly dealer evaluation (002 客户评估一.1, 一.3:
// "每季度对各级经销商进行评估与级别调整 … 最后结果记入客户档案") in one
// transaction, set-based:
//
//   - it adds an evaluation run for the quarter, marked latest, which
//     supersedes the quarter's previous run (kept, never deleted);
//   - it stores every dealer's scorecard and metric scores under that run;
//   - it writes each dealer's class to customers.dealer_class and
//     dealer_class_quarter, with a customer_history row (级别调整, reason
//     "dealer evaluation 2025Q2") when the class changed. A dealer whose
//     archive class already comes from a later quarter keeps it.
//
// The run is recorded as made by the actor of ctx, or by the built-in admin
// user when there is none (the command line). An actor other than a general
// manager gets EFORBIDDEN; ENOTFOUND when no policy version is in force on
// the quarter's last day.
func EvaluateDealers(ctx context.Context, db *bun.DB, q creditdesk.Quarter) (DealerEvaluationSummary, error) {
	var sum DealerEvaluationSummary
	actor := creditdesk.ActorFrom(ctx)
	if actor != nil && actor.Role != creditdesk.RoleGeneralManager {
		return sum, creditdesk.Errorf(creditdesk.EFORBIDDEN,
			"only a general manager may run the dealer evaluation, which re-grades every dealer")
	}
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", dealerEvaluationLock); err != nil {
			return fmt.Errorf("lock dealer evaluation: %w", err)
		}
		var actorID int64
		if actor != nil {
			actorID = actor.ID
		} else if err := tx.NewRaw(`SELECT id FROM users WHERE username = 'admin'`).Scan(ctx, &actorID); err != nil {
			return fmt.Errorf("find the admin user: %w", err)
		}

		var previous []int64
		if err := tx.NewRaw(`UPDATE dealer_evaluations SET latest = false WHERE quarter = ? AND latest RETURNING id`,
			q.String()).Scan(ctx, &previous); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("supersede the previous run: %w", err)
		}
		var supersedes *int64
		if len(previous) > 0 {
			supersedes = &previous[0]
		}

		var run struct {
			ID            int64
			PolicyVersion int
			EvaluatedAt   time.Time
		}
		err := tx.NewRaw(`
			INSERT INTO dealer_evaluations (quarter, policy_version, supersedes, evaluated_by)
			SELECT ?quarter, v.version, ?supersedes::bigint, ?actor
			FROM policy_versions v
			WHERE v.effective_from <= ?last::date
			ORDER BY v.effective_from DESC, v.version DESC
			LIMIT 1
			RETURNING id, policy_version, evaluated_at`,
			namedArgs{"quarter": q.String(), "supersedes": supersedes, "actor": actorID, "last": q.Last()}).Scan(ctx, &run)
		if errors.Is(err, sql.ErrNoRows) {
			return creditdesk.Errorf(creditdesk.ENOTFOUND, "no policy version is in force on %s", q.Last())
		}
		if err != nil {
			return fmt.Errorf("add evaluation run: %w", err)
		}

		args := dealerQuarterArgs(q)
		args["run"] = run.ID
		args["actor"] = actorID
		// 002 客户评估一.3: the result is written to the customer's archive.
		args["reason"] = "dealer evaluation " + q.String()
		var counts struct {
			Dealers        int
			Incomplete     int
			ClassA         int `bun:"class_a"`
			ClassB         int `bun:"class_b"`
			ClassC         int `bun:"class_c"`
			MetricRows     int
			ClassesWritten int
			ClassChanges   int
		}
		err = tx.NewRaw(`
			WITH s AS (`+scorecardsSQL+`
			), card AS (
				SELECT DISTINCT ON (customer_id) customer_id, dealer_type, policy_version, composite, complete, rank,
				       dealer_class, sales, target, attainment, reward_points
				FROM s ORDER BY customer_id
			), stored_card AS (
				INSERT INTO dealer_scorecards (evaluation_id, customer_id, quarter, dealer_type, policy_version,
				                               composite, complete, rank, dealer_class, sales, target, attainment, reward_points)
				SELECT ?run, customer_id, ?quarter, dealer_type, policy_version,
				       composite, complete, rank, dealer_class, sales, target, attainment, reward_points
				FROM card
				RETURNING customer_id, dealer_class, complete
			), stored_metric AS (
				INSERT INTO dealer_scorecard_metrics (evaluation_id, customer_id, metric, ord, weight, score)
				SELECT ?run, customer_id, metric, ord, weight, score FROM s
				RETURNING customer_id
			), regraded AS (
				-- The archive keeps the class of the latest quarter evaluated.
				SELECT c.id, c.dealer_class AS old_class, k.dealer_class AS new_class
				FROM card k
				JOIN customers c ON c.id = k.customer_id
				WHERE c.dealer_class_quarter IS NULL OR c.dealer_class_quarter <= ?quarter
			), written AS (
				UPDATE customers c
				SET dealer_class = r.new_class, dealer_class_quarter = ?quarter
				FROM regraded r
				WHERE c.id = r.id
				RETURNING c.id
			), history AS (
				-- 级别调整: a history row only when the class changes.
				INSERT INTO customer_history (customer_id, field, old_value, new_value, reason, changed_by)
				SELECT r.id, 'dealerClass', r.old_class, r.new_class, ?reason, ?actor
				FROM regraded r
				WHERE r.old_class IS DISTINCT FROM r.new_class
				RETURNING customer_id
			)
			SELECT (SELECT count(*) FROM stored_card) AS dealers,
			       (SELECT count(*) FROM stored_card WHERE NOT complete) AS incomplete,
			       (SELECT count(*) FROM stored_card WHERE dealer_class = 'A') AS class_a,
			       (SELECT count(*) FROM stored_card WHERE dealer_class = 'B') AS class_b,
			       (SELECT count(*) FROM stored_card WHERE dealer_class = 'C') AS class_c,
			       (SELECT count(*) FROM stored_metric) AS metric_rows,
			       (SELECT count(*) FROM written) AS classes_written,
			       (SELECT count(*) FROM history) AS class_changes`, args).Scan(ctx, &counts)
		if err != nil {
			return fmt.Errorf("store scorecards: %w", err)
		}
		sum = DealerEvaluationSummary{
			EvaluationID:   run.ID,
			Quarter:        q,
			PolicyVersion:  run.PolicyVersion,
			Supersedes:     supersedes,
			Dealers:        counts.Dealers,
			Incomplete:     counts.Incomplete,
			ClassA:         counts.ClassA,
			ClassB:         counts.ClassB,
			ClassC:         counts.ClassC,
			ClassChanges:   counts.ClassChanges,
			ClassesWritten: counts.ClassesWritten,
			EvaluatedAt:    run.EvaluatedAt,
		}
		return nil
	})
	if err != nil {
		return DealerEvaluationSummary{}, err
	}
	return sum, nil
}

// EvaluateDealers implements creditdesk.DealerService; see the package
// function EvaluateDealers.
func (s DealerStore) EvaluateDealers(ctx context.Context, q creditdesk.Quarter) (*creditdesk.DealerEvaluationSummary, error) {
	sum, err := EvaluateDealers(ctx, s.DB, q)
	if err != nil {
		return nil, err
	}
	return &sum, nil
}
