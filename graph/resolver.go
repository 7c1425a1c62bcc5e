// Package graph is creditdesk's GraphQL layer: the schema in schema/, the code
// gqlgen generates from it, and resolvers that only translate arguments to
// domain calls and domain results to schema types. No SQL and no business
// rule lives here.
package graph

//go:generate go tool gqlgen generate

import (
	"creditdesk/internal/creditdesk"
)

// Resolver holds the domain services the resolvers call. One Resolver serves
// every request; per-request state (the actor, the dataloaders) travels in the
// context.
type Resolver struct {
	Customers creditdesk.CustomerService
	Ledger    creditdesk.LedgerService
	Policy    creditdesk.PolicyService
	Loaders   LoaderSource
	Clock     creditdesk.Clock
}
