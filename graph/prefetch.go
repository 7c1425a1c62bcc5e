package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"creditdesk/graph/scalar"
	"creditdesk/internal/creditdesk"
)

// prefetchCustomers looks ahead at what the query asks of the customers just
// resolved — their office, rep and lists, with each list's arguments — and
// loads all of it at once, one batch per loader, before their fields
// resolve. The field resolvers then find their answers in the loaders'
// caches, so how many statements a page costs does not depend on how the
// scheduler happened to spread the field resolvers over the loaders' wait
// window, and no nested level waits for a batch of its own.
//
// A field whose arguments do not make a valid key is left to its resolver,
// which reports the error where it belongs.
func (r *Resolver) prefetchCustomers(ctx context.Context, fields []graphql.CollectedField, cs []*creditdesk.Customer) {
	l, err := loadersFrom(ctx)
	if err != nil || len(cs) == 0 {
		return
	}
	vars := graphql.GetOperationContext(ctx).Variables
	var offices, users []int64
	var lists []creditdesk.AccountListQuery
	var later []func()
	for _, f := range fields {
		args := f.ArgumentMap(vars)
		switch f.Name {
		case "office":
			for _, c := range cs {
				offices = append(offices, c.OfficeID)
			}
		case "rep":
			for _, c := range cs {
				if c.RepID != nil {
					users = append(users, *c.RepID)
				}
			}
		case "contacts":
			for _, c := range cs {
				lists = append(lists, creditdesk.AccountListQuery{List: creditdesk.ListContacts, CustomerID: c.ID})
			}
		case "history", "payments", "invoices", "notes", "sales":
			lists = append(lists, r.listKeys(ctx, l, f, args, cs)...)
		case "creditPosition":
			if day, ok := r.prefetchDay(ctx, args, r.creditDay); ok {
				keys := make([]creditPositionKey, len(cs))
				for i, c := range cs {
					keys[i] = creditPositionKey{CustomerID: c.ID, AsOf: day}
				}
				later = append(later, func() { r.creditLoadersFrom(ctx).positions.LoadAll(ctx, keys) }) //nolint:errcheck
			}
		case "creditClassResult":
			if day, ok := r.prefetchDay(ctx, args, r.classDay); ok {
				keys := make([]creditdesk.CreditClassKey, len(cs))
				for i, c := range cs {
					keys[i] = creditdesk.CreditClassKey{CustomerID: c.ID, AsOf: day}
				}
				later = append(later, func() { r.classLoadersFrom(ctx).results.LoadAll(ctx, keys) }) //nolint:errcheck
			}
		case "latestInvestigation":
			later = append(later, func() { r.classLoadersFrom(ctx).latest.LoadAll(ctx, ids(cs)) }) //nolint:errcheck
		case "dealerScorecards":
			later = append(later, func() { r.dealerLoadersFrom(ctx).storedScorecards.LoadAll(ctx, ids(cs)) }) //nolint:errcheck
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { l.fetchNow(ctx, unique(offices), unique(users), lists) })
	for _, load := range later {
		wg.Go(load)
	}
	wg.Wait()
}

// unique returns ids without repeats, so a primed key is fetched once.
func unique(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func ids(cs []*creditdesk.Customer) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// prefetchDay resolves a field's asOf argument the way its resolver does
// (day), or reports that the prefetch should leave the field alone.
func (r *Resolver) prefetchDay(ctx context.Context, args map[string]any,
	day func(context.Context, *creditdesk.Date) (creditdesk.Date, error)) (creditdesk.Date, bool) {
	var asOf *creditdesk.Date
	if v := args["asOf"]; v != nil {
		d, err := scalar.UnmarshalDate(v)
		if err != nil {
			return creditdesk.Date{}, false
		}
		asOf = &d
	}
	d, err := day(ctx, asOf)
	return d, err == nil
}

// listKeys builds, for every customer, the loader key the list field's
// resolver will ask for; nil when the arguments are not valid.
func (r *Resolver) listKeys(ctx context.Context, l *Loaders, f graphql.CollectedField, args map[string]any,
	cs []*creditdesk.Customer) []creditdesk.AccountListQuery {
	field := f.Name
	first, ok1 := optionalInt(args["first"])
	after, ok2 := optionalString(args["after"])
	if !ok1 || !ok2 {
		return nil
	}
	list := map[string]creditdesk.AccountList{"history": creditdesk.ListHistory, "payments": creditdesk.ListPayments,
		"invoices": creditdesk.ListInvoices, "notes": creditdesk.ListNotes, "sales": creditdesk.ListSales}[field]
	proto, err := accountListQuery(list, &creditdesk.Customer{}, first, after)
	if err != nil {
		return nil
	}
	switch field {
	case "invoices":
		if v := args["asOf"]; v != nil {
			if proto.AsOf, err = scalar.UnmarshalDate(v); err != nil {
				return nil
			}
		} else if proto.AsOf, err = l.Today(ctx, r.Clock, r.Policy); err != nil {
			return nil
		}
		open, _ := args["openOnly"].(bool)
		proto.OpenOnly = open
	case "payments":
		proto.Allocations = selectsAllocations(ctx, f.Selections)
	case "notes":
		proto.Allocations = selectsAllocations(ctx, f.Selections)
		if v := args["statuses"]; v != nil {
			raw, ok := v.([]any)
			if !ok {
				return nil
			}
			statuses := make([]creditdesk.NoteStatus, len(raw))
			for i, s := range raw {
				str, ok := s.(string)
				if !ok {
					return nil
				}
				statuses[i] = creditdesk.NoteStatus(str)
			}
			proto.Statuses = creditdesk.NoteStatusSet(statuses)
		}
	case "sales":
		if v := args["period"]; v != nil {
			p, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			from, err1 := scalar.UnmarshalDate(p["from"])
			to, err2 := scalar.UnmarshalDate(p["to"])
			if err1 != nil || err2 != nil || to.Before(from) {
				return nil
			}
			proto.From, proto.To = from, to
		}
	}
	keys := make([]creditdesk.AccountListQuery, len(cs))
	for i, c := range cs {
		keys[i] = proto
		keys[i].CustomerID = c.ID
	}
	return keys
}

func optionalInt(v any) (*int, bool) {
	if v == nil {
		return nil, true
	}
	n, err := graphql.UnmarshalInt(v)
	if err != nil {
		return nil, false
	}
	return &n, true
}

func optionalString(v any) (*string, bool) {
	if v == nil {
		return nil, true
	}
	s, ok := v.(string)
	return &s, ok
}

// selectsAllocations reports whether a payments or notes connection's
// selection asks for its items' allocations, which the list then reads along
// (the resolver and the look-ahead must agree, as it is part of the loader's
// key).
func selectsAllocations(ctx context.Context, connection ast.SelectionSet) bool {
	opCtx := graphql.GetOperationContext(ctx)
	return selects(fieldsAt(opCtx, graphql.CollectFields(opCtx, connection, nil), nil, "edges", "node"), "allocations")
}

// selects reports whether fields include the field name.
func selects(fields []graphql.CollectedField, name string) bool {
	return slices.ContainsFunc(fields, func(f graphql.CollectedField) bool { return f.Name == name })
}

// customerFieldReads maps the Customer fields whose resolution reads nothing
// of the customer record but its id, code, office and rep — or one
// attribute of it — to that attribute (creditdesk.CustomerFields). A field
// not listed may read anything.
var customerFieldReads = map[string]string{
	"__typename": "", "code": "", "office": "", "rep": "",
	"contacts": "", "history": "", "invoices": "", "payments": "", "notes": "", "sales": "",
	"name": "Name", "shortName": "ShortName", "industry": "Industry", "status": "Status",
	"creditLimit": "CreditLimit", "creditClass": "CreditClass", "dealerClass": "DealerClass",
	"dealerType": "DealerType", "createdAt": "CreatedAt",
}

// attributesRead returns what the selected Customer fields read of the
// record, or nil (everything) when one of them is not in customerFieldReads.
func attributesRead(fields []graphql.CollectedField) creditdesk.CustomerFields {
	out := creditdesk.CustomerFields{}
	for _, f := range fields {
		attr, ok := customerFieldReads[f.Name]
		if !ok {
			return nil
		}
		if attr != "" {
			out = append(out, attr)
		}
	}
	return out
}

// selectedAt returns the fields the query selects on the Customer at path
// under the current field: the customer itself (`customer`: no path), the
// nodes of a connection ("edges", "node"), a report row's customer ("rows",
// "customer").
func selectedAt(ctx context.Context, path ...string) []graphql.CollectedField {
	return fieldsAt(graphql.GetOperationContext(ctx), graphql.CollectFieldsCtx(ctx, nil), []string{"Customer"}, path...)
}

// fieldsAt follows path down from fields and returns the fields selected at
// its end, collected for the types in last (all when nil).
func fieldsAt(opCtx *graphql.OperationContext, fields []graphql.CollectedField, last []string,
	path ...string) []graphql.CollectedField {
	for i, name := range path {
		var next []graphql.CollectedField
		for _, f := range fields {
			if f.Name == name {
				var satisfies []string
				if i == len(path)-1 {
					satisfies = last
				}
				next = append(next, graphql.CollectFields(opCtx, f.Selections, satisfies)...)
			}
		}
		fields = next
	}
	return fields
}
