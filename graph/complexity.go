package graph

import "creditdesk/internal/creditdesk"

// pageWeight is the complexity of a connection: its page size (50 when not
// given) times the cost of one node.
func pageWeight(child int, first *int) int {
	n := creditdesk.DefaultPageSize
	if first != nil && *first > 0 {
		n = *first
	}
	return 1 + n*child
}

// setComplexity gives connection fields a weight proportional to the page
// size they ask for, so a request nesting large pages is refused as
// TOO_COMPLEX before it runs.
func setComplexity(cfg *Config) {
	cfg.Complexity.Query.Customers = func(child int, _ *creditdesk.CustomerFilter, _ *creditdesk.CustomerOrder, first *int, _ *string) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Customer.Invoices = func(child int, first *int, _ *string, _ *bool, _ *creditdesk.Date) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Customer.Payments = func(child int, first *int, _ *string) int { return pageWeight(child, first) }
	cfg.Complexity.Customer.History = func(child int, first *int, _ *string) int { return pageWeight(child, first) }
	cfg.Complexity.Customer.Notes = func(child int, first *int, _ *string, _ []creditdesk.NoteStatus) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Customer.Sales = func(child int, first *int, _ *string, _ *creditdesk.Period) int {
		return pageWeight(child, first)
	}
	setCreditComplexity(cfg)
	setClassComplexity(cfg)
}
