package creditdesk

import (
	"context"
	"time"
)

// Invoice is a receivable (赊销款). OpenBalance is as of the date the caller
// asked for; amounts are in the invoice's currency, BaseAmount and OpenBase in
// the base currency.
type Invoice struct {
	ID           int64
	Number       string
	CustomerID   int64
	ShipDate     Date
	InvoiceDate  Date
	DueDate      Date
	Currency     string
	Amount       Money
	ExchangeRate Rate
	BaseAmount   Money
	OpenBalance  Money
	OpenBase     Money
	SettledOn    *Date
}

// SalesLine is one line of a shipment; a return is a negative line.
type SalesLine struct {
	ID           int64
	InvoiceID    *int64
	CustomerID   int64
	ProductID    int64
	ShipDate     Date
	Quantity     Quantity
	UnitPrice    UnitPrice
	Amount       Money
	CostAmount   Money
	Currency     string
	ExchangeRate Rate
	BaseAmount   Money
}

// Payment is money received from a customer (收款).
type Payment struct {
	ID             int64
	Reference      string
	CustomerID     int64
	Date           Date
	Method         PaymentMethod
	Currency       string
	Amount         Money
	ExchangeRate   Rate
	BaseAmount     Money
	Allocated      Money
	Unapplied      Money
	IdempotencyKey *string
	CreatedAt      time.Time
}

// Settlement is one row of the receivables ledger: a payment or note
// allocation, a dishonour's reversal or a write-off, dated, in the invoice's
// currency; positive amounts reduce the open balance.
type Settlement struct {
	ID         int64
	InvoiceID  int64
	CustomerID int64
	Kind       SettlementKind
	Date       Date
	Amount     Money
	PaymentID  *int64
	NoteID     *int64
}

// SettlementKind is what moved an invoice's open balance.
type SettlementKind string

// Settlement kinds: the ledger rows of DOMAIN.md §2.
const (
	SettlePayment      SettlementKind = "PAYMENT"       // a payment's allocation
	SettleNote         SettlementKind = "NOTE"          // a note's allocation, from its received date
	SettleNoteReversal SettlementKind = "NOTE_REVERSAL" // a dishonour undoing a note allocation
	SettleWriteOff     SettlementKind = "WRITE_OFF"     // 呆账核销
)

// Allocation is a ledger row of one payment or note as its owner shows it:
// the invoice it settles, when, and how much in the invoice's currency. A
// dishonoured note shows its reversals too, with negative amounts.
type Allocation struct {
	ID            int64
	InvoiceID     int64
	InvoiceNumber string
	Kind          SettlementKind
	Date          Date
	Amount        Money
}

// Note is a note receivable (应收票据).
type Note struct {
	ID           int64
	Number       string
	Kind         NoteKind
	CustomerID   int64
	Drawer       *string
	Bank         *string
	Account      *string
	Endorsers    []string `bun:",array"`
	IssueDate    Date
	ReceivedDate Date
	MaturityDate Date
	Amount       Money
	Status       NoteStatus
	StatusDate   Date
	SettledOn    *Date
}

// AllocationInput settles Amount (invoice currency) of an invoice.
type AllocationInput struct {
	InvoiceNumber string
	Amount        Money
}

// DocumentNumberMax is the longest payment reference or note number, in
// characters, however it is written (the API or the import).
const DocumentNumberMax = 100

// PaymentInput records a payment. Without allocations it is allocated FIFO
// by due date then invoice number (DOMAIN.md §2).
type PaymentInput struct {
	CustomerCode   string
	Reference      string
	Date           Date
	Method         PaymentMethod
	Amount         Money
	Currency       *string
	ExchangeRate   *Rate
	Allocations    []AllocationInput
	IdempotencyKey string
}

// NoteInput receives a note and allocates it to invoices like a payment.
type NoteInput struct {
	CustomerCode string
	Number       string
	Kind         NoteKind
	Drawer       *string
	Bank         *string
	Account      *string
	Endorsers    []string
	IssueDate    Date
	ReceivedDate Date
	MaturityDate Date
	Amount       Money
	Allocations  []AllocationInput
}

// NoteStatusInput moves a note to a new status on a date.
type NoteStatusInput struct {
	Number string
	Status NoteStatus
	Date   Date
	Reason *string
}

// LedgerService writes money movements. Each method is one transaction.
type LedgerService interface {
	// RecordPayment records a payment and its allocations. A replay of the
	// same idempotency key returns the first result; the same key with a
	// different payload is ECONFLICT. An allocation above the invoice's open
	// balance on the payment date is EINVALID.
	RecordPayment(ctx context.Context, in PaymentInput) (*Payment, error)
	// ReceiveNote records a note and allocates it. ECONFLICT for a known
	// number; notes are in the base currency and settle only base-currency
	// invoices (EINVALID otherwise).
	ReceiveNote(ctx context.Context, in NoteInput) (*Note, error)
	// SetNoteStatus moves a note along HELD → PRESENTED → HONORED |
	// DISHONORED. A dishonour adds a reversal row per allocation dated the
	// dishonour date, so the invoices are open again from then.
	SetNoteStatus(ctx context.Context, in NoteStatusInput) (*Note, error)
}
