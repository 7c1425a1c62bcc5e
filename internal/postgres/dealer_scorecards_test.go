package postgres_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// dealerCard is a scorecard as the API shows it: every figure at its output
// scale, missing values as "null".
type dealerCard struct {
	Code        string
	Type        string
	Composite   string
	Complete    bool
	Rank        int
	Class       string
	Sales       string
	Target      string
	Attainment  string
	Points      string
	Metrics     string // "METRIC=score …" in scorecard order
	Weights     string // "METRIC=weight …"
	Policy      int
	SupportText string
}

func dealerCardOf(c *creditdesk.DealerScorecard) dealerCard {
	out := dealerCard{
		Code:        c.Customer.Code,
		Type:        string(c.DealerType),
		Composite:   c.Composite.String(),
		Complete:    c.Complete,
		Rank:        c.Rank,
		Class:       string(c.DealerClass),
		Sales:       c.Sales.String(),
		Target:      "null",
		Attainment:  "null",
		Points:      c.RewardPoints.String(),
		Policy:      c.PolicyVersion,
		SupportText: c.SupportPolicy(),
	}
	if c.Target != nil {
		out.Target = c.Target.String()
	}
	if c.Attainment != nil {
		out.Attainment = c.Attainment.String()
	}
	var ms, ws []string
	for _, m := range c.Metrics {
		s := "null"
		if m.Score != nil {
			s = m.Score.String()
		}
		ms = append(ms, string(m.Metric)+"="+s)
		ws = append(ws, string(m.Metric)+"="+m.Weight.StringFixed(0))
	}
	out.Metrics = strings.Join(ms, " ")
	out.Weights = strings.Join(ws, " ")
	return out
}

// dealerScore shows an optional score, "null" when missing.
func dealerScore(s *creditdesk.Score) string {
	if s == nil {
		return "null"
	}
	return s.String()
}

func dealerCards(t *testing.T, cards []*creditdesk.DealerScorecard) []dealerCard {
	t.Helper()
	out := make([]dealerCard, len(cards))
	for i, c := range cards {
		out[i] = dealerCardOf(c)
	}
	return out
}

