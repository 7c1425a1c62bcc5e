package graph_test

import (
	"encoding/json"
	"testing"

	"creditdesk/internal/postgres"
)

func TestMetricsGraphQL(t *testing.T) {
	a := newAPI(t)
	a.seedSales()
	const q = `query($in: MetricsQuery!) { metrics(input: $in) {
		measures dimensions grain from to truncated limit
		rows { dimensions { dimension key label } period periodStart periodEnd values { __typename measure value } }
		totals { dimensions { key } period values { measure value } } } }`

	t.Run("each measure's value with its own scale", func(t *testing.T) {
		var c postgres.StatementCounter
		resp := a.post(q, withVars(map[string]any{"in": map[string]any{
			"measures":   []string{"SALES", "GROSS_MARGIN", "QUANTITY", "CUSTOMER_COUNT"},
			"dimensions": []string{"INDUSTRY"},
			"grain":      "QUARTER",
			"period":     map[string]any{"from": "2024-01-01", "to": "2024-12-31"},
			"orderBy":    []map[string]any{{"measure": "SALES", "direction": "DESC"}},
		}}), countedBy(&c))
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		r := resp.at("metrics")
		// Q1 A (REGIONAL_DIY) 600 / 400, Q3 B 300 / 100, Q4 C 100 / 90; by
		// sales descending.
		want := map[string]any{
			"from": "2024-01-01", "grain": "QUARTER", "truncated": false, "limit": json.Number("1000"),
			"rows.0.dimensions.0.dimension": "INDUSTRY", "rows.0.dimensions.0.key": "REGIONAL_DIY",
			"rows.0.dimensions.0.label": "地区DIY店", "rows.0.period": "2024Q1", "rows.0.periodStart": "2024-01-01",
			"rows.0.periodEnd":           "2024-03-31",
			"rows.0.values.0.__typename": "MoneyMeasureValue", "rows.0.values.0.value": "600.00",
			"rows.0.values.1.__typename": "RatioMeasureValue", "rows.0.values.1.value": "0.333333",
			"rows.0.values.2.__typename": "QuantityMeasureValue", "rows.0.values.2.value": "2.000",
			"rows.0.values.3.__typename": "CountMeasureValue", "rows.0.values.3.value": "1",
			"rows.1.period": "2024Q3", "rows.1.dimensions.0.label": "其他",
			"rows.2.values.0.value": "100.00", "rows.2.values.1.value": "0.100000",
			// 1000 / 590 → 0.41; 4 units; 3 customers.
			"totals.period": nil, "totals.values.0.measure": "SALES", "totals.values.0.value": "1000.00",
			"totals.values.1.value": "0.410000", "totals.values.2.value": "4.000", "totals.values.3.value": "3",
		}
		for path, w := range want {
			if got := jsonAt(r, path); got != w {
				t.Errorf("%s = %#v, want %#v", path, got, w)
			}
		}
		if n := len(jsonAt(r, "totals.dimensions").([]any)); n != 0 {
			t.Errorf("totals have %d dimensions, want none", n)
		}
		if c.Count() != 1 {
			t.Errorf("%d statements, want 1", c.Count())
		}
	})

	t.Run("unknown measures are refused by the schema; limits by the domain", func(t *testing.T) {
		resp := a.post(q, withVars(map[string]any{"in": map[string]any{
			"measures": []string{"REVENUE"}, "period": map[string]any{"from": "2024-01-01", "to": "2024-12-31"},
		}}))
		if resp.code() != "BAD_USER_INPUT" {
			t.Errorf("measure REVENUE: %+v, want BAD_USER_INPUT", resp.Errors)
		}
		resp = a.post(`{ metrics(input: {measures: [SALES], dimensions: [REGION], period: {from: "2024-01-01", to: "2024-12-31"}}) { truncated } }`)
		if resp.code() != "BAD_USER_INPUT" {
			t.Errorf("dimension REGION: %+v, want BAD_USER_INPUT", resp.Errors)
		}
		for _, n := range []int{0, 10001} {
			resp = a.post(q, withVars(map[string]any{"in": map[string]any{
				"measures": []string{"SALES"}, "period": map[string]any{"from": "2024-01-01", "to": "2024-12-31"}, "limit": n,
			}}))
			if resp.code() != "BAD_USER_INPUT" {
				t.Errorf("limit %d: %+v, want BAD_USER_INPUT", n, resp.Errors)
			}
		}
	})

	t.Run("truncated", func(t *testing.T) {
		resp := a.post(q, withVars(map[string]any{"in": map[string]any{
			"measures": []string{"SALES"}, "dimensions": []string{"CUSTOMER"}, "limit": 2,
			"period": map[string]any{"from": "2024-01-01", "to": "2024-12-31"},
		}}))
		r := resp.at("metrics")
		if jsonAt(r, "truncated") != true || jsonAt(r, "rows.1.dimensions.0.key") != "B" || jsonAt(r, "rows.2") != nil ||
			jsonAt(r, "totals.values.0.value") != "1000.00" {
			t.Errorf("%v %v", r, resp.Errors)
		}
	})
}
