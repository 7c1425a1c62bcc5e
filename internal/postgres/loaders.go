package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// LoaderStore reads what the GraphQL layer's per-request dataloaders ask for:
// records by id and the lists of the account page, each batch in one
// statement whatever the number of keys, with results aligned to the keys
// (nil, or an empty page, where a key has nothing). Every statement that
// reads customer data applies CustomerPredicate, so a loader never shows what
// the actor could not read directly.
type LoaderStore struct {
	DB bun.IDB
}

// OfficesByID returns the offices with the ids, aligned to ids. Offices are
// the organisation, not customer data: any caller may read them.
func (s LoaderStore) OfficesByID(ctx context.Context, ids []int64) ([]*creditdesk.Office, error) {
	var rows []*creditdesk.Office
	if err := s.DB.NewRaw(`SELECT o.id, o.code, o.name FROM offices o WHERE o.id IN (?)`, bun.List(ids)).
		Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load offices: %w", err)
	}
	return alignByID(ids, rows, func(o *creditdesk.Office) int64 { return o.ID }), nil
}

// UsersByID returns the users with the ids, aligned to ids, and their
// offices (read in the same statement, for the office loader). Any caller may
// read them.
func (s LoaderStore) UsersByID(ctx context.Context, ids []int64) ([]*creditdesk.User, []*creditdesk.Office, error) {
	var rows []struct {
		creditdesk.User
		OfficeCode *string
		OfficeName *string
	}
	if err := s.DB.NewRaw(`
		SELECT u.id, u.username, u.name, u.role, u.office_id, o.code AS office_code, o.name AS office_name
		FROM users u LEFT JOIN offices o ON o.id = u.office_id
		WHERE u.id IN (?)`, bun.List(ids)).Scan(ctx, &rows); err != nil {
		return nil, nil, fmt.Errorf("load users: %w", err)
	}
	users := make([]*creditdesk.User, len(rows))
	var offices []*creditdesk.Office
	for i := range rows {
		users[i] = &rows[i].User
		if r := rows[i]; r.OfficeID != nil && r.OfficeCode != nil {
			offices = append(offices, &creditdesk.Office{ID: *r.OfficeID, Code: *r.OfficeCode, Name: *r.OfficeName})
		}
	}
	return alignByID(ids, users, func(u *creditdesk.User) int64 { return u.ID }), offices, nil
}

// OfficesAndUsers returns the offices with officeIDs and the users with
// userIDs (each aligned to its ids) and the users' offices, in one statement:
// what a page of customers refers to.
func (s LoaderStore) OfficesAndUsers(ctx context.Context, officeIDs, userIDs []int64) (
	[]*creditdesk.Office, []*creditdesk.User, []*creditdesk.Office, error) {
	var rows []officeOrUser
	if err := s.DB.NewRaw(officesAndUsersSQL, pgdialect.Array(officeIDs), pgdialect.Array(userIDs)).
		Scan(ctx, &rows); err != nil {
		return nil, nil, nil, fmt.Errorf("load offices and users: %w", err)
	}
	offices, users, userOffices := officesAndUsers(rows)
	return alignByID(officeIDs, offices, func(o *creditdesk.Office) int64 { return o.ID }),
		alignByID(userIDs, users, func(u *creditdesk.User) int64 { return u.ID }), userOffices, nil
}

// officesAndUsersSQL reads the offices with the ids of its first argument
// and the users with those of its second, with the users' offices: rows of
// officeOrUser.
const officesAndUsersSQL = `
		SELECT false AS is_user, o.id, o.code, o.name, NULL AS username, NULL AS role, NULL::bigint AS office_id,
		       NULL AS office_code, NULL AS office_name
		FROM offices o WHERE o.id = ANY (?)
		UNION ALL
		SELECT true, u.id, NULL, u.name, u.username, u.role, u.office_id, o.code, o.name
		FROM users u LEFT JOIN offices o ON o.id = u.office_id
		WHERE u.id = ANY (?)`

