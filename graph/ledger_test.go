package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// seedLedger adds customer K1 with two CNY invoices:
//
//	INV-1 ship 2025-03-01 due 2025-04-30 1000.00
//	INV-2 ship 2025-03-05 due 2025-05-04  500.00
func (a *api) seedLedger() {
	a.t.Helper()
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处');
		INSERT INTO customers (code, name, industry, office_id) VALUES ('K1', '客户一', 'OTHER', (SELECT id FROM offices));
		INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate, base_amount)
		VALUES ('INV-1', (SELECT id FROM customers), '2025-03-01', '2025-03-01', '2025-04-30', 'CNY', 1000, 1, 1000),
		       ('INV-2', (SELECT id FROM customers), '2025-03-05', '2025-03-05', '2025-05-04', 'CNY', 500, 1, 500)`)
}

const recordPayment = `mutation($in: PaymentInput!) { recordPayment(input: $in) {
	reference date amount allocated unapplied baseAmount exchangeRate customer { code }
	allocations { invoiceNumber kind date amount } } }`

type recordedPayment struct {
	RecordPayment struct {
		Reference, Date, Amount, Allocated, Unapplied, BaseAmount, ExchangeRate string
		Customer                                                                struct{ Code string }
		Allocations                                                             []struct{ InvoiceNumber, Kind, Date, Amount string }
	}
}

func TestRecordPaymentThroughTheAPI(t *testing.T) {
	a := newAPI(t)
	a.seedLedger()
	in := map[string]any{"customerCode": "K1", "reference": "PAY-1", "date": "2025-05-10", "method": "TRANSFER",
		"amount": "1200", "idempotencyKey": "k-1"}
	var p recordedPayment
	a.data(recordPayment, map[string]any{"in": in}, &p)
	// FIFO: INV-1 (due 04-30) 1000.00, INV-2 the remaining 200.00.
	r := p.RecordPayment
	if r.Amount != "1200.00" || r.Allocated != "1200.00" || r.Unapplied != "0.00" || r.BaseAmount != "1200.00" ||
		r.ExchangeRate != "1.00000000" || r.Customer.Code != "K1" || len(r.Allocations) != 2 ||
		r.Allocations[0].InvoiceNumber != "INV-1" || r.Allocations[0].Amount != "1000.00" ||
		r.Allocations[1].InvoiceNumber != "INV-2" || r.Allocations[1].Amount != "200.00" || r.Allocations[1].Date != "2025-05-10" {
		t.Errorf("recorded %+v", r)
	}

	t.Run("a replay returns the first payment", func(t *testing.T) {
		var again recordedPayment
		replay := map[string]any{}
		for k, v := range in {
			replay[k] = v
		}
		replay["amount"] = 1200 // a JSON number: the same amount
		a.data(recordPayment, map[string]any{"in": replay}, &again)
		if again.RecordPayment.Reference != "PAY-1" || again.RecordPayment.Allocated != "1200.00" {
			t.Errorf("replay %+v", again.RecordPayment)
		}
		var n int
		a.db.NewRaw(`SELECT count(*) FROM payments`).Scan(t.Context(), &n) //nolint:errcheck
		if n != 1 {
			t.Errorf("%d payments after a replay, want 1", n)
		}
	})
	t.Run("the same key with another payload", func(t *testing.T) {
		other := map[string]any{}
		for k, v := range in {
			other[k] = v
		}
		other["amount"] = "1100.00"
		if codes := a.post(recordPayment, withVars(map[string]any{"in": other})).errorCodes(); !slices.Equal(codes, []string{"CONFLICT"}) {
			t.Errorf("codes %v, want [CONFLICT]", codes)
		}
	})
	t.Run("over-allocation names the invoice and both amounts", func(t *testing.T) {
		over := map[string]any{"customerCode": "K1", "reference": "PAY-2", "date": "2025-05-11", "method": "CASH",
			"amount": "400.00", "idempotencyKey": "k-2",
			"allocations": []map[string]any{{"invoiceNumber": "INV-2", "amount": "400.00"}}}
		resp := a.post(recordPayment, withVars(map[string]any{"in": over}))
		if codes := resp.errorCodes(); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) {
			t.Fatalf("codes %v, want [BAD_USER_INPUT]", codes)
		}
		if msg := resp.Errors[0].Message; !strings.Contains(msg, "INV-2") || !strings.Contains(msg, "400.00") ||
			!strings.Contains(msg, "300.00") {
			t.Errorf("message %q does not name INV-2, 400.00 and the open 300.00", msg)
		}
	})
}

const accountInvoices = `query($asOf: Date) { customer(code: "K1") {
	invoices(asOf: $asOf) { edges { node { number openBalance settledOn } } }
	notes { edges { node { number status statusDate settledOn allocations { invoiceNumber kind date amount } } } } } }`

type invoicesAsOf struct {
	Customer struct {
		Invoices struct {
			Edges []struct {
				Node struct {
					Number, OpenBalance string
					SettledOn           *string
				}
			}
		}
		Notes struct {
			Edges []struct {
				Node struct {
					Number, Status, StatusDate string
					SettledOn                  *string
					Allocations                []struct{ InvoiceNumber, Kind, Date, Amount string }
				}
			}
		}
	}
}

func (a *api) openBalances(asOf string) map[string]string {
	a.t.Helper()
	var out invoicesAsOf
	a.data(accountInvoices, map[string]any{"asOf": asOf}, &out)
	m := map[string]string{}
	for _, e := range out.Customer.Invoices.Edges {
		m[e.Node.Number] = e.Node.OpenBalance
	}
	return m
}

func TestNoteDishonourThroughTheAPI(t *testing.T) {
	// Today is 2025-07-05 in Shanghai.
	a := newAPI(t, frozenAt(time.Date(2025, 7, 5, 2, 0, 0, 0, time.UTC)))
	a.seedLedger()
	const receive = `mutation($in: NoteInput!) { receiveNote(input: $in) { number status statusDate allocations { invoiceNumber amount } } }`
	const setStatus = `mutation($in: NoteStatusInput!) { setNoteStatus(input: $in) { number status statusDate settledOn } }`
	var got struct {
		ReceiveNote struct {
			Status      string
			Allocations []struct{ InvoiceNumber, Amount string }
		}
	}
	a.data(receive, map[string]any{"in": map[string]any{"customerCode": "K1", "number": "BA-001", "kind": "BANK_ACCEPTANCE",
		"issueDate": "2025-04-01", "receivedDate": "2025-04-02", "maturityDate": "2025-07-01", "amount": "1300.00",
		"allocations": []map[string]any{{"invoiceNumber": "INV-1", "amount": "1000.00"}, {"invoiceNumber": "INV-2", "amount": "300.00"}}}}, &got)
	if got.ReceiveNote.Status != "HELD" || len(got.ReceiveNote.Allocations) != 2 {
		t.Fatalf("received %+v", got.ReceiveNote)
	}
	if codes := a.post(setStatus, withVars(map[string]any{"in": map[string]any{"number": "BA-001", "status": "DISHONORED",
		"date": "2025-07-02"}})).errorCodes(); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) {
		t.Errorf("HELD → DISHONORED: %v, want [BAD_USER_INPUT]", codes)
	}
	// A change is recorded once it has happened.
	if resp := a.post(setStatus, withVars(map[string]any{"in": map[string]any{"number": "BA-001", "status": "PRESENTED",
		"date": "2025-07-06"}})); resp.code() != "BAD_USER_INPUT" || resp.Errors[0].Message != `date: "2025-07-06": is after today (2025-07-05)` {
		t.Errorf("presented tomorrow: %s", resp.raw)
	}
	var s struct {
		SetNoteStatus struct{ Status, StatusDate string }
	}
	a.data(setStatus, map[string]any{"in": map[string]any{"number": "BA-001", "status": "PRESENTED", "date": "2025-07-01"}}, &s)
	a.data(setStatus, map[string]any{"in": map[string]any{"number": "BA-001", "status": "DISHONORED", "date": "2025-07-03",
		"reason": "承兑行拒付"}}, &s)
	if s.SetNoteStatus.Status != "DISHONORED" || s.SetNoteStatus.StatusDate != "2025-07-03" {
		t.Errorf("dishonoured %+v", s.SetNoteStatus)
	}
	// INV-1 1000.00 and INV-2 500.00: the note took 1000.00 and 300.00 from
	// 2025-04-02 until the dishonour on 2025-07-03.
	for asOf, want := range map[string]map[string]string{
		"2025-04-01": {"INV-1": "1000.00", "INV-2": "500.00"},
		"2025-07-02": {"INV-1": "0.00", "INV-2": "200.00"},
		"2025-07-03": {"INV-1": "1000.00", "INV-2": "500.00"},
	} {
		got := a.openBalances(asOf)
		if got["INV-1"] != want["INV-1"] || got["INV-2"] != want["INV-2"] {
			t.Errorf("open balances as of %s: %v, want %v", asOf, got, want)
		}
	}
	var out invoicesAsOf
	a.data(accountInvoices, map[string]any{"asOf": "2025-07-02"}, &out)
	for _, e := range out.Customer.Invoices.Edges {
		if e.Node.Number == "INV-1" && (e.Node.SettledOn == nil || *e.Node.SettledOn != "2025-04-02") {
			t.Errorf("INV-1 as of 2025-07-02 settled on %v, want 2025-04-02", e.Node.SettledOn)
		}
	}
	n := out.Customer.Notes.Edges[0].Node
	var ledger []string
	for _, al := range n.Allocations {
		ledger = append(ledger, al.InvoiceNumber+" "+al.Kind+" "+al.Date+" "+al.Amount)
	}
	want := []string{"INV-1 NOTE 2025-04-02 1000.00", "INV-2 NOTE 2025-04-02 300.00",
		"INV-1 NOTE_REVERSAL 2025-07-03 -1000.00", "INV-2 NOTE_REVERSAL 2025-07-03 -300.00"}
	if !slices.Equal(ledger, want) || n.SettledOn == nil || *n.SettledOn != "2025-07-03" {
		t.Errorf("note ledger %v (settled %v), want %v", ledger, n.SettledOn, want)
	}
	// Today, after the dishonour, both are open again in full.
	var today invoicesAsOf
	a.data(accountInvoices, nil, &today)
	open := map[string]string{}
	for _, e := range today.Customer.Invoices.Edges {
		open[e.Node.Number] = e.Node.OpenBalance
	}
	if len(open) != 2 || open["INV-1"] != "1000.00" || open["INV-2"] != "500.00" {
		t.Errorf("open balances today: %v, want INV-1 1000.00 and INV-2 500.00", open)
	}
}
