package postgres

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// SalesStore computes the sales analysis reports of DOMAIN.md §5 in
// PostgreSQL: every aggregate, ranking and cumulative share is SQL (window
// functions over numeric), and each report's totals come from the same
// statement as its rows. Whole months of a period are read from the monthly
// rollup sales_customer_months, the days of a partial month at either end
// from sales_lines.
//
// Give it its own *bun.DB handle so reports can be pointed at a replica.
type SalesStore struct {
	DB bun.IDB
	// Clock tells today (the default years of the seasonal index); nil is
	// the system clock.
	Clock creditdesk.Clock
}

var _ creditdesk.SalesService = SalesStore{}

//go:embed sql/sales/*.sql
var salesSQL embed.FS

// salesQuery returns the text of sql/sales/name.
func salesQuery(name string) string {
	b, err := salesSQL.ReadFile("sql/sales/" + name)
	if err != nil {
		panic(fmt.Sprintf("postgres: embedded query %s: %v", name, err))
	}
	return string(b)
}

// sqlArgs are the named arguments (?name) of an embedded query. Values are
// formatted by Bun as SQL literals; SQL fragments (the customer predicate,
// a nested relation) are schema.QueryAppenders and are appended as SQL.
type sqlArgs map[string]any

// AppendNamedArg implements schema.NamedArgAppender.
func (a sqlArgs) AppendNamedArg(gen schema.QueryGen, b []byte, name string) ([]byte, bool) {
	v, ok := a[name]
	if !ok {
		return b, false
	}
	if qa, ok := v.(schema.QueryAppender); ok {
		bb, err := qa.AppendQuery(gen, b)
		if err != nil {
			return dialect.AppendError(b, err), true
		}
		return bb, true
	}
	return gen.Append(b, v), true
}

// namedQuery binds an embedded query's text to its named arguments.
func namedQuery(text string, args sqlArgs) schema.QueryWithArgs {
	return bun.SafeQuery(text, args)
}

// monthSplit cuts a period into whole calendar months, read from the rollup,
// and the days before and after them, read from the lines: the rollup
// covers [WholeFrom, WholeTo), the lines [From, WholeFrom) and [WholeTo, To].
type monthSplit struct {
	From, WholeFrom, WholeTo, To creditdesk.Date
}

func splitMonths(p creditdesk.Period) monthSplit {
	wf := p.From
	if wf.Day() != 1 {
		wf = p.From.Month().Last().AddDays(1)
	}
	wt := p.To.AddDays(1).Month().First()
	if !wf.Before(wt) {
		// No whole month: everything comes from the lines.
		wf, wt = p.To.AddDays(1), p.To.AddDays(1)
	}
	return monthSplit{From: p.From, WholeFrom: wf, WholeTo: wt, To: p.To}
}

// customerMonthSales is the relation (customer_id, month, sales, cost,
// quantity, lines) of the sales in period p by customer and calendar month,
// possibly several rows per pair (rollup and lines); aggregate it. Only
// pairs with at least one line appear. The quantity is null unless
// withQuantity.
func customerMonthSales(p creditdesk.Period, withQuantity bool) schema.QueryWithArgs {
	s := splitMonths(p)
	quantity := bun.SafeQuery("NULL::numeric")
	if withQuantity {
		quantity = bun.SafeQuery("l.quantity")
	}
	return namedQuery(salesQuery("customer_month_sales.sql"), sqlArgs{
		"from": s.From, "whole_from": s.WholeFrom, "whole_to": s.WholeTo, "to": s.To, "line_quantity": quantity,
	})
}

// today returns today's date in the policy's time zone.
func (s SalesStore) today(ctx context.Context) (creditdesk.Date, error) {
	p, err := PolicyStore{DB: s.DB}.CurrentPolicy(ctx)
	if err != nil {
		return creditdesk.Date{}, err
	}
	return s.Clock.Today(p.Location()), nil
}

// validatePeriod checks a report period; a period of more than 100 years is
// refused as a likely mistake.
func validatePeriod(p creditdesk.Period) error {
	if p.From.IsZero() || p.To.IsZero() {
		return creditdesk.Errorf(creditdesk.EINVALID, "period: from and to are required")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if p.To.Time().Sub(p.From.Time()) > 100*366*24*time.Hour {
		return creditdesk.FieldError("period.to", p.To.String(), "is more than 100 years after period.from")
	}
	return nil
}
