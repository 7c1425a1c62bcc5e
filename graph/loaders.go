package graph

import (
	"context"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"

	"creditdesk/internal/creditdesk"
)

// LoaderSource fetches, in one statement per batch, what the per-request
// dataloaders ask for; results are aligned to the keys (nil where a key has
// nothing). The storage adapter (postgres.LoaderStore) implements it and
// applies the actor's customer scope in every statement.
type LoaderSource interface {
	OfficesByID(ctx context.Context, ids []int64) ([]*creditdesk.Office, error)
	// UsersByID also returns the users' offices, read in the same statement.
	UsersByID(ctx context.Context, ids []int64) ([]*creditdesk.User, []*creditdesk.Office, error)
	// OfficesAndUsers reads both, and the users' offices, in one statement.
	OfficesAndUsers(ctx context.Context, officeIDs, userIDs []int64) (
		offices []*creditdesk.Office, users []*creditdesk.User, userOffices []*creditdesk.Office, err error)
	ProductsByID(ctx context.Context, ids []int64) ([]*creditdesk.Product, error)
	CustomersByID(ctx context.Context, ids []int64) ([]*creditdesk.Customer, error)
	InvoiceNumbersByID(ctx context.Context, ids []int64) ([]*string, error)
	AllocationsByPayment(ctx context.Context, ids []int64) ([][]*creditdesk.Allocation, error)
	AllocationsByNote(ctx context.Context, ids []int64) ([][]*creditdesk.Allocation, error)
	// AccountLists answers pages of a customer's contacts, history,
	// invoices, payments, notes and sales lines — any mix of lists and
	// customers — in one statement, with the records read along with them
	// and an error per query. The offices and users with the ids given, and
	// the users' offices, come in the same statement, among the records.
	AccountLists(ctx context.Context, qs []creditdesk.AccountListQuery, officeIDs, userIDs []int64) (
		[]*creditdesk.AccountListPage, *creditdesk.RelatedRecords, []error)
}

type loadersKey struct{}

// LoaderWait is how long a loader collects keys before it sends its batch.
// gqlgen starts the resolvers of a list's items concurrently, but on a busy
// machine their start can spread over several milliseconds; a batch split in
// two costs a statement, so the wait errs on the side of whole batches.
const LoaderWait = 4 * time.Millisecond

// loaderOptions are the options of every per-request loader.
var loaderOptions = []dataloadgen.Option{dataloadgen.WithWait(LoaderWait)}

// Loaders are the per-request dataloaders: every parent → child edge of the
// schema goes through one of them, so a list never costs a query per row.
// Loading the lists of the account page also fills the loaders of what those
// lists refer to (users, offices, products, invoice numbers, allocations),
// so a whole account page costs a fixed handful of statements.
type Loaders struct {
	Offices            *dataloadgen.Loader[int64, *creditdesk.Office]
	Users              *dataloadgen.Loader[int64, *creditdesk.User]
	Products           *dataloadgen.Loader[int64, *creditdesk.Product]
	Customers          *dataloadgen.Loader[int64, *creditdesk.Customer]
	InvoiceNumbers     *dataloadgen.Loader[int64, *string]
	PaymentAllocations *dataloadgen.Loader[int64, []*creditdesk.Allocation]
	NoteAllocations    *dataloadgen.Loader[int64, []*creditdesk.Allocation]
	// AccountLists pages the lists of customers; its keys carry every
	// argument (first, after, asOf, …), so two fields asking for different
	// pages of one list get their own answers.
	AccountLists *dataloadgen.Loader[creditdesk.AccountListQuery, *creditdesk.AccountListPage]

	todayOnce sync.Once
	today     creditdesk.Date
	todayErr  error

	src LoaderSource
}

// fetchNow answers what a look-ahead already knows it needs at once, without
// the loaders' wait: it calls the source directly and primes the loaders,
// so the fields that ask next find the answers cached. The offices and
// users come with the lists when there are lists, in their statement.
// Errors are left for the fields' own loads to report.
func (l *Loaders) fetchNow(ctx context.Context, offices, users []int64, lists []creditdesk.AccountListQuery) {
	if len(lists) > 0 {
		pages, rel, errs := l.src.AccountLists(ctx, lists, offices, users)
		if rel != nil {
			l.prime(rel)
		}
		for i, p := range pages {
			if p != nil && (i >= len(errs) || errs[i] == nil) {
				l.AccountLists.Prime(lists[i], p)
			}
		}
		return
	}
	if len(offices) > 0 || len(users) > 0 {
		if os, us, uos, err := l.src.OfficesAndUsers(ctx, offices, users); err == nil {
			for i, o := range os {
				l.Offices.Prime(offices[i], o)
			}
			for i, u := range us {
				l.Users.Prime(users[i], u)
			}
			primeAll(l.Offices, uos, func(o *creditdesk.Office) int64 { return o.ID })
		}
	}
}

