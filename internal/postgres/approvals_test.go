package postgres_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
)

// approvalPeople are the users of the approval tests: a rep and two
// managers of 北京, a manager of 上海, the general manager, an analyst.
type approvalPeople struct {
	rep, rep2, mgr, mgr2, mgrSH, gm, analyst *creditdesk.User
}

func newApprovalWorld(t *testing.T) (*classWorld, approvalPeople) {
	w := newClassWorld(t)
	p := approvalPeople{
		rep:     w.MustCreateUser("rep", creditdesk.RoleSalesRep, "BJ"),
		rep2:    w.MustCreateUser("rep2", creditdesk.RoleSalesRep, "BJ"),
		mgr:     w.MustCreateUser("mgr", creditdesk.RoleManager, "BJ"),
		mgr2:    w.MustCreateUser("mgr2", creditdesk.RoleManager, "BJ"),
		mgrSH:   w.MustCreateUser("mgr-sh", creditdesk.RoleManager, "SH"),
		gm:      w.MustCreateUser("gm", creditdesk.RoleGeneralManager, ""),
		analyst: w.MustCreateUser("analyst", creditdesk.RoleAnalyst, ""),
	}
	k := baseCustomer("K1")
	k.Rep, k.CreditLimit = "rep", "3000000.00"
	w.MustCreateCustomer(k)
	return w, p
}

func stepsOf(a creditdesk.Approval) string {
	var s []string
	for _, st := range a.Steps {
		s = append(s, fmt.Sprintf("%s %s %s %s", st.Decision, st.Actor.Username, st.Role, st.ActedOn))
	}
	return strings.Join(s, "; ")
}

func (w *classWorld) creditLimit(code string) string {
	w.t.Helper()
	var s *string
	w.scan(&s, `SELECT credit_limit::text FROM customers WHERE code = ?`, code)
	return textOf(s)
}

func approvalMoney(s string) creditdesk.Money {
	return creditdesk.NewMoney(decimal.RequireFromString(s))
}

