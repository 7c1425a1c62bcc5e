package postgres

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// CustomerStore implements creditdesk.CustomerService: the customer archive
// (DOMAIN.md §1). Every read applies CustomerPredicate, so an actor sees only
// the customers in its scope; every change is written to customer_history in
// the transaction that makes it.
type CustomerStore struct {
	DB *bun.DB
	// Clock tells "today" (in the policy's time zone) for rep_assigned_on
	// and for refusing dates in the future; nil is the system clock.
	Clock creditdesk.Clock
}

var _ creditdesk.CustomerService = CustomerStore{}

// FindCustomerByCode returns the customer with the code among those visible
// to the actor of ctx. Any caller may use it; ENOTFOUND when the customer
// does not exist or is outside the actor's scope (the two are not told
// apart, so the answer does not reveal other offices' customers).
func (s CustomerStore) FindCustomerByCode(ctx context.Context, code string) (*creditdesk.Customer, error) {
	c := new(creditdesk.Customer)
	err := s.DB.NewRaw(`SELECT c.* FROM customers c WHERE c.code = ? AND ?`,
		code, CustomerPredicate(ctx, "c", nil)).Scan(ctx, c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q not found", code)
	}
	if err != nil {
		return nil, fmt.Errorf("find customer %q: %w", code, err)
	}
	return c, nil
}

// customerOrderKeys are the sort expressions of the customer list, over the
// alias f. A missing credit limit sorts as −1 (below every limit, which the
// schema keeps ≥ 0) so that the keyset comparison never meets a NULL.
var customerOrderKeys = map[creditdesk.CustomerOrderField]struct{ expr, typ string }{
	creditdesk.CustomerOrderCode:        {"f.code", "text"},
	creditdesk.CustomerOrderName:        {"f.name", "text"},
	creditdesk.CustomerOrderCreatedAt:   {"f.created_at", "timestamptz"},
	creditdesk.CustomerOrderCreditLimit: {"coalesce(f.credit_limit, -1)", "numeric"},
}

// customerCursor is what a customer-list cursor carries: the ordering it
// belongs to, the row's sort key (as PostgreSQL writes it) and its code, the
// tie-break.
type customerCursor struct {
	Order string `json:"o"`
	Key   string `json:"k"`
	Code  string `json:"c"`
}

func encodeCursor(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return creditdesk.FieldError("after", s, "not a cursor of this list")
	}
	return nil
}

// customerFieldColumns are the attributes a list may read on their own, by
// Go field name, and their columns.
var customerFieldColumns = map[string]string{
	"Name": "name", "ShortName": "short_name", "Industry": "industry", "Status": "status",
	"CreditLimit": "credit_limit", "CreditClass": "credit_class", "DealerClass": "dealer_class",
	"DealerType": "dealer_type", "CreatedAt": "created_at",
}

// customerColumns is the select list of the customers alias c for fields:
// the id, code, office and rep always, and the named attributes; every
// column when fields is nil or names an attribute not in
// customerFieldColumns.
func customerColumns(fields creditdesk.CustomerFields) string {
	if fields == nil {
		return "c.*"
	}
	cols := []string{"c.id", "c.code", "c.office_id", "c.rep_id"}
	for _, f := range fields {
		col, ok := customerFieldColumns[f]
		if !ok {
			return "c.*"
		}
		if !slices.Contains(cols, "c."+col) {
			cols = append(cols, "c."+col)
		}
	}
	return strings.Join(cols, ", ")
}

type customerListRow struct {
	creditdesk.Customer
	SortKey    *string
	TotalCount int
}

