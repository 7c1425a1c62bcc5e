package graph_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// seedArchive adds offices BJ and SH, reps and seven customers whose names
// order differently from their codes.
func (a *api) seedArchive() {
	a.t.Helper()
	a.exec(`INSERT INTO offices (code, name) VALUES ('BJ', '北京办事处'), ('SH', '上海办事处');
		INSERT INTO users (username, name, role, office_id) VALUES
			('rep1', '业务员1', 'SALES_REP', (SELECT id FROM offices WHERE code = 'BJ')),
			('mgr', '经理', 'MANAGER', (SELECT id FROM offices WHERE code = 'BJ'));
		INSERT INTO customers (code, name, industry, office_id, rep_id, status) VALUES
			('A1', 'Golf',    'OTHER',        (SELECT id FROM offices WHERE code = 'BJ'), (SELECT id FROM users WHERE username = 'rep1'), 'ACTIVE'),
			('A2', 'Alpha',   'REGIONAL_DIY', (SELECT id FROM offices WHERE code = 'SH'), NULL, 'ACTIVE'),
			('A3', 'Foxtrot', 'OTHER',        (SELECT id FROM offices WHERE code = 'BJ'), NULL, 'SUSPENDED'),
			('A4', 'Bravo',   'REGIONAL_DIY', (SELECT id FROM offices WHERE code = 'BJ'), (SELECT id FROM users WHERE username = 'rep1'), 'ACTIVE'),
			('A5', 'Echo',    'OTHER',        (SELECT id FROM offices WHERE code = 'SH'), NULL, 'ACTIVE'),
			('A6', 'Charlie', 'OTHER',        (SELECT id FROM offices WHERE code = 'BJ'), NULL, 'ACTIVE'),
			('A7', 'Delta',   'OTHER',        (SELECT id FROM offices WHERE code = 'BJ'), NULL, 'ACTIVE')`)
}

type customerPage struct {
	Customers struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage     bool
			HasPreviousPage bool
			EndCursor       *string
		}
		Edges []struct {
			Cursor string
			Node   struct{ Code string }
		}
	}
}

const customersQuery = `query($filter: CustomerFilter, $order: CustomerOrder, $first: Int, $after: String) {
  customers(filter: $filter, orderBy: $order, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { code } } } }`

func TestCustomersConnection(t *testing.T) {
	a := newAPI(t)
	a.seedArchive()

	// By name descending, 3 a page: Golf, Foxtrot, Echo | Delta, Charlie,
	// Bravo | Alpha | (empty).
	want := []string{"A1", "A3", "A5", "A7", "A6", "A4", "A2"}
	var got []string
	var after any
	for page := 1; ; page++ {
		var p customerPage
		a.data(customersQuery, map[string]any{"order": map[string]any{"field": "NAME", "direction": "DESC"},
			"first": 3, "after": after}, &p)
		c := p.Customers
		if c.TotalCount != 7 {
			t.Errorf("page %d: totalCount %d, want 7", page, c.TotalCount)
		}
		if c.PageInfo.HasPreviousPage != (page > 1) {
			t.Errorf("page %d: hasPreviousPage %v", page, c.PageInfo.HasPreviousPage)
		}
		for _, e := range c.Edges {
			got = append(got, e.Node.Code)
		}
		if page == 4 {
			if len(c.Edges) != 0 || c.PageInfo.HasNextPage || c.PageInfo.EndCursor != nil {
				t.Errorf("page after the last: %d edges", len(c.Edges))
			}
			break
		}
		if c.PageInfo.HasNextPage != (page < 3) {
			t.Errorf("page %d: hasNextPage %v", page, c.PageInfo.HasNextPage)
		}
		after = *c.PageInfo.EndCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("name descending: %v, want %v", got, want)
	}

	t.Run("filters", func(t *testing.T) {
		for _, tc := range []struct {
			filter map[string]any
			want   []string
		}{
			{map[string]any{"officeCodes": []string{"SH"}}, []string{"A2", "A5"}},
			{map[string]any{"repUsernames": []string{"rep1"}, "industries": []string{"REGIONAL_DIY"}}, []string{"A4"}},
			{map[string]any{"statuses": []string{"SUSPENDED"}}, []string{"A3"}},
			{map[string]any{"search": "lph"}, []string{"A2"}},
			{map[string]any{"codes": []string{"A6", "A7"}}, []string{"A6", "A7"}},
		} {
			var p customerPage
			a.data(customersQuery, map[string]any{"filter": tc.filter}, &p)
			var codes []string
			for _, e := range p.Customers.Edges {
				codes = append(codes, e.Node.Code)
			}
			if !slices.Equal(codes, tc.want) || p.Customers.TotalCount != len(tc.want) {
				t.Errorf("filter %v: %v (total %d), want %v", tc.filter, codes, p.Customers.TotalCount, tc.want)
			}
		}
	})
	t.Run("bad page sizes and cursors", func(t *testing.T) {
		for _, vars := range []map[string]any{{"first": 0}, {"first": 1001}, {"first": -1}, {"after": "not-a-cursor"}} {
			resp := a.post(customersQuery, withVars(vars))
			if codes := resp.errorCodes(); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) {
				t.Errorf("%v: error codes %v, want [BAD_USER_INPUT]", vars, codes)
			}
		}
		var p customerPage
		a.data(customersQuery, map[string]any{"first": 1000}, &p)
		if len(p.Customers.Edges) != 7 {
			t.Errorf("first 1000: %d edges", len(p.Customers.Edges))
		}
	})
	t.Run("an unknown customer is null", func(t *testing.T) {
		var out struct{ Customer *struct{ Code string } }
		a.data(`{ customer(code: "NOPE") { code } }`, nil, &out)
		if out.Customer != nil {
			t.Errorf("customer(NOPE) = %+v, want null", out.Customer)
		}
	})
}

