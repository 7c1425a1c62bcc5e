package postgres

import (
	"context"
	"embed"
	"fmt"
	"strings"
	"sync"
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
// withQuantity. Of customer_month_sales.sql's three parts only those with
// days to read are kept: a period of whole months is the rollup alone.
func customerMonthSales(p creditdesk.Period, withQuantity bool) schema.QueryWithArgs {
	s := splitMonths(p)
	quantity := bun.SafeQuery("NULL::numeric")
	if withQuantity {
		quantity = bun.SafeQuery("l.quantity")
	}
	all := customerMonthParts()
	var parts []string
	if s.WholeFrom.Before(s.WholeTo) {
		parts = append(parts, all[0])
	}
	if s.From.Before(s.WholeFrom) {
		parts = append(parts, all[1])
	}
	if !s.To.Before(s.WholeTo) {
		parts = append(parts, all[2])
	}
	return namedQuery(strings.Join(parts, "\nUNION ALL\n"), sqlArgs{
		"from": s.From, "whole_from": s.WholeFrom, "whole_to": s.WholeTo, "to": s.To, "line_quantity": quantity,
	})
}

// customerMonthParts returns the three parts of customer_month_sales.sql,
// the first with the file's comment.
var customerMonthParts = sync.OnceValue(func() [3]string {
	parts := strings.Split(salesQuery("customer_month_sales.sql"), "\nUNION ALL\n")
	if len(parts) != 3 {
		panic(fmt.Sprintf("postgres: customer_month_sales.sql has %d parts, want 3", len(parts)))
	}
	return [3]string(parts)
})

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

// scopeJoin is a JOIN clause restricting rows whose customer id is the
// column col to the customers f selects among those the actor of ctx sees,
// or nothing when that is every customer: a whole-company report then reads
// its table without joining the customers (a customer id always names a
// customer).
func scopeJoin(ctx context.Context, f *creditdesk.CustomerFilter, col string) schema.QueryWithArgs {
	pred := CustomerPredicate(ctx, "c", f)
	if pred.Query == "TRUE" && len(pred.Args) == 0 {
		return bun.SafeQuery("")
	}
	return bun.SafeQuery("JOIN customers c ON c.id = "+col+" AND ?", pred)
}

// scopeIn is a condition restricting the customer id column col to the
// customers f selects among those the actor of ctx sees, or TRUE when that
// is every customer (a customer id always names a customer).
func scopeIn(ctx context.Context, f *creditdesk.CustomerFilter, col string) schema.QueryWithArgs {
	pred := CustomerPredicate(ctx, "c", f)
	if pred.Query == "TRUE" && len(pred.Args) == 0 {
		return bun.SafeQuery("TRUE")
	}
	return bun.SafeQuery(col+" IN (SELECT c.id FROM customers c WHERE ?)", pred)
}
