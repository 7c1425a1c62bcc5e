package csvimport

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
)

// tableCounts counts the rows of every table of the public schema, so a
// failed import can be shown to have changed nothing at all.
func tableCounts(t testing.TB, db *bun.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	var tables []string
	if err := db.NewRaw(`SELECT c.relname FROM pg_class c
		WHERE c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace ORDER BY 1`).Scan(ctx, &tables); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 20 {
		t.Fatalf("only %d tables in the schema: %v", len(tables), tables)
	}
	counts := map[string]int64{}
	for _, tbl := range tables {
		var n int64
		if err := db.NewRaw("SELECT count(*) FROM ?", bun.Ident(tbl)).Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		counts[tbl] = n
	}
	return counts
}

// assertUnchanged fails unless every table has the row count it had before.
func assertUnchanged(t testing.TB, before, after map[string]int64) {
	t.Helper()
	if maps.Equal(before, after) {
		return
	}
	for _, tbl := range slices.Sorted(maps.Keys(after)) {
		if before[tbl] != after[tbl] {
			t.Errorf("table %s: %d rows before, %d after", tbl, before[tbl], after[tbl])
		}
	}
}

// writeDir writes the files (name → content) into a fresh directory. Content
// is dedented: a leading newline and each line's leading tabs are dropped, so
// fixtures can be written inline in the test.
func writeDir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(dedent(content)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func dedent(s string) string {
	s = strings.TrimPrefix(s, "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "\t")
	}
	return strings.Join(lines, "\n")
}

// mustImport imports dir and fails the test on any error.
func mustImport(t testing.TB, db *bun.DB, dir string) Result {
	t.Helper()
	res, err := ImportDir(context.Background(), db, Options{Dir: dir})
	if err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	assertNoStagingTables(t, db)
	return res
}

// assertNoStagingTables fails if an import left a staging table behind.
func assertNoStagingTables(t testing.TB, db *bun.DB) {
	t.Helper()
	if left := queryStrings(t, db, `SELECT relname::text FROM pg_class
		WHERE relnamespace = 'import_staging'::regnamespace ORDER BY 1`); len(left) > 0 {
		t.Errorf("staging tables left behind: %v", left)
	}
}

// importFails imports dir, expects exactly the error message want, and
// checks that no table changed.
func importFails(t testing.TB, db *bun.DB, dir, want string) *LineError {
	t.Helper()
	before := tableCounts(t, db)
	_, err := ImportDir(context.Background(), db, Options{Dir: dir})
	if err == nil {
		t.Fatalf("import succeeded; want error %q", want)
	}
	if err.Error() != want {
		t.Errorf("error:\n got  %s\n want %s", err, want)
	}
	assertUnchanged(t, before, tableCounts(t, db))
	assertNoStagingTables(t, db)
	var le *LineError
	if !errors.As(err, &le) {
		return nil
	}
	return le
}

// queryStrings runs a query returning one text column per row.
func queryStrings(t testing.TB, db *bun.DB, q string, args ...any) []string {
	t.Helper()
	var out []string
	if err := db.NewRaw(q, args...).Scan(context.Background(), &out); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// queryString runs a query returning one text value.
func queryString(t testing.TB, db *bun.DB, q string, args ...any) string {
	t.Helper()
	var out string
	if err := db.NewRaw(q, args...).Scan(context.Background(), &out); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// onConnection runs f with an importer on a connection of db, outside any
// import, for tests of the importer's steps; f's error fails the test.
func onConnection(t *testing.T, db *bun.DB, f func(im *importer) error) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error {
		return f(&importer{ctx: ctx, conn: dc.(*stdlib.Conn).Conn()})
	}); err != nil {
		t.Fatal(err)
	}
}