// officeOrUser is a row of officesAndUsersSQL, scanned by column or read
// from its JSON.
type officeOrUser struct {
	IsUser     bool             `json:"is_user"`
	ID         int64            `json:"id"`
	Code       *string          `json:"code"`
	Name       string           `json:"name"`
	Username   *string          `json:"username"`
	Role       *creditdesk.Role `json:"role"`
	OfficeID   *int64           `json:"office_id"`
	OfficeCode *string          `json:"office_code"`
	OfficeName *string          `json:"office_name"`
}

// officesAndUsers splits rows of officesAndUsersSQL into the offices, the
// users and the users' offices.
func officesAndUsers(rows []officeOrUser) (offices []*creditdesk.Office, users []*creditdesk.User,
	userOffices []*creditdesk.Office) {
	for i := range rows {
		r := &rows[i]
		if !r.IsUser {
			offices = append(offices, &creditdesk.Office{ID: r.ID, Code: *r.Code, Name: r.Name})
			continue
		}
		users = append(users, &creditdesk.User{ID: r.ID, Username: *r.Username, Name: r.Name, Role: *r.Role,
			OfficeID: r.OfficeID})
		if r.OfficeID != nil && r.OfficeCode != nil {
			userOffices = append(userOffices, &creditdesk.Office{ID: *r.OfficeID, Code: *r.OfficeCode, Name: *r.OfficeName})
		}
	}
	return offices, users, userOffices
}

// ProductsByID returns the products with the ids, aligned to ids.
func (s LoaderStore) ProductsByID(ctx context.Context, ids []int64) ([]*creditdesk.Product, error) {
	var rows []*creditdesk.Product
	if err := s.DB.NewRaw(`SELECT p.id, p.code, p.name, p.category, p.unit_cost FROM products p WHERE p.id IN (?)`,
		bun.List(ids)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load products: %w", err)
	}
	return alignByID(ids, rows, func(p *creditdesk.Product) int64 { return p.ID }), nil
}

// CustomersByID returns the customers with the ids among those the actor
// can see, aligned to ids (nil for one it cannot see).
func (s LoaderStore) CustomersByID(ctx context.Context, ids []int64) ([]*creditdesk.Customer, error) {
	var rows []*creditdesk.Customer
	if err := s.DB.NewRaw(`SELECT c.* FROM customers c WHERE c.id IN (?) AND ?`,
		bun.List(ids), CustomerPredicate(ctx, "c", nil)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load customers: %w", err)
	}
	return alignByID(ids, rows, func(c *creditdesk.Customer) int64 { return c.ID }), nil
}

