// Package bench is creditdesk's benchmark harness: a query set (queries/),
// the hand-written SQL that gives the same figures (floor/, the physical
// floor), the same questions asked of PostGraphile 5 (peer/, the peer), and a
// load driver that runs each at concurrency 1 and 8, in alternation, after
// checking that the floor and creditdesk agree to the last digit.
//
// The command is bench/cmd/benchrun; docs/BENCHMARKS.md has the numbers and
// the commands that reproduce them.
package bench

import (
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

//go:embed queries/*.graphql floor/*.sql peer/queries/*.graphql peer/peer.sql
var files embed.FS

// Query is one question of the suite, asked three ways: creditdesk's GraphQL
// (queries/NAME.graphql), the floor's SQL (floor/NAME.sql) and, where
// PostGraphile can express it, the peer's GraphQL (peer/queries/NAME.graphql).
type Query struct {
	// Name is the file stem and the name in the results.
	Name string
	// Title says what it is, for the table.
	Title string
	// Field is the root Query field creditdesk needs for it; a schema
	// without that field makes the query "not available" rather than an
	// error, so the suite runs while the API is being built.
	Field string
	// GraphQL is creditdesk's document; Vars are its variable names.
	GraphQL string
	Vars    []string
	// FloorSQL is the floor's statement, returning one JSON value shaped
	// like creditdesk's `data`; FloorArgs name its $1, $2, … parameters.
	FloorSQL  string
	FloorArgs []string
	// PeerGraphQL is the peer's document ("" when the peer does not take
	// part); PeerVars its variable names.
	PeerGraphQL string
	PeerVars    []string
	// Unordered lists the arrays (JSON paths, "*" for every element of an
	// array on the way) whose order the API does not fix, with the field
	// that identifies an element; both answers are sorted by it before the
	// comparison.
	Unordered []Unordered
	// PeerCheck, when set, checks the peer's answer against creditdesk's
	// (the figures they share), so the peer is measured answering the same
	// question.
	PeerCheck func(creditdesk, peer any) error
}

// Unordered names an array whose order is not part of the contract.
type Unordered struct {
	Path string // e.g. "agingReport.rows"
	Key  string // e.g. "key", or "customer.code"
}

// Suite returns every query of the suite, in the order of the table.
func Suite() ([]Query, error) {
	specs := []Query{
		{Name: "account_page", Title: "account page (customer + contacts, history, 20 invoices with open balances, payments, notes)",
			Field: "customer", PeerCheck: checkAccountPage},
		{Name: "customer_list", Title: "customer list, filtered by office and industry, first 50 by name",
			Field: "customers", PeerCheck: checkCustomerList},
		{Name: "credit_positions", Title: "creditPositions: the 100 highest utilisations", Field: "creditPositions"},
		{Name: "aging_customer", Title: "agingReport by customer", Field: "agingReport",
			Unordered: []Unordered{{"agingReport.rows", "key"}}, PeerCheck: checkAgingByCustomer},
		{Name: "aging_office", Title: "agingReport by office", Field: "agingReport",
			Unordered: []Unordered{{"agingReport.rows", "key"}}},
		{Name: "credit_class", Title: "creditClass of one customer", Field: "creditClass"},
		{Name: "abc_analysis", Title: "abcAnalysis, all customers, one year", Field: "abcAnalysis"},
		{Name: "sales_composition", Title: "salesComposition by industry, one year", Field: "salesComposition"},
		{Name: "seasonal_index", Title: "seasonalIndex, whole company, 3 years", Field: "seasonalIndex"},
		{Name: "product_mix", Title: "productMix, whole company, half a year", Field: "productMix"},
		{Name: "dealer_scorecards", Title: "dealerScorecards of a quarter", Field: "dealerScorecards"},
		{Name: "metrics_office_monthly", Title: "metrics: sales, profit, margin, customers by office × month, 12 months",
			Field: "metrics"},
		{Name: "metrics_industry_receivables", Title: "metrics: sales, invoices, open receivables by industry, a quarter",
			Field: "metrics"},
	}
	for i := range specs {
		q := &specs[i]
		b, err := files.ReadFile("queries/" + q.Name + ".graphql")
		if err != nil {
			return nil, err
		}
		q.GraphQL = string(b)
		q.Vars = operationVars(q.GraphQL)
		b, err = files.ReadFile("floor/" + q.Name + ".sql")
		if err != nil {
			return nil, err
		}
		q.FloorSQL = string(b)
		if q.FloorArgs, err = floorArgs(q.FloorSQL); err != nil {
			return nil, fmt.Errorf("floor/%s.sql: %w", q.Name, err)
		}
		if b, err := files.ReadFile("peer/queries/" + q.Name + ".graphql"); err == nil {
			q.PeerGraphQL = string(b)
			q.PeerVars = operationVars(q.PeerGraphQL)
		}
	}
	return specs, nil
}

// PeerSQL is the peer's helper schema (bench_peer).
func PeerSQL() string {
	b, _ := files.ReadFile("peer/peer.sql")
	return string(b)
}

// Select keeps the queries named in only (all when only is empty).
func Select(qs []Query, only []string) ([]Query, error) {
	if len(only) == 0 {
		return qs, nil
	}
	var out []Query
	for _, name := range only {
		i := slices.IndexFunc(qs, func(q Query) bool { return q.Name == name })
		if i < 0 {
			var names []string
			for _, q := range qs {
				names = append(names, q.Name)
			}
			return nil, fmt.Errorf("no query %q (have %s)", name, strings.Join(names, ", "))
		}
		out = append(out, qs[i])
	}
	return out, nil
}

var (
	opHeader = regexp.MustCompile(`(?s)^[^{(]*\(([^)]*)\)`)
	varName  = regexp.MustCompile(`\$(\w+)\s*:`)
	argsLine = regexp.MustCompile(`(?m)^--\s*bench:args\s+(.*)$`)
)

// operationVars lists the variables a document's operation declares.
func operationVars(doc string) []string {
	var lines []string
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		}
	}
	m := opHeader.FindStringSubmatch(strings.Join(lines, "\n"))
	if m == nil {
		return nil
	}
	var vars []string
	for _, v := range varName.FindAllStringSubmatch(m[1], -1) {
		vars = append(vars, v[1])
	}
	return vars
}

// floorArgs reads the `-- bench:args a, b` line naming a floor statement's
// parameters in order.
func floorArgs(sql string) ([]string, error) {
	m := argsLine.FindStringSubmatch(sql)
	if m == nil {
		return nil, fmt.Errorf("no `-- bench:args` line")
	}
	var args []string
	for _, a := range strings.Split(m[1], ",") {
		if a = strings.TrimSpace(a); a != "" {
			args = append(args, a)
		}
	}
	return args, nil
}
