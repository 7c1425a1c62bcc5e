package postgres

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
)

// TargetAttainment returns each selected customer's monthly sales targets
// (those without a product) for the months the period touches against its
// sales in the period, with totals. EINVALID for a bad period.
func (s SalesStore) TargetAttainment(ctx context.Context, period creditdesk.Period, f *creditdesk.CustomerFilter) (*creditdesk.TargetAttainmentReport, error) {
	if err := validatePeriod(period); err != nil {
		return nil, err
	}
	var rows []struct {
		TotalTarget     decimal.Decimal
		TotalSales      decimal.Decimal
		TotalAttainment decimal.NullDecimal
		CustomerID      *int64
		Target          decimal.NullDecimal
		Sales           decimal.NullDecimal
		Attainment      decimal.NullDecimal
	}
	sq := namedQuery(salesQuery("target_attainment.sql"), sqlArgs{
		"sales":       customerMonthSales(period, false),
		"customers":   CustomerPredicate(ctx, "c", f),
		"first_month": period.From.Month().First(),
		"to":          period.To,
	})
	if err := s.DB.NewRaw("?", sq).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("target attainment: %w", err)
	}
	var ids []int64
	for _, r := range rows {
		if r.CustomerID != nil {
			ids = append(ids, *r.CustomerID)
		}
	}
	custs, err := loadCustomers(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	rep := &creditdesk.TargetAttainmentReport{
		Period: period,
		Months: creditdesk.MonthsOf(period),
		Rows:   []*creditdesk.TargetAttainmentRow{},
	}
	for i, r := range rows {
		if i == 0 {
			rep.Target = creditdesk.NewMoney(r.TotalTarget)
			rep.Sales = creditdesk.NewMoney(r.TotalSales)
			rep.Attainment = ratioOrNil(r.TotalAttainment)
		}
		if r.CustomerID == nil {
			continue // the totals of an empty report
		}
		rep.Rows = append(rep.Rows, &creditdesk.TargetAttainmentRow{
			Customer:   custs[*r.CustomerID],
			Target:     moneyOrNil(r.Target),
			Sales:      creditdesk.NewMoney(r.Sales.Decimal),
			Attainment: ratioOrNil(r.Attainment),
		})
	}
	return rep, nil
}
