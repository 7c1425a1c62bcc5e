package graph_test

import (
	"slices"
	"strings"
	"testing"
)

// TestDecimalInputThroughTheAPI: decimals are read exactly from strings,
// integers and numbers in the variables; a float written inline in the query
// text (which the GraphQL parser hands over as a float64) and anything that
// is not plain decimal notation are BAD_USER_INPUT. Money is written with
// two places.
func TestDecimalInputThroughTheAPI(t *testing.T) {
	a := newAPI(t)
	a.seedLedger()
	inline := func(ref, amount string) string {
		return `mutation { recordPayment(input: {customerCode: "K1", reference: "` + ref + `", date: "2025-02-01",
			method: CASH, amount: ` + amount + `, idempotencyKey: "` + ref + `"}) { amount allocated unapplied } }`
	}
	for _, tc := range []struct{ name, amount string }{
		{"inline float", "1.5"},
		{"inline exponent", "15e-1"},
		{"string with an exponent", `"1.5e0"`},
		{"NaN", `"NaN"`},
		{"Infinity", `"Infinity"`},
		{"too many places", `"1.12345678901"`},
		{"thousands separator", `"1,500.00"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := a.post(inline("R-"+tc.name, tc.amount))
			if codes := resp.errorCodes(); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) {
				t.Fatalf("amount %s: codes %v, want [BAD_USER_INPUT]", tc.amount, codes)
			}
			if !strings.Contains(resp.Errors[0].Message, "string") {
				t.Errorf("message %q does not say to send decimals as strings", resp.Errors[0].Message)
			}
		})
	}

	// Dated before both invoices shipped: nothing to allocate, all unapplied.
	for _, tc := range []struct {
		name, amount string
		vars         map[string]any
	}{
		{"inline string", `"1.5"`, nil},
		{"inline integer", `2`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out struct {
				RecordPayment struct{ Amount, Allocated, Unapplied string }
			}
			a.data(inline("OK-"+tc.name, tc.amount), tc.vars, &out)
			want := map[string]string{`"1.5"`: "1.50", `2`: "2.00"}[tc.amount]
			if p := out.RecordPayment; p.Amount != want || p.Allocated != "0.00" || p.Unapplied != want {
				t.Errorf("amount %s: %+v, want amount %s allocated 0.00 unapplied %s", tc.amount, p, want, want)
			}
		})
	}
	t.Run("a number in the variables is read exactly", func(t *testing.T) {
		var out struct{ RecordPayment struct{ Amount string } }
		a.data(recordPayment, map[string]any{"in": map[string]any{"customerCode": "K1", "reference": "V-1",
			"date": "2025-02-01", "method": "CASH", "amount": 0.1, "idempotencyKey": "V-1"}}, &out)
		if out.RecordPayment.Amount != "0.10" {
			t.Errorf("amount %q, want 0.10", out.RecordPayment.Amount)
		}
	})
	t.Run("impossible dates", func(t *testing.T) {
		for _, d := range []string{"2025-02-30", "2025-2-01", "2025-06-30T00:00:00Z"} {
			resp := a.post(accountInvoices, withVars(map[string]any{"asOf": d}))
			if codes := resp.errorCodes(); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) {
				t.Errorf("asOf %s: codes %v, want [BAD_USER_INPUT]", d, codes)
			}
		}
		if resp := a.post(accountInvoices, withVars(map[string]any{"asOf": "2024-02-29"})); len(resp.Errors) > 0 {
			t.Errorf("asOf 2024-02-29: %+v", resp.Errors)
		}
	})
}
