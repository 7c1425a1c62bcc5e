package postgres_test

import (
	"testing"

	"creditdesk/internal/creditdesk"
)

// abcFixture is the hand-worked data set of the ABC and composition tests.
//
// Period 2025-01-15 … 2025-03-10: a partial January, a whole February (read
// from the rollup) and a partial March. Office BJ, sales in the period:
//
//	C01 REGIONAL_DIY  400 = 150 (01-15) + 150 (02-10) + 100 (03-10); 100 on 01-14 and 999 on 03-11 are outside
//	C02 REGIONAL_DIY  200
//	C03 OTHER         200   (ties with C02; created before C02, so only the code puts C02 first)
//	C04 OTHER         150
//	C05 OTHER         100
//	Z06 OTHER           0   (no lines)
//	N07 OTHER         −50   (+30 and a return of −80)
//	E10 REGIONAL_ELECTRICAL 0 (+10 and a return of −10: lines, but no net sales)
//
// and in office SH: Q09 REGIONAL_VOLUME 5000. BJ's total is 1000.
func abcFixture(t *testing.T) *salesFixture {
	f := newSalesFixture(t)
	f.MustCreateOffice("BJ")
	f.MustCreateOffice("SH")
	f.MustCreateProduct("P1", "C1")
	for _, c := range []salesCustomerSpec{
		{Code: "C01", Industry: "REGIONAL_DIY"},
		{Code: "C03"},
		{Code: "C02", Industry: "REGIONAL_DIY"},
		{Code: "C04"}, {Code: "C05"}, {Code: "Z06"}, {Code: "N07"},
		{Code: "Q09", Industry: "REGIONAL_VOLUME", Office: "SH"},
		{Code: "E10", Industry: "REGIONAL_ELECTRICAL"},
	} {
		f.MustCreateCustomer(c)
	}
	f.MustCreateLines(
		salesLine{Customer: "C01", Product: "P1", Date: "2025-01-14", Amount: "100"},
		salesLine{Customer: "C01", Product: "P1", Date: "2025-01-15", Amount: "150"},
		salesLine{Customer: "C01", Product: "P1", Date: "2025-02-10", Amount: "150"},
		salesLine{Customer: "C01", Product: "P1", Date: "2025-03-10", Amount: "100"},
		salesLine{Customer: "C01", Product: "P1", Date: "2025-03-11", Amount: "999"},
		salesLine{Customer: "C02", Product: "P1", Date: "2025-02-01", Amount: "200"},
		salesLine{Customer: "C03", Product: "P1", Date: "2025-02-28", Amount: "200"},
		salesLine{Customer: "C04", Product: "P1", Date: "2025-02-15", Amount: "150"},
		salesLine{Customer: "C05", Product: "P1", Date: "2025-01-31", Amount: "100"},
		salesLine{Customer: "N07", Product: "P1", Date: "2025-02-03", Amount: "30"},
		salesLine{Customer: "N07", Product: "P1", Date: "2025-02-20", Amount: "-80"},
		salesLine{Customer: "Q09", Product: "P1", Date: "2025-02-05", Amount: "5000"},
		salesLine{Customer: "E10", Product: "P1", Date: "2025-02-05", Amount: "10"},
		salesLine{Customer: "E10", Product: "P1", Date: "2025-03-01", Amount: "-10"},
	)
	return f
}

var abcPeriod = salesPeriod("2025-01-15", "2025-03-10")

type abcWant struct {
	code, industry string
	rank           int
	sales          string
	share, cum     string
	class          creditdesk.AbcClass
}

func checkAbc(t *testing.T, rep *creditdesk.AbcReport, total string, want []abcWant) {
	t.Helper()
	if got := rep.Total.String(); got != total {
		t.Errorf("total = %s, want %s", got, total)
	}
	if len(rep.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rep.Rows), len(want))
	}
	for i, w := range want {
		r := rep.Rows[i]
		got := abcWant{r.Customer.Code, string(r.Industry), r.Rank, r.Sales.String(),
			salesShown(r.Share), salesShown(r.CumulativeShare), r.AbcClass}
		if got != w {
			t.Errorf("row %d = %+v\n        want %+v", i, got, w)
		}
	}
}