// InvoiceNumbersByID returns the numbers of the invoices with the ids,
// aligned to ids (nil for an invoice of a customer the actor cannot see).
func (s LoaderStore) InvoiceNumbersByID(ctx context.Context, ids []int64) ([]*string, error) {
	var rows []struct {
		ID     int64
		Number string
	}
	if err := s.DB.NewRaw(`SELECT i.id, i.number FROM invoices i JOIN customers c ON c.id = i.customer_id
		WHERE i.id IN (?) AND ?`, bun.List(ids), CustomerPredicate(ctx, "c", nil)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load invoice numbers: %w", err)
	}
	byID := make(map[int64]*string, len(rows))
	for i := range rows {
		byID[rows[i].ID] = &rows[i].Number
	}
	out := make([]*string, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// AllocationsByPayment returns the ledger rows of each payment, aligned to
// the payment ids, in the order they were written.
func (s LoaderStore) AllocationsByPayment(ctx context.Context, ids []int64) ([][]*creditdesk.Allocation, error) {
	return s.allocations(ctx, "payment_id", ids)
}

// AllocationsByNote returns the ledger rows of each note — its allocations
// and, once it is dishonoured, their reversals — aligned to the note ids.
func (s LoaderStore) AllocationsByNote(ctx context.Context, ids []int64) ([][]*creditdesk.Allocation, error) {
	return s.allocations(ctx, "note_id", ids)
}

func (s LoaderStore) allocations(ctx context.Context, owner string, ids []int64) ([][]*creditdesk.Allocation, error) {
	var rows []struct {
		OwnerID int64
		creditdesk.Allocation
	}
	if err := s.DB.NewRaw(`
		SELECT s.?0 AS owner_id, s.id, s.invoice_id, i.number AS invoice_number, s.kind, s.date, s.amount
		FROM settlements s
		JOIN invoices i ON i.id = s.invoice_id
		JOIN customers c ON c.id = s.customer_id
		WHERE s.?0 IN (?1) AND ?2
		ORDER BY s.id`, bun.Ident(owner), bun.List(ids), CustomerPredicate(ctx, "c", nil)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load allocations: %w", err)
	}
	byOwner := make(map[int64][]*creditdesk.Allocation, len(ids))
	for i := range rows {
		byOwner[rows[i].OwnerID] = append(byOwner[rows[i].OwnerID], &rows[i].Allocation)
	}
	out := make([][]*creditdesk.Allocation, len(ids))
	for i, id := range ids {
		out[i] = byOwner[id]
		if out[i] == nil {
			out[i] = []*creditdesk.Allocation{}
		}
	}
	return out, nil
}

func alignByID[T any](ids []int64, rows []T, id func(T) int64) []T {
	byID := make(map[int64]T, len(rows))
	for _, r := range rows {
		byID[id(r)] = r
	}
	out := make([]T, len(ids))
	for i, k := range ids {
		out[i] = byID[k]
	}
	return out
}

// Account lists -------------------------------------------------------------

// accountCursor is what a cursor of an account list carries: the list, the
// row's sort key (a date, or a timestamp for the history) and its id, the
// tie-break.
type accountCursor struct {
	List creditdesk.AccountList `json:"l"`
	Key  string                 `json:"k"`
	ID   int64                  `json:"i"`
}

// accountLists are the lists cd_account_list (migrations, 06_account_lists)
// pages.
var accountLists = map[creditdesk.AccountList]bool{creditdesk.ListContacts: true, creditdesk.ListHistory: true,
	creditdesk.ListInvoices: true, creditdesk.ListPayments: true, creditdesk.ListNotes: true, creditdesk.ListSales: true}

// AccountLists answers a batch of account-list queries — any mix of lists,
// customers and arguments — in one statement, and returns the pages aligned
// to the queries, the records read along with them (for the other
// loaders), and per query its error: EINVALID for a bad cursor, EFORBIDDEN
// for contacts (class-1 information, DOMAIN.md §8) asked by a role that may
// not read them. A customer the actor cannot see has empty lists.
//
// The offices with officeIDs and the users with userIDs, with the users'
// offices (what OfficesAndUsers reads), come in the same statement when
// given, among the related records: an account page asks for its
// customer's office and rep with its lists, and one statement fewer is a
// fifth of PostgreSQL's work for the page.
func (s LoaderStore) AccountLists(ctx context.Context, qs []creditdesk.AccountListQuery, officeIDs, userIDs []int64) (
	[]*creditdesk.AccountListPage, *creditdesk.RelatedRecords, []error) {
	pages := make([]*creditdesk.AccountListPage, len(qs))
	errs := make([]error, len(qs))
	related := &creditdesk.RelatedRecords{InvoiceNumbers: map[int64]string{},
		PaymentAllocations: map[int64][]*creditdesk.Allocation{}, NoteAllocations: map[int64][]*creditdesk.Allocation{}}
	fail := func(err error) ([]*creditdesk.AccountListPage, *creditdesk.RelatedRecords, []error) {
		for i := range errs {
			errs[i] = err
		}
		return nil, nil, errs
	}

	var vals []schema.QueryWithArgs
	for i, q := range qs {
		pages[i] = &creditdesk.AccountListPage{}
		row, err := accountKeyRow(ctx, i, q)
		if err != nil {
			errs[i] = err
			continue
		}
		vals = append(vals, row)
	}
	// One row per key the actor may see; cd_account_list answers it with
	// the size of the whole list (counted before the cursor, so every page,
	// an empty last page too, reports the same total) and the page as a JSON
	// array of at most lim + 1 items (the extra one tells that a next page
	// exists). Related records (users, products, invoice numbers,
	// allocations) ride along inside the items. The offices and users
	// asked for come last, as one row of index -1 whose items are the rows
	// of officesAndUsersSQL.
	var parts []schema.QueryWithArgs
	if len(vals) > 0 {
		parts = append(parts, bun.SafeQuery(`(
		WITH k (idx, list, customer_id, lim, after_key, after_id, as_of, open_only, statuses, date_from, date_to,
		        allocations) AS (VALUES ?)
		SELECT k.idx, l.total, l.items
		FROM k JOIN customers c ON c.id = k.customer_id
		CROSS JOIN LATERAL cd_account_list(k.list, k.customer_id, k.lim, k.after_key, k.after_id, k.as_of,
		                                   k.open_only, k.statuses, k.date_from, k.date_to, k.allocations) l
		WHERE ?)`, joinQueries(vals, ",\n"), CustomerPredicate(ctx, "c", nil)))
	}
	if len(officeIDs) > 0 || len(userIDs) > 0 {
		parts = append(parts, bun.SafeQuery(`(SELECT -1 AS idx, 0 AS total, (SELECT json_agg(r) FROM (`+officesAndUsersSQL+`) r) AS items)`,
			pgdialect.Array(officeIDs), pgdialect.Array(userIDs)))
	}
	if len(parts) == 0 {
		return pages, related, errs
	}
	var rows []struct {
		Idx   int
		Total int
		Items json.RawMessage
	}
	if err := s.DB.NewRaw("?", joinQueries(parts, "\nUNION ALL\n")).Scan(ctx, &rows); err != nil {
		return fail(fmt.Errorf("load account lists: %w", err))
	}
	for _, r := range rows {
		if r.Idx < 0 {
			var ous []officeOrUser
			if len(r.Items) > 0 {
				if err := json.Unmarshal(r.Items, &ous); err != nil {
					return fail(fmt.Errorf("decode offices and users: %w", err))
				}
			}
			offices, users, userOffices := officesAndUsers(ous)
			related.Offices = append(append(related.Offices, offices...), userOffices...)
			related.Users = append(related.Users, users...)
			continue
		}
		q := qs[r.Idx]
		p := pages[r.Idx]
		p.TotalCount = r.Total
		if err := decodeAccountItems(q, p, r.Items, related); err != nil {
			return fail(err)
		}
	}
	return pages, related, errs
}

// accountKeyRow validates one query and writes it as a row of the keys'
// VALUES list.
func accountKeyRow(ctx context.Context, idx int, q creditdesk.AccountListQuery) (schema.QueryWithArgs, error) {
	if !accountLists[q.List] {
		return schema.QueryWithArgs{}, fmt.Errorf("unknown account list %q", q.List)
	}
	if q.List == creditdesk.ListContacts {
		if u := creditdesk.ActorFrom(ctx); u != nil && !creditdesk.MayReadContacts(u.Role) {
			return schema.QueryWithArgs{}, creditdesk.Errorf(creditdesk.EFORBIDDEN,
				"contacts are class-1 information (DOMAIN.md §8); a %s may not read them", u.Role)
		}
	} else if q.First < 1 || q.First > creditdesk.MaxPageSize {
		return schema.QueryWithArgs{}, creditdesk.FieldError("first", fmt.Sprint(q.First),
			"must be between 1 and %d", creditdesk.MaxPageSize)
	}
	if q.List == creditdesk.ListInvoices && q.AsOf.IsZero() {
		return schema.QueryWithArgs{}, fmt.Errorf("invoices of customer %d asked without an as-of date", q.CustomerID)
	}
	var afterKey *string
	var afterID *int64
	if q.After != "" {
		var c accountCursor
		if err := decodeCursor(q.After, &c); err != nil {
			return schema.QueryWithArgs{}, err
		}
		if c.List != q.List {
			return schema.QueryWithArgs{}, creditdesk.FieldError("after", q.After, "the cursor belongs to another list")
		}
		// The key is cast in SQL; check it here so one bad cursor fails
		// only its own field, not the whole batch.
		layout := time.DateOnly
		if q.List == creditdesk.ListHistory {
			layout = time.RFC3339Nano
		}
		if _, err := time.Parse(layout, c.Key); err != nil {
			return schema.QueryWithArgs{}, creditdesk.FieldError("after", q.After, "not a cursor of this list")
		}
		afterKey, afterID = &c.Key, &c.ID
	}
	return bun.SafeQuery("(?::int, ?::text, ?::bigint, ?::int, ?::text, ?::bigint, ?::date, ?::boolean, ?::text, ?::date, ?::date, ?::boolean)",
		idx, q.List, q.CustomerID, q.First, afterKey, afterID, q.AsOf, q.OpenOnly, q.Statuses, q.From, q.To,
		q.Allocations), nil
}

// jsonDate reads a date from the statement's JSON.
type jsonDate struct{ creditdesk.Date }

func (d *jsonDate) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("date %s: not a JSON string", b)
	}
	v, err := creditdesk.ParseDate(string(b[1 : len(b)-1]))
	d.Date = v
	return err
}

