package graph

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"creditdesk/graph/model"
	"creditdesk/internal/creditdesk"
)

// selectionAt parses query against the schema and returns the operation
// context and the selection set of the field at path (field names from the
// operation's root).
func selectionAt(t *testing.T, query string, path ...string) (*graphql.OperationContext, ast.SelectionSet) {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(parsedSchema, query, nil)
	if errs != nil {
		t.Fatalf("%s: %v", query, errs)
	}
	sel := doc.Operations[0].SelectionSet
	for _, name := range path {
		var found ast.SelectionSet
		for _, s := range sel {
			if f, ok := s.(*ast.Field); ok && f.Name == name {
				found = f.SelectionSet
			}
		}
		if found == nil {
			t.Fatalf("%s: no field %q", query, name)
		}
		sel = found
	}
	return &graphql.OperationContext{RawQuery: query, Doc: doc, Variables: map[string]any{}}, sel
}

// TestDirectListsCoverTheBenchmarkedLists: the lists of the account page, the
// customer list, ABC, ageing by customer, credit positions, dealer
// scorecards, product mix and metrics, as the benchmark asks for them (bench/queries), are rendered directly; a list
// selecting a field the writer does not know is left to the executor.
func TestDirectListsCoverTheBenchmarkedLists(t *testing.T) {
	d := newDirectLists(&Resolver{})
	benchQuery := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "bench", "queries", name+".graphql"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct {
		query, elem string
		path        []string
		direct      bool
	}{
		{benchQuery("customer_list"), "CustomerEdge", []string{"customers", "edges"}, true},
		{benchQuery("account_page"), "Contact", []string{"customer", "contacts"}, true},
		{benchQuery("account_page"), "HistoryEntryEdge", []string{"customer", "history", "edges"}, true},
		{benchQuery("account_page"), "InvoiceEdge", []string{"customer", "invoices", "edges"}, true},
		{benchQuery("account_page"), "PaymentEdge", []string{"customer", "payments", "edges"}, true},
		{benchQuery("account_page"), "NoteEdge", []string{"customer", "notes", "edges"}, true},
		{benchQuery("abc_analysis"), "AbcRow", []string{"abcAnalysis", "rows"}, true},
		{benchQuery("aging_customer"), "AgingRow", []string{"agingReport", "rows"}, true},
		{benchQuery("credit_positions"), "CreditPositionEdge", []string{"creditPositions", "edges"}, true},
		{benchQuery("dealer_scorecards"), "DealerScorecard", []string{"dealerScorecards"}, true},
		{benchQuery("metrics_office_monthly"), "MetricsRow", []string{"metrics", "rows"}, true},
		{benchQuery("product_mix"), "ProductMixRow", []string{"productMix", "rows"}, true},
		{benchQuery("metrics_industry_receivables"), "MetricsRow", []string{"metrics", "rows"}, true},
		{`{ customer(code: "C") { payments(first: 20) { edges { node { reference allocations { amount } } } } } }`,
			"PaymentEdge", []string{"customer", "payments", "edges"}, false},
		{`{ customers(first: 50) { edges { node { code creditPosition { utilization } } } } }`,
			"CustomerEdge", []string{"customers", "edges"}, false},
	} {
		oc, sel := selectionAt(t, c.query, c.path...)
		if _, ok := d.byType[c.elem].prepare(oc, sel); ok != c.direct {
			t.Errorf("%v of %.60q: rendered directly %v, want %v", c.path, c.query, ok, c.direct)
		}
	}
}

// TestDirectListFallsBack: a list the writer cannot render as the executor
// would — a null where the schema forbids one, a value of another type — is
// handed back; a good one is written exactly.
func TestDirectListFallsBack(t *testing.T) {
	d := newDirectLists(&Resolver{})
	oc, sel := selectionAt(t, `{ customer(code: "C") { invoices { edges { c: cursor node { __typename number openBalance settledOn } } } } }`,
		"customer", "invoices", "edges")
	render, ok := d.byType["InvoiceEdge"].prepare(oc, sel)
	if !ok {
		t.Fatal("invoice edges not rendered directly")
	}
	ctx := context.Background()
	inv := &creditdesk.Invoice{Number: "INV-1", ShipDate: creditdesk.DateOf(time.Now()),
		OpenBalance: creditdesk.NewMoney(decimal.RequireFromString("10.5"))}
	m, ok := render(ctx, []*model.InvoiceEdge{{Cursor: "a", Node: inv}})
	if !ok {
		t.Fatal("a good list was handed back")
	}
	const want = `[{"c":"a","node":{"__typename":"Invoice","number":"INV-1","openBalance":"10.50","settledOn":null}}]`
	var b strings.Builder
	m.MarshalGQL(&b)
	if b.String() != want {
		t.Errorf("got %s, want %s", b.String(), want)
	}
	if _, ok := render(ctx, []*model.InvoiceEdge{{Cursor: "a", Node: inv}, {Cursor: "b"}}); ok {
		t.Error("an edge without its non-null node was rendered directly")
	}
	if _, ok := render(ctx, []*creditdesk.Invoice{inv}); ok {
		t.Error("a list of another type was rendered directly")
	}
}
