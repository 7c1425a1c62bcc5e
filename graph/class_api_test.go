package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"creditdesk/graph"
	"creditdesk/internal/app"
	"creditdesk/internal/creditdesk"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// classAPI serves the whole GraphQL API (as the server wires it) over a
// fresh database, with the clock at 2025-06-20 in Shanghai.
type classAPI struct {
	t   *testing.T
	db  *bun.DB
	srv http.Handler
}

func newClassAPI(t *testing.T) *classAPI {
	db := pgtest.New(t)
	clock := func() time.Time { return time.Date(2025, 6, 20, 4, 0, 0, 0, time.UTC) }
	h := graph.NewHandler(app.NewResolver(db, clock), slog.New(slog.NewTextHandler(io.Discard, nil)))
	a := &classAPI{t: t, db: db, srv: h}
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处')`)
	return a
}

func (a *classAPI) exec(sql string, args ...any) {
	a.t.Helper()
	if _, err := a.db.NewRaw(sql, args...).Exec(context.Background()); err != nil {
		a.t.Fatalf("%s: %v", sql, err)
	}
}

// post runs a request as actor (nil: the built-in admin) and returns the
// response body; counter, when set, counts its statements.
func (a *classAPI) post(query string, actor *creditdesk.User, counter *postgres.StatementCounter) string {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	ctx := req.Context()
	if actor != nil {
		ctx = creditdesk.WithActor(ctx, actor)
	}
	if counter != nil {
		ctx = postgres.WithStatementCounter(ctx, counter)
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req.WithContext(ctx))
	return rec.Body.String()
}

// errorCodes returns the extensions.code of each error of a response.
func errorCodes(t *testing.T, body string) []string {
	t.Helper()
	var resp struct {
		Errors []struct {
			Extensions struct{ Code string } `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	var codes []string
	for _, e := range resp.Errors {
		codes = append(codes, e.Extensions.Code)
	}
	return codes
}

// TestCreditClassOverGraphQL: the result's decimals are strings with their
// scale, and Customer.creditClassResult over a list costs the same
// statements for 1 customer as for 50 (one evaluation per batch).
func TestCreditClassOverGraphQL(t *testing.T) {
	a := newClassAPI(t)
	// 50 customers, each with 1,000.00 due 2025-03-31 and never paid: on
	// 2025-06-30 91 days overdue (R5, 丙), payment score 30 − 1/3.
	a.exec(`INSERT INTO customers (code, name, industry, office_id, employees, founded_on)
		SELECT 'G' || lpad(i::text, 2, '0'), '客户' || i, 'OTHER', (SELECT id FROM offices), 200, '2015-01-01'
		FROM generate_series(1, 50) i`)
	a.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT 'INV-' || c.code, c.id, '2025-01-30', '2025-01-30', '2025-03-31', 'CNY', 1000, 1, 1000 FROM customers c`)

	resp := a.post(`{ creditClass(customerCode: "G01", asOf: "2025-06-30") {
		customer { code } asOf policyVersion computedClass effectiveClass classAEligible paymentScore exposure trailingSales
		firedRules { rule value threshold } } }`, nil, nil)
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
			latestInvestigation { date } } } } }`, nil, &c)
		if codes := errorCodes(t, resp); len(codes) > 0 {
			t.Fatalf("errors: %s", resp)
		}
		return c.Count(), resp
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
	a := newClassAPI(t)
	a.exec(`INSERT INTO customers (code, name, industry, office_id) VALUES ('K1', '客户1', 'OTHER', (SELECT id FROM offices))`)
	resp := a.post(`mutation { requestCreditLimit(customerCode: "K1", amount: "6000000", reason: "new plant") {
		id amount status requiredRoles awaitingRole requestedBy { username } steps { decision role actor { username } actedOn } } }`, nil, nil)
	want := `{"data":{"requestCreditLimit":{"id":"1","amount":"6000000.00","status":"PENDING","requiredRoles":["MANAGER","GENERAL_MANAGER"],` +
		`"awaitingRole":"MANAGER","requestedBy":{"username":"admin"},"steps":[{"decision":"REQUESTED","role":"GENERAL_MANAGER",` +
		`"actor":{"username":"admin"},"actedOn":"2025-06-20"}]}}}`
	if got := resp; got != want {
		t.Errorf("request:\n%s\nwant\n%s", got, want)
	}
	resp = a.post(`mutation { approveCreditLimitRequest(id: 1) { status } }`, nil, nil)
	if codes := errorCodes(t, resp); len(codes) != 1 || codes[0] != "FORBIDDEN" {
		t.Errorf("self-approval: %s", resp)
	}
	resp = a.post(`mutation { approveCreditLimitRequest(id: "x") { status } }`, nil, nil)
	if codes := errorCodes(t, resp); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" {
		t.Errorf("bad id: %s", resp)
	}
	resp = a.post(`{ creditLimitRequests(status: PENDING) { totalCount edges { node { id customer { code } } } } }`, nil, nil)
	if got := resp; got != `{"data":{"creditLimitRequests":{"totalCount":1,"edges":[{"node":{"id":"1","customer":{"code":"K1"}}}]}}}` {
		t.Errorf("list: %s", got)
	}

	resp = a.post(`mutation { setPolicy(effectiveFrom: "2025-07-01", settings: [{key: "class_c_balance", value: "500000.00"}], note: "tighter") {
		version effectiveFrom } }`, nil, nil)
	if got := resp; got != `{"data":{"setPolicy":{"version":2,"effectiveFrom":"2025-07-01"}}}` {
		t.Errorf("setPolicy: %s", got)
	}
	resp = a.post(`mutation { setPolicy(effectiveFrom: "2025-07-01", settings: [{key: "class_c_balance", value: "lots"}]) { version } }`, nil, nil)
	if codes := errorCodes(t, resp); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" || !strings.Contains(resp, `class_c_balance: \"lots\"`) {
		t.Errorf("malformed value: %s", resp)
	}
	resp = a.post(`{ before: policy(asOf: "2025-06-30") { version settings { key value } }
		after: policy(asOf: "2025-07-01") { version settings { key value } }
		policyVersions { version note createdBy { username } } }`, nil, nil)
	body := resp
	if !strings.Contains(body, `"before":{"version":1,"settings":[{"key":"abc_a","value":"0.75"}`) ||
		!strings.Contains(body, `{"key":"class_c_balance","value":"700000.00"}`) ||
		!strings.Contains(body, `{"key":"class_c_balance","value":"500000.00"}`) ||
		!strings.Contains(body, `"policyVersions":[{"version":2,"note":"tighter","createdBy":{"username":"admin"}},{"version":1,`) {
		t.Errorf("policy: %s", body)
	}
}