// TestCreditLimitRequestChain: rep → manager below the cap; rep → manager →
// general manager above it (DOMAIN.md §3), every step recorded, the limit
// changed only by the last approval.
func TestCreditLimitRequestChain(t *testing.T) {
	w, p := newApprovalWorld(t)
	s := w.approvals()

	t.Run("below the cap: the manager's approval is the last", func(t *testing.T) {
		w.today = creditdesk.MustParseDate("2025-06-10")
		r, err := s.RequestCreditLimit(w.as(p.rep), "K1", approvalMoney("4000000.00"), "orders up 30% this season", false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.RequiredRoles, []creditdesk.Role{"MANAGER"}) || r.Status != "PENDING" ||
			*r.AwaitingRole != "MANAGER" || r.RequestedBy.Username != "rep" || r.Customer.Code != "K1" {
			t.Fatalf("request %+v", r.Approval)
		}
		// The requester, another rep, a manager of another office: no.
		_, err = s.ApproveCreditLimitRequest(w.as(p.rep), r.ID, nil)
		wantErrorCode(t, err, creditdesk.EFORBIDDEN)
		_, err = s.ApproveCreditLimitRequest(w.as(p.rep2), r.ID, nil)
		wantErrorCode(t, err, creditdesk.ENOTFOUND) // rep2 does not see rep's customer
		_, err = s.ApproveCreditLimitRequest(w.as(p.mgrSH), r.ID, nil)
		wantErrorCode(t, err, creditdesk.ENOTFOUND)
		if got := w.creditLimit("K1"); got != "3000000.00" {
			t.Fatalf("limit %s before approval", got)
		}
		w.today = creditdesk.MustParseDate("2025-06-11")
		r, err = s.ApproveCreditLimitRequest(w.as(p.mgr), r.ID, approvalPtr("checked the orders"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "APPROVED" || r.AwaitingRole != nil || r.DecidedBy.Username != "mgr" || r.DecidedOn.String() != "2025-06-11" {
			t.Fatalf("after approval %+v", r.Approval)
		}
		if got := stepsOf(r.Approval); got != "REQUESTED rep SALES_REP 2025-06-10; APPROVED mgr MANAGER 2025-06-11" {
			t.Errorf("steps: %s", got)
		}
		if got := w.creditLimit("K1"); got != "4000000.00" {
			t.Errorf("limit %s after approval", got)
		}
		_, err = s.ApproveCreditLimitRequest(w.as(p.mgr2), r.ID, nil)
		wantErrorCode(t, err, creditdesk.ECONFLICT)
	})

	t.Run("exactly the cap needs no general manager", func(t *testing.T) {
		r, err := s.RequestCreditLimit(w.as(p.rep), "K1", approvalMoney("5000000.00"), "cap", false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.RequiredRoles, []creditdesk.Role{"MANAGER"}) {
			t.Errorf("chain %v", r.RequiredRoles)
		}
		if _, err := s.RejectCreditLimitRequest(w.as(p.mgr), r.ID, "  "); err == nil {
			t.Fatal("a rejection without a reason was accepted")
		}
		r, err = s.RejectCreditLimitRequest(w.as(p.mgr), r.ID, "no collateral")
		if err != nil || r.Status != "REJECTED" || !strings.HasSuffix(stepsOf(r.Approval), "REJECTED mgr MANAGER 2025-06-11") ||
			*r.Steps[1].Comment != "no collateral" {
			t.Fatalf("reject: %+v %v", r, err)
		}
		if got := w.creditLimit("K1"); got != "4000000.00" {
			t.Errorf("limit %s after a rejection", got)
		}
	})

	t.Run("above the cap: manager, then general manager", func(t *testing.T) {
		r, err := s.RequestCreditLimit(w.as(p.rep), "K1", approvalMoney("5000000.01"), "new plant", false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.RequiredRoles, []creditdesk.Role{"MANAGER", "GENERAL_MANAGER"}) || r.PolicyVersion != 1 {
			t.Fatalf("chain %v", r.RequiredRoles)
		}
		_, err = s.RequestCreditLimit(w.as(p.rep), "K1", approvalMoney("1.00"), "again", false)
		wantErrorCode(t, err, creditdesk.ECONFLICT)
		r, err = s.ApproveCreditLimitRequest(w.as(p.mgr), r.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "PENDING" || *r.AwaitingRole != "GENERAL_MANAGER" || w.creditLimit("K1") != "4000000.00" {
			t.Fatalf("after the manager: %s awaiting %v limit %s", r.Status, r.AwaitingRole, w.creditLimit("K1"))
		}
		_, err = s.ApproveCreditLimitRequest(w.as(p.mgr2), r.ID, nil)
		wantErrorCode(t, err, creditdesk.EFORBIDDEN) // awaits the general manager
		r, err = s.ApproveCreditLimitRequest(w.as(p.gm), r.ID, approvalPtr("ok"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "APPROVED" || w.creditLimit("K1") != "5000000.01" ||
			stepsOf(r.Approval) != "REQUESTED rep SALES_REP 2025-06-11; APPROVED mgr MANAGER 2025-06-11; APPROVED gm GENERAL_MANAGER 2025-06-11" {
			t.Fatalf("after the general manager: %s %s", r.Status, stepsOf(r.Approval))
		}
	})

	t.Run("an exception goes to the general manager, who may also take the manager's step", func(t *testing.T) {
		r, err := s.RequestCreditLimit(w.as(p.rep), "K1", approvalMoney("100000.00"), "overdue account, exception", true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.RequiredRoles, []creditdesk.Role{"MANAGER", "GENERAL_MANAGER"}) {
			t.Fatalf("chain %v", r.RequiredRoles)
		}
		r, err = s.ApproveCreditLimitRequest(w.as(p.gm), r.ID, nil)
		if err != nil || r.Status != "APPROVED" || w.creditLimit("K1") != "100000.00" {
			t.Fatalf("%+v %v", r, err)
		}
	})

	t.Run("history: old, new, reason, requester, approver", func(t *testing.T) {
		want := []string{
			`K1 creditLimit 3000000.00→4000000.00 "credit limit request 1: orders up 30% this season" by rep approved mgr`,
			`K1 creditLimit 4000000.00→5000000.01 "credit limit request 3: new plant" by rep approved gm`,
			`K1 creditLimit 5000000.01→100000.00 "credit limit request 4: overdue account, exception" by rep approved gm`,
		}
		if got := w.classHistory(); !slices.Equal(got, want) {
			t.Errorf("history:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("analysts only read; bad amounts", func(t *testing.T) {
		_, err := s.RequestCreditLimit(w.as(p.analyst), "K1", approvalMoney("1.00"), "x", false)
		wantErrorCode(t, err, creditdesk.EFORBIDDEN)
		_, err = s.RequestCreditLimit(w.as(p.rep), "K1", approvalMoney("-1.00"), "x", false)
		wantErrorCode(t, err, creditdesk.EINVALID)
		_, err = s.RequestCreditLimit(w.as(p.rep), "K1", approvalMoney("1.001"), "x", false)
		wantErrorCode(t, err, creditdesk.EINVALID)
		_, err = s.RequestCreditLimit(w.as(p.rep), "K1", approvalMoney("1.00"), " ", false)
		wantErrorCode(t, err, creditdesk.EINVALID)
	})

	t.Run("the list, by status, newest first", func(t *testing.T) {
		approved := creditdesk.ApprovalApproved
		c, err := s.CreditLimitRequests(w.ctx, creditdesk.ApprovalFilter{Status: &approved}, creditdesk.Page{First: 2})
		if err != nil {
			t.Fatal(err)
		}
		if c.TotalCount != 3 || len(c.Edges) != 2 || !c.HasNextPage || c.Edges[0].Node.ID != 4 || c.Edges[1].Node.ID != 3 {
			t.Fatalf("page 1: total %d, %d edges", c.TotalCount, len(c.Edges))
		}
		c2, err := s.CreditLimitRequests(w.ctx, creditdesk.ApprovalFilter{Status: &approved},
			creditdesk.Page{First: 2, After: &c.Edges[1].Cursor})
		if err != nil || c2.TotalCount != 3 || len(c2.Edges) != 1 || c2.Edges[0].Node.ID != 1 || c2.HasNextPage {
			t.Fatalf("page 2: %+v %v", c2, err)
		}
		// A manager of another office sees none of them.
		c3, err := s.CreditLimitRequests(w.as(p.mgrSH), creditdesk.ApprovalFilter{}, creditdesk.Page{First: 10})
		if err != nil || c3.TotalCount != 0 || len(c3.Edges) != 0 {
			t.Fatalf("other office: %+v %v", c3, err)
		}
	})
}

func approvalPtr[T any](v T) *T { return &v }

// TestWriteOffApproval: a 10,000.00 invoice paid 4,000.00 has 6,000.00 open;
// the write-off of 6,000.00 approved by the general manager on 2025-06-15 is
// a write_offs row and a WRITE_OFF settlement dated that day, so the invoice
// is open on 2025-06-14 and settled from 2025-06-15; the customer becomes 丙
// (R5) at once.
func TestWriteOffApproval(t *testing.T) {
	w, p := newApprovalWorld(t)
	s := w.approvals()
	w.MustInvoice("INV-1", "K1", "2025-01-01", "2025-03-02", "10000.00")
	w.MustPay("INV-1", "2025-03-10", "4000.00")
	w.today = creditdesk.MustParseDate("2025-06-12")

	_, err := s.RequestWriteOff(w.as(p.rep), "INV-1", approvalMoney("6000.01"), "customer vanished")
	wantErrorCode(t, err, creditdesk.EINVALID)
	_, err = s.RequestWriteOff(w.as(p.rep), "INV-404", approvalMoney("1.00"), "x")
	wantErrorCode(t, err, creditdesk.ENOTFOUND)
	r, err := s.RequestWriteOff(w.as(p.rep), "INV-1", approvalMoney("6000.00"), "customer vanished")
	if err != nil {
		t.Fatal(err)
	}
	if r.InvoiceNumber != "INV-1" || r.OpenBalance.String() != "6000.00" || r.Currency != "CNY" ||
		!slices.Equal(r.RequiredRoles, []creditdesk.Role{"GENERAL_MANAGER"}) {
		t.Fatalf("request %+v", r)
	}
	_, err = s.ApproveWriteOff(w.as(p.mgr), r.ID, nil)
	wantErrorCode(t, err, creditdesk.EFORBIDDEN) // 002 十七: the general manager's
	_, err = s.RequestWriteOff(w.as(p.mgr), "INV-1", approvalMoney("1.00"), "again")
	wantErrorCode(t, err, creditdesk.ECONFLICT)

	w.today = creditdesk.MustParseDate("2025-06-15")
	r, err = s.ApproveWriteOff(w.as(p.gm), r.ID, approvalPtr("uncollectable"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != "APPROVED" || r.WriteOffDate == nil || r.WriteOffDate.String() != "2025-06-15" || r.OpenBalance.String() != "0.00" {
		t.Fatalf("approved: %+v", r)
	}
	var ledger struct {
		WriteOffs   string
		Settlements string
		SettledOn   string
		Open14      string
		Open15      int
	}
	w.scan(&ledger, `SELECT
			(SELECT string_agg(date || ' ' || amount || ' ' || u.username, ',') FROM write_offs wo JOIN users u ON u.id = wo.approved_by) AS write_offs,
			(SELECT string_agg(kind || ' ' || date || ' ' || amount, ',' ORDER BY id) FROM settlements) AS settlements,
			(SELECT settled_on::text FROM invoices WHERE number = 'INV-1') AS settled_on,
			(SELECT open::text FROM cd_invoice_open('2025-06-14') o JOIN invoices i ON i.id = o.invoice_id WHERE i.number = 'INV-1') AS open14,
			(SELECT count(*) FROM cd_invoice_open('2025-06-15')) AS open15`)
	if ledger.WriteOffs != "2025-06-15 6000.00 gm" || ledger.Settlements != "PAYMENT 2025-03-10 4000.00,WRITE_OFF 2025-06-15 6000.00" ||
		ledger.SettledOn != "2025-06-15" || ledger.Open14 != "6000.00" || ledger.Open15 != 0 {
		t.Errorf("ledger: %+v", ledger)
	}
	if got := w.storedClass("K1"); got != "BING" {
		t.Errorf("stored class %s after the write-off", got)
	}
	if got := w.classOf(w.ctx, "K1", "2025-06-15"); !slices.Contains(ruleNames(got), "R5") || got.Inputs.WriteOffs != 1 {
		t.Errorf("rules %v", ruleNames(got))
	}

	t.Run("a payment after the request leaves too little to write off", func(t *testing.T) {
		w.MustInvoice("INV-2", "K1", "2025-01-01", "2025-03-02", "500.00")
		r, err := s.RequestWriteOff(w.as(p.rep), "INV-2", approvalMoney("500.00"), "gone")
		if err != nil {
			t.Fatal(err)
		}
		w.MustPay("INV-2", "2025-06-15", "100.00")
		_, err = s.ApproveWriteOff(w.as(p.gm), r.ID, nil)
		wantErrorCode(t, err, creditdesk.ECONFLICT)
		var n int
		w.scan(&n, `SELECT count(*) FROM write_offs`)
		if n != 1 {
			t.Errorf("%d write-offs after a refused approval", n)
		}
		r, err = s.RejectWriteOff(w.as(p.gm), r.ID, "paid in part; request again")
		if err != nil || r.Status != "REJECTED" {
			t.Fatalf("reject: %v", err)
		}
	})
}

// TestCreditClassOverrideLifecycle: requested 2025-05-14, approved by the
// manager on 2025-05-15, in force until 2025-06-30 (end of 2025Q2).
func TestCreditClassOverrideLifecycle(t *testing.T) {
	w, p := newApprovalWorld(t)
	s := w.approvals()
	w.today = creditdesk.MustParseDate("2025-05-14")
	o, err := s.RequestCreditClassOverride(w.as(p.rep), "K1", creditdesk.CreditJia, "strategic account: expand trade")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ApproveCreditClassOverride(w.as(p.rep), o.ID, nil)
	wantErrorCode(t, err, creditdesk.EFORBIDDEN)
	_, err = s.ApproveCreditClassOverride(w.as(p.mgrSH), o.ID, nil)
	wantErrorCode(t, err, creditdesk.ENOTFOUND)
	_, err = s.RequestCreditClassOverride(w.as(p.rep), "K1", creditdesk.CreditYi, "again")
	wantErrorCode(t, err, creditdesk.ECONFLICT)

	w.today = creditdesk.MustParseDate("2025-05-15")
	o, err = s.ApproveCreditClassOverride(w.as(p.mgr), o.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != "APPROVED" || o.EffectiveUntil == nil || o.EffectiveUntil.String() != "2025-06-30" || o.CreditClass != "JIA" {
		t.Fatalf("approved: %+v", o)
	}
	if w.storedClass("K1") != "JIA" {
		t.Errorf("stored class %s", w.storedClass("K1"))
	}
	if h := w.classHistory(); len(h) != 1 ||
		h[0] != `K1 creditClass <nil>→JIA "credit class override 1 until 2025-06-30: strategic account: expand trade" by rep approved mgr` {
		t.Errorf("history %v", h)
	}
	for _, tc := range []struct {
		asOf, effective string
		override        bool
	}{
		{"2025-05-14", "YI", false}, // before the approval
		{"2025-05-15", "JIA", true}, // the day of approval
		{"2025-06-30", "JIA", true}, // the quarter's last day
		{"2025-07-01", "YI", false}, // expired with the quarter
	} {
		got := w.classOf(w.ctx, "K1", tc.asOf)
		if got.ComputedClass != "YI" || string(got.EffectiveClass) != tc.effective || (got.Override != nil) != tc.override {
			t.Errorf("%s: computed %s effective %s override %v", tc.asOf, got.ComputedClass, got.EffectiveClass, got.Override)
		}
		if tc.override && (got.Override.ID != o.ID || got.Override.Steps[1].Actor.Username != "mgr") {
			t.Errorf("%s: override %+v", tc.asOf, got.Override)
		}
	}
	list, err := s.CreditClassOverrides(w.ctx, creditdesk.ApprovalFilter{}, creditdesk.Page{First: 5})
	if err != nil || list.TotalCount != 1 || list.Edges[0].Node.EffectiveUntil.String() != "2025-06-30" {
		t.Fatalf("list %+v %v", list, err)
	}
}