// FindCustomers returns one page of the customers the filter selects among
// those visible to the actor, ordered by order (ties by code), with keyset
// cursors. Any caller may use it. The page and the size of the whole
// filtered list come from one statement, so totalCount is the same on every
// page, an empty last page included. EINVALID for a bad page size, order or
// cursor (a cursor of another ordering is refused, not misread).
func (s CustomerStore) FindCustomers(ctx context.Context, f creditdesk.CustomerFilter, order creditdesk.CustomerOrder,
	page creditdesk.Page, fields creditdesk.CustomerFields) (*creditdesk.Connection[*creditdesk.Customer], error) {
	size, err := page.Size()
	if err != nil {
		return nil, err
	}
	if order.Field == "" {
		order.Field = creditdesk.CustomerOrderCode
	}
	if order.Direction == "" {
		order.Direction = creditdesk.Asc
	}
	key, ok := customerOrderKeys[order.Field]
	if !ok {
		return nil, creditdesk.FieldError("orderBy.field", string(order.Field), "not a customer ordering")
	}
	cmp, dir := ">", "ASC"
	switch order.Direction {
	case creditdesk.Asc:
	case creditdesk.Desc:
		cmp, dir = "<", "DESC"
	default:
		return nil, creditdesk.FieldError("orderBy.direction", string(order.Direction), "must be ASC or DESC")
	}
	orderName := string(order.Field) + "." + string(order.Direction)

	keyset := bun.SafeQuery("TRUE")
	if page.After != nil {
		var c customerCursor
		if err := decodeCursor(*page.After, &c); err != nil {
			return nil, err
		}
		if c.Order != orderName {
			return nil, creditdesk.FieldError("after", *page.After, "the cursor belongs to another ordering (%s)", c.Order)
		}
		// Row comparison in the direction of the ordering: everything after
		// the cursor's row, ties broken by code.
		keyset = bun.SafeQuery(fmt.Sprintf("(f.k, f.code) %s (?::%s, ?)", cmp, key.typ), c.Key, c.Code)
	}

	// The filtered set is computed once, narrow (id, code, sort key); the
	// count is over all of it, the page is the keyset slice of it, and only
	// the page's rows are read whole. The LEFT JOIN keeps one row, carrying
	// the count, when the page is empty.
	var rows []customerListRow
	err = s.DB.NewRaw(fmt.Sprintf(`
		WITH f AS (SELECT c.id, c.code, %[1]s AS k FROM customers c WHERE ?)
		SELECT %[3]s, p.k::text AS sort_key, t.total_count
		FROM (SELECT count(*) AS total_count FROM f) t
		LEFT JOIN LATERAL (
			SELECT f.* FROM f
			WHERE ?
			ORDER BY f.k %[2]s, f.code %[2]s
			LIMIT ?
		) p ON true
		LEFT JOIN customers c ON c.id = p.id
		ORDER BY p.k %[2]s, p.code %[2]s`, strings.ReplaceAll(key.expr, "f.", "c."), dir, customerColumns(fields)),
		CustomerPredicate(ctx, "c", &f), keyset, size+1).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("find customers: %w", err)
	}
	conn := &creditdesk.Connection[*creditdesk.Customer]{}
	for i := range rows {
		r := &rows[i]
		conn.TotalCount = r.TotalCount
		if r.SortKey == nil { // the empty page's placeholder row
			continue
		}
		if len(conn.Edges) == size {
			conn.HasNextPage = true
			break
		}
		cur := encodeCursor(customerCursor{Order: orderName, Key: *r.SortKey, Code: r.Code})
		c := r.Customer
		conn.Edges = append(conn.Edges, creditdesk.Edge[*creditdesk.Customer]{Cursor: cur, Node: &c})
	}
	return conn, nil
}

