package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"creditdesk/internal/creditdesk"
)

// creditLoadersKey keys the request's credit loaders in the context.
type creditLoadersKey struct{}

// creditPositionKey asks for one customer's credit position as of a date.
type creditPositionKey struct {
	CustomerID int64
	AsOf       creditdesk.Date
}

// CreditLoaders are the per-request dataloaders of the credit figures:
// Customer.creditPosition over a customer list costs one statement per batch
// and as-of date (CreditService.CustomerCreditPositions).
type CreditLoaders struct {
	positions *dataloadgen.Loader[creditPositionKey, *creditdesk.CreditPosition]
}

// NewCreditLoaders returns a fresh set of credit loaders over svc; results
// are cached for the loaders' lifetime, so make one per request.
func NewCreditLoaders(svc creditdesk.CreditService) *CreditLoaders {
	return &CreditLoaders{
		positions: dataloadgen.NewLoader(func(ctx context.Context, keys []creditPositionKey) ([]*creditdesk.CreditPosition, []error) {
			// One statement per distinct as-of date (nearly always one),
			// results put back in key order.
			out := make([]*creditdesk.CreditPosition, len(keys))
			byDay := map[creditdesk.Date][]int{}
			var days []creditdesk.Date
			for i, k := range keys {
				if _, ok := byDay[k.AsOf]; !ok {
					days = append(days, k.AsOf)
				}
				byDay[k.AsOf] = append(byDay[k.AsOf], i)
			}
			for _, day := range days {
				idx := byDay[day]
				ids := make([]int64, len(idx))
				for j, i := range idx {
					ids[j] = keys[i].CustomerID
				}
				ps, err := svc.CustomerCreditPositions(ctx, ids, &day)
				if err != nil {
					return nil, []error{err}
				}
				for j, i := range idx {
					out[i] = ps[j]
				}
			}
			return out, nil
		}, dataloadgen.WithWait(LoaderWait), dataloadgen.WithBatchCapacity(creditdesk.MaxPageSize)),
	}
}

// WithCreditLoaders returns a context carrying a fresh set of credit loaders
// over r's credit service. The request middleware calls it once per
// operation.
func WithCreditLoaders(ctx context.Context, r *Resolver) context.Context {
	return context.WithValue(ctx, creditLoadersKey{}, NewCreditLoaders(r.Credit))
}

// creditLoadersFrom returns the request's credit loaders. Without the
// middleware (a test calling a resolver directly) it returns a fresh set,
// which answers correctly but batches nothing.
func (r *Resolver) creditLoadersFrom(ctx context.Context) *CreditLoaders {
	if l, ok := ctx.Value(creditLoadersKey{}).(*CreditLoaders); ok {
		return l
	}
	return NewCreditLoaders(r.Credit)
}

// creditDay is asOf, or today in the current policy's time zone (DOMAIN.md
// §10), read once per request when the request's loaders are there, so that
// every customer of a list is keyed on the same day.
func (r *Resolver) creditDay(ctx context.Context, asOf *creditdesk.Date) (creditdesk.Date, error) {
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

// setCreditComplexity weighs the credit position list by its page size and
// a credit position of a customer (an exposure computation) like a small
// page; setComplexity calls it.
func setCreditComplexity(cfg *Config) {
	cfg.Complexity.Query.CreditPositions = func(child int, _ *creditdesk.Date, _ *creditdesk.CreditAlert,
		_ *creditdesk.CustomerFilter, _ *creditdesk.CreditPositionOrder, first *int, _ *string) int {
		return pageWeight(child, first)
	}
	cfg.Complexity.Customer.CreditPosition = func(child int, _ *creditdesk.Date) int { return 5 * child }
}

// agingCollectionFields are the AgingRow fields that need the collection
// measures (a second open-item scan and the period's sales).
var agingCollectionFields = map[string]bool{
	"openingReceivables": true, "sales": true, "dso": true, "bestPossibleDso": true, "add": true, "cei": true,
}

// agingCollectionRequested reports whether the agingReport field being
// resolved selects any collection measure of its rows or totals, so that a
// plain ageing (the BI dashboards' query) does not pay for DSO and CEI.
func agingCollectionRequested(ctx context.Context) bool {
	oc := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "rows" && f.Name != "totals" {
			continue
		}
		for _, g := range graphql.CollectFields(oc, f.Selections, nil) {
			if agingCollectionFields[g.Name] {
				return true
			}
		}
	}
	return false
}
