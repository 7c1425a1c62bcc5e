package bench

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"creditdesk/internal/pgtest"
)

// TestImportFloorLoadsTheSameRows dumps the worked example (loaded by the
// importer) with DumpFloorTables and loads it into a freshly migrated
// database with LoadFloorTables: every table must come out row for row the
// same, so that the floor the import is timed against writes everything
// the import writes.
func TestImportFloorLoadsTheSameRows(t *testing.T) {
	ctx := context.Background()
	srcURL := pgtest.NewURLFrom(t, smallTemplate(t))
	dir := t.TempDir()
	counts, err := DumpFloorTables(ctx, srcURL, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"customers", "invoices", "sales_lines", "sales_customer_months", "payments",
		"settlements", "notes", "note_status_changes", "targets", "inventory_snapshots", "import_batches"} {
		if counts[want] == 0 {
			t.Errorf("the floor leaves out %s (dumped: %v)", want, counts)
		}
	}
	for t2 := range counts {
		if strings.HasPrefix(t2, "bun_") {
			t.Errorf("the floor copies the migrations' table %s", t2)
		}
	}

	dstURL := pgtest.NewURL(t)
	loaded, err := LoadFloorTables(ctx, dstURL, dir, counts)
	if err != nil {
		t.Fatal(err)
	}
	for tbl, n := range counts {
		if loaded[tbl] != n {
			t.Errorf("%s: %d rows loaded, %d dumped", tbl, loaded[tbl], n)
		}
	}

	src, dst := connect(t, srcURL), connect(t, dstURL)
	tables := make([]string, 0, len(counts))
	for tbl := range counts {
		tables = append(tables, tbl)
	}
	slices.Sort(tables)
	for _, tbl := range tables {
		if a, b := tableDigest(t, src, tbl), tableDigest(t, dst, tbl); a != b {
			t.Errorf("%s differs after the floor's load: %s, source %s", tbl, b, a)
		}
	}
	// The secondary indexes and unique keys are built again, as they were.
	for _, q := range []string{
		"SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
		`SELECT conrelid::regclass || ' ' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
		 FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
	} {
		want, got := strings.Join(queryColumn(t, src, q), "\n"), strings.Join(queryColumn(t, dst, q), "\n")
		if got != want {
			t.Errorf("%s\nafter the floor's load:\n%s\nin the source:\n%s", q, got, want)
		}
	}
}

// queryColumn returns the one text column of q's rows.
func queryColumn(t *testing.T, c *pgx.Conn, q string) []string {
	t.Helper()
	rows, err := c.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// tableDigest is the row count and an MD5 of a table's rows in text form,
// in order.
func tableDigest(t *testing.T, c *pgx.Conn, table string) string {
	t.Helper()
	id := pgx.Identifier{table}.Sanitize()
	var s string
	err := c.QueryRow(context.Background(),
		"SELECT count(*) || ' rows, ' || coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text)), '-') FROM "+id+" r").Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The import benchmark's table gives each run against the floor's time in
// the same run, then creditdesk's progress per file, a column per run.
func TestImportMarkdown(t *testing.T) {
	r := &ImportResults{RunInfo: RunInfo{Scale: "small", Seed: 1, End: "2025-12-31"}, CSVRows: 300,
		TableRows: map[string]int64{"invoices": 100, "settlements": 250}}
	r.Runs = []ImportRun{
		{Target: targetCreditdesk, Run: 1, Seconds: 3, RowsPerSec: 100,
			Files: []ImportFile{{"invoices.csv", 100, 1.25}, {"payments.csv", 200, 1.5}}},
		{Target: targetFloor, Run: 1, Seconds: 1.5, RowsPerSec: 200},
		{Target: targetFloor, Run: 2, Seconds: 1, RowsPerSec: 300},
		{Target: targetCreditdesk, Run: 2, Seconds: 2.5, RowsPerSec: 120,
			Files: []ImportFile{{"invoices.csv", 100, 1}, {"payments.csv", 200, 1.25}}},
	}
	got := ImportMarkdown(r)
	for _, want := range []string{
		"| creditdesk | 1 | 3.0 | 100 | 2.00× |\n",
		"| floor | 2 | 1.0 | 300 | 1.00× |\n",
		"| creditdesk | 2 | 2.5 | 120 | 2.50× |\n",
		"| file | rows | run 1 | run 2 |\n|---|--:|--:|--:|\n" +
			"| invoices.csv | 100 | 1.25 | 1.00 |\n| payments.csv | 200 | 1.50 | 1.25 |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}
