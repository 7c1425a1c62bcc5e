package postgres_test

import (
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

func TestCreditInvestigations(t *testing.T) {
	w := newClassWorld(t)
	rep := w.MustCreateUser("rep", creditdesk.RoleSalesRep, "BJ")
	auditor := w.MustCreateUser("auditor", creditdesk.RoleAuditor, "")
	mgrSH := w.MustCreateUser("mgr-sh", creditdesk.RoleManager, "SH")
	a := baseCustomer("IA")
	a.Rep = "rep"
	idA := w.MustCreateCustomer(a)
	idB := w.MustCreateCustomer(baseCustomer("IB"))
	idC := w.MustCreateCustomer(baseCustomer("IC"))
	s := postgres.InvestigationStore{DB: w.db, Clock: w.clock()}
	bank := creditdesk.InvestigationSource("BANK")
	periodic := creditdesk.InvestigationKind("PERIODIC")
	in := func(code, date string, r int) creditdesk.InvestigationInput {
		return creditdesk.InvestigationInput{CustomerCode: code, Date: creditdesk.MustParseDate(date), Source: bank,
			Operator: r, Internal: r, Funding: r, Payment: r, Kind: &periodic}
	}

	t.Run("ratings are 1 to 5", func(t *testing.T) {
		for _, bad := range []int{0, 6} {
			x := in("IA", "2025-01-01", 3)
			x.Funding = bad
			_, err := s.RecordInvestigation(w.as(rep), x)
			if fieldOf(err) != "funding" {
				t.Errorf("funding %d: %v", bad, err)
			}
		}
		x := in("IA", "2025-01-01", 3)
		x.Source = "RUMOUR"
		_, err := s.RecordInvestigation(w.as(rep), x)
		wantErrorCode(t, err, creditdesk.EINVALID)
		_, err = s.RecordInvestigation(w.as(rep), in("IA", "2025-07-01", 3)) // after today
		wantErrorCode(t, err, creditdesk.EINVALID)
		_, err = s.RecordInvestigation(w.as(auditor), in("IA", "2025-01-01", 3))
		wantErrorCode(t, err, creditdesk.EFORBIDDEN)
		_, err = s.RecordInvestigation(w.as(rep), in("IB", "2025-01-01", 3)) // not the rep's customer
		wantErrorCode(t, err, creditdesk.ENOTFOUND)
	})

	// IA: three investigations; IB: one; IC: none.
	for _, x := range []creditdesk.InvestigationInput{in("IA", "2025-01-01", 1), in("IA", "2025-03-01", 2), in("IA", "2025-03-01", 3)} {
		got, err := s.RecordInvestigation(w.as(rep), x)
		if err != nil {
			t.Fatal(err)
		}
		if got.RecordedBy.Username != "rep" || got.Operator != x.Operator {
			t.Fatalf("recorded %+v", got)
		}
	}
	if _, err := s.RecordInvestigation(w.ctx, in("IB", "2024-12-01", 5)); err != nil {
		t.Fatal(err)
	}

	t.Run("pages per customer in one statement", func(t *testing.T) {
		var c postgres.StatementCounter
		pages, err := s.Investigations(postgres.WithStatementCounter(w.ctx, &c), []creditdesk.InvestigationsQuery{
			{CustomerID: idA, First: 2}, {CustomerID: idB, First: 2}, {CustomerID: idC, First: 2}})
		if err != nil {
			t.Fatal(err)
		}
		// Newest first: 2025-03-01 (the later recorded, rating 3), 2025-03-01
		// (2), then 2025-01-01 on the next page.
		a, b, cc := pages[0], pages[1], pages[2]
		if a.TotalCount != 3 || len(a.Edges) != 2 || !a.HasNextPage || a.Edges[0].Node.Operator != 3 || a.Edges[1].Node.Operator != 2 {
			t.Fatalf("IA: %+v", a)
		}
		if b.TotalCount != 1 || len(b.Edges) != 1 || b.HasNextPage || cc.TotalCount != 0 || len(cc.Edges) != 0 {
			t.Fatalf("IB %+v IC %+v", b, cc)
		}
		if c.Count() > 2 {
			t.Errorf("%d statements for three customers", c.Count())
		}
		next, err := s.Investigations(w.ctx, []creditdesk.InvestigationsQuery{{CustomerID: idA, First: 2, After: a.Edges[1].Cursor}})
		if err != nil || len(next[0].Edges) != 1 || next[0].Edges[0].Node.Operator != 1 || next[0].HasNextPage || next[0].TotalCount != 3 {
			t.Fatalf("IA page 2: %+v %v", next, err)
		}
		// Another office's manager sees nothing of IA.
		hidden, err := s.Investigations(w.as(mgrSH), []creditdesk.InvestigationsQuery{{CustomerID: idA, First: 2}})
		if err != nil || len(hidden[0].Edges) != 0 {
			t.Fatalf("hidden: %+v %v", hidden, err)
		}
	})

	t.Run("the latest of each customer", func(t *testing.T) {
		latest, err := s.LatestInvestigations(w.ctx, []int64{idC, idA, idB})
		if err != nil {
			t.Fatal(err)
		}
		if latest[0] != nil || latest[1].Operator != 3 || latest[2].Operator != 5 {
			t.Fatalf("latest %+v", latest)
		}
	})
}
