package graph_test

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// lvSeed adds to seedLedger's K1 (INV-1 and INV-2, office BJ) a customer K2
// and these invoices:
//
//	INV-1 K1 CNY 1000.00          ship 2025-03-01 due 2025-04-30
//	INV-2 K1 CNY  500.00          ship 2025-03-05 due 2025-05-04, paid 100.00 on 2025-04-15
//	INV-3 K1 USD 1000.00 at 7.1   ship 2025-04-01 due 2025-05-31 (base 7100.00)
//	INV-4 K1 CNY  300.00          ship 2025-06-01 due 2025-07-31
//	INV-9 K2 CNY  800.00          ship 2025-03-01 due 2025-04-30
//
// INV-2 is 500.00 open until 2025-04-14 and 400.00 from 2025-04-15, so
// from any earlier date it can take at most 400.00. The 100.00 is K1's
// payment PAY-0 (CNY, idempotency key k-0); BA-0 is K1's note of 100.00,
// HELD and unallocated.
func (a *api) lvSeed() {
	a.t.Helper()
	a.seedLedger()
	a.exec(`INSERT INTO customers (code, name, industry, office_id) VALUES ('K2', '客户二', 'OTHER', (SELECT id FROM offices));
		INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount) VALUES
			('INV-3', (SELECT id FROM customers WHERE code = 'K1'), '2025-04-01', '2025-04-01', '2025-05-31', 'USD', 1000, 7.1, 7100),
			('INV-4', (SELECT id FROM customers WHERE code = 'K1'), '2025-06-01', '2025-06-01', '2025-07-31', 'CNY', 300, 1, 300),
			('INV-9', (SELECT id FROM customers WHERE code = 'K2'), '2025-03-01', '2025-03-01', '2025-04-30', 'CNY', 800, 1, 800);
		INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount, idempotency_key)
		VALUES ('PAY-0', (SELECT id FROM customers WHERE code = 'K1'), '2025-04-15', 'CASH', 'CNY', 100, 1, 100, 'k-0');
		INSERT INTO settlements (invoice_id, customer_id, kind, date, amount, payment_id)
		SELECT i.id, i.customer_id, 'PAYMENT', p.date, 100, p.id FROM invoices i, payments p WHERE i.number = 'INV-2';
		INSERT INTO notes (number, kind, customer_id, issue_date, received_date, maturity_date, amount, status, status_date)
		VALUES ('BA-0', 'BANK_ACCEPTANCE', (SELECT id FROM customers WHERE code = 'K1'), '2025-04-01', '2025-04-01',
			'2025-07-01', 100, 'HELD', '2025-04-01');
		INSERT INTO note_status_changes (note_id, status, date, reason)
		SELECT id, 'HELD', '2025-04-01', 'received' FROM notes`)
}

// lvState is everything recording a payment or receiving a note may write:
// the row counts of the ledger's tables and of what a write may add beside
// them, and each invoice's settled-on date. A refused call leaves it as it
// was.
func (a *api) lvState() string {
	a.t.Helper()
	var s string
	if err := a.db.NewRaw(`SELECT concat_ws(' | ',
			'payments ' || (SELECT count(*) FROM payments),
			'notes ' || (SELECT count(*) FROM notes),
			'note_status_changes ' || (SELECT count(*) FROM note_status_changes),
			'settlements ' || (SELECT count(*) FROM settlements),
			'write_offs ' || (SELECT count(*) FROM write_offs),
			'customer_history ' || (SELECT count(*) FROM customer_history),
			'evaluations ' || (SELECT count(*) FROM credit_class_evaluations),
			(SELECT string_agg(number || ' ' || coalesce(settled_on::text, 'open'), ', ' ORDER BY number) FROM invoices))`).
		Scan(a.t.Context(), &s); err != nil {
		a.t.Fatal(err)
	}
	return s
}

// lvOmit, as the value of an edit, leaves the field out of the input.
const lvOmit = "\x00omit"

// lvInput is base with the edits applied (a nil value sends null).
func lvInput(base, edits map[string]any) map[string]any {
	in := maps.Clone(base)
	for k, v := range edits {
		if v == lvOmit {
			delete(in, k)
			continue
		}
		in[k] = v
	}
	return in
}

