package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/csvimport"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// TestSalesReportsMatchExpected loads testdata/small with the importer and
// compares the sales reports with expected.json, computed independently
// with exact fractions and rounded once: every figure must be equal as
// shown (money 2 places, ratios 6).
func TestSalesReportsMatchExpected(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	dir := filepath.Join("..", "..", "testdata", "small")
	if _, err := csvimport.ImportDir(ctx, db, csvimport.Options{Dir: dir}); err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]any
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	store := postgres.SalesStore{DB: db}
	year2024 := salesPeriod("2024-01-01", "2024-12-31")

	t.Run("the rollup equals the imported lines", func(t *testing.T) {
		if n := salesRollupDiff(t, ctx, db); n != 0 {
			t.Errorf("rollup differs from the lines on %d rows", n)
		}
	})

	t.Run("metrics OPEN_RECEIVABLES equals the ledger's cd_invoice_open at every month end", func(t *testing.T) {
		// testdata/small has partial payments, notes, a dishonour, write-offs
		// and USD invoices; the metrics query computes every month end in
		// one pass, cd_invoice_open one day at a time.
		g := creditdesk.GrainMonth
		res, err := postgres.MetricsStore{DB: db}.Metrics(ctx, creditdesk.MetricsQuery{
			Measures: []creditdesk.Measure{creditdesk.MeasureOpenReceivables}, Dimensions: []creditdesk.Dimension{creditdesk.DimensionCustomer},
			Grain: &g, Period: salesPeriod("2022-01-15", "2025-06-30"), Limit: mInt(10000),
		})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range res.Rows {
			_, v := creditdesk.MeasureValueOf(r.Values[0])
			if !v.IsZero() {
				got[*r.Dimensions[0].Key+" "+r.PeriodEnd.String()] = v.StringFixed(2)
			}
		}
		var want []struct {
			Key  string
			Open string
		}
		if err := db.NewRaw(`SELECT c.code || ' ' || d.asof::text AS key, sum(o.open_base)::numeric(20,2)::text AS open
			FROM (SELECT (m + interval '1 month' - interval '1 day')::date AS asof
			      FROM generate_series('2022-01-01'::date, '2025-06-01'::date, interval '1 month') m) d
			CROSS JOIN LATERAL cd_invoice_open(d.asof) o
			JOIN customers c ON c.id = o.customer_id
			GROUP BY 1 HAVING sum(o.open_base) <> 0`).Scan(ctx, &want); err != nil {
			t.Fatal(err)
		}
		if len(want) < 100 {
			t.Fatalf("only %d customer-month balances to compare", len(want))
		}
		for _, w := range want {
			if got[w.Key] != w.Open {
				t.Errorf("%s: metrics %q, cd_invoice_open %s", w.Key, got[w.Key], w.Open)
			}
			delete(got, w.Key)
		}
		for k, v := range got {
			t.Errorf("%s: metrics %s, cd_invoice_open nothing", k, v)
		}
		// The totals are the balance at the period's end, 2025-06-30.
		var end string
		if err := db.NewRaw(`SELECT sum(open_base)::numeric(20,2)::text FROM cd_invoice_open('2025-06-30')`).Scan(ctx, &end); err != nil {
			t.Fatal(err)
		}
		if _, tot := creditdesk.MeasureValueOf(res.Totals.Values[0]); tot.StringFixed(2) != end {
			t.Errorf("totals %s, want the balance on 2025-06-30, %s", tot.StringFixed(2), end)
		}
	})

	t.Run("salesComposition_2024", func(t *testing.T) {
		rep, err := store.SalesComposition(ctx, year2024, nil)
		if err != nil {
			t.Fatal(err)
		}
		rows := []any{}
		for _, r := range rep.Rows {
			rows = append(rows, map[string]any{"industry": string(r.Industry), "sales": r.Sales.String(),
				"share": nullable(r.Share), "customers": float64(r.Customers)})
		}
		compareJSON(t, expected["salesComposition_2024"], map[string]any{"total": rep.Total.String(), "rows": rows})
	})

	for key, byCategory := range map[string]bool{"abcAnalysis_2024": false, "abcAnalysis_2024_byCategory": true} {
		t.Run(key, func(t *testing.T) {
			rep, err := store.AbcAnalysis(ctx, creditdesk.AbcQuery{Period: year2024, ByCategory: byCategory})
			if err != nil {
				t.Fatal(err)
			}
			rows := map[string]any{}
			for _, r := range rep.Rows {
				rows[r.Customer.Code] = map[string]any{"abcClass": string(r.AbcClass), "cumulativeShare": nullable(r.CumulativeShare),
					"rank": float64(r.Rank), "sales": r.Sales.String(), "share": nullable(r.Share)}
			}
			compareJSON(t, expected[key], map[string]any{"total": rep.Total.String(), "rows": rows})
		})
	}

	t.Run("seasonalIndex_2022_2024", func(t *testing.T) {
		target := salesDec("12000000")
		rep, err := store.SeasonalIndex(ctx, creditdesk.SeasonalQuery{Years: []int{2022, 2023, 2024}, AnnualTarget: &target})
		if err != nil {
			t.Fatal(err)
		}
		months := []any{}
		for _, m := range rep.Months {
			months = append(months, map[string]any{"month": float64(m.Month), "average": m.Average.String(),
				"index": nullable(m.Index), "share": nullable(m.Share), "target": nullable(m.Target)})
		}
		years := []any{}
		for _, y := range rep.Years {
			years = append(years, float64(y))
		}
		compareJSON(t, expected["seasonalIndex_2022_2024"], map[string]any{"total": rep.Total.String(), "years": years, "months": months})
	})

	t.Run("productMix_2025H1", func(t *testing.T) {
		want := expected["productMix_2025H1"].(map[string]any)
		codes := make([]string, 0, len(want))
		for c := range want {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		got := map[string]any{}
		for _, code := range codes {
			rep, err := store.ProductMix(ctx, salesPeriod("2025-01-01", "2025-06-30"), creditdesk.ScopeInput{CustomerCode: &code})
			if err != nil {
				t.Fatal(err)
			}
			rows := []any{}
			for _, r := range rep.Rows {
				rows = append(rows, map[string]any{"product": r.Product.Code, "rank": float64(r.Rank), "sales": r.Sales.String(),
					"share": nullable(r.Share), "cumulativeShare": nullable(r.CumulativeShare), "cost": r.Cost.String(),
					"grossProfit": r.GrossProfit.String(), "grossMargin": nullable(r.GrossMargin),
					"averageInventory": nullable(r.AverageInventory), "turnover": nullable(r.Turnover),
					"crossRatio": nullable(r.CrossRatio), "contributionRatio": nullable(r.ContributionRatio)})
			}
			got[code] = map[string]any{"total": rep.Total.String(), "rows": rows}
		}
		compareJSON(t, want, got)
	})
}