func datePtr(d *jsonDate) *creditdesk.Date {
	if d == nil {
		return nil
	}
	return &d.Date
}

type itemKey struct {
	ID      int64  `json:"id"`
	SortKey string `json:"sortKey"`
}

type allocationItem struct {
	ID            int64                     `json:"id"`
	InvoiceID     int64                     `json:"invoiceId"`
	InvoiceNumber string                    `json:"invoiceNumber"`
	Kind          creditdesk.SettlementKind `json:"kind"`
	Date          jsonDate                  `json:"date"`
	Amount        creditdesk.Money          `json:"amount"`
}

// allocationsOf converts the ledger rows read along with a payment or a note.
func allocationsOf(items []allocationItem) []*creditdesk.Allocation {
	out := make([]*creditdesk.Allocation, len(items))
	for i, a := range items {
		out[i] = &creditdesk.Allocation{ID: a.ID, InvoiceID: a.InvoiceID, InvoiceNumber: a.InvoiceNumber,
			Kind: a.Kind, Date: a.Date.Date, Amount: a.Amount}
	}
	return out
}

type historyItem struct {
	itemKey
	CustomerID int64     `json:"customerId"`
	Field      string    `json:"field"`
	OldValue   *string   `json:"oldValue"`
	NewValue   *string   `json:"newValue"`
	Reason     string    `json:"reason"`
	ChangedBy  int64     `json:"changedBy"`
	ApprovedBy *int64    `json:"approvedBy"`
	ChangedAt  time.Time `json:"changedAt"`
	Users      []struct {
		ID         int64           `json:"id"`
		Username   string          `json:"username"`
		Name       string          `json:"name"`
		Role       creditdesk.Role `json:"role"`
		OfficeID   *int64          `json:"officeId"`
		OfficeCode *string         `json:"officeCode"`
		OfficeName *string         `json:"officeName"`
	} `json:"users"`
}

