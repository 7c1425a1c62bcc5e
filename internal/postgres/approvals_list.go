package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// approvalRow is a row of approval_requests with what the views of its kind
// join: the invoice of a write-off, its open balance now, the write-off's
// date. Every field reads NULL (a page's total-only row) as its zero value.
type approvalRow struct {
	ID             int64                     `bun:"id"`
	Kind           creditdesk.ApprovalKind   `bun:"kind"`
	CustomerID     int64                     `bun:"customer_id"`
	Amount         decimal.NullDecimal       `bun:"amount"`
	InvoiceID      *int64                    `bun:"invoice_id"`
	CreditClass    *creditdesk.CreditClass   `bun:"credit_class"`
	Exception      bool                      `bun:"exception"`
	Reason         string                    `bun:"reason"`
	RequiredRoles  []string                  `bun:"required_roles,array"`
	PolicyVersion  int                       `bun:"policy_version"`
	Status         creditdesk.ApprovalStatus `bun:"status"`
	AwaitingRole   *creditdesk.Role          `bun:"awaiting_role"`
	RequestedBy    int64                     `bun:"requested_by"`
	RequestedOn    creditdesk.Date           `bun:"requested_on"`
	RequestedAt    time.Time                 `bun:"requested_at"`
	DecidedBy      *int64                    `bun:"decided_by"`
	DecidedOn      *creditdesk.Date          `bun:"decided_on"`
	EffectiveUntil *creditdesk.Date          `bun:"effective_until"`
	WriteOffID     *int64                    `bun:"write_off_id"`
	InvoiceNumber  *string                   `bun:"invoice_number"`
	Currency       *string                   `bun:"currency"`
	OpenBalance    decimal.NullDecimal       `bun:"open_balance"`
	WriteOffDate   *creditdesk.Date          `bun:"write_off_date"`
	TotalCount     int                       `bun:"total_count"`
}

func (r *approvalRow) chain() []creditdesk.Role {
	out := make([]creditdesk.Role, len(r.RequiredRoles))
	for i, s := range r.RequiredRoles {
		out[i] = creditdesk.Role(s)
	}
	return out
}

// approvalSelect is the select list and FROM clause of a request's view;
// the customer is c, for CustomerPredicate.
const approvalSelect = `
	SELECT r.*, i.number AS invoice_number, i.currency,
	       i.amount - (SELECT coalesce(sum(s.amount), 0) FROM settlements s WHERE s.invoice_id = i.id) AS open_balance,
	       w.date AS write_off_date
	FROM approval_requests r
	JOIN customers c ON c.id = r.customer_id
	LEFT JOIN invoices i ON i.id = r.invoice_id
	LEFT JOIN write_offs w ON w.id = r.write_off_id`

// loadedApproval is a request with its customer, people and steps.
type loadedApproval struct {
	row      approvalRow
	approval creditdesk.Approval
}

func (a *loadedApproval) limit() *creditdesk.CreditLimitRequest {
	return &creditdesk.CreditLimitRequest{Approval: a.approval, Amount: creditdesk.NewMoney(a.row.Amount.Decimal),
		Exception: a.row.Exception}
}

func (a *loadedApproval) writeOff() *creditdesk.WriteOffRequest {
	w := &creditdesk.WriteOffRequest{Approval: a.approval, Amount: creditdesk.NewMoney(a.row.Amount.Decimal),
		OpenBalance: creditdesk.NewMoney(a.row.OpenBalance.Decimal), WriteOffDate: a.row.WriteOffDate}
	if a.row.InvoiceID != nil {
		w.InvoiceID = *a.row.InvoiceID
	}
	if a.row.InvoiceNumber != nil {
		w.InvoiceNumber = *a.row.InvoiceNumber
	}
	if a.row.Currency != nil {
		w.Currency = *a.row.Currency
	}
	return w
}

func (a *loadedApproval) override() *creditdesk.CreditClassOverride {
	o := &creditdesk.CreditClassOverride{Approval: a.approval, EffectiveUntil: a.row.EffectiveUntil}
	if a.row.CreditClass != nil {
		o.CreditClass = *a.row.CreditClass
	}
	return o
}

