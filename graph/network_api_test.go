package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
)

// netQuery asks for every figure of the network evaluation.
const netQuery = `query($quarter: Quarter!, $filter: CustomerFilter) { networkEvaluation(quarter: $quarter, filter: $filter) {
	office { code name } quarter customers previousCustomers customerGrowth sales previousSales
	top20Sales top20PreviousSales top20SalesGrowth visits effectiveVisits visitsPerCustomer effectiveVisitShare
	churned { code } } }`

// netSeed adds four offices, six customers, their sales lines (CNY, one
// product) and visits (all made by rep1, who is responsible for A and C):
//
//	BJ  A  2025-01-15 100.00; 2025-04-15 160.00, 2025-06-30 −10.00 (a
//	       return); 2025-07-01 500.00 (next quarter). Visits 2025-04-02 and
//	       2025-05-02 effective, 2025-06-02 not, 2025-07-01 effective.
//	    B  2025-03-31 50.00. Visit 2025-03-30 effective.
//	    C  2025-05-01 30.00. Visit 2025-06-30 not effective.
//	    F  2025-02-10 80.00; 2025-05-10 20.00, 2025-06-10 −20.00 (net 0 in
//	       Q2). Visit 2025-04-20 effective.
//	SH  D  2024-12-31 999.00; 2025-06-01 40.00 and USD 10.00 at 7.1 (base
//	       71.00): 111.00 in Q2.
//	GZ  E  no sales, no visits.
//	XA  no customers.
func netSeed(a *api) {
	a.t.Helper()
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处'), ('SH', '上海办事处'), ('GZ', '广州办事处'), ('XA', '西安办事处');
		INSERT INTO users (username, name, role, office_id) VALUES ('rep1', '业务员1', 'SALES_REP', (SELECT id FROM offices WHERE code = 'BJ'));
		INSERT INTO products (code, name) VALUES ('P1', '产品1');
		INSERT INTO customers (code, name, industry, office_id, rep_id)
		SELECT v.code, '客户' || v.code, 'OTHER', (SELECT id FROM offices WHERE code = v.office),
			CASE WHEN v.code IN ('A', 'C') THEN (SELECT id FROM users WHERE username = 'rep1') END
		FROM (VALUES ('A', 'BJ'), ('B', 'BJ'), ('C', 'BJ'), ('F', 'BJ'), ('D', 'SH'), ('E', 'GZ')) v (code, office);
		INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount, currency, exchange_rate, base_amount)
		SELECT (SELECT id FROM customers WHERE code = v.code), (SELECT id FROM products), v.ship, 1, v.amount, v.amount, 0, 'CNY', 1, v.amount
		FROM (VALUES ('A', DATE '2025-01-15', 100.00), ('A', '2025-04-15', 160.00), ('A', '2025-06-30', -10.00), ('A', '2025-07-01', 500.00),
			('B', '2025-03-31', 50.00), ('C', '2025-05-01', 30.00),
			('F', '2025-02-10', 80.00), ('F', '2025-05-10', 20.00), ('F', '2025-06-10', -20.00),
			('D', '2024-12-31', 999.00), ('D', '2025-06-01', 40.00)) v (code, ship, amount);
		-- Reports sum base amounts (DOMAIN.md §0).
		INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount, currency, exchange_rate, base_amount)
		SELECT id, (SELECT id FROM products), '2025-06-01', 1, 10, 10, 0, 'USD', 7.1, 71 FROM customers WHERE code = 'D';
		INSERT INTO visits (customer_id, rep_id, date, effective)
		SELECT (SELECT id FROM customers WHERE code = v.code), (SELECT id FROM users WHERE username = 'rep1'), v.date, v.effective
		FROM (VALUES ('A', DATE '2025-04-02', true), ('A', '2025-05-02', true), ('A', '2025-06-02', false), ('A', '2025-07-01', true),
			('B', '2025-03-30', true), ('C', '2025-06-30', false), ('F', '2025-04-20', true)) v (code, date, effective)`)
}

// netRow writes one office's evaluation as the API does; figures are given
// as they must appear (strings, or null).
type netRow struct {
	office, name, quarter         string
	customers, previous           int
	growth, sales, prevSales      string
	top20, top20Prev, top20Growth string
	visits, effective             int
	perCustomer, effectiveShare   string
	churned                       []string
}

func (r netRow) String() string {
	q := func(s string) string {
		if s == "null" {
			return s
		}
		return `"` + s + `"`
	}
	churned := make([]string, len(r.churned))
	for i, c := range r.churned {
		churned[i] = `{"code":"` + c + `"}`
	}
	return fmt.Sprintf(`{"office":{"code":"%s","name":"%s"},"quarter":"%s","customers":%d,"previousCustomers":%d,"customerGrowth":%s,`+
		`"sales":%s,"previousSales":%s,"top20Sales":%s,"top20PreviousSales":%s,"top20SalesGrowth":%s,"visits":%d,"effectiveVisits":%d,`+
		`"visitsPerCustomer":%s,"effectiveVisitShare":%s,"churned":[%s]}`,
		r.office, r.name, r.quarter, r.customers, r.previous, q(r.growth), q(r.sales), q(r.prevSales), q(r.top20), q(r.top20Prev),
		q(r.top20Growth), r.visits, r.effective, q(r.perCustomer), q(r.effectiveShare), strings.Join(churned, ","))
}

// netBody is the response listing rows.
func netBody(rows ...netRow) string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.String()
	}
	return `{"data":{"networkEvaluation":[` + strings.Join(out, ",") + `]}}`
}

// netEmpty is an office without sales in the quarter or the one before, nor
// visits: counts 0, money 0.00, every ratio over a zero base null.
func netEmpty(office, name, quarter string) netRow {
	return netRow{office: office, name: name, quarter: quarter, growth: "null", sales: "0.00", prevSales: "0.00",
		top20: "0.00", top20Prev: "0.00", top20Growth: "null", perCustomer: "null", effectiveShare: "null"}
}

// TestNetworkEvaluationOverGraphQL evaluates each office's customer network
// (002 客户评估三, DOMAIN.md §6) for 2025Q2 and 2025Q1 from netSeed, figures
// worked out by hand; ratios have 6 places, money 2, a ratio over zero is
// null (§0).
func TestNetworkEvaluationOverGraphQL(t *testing.T) {
	a := newAPI(t)
	netSeed(a)
	ask := func(vars map[string]any) string { return a.post(netQuery, withVars(vars)).raw }

	// 2025Q2 against 2025Q1.
	//
	// BJ: net sales above zero in Q2: A 150, C 30 (F nets 0) → 2; in Q1 A
	// 100, B 50, F 80 → 3; growth (2 − 3) / 3 = −0.333333. Sales 180.00
	// against 230.00. Top 20 of Q2: A and C, 180.00, the same customers in
	// Q1 100.00 → growth 0.8. Visits dated in Q2: A 3 (2 effective), C 1, F
	// 1 (effective) = 5, 3 effective → 5 / 2 = 2.5 per customer, 3 / 5 =
	// 0.6 effective. Churned: B and F (sales in Q1, none in Q2).
	// GZ: E never sells: nothing to compare.
	// SH: D 111.00 in Q2, nothing in Q1 (2024-12-31 is Q4) → 1 customer from
	// 0: growth null; no visits: 0 / 1 = 0 per customer, share 0 / 0 null.
	bjQ2 := netRow{office: "BJ", name: "北京办事处", quarter: "2025Q2", customers: 2, previous: 3, growth: "-0.333333",
		sales: "180.00", prevSales: "230.00", top20: "180.00", top20Prev: "100.00", top20Growth: "0.800000",
		visits: 5, effective: 3, perCustomer: "2.500000", effectiveShare: "0.600000", churned: []string{"B", "F"}}
	shQ2 := netRow{office: "SH", name: "上海办事处", quarter: "2025Q2", customers: 1, previous: 0, growth: "null",
		sales: "111.00", prevSales: "0.00", top20: "111.00", top20Prev: "0.00", top20Growth: "null",
		perCustomer: "0.000000", effectiveShare: "null", churned: []string{}}
	t.Run("2025Q2, by office code", func(t *testing.T) {
		want := netBody(bjQ2, netEmpty("GZ", "广州办事处", "2025Q2"), shQ2)
		if got := ask(map[string]any{"quarter": "2025Q2"}); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})

	// 2025Q1 against 2024Q4, across the year.
	//
	// BJ: A 100, B 50, F 80 → 3 customers from 0 (growth null); 230.00
	// against 0.00; top 20 230.00 against 0.00 (growth null); one visit (B,
	// effective) → 1 / 3 = 0.333333 per customer, share 1.
	// SH: D sold 999.00 in 2024Q4 and nothing in 2025Q1 → 0 customers from
	// 1: growth −1; churned D; top 20 empty; no visits over no customers:
	// null.
	t.Run("2025Q1 against 2024Q4", func(t *testing.T) {
		want := netBody(
			netRow{office: "BJ", name: "北京办事处", quarter: "2025Q1", customers: 3, previous: 0, growth: "null",
				sales: "230.00", prevSales: "0.00", top20: "230.00", top20Prev: "0.00", top20Growth: "null",
				visits: 1, effective: 1, perCustomer: "0.333333", effectiveShare: "1.000000", churned: []string{}},
			netEmpty("GZ", "广州办事处", "2025Q1"),
			netRow{office: "SH", name: "上海办事处", quarter: "2025Q1", customers: 0, previous: 1, growth: "-1.000000",
				sales: "0.00", prevSales: "999.00", top20: "0.00", top20Prev: "0.00", top20Growth: "null",
				perCustomer: "null", effectiveShare: "null", churned: []string{"D"}})
		if got := ask(map[string]any{"quarter": "2025Q1"}); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("a quarter without sales or visits", func(t *testing.T) {
		want := netBody(netEmpty("BJ", "北京办事处", "2023Q1"), netEmpty("GZ", "广州办事处", "2023Q1"), netEmpty("SH", "上海办事处", "2023Q1"))
		if got := ask(map[string]any{"quarter": "2023Q1"}); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("the filter chooses the customers counted and the offices listed", func(t *testing.T) {
		// A and B: Q2 {A}, Q1 {A, B} → growth −0.5; 150.00 against 150.00;
		// top 20 {A} 150.00 against 100.00 → 0.5; A's 3 visits, 2
		// effective → 3 per customer, 0.666667 effective; churned B.
		ab := netRow{office: "BJ", name: "北京办事处", quarter: "2025Q2", customers: 1, previous: 2, growth: "-0.500000",
			sales: "150.00", prevSales: "150.00", top20: "150.00", top20Prev: "100.00", top20Growth: "0.500000",
			visits: 3, effective: 2, perCustomer: "3.000000", effectiveShare: "0.666667", churned: []string{"B"}}
		for _, c := range []struct {
			name   string
			filter map[string]any
			want   string
		}{
			{"codes", map[string]any{"codes": []string{"A", "B"}}, netBody(ab)},
			{"an office", map[string]any{"officeCodes": []string{"SH"}}, netBody(shQ2)},
			{"an office without customers", map[string]any{"officeCodes": []string{"XA"}}, netBody()},
			{"no customer", map[string]any{"codes": []string{"NOPE"}}, netBody()},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := ask(map[string]any{"quarter": "2025Q2", "filter": c.filter}); got != c.want {
					t.Errorf("got\n%s\nwant\n%s", got, c.want)
				}
			})
		}
	})

	t.Run("a sales rep sees the network of its own customers", func(t *testing.T) {
		// rep1's customers A and C: Q2 {A, C}, Q1 {A} → growth 1; 180.00
		// against 100.00; top 20 the same → 0.8; visits A 3 + C 1 = 4, 2
		// effective → 2 per customer, 0.5 effective; nobody churned.
		want := netBody(netRow{office: "BJ", name: "北京办事处", quarter: "2025Q2", customers: 2, previous: 1, growth: "1.000000",
			sales: "180.00", prevSales: "100.00", top20: "180.00", top20Prev: "100.00", top20Growth: "0.800000",
			visits: 4, effective: 2, perCustomer: "2.000000", effectiveShare: "0.500000", churned: []string{}})
		var rep struct{ ID int64 }
		if err := a.db.NewRaw(`SELECT id FROM users WHERE username = 'rep1'`).Scan(t.Context(), &rep); err != nil {
			t.Fatal(err)
		}
		rep1 := &creditdesk.User{ID: rep.ID, Username: "rep1", Role: creditdesk.RoleSalesRep}
		if got := a.post(netQuery, withVars(map[string]any{"quarter": "2025Q2"}), as(rep1)).raw; got != want {
			t.Errorf("as rep1:\n%s\nwant\n%s", got, want)
		}
		if got := ask(map[string]any{"quarter": "2025Q2", "filter": map[string]any{"repUsernames": []string{"rep1"}}}); got != want {
			t.Errorf("filtered by rep1:\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("bad quarters are BAD_USER_INPUT", func(t *testing.T) {
		for _, q := range []string{"2025Q5", "2025Q0", "2025-Q2", "2025q2", "Q2 2025", "2025-04", ""} {
			resp := a.post(netQuery, withVars(map[string]any{"quarter": q}))
			if codes := resp.errorCodes(); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" || resp.at("networkEvaluation") != nil {
				t.Errorf("quarter %q: %s", q, resp.raw)
			} else if q != "" && !strings.Contains(resp.Errors[0].Message, q) {
				t.Errorf("quarter %q: the message does not name it: %s", q, resp.Errors[0].Message)
			}
		}
		resp := a.post(`{ networkEvaluation { customers } }`)
		if codes := resp.errorCodes(); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" {
			t.Errorf("no quarter: %s", resp.raw)
		}
	})
}

// TestNetworkTop20OverGraphQL: only the office's 20 largest customers of
// the quarter count in the top-20 figures, ties broken by code.
//
//	TW: T01…T21 each sell 100.00 in 2025Q2; in 2025Q1 T01 sold 100.00 and
//	T21 1,000.00. All 21 tie in Q2: the top 20 are T01…T20 (by code), so
//	T21 is out: 2,000.00 against T01's 100.00 → growth 19. Customers 21
//	from 2 → growth 9.5; sales 2,100.00 against 1,100.00.
func TestNetworkTop20OverGraphQL(t *testing.T) {
	a := newAPI(t)
	a.exec(`INSERT INTO offices (code, name) VALUES ('TW', '台湾办事处');
		INSERT INTO products (code, name) VALUES ('P1', '产品1');
		INSERT INTO customers (code, name, industry, office_id)
		SELECT 'T' || lpad(i::text, 2, '0'), '客户' || i, 'OTHER', (SELECT id FROM offices) FROM generate_series(1, 21) i;
		INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount, currency, exchange_rate, base_amount)
		SELECT c.id, (SELECT id FROM products), v.ship, 1, v.amount, v.amount, 0, 'CNY', 1, v.amount
		FROM customers c
		JOIN (SELECT 'T' || lpad(i::text, 2, '0') AS code, DATE '2025-05-15' AS ship, 100.00 AS amount FROM generate_series(1, 21) i
			UNION ALL VALUES ('T01', DATE '2025-02-15', 100.00), ('T21', DATE '2025-02-15', 1000.00)) v ON v.code = c.code`)
	want := netBody(netRow{office: "TW", name: "台湾办事处", quarter: "2025Q2", customers: 21, previous: 2, growth: "9.500000",
		sales: "2100.00", prevSales: "1100.00", top20: "2000.00", top20Prev: "100.00", top20Growth: "19.000000",
		perCustomer: "0.000000", effectiveShare: "null", churned: []string{}})
	if got := a.post(netQuery, withVars(map[string]any{"quarter": "2025Q2"})).raw; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
