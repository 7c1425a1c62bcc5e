package graph

import (
	"context"
	"strconv"

	"github.com/vikstrous/dataloadgen"

	"creditdesk/graph/model"
	"creditdesk/internal/creditdesk"
)

// classLoadersKey keys the request's credit class loaders in the context.
type classLoadersKey struct{}

// ClassLoaders are the per-request dataloaders of the credit class part of
// the schema: Customer.creditClassResult, Customer.investigations and
// Customer.latestInvestigation over a customer list each cost one statement
// per batch (the class evaluation one per distinct as-of date).
type ClassLoaders struct {
	results        *dataloadgen.Loader[creditdesk.CreditClassKey, *creditdesk.CreditClassResult]
	investigations *dataloadgen.Loader[creditdesk.InvestigationsQuery, *creditdesk.Connection[*creditdesk.CreditInvestigation]]
	latest         *dataloadgen.Loader[int64, *creditdesk.CreditInvestigation]
}

// NewClassLoaders returns a fresh set of credit class loaders; results are
// cached for the loaders' lifetime, so make one per request.
func NewClassLoaders(classes creditdesk.CreditClassService, inv creditdesk.InvestigationService) *ClassLoaders {
	opts := []dataloadgen.Option{dataloadgen.WithWait(LoaderWait), dataloadgen.WithBatchCapacity(creditdesk.MaxPageSize)}
	return &ClassLoaders{
		results: dataloadgen.NewLoader(func(ctx context.Context, keys []creditdesk.CreditClassKey) ([]*creditdesk.CreditClassResult, []error) {
			rs, err := classes.CreditClasses(ctx, keys)
			if err != nil {
				return nil, []error{err}
			}
			return rs, nil
		}, opts...),
		investigations: dataloadgen.NewLoader(func(ctx context.Context, qs []creditdesk.InvestigationsQuery) ([]*creditdesk.Connection[*creditdesk.CreditInvestigation], []error) {
			cs, err := inv.Investigations(ctx, qs)
			if err != nil {
				return nil, []error{err}
			}
			return cs, nil
		}, opts...),
		latest: dataloadgen.NewLoader(func(ctx context.Context, ids []int64) ([]*creditdesk.CreditInvestigation, []error) {
			is, err := inv.LatestInvestigations(ctx, ids)
			if err != nil {
				return nil, []error{err}
			}
			return is, nil
		}, opts...),
	}
}

// WithClassLoaders returns a context carrying a fresh set of credit class
// loaders over r's services. The request middleware calls it once per
// operation.
func WithClassLoaders(ctx context.Context, r *Resolver) context.Context {
	return context.WithValue(ctx, classLoadersKey{}, NewClassLoaders(r.CreditClasses, r.Investigations))
}

// classLoadersFrom returns the request's credit class loaders. Without the
// middleware (a test calling a resolver directly) it returns a fresh set,
// which answers correctly but batches nothing.
func (r *Resolver) classLoadersFrom(ctx context.Context) *ClassLoaders {
	if l, ok := ctx.Value(classLoadersKey{}).(*ClassLoaders); ok {
		return l
	}
	return NewClassLoaders(r.CreditClasses, r.Investigations)
}

// setClassComplexity weighs the credit class and approval connections by
// their page size; setComplexity calls it.
func setClassComplexity(cfg *Config) {
	cfg.Complexity.Query.CreditClassHistory = func(child int, _ string, first *int, _ *string) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Query.CreditClassChanges = func(child int, _, _ creditdesk.Date, _, _ *creditdesk.CreditClass,
		_ *creditdesk.CustomerFilter, first *int, _ *string) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Query.CreditLimitRequests = func(child int, _ *creditdesk.ApprovalStatus, _ *creditdesk.CustomerFilter, first *int, _ *string) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Query.WriteOffRequests = func(child int, _ *creditdesk.ApprovalStatus, _ *creditdesk.CustomerFilter, first *int, _ *string) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Query.CreditClassOverrides = func(child int, _ *creditdesk.ApprovalStatus, _ *creditdesk.CustomerFilter, first *int, _ *string) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Customer.Investigations = func(child int, first *int, _ *string) int { return pageWeight(child, first) }
	// A live class evaluation reads a customer's whole ledger: weigh it like
	// a page of ten rows.
	cfg.Complexity.Customer.CreditClassResult = func(child int, _ *creditdesk.Date) int { return 10 * child }
}

// classDay is asOf, or today in the current policy's time zone (DOMAIN.md
// §10), read once per request when the request's loaders are there.
func (r *Resolver) classDay(ctx context.Context, asOf *creditdesk.Date) (creditdesk.Date, error) {
	if asOf != nil {
		return *asOf, nil
	}
	if l, err := loadersFrom(ctx); err == nil {
		return l.Today(ctx, r.Clock, r.Policy)
	}
	p, err := r.Policy.CurrentPolicy(ctx)
	if err != nil {
		return creditdesk.Date{}, err
	}
	return r.Clock.Today(p.Location()), nil
}

// requestID reads a request's ID argument.
func requestID(id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, creditdesk.FieldError("id", id, "not a request id")
	}
	return n, nil
}

// connectionParts returns the cursors of a connection's edges and its page
// information.
func connectionParts[T any](c *creditdesk.Connection[T], after *string) *model.PageInfo {
	cursors := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		cursors[i] = e.Cursor
	}
	return pageInfo(cursors, c.HasNextPage, after)
}
