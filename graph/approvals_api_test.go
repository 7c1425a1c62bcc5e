package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"creditdesk/internal/creditdesk"
)

// approvalPeople are the users of the approval API tests besides the
// built-in admin (a general manager): a rep and a manager of 北京, a manager
// of 上海, finance, a second general manager and an analyst.
type approvalPeople struct {
	rep, mgr, mgrSH, fin, gm, analyst *creditdesk.User
}

// seedApprovals adds offices BJ and SH, the people, and:
//
//	K1 (BJ, rep, limit 3,000,000.00)
//	  INV-1 CNY 10,000.00 ship 2025-03-01 due 2025-04-30, paid 4,000.00 on 2025-05-10: 6,000.00 open
//	  INV-2 USD  1,000.00 at 7.1 (base 7,100.00) ship 2025-04-01 due 2025-05-31: 1,000.00 open
//	K2 (SH, no rep)
//	  INV-9 CNY 800.00 ship 2025-03-01 due 2025-04-30
//
// No invoice is more than 90 days overdue by 2025-06-30 and K1's size and
// age are unknown, so K1 computes as 乙 until something fires R5.
func (a *api) seedApprovals() approvalPeople {
	a.t.Helper()
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处'), ('SH', '上海办事处')`)
	p := approvalPeople{
		rep:     a.mustCreateUser("rep", creditdesk.RoleSalesRep, "BJ"),
		mgr:     a.mustCreateUser("mgr", creditdesk.RoleManager, "BJ"),
		mgrSH:   a.mustCreateUser("mgr-sh", creditdesk.RoleManager, "SH"),
		fin:     a.mustCreateUser("fin", creditdesk.RoleFinance, ""),
		gm:      a.mustCreateUser("gm", creditdesk.RoleGeneralManager, ""),
		analyst: a.mustCreateUser("analyst", creditdesk.RoleAnalyst, ""),
	}
	a.exec(`INSERT INTO customers (code, name, industry, office_id, rep_id, credit_limit) VALUES
			('K1', '客户一', 'OTHER', (SELECT id FROM offices WHERE code = 'BJ'), (SELECT id FROM users WHERE username = 'rep'), 3000000),
			('K2', '客户二', 'OTHER', (SELECT id FROM offices WHERE code = 'SH'), NULL, NULL);
		INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount) VALUES
			('INV-1', (SELECT id FROM customers WHERE code = 'K1'), '2025-03-01', '2025-03-01', '2025-04-30', 'CNY', 10000, 1, 10000),
			('INV-2', (SELECT id FROM customers WHERE code = 'K1'), '2025-04-01', '2025-04-01', '2025-05-31', 'USD', 1000, 7.1, 7100),
			('INV-9', (SELECT id FROM customers WHERE code = 'K2'), '2025-03-01', '2025-03-01', '2025-04-30', 'CNY', 800, 1, 800);
		INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount)
		VALUES ('PAY-1', (SELECT id FROM customers WHERE code = 'K1'), '2025-05-10', 'TRANSFER', 'CNY', 4000, 1, 4000);
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
		SELECT i.id, i.customer_id, 'PAYMENT', p.date, 4000, p.id FROM invoices i, payments p WHERE i.number = 'INV-1'`)
	return p
}

// approvalState is everything an approval writes: the row counts of its
// tables, each request's status and awaited role, and the customers'
// limits and classes. A refused call leaves it as it was.
func (a *api) approvalState() string {
	a.t.Helper()
	var s string
	if err := a.db.NewRaw(`SELECT concat_ws(' | ',
			'requests ' || (SELECT count(*) FROM approval_requests),
			'steps ' || (SELECT count(*) FROM approval_steps),
			'write_offs ' || (SELECT count(*) FROM write_offs),
			'settlements ' || (SELECT count(*) FROM settlements),
			'history ' || (SELECT count(*) FROM customer_history),
			'evaluations ' || (SELECT count(*) FROM credit_class_evaluations),
			(SELECT string_agg(id || ' ' || status || ' ' || coalesce(awaiting_role, '-'), ', ' ORDER BY id) FROM approval_requests),
			(SELECT string_agg(code || ' ' || coalesce(credit_limit::text, '-') || ' ' || coalesce(credit_class, '-'), ', ' ORDER BY code)
			 FROM customers))`).Scan(a.t.Context(), &s); err != nil {
		a.t.Fatal(err)
	}
	return s
}

// refused sends q as actor (nil: admin) and checks that it fails with one
// error of code and changes nothing. For a BAD_USER_INPUT about an argument,
// field and value are what the message must open with ("amount: \"-1\": ")
// and extensions.field must say.
func (a *api) refused(t *testing.T, q string, actor *creditdesk.User, code, field, value string) *response {
	t.Helper()
	before := a.approvalState()
	resp := a.post(q, as(actor))
	resp.wantRefusal(t, refusal{code: code, field: field, value: value})
	if after := a.approvalState(); after != before {
		t.Errorf("%s\nchanged the tables:\n%s\nwas\n%s", q, after, before)
	}
	return resp
}

