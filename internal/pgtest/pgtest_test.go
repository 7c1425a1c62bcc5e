package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"creditdesk/internal/postgres"
	"creditdesk/migrations"
)

func regclass(t testing.TB, db *bun.DB, table string) bool {
	t.Helper()
	var oid sql.NullString
	if err := db.QueryRowContext(context.Background(), "SELECT to_regclass(?)::text", table).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	return oid.Valid
}

func TestNewIsMigrated(t *testing.T) {
	db := New(t)
	var name string
	if err := db.QueryRowContext(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(name, clonePrefix) {
		t.Fatalf("connected to %q, want a fresh clone", name)
	}
	if ups, _ := fs.Glob(migrations.FS, "*.up.sql"); len(ups) > 0 {
		if !regclass(t, db, "bun_migrations") {
			t.Fatal("clone has no bun_migrations table")
		}
		var applied int
		if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM bun_migrations").Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if applied != len(ups) {
			t.Fatalf("%d migrations applied, %d files", applied, len(ups))
		}
		// Migrating again finds nothing to do.
		names, err := postgres.Migrate(context.Background(), db)
		if err != nil || len(names) != 0 {
			t.Fatalf("Migrate on a clone applied %v, %v", names, err)
		}
	}
}

func TestClonesAreIndependent(t *testing.T) {
	ctx := context.Background()
	a, b := New(t), New(t)
	if _, err := a.ExecContext(ctx, "CREATE TABLE only_in_a (id int)"); err != nil {
		t.Fatal(err)
	}
	if !regclass(t, a, "only_in_a") {
		t.Fatal("table missing where it was created")
	}
	if regclass(t, b, "only_in_a") {
		t.Fatal("table created in one clone is visible in another")
	}
	// And the template did not get it either.
	if c := New(t); regclass(t, c, "only_in_a") {
		t.Fatal("table created in a clone leaked into the template")
	}
}

func TestCloneDroppedAfterTest(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		db := New(t)
		if err := db.QueryRowContext(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
	})
	s, err := Default(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Exists(context.Background(), name); err != nil || ok {
		t.Fatalf("clone %s still exists after its test: %v %v", name, ok, err)
	}
}

func TestParallelNew(t *testing.T) {
	const n = 8
	var wg sync.WaitGroup
	names := make([]string, n)
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := New(t)
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, "CREATE TABLE mine (n int)"); err != nil {
				t.Error(err)
				return
			}
			if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&names[i]); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d parallel New calls took %v", n, time.Since(start))
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			t.Fatalf("two tests got database %q", name)
		}
		seen[name] = true
	}
}

func TestEnsureTemplate(t *testing.T) {
	ctx := context.Background()
	name := fmt.Sprintf("pgtest_custom_%d", os.Getpid())
	s, err := Default(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.DropDatabase(context.Background(), name); err != nil {
			t.Error(err)
		}
	})

	// A failed build leaves nothing behind.
	boom := errors.New("boom")
	if _, err := EnsureTemplate(ctx, name, func(context.Context, string) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("failed build returned %v", err)
	}
	for _, db := range []string{name, name + buildingSuffix} {
		if ok, err := s.Exists(ctx, db); err != nil || ok {
			t.Fatalf("%s exists after a failed build: %v %v", db, ok, err)
		}
	}

	// Concurrent callers: one build, all get the template.
	var builds atomic.Int32
	build := func(ctx context.Context, url string) error {
		builds.Add(1)
		db, err := postgres.Open(url)
		if err != nil {
			return err
		}
		// Deliberately left open: EnsureTemplate must cope with a builder
		// that leaks a connection.
		_, err = db.ExecContext(ctx, "CREATE TABLE big AS SELECT g AS n FROM generate_series(1, 1000) g")
		time.Sleep(100 * time.Millisecond) // widen the race window
		return err
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := EnsureTemplate(ctx, name, build)
			if err != nil || got != name {
				t.Errorf("EnsureTemplate = %q, %v", got, err)
			}
		}()
	}
	wg.Wait()
	if b := builds.Load(); b != 1 {
		t.Fatalf("template built %d times, want 1", b)
	}
	db := NewFrom(t, name)
	var count int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM big").Scan(&count); err != nil || count != 1000 {
		t.Fatalf("clone of custom template has %d rows, %v", count, err)
	}
	if ok, err := s.Exists(ctx, name+buildingSuffix); err != nil || ok {
		t.Fatalf("building database left behind: %v %v", ok, err)
	}
}