func TestAbcAnalysis(t *testing.T) {
	f := abcFixture(t)
	bj := &creditdesk.CustomerFilter{OfficeCodes: []string{"BJ"}}

	t.Run("default thresholds 0.75/0.95: ties by code, crossings, zero and negative sales", func(t *testing.T) {
		rep, err := f.store().AbcAnalysis(f.ctx, creditdesk.AbcQuery{Period: abcPeriod, Filter: bj})
		if err != nil {
			t.Fatal(err)
		}
		if rep.PolicyVersion != 1 || rep.AThreshold.String() != "0.750000" || rep.BThreshold.String() != "0.950000" {
			t.Errorf("policy %d, thresholds %s/%s; want version 1, 0.75/0.95", rep.PolicyVersion, rep.AThreshold, rep.BThreshold)
		}
		// cum_(i-1): C01 0, C02 .40, C03 .60 (its 200 carries the cumulative
		// share across .75: still A), C04 .80 → B, C05 exactly .95 → C.
		checkAbc(t, rep, "1000.00", []abcWant{
			{"C01", "REGIONAL_DIY", 1, "400.00", "0.400000", "0.400000", "A"},
			{"C02", "REGIONAL_DIY", 2, "200.00", "0.200000", "0.600000", "A"},
			{"C03", "OTHER", 3, "200.00", "0.200000", "0.800000", "A"},
			{"C04", "OTHER", 4, "150.00", "0.150000", "0.950000", "B"},
			{"C05", "OTHER", 5, "100.00", "0.100000", "1.050000", "C"},
			{"E10", "REGIONAL_ELECTRICAL", 6, "0.00", "0.000000", "1.050000", "C"},
			{"Z06", "OTHER", 7, "0.00", "0.000000", "1.050000", "C"},
			{"N07", "OTHER", 8, "-50.00", "-0.050000", "1.000000", "C"},
		})
	})

	t.Run("a customer exactly at a threshold is in the lower class", func(t *testing.T) {
		a, b := salesDec("0.6"), salesDec("0.8")
		rep, err := f.store().AbcAnalysis(f.ctx, creditdesk.AbcQuery{Period: abcPeriod, Filter: bj, AThreshold: &a, BThreshold: &b})
		if err != nil {
			t.Fatal(err)
		}
		// cum_(i-1) of C03 is exactly 0.6 (not < 0.6) → B; of C04 exactly 0.8 → C.
		classes := map[string]creditdesk.AbcClass{"C01": "A", "C02": "A", "C03": "B", "C04": "C", "C05": "C", "E10": "C", "Z06": "C", "N07": "C"}
		for _, r := range rep.Rows {
			if r.AbcClass != classes[r.Customer.Code] {
				t.Errorf("%s: class %s, want %s", r.Customer.Code, r.AbcClass, classes[r.Customer.Code])
			}
		}
	})

	t.Run("by category: ranks, shares and classes within the industry, grand total", func(t *testing.T) {
		rep, err := f.store().AbcAnalysis(f.ctx, creditdesk.AbcQuery{Period: abcPeriod, Filter: bj, ByCategory: true})
		if err != nil {
			t.Fatal(err)
		}
		// OTHER totals 400: C03 .5 → A (prev 0); C04 .375, prev .5 → A; C05
		// .25, prev .875 → B; Z06 0 → C; N07 −.125 → C.
		// REGIONAL_DIY totals 600: C01 2/3, C02 prev 2/3 < .75 → A.
		// REGIONAL_ELECTRICAL totals 0: shares null, C.
		checkAbc(t, rep, "1000.00", []abcWant{
			{"C03", "OTHER", 1, "200.00", "0.500000", "0.500000", "A"},
			{"C04", "OTHER", 2, "150.00", "0.375000", "0.875000", "A"},
			{"C05", "OTHER", 3, "100.00", "0.250000", "1.125000", "B"},
			{"Z06", "OTHER", 4, "0.00", "0.000000", "1.125000", "C"},
			{"N07", "OTHER", 5, "-50.00", "-0.125000", "1.000000", "C"},
			{"C01", "REGIONAL_DIY", 1, "400.00", "0.666667", "0.666667", "A"},
			{"C02", "REGIONAL_DIY", 2, "200.00", "0.333333", "1.000000", "A"},
			{"E10", "REGIONAL_ELECTRICAL", 1, "0.00", "null", "null", "C"},
		})
	})

	t.Run("thresholds outside 0 < a < b <= 1 are BAD_USER_INPUT", func(t *testing.T) {
		for _, c := range [][2]string{{"0", "0.9"}, {"-0.1", "0.9"}, {"0.8", "0.8"}, {"0.9", "0.8"}, {"0.5", "1.01"}, {"1", "1"}} {
			a, b := salesDec(c[0]), salesDec(c[1])
			_, err := f.store().AbcAnalysis(f.ctx, creditdesk.AbcQuery{Period: abcPeriod, AThreshold: &a, BThreshold: &b})
			if creditdesk.ErrorCode(err) != creditdesk.EINVALID {
				t.Errorf("a=%s b=%s: %v, want BAD_USER_INPUT", c[0], c[1], err)
			}
		}
		b := salesDec("0.7")
		if _, err := f.store().AbcAnalysis(f.ctx, creditdesk.AbcQuery{Period: abcPeriod, BThreshold: &b}); creditdesk.ErrorCode(err) != creditdesk.EINVALID {
			t.Errorf("b=0.7 below the policy's a=0.75: %v, want BAD_USER_INPUT", err)
		}
	})

	t.Run("a period that ends before it starts is BAD_USER_INPUT", func(t *testing.T) {
		_, err := f.store().AbcAnalysis(f.ctx, creditdesk.AbcQuery{Period: salesPeriod("2025-02-01", "2025-01-31")})
		if creditdesk.ErrorCode(err) != creditdesk.EINVALID {
			t.Errorf("%v, want BAD_USER_INPUT", err)
		}
	})
}

