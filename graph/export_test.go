package graph

import (
	"log/slog"

	"github.com/99designs/gqlgen/graphql/handler"
)

// NewReferenceHandler is NewHandler with every list rendered by gqlgen's
// executor and every response written by gqlgen's POST transport: the
// reference that creditdesk's own rendering (direct.go) and writing
// (transport.go) are held to.
func NewReferenceHandler(r *Resolver, log *slog.Logger) *handler.Server {
	return newHandler(r, log, false)
}
