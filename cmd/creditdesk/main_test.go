package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"creditdesk/internal/pgtest"
)

// newTestEnv returns an environment on a fresh migrated database named by
// DATABASE_URL, as an operator would run the binary.
func newTestEnv(t *testing.T) *environment {
	t.Helper()
	t.Setenv("DATABASE_URL", pgtest.NewURL(t))
	env := &environment{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	t.Cleanup(env.close)
	return env
}

func TestImportTheWorkedExampleThenServeIt(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	if err := run(ctx, env, []string{"import", "--dir", "../../testdata/small"}); err != nil {
		t.Fatalf("import: %v", err)
	}
	var customers, invoices int
	if err := env.db.NewRaw("SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM invoices)").
		Scan(ctx, &customers, &invoices); err != nil {
		t.Fatal(err)
	}
	if customers != 12 || invoices != 386 {
		t.Fatalf("imported %d customers and %d invoices, want 12 and 386", customers, invoices)
	}

	// The same files again are refused, and nothing is added.
	err := run(ctx, env, []string{"import", "--dir", "../../testdata/small"})
	if err == nil || !strings.Contains(err.Error(), "identical") {
		t.Fatalf("re-import: got %v, want an identical-file refusal", err)
	}
	if err := env.db.NewRaw("SELECT count(*) FROM customers").Scan(ctx, &customers); err != nil || customers != 12 {
		t.Fatalf("after the refused re-import: %d customers (%v), want 12", customers, err)
	}

	// Served through the real HTTP stack: K0003's exposure as of 2025-06-30
	// is its open receivables, 491,837.44 against a limit of 200,000.00
	// (testdata/small/expected.json).
	srv := httptest.NewServer(newServer(t, env))
	defer srv.Close()
	body := postGraphQL(t, srv.URL, `{ creditPosition(customerCode: "K0003", asOf: "2025-06-30") {
		exposure creditLimit utilization alert } }`)
	want := `{"data":{"creditPosition":{"exposure":"491837.44","creditLimit":"200000.00","utilization":"2.459187","alert":"EXCEEDED"}}}`
	if body != want {
		t.Fatalf("creditPosition:\n got %s\nwant %s", body, want)
	}
	// Asked again, it is answered from memory while the database is
	// unchanged (another test package's write elsewhere in the shared
	// cluster can intervene); the Prometheus counters count both answers.
	if again := postGraphQL(t, srv.URL, `{ creditPosition(customerCode: "K0003", asOf: "2025-06-30") {
		exposure creditLimit utilization alert } }`); again != want {
		t.Fatalf("creditPosition again: %s", again)
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var hits, misses int
	for _, line := range strings.Split(string(metrics), "\n") {
		fmt.Sscanf(line, "creditdesk_response_cache_hits_total %d", &hits)
		fmt.Sscanf(line, "creditdesk_response_cache_misses_total %d", &misses)
	}
	if hits+misses != 2 || misses < 1 || !strings.Contains(string(metrics), `go_sql_max_open_connections{db_name="creditdesk"}`) {
		t.Errorf("/metrics: %d hits, %d misses (want 2 queries, the first a miss), pool statistics %v", hits, misses,
			strings.Contains(string(metrics), "go_sql_"))
	}

	for path, want := range map[string]string{"/healthz": "ok\n", "/readyz": "ready\n"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != want {
			t.Errorf("GET %s = %d %q, want 200 %q", path, resp.StatusCode, b, want)
		}
	}
}

func TestBearerTokenActsAsItsUser(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	if _, err := env.database(ctx, true); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newServer(t, env))
	defer srv.Close()

	tok, err := tokenSigner().Sign("admin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, header, wantCode string
	}{
		{"valid token", "Bearer " + tok, ""},
		{"forged token", "Bearer " + tok + "x", "UNAUTHENTICATED"},
		{"not a bearer token", "Basic abc", "UNAUTHENTICATED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/graphql", strings.NewReader(`{"query":"{ customers { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", tc.header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out struct {
				Errors []struct {
					Extensions map[string]string `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(out.Errors) > 0 {
				got = out.Errors[0].Extensions["code"]
			}
			if got != tc.wantCode {
				t.Fatalf("code = %q, want %q", got, tc.wantCode)
			}
		})
	}
}

func TestUnknownCommandAndMissingFlags(t *testing.T) {
	env := newTestEnv(t)
	ctx := context.Background()
	for _, args := range [][]string{{"frobnicate"}, {"import"}, {"token"}, {"migrate", "sideways"}} {
		if err := run(ctx, env, args); err == nil {
			t.Errorf("creditdesk %v succeeded, want an error", args)
		}
	}
}

func postGraphQL(t *testing.T, url, query string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(url+"/graphql", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(out))
}

func newServer(t *testing.T, env *environment) http.Handler {
	t.Helper()
	db, err := env.database(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	return buildServer(env, db, "127.0.0.1:0", 64).Handler()
}
