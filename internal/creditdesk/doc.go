// Package creditdesk holds the domain of creditdesk: the customer archive, the
// receivables ledger, credit control and sales analysis as types, rules and
// service interfaces. It imports neither the transport (GraphQL) nor the
// storage (PostgreSQL); adapters implement its services and `cmd/creditdesk`
// wires them together.
package creditdesk
