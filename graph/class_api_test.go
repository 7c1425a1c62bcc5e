package graph_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"creditdesk/internal/postgres"
)

// TestCreditClassOverGraphQL: the result's decimals are strings with their
// scale, and Customer.creditClassResult over a list costs the same
// statements for 1 customer as for 50 (one evaluation per batch).
func TestCreditClassOverGraphQL(t *testing.T) {
	a := newAPI(t, frozenAt(time.Date(2025, 6, 20, 4, 0, 0, 0, time.UTC)))
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处')`)
	// 50 customers, each with 1,000.00 due 2025-03-31 and never paid: on
	// 2025-06-30 91 days overdue (R5, 丙), payment score 30 − 1/3.
	a.exec(`INSERT INTO customers (code, name, industry, office_id, employees, founded_on)
		SELECT 'G' || lpad(i::text, 2, '0'), '客户' || i, 'OTHER', (SELECT id FROM offices), 200, '2015-01-01'
		FROM generate_series(1, 50) i`)
	a.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT 'INV-' || c.code, c.id, '2025-01-30', '2025-01-30', '2025-03-31', 'CNY', 1000, 1, 1000 FROM customers c`)

	resp := a.post(`{ creditClass(customerCode: "G01", asOf: "2025-06-30") {
		customer { code } asOf policyVersion computedClass effectiveClass classAEligible paymentScore exposure trailingSales
		firedRules { rule value threshold } } }`).raw
	want := `{"data":{"creditClass":{"customer":{"code":"G01"},"asOf":"2025-06-30","policyVersion":1,"computedClass":"BING",` +
		`"effectiveClass":"BING","classAEligible":false,"paymentScore":"29.67","exposure":"1000.00","trailingSales":"0.00",` +
		`"firedRules":[{"rule":"R5","value":"1 invoice(s) more than 90 days overdue, oldest INV-G01 due 2025-03-31",` +
		`"threshold":"none from 2023-07-02 to 2025-06-30"}]}}}`
	if got := resp; got != want {
		t.Errorf("creditClass:\n%s\nwant\n%s", got, want)
	}

	list := func(n int) (int64, string) {
		var c postgres.StatementCounter
		resp := a.post(`{ customers(first: `+strconv.Itoa(n)+`) { edges { node { code
			creditClassResult(asOf: "2025-06-30") { computedClass paymentScore firedRules { rule } }
			latestInvestigation { date } } } } }`, countedBy(&c))
		if len(resp.Errors) > 0 {
			t.Fatalf("errors: %s", resp.raw)
		}
		return c.Count(), resp.raw
	}
	one, body1 := list(1)
	fifty, body50 := list(50)
	if one != fifty {
		t.Errorf("statements: %d for 1 customer, %d for 50", one, fifty)
	}
	if !strings.Contains(body1, `"creditClassResult":{"computedClass":"BING","paymentScore":"29.67","firedRules":[{"rule":"R5"}]}`) ||
		strings.Count(body50, `"computedClass":"BING"`) != 50 {
		t.Errorf("bodies: %s …", body1)
	}
}

// TestApprovalsAndPolicyOverGraphQL: until tokens exist every request acts
// as admin, who may not decide its own request; policy versions round-trip.
func TestApprovalsAndPolicyOverGraphQL(t *testing.T) {
	a := newAPI(t, frozenAt(time.Date(2025, 6, 20, 4, 0, 0, 0, time.UTC)))
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处')`)
	a.exec(`INSERT INTO customers (code, name, industry, office_id) VALUES ('K1', '客户1', 'OTHER', (SELECT id FROM offices))`)
	resp := a.post(`mutation { requestCreditLimit(customerCode: "K1", amount: "6000000", reason: "new plant") {
		id amount status requiredRoles awaitingRole requestedBy { username } steps { decision role actor { username } actedOn } } }`)
	want := `{"data":{"requestCreditLimit":{"id":"1","amount":"6000000.00","status":"PENDING","requiredRoles":["MANAGER","GENERAL_MANAGER"],` +
		`"awaitingRole":"MANAGER","requestedBy":{"username":"admin"},"steps":[{"decision":"REQUESTED","role":"GENERAL_MANAGER",` +
		`"actor":{"username":"admin"},"actedOn":"2025-06-20"}]}}}`
	if got := resp.raw; got != want {
		t.Errorf("request:\n%s\nwant\n%s", got, want)
	}
	resp = a.post(`mutation { approveCreditLimitRequest(id: 1) { status } }`)
	if codes := resp.errorCodes(); len(codes) != 1 || codes[0] != "FORBIDDEN" {
		t.Errorf("self-approval: %s", resp.raw)
	}
	resp = a.post(`mutation { approveCreditLimitRequest(id: "x") { status } }`)
	if codes := resp.errorCodes(); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" {
		t.Errorf("bad id: %s", resp.raw)
	}
	resp = a.post(`{ creditLimitRequests(status: PENDING) { totalCount edges { node { id customer { code } } } } }`)
	if got := resp.raw; got != `{"data":{"creditLimitRequests":{"totalCount":1,"edges":[{"node":{"id":"1","customer":{"code":"K1"}}}]}}}` {
		t.Errorf("list: %s", got)
	}

	resp = a.post(`mutation { setPolicy(effectiveFrom: "2025-07-01", settings: [{key: "class_c_balance", value: "500000.00"}], note: "tighter") {
		version effectiveFrom } }`)
	if got := resp.raw; got != `{"data":{"setPolicy":{"version":2,"effectiveFrom":"2025-07-01"}}}` {
		t.Errorf("setPolicy: %s", got)
	}
	resp = a.post(`mutation { setPolicy(effectiveFrom: "2025-07-01", settings: [{key: "class_c_balance", value: "lots"}]) { version } }`)
	if codes := resp.errorCodes(); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" || !strings.Contains(resp.raw, `class_c_balance: \"lots\"`) {
		t.Errorf("malformed value: %s", resp.raw)
	}
	resp = a.post(`{ before: policy(asOf: "2025-06-30") { version settings { key value } }
		after: policy(asOf: "2025-07-01") { version settings { key value } }
		policyVersions { version note createdBy { username } } }`)
	body := resp.raw
	if !strings.Contains(body, `"before":{"version":1,"settings":[{"key":"abc_a","value":"0.75"}`) ||
		!strings.Contains(body, `{"key":"class_c_balance","value":"700000.00"}`) ||
		!strings.Contains(body, `{"key":"class_c_balance","value":"500000.00"}`) ||
		!strings.Contains(body, `"policyVersions":[{"version":2,"note":"tighter","createdBy":{"username":"admin"}},{"version":1,`) {
		t.Errorf("policy: %s", body)
	}
}
