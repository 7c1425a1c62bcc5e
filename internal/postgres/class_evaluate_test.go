package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

type classHistoryLine struct {
	Code       string
	Field      string
	OldValue   *string
	NewValue   *string
	Reason     string
	ChangedBy  string
	ApprovedBy *string
}

func (h classHistoryLine) String() string {
	return fmt.Sprintf("%s %s %s→%s %q by %s approved %s", h.Code, h.Field, textOf(h.OldValue), textOf(h.NewValue),
		h.Reason, h.ChangedBy, textOf(h.ApprovedBy))
}

// classHistory lists the archive history of the credit fields, oldest
// first.
func (w *classWorld) classHistory() []string {
	w.t.Helper()
	var rows []classHistoryLine
	w.scan(&rows, `SELECT c.code, h.field, h.old_value, h.new_value, h.reason, u.username AS changed_by, a.username AS approved_by
		FROM customer_history h JOIN customers c ON c.id = h.customer_id JOIN users u ON u.id = h.changed_by
		LEFT JOIN users a ON a.id = h.approved_by
		WHERE h.field IN ('creditClass', 'creditLimit') ORDER BY h.id`)
	out := []string{}
	for _, r := range rows {
		out = append(out, r.String())
	}
	return out
}

func (w *classWorld) storedClass(code string) string {
	w.t.Helper()
	var c *string
	w.scan(&c, `SELECT credit_class FROM customers WHERE code = ?`, code)
	return textOf(c)
}

