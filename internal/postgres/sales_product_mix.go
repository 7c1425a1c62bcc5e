package postgres

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
)

// ProductMix returns, per product, the scope's sales, share, cumulative
// share and rank, cost, gross profit and margin, average inventory and
// turnover, cross and contribution ratios and product targets for the
// period (DOMAIN.md §5, §9). EINVALID for a bad period; ENOTFOUND for a
// customer code the actor cannot see.
func (s SalesStore) ProductMix(ctx context.Context, period creditdesk.Period, scope creditdesk.ScopeInput) (*creditdesk.ProductMixReport, error) {
	if err := validatePeriod(period); err != nil {
		return nil, err
	}
	var rows []struct {
		TotalSales        decimal.Decimal
		TotalCost         decimal.Decimal
		TotalProfit       decimal.Decimal
		TotalMargin       decimal.NullDecimal
		TotalTarget       decimal.NullDecimal
		TotalAttainment   decimal.NullDecimal
		ScopeCustomers    int
		ProductID         *int64
		ProductCode       *string
		ProductName       *string
		ProductCategory   *string
		ProductUnitCost   decimal.NullDecimal
		Rank              *int
		Sales             decimal.NullDecimal
		Cost              decimal.NullDecimal
		Profit            decimal.NullDecimal
		Share             decimal.NullDecimal
		CumulativeShare   decimal.NullDecimal
		Margin            decimal.NullDecimal
		AverageInventory  decimal.NullDecimal
		Turnover          decimal.NullDecimal
		CrossRatio        decimal.NullDecimal
		ContributionRatio decimal.NullDecimal
		Target            decimal.NullDecimal
		Attainment        decimal.NullDecimal
	}
	sq := namedQuery(salesQuery("product_mix.sql"), sqlArgs{
		"customers":     CustomerPredicate(ctx, "c", scope.Filter()),
		"scope_lines":   scopeJoin(ctx, scope.Filter(), "l.customer_id"),
		"scope_targets": scopeJoin(ctx, scope.Filter(), "t.customer_id"),
		"scope_stock":   scopeJoin(ctx, scope.Filter(), "i.customer_id"),
		"count_scope":   scope.CustomerCode != nil,
		"from":          period.From,
		"to":            period.To,
		"first_month":   period.From.Month().First(),
	})
	if err := s.DB.NewRaw("?", sq).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("product mix: %w", err)
	}
	if err := scopeFound(scope, len(rows) > 0 && rows[0].ScopeCustomers > 0); err != nil {
		return nil, err
	}
	rep := &creditdesk.ProductMixReport{Period: period, Rows: []*creditdesk.ProductMixRow{}}
	for i, r := range rows {
		if i == 0 {
			rep.Total = creditdesk.NewMoney(r.TotalSales)
			rep.Cost = creditdesk.NewMoney(r.TotalCost)
			rep.GrossProfit = creditdesk.NewMoney(r.TotalProfit)
			rep.GrossMargin = ratioOrNil(r.TotalMargin)
			rep.Target = moneyOrNil(r.TotalTarget)
			rep.Attainment = ratioOrNil(r.TotalAttainment)
		}
		if r.ProductID == nil {
			continue // the totals of an empty report
		}
		p := &creditdesk.Product{ID: *r.ProductID, Code: *r.ProductCode, Name: *r.ProductName, Category: r.ProductCategory}
		if r.ProductUnitCost.Valid {
			p.UnitCost = &creditdesk.UnitPrice{Decimal: r.ProductUnitCost.Decimal}
		}
		rep.Rows = append(rep.Rows, &creditdesk.ProductMixRow{
			Product:           p,
			Rank:              *r.Rank,
			Sales:             creditdesk.NewMoney(r.Sales.Decimal),
			Share:             ratioOrNil(r.Share),
			CumulativeShare:   ratioOrNil(r.CumulativeShare),
			Cost:              creditdesk.NewMoney(r.Cost.Decimal),
			GrossProfit:       creditdesk.NewMoney(r.Profit.Decimal),
			GrossMargin:       ratioOrNil(r.Margin),
			AverageInventory:  moneyOrNil(r.AverageInventory),
			Turnover:          ratioOrNil(r.Turnover),
			CrossRatio:        ratioOrNil(r.CrossRatio),
			ContributionRatio: ratioOrNil(r.ContributionRatio),
			Target:            moneyOrNil(r.Target),
			Attainment:        ratioOrNil(r.Attainment),
		})
	}
	return rep, nil
}
