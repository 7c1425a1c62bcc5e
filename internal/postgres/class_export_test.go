package postgres

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// ClassEvaluationJSON exposes the evaluation to the tests: the rows of the
// `evaluation` CTE for the visible customers of ids (every visible customer,
// through pipeline.sql, when ids is nil; through cd_credit_class_of
// otherwise) as of asOf, each as the JSON text of the whole row, in
// customer order.
func ClassEvaluationJSON(ctx context.Context, db bun.IDB, ids []int64, asOf creditdesk.Date) ([]string, error) {
	p, err := PolicyStore{DB: db}.PolicyAt(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var rows []string
	err = db.NewRaw(`WITH ? SELECT row_to_json(e)::text FROM evaluation e ORDER BY e.customer_id`,
		classPipeline(ctx, ids, asOf, p)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("evaluation as of %s: %w", asOf, err)
	}
	return rows, nil
}
