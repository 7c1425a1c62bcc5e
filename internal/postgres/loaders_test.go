package postgres_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// accountFixture: K1 (rep1's, office BJ) and K2 (office SH), with
//
//	K1 invoices (due = ship + 60):
//	  I1 ship 2025-01-10  100.00 CNY
//	  I2 ship 2025-02-10  200.00 CNY
//	  I3 ship 2025-03-10  300.00 CNY
//	  I4 ship 2025-04-10  400.00 USD at 7.1 (base 2840.00)
//	  I5 ship 2025-07-10  500.00 CNY  (after the as-of date 2025-06-30)
//	P1 2025-05-01 150.00: I1 100.00, I2 50.00
//	N1 received 2025-06-01 300.00: I3 300.00; presented 06-15, dishonoured 2025-06-20
//	P2 2025-06-15 10.00 FIFO: I2 (due 04-11) 10.00
//	K2 invoices J1 ship 2025-03-01 50.00, J2 ship 2025-04-01 60.00; two history rows.
func accountFixture(t *testing.T) (f *deskFixture, k1, k2, rep1 int64) {
	f = newDeskFixture(t)
	bj, sh := f.office("BJ"), f.office("SH")
	rep1 = f.user("rep1", creditdesk.RoleSalesRep, &bj)
	k1 = f.customer(customerRow{Code: "K1", OfficeID: bj, RepID: &rep1})
	k2 = f.customer(customerRow{Code: "K2", OfficeID: sh})
	for i, inv := range []struct{ ship, due, amount string }{
		{"2025-01-10", "2025-03-11", "100.00"}, {"2025-02-10", "2025-04-11", "200.00"},
		{"2025-03-10", "2025-05-09", "300.00"}, {"2025-04-10", "2025-06-09", "400.00"},
		{"2025-07-10", "2025-09-08", "500.00"},
	} {
		if i == 3 {
			f.invoice("I4", k1, inv.ship, inv.due, inv.amount, "USD", "7.1")
			continue
		}
		f.invoice(fmt.Sprintf("I%d", i+1), k1, inv.ship, inv.due, inv.amount)
	}
	f.invoice("J1", k2, "2025-03-01", "2025-04-30", "50.00")
	f.invoice("J2", k2, "2025-04-01", "2025-05-31", "60.00")

	ledger := postgres.LedgerStore{DB: f.db}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ledger.RecordPayment(f.ctx, payment("P1", "2025-05-01", "150.00", "I1", "100.00", "I2", "50.00")))
	must(ledger.ReceiveNote(f.ctx, note("N1", "2025-06-01", "300.00", "I3", "300.00")))
	must(ledger.RecordPayment(f.ctx, payment("P2", "2025-06-15", "10.00")))
	must(ledger.SetNoteStatus(f.ctx, creditdesk.NoteStatusInput{Number: "N1", Status: creditdesk.NotePresented, Date: date("2025-06-15")}))
	must(ledger.SetNoteStatus(f.ctx, creditdesk.NoteStatusInput{Number: "N1", Status: creditdesk.NoteDishonored, Date: date("2025-06-20")}))

	customers := postgres.CustomerStore{DB: f.db, Clock: frozenClock}
	must(customers.UpdateCustomer(f.ctx, "K2", creditdesk.CustomerUpdate{Name: ptr("K2 新名"), Reason: "renamed"}))
	must(customers.UpdateCustomer(f.ctx, "K2", creditdesk.CustomerUpdate{Address: ptr("上海"), Reason: "moved"}))

	f.exec(`INSERT INTO customer_contacts (customer_id, name, phone) VALUES (?, '张三', '010-1'), (?, '李四', '010-2')`, k1, k1)
	pr := f.id(`INSERT INTO products (code, name, category) VALUES ('PR1', '电机', 'motors') RETURNING id`)
	f.exec(`INSERT INTO sales_lines (invoice_id, customer_id, product_id, ship_date, quantity, unit_price, amount,
		cost_amount, currency, exchange_rate, base_amount)
		VALUES ((SELECT id FROM invoices WHERE number = 'I1'), ?0, ?1, '2025-01-15', 2, 50, 100, 70, 'CNY', 1, 100),
		       (NULL, ?0, ?1, '2025-02-15', -1, 50, -50, -35, 'CNY', 1, -50),
		       (NULL, ?0, ?1, '2025-03-15', 4, 50, 200, 140, 'CNY', 1, 200)`, k1, pr)
	return f, k1, k2, rep1
}

