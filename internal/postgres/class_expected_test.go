package postgres_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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

// TestClassFunctionMatchesPipeline proves the two forms of the evaluation
// agree row for row, every column: pipeline.sql (every customer, what
// `creditdesk evaluate` runs) and cd_credit_class_of (listed customers,
// what the single-customer query and the dataloader run), on the worked
// example testdata/small at dates before, inside and after its history,
// with an override in force, for the whole company and for a rep's scope.
func TestClassFunctionMatchesPipeline(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "small")
	w := newEmptyClassWorld(t)
	if _, err := csvimport.ImportDir(w.ctx, w.db, csvimport.Options{Dir: dir}); err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	w.exec(`INSERT INTO approval_requests (kind, customer_id, credit_class, reason, required_roles, policy_version,
	            status, requested_by, requested_on, decided_by, decided_on, effective_until)
	        SELECT 'CLASS_OVERRIDE', c.id, 'JIA', 'test', '{GENERAL_MANAGER}', 1, 'APPROVED', u.id, '2025-04-01',
	               u.id, '2025-04-02', '2025-06-30'
	        FROM customers c, users u WHERE c.code = 'K0003' AND u.username = 'gm'`)
	var ids []int64
	w.scan(&ids, `SELECT id FROM customers ORDER BY id`)
	if len(ids) != 12 {
		t.Fatalf("%d customers, want the worked example's 12", len(ids))
	}
	var rep creditdesk.User
	w.scan(&rep, `SELECT id, username, name, role, office_id FROM users WHERE username = 'rep1'`)
	overridden := 0
	for _, d := range []string{"2023-06-30", "2024-12-31", "2025-03-31", "2025-06-30", "2025-12-31"} {
		asOf := creditdesk.MustParseDate(d)
		for _, ctx := range []context.Context{w.ctx, w.as(&rep)} {
			all, err := postgres.ClassEvaluationJSON(ctx, w.db, nil, asOf)
			if err != nil {
				t.Fatal(err)
			}
			listed, err := postgres.ClassEvaluationJSON(ctx, w.db, ids, asOf)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) == 0 || !slices.Equal(all, listed) {
				t.Errorf("as of %s: pipeline\n%s\nfunction\n%s", d, strings.Join(all, "\n"), strings.Join(listed, "\n"))
			}
			for _, r := range listed {
				if strings.Contains(r, `"override_class":"JIA"`) {
					overridden++
				}
			}
		}
		// A list of some customers is those customers' rows.
		one, err := postgres.ClassEvaluationJSON(w.ctx, w.db, ids[2:4], asOf)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := postgres.ClassEvaluationJSON(w.ctx, w.db, nil, asOf)
		if !slices.Equal(one, all[2:4]) {
			t.Errorf("as of %s: customers 3-4 %v, want %v", d, one, all[2:4])
		}
	}
	if overridden == 0 {
		t.Error("the override of K0003 never showed")
	}

	// The single-customer query reads the customer, the policy and the
	// evaluation in one statement: the same customer record and class as
	// the batch path.
	for _, code := range []string{"K0001", "K0003"} {
		var c postgres.StatementCounter
		ctx := postgres.WithStatementCounter(w.ctx, &c)
		res := w.classOf(ctx, code, "2025-06-30")
		cust := new(creditdesk.Customer)
		w.scan(cust, `SELECT * FROM customers WHERE code = ?`, code)
		if !reflect.DeepEqual(res.Customer, cust) {
			t.Errorf("%s: customer %+v, want %+v", code, res.Customer, cust)
		}
		batch, err := w.classes().CreditClasses(w.ctx, []creditdesk.CreditClassKey{{CustomerID: cust.ID, AsOf: res.AsOf}})
		if err != nil || batch[0] == nil {
			t.Fatal(err)
		}
		if res.ComputedClass != batch[0].ComputedClass || res.EffectiveClass != batch[0].EffectiveClass ||
			scoreText(res.PaymentScore) != scoreText(batch[0].PaymentScore) || !res.Exposure.Equal(batch[0].Exposure.Decimal) ||
			!slices.Equal(ruleNames(res), ruleNames(batch[0])) {
			t.Errorf("%s: single %+v, batch %+v", code, res, batch[0])
		}
		// One statement, plus the override's details (approvals' own
		// statements) when one is in force.
		if res.Override == nil && c.Count() != 1 {
			t.Errorf("%s: %d statements, want 1", code, c.Count())
		}
	}
	if res := w.classOf(w.ctx, "K0003", "2025-06-30"); res.Override == nil || res.EffectiveClass != "JIA" {
		t.Errorf("K0003: override %+v, effective class %s; want the override, JIA", res.Override, res.EffectiveClass)
	}
}
