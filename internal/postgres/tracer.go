package postgres

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

type statementCounterKey struct{}

// StatementCounter counts the SQL statements sent for a context. Tests use it
// to prove that a query's statement count does not grow with its rows; it
// sees every statement pgx sends, Bun's and raw pgx alike.
type StatementCounter struct{ n atomic.Int64 }

// Count returns the number of statements counted so far.
func (c *StatementCounter) Count() int64 { return c.n.Load() }

// WithStatementCounter returns a context whose statements are counted by c.
func WithStatementCounter(ctx context.Context, c *StatementCounter) context.Context {
	return context.WithValue(ctx, statementCounterKey{}, c)
}

type statementTracer struct{}

func (statementTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if c, ok := ctx.Value(statementCounterKey{}).(*StatementCounter); ok {
		c.n.Add(1)
	}
	return ctx
}

func (statementTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
