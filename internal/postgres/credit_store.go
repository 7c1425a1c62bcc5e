package postgres

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// CreditStore implements creditdesk.CreditService: credit positions and the
// credit check, ageing with DSO/CEI/ADD, the 60-day and 120-day rules, the
// limitation watch and the note worklists (DOMAIN.md §3, §9). Every figure
// is one SQL statement over the ledger functions of the credit-figures
// migration (cd_invoice_open, cd_customer_exposure); Go reads the policy,
// validates the arguments and assembles the answer.
type CreditStore struct {
	// DB is the report handle (it may point at a replica).
	DB *bun.DB
	// Clock tells "today" for an omitted as-of date; nil is the system clock.
	Clock creditdesk.Clock
}

var _ creditdesk.CreditService = CreditStore{}

var (
	//go:embed sql/credit/positions.sql
	positionsSQL string
	//go:embed sql/credit/aging.sql
	agingSQL string
	//go:embed sql/credit/breaches.sql
	breachesSQL string
	//go:embed sql/credit/note_interest.sql
	noteInterestSQL string
	//go:embed sql/credit/limitation.sql
	limitationSQL string
	//go:embed sql/credit/presentment.sql
	presentmentSQL string
	//go:embed sql/credit/void_cheques.sql
	voidChequesSQL string
)

// policyOn returns the as-of date (today in the policy's time zone when
// asOf is nil) and the policy version in force on it. ENOTFOUND when no
// version is in force.
func (s CreditStore) policyOn(ctx context.Context, asOf *creditdesk.Date) (creditdesk.Date, *creditdesk.Policy, error) {
	ps := PolicyStore{DB: s.DB}
	if asOf != nil {
		p, err := ps.PolicyAt(ctx, *asOf)
		return *asOf, p, err
	}
	cur, err := ps.CurrentPolicy(ctx)
	if err != nil {
		return creditdesk.Date{}, nil, err
	}
	today := s.Clock.Today(cur.Location())
	if !today.Before(cur.EffectiveFrom) {
		return today, cur, nil
	}
	// The newest version takes effect later than today.
	p, err := ps.PolicyAt(ctx, today)
	return today, p, err
}

// positionRow is a row of positions.sql: the customer (c.*) and its figures.
// The figures are nullable only for the placeholder row of an empty page.
type positionRow struct {
	creditdesk.Customer
	CpOpenReceivables decimal.NullDecimal
	CpUnsettledNotes  decimal.NullDecimal
	CpExposure        decimal.NullDecimal
	CpUtilization     decimal.NullDecimal
	CpAlert           *creditdesk.CreditAlert
	CpSortUtilization *string
	CpTotalCount      int
}

func (r *positionRow) position(asOf creditdesk.Date, p *creditdesk.Policy, warn decimal.Decimal) *creditdesk.CreditPosition {
	c := r.Customer
	pos := &creditdesk.CreditPosition{
		Customer:        &c,
		AsOf:            asOf,
		PolicyVersion:   p.Version,
		OpenReceivables: creditdesk.NewMoney(r.CpOpenReceivables.Decimal),
		UnsettledNotes:  creditdesk.NewMoney(r.CpUnsettledNotes.Decimal),
		Exposure:        creditdesk.NewMoney(r.CpExposure.Decimal),
		CreditLimit:     c.CreditLimit,
		Alert:           *r.CpAlert,
		WarnRatio:       creditdesk.NewRatio(warn),
	}
	if r.CpUtilization.Valid {
		pos.Utilization = &creditdesk.Ratio{Decimal: r.CpUtilization.Decimal}
	}
	return pos
}

// positionArgs are the named arguments of positions.sql.
func positionArgs(ctx context.Context, asOf creditdesk.Date, warn decimal.Decimal, f *creditdesk.CustomerFilter,
	escope schema.QueryAppender) namedArgs {
	return namedArgs{
		"asof":    asOf,
		"warn":    warn,
		"visible": CustomerPredicate(ctx, "c", f),
		"escope":  escope,
	}
}

// CreditPosition returns the credit position of one customer as of asOf
// (nil: today). Any caller may use it for a customer in its scope; ENOTFOUND
// for an unknown customer or one outside the actor's scope.
func (s CreditStore) CreditPosition(ctx context.Context, customerCode string, asOf *creditdesk.Date) (*creditdesk.CreditPosition, error) {
	d, p, err := s.policyOn(ctx, asOf)
	if err != nil {
		return nil, err
	}
	warn := p.Decimal("limit_warn_ratio")
	// An InitPlan (the scalar subquery) is pushed into the exposure function
	// like a constant, so only this customer's invoices and notes are read.
	args := positionArgs(ctx, d, warn, nil,
		bun.SafeQuery("e.customer_id = (SELECT x.id FROM customers x WHERE x.code = ?)", customerCode))
	args["code"] = customerCode
	var row positionRow
	err = s.DB.NewRaw(`SELECT p.* FROM (`+positionsSQL+`) p WHERE p.code = ?code`, args).Scan(ctx, &row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q not found", customerCode)
	}
	if err != nil {
		return nil, fmt.Errorf("credit position of %q: %w", customerCode, err)
	}
	return row.position(d, p, warn), nil
}

