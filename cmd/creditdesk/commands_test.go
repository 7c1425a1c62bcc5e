package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runOut runs the command line args in env and returns what it printed as
// its result.
func runOut(t *testing.T, env *environment, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	env.out = &out
	defer func() { env.out = nil }()
	err := run(context.Background(), env, args)
	return out.String(), err
}

// withoutTime drops the run time a summary line ends with.
func withoutTime(s string) string {
	return regexp.MustCompile(`; took [0-9.]+[µm]?s\n$`).ReplaceAllString(s, "")
}

// TestEvaluateCommandsOnTheWorkedExample runs the two periodic evaluations
// an operator schedules over the worked example, whose classes
// testdata/small/expected.json gives: as of 2025-06-30, K0002 and K0011 are
// 甲, K0008 乙 and the other nine 丙; in 2025Q2 the dealers K0005 are A, K0003,
// K0004, K0007 and K0008 B, K0002, K0006 and K0009 C, K0005 and K0007 with a
// metric unrated.
func TestEvaluateCommandsOnTheWorkedExample(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	if _, err := runOut(t, env, "import", "--dir", "../../testdata/small"); err != nil {
		t.Fatalf("import: %v", err)
	}

	out, err := runOut(t, env, "evaluate", "--as-of", "2025-06-30")
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	// No class was stored before, so every customer's changed.
	if got, want := withoutTime(out), "credit evaluation 1 as of 2025-06-30 (policy version 1): 12 customers, 12 changed; 甲 2, 乙 1, 丙 9"; got != want {
		t.Errorf("evaluate printed\n%q\nwant\n%q", out, want)
	}
	var classes []string
	if err := env.db.NewRaw(`SELECT code || ' ' || credit_class FROM customers ORDER BY code`).Scan(ctx, &classes); err != nil {
		t.Fatal(err)
	}
	want := "K0001 BING,K0002 JIA,K0003 BING,K0004 BING,K0005 BING,K0006 BING,K0007 BING,K0008 YI,K0009 BING,K0010 BING,K0011 JIA,K0012 BING"
	if got := strings.Join(classes, ","); got != want {
		t.Errorf("stored classes\n%s\nwant\n%s", got, want)
	}

	// The same date again changes nothing but adds a run of snapshots.
	out, err = runOut(t, env, "evaluate", "--as-of", "2025-06-30")
	if err != nil {
		t.Fatalf("evaluate again: %v", err)
	}
	if got, want := withoutTime(out), "credit evaluation 2 as of 2025-06-30 (policy version 1): 12 customers, 0 changed; 甲 2, 乙 1, 丙 9"; got != want {
		t.Errorf("evaluate again printed\n%q\nwant\n%q", out, want)
	}
	var history int
	if err := env.db.NewRaw(`SELECT count(*) FROM customer_history WHERE field = 'creditClass'`).Scan(ctx, &history); err != nil {
		t.Fatal(err)
	}
	if history != 12 {
		t.Errorf("%d credit class history rows, want 12 (one per change)", history)
	}

	out, err = runOut(t, env, "evaluate-dealers", "--quarter", "2025Q2")
	if err != nil {
		t.Fatalf("evaluate-dealers: %v", err)
	}
	if got, want := withoutTime(out), "dealer evaluation 1 of 2025Q2 (policy version 1): 8 dealers (2 incomplete); A 1, B 4, C 3; 8 class changes"; got != want {
		t.Errorf("evaluate-dealers printed\n%q\nwant\n%q", out, want)
	}
	var dealers []string
	if err := env.db.NewRaw(`SELECT code || ' ' || dealer_class FROM customers WHERE dealer_class IS NOT NULL ORDER BY code`).
		Scan(ctx, &dealers); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(dealers, ","), "K0002 C,K0003 B,K0004 B,K0005 A,K0006 C,K0007 B,K0008 B,K0009 C"; got != want {
		t.Errorf("stored dealer classes\n%s\nwant\n%s", got, want)
	}
}