// wantBody sends q as actor and compares the whole response body.
func (a *api) wantBody(t *testing.T, q string, actor *creditdesk.User, want string) {
	t.Helper()
	if got := a.post(q, as(actor)).raw; got != want {
		t.Errorf("%s\ngot\n%s\nwant\n%s", q, got, want)
	}
}

// steppedClock reads the time from *now, so a test can move from the day
// of a request to the day of its decision.
func steppedClock(now *time.Time) apiOption {
	return func(c *apiConfig) { c.clock = func() time.Time { return *now } }
}

// shanghaiMorning is 10:00 in Shanghai on date.
func shanghaiMorning(date string) time.Time {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return d.Add(2 * time.Hour) // 02:00 UTC
}

const writeOffFields = `id customer { code } invoiceNumber currency amount openBalance reason status requiredRoles awaitingRole
	requestedBy { username } requestedOn decidedBy { username } decidedOn writeOffDate
	steps { decision role actor { username } actedOn comment }`

// TestWriteOffOverGraphQL: the rep asks on 2025-06-12 to write off the
// 6,000.00 open on INV-1 (10,000.00 − 4,000.00 paid); only another general
// manager may approve (002 十七); approved on 2025-06-15, the write-off is
// dated that day, so INV-1 is 6,000.00 open on 2025-06-14 and settled from
// 2025-06-15, K1's exposure falls from 13,100.00 (6,000.00 + 1,000.00 USD ×
// 7.1) to 7,100.00, and the write-off fires R5 (K1 乙 → 丙).
func TestWriteOffOverGraphQL(t *testing.T) {
	now := shanghaiMorning("2025-06-12")
	a := newAPI(t, steppedClock(&now))
	p := a.seedApprovals()
	requested := `{"decision":"REQUESTED","role":"SALES_REP","actor":{"username":"rep"},"actedOn":"2025-06-12","comment":null}`

	t.Run("the request", func(t *testing.T) {
		a.wantBody(t, `mutation { requestWriteOff(invoiceNumber: "INV-1", amount: "6000", reason: "customer vanished") {`+
			writeOffFields+` } }`, p.rep,
			`{"data":{"requestWriteOff":{"id":"1","customer":{"code":"K1"},"invoiceNumber":"INV-1","currency":"CNY",`+
				`"amount":"6000.00","openBalance":"6000.00","reason":"customer vanished","status":"PENDING",`+
				`"requiredRoles":["GENERAL_MANAGER"],"awaitingRole":"GENERAL_MANAGER","requestedBy":{"username":"rep"},`+
				`"requestedOn":"2025-06-12","decidedBy":null,"decidedOn":null,"writeOffDate":null,"steps":[`+requested+`]}}}`)
	})

	t.Run("nobody but another general manager decides it", func(t *testing.T) {
		const approve = `mutation { approveWriteOff(id: "1") { status } }`
		a.refused(t, approve, p.rep, creditdesk.EFORBIDDEN, "", "") // the requester
		a.refused(t, approve, p.mgr, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, approve, p.fin, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, approve, p.analyst, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, `mutation { rejectWriteOff(id: "1", reason: "keep chasing") { status } }`, p.mgr, creditdesk.EFORBIDDEN, "", "")
		// A manager of another office does not see K1's request at all.
		a.refused(t, approve, p.mgrSH, creditdesk.ENOTFOUND, "", "")
		a.refused(t, `mutation { approveWriteOff(id: "x") { status } }`, p.gm, creditdesk.EINVALID, "id", "x")
		a.refused(t, `mutation { approveWriteOff(id: "0") { status } }`, p.gm, creditdesk.EINVALID, "id", "0")
		a.refused(t, `mutation { approveWriteOff(id: "999") { status } }`, p.gm, creditdesk.ENOTFOUND, "", "")
		// One pending write-off per invoice.
		a.refused(t, `mutation { requestWriteOff(invoiceNumber: "INV-1", amount: "1.00", reason: "again") { id } }`,
			p.fin, creditdesk.ECONFLICT, "", "")
	})

	t.Run("approved on 2025-06-15 by the general manager", func(t *testing.T) {
		now = shanghaiMorning("2025-06-15")
		a.wantBody(t, `mutation { approveWriteOff(id: "1", comment: "uncollectable") {`+writeOffFields+` } }`, p.gm,
			`{"data":{"approveWriteOff":{"id":"1","customer":{"code":"K1"},"invoiceNumber":"INV-1","currency":"CNY",`+
				`"amount":"6000.00","openBalance":"0.00","reason":"customer vanished","status":"APPROVED",`+
				`"requiredRoles":["GENERAL_MANAGER"],"awaitingRole":null,"requestedBy":{"username":"rep"},`+
				`"requestedOn":"2025-06-12","decidedBy":{"username":"gm"},"decidedOn":"2025-06-15","writeOffDate":"2025-06-15",`+
				`"steps":[`+requested+`,{"decision":"APPROVED","role":"GENERAL_MANAGER","actor":{"username":"gm"},`+
				`"actedOn":"2025-06-15","comment":"uncollectable"}]}}}`)
	})

	t.Run("the open balance, exposure and class before and after the write-off's date", func(t *testing.T) {
		const invoice = `edges { node { number currency openBalance openBase settledOn } }`
		a.wantBody(t, `{
			before: creditPosition(customerCode: "K1", asOf: "2025-06-14") { openReceivables exposure }
			after: creditPosition(customerCode: "K1", asOf: "2025-06-15") { openReceivables exposure }
			customer(code: "K1") {
				creditClass
				before: invoices(asOf: "2025-06-14") { `+invoice+` }
				after: invoices(asOf: "2025-06-15") { `+invoice+` }
				open: invoices(asOf: "2025-06-15", openOnly: true) { totalCount edges { node { number } } }
				classBefore: creditClassResult(asOf: "2025-06-14") { computedClass firedRules { rule } }
				classAfter: creditClassResult(asOf: "2025-06-15") { computedClass firedRules { rule } } } }`, nil,
			`{"data":{"before":{"openReceivables":"13100.00","exposure":"13100.00"},`+
				`"after":{"openReceivables":"7100.00","exposure":"7100.00"},`+
				`"customer":{"creditClass":"BING",`+
				`"before":{"edges":[`+
				`{"node":{"number":"INV-2","currency":"USD","openBalance":"1000.00","openBase":"7100.00","settledOn":null}},`+
				`{"node":{"number":"INV-1","currency":"CNY","openBalance":"6000.00","openBase":"6000.00","settledOn":null}}]},`+
				`"after":{"edges":[`+
				`{"node":{"number":"INV-2","currency":"USD","openBalance":"1000.00","openBase":"7100.00","settledOn":null}},`+
				`{"node":{"number":"INV-1","currency":"CNY","openBalance":"0.00","openBase":"0.00","settledOn":"2025-06-15"}}]},`+
				`"open":{"totalCount":1,"edges":[{"node":{"number":"INV-2"}}]},`+
				`"classBefore":{"computedClass":"YI","firedRules":[]},`+
				`"classAfter":{"computedClass":"BING","firedRules":[{"rule":"R5"}]}}}}`)

		var ledger struct{ Settlements, WriteOffs string }
		if err := a.db.NewRaw(`SELECT
				(SELECT string_agg(s.kind || ' ' || i.number || ' ' || s.date || ' ' || s.amount, ', ' ORDER BY s.id)
				 FROM settlements s JOIN invoices i ON i.id = s.invoice_id) AS settlements,
				(SELECT string_agg(w.date || ' ' || w.amount || ' ' || w.reason || ' ' || u.username, ', ')
				 FROM write_offs w JOIN users u ON u.id = w.approved_by) AS write_offs`).Scan(t.Context(), &ledger); err != nil {
			t.Fatal(err)
		}
		if ledger.Settlements != "PAYMENT INV-1 2025-05-10 4000.00, WRITE_OFF INV-1 2025-06-15 6000.00" ||
			ledger.WriteOffs != "2025-06-15 6000.00 customer vanished gm" {
			t.Errorf("ledger: %+v", ledger)
		}
	})

	t.Run("a decided request cannot be decided again", func(t *testing.T) {
		resp := a.refused(t, `mutation { approveWriteOff(id: "1") { status } }`, p.gm, creditdesk.ECONFLICT, "", "")
		if !strings.Contains(resp.raw, "already approved") {
			t.Errorf("message: %s", resp.raw)
		}
		a.refused(t, `mutation { rejectWriteOff(id: "1", reason: "changed my mind") { status } }`, nil, creditdesk.ECONFLICT, "", "")
		// Nothing is left to write off.
		a.refused(t, `mutation { requestWriteOff(invoiceNumber: "INV-1", amount: "0.01", reason: "rounding") { id } }`,
			p.rep, creditdesk.EINVALID, "amount", "0.01")
	})
}

