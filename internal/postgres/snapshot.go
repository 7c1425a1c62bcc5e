package postgres

import (
	"context"

	"github.com/uptrace/bun"
)

// CurrentSnapshot returns a function that reads the database's current MVCC
// snapshot as text (xmin:xmax:in-progress). It changes with every committed
// write, by anyone, and not with reads: graph.ResponseCache keys answers on
// it.
func CurrentSnapshot(db bun.IDB) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		var s string
		err := db.NewRaw("SELECT pg_current_snapshot()::text").Scan(ctx, &s)
		return s, err
	}
}
