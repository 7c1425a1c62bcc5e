package graph_test

import (
	"fmt"
	"testing"
	"time"

	"creditdesk/graph"
	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// TestResponseCacheServesOnlyWhileNothingChanged: a repeated query is
// answered from memory with one statement (the snapshot), and any committed
// write — a mutation, or SQL from outside the server — makes the next query
// compute again and see it. Other actors, other minutes, mutations and
// answers with errors never share or keep an answer.
func TestResponseCacheServesOnlyWhileNothingChanged(t *testing.T) {
	now := time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC)
	cache := &graph.ResponseCache{MaxBytes: 1 << 20, Now: func() time.Time { return now }}
	a := newAPI(t, cachedBy(cache))
	a.seedAccount(3)
	const q = `query($code: String!) { customer(code: $code) { name shortName invoices(first: 2, asOf: "2025-06-30") {
		totalCount edges { node { number openBalance } } } } }`
	vars := withVars(map[string]any{"code": "K1"})
	ask := func(opts ...requestOption) (string, int64) {
		t.Helper()
		var c postgres.StatementCounter
		r := a.post(q, append(opts, vars, countedBy(&c))...)
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %s", r.raw)
		}
		return r.raw, c.Count()
	}

	// The snapshot is the whole cluster's: a write in another database (the
	// other test packages share the cluster and write all the time) also
	// invalidates, so the repeat is tried until two requests fall between
	// two of their writes.
	first, n1 := ask()
	served := false
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		again, n2 := ask()
		if again != first {
			t.Fatalf("the same query on unchanged data answered\n%s\nthen\n%s", first, again)
		}
		if n2 == 1 {
			served = true
			break
		}
	}
	if !served || n1 <= 1 {
		t.Fatalf("repeat: %d statements first; never answered from memory with 1 statement", n1)
	}
	if hits, _ := cache.Stats(); hits < 1 {
		t.Errorf("hits = %d, want at least 1", hits)
	}

	t.Run("a mutation is never served from memory and invalidates", func(t *testing.T) {
		const m = `mutation { updateCustomer(code: "K1", input: {shortName: "一号", reason: "更正简称"}) { shortName } }`
		for range 2 {
			if r := a.post(m); r.at("updateCustomer.shortName") != "一号" {
				t.Fatalf("mutation: %s", r.raw)
			}
		}
		got, n := ask()
		if n <= 1 || got == first || a.post(q, vars).at("customer.shortName") != "一号" {
			t.Errorf("after the mutation: %d statements, %s", n, got)
		}
	})

	t.Run("a write from outside the server invalidates", func(t *testing.T) {
		ask() // cached again
		// A back-dated invoice, as an import of last month's invoices writes.
		a.exec(`INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount,
		        exchange_rate, base_amount)
			SELECT 'LATE1', id, DATE '2025-05-01', DATE '2025-05-01', DATE '2025-06-30', 'CNY', 10, 1, 10
			FROM customers WHERE code = 'K1'`)
		if r := a.post(q, vars); fmt.Sprint(r.at("customer.invoices.totalCount")) != "4" ||
			r.at("customer.invoices.edges.0.node.number") != "LATE1" {
			t.Errorf("after a back-dated invoice: %s", r.raw)
		}
		a.exec(`UPDATE customers SET short_name = '外部' WHERE code = 'K1'`)
		if got := a.post(q, vars).at("customer.shortName"); got != "外部" {
			t.Errorf("after an outside update: shortName %v, want 外部", got)
		}
	})

	t.Run("another actor or another minute computes its own answer", func(t *testing.T) {
		ask()
		var rep1 struct{ ID int64 }
		if err := a.db.NewRaw(`SELECT id FROM users WHERE username = 'u1'`).Scan(t.Context(), &rep1); err != nil {
			t.Fatal(err)
		}
		// u1 is a sales rep without customers: K1 is out of its scope.
		other := &creditdesk.User{ID: rep1.ID, Username: "u1", Role: creditdesk.RoleSalesRep}
		if r := a.post(q, vars, as(other)); r.at("customer") != nil && len(r.Errors) == 0 {
			t.Errorf("another actor was served K1: %s", r.raw)
		}
		now = now.Add(time.Minute)
		if _, n := ask(); n <= 1 {
			t.Errorf("the next minute: %d statements, want the query computed again", n)
		}
	})

	t.Run("an answer with errors is not kept", func(t *testing.T) {
		const bad = `{ customers(first: 2, after: "not-a-cursor") { totalCount } }`
		hits, _ := cache.Stats()
		for range 2 {
			if r := a.post(bad); r.code() != creditdesk.EINVALID {
				t.Fatalf("bad cursor: %s", r.raw)
			}
		}
		if h, _ := cache.Stats(); h != hits {
			t.Errorf("an answer with errors was served from memory (%d hits, had %d)", h, hits)
		}
	})
}
