package postgres

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

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
	after, limit, err := shareRowsPage(q.Rows)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Part          int
		CompanySales  decimal.NullDecimal
		SelectedSales decimal.NullDecimal
		SelectedShare decimal.NullDecimal
		ListedCount   int
		CustomerID    *int64
		Bucket        creditdesk.Date
		Sales         decimal.NullDecimal
		CompanyTotal  decimal.NullDecimal
		Share         decimal.NullDecimal
		RequiredShare decimal.NullDecimal
		Meets         *bool
		Code          string
	}
	sq := namedQuery(salesQuery("customer_share.sql"), sqlArgs{
		"sales":     customerMonthSales(q.Period, false),
		"customers": CustomerPredicate(ctx, "c", q.Filter),
		"unit":      unit,
		"step":      step,
		"from":      q.Period.From,
		"to":        q.Period.To,
		"after":     after,
		"limit":     limit,
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
	rep := &creditdesk.CustomerShareReport{Query: q, Period: q.Period, Granularity: q.Granularity, Rows: []*creditdesk.CustomerShareRow{}}
	for _, r := range rows {
		if r.Part == 0 {
			rep.CompanyTotal = creditdesk.NewMoney(r.CompanySales.Decimal)
			rep.SelectedSales = creditdesk.NewMoney(r.SelectedSales.Decimal)
			rep.SelectedShare = ratioOrNil(r.SelectedShare)
			rep.TotalCount = r.ListedCount
			continue
		}
		if q.Rows != nil && len(rep.Rows) == q.Rows.First {
			rep.HasNextPage = true // the one row read past the page
			break
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
			Cursor:        encodeCursor(shareCursor{Bucket: r.Bucket.String(), Sales: r.Sales.Decimal.String(), Code: r.Code}),
		})
	}
	return rep, nil
}

// shareCursor is a customer share row's place in the report's order: its
// bucket, its sales (descending) and its customer's code.
type shareCursor struct {
	Bucket string `json:"b"`
	Sales  string `json:"s"`
	Code   string `json:"c"`
}

// shareRowsPage turns the rows asked for into the query's ?after and
// ?limit: every row for nil; else the page's rows after its cursor, plus one
// to tell whether more follow.
func shareRowsPage(p *creditdesk.Page) (after schema.QueryAppender, limit *int, err error) {
	if p == nil {
		return bun.Safe("TRUE"), nil, nil
	}
	n := p.First
	if n > 0 {
		n++
	}
	if p.After == nil {
		return bun.Safe("TRUE"), &n, nil
	}
	var c shareCursor
	if err := decodeCursor(*p.After, &c); err != nil {
		return nil, nil, err
	}
	bucket, berr := creditdesk.ParseDate(c.Bucket)
	sales, serr := decimal.NewFromString(c.Sales)
	if berr != nil || serr != nil {
		return nil, nil, creditdesk.FieldError("after", *p.After, "not a cursor of this list")
	}
	return bun.SafeQuery(`(l.bucket, -l.sales, l.code COLLATE "C") > (?::date, -?::numeric, ? COLLATE "C")`,
		bucket, sales, c.Code), &n, nil
}

// maxDate returns the later of a and b.
func maxDate(a, b creditdesk.Date) creditdesk.Date {
	if a.Before(b) {
		return b
	}
	return a
}