// loadApprovals loads requests of kind by id among those of customers the
// actor sees, with their customers, people and steps: four statements
// whatever the number of requests.
func loadApprovals(ctx context.Context, db bun.IDB, kind creditdesk.ApprovalKind, ids []int64) (map[int64]*loadedApproval, error) {
	var rows []approvalRow
	if err := db.NewRaw(approvalSelect+` WHERE r.id IN (?) AND r.kind = ? AND ?`,
		bun.List(ids), kind, CustomerPredicate(ctx, "c", nil)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load %ss: %w", kindNames[kind], err)
	}
	loaded, err := hydrateApprovals(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	out := map[int64]*loadedApproval{}
	for _, a := range loaded {
		out[a.row.ID] = a
	}
	return out, nil
}

// loadOne loads one request, or ENOTFOUND.
func (s ApprovalStore) loadOne(ctx context.Context, kind creditdesk.ApprovalKind, id int64) (*loadedApproval, error) {
	m, err := loadApprovals(ctx, s.DB, kind, []int64{id})
	if err != nil {
		return nil, err
	}
	if m[id] == nil {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "%s %d not found", kindNames[kind], id)
	}
	return m[id], nil
}

type stepRow struct {
	RequestID int64
	Decision  creditdesk.ApprovalDecision
	Role      creditdesk.Role
	ActorID   int64
	ActedOn   creditdesk.Date
	ActedAt   time.Time
	Comment   *string
}

// hydrateApprovals adds customers, users and steps to rows, in three
// statements.
func hydrateApprovals(ctx context.Context, db bun.IDB, rows []approvalRow) ([]*loadedApproval, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	var customerIDs, userIDs []int64
	for i, r := range rows {
		ids[i] = r.ID
		customerIDs = append(customerIDs, r.CustomerID)
		userIDs = append(userIDs, r.RequestedBy)
		if r.DecidedBy != nil {
			userIDs = append(userIDs, *r.DecidedBy)
		}
	}
	var steps []stepRow
	if err := db.NewRaw(`
		SELECT request_id, decision, role, actor_id, acted_on, acted_at, comment
		FROM approval_steps WHERE request_id IN (?) ORDER BY request_id, id`, bun.List(ids)).Scan(ctx, &steps); err != nil {
		return nil, fmt.Errorf("load approval steps: %w", err)
	}
	for _, st := range steps {
		userIDs = append(userIDs, st.ActorID)
	}
	users, err := usersByID(ctx, db, userIDs)
	if err != nil {
		return nil, err
	}
	customers, err := customersByID(ctx, db, customerIDs)
	if err != nil {
		return nil, err
	}
	byRequest := map[int64][]creditdesk.ApprovalStep{}
	for _, st := range steps {
		byRequest[st.RequestID] = append(byRequest[st.RequestID], creditdesk.ApprovalStep{
			Decision: st.Decision, Role: st.Role, Actor: users[st.ActorID], ActedOn: st.ActedOn, ActedAt: st.ActedAt,
			Comment: st.Comment,
		})
	}
	out := make([]*loadedApproval, len(rows))
	for i, r := range rows {
		a := creditdesk.Approval{
			ID: r.ID, CustomerID: r.CustomerID, Customer: customers[r.CustomerID], Reason: r.Reason, Status: r.Status,
			RequiredRoles: r.chain(), AwaitingRole: r.AwaitingRole, PolicyVersion: r.PolicyVersion,
			RequestedBy: users[r.RequestedBy], RequestedOn: r.RequestedOn, RequestedAt: r.RequestedAt,
			DecidedOn: r.DecidedOn, Steps: byRequest[r.ID],
		}
		if r.DecidedBy != nil {
			a.DecidedBy = users[*r.DecidedBy]
		}
		out[i] = &loadedApproval{row: r, approval: a}
	}
	return out, nil
}

// usersByID loads users by id, in one statement.
func usersByID(ctx context.Context, db bun.IDB, ids []int64) (map[int64]*creditdesk.User, error) {
	out := map[int64]*creditdesk.User{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return out, nil
	}
	var us []*creditdesk.User
	if err := db.NewRaw(`SELECT id, username, name, role, office_id FROM users WHERE id IN (?)`, bun.List(ids)).
		Scan(ctx, &us); err != nil {
		return nil, fmt.Errorf("load users: %w", err)
	}
	for _, u := range us {
		out[u.ID] = u
	}
	return out, nil
}

