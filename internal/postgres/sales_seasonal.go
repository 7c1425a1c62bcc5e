package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun/dialect/pgdialect"

	"creditdesk/internal/creditdesk"
)

// SeasonalIndex returns the seasonal index of a scope (a customer, an
// industry, an office, or the whole company) over whole calendar years,
// by default the last 3 complete years before today (DOMAIN.md §5).
// EINVALID for bad years; ENOTFOUND for a customer code the actor cannot
// see.
func (s SalesStore) SeasonalIndex(ctx context.Context, q creditdesk.SeasonalQuery) (*creditdesk.SeasonalIndexReport, error) {
	today := creditdesk.Date{}
	if q.Years == nil {
		var err error
		if today, err = s.today(ctx); err != nil {
			return nil, err
		}
	}
	years, err := q.SeasonalYears(today)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Month          int
		ScopeCustomers int
		Total          decimal.Decimal
		Overall        decimal.Decimal
		Average        decimal.Decimal
		Index          decimal.NullDecimal
		Share          decimal.NullDecimal
		Target         decimal.NullDecimal
	}
	first, last := slices.Min(years), slices.Max(years)
	sq := namedQuery(salesQuery("seasonal.sql"), sqlArgs{
		"customers":   CustomerPredicate(ctx, "c", q.Scope.Filter()),
		"scope_join":  scopeJoin(ctx, q.Scope.Filter(), "r.customer_id"),
		"first":       creditdesk.NewDate(first, time.January, 1),
		"end":         creditdesk.NewDate(last+1, time.January, 1),
		"years":       pgdialect.Array(years),
		"nyears":      len(years),
		"count_scope": q.Scope.CustomerCode != nil,
		"target":      q.AnnualTarget,
	})
	if err := s.DB.NewRaw("?", sq).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("seasonal index: %w", err)
	}
	if err := scopeFound(q.Scope, len(rows) > 0 && rows[0].ScopeCustomers > 0); err != nil {
		return nil, err
	}
	rep := &creditdesk.SeasonalIndexReport{Years: years, Months: make([]*creditdesk.SeasonalMonth, 0, 12)}
	if q.AnnualTarget != nil {
		rep.AnnualTarget = &creditdesk.Money{Decimal: *q.AnnualTarget}
	}
	for i, r := range rows {
		if i == 0 {
			rep.Total = creditdesk.NewMoney(r.Total)
			rep.Overall = creditdesk.NewMoney(r.Overall)
		}
		rep.Months = append(rep.Months, &creditdesk.SeasonalMonth{
			Month:   r.Month,
			Average: creditdesk.NewMoney(r.Average),
			Index:   ratioOrNil(r.Index),
			Share:   ratioOrNil(r.Share),
			Target:  moneyOrNil(r.Target),
		})
	}
	return rep, nil
}

// scopeFound returns ENOTFOUND when a scope names a customer the actor
// cannot see (found reports whether the scope selected any customer).
func scopeFound(sc creditdesk.ScopeInput, found bool) error {
	if sc.CustomerCode != nil && !found {
		return creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q does not exist", *sc.CustomerCode)
	}
	return nil
}