func TestCustomerMutations(t *testing.T) {
	a := newAPI(t)
	a.seedArchive()

	const create = `mutation($in: NewCustomer!) { createCustomer(input: $in) {
		code name status office { code } rep { username } registeredCapital guarantees contacts { name email } } }`
	in := map[string]any{"code": "K9", "name": "天津滨海电器", "industry": "REGIONAL_ELECTRICAL", "officeCode": "BJ",
		"repUsername": "rep1", "registeredCapital": "1500000", "guarantees": []string{"CONTRACT"},
		"contacts": []map[string]any{{"name": "赵经理", "email": "zhao@example.com"}}}
	var out struct {
		CreateCustomer struct {
			Code, Name, Status, RegisteredCapital string
			Office                                struct{ Code string }
			Rep                                   struct{ Username string }
			Contacts                              []struct{ Name string }
		}
	}
	a.data(create, map[string]any{"in": in}, &out)
	if c := out.CreateCustomer; c.Code != "K9" || c.Status != "ACTIVE" || c.Office.Code != "BJ" || c.Rep.Username != "rep1" ||
		c.RegisteredCapital != "1500000.00" || len(c.Contacts) != 1 {
		t.Errorf("created %+v", c)
	}
	if codes := a.post(create, withVars(map[string]any{"in": in})).errorCodes(); !slices.Equal(codes, []string{"CONFLICT"}) {
		t.Errorf("duplicate code: %v, want [CONFLICT]", codes)
	}

	const update = `mutation($code: String!, $in: CustomerUpdate!) { updateCustomer(code: $code, input: $in) {
		name office { code } history(first: 10) { totalCount edges { node {
			field oldValue newValue reason changedBy { username } approvedBy { username } } } } } }`
	var upd struct {
		UpdateCustomer struct {
			Name    string
			Office  struct{ Code string }
			History struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Field, Reason      string
						OldValue, NewValue *string
						ChangedBy          struct{ Username string }
						ApprovedBy         *struct{ Username string }
					}
				}
			}
		}
	}
	a.data(update, map[string]any{"code": "K9", "in": map[string]any{"name": "天津滨海电器股份", "officeCode": "SH",
		"industry": "REGIONAL_ELECTRICAL", "reason": "改制", "approvedBy": "mgr"}}, &upd)
	u := upd.UpdateCustomer
	if u.Name != "天津滨海电器股份" || u.Office.Code != "SH" || u.History.TotalCount != 3 {
		t.Fatalf("updated %+v", u)
	}
	// Newest first; the unchanged industry wrote nothing.
	var lines []string
	for _, e := range u.History.Edges {
		n := e.Node
		s := n.Field + ": " + orNone(n.OldValue) + " → " + orNone(n.NewValue) + " (" + n.Reason + ", " + n.ChangedBy.Username
		if n.ApprovedBy != nil {
			s += ", " + n.ApprovedBy.Username
		}
		lines = append(lines, s+")")
	}
	wantLines := []string{
		"officeCode: BJ → SH (改制, admin, mgr)",
		"name: 天津滨海电器 → 天津滨海电器股份 (改制, admin, mgr)",
		"created: ∅ → K9 (customer created, admin)",
	}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}

	for name, vars := range map[string]map[string]any{
		"blank reason":  {"code": "K9", "in": map[string]any{"name": "x", "reason": " "}},
		"no reason":     {"code": "K9", "in": map[string]any{"name": "x"}},
		"unknown field": {"code": "K9", "in": map[string]any{"creditLimit": "1", "reason": "r"}},
	} {
		if codes := a.post(update, withVars(vars)).errorCodes(); !slices.Equal(codes, []string{"BAD_USER_INPUT"}) {
			t.Errorf("%s: %v, want [BAD_USER_INPUT]", name, codes)
		}
	}
	if codes := a.post(update, withVars(map[string]any{"code": "NOPE", "in": map[string]any{"name": "x", "reason": "r"}})).
		errorCodes(); !slices.Equal(codes, []string{"NOT_FOUND"}) {
		t.Errorf("unknown code: %v, want [NOT_FOUND]", codes)
	}
}

func orNone(s *string) string {
	if s == nil {
		return "∅"
	}
	return *s
}