// nullable shows a nullable ratio or amount as JSON does: nil or the string
// with its scale.
func nullable[T fmt.Stringer](v *T) any {
	if v == nil {
		return nil
	}
	return (*v).String()
}

// compareJSON compares want (decoded from expected.json) with got, reporting
// each differing, missing or unexpected leaf by its path.
func compareJSON(t *testing.T, want, got any) {
	t.Helper()
	var diff func(path string, w, g any)
	n := 0
	diff = func(path string, w, g any) {
		switch wv := w.(type) {
		case map[string]any:
			gv, ok := g.(map[string]any)
			if !ok {
				t.Errorf("%s: got %v, want an object", path, g)
				n++
				return
			}
			for k := range wv {
				if _, ok := gv[k]; !ok {
					t.Errorf("%s.%s: missing", path, k)
					n++
					continue
				}
				diff(path+"."+k, wv[k], gv[k])
			}
			for k := range gv {
				if _, ok := wv[k]; !ok {
					t.Errorf("%s.%s: not expected", path, k)
					n++
				}
			}
		case []any:
			gv, ok := g.([]any)
			if !ok || len(gv) != len(wv) {
				t.Errorf("%s: got %v, want %d items", path, g, len(wv))
				n++
				return
			}
			for i := range wv {
				diff(fmt.Sprintf("%s[%d]", path, i), wv[i], gv[i])
			}
		default:
			if !reflect.DeepEqual(w, g) {
				t.Errorf("%s: got %#v, want %#v", path, g, w)
				n++
			}
		}
	}
	diff("$", want, got)
	if n == 0 {
		t.Logf("all figures equal")
	}
}