type invoiceItem struct {
	itemKey
	Number       string           `json:"number"`
	CustomerID   int64            `json:"customerId"`
	ShipDate     jsonDate         `json:"shipDate"`
	InvoiceDate  jsonDate         `json:"invoiceDate"`
	DueDate      jsonDate         `json:"dueDate"`
	Currency     string           `json:"currency"`
	Amount       creditdesk.Money `json:"amount"`
	ExchangeRate creditdesk.Rate  `json:"exchangeRate"`
	BaseAmount   creditdesk.Money `json:"baseAmount"`
	OpenBalance  creditdesk.Money `json:"openBalance"`
	OpenBase     creditdesk.Money `json:"openBase"`
	SettledOn    *jsonDate        `json:"settledOn"`
}

type paymentItem struct {
	itemKey
	Reference      string                   `json:"reference"`
	CustomerID     int64                    `json:"customerId"`
	Date           jsonDate                 `json:"date"`
	Method         creditdesk.PaymentMethod `json:"method"`
	Currency       string                   `json:"currency"`
	Amount         creditdesk.Money         `json:"amount"`
	ExchangeRate   creditdesk.Rate          `json:"exchangeRate"`
	BaseAmount     creditdesk.Money         `json:"baseAmount"`
	IdempotencyKey *string                  `json:"idempotencyKey"`
	CreatedAt      time.Time                `json:"createdAt"`
	Allocated      creditdesk.Money         `json:"allocated"`
	Allocations    []allocationItem         `json:"allocations"`
}

