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
	// Dealers evaluates dealers and office networks (DOMAIN.md §6).
	Dealers creditdesk.DealerService
	// SalesForce answers the sales-force rules (DOMAIN.md §7).
	SalesForce creditdesk.SalesForceService
	// Sales computes the sales analysis reports (DOMAIN.md §5).
	Sales creditdesk.SalesService
	// Metrics answers the dashboards' metrics query (docs/metrics.md).
	Metrics creditdesk.MetricsService
	// CreditClasses evaluates and records credit classes (DOMAIN.md §4).
	CreditClasses creditdesk.CreditClassService
	// Approvals takes limit, write-off and class override requests and their
	// decisions (DOMAIN.md §3, §4).
	Approvals creditdesk.ApprovalService
	// Investigations records and reads credit investigations (000 第五–七条).
	Investigations creditdesk.InvestigationService
	// PolicyWriter creates policy versions (DOMAIN.md §10).
	PolicyWriter creditdesk.PolicyWriter
	// Credit computes the credit figures: positions, ageing, the 60-day and
	// 120-day rules, the limitation watch (DOMAIN.md §3, §9).
	Credit creditdesk.CreditService
	// ResponseCache, when set, answers repeated queries while the database
	// has not changed (see ResponseCache).
	ResponseCache *ResponseCache
}
