package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"creditdesk/internal/creditdesk"
)

// InvestigationStore implements creditdesk.InvestigationService: credit
// investigations (信用调查, 000 第五–七条). Every read applies
// CustomerPredicate; lists are paged per customer in one statement for any
// number of customers.
type InvestigationStore struct {
	DB bun.IDB
	// Clock tells today, after which an investigation cannot be dated; nil
	// is the system clock.
	Clock creditdesk.Clock
}

var _ creditdesk.InvestigationService = InvestigationStore{}

type investigationRow struct {
	ID         int64                          `bun:"id"`
	CustomerID int64                          `bun:"customer_id"`
	Date       creditdesk.Date                `bun:"date"`
	Source     creditdesk.InvestigationSource `bun:"source"`
	Operator   int                            `bun:"operator"`
	Internal   int                            `bun:"internal"`
	Funding    int                            `bun:"funding"`
	Payment    int                            `bun:"payment"`
	Kind       *creditdesk.InvestigationKind  `bun:"kind"`
	Summary    *string                        `bun:"summary"`
	RecordedBy *int64                         `bun:"recorded_by"`
	CreatedAt  time.Time                      `bun:"created_at"`
	Ord        int                            `bun:"ord"`
	TotalCount int                            `bun:"total_count"`
}

// investigationCursor is a cursor of a customer's investigations.
type investigationCursor struct {
	Date string `json:"d"`
	ID   int64  `json:"i"`
}

