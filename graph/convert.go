package graph

import (
	"context"

	"github.com/vikstrous/dataloadgen"

	"creditdesk/graph/model"
	"creditdesk/internal/creditdesk"
)

// pageInfo writes Relay's page information for a page whose items have the
// cursors given. Paging is forward only; a page asked for after a cursor has
// a previous page.
func pageInfo(cursors []string, hasNext bool, after *string) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: after != nil}
	if n := len(cursors); n > 0 {
		pi.StartCursor, pi.EndCursor = &cursors[0], &cursors[n-1]
	}
	return pi
}

func customerConnection(c *creditdesk.Connection[*creditdesk.Customer], after *string) *model.CustomerConnection {
	out := &model.CustomerConnection{TotalCount: c.TotalCount, Edges: make([]*model.CustomerEdge, len(c.Edges))}
	cursors := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		out.Edges[i] = &model.CustomerEdge{Cursor: e.Cursor, Node: e.Node}
		cursors[i] = e.Cursor
	}
	out.PageInfo = pageInfo(cursors, c.HasNextPage, after)
	return out
}

// edges pairs the items of an account-list page with their cursors.
func edges[T, E any](p *creditdesk.AccountListPage, items []T, edge func(cursor string, node T) E) []E {
	out := make([]E, len(items))
	for i, it := range items {
		out[i] = edge(p.Cursors[i], it)
	}
	return out
}

// accountListQuery builds the loader key of one page of one of a customer's
// lists from the field's first/after; EINVALID for a bad page size.
func accountListQuery(list creditdesk.AccountList, c *creditdesk.Customer, first *int, after *string) (
	creditdesk.AccountListQuery, error) {
	page, err := creditdesk.NewPage(first, after)
	if err != nil {
		return creditdesk.AccountListQuery{}, err
	}
	q := creditdesk.AccountListQuery{List: list, CustomerID: c.ID, First: page.First}
	if after != nil {
		q.After = *after
	}
	return q, nil
}

// loadAccountList loads one page of one of a customer's lists through the
// request's loader.
func loadAccountList(ctx context.Context, q creditdesk.AccountListQuery) (*creditdesk.AccountListPage, error) {
	l, err := loadersFrom(ctx)
	if err != nil {
		return nil, err
	}
	return l.AccountLists.Load(ctx, q)
}

// required loads a record a non-null field refers to; a record the loader
// does not return (one the actor may not see) is ENOTFOUND rather than a
// null where the schema promises a value.
func required[V any](ctx context.Context, l *dataloadgen.Loader[int64, *V], id int64, what string) (*V, error) {
	v, err := l.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "%s %d not found", what, id)
	}
	return v, nil
}
