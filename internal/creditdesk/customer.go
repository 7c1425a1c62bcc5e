package creditdesk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Customer is a customer's archive record (客户档案, DOMAIN.md §1). Credit limit,
// credit class, dealer class and status change only through their own flows.
type Customer struct {
	ID                 int64
	Code               string
	Name               string
	ShortName          *string
	Industry           Industry
	RelationshipClass  *RelationshipClass
	DemandGrade        *DemandGrade
	DealerType         *DealerType
	BusinessType       *BusinessType
	EnterpriseNature   *string
	SupervisingUnit    *string
	HeadOfficeAddress  *string
	Address            *string
	Website            *string
	FoundedOn          *Date
	RegisteredCapital  *Money
	Employees          *int
	Managers           *int
	OfficeID           int64
	RepID              *int64
	RepAssignedOn      *Date
	CreditLimit        *Money
	RequestedLimit     *Money
	CreditClass        *CreditClass
	DealerClass        *AbcClass
	DealerClassQuarter *Quarter
	Guarantees         []Guarantee `bun:",array"`
	Status             CustomerStatus
	Bankrupt           bool
	RequiredShare      *Ratio
	FirstTradeOn       *Date
	CreatedAt          time.Time
}

// CustomerFields names, by Go field name, the attributes of Customer a
// caller will read; ID, Code, OfficeID and RepID are always read, the others
// are left zero. Nil means every attribute, and so does a name the store
// does not read separately. A page of customers read for a list shows only
// what the list asks, as a query compiled to SQL would.
type CustomerFields []string

// Rules of the archive that every way of writing a customer applies (the
// API and the import).
const (
	// CustomerCodePattern is what a customer code looks like, as a regular
	// expression that Go and PostgreSQL read alike.
	CustomerCodePattern = `^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`
	// CustomerCodeRule says it in words.
	CustomerCodeRule = "a code is 1–32 letters, digits, '.', '_' or '-', starting with a letter or digit"
	// CustomerNameMax is the longest customer name, in characters.
	CustomerNameMax = 200
)

// Contact is a person at a customer. Contacts are class-1 information
// (DOMAIN.md §8).
type Contact struct {
	ID         int64
	CustomerID int64
	Name       string
	Title      *string
	Phone      *string
	Email      *string
}

// HistoryEntry is one change of one archive field (000 3.7.4–3.7.5).
type HistoryEntry struct {
	ID         int64
	CustomerID int64
	Field      string
	OldValue   *string
	NewValue   *string
	Reason     string
	ChangedBy  int64
	ApprovedBy *int64
	ChangedAt  time.Time
}

// Office is an office (办事处), the organisational unit.
type Office struct {
	ID   int64
	Code string
	Name string
}

// User is a person who uses creditdesk.
type User struct {
	ID       int64
	Username string
	Name     string
	Role     Role
	OfficeID *int64
}

// Product is a product the company sells.
type Product struct {
	ID       int64
	Code     string
	Name     string
	Category *string
	UnitCost *UnitPrice
}

// CustomerFilter selects customers; every field is optional and they combine
// with AND. Every report takes one, applied inside its SQL.
type CustomerFilter struct {
	OfficeCodes         []string
	RepUsernames        []string
	Industries          []Industry
	DealerTypes         []DealerType
	RelationshipClasses []RelationshipClass
	Statuses            []CustomerStatus
	CreditClasses       []CreditClass
	Codes               []string
	// Search is a substring of the name or the code.
	Search *string
}

// CustomerOrderField is what the customer list is ordered by.
type CustomerOrderField string

// Customer orderings.
const (
	CustomerOrderCode        CustomerOrderField = "CODE"
	CustomerOrderName        CustomerOrderField = "NAME"
	CustomerOrderCreatedAt   CustomerOrderField = "CREATED_AT"
	CustomerOrderCreditLimit CustomerOrderField = "CREDIT_LIMIT"
)

// SortDirection is ascending or descending.
type SortDirection string

// Sort directions.
const (
	Asc  SortDirection = "ASC"
	Desc SortDirection = "DESC"
)

// CustomerOrder orders the customer list; ties are broken by code.
type CustomerOrder struct {
	Field     CustomerOrderField
	Direction SortDirection
}

// Page asks for the First items after the opaque cursor After (Relay).
type Page struct {
	First int
	After *string
}

// Page size limits (API.md): first defaults to 50 and may not exceed 1000.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Size returns the validated page size.
func (p Page) Size() (int, error) {
	if p.First == 0 {
		return DefaultPageSize, nil
	}
	if p.First < 0 || p.First > MaxPageSize {
		return 0, Errorf(EINVALID, "first: %d: must be between 1 and %d", p.First, MaxPageSize)
	}
	return p.First, nil
}

// Edge is an item of a connection with its cursor.
type Edge[T any] struct {
	Cursor string
	Node   T
}

// Connection is a page of a list plus the size of the whole filtered list.
type Connection[T any] struct {
	Edges       []Edge[T]
	HasNextPage bool
	TotalCount  int
}

// NewCustomer is the input of CreateCustomer.
type NewCustomer struct {
	Code              string
	Name              string
	ShortName         *string
	Industry          Industry
	RelationshipClass *RelationshipClass
	DemandGrade       *DemandGrade
	DealerType        *DealerType
	BusinessType      *BusinessType
	EnterpriseNature  *string
	SupervisingUnit   *string
	HeadOfficeAddress *string
	Address           *string
	Website           *string
	FoundedOn         *Date
	RegisteredCapital *Money
	Employees         *int
	Managers          *int
	OfficeCode        string
	RepUsername       *string
	RequestedLimit    *Money
	Guarantees        []Guarantee
	Status            *CustomerStatus
	RequiredShare     *Ratio
	FirstTradeOn      *Date
	Contacts          []ContactInput
}