func TestSalesComposition(t *testing.T) {
	f := abcFixture(t)
	type row struct {
		industry, sales, share string
		customers              int
	}
	check := func(t *testing.T, rep *creditdesk.CompositionReport, total string, want []row) {
		t.Helper()
		if rep.Total.String() != total {
			t.Errorf("total %s, want %s", rep.Total, total)
		}
		var got []row
		for _, r := range rep.Rows {
			got = append(got, row{string(r.Industry), r.Sales.String(), salesShown(r.Share), r.Customers})
		}
		if len(got) != len(want) {
			t.Fatalf("rows %+v\nwant %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("row %d %+v, want %+v", i, got[i], want[i])
			}
		}
	}

	t.Run("whole company", func(t *testing.T) {
		rep, err := f.store().SalesComposition(f.ctx, abcPeriod, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Total 6000: 5000/6000 = 0.8333…, 600/6000 = 0.1, 400/6000 =
		// 0.0666…; REGIONAL_ELECTRICAL has lines but nets to 0 and is
		// listed; OTHER's customers are C03, C04, C05 and N07 (Z06 has no
		// lines).
		check(t, rep, "6000.00", []row{
			{"REGIONAL_VOLUME", "5000.00", "0.833333", 1},
			{"REGIONAL_DIY", "600.00", "0.100000", 2},
			{"OTHER", "400.00", "0.066667", 4},
			{"REGIONAL_ELECTRICAL", "0.00", "0.000000", 1},
		})
	})

	t.Run("filtered to office BJ", func(t *testing.T) {
		rep, err := f.store().SalesComposition(f.ctx, abcPeriod, &creditdesk.CustomerFilter{OfficeCodes: []string{"BJ"}})
		if err != nil {
			t.Fatal(err)
		}
		check(t, rep, "1000.00", []row{
			{"REGIONAL_DIY", "600.00", "0.600000", 2},
			{"OTHER", "400.00", "0.400000", 4},
			{"REGIONAL_ELECTRICAL", "0.00", "0.000000", 1},
		})
	})

	t.Run("no sales: zero total, no rows", func(t *testing.T) {
		rep, err := f.store().SalesComposition(f.ctx, salesPeriod("2020-01-01", "2020-12-31"), nil)
		if err != nil {
			t.Fatal(err)
		}
		check(t, rep, "0.00", nil)
	})
}