// TestEnsureTemplateFrom builds a data-set template on top of the migrated
// schema, the way the benchmark harness does, and clones it the way large
// templates are cloned (to disk, by file copy).
func TestEnsureTemplateFrom(t *testing.T) {
	ctx := context.Background()
	s, err := Default(ctx)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := Template(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("pgtest_data_%d", os.Getpid())
	t.Cleanup(func() {
		if err := s.DropDatabase(context.Background(), name); err != nil {
			t.Error(err)
		}
	})
	_, err = EnsureTemplateFrom(ctx, name, schema, func(ctx context.Context, url string) error {
		db, err := postgres.Open(url)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, "CREATE TABLE dataset AS SELECT g AS n FROM generate_series(1, 5000) g")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	saved := largeTemplate
	largeTemplate = 0 // treat every template as large
	t.Cleanup(func() { largeTemplate = saved })
	db := NewFrom(t, name)
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM dataset").Scan(&n); err != nil || n != 5000 {
		t.Fatalf("clone has %d rows, %v", n, err)
	}
	if ups, _ := fs.Glob(migrations.FS, "*.up.sql"); len(ups) > 0 && !regclass(t, db, "bun_migrations") {
		t.Fatal("data-set clone lacks the migrated schema")
	}
	var space string
	if err := db.QueryRowContext(ctx, `SELECT spcname FROM pg_database d JOIN pg_tablespace s ON s.oid = d.dattablespace
		WHERE datname = current_database()`).Scan(&space); err != nil {
		t.Fatal(err)
	}
	if space != "pg_default" {
		t.Fatalf("large clone went to tablespace %s, want pg_default", space)
	}
}

// TestCloneInRAM checks that, on the private cluster, test clones go to the
// RAM tablespace.
func TestCloneInRAM(t *testing.T) {
	s, err := Default(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Cluster() == nil || s.Cluster().ScratchTablespace == "" {
		t.Logf("no RAM tablespace here (DATABASE_URL set or /dev/shm too small); clones go to disk")
		return
	}
	db := New(t)
	var space string
	if err := db.QueryRowContext(context.Background(), `SELECT spcname FROM pg_database d JOIN pg_tablespace s ON s.oid = d.dattablespace
		WHERE datname = current_database()`).Scan(&space); err != nil {
		t.Fatal(err)
	}
	if space != s.Cluster().ScratchTablespace {
		t.Fatalf("clone in tablespace %s, want %s", space, s.Cluster().ScratchTablespace)
	}
}

// TestNewSpeed reports how long New takes once the template exists.
func TestNewSpeed(t *testing.T) {
	New(t) // template built, cluster up
	const n = 10
	start := time.Now()
	for range n {
		t.Run("clone", func(t *testing.T) {
			db := New(t)
			if err := db.PingContext(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
	per := time.Since(start) / n
	t.Logf("New + ping + drop: %v per test", per)
	// Only our own cluster's speed is ours to promise (RAM tablespace).
	if s, err := Default(context.Background()); err == nil && s.Cluster() != nil && per > time.Second {
		t.Errorf("New takes %v, want well under a second", per)
	}
}

func BenchmarkNew(b *testing.B) {
	New(b)
	for b.Loop() {
		b.Run("clone", func(b *testing.B) { New(b) })
	}
}
