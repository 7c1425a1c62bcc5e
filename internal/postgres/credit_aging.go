package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"creditdesk/internal/creditdesk"
)

// agingGroups are the grouping expressions of aging.sql (key, label) over c
// (customers), u (the rep) and off (the office): a whitelist, never user
// text. API.md: the key is the customer code, the rep's username, the office
// code or the industry name.
var agingGroups = map[creditdesk.AgingGroupBy][2]string{
	creditdesk.AgingByCustomer: {"c.code", "c.name"},
	creditdesk.AgingByRep: {"coalesce(u.username, '" + creditdesk.UnassignedRepKey + "')",
		"coalesce(u.name, '未分配业务员')"},
	creditdesk.AgingByOffice: {"off.code", "off.name"},
	creditdesk.AgingByIndustry: {"c.industry", `CASE c.industry
		WHEN 'INTL_PARTS_DISTRIBUTOR' THEN '国际零配件销售商'
		WHEN 'INTL_GOODS_MERCHANT' THEN '国际性用品商'
		WHEN 'REGIONAL_ELECTRICAL' THEN '地区电气店'
		WHEN 'REGIONAL_SPECIALTY' THEN '地区专营店'
		WHEN 'REGIONAL_VOLUME' THEN '地区批量销售店'
		WHEN 'REGIONAL_DIY' THEN '地区DIY店'
		ELSE '其他' END`},
}

// agingBases are the dates days overdue count from (DOMAIN.md §3).
var agingBases = map[creditdesk.AgingBasis]string{
	creditdesk.AgingDueDate:  "o.due_date",
	creditdesk.AgingShipDate: "o.ship_date",
}

// agingCell is a row of aging.sql: a (group, bucket) cell, a group's row
// (AllBuckets), a bucket's total (IsTotal) or the grand total (both).
type agingCell struct {
	Key           *string
	Label         *string
	Bucket        *int
	IsTotal       bool
	AllBuckets    bool
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
// industry, with DSO, CEI and ADD over the trailing 90 days. Rows, bucket
// totals and the grand total come from one statement (GROUPING SETS); rows
// are the groups with open receivables, by key. Any caller may use it; the
// filter and the actor's scope apply in the SQL. EINVALID for bad edges, an
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
	}
	var cells []agingCell
	err := s.DB.NewRaw(agingSQL, namedArgs{
		"asof":    q.AsOf,
		"opening": q.AsOf.AddDays(-creditdesk.DSOPeriodDays),
		"from":    rep.PeriodFrom,
		"days":    creditdesk.DSOPeriodDays,
		"edges":   pgdialect.Array(q.Edges),
		"basis":   bun.SafeQuery(basis),
		"key":     bun.SafeQuery(group[0]),
		"label":   bun.SafeQuery(group[1]),
		"visible": CustomerPredicate(ctx, "c", q.Filter),
	}).Scan(ctx, &cells)
	if err != nil {
		return nil, fmt.Errorf("ageing report as of %s: %w", q.AsOf, err)
	}
	newRow := func(c *agingCell, key, label string) *creditdesk.AgingRow {
		r := &creditdesk.AgingRow{
			Key:                key,
			Label:              label,
			Total:              creditdesk.NewMoney(c.Closing),
			Amounts:            make([]creditdesk.Money, len(rep.Buckets)),
			NotDue:             creditdesk.NewMoney(c.NotDue),
			Overdue:            creditdesk.NewMoney(c.Closing.Sub(c.NotDue)),
			OpeningReceivables: creditdesk.NewMoney(c.Opening),
			Sales:              creditdesk.NewMoney(c.Sales),
			DSO:                nullScore(c.DSO),
			BestPossibleDSO:    nullScore(c.BestDSO),
			ADD:                nullScore(c.ADD),
		}
		for i := range r.Amounts {
			r.Amounts[i] = creditdesk.NewMoney(decimal.Zero)
		}
		if c.CEI.Valid {
			r.CEI = &creditdesk.Ratio{Decimal: c.CEI.Decimal}
		}
		return r
	}
	// Cells arrive ordered: each group's row before its bucket cells, then
	// the totals' row and the bucket totals.
	var cur *creditdesk.AgingRow
	for i := range cells {
		c := &cells[i]
		if c.PolicyVersion != nil {
			rep.PolicyVersion = *c.PolicyVersion
		}
		switch {
		case c.IsTotal && c.AllBuckets:
			rep.Totals = newRow(c, creditdesk.AgingTotalKey, "合计")
			cur = rep.Totals
		case c.AllBuckets:
			cur = newRow(c, *c.Key, *c.Label)
			rep.Rows = append(rep.Rows, cur)
		case cur != nil && c.Bucket != nil && *c.Bucket < len(rep.Buckets):
			cur.Amounts[*c.Bucket] = creditdesk.NewMoney(c.Closing)
		default:
			return nil, fmt.Errorf("ageing report: unexpected cell %+v", *c)
		}
	}
	if rep.Totals == nil {
		return nil, fmt.Errorf("ageing report: no totals row")
	}
	if rep.PolicyVersion == 0 {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "no policy version is in force on %s", q.AsOf)
	}
	return rep, nil
}

// nullScore wraps a nullable number of days.
func nullScore(d decimal.NullDecimal) *creditdesk.Days {
	if !d.Valid {
		return nil
	}
	return &creditdesk.Days{Decimal: d.Decimal}
}
