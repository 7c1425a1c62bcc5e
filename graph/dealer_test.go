package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"creditdesk/internal/postgres"
)

// seedDealers adds n exclusive dealers D01…Dn in office BJ, dealer i selling
// 1000·i in 2025Q2 against a target of 1000·i in April.
func (a *api) seedDealers(n int) {
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处');
		INSERT INTO products (code, name) VALUES ('P1', 'Product 1')`)
	a.exec(fmt.Sprintf(`
		INSERT INTO customers (code, name, industry, dealer_type, office_id)
		SELECT 'D' || lpad(i::text, 2, '0'), '经销商' || i, 'OTHER', 'EXCLUSIVE', (SELECT id FROM offices)
		FROM generate_series(1, %[1]d) i;
		INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount, currency, exchange_rate, base_amount)
		SELECT c.id, (SELECT id FROM products), '2025-05-01', 1, 1000 * i, 1000 * i, 0, 'CNY', 1, 1000 * i
		FROM generate_series(1, %[1]d) i JOIN customers c ON c.code = 'D' || lpad(i::text, 2, '0');
		INSERT INTO targets (customer_id, month, amount)
		SELECT c.id, '2025-04-01', 1000 * i
		FROM generate_series(1, %[1]d) i JOIN customers c ON c.code = 'D' || lpad(i::text, 2, '0')`, n))
}

// TestDealerScorecardsAPI checks the wire format of a scorecard: decimals as
// strings with their scale, null scores of missing metrics, the policy
// version and the support text.
//
// Two dealers: D01 sells 1000 against 1000 (attainment 1 → relative 83.33,
// 1 point), D02 2000 against 2000 (2 points); sales-absolute 0 and 100.
// D02: (20·100 + 20·83.33…) / 40 = 91.67 → A; D01: 20·83.33… / 40 = 41.67 → C.
func TestDealerScorecardsAPI(t *testing.T) {
	a := newAPI(t, frozenAt(time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)))
	a.seedDealers(2)
	got := a.post(`{ dealerScorecards(quarter: "2025Q2") {
		customer { code } quarter dealerType composite complete rank dealerClass supportPolicy
		sales target attainment rewardPoints policyVersion
		metrics { metric score weight } } }`).raw
	want := `{"data":{"dealerScorecards":[` +
		`{"customer":{"code":"D02"},"quarter":"2025Q2","dealerType":"EXCLUSIVE","composite":"91.67","complete":false,"rank":1,"dealerClass":"A",` +
		`"supportPolicy":"Advertising support, new products launched first, strong promotion and special supply (特供品).",` +
		`"sales":"2000.00","target":"2000.00","attainment":"1.000000","rewardPoints":"2.00","policyVersion":1,"metrics":[` +
		`{"metric":"SALES_ABSOLUTE","score":"100.00","weight":"20.00"},{"metric":"SALES_RELATIVE","score":"83.33","weight":"20.00"},` +
		`{"metric":"CREDIT","score":null,"weight":"20.00"},{"metric":"LAYOUT","score":null,"weight":"10.00"},` +
		`{"metric":"PROMOTION","score":null,"weight":"10.00"},{"metric":"PRICE","score":null,"weight":"10.00"},` +
		`{"metric":"RELATIONS","score":null,"weight":"10.00"}]},` +
		`{"customer":{"code":"D01"},"quarter":"2025Q2","dealerType":"EXCLUSIVE","composite":"41.67","complete":false,"rank":2,"dealerClass":"C",` +
		`"supportPolicy":"No special support.",` +
		`"sales":"1000.00","target":"1000.00","attainment":"1.000000","rewardPoints":"1.00","policyVersion":1,"metrics":[` +
		`{"metric":"SALES_ABSOLUTE","score":"0.00","weight":"20.00"},{"metric":"SALES_RELATIVE","score":"83.33","weight":"20.00"},` +
		`{"metric":"CREDIT","score":null,"weight":"20.00"},{"metric":"LAYOUT","score":null,"weight":"10.00"},` +
		`{"metric":"PROMOTION","score":null,"weight":"10.00"},{"metric":"PRICE","score":null,"weight":"10.00"},` +
		`{"metric":"RELATIONS","score":null,"weight":"10.00"}]}]}}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	t.Run("a rating outside 0–100 is BAD_USER_INPUT", func(t *testing.T) {
		got := a.post(`mutation { recordDealerRating(customerCode: "D01", quarter: "2025Q2", metric: LAYOUT, score: "100.5") { score } }`).raw
		if !strings.Contains(got, `"code":"BAD_USER_INPUT"`) {
			t.Errorf("got %s", got)
		}
	})
	t.Run("evaluate, then the stored scorecards on the customer", func(t *testing.T) {
		got := a.post(`mutation { recordDealerRating(customerCode: "D01", quarter: "2025Q2", metric: LAYOUT, score: "85") { score averageScore ratingCount } }`).raw
		if want := `{"data":{"recordDealerRating":{"score":"85.00","averageScore":"85.00","ratingCount":1}}}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		got = a.post(`mutation { evaluateDealers(quarter: "2025Q2") { evaluationId quarter dealers classA classB classC classChanges } }`).raw
		// D01 now (20·0 + 20·83.33… + 10·85) / 50 = 50.33 → still C.
		if want := `{"data":{"evaluateDealers":{"evaluationId":1,"quarter":"2025Q2","dealers":2,"classA":1,"classB":0,"classC":1,"classChanges":2}}}`; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		got = a.post(`{ dealerScorecards(quarter: "2025Q2") { customer { code dealerScorecards { quarter composite dealerClass evaluationId } } } }`).raw
		want := `{"data":{"dealerScorecards":[` +
			`{"customer":{"code":"D02","dealerScorecards":[{"quarter":"2025Q2","composite":"91.67","dealerClass":"A","evaluationId":1}]}},` +
			`{"customer":{"code":"D01","dealerScorecards":[{"quarter":"2025Q2","composite":"50.33","dealerClass":"C","evaluationId":1}]}}]}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
}

// TestDealerScorecardsStatementCount: the scorecards and every customer's
// stored scorecards cost the same number of statements for 1 dealer as for
// 50 (one for the report, one per loader batch).
func TestDealerScorecardsStatementCount(t *testing.T) {
	count := func(n int) int64 {
		a := newAPI(t, frozenAt(time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)))
		a.seedDealers(n)
		a.post(`mutation { evaluateDealers(quarter: "2025Q2") { dealers } }`)
		var c postgres.StatementCounter
		got := a.post(`{ dealerScorecards(quarter: "2025Q2") { rank customer { code dealerScorecards { rank } } } }`, countedBy(&c)).raw
		if strings.Contains(got, `"errors"`) || strings.Count(got, `"rank"`) != 2*n {
			t.Fatalf("%d dealers: %s", n, got)
		}
		return c.Count()
	}
	one, fifty := count(1), count(50)
	if one != fifty || one != 2 {
		t.Errorf("statements: %d for 1 dealer, %d for 50; want 2 and 2", one, fifty)
	}
}

// TestSalesForceAPI runs the sales-force queries and the reassignment over
// HTTP.
func TestSalesForceAPI(t *testing.T) {
	a := newAPI(t, frozenAt(time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)))
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处');
		INSERT INTO users (username, name, role, office_id) VALUES
			('rep1', '业务员1', 'SALES_REP', 1), ('rep2', '业务员2', 'SALES_REP', 1);
		INSERT INTO customers (code, name, industry, office_id, rep_id, rep_assigned_on)
		SELECT 'K1', '客户1', 'OTHER', 1, id, '2025-06-01' FROM users WHERE username = 'rep1';
		INSERT INTO visits (customer_id, rep_id, date, effective)
		SELECT c.id, c.rep_id, d, false FROM customers c, generate_series('2024-01-01'::date, '2024-01-05', '1 day') d`)
	got := a.post(`{
		visitPlanExclusions(asOf: "2025-06-30") { customer { code } ineffectiveVisits lastEffectiveOn }
		uncontactedNewCustomers(asOf: "2025-06-30") { customer { code } assignedOn daysSinceAssignment }
		visitsDue(asOf: "2025-06-30") { customer { code } }
		repHandover(repUsername: "rep1", asOf: "2025-06-30") { rep { username } openTotal customers { customer { code } openAmount } }
	}`).raw
	want := `{"data":{"visitPlanExclusions":[{"customer":{"code":"K1"},"ineffectiveVisits":5,"lastEffectiveOn":null}],` +
		`"uncontactedNewCustomers":[{"customer":{"code":"K1"},"assignedOn":"2025-06-01","daysSinceAssignment":29}],` +
		`"visitsDue":[],` +
		`"repHandover":{"rep":{"username":"rep1"},"openTotal":"0.00","customers":[{"customer":{"code":"K1"},"openAmount":"0.00"}]}}}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got = a.post(`mutation { reassignCustomers(fromRep: "rep1", toRep: "rep2", reason: "not contacted within a week") {
		fromRep { username } toRep { username } on customers { code repAssignedOn } } }`).raw
	want = `{"data":{"reassignCustomers":{"fromRep":{"username":"rep1"},"toRep":{"username":"rep2"},"on":"2025-07-01",` +
		`"customers":[{"code":"K1","repAssignedOn":"2025-07-01"}]}}}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
