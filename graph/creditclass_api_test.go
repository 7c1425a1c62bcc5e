package graph_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// ccRecord records a credit investigation and reads back what a user sees.
const ccRecord = `mutation($in: InvestigationInput!) { recordInvestigation(input: $in) {
	date source operator internal funding payment kind summary recordedBy { username } } }`

// ccCount runs a count(*) query against the test database.
func ccCount(t *testing.T, a *api, query string) int {
	t.Helper()
	var n int
	if err := a.db.NewRaw(query).Scan(t.Context(), &n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// ccInvestigation is an InvestigationInput with every field set, as
// variables; changes replace or (with a nil value) remove fields.
func ccInvestigation(changes map[string]any) map[string]any {
	in := map[string]any{"customerCode": "IA", "date": "2025-03-01", "source": "BANK",
		"operator": 4, "internal": 3, "funding": 2, "payment": 5, "kind": "PERIODIC", "summary": "银行资信良好"}
	for k, v := range changes {
		if v == nil {
			delete(in, k)
			continue
		}
		in[k] = v
	}
	return map[string]any{"in": in}
}

// TestRecordInvestigationOverGraphQL records credit investigations (信用调查,
// 000 第五–七条) through the mutation: what was sent comes back with the
// recording user; a rating outside 1–5, a date after today, a blank customer
// code, an unknown enumeration or a malformed date is BAD_USER_INPUT; an
// unknown customer, or one outside a sales rep's own, NOT_FOUND; auditors
// and analysts FORBIDDEN (DOMAIN.md §8); and a refused request stores
// nothing.
//
// The clock stands at 17:00 UTC on 2025-06-30, 01:00 on 2025-07-01 in
// Shanghai (the policy's time zone, DOMAIN.md §10): "today" is 2025-07-01.
func TestRecordInvestigationOverGraphQL(t *testing.T) {
	a := newAPI(t, frozenAt(time.Date(2025, 6, 30, 17, 0, 0, 0, time.UTC)))
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处');
		INSERT INTO customers (code, name, industry, office_id) VALUES ('IA', '客户IA', 'OTHER', (SELECT id FROM offices))`)
	rep := a.mustCreateUser("rep1", creditdesk.RoleSalesRep, "BJ")
	auditor := a.mustCreateUser("auditor", creditdesk.RoleAuditor, "")
	analyst := a.mustCreateUser("analyst", creditdesk.RoleAnalyst, "")
	a.exec(`INSERT INTO customers (code, name, industry, office_id, rep_id)
		VALUES ('IR', '客户IR', 'OTHER', (SELECT id FROM offices), (SELECT id FROM users WHERE username = 'rep1'))`)

	t.Run("recorded as sent, by the acting user", func(t *testing.T) {
		got := a.post(ccRecord, withVars(ccInvestigation(nil))).raw
		want := `{"data":{"recordInvestigation":{"date":"2025-03-01","source":"BANK","operator":4,"internal":3,"funding":2,` +
			`"payment":5,"kind":"PERIODIC","summary":"银行资信良好","recordedBy":{"username":"admin"}}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("today is the date in Shanghai", func(t *testing.T) {
		got := a.post(ccRecord, withVars(ccInvestigation(map[string]any{"date": "2025-07-01", "source": "COLLEAGUE",
			"operator": 1, "internal": 1, "funding": 1, "payment": 1, "kind": "URGENT", "summary": "同事反映停产"}))).raw
		want := `{"data":{"recordInvestigation":{"date":"2025-07-01","source":"COLLEAGUE","operator":1,"internal":1,"funding":1,` +
			`"payment":1,"kind":"URGENT","summary":"同事反映停产","recordedBy":{"username":"admin"}}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("no kind and a blank summary are null", func(t *testing.T) {
		got := a.post(ccRecord, withVars(ccInvestigation(map[string]any{"kind": nil, "summary": "   ", "source": "NEWS"}))).raw
		want := `{"data":{"recordInvestigation":{"date":"2025-03-01","source":"NEWS","operator":4,"internal":3,"funding":2,` +
			`"payment":5,"kind":null,"summary":null,"recordedBy":{"username":"admin"}}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("a sales rep records for its own customer", func(t *testing.T) {
		got := a.post(ccRecord, withVars(ccInvestigation(map[string]any{"customerCode": "IR"})), as(rep)).raw
		want := `{"data":{"recordInvestigation":{"date":"2025-03-01","source":"BANK","operator":4,"internal":3,"funding":2,` +
			`"payment":5,"kind":"PERIODIC","summary":"银行资信良好","recordedBy":{"username":"rep1"}}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})

	if n := ccCount(t, a, `SELECT count(*) FROM credit_investigations`); n != 4 {
		t.Fatalf("%d investigations stored, want 4", n)
	}
	t.Run("refused requests store nothing", func(t *testing.T) {
		for _, c := range []struct {
			name         string
			changes      map[string]any
			code         string
			field, value string
		}{
			{"operator 0", map[string]any{"operator": 0}, "BAD_USER_INPUT", "operator", "0"},
			{"internal 6", map[string]any{"internal": 6}, "BAD_USER_INPUT", "internal", "6"},
			{"funding -1", map[string]any{"funding": -1}, "BAD_USER_INPUT", "funding", "-1"},
			{"payment 9", map[string]any{"payment": 9}, "BAD_USER_INPUT", "payment", "9"},
			{"tomorrow in Shanghai", map[string]any{"date": "2025-07-02"}, "BAD_USER_INPUT", "date", "2025-07-02"},
			{"blank customer code", map[string]any{"customerCode": "  "}, "BAD_USER_INPUT", "customerCode", "  "},
			{"unknown customer", map[string]any{"customerCode": "NOPE"}, "NOT_FOUND", "", "NOPE"},
			{"unknown source", map[string]any{"source": "RUMOUR"}, "BAD_USER_INPUT", "", "RUMOUR"},
			{"unknown kind", map[string]any{"kind": "WEEKLY"}, "BAD_USER_INPUT", "", "WEEKLY"},
			{"no such date", map[string]any{"date": "2025-02-30"}, "BAD_USER_INPUT", "", "2025-02-30"},
			{"a date with a time", map[string]any{"date": "2025-03-01T00:00:00Z"}, "BAD_USER_INPUT", "", "2025-03-01T00:00:00Z"},
			{"a fractional rating", map[string]any{"payment": 2.5}, "BAD_USER_INPUT", "", ""},
			{"no date", map[string]any{"date": nil}, "BAD_USER_INPUT", "", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				a.post(ccRecord, withVars(ccInvestigation(c.changes))).wantRefusal(t, refusal{code: c.code, field: c.field, value: c.value})
			})
		}
		t.Run("who may record", func(t *testing.T) {
			a.post(ccRecord, withVars(ccInvestigation(nil)), as(auditor)).wantRefusal(t, refusal{code: "FORBIDDEN"})
			a.post(ccRecord, withVars(ccInvestigation(nil)), as(analyst)).wantRefusal(t, refusal{code: "FORBIDDEN"})
			// IA is not rep1's customer: to rep1 it does not exist.
			a.post(ccRecord, withVars(ccInvestigation(nil)), as(rep)).wantRefusal(t, refusal{code: "NOT_FOUND", value: "IA"})
		})
		t.Run("inline literals", func(t *testing.T) {
			resp := a.post(`mutation { recordInvestigation(input: {customerCode: "IA", date: "2025-03-01", source: BANK,
				operator: 0, internal: 3, funding: 2, payment: 5}) { date } }`)
			resp.wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "operator", value: "0"})
			resp = a.post(`mutation { recordInvestigation(input: {customerCode: "IA", date: "2025/03/01", source: BANK,
				operator: 3, internal: 3, funding: 2, payment: 5}) { date } }`)
			resp.wantRefusal(t, refusal{code: "BAD_USER_INPUT", value: "2025/03/01"})
		})
		if n := ccCount(t, a, `SELECT count(*) FROM credit_investigations`); n != 4 {
			t.Errorf("%d investigations stored after the refusals, want still 4", n)
		}
	})
}

// ccInvestigationNode is the selection of an investigation the tests read.
const ccInvestigationNode = `date source operator internal funding payment kind summary recordedBy { username }`

// TestCustomerInvestigationsOverGraphQL pages through a customer's
// investigations, newest first (by date, then the later recorded), with the
// total on every page, and reads each customer's latest.
//
//	IA  #1 2025-01-01, #2 2025-03-01, #3 2025-03-01, #4 2024-12-01, recorded
//	    in that order: newest first #3, #2, #1, #4; the latest is #3.
//	IB  #5 2025-06-30 (today).
//	IC  none.
func TestCustomerInvestigationsOverGraphQL(t *testing.T) {
	a := newAPI(t) // today 2025-06-30 in Shanghai
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处');
		INSERT INTO customers (code, name, industry, office_id)
		SELECT c, '客户' || c, 'OTHER', (SELECT id FROM offices) FROM unnest(ARRAY['IA', 'IB', 'IC']) c`)
	for _, in := range []map[string]any{
		{"customerCode": "IA", "date": "2025-01-01", "source": "BANK", "operator": 1, "internal": 2, "funding": 3, "payment": 4,
			"kind": "PERIODIC", "summary": "年度复核"},
		{"customerCode": "IA", "date": "2025-03-01", "source": "AGENCY", "operator": 2, "internal": 2, "funding": 2, "payment": 2},
		{"customerCode": "IA", "date": "2025-03-01", "source": "PEER", "operator": 3, "internal": 4, "funding": 3, "payment": 4,
			"kind": "URGENT", "summary": "同行反映付款拖延"},
		{"customerCode": "IA", "date": "2024-12-01", "source": "NEWS", "operator": 1, "internal": 1, "funding": 1, "payment": 1,
			"kind": "DAILY"},
		{"customerCode": "IB", "date": "2025-06-30", "source": "COLLEAGUE", "operator": 5, "internal": 5, "funding": 5, "payment": 5,
			"kind": "DAILY"},
	} {
		if resp := a.post(ccRecord, withVars(map[string]any{"in": in})); len(resp.Errors) > 0 {
			t.Fatalf("record %v: %s", in, resp.raw)
		}
	}
	const (
		n1 = `{"date":"2025-01-01","source":"BANK","operator":1,"internal":2,"funding":3,"payment":4,"kind":"PERIODIC",` +
			`"summary":"年度复核","recordedBy":{"username":"admin"}}`
		n2 = `{"date":"2025-03-01","source":"AGENCY","operator":2,"internal":2,"funding":2,"payment":2,"kind":null,` +
			`"summary":null,"recordedBy":{"username":"admin"}}`
		n3 = `{"date":"2025-03-01","source":"PEER","operator":3,"internal":4,"funding":3,"payment":4,"kind":"URGENT",` +
			`"summary":"同行反映付款拖延","recordedBy":{"username":"admin"}}`
		n4 = `{"date":"2024-12-01","source":"NEWS","operator":1,"internal":1,"funding":1,"payment":1,"kind":"DAILY",` +
			`"summary":null,"recordedBy":{"username":"admin"}}`
		n5 = `{"date":"2025-06-30","source":"COLLEAGUE","operator":5,"internal":5,"funding":5,"payment":5,"kind":"DAILY",` +
			`"summary":null,"recordedBy":{"username":"admin"}}`
	)
	const page = `query($code: String!, $first: Int, $after: String) { customer(code: $code) {
		investigations(first: $first, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
			edges { node { ` + ccInvestigationNode + ` } } } } }`
	// pageOf reads one page and returns its body with the end cursor
	// written as <end>, and the cursor.
	pageOf := func(t *testing.T, vars map[string]any) (string, string) {
		t.Helper()
		resp := a.post(page, withVars(vars))
		end, _ := resp.at("customer.investigations.pageInfo.endCursor").(string)
		if end == "" {
			return resp.raw, ""
		}
		return strings.Replace(resp.raw, strconv.Quote(end), `"<end>"`, 1), end
	}

	t.Run("two per page, newest first, the total on every page", func(t *testing.T) {
		got, end := pageOf(t, map[string]any{"code": "IA", "first": 2})
		want := `{"data":{"customer":{"investigations":{"totalCount":4,` +
			`"pageInfo":{"hasNextPage":true,"hasPreviousPage":false,"endCursor":"<end>"},` +
			`"edges":[{"node":` + n3 + `},{"node":` + n2 + `}]}}}}`
		if got != want {
			t.Fatalf("page 1:\n%s\nwant\n%s", got, want)
		}
		got, end = pageOf(t, map[string]any{"code": "IA", "first": 2, "after": end})
		want = `{"data":{"customer":{"investigations":{"totalCount":4,` +
			`"pageInfo":{"hasNextPage":false,"hasPreviousPage":true,"endCursor":"<end>"},` +
			`"edges":[{"node":` + n1 + `},{"node":` + n4 + `}]}}}}`
		if got != want {
			t.Fatalf("page 2:\n%s\nwant\n%s", got, want)
		}
		got, _ = pageOf(t, map[string]any{"code": "IA", "first": 2, "after": end})
		want = `{"data":{"customer":{"investigations":{"totalCount":4,` +
			`"pageInfo":{"hasNextPage":false,"hasPreviousPage":true,"endCursor":null},"edges":[]}}}}`
		if got != want {
			t.Errorf("after the last:\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("without first, the whole list", func(t *testing.T) {
		got, _ := pageOf(t, map[string]any{"code": "IA"})
		want := `{"data":{"customer":{"investigations":{"totalCount":4,` +
			`"pageInfo":{"hasNextPage":false,"hasPreviousPage":false,"endCursor":"<end>"},` +
			`"edges":[{"node":` + n3 + `},{"node":` + n2 + `},{"node":` + n1 + `},{"node":` + n4 + `}]}}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("a customer without investigations", func(t *testing.T) {
		got, _ := pageOf(t, map[string]any{"code": "IC", "first": 5})
		want := `{"data":{"customer":{"investigations":{"totalCount":0,` +
			`"pageInfo":{"hasNextPage":false,"hasPreviousPage":false,"endCursor":null},"edges":[]}}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("the latest of each customer of a list", func(t *testing.T) {
		got := a.post(`{ customers(filter: {codes: ["IC", "IB", "IA"]}) { totalCount edges { node { code
			latestInvestigation { ` + ccInvestigationNode + ` } investigations(first: 1) { totalCount edges { node { date operator } } } } } } }`).raw
		want := `{"data":{"customers":{"totalCount":3,"edges":[` +
			`{"node":{"code":"IA","latestInvestigation":` + n3 + `,"investigations":{"totalCount":4,"edges":[{"node":{"date":"2025-03-01","operator":3}}]}}},` +
			`{"node":{"code":"IB","latestInvestigation":` + n5 + `,"investigations":{"totalCount":1,"edges":[{"node":{"date":"2025-06-30","operator":5}}]}}},` +
			`{"node":{"code":"IC","latestInvestigation":null,"investigations":{"totalCount":0,"edges":[]}}}]}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("bad pages", func(t *testing.T) {
		a.post(page, withVars(map[string]any{"code": "IA", "first": 2, "after": "bm9wZQ"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "after", value: "bm9wZQ"})
		a.post(page, withVars(map[string]any{"code": "IA", "first": 2, "after": "not a cursor"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "after", value: "not a cursor"})
		// A well-formed cursor whose date is not a date.
		a.post(page, withVars(map[string]any{"code": "IA", "first": 2, "after": "eyJkIjoieCIsImkiOjF9"})). // {"d":"x","i":1}
															wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "after", value: "eyJkIjoieCIsImkiOjF9"})
		a.post(page, withVars(map[string]any{"code": "IA", "first": 0})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "first", value: "0"})
		a.post(page, withVars(map[string]any{"code": "IA", "first": -1})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "first", value: "-1"})
		a.post(page, withVars(map[string]any{"code": "IA", "first": 1001})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "first", value: "1001"})
	})
}

// ccSeedClassMoves stores three credit class evaluations and returns after
// the last, with the clock at 2025-06-30 (DOMAIN.md §4; capital and
// employees say whether a customer is large, payment scores come from §3):
//
//	run 1, `creditdesk evaluate` as of 2025-03-31; run 2 the same as of
//	2025-06-30; run 3, the re-evaluation as of today 2025-06-30 after a
//	dishonour recorded through the API.
//
//	B  BJ, 200 employees, capital 2,000,000, founded 2015; B-1 1,000.00
//	   shipped 2025-01-30, due 2025-03-31, never paid. 03-31: due today,
//	   0 days beyond terms → score 80, not large → 乙. 06-30: 91 days
//	   overdue → R5 → 丙, score 30 − 1/3 = 29.67.
//	C  BJ, an intermediate wholesaler: R1 → 丙 on both dates (no change).
//	E  SH, founded 2023-05-01: on 03-31 founded after 2023-03-31 → R4 → 丙;
//	   on 06-30 not after 2023-06-30 → 乙.
//	J  BJ, 600 employees, capital 20,000,000, founded 2010, trading since
//	   2020-01-01; J-1 1,000.00 due 2025-03-01 paid that day, J-2 1,000.00
//	   shipped 2025-03-01 due 2025-04-30 paid 2025-05-30. 03-31: only J-1
//	   due in the 12 months, 0 days → 80 → 甲 (exposure J-2's 1,000.00).
//	   06-30: (0 × 1000 + 30 × 1000) / 2000 = 15 days → 70 < 80 → 乙.
//	N  BJ, created after run 1: 乙 on 06-30 only.
//	X  SH, like B without invoices: 乙 in runs 1 and 2; note N-X (5,000.00,
//	   no invoice to settle) dishonoured on 2025-06-30 → run 3: R5 → 丙.
//	Z  BJ, created after every run: never evaluated.
func ccSeedClassMoves(t *testing.T, a *api) {
	t.Helper()
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处'), ('SH', '上海办事处');
		INSERT INTO customers (code, name, industry, business_type, office_id, employees, registered_capital, founded_on, first_trade_on)
		SELECT v.code, '客户' || v.code, 'OTHER', v.bt, (SELECT id FROM offices WHERE code = v.office), v.emp, v.cap, v.founded, v.trade
		FROM (VALUES
			('B', 'DISTRIBUTOR', 'BJ', 200, 2000000.00, DATE '2015-01-01', NULL::date),
			('C', 'INTERMEDIATE_WHOLESALER', 'BJ', 200, 2000000.00, DATE '2015-01-01', NULL),
			('E', 'DISTRIBUTOR', 'SH', 200, 2000000.00, DATE '2023-05-01', NULL),
			('J', 'MANUFACTURER', 'BJ', 600, 20000000.00, DATE '2010-01-01', DATE '2020-01-01'),
			('X', 'DISTRIBUTOR', 'SH', 200, 2000000.00, DATE '2015-01-01', NULL)
		) v (code, bt, office, emp, cap, founded, trade);
		INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT v.number, (SELECT id FROM customers WHERE code = v.code), v.ship, v.ship, v.due, 'CNY', 1000, 1, 1000
		FROM (VALUES ('B-1', 'B', DATE '2025-01-30', DATE '2025-03-31'),
		             ('J-1', 'J', DATE '2025-01-01', DATE '2025-03-01'),
		             ('J-2', 'J', DATE '2025-03-01', DATE '2025-04-30')) v (number, code, ship, due)`)
	for _, p := range []struct{ invoice, date string }{{"J-1", "2025-03-01"}, {"J-2", "2025-05-30"}} {
		a.exec(`WITH p AS (
				INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount)
				SELECT 'PAY-' || i.number, i.customer_id, ?1::date, 'TRANSFER', 'CNY', 1000, 1, 1000 FROM invoices i WHERE i.number = ?0
				RETURNING id, customer_id)
			INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
			SELECT (SELECT id FROM invoices WHERE number = ?0), p.customer_id, 'PAYMENT', ?1::date, 1000, p.id FROM p`, p.invoice, p.date)
	}
	evaluate := func(asOf string) {
		t.Helper()
		if _, err := postgres.EvaluateCreditClasses(t.Context(), a.db, creditdesk.MustParseDate(asOf)); err != nil {
			t.Fatalf("evaluate as of %s: %v", asOf, err)
		}
	}
	evaluate("2025-03-31")
	a.exec(`INSERT INTO customers (code, name, industry, business_type, office_id, employees, registered_capital, founded_on)
		VALUES ('N', '客户N', 'OTHER', 'DISTRIBUTOR', (SELECT id FROM offices WHERE code = 'BJ'), 200, 2000000, '2015-01-01')`)
	evaluate("2025-06-30")
	for _, q := range []struct {
		query string
		in    map[string]any
	}{
		{`mutation($in: NoteInput!) { receiveNote(input: $in) { status } }`, map[string]any{"customerCode": "X", "number": "N-X",
			"kind": "COMMERCIAL_ACCEPTANCE", "issueDate": "2025-06-10", "receivedDate": "2025-06-10", "maturityDate": "2025-06-25",
			"amount": "5000.00", "allocations": []any{}}},
		{`mutation($in: NoteStatusInput!) { setNoteStatus(input: $in) { status } }`,
			map[string]any{"number": "N-X", "status": "PRESENTED", "date": "2025-06-25"}},
		{`mutation($in: NoteStatusInput!) { setNoteStatus(input: $in) { status } }`,
			map[string]any{"number": "N-X", "status": "DISHONORED", "date": "2025-06-30", "reason": "付款人拒付"}},
	} {
		if resp := a.post(q.query, withVars(map[string]any{"in": q.in})); len(resp.Errors) > 0 {
			t.Fatalf("%s: %s", q.query, resp.raw)
		}
	}
	a.exec(`INSERT INTO customers (code, name, industry, office_id) VALUES ('Z', '客户Z', 'OTHER', (SELECT id FROM offices WHERE code = 'BJ'))`)
}

// ccClassNode is the selection of a stored evaluation the tests read.
const ccClassNode = `customer { code } asOf policyVersion computedClass effectiveClass classAEligible paymentScore exposure
	trailingSales tradingSince firedRules { rule value threshold }`

// TestCreditClassHistoryOverGraphQL reads customers' stored evaluations,
// newest first (by as-of date, then the later run), each with its inputs,
// in pages with the size of the whole history; see ccSeedClassMoves.
func TestCreditClassHistoryOverGraphQL(t *testing.T) {
	a := newAPI(t) // today 2025-06-30 in Shanghai
	ccSeedClassMoves(t, a)
	const history = `query($code: String!, $first: Int, $after: String) { creditClassHistory(customerCode: $code, first: $first, after: $after) {
		totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { ` + ccClassNode + ` } } } }`
	const r5Window = `"threshold":"none from 2023-07-02 to 2025-06-30"` // (2025-06-30 − 730, 2025-06-30]
	var (
		b0630 = `{"customer":{"code":"B"},"asOf":"2025-06-30","policyVersion":1,"computedClass":"BING","effectiveClass":"BING",` +
			`"classAEligible":false,"paymentScore":"29.67","exposure":"1000.00","trailingSales":"0.00","tradingSince":"2025-01-30",` +
			`"firedRules":[{"rule":"R5","value":"1 invoice(s) more than 90 days overdue, oldest B-1 due 2025-03-31",` + r5Window + `}]}`
		b0331 = `{"customer":{"code":"B"},"asOf":"2025-03-31","policyVersion":1,"computedClass":"YI","effectiveClass":"YI",` +
			`"classAEligible":false,"paymentScore":"80.00","exposure":"1000.00","trailingSales":"0.00","tradingSince":"2025-01-30",` +
			`"firedRules":[]}`
		xEvent = `{"customer":{"code":"X"},"asOf":"2025-06-30","policyVersion":1,"computedClass":"BING","effectiveClass":"BING",` +
			`"classAEligible":false,"paymentScore":null,"exposure":"0.00","trailingSales":"0.00","tradingSince":null,` +
			`"firedRules":[{"rule":"R5","value":"1 dishonoured note(s), latest N-X on 2025-06-30",` + r5Window + `}]}`
		xYi = func(asOf string) string {
			return `{"customer":{"code":"X"},"asOf":"` + asOf + `","policyVersion":1,"computedClass":"YI","effectiveClass":"YI",` +
				`"classAEligible":false,"paymentScore":null,"exposure":"0.00","trailingSales":"0.00","tradingSince":null,"firedRules":[]}`
		}
	)
	conn := func(total int, hasNext, hasPrev bool, nodes ...string) string {
		edges := make([]string, len(nodes))
		for i, n := range nodes {
			edges[i] = `{"node":` + n + `}`
		}
		return fmt.Sprintf(`{"data":{"creditClassHistory":{"totalCount":%d,"pageInfo":{"hasNextPage":%t,"hasPreviousPage":%t},"edges":[%s]}}}`,
			total, hasNext, hasPrev, strings.Join(edges, ","))
	}
	// endCursor reads the end cursor of a page.
	endCursor := func(t *testing.T, vars map[string]any) string {
		t.Helper()
		resp := a.post(`query($code: String!, $first: Int, $after: String) { creditClassHistory(customerCode: $code, first: $first, after: $after) {
			pageInfo { endCursor } } }`, withVars(vars))
		c, _ := resp.at("creditClassHistory.pageInfo.endCursor").(string)
		if c == "" {
			t.Fatalf("no end cursor: %s", resp.raw)
		}
		return c
	}

	t.Run("B: 丙 now, 乙 at the end of March", func(t *testing.T) {
		if got, want := a.post(history, withVars(map[string]any{"code": "B"})).raw, conn(2, false, false, b0630, b0331); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("one per page", func(t *testing.T) {
		first := map[string]any{"code": "B", "first": 1}
		if got, want := a.post(history, withVars(first)).raw, conn(2, true, false, b0630); got != want {
			t.Fatalf("page 1:\n%s\nwant\n%s", got, want)
		}
		second := map[string]any{"code": "B", "first": 1, "after": endCursor(t, first)}
		if got, want := a.post(history, withVars(second)).raw, conn(2, false, true, b0331); got != want {
			t.Fatalf("page 2:\n%s\nwant\n%s", got, want)
		}
		third := map[string]any{"code": "B", "first": 1, "after": endCursor(t, second)}
		if got, want := a.post(history, withVars(third)).raw, conn(2, false, true); got != want {
			t.Errorf("after the last:\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("two runs as of one day: the later first, and pages split between them", func(t *testing.T) {
		if got, want := a.post(history, withVars(map[string]any{"code": "X"})).raw,
			conn(3, false, false, xEvent, xYi("2025-06-30"), xYi("2025-03-31")); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
		first := map[string]any{"code": "X", "first": 1}
		second := map[string]any{"code": "X", "first": 1, "after": endCursor(t, first)}
		if got, want := a.post(history, withVars(second)).raw, conn(3, true, true, xYi("2025-06-30")); got != want {
			t.Errorf("page 2:\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("a stored evaluation says when it was stored; a live one does not", func(t *testing.T) {
		resp := a.post(`{ creditClassHistory(customerCode: "X", first: 1) { edges { node { effectiveClass evaluatedAt } } }
			creditClass(customerCode: "X", asOf: "2025-06-30") { effectiveClass evaluatedAt } }`)
		stored, _ := resp.at("creditClassHistory.edges.0.node.evaluatedAt").(string)
		if _, err := time.Parse(time.RFC3339, stored); err != nil {
			t.Errorf("stored evaluatedAt %q: %v (%s)", stored, err, resp.raw)
		}
		if resp.at("creditClass.effectiveClass") != "BING" || resp.at("creditClass.evaluatedAt") != nil {
			t.Errorf("live: %s", resp.raw)
		}
	})
	t.Run("the stored class follows the latest run", func(t *testing.T) {
		got := a.post(`{ customers(filter: {codes: ["B", "C", "E", "J", "N", "X", "Z"]}) { edges { node { code creditClass } } } }`).raw
		want := `{"data":{"customers":{"edges":[{"node":{"code":"B","creditClass":"BING"}},{"node":{"code":"C","creditClass":"BING"}},` +
			`{"node":{"code":"E","creditClass":"YI"}},{"node":{"code":"J","creditClass":"YI"}},{"node":{"code":"N","creditClass":"YI"}},` +
			`{"node":{"code":"X","creditClass":"BING"}},{"node":{"code":"Z","creditClass":null}}]}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("a customer never evaluated", func(t *testing.T) {
		if got, want := a.post(history, withVars(map[string]any{"code": "Z", "first": 5})).raw, conn(0, false, false); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("refused", func(t *testing.T) {
		a.post(history, withVars(map[string]any{"code": "NOPE"})).wantRefusal(t, refusal{code: "NOT_FOUND", value: "NOPE"})
		a.post(history, withVars(map[string]any{"code": "B", "after": "bm9wZQ"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "after", value: "bm9wZQ"})
		// A cursor of creditClassChanges (the code "B") is not one of this list.
		a.post(history, withVars(map[string]any{"code": "B", "after": "IkIi"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "after", value: "IkIi"})
		a.post(history, withVars(map[string]any{"code": "B", "first": 0})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "first", value: "0"})
		a.post(history, withVars(map[string]any{"code": "B", "first": 1001})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "first", value: "1001"})
	})
}

// TestCreditClassChangesOverGraphQL asks "who moved" between 2025-03-31 and
// 2025-06-30, by customer code, with the class filters, the customer filter
// and paging; see ccSeedClassMoves. Moved: B 乙→丙, E 丙→乙, J 甲→乙, N
// (first evaluated after `from`) →乙, X 乙→丙 (the later run of 06-30); C
// stays 丙.
func TestCreditClassChangesOverGraphQL(t *testing.T) {
	a := newAPI(t) // today 2025-06-30 in Shanghai
	ccSeedClassMoves(t, a)
	const changes = `query($from: Date!, $to: Date!, $fromClass: CreditClass, $toClass: CreditClass, $filter: CustomerFilter,
		$first: Int, $after: String) {
		creditClassChanges(from: $from, to: $to, fromClass: $fromClass, toClass: $toClass, filter: $filter, first: $first, after: $after) {
			totalCount pageInfo { hasNextPage hasPreviousPage }
			edges { node { customer { code } fromClass toClass from { asOf effectiveClass } to { asOf effectiveClass firedRules { rule } } } } } }`
	side := func(asOf, class string, rules ...string) string {
		s := `{"asOf":"` + asOf + `","effectiveClass":"` + class + `"`
		if asOf == "2025-03-31" {
			return s + `}`
		}
		var rs []string
		for _, r := range rules {
			rs = append(rs, `{"rule":"`+r+`"}`)
		}
		return s + `,"firedRules":[` + strings.Join(rs, ",") + `]}`
	}
	move := func(code, from, to string, toRules ...string) string {
		fromClass, fromSide := `null`, `null`
		if from != "" {
			fromClass, fromSide = `"`+from+`"`, side("2025-03-31", from)
		}
		return `{"customer":{"code":"` + code + `"},"fromClass":` + fromClass + `,"toClass":"` + to + `","from":` + fromSide +
			`,"to":` + side("2025-06-30", to, toRules...) + `}`
	}
	var (
		b = move("B", "YI", "BING", "R5")
		e = move("E", "BING", "YI")
		j = move("J", "JIA", "YI")
		n = move("N", "", "YI")
		x = move("X", "YI", "BING", "R5")
	)
	conn := func(total int, hasNext, hasPrev bool, nodes ...string) string {
		edges := make([]string, len(nodes))
		for i, n := range nodes {
			edges[i] = `{"node":` + n + `}`
		}
		return fmt.Sprintf(`{"data":{"creditClassChanges":{"totalCount":%d,"pageInfo":{"hasNextPage":%t,"hasPreviousPage":%t},"edges":[%s]}}}`,
			total, hasNext, hasPrev, strings.Join(edges, ","))
	}
	vars := func(changes map[string]any) map[string]any {
		v := map[string]any{"from": "2025-03-31", "to": "2025-06-30"}
		for k, x := range changes {
			v[k] = x
		}
		return v
	}

	for _, c := range []struct {
		name string
		vars map[string]any
		want string
	}{
		{"every move, by code", vars(nil), conn(5, false, false, b, e, j, n, x)},
		{"乙 to 丙", vars(map[string]any{"fromClass": "YI", "toClass": "BING"}), conn(2, false, false, b, x)},
		{"from 乙 only: a first evaluation has no from class", vars(map[string]any{"fromClass": "YI"}), conn(2, false, false, b, x)},
		{"from 丙: C stayed 丙", vars(map[string]any{"fromClass": "BING"}), conn(1, false, false, e)},
		{"to 乙", vars(map[string]any{"toClass": "YI"}), conn(3, false, false, e, j, n)},
		{"to 甲: nobody", vars(map[string]any{"toClass": "JIA"}), conn(0, false, false)},
		{"the customer filter", vars(map[string]any{"filter": map[string]any{"officeCodes": []string{"SH"}}}), conn(2, false, false, e, x)},
		{"the customer filter and a class", vars(map[string]any{"filter": map[string]any{"officeCodes": []string{"SH"}}, "toClass": "BING"}),
			conn(1, false, false, x)},
		{"from 2025-04-01 reads the evaluation of 03-31", vars(map[string]any{"from": "2025-04-01"}), conn(5, false, false, b, e, j, n, x)},
		{"from and to the same day: no move", vars(map[string]any{"from": "2025-06-30"}), conn(0, false, false)},
		{"before any evaluation: no move", vars(map[string]any{"from": "2024-01-01", "to": "2024-12-31"}), conn(0, false, false)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := a.post(changes, withVars(c.vars)).raw; got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}

	t.Run("甲 to 乙: the eligibility checks on each side", func(t *testing.T) {
		got := a.post(`{ creditClassChanges(from: "2025-03-31", to: "2025-06-30", fromClass: JIA) { totalCount edges { node {
			customer { code } fromClass toClass
			from { asOf classAEligible paymentScore exposure tradingSince classAChecks { condition met } }
			to { asOf classAEligible paymentScore exposure tradingSince classAChecks { condition met } } } } } }`).raw
		checks := func(score bool) string {
			return fmt.Sprintf(`[{"condition":"LARGE","met":true},{"condition":"PAYMENT_SCORE","met":%t},{"condition":"NO_DEFAULT","met":true},`+
				`{"condition":"FOUNDED","met":true},{"condition":"TRADING","met":true}]`, score)
		}
		want := `{"data":{"creditClassChanges":{"totalCount":1,"edges":[{"node":{"customer":{"code":"J"},"fromClass":"JIA","toClass":"YI",` +
			`"from":{"asOf":"2025-03-31","classAEligible":true,"paymentScore":"80.00","exposure":"1000.00","tradingSince":"2020-01-01","classAChecks":` + checks(true) + `},` +
			`"to":{"asOf":"2025-06-30","classAEligible":false,"paymentScore":"70.00","exposure":"0.00","tradingSince":"2020-01-01","classAChecks":` + checks(false) + `}}}]}}}`
		if got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("two per page, the total on every page", func(t *testing.T) {
		after := func(t *testing.T, v map[string]any) string {
			t.Helper()
			resp := a.post(`query($from: Date!, $to: Date!, $first: Int, $after: String) {
				creditClassChanges(from: $from, to: $to, first: $first, after: $after) { pageInfo { endCursor } } }`, withVars(v))
			c, _ := resp.at("creditClassChanges.pageInfo.endCursor").(string)
			if c == "" {
				t.Fatalf("no end cursor: %s", resp.raw)
			}
			return c
		}
		p1 := vars(map[string]any{"first": 2})
		if got, want := a.post(changes, withVars(p1)).raw, conn(5, true, false, b, e); got != want {
			t.Fatalf("page 1:\n%s\nwant\n%s", got, want)
		}
		p2 := vars(map[string]any{"first": 2, "after": after(t, p1)})
		if got, want := a.post(changes, withVars(p2)).raw, conn(5, true, true, j, n); got != want {
			t.Fatalf("page 2:\n%s\nwant\n%s", got, want)
		}
		p3 := vars(map[string]any{"first": 2, "after": after(t, p2)})
		if got, want := a.post(changes, withVars(p3)).raw, conn(5, false, true, x); got != want {
			t.Fatalf("page 3:\n%s\nwant\n%s", got, want)
		}
		p4 := vars(map[string]any{"first": 2, "after": after(t, p3)})
		if got, want := a.post(changes, withVars(p4)).raw, conn(5, false, true); got != want {
			t.Errorf("after the last:\n%s\nwant\n%s", got, want)
		}
	})

	t.Run("refused", func(t *testing.T) {
		post := func(v map[string]any) *response { return a.post(changes, withVars(v)) }
		post(vars(map[string]any{"from": "2025-06-30", "to": "2025-03-31"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "to", value: "2025-03-31"})
		post(vars(map[string]any{"from": "2025-13-01"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", value: "2025-13-01"})
		post(vars(map[string]any{"to": "30/06/2025"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", value: "30/06/2025"})
		post(vars(map[string]any{"fromClass": "DING"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", value: "DING"})
		post(vars(map[string]any{"after": "bm9wZQ"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "after", value: "bm9wZQ"})
		// A cursor of creditClassHistory ({"d":"2025-06-30","e":2}) is not one of this list.
		post(vars(map[string]any{"after": "eyJkIjoiMjAyNS0wNi0zMCIsImUiOjJ9"})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "after", value: "eyJkIjoiMjAyNS0wNi0zMCIsImUiOjJ9"})
		post(vars(map[string]any{"first": 0})).wantRefusal(t, refusal{code: "BAD_USER_INPUT", field: "first", value: "0"})
		a.post(`{ creditClassChanges(from: "2025-03-31") { totalCount } }`).wantRefusal(t, refusal{code: "BAD_USER_INPUT"})
	})
}

// TestCreditEventReevaluationSeesTheDishonour: a dishonoured note is a credit
// event that forces the customer's re-evaluation (DOMAIN.md §4.4, 000
// 第七条2), stored in its class history. A dishonour dated after today
// (2025-07-03; today is 2025-06-30) is refused, storing nothing; dated
// today, the re-evaluation sees it — X, 乙 before (200 employees, founded
// 2015, nothing owed), becomes 丙 by R5 in the evaluation the event stores
// and in its archive.
func TestCreditEventReevaluationSeesTheDishonour(t *testing.T) {
	a := newAPI(t) // today 2025-06-30 in Shanghai
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处');
		INSERT INTO customers (code, name, industry, business_type, office_id, employees, registered_capital, founded_on)
		VALUES ('X', '客户X', 'OTHER', 'DISTRIBUTOR', (SELECT id FROM offices), 200, 2000000, '2015-01-01')`)
	const setStatus = `mutation($in: NoteStatusInput!) { setNoteStatus(input: $in) { status } }`
	for _, q := range []struct {
		query string
		in    map[string]any
	}{
		{`mutation($in: NoteInput!) { receiveNote(input: $in) { status } }`, map[string]any{"customerCode": "X", "number": "N-X",
			"kind": "COMMERCIAL_ACCEPTANCE", "issueDate": "2025-06-10", "receivedDate": "2025-06-10", "maturityDate": "2025-06-25",
			"amount": "5000.00", "allocations": []any{}}},
		{setStatus, map[string]any{"number": "N-X", "status": "PRESENTED", "date": "2025-06-25"}},
	} {
		if resp := a.post(q.query, withVars(map[string]any{"in": q.in})); len(resp.Errors) > 0 {
			t.Fatalf("%s: %s", q.query, resp.raw)
		}
	}
	const read = `{ customer(code: "X") { creditClass notes { edges { node { status } } } }
		creditClassHistory(customerCode: "X") { totalCount edges { node { effectiveClass firedRules { rule value } } } } }`
	// A dishonour dated after today is refused and changes nothing.
	resp := a.post(setStatus, withVars(map[string]any{"in": map[string]any{"number": "N-X", "status": "DISHONORED", "date": "2025-07-03"}}))
	if resp.code() != "BAD_USER_INPUT" || resp.Errors[0].Message != `date: "2025-07-03": is after today (2025-06-30)` {
		t.Errorf("dishonour after today: %s", resp.raw)
	}
	want := `{"data":{"customer":{"creditClass":null,"notes":{"edges":[{"node":{"status":"PRESENTED"}}]}},` +
		`"creditClassHistory":{"totalCount":0,"edges":[]}}}`
	if got := a.post(read).raw; got != want {
		t.Errorf("after a refused dishonour:\n%s\nwant\n%s", got, want)
	}
	// Dated today, the re-evaluation it forces sees it.
	resp = a.post(setStatus, withVars(map[string]any{"in": map[string]any{"number": "N-X", "status": "DISHONORED", "date": "2025-06-30"}}))
	if len(resp.Errors) > 0 {
		t.Fatalf("dishonour: %s", resp.raw)
	}
	want = `{"data":{"customer":{"creditClass":"BING","notes":{"edges":[{"node":{"status":"DISHONORED"}}]}},` +
		`"creditClassHistory":{"totalCount":1,"edges":[{"node":{"effectiveClass":"BING",` +
		`"firedRules":[{"rule":"R5","value":"1 dishonoured note(s), latest N-X on 2025-06-30"}]}}]}}}`
	if got := a.post(read).raw; got != want {
		t.Errorf("after the dishonour:\n%s\nwant\n%s", got, want)
	}
}
