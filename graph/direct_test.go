package graph_test

import (
	"strings"
	"testing"
)

// TestDirectListsMatchExecutor: the lists the server renders itself
// (direct.go) come out byte for byte as gqlgen's executor renders them, for
// every field the direct writer knows, with aliases, fragments, @skip and
// @include, __typename, nulls and values in every nullable field, fields read
// through dataloaders at several levels, and lists it hands back to the
// executor because they select a field it does not know.
func TestDirectListsMatchExecutor(t *testing.T) {
	a := newAPI(t)
	a.seedAccount(4)
	// A second customer with every optional attribute set, so both the
	// null and the value of each nullable field are written.
	a.exec(`INSERT INTO customers (code, name, short_name, industry, relationship_class, demand_grade, dealer_type,
		    business_type, enterprise_nature, supervising_unit, head_office_address, address, website, founded_on,
		    registered_capital, employees, managers, office_id, rep_id, rep_assigned_on, credit_limit, requested_limit,
		    credit_class, dealer_class, dealer_class_quarter, guarantees, status, bankrupt, required_share, first_trade_on)
		SELECT 'K2', '客户"二"', '二', 'OTHER', 'KEY', 'A', 'EXCLUSIVE', 'RETAILER', '民营', '无', E'北京\n海淀',
		       '地址', 'https://k2.example', DATE '2001-02-03', 1234567.5, 12, 3, o.id, u.id, DATE '2024-05-06',
		       50000, 60000.25, 'YI', 'B', '2025Q1', '{}', 'ACTIVE', true, 0.125, DATE '2020-01-01'
		FROM offices o, users u WHERE u.username = 'mgr'`)
	a.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		SELECT 'K2-1', id, DATE '2025-05-01', DATE '2025-05-01', DATE '2025-05-31', 'USD', 10.5, 7.1234, 74.80 FROM customers WHERE code = 'K2';
		INSERT INTO sales_lines (invoice_id, customer_id, product_id, ship_date, quantity, unit_price, amount,
		    cost_amount, currency, exchange_rate, base_amount)
		SELECT i.id, i.customer_id, (SELECT min(id) FROM products), i.ship_date, 1, 10.5, 10.5, 7, 'USD', 7.1234, 74.80
		FROM invoices i WHERE i.number = 'K2-1';
		INSERT INTO inventory_snapshots (customer_id, product_id, month, opening, closing)
		SELECT c.id, (SELECT min(id) FROM products), DATE '2025-05-01', 3, 4 FROM customers c WHERE c.code = 'K2';
		INSERT INTO targets (customer_id, month, product_id, amount)
		SELECT c.id, DATE '2025-05-01', (SELECT min(id) FROM products), 100 FROM customers c WHERE c.code = 'K2';
		INSERT INTO products (code, name, category, unit_cost) VALUES ('PR-K2', '产品"K2"', '类一', 1.5);
		INSERT INTO sales_lines (invoice_id, customer_id, product_id, ship_date, quantity, unit_price, amount,
		    cost_amount, currency, exchange_rate, base_amount)
		SELECT i.id, i.customer_id, (SELECT id FROM products WHERE code = 'PR-K2'), i.ship_date, 2, 1, 2, 1, 'USD', 7.1234, 14.25
		FROM invoices i WHERE i.number = 'K2-1'`)
	executor := a.reference()

	const customerFields = `code name shortName industry relationshipClass demandGrade dealerType businessType
		enterpriseNature supervisingUnit headOfficeAddress address website foundedOn registeredCapital employees
		managers office { code name } rep { username name role office { code name } } repAssignedOn creditLimit
		requestedLimit creditClass dealerClass dealerClassQuarter status bankrupt requiredShare firstTradeOn createdAt`
	queries := map[string]string{
		"account page, every field": `{ customer(code: "K1") {
			contacts { __typename name title phone email }
			history(first: 10) { edges { cursor node { field oldValue newValue reason changedAt
				changedBy { username name role office { code name } } approvedBy { username } } } }
			invoices(first: 10, asOf: "2025-06-30") { edges { cursor node { number customer { ` + customerFields + ` }
				shipDate invoiceDate dueDate currency amount exchangeRate baseAmount openBalance openBase settledOn } } }
			payments(first: 10) { edges { cursor node { reference customer { code } date method currency amount
				exchangeRate baseAmount allocated unapplied } } }
			notes(first: 10) { edges { cursor node { number kind customer { code } drawer bank account endorsers
				issueDate receivedDate maturityDate amount status statusDate settledOn } } } } }`,
		"customer list, every field": `{ customers(first: 10) { edges { cursor node { ` + customerFields + ` } } } }`,
		"aliases, fragments, directives": `query($yes: Boolean = true) { customers(first: 10) { edges {
			c: cursor ...E node { __typename ... on Customer { code } n: name industry @skip(if: true)
			rep @include(if: $yes) { u: username } office @include(if: false) { code } } } } }
			fragment E on CustomerEdge { node { code creditLimit } }`,
		"ABC rows": `{ abcAnalysis(period: { from: "2025-01-01", to: "2025-12-31" }) { total rows {
			customer { ` + customerFields + ` } industry rank sales share cumulativeShare abcClass } } }`,
		"ageing rows": `{ agingReport(asOf: "2025-06-30", groupBy: CUSTOMER) { rows { key label total amounts
			notDue overdue openingReceivables sales dso bestPossibleDso add cei } } }`,
		"credit positions, every field": `{ creditPositions(asOf: "2025-06-30", first: 10) { totalCount edges { cursor
			node { customer { ` + customerFields + ` } asOf policyVersion openReceivables unsettledNotes exposure
			creditLimit utilization alert warnRatio } } } }`,
		"dealer scorecards, every field": `{ dealerScorecards(quarter: "2025Q2") { customer { ` + customerFields + ` }
			quarter dealerType metrics { __typename metric score weight } composite complete rank dealerClass
			supportPolicy sales target attainment rewardPoints policyVersion evaluationId evaluatedAt } }`,
		"metrics rows, every field": `{ metrics(input: { measures: [SALES, COST, GROSS_MARGIN, QUANTITY, INVOICE_COUNT,
			CUSTOMER_COUNT, OPEN_RECEIVABLES], dimensions: [OFFICE, REP, INDUSTRY, CREDIT_CLASS], grain: MONTH,
			period: { from: "2025-04-01", to: "2025-06-30" } }) { rows { __typename period periodStart periodEnd
			dimensions { __typename dimension key label } values { __typename measure value
			... on RatioMeasureValue { r: value } ... on MeasureValue { m: measure } ...V } }
			totals { values { measure value } } } }
			fragment V on CountMeasureValue { c: value }`,
		"product mix rows, every field": `{ productMix(period: { from: "2025-04-01", to: "2025-06-30" }) { total rows {
			__typename product { __typename code name category unitCost } rank sales share cumulativeShare cost
			grossProfit grossMargin averageInventory turnover crossRatio contributionRatio target attainment } } }`,
		"foreign-currency invoice": `{ customer(code: "K2") { invoices(first: 5, asOf: "2025-06-30") { edges { node {
			number amount exchangeRate baseAmount openBalance openBase } } } } }`,
		"a field the writer does not know": `{ customer(code: "K1") { payments(first: 10) { edges { node {
			reference allocations { amount } } } } } }`,
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			direct, reference := postTo(a.srv, q, requestConfig{}), postTo(executor, q, requestConfig{})
			if direct != reference {
				t.Fatalf("direct rendering differs from the executor's:\n direct:   %s\n executor: %s", direct, reference)
			}
			if strings.Contains(direct, `"errors"`) || !strings.Contains(direct, `"data":{`) {
				t.Fatalf("want data without errors, got %s", direct)
			}
		})
	}
	// The values the comparison covers are really there.
	all := postTo(a.srv, queries["customer list, every field"], requestConfig{}) + postTo(a.srv, queries["foreign-currency invoice"], requestConfig{}) +
		postTo(a.srv, queries["credit positions, every field"], requestConfig{}) +
		postTo(a.srv, queries["dealer scorecards, every field"], requestConfig{}) +
		postTo(a.srv, queries["metrics rows, every field"], requestConfig{}) +
		postTo(a.srv, queries["product mix rows, every field"], requestConfig{})
	for _, want := range []string{`"name":"客户\"二\""`, `"headOfficeAddress":"北京\n海淀"`, `"registeredCapital":"1234567.50"`,
		`"requiredShare":"0.125000"`, `"dealerClassQuarter":"2025Q1"`, `"bankrupt":true`, `"shortName":null`,
		`"openBalance":"10.50","openBase":"74.80"`,
		`"exposure":"74.80","creditLimit":"50000.00","utilization":"0.001496","alert":"OK","warnRatio":"0.900000"`,
		`"exposure":"160.00","creditLimit":null,"utilization":null,"alert":"EXCEEDED"`,
		`"dealerScorecards":[{"customer":{"code":"K2"`, `"metrics":[{"__typename":"DealerMetricScore","metric":"SALES_ABSOLUTE","score":"100.00","weight":"20.00"}`,
		`"score":null`, `"sales":"89.05","target":null,"attainment":null`, `"evaluationId":null,"evaluatedAt":null`,
		`{"__typename":"MetricsRow","period":"2025-05","periodStart":"2025-05-01","periodEnd":"2025-05-31"`,
		`{"__typename":"DimensionValue","dimension":"REP","key":"mgr"`,
		`{"__typename":"RatioMeasureValue","measure":"GROSS_MARGIN","value":null,"r":null,"m":"GROSS_MARGIN"}`,
		`{"__typename":"QuantityMeasureValue","measure":"QUANTITY","value":"3.000","m":"QUANTITY"}`,
		`"product":{"__typename":"Product","code":"PR-K2","name":"产品\"K2\"","category":"类一","unitCost":"1.5000"}`,
		`"averageInventory":"3.50","turnover":"21.371429","crossRatio":"19.371429","contributionRatio":"16.271565","target":"100.00","attainment":"0.748000"`,
		`"averageInventory":null,"turnover":null,"crossRatio":null,"contributionRatio":null,"target":null,"attainment":null`,
		`{"__typename":"CountMeasureValue","measure":"INVOICE_COUNT","value":"1","m":"INVOICE_COUNT","c":"1"}`} {
		if !strings.Contains(all, want) {
			t.Errorf("the answers lack %s: %s", want, all)
		}
	}
}
