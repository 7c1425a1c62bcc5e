package devdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what the database-level helpers need from a connection;
// *pgx.Conn, *pgxpool.Pool and *pgxpool.Conn all satisfy it.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// ConnectAdmin opens a connection for database-level work (CREATE/DROP
// DATABASE). It uses the simple protocol, so it also works through
// PgBouncer, like postgres.Open.
func ConnectAdmin(ctx context.Context, url string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	return pgx.ConnectConfig(ctx, cfg)
}

// Ident quotes a PostgreSQL identifier.
func Ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// SQLSTATE codes we react to.
const (
	codeObjectInUse     = "55006" // "source database is being accessed by other users"
	codeWrongObjectType = "42809" // "cannot drop a template database"
)

// ErrorCode returns err's SQLSTATE, or "" if err is not from the server.
func ErrorCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// CreateDatabase creates database name on q's server as a copy of template
// (template1 if ""). PostgreSQL refuses to copy a template while anybody is
// connected to it, and it waits only 5 s for them to leave; a connection
// that lingers (a psql, a pool closing) is common enough that we retry for
// up to 30 s before giving up.
func CreateDatabase(ctx context.Context, q Querier, name, template string) error {
	sql := "CREATE DATABASE " + Ident(name)
	if template != "" {
		sql += " TEMPLATE " + Ident(template)
	}
	return RetryInUse(ctx, func() error {
		_, err := q.Exec(ctx, sql)
		return err
	})
}

// DatabaseExists reports whether database name exists on q's server.
func DatabaseExists(ctx context.Context, q Querier, name string) (bool, error) {
	var ok bool
	err := q.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&ok)
	return ok, err
}

// DropDatabase drops database name if it exists, disconnecting anybody still
// connected (WITH (FORCE), PostgreSQL 13+). A template database is unmarked
// first, since PostgreSQL refuses to drop templates.
func DropDatabase(ctx context.Context, q Querier, name string) error {
	drop := "DROP DATABASE IF EXISTS " + Ident(name) + " WITH (FORCE)"
	_, err := q.Exec(ctx, drop)
	if ErrorCode(err) == codeWrongObjectType {
		if _, err := q.Exec(ctx, "ALTER DATABASE "+Ident(name)+" WITH IS_TEMPLATE false ALLOW_CONNECTIONS true"); err != nil {
			return fmt.Errorf("unmark template %s: %w", name, err)
		}
		_, err = q.Exec(ctx, drop)
	}
	if err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// RetryInUse runs f (a CREATE DATABASE ... TEMPLATE) until it succeeds, fails
// with something other than "object in use", or 30 s have passed.
func RetryInUse(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(30 * time.Second)
	delay := 20 * time.Millisecond
	for {
		err := f()
		if err == nil || ErrorCode(err) != codeObjectInUse || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay = min(2*delay, 500*time.Millisecond)
	}
}
