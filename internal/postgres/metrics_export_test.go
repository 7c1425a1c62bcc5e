package postgres

import (
	"context"

	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// CompileMetricsSQL exposes the metrics compiler to the tests: the SQL text
// of q's statement for the actor of ctx, with every literal formatted.
func CompileMetricsSQL(ctx context.Context, q creditdesk.MetricsQuery) (string, error) {
	plan, err := compileMetrics(ctx, q)
	if err != nil {
		return "", err
	}
	b, err := plan.query.AppendQuery(schema.NewQueryGen(pgdialect.New()), nil)
	return string(b), err
}
