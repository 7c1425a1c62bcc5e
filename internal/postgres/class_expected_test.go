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

// expectedClass is one entry of expected.json's creditClass, computed
// independently with exact fractions and rounded once.
type expectedClass struct {
	ClassAEligible bool     `json:"classAEligible"`
	ComputedClass  string   `json:"computedClass"`
	FiredRules     []string `json:"firedRules"`
	PaymentScore   *string  `json:"paymentScore"`
}

// TestCreditClassExpected compares creditClass as of 2025-06-30 for every
// customer of the worked example testdata/small with expected.json, both
// live (the single-customer query) and as stored by the evaluation of every
// customer.
func TestCreditClassExpected(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "small")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected struct {
		AsOf    string                   `json:"asOf"`
		Classes map[string]expectedClass `json:"creditClass"`
	}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	if len(expected.Classes) == 0 {
		t.Fatal("expected.json has no creditClass")
	}
	w := newEmptyClassWorld(t)
	if _, err := csvimport.ImportDir(w.ctx, w.db, csvimport.Options{Dir: dir}); err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	asOf := creditdesk.MustParseDate("2025-06-30")
	of := func(r *creditdesk.CreditClassResult) expectedClass {
		e := expectedClass{ClassAEligible: r.ClassAEligible, ComputedClass: string(r.ComputedClass), FiredRules: ruleNames(r)}
		if r.PaymentScore != nil {
			s := r.PaymentScore.String()
			e.PaymentScore = &s
		}
		return e
	}
	live := map[string]expectedClass{}
	for code := range expected.Classes {
		live[code] = of(w.classOf(w.ctx, code, asOf.String()))
	}
	compareClasses(t, "live", live, expected.Classes)

	if _, err := postgres.EvaluateCreditClasses(w.ctx, w.db, asOf); err != nil {
		t.Fatal(err)
	}
	stored := map[string]expectedClass{}
	for code := range expected.Classes {
		h, err := w.classes().CreditClassHistory(w.ctx, code, creditdesk.Page{First: 1})
		if err != nil || len(h.Edges) != 1 {
			t.Fatalf("%s: %v", code, err)
		}
		stored[code] = of(h.Edges[0].Node)
	}
	compareClasses(t, "stored", stored, expected.Classes)
}

func compareClasses(t *testing.T, what string, got, want map[string]expectedClass) {
	t.Helper()
	for code, w := range want {
		g := got[code]
		if len(w.FiredRules) == 0 {
			w.FiredRules = []string{}
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s: got %+v (score %s), want %+v (score %s)", what, code, g, textOf(g.PaymentScore), w, textOf(w.PaymentScore))
		}
	}
}
