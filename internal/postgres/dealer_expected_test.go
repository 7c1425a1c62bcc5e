package postgres_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/csvimport"
	"creditdesk/internal/postgres"
)

// expectedScorecard is one entry of expected.json's dealerScorecards_2025Q2,
// computed independently with exact fractions and rounded once.
type expectedScorecard struct {
	Attainment   *string            `json:"attainment"`
	Complete     bool               `json:"complete"`
	Composite    string             `json:"composite"`
	DealerClass  string             `json:"dealerClass"`
	Metrics      map[string]*string `json:"metrics"`
	Rank         int                `json:"rank"`
	RewardPoints string             `json:"rewardPoints"`
	Sales        string             `json:"sales"`
	Target       *string            `json:"target"`
}

// TestDealerScorecardsExpected compares every field of dealerScorecards for
// 2025Q2 on the worked example testdata/small with expected.json.
func TestDealerScorecardsExpected(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "small")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected struct {
		Cards map[string]expectedScorecard `json:"dealerScorecards_2025Q2"`
	}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	if len(expected.Cards) == 0 {
		t.Fatal("expected.json has no dealerScorecards_2025Q2")
	}

	w := newDealerWorld(t)
	if _, err := csvimport.ImportDir(w.ctx, w.db, csvimport.Options{Dir: dir}); err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	cards, err := postgres.DealerStore{DB: w.db}.DealerScorecards(w.ctx, creditdesk.Quarter{Year: 2025, Q: 2}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	str := func(s string) *string { return &s }
	got := map[string]expectedScorecard{}
	for _, c := range cards {
		e := expectedScorecard{
			Complete:     c.Complete,
			Composite:    c.Composite.String(),
			DealerClass:  string(c.DealerClass),
			Metrics:      map[string]*string{},
			Rank:         c.Rank,
			RewardPoints: c.RewardPoints.String(),
			Sales:        c.Sales.String(),
		}
		if c.Attainment != nil {
			e.Attainment = str(c.Attainment.String())
		}
		if c.Target != nil {
			e.Target = str(c.Target.String())
		}
		for _, m := range c.Metrics {
			if m.Score != nil {
				e.Metrics[string(m.Metric)] = str(m.Score.String())
			} else {
				e.Metrics[string(m.Metric)] = nil
			}
		}
		got[c.Customer.Code] = e
	}
	show := func(e expectedScorecard) string {
		b, _ := json.Marshal(e)
		return string(b)
	}
	for code, want := range expected.Cards {
		g, ok := got[code]
		if !ok {
			t.Errorf("%s: no scorecard", code)
			continue
		}
		if !reflect.DeepEqual(g, want) {
			t.Errorf("%s:\n got %s\nwant %s", code, show(g), show(want))
		}
	}
	for code := range got {
		if _, ok := expected.Cards[code]; !ok {
			t.Errorf("%s: a scorecard expected.json does not have", code)
		}
	}
}
