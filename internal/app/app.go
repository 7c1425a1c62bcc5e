// Package app wires creditdesk together: the storage adapter's services into
// the GraphQL resolver. The command line, the benchmark harness and the
// end-to-end tests all build the API through it.
package app

import (
	"github.com/uptrace/bun"

	"creditdesk/graph"
	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// NewResolver returns the GraphQL resolver over db. clock tells "today"
// where a query omits its date; nil is the system clock.
func NewResolver(db *bun.DB, clock creditdesk.Clock) *graph.Resolver {
	return &graph.Resolver{
		Customers:      postgres.CustomerStore{DB: db, Clock: clock},
		Ledger:         postgres.LedgerStore{DB: db, Clock: clock},
		Policy:         postgres.PolicyStore{DB: db},
		Loaders:        postgres.LoaderStore{DB: db},
		Clock:          clock,
		Dealers:        postgres.DealerStore{DB: db},
		SalesForce:     postgres.SalesForceStore{DB: db, Clock: clock},
		Sales:          postgres.SalesStore{DB: db, Clock: clock},
		Metrics:        postgres.MetricsStore{DB: db},
		CreditClasses:  postgres.ClassStore{DB: db, Clock: clock},
		Approvals:      postgres.ApprovalStore{DB: db, Clock: clock},
		Investigations: postgres.InvestigationStore{DB: db, Clock: clock},
		PolicyWriter:   postgres.PolicyWriteStore{DB: db, Clock: clock},
		Credit:         postgres.CreditStore{DB: db, Clock: clock},
	}
}