// lvCase is an input the API must refuse, as refusal describes the error.
type lvCase struct {
	name     string
	edits    map[string]any
	code     string
	field    string
	value    string
	path     string
	mentions []string
}

// lvRefused sends q with the variable in and checks that it fails as c
// describes and that nothing was written.
func (a *api) lvRefused(t *testing.T, q string, in map[string]any, c lvCase) {
	t.Helper()
	before := a.lvState()
	a.post(q, withVars(map[string]any{"in": in})).
		wantRefusal(t, refusal{code: c.code, field: c.field, value: c.value, path: c.path, mentions: c.mentions})
	if after := a.lvState(); after != before {
		t.Errorf("the refused call wrote:\n%s\nwas\n%s", after, before)
	}
}

const lvRecordPayment = `mutation($in: PaymentInput!) { recordPayment(input: $in) {
	reference customer { code } date method currency amount exchangeRate baseAmount allocated unapplied
	allocations { invoiceNumber kind date amount } } }`

const lvReceiveNote = `mutation($in: NoteInput!) { receiveNote(input: $in) {
	number kind customer { code } drawer bank account endorsers issueDate receivedDate maturityDate amount
	status statusDate settledOn allocations { invoiceNumber kind date amount } } }`

// lvAlloc is one allocation input.
func lvAlloc(invoice string, amount any) map[string]any {
	return map[string]any{"invoiceNumber": invoice, "amount": amount}
}

// lvAllocs is a list of allocation inputs; none is [], not null.
func lvAllocs(as ...map[string]any) []map[string]any { return append([]map[string]any{}, as...) }

