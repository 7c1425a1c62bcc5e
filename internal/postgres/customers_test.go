package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// deskFixture builds the rows a test needs straight in SQL, independently of
// the stores under test.
type deskFixture struct {
	t   *testing.T
	db  *bun.DB
	ctx context.Context
}

func newDeskFixture(t *testing.T) *deskFixture {
	t.Helper()
	return &deskFixture{t: t, db: pgtest.New(t), ctx: context.Background()}
}

// frozenClock is 2025-06-30 10:00 in Shanghai.
var frozenClock creditdesk.Clock = func() time.Time { return time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC) }

func (f *deskFixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.NewRaw(query, args...).Exec(f.ctx); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

func (f *deskFixture) id(query string, args ...any) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.NewRaw(query, args...).Scan(f.ctx, &id); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (f *deskFixture) office(code string) int64 {
	return f.id(`INSERT INTO offices (code, name) VALUES (?, ?) RETURNING id`, code, code+" office")
}

func (f *deskFixture) user(username string, role creditdesk.Role, officeID *int64) int64 {
	return f.id(`INSERT INTO users (username, name, role, office_id) VALUES (?, ?, ?, ?) RETURNING id`,
		username, strings.ToUpper(username), role, officeID)
}

// customerRow is a customer as the fixture inserts it; zero fields are NULL
// or the column default.
type customerRow struct {
	Code, Name         string
	Industry           creditdesk.Industry
	OfficeID           int64
	RepID              *int64
	DealerType         *string
	RelationshipClass  *string
	Status             string
	CreditClass        *string
	CreditLimit        *string
	CreatedAt          string
	RegisteredCapital  *string
	ShortName, Address *string
}

func (f *deskFixture) customer(c customerRow) int64 {
	f.t.Helper()
	if c.Industry == "" {
		c.Industry = creditdesk.IndustryOther
	}
	if c.Status == "" {
		c.Status = "ACTIVE"
	}
	if c.Name == "" {
		c.Name = c.Code + " 有限公司"
	}
	created := bun.Safe("now()")
	if c.CreatedAt != "" {
		created = bun.Safe("'" + c.CreatedAt + "'::timestamptz")
	}
	return f.id(`INSERT INTO customers (code, name, industry, office_id, rep_id, dealer_type, relationship_class, status,
		credit_class, credit_limit, created_at, registered_capital, short_name, address)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::numeric, ?, ?::numeric, ?, ?) RETURNING id`,
		c.Code, c.Name, c.Industry, c.OfficeID, c.RepID, c.DealerType, c.RelationshipClass, c.Status, c.CreditClass,
		c.CreditLimit, created, c.RegisteredCapital, c.ShortName, c.Address)
}

// count returns the number of rows of each business table, to prove that a
// refused write left every one of them alone.
func (f *deskFixture) counts() map[string]int {
	f.t.Helper()
	out := map[string]int{}
	for _, tbl := range []string{"offices", "users", "products", "customers", "customer_contacts", "customer_history",
		"invoices", "sales_lines", "payments", "notes", "note_status_changes", "write_offs", "settlements"} {
		var n int
		if err := f.db.NewRaw(`SELECT count(*) FROM ?`, bun.Ident(tbl)).Scan(f.ctx, &n); err != nil {
			f.t.Fatal(err)
		}
		out[tbl] = n
	}
	return out
}

func (f *deskFixture) assertUnchanged(before map[string]int) {
	f.t.Helper()
	after := f.counts()
	for tbl, n := range before {
		if after[tbl] != n {
			f.t.Errorf("%s: %d rows before, %d after a refused write", tbl, n, after[tbl])
		}
	}
}

func ptr[T any](v T) *T { return &v }

func wantCode(t *testing.T, err error, code string) *creditdesk.Error {
	t.Helper()
	var de *creditdesk.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("error = %v (%s), want code %s", err, creditdesk.ErrorCode(err), code)
	}
	return de
}

