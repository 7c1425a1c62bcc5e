package postgres_test

import (
	"math/big"
	"testing"
	"time"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// TestSeasonalIndex works a seasonal index by hand.
//
// Office BJ, years 2023 and 2024 (Y = 2):
//
//	January   2023: 100, 2024: 200        S1 = 300
//	February  2024: 100                   S2 = 100
//	March     2023: −50 (a return), 2024: 50   S3 = 0
//	July      2023: 200, 2024: 100        S7 = 300
//
// T = 700, overall = 700 / 24 = 29.1666…; index_m = 12 S_m / T: January and
// July 36/7 = 5.142857…, February 12/7 = 1.714285…; share_m = S_m / T:
// 3/7 = 0.428571…, 1/7 = 0.142857…; with an annual target of 1000:
// 3000/7 = 428.571… → 428.57, 1000/7 = 142.857… → 142.86.
//
// Outside: 500 in 2022, 400 in 2025 and 1000 of an SH customer in 2024.
func TestSeasonalIndex(t *testing.T) {
	f := newSalesFixture(t)
	f.MustCreateOffice("BJ")
	f.MustCreateOffice("SH")
	f.MustCreateProduct("P1", "")
	f.MustCreateCustomer(salesCustomerSpec{Code: "K1"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "K2", Industry: "REGIONAL_DIY"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "S1", Office: "SH"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "Q0"})
	f.MustCreateLines(
		salesLine{Customer: "K1", Product: "P1", Date: "2023-01-10", Amount: "100"},
		salesLine{Customer: "K2", Product: "P1", Date: "2024-01-31", Amount: "200"},
		salesLine{Customer: "K1", Product: "P1", Date: "2024-02-29", Amount: "100"},
		salesLine{Customer: "K1", Product: "P1", Date: "2023-03-01", Amount: "-50"},
		salesLine{Customer: "K2", Product: "P1", Date: "2024-03-15", Amount: "50"},
		salesLine{Customer: "K1", Product: "P1", Date: "2023-07-01", Amount: "200"},
		salesLine{Customer: "K1", Product: "P1", Date: "2024-07-31", Amount: "100"},
		salesLine{Customer: "K1", Product: "P1", Date: "2022-12-31", Amount: "500"},
		salesLine{Customer: "K1", Product: "P1", Date: "2025-01-01", Amount: "400"},
		salesLine{Customer: "S1", Product: "P1", Date: "2024-05-05", Amount: "1000"},
	)
	bj := "BJ"
	target := salesDec("1000")

	rep, err := f.store().SeasonalIndex(f.ctx, creditdesk.SeasonalQuery{
		Years: []int{2023, 2024}, Scope: creditdesk.ScopeInput{OfficeCode: &bj}, AnnualTarget: &target,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.String() != "700.00" || rep.Overall.String() != "29.17" {
		t.Errorf("total %s overall %s, want 700.00 and 29.17", rep.Total, rep.Overall)
	}
	type month struct{ average, index, share, target string }
	zero := month{"0.00", "0.000000", "0.000000", "0.00"}
	want := [12]month{
		{"150.00", "5.142857", "0.428571", "428.57"},
		{"50.00", "1.714286", "0.142857", "142.86"},
		zero, zero, zero, zero,
		{"150.00", "5.142857", "0.428571", "428.57"},
		zero, zero, zero, zero, zero,
	}
	if len(rep.Months) != 12 {
		t.Fatalf("%d months", len(rep.Months))
	}
	for i, m := range rep.Months {
		got := month{m.Average.String(), salesShown(m.Index), salesShown(m.Share), salesShown(m.Target)}
		if m.Month != i+1 || got != want[i] {
			t.Errorf("month %d: %+v, want %+v", m.Month, got, want[i])
		}
	}

	t.Run("the shares sum to exactly 1 before rounding", func(t *testing.T) {
		// Exact arithmetic: sum the unrounded shares as rationals.
		sum := new(big.Rat)
		for _, m := range rep.Months {
			sum.Add(sum, m.Share.Rat())
		}
		if sum.Cmp(big.NewRat(1, 1)) != 0 {
			t.Errorf("Σ shares = %s, want exactly 1", sum.FloatString(30))
		}
		// Each share is within 10^-24 of S_m / T (3/7, 1/7, 0, 3/7 …), and
		// the one unit missing from floor(3/7), floor(1/7), floor(3/7) at 24
		// places goes to the largest remainder, January's (ties with July,
		// the earlier month wins).
		exact := map[int]*big.Rat{1: big.NewRat(3, 7), 2: big.NewRat(1, 7), 7: big.NewRat(3, 7)}
		ulp := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(24), nil))
		for _, m := range rep.Months {
			e := exact[m.Month]
			if e == nil {
				e = new(big.Rat)
			}
			d := new(big.Rat).Sub(m.Share.Rat(), e)
			if d.Abs(d).Cmp(ulp) > 0 {
				t.Errorf("month %d: share %s is more than 1e-24 from %s", m.Month, m.Share.Decimal.String(), e.FloatString(30))
			}
		}
		if got := rep.Months[0].Share.Decimal.String(); got != "0.428571428571428571428572" {
			t.Errorf("January's share %s, want 0.428571428571428571428572", got)
		}
		if got := rep.Months[6].Share.Decimal.String(); got != "0.428571428571428571428571" {
			t.Errorf("July's share %s, want 0.428571428571428571428571", got)
		}
		// index_m = 12 share_m, so the indexes sum to exactly 12.
		isum := new(big.Rat)
		for _, m := range rep.Months {
			isum.Add(isum, m.Index.Rat())
		}
		if isum.Cmp(big.NewRat(12, 1)) != 0 {
			t.Errorf("Σ indexes = %s, want exactly 12", isum.FloatString(30))
		}
	})

	t.Run("scope: one customer, an industry", func(t *testing.T) {
		k2 := "K2"
		rep, err := f.store().SeasonalIndex(f.ctx, creditdesk.SeasonalQuery{Years: []int{2024}, Scope: creditdesk.ScopeInput{CustomerCode: &k2}})
		if err != nil {
			t.Fatal(err)
		}
		// K2 in 2024: January 200, March 50; T = 250: index 12 × 200/250 = 9.6, 12 × 50/250 = 2.4; no target.
		if rep.Total.String() != "250.00" || salesShown(rep.Months[0].Index) != "9.600000" || salesShown(rep.Months[2].Index) != "2.400000" ||
			rep.Months[0].Target != nil {
			t.Errorf("K2: total %s, Jan %s, Mar %s, target %v", rep.Total, salesShown(rep.Months[0].Index), salesShown(rep.Months[2].Index), rep.Months[0].Target)
		}
		diy := creditdesk.IndustryRegionalDIY
		rep, err = f.store().SeasonalIndex(f.ctx, creditdesk.SeasonalQuery{Years: []int{2024}, Scope: creditdesk.ScopeInput{Industry: &diy}})
		if err != nil || rep.Total.String() != "250.00" {
			t.Errorf("REGIONAL_DIY: %v, total %v, want 250.00", err, rep)
		}
	})

	t.Run("no sales: null index, share and target", func(t *testing.T) {
		q0 := "Q0"
		rep, err := f.store().SeasonalIndex(f.ctx, creditdesk.SeasonalQuery{Years: []int{2023, 2024}, Scope: creditdesk.ScopeInput{CustomerCode: &q0}, AnnualTarget: &target})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range rep.Months {
			if m.Average.String() != "0.00" || m.Index != nil || m.Share != nil || m.Target != nil {
				t.Errorf("month %d: %s %s %s %s, want 0.00 and nulls", m.Month, m.Average, salesShown(m.Index), salesShown(m.Share), salesShown(m.Target))
			}
		}
	})

	t.Run("default years: the last 3 complete years before today", func(t *testing.T) {
		s := postgres.SalesStore{DB: f.db, Clock: func() time.Time { return time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC) }}
		rep, err := s.SeasonalIndex(f.ctx, creditdesk.SeasonalQuery{})
		if err != nil {
			t.Fatal(err)
		}
		// 2022–2024, whole company: 500 + 700 + 1000.
		if len(rep.Years) != 3 || rep.Years[0] != 2022 || rep.Years[2] != 2024 || rep.Total.String() != "2200.00" {
			t.Errorf("years %v total %s, want [2022 2023 2024] and 2200.00", rep.Years, rep.Total)
		}
	})

	t.Run("errors", func(t *testing.T) {
		nope := "NOPE"
		if _, err := f.store().SeasonalIndex(f.ctx, creditdesk.SeasonalQuery{Years: []int{2024}, Scope: creditdesk.ScopeInput{CustomerCode: &nope}}); creditdesk.ErrorCode(err) != creditdesk.ENOTFOUND {
			t.Errorf("unknown customer: %v, want NOT_FOUND", err)
		}
		for _, ys := range [][]int{{}, {2024, 2024}, {1800}} {
			if _, err := f.store().SeasonalIndex(f.ctx, creditdesk.SeasonalQuery{Years: ys}); creditdesk.ErrorCode(err) != creditdesk.EINVALID {
				t.Errorf("years %v: %v, want BAD_USER_INPUT", ys, err)
			}
		}
	})
}