func TestLedgerValidationRecordPayment(t *testing.T) {
	a := newAPI(t)
	a.lvSeed()
	// Valid as it stands (the last subtest records it): FIFO would take
	// INV-1's 1000.00. Each case changes one thing.
	base := map[string]any{"customerCode": "K1", "reference": "PAY-1", "date": "2025-05-10", "method": "TRANSFER",
		"amount": "1000.00", "idempotencyKey": "key-1"}
	const bad = "BAD_USER_INPUT"
	cases := []lvCase{
		{name: "blank customer code", edits: map[string]any{"customerCode": ""},
			code: bad, field: "customerCode", value: "", mentions: []string{"is required"}},
		{name: "customer code of spaces", edits: map[string]any{"customerCode": "   "},
			code: bad, field: "customerCode", value: "   ", mentions: []string{"is required"}},
		{name: "unknown customer", edits: map[string]any{"customerCode": "K404"},
			code: "NOT_FOUND", mentions: []string{"K404"}},

		{name: "blank reference", edits: map[string]any{"reference": ""},
			code: bad, field: "reference", value: "", mentions: []string{"is required"}},
		{name: "reference of spaces", edits: map[string]any{"reference": "   "},
			code: bad, field: "reference", value: "   ", mentions: []string{"is required"}},
		{name: "reference of 101 characters", edits: map[string]any{"reference": strings.Repeat("R", 101)},
			code: bad, field: "reference", value: strings.Repeat("R", 101), mentions: []string{"longer than 100 characters"}},
		{name: "reference of another payment", edits: map[string]any{"reference": "PAY-0"},
			code: "CONFLICT", mentions: []string{"PAY-0"}},

		{name: "blank idempotency key", edits: map[string]any{"idempotencyKey": ""},
			code: bad, field: "idempotencyKey", value: "", mentions: []string{"is required"}},
		{name: "idempotency key of spaces", edits: map[string]any{"idempotencyKey": "  "},
			code: bad, field: "idempotencyKey", value: "  ", mentions: []string{"is required"}},
		{name: "idempotency key of 201 characters", edits: map[string]any{"idempotencyKey": strings.Repeat("k", 201)},
			code: bad, field: "idempotencyKey", value: strings.Repeat("k", 201), mentions: []string{"longer than 200 characters"}},
		{name: "idempotency key of another payment", edits: map[string]any{"idempotencyKey": "k-0"},
			code: "CONFLICT", mentions: []string{"k-0"}},

		// Date! is required by the schema: gqlgen refuses these before the
		// resolver runs.
		{name: "date left out", edits: map[string]any{"date": lvOmit}, code: bad, path: "date"},
		{name: "date null", edits: map[string]any{"date": nil}, code: bad, path: "date"},
		{name: "date blank", edits: map[string]any{"date": ""}, code: bad, path: "date"},
		{name: "date not on the calendar", edits: map[string]any{"date": "2025-02-30"}, code: bad, path: "date",
			mentions: []string{"2025-02-30"}},
		{name: "unknown method", edits: map[string]any{"method": "CHEQUE"}, code: bad, path: "method"},

		{name: "zero amount", edits: map[string]any{"amount": "0"},
			code: bad, field: "amount", value: "0", mentions: []string{"must be positive"}},
		{name: "zero amount at two places", edits: map[string]any{"amount": "0.00"},
			code: bad, field: "amount", value: "0.00", mentions: []string{"must be positive"}},
		{name: "negative amount", edits: map[string]any{"amount": "-100.00"},
			code: bad, field: "amount", value: "-100.00", mentions: []string{"must be positive"}},
		{name: "negative amount as a JSON number", edits: map[string]any{"amount": json.Number("-100.00")},
			code: bad, field: "amount", value: "-100.00", mentions: []string{"must be positive"}},
		{name: "amount in fractions of a fen", edits: map[string]any{"amount": "100.005"},
			code: bad, field: "amount", value: "100.005", mentions: []string{"more than 2 decimal places"}},
		{name: "amount beyond numeric(18,2)", edits: map[string]any{"amount": "10000000000000000"},
			code: bad, field: "amount", value: "10000000000000000", mentions: []string{"too large"}},

		{name: "allocation without an invoice number", edits: map[string]any{"allocations": lvAllocs(lvAlloc(" ", "1.00"))},
			code: bad, field: "allocations[0].invoiceNumber", value: " ", mentions: []string{"is required"}},
		{name: "one invoice allocated twice",
			edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-1", "100.00"), lvAlloc("INV-1", "200.00"))},
			code:  bad, field: "allocations[1].invoiceNumber", value: "INV-1", mentions: []string{"listed twice"}},
		{name: "zero allocation", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-1", "0"))},
			code: bad, field: "allocations[0].amount", value: "0", mentions: []string{"must be positive"}},
		{name: "negative allocation", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-1", "-5.00"))},
			code: bad, field: "allocations[0].amount", value: "-5.00", mentions: []string{"must be positive"}},
		{name: "allocation in fractions of a fen", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-1", "1.001"))},
			code: bad, field: "allocations[0].amount", value: "1.001", mentions: []string{"more than 2 decimal places"}},
		// 700 + 300.01 = 1000.01 > 1000.00.
		{name: "allocations above the amount",
			edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-1", "700"), lvAlloc("INV-2", "300.01"))},
			code:  bad, field: "allocations", value: "1000.01", mentions: []string{"more than the payment's amount 1000.00"}},
		// INV-2: 500.00 − 100.00 paid on 2025-04-15 = 400.00 open on 2025-05-10.
		{name: "allocation above the invoice's open balance",
			edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-2", "450"))},
			code:  bad, field: "allocations[0].amount", value: "450", mentions: []string{"INV-2", "400.00"}},
		// On 2025-04-10 INV-2 is 500.00 open, but the payment of 2025-04-15
		// leaves room for 400.00 only.
		{name: "back-dated allocation above what later payments leave",
			edits: map[string]any{"date": "2025-04-10", "allocations": lvAllocs(lvAlloc("INV-2", "450"))},
			code:  bad, field: "allocations[0].amount", value: "450", mentions: []string{"INV-2", "500.00", "400.00"}},
		{name: "allocation to another customer's invoice", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-9", "100.00"))},
			code: bad, field: "allocations[0].invoiceNumber", value: "INV-9", mentions: []string{"K1 has no invoice"}},
		{name: "allocation to an unknown invoice", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-404", "100.00"))},
			code: bad, field: "allocations[0].invoiceNumber", value: "INV-404", mentions: []string{"K1 has no invoice"}},
		{name: "allocation to an invoice in another currency",
			edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-3", "100.00"))},
			code:  bad, field: "allocations[0].invoiceNumber", value: "INV-3", mentions: []string{"USD", "CNY"}},
		{name: "allocation to an invoice shipped after the payment",
			edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-4", "100.00"))},
			code:  bad, field: "allocations[0].invoiceNumber", value: "INV-4", mentions: []string{"2025-06-01", "2025-05-10"}},

		{name: "currency in lower case", edits: map[string]any{"currency": "usd", "exchangeRate": "7.1"},
			code: bad, field: "currency", value: "usd", mentions: []string{"ISO 4217"}},
		{name: "currency of four letters", edits: map[string]any{"currency": "EURO", "exchangeRate": "7.8"},
			code: bad, field: "currency", value: "EURO", mentions: []string{"ISO 4217"}},
		{name: "blank currency", edits: map[string]any{"currency": ""},
			code: bad, field: "currency", value: "", mentions: []string{"ISO 4217"}},
		{name: "foreign currency without a rate", edits: map[string]any{"currency": "USD"},
			code: bad, field: "exchangeRate", value: "", mentions: []string{"is required", "USD", "CNY"}},
		{name: "base currency at a rate other than 1", edits: map[string]any{"exchangeRate": "1.5"},
			code: bad, field: "exchangeRate", value: "1.5", mentions: []string{"must be 1 for the base currency CNY"}},
		{name: "base currency spelt out at a rate other than 1", edits: map[string]any{"currency": "CNY", "exchangeRate": "0.90"},
			code: bad, field: "exchangeRate", value: "0.90", mentions: []string{"must be 1 for the base currency CNY"}},
		{name: "rate with 9 places", edits: map[string]any{"currency": "USD", "exchangeRate": "7.123456789"},
			code: bad, field: "exchangeRate", value: "7.123456789", mentions: []string{"more than 8 decimal places"}},
		{name: "rate with 9 places as a JSON number", edits: map[string]any{"currency": "USD", "exchangeRate": json.Number("7.123456789")},
			code: bad, field: "exchangeRate", value: "7.123456789", mentions: []string{"more than 8 decimal places"}},
		{name: "zero rate", edits: map[string]any{"currency": "USD", "exchangeRate": "0.00000000"},
			code: bad, field: "exchangeRate", value: "0.00000000", mentions: []string{"must be positive"}},
		{name: "negative rate", edits: map[string]any{"currency": "USD", "exchangeRate": "-7.10"},
			code: bad, field: "exchangeRate", value: "-7.10", mentions: []string{"must be positive"}},
		{name: "rate beyond numeric(18,8)", edits: map[string]any{"currency": "USD", "exchangeRate": "10000000000"},
			code: bad, field: "exchangeRate", value: "10000000000", mentions: []string{"too large"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.lvRefused(t, lvRecordPayment, lvInput(base, c.edits), c)
		})
	}
	t.Run("the unchanged input is recorded", func(t *testing.T) {
		resp := a.post(lvRecordPayment, withVars(map[string]any{"in": base}))
		want := `{"data":{"recordPayment":{"reference":"PAY-1","customer":{"code":"K1"},"date":"2025-05-10",` +
			`"method":"TRANSFER","currency":"CNY","amount":"1000.00","exchangeRate":"1.00000000","baseAmount":"1000.00",` +
			`"allocated":"1000.00","unapplied":"0.00",` +
			`"allocations":[{"invoiceNumber":"INV-1","kind":"PAYMENT","date":"2025-05-10","amount":"1000.00"}]}}}`
		if resp.raw != want {
			t.Errorf("got\n%s\nwant\n%s", resp.raw, want)
		}
	})
}