func diffDealerCards(t *testing.T, got, want []dealerCard) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d scorecards, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if w.SupportText == "" {
			g.SupportText = ""
		}
		if w.Weights == "" {
			g.Weights = ""
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("scorecard %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

const exclusiveWeights = "SALES_ABSOLUTE=20 SALES_RELATIVE=20 CREDIT=20 LAYOUT=10 PROMOTION=10 PRICE=10 RELATIONS=10"

// TestDealerScorecardsHandWorked checks a quarter of five exclusive dealers
// and one logistics dealer against figures worked out by hand from DOMAIN.md
// §6 and §9 with the default policy (weights 20/20/20/10…, A ≥ 80, B ≥ 60,
// tiers 1.20:1.5, 1.00:1.0, 0.80:0.5, 1 point per 1000).
//
// Sales in 2025Q2 (ascending): D4 −5000 (a return), D5 50000, D3 80000,
// D2 100000, D1 120000, so sales-absolute = 100 × (rank − 1) / 4:
// D4 0, D5 25, D3 50, D2 75, D1 100.
//
//	D1: target 40000+30000+30000 = 100000, attainment 1.20 → relative 100,
//	    tier 1.20 → 120 × 1.5 = 180 points; credit: an invoice paid on its
//	    due date → 0 days → 80; ratings 90, (80+70)/2 = 75, 60, 100.
//	    composite (20·100 + 20·100 + 20·80 + 10·(90+75+60+100)) / 100 = 88.50 → A.
//	D2: target 100000, attainment 1.00 → relative 83.33…, 100 × 1.0 = 100
//	    points; no invoices → no credit score; relations not rated.
//	    composite (20·75 + 20·250/3 + 10·150) / 70 = 200/3 = 66.67 → B, incomplete.
//	D3: target 100000, attainment 0.80 → relative 66.67, 80 × 0.5 = 40 points;
//	    an invoice due 2025-05-31 still open on 2025-06-30 → 30 days → 50;
//	    ratings all 70. composite (20·50 + 20·200/3 + 20·50 + 10·280) / 100 = 61.33 → B.
//	D4: target 10000, attainment −0.50 → relative 0; sales ≤ 0 → 0 points;
//	    layout 40 only. composite (0 + 0 + 10·40) / 50 = 8.00 → C.
//	D5: no target → relative missing, attainment null, 0 points.
//	    composite 20·25 / 20 = 25.00 → C.
//	L1: the only logistics dealer → sales-absolute 100, nothing else →
//	    composite 100.00 → A, incomplete.
func TestDealerScorecardsHandWorked(t *testing.T) {
	w := newDealerWorld(t)
	w.MustCreateOffice("BJ")
	for _, c := range []string{"D1", "D2", "D3", "D4", "D5"} {
		w.MustCreateCustomer(dealerCustomer{Code: c, Office: "BJ", DealerType: creditdesk.DealerExclusive})
	}
	w.MustCreateCustomer(dealerCustomer{Code: "L1", Office: "BJ", DealerType: creditdesk.DealerLogistics})
	w.MustCreateCustomer(dealerCustomer{Code: "N1", Office: "BJ"}) // not a dealer

	w.MustShip("D1", "2025-03-31", "999.00") // the quarter before
	w.MustShip("D1", "2025-04-10", "100000.00")
	w.MustShip("D1", "2025-06-30", "20000.00")
	w.MustShip("D1", "2025-07-01", "50000.00") // the quarter after
	w.MustTarget("D1", "2025-04", "40000")
	w.MustTarget("D1", "2025-05", "30000")
	w.MustTarget("D1", "2025-06", "30000")
	w.MustTarget("D1", "2025-07", "99999")
	w.MustInvoice("I-D1", "D1", "2025-04-11", "2025-06-10", "5000.00", "2025-06-10")
	w.MustRate("D1", "2025Q2", creditdesk.MetricLayout, "90")
	w.MustRate("D1", "2025Q2", creditdesk.MetricPromotion, "80")
	w.MustRate("D1", "2025Q2", creditdesk.MetricPromotion, "70")
	w.MustRate("D1", "2025Q2", creditdesk.MetricPrice, "60")
	w.MustRate("D1", "2025Q2", creditdesk.MetricRelations, "100")
	w.MustRate("D1", "2025Q1", creditdesk.MetricLayout, "10") // another quarter

	w.MustShip("D2", "2025-05-15", "100000.00")
	w.MustTarget("D2", "2025-04", "100000")
	w.MustRate("D2", "2025Q2", creditdesk.MetricLayout, "50")
	w.MustRate("D2", "2025Q2", creditdesk.MetricPromotion, "50")
	w.MustRate("D2", "2025Q2", creditdesk.MetricPrice, "50")

	w.MustShip("D3", "2025-06-01", "80000.00")
	w.MustTarget("D3", "2025-06", "100000")
	w.MustInvoice("I-D3", "D3", "2025-04-01", "2025-05-31", "8000.00", "")
	for _, m := range []creditdesk.DealerMetric{creditdesk.MetricLayout, creditdesk.MetricPromotion, creditdesk.MetricPrice, creditdesk.MetricRelations} {
		w.MustRate("D3", "2025Q2", m, "70")
	}

	w.MustShip("D4", "2025-05-20", "-5000.00")
	w.MustTarget("D4", "2025-05", "10000")
	w.MustRate("D4", "2025Q2", creditdesk.MetricLayout, "40")

	w.MustShip("D5", "2025-04-02", "50000.00")
	w.MustShip("L1", "2025-04-20", "10000.00")
	w.MustShip("N1", "2025-04-20", "777777.00")

	aSupport := creditdesk.DealerSupportPolicy(creditdesk.ClassA)
	wantExclusive := []dealerCard{
		{Code: "D1", Type: "EXCLUSIVE", Composite: "88.50", Complete: true, Rank: 1, Class: "A",
			Sales: "120000.00", Target: "100000.00", Attainment: "1.200000", Points: "180.00", Policy: 1,
			Metrics:     "SALES_ABSOLUTE=100.00 SALES_RELATIVE=100.00 CREDIT=80.00 LAYOUT=90.00 PROMOTION=75.00 PRICE=60.00 RELATIONS=100.00",
			Weights:     exclusiveWeights,
			SupportText: aSupport},
		{Code: "D2", Type: "EXCLUSIVE", Composite: "66.67", Complete: false, Rank: 2, Class: "B",
			Sales: "100000.00", Target: "100000.00", Attainment: "1.000000", Points: "100.00", Policy: 1,
			Metrics: "SALES_ABSOLUTE=75.00 SALES_RELATIVE=83.33 CREDIT=null LAYOUT=50.00 PROMOTION=50.00 PRICE=50.00 RELATIONS=null"},
		{Code: "D3", Type: "EXCLUSIVE", Composite: "61.33", Complete: true, Rank: 3, Class: "B",
			Sales: "80000.00", Target: "100000.00", Attainment: "0.800000", Points: "40.00", Policy: 1,
			Metrics: "SALES_ABSOLUTE=50.00 SALES_RELATIVE=66.67 CREDIT=50.00 LAYOUT=70.00 PROMOTION=70.00 PRICE=70.00 RELATIONS=70.00"},
		{Code: "D5", Type: "EXCLUSIVE", Composite: "25.00", Complete: false, Rank: 4, Class: "C",
			Sales: "50000.00", Target: "null", Attainment: "null", Points: "0.00", Policy: 1,
			Metrics: "SALES_ABSOLUTE=25.00 SALES_RELATIVE=null CREDIT=null LAYOUT=null PROMOTION=null PRICE=null RELATIONS=null"},
		{Code: "D4", Type: "EXCLUSIVE", Composite: "8.00", Complete: false, Rank: 5, Class: "C",
			Sales: "-5000.00", Target: "10000.00", Attainment: "-0.500000", Points: "0.00", Policy: 1,
			Metrics:     "SALES_ABSOLUTE=0.00 SALES_RELATIVE=0.00 CREDIT=null LAYOUT=40.00 PROMOTION=null PRICE=null RELATIONS=null",
			SupportText: creditdesk.DealerSupportPolicy(creditdesk.ClassC)},
	}
	wantLogistics := dealerCard{Code: "L1", Type: "LOGISTICS", Composite: "100.00", Complete: false, Rank: 1, Class: "A",
		Sales: "10000.00", Target: "null", Attainment: "null", Points: "0.00", Policy: 1,
		Metrics: "SALES_ABSOLUTE=100.00 SALES_RELATIVE=null CREDIT=null LAYOUT=null PROMOTION=null PRICE=null " +
			"RELATIONS=null DELIVERY=null AFTER_SALES=null NETWORK=null",
		Weights: exclusiveWeights + " DELIVERY=10 AFTER_SALES=10 NETWORK=10"}

	store := postgres.DealerStore{DB: w.db}
	q := creditdesk.Quarter{Year: 2025, Q: 2}

	t.Run("all dealers, by type then rank", func(t *testing.T) {
		cards, err := store.DealerScorecards(w.ctx, q, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		diffDealerCards(t, dealerCards(t, cards), append(append([]dealerCard{}, wantExclusive...), wantLogistics))
	})
	t.Run("a single dealer of its type scores 100 on sales", func(t *testing.T) {
		lt := creditdesk.DealerLogistics
		cards, err := store.DealerScorecards(w.ctx, q, &lt, nil)
		if err != nil {
			t.Fatal(err)
		}
		diffDealerCards(t, dealerCards(t, cards), []dealerCard{wantLogistics})
	})
	t.Run("the filter chooses rows, not the ranking", func(t *testing.T) {
		cards, err := store.DealerScorecards(w.ctx, q, nil, &creditdesk.CustomerFilter{Codes: []string{"D3", "N1"}})
		if err != nil {
			t.Fatal(err)
		}
		diffDealerCards(t, dealerCards(t, cards), []dealerCard{wantExclusive[2]})
	})
	t.Run("a sales rep sees only its own dealers", func(t *testing.T) {
		w.MustCreateUser("rep9", creditdesk.RoleSalesRep, "BJ")
		ctx := creditdesk.WithActor(w.ctx, &creditdesk.User{ID: 999999, Username: "nobody", Role: creditdesk.RoleSalesRep})
		cards, err := store.DealerScorecards(ctx, q, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != 0 {
			t.Errorf("a rep without customers sees %d scorecards", len(cards))
		}
	})
	t.Run("one statement whatever the number of dealers", func(t *testing.T) {
		var one, all postgres.StatementCounter
		if _, err := store.DealerScorecards(postgres.WithStatementCounter(w.ctx, &one), q, nil,
			&creditdesk.CustomerFilter{Codes: []string{"D1"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.DealerScorecards(postgres.WithStatementCounter(w.ctx, &all), q, nil, nil); err != nil {
			t.Fatal(err)
		}
		if one.Count() != 1 || all.Count() != 1 {
			t.Errorf("statements: %d for one dealer, %d for all; want 1 and 1", one.Count(), all.Count())
		}
	})
}

// TestDealerScorecardTies: equal sales share a percent rank, equal
// composites share a rank, and the next rank skips (1, 1, 3).
//
//	sales T1 10000, T2 10000, T3 5000 → ascending ranks T3 1, T1 2, T2 2 →
//	sales-absolute T3 0, T1 (2−1)/2 = 50, T2 50; nothing else is scored, so
//	composites are 50, 50, 0 and ranks 1, 1, 3.
func TestDealerScorecardTies(t *testing.T) {
	w := newDealerWorld(t)
	w.MustCreateOffice("BJ")
	for _, c := range []string{"T1", "T2", "T3"} {
		w.MustCreateCustomer(dealerCustomer{Code: c, Office: "BJ", DealerType: creditdesk.DealerExclusive})
	}
	w.MustShip("T1", "2025-05-01", "10000.00")
	w.MustShip("T2", "2025-05-02", "10000.00")
	w.MustShip("T3", "2025-05-03", "5000.00")
	cards, err := postgres.DealerStore{DB: w.db}.DealerScorecards(w.ctx, creditdesk.Quarter{Year: 2025, Q: 2}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cards {
		got = append(got, fmt.Sprintf("%s %s %d", c.Customer.Code, c.Composite.String(), c.Rank))
	}
	want := []string{"T1 50.00 1", "T2 50.00 1", "T3 0.00 3"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestDealerClassAndTierBoundaries: thresholds compare unrounded values and
// a value exactly on a threshold reaches it (DOMAIN.md §9).
func TestDealerClassAndTierBoundaries(t *testing.T) {
	q := creditdesk.Quarter{Year: 2025, Q: 2}
	t.Run("class thresholds 80 and 60", func(t *testing.T) {
		// Sales X1 300 > X2 200 > X3 100 → sales-absolute 100, 50, 0; no
		// target, no invoices, so the composite is over sales-absolute (20)
		// and four ratings (10 each), Σ weight 60:
		//   X1 ratings 70:    (2000 + 40·70) / 60 = 80 exactly → A
		//   X2 ratings 65:    (1000 + 40·65) / 60 = 60 exactly → B
		//   X3 ratings 89.99: (0 + 40·89.99) / 60 = 59.9933… → C
		w := newDealerWorld(t)
		w.MustCreateOffice("BJ")
		ratings := map[string]string{"X1": "70", "X2": "65", "X3": "89.99"}
		sales := map[string]string{"X1": "300.00", "X2": "200.00", "X3": "100.00"}
		for _, c := range []string{"X1", "X2", "X3"} {
			w.MustCreateCustomer(dealerCustomer{Code: c, Office: "BJ", DealerType: creditdesk.DealerExclusive})
			w.MustShip(c, "2025-06-15", sales[c])
			for _, m := range []creditdesk.DealerMetric{creditdesk.MetricLayout, creditdesk.MetricPromotion, creditdesk.MetricPrice, creditdesk.MetricRelations} {
				w.MustRate(c, "2025Q2", m, ratings[c])
			}
		}
		cards, err := postgres.DealerStore{DB: w.db}.DealerScorecards(w.ctx, q, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cards {
			got = append(got, fmt.Sprintf("%s %s %s", c.Customer.Code, c.Composite.String(), c.DealerClass))
		}
		want := []string{"X1 80.00 A", "X2 60.00 B", "X3 59.99 C"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("reward tiers just below 1.20, 1.00 and 0.80", func(t *testing.T) {
		// Target 100000 each:
		//   E1 119999.99 → 1.1999999 → tier 1.00 → floor(119.99999) = 119 × 1.0 = 119.00
		//   E2 99999.99  → 0.9999999 → tier 0.80 → 99 × 0.5 = 49.50
		//   E3 79999.99  → 0.7999999 → no tier → 0.00
		//   E4 119999.99 against 50000 + 49999.99 = 99999.99: shown as 1.200000
		//      but 1.2000000120… ≥ 1.20 → 119 × 1.5 = 178.50
		w := newDealerWorld(t)
		w.MustCreateOffice("BJ")
		for c, s := range map[string]string{"E1": "119999.99", "E2": "99999.99", "E3": "79999.99", "E4": "119999.99"} {
			w.MustCreateCustomer(dealerCustomer{Code: c, Office: "BJ", DealerType: creditdesk.DealerExclusive})
			w.MustShip(c, "2025-04-15", s)
		}
		w.MustTarget("E1", "2025-04", "100000")
		w.MustTarget("E2", "2025-05", "100000")
		w.MustTarget("E3", "2025-06", "100000")
		w.MustTarget("E4", "2025-04", "50000")
		w.MustTarget("E4", "2025-05", "49999.99")
		cards, err := postgres.DealerStore{DB: w.db}.DealerScorecards(w.ctx, q, nil,
			&creditdesk.CustomerFilter{Codes: []string{"E1", "E2", "E3", "E4"}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range cards {
			got[c.Customer.Code] = c.Attainment.String() + " " + c.RewardPoints.String()
		}
		want := map[string]string{"E1": "1.200000 119.00", "E2": "1.000000 49.50", "E3": "0.800000 0.00", "E4": "1.200000 178.50"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}