type noteItem struct {
	itemKey
	Number       string                `json:"number"`
	Kind         creditdesk.NoteKind   `json:"kind"`
	CustomerID   int64                 `json:"customerId"`
	Drawer       *string               `json:"drawer"`
	Bank         *string               `json:"bank"`
	Account      *string               `json:"account"`
	Endorsers    []string              `json:"endorsers"`
	IssueDate    jsonDate              `json:"issueDate"`
	ReceivedDate jsonDate              `json:"receivedDate"`
	MaturityDate jsonDate              `json:"maturityDate"`
	Amount       creditdesk.Money      `json:"amount"`
	Status       creditdesk.NoteStatus `json:"status"`
	StatusDate   jsonDate              `json:"statusDate"`
	SettledOn    *jsonDate             `json:"settledOn"`
	Allocations  []allocationItem      `json:"allocations"`
}

type salesItem struct {
	itemKey
	InvoiceID     *int64               `json:"invoiceId"`
	CustomerID    int64                `json:"customerId"`
	ProductID     int64                `json:"productId"`
	ShipDate      jsonDate             `json:"shipDate"`
	Quantity      creditdesk.Quantity  `json:"quantity"`
	UnitPrice     creditdesk.UnitPrice `json:"unitPrice"`
	Amount        creditdesk.Money     `json:"amount"`
	CostAmount    creditdesk.Money     `json:"costAmount"`
	Currency      string               `json:"currency"`
	ExchangeRate  creditdesk.Rate      `json:"exchangeRate"`
	BaseAmount    creditdesk.Money     `json:"baseAmount"`
	InvoiceNumber *string              `json:"invoiceNumber"`
	Product       struct {
		ID       int64                 `json:"id"`
		Code     string                `json:"code"`
		Name     string                `json:"name"`
		Category *string               `json:"category"`
		UnitCost *creditdesk.UnitPrice `json:"unitCost"`
	} `json:"product"`
}

// page keeps the first q.First of the items, notes whether there were
// more, and writes their cursors.
func page[T any](q creditdesk.AccountListQuery, p *creditdesk.AccountListPage, items []T, key func(T) itemKey) []T {
	if q.List != creditdesk.ListContacts && len(items) > q.First {
		items = items[:q.First]
		p.HasNextPage = true
	}
	p.Cursors = make([]string, len(items))
	for i, it := range items {
		k := key(it)
		p.Cursors[i] = encodeCursor(accountCursor{List: q.List, Key: k.SortKey, ID: k.ID})
	}
	return items
}