func TestLedgerValidationReceiveNote(t *testing.T) {
	a := newAPI(t)
	a.lvSeed()
	// Valid as it stands (the last subtest receives it): FIFO would take
	// INV-1's 1000.00.
	base := map[string]any{"customerCode": "K1", "number": "BA-1", "kind": "BANK_ACCEPTANCE",
		"issueDate": "2025-04-01", "receivedDate": "2025-04-02", "maturityDate": "2025-07-01", "amount": "1000.00",
		"allocations": lvAllocs()}
	const bad = "BAD_USER_INPUT"
	cases := []lvCase{
		{name: "blank customer code", edits: map[string]any{"customerCode": ""},
			code: bad, field: "customerCode", value: "", mentions: []string{"is required"}},
		{name: "customer code of spaces", edits: map[string]any{"customerCode": " "},
			code: bad, field: "customerCode", value: " ", mentions: []string{"is required"}},
		{name: "unknown customer", edits: map[string]any{"customerCode": "K404"},
			code: "NOT_FOUND", mentions: []string{"K404"}},

		{name: "blank number", edits: map[string]any{"number": ""},
			code: bad, field: "number", value: "", mentions: []string{"is required"}},
		{name: "number of spaces", edits: map[string]any{"number": "   "},
			code: bad, field: "number", value: "   ", mentions: []string{"is required"}},
		{name: "number of 101 characters", edits: map[string]any{"number": strings.Repeat("9", 101)},
			code: bad, field: "number", value: strings.Repeat("9", 101), mentions: []string{"longer than 100 characters"}},
		{name: "number of another note", edits: map[string]any{"number": "BA-0"},
			code: "CONFLICT", mentions: []string{"BA-0"}},
		{name: "unknown kind", edits: map[string]any{"kind": "IOU"}, code: bad, path: "kind"},

		// The dates are Date! in the schema: gqlgen refuses these before the
		// resolver runs.
		{name: "issue date left out", edits: map[string]any{"issueDate": lvOmit}, code: bad, path: "issueDate"},
		{name: "received date null", edits: map[string]any{"receivedDate": nil}, code: bad, path: "receivedDate"},
		{name: "maturity date blank", edits: map[string]any{"maturityDate": ""}, code: bad, path: "maturityDate"},
		{name: "received before issued", edits: map[string]any{"receivedDate": "2025-03-31"},
			code: bad, field: "receivedDate", value: "2025-03-31", mentions: []string{"before the issue date 2025-04-01"}},
		{name: "maturing before issued", edits: map[string]any{"maturityDate": "2025-03-01"},
			code: bad, field: "maturityDate", value: "2025-03-01", mentions: []string{"before the issue date 2025-04-01"}},

		{name: "blank endorser", edits: map[string]any{"endorsers": []string{"甲公司", " "}},
			code: bad, field: "endorsers[1]", value: " ", mentions: []string{"blank"}},
		{name: "empty endorser", edits: map[string]any{"endorsers": []string{""}},
			code: bad, field: "endorsers[0]", value: "", mentions: []string{"blank"}},

		{name: "zero amount", edits: map[string]any{"amount": "0"},
			code: bad, field: "amount", value: "0", mentions: []string{"must be positive"}},
		{name: "negative amount", edits: map[string]any{"amount": "-100.00"},
			code: bad, field: "amount", value: "-100.00", mentions: []string{"must be positive"}},
		{name: "amount in fractions of a fen", edits: map[string]any{"amount": "999.999"},
			code: bad, field: "amount", value: "999.999", mentions: []string{"more than 2 decimal places"}},
		{name: "amount beyond numeric(18,2)", edits: map[string]any{"amount": "12345678901234567.00"},
			code: bad, field: "amount", value: "12345678901234567.00", mentions: []string{"too large"}},

		{name: "allocation without an invoice number", edits: map[string]any{"allocations": lvAllocs(lvAlloc("", "1.00"))},
			code: bad, field: "allocations[0].invoiceNumber", value: "", mentions: []string{"is required"}},
		{name: "one invoice allocated twice",
			edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-2", "100.00"), lvAlloc("INV-1", "100.00"), lvAlloc("INV-2", "1"))},
			code:  bad, field: "allocations[2].invoiceNumber", value: "INV-2", mentions: []string{"listed twice"}},
		{name: "negative allocation", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-1", "-100.00"))},
			code: bad, field: "allocations[0].amount", value: "-100.00", mentions: []string{"must be positive"}},
		{name: "allocation in fractions of a fen", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-1", "0.005"))},
			code: bad, field: "allocations[0].amount", value: "0.005", mentions: []string{"more than 2 decimal places"}},
		// 800 + 200.01 = 1000.01 > 1000.00.
		{name: "allocations above the amount",
			edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-1", "800"), lvAlloc("INV-2", "200.01"))},
			code:  bad, field: "allocations", value: "1000.01", mentions: []string{"more than the note's amount 1000.00"}},
		// INV-2 is 500.00 open on 2025-04-02; the payment of 2025-04-15
		// leaves room for 400.00.
		{name: "allocation above what the invoice can take",
			edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-2", "400.01"))},
			code:  bad, field: "allocations[0].amount", value: "400.01", mentions: []string{"INV-2", "500.00", "400.00"}},
		{name: "allocation to another customer's invoice", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-9", "100.00"))},
			code: bad, field: "allocations[0].invoiceNumber", value: "INV-9", mentions: []string{"K1 has no invoice"}},
		{name: "allocation to an unknown invoice", edits: map[string]any{"allocations": lvAllocs(lvAlloc("inv-1", "100.00"))},
			code: bad, field: "allocations[0].invoiceNumber", value: "inv-1", mentions: []string{"K1 has no invoice"}},
		// DOMAIN.md §2: notes, in the base currency, settle only
		// base-currency invoices.
		{name: "allocation to a foreign-currency invoice", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-3", "100.00"))},
			code: bad, field: "allocations[0].invoiceNumber", value: "INV-3", mentions: []string{"USD", "CNY"}},
		{name: "allocation to an invoice shipped after the note came", edits: map[string]any{"allocations": lvAllocs(lvAlloc("INV-4", "100.00"))},
			code: bad, field: "allocations[0].invoiceNumber", value: "INV-4", mentions: []string{"2025-06-01", "2025-04-02"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.lvRefused(t, lvReceiveNote, lvInput(base, c.edits), c)
		})
	}
	t.Run("the unchanged input is received", func(t *testing.T) {
		resp := a.post(lvReceiveNote, withVars(map[string]any{"in": base}))
		want := `{"data":{"receiveNote":{"number":"BA-1","kind":"BANK_ACCEPTANCE","customer":{"code":"K1"},` +
			`"drawer":null,"bank":null,"account":null,"endorsers":[],"issueDate":"2025-04-01","receivedDate":"2025-04-02",` +
			`"maturityDate":"2025-07-01","amount":"1000.00","status":"HELD","statusDate":"2025-04-02","settledOn":null,` +
			`"allocations":[{"invoiceNumber":"INV-1","kind":"NOTE","date":"2025-04-02","amount":"1000.00"}]}}}`
		if resp.raw != want {
			t.Errorf("got\n%s\nwant\n%s", resp.raw, want)
		}
	})
}