// TestWriteOffRequestRefusedOverGraphQL: a write-off is above zero, at most
// the open balance in the invoice's currency (6,000.00 CNY on INV-1, 1,000.00
// USD on INV-2), with 2 decimals and a reason, of an invoice the requester
// sees; analysts make no requests. Each refusal changes nothing.
func TestWriteOffRequestRefusedOverGraphQL(t *testing.T) {
	a := newAPI(t, frozenAt(shanghaiMorning("2025-06-12")))
	p := a.seedApprovals()
	req := func(invoice, amount, reason string) string {
		return fmt.Sprintf(`mutation { requestWriteOff(invoiceNumber: %q, amount: %q, reason: %q) { id } }`, invoice, amount, reason)
	}

	for _, tc := range []struct {
		name, invoice, amount, reason string
		actor                         *creditdesk.User
		code, field, value            string
	}{
		{"above the open balance", "INV-1", "6000.01", "gone", p.rep, creditdesk.EINVALID, "amount", "6000.01"},
		{"above the open balance in USD", "INV-2", "1000.01", "gone", p.rep, creditdesk.EINVALID, "amount", "1000.01"},
		{"zero", "INV-1", "0.00", "gone", p.rep, creditdesk.EINVALID, "amount", "0.00"},
		{"negative", "INV-1", "-100.00", "gone", p.rep, creditdesk.EINVALID, "amount", "-100.00"},
		{"negative below a cent", "INV-1", "-0.001", "gone", p.rep, creditdesk.EINVALID, "amount", "-0.001"},
		{"more than 2 decimals", "INV-1", "10.001", "gone", p.rep, creditdesk.EINVALID, "amount", "10.001"},
		{"no reason", "INV-1", "10.00", "  ", p.rep, creditdesk.EINVALID, "reason", "  "},
		{"unknown invoice", "INV-404", "10.00", "gone", p.rep, creditdesk.ENOTFOUND, "", ""},
		{"another rep's customer's invoice", "INV-9", "10.00", "gone", p.rep, creditdesk.ENOTFOUND, "", ""},
		{"an analyst", "INV-1", "10.00", "gone", p.analyst, creditdesk.EFORBIDDEN, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.refused(t, req(tc.invoice, tc.amount, tc.reason), tc.actor, tc.code, tc.field, tc.value)
			if tc.name == "above the open balance" && !strings.Contains(resp.raw, "6000.00") {
				t.Errorf("the message does not say the open balance: %s", resp.raw)
			}
		})
	}

	t.Run("exactly the open balance, in the invoice's currency", func(t *testing.T) {
		a.wantBody(t, `mutation { requestWriteOff(invoiceNumber: "INV-2", amount: "1000", reason: "importer closed") {
			currency amount openBalance requestedBy { username role } steps { decision role } } }`, p.fin,
			`{"data":{"requestWriteOff":{"currency":"USD","amount":"1000.00","openBalance":"1000.00",`+
				`"requestedBy":{"username":"fin","role":"FINANCE"},"steps":[{"decision":"REQUESTED","role":"FINANCE"}]}}}`)
	})
}

