package main

import (
	"github.com/uptrace/bun"

	"creditdesk/graph"
	"creditdesk/internal/postgres"
)

// newResolver wires the storage adapter's services into the GraphQL layer.
func newResolver(db *bun.DB) *graph.Resolver {
	return &graph.Resolver{
		Policy: postgres.PolicyStore{DB: db},
	}
}
