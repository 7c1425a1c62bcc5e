package bench

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"
)

// The peer answers in its own schema's shape; these checks compare the
// figures both answers hold, so the peer is measured answering the same
// question as creditdesk.

func list(v any, path string) []any {
	l, _ := lookup(v, path).([]any)
	return l
}

func str(v any, path string) string {
	x := lookup(v, path)
	if x == nil {
		return "null"
	}
	return fmt.Sprint(x)
}

func checkAccountPage(cd, peer any) error {
	pairs := []struct{ cd, peer string }{
		{"customer.code", "customerByCode.code"},
		{"customer.creditLimit", "customerByCode.creditLimit"},
		{"customer.office.code", "customerByCode.officeByOfficeId.code"},
		{"customer.invoices.totalCount", "customerByCode.invoicesByCustomerId.totalCount"},
		{"customer.payments.totalCount", "customerByCode.paymentsByCustomerId.totalCount"},
		{"customer.notes.totalCount", "customerByCode.notesByCustomerId.totalCount"},
		{"customer.history.totalCount", "customerByCode.customerHistoriesByCustomerId.totalCount"},
	}
	for _, p := range pairs {
		if a, b := str(cd, p.cd), str(peer, p.peer); a != b {
			return fmt.Errorf("%s: %s vs %s", p.cd, a, b)
		}
	}
	ci := list(cd, "customer.invoices.edges")
	pi := list(peer, "customerByCode.invoicesByCustomerId.nodes")
	if len(ci) != len(pi) {
		return fmt.Errorf("invoices: %d vs %d", len(ci), len(pi))
	}
	for i := range ci {
		for _, f := range []string{"number", "openBalance", "openBase", "amount"} {
			if a, b := str(ci[i], "node."+f), str(pi[i], f); a != b {
				return fmt.Errorf("invoice %d %s: %s vs %s", i, f, a, b)
			}
		}
	}
	cp := list(cd, "customer.payments.edges")
	pp := list(peer, "customerByCode.paymentsByCustomerId.nodes")
	if len(cp) != len(pp) {
		return fmt.Errorf("payments: %d vs %d", len(cp), len(pp))
	}
	for i := range cp {
		for _, f := range []string{"reference", "allocated", "unapplied"} {
			if a, b := str(cp[i], "node."+f), str(pp[i], f); a != b {
				return fmt.Errorf("payment %d %s: %s vs %s", i, f, a, b)
			}
		}
	}
	return nil
}

func checkCustomerList(cd, peer any) error {
	if a, b := str(cd, "customers.totalCount"), str(peer, "allCustomers.totalCount"); a != b {
		return fmt.Errorf("totalCount: %s vs %s", a, b)
	}
	var a, b []string
	for _, e := range list(cd, "customers.edges") {
		a = append(a, str(e, "node.code"))
	}
	for _, n := range list(peer, "allCustomers.nodes") {
		b = append(b, str(n, "code"))
	}
	if !slices.Equal(a, b) {
		return fmt.Errorf("codes: %v vs %v", a, b)
	}
	return nil
}

func checkAgingByCustomer(cd, peer any) error {
	want := map[string]decimal.Decimal{}
	for _, r := range list(cd, "agingReport.rows") {
		d, err := decimal.NewFromString(str(r, "total"))
		if err != nil {
			return err
		}
		want[str(r, "key")] = d
	}
	got := map[string]decimal.Decimal{}
	for _, g := range list(peer, "benchPeerOpenInvoices.groupedAggregates") {
		keys, _ := lookup(g, "keys").([]any)
		if len(keys) != 2 {
			return fmt.Errorf("peer group keys %v", keys)
		}
		d, err := decimal.NewFromString(str(g, "sum.openBase"))
		if err != nil {
			return err
		}
		k := fmt.Sprint(keys[0])
		got[k] = got[k].Add(d)
	}
	if len(want) != len(got) {
		return fmt.Errorf("customers with open balances: %d vs %d", len(want), len(got))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || !g.Equal(w) {
			return fmt.Errorf("customer %s: %s vs %s", k, w, g)
		}
	}
	return nil
}