// WithLoaders returns a context carrying a fresh set of loaders over src.
// It is called once per operation, so nothing is cached across requests
// (or across actors).
func WithLoaders(ctx context.Context, src LoaderSource) context.Context {
	l := &Loaders{src: src}
	l.Offices = dataloadgen.NewLoader(byID(src.OfficesByID), loaderOptions...)
	l.Users = dataloadgen.NewLoader(func(ctx context.Context, ids []int64) ([]*creditdesk.User, []error) {
		users, offices, err := src.UsersByID(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		primeAll(l.Offices, offices, func(o *creditdesk.Office) int64 { return o.ID })
		return users, nil
	}, loaderOptions...)
	l.Products = dataloadgen.NewLoader(byID(src.ProductsByID), loaderOptions...)
	l.Customers = dataloadgen.NewLoader(byID(src.CustomersByID), loaderOptions...)
	l.InvoiceNumbers = dataloadgen.NewLoader(byID(src.InvoiceNumbersByID), loaderOptions...)
	l.PaymentAllocations = dataloadgen.NewLoader(byID(src.AllocationsByPayment), loaderOptions...)
	l.NoteAllocations = dataloadgen.NewLoader(byID(src.AllocationsByNote), loaderOptions...)
	l.AccountLists = dataloadgen.NewLoader(func(ctx context.Context, qs []creditdesk.AccountListQuery) (
		[]*creditdesk.AccountListPage, []error) {
		pages, rel, errs := src.AccountLists(ctx, qs, nil, nil)
		if rel != nil {
			l.prime(rel)
		}
		return pages, errs
	}, loaderOptions...)
	return context.WithValue(ctx, loadersKey{}, l)
}

// prime fills the loaders with what an account-list batch read along.
func (l *Loaders) prime(rel *creditdesk.RelatedRecords) {
	primeAll(l.Users, rel.Users, func(u *creditdesk.User) int64 { return u.ID })
	primeAll(l.Offices, rel.Offices, func(o *creditdesk.Office) int64 { return o.ID })
	primeAll(l.Products, rel.Products, func(p *creditdesk.Product) int64 { return p.ID })
	for id, n := range rel.InvoiceNumbers {
		l.InvoiceNumbers.Prime(id, &n)
	}
	for id, a := range rel.PaymentAllocations {
		l.PaymentAllocations.Prime(id, a)
	}
	for id, a := range rel.NoteAllocations {
		l.NoteAllocations.Prime(id, a)
	}
}

func primeAll[V any](l *dataloadgen.Loader[int64, V], vs []V, id func(V) int64) {
	for _, v := range vs {
		l.Prime(id(v), v)
	}
}

// byID adapts a source method to a dataloadgen fetch: a failed statement
// fails every key of the batch.
func byID[V any](f func(context.Context, []int64) ([]V, error)) func(context.Context, []int64) ([]V, []error) {
	return func(ctx context.Context, ids []int64) ([]V, []error) {
		vs, err := f(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		return vs, nil
	}
}

// loadersFrom returns the request's loaders.
func loadersFrom(ctx context.Context) (*Loaders, error) {
	l, _ := ctx.Value(loadersKey{}).(*Loaders)
	if l == nil {
		return nil, creditdesk.Errorf(creditdesk.EINTERNAL, "no dataloaders in the request context")
	}
	return l, nil
}

// Today is the current date in the time zone of the current policy (DOMAIN.md
// §10: "today", where a query omits its date), read once per request so that
// every field of one response agrees on it and the policy costs one
// statement.
func (l *Loaders) Today(ctx context.Context, clock creditdesk.Clock, policy creditdesk.PolicyService) (creditdesk.Date, error) {
	l.todayOnce.Do(func() {
		p, err := policy.CurrentPolicy(ctx)
		if err != nil {
			l.todayErr = err
			return
		}
		l.today = clock.Today(p.Location())
	})
	return l.today, l.todayErr
}
