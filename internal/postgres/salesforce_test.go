package postgres_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

var salesForceAsOf = creditdesk.MustParseDate("2025-06-30")

func salesForceWorld(t *testing.T) *dealerWorld {
	w := newDealerWorld(t)
	w.MustCreateOffice("BJ")
	w.MustCreateUser("rep1", creditdesk.RoleSalesRep, "BJ")
	w.MustCreateUser("rep2", creditdesk.RoleSalesRep, "BJ")
	w.MustCreateUser("mgr", creditdesk.RoleManager, "BJ")
	return w
}

func sfDate(d *creditdesk.Date) string {
	if d == nil {
		return "null"
	}
	return d.String()
}

// TestVisitPlanExclusions: five visits without effect since the last
// effective one (or ever) take a customer off the visit plan (000 第十条1);
// four do not.
func TestVisitPlanExclusions(t *testing.T) {
	w := salesForceWorld(t)
	visits := func(code string, effective bool, dates ...string) {
		for _, d := range dates {
			w.MustVisit(code, "rep1", d, effective)
		}
	}
	feb := []string{"2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04", "2025-02-05"}
	for _, c := range []string{"V5", "V4", "V0", "VR", "VF", "VS", "VT"} {
		status := creditdesk.StatusActive
		if c == "VT" {
			status = creditdesk.StatusTerminated
		}
		w.MustCreateCustomer(dealerCustomer{Code: c, Office: "BJ", Rep: "rep1", Status: status})
	}
	visits("V5", true, "2025-01-05")
	visits("V5", false, feb...) // exactly five → off the plan
	visits("V4", true, "2025-01-05")
	visits("V4", false, feb[:4]...) // four → stays
	visits("V0", false, feb...)     // never effective → off
	visits("VR", false, feb...)
	visits("VR", true, "2025-03-01") // effective again → stays
	visits("VF", true, "2025-01-05")
	visits("VF", false, feb[:4]...)
	visits("VF", false, "2025-07-01") // the fifth is after asOf → stays
	visits("VS", true, "2025-03-01")
	visits("VS", false, "2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05") // same day counts as not after
	visits("VT", false, feb...)                                                               // terminated: in no plan

	got, err := postgres.SalesForceStore{DB: w.db}.VisitPlanExclusions(w.ctx, salesForceAsOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	var g []string
	for _, x := range got {
		g = append(g, fmt.Sprintf("%s %d since %s (%s…%s)", x.Customer.Code, x.IneffectiveVisits, sfDate(x.LastEffectiveOn),
			x.FirstIneffectiveOn, x.LastVisitOn))
	}
	want := []string{
		"V0 5 since null (2025-02-01…2025-02-05)",
		"V5 5 since 2025-01-05 (2025-02-01…2025-02-05)",
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got %q, want %q", g, want)
	}
}

// TestUncontactedNewCustomers: a customer whose rep has not visited it
// within 7 days of the assignment may be reassigned (003 第四条3); on day 7
// the rep is still in time.
func TestUncontactedNewCustomers(t *testing.T) {
	w := salesForceWorld(t)
	for _, c := range []dealerCustomer{
		{Code: "N7", AssignedOn: "2025-06-23"},   // 7 days: in time
		{Code: "N8", AssignedOn: "2025-06-22"},   // 8 days: listed
		{Code: "N8V", AssignedOn: "2025-06-22"},  // visited by its rep on day 7
		{Code: "N8O", AssignedOn: "2025-06-22"},  // visited only by another rep: listed
		{Code: "NOLD", AssignedOn: "2025-01-01"}, // visited before the assignment only: listed
		{Code: "NT", AssignedOn: "2025-01-01", Status: creditdesk.StatusTerminated},
		{Code: "NFUT", AssignedOn: "2025-07-01"},
	} {
		c.Office, c.Rep = "BJ", "rep1"
		w.MustCreateCustomer(c)
	}
	w.MustCreateCustomer(dealerCustomer{Code: "NN", Office: "BJ"}) // no rep
	w.MustVisit("N8V", "rep1", "2025-06-29", false)
	w.MustVisit("N8O", "rep2", "2025-06-25", true)
	w.MustVisit("NOLD", "rep1", "2024-12-15", true)

	got, err := postgres.SalesForceStore{DB: w.db}.UncontactedNewCustomers(w.ctx, salesForceAsOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	var g []string
	for _, x := range got {
		g = append(g, fmt.Sprintf("%s %s %d", x.Customer.Code, x.AssignedOn, x.DaysSinceAssignment))
	}
	want := []string{"NOLD 2025-01-01 180", "N8 2025-06-22 8", "N8O 2025-06-22 8"}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got %q, want %q", g, want)
	}
}

// TestVisitsDue: monthly return visits in the first year after the first
// delivery, quarterly after (001 篇二 五), as of 2025-06-30.
func TestVisitsDue(t *testing.T) {
	w := salesForceWorld(t)
	cust := func(code, firstTrade string) {
		w.MustCreateCustomer(dealerCustomer{Code: code, Office: "BJ", Rep: "rep1", FirstTrade: firstTrade})
	}
	// M1: first shipment 2025-03-15, monthly; last visit 2025-05-30 → due 2025-06-30, today.
	cust("M1", "")
	w.MustShip("M1", "2025-03-15", "10.00")
	w.MustVisit("M1", "rep1", "2025-05-30", false)
	// M2: the same, last visit 2025-06-01 → due 2025-07-01: not yet.
	cust("M2", "")
	w.MustShip("M2", "2025-03-15", "10.00")
	w.MustVisit("M2", "rep1", "2025-06-01", true)
	// Q1: trading since 2023-01-10, quarterly; last visit 2025-04-01 → due 2025-07-01.
	cust("Q1", "2023-01-10")
	w.MustVisit("Q1", "rep1", "2025-04-01", true)
	// Q2: quarterly; last visit 2025-03-15 → due 2025-06-15, 15 days overdue.
	cust("Q2", "2023-01-10")
	w.MustVisit("Q2", "rep1", "2025-03-15", true)
	// NV: first shipment 2024-07-01, still in its first year (until
	// 2025-07-01) → monthly, never visited → due 2024-08-01, 333 days overdue.
	cust("NV", "")
	w.MustShip("NV", "2024-07-01", "10.00")
	// Y1: first shipment 2024-06-30: on 2025-06-30 its first year is over →
	// quarterly; last visit 2025-03-30 → due 2025-06-30.
	cust("Y1", "")
	w.MustShip("Y1", "2024-06-30", "10.00")
	w.MustVisit("Y1", "rep1", "2025-03-30", true)
	// PB: visited before its first delivery (trading since 2025-05-01): the
	// clock starts at the delivery → due 2025-06-01, 29 days overdue.
	cust("PB", "2025-05-01")
	w.MustVisit("PB", "rep1", "2025-04-01", true)
	// ND: no delivery yet; NF: first shipment after asOf. Neither is listed.
	cust("ND", "")
	cust("NF", "")
	w.MustShip("NF", "2025-07-05", "10.00")

	got, err := postgres.SalesForceStore{DB: w.db}.VisitsDue(w.ctx, salesForceAsOf, nil)
	if err != nil {
		t.Fatal(err)
	}
	var g []string
	for _, x := range got {
		g = append(g, fmt.Sprintf("%s %s from %s last %s due %s +%d", x.Customer.Code, x.Cadence, x.FirstDeliveryOn,
			sfDate(x.LastVisitOn), x.DueOn, x.DaysOverdue))
	}
	want := []string{
		"NV MONTHLY from 2024-07-01 last null due 2024-08-01 +333",
		"PB MONTHLY from 2025-05-01 last 2025-04-01 due 2025-06-01 +29",
		"Q2 QUARTERLY from 2023-01-10 last 2025-03-15 due 2025-06-15 +15",
		"M1 MONTHLY from 2025-03-15 last 2025-05-30 due 2025-06-30 +0",
		"Y1 QUARTERLY from 2024-06-30 last 2025-03-30 due 2025-06-30 +0",
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got\n%s\nwant\n%s", networkLines(g), networkLines(want))
	}
}

// TestRepHandoverAndReassignment: a departing rep's open items (002 十九) and
// the bulk reassignment of its customers with a history row each.
func TestRepHandoverAndReassignment(t *testing.T) {
	w := salesForceWorld(t)
	w.MustCreateUser("gone", creditdesk.RoleSalesRep, "BJ")
	w.MustCreateUser("left", creditdesk.RoleSalesRep, "BJ")
	w.exec(`UPDATE users SET active = false WHERE username = 'left'`)
	for code, rep := range map[string]string{"H1": "gone", "H2": "gone", "H3": "rep2"} {
		w.MustCreateCustomer(dealerCustomer{Code: code, Office: "BJ", Rep: rep, AssignedOn: "2024-01-01"})
	}
	// H1: HI1 1000.00 due 2025-04-30, 400.00 paid → 600.00 open, 61 days
	// overdue; HI2 500.00 due 2025-06-30 → open, not overdue; HI3 paid.
	w.MustInvoice("HI1", "H1", "2025-03-01", "2025-04-30", "1000.00", "")
	w.MustPay("HI1", "2025-05-10", "400.00")
	w.MustInvoice("HI2", "H1", "2025-05-01", "2025-06-30", "500.00", "")
	w.MustInvoice("HI3", "H1", "2025-05-01", "2025-06-30", "300.00", "2025-06-01")
	// H2: USD 100.00 at 7.12345678 → base 712.35.
	w.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT 'HI4', id, '2025-06-01', '2025-06-01', '2025-07-31', 'USD', 100.00, 7.12345678, 712.35 FROM customers WHERE code = 'H2'`)
	w.MustInvoice("HI5", "H3", "2025-05-01", "2025-06-30", "999.00", "") // rep2's
	// Shipments of the last 90 days: 2025-04-02 … 2025-06-30.
	w.MustShip("H1", "2025-04-01", "200.00")
	w.MustShip("H1", "2025-04-02", "300.00")
	w.MustShip("H1", "2025-06-30", "-50.00")
	w.MustShip("H3", "2025-06-30", "70.00")

	sf := postgres.SalesForceStore{DB: w.db, Clock: func() time.Time { return time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC) }}
	t.Run("hand-over", func(t *testing.T) {
		h, err := sf.RepHandover(w.ctx, "gone", salesForceAsOf, 90)
		if err != nil {
			t.Fatal(err)
		}
		var g []string
		g = append(g, fmt.Sprintf("%s as of %s from %s: open %s in %d invoices", h.Rep.Username, h.AsOf, h.ShipmentsFrom, h.OpenTotal.String(), h.OpenInvoices))
		for _, c := range h.Customers {
			g = append(g, fmt.Sprintf("%s open %s", c.Customer.Code, c.OpenAmount.String()))
			for _, i := range c.OpenInvoices {
				g = append(g, fmt.Sprintf("  %s %s %s %s open %s base %s +%d", i.Number, i.DueDate, i.Currency, i.Amount.String(), i.OpenBalance.String(), i.OpenBase.String(), i.DaysOverdue))
			}
			for _, s := range c.Shipments {
				g = append(g, fmt.Sprintf("  ship %s %s %s", s.ShipDate, s.ProductCode, s.BaseAmount.String()))
			}
		}
		want := []string{
			"gone as of 2025-06-30 from 2025-04-02: open 1812.35 in 3 invoices",
			"H1 open 1100.00",
			"  HI1 2025-04-30 CNY 1000.00 open 600.00 base 600.00 +61",
			"  HI2 2025-06-30 CNY 500.00 open 500.00 base 500.00 +0",
			"  ship 2025-06-30 P1 -50.00",
			"  ship 2025-04-02 P1 300.00",
			"H2 open 712.35",
			"  HI4 2025-07-31 USD 100.00 open 100.00 base 712.35 +0",
		}
		if !reflect.DeepEqual(g, want) {
			t.Errorf("got\n%s\nwant\n%s", networkLines(g), networkLines(want))
		}
		if _, err := sf.RepHandover(w.ctx, "nobody", salesForceAsOf, 90); creditdesk.ErrorCode(err) != creditdesk.ENOTFOUND {
			t.Errorf("unknown rep: %v", err)
		}
	})

	reassign := func(in creditdesk.ReassignmentInput) (*creditdesk.Reassignment, error) {
		return sf.ReassignCustomers(w.ctx, in)
	}
	reps := func() string {
		var rows []struct{ Code, Rep, On string }
		if err := w.db.NewRaw(`SELECT c.code, u.username AS rep, c.rep_assigned_on::text AS on FROM customers c JOIN users u ON u.id = c.rep_id ORDER BY c.code`).
			Scan(w.ctx, &rows); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(rows)
	}
	before := reps()
	t.Run("refused requests change nothing", func(t *testing.T) {
		approver := "mgr"
		for _, tc := range []struct {
			name string
			in   creditdesk.ReassignmentInput
			want string
		}{
			{"no reason", creditdesk.ReassignmentInput{FromRep: "gone", ToRep: "rep1", Reason: " "}, creditdesk.EINVALID},
			{"same rep", creditdesk.ReassignmentInput{FromRep: "gone", ToRep: "gone", Reason: "x"}, creditdesk.EINVALID},
			{"inactive rep", creditdesk.ReassignmentInput{FromRep: "gone", ToRep: "left", Reason: "x"}, creditdesk.EINVALID},
			{"unknown rep", creditdesk.ReassignmentInput{FromRep: "gone", ToRep: "nobody", Reason: "x"}, creditdesk.ENOTFOUND},
			{"unknown approver", creditdesk.ReassignmentInput{FromRep: "gone", ToRep: "rep1", Reason: "x", ApprovedBy: new(string)}, creditdesk.ENOTFOUND},
			{"another rep's customer", creditdesk.ReassignmentInput{FromRep: "gone", ToRep: "rep1", Reason: "x",
				CustomerCodes: []string{"H1", "H3"}, ApprovedBy: &approver}, creditdesk.EINVALID},
		} {
			_, err := reassign(tc.in)
			if code := creditdesk.ErrorCode(err); code != tc.want {
				t.Errorf("%s: error %v (%s), want %s", tc.name, err, code, tc.want)
			}
		}
		ctx := creditdesk.WithActor(w.ctx, &creditdesk.User{ID: 2, Username: "rep1", Role: creditdesk.RoleSalesRep})
		if _, err := sf.ReassignCustomers(ctx, creditdesk.ReassignmentInput{FromRep: "gone", ToRep: "rep1", Reason: "x"}); creditdesk.ErrorCode(err) != creditdesk.EFORBIDDEN {
			t.Errorf("a rep reassigning: %v, want FORBIDDEN", err)
		}
		if got := reps(); got != before {
			t.Errorf("customers changed: %s, was %s", got, before)
		}
		if n := w.count(`SELECT count(*) FROM customer_history`); n != 0 {
			t.Errorf("%d history rows written by refused requests", n)
		}
	})
	t.Run("all of a departing rep's customers", func(t *testing.T) {
		approver := "mgr"
		r, err := reassign(creditdesk.ReassignmentInput{FromRep: "gone", ToRep: "rep2", Reason: "rep gone left the company", ApprovedBy: &approver})
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, c := range r.Customers {
			codes = append(codes, c.Code)
		}
		// The clock says 2025-07-01 01:00 UTC, 09:00 in Asia/Shanghai.
		if got := fmt.Sprintf("%s→%s on %s: %v", r.FromRep.Username, r.ToRep.Username, r.On, codes); got != "gone→rep2 on 2025-07-01: [H1 H2]" {
			t.Errorf("got %s", got)
		}
		if got, want := reps(), "[{H1 rep2 2025-07-01} {H2 rep2 2025-07-01} {H3 rep2 2024-01-01}]"; got != want {
			t.Errorf("customers %s, want %s", got, want)
		}
		var hist []string
		if err := w.db.NewRaw(`SELECT c.code || ' ' || h.field || ' ' || h.old_value || '→' || h.new_value || ' "' || h.reason || '" by '
				|| cb.username || ' approved by ' || ab.username
			FROM customer_history h JOIN customers c ON c.id = h.customer_id
			JOIN users cb ON cb.id = h.changed_by JOIN users ab ON ab.id = h.approved_by ORDER BY c.code`).Scan(w.ctx, &hist); err != nil {
			t.Fatal(err)
		}
		want := []string{
			`H1 repUsername gone→rep2 "rep gone left the company" by admin approved by mgr`,
			`H2 repUsername gone→rep2 "rep gone left the company" by admin approved by mgr`,
		}
		if !reflect.DeepEqual(hist, want) {
			t.Errorf("history\n got %q\nwant %q", hist, want)
		}
	})
	t.Run("chosen customers", func(t *testing.T) {
		r, err := reassign(creditdesk.ReassignmentInput{FromRep: "rep2", ToRep: "rep1", Reason: "not contacted in 7 days", CustomerCodes: []string{"H3"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Customers) != 1 || r.Customers[0].Code != "H3" {
			t.Errorf("moved %v", r.Customers)
		}
		if n := w.count(`SELECT count(*) FROM customer_history WHERE field = 'repUsername' AND old_value = 'rep2' AND new_value = 'rep1'`); n != 1 {
			t.Errorf("%d history rows for H3, want 1", n)
		}
	})
}