func decodeAccountItems(q creditdesk.AccountListQuery, p *creditdesk.AccountListPage, raw json.RawMessage,
	rel *creditdesk.RelatedRecords) error {
	unmarshal := func(v any) error {
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("decode %s of customer %d: %w", q.List, q.CustomerID, err)
		}
		return nil
	}
	switch q.List {
	case creditdesk.ListContacts:
		var items []*creditdesk.Contact
		if err := unmarshal(&items); err != nil {
			return err
		}
		p.Contacts = page(q, p, items, func(c *creditdesk.Contact) itemKey { return itemKey{ID: c.ID} })
	case creditdesk.ListHistory:
		var items []historyItem
		if err := unmarshal(&items); err != nil {
			return err
		}
		for _, it := range page(q, p, items, func(h historyItem) itemKey { return h.itemKey }) {
			p.History = append(p.History, &creditdesk.HistoryEntry{ID: it.ID, CustomerID: it.CustomerID,
				Field: it.Field, OldValue: it.OldValue, NewValue: it.NewValue, Reason: it.Reason,
				ChangedBy: it.ChangedBy, ApprovedBy: it.ApprovedBy, ChangedAt: it.ChangedAt})
			for _, u := range it.Users {
				rel.Users = append(rel.Users, &creditdesk.User{ID: u.ID, Username: u.Username, Name: u.Name,
					Role: u.Role, OfficeID: u.OfficeID})
				if u.OfficeID != nil {
					rel.Offices = append(rel.Offices, &creditdesk.Office{ID: *u.OfficeID, Code: *u.OfficeCode,
						Name: *u.OfficeName})
				}
			}
		}
	case creditdesk.ListInvoices:
		var items []invoiceItem
		if err := unmarshal(&items); err != nil {
			return err
		}
		for _, it := range page(q, p, items, func(i invoiceItem) itemKey { return i.itemKey }) {
			p.Invoices = append(p.Invoices, &creditdesk.Invoice{ID: it.ID, Number: it.Number,
				CustomerID: it.CustomerID, ShipDate: it.ShipDate.Date, InvoiceDate: it.InvoiceDate.Date,
				DueDate: it.DueDate.Date, Currency: it.Currency, Amount: it.Amount, ExchangeRate: it.ExchangeRate,
				BaseAmount: it.BaseAmount, OpenBalance: it.OpenBalance, OpenBase: it.OpenBase,
				SettledOn: datePtr(it.SettledOn)})
			rel.InvoiceNumbers[it.ID] = it.Number
		}
	case creditdesk.ListPayments:
		var items []paymentItem
		if err := unmarshal(&items); err != nil {
			return err
		}
		for _, it := range page(q, p, items, func(i paymentItem) itemKey { return i.itemKey }) {
			p.Payments = append(p.Payments, &creditdesk.Payment{ID: it.ID, Reference: it.Reference,
				CustomerID: it.CustomerID, Date: it.Date.Date, Method: it.Method, Currency: it.Currency,
				Amount: it.Amount, ExchangeRate: it.ExchangeRate, BaseAmount: it.BaseAmount,
				Allocated: it.Allocated, Unapplied: creditdesk.Money{Decimal: it.Amount.Sub(it.Allocated.Decimal)},
				IdempotencyKey: it.IdempotencyKey, CreatedAt: it.CreatedAt})
			if q.Allocations {
				rel.PaymentAllocations[it.ID] = allocationsOf(it.Allocations)
			}
		}
	case creditdesk.ListNotes:
		var items []noteItem
		if err := unmarshal(&items); err != nil {
			return err
		}
		for _, it := range page(q, p, items, func(i noteItem) itemKey { return i.itemKey }) {
			p.Notes = append(p.Notes, &creditdesk.Note{ID: it.ID, Number: it.Number, Kind: it.Kind,
				CustomerID: it.CustomerID, Drawer: it.Drawer, Bank: it.Bank, Account: it.Account,
				Endorsers: it.Endorsers, IssueDate: it.IssueDate.Date, ReceivedDate: it.ReceivedDate.Date,
				MaturityDate: it.MaturityDate.Date, Amount: it.Amount, Status: it.Status,
				StatusDate: it.StatusDate.Date, SettledOn: datePtr(it.SettledOn)})
			if q.Allocations {
				rel.NoteAllocations[it.ID] = allocationsOf(it.Allocations)
			}
		}
	case creditdesk.ListSales:
		var items []salesItem
		if err := unmarshal(&items); err != nil {
			return err
		}
		for _, it := range page(q, p, items, func(i salesItem) itemKey { return i.itemKey }) {
			p.Sales = append(p.Sales, &creditdesk.SalesLine{ID: it.ID, InvoiceID: it.InvoiceID,
				CustomerID: it.CustomerID, ProductID: it.ProductID, ShipDate: it.ShipDate.Date,
				Quantity: it.Quantity, UnitPrice: it.UnitPrice, Amount: it.Amount, CostAmount: it.CostAmount,
				Currency: it.Currency, ExchangeRate: it.ExchangeRate, BaseAmount: it.BaseAmount})
			pr := it.Product
			rel.Products = append(rel.Products, &creditdesk.Product{ID: pr.ID, Code: pr.Code, Name: pr.Name,
				Category: pr.Category, UnitCost: pr.UnitCost})
			if it.InvoiceID != nil && it.InvoiceNumber != nil {
				rel.InvoiceNumbers[*it.InvoiceID] = *it.InvoiceNumber
			}
		}
	}
	return nil
}