// CreateCustomer adds a customer with its contacts and writes a "created"
// row to its history, in one transaction; the actor of ctx (the built-in
// admin when none) is recorded as creator. Any caller may use it. EINVALID
// names the first bad field and its value (an unknown office or rep
// included); ECONFLICT when the code exists.
func (s CustomerStore) CreateCustomer(ctx context.Context, in creditdesk.NewCustomer) (*creditdesk.Customer, error) {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	today, err := s.today(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if err := validateNewCustomer(in, today); err != nil {
		return nil, err
	}
	status := creditdesk.StatusActive
	if in.Status != nil {
		status = *in.Status
	}
	guarantees := in.Guarantees
	if guarantees == nil {
		guarantees = []creditdesk.Guarantee{}
	}

	c := new(creditdesk.Customer)
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		refs, err := lookupRefs(ctx, tx, &in.OfficeCode, in.RepUsername, nil)
		if err != nil {
			return err
		}
		var repAssignedOn *creditdesk.Date
		if refs.RepID != nil {
			repAssignedOn = &today
		}
		err = tx.NewRaw(`
			INSERT INTO customers (code, name, short_name, industry, relationship_class, demand_grade, dealer_type,
				business_type, enterprise_nature, supervising_unit, head_office_address, address, website, founded_on,
				registered_capital, employees, managers, office_id, rep_id, rep_assigned_on, requested_limit,
				guarantees, status, required_share, first_trade_on, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING *`,
			in.Code, in.Name, blankToNil(in.ShortName), in.Industry, in.RelationshipClass, in.DemandGrade, in.DealerType,
			in.BusinessType, blankToNil(in.EnterpriseNature), blankToNil(in.SupervisingUnit),
			blankToNil(in.HeadOfficeAddress), blankToNil(in.Address), blankToNil(in.Website), in.FoundedOn,
			in.RegisteredCapital, in.Employees, in.Managers, refs.OfficeID, refs.RepID, repAssignedOn,
			in.RequestedLimit, guaranteeArray(guarantees), status, in.RequiredShare, in.FirstTradeOn, refs.ActorID,
		).Scan(ctx, c)
		if isUniqueViolation(err, "customers_code_key") {
			return creditdesk.Errorf(creditdesk.ECONFLICT, "customer code %q exists", in.Code)
		}
		if err != nil {
			return fmt.Errorf("insert customer: %w", err)
		}
		hist := []historyRow{{Field: "created", NewValue: &in.Code}}
		if err := insertContacts(ctx, tx, c.ID, in.Contacts); err != nil {
			return err
		}
		return insertHistory(ctx, tx, c.ID, hist, "customer created", refs.ActorID, nil)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCustomer changes archive fields of the customer with the code and
// writes, in the same transaction, one history row per field that really
// changes (old value, new value, the reason, the actor — the built-in admin
// when none — and the approver). Fields given with their current value write
// nothing. Credit limit, credit class, dealer class and status are not archive
// fields and have their own flows. Any caller may use it on a customer it can
// see. EINVALID without a reason or for a bad field (nothing is written);
// ENOTFOUND for an unknown or invisible code.
func (s CustomerStore) UpdateCustomer(ctx context.Context, code string, upd creditdesk.CustomerUpdate) (*creditdesk.Customer, error) {
	reason := strings.TrimSpace(upd.Reason)
	if reason == "" {
		return nil, creditdesk.FieldError("reason", upd.Reason, "a reason is required for every change of the archive")
	}
	today, err := s.today(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if err := validateCustomerUpdate(&upd, today); err != nil {
		return nil, err
	}

	var out *creditdesk.Customer
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cur := new(creditdesk.Customer)
		err := tx.NewRaw(`SELECT c.* FROM customers c WHERE c.code = ? AND ? FOR UPDATE`,
			code, CustomerPredicate(ctx, "c", nil)).Scan(ctx, cur)
		if errors.Is(err, sql.ErrNoRows) {
			return creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q not found", code)
		}
		if err != nil {
			return fmt.Errorf("lock customer: %w", err)
		}
		refs, err := lookupRefs(ctx, tx, upd.OfficeCode, upd.RepUsername, upd.ApprovedBy)
		if err != nil {
			return err
		}
		names, err := currentRefNames(ctx, tx, cur)
		if err != nil {
			return err
		}
		ch := customerChanges(cur, &upd, refs, names, today)
		if len(ch.sets) > 0 {
			_, err = tx.NewRaw(`UPDATE customers c SET ? WHERE c.id = ?`,
				bun.SafeQuery(strings.Join(ch.sets, ", "), ch.args...), cur.ID).Exec(ctx)
			if err != nil {
				return fmt.Errorf("update customer: %w", err)
			}
		}
		hist := ch.history
		for _, ct := range upd.AddContacts {
			name := strings.TrimSpace(ct.Name)
			hist = append(hist, historyRow{Field: "contacts", NewValue: &name})
		}
		if err := insertContacts(ctx, tx, cur.ID, upd.AddContacts); err != nil {
			return err
		}
		if err := insertHistory(ctx, tx, cur.ID, hist, reason, refs.ActorID, refs.ApproverID); err != nil {
			return err
		}
		out = new(creditdesk.Customer)
		return tx.NewRaw(`SELECT c.* FROM customers c WHERE c.id = ?`, cur.ID).Scan(ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// today is the current date in the policy's time zone (DOMAIN.md §10).
func (s CustomerStore) today(ctx context.Context, db bun.IDB) (creditdesk.Date, error) {
	return policyToday(ctx, db, s.Clock)
}

func policyToday(ctx context.Context, db bun.IDB, clock creditdesk.Clock) (creditdesk.Date, error) {
	p, err := PolicyStore{DB: db}.CurrentPolicy(ctx)
	if err != nil {
		return creditdesk.Date{}, err
	}
	return clock.Today(p.Location()), nil
}

// refs are the ids behind the codes and usernames of a customer write.
type refs struct {
	OfficeID   *int64
	RepID      *int64
	RepRole    *creditdesk.Role
	ApproverID *int64
	Approver   *creditdesk.Role
	ActorID    int64
}

// lookupRefs resolves an office code, a rep's and an approver's username and
// the actor (the built-in admin when ctx has none) in one statement; an
// unknown name is EINVALID naming the field.
func lookupRefs(ctx context.Context, db bun.IDB, officeCode, repUsername, approver *string) (*refs, error) {
	r := new(refs)
	var actor *int64
	if u := creditdesk.ActorFrom(ctx); u != nil && u.ID != 0 {
		actor = &u.ID
	}
	err := db.NewRaw(`
		SELECT (SELECT o.id FROM offices o WHERE o.code = ?) AS office_id,
		       (SELECT u.id FROM users u WHERE u.username = ? AND u.active) AS rep_id,
		       (SELECT u.role FROM users u WHERE u.username = ? AND u.active) AS rep_role,
		       (SELECT u.id FROM users u WHERE u.username = ? AND u.active) AS approver_id,
		       (SELECT u.role FROM users u WHERE u.username = ? AND u.active) AS approver,
		       coalesce(?::bigint, (SELECT u.id FROM users u WHERE u.username = 'admin')) AS actor_id`,
		officeCode, repUsername, repUsername, approver, approver, actor).Scan(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("look up office and users: %w", err)
	}
	if officeCode != nil && r.OfficeID == nil {
		return nil, creditdesk.FieldError("officeCode", *officeCode, "no such office")
	}
	if repUsername != nil && *repUsername != "" {
		if r.RepID == nil {
			return nil, creditdesk.FieldError("repUsername", *repUsername, "no such active user")
		}
		if !slices.Contains(creditdesk.RepRoles, *r.RepRole) {
			return nil, creditdesk.FieldError("repUsername", *repUsername,
				"is a %s; the responsible rep is a sales rep or a manager", *r.RepRole)
		}
	}
	if approver != nil {
		if r.ApproverID == nil {
			return nil, creditdesk.FieldError("approvedBy", *approver, "no such active user")
		}
		// 000 3.7.4: archive changes are approved by a manager.
		if *r.Approver != creditdesk.RoleManager && *r.Approver != creditdesk.RoleGeneralManager {
			return nil, creditdesk.FieldError("approvedBy", *approver,
				"is a %s; changes are approved by a manager or the general manager", *r.Approver)
		}
	}
	return r, nil
}

// refNames are a customer's office code and rep username: what the history
// shows for its office and rep, rather than their ids.
type refNames struct {
	OfficeCode  string
	RepUsername *string
}

func currentRefNames(ctx context.Context, db bun.IDB, c *creditdesk.Customer) (*refNames, error) {
	n := new(refNames)
	err := db.NewRaw(`SELECT (SELECT code FROM offices WHERE id = ?) AS office_code,
		(SELECT username FROM users WHERE id = ?) AS rep_username`, c.OfficeID, c.RepID).Scan(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("read office and rep: %w", err)
	}
	return n, nil
}

// historyRow is one change of one field, as written to customer_history.
type historyRow struct {
	Field    string
	OldValue *string
	NewValue *string
}

func insertHistory(ctx context.Context, db bun.IDB, customerID int64, rows []historyRow, reason string,
	changedBy int64, approvedBy *int64) error {
	if len(rows) == 0 {
		return nil
	}
	vals := make([]schema.QueryWithArgs, len(rows))
	for i, r := range rows {
		vals[i] = bun.SafeQuery("(?, ?, ?, ?, ?, ?, ?)", customerID, r.Field, r.OldValue, r.NewValue, reason, changedBy, approvedBy)
	}
	_, err := db.NewRaw(`INSERT INTO customer_history (customer_id, field, old_value, new_value, reason, changed_by, approved_by)
		VALUES ?`, joinQueries(vals, ", ")).Exec(ctx)
	if err != nil {
		return fmt.Errorf("insert customer history: %w", err)
	}
	return nil
}

func insertContacts(ctx context.Context, db bun.IDB, customerID int64, cs []creditdesk.ContactInput) error {
	if len(cs) == 0 {
		return nil
	}
	vals := make([]schema.QueryWithArgs, len(cs))
	for i, c := range cs {
		vals[i] = bun.SafeQuery("(?, ?, ?, ?, ?)", customerID, strings.TrimSpace(c.Name),
			blankToNil(c.Title), blankToNil(c.Phone), blankToNil(c.Email))
	}
	_, err := db.NewRaw(`INSERT INTO customer_contacts (customer_id, name, title, phone, email) VALUES ?`,
		joinQueries(vals, ", ")).Exec(ctx)
	if err != nil {
		return fmt.Errorf("insert contacts: %w", err)
	}
	return nil
}

// joinQueries joins query fragments with sep into one fragment.
func joinQueries(qs []schema.QueryWithArgs, sep string) schema.QueryWithArgs {
	parts := make([]string, len(qs))
	var args []any
	for i, q := range qs {
		parts[i] = q.Query
		args = append(args, q.Args...)
	}
	return bun.SafeQuery(strings.Join(parts, sep), args...)
}

// changes is the SET list of an update and its history rows.
type changes struct {
	sets    []string
	args    []any
	history []historyRow
}

func (ch *changes) set(field, column string, old, new *string, value any) {
	if equalText(old, new) {
		return
	}
	ch.sets = append(ch.sets, column+" = ?")
	ch.args = append(ch.args, value)
	ch.history = append(ch.history, historyRow{Field: field, OldValue: old, NewValue: new})
}

func equalText(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// customerChanges compares an update with the current record field by field;
// a field given with its current value is no change. Optional text fields
// given as "" are cleared; so is the rep.
func customerChanges(c *creditdesk.Customer, u *creditdesk.CustomerUpdate, r *refs, names *refNames,
	today creditdesk.Date) *changes {
	ch := &changes{}
	text := func(field, column string, old, new *string) {
		if new != nil {
			v := blankToNil(new)
			ch.set(field, column, old, v, v)
		}
	}
	enum := func(field, column string, old *string, new *string) {
		if new != nil {
			ch.set(field, column, old, new, *new)
		}
	}
	if u.Name != nil {
		name := strings.TrimSpace(*u.Name)
		ch.set("name", "name", &c.Name, &name, name)
	}
	text("shortName", "short_name", c.ShortName, u.ShortName)
	enum("industry", "industry", strPtr(&c.Industry), strPtr(u.Industry))
	enum("relationshipClass", "relationship_class", strPtr(c.RelationshipClass), strPtr(u.RelationshipClass))
	enum("demandGrade", "demand_grade", strPtr(c.DemandGrade), strPtr(u.DemandGrade))
	enum("dealerType", "dealer_type", strPtr(c.DealerType), strPtr(u.DealerType))
	enum("businessType", "business_type", strPtr(c.BusinessType), strPtr(u.BusinessType))
	text("enterpriseNature", "enterprise_nature", c.EnterpriseNature, u.EnterpriseNature)
	text("supervisingUnit", "supervising_unit", c.SupervisingUnit, u.SupervisingUnit)
	text("headOfficeAddress", "head_office_address", c.HeadOfficeAddress, u.HeadOfficeAddress)
	text("address", "address", c.Address, u.Address)
	text("website", "website", c.Website, u.Website)
	if u.FoundedOn != nil {
		ch.set("foundedOn", "founded_on", dateText(c.FoundedOn), dateText(u.FoundedOn), *u.FoundedOn)
	}
	if u.RegisteredCapital != nil {
		ch.set("registeredCapital", "registered_capital", moneyText(c.RegisteredCapital), moneyText(u.RegisteredCapital),
			*u.RegisteredCapital)
	}
	if u.Employees != nil {
		ch.set("employees", "employees", intText(c.Employees), intText(u.Employees), *u.Employees)
	}
	if u.Managers != nil {
		ch.set("managers", "managers", intText(c.Managers), intText(u.Managers), *u.Managers)
	}
	if u.OfficeCode != nil {
		ch.set("officeCode", "office_id", &names.OfficeCode, u.OfficeCode, *r.OfficeID)
	}
	if u.RepUsername != nil {
		newRep := blankToNil(u.RepUsername)
		if !equalText(names.RepUsername, newRep) {
			ch.set("repUsername", "rep_id", names.RepUsername, newRep, r.RepID)
			// A new rep's 7-day contact clock (003 第四条3) starts today.
			var assigned *creditdesk.Date
			if newRep != nil {
				assigned = &today
			}
			ch.sets = append(ch.sets, "rep_assigned_on = ?")
			ch.args = append(ch.args, assigned)
		}
	}
	if u.RequestedLimit != nil {
		ch.set("requestedLimit", "requested_limit", moneyText(c.RequestedLimit), moneyText(u.RequestedLimit),
			*u.RequestedLimit)
	}
	if u.Guarantees != nil {
		old, new := guaranteeText(c.Guarantees), guaranteeText(u.Guarantees)
		ch.set("guarantees", "guarantees", &old, &new, guaranteeArray(u.Guarantees))
	}
	if u.RequiredShare != nil {
		ch.set("requiredShare", "required_share", ratioText(c.RequiredShare), ratioText(u.RequiredShare), *u.RequiredShare)
	}
	if u.FirstTradeOn != nil {
		ch.set("firstTradeOn", "first_trade_on", dateText(c.FirstTradeOn), dateText(u.FirstTradeOn), *u.FirstTradeOn)
	}
	return ch
}

func strPtr[T ~string](v *T) *string {
	if v == nil {
		return nil
	}
	s := string(*v)
	return &s
}

func dateText(d *creditdesk.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func moneyText(m *creditdesk.Money) *string {
	if m == nil {
		return nil
	}
	s := m.String()
	return &s
}

// ratioText writes a stored share with the precision it is stored at
// (numeric(12,8)), without trailing zeros, so 0.02 and 0.020 are no change.
func ratioText(r *creditdesk.Ratio) *string {
	if r == nil {
		return nil
	}
	s := r.Decimal.Round(8).String()
	return &s
}

func intText(n *int) *string {
	if n == nil {
		return nil
	}
	s := fmt.Sprint(*n)
	return &s
}

// guaranteeText writes a set of guarantees in a fixed order, so the same set
// given in another order is no change.
func guaranteeText(gs []creditdesk.Guarantee) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = string(g)
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

func guaranteeArray(gs []creditdesk.Guarantee) schema.QueryAppender {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = string(g)
	}
	slices.Sort(s)
	return bun.SafeQuery("?::text[]", pgdialect.Array(slices.Compact(s)))
}

// blankToNil trims s; a blank optional text is no value.
func blankToNil(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	if t == "" {
		return nil
	}
	return &t
}

// isUniqueViolation reports whether err is PostgreSQL's unique violation of
// the named constraint.
func isUniqueViolation(err error, constraint string) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505" && pg.ConstraintName == constraint
}

// Validation ---------------------------------------------------------------

var customerCodeRE = regexp.MustCompile(creditdesk.CustomerCodePattern)

// Limits of the numeric columns: numeric(18,2) money, numeric(12,8) shares.
var maxMoney = decimal.New(1, 16)

func checkMoney(field string, m *creditdesk.Money) error {
	if m == nil {
		return nil
	}
	switch {
	case m.IsNegative():
		return creditdesk.FieldError(field, creditdesk.DecimalText(m.Decimal), "may not be negative")
	case !m.Equal(m.Round(2)):
		return creditdesk.FieldError(field, creditdesk.DecimalText(m.Decimal), "has more than 2 decimal places")
	case m.Abs().GreaterThanOrEqual(maxMoney):
		return creditdesk.FieldError(field, creditdesk.DecimalText(m.Decimal), "is too large")
	}
	return nil
}

func checkLen(field string, s *string, max int) error {
	if s != nil && utf8.RuneCountInString(*s) > max {
		return creditdesk.FieldError(field, *s, "is longer than %d characters", max)
	}
	return nil
}

func checkEnum[T ~string](field string, v *T, allowed []T) error {
	if v != nil && !creditdesk.OneOf(*v, allowed) {
		return creditdesk.FieldError(field, string(*v), "not one of %v", allowed)
	}
	return nil
}

func checkCount(field string, n *int) error {
	if n != nil && *n < 0 {
		return creditdesk.FieldError(field, fmt.Sprint(*n), "may not be negative")
	}
	return nil
}

func checkPast(field string, d *creditdesk.Date, today creditdesk.Date) error {
	if d != nil && d.After(today) {
		return creditdesk.FieldError(field, d.String(), "is in the future (today is %s)", today)
	}
	return nil
}

func checkShare(field string, r *creditdesk.Ratio) error {
	if r == nil {
		return nil
	}
	if r.IsNegative() || r.GreaterThan(decimal.NewFromInt(1)) {
		return creditdesk.FieldError(field, creditdesk.DecimalText(r.Decimal), "must be a fraction between 0 and 1")
	}
	if !r.Equal(r.Round(8)) {
		return creditdesk.FieldError(field, creditdesk.DecimalText(r.Decimal), "has more than 8 decimal places")
	}
	return nil
}

func checkGuarantees(gs []creditdesk.Guarantee) error {
	for i, g := range gs {
		if !creditdesk.OneOf(g, creditdesk.Guarantees) {
			return creditdesk.FieldError(fmt.Sprintf("guarantees[%d]", i), string(g), "not one of %v", creditdesk.Guarantees)
		}
		if slices.Contains(gs[:i], g) {
			return creditdesk.FieldError(fmt.Sprintf("guarantees[%d]", i), string(g), "is listed twice")
		}
	}
	return nil
}

func checkContacts(field string, cs []creditdesk.ContactInput) error {
	for i, c := range cs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if strings.TrimSpace(c.Name) == "" {
			return creditdesk.FieldError(f+".name", c.Name, "a contact needs a name")
		}
		if e := blankToNil(c.Email); e != nil {
			if a, err := mail.ParseAddress(*e); err != nil || a.Address != *e {
				return creditdesk.FieldError(f+".email", *c.Email, "not an e-mail address")
			}
		}
		for _, err := range []error{checkLen(f+".name", &c.Name, 100), checkLen(f+".title", c.Title, 100),
			checkLen(f+".phone", c.Phone, 50), checkLen(f+".email", c.Email, 200)} {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// archiveFields are the archive fields creation and update share, as
// pointers (nil: not given), so that one set of checks serves both.
type archiveFields struct {
	ShortName                                                              *string
	Industry                                                               *creditdesk.Industry
	RelationshipClass                                                      *creditdesk.RelationshipClass
	DemandGrade                                                            *creditdesk.DemandGrade
	DealerType                                                             *creditdesk.DealerType
	BusinessType                                                           *creditdesk.BusinessType
	EnterpriseNature, SupervisingUnit, HeadOfficeAddress, Address, Website *string
	FoundedOn, FirstTradeOn                                                *creditdesk.Date
	RegisteredCapital, RequestedLimit                                      *creditdesk.Money
	Employees, Managers                                                    *int
	Guarantees                                                             []creditdesk.Guarantee
	RequiredShare                                                          *creditdesk.Ratio
}

// check returns the first bad field, in the order of the schema.
func (a archiveFields) check(today creditdesk.Date) error {
	checks := []error{
		checkLen("shortName", a.ShortName, 100),
		checkEnum("industry", a.Industry, creditdesk.Industries),
		checkEnum("relationshipClass", a.RelationshipClass, creditdesk.RelationshipClasses),
		checkEnum("demandGrade", a.DemandGrade, creditdesk.DemandGrades),
		checkEnum("dealerType", a.DealerType, creditdesk.DealerTypes),
		checkEnum("businessType", a.BusinessType, creditdesk.BusinessTypes),
		checkLen("enterpriseNature", a.EnterpriseNature, 300),
		checkLen("supervisingUnit", a.SupervisingUnit, 300),
		checkLen("headOfficeAddress", a.HeadOfficeAddress, 300),
		checkLen("address", a.Address, 300),
		checkLen("website", a.Website, 300),
		checkPast("foundedOn", a.FoundedOn, today),
		checkMoney("registeredCapital", a.RegisteredCapital),
		checkCount("employees", a.Employees),
		checkCount("managers", a.Managers),
		checkMoney("requestedLimit", a.RequestedLimit),
		checkGuarantees(a.Guarantees),
		checkShare("requiredShare", a.RequiredShare),
		checkPast("firstTradeOn", a.FirstTradeOn, today),
	}
	if a.Employees != nil && a.Managers != nil && *a.Managers > *a.Employees {
		checks = append(checks, creditdesk.FieldError("managers", fmt.Sprint(*a.Managers),
			"is more than the %d employees", *a.Employees))
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

func validateNewCustomer(in creditdesk.NewCustomer, today creditdesk.Date) error {
	if !customerCodeRE.MatchString(in.Code) {
		return creditdesk.FieldError("code", in.Code, creditdesk.CustomerCodeRule)
	}
	if in.Name == "" {
		return creditdesk.FieldError("name", in.Name, "a customer needs a name")
	}
	if err := checkLen("name", &in.Name, creditdesk.CustomerNameMax); err != nil {
		return err
	}
	if strings.TrimSpace(in.OfficeCode) == "" {
		return creditdesk.FieldError("officeCode", in.OfficeCode, "every customer belongs to an office")
	}
	if err := checkEnum("status", in.Status, creditdesk.CustomerStatuses); err != nil {
		return err
	}
	err := archiveFields{ShortName: in.ShortName, Industry: &in.Industry, RelationshipClass: in.RelationshipClass,
		DemandGrade: in.DemandGrade, DealerType: in.DealerType, BusinessType: in.BusinessType,
		EnterpriseNature: in.EnterpriseNature, SupervisingUnit: in.SupervisingUnit,
		HeadOfficeAddress: in.HeadOfficeAddress, Address: in.Address, Website: in.Website, FoundedOn: in.FoundedOn,
		FirstTradeOn: in.FirstTradeOn, RegisteredCapital: in.RegisteredCapital, RequestedLimit: in.RequestedLimit,
		Employees: in.Employees, Managers: in.Managers, Guarantees: in.Guarantees, RequiredShare: in.RequiredShare,
	}.check(today)
	if err != nil {
		return err
	}
	return checkContacts("contacts", in.Contacts)
}

func validateCustomerUpdate(u *creditdesk.CustomerUpdate, today creditdesk.Date) error {
	if u.Name != nil {
		if strings.TrimSpace(*u.Name) == "" {
			return creditdesk.FieldError("name", *u.Name, "a customer needs a name")
		}
		if err := checkLen("name", u.Name, creditdesk.CustomerNameMax); err != nil {
			return err
		}
	}
	if u.OfficeCode != nil && strings.TrimSpace(*u.OfficeCode) == "" {
		return creditdesk.FieldError("officeCode", *u.OfficeCode, "every customer belongs to an office")
	}
	if u.ApprovedBy != nil && strings.TrimSpace(*u.ApprovedBy) == "" {
		u.ApprovedBy = nil
	}
	err := archiveFields{ShortName: u.ShortName, Industry: u.Industry, RelationshipClass: u.RelationshipClass,
		DemandGrade: u.DemandGrade, DealerType: u.DealerType, BusinessType: u.BusinessType,
		EnterpriseNature: u.EnterpriseNature, SupervisingUnit: u.SupervisingUnit,
		HeadOfficeAddress: u.HeadOfficeAddress, Address: u.Address, Website: u.Website, FoundedOn: u.FoundedOn,
		FirstTradeOn: u.FirstTradeOn, RegisteredCapital: u.RegisteredCapital, RequestedLimit: u.RequestedLimit,
		Employees: u.Employees, Managers: u.Managers, Guarantees: u.Guarantees, RequiredShare: u.RequiredShare,
	}.check(today)
	if err != nil {
		return err
	}
	return checkContacts("addContacts", u.AddContacts)
}