// ContactInput is a contact to add to a customer.
type ContactInput struct {
	Name  string
	Title *string
	Phone *string
	Email *string
}

// CustomerUpdate changes archive fields of a customer; nil fields are left
// alone. A reason is required and every changed field is written to the
// history in the same transaction.
type CustomerUpdate struct {
	Name              *string
	ShortName         *string
	Industry          *Industry
	RelationshipClass *RelationshipClass
	DemandGrade       *DemandGrade
	DealerType        *DealerType
	BusinessType      *BusinessType
	EnterpriseNature  *string
	SupervisingUnit   *string
	HeadOfficeAddress *string
	Address           *string
	Website           *string
	FoundedOn         *Date
	RegisteredCapital *Money
	Employees         *int
	Managers          *int
	OfficeCode        *string
	RepUsername       *string
	RequestedLimit    *Money
	Guarantees        []Guarantee
	RequiredShare     *Ratio
	FirstTradeOn      *Date
	AddContacts       []ContactInput
	Reason            string
	ApprovedBy        *string
}

// CustomerService reads and writes the customer archive. Every method sees
// only the customers visible to the actor in ctx.
type CustomerService interface {
	// FindCustomerByCode returns the customer, or ENOTFOUND.
	FindCustomerByCode(ctx context.Context, code string) (*Customer, error)
	// FindCustomers returns a page of the customers the filter selects,
	// with the attributes fields names (all when nil). EINVALID for a bad
	// page size or cursor.
	FindCustomers(ctx context.Context, f CustomerFilter, order CustomerOrder, page Page,
		fields CustomerFields) (*Connection[*Customer], error)
	// CreateCustomer adds a customer; ECONFLICT when the code exists,
	// EINVALID for a bad field.
	CreateCustomer(ctx context.Context, in NewCustomer) (*Customer, error)
	// UpdateCustomer changes archive fields and records each change in the
	// history. EINVALID without a reason, ENOTFOUND for an unknown code.
	UpdateCustomer(ctx context.Context, code string, upd CustomerUpdate) (*Customer, error)
}

// NewPage builds the page a client asked for with Relay's first/after: first
// defaults to DefaultPageSize when absent; an explicit first below 1 or above
// MaxPageSize is EINVALID (API.md), so a client never silently gets a page
// size it did not ask for.
func NewPage(first *int, after *string) (Page, error) {
	p := Page{First: DefaultPageSize, After: after}
	if first != nil {
		if *first < 1 || *first > MaxPageSize {
			return Page{}, FieldError("first", fmt.Sprint(*first), "must be between 1 and %d", MaxPageSize)
		}
		p.First = *first
	}
	return p, nil
}

// AccountList names one of the lists of a customer's account page.
type AccountList string

// The lists of the account page.
const (
	ListContacts AccountList = "CONTACTS"
	ListHistory  AccountList = "HISTORY"
	ListInvoices AccountList = "INVOICES"
	ListPayments AccountList = "PAYMENTS"
	ListNotes    AccountList = "NOTES"
	ListSales    AccountList = "SALES"
)

// AccountListQuery asks for one page of one list of one customer: its
// contacts (not paged), archive history, invoices, payments, notes or sales
// lines. It is a comparable value so that it can key a per-request
// dataloader: two fields asking for the same page share one answer, and the
// arguments (first, after, asOf, …) are part of the key.
type AccountListQuery struct {
	List       AccountList
	CustomerID int64
	// First is the page size; After the opaque cursor of the last item of
	// the previous page ("" for the first page).
	First int
	After string
	// Invoices: open balances as of AsOf (never zero: the caller resolves
	// "today"), and only invoices open on AsOf when OpenOnly.
	AsOf     Date
	OpenOnly bool
	// Notes: only these statuses, comma-separated and sorted ("" = all).
	Statuses string
	// Sales: ship dates in [From, To]; a zero bound is open.
	From, To Date
	// Payments and notes: read each item's ledger rows along (the query
	// selects them), into RelatedRecords.
	Allocations bool
}

// NoteStatusSet writes a set of note statuses the way AccountListQuery keys
// it: sorted, without duplicates, comma-separated.
func NoteStatusSet(statuses []NoteStatus) string {
	s := make([]string, 0, len(statuses))
	for _, st := range statuses {
		s = append(s, string(st))
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

// AccountListPage is one page of an account list: the items of the list the
// query named (the other slices are nil), their cursors, and the size of the
// whole list before paging.
type AccountListPage struct {
	TotalCount  int
	HasNextPage bool
	Cursors     []string
	Contacts    []*Contact
	History     []*HistoryEntry
	Invoices    []*Invoice
	Payments    []*Payment
	Notes       []*Note
	Sales       []*SalesLine
}

// RelatedRecords holds the records a batch read along with what it was asked
// for (the users of the history and their offices, the products and invoice
// numbers of sales lines and invoices, the allocations of payments and notes
// when asked for), so the other dataloaders can serve them without another
// statement.
type RelatedRecords struct {
	Users              []*User
	Offices            []*Office
	Products           []*Product
	InvoiceNumbers     map[int64]string
	PaymentAllocations map[int64][]*Allocation
	NoteAllocations    map[int64][]*Allocation
}

// MayReadContacts reports whether a role may read customers' contacts,
// class-1 information (DOMAIN.md §8): finance sees receivables but no class-1
// data, and an analyst sees aggregates only. A rep or a manager reads those
// of the customers in its scope; the scope itself is CustomerFilter's job.
func MayReadContacts(r Role) bool {
	return r != RoleFinance && r != RoleAnalyst
}
