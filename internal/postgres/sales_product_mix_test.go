package postgres_test

import (
	"testing"

	"creditdesk/internal/creditdesk"
)

// TestProductMix works a product mix by hand, for one customer and for an
// office, over 2025-01-15 … 2025-03-31 (the months January to March).
//
// K1 (BJ) sales / cost:      P1 600 / 400 (300/200 on 01-20 and 02-10; 999 on 01-10 is outside)
//
//	P2 300 / 100, P3 100 / 150 (a loss), P4 +50 −50 (a return: lines, no net sales)
//
// K2 (BJ):                   P1 400 / 300, P2 200 / 100
// Inventory (opening, closing): K1 P1 January (100, 300), March (300, 500) —
// no February snapshot —, December 2024 and April 2025 (1000, 1000) outside;
// K2 P1 February (200, 200); K1 P3 February (0, 0).
// Product targets: K1 P1 January 500 and February 500, K1 P5 March 100 (no
// sales), K2 P2 March 400; a customer target without product (ignored).
func TestProductMix(t *testing.T) {
	f := newSalesFixture(t)
	f.MustCreateOffice("BJ")
	f.MustCreateOffice("SH")
	for _, p := range []string{"P1", "P2", "P3", "P4", "P5"} {
		f.MustCreateProduct(p, "C"+p)
	}
	f.MustCreateCustomer(salesCustomerSpec{Code: "K1"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "K2"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "S1", Office: "SH"})
	f.MustCreateLines(
		salesLine{Customer: "K1", Product: "P1", Date: "2025-01-10", Amount: "999", Cost: "1"},
		salesLine{Customer: "K1", Product: "P1", Date: "2025-01-20", Amount: "300", Cost: "200"},
		salesLine{Customer: "K1", Product: "P1", Date: "2025-02-10", Amount: "300", Cost: "200"},
		salesLine{Customer: "K1", Product: "P2", Date: "2025-03-31", Amount: "300", Cost: "100"},
		salesLine{Customer: "K1", Product: "P3", Date: "2025-02-01", Amount: "100", Cost: "150"},
		salesLine{Customer: "K1", Product: "P4", Date: "2025-02-01", Amount: "50", Cost: "20"},
		salesLine{Customer: "K1", Product: "P4", Date: "2025-02-02", Amount: "-50", Cost: "-20"},
		salesLine{Customer: "K2", Product: "P1", Date: "2025-03-01", Amount: "400", Cost: "300"},
		salesLine{Customer: "K2", Product: "P2", Date: "2025-01-15", Amount: "200", Cost: "100"},
		salesLine{Customer: "S1", Product: "P1", Date: "2025-02-01", Amount: "7777", Cost: "1"},
	)
	f.MustCreateSnapshot("K1", "P1", "2025-01", "100", "300")
	f.MustCreateSnapshot("K1", "P1", "2025-03", "300", "500")
	f.MustCreateSnapshot("K1", "P1", "2024-12", "1000", "1000")
	f.MustCreateSnapshot("K1", "P1", "2025-04", "1000", "1000")
	f.MustCreateSnapshot("K2", "P1", "2025-02", "200", "200")
	f.MustCreateSnapshot("K1", "P3", "2025-02", "0", "0")
	f.MustCreateSnapshot("S1", "P1", "2025-02", "5000", "5000")
	f.MustCreateTarget("K1", "2025-01", "P1", "500")
	f.MustCreateTarget("K1", "2025-02", "P1", "500")
	f.MustCreateTarget("K1", "2025-03", "P5", "100")
	f.MustCreateTarget("K2", "2025-03", "P2", "400")
	f.MustCreateTarget("K1", "2025-02", "", "99999")
	per := salesPeriod("2025-01-15", "2025-03-31")

	type row struct {
		product                                    string
		rank                                       int
		sales, share, cum, cost, profit, margin    string
		avgInv, turnover, cross, contrib, tgt, att string
	}
	check := func(t *testing.T, rep *creditdesk.ProductMixReport, want []row) {
		t.Helper()
		if len(rep.Rows) != len(want) {
			t.Fatalf("%d rows, want %d", len(rep.Rows), len(want))
		}
		for i, r := range rep.Rows {
			got := row{r.Product.Code, r.Rank, r.Sales.String(), salesShown(r.Share), salesShown(r.CumulativeShare),
				r.Cost.String(), r.GrossProfit.String(), salesShown(r.GrossMargin), salesShown(r.AverageInventory),
				salesShown(r.Turnover), salesShown(r.CrossRatio), salesShown(r.ContributionRatio), salesShown(r.Target), salesShown(r.Attainment)}
			if got != want[i] {
				t.Errorf("row %d: %+v\n    want %+v", i, got, want[i])
			}
		}
	}

	t.Run("one customer", func(t *testing.T) {
		k1 := "K1"
		rep, err := f.store().ProductMix(f.ctx, per, creditdesk.ScopeInput{CustomerCode: &k1})
		if err != nil {
			t.Fatal(err)
		}
		// Total 1000. P1: margin 200/600, average inventory over January and
		// March only = (400 + 800) / 4 = 300, turnover 600/300 = 2, cross
		// 1/3 × 2 = 0.666667, contribution × 0.6 = 0.4; target 1000,
		// attainment 0.6. P3: inventory months with zero stock → average 0,
		// turnover null. P4 nets to 0 (margin null); P5 has only a target.
		check(t, rep, []row{
			{"P1", 1, "600.00", "0.600000", "0.600000", "400.00", "200.00", "0.333333", "300.00", "2.000000", "0.666667", "0.400000", "1000.00", "0.600000"},
			{"P2", 2, "300.00", "0.300000", "0.900000", "100.00", "200.00", "0.666667", "null", "null", "null", "null", "null", "null"},
			{"P3", 3, "100.00", "0.100000", "1.000000", "150.00", "-50.00", "-0.500000", "0.00", "null", "null", "null", "null", "null"},
			{"P4", 4, "0.00", "0.000000", "1.000000", "0.00", "0.00", "null", "null", "null", "null", "null", "null", "null"},
			{"P5", 5, "0.00", "0.000000", "1.000000", "0.00", "0.00", "null", "null", "null", "null", "null", "100.00", "0.000000"},
		})
		// Totals: cost 650, profit 350, margin 0.35; targets 1100 against
		// the targeted products' sales 600 + 0: 0.545454… .
		if rep.Total.String() != "1000.00" || rep.Cost.String() != "650.00" || rep.GrossProfit.String() != "350.00" ||
			salesShown(rep.GrossMargin) != "0.350000" || salesShown(rep.Target) != "1100.00" || salesShown(rep.Attainment) != "0.545455" {
			t.Errorf("totals %s %s %s %s %s %s", rep.Total, rep.Cost, rep.GrossProfit, salesShown(rep.GrossMargin), salesShown(rep.Target), salesShown(rep.Attainment))
		}
	})

	t.Run("an office: snapshots summed per month first", func(t *testing.T) {
		bj := "BJ"
		rep, err := f.store().ProductMix(f.ctx, per, creditdesk.ScopeInput{OfficeCode: &bj})
		if err != nil {
			t.Fatal(err)
		}
		// Total 1600. P1 1000 / 700: months January (K1 400), February (K2
		// 400), March (K1 800) → average 1600 / 6 = 266.67, turnover 1000 /
		// (1600/6) = 3.75, cross 0.3 × 3.75 = 1.125, contribution × 0.625
		// = 0.703125. P2 500 / 200, target 400 → 1.25.
		check(t, rep, []row{
			{"P1", 1, "1000.00", "0.625000", "0.625000", "700.00", "300.00", "0.300000", "266.67", "3.750000", "1.125000", "0.703125", "1000.00", "1.000000"},
			{"P2", 2, "500.00", "0.312500", "0.937500", "200.00", "300.00", "0.600000", "null", "null", "null", "null", "400.00", "1.250000"},
			{"P3", 3, "100.00", "0.062500", "1.000000", "150.00", "-50.00", "-0.500000", "0.00", "null", "null", "null", "null", "null"},
			{"P4", 4, "0.00", "0.000000", "1.000000", "0.00", "0.00", "null", "null", "null", "null", "null", "null", "null"},
			{"P5", 5, "0.00", "0.000000", "1.000000", "0.00", "0.00", "null", "null", "null", "null", "null", "100.00", "0.000000"},
		})
		if salesShown(rep.Target) != "1500.00" || salesShown(rep.Attainment) != "1.000000" || salesShown(rep.GrossMargin) != "0.343750" {
			t.Errorf("totals: target %s attainment %s margin %s", salesShown(rep.Target), salesShown(rep.Attainment), salesShown(rep.GrossMargin))
		}
	})

	t.Run("a period without sales or targets", func(t *testing.T) {
		rep, err := f.store().ProductMix(f.ctx, salesPeriod("2020-01-01", "2020-12-31"), creditdesk.ScopeInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 0 || rep.Total.String() != "0.00" || rep.GrossMargin != nil || rep.Target != nil {
			t.Errorf("%+v, want no rows, zero total, null margin and target", rep)
		}
	})

	t.Run("an unknown customer is NOT_FOUND", func(t *testing.T) {
		nope := "NOPE"
		if _, err := f.store().ProductMix(f.ctx, per, creditdesk.ScopeInput{CustomerCode: &nope}); creditdesk.ErrorCode(err) != creditdesk.ENOTFOUND {
			t.Errorf("%v, want NOT_FOUND", err)
		}
	})
}

// TestTargetAttainment works the monthly target attainment by hand.
//
// Office BJ, February 2025: T1 target 1000, sales 300 (02-05) + 500 (02-20)
// = 800 → 0.8; T2 target 500, sales 750 → 1.5; T3 no target, sales 300;
// T4 target 200 (and a product target of 999, ignored), no sales → 0;
// T5 target 0, sales 100 → null. Office SH: T6 (filtered out). T1 also has
// a January target of 1000 and January sales of 100 (01-10) and 200 (01-20).
func TestTargetAttainment(t *testing.T) {
	f := newSalesFixture(t)
	f.MustCreateOffice("BJ")
	f.MustCreateOffice("SH")
	f.MustCreateProduct("P1", "")
	for _, c := range []salesCustomerSpec{{Code: "T1"}, {Code: "T2"}, {Code: "T3"}, {Code: "T4"}, {Code: "T5"}, {Code: "T6", Office: "SH"}} {
		f.MustCreateCustomer(c)
	}
	f.MustCreateTarget("T1", "2025-01", "", "1000")
	f.MustCreateTarget("T1", "2025-02", "", "1000")
	f.MustCreateTarget("T2", "2025-02", "", "500")
	f.MustCreateTarget("T4", "2025-02", "", "200")
	f.MustCreateTarget("T4", "2025-02", "P1", "999")
	f.MustCreateTarget("T5", "2025-02", "", "0")
	f.MustCreateTarget("T6", "2025-02", "", "100")
	f.MustCreateLines(
		salesLine{Customer: "T1", Product: "P1", Date: "2025-01-10", Amount: "100"},
		salesLine{Customer: "T1", Product: "P1", Date: "2025-01-20", Amount: "200"},
		salesLine{Customer: "T1", Product: "P1", Date: "2025-02-05", Amount: "300"},
		salesLine{Customer: "T1", Product: "P1", Date: "2025-02-20", Amount: "500"},
		salesLine{Customer: "T2", Product: "P1", Date: "2025-02-28", Amount: "750"},
		salesLine{Customer: "T3", Product: "P1", Date: "2025-02-01", Amount: "300"},
		salesLine{Customer: "T5", Product: "P1", Date: "2025-02-14", Amount: "100"},
		salesLine{Customer: "T6", Product: "P1", Date: "2025-02-14", Amount: "100"},
	)
	bj := &creditdesk.CustomerFilter{OfficeCodes: []string{"BJ"}}
	type row struct{ code, target, sales, att string }
	show := func(rep *creditdesk.TargetAttainmentReport) []row {
		var out []row
		for _, r := range rep.Rows {
			out = append(out, row{r.Customer.Code, salesShown(r.Target), r.Sales.String(), salesShown(r.Attainment)})
		}
		return out
	}

	t.Run("one month", func(t *testing.T) {
		rep, err := f.store().TargetAttainment(f.ctx, creditdesk.MonthPeriod(creditdesk.Month{Year: 2025, Month: 2}), bj)
		if err != nil {
			t.Fatal(err)
		}
		want := []row{
			{"T2", "500.00", "750.00", "1.500000"},
			{"T1", "1000.00", "800.00", "0.800000"},
			{"T4", "200.00", "0.00", "0.000000"},
			{"T3", "null", "300.00", "null"},
			{"T5", "0.00", "100.00", "null"},
		}
		got := show(rep)
		if len(got) != len(want) {
			t.Fatalf("rows %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("row %d %+v, want %+v", i, got[i], want[i])
			}
		}
		// Σ target 1700, Σ sales 1950: 1950 / 1700 = 1.1470588… .
		if rep.Target.String() != "1700.00" || rep.Sales.String() != "1950.00" || salesShown(rep.Attainment) != "1.147059" {
			t.Errorf("totals %s %s %s", rep.Target, rep.Sales, salesShown(rep.Attainment))
		}
	})

	t.Run("a period touching two months counts both months' targets", func(t *testing.T) {
		rep, err := f.store().TargetAttainment(f.ctx, salesPeriod("2025-01-15", "2025-02-10"),
			&creditdesk.CustomerFilter{Codes: []string{"T1"}})
		if err != nil {
			t.Fatal(err)
		}
		// Targets 1000 + 1000; sales 200 (01-20) + 300 (02-05) = 500.
		got := show(rep)
		if len(got) != 1 || got[0] != (row{"T1", "2000.00", "500.00", "0.250000"}) {
			t.Errorf("%v, want T1 2000.00 500.00 0.250000", got)
		}
	})
}
