package postgres

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// networkSQL evaluates each office's customer network for a quarter.
//
//go:embed sql/dealer/network.sql
var networkSQL string

// NetworkEvaluation evaluates each office's customer network for the quarter
// (002 客户评估三: "客户数量的增长幅度: 重点客户(销售额前20名)销售额的增长幅度:
// 网络维护效果(巡访频率与巡访效果)", and 三.2 on churn). The figures come from
// one statement; the churned customers' archive rows from a second, whatever
// the number of offices.
func (s DealerStore) NetworkEvaluation(ctx context.Context, q creditdesk.Quarter, f *creditdesk.CustomerFilter) ([]*creditdesk.OfficeEvaluation, error) {
	p := q.Previous()
	var rows []struct {
		OfficeID            int64
		OfficeCode          string
		OfficeName          string
		Customers           int
		PreviousCustomers   int
		CustomerGrowth      decimal.NullDecimal
		Sales               decimal.Decimal
		PreviousSales       decimal.Decimal
		Top20Sales          decimal.Decimal
		Top20PreviousSales  decimal.Decimal
		Top20SalesGrowth    decimal.NullDecimal
		Visits              int
		EffectiveVisits     int
		VisitsPerCustomer   decimal.NullDecimal
		EffectiveVisitShare decimal.NullDecimal
		ChurnedIDs          []int64 `bun:"churned_ids,array"`
	}
	err := s.DB.NewRaw(networkSQL, namedArgs{
		"first": q.First(), "last": q.Last(), "prev_first": p.First(), "prev_last": p.Last(),
		"visible": CustomerPredicate(ctx, "c", f),
	}).Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("network evaluation %s: %w", q, err)
	}
	var churnedIDs []int64
	for _, r := range rows {
		churnedIDs = append(churnedIDs, r.ChurnedIDs...)
	}
	churned := map[int64]*creditdesk.Customer{}
	if len(churnedIDs) > 0 {
		var custs []creditdesk.Customer
		if err := s.DB.NewRaw(`SELECT c.* FROM customers c WHERE c.id IN (?) AND ?`,
			bun.List(churnedIDs), CustomerPredicate(ctx, "c", f)).Scan(ctx, &custs); err != nil {
			return nil, fmt.Errorf("network evaluation %s: churned customers: %w", q, err)
		}
		for i := range custs {
			churned[custs[i].ID] = &custs[i]
		}
	}
	out := make([]*creditdesk.OfficeEvaluation, 0, len(rows))
	for _, r := range rows {
		e := &creditdesk.OfficeEvaluation{
			Office:              &creditdesk.Office{ID: r.OfficeID, Code: r.OfficeCode, Name: r.OfficeName},
			Quarter:             q,
			Customers:           r.Customers,
			PreviousCustomers:   r.PreviousCustomers,
			CustomerGrowth:      dealerRatio(r.CustomerGrowth),
			Sales:               creditdesk.NewMoney(r.Sales),
			PreviousSales:       creditdesk.NewMoney(r.PreviousSales),
			Top20Sales:          creditdesk.NewMoney(r.Top20Sales),
			Top20PreviousSales:  creditdesk.NewMoney(r.Top20PreviousSales),
			Top20SalesGrowth:    dealerRatio(r.Top20SalesGrowth),
			Visits:              r.Visits,
			EffectiveVisits:     r.EffectiveVisits,
			VisitsPerCustomer:   dealerRatio(r.VisitsPerCustomer),
			EffectiveVisitShare: dealerRatio(r.EffectiveVisitShare),
			Churned:             []*creditdesk.Customer{},
		}
		for _, id := range r.ChurnedIDs {
			if c := churned[id]; c != nil {
				e.Churned = append(e.Churned, c)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// dealerRatio is a nullable ratio read from SQL.
func dealerRatio(d decimal.NullDecimal) *creditdesk.Ratio {
	if !d.Valid {
		return nil
	}
	return &creditdesk.Ratio{Decimal: d.Decimal}
}
