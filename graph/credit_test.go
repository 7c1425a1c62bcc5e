package graph_test

import (
	"strconv"
	"strings"
	"testing"

	"creditdesk/internal/postgres"
)

// seedCredit writes a small ledger, worked by hand as of 2025-06-30:
//
//	A001 (limit 100,000, rep r1): A1 50,000 shipped 03-01, due 04-30, paid
//	     20,000 on 05-10 (open 30,000, 61 days overdue); A2 10,000 due 06-30
//	     (current); A3 25,000 (shipped 04-02) and A4 14,000 (shipped 04-15)
//	     settled by bank acceptance NA1 39,000 received 06-01, maturing
//	     09-01, held; cheque CH1 500, matured 06-20 and still held (present
//	     by 06-26). Exposure 40,000 + 39,000 + 500 = 79,500: 0.795, OK.
//	C003 (no limit, no rep): USD invoices at 7.1, C1 200.10 paid 100.05 on
//	     06-20 and C2 100.05, each open 100.05 × 7.1 = 710.355 → 710.36:
//	     exposure 1,420.72, EXCEEDED, utilisation null.
func (a *api) seedCredit() {
	a.exec(`
		INSERT INTO offices (code, name) VALUES ('HZ', '杭州办事处');
		INSERT INTO users (username, name, role, office_id) VALUES ('r1', 'Rep One', 'SALES_REP', (SELECT id FROM offices));
		INSERT INTO products (code, name) VALUES ('P1', 'Product 1');
		INSERT INTO customers (code, name, industry, office_id, rep_id, credit_limit) VALUES
			('A001', '甲客户', 'REGIONAL_ELECTRICAL', (SELECT id FROM offices), (SELECT id FROM users WHERE username = 'r1'), 100000),
			('C003', '丙客户', 'OTHER', (SELECT id FROM offices), NULL, NULL);
		INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT v.number, c.id, v.ship::date, v.ship::date, v.due::date, v.cur, v.amount, v.rate, round(v.amount * v.rate, 2)
		FROM (VALUES ('A1', 'A001', '2025-03-01', '2025-04-30', 'CNY', 50000.00, 1.0),
		             ('A2', 'A001', '2025-05-01', '2025-06-30', 'CNY', 10000.00, 1.0),
		             ('A3', 'A001', '2025-04-02', '2025-06-01', 'CNY', 25000.00, 1.0),
		             ('A4', 'A001', '2025-04-15', '2025-06-14', 'CNY', 14000.00, 1.0),
		             ('C1', 'C003', '2025-06-01', '2025-07-31', 'USD', 200.10, 7.1),
		             ('C2', 'C003', '2025-06-05', '2025-08-04', 'USD', 100.05, 7.1)) v(number, code, ship, due, cur, amount, rate)
		JOIN customers c ON c.code = v.code;
		INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount, cost_amount, currency, exchange_rate, base_amount)
		SELECT i.customer_id, (SELECT id FROM products), i.ship_date, 1, i.amount, i.amount, 0, 'CNY', 1, i.amount
		FROM invoices i WHERE i.number IN ('A1', 'A2', 'A3', 'A4');
		INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount) VALUES
			('PA1', (SELECT id FROM customers WHERE code = 'A001'), '2025-05-10', 'TRANSFER', 'CNY', 20000, 1, 20000),
			('PC1', (SELECT id FROM customers WHERE code = 'C003'), '2025-06-20', 'TRANSFER', 'USD', 100.05, 7.1, 710.36);
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
		SELECT i.id, i.customer_id, 'PAYMENT', p.date, p.amount, p.id
		FROM payments p JOIN invoices i ON i.number = CASE p.reference WHEN 'PA1' THEN 'A1' ELSE 'C1' END;
		INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date, amount, status, status_date) VALUES
			('NA1', 'BANK_ACCEPTANCE', (SELECT id FROM customers WHERE code = 'A001'), '2025-06-01', '2025-06-01', '2025-09-01', 39000, 'HELD', '2025-06-01'),
			('CH1', 'CHEQUE', (SELECT id FROM customers WHERE code = 'A001'), '2025-06-01', '2025-06-01', '2025-06-20', 500, 'HELD', '2025-06-01');
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, note_id)
		SELECT i.id, i.customer_id, 'NOTE', '2025-06-01', i.amount, (SELECT id FROM notes WHERE number = 'NA1')
		FROM invoices i WHERE i.number IN ('A3', 'A4');`)
}