// TestWriteOffRejectionAndListOverGraphQL: a rejection needs the general
// manager and a reason and posts nothing; a partial write-off of 250.50 USD
// on INV-2 leaves 749.50 USD open, 5,321.45 base (749.50 × 7.1); a payment
// made after a request leaves too little to write off (CONFLICT); the list
// filters by status and pages newest first.
func TestWriteOffRejectionAndListOverGraphQL(t *testing.T) {
	a := newAPI(t, frozenAt(shanghaiMorning("2025-06-12")))
	p := a.seedApprovals()

	a.wantBody(t, `mutation { requestWriteOff(invoiceNumber: "INV-2", amount: "250.5", reason: "disputed freight") {
		id amount currency openBalance status } }`, p.rep,
		`{"data":{"requestWriteOff":{"id":"1","amount":"250.50","currency":"USD","openBalance":"1000.00","status":"PENDING"}}}`)

	t.Run("a rejection", func(t *testing.T) {
		a.refused(t, `mutation { rejectWriteOff(id: "1", reason: " ") { status } }`, p.gm, creditdesk.EINVALID, "reason", " ")
		a.refused(t, `mutation { rejectWriteOff(id: "1", reason: "mine") { status } }`, p.rep, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, `mutation { rejectWriteOff(id: "1", reason: "no") { status } }`, p.mgr, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, `mutation { rejectWriteOff(id: "x", reason: "no") { status } }`, p.gm, creditdesk.EINVALID, "id", "x")
		a.wantBody(t, `mutation { rejectWriteOff(id: "1", reason: "freight refund agreed instead") {`+writeOffFields+` } }`, p.gm,
			`{"data":{"rejectWriteOff":{"id":"1","customer":{"code":"K1"},"invoiceNumber":"INV-2","currency":"USD",`+
				`"amount":"250.50","openBalance":"1000.00","reason":"disputed freight","status":"REJECTED",`+
				`"requiredRoles":["GENERAL_MANAGER"],"awaitingRole":null,"requestedBy":{"username":"rep"},`+
				`"requestedOn":"2025-06-12","decidedBy":{"username":"gm"},"decidedOn":"2025-06-12","writeOffDate":null,`+
				`"steps":[{"decision":"REQUESTED","role":"SALES_REP","actor":{"username":"rep"},"actedOn":"2025-06-12","comment":null},`+
				`{"decision":"REJECTED","role":"GENERAL_MANAGER","actor":{"username":"gm"},"actedOn":"2025-06-12",`+
				`"comment":"freight refund agreed instead"}]}}}`)
		if got := a.approvalState(); !strings.Contains(got, "write_offs 0 | settlements 1 |") {
			t.Errorf("a rejection posted something: %s", got)
		}
		a.refused(t, `mutation { approveWriteOff(id: "1") { status } }`, p.gm, creditdesk.ECONFLICT, "", "")
	})

	t.Run("a partial write-off in USD", func(t *testing.T) {
		a.wantBody(t, `mutation { requestWriteOff(invoiceNumber: "INV-2", amount: "250.50", reason: "disputed freight, second look") {
			id requestedBy { username } } }`, nil,
			`{"data":{"requestWriteOff":{"id":"2","requestedBy":{"username":"admin"}}}}`)
		// admin is a general manager too, but not for its own request.
		a.refused(t, `mutation { approveWriteOff(id: "2") { status } }`, nil, creditdesk.EFORBIDDEN, "", "")
		a.wantBody(t, `mutation { approveWriteOff(id: "2") { status amount openBalance writeOffDate decidedBy { username } } }`, p.gm,
			`{"data":{"approveWriteOff":{"status":"APPROVED","amount":"250.50","openBalance":"749.50","writeOffDate":"2025-06-12",`+
				`"decidedBy":{"username":"gm"}}}}`)
		a.wantBody(t, `{ creditPosition(customerCode: "K1", asOf: "2025-06-12") { openReceivables }
			customer(code: "K1") { invoices(asOf: "2025-06-12") { edges { node { number openBalance openBase settledOn } } } } }`, nil,
			`{"data":{"creditPosition":{"openReceivables":"11321.45"},"customer":{"invoices":{"edges":[`+
				`{"node":{"number":"INV-2","openBalance":"749.50","openBase":"5321.45","settledOn":null}},`+
				`{"node":{"number":"INV-1","openBalance":"6000.00","openBase":"6000.00","settledOn":null}}]}}}}`)
	})

	t.Run("a payment after the request leaves too little to write off", func(t *testing.T) {
		a.wantBody(t, `mutation { requestWriteOff(invoiceNumber: "INV-1", amount: "6000.00", reason: "customer vanished") { id } }`,
			p.rep, `{"data":{"requestWriteOff":{"id":"3"}}}`)
		a.wantBody(t, `mutation { recordPayment(input: {customerCode: "K1", reference: "PAY-2", date: "2025-06-12", method: TRANSFER,
			amount: "100", allocations: [{invoiceNumber: "INV-1", amount: "100"}], idempotencyKey: "pay-2"}) { allocated } }`, nil,
			`{"data":{"recordPayment":{"allocated":"100.00"}}}`)
		// INV-1 now has 5,900.00 open, below the 6,000.00 asked for.
		a.refused(t, `mutation { approveWriteOff(id: "3") { status } }`, p.gm, creditdesk.ECONFLICT, "", "")
	})

	t.Run("the list", func(t *testing.T) {
		const node = `node { id status customer { code name } invoiceNumber currency amount openBalance decidedBy { username } writeOffDate }`
		n3 := `{"node":{"id":"3","status":"PENDING","customer":{"code":"K1","name":"客户一"},"invoiceNumber":"INV-1","currency":"CNY",` +
			`"amount":"6000.00","openBalance":"5900.00","decidedBy":null,"writeOffDate":null}}`
		n2 := `{"node":{"id":"2","status":"APPROVED","customer":{"code":"K1","name":"客户一"},"invoiceNumber":"INV-2","currency":"USD",` +
			`"amount":"250.50","openBalance":"749.50","decidedBy":{"username":"gm"},"writeOffDate":"2025-06-12"}}`
		n1 := `{"node":{"id":"1","status":"REJECTED","customer":{"code":"K1","name":"客户一"},"invoiceNumber":"INV-2","currency":"USD",` +
			`"amount":"250.50","openBalance":"749.50","decidedBy":{"username":"gm"},"writeOffDate":null}}`
		list := func(args string) string {
			return `{ writeOffRequests` + args + ` { totalCount pageInfo { hasNextPage } edges { ` + node + ` } } }`
		}
		page := func(total int, next bool, edges ...string) string {
			return fmt.Sprintf(`{"data":{"writeOffRequests":{"totalCount":%d,"pageInfo":{"hasNextPage":%t},"edges":[%s]}}}`,
				total, next, strings.Join(edges, ","))
		}
		a.wantBody(t, list(""), nil, page(3, false, n3, n2, n1))
		a.wantBody(t, list("(status: PENDING)"), nil, page(1, false, n3))
		a.wantBody(t, list("(status: APPROVED)"), nil, page(1, false, n2))
		a.wantBody(t, list("(status: REJECTED)"), nil, page(1, false, n1))
		a.wantBody(t, list("(first: 2)"), nil, page(3, true, n3, n2))
		end := a.post(`{ writeOffRequests(first: 2) { pageInfo { endCursor } } }`).at("writeOffRequests.pageInfo.endCursor")
		a.wantBody(t, list(fmt.Sprintf("(first: 2, after: %q)", end)), nil, page(3, false, n1))
		a.wantBody(t, list(`(filter: {codes: ["K2"]})`), nil, page(0, false))
		a.wantBody(t, list(""), p.rep, page(3, false, n3, n2, n1))
		a.wantBody(t, list(""), p.mgrSH, page(0, false))
		a.refused(t, list(`(after: "not-a-cursor")`), nil, creditdesk.EINVALID, "", "")
	})
}