// TestLedgerValidationLengthsCountCharacters: the limits say characters,
// and a reference, note number or key in Chinese is three bytes a
// character.
func TestLedgerValidationLengthsCountCharacters(t *testing.T) {
	a := newAPI(t)
	a.lvSeed()
	payment := func(reference, key string) map[string]any {
		return map[string]any{"customerCode": "K1", "reference": reference, "date": "2025-05-10", "method": "CASH",
			"amount": "10.00", "idempotencyKey": key}
	}
	t.Run("a reference of 100 Chinese characters", func(t *testing.T) {
		ref := strings.Repeat("汇", 100)
		if resp := a.post(lvRecordPayment, withVars(map[string]any{"in": payment(ref, "lv-len-1")})); len(resp.Errors) > 0 {
			t.Errorf("refused: %s", resp.raw)
		}
	})
	t.Run("an idempotency key of 200 Chinese characters", func(t *testing.T) {
		key := strings.Repeat("键", 200)
		if resp := a.post(lvRecordPayment, withVars(map[string]any{"in": payment("LV-LEN-2", key)})); len(resp.Errors) > 0 {
			t.Errorf("refused: %s", resp.raw)
		}
	})
	t.Run("a note number of 100 Chinese characters", func(t *testing.T) {
		number := strings.Repeat("票", 100)
		in := map[string]any{"customerCode": "K1", "number": number, "kind": "CHEQUE", "issueDate": "2025-04-01",
			"receivedDate": "2025-04-01", "maturityDate": "2025-04-01", "amount": "10.00", "allocations": lvAllocs()}
		if resp := a.post(lvReceiveNote, withVars(map[string]any{"in": in})); len(resp.Errors) > 0 {
			t.Errorf("refused: %s", resp.raw)
		}
	})
	t.Run("101 Chinese characters are too many", func(t *testing.T) {
		ref := strings.Repeat("汇", 101)
		a.lvRefused(t, lvRecordPayment, payment(ref, "lv-len-4"), lvCase{code: "BAD_USER_INPUT", field: "reference",
			value: ref, mentions: []string{"longer than 100 characters"}})
	})
}

