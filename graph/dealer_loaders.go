package graph

import (
	"context"

	"github.com/vikstrous/dataloadgen"

	"creditdesk/internal/creditdesk"
)

// dealerLoadersKey keys the request's dealer loaders in the context.
type dealerLoadersKey struct{}

// DealerLoaders are the per-request dataloaders of the dealer part of the
// schema: Customer.dealerScorecards asks for the stored scorecards of many
// customers at once (a customer list), and one statement answers each batch.
type DealerLoaders struct {
	storedScorecards *dataloadgen.Loader[int64, []*creditdesk.DealerScorecard]
}

// NewDealerLoaders returns a fresh set of dealer loaders over svc; results are
// cached for the loaders' lifetime, so make one per request.
func NewDealerLoaders(svc creditdesk.DealerService) *DealerLoaders {
	return &DealerLoaders{
		storedScorecards: dataloadgen.NewLoader(func(ctx context.Context, ids []int64) ([][]*creditdesk.DealerScorecard, []error) {
			cards, err := svc.StoredScorecards(ctx, ids)
			if err != nil {
				return nil, []error{err}
			}
			return cards, nil
		}, dataloadgen.WithWait(LoaderWait), dataloadgen.WithBatchCapacity(creditdesk.MaxPageSize)),
	}
}

// WithDealerLoaders returns a context carrying a fresh set of dealer loaders
// over svc. The request middleware calls it once per operation.
func WithDealerLoaders(ctx context.Context, svc creditdesk.DealerService) context.Context {
	return context.WithValue(ctx, dealerLoadersKey{}, NewDealerLoaders(svc))
}

// dealerLoadersFrom returns the request's dealer loaders. Without the
// middleware (a test calling a resolver directly) it returns a fresh set,
// which answers correctly but batches nothing.
func (r *Resolver) dealerLoadersFrom(ctx context.Context) *DealerLoaders {
	if l, ok := ctx.Value(dealerLoadersKey{}).(*DealerLoaders); ok {
		return l
	}
	return NewDealerLoaders(r.Dealers)
}

// salesForceDay is asOf, or today in the current policy's time zone when the
// query omits it (DOMAIN.md §10).
func (r *Resolver) salesForceDay(ctx context.Context, asOf *creditdesk.Date) (creditdesk.Date, error) {
	if asOf != nil {
		return *asOf, nil
	}
	pol, err := r.Policy.CurrentPolicy(ctx)
	if err != nil {
		return creditdesk.Date{}, err
	}
	return r.Clock.Today(pol.Location()), nil
}