// TestEvaluateCreditClasses evaluates three customers as of 2025-03-31 and
// 2025-06-30 and checks the snapshots, the stored class, the history, "who
// moved from 乙 to 丙" and a back-filled older evaluation.
//
//	A  the base customer: 乙 on both dates.
//	B  base, with 1,000.00 due 2025-03-31 never paid: on 2025-03-31 it is
//	   not overdue (乙); on 2025-06-30 it is 91 days overdue, R5 (丙).
//	C  an intermediate wholesaler: 丙 on both dates (R1).
//	D  created after the first evaluation: 乙 on 2025-06-30 only.
func TestEvaluateCreditClasses(t *testing.T) {
	w := newClassWorld(t)
	w.MustCreateCustomer(baseCustomer("A"))
	w.MustCreateCustomer(baseCustomer("B"))
	w.MustInvoice("B-1", "B", "2025-01-30", "2025-03-31", "1000.00")
	c := baseCustomer("C")
	c.BusinessType = "INTERMEDIATE_WHOLESALER"
	w.MustCreateCustomer(c)

	q1, q2 := creditdesk.MustParseDate("2025-03-31"), creditdesk.MustParseDate("2025-06-30")
	sum, err := postgres.EvaluateCreditClasses(w.ctx, w.db, q1)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Customers != 3 || sum.Changed != 3 || sum.PolicyVersion != 1 ||
		sum.ByClass["YI"] != 2 || sum.ByClass["BING"] != 1 || sum.ByClass["JIA"] != 0 {
		t.Fatalf("first evaluation: %+v", sum)
	}
	w.MustCreateCustomer(baseCustomer("D"))
	sum2, err := postgres.EvaluateCreditClasses(w.ctx, w.db, q2)
	if err != nil {
		t.Fatal(err)
	}
	// B moved 乙 → 丙; D got its first class.
	if sum2.Customers != 4 || sum2.Changed != 2 || sum2.ByClass["YI"] != 2 || sum2.ByClass["BING"] != 2 {
		t.Fatalf("second evaluation: %+v", sum2)
	}
	t.Log(sum2)

	t.Run("stored class and history", func(t *testing.T) {
		for code, want := range map[string]string{"A": "YI", "B": "BING", "C": "BING", "D": "YI"} {
			if got := w.storedClass(code); got != want {
				t.Errorf("%s stored class %s, want %s", code, got, want)
			}
		}
		want := []string{
			`A creditClass <nil>→YI "credit evaluation as of 2025-03-31" by admin approved <nil>`,
			`B creditClass <nil>→YI "credit evaluation as of 2025-03-31" by admin approved <nil>`,
			`C creditClass <nil>→BING "credit evaluation as of 2025-03-31" by admin approved <nil>`,
			`B creditClass YI→BING "credit evaluation as of 2025-06-30" by admin approved <nil>`,
			`D creditClass <nil>→YI "credit evaluation as of 2025-06-30" by admin approved <nil>`,
		}
		got := w.classHistory()
		slices.Sort(got[:3]) // one statement: no order within it
		slices.Sort(got[3:])
		if !slices.Equal(got, want) {
			t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("snapshots keep the inputs and rules", func(t *testing.T) {
		var snaps []struct {
			Code          string
			AsOf          creditdesk.Date
			PolicyVersion int
			Computed      string
			Effective     string
			Eligible      bool
			Score         *string
			Rules         []string `bun:",array"`
			Exposure      string
			Overdue       int
		}
		w.scan(&snaps, `SELECT c.code, s.as_of, s.policy_version, s.computed_class AS computed, s.effective_class AS effective,
				s.class_a_eligible AS eligible, round(s.payment_score, 2)::text AS score, s.fired_rules AS rules,
				s.exposure::text AS exposure, s.overdue_invoices AS overdue
			FROM credit_class_snapshots s JOIN customers c ON c.id = s.customer_id WHERE c.code = 'B' ORDER BY s.as_of`)
		if len(snaps) != 2 {
			t.Fatalf("%d snapshots of B", len(snaps))
		}
		// 2025-03-31: due that day, 0 days beyond terms → score 80; not
		// eligible (capital 2,000,000, 200 employees: not large).
		// 2025-06-30: 91 days → 30 − 1/3.
		a, b := snaps[0], snaps[1]
		if a.Computed != "YI" || a.Effective != "YI" || textOf(a.Score) != "80.00" || len(a.Rules) != 0 || a.Exposure != "1000.00" {
			t.Errorf("B on 2025-03-31: %+v", a)
		}
		if b.Computed != "BING" || textOf(b.Score) != "29.67" || !slices.Equal(b.Rules, []string{"R5"}) || b.Overdue != 1 {
			t.Errorf("B on 2025-06-30: %+v", b)
		}
	})

	t.Run("who moved from 乙 to 丙", func(t *testing.T) {
		yi, bing := creditdesk.CreditYi, creditdesk.CreditBing
		page := creditdesk.Page{First: 10}
		moved, err := w.classes().CreditClassChanges(w.ctx, creditdesk.CreditClassChangeQuery{
			From: q1, To: q2, FromClass: &yi, ToClass: &bing}, page)
		if err != nil {
			t.Fatal(err)
		}
		if moved.TotalCount != 1 || len(moved.Edges) != 1 {
			t.Fatalf("moved: %+v", moved)
		}
		m := moved.Edges[0].Node
		if m.Customer.Code != "B" || m.From.EffectiveClass != "YI" || m.To.EffectiveClass != "BING" ||
			m.From.AsOf != q1 || m.To.AsOf != q2 || !slices.Equal(ruleNames(m.To), []string{"R5"}) ||
			m.To.EvaluatedAt == nil || m.To.PolicyVersion != 1 {
			t.Errorf("B moved: from %+v to %+v", m.From, m.To)
		}
		// Without class filters: B, and D (first evaluated after `from`).
		all, err := w.classes().CreditClassChanges(w.ctx, creditdesk.CreditClassChangeQuery{From: q1, To: q2}, page)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, e := range all.Edges {
			codes = append(codes, e.Node.Customer.Code)
		}
		if !slices.Equal(codes, []string{"B", "D"}) || all.TotalCount != 2 || all.Edges[1].Node.From != nil {
			t.Errorf("changes %v total %d", codes, all.TotalCount)
		}
		// Paging: one per page, totalCount on every page, an empty last page.
		first, err := w.classes().CreditClassChanges(w.ctx, creditdesk.CreditClassChangeQuery{From: q1, To: q2},
			creditdesk.Page{First: 1})
		if err != nil || len(first.Edges) != 1 || !first.HasNextPage || first.TotalCount != 2 {
			t.Fatalf("first page %+v %v", first, err)
		}
		second, err := w.classes().CreditClassChanges(w.ctx, creditdesk.CreditClassChangeQuery{From: q1, To: q2},
			creditdesk.Page{First: 1, After: &first.Edges[0].Cursor})
		if err != nil || len(second.Edges) != 1 || second.HasNextPage || second.TotalCount != 2 ||
			second.Edges[0].Node.Customer.Code != "D" {
			t.Fatalf("second page %+v %v", second, err)
		}
		empty, err := w.classes().CreditClassChanges(w.ctx, creditdesk.CreditClassChangeQuery{From: q1, To: q2},
			creditdesk.Page{First: 1, After: &second.Edges[0].Cursor})
		if err != nil || len(empty.Edges) != 0 || empty.TotalCount != 2 {
			t.Fatalf("empty page %+v %v", empty, err)
		}
		// The filter applies.
		none, err := w.classes().CreditClassChanges(w.ctx, creditdesk.CreditClassChangeQuery{From: q1, To: q2,
			Filter: &creditdesk.CustomerFilter{Codes: []string{"A", "C"}}}, page)
		if err != nil || none.TotalCount != 0 || len(none.Edges) != 0 {
			t.Errorf("filtered: %+v %v", none, err)
		}
		_, err = w.classes().CreditClassChanges(w.ctx, creditdesk.CreditClassChangeQuery{From: q2, To: q1}, page)
		wantErrorCode(t, err, creditdesk.EINVALID)
	})

	t.Run("history of one customer, newest first", func(t *testing.T) {
		h, err := w.classes().CreditClassHistory(w.ctx, "B", creditdesk.Page{First: 1})
		if err != nil {
			t.Fatal(err)
		}
		if h.TotalCount != 2 || len(h.Edges) != 1 || !h.HasNextPage || h.Edges[0].Node.AsOf != q2 ||
			h.Edges[0].Node.EffectiveClass != "BING" || h.Edges[0].Node.Customer.Code != "B" {
			t.Fatalf("first page: %+v", h)
		}
		h2, err := w.classes().CreditClassHistory(w.ctx, "B", creditdesk.Page{First: 1, After: &h.Edges[0].Cursor})
		if err != nil || len(h2.Edges) != 1 || h2.HasNextPage || h2.Edges[0].Node.AsOf != q1 || h2.TotalCount != 2 {
			t.Fatalf("second page: %+v %v", h2, err)
		}
		_, err = w.classes().CreditClassHistory(w.ctx, "NOPE", creditdesk.Page{First: 1})
		wantErrorCode(t, err, creditdesk.ENOTFOUND)
	})

	t.Run("a back-filled older evaluation does not rewrite today's class", func(t *testing.T) {
		sum, err := postgres.EvaluateCreditClasses(w.ctx, w.db, creditdesk.MustParseDate("2025-01-31"))
		if err != nil {
			t.Fatal(err)
		}
		// On 2025-01-31 B is 乙 (nothing due yet) and D exists: A, B, D 乙,
		// C 丙; every one has a later evaluation, so nothing changes.
		if sum.Customers != 4 || sum.Changed != 0 || sum.ByClass["YI"] != 3 {
			t.Errorf("back-fill: %+v", sum)
		}
		if got := w.storedClass("B"); got != "BING" {
			t.Errorf("B stored class %s after the back-fill", got)
		}
	})

	t.Run("general manager only", func(t *testing.T) {
		m := w.MustCreateUser("mgr", creditdesk.RoleManager, "BJ")
		_, err := postgres.EvaluateCreditClasses(w.as(m), w.db, q2)
		wantErrorCode(t, err, creditdesk.EFORBIDDEN)
	})
}

// TestReevaluateCustomerOnCreditEvent plays a dishonour recorded by the
// note-status code: inside its transaction it calls ReevaluateCustomer,
// which stores a CREDIT_EVENT evaluation and the new class at once. An
// override approved before the event stops applying.
func TestReevaluateCustomerOnCreditEvent(t *testing.T) {
	w := newClassWorld(t)
	rep := w.MustCreateUser("rep", creditdesk.RoleSalesRep, "BJ")
	mgr := w.MustCreateUser("mgr", creditdesk.RoleManager, "BJ")
	e := baseCustomer("E")
	e.Rep = "rep"
	id := w.MustCreateCustomer(e)
	if _, err := postgres.EvaluateCreditClasses(w.ctx, w.db, creditdesk.MustParseDate("2025-05-31")); err != nil {
		t.Fatal(err)
	}
	w.today = creditdesk.MustParseDate("2025-06-02")
	o, err := w.approvals().RequestCreditClassOverride(w.as(rep), "E", creditdesk.CreditJia, "key account, expand trade")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.approvals().ApproveCreditClassOverride(w.as(mgr), o.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got := w.classOf(w.ctx, "E", "2025-06-19"); got.EffectiveClass != "JIA" || got.ComputedClass != "YI" {
		t.Fatalf("before the event: %s/%s", got.ComputedClass, got.EffectiveClass)
	}

	// The note-status transaction: the dishonour, then the re-evaluation.
	w.today = creditdesk.MustParseDate("2025-06-20")
	err = w.db.RunInTx(w.ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw(`INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date,
				amount, status, status_date, settled_on)
			VALUES ('N-E', 'CHEQUE', ?, '2025-06-01', '2025-06-01', '2025-06-15', 5000, 'DISHONORED', '2025-06-20', '2025-06-20')`,
			id).Exec(ctx); err != nil {
			return err
		}
		return postgres.ReevaluateCustomer(ctx, tx, id, w.today)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.storedClass("E"); got != "BING" {
		t.Errorf("stored class %s after the dishonour", got)
	}
	h := w.classHistory()
	if last := h[len(h)-1]; last != `E creditClass JIA→BING "credit event: re-evaluation as of 2025-06-20" by admin approved <nil>` {
		t.Errorf("last history line %s", last)
	}
	var trig string
	w.scan(&trig, `SELECT e.trigger FROM credit_class_evaluations e ORDER BY e.id DESC LIMIT 1`)
	if trig != "CREDIT_EVENT" {
		t.Errorf("trigger %s", trig)
	}
	got := w.classOf(w.ctx, "E", "2025-06-20")
	if got.EffectiveClass != "BING" || got.Override != nil || !slices.Equal(ruleNames(got), []string{"R5"}) {
		t.Errorf("after the event: %s/%s rules %v override %v", got.ComputedClass, got.EffectiveClass, ruleNames(got), got.Override)
	}
	// Outside the actor's scope: NOT_FOUND, and the caller's transaction
	// rolls back.
	other := w.MustCreateUser("mgr-sh", creditdesk.RoleManager, "SH")
	err = postgres.ReevaluateCustomer(w.as(other), w.db, id, w.today)
	wantErrorCode(t, err, creditdesk.ENOTFOUND)
}
