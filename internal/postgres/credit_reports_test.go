package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
)

// agingLine writes an ageing row as "key: total [amounts] dso=… best=… add=… cei=…".
func agingLine(r *creditdesk.AgingRow) string {
	var amounts []string
	for _, a := range r.Amounts {
		amounts = append(amounts, a.String())
	}
	opt := func(d *creditdesk.Days) string {
		if d == nil {
			return "null"
		}
		return d.String()
	}
	cei := "null"
	if r.CEI != nil {
		cei = r.CEI.String()
	}
	return fmt.Sprintf("%s: %s [%s] dso=%s best=%s add=%s cei=%s", r.Key, r.Total.String(), strings.Join(amounts, " "),
		opt(r.DSO), opt(r.BestPossibleDSO), opt(r.ADD), cei)
}

func agingLines(rep *creditdesk.AgingReport) string {
	var out []string
	for _, r := range rep.Rows {
		out = append(out, agingLine(r))
	}
	return strings.Join(append(out, agingLine(rep.Totals)), "\n")
}

func TestAgingReport(t *testing.T) {
	f := creditLedgerFixture(t)
	s := f.store()
	ctx := context.Background()

	t.Run("by customer, default edges, due date", func(t *testing.T) {
		rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{Collection: true, AsOf: creditDay})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(rep.Buckets, " "), "current 1-30 31-60 61-90 91-120 121+"; got != want {
			t.Errorf("buckets %s, want %s", got, want)
		}
		// Worked by hand. Days overdue on 06-30: A1 61, A2 0; B1 111, B2
		// 11; C1, C2 not due; D2 119; E 0/1/30/60/90/120/121 on the edges;
		// F1, G1 not due. H and I owe nothing: no rows.
		// DSO/CEI/ADD over 04-02..06-30, opening = open on 04-01:
		//   A: closing 40,000, not due 10,000, opening 50,000 (A1), sales
		//      49,000 (A2, A3, A4): DSO 40/49×90 = 73.47, best 10/49×90 =
		//      18.37, ADD 30/49×90 = 55.10, CEI 59,000/89,000 = 0.662921;
		//   B: no sales: DSO null; CEI (0 + 0 − 46,000)/(0 + 0 − 0): null;
		//   C: CEI −1,420.72/−1,420.72 = 1; D: opening 5,000 (D2), CEI
		//      2,000/5,000 = 0.4; E: opening 2,500 (E30…E121), CEI
		//      −300/2,400 = −0.125; F: sales 500 = closing = not due: DSO
		//      90, best 90, ADD 0, CEI 0/0 null; G: CEI 1.
		//   Totals: closing 102,720.72, not due 21,020.72, opening 57,500,
		//      sales 49,500: DSO 186.76, best 38.22, ADD 148.55, CEI
		//      4,279.28/85,979.28 = 0.049771.
		want := strings.Join([]string{
			"A001: 40000.00 [10000.00 0.00 0.00 30000.00 0.00 0.00] dso=73.47 best=18.37 add=55.10 cei=0.662921",
			"B002: 46000.00 [0.00 26000.00 0.00 0.00 20000.00 0.00] dso=null best=null add=null cei=null",
			"C003: 1420.72 [1420.72 0.00 0.00 0.00 0.00 0.00] dso=null best=null add=null cei=1.000000",
			"D004: 3000.00 [0.00 0.00 0.00 0.00 3000.00 0.00] dso=null best=null add=null cei=0.400000",
			"E005: 2800.00 [100.00 500.00 400.00 500.00 600.00 700.00] dso=null best=null add=null cei=-0.125000",
			"F006: 500.00 [500.00 0.00 0.00 0.00 0.00 0.00] dso=90.00 best=90.00 add=0.00 cei=null",
			"G007: 9000.00 [9000.00 0.00 0.00 0.00 0.00 0.00] dso=null best=null add=null cei=1.000000",
			"TOTAL: 102720.72 [21020.72 26500.00 400.00 30500.00 23600.00 700.00] dso=186.76 best=38.22 add=148.55 cei=0.049771",
		}, "\n")
		if got := agingLines(rep); got != want {
			t.Errorf("\n got\n%s\nwant\n%s", got, want)
		}
		if rep.PolicyVersion != 1 || rep.PeriodFrom.String() != "2025-04-02" {
			t.Errorf("version %d, period from %s", rep.PolicyVersion, rep.PeriodFrom)
		}
		if r := rep.Rows[0]; r.Label != "客户A001" || r.NotDue.String() != "10000.00" || r.Overdue.String() != "30000.00" ||
			r.OpeningReceivables.String() != "50000.00" || r.Sales.String() != "49000.00" {
			t.Errorf("A001 label %s not due %s overdue %s opening %s sales %s", r.Label, r.NotDue.String(), r.Overdue.String(),
				r.OpeningReceivables.String(), r.Sales.String())
		}
	})
	t.Run("a plain ageing leaves the collection measures out", func(t *testing.T) {
		rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{AsOf: creditDay})
		if err != nil {
			t.Fatal(err)
		}
		want := "A001: 40000.00 [10000.00 0.00 0.00 30000.00 0.00 0.00] dso=null best=null add=null cei=null"
		if got := agingLine(rep.Rows[0]); got != want || rep.Collection {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
		if got := rep.Totals.Total.String() + " " + rep.Rows[0].NotDue.String(); got != "102720.72 10000.00" {
			t.Errorf("total and A001 not due: %s", got)
		}
	})
	t.Run("edges 15, 45", func(t *testing.T) {
		rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{Collection: true, AsOf: creditDay, Edges: []int{15, 45}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strings.Join(rep.Buckets, " "), "current 1-15 16-45 46+"; got != want {
			t.Errorf("buckets %s, want %s", got, want)
		}
		if got, want := agingLine(rep.Rows[4]), "E005: 2800.00 [100.00 200.00 300.00 2200.00] dso=null best=null add=null cei=-0.125000"; got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
		if got, want := agingLine(rep.Totals), "TOTAL: 102720.72 [21020.72 26200.00 300.00 55200.00] dso=186.76 best=38.22 add=148.55 cei=0.049771"; got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
	t.Run("ship-date basis", func(t *testing.T) {
		// Days since shipment: A1 121, A2 60; B1 171, B2 71; C1 29, C2 25;
		// D2 149; E0 60, E1 61, E30 90, E60 120, E90/E120/E121 150+; F1 10;
		// G1 5.
		rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{Collection: true, AsOf: creditDay, Basis: creditdesk.AgingShipDate})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := agingLine(rep.Totals), "TOTAL: 102720.72 [0.00 10920.72 10100.00 26500.00 400.00 54800.00] dso=186.76 best=38.22 add=148.55 cei=0.049771"; got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
	t.Run("by rep", func(t *testing.T) {
		rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{Collection: true, AsOf: creditDay, GroupBy: creditdesk.AgingByRep, Edges: []int{30, 60, 90, 120}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rep.Rows {
			got = append(got, r.Key+"/"+r.Label+": "+r.Total.String())
		}
		if g, want := strings.Join(got, " "), "UNASSIGNED/未分配业务员: 1420.72 r1/R1: 51800.00 r2/R2: 49500.00"; g != want {
			t.Errorf("got %s, want %s", g, want)
		}
	})
	t.Run("by office, filtered to NB", func(t *testing.T) {
		rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{Collection: true, AsOf: creditDay, GroupBy: creditdesk.AgingByOffice,
			Filter: &creditdesk.CustomerFilter{OfficeCodes: []string{"NB"}}})
		if err != nil {
			t.Fatal(err)
		}
		want := "NB: 4420.72 [1420.72 0.00 0.00 0.00 3000.00 0.00] dso=null best=null add=null cei=0.161843\n" +
			"TOTAL: 4420.72 [1420.72 0.00 0.00 0.00 3000.00 0.00] dso=null best=null add=null cei=0.161843"
		// CEI (5,000 + 0 − 4,420.72)/(5,000 + 0 − 1,420.72) = 579.28/3,579.28.
		if got := agingLines(rep); got != want {
			t.Errorf("\n got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("by industry", func(t *testing.T) {
		rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{Collection: true, AsOf: creditDay, GroupBy: creditdesk.AgingByIndustry})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rep.Rows {
			got = append(got, r.Key+"/"+r.Label+": "+r.Total.String())
		}
		if g, want := strings.Join(got, " "), "OTHER/其他: 16720.72 REGIONAL_ELECTRICAL/地区电气店: 86000.00"; g != want {
			t.Errorf("got %s, want %s", g, want)
		}
	})
	t.Run("nothing open: a zero totals row", func(t *testing.T) {
		rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{Collection: true, AsOf: creditdesk.MustParseDate("2024-05-01")})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := agingLines(rep), "TOTAL: 0.00 [0.00 0.00 0.00 0.00 0.00 0.00] dso=null best=null add=null cei=null"; got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
	for _, edges := range [][]int{{}, {0, 30}, {30, 30}, {60, 30}, {-5}} {
		t.Run(fmt.Sprintf("bad edges %v", edges), func(t *testing.T) {
			_, err := s.AgingReport(ctx, creditdesk.AgingQuery{Collection: true, AsOf: creditDay, Edges: edges})
			if creditdesk.ErrorCode(err) != creditdesk.EINVALID {
				t.Errorf("error %v, want BAD_USER_INPUT", err)
			}
		})
	}
}

// breachLines writes a breach report as "number crossed amount rep" lines and
// "rep: charged reversed net" lines.
func breachLines(rep *creditdesk.CollectionBreachReport) string {
	username := func(u *creditdesk.User) string {
		if u == nil {
			return "-"
		}
		return u.Username
	}
	var out []string
	for _, l := range rep.Lines {
		out = append(out, fmt.Sprintf("%s %s %s %s", l.InvoiceNumber, l.CrossedOn, l.OpenAmount.String(), username(l.Rep)))
	}
	for _, r := range append(rep.Reps, rep.Totals) {
		name := username(r.Rep)
		if r == rep.Totals {
			name = "total"
		}
		out = append(out, fmt.Sprintf("%s: %s %s %s", name, r.Charged.String(), r.Reversed.String(), r.Net.String()))
	}
	return strings.Join(out, "\n")
}

func TestCollectionBreaches(t *testing.T) {
	f := creditLedgerFixture(t)
	s := f.store()
	ctx := context.Background()
	for _, tc := range []struct {
		month string
		why   string
		want  []string
	}{
		{"2025-03", "E121 and E120 cross on 03-02/03-03; B3 crosses 03-07 and NB2 (received 03-20) credits it back; " +
			"B1 crosses 03-12 already settled by NB1 (received 02-20): its later dishonour does not make it a breach", []string{
			"E121 2025-03-02 700.00 r1", "E120 2025-03-03 600.00 r1", "B3 2025-03-07 10000.00 r2",
			"r1: 1300.00 0.00 1300.00", "r2: 10000.00 10000.00 0.00", "total: 11300.00 10000.00 1300.00"}},
		{"2025-04", "NB2 dishonoured 04-10 does not undo March's credit; PB3 pays B3 again on 04-25 but the " +
			"credits are capped at the 10,000 charged: nothing more; D2's write-off is not a collection", []string{
			"E90 2025-04-02 500.00 r1", "D2 2025-04-03 5000.00 r2",
			"r1: 500.00 0.00 500.00", "r2: 5000.00 0.00 5000.00", "total: 5500.00 0.00 5500.00"}},
		{"2025-05", "A1 crosses 05-01 with 50,000 open, PA1 pays 20,000 on 05-10", []string{
			"A1 2025-05-01 50000.00 r1", "E60 2025-05-02 400.00 r1",
			"r1: 50400.00 20000.00 30400.00", "total: 50400.00 20000.00 30400.00"}},
		{"2025-06", "A3 and A4 were settled by NA1 on 06-01, before they crossed", []string{
			"E30 2025-06-01 300.00 r1", "B2 2025-06-20 26000.00 r2", "E1 2025-06-30 200.00 r1",
			"r1: 500.00 0.00 500.00", "r2: 26000.00 0.00 26000.00", "total: 26500.00 0.00 26500.00"}},
		{"2025-07", "PA2 pays A1's last 30,000 on 07-05: credited back in July, within the 50,000 charged", []string{
			"A2 2025-07-01 10000.00 r1", "E0 2025-07-01 100.00 r1",
			"r1: 10100.00 30000.00 -19900.00", "total: 10100.00 30000.00 -19900.00"}},
		{"2024-08", "D1 (shipped 2024-06-01) crosses 2024-08-01", []string{
			"D1 2024-08-01 8000.00 r2", "r2: 8000.00 0.00 8000.00", "total: 8000.00 0.00 8000.00"}},
		{"2024-10", "D1's write-off on 2024-10-29 credits nothing back", []string{"total: 0.00 0.00 0.00"}},
	} {
		t.Run(tc.month, func(t *testing.T) {
			m, _ := creditdesk.ParseMonth(tc.month)
			rep, err := s.CollectionBreaches(ctx, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := breachLines(rep), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("%s\n got\n%s\nwant\n%s", tc.why, got, want)
			}
		})
	}
	t.Run("filtered to rep r2", func(t *testing.T) {
		m, _ := creditdesk.ParseMonth("2025-05")
		rep, err := s.CollectionBreaches(ctx, m, &creditdesk.CustomerFilter{RepUsernames: []string{"r2"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := breachLines(rep); got != "total: 0.00 0.00 0.00" {
			t.Errorf("got %s", got)
		}
	})
	t.Run("a customer without a rep", func(t *testing.T) {
		f.invoice("C9", "C003", "2025-03-15", "2025-05-14", "1234.56")
		m, _ := creditdesk.ParseMonth("2025-05")
		rep, err := s.CollectionBreaches(ctx, m, &creditdesk.CustomerFilter{Codes: []string{"C003"}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := breachLines(rep), "C9 2025-05-15 1234.56 -\n-: 1234.56 0.00 1234.56\ntotal: 1234.56 0.00 1234.56"; got != want {
			t.Errorf("\n got\n%s\nwant\n%s", got, want)
		}
	})
}

func TestNoteInterest(t *testing.T) {
	f := creditLedgerFixture(t)
	s := f.store()
	ctx := context.Background()
	for _, tc := range []struct {
		from, to, why string
		want          []string
	}{
		{"2025-06-01", "2025-06-30", "NA1 matures 09-01: A3 shipped 04-02 (152 d, 32 over: 25,000 × 1% × 32/30 = " +
			"266.666… → 266.67), A4 shipped 04-15 (139 d, 19 over: 14,000 × 1% × 19/30 = 88.666… → 88.67); " +
			"the total is the sum of the rounded charges", []string{
			"NA1 A3 A001 25000.00 32 266.67", "NA1 A4 A001 14000.00 19 88.67", "total 355.34"}},
		{"2025-01-01", "2025-05-21", "NB1 (B1 shipped 01-10, maturity 05-20: 130 d, 10 over → 66.67) was not yet " +
			"dishonoured on 05-21; NB2 was (04-10) and has no excess anyway", []string{
			"NB1 B1 B002 20000.00 10 66.67", "total 66.67"}},
		{"2025-01-01", "2025-12-31", "NB1 was dishonoured on 05-22, within the period: no charge", []string{
			"NA1 A3 A001 25000.00 32 266.67", "NA1 A4 A001 14000.00 19 88.67", "total 355.34"}},
		{"2024-01-01", "2024-12-31", "no notes", []string{"total 0.00"}},
	} {
		t.Run(tc.from+".."+tc.to, func(t *testing.T) {
			rep, err := s.NoteInterest(ctx, creditdesk.Period{From: creditdesk.MustParseDate(tc.from), To: creditdesk.MustParseDate(tc.to)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range rep.Charges {
				got = append(got, fmt.Sprintf("%s %s %s %s %d %s", c.NoteNumber, c.InvoiceNumber, c.Customer.Code,
					c.Allocated.String(), c.ExcessDays, c.Interest.String()))
			}
			got = append(got, "total "+rep.Total.String())
			if g, w := strings.Join(got, "\n"), strings.Join(tc.want, "\n"); g != w {
				t.Errorf("%s\n got\n%s\nwant\n%s", tc.why, g, w)
			}
			if rep.PolicyVersion != 1 || rep.MaxDays != 120 || rep.MonthlyRate.String() != "0.01000000" {
				t.Errorf("policy %d, max days %d, rate %s", rep.PolicyVersion, rep.MaxDays, rep.MonthlyRate.String())
			}
		})
	}
	t.Run("a period ending before it starts", func(t *testing.T) {
		_, err := s.NoteInterest(ctx, creditdesk.Period{From: creditDay, To: creditDay.AddDays(-1)}, nil)
		if creditdesk.ErrorCode(err) != creditdesk.EINVALID {
			t.Errorf("error %v, want BAD_USER_INPUT", err)
		}
	})
}

func TestLimitationWatch(t *testing.T) {
	f := newCreditFixture(t)
	f.customer(creditCustomerSpec{Code: "J010", Limit: "100000"})
	f.customer(creditCustomerSpec{Code: "K011", Limit: "100000"})
	// J1 is due on a leap day and never chased: the company's two years run
	// from 2024-02-29 to 2026-02-28 (29 February → 28 February); a demand
	// before the due date does not count.
	f.invoice("J1", "J010", "2023-12-31", "2024-02-29", "1000")
	f.demand("J010", "2024-02-28")
	// K1 was chased on 2023-01-15 and last on 2023-06-30: its deadline is
	// 2025-06-30. K2 falls due today and is not overdue. The demand of
	// 2025-07-10 lies in the future on 2025-06-30.
	f.invoice("K1", "K011", "2022-11-01", "2022-12-31", "2000")
	f.invoice("K2", "K011", "2025-05-01", "2025-06-30", "3000")
	f.demand("K011", "2022-12-01")
	f.demand("K011", "2023-01-15")
	f.demand("K011", "2023-06-30")
	f.demand("K011", "2025-07-10")
	s := f.store()
	ctx := context.Background()
	for _, tc := range []struct {
		asOf   string
		within int
		want   []string
	}{
		{"2025-06-30", 90, []string{"K011 2000.00 2023-06-30 2025-06-30 0 2026-06-30"}},
		{"2025-06-30", 242, []string{"K011 2000.00 2023-06-30 2025-06-30 0 2026-06-30"}},
		{"2025-06-30", 243, []string{"K011 2000.00 2023-06-30 2025-06-30 0 2026-06-30", "J010 1000.00 - 2026-02-28 243 2027-02-28"}},
		{"2025-12-15", 90, []string{"J010 1000.00 - 2026-02-28 75 2027-02-28"}},
		// A day after J's deadline: expired. K was chased on 2025-07-10,
		// which now restarts both K1 and the overdue K2.
		{"2026-03-01", 0, []string{"J010 1000.00 - 2026-02-28 -1 2027-02-28"}},
	} {
		t.Run(fmt.Sprintf("%s within %d", tc.asOf, tc.within), func(t *testing.T) {
			items, err := s.LimitationWatch(ctx, creditdesk.MustParseDate(tc.asOf), tc.within, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range items {
				demand := "-"
				if it.LastDemandOn != nil {
					demand = it.LastDemandOn.String()
				}
				got = append(got, fmt.Sprintf("%s %s %s %s %d %s", it.Customer.Code, it.OverdueBalance.String(), demand,
					it.Deadline, it.DaysLeft, it.StatutoryDeadline))
			}
			if g, w := strings.Join(got, "\n"), strings.Join(tc.want, "\n"); g != w {
				t.Errorf("\n got\n%s\nwant\n%s", g, w)
			}
		})
	}
	t.Run("negative window", func(t *testing.T) {
		_, err := s.LimitationWatch(ctx, creditDay, -1, nil)
		if creditdesk.ErrorCode(err) != creditdesk.EINVALID {
			t.Errorf("error %v, want BAD_USER_INPUT", err)
		}
	})
}

func TestChequeWorklists(t *testing.T) {
	f := newCreditFixture(t)
	f.customer(creditCustomerSpec{Code: "Q001"})
	cheque := func(number, received, maturity string, status creditdesk.NoteStatus, statusDate string) {
		f.note(creditNoteSpec{Number: number, Kind: "CHEQUE", Customer: "Q001", Received: received, Maturity: maturity,
			Amount: "1000", Status: status, StatusDate: statusDate})
	}
	cheque("CH1", "2025-06-20", "2025-06-28", "", "")                                 // present by 07-04: 4 days left
	cheque("CH2", "2025-06-01", "2025-06-20", "", "")                                 // by 06-26: 4 days late
	cheque("CH3", "2025-06-25", "2025-07-05", "", "")                                 // not yet mature
	cheque("CH4", "2025-06-01", "2025-06-10", creditdesk.NotePresented, "2025-06-12") // presented
	f.note(creditNoteSpec{Number: "BA5", Kind: "BANK_ACCEPTANCE", Customer: "Q001", Received: "2025-05-01",
		Maturity: "2025-06-01", Amount: "1000"}) // not a cheque
	cheque("CH6", "2024-02-20", "2024-02-29", "", "")                               // void after 2025-02-28
	cheque("CH7", "2024-06-01", "2024-06-30", creditdesk.NoteHonored, "2024-07-02") // settled
	cheque("CH8", "2024-06-01", "2024-06-29", "", "")                               // void after 2025-06-29
	cheque("CH9", "2024-06-01", "2024-06-30", "", "")                               // valid through 2025-06-30
	s := f.store()
	ctx := context.Background()

	due, err := s.NotesDueForPresentment(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range due {
		got = append(got, fmt.Sprintf("%s %s %d %v", n.Note.Number, n.PresentBy, n.DaysLeft, n.Overdue))
	}
	want := []string{"CH6 2024-03-06 -481 true", "CH8 2024-07-05 -360 true", "CH9 2024-07-06 -359 true",
		"CH2 2025-06-26 -4 true", "CH1 2025-07-04 4 false"}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("to present\n got\n%s\nwant\n%s", g, w)
	}

	void, err := s.VoidCheques(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, v := range void {
		got = append(got, fmt.Sprintf("%s %s %d %s", v.Note.Number, v.ValidUntil, v.DaysVoid, v.Customer.Code))
	}
	want = []string{"CH6 2025-02-28 122 Q001", "CH8 2025-06-29 1 Q001"}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("void\n got\n%s\nwant\n%s", g, w)
	}
}