func TestCreditPositionAPI(t *testing.T) {
	a := newAPI(t)
	a.seedCredit()
	for _, tc := range []struct{ name, query, want string }{
		{"a position, as of today in Shanghai", `{ creditPosition(customerCode: "A001") {
			customer { code } asOf policyVersion openReceivables unsettledNotes exposure creditLimit utilization alert warnRatio } }`,
			`{"data":{"creditPosition":{"customer":{"code":"A001"},"asOf":"2025-06-30","policyVersion":1,` +
				`"openReceivables":"40000.00","unsettledNotes":"39500.00","exposure":"79500.00","creditLimit":"100000.00",` +
				`"utilization":"0.795000","alert":"OK","warnRatio":"0.900000"}}}`},
		{"no limit: EXCEEDED, utilisation null", `{ creditPosition(customerCode: "C003", asOf: "2025-06-30") {
			exposure creditLimit utilization alert } }`,
			`{"data":{"creditPosition":{"exposure":"1420.72","creditLimit":null,"utilization":null,"alert":"EXCEEDED"}}}`},
		{"the list, most utilised first, paged", `{ creditPositions(first: 1) {
			totalCount asOf policyVersion pageInfo { hasNextPage } edges { node { customer { code } alert } } } }`,
			`{"data":{"creditPositions":{"totalCount":2,"asOf":"2025-06-30","policyVersion":1,"pageInfo":{"hasNextPage":true},` +
				`"edges":[{"node":{"customer":{"code":"C003"},"alert":"EXCEEDED"}}]}}}`},
		{"ordered by exposure, alert OK", `{ creditPositions(alert: OK, orderBy: {field: EXPOSURE}) {
			totalCount edges { node { customer { code } exposure } } } }`,
			`{"data":{"creditPositions":{"totalCount":1,"edges":[{"node":{"customer":{"code":"A001"},"exposure":"79500.00"}}]}}}`},
		{"a credit check that warns", `{ creditCheck(customerCode: "A001", amount: "10500") {
			decision exposureAfter utilizationAfter policyVersion reasons position { exposure } } }`,
			`{"data":{"creditCheck":{"decision":"WARN","exposureAfter":"90000.00","utilizationAfter":"0.900000","policyVersion":1,` +
				`"reasons":["exposure after the order 90000.00 is 90.00% of the credit limit 100000.00, at or above the warning ratio 90.00%"],` +
				`"position":{"exposure":"79500.00"}}}}`},
		{"a credit check without a limit", `{ creditCheck(customerCode: "C003", amount: 1) { decision reasons } }`,
			`{"data":{"creditCheck":{"decision":"BLOCK","reasons":["the customer has no credit limit"]}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.post(tc.query).raw; got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, query, code string }{
		{"a float amount", `{ creditCheck(customerCode: "A001", amount: 1.5) { decision } }`, "BAD_USER_INPUT"},
		{"a negative amount", `{ creditCheck(customerCode: "A001", amount: "-1") { decision } }`, "BAD_USER_INPUT"},
		{"an unknown customer", `{ creditPosition(customerCode: "NOPE") { alert } }`, "NOT_FOUND"},
		{"a page over 1000", `{ creditPositions(first: 1001) { totalCount } }`, "BAD_USER_INPUT"},
		{"a foreign cursor", `{ creditPositions(after: "bm9wZQ") { totalCount } }`, "BAD_USER_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := a.post(tc.query).raw
			if !strings.Contains(got, `"code":"`+tc.code+`"`) {
				t.Errorf("got %s, want an error %s", got, tc.code)
			}
		})
	}
}

func TestCreditReportsAPI(t *testing.T) {
	a := newAPI(t)
	a.seedCredit()
	for _, tc := range []struct{ name, query, want string }{
		// A001: A1 61 days overdue, A2 due today; C003 not due. DSO over
		// 04-02..06-30: sales A2 + A3 + A4 = 49,000; opening on 04-01 A1
		// 50,000: DSO 40/49 × 90 = 73.47, CEI 59/89 = 0.662921. C003 has no
		// sales: DSO null; CEI −1,420.72 / −1,420.72 = 1.
		{"ageing with the collection measures", `{ agingReport(asOf: "2025-06-30") {
			asOf buckets periodFrom rows { key label total amounts dso add cei } totals { key total amounts dso } } }`,
			`{"data":{"agingReport":{"asOf":"2025-06-30","buckets":["current","1-30","31-60","61-90","91-120","121+"],"periodFrom":"2025-04-02",` +
				`"rows":[{"key":"A001","label":"甲客户","total":"40000.00","amounts":["10000.00","0.00","0.00","30000.00","0.00","0.00"],` +
				`"dso":"73.47","add":"55.10","cei":"0.662921"},` +
				`{"key":"C003","label":"丙客户","total":"1420.72","amounts":["1420.72","0.00","0.00","0.00","0.00","0.00"],` +
				`"dso":null,"add":null,"cei":"1.000000"}],` +
				`"totals":{"key":"TOTAL","total":"41420.72","amounts":["11420.72","0.00","0.00","30000.00","0.00","0.00"],"dso":"76.08"}}}}`},
		{"ageing by rep with edges", `{ agingReport(asOf: "2025-06-30", groupBy: REP, edges: [60, 61]) {
			buckets rows { key label amounts } } }`,
			`{"data":{"agingReport":{"buckets":["current","1-60","61-61","62+"],"rows":[` +
				`{"key":"UNASSIGNED","label":"未分配业务员","amounts":["1420.72","0.00","0.00","0.00"]},` +
				`{"key":"r1","label":"Rep One","amounts":["10000.00","0.00","30000.00","0.00"]}]}}}`},
		{"collection breaches of May", `{ collectionBreaches(month: "2025-05") {
			month policyVersion lines { invoiceNumber customer { code } rep { username } crossedOn openAmount }
			reps { rep { username } charged reversed net } totals { charged net } } }`,
			`{"data":{"collectionBreaches":{"month":"2025-05","policyVersion":1,` +
				`"lines":[{"invoiceNumber":"A1","customer":{"code":"A001"},"rep":{"username":"r1"},"crossedOn":"2025-05-01","openAmount":"50000.00"}],` +
				`"reps":[{"rep":{"username":"r1"},"charged":"50000.00","reversed":"20000.00","net":"30000.00"}],` +
				`"totals":{"charged":"50000.00","net":"30000.00"}}}}`},
		{"note interest of June", `{ noteInterest(from: "2025-06-01", to: "2025-06-30") {
			total monthlyRate charges { noteNumber invoiceNumber allocated excessDays interest } } }`,
			`{"data":{"noteInterest":{"total":"355.34","monthlyRate":"0.01000000","charges":[` +
				`{"noteNumber":"NA1","invoiceNumber":"A3","allocated":"25000.00","excessDays":32,"interest":"266.67"},` +
				`{"noteNumber":"NA1","invoiceNumber":"A4","allocated":"14000.00","excessDays":19,"interest":"88.67"}]}}}`},
		{"limitation watch", `{ limitationWatch(asOf: "2025-06-30", withinDays: 700) {
			customer { code } overdueBalance lastDemandOn deadline daysLeft statutoryDeadline } }`,
			`{"data":{"limitationWatch":[{"customer":{"code":"A001"},"overdueBalance":"30000.00","lastDemandOn":null,` +
				`"deadline":"2027-04-30","daysLeft":669,"statutoryDeadline":"2028-04-30"}]}}`},
		{"the default window", `{ limitationWatch(asOf: "2025-06-30") { daysLeft } }`, `{"data":{"limitationWatch":[]}}`},
		{"cheques to present", `{ notesDueForPresentment { note { number } customer { code } presentBy daysLeft overdue } voidCheques { validUntil } }`,
			`{"data":{"notesDueForPresentment":[{"note":{"number":"CH1"},"customer":{"code":"A001"},"presentBy":"2025-06-26","daysLeft":-4,"overdue":true}],` +
				`"voidCheques":[]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.post(tc.query).raw; got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	for _, q := range []string{
		`{ agingReport(asOf: "2025-06-30", edges: []) { buckets } }`,
		`{ agingReport(asOf: "2025-06-30", edges: [30, 30]) { buckets } }`,
		`{ agingReport(asOf: "2025-06-30", edges: [0]) { buckets } }`,
		`{ noteInterest(from: "2025-06-30", to: "2025-06-01") { total } }`,
		`{ limitationWatch(asOf: "2025-06-30", withinDays: -1) { daysLeft } }`,
	} {
		t.Run("BAD_USER_INPUT "+q, func(t *testing.T) {
			if got := a.post(q).raw; !strings.Contains(got, `"code":"BAD_USER_INPUT"`) {
				t.Errorf("got %s", got)
			}
		})
	}
}

// Customer.creditPosition over a customer list goes through the request's
// loader: the same number of statements for 1 customer as for 50.
func TestCustomerCreditPositionLoader(t *testing.T) {
	a := newAPI(t)
	a.exec(`
		INSERT INTO offices (code, name) VALUES ('HZ', '杭州办事处');
		INSERT INTO customers (code, name, industry, office_id, credit_limit)
		SELECT 'K' || lpad(i::text, 3, '0'), '客户' || i, 'OTHER', (SELECT id FROM offices), 1000 * i
		FROM generate_series(1, 50) i;
		INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT 'I' || c.code, c.id, '2025-06-01', '2025-06-01', '2025-07-31', 'CNY', 950, 1, 950 FROM customers c`)
	query := func(n int) string {
		return `{ customers(first: ` + strconv.Itoa(n) + `, orderBy: {field: CODE}) {
			edges { node { code creditPosition(asOf: "2025-06-30") { exposure utilization alert } } } } }`
	}
	var one, fifty postgres.StatementCounter
	got1 := a.post(query(1), countedBy(&one)).raw
	got50 := a.post(query(50), countedBy(&fifty)).raw
	// K001: 950 of 1,000 = 0.95 APPROACHING; K050: 950 of 50,000.
	if !strings.Contains(got1, `{"code":"K001","creditPosition":{"exposure":"950.00","utilization":"0.950000","alert":"APPROACHING"}}`) {
		t.Errorf("1 customer: %s", got1)
	}
	if !strings.Contains(got50, `{"code":"K050","creditPosition":{"exposure":"950.00","utilization":"0.019000","alert":"OK"}}`) {
		t.Errorf("50 customers: %s", got50)
	}
	if one.Count() != fifty.Count() {
		t.Errorf("statements: %d for 1 customer, %d for 50", one.Count(), fifty.Count())
	}
}
