package graph_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"creditdesk/internal/postgres"
)

// seed: office BJ, product P1 (category C1); customers A (REGIONAL_DIY),
// B and C (OTHER), Z (OTHER, no sales); 2024 sales A 600, B 300, C 100 and
// a 2025-01 sale of A 1000. Targets of 2025-01: A 800, B 400.
func (a *api) seedSales() {
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处');
		INSERT INTO products (code, name, category) VALUES ('P1', '产品1', 'C1');
		INSERT INTO customers (code, name, industry, office_id, required_share)
		SELECT v.code, '客户' || v.code, v.industry, (SELECT id FROM offices), v.req
		FROM (VALUES ('A', 'REGIONAL_DIY', 0.5), ('B', 'OTHER', NULL), ('C', 'OTHER', NULL), ('Z', 'OTHER', NULL)) v(code, industry, req);
		INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount, currency, exchange_rate, base_amount)
		SELECT c.id, (SELECT id FROM products), v.d::date, v.q, 1, v.amount, v.cost, 'CNY', 1, v.amount
		FROM (VALUES ('A', '2024-03-01', 600, 400, 2), ('B', '2024-07-15', 300, 100, 1), ('C', '2024-12-31', 100, 90, 1),
		             ('A', '2025-01-20', 1000, 700, 4)) v(code, d, amount, cost, q)
		JOIN customers c ON c.code = v.code;
		INSERT INTO targets (customer_id, month, amount)
		SELECT c.id, '2025-01-01', v.amount FROM (VALUES ('A', 800), ('B', 400)) v(code, amount) JOIN customers c ON c.code = v.code;
		INSERT INTO inventory_snapshots (customer_id, product_id, month, opening, closing)
		SELECT c.id, (SELECT id FROM products), '2025-01-01', 300, 500 FROM customers c WHERE c.code = 'A'`)
}

func TestSalesReportsGraphQL(t *testing.T) {
	a := newAPI(t)
	a.seedSales()

	t.Run("abcAnalysis: decimals as strings with their scale, the policy version, the customers", func(t *testing.T) {
		resp := a.post(`query($p: PeriodInput!) { abcAnalysis(period: $p) {
			total policyVersion aThreshold bThreshold byCategory
			rows { customer { code name } industry rank sales share cumulativeShare abcClass } } }`,
			withVars(map[string]any{"p": map[string]any{"from": "2024-01-01", "to": "2024-12-31"}}))
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		r := resp.at("abcAnalysis")
		// Total 1000: A 0.6 (A), B prev 0.6 → A, C prev 0.9 → B, Z → C.
		want := map[string]any{
			"total": "1000.00", "policyVersion": json.Number("1"), "aThreshold": "0.750000", "bThreshold": "0.950000",
			"rows.0.customer.code": "A", "rows.0.customer.name": "客户A", "rows.0.sales": "600.00",
			"rows.0.share": "0.600000", "rows.0.abcClass": "A", "rows.0.industry": "REGIONAL_DIY",
			"rows.1.customer.code": "B", "rows.1.cumulativeShare": "0.900000", "rows.1.abcClass": "A",
			"rows.2.customer.code": "C", "rows.2.abcClass": "B", "rows.2.rank": json.Number("3"),
			"rows.3.customer.code": "Z", "rows.3.sales": "0.00", "rows.3.share": "0.000000", "rows.3.abcClass": "C",
		}
		for path, w := range want {
			if got := jsonAt(r, path); got != w {
				t.Errorf("%s = %#v, want %#v", path, got, w)
			}
		}
	})

	t.Run("abcAnalysis: a customer field beyond the summary reads the whole record", func(t *testing.T) {
		resp := a.post(`{ abcAnalysis(period: {from: "2024-01-01", to: "2024-12-31"}) {
			rows { customer { code requiredShare } industry } } }`)
		if got := fmt.Sprint(resp.at("abcAnalysis.rows.0.customer.requiredShare"), " ", resp.at("abcAnalysis.rows.0.industry")); got != "0.500000 REGIONAL_DIY" {
			t.Errorf("A: requiredShare and industry %s; %s", got, resp.raw)
		}
	})

	t.Run("abcAnalysis: thresholds out of order and floats are BAD_USER_INPUT", func(t *testing.T) {
		resp := a.post(`{ abcAnalysis(period: {from: "2024-01-01", to: "2024-12-31"}, aThreshold: "0.9", bThreshold: "0.8") { total } }`)
		if resp.code() != "BAD_USER_INPUT" {
			t.Errorf("a > b: %+v, want BAD_USER_INPUT", resp.Errors)
		}
		resp = a.post(`{ abcAnalysis(period: {from: "2024-01-01", to: "2024-12-31"}, aThreshold: 0.6) { total } }`)
		if resp.code() != "BAD_USER_INPUT" {
			t.Errorf("float literal: %+v, want BAD_USER_INPUT", resp.Errors)
		}
	})

	t.Run("abcAnalysis costs the same statements for 1 row as for 50", func(t *testing.T) {
		count := func(filter string) int64 {
			var c postgres.StatementCounter
			resp := a.post(`{ abcAnalysis(period: {from: "2024-01-01", to: "2024-12-31"}`+filter+`) { rows { customer { code name } sales } } }`, countedBy(&c))
			if len(resp.Errors) > 0 {
				t.Fatal(resp.Errors)
			}
			return c.Count()
		}
		one := count(`, filter: {codes: ["A"]}`)
		a.exec(`INSERT INTO customers (code, name, industry, office_id)
			SELECT 'M' || i, 'M' || i, 'OTHER', (SELECT id FROM offices) FROM generate_series(1, 50) i`)
		many := count("")
		if one != many {
			t.Errorf("%d statements for 1 row, %d for 54", one, many)
		}
	})

	t.Run("salesComposition", func(t *testing.T) {
		resp := a.post(`{ salesComposition(period: {from: "2024-01-01", to: "2024-12-31"}, filter: {industries: [OTHER]}) {
			total rows { industry sales share customers } } }`)
		r := resp.at("salesComposition")
		if jsonAt(r, "total") != "400.00" || jsonAt(r, "rows.0.share") != "1.000000" || jsonAt(r, "rows.0.customers") != json.Number("2") {
			t.Errorf("%v %v", r, resp.Errors)
		}
	})

	t.Run("customerShare: a year, or a period, not both", func(t *testing.T) {
		resp := a.post(`{ customerShare(year: 2024, granularity: YEAR) { from to companyTotal selectedShare
			rows { customer { code } period periodStart sales share requiredShare meets } } }`)
		r := resp.at("customerShare")
		if jsonAt(r, "from") != "2024-01-01" || jsonAt(r, "to") != "2024-12-31" || jsonAt(r, "companyTotal") != "1000.00" ||
			jsonAt(r, "rows.0.customer.code") != "A" || jsonAt(r, "rows.0.period") != "2024" || jsonAt(r, "rows.0.share") != "0.600000" ||
			jsonAt(r, "rows.0.requiredShare") != "0.500000" || jsonAt(r, "rows.0.meets") != true || jsonAt(r, "rows.1.meets") != nil {
			t.Errorf("%v %v", r, resp.Errors)
		}
		resp = a.post(`{ customerShare(year: 2024, period: {from: "2024-01-01", to: "2024-12-31"}) { companyTotal } }`)
		if resp.code() != "BAD_USER_INPUT" {
			t.Errorf("year and period: %+v, want BAD_USER_INPUT", resp.Errors)
		}
	})

	t.Run("customerShare: rowsConnection pages the rows", func(t *testing.T) {
		whole := a.post(`{ customerShare(year: 2024, granularity: YEAR) { rows { customer { code } share } } }`).at("customerShare")
		const page = `query($after: String) { customerShare(year: 2024, granularity: YEAR) { companyTotal
			rowsConnection(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor }
				edges { cursor node { customer { code } share } } } } }`
		var after any
		for i := 0; ; i++ {
			resp := a.post(page, withVars(map[string]any{"after": after}))
			r := resp.at("customerShare")
			c := jsonAt(r, "rowsConnection")
			if jsonAt(r, "companyTotal") != "1000.00" || jsonAt(c, "totalCount") != json.Number("3") ||
				jsonAt(c, "edges.0.node.customer.code") != jsonAt(whole, fmt.Sprintf("rows.%d.customer.code", i)) ||
				jsonAt(c, "edges.0.node.share") != jsonAt(whole, fmt.Sprintf("rows.%d.share", i)) ||
				jsonAt(c, "edges.0.cursor") != jsonAt(c, "pageInfo.endCursor") || jsonAt(c, "pageInfo.hasNextPage") != (i < 2) {
				t.Fatalf("page %d: %v %v, whole %v", i+1, r, resp.Errors, whole)
			}
			if i == 2 {
				break
			}
			after = jsonAt(c, "pageInfo.endCursor")
		}
		resp := a.post(`{ customerShare(year: 2024) { rowsConnection(first: 1001) { totalCount } } }`)
		if resp.code() != "BAD_USER_INPUT" {
			t.Errorf("first 1001: %+v, want BAD_USER_INPUT", resp.Errors)
		}
	})

	t.Run("seasonalIndex: default years before today, target split", func(t *testing.T) {
		resp := a.post(`{ seasonalIndex(annualTarget: "1200") { years total overall annualTarget months { month average index share target } } }`)
		r := resp.at("seasonalIndex")
		// 2022–2024: March 600, July 300, December 100 of 1000; overall
		// 1000 / 36 = 27.78; March index 12 × 0.6 = 7.2, target 720.
		if jsonAt(r, "years.0") != json.Number("2022") || jsonAt(r, "total") != "1000.00" || jsonAt(r, "overall") != "27.78" ||
			jsonAt(r, "annualTarget") != "1200.00" || jsonAt(r, "months.2.average") != "200.00" || jsonAt(r, "months.2.index") != "7.200000" ||
			jsonAt(r, "months.2.share") != "0.600000" || jsonAt(r, "months.2.target") != "720.00" || jsonAt(r, "months.0.target") != "0.00" {
			t.Errorf("%v %v", r, resp.Errors)
		}
	})

	t.Run("productMix and targetAttainment", func(t *testing.T) {
		resp := a.post(`{ productMix(period: {from: "2025-01-01", to: "2025-01-31"}, scope: {customerCode: "A"}) {
			total grossMargin rows { product { code category } rank sales grossProfit grossMargin averageInventory turnover crossRatio contributionRatio } } }`)
		r := resp.at("productMix")
		// 1000 / 700; inventory (300 + 500) / 2 = 400; turnover 2.5; cross 0.3 × 2.5 = 0.75.
		if jsonAt(r, "total") != "1000.00" || jsonAt(r, "rows.0.product.code") != "P1" || jsonAt(r, "rows.0.product.category") != "C1" ||
			jsonAt(r, "rows.0.grossMargin") != "0.300000" || jsonAt(r, "rows.0.averageInventory") != "400.00" ||
			jsonAt(r, "rows.0.turnover") != "2.500000" || jsonAt(r, "rows.0.crossRatio") != "0.750000" || jsonAt(r, "rows.0.contributionRatio") != "0.750000" {
			t.Errorf("%v %v", r, resp.Errors)
		}
		resp = a.post(`{ targetAttainment(month: "2025-01") { from to months target sales attainment rows { customer { code } target sales attainment } } }`)
		r = resp.at("targetAttainment")
		// A 1000 / 800 = 1.25; B 0 / 400 = 0; totals 1000 / 1200.
		if jsonAt(r, "months.0") != "2025-01" || jsonAt(r, "target") != "1200.00" || jsonAt(r, "attainment") != "0.833333" ||
			jsonAt(r, "rows.0.customer.code") != "A" || jsonAt(r, "rows.0.attainment") != "1.250000" || jsonAt(r, "rows.1.attainment") != "0.000000" {
			t.Errorf("%v %v", r, resp.Errors)
		}
		resp = a.post(`{ targetAttainment { sales } }`)
		if resp.code() != "BAD_USER_INPUT" {
			t.Errorf("neither month nor period: %+v, want BAD_USER_INPUT", resp.Errors)
		}
	})
}