// TestCommandArgumentErrors: a malformed flag value is refused before
// anything is written, naming the flag and the value.
func TestCommandArgumentErrors(t *testing.T) {
	env := newTestEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"evaluate", "--as-of", "2025-02-30"}, `--as-of "2025-02-30"`},
		{[]string{"evaluate-dealers", "--quarter", "2025Q5"}, `--quarter "2025Q5"`},
		{[]string{"evaluate-dealers"}, `--quarter ""`},
		{[]string{"demo", "--scale", "huge", "--out", t.TempDir()}, `huge`},
		{[]string{"demo", "--end", "2025-13-01", "--out", t.TempDir()}, `--end: "2025-13-01"`},
	} {
		_, err := runOut(t, env, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("creditdesk %s: got %v, want an error containing %s", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	if env.db != nil {
		var runs int
		if err := env.db.NewRaw(`SELECT (SELECT count(*) FROM credit_class_evaluations) + (SELECT count(*) FROM dealer_evaluations)`).
			Scan(context.Background(), &runs); err != nil {
			t.Fatal(err)
		}
		if runs != 0 {
			t.Errorf("%d evaluation runs stored after refused commands", runs)
		}
	}
}

// TestDemoOutWritesImportableFiles: `creditdesk demo --out DIR` writes the
// import's CSV files, which `creditdesk import` then loads.
func TestDemoOutWritesImportableFiles(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t)
	dir := t.TempDir()
	if _, err := runOut(t, env, "demo", "--scale", "small", "--seed", "7", "--end", "2025-12-31", "--out", dir); err != nil {
		t.Fatalf("demo --out: %v", err)
	}
	if env.db != nil {
		t.Error("demo --out opened the database")
	}
	b, err := os.ReadFile(filepath.Join(dir, "customers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(string(b), "\n")
	if _, err := runOut(t, env, "import", "--dir", dir); err != nil {
		t.Fatalf("import of the demo files: %v", err)
	}
	var customers int
	if err := env.db.NewRaw(`SELECT count(*) FROM customers`).Scan(ctx, &customers); err != nil {
		t.Fatal(err)
	}
	if customers != lines-1 || customers < 100 {
		t.Errorf("%d customers imported from a customers.csv of %d lines (a header and a row each)", customers, lines)
	}
}

// TestMigrateDownStatusUp: `migrate down` rolls back the last group of
// migrations applied (a fresh database applies them all as one), status
// says which are applied, and `migrate up` applies them again.
func TestMigrateDownStatusUp(t *testing.T) {
	env := newTestEnv(t)
	status, err := runOut(t, env, "migrate", "status")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSuffix(status, "\n"), "\n") {
		name, ok := strings.CutPrefix(l, "applied  ")
		if !ok {
			t.Fatalf("status of a migrated database:\n%s", status)
		}
		names = append(names, name)
	}
	if len(names) < 13 || names[0] != "20261101000001" {
		t.Fatalf("status of a migrated database:\n%s", status)
	}

	var down, pending, up strings.Builder
	for i := range names {
		fmt.Fprintf(&down, "rolled back %s\n", names[len(names)-1-i])
		fmt.Fprintf(&pending, "pending  %s\n", names[i])
		fmt.Fprintf(&up, "applied %s\n", names[i])
	}
	if out, err := runOut(t, env, "migrate", "down"); err != nil || out != down.String() {
		t.Fatalf("down printed\n%s(%v), want\n%s", out, err, down.String())
	}
	if out, _ := runOut(t, env, "migrate", "status"); out != pending.String() {
		t.Errorf("status after down:\n%s", out)
	}
	var tables int
	if err := env.db.NewRaw(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'bun_migrations' AND tablename <> 'bun_migration_locks'`).
		Scan(context.Background(), &tables); err != nil || tables != 0 {
		t.Errorf("%d tables left after rolling every migration back (%v)", tables, err)
	}
	if out, err := runOut(t, env, "migrate", "up"); err != nil || out != up.String() {
		t.Fatalf("up printed\n%s(%v), want\n%s", out, err, up.String())
	}
	if out, _ := runOut(t, env, "migrate"); out != "nothing to migrate\n" {
		t.Errorf("up again: %q", out)
	}
	if out, _ := runOut(t, env, "migrate", "status"); out != status {
		t.Errorf("status after up:\n%s\nwant\n%s", out, status)
	}
}

// TestTokenCommandActsAsItsUser prints a token for rep1 of the worked
// example and uses it: rep1 sees only the customers it is responsible for
// (K0001, K0006 and K0011 in customers.csv), where the built-in admin sees
// all 12.
func TestTokenCommandActsAsItsUser(t *testing.T) {
	env := newTestEnv(t)
	if _, err := runOut(t, env, "import", "--dir", "../../testdata/small"); err != nil {
		t.Fatalf("import: %v", err)
	}
	out, err := runOut(t, env, "token", "--user", "rep1")
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	tok := strings.TrimSuffix(out, "\n")
	if name, err := tokenSigner().Verify(tok); err != nil || name != "rep1" || strings.Contains(tok, "\n") {
		t.Fatalf("token printed %q: names %q (%v), want one line naming rep1", out, name, err)
	}

	srv := httptest.NewServer(newServer(t, env))
	defer srv.Close()
	ask := func(auth string) string {
		req, _ := http.NewRequest("POST", srv.URL+"/graphql",
			strings.NewReader(`{"query":"{ customers(first: 20) { totalCount edges { node { code } } } }"}`))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return strings.TrimSpace(string(b))
	}
	codes := func(cs ...string) string {
		var edges []string
		for _, c := range cs {
			edges = append(edges, fmt.Sprintf(`{"node":{"code":"%s"}}`, c))
		}
		return fmt.Sprintf(`{"data":{"customers":{"totalCount":%d,"edges":[%s]}}}`, len(cs), strings.Join(edges, ","))
	}
	if got, want := ask("Bearer "+tok), codes("K0001", "K0006", "K0011"); got != want {
		t.Errorf("as rep1:\n%s\nwant\n%s", got, want)
	}
	if got, want := ask(""), codes("K0001", "K0002", "K0003", "K0004", "K0005", "K0006", "K0007", "K0008", "K0009",
		"K0010", "K0011", "K0012"); got != want {
		t.Errorf("without a token:\n%s\nwant\n%s", got, want)
	}

	// A user that does not exist gets no token.
	out, err = runOut(t, env, "token", "--user", "nobody")
	if err == nil || !strings.Contains(err.Error(), `"nobody"`) || out != "" {
		t.Errorf("token --user nobody: printed %q, error %v; want nothing printed and an error naming nobody", out, err)
	}
}
