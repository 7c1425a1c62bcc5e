package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// AbcAnalysis classifies the customers the filter selects into A, B and C by
// their sales in the period (DOMAIN.md §5, §9). Thresholds not given come
// from the policy in force on the period's last day (abc_a, abc_b), whose
// version the report names. EINVALID for a bad period or thresholds outside
// 0 < a < b ≤ 1.
func (s SalesStore) AbcAnalysis(ctx context.Context, q creditdesk.AbcQuery) (*creditdesk.AbcReport, error) {
	if err := validatePeriod(q.Period); err != nil {
		return nil, err
	}
	pol, err := PolicyStore{DB: s.DB}.PolicyAt(ctx, q.Period.To)
	if err != nil {
		return nil, err
	}
	a, b := pol.Decimal("abc_a"), pol.Decimal("abc_b")
	if q.AThreshold != nil {
		a = *q.AThreshold
	}
	if q.BThreshold != nil {
		b = *q.BThreshold
	}
	if err := creditdesk.ValidateThresholds(a, b); err != nil {
		return nil, err
	}

	// Each row embeds its customer's record, or the attributes of it the
	// caller reads and the industry the row reports.
	var rows []struct {
		creditdesk.Customer
		Rank            int
		Sales           decimal.Decimal
		Share           decimal.NullDecimal
		CumulativeShare decimal.NullDecimal
		AbcClass        creditdesk.AbcClass
		Total           decimal.NullDecimal
	}
	sq := namedQuery(salesQuery("abc.sql"), sqlArgs{
		"sales":       customerMonthSales(q.Period, false),
		"customers":   CustomerPredicate(ctx, "c", q.Filter),
		"scope_join":  scopeJoin(ctx, q.Filter, "s.customer_id"),
		"columns":     bun.Safe(customerColumns(withIndustry(q.Fields))),
		"by_category": q.ByCategory,
		"a":           a,
		"b":           b,
		"ratio_scale": creditdesk.RatioScale,
	})
	if err := s.DB.NewRaw("?", sq).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("abc analysis: %w", err)
	}
	rep := &creditdesk.AbcReport{
		Period:        q.Period,
		ByCategory:    q.ByCategory,
		AThreshold:    creditdesk.NewRatio(a),
		BThreshold:    creditdesk.NewRatio(b),
		PolicyVersion: pol.Version,
		Rows:          make([]*creditdesk.AbcRow, 0, len(rows)),
	}
	for i := range rows {
		r := &rows[i]
		if i == 0 {
			rep.Total = creditdesk.NewMoney(r.Total.Decimal)
		}
		rep.Rows = append(rep.Rows, &creditdesk.AbcRow{
			Customer:        &r.Customer,
			Industry:        r.Industry,
			Rank:            r.Rank,
			Sales:           creditdesk.NewMoney(r.Sales),
			Share:           ratioOrNil(r.Share),
			CumulativeShare: ratioOrNil(r.CumulativeShare),
			AbcClass:        r.AbcClass,
		})
	}
	return rep, nil
}

// withIndustry adds the industry, which an ABC row reports, to the customer
// attributes a caller reads.
func withIndustry(fields creditdesk.CustomerFields) creditdesk.CustomerFields {
	if fields == nil {
		return nil
	}
	return append(slices.Clip(fields), "Industry")
}
