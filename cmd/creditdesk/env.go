package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/uptrace/bun"

	"creditdesk/internal/devdb"
	"creditdesk/internal/postgres"
	"log/slog"
)

// devDatabase is the database the development cluster serves the API from.
const devDatabase = "creditdesk"

// environment holds what the commands share: the logger, where results are
// printed and the database.
type environment struct {
	log *slog.Logger
	// out receives what a command prints as its result (migrations applied,
	// a token, an evaluation's summary); os.Stdout when nil.
	out io.Writer
	db  *bun.DB
	url string
	// open are the session settings of the command's database
	// (postgres.Serving for serve).
	open []postgres.OpenOption
}

// stdout is where a command prints its result.
func (e *environment) stdout() io.Writer {
	if e.out == nil {
		return os.Stdout
	}
	return e.out
}

func (e *environment) close() {
	if e.db != nil {
		e.db.Close()
	}
}

// database opens DATABASE_URL, or the private development cluster's
// database when it is unset, and applies pending migrations when migrate is
// true.
func (e *environment) database(ctx context.Context, migrate bool) (*bun.DB, error) {
	if e.db != nil {
		return e.db, nil
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		root, err := devdb.FindRepoRoot()
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL is unset and no checkout to keep a private cluster in: %w", err)
		}
		cl, err := devdb.Ensure(ctx, root, func(format string, args ...any) {
			e.log.Info(fmt.Sprintf(format, args...))
		})
		if err != nil {
			return nil, fmt.Errorf("start the private PostgreSQL cluster: %w", err)
		}
		exists, err := cl.DatabaseExists(ctx, devDatabase)
		if err != nil {
			return nil, err
		}
		if !exists {
			if err := cl.CreateDatabase(ctx, devDatabase, ""); err != nil {
				return nil, err
			}
		}
		url = cl.URL(devDatabase)
		e.log.Info("using the private development cluster", "url", url)
	}
	db, err := postgres.Open(url, e.open...)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to the database: %w", err)
	}
	if migrate {
		applied, err := postgres.Migrate(ctx, db)
		if err != nil {
			db.Close()
			return nil, err
		}
		if len(applied) > 0 {
			e.log.Info("migrated", "applied", applied)
		}
	}
	e.db, e.url = db, url
	return db, nil
}
