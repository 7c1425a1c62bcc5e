package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"creditdesk/internal/creditdesk"
)

// agingGroup is how aging.sql groups and names its rows: the group's id (the
// facts' own customer id f.customer_id, or over c, the customers, which
// agingGroupJoin then joins), the join that names it (alias k) and its key
// and label over
// g (the grouped row) and k. A whitelist, never user text. API.md: the key is
// the customer code, the rep's username, the office code or the industry.
type agingGroup struct{ group, labels, key, label string }

var agingGroups = map[creditdesk.AgingGroupBy]agingGroup{
	creditdesk.AgingByCustomer: {"f.customer_id", "LEFT JOIN customers k ON k.id = g.gid", "k.code", "k.name"},
	creditdesk.AgingByRep: {"c.rep_id", "LEFT JOIN users k ON k.id = g.gid",
		"coalesce(k.username, '" + creditdesk.UnassignedRepKey + "')", "coalesce(k.name, '未分配业务员')"},
	creditdesk.AgingByOffice: {"c.office_id", "LEFT JOIN offices k ON k.id = g.gid", "k.code", "k.name"},
	creditdesk.AgingByIndustry: {"c.industry", "", "g.gid", `CASE g.gid
		WHEN 'INTL_PARTS_DISTRIBUTOR' THEN '国际零配件销售商'
		WHEN 'INTL_GOODS_MERCHANT' THEN '国际性用品商'
		WHEN 'REGIONAL_ELECTRICAL' THEN '地区电气店'
		WHEN 'REGIONAL_SPECIALTY' THEN '地区专营店'
		WHEN 'REGIONAL_VOLUME' THEN '地区批量销售店'
		WHEN 'REGIONAL_DIY' THEN '地区DIY店'
		ELSE '其他' END`},
}

// agingAmounts is the amounts column of aging.sql for n buckets: one
// filtered sum per bucket, in bucket order. Written from n alone.
func agingAmounts(n int) string {
	sums := make([]string, n)
	for i := range sums {
		sums[i] = fmt.Sprintf("coalesce(sum(f.closing) FILTER (WHERE f.bucket = %d), 0)", i)
	}
	return "ARRAY[" + strings.Join(sums, ", ") + "]"
}

// agingMeasures is the measures column list of aging.sql: the opening
// receivables, the sales and DSO, best possible DSO, ADD and CEI over them
// (the trailing period's days, DSOPeriodDays, a constant) when the report
// computes collection measures, nothing otherwise.
func agingMeasures(collection bool) string {
	if !collection {
		return ""
	}
	return fmt.Sprintf(`, g.opening, g.sales,
       %[1]d * cd_div(g.closing, g.sales) AS dso,
       %[1]d * cd_div(g.not_due, g.sales) AS best_dso,
       %[1]d * cd_div(g.closing - g.not_due, g.sales) AS add_days,
       cd_div(g.opening + g.sales - g.closing, g.opening + g.sales - g.not_due) AS cei`, creditdesk.DSOPeriodDays)
}

// agingBases are the dates days overdue count from (DOMAIN.md §3).
var agingBases = map[creditdesk.AgingBasis]string{
	creditdesk.AgingDueDate:  "o.due_date",
	creditdesk.AgingShipDate: "o.ship_date",
}

// agingRow is a row of aging.sql: a group's row, or the grand total
// (IsTotal).
type agingRow struct {
	Key           *string
	Label         *string
	IsTotal       bool
	Amounts       []string `bun:",array"`
	Closing       decimal.Decimal
	NotDue        decimal.Decimal
	Opening       decimal.Decimal
	Sales         decimal.Decimal
	DSO           decimal.NullDecimal `bun:"dso"`
	BestDSO       decimal.NullDecimal
	ADD           decimal.NullDecimal `bun:"add_days"`
	CEI           decimal.NullDecimal `bun:"cei"`
	PolicyVersion *int
}

