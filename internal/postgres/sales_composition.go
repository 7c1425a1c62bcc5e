package postgres

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
)

// SalesComposition returns sales by industry category for the period
// (DOMAIN.md §5). EINVALID for a bad period.
func (s SalesStore) SalesComposition(ctx context.Context, period creditdesk.Period, f *creditdesk.CustomerFilter) (*creditdesk.CompositionReport, error) {
	if err := validatePeriod(period); err != nil {
		return nil, err
	}
	var rows []struct {
		Industry  creditdesk.Industry
		Sales     decimal.Decimal
		Share     decimal.NullDecimal
		Customers int
		Total     decimal.Decimal
	}
	q := namedQuery(salesQuery("composition.sql"), sqlArgs{
		"sales":     customerMonthSales(period, false),
		"customers": CustomerPredicate(ctx, "c", f),
	})
	if err := s.DB.NewRaw("?", q).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("sales composition: %w", err)
	}
	rep := &creditdesk.CompositionReport{Period: period, Rows: make([]*creditdesk.CompositionRow, 0, len(rows))}
	for i, r := range rows {
		if i == 0 {
			rep.Total = creditdesk.NewMoney(r.Total)
		}
		rep.Rows = append(rep.Rows, &creditdesk.CompositionRow{
			Industry:  r.Industry,
			Sales:     creditdesk.NewMoney(r.Sales),
			Share:     ratioOrNil(r.Share),
			Customers: r.Customers,
		})
	}
	return rep, nil
}

// ratioOrNil wraps a nullable SQL ratio.
func ratioOrNil(d decimal.NullDecimal) *creditdesk.Ratio {
	if !d.Valid {
		return nil
	}
	return &creditdesk.Ratio{Decimal: d.Decimal}
}

// moneyOrNil wraps a nullable SQL amount.
func moneyOrNil(d decimal.NullDecimal) *creditdesk.Money {
	if !d.Valid {
		return nil
	}
	return &creditdesk.Money{Decimal: d.Decimal}
}