// CustomerCreditPositions returns the credit positions of many customers as
// of asOf (nil: today) in one statement, aligned with ids; a customer
// outside the actor's scope gets nil. It serves the per-request loader of
// Customer.creditPosition.
func (s CreditStore) CustomerCreditPositions(ctx context.Context, ids []int64, asOf *creditdesk.Date) ([]*creditdesk.CreditPosition, error) {
	out := make([]*creditdesk.CreditPosition, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	d, p, err := s.policyOn(ctx, asOf)
	if err != nil {
		return nil, err
	}
	warn := p.Decimal("limit_warn_ratio")
	args := positionArgs(ctx, d, warn, nil, bun.SafeQuery("e.customer_id IN (?)", bun.List(ids)))
	args["ids"] = bun.List(ids)
	var rows []positionRow
	err = s.DB.NewRaw(`SELECT p.* FROM (`+positionsSQL+`) p WHERE p.id IN (?ids)`, args).Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("credit positions of %d customers: %w", len(ids), err)
	}
	byID := make(map[int64]*creditdesk.CreditPosition, len(rows))
	for i := range rows {
		byID[rows[i].ID] = rows[i].position(d, p, warn)
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// positionSortKey is one sort column of the credit position list over the
// alias q: its expression, the SQL type of its cursor value, and whether it
// always sorts ascending (the code tie-break).
type positionSortKey struct {
	expr, typ string
	alwaysAsc bool
}

// positionOrders are the sort keys of each ordering; the last is unique.
var positionOrders = map[creditdesk.CreditPositionOrderField][]positionSortKey{
	creditdesk.PositionOrderUtilization: {{"q.cp_sort_utilization", "numeric", false}, {"q.cp_exposure", "numeric", false}, {"q.code", "text", true}},
	creditdesk.PositionOrderExposure:    {{"q.cp_exposure", "numeric", false}, {"q.code", "text", true}},
	creditdesk.PositionOrderCode:        {{"q.code", "text", false}},
}

// positionCursor is what a credit-position cursor carries: the ordering and
// the row's sort values as PostgreSQL writes them.
type positionCursor struct {
	Order  string   `json:"o"`
	Values []string `json:"v"`
}

// CreditPositions returns one page of the credit positions of every
// customer the query selects (customers without exposure included as OK
// with zero figures), ordered by utilisation descending unless asked
// otherwise, ties by exposure then code. Any caller may use it; the filter
// and the actor's scope apply in the SQL. TotalCount is the size of the
// whole filtered set (alert included). EINVALID for a bad page size,
// ordering or cursor.
func (s CreditStore) CreditPositions(ctx context.Context, q creditdesk.CreditPositionQuery) (*creditdesk.CreditPositionPage, error) {
	size, err := q.Page.Size()
	if err != nil {
		return nil, err
	}
	order := q.Order
	if order.Field == "" {
		order.Field = creditdesk.DefaultCreditPositionOrder.Field
	}
	if order.Direction == "" {
		order.Direction = creditdesk.Desc
		if order.Field == creditdesk.PositionOrderCode {
			order.Direction = creditdesk.Asc
		}
	}
	keys, ok := positionOrders[order.Field]
	if !ok {
		return nil, creditdesk.FieldError("orderBy.field", string(order.Field), "not a credit position ordering")
	}
	if order.Direction != creditdesk.Asc && order.Direction != creditdesk.Desc {
		return nil, creditdesk.FieldError("orderBy.direction", string(order.Direction), "must be ASC or DESC")
	}
	if q.Alert != nil && !creditdesk.OneOf(*q.Alert, creditdesk.CreditAlerts) {
		return nil, creditdesk.FieldError("alert", string(*q.Alert), "not a credit alert")
	}
	orderName := string(order.Field) + "." + string(order.Direction)

	// ORDER BY and the keyset predicate from the whitelisted sort keys.
	var orderBy, sortValues []string
	for _, k := range keys {
		dir := order.Direction
		if k.alwaysAsc {
			dir = creditdesk.Asc
		}
		orderBy = append(orderBy, k.expr+" "+string(dir))
		sortValues = append(sortValues, "("+k.expr+")::text")
	}
	keyset := schema.QueryAppender(bun.SafeQuery("TRUE"))
	if q.Page.After != nil {
		var cur positionCursor
		if err := decodeCursor(*q.Page.After, &cur); err != nil {
			return nil, err
		}
		if cur.Order != orderName || len(cur.Values) != len(keys) {
			return nil, creditdesk.FieldError("after", *q.Page.After, "the cursor belongs to another ordering (%s)", cur.Order)
		}
		keyset = keysetAfter(keys, order.Direction, cur.Values)
	}

	d, p, err := s.policyOn(ctx, q.AsOf)
	if err != nil {
		return nil, err
	}
	warn := p.Decimal("limit_warn_ratio")
	// A list narrowed by the filter or the actor's scope computes the
	// exposure of its customers only (the id array is an InitPlan, pushed
	// into the exposure function like a constant); a list of every customer
	// computes it for all in one pass.
	escope := schema.QueryAppender(bun.SafeQuery("TRUE"))
	if narrowsCustomers(ctx, q.Filter) {
		escope = bun.SafeQuery("e.customer_id = ANY(ARRAY(SELECT c.id FROM customers c WHERE ?))", CustomerPredicate(ctx, "c", q.Filter))
	}
	args := positionArgs(ctx, d, warn, q.Filter, escope)
	args["alert"] = bun.SafeQuery("TRUE")
	if q.Alert != nil {
		args["alert"] = bun.SafeQuery("p.cp_alert = ?", string(*q.Alert))
	}
	args["keyset"] = keyset
	args["limit"] = size + 1
	// The filtered set is computed once; the count is over all of it, the
	// page is the keyset slice of it, and the LEFT JOIN keeps one row,
	// carrying the count, when the page is empty.
	query := fmt.Sprintf(`
		WITH f AS (SELECT * FROM (`+positionsSQL+`) p WHERE ?alert)
		SELECT q.*, t.total AS cp_total_count, %[2]s AS cp_cursor
		FROM (SELECT count(*) AS total FROM f) t
		LEFT JOIN LATERAL (SELECT * FROM f q WHERE ?keyset ORDER BY %[1]s LIMIT ?limit) q ON true
		ORDER BY %[1]s`,
		strings.Join(orderBy, ", "), "array["+strings.Join(sortValues, ", ")+"]")
	var rows []struct {
		positionRow
		CpCursor []string `bun:",array"`
	}
	if err := s.DB.NewRaw(query, args).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("credit positions: %w", err)
	}
	page := &creditdesk.CreditPositionPage{AsOf: d, PolicyVersion: p.Version}
	for i := range rows {
		r := &rows[i]
		page.TotalCount = r.CpTotalCount
		if r.CpAlert == nil { // the empty page's placeholder row
			continue
		}
		if len(page.Edges) == size {
			page.HasNextPage = true
			break
		}
		cur := encodeCursor(positionCursor{Order: orderName, Values: r.CpCursor})
		page.Edges = append(page.Edges, creditdesk.Edge[*creditdesk.CreditPosition]{Cursor: cur, Node: r.position(d, p, warn)})
	}
	return page, nil
}

// keysetAfter is the predicate "the row comes after the cursor's values" for
// sort keys that may mix directions: (k1 beyond v1) OR (k1 = v1 AND k2
// beyond v2) OR …
func keysetAfter(keys []positionSortKey, dir creditdesk.SortDirection, values []string) schema.QueryAppender {
	var ors []string
	var args []any
	for i, k := range keys {
		var ands []string
		for j := range i {
			ands = append(ands, fmt.Sprintf("%s = ?::%s", keys[j].expr, keys[j].typ))
			args = append(args, values[j])
		}
		cmp := ">"
		if dir == creditdesk.Desc && !k.alwaysAsc {
			cmp = "<"
		}
		ands = append(ands, fmt.Sprintf("%s %s ?::%s", k.expr, cmp, k.typ))
		args = append(args, values[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return bun.SafeQuery("("+strings.Join(ors, " OR ")+")", args...)
}

// CreditCheck decides on a prospective order of amount for a customer as of
// asOf (nil: today), with every reason (DOMAIN.md §3). Any caller may use it
// for a customer in its scope. EINVALID for a negative amount, ENOTFOUND for
// an unknown customer or one outside the actor's scope.
func (s CreditStore) CreditCheck(ctx context.Context, customerCode string, amount decimal.Decimal, asOf *creditdesk.Date) (*creditdesk.CreditCheck, error) {
	if amount.IsNegative() {
		return nil, creditdesk.FieldError("amount", creditdesk.DecimalText(amount), "an order amount cannot be negative")
	}
	pos, err := s.CreditPosition(ctx, customerCode, asOf)
	if err != nil {
		return nil, err
	}
	return creditdesk.DecideCreditCheck(pos, amount, pos.WarnRatio.Decimal), nil
}

// narrowsCustomers reports whether the filter or the actor's scope selects
// fewer than all customers.
func narrowsCustomers(ctx context.Context, f *creditdesk.CustomerFilter) bool {
	if u := creditdesk.ActorFrom(ctx); u != nil && !u.Role.SeesAllCustomers() {
		return true
	}
	if f == nil {
		return false
	}
	return len(f.OfficeCodes) > 0 || len(f.RepUsernames) > 0 || len(f.Industries) > 0 || len(f.DealerTypes) > 0 ||
		len(f.RelationshipClasses) > 0 || len(f.Statuses) > 0 || len(f.CreditClasses) > 0 || len(f.Codes) > 0 ||
		(f.Search != nil && strings.TrimSpace(*f.Search) != "")
}