const overrideFields = `id customer { code } creditClass reason status requiredRoles awaitingRole
	requestedBy { username } requestedOn decidedBy { username } decidedOn effectiveUntil
	steps { decision role actor { username } actedOn comment }`

// TestCreditClassOverrideOverGraphQL: the rep asks on 2025-05-14 for 甲 to
// expand trade; a manager of K1's office approves on 2025-05-15 (000
// 第九条2), so K1 is 甲 from then to 2025-06-30, the end of 2025Q2, while it
// still computes as 乙; a second request is rejected with a reason.
func TestCreditClassOverrideOverGraphQL(t *testing.T) {
	now := shanghaiMorning("2025-05-14")
	a := newAPI(t, steppedClock(&now))
	p := a.seedApprovals()
	requested := `{"decision":"REQUESTED","role":"SALES_REP","actor":{"username":"rep"},"actedOn":"2025-05-14","comment":null}`

	a.wantBody(t, `mutation { requestCreditClassOverride(customerCode: "K1", class: JIA, reason: "strategic account: expand trade") {`+
		overrideFields+` } }`, p.rep,
		`{"data":{"requestCreditClassOverride":{"id":"1","customer":{"code":"K1"},"creditClass":"JIA",`+
			`"reason":"strategic account: expand trade","status":"PENDING","requiredRoles":["MANAGER"],"awaitingRole":"MANAGER",`+
			`"requestedBy":{"username":"rep"},"requestedOn":"2025-05-14","decidedBy":null,"decidedOn":null,"effectiveUntil":null,`+
			`"steps":[`+requested+`]}}}`)

	t.Run("refused", func(t *testing.T) {
		const approve = `mutation { approveCreditClassOverride(id: "1") { status } }`
		a.refused(t, approve, p.rep, creditdesk.EFORBIDDEN, "", "") // the requester
		a.refused(t, approve, p.fin, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, approve, p.analyst, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, `mutation { rejectCreditClassOverride(id: "1", reason: "no") { status } }`, p.rep, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, approve, p.mgrSH, creditdesk.ENOTFOUND, "", "")
		a.refused(t, `mutation { approveCreditClassOverride(id: "abc") { status } }`, p.mgr, creditdesk.EINVALID, "id", "abc")
		a.refused(t, `mutation { approveCreditClassOverride(id: "999") { status } }`, p.mgr, creditdesk.ENOTFOUND, "", "")
		// Request 1 is an override, not a write-off.
		a.refused(t, `mutation { approveWriteOff(id: "1") { status } }`, p.gm, creditdesk.ENOTFOUND, "", "")
		a.refused(t, `mutation { requestCreditClassOverride(customerCode: "K1", class: YI, reason: "again") { id } }`,
			p.mgr, creditdesk.ECONFLICT, "", "")
		a.refused(t, `mutation { requestCreditClassOverride(customerCode: "K404", class: YI, reason: "x") { id } }`,
			p.mgr, creditdesk.ENOTFOUND, "", "")
		a.refused(t, `mutation { requestCreditClassOverride(customerCode: "K2", class: JIA, reason: "x") { id } }`,
			p.mgr, creditdesk.ENOTFOUND, "", "") // K2 is 上海's
		a.refused(t, `mutation { requestCreditClassOverride(customerCode: "K2", class: JIA, reason: "") { id } }`,
			p.gm, creditdesk.EINVALID, "reason", "")
		a.refused(t, `mutation { requestCreditClassOverride(customerCode: "K2", class: JIA, reason: "x") { id } }`,
			p.analyst, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, `mutation { requestCreditClassOverride(customerCode: "K2", class: GOLD, reason: "x") { id } }`,
			p.gm, creditdesk.EINVALID, "", "")
	})

	t.Run("approved by the manager, until the end of the quarter", func(t *testing.T) {
		now = shanghaiMorning("2025-05-15")
		a.wantBody(t, `mutation { approveCreditClassOverride(id: "1", comment: "checked the pipeline") {`+overrideFields+` } }`, p.mgr,
			`{"data":{"approveCreditClassOverride":{"id":"1","customer":{"code":"K1"},"creditClass":"JIA",`+
				`"reason":"strategic account: expand trade","status":"APPROVED","requiredRoles":["MANAGER"],"awaitingRole":null,`+
				`"requestedBy":{"username":"rep"},"requestedOn":"2025-05-14","decidedBy":{"username":"mgr"},"decidedOn":"2025-05-15",`+
				`"effectiveUntil":"2025-06-30","steps":[`+requested+`,{"decision":"APPROVED","role":"MANAGER",`+
				`"actor":{"username":"mgr"},"actedOn":"2025-05-15","comment":"checked the pipeline"}]}}}`)
		const class = `{ computedClass effectiveClass }`
		a.wantBody(t, `{ customer(code: "K1") { creditClass
			history { edges { node { field oldValue newValue reason changedBy { username } approvedBy { username } } } }
			d0514: creditClassResult(asOf: "2025-05-14") `+class+`
			d0515: creditClassResult(asOf: "2025-05-15") `+class+`
			d0630: creditClassResult(asOf: "2025-06-30") `+class+`
			d0701: creditClassResult(asOf: "2025-07-01") `+class+` } }`, nil,
			`{"data":{"customer":{"creditClass":"JIA","history":{"edges":[{"node":{"field":"creditClass","oldValue":null,"newValue":"JIA",`+
				`"reason":"credit class override 1 until 2025-06-30: strategic account: expand trade",`+
				`"changedBy":{"username":"rep"},"approvedBy":{"username":"mgr"}}}]},`+
				`"d0514":{"computedClass":"YI","effectiveClass":"YI"},"d0515":{"computedClass":"YI","effectiveClass":"JIA"},`+
				`"d0630":{"computedClass":"YI","effectiveClass":"JIA"},"d0701":{"computedClass":"YI","effectiveClass":"YI"}}}}`)
		a.refused(t, `mutation { approveCreditClassOverride(id: "1") { status } }`, p.gm, creditdesk.ECONFLICT, "", "")
		a.refused(t, `mutation { rejectCreditClassOverride(id: "1", reason: "too late") { status } }`, p.mgr, creditdesk.ECONFLICT, "", "")
	})

	t.Run("rejected by the manager with a reason", func(t *testing.T) {
		a.wantBody(t, `mutation { requestCreditClassOverride(customerCode: "K1", class: BING, reason: "payments slipping") { id } }`,
			p.rep, `{"data":{"requestCreditClassOverride":{"id":"2"}}}`)
		a.refused(t, `mutation { rejectCreditClassOverride(id: "2", reason: "  ") { status } }`, p.mgr, creditdesk.EINVALID, "reason", "  ")
		a.wantBody(t, `mutation { rejectCreditClassOverride(id: "2", reason: "no evidence yet") {`+overrideFields+` } }`, p.mgr,
			`{"data":{"rejectCreditClassOverride":{"id":"2","customer":{"code":"K1"},"creditClass":"BING",`+
				`"reason":"payments slipping","status":"REJECTED","requiredRoles":["MANAGER"],"awaitingRole":null,`+
				`"requestedBy":{"username":"rep"},"requestedOn":"2025-05-15","decidedBy":{"username":"mgr"},"decidedOn":"2025-05-15",`+
				`"effectiveUntil":null,"steps":[{"decision":"REQUESTED","role":"SALES_REP","actor":{"username":"rep"},`+
				`"actedOn":"2025-05-15","comment":null},{"decision":"REJECTED","role":"MANAGER","actor":{"username":"mgr"},`+
				`"actedOn":"2025-05-15","comment":"no evidence yet"}]}}}`)
		a.wantBody(t, `{ customer(code: "K1") { creditClass history { totalCount } } }`, nil,
			`{"data":{"customer":{"creditClass":"JIA","history":{"totalCount":1}}}}`)
	})

	t.Run("the list", func(t *testing.T) {
		list := func(args string) string {
			return `{ creditClassOverrides` + args + ` { totalCount edges { node { id status creditClass customer { code } effectiveUntil } } } }`
		}
		o2 := `{"node":{"id":"2","status":"REJECTED","creditClass":"BING","customer":{"code":"K1"},"effectiveUntil":null}}`
		o1 := `{"node":{"id":"1","status":"APPROVED","creditClass":"JIA","customer":{"code":"K1"},"effectiveUntil":"2025-06-30"}}`
		page := func(total int, edges ...string) string {
			return fmt.Sprintf(`{"data":{"creditClassOverrides":{"totalCount":%d,"edges":[%s]}}}`, total, strings.Join(edges, ","))
		}
		a.wantBody(t, list(""), nil, page(2, o2, o1))
		a.wantBody(t, list("(status: APPROVED)"), nil, page(1, o1))
		a.wantBody(t, list("(status: REJECTED)"), nil, page(1, o2))
		a.wantBody(t, list("(status: PENDING)"), nil, page(0))
		a.wantBody(t, list(""), p.mgrSH, page(0))
	})
}