func codesOf(c *creditdesk.Connection[*creditdesk.Customer]) []string {
	var out []string
	for _, e := range c.Edges {
		out = append(out, e.Node.Code)
	}
	return out
}

func TestFindCustomersFilters(t *testing.T) {
	f := newDeskFixture(t)
	bj, sh := f.office("BJ"), f.office("SH")
	rep1, rep2 := f.user("rep1", creditdesk.RoleSalesRep, &bj), f.user("rep2", creditdesk.RoleSalesRep, &sh)
	f.customer(customerRow{Code: "C1", Name: "北京华光电器有限公司", OfficeID: bj, RepID: &rep1,
		Industry: creditdesk.IndustryRegionalElectrical, DealerType: ptr("EXCLUSIVE"), RelationshipClass: ptr("KEY"),
		CreditClass: ptr("JIA")})
	f.customer(customerRow{Code: "C2", Name: "上海浦东五金商行", OfficeID: sh, RepID: &rep2,
		Industry: creditdesk.IndustryRegionalDIY, DealerType: ptr("LOGISTICS"), RelationshipClass: ptr("TARGET"),
		Status: "SUSPENDED", CreditClass: ptr("BING")})
	f.customer(customerRow{Code: "C3", Name: "北京东方贸易", OfficeID: bj, Industry: creditdesk.IndustryRegionalDIY,
		RelationshipClass: ptr("KEY"), CreditClass: ptr("YI")})
	f.customer(customerRow{Code: "X100", Name: "Global Parts Ltd", OfficeID: sh, RepID: &rep1,
		Industry: creditdesk.IndustryIntlPartsDistributor, Status: "PROSPECT"})
	store := postgres.CustomerStore{DB: f.db, Clock: frozenClock}

	cases := []struct {
		name   string
		filter creditdesk.CustomerFilter
		want   []string
	}{
		{"none", creditdesk.CustomerFilter{}, []string{"C1", "C2", "C3", "X100"}},
		{"office", creditdesk.CustomerFilter{OfficeCodes: []string{"BJ"}}, []string{"C1", "C3"}},
		{"rep", creditdesk.CustomerFilter{RepUsernames: []string{"rep1"}}, []string{"C1", "X100"}},
		{"industry", creditdesk.CustomerFilter{Industries: []creditdesk.Industry{creditdesk.IndustryRegionalDIY}}, []string{"C2", "C3"}},
		{"dealer type", creditdesk.CustomerFilter{DealerTypes: []creditdesk.DealerType{creditdesk.DealerLogistics}}, []string{"C2"}},
		{"relationship", creditdesk.CustomerFilter{RelationshipClasses: []creditdesk.RelationshipClass{creditdesk.RelationshipKey}}, []string{"C1", "C3"}},
		{"status", creditdesk.CustomerFilter{Statuses: []creditdesk.CustomerStatus{creditdesk.StatusActive}}, []string{"C1", "C3"}},
		{"credit class", creditdesk.CustomerFilter{CreditClasses: []creditdesk.CreditClass{creditdesk.CreditJia, creditdesk.CreditBing}}, []string{"C1", "C2"}},
		{"codes", creditdesk.CustomerFilter{Codes: []string{"C3", "X100", "NOPE"}}, []string{"C3", "X100"}},
		{"search name 2 chars", creditdesk.CustomerFilter{Search: ptr("北京")}, []string{"C1", "C3"}},
		{"search name 3+ chars", creditdesk.CustomerFilter{Search: ptr("华光电器")}, []string{"C1"}},
		{"search code, any case", creditdesk.CustomerFilter{Search: ptr("x10")}, []string{"X100"}},
		{"search is not a pattern", creditdesk.CustomerFilter{Search: ptr("%")}, nil},
		{"combined with AND", creditdesk.CustomerFilter{OfficeCodes: []string{"BJ"}, Industries: []creditdesk.Industry{creditdesk.IndustryRegionalDIY}}, []string{"C3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := store.FindCustomers(f.ctx, tc.filter, creditdesk.CustomerOrder{}, creditdesk.Page{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := codesOf(conn); !slices.Equal(got, tc.want) {
				t.Errorf("codes = %v, want %v", got, tc.want)
			}
			if conn.TotalCount != len(tc.want) {
				t.Errorf("totalCount = %d, want %d", conn.TotalCount, len(tc.want))
			}
		})
	}

	t.Run("a list reads only the attributes it is asked for", func(t *testing.T) {
		filter := creditdesk.CustomerFilter{Codes: []string{"C1"}}
		conn, err := store.FindCustomers(f.ctx, filter, creditdesk.CustomerOrder{}, creditdesk.Page{},
			creditdesk.CustomerFields{"Name", "CreditClass"})
		if err != nil || len(conn.Edges) != 1 {
			t.Fatalf("%+v, %v", conn, err)
		}
		c := conn.Edges[0].Node
		if c.Code != "C1" || c.Name != "北京华光电器有限公司" || c.CreditClass == nil || *c.CreditClass != "JIA" ||
			c.OfficeID != bj || c.RepID == nil || *c.RepID != rep1 || c.ID == 0 {
			t.Errorf("asked attributes and keys: %+v", c)
		}
		if c.Industry != "" || c.DealerType != nil || c.RelationshipClass != nil {
			t.Errorf("attributes not asked for were read: %+v", c)
		}
		for _, fields := range []creditdesk.CustomerFields{nil, {"Name", "Bankrupt"}} {
			conn, err := store.FindCustomers(f.ctx, filter, creditdesk.CustomerOrder{}, creditdesk.Page{}, fields)
			if err != nil {
				t.Fatal(err)
			}
			if c := conn.Edges[0].Node; c.Industry != creditdesk.IndustryRegionalElectrical || c.DealerType == nil {
				t.Errorf("fields %v: the whole record was not read: %+v", fields, c)
			}
		}
	})

	t.Run("a sales rep sees only its own customers", func(t *testing.T) {
		ctx := creditdesk.WithActor(f.ctx, &creditdesk.User{ID: rep1, Username: "rep1", Role: creditdesk.RoleSalesRep, OfficeID: &bj})
		conn, err := store.FindCustomers(ctx, creditdesk.CustomerFilter{}, creditdesk.CustomerOrder{}, creditdesk.Page{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := codesOf(conn); !slices.Equal(got, []string{"C1", "X100"}) || conn.TotalCount != 2 {
			t.Errorf("codes = %v (total %d), want [C1 X100] (2)", got, conn.TotalCount)
		}
		if _, err := store.FindCustomerByCode(ctx, "C2"); creditdesk.ErrorCode(err) != creditdesk.ENOTFOUND {
			t.Errorf("another rep's customer: error %v, want NOT_FOUND", err)
		}
	})
}

func TestFindCustomersOrderingAndPaging(t *testing.T) {
	f := newDeskFixture(t)
	bj := f.office("BJ")
	// Names, limits and creation times chosen so that every ordering differs
	// and has ties broken by code.
	rows := []customerRow{
		{Code: "A01", Name: "Delta", CreditLimit: ptr("500000.00"), CreatedAt: "2024-03-01T00:00:00Z"},
		{Code: "A02", Name: "Alpha", CreditLimit: nil, CreatedAt: "2024-01-01T00:00:00Z"},
		{Code: "A03", Name: "Charlie", CreditLimit: ptr("100000.00"), CreatedAt: "2024-02-01T00:00:00Z"},
		{Code: "A04", Name: "Alpha", CreditLimit: ptr("500000.00"), CreatedAt: "2024-01-01T00:00:00Z"},
		{Code: "A05", Name: "Echo", CreditLimit: ptr("0.00"), CreatedAt: "2024-05-01T00:00:00.000001Z"},
		{Code: "A06", Name: "Bravo", CreditLimit: nil, CreatedAt: "2024-05-01T00:00:00Z"},
		{Code: "A07", Name: "Bravo", CreditLimit: ptr("250000.00"), CreatedAt: "2024-04-01T00:00:00Z"},
	}
	for _, r := range rows {
		r.OfficeID = bj
		f.customer(r)
	}
	store := postgres.CustomerStore{DB: f.db, Clock: frozenClock}

	// Expected orders, worked out from the rows above; a missing credit
	// limit sorts below 0.00.
	cases := []struct {
		field creditdesk.CustomerOrderField
		dir   creditdesk.SortDirection
		want  []string
	}{
		{creditdesk.CustomerOrderCode, creditdesk.Asc, []string{"A01", "A02", "A03", "A04", "A05", "A06", "A07"}},
		{creditdesk.CustomerOrderCode, creditdesk.Desc, []string{"A07", "A06", "A05", "A04", "A03", "A02", "A01"}},
		{creditdesk.CustomerOrderName, creditdesk.Asc, []string{"A02", "A04", "A06", "A07", "A03", "A01", "A05"}},
		{creditdesk.CustomerOrderName, creditdesk.Desc, []string{"A05", "A01", "A03", "A07", "A06", "A04", "A02"}},
		{creditdesk.CustomerOrderCreatedAt, creditdesk.Asc, []string{"A02", "A04", "A03", "A01", "A07", "A06", "A05"}},
		{creditdesk.CustomerOrderCreatedAt, creditdesk.Desc, []string{"A05", "A06", "A07", "A01", "A03", "A04", "A02"}},
		{creditdesk.CustomerOrderCreditLimit, creditdesk.Asc, []string{"A02", "A06", "A05", "A03", "A07", "A01", "A04"}},
		{creditdesk.CustomerOrderCreditLimit, creditdesk.Desc, []string{"A04", "A01", "A07", "A03", "A05", "A06", "A02"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.field)+" "+string(tc.dir), func(t *testing.T) {
			order := creditdesk.CustomerOrder{Field: tc.field, Direction: tc.dir}
			var got []string
			var after *string
			pages := 0
			for {
				conn, err := store.FindCustomers(f.ctx, creditdesk.CustomerFilter{}, order, creditdesk.Page{First: 3, After: after}, nil)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if conn.TotalCount != 7 {
					t.Errorf("page %d: totalCount = %d, want 7", pages, conn.TotalCount)
				}
				got = append(got, codesOf(conn)...)
				if !conn.HasNextPage {
					if len(conn.Edges) > 0 {
						// One more page after the last item: empty, same total.
						last := conn.Edges[len(conn.Edges)-1].Cursor
						empty, err := store.FindCustomers(f.ctx, creditdesk.CustomerFilter{}, order,
							creditdesk.Page{First: 3, After: &last}, nil)
						if err != nil {
							t.Fatal(err)
						}
						if len(empty.Edges) != 0 || empty.HasNextPage || empty.TotalCount != 7 {
							t.Errorf("page after the last: %d edges, next %v, total %d; want 0, false, 7",
								len(empty.Edges), empty.HasNextPage, empty.TotalCount)
						}
					}
					break
				}
				after = &conn.Edges[len(conn.Edges)-1].Cursor
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("order = %v, want %v", got, tc.want)
			}
			if pages != 3 {
				t.Errorf("%d pages of 3 for 7 customers, want 3", pages)
			}
		})
	}

	t.Run("a page ends exactly at the end", func(t *testing.T) {
		conn, err := store.FindCustomers(f.ctx, creditdesk.CustomerFilter{}, creditdesk.CustomerOrder{}, creditdesk.Page{First: 7}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(conn.Edges) != 7 || conn.HasNextPage {
			t.Errorf("first 7 of 7: %d edges, hasNextPage %v; want 7, false", len(conn.Edges), conn.HasNextPage)
		}
	})
	t.Run("bad page sizes and cursors", func(t *testing.T) {
		order := creditdesk.CustomerOrder{Field: creditdesk.CustomerOrderName, Direction: creditdesk.Asc}
		_, err := store.FindCustomers(f.ctx, creditdesk.CustomerFilter{}, order, creditdesk.Page{First: 1001}, nil)
		wantCode(t, err, creditdesk.EINVALID)
		_, err = store.FindCustomers(f.ctx, creditdesk.CustomerFilter{}, order, creditdesk.Page{After: ptr("garbage")}, nil)
		wantCode(t, err, creditdesk.EINVALID)
		conn, err := store.FindCustomers(f.ctx, creditdesk.CustomerFilter{}, creditdesk.CustomerOrder{}, creditdesk.Page{First: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// A cursor of the code ordering is refused by the name ordering.
		_, err = store.FindCustomers(f.ctx, creditdesk.CustomerFilter{}, order, creditdesk.Page{After: &conn.Edges[0].Cursor}, nil)
		wantCode(t, err, creditdesk.EINVALID)
	})
}

// queryCapture records the SQL text Bun sends, so a test can EXPLAIN the
// statement the store really runs.
type queryCapture struct{ queries []string }

func (c *queryCapture) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}
func (c *queryCapture) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	c.queries = append(c.queries, e.Query)
}

func TestCustomerSearchUsesTrigramIndex(t *testing.T) {
	f := newDeskFixture(t)
	bj := f.office("BJ")
	// Enough varied names that a scan costs more than the index. VACUUM, not
	// only ANALYZE: the GIN index's own statistics (entries, pages), which
	// the planner's cost estimate reads, are refreshed by VACUUM; without
	// them a bulk-loaded table looks too expensive to search by index.
	f.exec(`INSERT INTO customers (code, name, industry, office_id)
		SELECT 'G' || lpad(g::text, 5, '0'),
		       (ARRAY['上海','广州','深圳','天津','重庆','成都','武汉','杭州'])[1 + g % 8]
		         || (ARRAY['华','东','南','西','北','中','新','宏','鑫','达'])[1 + (g / 8) % 10]
		         || (ARRAY['电器','五金','贸易','实业','科技','商行'])[1 + (g / 80) % 6]
		         || g::text || '号有限公司',
		       'OTHER', ?
		FROM generate_series(1, 5000) g`, bj)
	f.customer(customerRow{Code: "BJ001", Name: "北京华光电器有限公司", OfficeID: bj})
	f.exec(`VACUUM ANALYZE customers`)

	capture := &queryCapture{}
	store := postgres.CustomerStore{DB: f.db.WithQueryHook(capture), Clock: frozenClock}
	conn, err := store.FindCustomers(f.ctx, creditdesk.CustomerFilter{Search: ptr("华光电器")}, creditdesk.CustomerOrder{}, creditdesk.Page{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := codesOf(conn); !slices.Equal(got, []string{"BJ001"}) {
		t.Fatalf("search 华光电器 = %v, want [BJ001]", got)
	}
	if len(capture.queries) != 1 {
		t.Fatalf("FindCustomers sent %d statements, want 1", len(capture.queries))
	}
	var plan []string
	if err := f.db.NewRaw("EXPLAIN "+capture.queries[0]).Scan(f.ctx, &plan); err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(plan, "\n"); !strings.Contains(text, "customers_name_trgm_idx") {
		t.Errorf("the search does not use customers_name_trgm_idx:\n%s", text)
	}

	t.Run("two characters still find the customer", func(t *testing.T) {
		conn, err := store.FindCustomers(f.ctx, creditdesk.CustomerFilter{Search: ptr("北京")}, creditdesk.CustomerOrder{}, creditdesk.Page{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := codesOf(conn); !slices.Equal(got, []string{"BJ001"}) || conn.TotalCount != 1 {
			t.Errorf("search 北京 = %v (total %d), want [BJ001] (1)", got, conn.TotalCount)
		}
	})
}

func TestCreateCustomer(t *testing.T) {
	f := newDeskFixture(t)
	bj := f.office("BJ")
	f.user("rep1", creditdesk.RoleSalesRep, &bj)
	f.user("fin", creditdesk.RoleFinance, nil)
	store := postgres.CustomerStore{DB: f.db, Clock: frozenClock}
	in := creditdesk.NewCustomer{
		Code: "K0100", Name: "杭州西湖电器有限公司", Industry: creditdesk.IndustryRegionalElectrical,
		OfficeCode: "BJ", RepUsername: ptr("rep1"), RegisteredCapital: &creditdesk.Money{Decimal: decimal.RequireFromString("2000000")},
		Employees: ptr(120), Managers: ptr(12), FoundedOn: ptr(creditdesk.MustParseDate("2015-10-26")),
		Guarantees: []creditdesk.Guarantee{creditdesk.GuaranteeMortgage, creditdesk.GuaranteeContract},
		Contacts:   []creditdesk.ContactInput{{Name: "王经理", Phone: ptr("0571-12345678"), Email: ptr("wang@example.com")}},
	}
	c, err := store.CreateCustomer(f.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.Code != "K0100" || c.Status != creditdesk.StatusActive || c.RepAssignedOn == nil || c.RepAssignedOn.String() != "2025-06-30" ||
		c.RegisteredCapital.String() != "2000000.00" || !slices.Equal(c.Guarantees, []creditdesk.Guarantee{"CONTRACT", "MORTGAGE"}) {
		t.Errorf("created %+v", c)
	}
	var hist []struct {
		Field, Reason string
		NewValue      *string
		Username      string
	}
	if err := f.db.NewRaw(`SELECT h.field, h.reason, h.new_value, u.username FROM customer_history h
		JOIN users u ON u.id = h.changed_by WHERE h.customer_id = ?`, c.ID).Scan(f.ctx, &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Field != "created" || *hist[0].NewValue != "K0100" || hist[0].Username != "admin" {
		t.Errorf("history = %+v, want one 'created' row by admin", hist)
	}
	var contacts int
	f.db.NewRaw(`SELECT count(*) FROM customer_contacts WHERE customer_id = ?`, c.ID).Scan(f.ctx, &contacts) //nolint:errcheck
	if contacts != 1 {
		t.Errorf("%d contacts, want 1", contacts)
	}

	t.Run("an existing code is a conflict", func(t *testing.T) {
		before := f.counts()
		dup := in
		dup.Name = "另一家公司"
		_, err := store.CreateCustomer(f.ctx, dup)
		wantCode(t, err, creditdesk.ECONFLICT)
		f.assertUnchanged(before)
	})

	bad := []struct {
		name, field string
		edit        func(*creditdesk.NewCustomer)
	}{
		{"blank code", "code", func(n *creditdesk.NewCustomer) { n.Code = " " }},
		{"code with a space", "code", func(n *creditdesk.NewCustomer) { n.Code = "K 1" }},
		{"blank name", "name", func(n *creditdesk.NewCustomer) { n.Name = "" }},
		{"unknown industry", "industry", func(n *creditdesk.NewCustomer) { n.Industry = "SHOP" }},
		{"unknown office", "officeCode", func(n *creditdesk.NewCustomer) { n.OfficeCode = "XX" }},
		{"unknown rep", "repUsername", func(n *creditdesk.NewCustomer) { n.RepUsername = ptr("nobody") }},
		{"rep who is not in sales", "repUsername", func(n *creditdesk.NewCustomer) { n.RepUsername = ptr("fin") }},
		{"negative capital", "registeredCapital", func(n *creditdesk.NewCustomer) {
			n.RegisteredCapital = &creditdesk.Money{Decimal: decimal.RequireFromString("-1")}
		}},
		{"capital in fractions of a fen", "registeredCapital", func(n *creditdesk.NewCustomer) {
			n.RegisteredCapital = &creditdesk.Money{Decimal: decimal.RequireFromString("10.001")}
		}},
		{"negative employees", "employees", func(n *creditdesk.NewCustomer) { n.Employees = ptr(-3) }},
		{"more managers than employees", "managers", func(n *creditdesk.NewCustomer) { n.Managers = ptr(500) }},
		{"founded tomorrow", "foundedOn", func(n *creditdesk.NewCustomer) { n.FoundedOn = ptr(creditdesk.MustParseDate("2025-07-01")) }},
		{"share above one", "requiredShare", func(n *creditdesk.NewCustomer) {
			n.RequiredShare = &creditdesk.Ratio{Decimal: decimal.RequireFromString("1.5")}
		}},
		{"guarantee twice", "guarantees[1]", func(n *creditdesk.NewCustomer) {
			n.Guarantees = []creditdesk.Guarantee{"CONTRACT", "CONTRACT"}
		}},
		{"contact without a name", "contacts[0].name", func(n *creditdesk.NewCustomer) {
			n.Contacts = []creditdesk.ContactInput{{Name: " "}}
		}},
		{"contact e-mail", "contacts[0].email", func(n *creditdesk.NewCustomer) {
			n.Contacts = []creditdesk.ContactInput{{Name: "李", Email: ptr("li at example")}}
		}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			before := f.counts()
			n := in
			n.Code = "K0200"
			tc.edit(&n)
			_, err := store.CreateCustomer(f.ctx, n)
			de := wantCode(t, err, creditdesk.EINVALID)
			if de.Field != tc.field {
				t.Errorf("field = %q, want %q (%s)", de.Field, tc.field, de.Message)
			}
			if !strings.Contains(de.Message, tc.field) {
				t.Errorf("message %q does not name the field", de.Message)
			}
			f.assertUnchanged(before)
		})
	}
}

type historyLine struct {
	Field      string
	OldValue   *string
	NewValue   *string
	Reason     string
	ChangedBy  string
	ApprovedBy *string
}

func (f *deskFixture) history(customerID int64) []historyLine {
	f.t.Helper()
	var out []historyLine
	if err := f.db.NewRaw(`SELECT h.field, h.old_value, h.new_value, h.reason, u.username AS changed_by,
		a.username AS approved_by
		FROM customer_history h JOIN users u ON u.id = h.changed_by LEFT JOIN users a ON a.id = h.approved_by
		WHERE h.customer_id = ? ORDER BY h.id`, customerID).Scan(f.ctx, &out); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func fmtHistory(h []historyLine) string {
	var b strings.Builder
	for _, l := range h {
		s := func(p *string) string {
			if p == nil {
				return "∅"
			}
			return *p
		}
		fmt.Fprintf(&b, "%s: %s → %s (%s; by %s, approved %s)\n", l.Field, s(l.OldValue), s(l.NewValue), l.Reason,
			l.ChangedBy, s(l.ApprovedBy))
	}
	return b.String()
}

func TestUpdateCustomerWritesHistory(t *testing.T) {
	f := newDeskFixture(t)
	bj, sh := f.office("BJ"), f.office("SH")
	rep1 := f.user("rep1", creditdesk.RoleSalesRep, &bj)
	f.user("rep2", creditdesk.RoleSalesRep, &sh)
	f.user("mgr", creditdesk.RoleManager, &sh)
	id := f.customer(customerRow{Code: "K1", Name: "旧名称", OfficeID: bj, RepID: &rep1,
		RegisteredCapital: ptr("1000000.00"), Address: ptr("北京市朝阳区")})
	store := postgres.CustomerStore{DB: f.db, Clock: frozenClock}

	c, err := store.UpdateCustomer(f.ctx, "K1", creditdesk.CustomerUpdate{
		Name:              ptr("新名称"),
		OfficeCode:        ptr("SH"),
		RepUsername:       ptr("rep2"),
		RegisteredCapital: &creditdesk.Money{Decimal: decimal.RequireFromString("1000000")}, // unchanged
		Address:           ptr("北京市朝阳区"),                                                    // unchanged
		Employees:         ptr(80),
		Reason:            "moved to Shanghai",
		ApprovedBy:        ptr("mgr"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "新名称" || c.OfficeID != sh || c.RepAssignedOn.String() != "2025-06-30" || *c.Employees != 80 {
		t.Errorf("updated customer %+v", c)
	}
	got := fmtHistory(f.history(id))
	want := "name: 旧名称 → 新名称 (moved to Shanghai; by admin, approved mgr)\n" +
		"employees: ∅ → 80 (moved to Shanghai; by admin, approved mgr)\n" +
		"officeCode: BJ → SH (moved to Shanghai; by admin, approved mgr)\n" +
		"repUsername: rep1 → rep2 (moved to Shanghai; by admin, approved mgr)\n"
	if got != want {
		t.Errorf("history:\n%s\nwant:\n%s", got, want)
	}

	t.Run("the actor is recorded as the changer", func(t *testing.T) {
		ctx := creditdesk.WithActor(f.ctx, &creditdesk.User{ID: rep1, Username: "rep1", Role: creditdesk.RoleGeneralManager})
		if _, err := store.UpdateCustomer(ctx, "K1", creditdesk.CustomerUpdate{ShortName: ptr("新"), Reason: "short name"}); err != nil {
			t.Fatal(err)
		}
		h := f.history(id)
		if last := h[len(h)-1]; last.Field != "shortName" || last.ChangedBy != "rep1" || *last.NewValue != "新" || last.OldValue != nil {
			t.Errorf("last history row %+v", last)
		}
	})
	t.Run("no reason, nothing written", func(t *testing.T) {
		before := f.counts()
		_, err := store.UpdateCustomer(f.ctx, "K1", creditdesk.CustomerUpdate{Name: ptr("又一个名称"), Reason: "  "})
		de := wantCode(t, err, creditdesk.EINVALID)
		if de.Field != "reason" {
			t.Errorf("field = %q, want reason", de.Field)
		}
		f.assertUnchanged(before)
		var name string
		f.db.NewRaw(`SELECT name FROM customers WHERE id = ?`, id).Scan(f.ctx, &name) //nolint:errcheck
		if name != "新名称" {
			t.Errorf("name = %q after a refused update", name)
		}
	})
	t.Run("same values write no history", func(t *testing.T) {
		before := f.counts()
		if _, err := store.UpdateCustomer(f.ctx, "K1", creditdesk.CustomerUpdate{Name: ptr("新名称"), OfficeCode: ptr("SH"),
			Reason: "no change"}); err != nil {
			t.Fatal(err)
		}
		f.assertUnchanged(before)
	})
	t.Run("unknown code", func(t *testing.T) {
		_, err := store.UpdateCustomer(f.ctx, "NOPE", creditdesk.CustomerUpdate{Name: ptr("x"), Reason: "r"})
		wantCode(t, err, creditdesk.ENOTFOUND)
	})
	t.Run("an approver must be a manager", func(t *testing.T) {
		before := f.counts()
		_, err := store.UpdateCustomer(f.ctx, "K1", creditdesk.CustomerUpdate{Name: ptr("x"), Reason: "r", ApprovedBy: ptr("rep1")})
		de := wantCode(t, err, creditdesk.EINVALID)
		if de.Field != "approvedBy" {
			t.Errorf("field = %q, want approvedBy", de.Field)
		}
		f.assertUnchanged(before)
	})
}
