package graph

import (
	"log/slog"

	"github.com/99designs/gqlgen/graphql/handler"
)

// NewHandlerRenderingInExecutor is NewHandler with every list rendered by
// gqlgen's executor, the reference the direct rendering is held to.
func NewHandlerRenderingInExecutor(r *Resolver, log *slog.Logger) *handler.Server {
	return newHandler(r, log, false)
}