const limitRequestFields = `id customer { code } amount exception reason status requiredRoles awaitingRole policyVersion
	requestedBy { username } requestedOn decidedBy { username } decidedOn
	steps { decision role actor { username } actedOn comment }`

// TestRejectCreditLimitRequestOverGraphQL: K1's limit is 3,000,000.00. A
// request for 4,000,000.00 (at most the 5,000,000.00 cap: a manager decides)
// is rejected by the manager; one for 6,000,000.00 (above the cap) passes
// the manager and is rejected by the general manager (DOMAIN.md §3). The
// limit never changes, every step is recorded, and a rejected request is
// decided for good.
func TestRejectCreditLimitRequestOverGraphQL(t *testing.T) {
	a := newAPI(t, frozenAt(shanghaiMorning("2025-06-20")))
	p := a.seedApprovals()
	a.wantBody(t, `mutation { requestCreditLimit(customerCode: "K1", amount: "4000000", reason: "orders up 30% this season") { id } }`,
		p.rep, `{"data":{"requestCreditLimit":{"id":"1"}}}`)

	t.Run("refused", func(t *testing.T) {
		const reject = `mutation { rejectCreditLimitRequest(id: "1", reason: "no") { status } }`
		a.refused(t, `mutation { rejectCreditLimitRequest(id: "1", reason: "") { status } }`, p.mgr, creditdesk.EINVALID, "reason", "")
		a.refused(t, reject, p.rep, creditdesk.EFORBIDDEN, "", "") // the requester
		a.refused(t, reject, p.fin, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, reject, p.analyst, creditdesk.EFORBIDDEN, "", "")
		a.refused(t, reject, p.mgrSH, creditdesk.ENOTFOUND, "", "")
		a.refused(t, `mutation { rejectCreditLimitRequest(id: "-1", reason: "no") { status } }`, p.mgr, creditdesk.EINVALID, "id", "-1")
		a.refused(t, `mutation { rejectCreditLimitRequest(id: "2", reason: "no") { status } }`, p.mgr, creditdesk.ENOTFOUND, "", "")
	})

	t.Run("rejected by the manager", func(t *testing.T) {
		a.wantBody(t, `mutation { rejectCreditLimitRequest(id: "1", reason: "no collateral") {`+limitRequestFields+` } }`, p.mgr,
			`{"data":{"rejectCreditLimitRequest":{"id":"1","customer":{"code":"K1"},"amount":"4000000.00","exception":false,`+
				`"reason":"orders up 30% this season","status":"REJECTED","requiredRoles":["MANAGER"],"awaitingRole":null,`+
				`"policyVersion":1,"requestedBy":{"username":"rep"},"requestedOn":"2025-06-20","decidedBy":{"username":"mgr"},`+
				`"decidedOn":"2025-06-20","steps":[{"decision":"REQUESTED","role":"SALES_REP","actor":{"username":"rep"},`+
				`"actedOn":"2025-06-20","comment":null},{"decision":"REJECTED","role":"MANAGER","actor":{"username":"mgr"},`+
				`"actedOn":"2025-06-20","comment":"no collateral"}]}}}`)
		a.wantBody(t, `{ customer(code: "K1") { creditLimit history { totalCount } } }`, nil,
			`{"data":{"customer":{"creditLimit":"3000000.00","history":{"totalCount":0}}}}`)
		a.refused(t, `mutation { rejectCreditLimitRequest(id: "1", reason: "again") { status } }`, p.gm, creditdesk.ECONFLICT, "", "")
		a.refused(t, `mutation { approveCreditLimitRequest(id: "1") { status } }`, p.gm, creditdesk.ECONFLICT, "", "")
	})

	t.Run("above the cap: approved by the manager, rejected by the general manager", func(t *testing.T) {
		a.wantBody(t, `mutation { requestCreditLimit(customerCode: "K1", amount: "6000000", reason: "new plant") { id requiredRoles } }`,
			p.rep, `{"data":{"requestCreditLimit":{"id":"2","requiredRoles":["MANAGER","GENERAL_MANAGER"]}}}`)
		a.wantBody(t, `mutation { approveCreditLimitRequest(id: "2", comment: "plant visited") { status awaitingRole } }`, p.mgr,
			`{"data":{"approveCreditLimitRequest":{"status":"PENDING","awaitingRole":"GENERAL_MANAGER"}}}`)
		// The step now awaits the general manager.
		a.refused(t, `mutation { rejectCreditLimitRequest(id: "2", reason: "no") { status } }`, p.mgr, creditdesk.EFORBIDDEN, "", "")
		a.wantBody(t, `mutation { rejectCreditLimitRequest(id: "2", reason: "above what the guarantees cover") {`+limitRequestFields+` } }`,
			p.gm,
			`{"data":{"rejectCreditLimitRequest":{"id":"2","customer":{"code":"K1"},"amount":"6000000.00","exception":false,`+
				`"reason":"new plant","status":"REJECTED","requiredRoles":["MANAGER","GENERAL_MANAGER"],"awaitingRole":null,`+
				`"policyVersion":1,"requestedBy":{"username":"rep"},"requestedOn":"2025-06-20","decidedBy":{"username":"gm"},`+
				`"decidedOn":"2025-06-20","steps":[{"decision":"REQUESTED","role":"SALES_REP","actor":{"username":"rep"},`+
				`"actedOn":"2025-06-20","comment":null},{"decision":"APPROVED","role":"MANAGER","actor":{"username":"mgr"},`+
				`"actedOn":"2025-06-20","comment":"plant visited"},{"decision":"REJECTED","role":"GENERAL_MANAGER",`+
				`"actor":{"username":"gm"},"actedOn":"2025-06-20","comment":"above what the guarantees cover"}]}}}`)
		a.wantBody(t, `{ customer(code: "K1") { creditLimit history { totalCount } }
			rejected: creditLimitRequests(status: REJECTED) { totalCount edges { node { id amount decidedBy { username } } } }
			pending: creditLimitRequests(status: PENDING) { totalCount } }`, nil,
			`{"data":{"customer":{"creditLimit":"3000000.00","history":{"totalCount":0}},`+
				`"rejected":{"totalCount":2,"edges":[{"node":{"id":"2","amount":"6000000.00","decidedBy":{"username":"gm"}}},`+
				`{"node":{"id":"1","amount":"4000000.00","decidedBy":{"username":"mgr"}}}]},"pending":{"totalCount":0}}}`)
	})
}