// TestCustomerListReadsWhatItShows: a list that asks only summary fields gets
// them right, and one that asks any other field gets the whole record.
func TestCustomerListReadsWhatItShows(t *testing.T) {
	a := newAPI(t)
	a.seedAccount(1)
	a.exec(`UPDATE customers SET short_name = '一号', address = '北京市海淀区', bankrupt = false, credit_limit = 5000 WHERE code = 'K1'`)
	for q, want := range map[string]string{
		`{ customers(first: 5) { edges { node { code name shortName creditLimit industry office { code } rep { username } } } } }`: `{"data":{"customers":{"edges":[{"node":{"code":"K1","name":"客户一","shortName":"一号","creditLimit":"5000.00","industry":"OTHER","office":{"code":"BJ"},"rep":{"username":"rep1"}}}]}}}`,
		`{ customers(first: 5) { edges { node { code address bankrupt relationshipClass } } } }`:                                   `{"data":{"customers":{"edges":[{"node":{"code":"K1","address":"北京市海淀区","bankrupt":false,"relationshipClass":null}}]}}}`,
	} {
		if got := a.post(q).raw; got != want {
			t.Errorf("%s\n got %s\nwant %s", q, got, want)
		}
	}
}

// TestRequiredShareThroughTheAPI sends a customer's required share of
// company sales (DOMAIN.md §5) as GraphQL clients do: a string, or a JSON
// number in the variables; it is stored to 8 places, shown with a ratio's 6,
// and its history row names the old and new shares without trailing zeros.
func TestRequiredShareThroughTheAPI(t *testing.T) {
	a := newAPI(t)
	a.seedArchive()
	const create = `mutation($in: NewCustomer!) { createCustomer(input: $in) { code requiredShare } }`
	const update = `mutation($in: CustomerUpdate!) { updateCustomer(code: "K7", input: $in) {
		requiredShare history(first: 1) { edges { node { field oldValue newValue } } } } }`
	newCustomer := func(code string, share any) map[string]any {
		return map[string]any{"in": map[string]any{"code": code, "name": "客户" + code, "industry": "OTHER",
			"officeCode": "BJ", "requiredShare": share}}
	}

	for _, tc := range []struct {
		code  string
		share any
		want  string
	}{
		{"K7", "0.025", "0.025000"},
		// A number in the variables is accepted as well as a string,
		// and shown rounded to 6 places while stored to 8.
		{"K8", json.Number("0.30000001"), "0.300000"},
		{"K9", 1, "1.000000"},
	} {
		var out struct {
			CreateCustomer struct{ Code, RequiredShare string }
		}
		a.data(create, newCustomer(tc.code, tc.share), &out)
		if out.CreateCustomer.RequiredShare != tc.want {
			t.Errorf("%s created with requiredShare %v: shows %q, want %q", tc.code, tc.share,
				out.CreateCustomer.RequiredShare, tc.want)
		}
	}
	var stored string
	if err := a.db.NewRaw(`SELECT string_agg(code || ' ' || required_share, ', ' ORDER BY code) FROM customers
		WHERE code IN ('K7', 'K8', 'K9')`).Scan(a.t.Context(), &stored); err != nil {
		t.Fatal(err)
	}
	if want := "K7 0.02500000, K8 0.30000001, K9 1.00000000"; stored != want {
		t.Errorf("stored %s, want %s (exact, to 8 places)", stored, want)
	}

	resp := a.post(update, withVars(map[string]any{"in": map[string]any{"requiredShare": "0.0300", "reason": "季度目标调整"}}))
	if got, want := resp.raw, `{"data":{"updateCustomer":{"requiredShare":"0.030000","history":{"edges":[`+
		`{"node":{"field":"requiredShare","oldValue":"0.025","newValue":"0.03"}}]}}}}`; got != want {
		t.Errorf("update:\n%s\nwant\n%s", got, want)
	}

	for _, tc := range []struct {
		share any
		want  string
	}{
		{"1.5", `requiredShare: "1.5": must be a fraction between 0 and 1`},
		{"-0.01", `requiredShare: "-0.01": must be a fraction between 0 and 1`},
		{"0.123456789", `requiredShare: "0.123456789": has more than 8 decimal places`},
		{"3%", `send decimals as strings`},
		{json.Number("2e-2"), `send decimals as strings`},
	} {
		resp := a.post(update, withVars(map[string]any{"in": map[string]any{"requiredShare": tc.share, "reason": "r"}}))
		if resp.code() != "BAD_USER_INPUT" || !strings.Contains(resp.Errors[0].Message, tc.want) {
			t.Errorf("requiredShare %v: %s\nwant BAD_USER_INPUT saying %q", tc.share, resp.raw, tc.want)
		}
	}
	if err := a.db.NewRaw(`SELECT required_share::text FROM customers WHERE code = 'K7'`).Scan(a.t.Context(), &stored); err != nil {
		t.Fatal(err)
	}
	if stored != "0.03000000" {
		t.Errorf("after the refused updates K7's share is %s, want 0.03000000", stored)
	}
}