// RecordInvestigation adds a credit investigation of a visible customer.
// Sales reps, managers, finance and the general manager may record
// (EFORBIDDEN for analysts and auditors); EINVALID for a rating outside 1–5,
// an unknown source or kind, or a date after today; ENOTFOUND for an unknown
// or invisible customer.
func (s InvestigationStore) RecordInvestigation(ctx context.Context, in creditdesk.InvestigationInput) (*creditdesk.CreditInvestigation, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	actor, err := actingUser(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if !creditdesk.CanRequest(actor.Role) {
		return nil, creditdesk.Errorf(creditdesk.EFORBIDDEN, "a user with role %s may not record investigations", actor.Role)
	}
	today, err := policyToday(ctx, s.DB, s.Clock)
	if err != nil {
		return nil, err
	}
	if in.Date.After(today) {
		return nil, creditdesk.FieldError("date", in.Date.String(), "is after today (%s)", today)
	}
	cid, err := visibleCustomerID(ctx, s.DB, strings.TrimSpace(in.CustomerCode))
	if err != nil {
		return nil, err
	}
	var row investigationRow
	if err := s.DB.NewRaw(`
		INSERT INTO credit_investigations (customer_id, date, source, operator, internal, funding, payment, kind,
			summary, recorded_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING *`, cid, in.Date, in.Source, in.Operator, in.Internal, in.Funding, in.Payment, in.Kind,
		blankToNil(in.Summary), actor.ID).Scan(ctx, &row); err != nil {
		return nil, fmt.Errorf("record investigation: %w", err)
	}
	out, err := s.withRecorders(ctx, []investigationRow{row})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// withRecorders turns rows into investigations with who recorded them, in
// one statement.
func (s InvestigationStore) withRecorders(ctx context.Context, rows []investigationRow) ([]*creditdesk.CreditInvestigation, error) {
	var ids []int64
	for _, r := range rows {
		if r.RecordedBy != nil {
			ids = append(ids, *r.RecordedBy)
		}
	}
	users, err := usersByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*creditdesk.CreditInvestigation, len(rows))
	for i, r := range rows {
		out[i] = &creditdesk.CreditInvestigation{
			ID: r.ID, CustomerID: r.CustomerID, Date: r.Date, Source: r.Source, Operator: r.Operator,
			Internal: r.Internal, Funding: r.Funding, Payment: r.Payment, Kind: r.Kind, Summary: r.Summary,
			CreatedAt: r.CreatedAt,
		}
		if r.RecordedBy != nil {
			out[i].RecordedBy = users[*r.RecordedBy]
		}
	}
	return out, nil
}

// Investigations returns, for each query, one page of the customer's
// investigations, newest first (by date, then the latest recorded), with the
// customer's total count; the pages of every query come from one statement
// (a per-customer LIMIT under LATERAL), results in query order, an empty
// page for an invisible customer. Any caller may use it; EINVALID for a bad
// cursor.
func (s InvestigationStore) Investigations(ctx context.Context, qs []creditdesk.InvestigationsQuery) ([]*creditdesk.Connection[*creditdesk.CreditInvestigation], error) {
	n := len(qs)
	customers, firsts := make([]int64, n), make([]int, n)
	afterDates, afterIDs := make([]*string, n), make([]*int64, n)
	for i, q := range qs {
		customers[i], firsts[i] = q.CustomerID, q.First
		if q.First < 1 || q.First > creditdesk.MaxPageSize {
			return nil, creditdesk.FieldError("first", fmt.Sprint(q.First), "must be between 1 and %d", creditdesk.MaxPageSize)
		}
		if q.After != "" {
			var c investigationCursor
			if err := decodeCursor(q.After, &c); err != nil {
				return nil, err
			}
			if _, err := creditdesk.ParseDate(c.Date); err != nil {
				return nil, creditdesk.FieldError("after", q.After, "not a cursor of this list")
			}
			afterDates[i], afterIDs[i] = &c.Date, &c.ID
		}
	}
	var rows []investigationRow
	if err := s.DB.NewRaw(`
		WITH q AS (
			SELECT * FROM unnest(?customers::bigint[], ?firsts::int[], ?after_dates::date[], ?after_ids::bigint[])
				WITH ORDINALITY AS q (customer_id, first, after_date, after_id, ord)
		)
		SELECT q.ord, t.total_count, x.*
		FROM q
		JOIN customers c ON c.id = q.customer_id AND ?where
		CROSS JOIN LATERAL (
			SELECT count(*) AS total_count FROM credit_investigations ci WHERE ci.customer_id = q.customer_id
		) t
		LEFT JOIN LATERAL (
			SELECT ci.* FROM credit_investigations ci
			WHERE ci.customer_id = q.customer_id
			  AND (q.after_date IS NULL OR (ci.date, ci.id) < (q.after_date, q.after_id))
			ORDER BY ci.date DESC, ci.id DESC
			LIMIT q.first + 1
		) x ON true
		ORDER BY q.ord, x.date DESC, x.id DESC`, sqlArgs{
		"customers": pgdialect.Array(customers), "firsts": pgdialect.Array(firsts),
		"after_dates": pgdialect.Array(afterDates), "after_ids": pgdialect.Array(afterIDs),
		"where": CustomerPredicate(ctx, "c", nil),
	}).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load investigations: %w", err)
	}
	var found []investigationRow
	for _, r := range rows {
		if r.ID != 0 {
			found = append(found, r)
		}
	}
	invs, err := s.withRecorders(ctx, found)
	if err != nil {
		return nil, err
	}
	out := make([]*creditdesk.Connection[*creditdesk.CreditInvestigation], n)
	for i := range out {
		out[i] = &creditdesk.Connection[*creditdesk.CreditInvestigation]{}
	}
	k := 0
	for _, r := range rows {
		c := out[r.Ord-1]
		c.TotalCount = r.TotalCount
		if r.ID == 0 {
			continue
		}
		inv := invs[k]
		k++
		if len(c.Edges) == qs[r.Ord-1].First {
			c.HasNextPage = true
			continue
		}
		c.Edges = append(c.Edges, creditdesk.Edge[*creditdesk.CreditInvestigation]{
			Cursor: encodeCursor(investigationCursor{Date: r.Date.String(), ID: r.ID}), Node: inv,
		})
	}
	return out, nil
}

// LatestInvestigations returns each visible customer's latest investigation
// (by date, then the latest recorded), nil where there is none, in key order,
// from one statement. Any caller may use it.
func (s InvestigationStore) LatestInvestigations(ctx context.Context, customerIDs []int64) ([]*creditdesk.CreditInvestigation, error) {
	var rows []investigationRow
	if len(customerIDs) > 0 {
		if err := s.DB.NewRaw(`
			SELECT x.*
			FROM customers c
			CROSS JOIN LATERAL (
				SELECT ci.* FROM credit_investigations ci
				WHERE ci.customer_id = c.id
				ORDER BY ci.date DESC, ci.id DESC
				LIMIT 1
			) x
			WHERE c.id IN (?) AND ?`, bun.List(customerIDs), CustomerPredicate(ctx, "c", nil)).Scan(ctx, &rows); err != nil {
			return nil, fmt.Errorf("load latest investigations: %w", err)
		}
	}
	invs, err := s.withRecorders(ctx, rows)
	if err != nil {
		return nil, err
	}
	byCustomer := map[int64]*creditdesk.CreditInvestigation{}
	for _, inv := range invs {
		byCustomer[inv.CustomerID] = inv
	}
	out := make([]*creditdesk.CreditInvestigation, len(customerIDs))
	for i, id := range customerIDs {
		out[i] = byCustomer[id]
	}
	return out, nil
}