// AgingReport ages the open receivables of the customers the query selects
// as of its date (DOMAIN.md §3), grouped by customer, rep, office or
// industry, with DSO, CEI and ADD over the trailing 90 days when
// q.Collection asks for them. The rows and the totals come from one
// statement (GROUPING SETS) and are rounded once, when shown; rows are the
// groups with open receivables, by key. Any caller may use it; the filter
// and the actor's scope apply in the SQL. EINVALID for bad edges, an
// unknown grouping or basis.
func (s CreditStore) AgingReport(ctx context.Context, q creditdesk.AgingQuery) (*creditdesk.AgingReport, error) {
	if q.GroupBy == "" {
		q.GroupBy = creditdesk.AgingByCustomer
	}
	if q.Basis == "" {
		q.Basis = creditdesk.AgingDueDate
	}
	if q.Edges == nil {
		q.Edges = slices.Clone(creditdesk.DefaultAgingEdges)
	}
	group, ok := agingGroups[q.GroupBy]
	if !ok {
		return nil, creditdesk.FieldError("groupBy", string(q.GroupBy), "not an ageing grouping")
	}
	basis, ok := agingBases[q.Basis]
	if !ok {
		return nil, creditdesk.FieldError("basis", string(q.Basis), "not an ageing basis")
	}
	if err := creditdesk.ValidateAgingEdges(q.Edges); err != nil {
		return nil, err
	}
	rep := &creditdesk.AgingReport{
		AsOf:       q.AsOf,
		GroupBy:    q.GroupBy,
		Basis:      q.Basis,
		Edges:      q.Edges,
		Buckets:    creditdesk.AgingBucketLabels(q.Edges),
		PeriodFrom: q.AsOf.AddDays(1 - creditdesk.DSOPeriodDays),
		Collection: q.Collection,
	}
	var rows []agingRow
	err := s.DB.NewRaw(agingSQL, namedArgs{
		"asof":       q.AsOf,
		"opening":    q.AsOf.AddDays(-creditdesk.DSOPeriodDays),
		"from":       rep.PeriodFrom,
		"edges":      pgdialect.Array(q.Edges),
		"basis":      bun.SafeQuery(basis),
		"group":      bun.SafeQuery(group.group),
		"amounts":    bun.SafeQuery(agingAmounts(len(rep.Buckets))),
		"labels":     bun.SafeQuery(group.labels),
		"key":        bun.SafeQuery(group.key),
		"label":      bun.SafeQuery(group.label),
		"in_scope_o": scopeIn(ctx, q.Filter, "o.customer_id"),
		"in_scope_l": scopeIn(ctx, q.Filter, "l.customer_id"),
		"group_join": bun.SafeQuery(agingGroupJoin(group)),
		"collection": bun.SafeQuery(strings.ToUpper(strconv.FormatBool(q.Collection))),
		"measures":   bun.Safe(agingMeasures(q.Collection)),
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("ageing report as of %s: %w", q.AsOf, err)
	}
	for i := range rows {
		r := &rows[i]
		if r.PolicyVersion != nil {
			rep.PolicyVersion = *r.PolicyVersion
		}
		row, err := newAgingRow(rep, r)
		if err != nil {
			return nil, err
		}
		if r.IsTotal {
			row.Key, row.Label = creditdesk.AgingTotalKey, "合计"
			rep.Totals = row
			continue
		}
		rep.Rows = append(rep.Rows, row)
	}
	if rep.Totals == nil {
		return nil, fmt.Errorf("ageing report: no totals row")
	}
	if rep.PolicyVersion == 0 {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "no policy version is in force on %s", q.AsOf)
	}
	return rep, nil
}

// newAgingRow converts a row of aging.sql; the collection measures only
// when the report asked for them.
func newAgingRow(rep *creditdesk.AgingReport, c *agingRow) (*creditdesk.AgingRow, error) {
	if len(c.Amounts) != len(rep.Buckets) {
		return nil, fmt.Errorf("ageing report: %d amounts for %d buckets", len(c.Amounts), len(rep.Buckets))
	}
	r := &creditdesk.AgingRow{
		Total:              creditdesk.NewMoney(c.Closing),
		Amounts:            make([]creditdesk.Money, len(c.Amounts)),
		NotDue:             creditdesk.NewMoney(c.NotDue),
		Overdue:            creditdesk.NewMoney(c.Closing.Sub(c.NotDue)),
		OpeningReceivables: creditdesk.NewMoney(c.Opening),
		Sales:              creditdesk.NewMoney(c.Sales),
	}
	if c.Key != nil {
		r.Key = *c.Key
	}
	if c.Label != nil {
		r.Label = *c.Label
	}
	for i, a := range c.Amounts {
		d, err := decimal.NewFromString(a)
		if err != nil {
			return nil, fmt.Errorf("ageing report: amount %q: %w", a, err)
		}
		r.Amounts[i] = creditdesk.NewMoney(d)
	}
	if !rep.Collection {
		return r, nil
	}
	r.DSO, r.BestPossibleDSO, r.ADD = nullScore(c.DSO), nullScore(c.BestDSO), nullScore(c.ADD)
	if c.CEI.Valid {
		r.CEI = &creditdesk.Ratio{Decimal: c.CEI.Decimal}
	}
	return r, nil
}

// nullScore wraps a nullable number of days.
func nullScore(d decimal.NullDecimal) *creditdesk.Days {
	if !d.Valid {
		return nil
	}
	return &creditdesk.Days{Decimal: d.Decimal}
}

// agingGroupJoin is the join of the facts to customers that a group's id
// needs: none for the customer's own id.
func agingGroupJoin(g agingGroup) string {
	if strings.HasPrefix(g.group, "f.") {
		return ""
	}
	return "JOIN customers c ON c.id = f.customer_id"
}
