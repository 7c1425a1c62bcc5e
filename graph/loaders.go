package graph

import "context"

// LoaderSource fetches, in one statement per batch, what the per-request
// dataloaders ask for. The storage adapter implements it.
type LoaderSource interface{}

type loadersKey struct{}

// Loaders are the per-request dataloaders: every parent → child edge of the
// schema goes through one of them, so a list never costs a query per row.
type Loaders struct{}

// WithLoaders returns a context carrying a fresh set of loaders over src.
func WithLoaders(ctx context.Context, src LoaderSource) context.Context {
	return context.WithValue(ctx, loadersKey{}, &Loaders{})
}

// loadersFrom returns the request's loaders.
func loadersFrom(ctx context.Context) *Loaders {
	l, _ := ctx.Value(loadersKey{}).(*Loaders)
	return l
}