// TestLedgerValidationAcceptedThroughTheAPI records a payment in a foreign
// currency and a note, and checks every field of each answer.
func TestLedgerValidationAcceptedThroughTheAPI(t *testing.T) {
	a := newAPI(t)
	a.lvSeed()
	t.Run("a USD payment allocated in part", func(t *testing.T) {
		// 650.50 USD at 7.12345: base = round(650.50 × 7.12345, 2)
		// = round(4633.804225, 2) = 4633.80. 600.50 settles INV-3 (USD,
		// 1000.00 open); the other 50.00 is unapplied.
		in := map[string]any{"customerCode": "K1", "reference": "TT-2025-0520", "date": "2025-05-20", "method": "TRANSFER",
			"amount": "650.5", "currency": "USD", "exchangeRate": "7.12345",
			"allocations": lvAllocs(lvAlloc("INV-3", "600.5")), "idempotencyKey": "lv-usd-1"}
		resp := a.post(lvRecordPayment, withVars(map[string]any{"in": in}))
		want := `{"data":{"recordPayment":{"reference":"TT-2025-0520","customer":{"code":"K1"},"date":"2025-05-20",` +
			`"method":"TRANSFER","currency":"USD","amount":"650.50","exchangeRate":"7.12345000","baseAmount":"4633.80",` +
			`"allocated":"600.50","unapplied":"50.00",` +
			`"allocations":[{"invoiceNumber":"INV-3","kind":"PAYMENT","date":"2025-05-20","amount":"600.50"}]}}}`
		if resp.raw != want {
			t.Errorf("got\n%s\nwant\n%s", resp.raw, want)
		}
		// INV-3: 1000.00 − 600.50 = 399.50 from 2025-05-20; the CNY
		// invoices are untouched.
		open := a.openBalances("2025-05-20")
		if open["INV-1"] != "1000.00" || open["INV-2"] != "400.00" || open["INV-3"] != "399.50" {
			t.Errorf("open balances as of 2025-05-20: %v, want INV-1 1000.00, INV-2 400.00, INV-3 399.50", open)
		}
		if open := a.openBalances("2025-05-19"); open["INV-3"] != "1000.00" {
			t.Errorf("INV-3 open as of 2025-05-19: %s, want 1000.00", open["INV-3"])
		}
	})
	t.Run("a commercial acceptance allocated FIFO", func(t *testing.T) {
		// 1200.50 received 2025-04-03, FIFO over K1's CNY invoices shipped
		// by then: INV-1 (due 04-30) takes all its 1000.00, INV-2 (due
		// 05-04, room for 400.00) the remaining 200.50, and is open
		// 500.00 − 200.50 = 299.50 that day. INV-3 is USD, INV-4 not yet
		// shipped.
		// The drawer is trimmed, a blank bank is no bank.
		in := map[string]any{"customerCode": "K1", "number": "CA-2025-001", "kind": "COMMERCIAL_ACCEPTANCE",
			"drawer": "  客户一  ", "bank": "", "account": "6222 0000 1111", "endorsers": []string{"甲公司", "乙公司"},
			"issueDate": "2025-04-01", "receivedDate": "2025-04-03", "maturityDate": "2025-10-01", "amount": "1200.5",
			"allocations": lvAllocs()}
		resp := a.post(lvReceiveNote, withVars(map[string]any{"in": in}))
		want := `{"data":{"receiveNote":{"number":"CA-2025-001","kind":"COMMERCIAL_ACCEPTANCE","customer":{"code":"K1"},` +
			`"drawer":"客户一","bank":null,"account":"6222 0000 1111","endorsers":["甲公司","乙公司"],` +
			`"issueDate":"2025-04-01","receivedDate":"2025-04-03","maturityDate":"2025-10-01","amount":"1200.50",` +
			`"status":"HELD","statusDate":"2025-04-03","settledOn":null,"allocations":[` +
			`{"invoiceNumber":"INV-1","kind":"NOTE","date":"2025-04-03","amount":"1000.00"},` +
			`{"invoiceNumber":"INV-2","kind":"NOTE","date":"2025-04-03","amount":"200.50"}]}}}`
		if resp.raw != want {
			t.Errorf("got\n%s\nwant\n%s", resp.raw, want)
		}
		open := a.openBalances("2025-04-03")
		if open["INV-1"] != "0.00" || open["INV-2"] != "299.50" {
			t.Errorf("open balances as of 2025-04-03: %v, want INV-1 0.00, INV-2 299.50", open)
		}
	})
}
