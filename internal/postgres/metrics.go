package postgres

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// MetricsStore answers metrics queries (creditdesk.MetricsService) with one
// SQL statement each, compiled from a whitelist of fragments (metrics_sql.go).
// Give it its own *bun.DB handle so dashboards can be pointed at a replica.
type MetricsStore struct{ DB bun.IDB }

var _ creditdesk.MetricsService = MetricsStore{}

// Metrics runs q for the actor of ctx: the rows (at most the limit, flagged
// when cut) and the totals over every row, from the same statement. Any
// user may call it; the actor's customer scope applies. EINVALID for an
// invalid query (creditdesk.MetricsQuery.Validate).
func (s MetricsStore) Metrics(ctx context.Context, q creditdesk.MetricsQuery) (*creditdesk.MetricsResult, error) {
	plan, err := compileMetrics(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "?", plan.query)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer rows.Close()

	res := &creditdesk.MetricsResult{
		Measures:   q.Measures,
		Dimensions: q.Dimensions,
		Grain:      q.Grain,
		Period:     q.Period,
		Rows:       []*creditdesk.MetricsRow{},
		Limit:      plan.limit,
	}
	if res.Dimensions == nil {
		res.Dimensions = []creditdesk.Dimension{}
	}
	var (
		grp, groups          int64
		label                *string
		start, end           creditdesk.Date
		keys                 = make([]*string, 2*len(q.Dimensions))
		values               = make([]decimal.NullDecimal, len(q.Measures))
		dest                 = []any{&grp, &groups, &label, &start, &end}
		rowsSeen, dataGroups int64
	)
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	for j := range values {
		dest = append(dest, &values[j])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("metrics: scan: %w", err)
		}
		rowsSeen++
		r := &creditdesk.MetricsRow{
			Dimensions: make([]creditdesk.DimensionValue, len(q.Dimensions)),
			Values:     make([]creditdesk.MeasureValue, len(q.Measures)),
		}
		isTotals := grp > 0
		for i, d := range q.Dimensions {
			r.Dimensions[i] = creditdesk.DimensionValue{Dimension: d}
			if !isTotals {
				r.Dimensions[i].Key, r.Dimensions[i].Label = keys[2*i], keys[2*i+1]
			}
		}
		if !isTotals && label != nil {
			l, s, e := *label, start, end
			r.Period, r.PeriodStart, r.PeriodEnd = &l, &s, &e
		}
		for j, m := range q.Measures {
			var v *decimal.Decimal
			if values[j].Valid {
				d := values[j].Decimal
				v = &d
			}
			r.Values[j] = creditdesk.NewMeasureValue(m, v)
		}
		switch {
		case !plan.separateTotals:
			// No dimension and no grain: the one row is also the totals.
			res.Rows = append(res.Rows, r)
			res.Totals = r
			dataGroups = groups
		case isTotals:
			res.Totals = r
			dataGroups = groups - 1
		default:
			if len(res.Rows) < plan.limit {
				res.Rows = append(res.Rows, r)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if res.Totals == nil {
		return nil, fmt.Errorf("metrics: the statement returned no totals row (%d rows)", rowsSeen)
	}
	res.Totals.Dimensions = []creditdesk.DimensionValue{}
	res.Truncated = dataGroups > int64(len(res.Rows))
	return res, nil
}