// listApprovals returns one page of the requests of kind, newest first,
// among those of customers the filter selects and the actor sees, with the
// size of the whole filtered list.
func listApprovals(ctx context.Context, db bun.IDB, kind creditdesk.ApprovalKind, f creditdesk.ApprovalFilter,
	page creditdesk.Page) ([]*loadedApproval, *creditdesk.Connection[struct{}], error) {
	size, err := page.Size()
	if err != nil {
		return nil, nil, err
	}
	var status any
	if f.Status != nil {
		if !creditdesk.OneOf(*f.Status, creditdesk.ApprovalStatuses) {
			return nil, nil, creditdesk.FieldError("status", string(*f.Status), "must be one of %v", creditdesk.ApprovalStatuses)
		}
		status = string(*f.Status)
	}
	keyset := schema.QueryAppender(bun.SafeQuery("TRUE"))
	if page.After != nil {
		var after int64
		if err := decodeCursor(*page.After, &after); err != nil {
			return nil, nil, err
		}
		keyset = bun.SafeQuery("r.id < ?", after)
	}
	var rows []approvalRow
	err = db.NewRaw(`
		WITH matched AS (
			SELECT r.id FROM approval_requests r JOIN customers c ON c.id = r.customer_id
			WHERE r.kind = ?kind AND (?status::text IS NULL OR r.status = ?status::text) AND ?where
		)
		SELECT t.total_count, x.*
		FROM (SELECT count(*) AS total_count FROM matched) t
		LEFT JOIN LATERAL (`+approvalSelect+`
			WHERE r.id IN (SELECT id FROM matched) AND ?keyset
			ORDER BY r.id DESC
			LIMIT ?limit
		) x ON true
		ORDER BY x.id DESC`, sqlArgs{
		"kind": kind, "status": status, "where": CustomerPredicate(ctx, "c", f.Customer), "keyset": keyset,
		"limit": size + 1,
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, nil, fmt.Errorf("list %ss: %w", kindNames[kind], err)
	}
	conn := &creditdesk.Connection[struct{}]{}
	var found []approvalRow
	for _, r := range rows {
		conn.TotalCount = r.TotalCount
		if r.ID != 0 {
			found = append(found, r)
		}
	}
	if len(found) > size {
		found, conn.HasNextPage = found[:size], true
	}
	loaded, err := hydrateApprovals(ctx, db, found)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range loaded {
		conn.Edges = append(conn.Edges, creditdesk.Edge[struct{}]{Cursor: encodeCursor(a.row.ID)})
	}
	return loaded, conn, nil
}

// pageOf builds a connection of T from a listed page.
func pageOf[T any](loaded []*loadedApproval, c *creditdesk.Connection[struct{}], view func(*loadedApproval) T) *creditdesk.Connection[T] {
	out := &creditdesk.Connection[T]{HasNextPage: c.HasNextPage, TotalCount: c.TotalCount}
	for i, a := range loaded {
		out.Edges = append(out.Edges, creditdesk.Edge[T]{Cursor: c.Edges[i].Cursor, Node: view(a)})
	}
	return out
}

// CreditLimitRequests lists limit requests, newest first, of the customers
// the filter selects among those the actor sees, optionally of one status.
// Any caller may use it; EINVALID for a bad page, status or cursor.
func (s ApprovalStore) CreditLimitRequests(ctx context.Context, f creditdesk.ApprovalFilter, page creditdesk.Page) (*creditdesk.Connection[*creditdesk.CreditLimitRequest], error) {
	loaded, c, err := listApprovals(ctx, s.DB, creditdesk.KindCreditLimit, f, page)
	if err != nil {
		return nil, err
	}
	return pageOf(loaded, c, (*loadedApproval).limit), nil
}

// WriteOffRequests lists write-off requests like CreditLimitRequests.
func (s ApprovalStore) WriteOffRequests(ctx context.Context, f creditdesk.ApprovalFilter, page creditdesk.Page) (*creditdesk.Connection[*creditdesk.WriteOffRequest], error) {
	loaded, c, err := listApprovals(ctx, s.DB, creditdesk.KindWriteOff, f, page)
	if err != nil {
		return nil, err
	}
	return pageOf(loaded, c, (*loadedApproval).writeOff), nil
}

// CreditClassOverrides lists overrides like CreditLimitRequests.
func (s ApprovalStore) CreditClassOverrides(ctx context.Context, f creditdesk.ApprovalFilter, page creditdesk.Page) (*creditdesk.Connection[*creditdesk.CreditClassOverride], error) {
	loaded, c, err := listApprovals(ctx, s.DB, creditdesk.KindClassOverride, f, page)
	if err != nil {
		return nil, err
	}
	return pageOf(loaded, c, (*loadedApproval).override), nil
}
