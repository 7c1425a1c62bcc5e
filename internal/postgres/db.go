// Package postgres is creditdesk's storage adapter: it implements the domain
// services of package creditdesk over PostgreSQL with Bun, pgx and SQL kept
// next to the code that runs it.
package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/migrate"

	"creditdesk/migrations"
)

// Open connects to the database at url with pgx's stdlib driver in
// simple-protocol mode: Bun formats the SQL text on the client and sends no
// bind parameters, and simple protocol also works behind PgBouncer. Every
// statement passes through the statement tracer so tests can count them.
func Open(url string, opts ...OpenOption) (*bun.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	cfg.Tracer = statementTracer{}
	for _, o := range opts {
		o(cfg)
	}
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(32)
	sqldb.SetMaxIdleConns(32)
	return bun.NewDB(sqldb, pgdialect.New(), bun.WithDiscardUnknownColumns()), nil
}

// OpenOption adjusts the sessions Open starts.
type OpenOption func(*pgx.ConnConfig)

// Serving sets up sessions for answering many requests at once: each
// statement runs in its own backend, without parallel workers
// (max_parallel_workers_per_gather = 0). Under concurrent requests, workers
// only take cores from the other requests, and starting them costs a few
// milliseconds each time. On the 2-core benchmark machine they made
// medium-sized reports 15–30 % slower (docs/BENCHMARKS.md). A
// max_parallel_workers_per_gather the URL sets itself, as a parameter or in
// options=-c..., is kept.
func Serving() OpenOption {
	return func(cfg *pgx.ConnConfig) {
		const setting = "max_parallel_workers_per_gather"
		if _, ok := cfg.RuntimeParams[setting]; ok || strings.Contains(cfg.RuntimeParams["options"], setting) {
			return
		}
		cfg.RuntimeParams[setting] = "0"
	}
}

// SQLDB returns the database/sql handle under db.
func SQLDB(db *bun.DB) *sql.DB { return db.DB }

func newMigrator(db *bun.DB) (*migrate.Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(migrations.FS); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	return migrate.NewMigrator(db, ms, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// Migrate applies every pending migration and returns the names of the ones
// it applied.
func Migrate(ctx context.Context, db *bun.DB) ([]string, error) {
	m, err := newMigrator(db)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	if err := m.Lock(ctx); err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	defer m.Unlock(ctx) //nolint:errcheck
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var names []string
	for _, mig := range group.Migrations {
		names = append(names, mig.Name)
	}
	return names, nil
}

// Rollback rolls back the last group of applied migrations.
func Rollback(ctx context.Context, db *bun.DB) ([]string, error) {
	m, err := newMigrator(db)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, err
	}
	if err := m.Lock(ctx); err != nil {
		return nil, err
	}
	defer m.Unlock(ctx) //nolint:errcheck
	group, err := m.Rollback(ctx)
	if err != nil {
		return nil, fmt.Errorf("rollback: %w", err)
	}
	// bun undoes the group's migrations newest first; report them so.
	var names []string
	for i := len(group.Migrations) - 1; i >= 0; i-- {
		names = append(names, group.Migrations[i].Name)
	}
	return names, nil
}

// MigrationStatus lists every migration with whether it is applied.
func MigrationStatus(ctx context.Context, db *bun.DB) ([]string, error) {
	m, err := newMigrator(db)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, err
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, mig := range ms {
		state := "pending"
		if mig.IsApplied() {
			state = "applied"
		}
		lines = append(lines, fmt.Sprintf("%-8s %s", state, mig.Name))
	}
	return lines, nil
}

// MigrationsChecksum is a digest of every migration file; the test harness
// names its template database after it so a changed migration gets a fresh
// template.
func MigrationsChecksum() string {
	h := sha256.New()
	names, _ := fs.Glob(migrations.FS, "*.sql")
	sort.Strings(names)
	for _, n := range names {
		b, _ := fs.ReadFile(migrations.FS, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