func invoiceLines(p *creditdesk.AccountListPage) string {
	var b strings.Builder
	for _, i := range p.Invoices {
		settled := "-"
		if i.SettledOn != nil {
			settled = i.SettledOn.String()
		}
		// Money.String writes the 2 places; fmt's %s would use the embedded
		// decimal's Format and drop them.
		fmt.Fprintf(&b, "%s open %s base %s settled %s; ", i.Number, i.OpenBalance.String(), i.OpenBase.String(), settled)
	}
	return b.String()
}

func TestAccountListsPerCustomerPages(t *testing.T) {
	f, k1, k2, _ := accountFixture(t)
	src := postgres.LoaderStore{DB: f.db}
	asOf := date("2025-06-30")
	inv := func(c int64, first int, after string) creditdesk.AccountListQuery {
		return creditdesk.AccountListQuery{List: creditdesk.ListInvoices, CustomerID: c, First: first, After: after, AsOf: asOf}
	}
	qs := []creditdesk.AccountListQuery{
		inv(k1, 3, ""),
		{List: creditdesk.ListHistory, CustomerID: k2, First: 10},
		inv(k2, 3, ""),
		{List: creditdesk.ListPayments, CustomerID: k1, First: 1},
		{List: creditdesk.ListContacts, CustomerID: k1},
		{List: creditdesk.ListNotes, CustomerID: k1, First: 5, Statuses: "HELD,PRESENTED"},
		{List: creditdesk.ListNotes, CustomerID: k1, First: 5, Statuses: "DISHONORED"},
		{List: creditdesk.ListSales, CustomerID: k1, First: 5, From: date("2025-02-01"), To: date("2025-03-31")},
		{List: creditdesk.ListInvoices, CustomerID: k1, First: 5, AsOf: date("2025-06-10"), OpenOnly: true},
		{List: creditdesk.ListInvoices, CustomerID: k1, First: 5, After: "bad", AsOf: asOf},
	}
	pages, rel, errs := src.AccountLists(f.ctx, qs, nil, nil)
	if len(pages) != len(qs) || len(errs) != len(qs) {
		t.Fatalf("%d pages and %d errors for %d keys", len(pages), len(errs), len(qs))
	}
	for i, err := range errs[:9] {
		if err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}
	wantCode(t, errs[9], creditdesk.EINVALID)

	t.Run("each customer gets its own page of invoices", func(t *testing.T) {
		// As of 2025-06-30, I5 is not shipped yet: 4 invoices, newest first.
		// I2: 200.00 − 50.00 (P1) − 10.00 (P2) = 140.00; I3 reopened by
		// the dishonour on 06-20; I4 400.00 USD × 7.1 = 2840.00 base.
		p := pages[0]
		want := "I4 open 400.00 base 2840.00 settled -; I3 open 300.00 base 300.00 settled -; I2 open 140.00 base 140.00 settled -; "
		if got := invoiceLines(p); got != want || p.TotalCount != 4 || !p.HasNextPage {
			t.Errorf("K1 page 1: %s total %d next %v; want %s total 4 next true", got, p.TotalCount, p.HasNextPage, want)
		}
		if p := pages[2]; invoiceLines(p) != "J2 open 60.00 base 60.00 settled -; J1 open 50.00 base 50.00 settled -; " ||
			p.TotalCount != 2 || p.HasNextPage {
			t.Errorf("K2 page: %s total %d next %v", invoiceLines(p), p.TotalCount, p.HasNextPage)
		}
		// Page 2 and an empty page 3 report the same total.
		p2, _, errs := src.AccountLists(f.ctx, []creditdesk.AccountListQuery{inv(k1, 3, pages[0].Cursors[2])}, nil, nil)
		if errs[0] != nil {
			t.Fatal(errs[0])
		}
		if got := invoiceLines(p2[0]); got != "I1 open 0.00 base 0.00 settled 2025-05-01; " || p2[0].TotalCount != 4 || p2[0].HasNextPage {
			t.Errorf("K1 page 2: %s total %d next %v", got, p2[0].TotalCount, p2[0].HasNextPage)
		}
		p3, _, errs := src.AccountLists(f.ctx, []creditdesk.AccountListQuery{inv(k1, 3, p2[0].Cursors[0])}, nil, nil)
		if errs[0] != nil {
			t.Fatal(errs[0])
		}
		if len(p3[0].Invoices) != 0 || p3[0].TotalCount != 4 || p3[0].HasNextPage {
			t.Errorf("K1 page 3: %d invoices total %d", len(p3[0].Invoices), p3[0].TotalCount)
		}
	})
	t.Run("open only, as of a date before the dishonour", func(t *testing.T) {
		// On 2025-06-10 I3 is settled by the note, I1 by P1; I2 has 150.00
		// open (P2 comes on 06-15).
		p := pages[8]
		if got := invoiceLines(p); got != "I4 open 400.00 base 2840.00 settled -; I2 open 150.00 base 150.00 settled -; " || p.TotalCount != 2 {
			t.Errorf("open on 06-10: %s total %d", got, p.TotalCount)
		}
		all, _, _ := src.AccountLists(f.ctx, []creditdesk.AccountListQuery{
			{List: creditdesk.ListInvoices, CustomerID: k1, First: 5, AsOf: date("2025-06-10")}}, nil, nil)
		if !strings.Contains(invoiceLines(all[0]), "I3 open 0.00 base 0.00 settled 2025-06-01;") {
			t.Errorf("I3 on 06-10 is settled by the note: %s", invoiceLines(all[0]))
		}
	})
	t.Run("history, payments, contacts, notes, sales", func(t *testing.T) {
		h := pages[1]
		if len(h.History) != 2 || h.History[0].Field != "address" || h.History[1].Field != "name" || h.TotalCount != 2 {
			t.Errorf("K2 history %+v total %d", h.History, h.TotalCount)
		}
		p := pages[3]
		if len(p.Payments) != 1 || p.Payments[0].Reference != "P2" || p.TotalCount != 2 || !p.HasNextPage ||
			p.Payments[0].Allocated.String() != "10.00" || p.Payments[0].Unapplied.String() != "0.00" {
			t.Errorf("K1 payments %+v total %d", p.Payments, p.TotalCount)
		}
		if a, err := src.AllocationsByPayment(f.ctx, []int64{p.Payments[0].ID}); err != nil || len(a[0]) != 1 ||
			a[0][0].InvoiceNumber != "I2" || a[0][0].Amount.String() != "10.00" {
			t.Errorf("P2 allocations: %+v, %v", a, err)
		}
		if len(rel.PaymentAllocations) != 0 {
			t.Errorf("allocations read along though no key asked for them: %+v", rel.PaymentAllocations)
		}
		// Asked for, the page carries them: the same as the loader's.
		withAlloc, along, errs := src.AccountLists(f.ctx, []creditdesk.AccountListQuery{
			{List: creditdesk.ListPayments, CustomerID: k1, First: 1, Allocations: true}}, nil, nil)
		if a := along.PaymentAllocations[p.Payments[0].ID]; errs[0] != nil || withAlloc[0].Payments[0].ID != p.Payments[0].ID ||
			len(a) != 1 || a[0].InvoiceNumber != "I2" || a[0].Kind != "PAYMENT" || a[0].Amount.String() != "10.00" {
			t.Errorf("P2 allocations read along: %+v, %v", a, errs[0])
		}
		if c := pages[4].Contacts; len(c) != 2 || c[0].Name != "张三" || c[1].Name != "李四" {
			t.Errorf("contacts %+v", c)
		}
		if n := pages[5]; len(n.Notes) != 0 || n.TotalCount != 0 {
			t.Errorf("held or presented notes: %+v", n.Notes)
		}
		n := pages[6]
		if len(n.Notes) != 1 || n.Notes[0].Number != "N1" || n.Notes[0].SettledOn.String() != "2025-06-20" {
			t.Fatalf("dishonoured notes %+v", n.Notes)
		}
		var allocs []string
		na, err := src.AllocationsByNote(f.ctx, []int64{n.Notes[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range na[0] {
			allocs = append(allocs, fmt.Sprintf("%s %s %s %s", a.InvoiceNumber, a.Kind, a.Date, a.Amount.String()))
		}
		if want := []string{"I3 NOTE 2025-06-01 300.00", "I3 NOTE_REVERSAL 2025-06-20 -300.00"}; !slices.Equal(allocs, want) {
			t.Errorf("N1 allocations %v, want %v", allocs, want)
		}
		s := pages[7]
		if len(s.Sales) != 2 || s.Sales[0].ShipDate.String() != "2025-03-15" || s.Sales[1].Amount.String() != "-50.00" || s.TotalCount != 2 {
			t.Errorf("sales in Feb–Mar %+v", s.Sales)
		}
		if len(rel.Products) == 0 || rel.Products[0].Code != "PR1" {
			t.Errorf("products read along: %+v", rel.Products)
		}
	})
}

func TestLoadersApplyTheActorsScope(t *testing.T) {
	f, k1, k2, rep1 := accountFixture(t)
	src := postgres.LoaderStore{DB: f.db}
	ctx := creditdesk.WithActor(f.ctx, &creditdesk.User{ID: rep1, Username: "rep1", Role: creditdesk.RoleSalesRep})

	cs, err := src.CustomersByID(ctx, []int64{k2, k1})
	if err != nil {
		t.Fatal(err)
	}
	if cs[0] != nil || cs[1] == nil || cs[1].Code != "K1" {
		t.Errorf("customers by id as rep1: %v, %v; want nil, K1", cs[0], cs[1])
	}
	pages, _, errs := src.AccountLists(ctx, []creditdesk.AccountListQuery{
		{List: creditdesk.ListInvoices, CustomerID: k2, First: 5, AsOf: date("2025-06-30")},
		{List: creditdesk.ListInvoices, CustomerID: k1, First: 5, AsOf: date("2025-06-30")},
	}, nil, nil)
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if len(pages[0].Invoices) != 0 || pages[0].TotalCount != 0 || pages[1].TotalCount != 4 {
		t.Errorf("as rep1: K2 %d invoices (total %d), K1 total %d; want 0, 0, 4",
			len(pages[0].Invoices), pages[0].TotalCount, pages[1].TotalCount)
	}
	var j1 int64
	f.db.NewRaw(`SELECT id FROM invoices WHERE number = 'J1'`).Scan(f.ctx, &j1) //nolint:errcheck
	if n, err := src.InvoiceNumbersByID(ctx, []int64{j1}); err != nil || n[0] != nil {
		t.Errorf("another rep's invoice number: %v %v", n, err)
	}

	fin := creditdesk.WithActor(f.ctx, &creditdesk.User{ID: rep1, Username: "fin", Role: creditdesk.RoleFinance})
	_, _, errs = src.AccountLists(fin, []creditdesk.AccountListQuery{{List: creditdesk.ListContacts, CustomerID: k1}}, nil, nil)
	wantCode(t, errs[0], creditdesk.EFORBIDDEN)
}

func TestOfficesAndUsersInOneStatement(t *testing.T) {
	f := newDeskFixture(t)
	bj, sh := f.office("BJ"), f.office("SH")
	rep := f.user("rep1", creditdesk.RoleSalesRep, &sh)
	gm := f.user("gm", creditdesk.RoleGeneralManager, nil)
	src := postgres.LoaderStore{DB: f.db}
	var c postgres.StatementCounter
	ctx := postgres.WithStatementCounter(f.ctx, &c)
	offices, users, userOffices, err := src.OfficesAndUsers(ctx, []int64{sh, 999, bj}, []int64{gm, rep, 998})
	if err != nil {
		t.Fatal(err)
	}
	if len(offices) != 3 || offices[0].Code != "SH" || offices[1] != nil || offices[2].Code != "BJ" {
		t.Errorf("offices aligned to [SH 999 BJ]: %+v", offices)
	}
	if len(users) != 3 || users[0].Username != "gm" || users[0].OfficeID != nil || users[1].Username != "rep1" ||
		users[1].Role != creditdesk.RoleSalesRep || *users[1].OfficeID != sh || users[2] != nil {
		t.Errorf("users aligned to [gm rep1 998]: %+v", users)
	}
	if len(userOffices) != 1 || userOffices[0].Code != "SH" {
		t.Errorf("the users' offices: %+v", userOffices)
	}
	if c.Count() != 1 {
		t.Errorf("%d statements, want 1", c.Count())
	}
	if o, u, _, err := src.OfficesAndUsers(f.ctx, nil, []int64{rep}); err != nil || len(o) != 0 || u[0].Username != "rep1" {
		t.Errorf("users only: %+v %+v %v", o, u, err)
	}
}

// The offices and users an account page refers to come in the lists'
// statement: the lists as without them, the offices and users (with the
// users' offices) among the records read along; alone when every list is
// refused.
func TestAccountListsWithOfficesAndUsers(t *testing.T) {
	f, k1, _, rep1 := accountFixture(t)
	src := postgres.LoaderStore{DB: f.db}
	sh := f.id(`SELECT id FROM offices WHERE code = 'SH'`)
	var c postgres.StatementCounter
	ctx := postgres.WithStatementCounter(f.ctx, &c)
	qs := []creditdesk.AccountListQuery{{List: creditdesk.ListInvoices, CustomerID: k1, First: 2, AsOf: date("2025-06-30")}}
	pages, rel, errs := src.AccountLists(ctx, qs, []int64{sh, 999}, []int64{rep1, 998})
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	if c.Count() != 1 {
		t.Errorf("%d statements, want 1", c.Count())
	}
	if got := invoiceLines(pages[0]); got != "I4 open 400.00 base 2840.00 settled -; I3 open 300.00 base 300.00 settled -; " ||
		pages[0].TotalCount != 4 {
		t.Errorf("K1's invoices with the offices and users: %s total %d", got, pages[0].TotalCount)
	}
	related := func(rel *creditdesk.RelatedRecords) string {
		codes := map[int64]string{}
		var b strings.Builder
		for _, o := range rel.Offices {
			codes[o.ID] = o.Code
			fmt.Fprintf(&b, "office %s; ", o.Code)
		}
		for _, u := range rel.Users {
			fmt.Fprintf(&b, "user %s %s of %s; ", u.Username, u.Role, codes[*u.OfficeID])
		}
		return b.String()
	}
	// The office asked for, the rep's office, the rep.
	if got, want := related(rel), "office SH; office BJ; user rep1 SALES_REP of BJ; "; got != want {
		t.Errorf("read along: %s, want %s", got, want)
	}

	fin := creditdesk.WithActor(f.ctx, &creditdesk.User{ID: rep1, Username: "fin", Role: creditdesk.RoleFinance})
	_, rel, errs = src.AccountLists(fin, []creditdesk.AccountListQuery{{List: creditdesk.ListContacts, CustomerID: k1}},
		nil, []int64{rep1})
	wantCode(t, errs[0], creditdesk.EFORBIDDEN)
	if got, want := related(rel), "office BJ; user rep1 SALES_REP of BJ; "; got != want {
		t.Errorf("with every list refused: %s, want %s", got, want)
	}
}
