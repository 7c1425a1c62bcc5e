package postgres_test

import (
	"fmt"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
)

// TestCustomerShare works the customer share report by hand.
//
// Office BJ: A (required share 0.5), B (0.2), C (none), D (0.1); office SH:
// S (none). Sales:
//
//	2024-12-10  A 70 (outside the yearly test's period)
//	2024-12-20  A 50
//	2025-01     A 500, B 200, C 100, D 100, S 100   company 1000
//	2025-02     A 300, B 100, S 600                  company 1000 (C and D nothing)
func TestCustomerShare(t *testing.T) {
	f := newSalesFixture(t)
	f.MustCreateOffice("BJ")
	f.MustCreateOffice("SH")
	f.MustCreateProduct("P1", "")
	f.MustCreateCustomer(salesCustomerSpec{Code: "A", RequiredShare: "0.5"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "B", RequiredShare: "0.2"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "C"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "D", RequiredShare: "0.1"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "S", Office: "SH"})
	f.MustCreateLines(
		salesLine{Customer: "A", Product: "P1", Date: "2024-12-10", Amount: "70"},
		salesLine{Customer: "A", Product: "P1", Date: "2024-12-20", Amount: "50"},
		salesLine{Customer: "A", Product: "P1", Date: "2025-01-05", Amount: "500"},
		salesLine{Customer: "B", Product: "P1", Date: "2025-01-06", Amount: "200"},
		salesLine{Customer: "C", Product: "P1", Date: "2025-01-07", Amount: "100"},
		salesLine{Customer: "D", Product: "P1", Date: "2025-01-08", Amount: "100"},
		salesLine{Customer: "S", Product: "P1", Date: "2025-01-09", Amount: "100"},
		salesLine{Customer: "A", Product: "P1", Date: "2025-02-05", Amount: "300"},
		salesLine{Customer: "B", Product: "P1", Date: "2025-02-06", Amount: "100"},
		salesLine{Customer: "S", Product: "P1", Date: "2025-02-28", Amount: "600"},
	)
	type row struct{ code, bucket, start, sales, company, share, required, meets string }
	show := func(rep *creditdesk.CustomerShareReport) []row {
		var out []row
		for _, r := range rep.Rows {
			meets := "null"
			if r.Meets != nil {
				meets = fmt.Sprint(*r.Meets)
			}
			out = append(out, row{r.Customer.Code, r.Period, r.PeriodStart.String(), r.Sales.String(), r.CompanyTotal.String(),
				salesShown(r.Share), salesShown(r.RequiredShare), meets})
		}
		return out
	}
	check := func(t *testing.T, got, want []row) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("rows:\n%v\nwant\n%v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("row %d: %+v\n   want %+v", i, got[i], want[i])
			}
		}
	}

	// January and February 2025 of office BJ's customers, month by month:
	// what the first two subtests expect, whole and a page at a time.
	monthlyBJ := []row{
		{"A", "2025-01", "2025-01-01", "500.00", "1000.00", "0.500000", "0.500000", "true"},
		{"B", "2025-01", "2025-01-01", "200.00", "1000.00", "0.200000", "0.200000", "true"},
		{"C", "2025-01", "2025-01-01", "100.00", "1000.00", "0.100000", "null", "null"},
		{"D", "2025-01", "2025-01-01", "100.00", "1000.00", "0.100000", "0.100000", "true"},
		{"A", "2025-02", "2025-02-01", "300.00", "1000.00", "0.300000", "0.500000", "false"},
		{"B", "2025-02", "2025-02-01", "100.00", "1000.00", "0.100000", "0.200000", "false"},
		{"D", "2025-02", "2025-02-01", "0.00", "1000.00", "0.000000", "0.100000", "false"},
	}

	t.Run("monthly, office BJ", func(t *testing.T) {
		rep, err := f.store().CustomerShare(f.ctx, creditdesk.CustomerShareQuery{
			Period: salesPeriod("2025-01-01", "2025-02-28"), Granularity: creditdesk.ShareMonthly,
			Filter: &creditdesk.CustomerFilter{OfficeCodes: []string{"BJ"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		// The company totals count S, which the filter leaves out. A and B
		// meet their shares exactly in January (0.5 ≥ 0.5, 0.2 ≥ 0.2); D is
		// listed in February with no sales because it has a required share,
		// C is not.
		check(t, show(rep), monthlyBJ)
		// 500 + 200 + 100 + 100 + 300 + 100 = 1300 of 2000.
		if rep.CompanyTotal.String() != "2000.00" || rep.SelectedSales.String() != "1300.00" || salesShown(rep.SelectedShare) != "0.650000" {
			t.Errorf("totals %s / %s / %s, want 2000.00 / 1300.00 / 0.650000", rep.CompanyTotal, rep.SelectedSales, salesShown(rep.SelectedShare))
		}
	})

	t.Run("monthly, office BJ, a page at a time", func(t *testing.T) {
		// Pages of 3 over the same 7 rows: the first ends on C, whose
		// January sales (100) equal D's, so the second page must start at D
		// by the code tie-break, not skip or repeat it.
		q := creditdesk.CustomerShareQuery{
			Period: salesPeriod("2025-01-01", "2025-02-28"), Granularity: creditdesk.ShareMonthly,
			Filter: &creditdesk.CustomerFilter{OfficeCodes: []string{"BJ"}},
		}
		var got []row
		var after *string
		for page := 1; ; page++ {
			q.Rows = &creditdesk.Page{First: 3, After: after}
			rep, err := f.store().CustomerShare(f.ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if rep.TotalCount != 7 || rep.CompanyTotal.String() != "2000.00" || rep.SelectedSales.String() != "1300.00" {
				t.Errorf("page %d: %d rows in all, totals %s / %s; want 7, 2000.00 / 1300.00",
					page, rep.TotalCount, rep.CompanyTotal, rep.SelectedSales)
			}
			if want := page < 3; rep.HasNextPage != want || len(rep.Rows) != min(3, 7-3*(page-1)) {
				t.Fatalf("page %d: %d rows, next page %v", page, len(rep.Rows), rep.HasNextPage)
			}
			got = append(got, show(rep)...)
			if !rep.HasNextPage {
				break
			}
			after = &rep.Rows[len(rep.Rows)-1].Cursor
		}
		check(t, got, monthlyBJ)

		// A page of none: the totals alone.
		q.Rows = &creditdesk.Page{}
		rep, err := f.store().CustomerShare(f.ctx, q)
		if err != nil || len(rep.Rows) != 0 || rep.TotalCount != 7 || rep.SelectedSales.String() != "1300.00" {
			t.Errorf("totals only: %d rows, %d in all, selected %s (%v)", len(rep.Rows), rep.TotalCount, rep.SelectedSales, err)
		}
		bad := "eyJiIjoiMjAyNS0xMy0wMSJ9" // {"b":"2025-13-01"}
		q.Rows = &creditdesk.Page{First: 3, After: &bad}
		if _, err := f.store().CustomerShare(f.ctx, q); err == nil || !strings.Contains(err.Error(), "after") {
			t.Errorf("a cursor with no such month: %v, want an error naming after", err)
		}
	})

	t.Run("yearly, clipped to the period", func(t *testing.T) {
		rep, err := f.store().CustomerShare(f.ctx, creditdesk.CustomerShareQuery{
			Period: salesPeriod("2024-12-15", "2025-02-28"), Granularity: creditdesk.ShareYearly,
		})
		if err != nil {
			t.Fatal(err)
		}
		// 2024 from 12-15: only A's 50 (its 70 of 12-10 is outside), so
		// A holds 100 %; B and D are listed for their required shares.
		// 2025: A 800, S 700, B 300, C 100, D 100 of 2000.
		check(t, show(rep), []row{
			{"A", "2024", "2024-12-15", "50.00", "50.00", "1.000000", "0.500000", "true"},
			{"B", "2024", "2024-12-15", "0.00", "50.00", "0.000000", "0.200000", "false"},
			{"D", "2024", "2024-12-15", "0.00", "50.00", "0.000000", "0.100000", "false"},
			{"A", "2025", "2025-01-01", "800.00", "2000.00", "0.400000", "0.500000", "false"},
			{"S", "2025", "2025-01-01", "700.00", "2000.00", "0.350000", "null", "null"},
			{"B", "2025", "2025-01-01", "300.00", "2000.00", "0.150000", "0.200000", "false"},
			{"C", "2025", "2025-01-01", "100.00", "2000.00", "0.050000", "null", "null"},
			{"D", "2025", "2025-01-01", "100.00", "2000.00", "0.050000", "0.100000", "false"},
		})
		if rep.CompanyTotal.String() != "2050.00" || rep.SelectedSales.String() != "2050.00" {
			t.Errorf("totals %s / %s, want 2050.00 both", rep.CompanyTotal, rep.SelectedSales)
		}
	})

	t.Run("no company sales: null shares, meets unknown", func(t *testing.T) {
		rep, err := f.store().CustomerShare(f.ctx, creditdesk.CustomerShareQuery{Period: salesPeriod("2023-03-01", "2023-03-31")})
		if err != nil {
			t.Fatal(err)
		}
		check(t, show(rep), []row{
			{"A", "2023-03", "2023-03-01", "0.00", "0.00", "null", "0.500000", "null"},
			{"B", "2023-03", "2023-03-01", "0.00", "0.00", "null", "0.200000", "null"},
			{"D", "2023-03", "2023-03-01", "0.00", "0.00", "null", "0.100000", "null"},
		})
	})
}
