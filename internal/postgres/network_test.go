package postgres_test

import (
	"fmt"
	"reflect"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// TestNetworkEvaluation checks the office network evaluation of 2025Q2
// (previous quarter 2025Q1) against figures worked out by hand.
//
//	BJ: A sells 100 in Q1 and 150 in Q2; B 50 in Q1 and nothing in Q2
//	    (churned); C nothing in Q1 and 30 in Q2. Customers with sales:
//	    Q2 {A, C} = 2, Q1 {A, B} = 2 → growth 0. Top 20 of Q2: A, C with
//	    180 now and 100 + 0 = 100 before → growth 0.8. Visits in Q2: A ×3
//	    (2 effective), C ×1 (not effective); B's Q1 visit does not count →
//	    4 / 2 = 2 per customer, 2 / 4 = 0.5 effective.
//	SH: D sells 40 in Q2 only → 1 customer, 0 before → growth null (zero
//	    base); top-20 growth null; no visits → 0 per customer, share null.
//	GZ: E never sells → 0 customers: every ratio null.
func TestNetworkEvaluation(t *testing.T) {
	w := newDealerWorld(t)
	for _, o := range []string{"BJ", "SH", "GZ", "XA"} {
		w.MustCreateOffice(o)
	}
	w.MustCreateUser("rep1", creditdesk.RoleSalesRep, "BJ")
	for code, office := range map[string]string{"A": "BJ", "B": "BJ", "C": "BJ", "D": "SH", "E": "GZ"} {
		w.MustCreateCustomer(dealerCustomer{Code: code, Office: office, Rep: "rep1"})
	}
	w.MustShip("A", "2025-01-15", "100.00")
	w.MustShip("A", "2025-04-15", "160.00")
	w.MustShip("A", "2025-06-30", "-10.00") // a return: net 150
	w.MustShip("B", "2025-03-31", "50.00")
	w.MustShip("C", "2025-05-01", "30.00")
	w.MustShip("D", "2025-06-01", "40.00")
	w.MustShip("D", "2024-12-31", "999.00") // two quarters back
	w.MustVisit("A", "rep1", "2025-04-02", true)
	w.MustVisit("A", "rep1", "2025-05-02", true)
	w.MustVisit("A", "rep1", "2025-06-02", false)
	w.MustVisit("C", "rep1", "2025-06-30", false)
	w.MustVisit("B", "rep1", "2025-03-30", true)
	w.MustVisit("A", "rep1", "2025-07-01", true) // next quarter

	got, err := postgres.DealerStore{DB: w.db}.NetworkEvaluation(w.ctx, creditdesk.Quarter{Year: 2025, Q: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"BJ customers 2 (prev 2) growth 0.000000 sales 180.00 (prev 150.00) top20 180.00/100.00 growth 0.800000 visits 4/2 per customer 2.000000 effective 0.500000 churned [B]",
		"GZ customers 0 (prev 0) growth null sales 0.00 (prev 0.00) top20 0.00/0.00 growth null visits 0/0 per customer null effective null churned []",
		"SH customers 1 (prev 0) growth null sales 40.00 (prev 0.00) top20 40.00/0.00 growth null visits 0/0 per customer 0.000000 effective null churned []",
	}
	if g := networkShow(got); !reflect.DeepEqual(g, want) {
		t.Errorf("got\n%s\nwant\n%s", networkLines(g), networkLines(want))
	}

	t.Run("the filter narrows the customers counted", func(t *testing.T) {
		got, err := postgres.DealerStore{DB: w.db}.NetworkEvaluation(w.ctx, creditdesk.Quarter{Year: 2025, Q: 2},
			&creditdesk.CustomerFilter{Codes: []string{"A", "B"}})
		if err != nil {
			t.Fatal(err)
		}
		// Q2 {A}, Q1 {A, B} → growth −0.5; top 20 = {A}: 150 vs 100.
		want := []string{"BJ customers 1 (prev 2) growth -0.500000 sales 150.00 (prev 150.00) top20 150.00/100.00 growth 0.500000 visits 3/2 per customer 3.000000 effective 0.666667 churned [B]"}
		if g := networkShow(got); !reflect.DeepEqual(g, want) {
			t.Errorf("got\n%s\nwant\n%s", networkLines(g), networkLines(want))
		}
	})
}

// TestNetworkTop20: only the 20 largest customers of the quarter count.
//
//	22 customers, customer i sells 100·i in Q2 and 100 in Q1. The top 20 are
//	i = 3…22: Q2 100·(3+…+22) = 100·250 = 25000; Q1 20·100 = 2000 →
//	growth (25000 − 2000) / 2000 = 11.5.
func TestNetworkTop20(t *testing.T) {
	w := newDealerWorld(t)
	w.MustCreateOffice("TW")
	for i := 1; i <= 22; i++ {
		code := fmt.Sprintf("C%02d", i)
		w.MustCreateCustomer(dealerCustomer{Code: code, Office: "TW"})
		w.MustShip(code, "2025-02-01", "100.00")
		w.MustShip(code, "2025-05-01", fmt.Sprintf("%d.00", 100*i))
	}
	got, err := postgres.DealerStore{DB: w.db}.NetworkEvaluation(w.ctx, creditdesk.Quarter{Year: 2025, Q: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"TW customers 22 (prev 22) growth 0.000000 sales 25300.00 (prev 2200.00) top20 25000.00/2000.00 growth 11.500000 visits 0/0 per customer 0.000000 effective null churned []"}
	if g := networkShow(got); !reflect.DeepEqual(g, want) {
		t.Errorf("got\n%s\nwant\n%s", networkLines(g), networkLines(want))
	}
}

func networkShow(es []*creditdesk.OfficeEvaluation) []string {
	ratio := func(r *creditdesk.Ratio) string {
		if r == nil {
			return "null"
		}
		return r.String()
	}
	var out []string
	for _, e := range es {
		var churned []string
		for _, c := range e.Churned {
			churned = append(churned, c.Code)
		}
		out = append(out, fmt.Sprintf("%s customers %d (prev %d) growth %s sales %s (prev %s) top20 %s/%s growth %s visits %d/%d per customer %s effective %s churned %v",
			e.Office.Code, e.Customers, e.PreviousCustomers, ratio(e.CustomerGrowth), e.Sales.String(), e.PreviousSales.String(),
			e.Top20Sales.String(), e.Top20PreviousSales.String(), ratio(e.Top20SalesGrowth), e.Visits, e.EffectiveVisits,
			ratio(e.VisitsPerCustomer), ratio(e.EffectiveVisitShare), churned))
	}
	return out
}

func networkLines(ss []string) string {
	out := ""
	for _, s := range ss {
		out += "  " + s + "\n"
	}
	return out
}
