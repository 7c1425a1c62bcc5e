package postgres

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
)

// CustomerShare returns each selected customer's share of the company's sales
// per month or year of the period, against its required share (DOMAIN.md §5).
// The company total counts every customer whatever the filter; the filter
// and the actor's scope choose the customers listed. EINVALID for a bad
// period or granularity.
func (s SalesStore) CustomerShare(ctx context.Context, q creditdesk.CustomerShareQuery) (*creditdesk.CustomerShareReport, error) {
	if err := validatePeriod(q.Period); err != nil {
		return nil, err
	}
	var unit, step string
	switch q.Granularity {
	case creditdesk.ShareMonthly, "":
		q.Granularity, unit, step = creditdesk.ShareMonthly, "month", "1 month"
	case creditdesk.ShareYearly:
		unit, step = "year", "1 year"
	default:
		return nil, creditdesk.FieldError("granularity", string(q.Granularity), "is not MONTH or YEAR")
	}
	var rows []struct {
		Part          int
		CompanySales  decimal.NullDecimal
		SelectedSales decimal.NullDecimal
		SelectedShare decimal.NullDecimal
		CustomerID    *int64
		Bucket        creditdesk.Date
		Sales         decimal.NullDecimal
		CompanyTotal  decimal.NullDecimal
		Share         decimal.NullDecimal
		RequiredShare decimal.NullDecimal
		Meets         *bool
	}
	sq := namedQuery(salesQuery("customer_share.sql"), sqlArgs{
		"sales":     customerMonthSales(q.Period, false),
		"customers": CustomerPredicate(ctx, "c", q.Filter),
		"unit":      unit,
		"step":      step,
		"from":      q.Period.From,
		"to":        q.Period.To,
	})
	if err := s.DB.NewRaw("?", sq).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("customer share: %w", err)
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
	rep := &creditdesk.CustomerShareReport{Period: q.Period, Granularity: q.Granularity, Rows: []*creditdesk.CustomerShareRow{}}
	for _, r := range rows {
		if r.Part == 0 {
			rep.CompanyTotal = creditdesk.NewMoney(r.CompanySales.Decimal)
			rep.SelectedSales = creditdesk.NewMoney(r.SelectedSales.Decimal)
			rep.SelectedShare = ratioOrNil(r.SelectedShare)
			continue
		}
		label := r.Bucket.Month().String()
		if q.Granularity == creditdesk.ShareYearly {
			label = fmt.Sprintf("%04d", r.Bucket.Year())
		}
		rep.Rows = append(rep.Rows, &creditdesk.CustomerShareRow{
			Customer:      custs[*r.CustomerID],
			Period:        label,
			PeriodStart:   maxDate(r.Bucket, q.Period.From),
			Sales:         creditdesk.NewMoney(r.Sales.Decimal),
			CompanyTotal:  creditdesk.NewMoney(r.CompanyTotal.Decimal),
			Share:         ratioOrNil(r.Share),
			RequiredShare: ratioOrNil(r.RequiredShare),
			Meets:         r.Meets,
		})
	}
	return rep, nil
}

// maxDate returns the later of a and b.
func maxDate(a, b creditdesk.Date) creditdesk.Date {
	if a.Before(b) {
		return b
	}
	return a
}
