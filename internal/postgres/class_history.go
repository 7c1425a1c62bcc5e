package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// historyCursor is a class-history cursor: the row's as-of date and run.
type historyCursor struct {
	AsOf         string `json:"d"`
	EvaluationID int64  `json:"e"`
}

// CreditClassHistory pages through a customer's stored evaluations, newest
// first, each worded with the policy version it used. Anyone who sees the
// customer may call it; ENOTFOUND for an unknown or invisible customer,
// EINVALID for a bad page size or cursor.
func (s ClassStore) CreditClassHistory(ctx context.Context, customerCode string, page creditdesk.Page) (*creditdesk.Connection[*creditdesk.CreditClassResult], error) {
	size, err := page.Size()
	if err != nil {
		return nil, err
	}
	keyset := bun.SafeQuery("TRUE")
	if page.After != nil {
		var c historyCursor
		if err := decodeCursor(*page.After, &c); err != nil {
			return nil, err
		}
		d, err := creditdesk.ParseDate(c.AsOf)
		if err != nil {
			return nil, creditdesk.FieldError("after", *page.After, "not a cursor of this list")
		}
		keyset = bun.SafeQuery("(s.as_of, s.evaluation_id) < (?::date, ?)", d, c.EvaluationID)
	}
	customer := new(creditdesk.Customer)
	err = s.DB.NewRaw(`SELECT c.* FROM customers c WHERE c.code = ? AND ?`,
		customerCode, CustomerPredicate(ctx, "c", nil)).Scan(ctx, customer)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q not found", customerCode)
	}
	if err != nil {
		return nil, fmt.Errorf("find customer %q: %w", customerCode, err)
	}
	var rows []classRow
	if err := s.DB.NewRaw(classQuery("history.sql"), sqlArgs{
		"customer": customer.ID, "keyset": keyset, "limit": size + 1,
	}).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("credit class history of %q: %w", customerCode, err)
	}
	conn := &creditdesk.Connection[*creditdesk.CreditClassResult]{}
	if len(rows) > 0 {
		conn.TotalCount = rows[0].TotalCount
	}
	rows = stored(rows)
	if len(rows) > size {
		rows, conn.HasNextPage = rows[:size], true
	}
	results, err := storedResults(ctx, s.DB, rows)
	if err != nil {
		return nil, err
	}
	for i, r := range results {
		r.Customer = customer
		conn.Edges = append(conn.Edges, creditdesk.Edge[*creditdesk.CreditClassResult]{
			Cursor: encodeCursor(historyCursor{AsOf: rows[i].AsOf.String(), EvaluationID: rows[i].EvaluationID}),
			Node:   r,
		})
	}
	return conn, nil
}

// stored drops a page's total-only row.
func stored(rows []classRow) []classRow {
	out := rows[:0]
	for _, r := range rows {
		if r.EvaluationID != 0 {
			out = append(out, r)
		}
	}
	return out
}

// storedResults words stored rows with the policy versions they used and
// attaches their overrides.
func storedResults(ctx context.Context, db bun.IDB, rows []classRow) ([]*creditdesk.CreditClassResult, error) {
	var versions []int
	for _, r := range rows {
		versions = append(versions, r.PolicyVersion)
	}
	policies, err := policiesByVersion(ctx, db, versions)
	if err != nil {
		return nil, err
	}
	results := make([]*creditdesk.CreditClassResult, len(rows))
	for i, r := range rows {
		p := policies[r.PolicyVersion]
		if p == nil {
			return nil, fmt.Errorf("policy version %d of evaluation %d is missing", r.PolicyVersion, r.EvaluationID)
		}
		results[i] = r.result(p, r.AsOf)
	}
	if err := attachClassDetails(ctx, db, results, false); err != nil {
		return nil, err
	}
	return results, nil
}

// changeRow is one side (FROM or TO) of a row of changes.sql.
type changeRow struct {
	classRow
	Side string `bun:"side"`
	Code string `bun:"code"`
}

// CreditClassChanges lists, by customer code, the customers the filter
// selects (among those visible to the actor) whose effective class in their
// latest stored evaluation on or before q.To differs from the one on or
// before q.From — "who moved from 乙 to 丙 this quarter" — with both
// evaluations. Any caller may use it; EINVALID when To is before From or
// for a bad page.
func (s ClassStore) CreditClassChanges(ctx context.Context, q creditdesk.CreditClassChangeQuery, page creditdesk.Page) (*creditdesk.Connection[*creditdesk.CreditClassChange], error) {
	size, err := page.Size()
	if err != nil {
		return nil, err
	}
	if q.From.IsZero() || q.To.IsZero() {
		return nil, creditdesk.Errorf(creditdesk.EINVALID, "from and to are required")
	}
	if q.To.Before(q.From) {
		return nil, creditdesk.FieldError("to", q.To.String(), "is before from %s", q.From)
	}
	after := ""
	if page.After != nil {
		if err := decodeCursor(*page.After, &after); err != nil {
			return nil, err
		}
	}
	var fromClass, toClass any
	if q.FromClass != nil {
		fromClass = string(*q.FromClass)
	}
	if q.ToClass != nil {
		toClass = string(*q.ToClass)
	}
	var rows []changeRow
	if err := s.DB.NewRaw(classQuery("changes.sql"), sqlArgs{
		"where": CustomerPredicate(ctx, "c", q.Filter), "from": q.From, "to": q.To,
		"from_class": fromClass, "to_class": toClass, "after": after, "limit": size + 1,
	}).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("credit class changes: %w", err)
	}
	conn := &creditdesk.Connection[*creditdesk.CreditClassChange]{}
	var sides []classRow
	for _, r := range rows {
		conn.TotalCount = r.TotalCount
		if r.Side != "" {
			sides = append(sides, r.classRow)
		}
	}
	results, err := storedResults(ctx, s.DB, sides)
	if err != nil {
		return nil, err
	}
	customerIDs := make([]int64, 0, len(sides))
	for _, r := range sides {
		customerIDs = append(customerIDs, r.CustomerID)
	}
	customers, err := customersByID(ctx, s.DB, customerIDs)
	if err != nil {
		return nil, err
	}
	var changes []*creditdesk.CreditClassChange
	var codes []string
	k := 0
	for _, r := range rows {
		if r.Side == "" {
			continue
		}
		res := results[k]
		k++
		res.Customer = customers[r.CustomerID]
		if len(changes) == 0 || changes[len(changes)-1].CustomerID != r.CustomerID {
			changes = append(changes, &creditdesk.CreditClassChange{CustomerID: r.CustomerID, Customer: res.Customer})
			codes = append(codes, r.Code)
		}
		c := changes[len(changes)-1]
		if r.Side == "FROM" {
			c.From = res
		} else {
			c.To = res
		}
	}
	if len(changes) > size {
		changes, conn.HasNextPage = changes[:size], true
	}
	for i, c := range changes {
		conn.Edges = append(conn.Edges, creditdesk.Edge[*creditdesk.CreditClassChange]{Cursor: encodeCursor(codes[i]), Node: c})
	}
	return conn, nil
}
