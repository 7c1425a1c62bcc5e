package creditdesk

import (
	"context"
	"strings"
)

// Sales-force rules (DOMAIN.md §7): lists a sales manager acts on.

// IneffectiveVisitLimit is the number of visits without effect after which a
// customer leaves the visit plan (000 第十条1: "访问某一客户5次以上而无实效,
// 则应从访问计划表中删除该客户"; 5次以上 includes the fifth).
const IneffectiveVisitLimit = 5

// NewCustomerContactDays is how long a rep has to contact a newly assigned
// customer (003 第四条3: "应在一周内与客户进行沟通。否则经理有权将客户转至其他人员负责").
const NewCustomerContactDays = 7

// VisitPlanExclusion is a customer that leaves the visit plan: visited
// IneffectiveVisits (≥ 5) times since its last effective visit, or ever.
type VisitPlanExclusion struct {
	Customer          *Customer
	IneffectiveVisits int
	// LastEffectiveOn is the last effective visit, nil when there was none.
	LastEffectiveOn    *Date
	FirstIneffectiveOn Date
	LastVisitOn        Date
}

// UncontactedCustomer is a customer assigned to its rep more than 7 days ago
// that the rep has not visited since: the manager may reassign it.
type UncontactedCustomer struct {
	Customer            *Customer
	AssignedOn          Date
	DaysSinceAssignment int
}

// VisitCadence is how often a customer gets a return visit.
type VisitCadence string

// Return-visit cadences (001 篇二 五: monthly within a year of delivery,
// quarterly after).
const (
	CadenceMonthly   VisitCadence = "MONTHLY"
	CadenceQuarterly VisitCadence = "QUARTERLY"
)

// VisitDue is a customer whose return visit is due: its last visit (or, with
// none since, its first delivery) is a cadence or more ago.
type VisitDue struct {
	Customer        *Customer
	FirstDeliveryOn Date
	Cadence         VisitCadence
	// LastVisitOn is the last visit on or before the date asked about.
	LastVisitOn *Date
	// DueOn is the last visit (or first delivery) plus the cadence;
	// DaysOverdue = as-of − DueOn (0: due today).
	DueOn       Date
	DaysOverdue int
}

// RepHandover is the hand-over report of a rep's open items (002 十九: 客户名称、
// 出货明细、出货单、发票、未结款金额).
type RepHandover struct {
	Rep  *User
	AsOf Date
	// ShipmentsFrom is the first day of the shipments listed.
	ShipmentsFrom Date
	Customers     []*HandoverCustomer
	// OpenTotal is the base-currency open amount over all the customers.
	OpenTotal    Money
	OpenInvoices int
}

// HandoverCustomer is one customer of a hand-over: its open invoices and its
// recent shipments.
type HandoverCustomer struct {
	Customer     *Customer
	OpenAmount   Money
	OpenInvoices []*HandoverInvoice
	Shipments    []*HandoverShipment
}

// HandoverInvoice is an invoice open on the hand-over date.
type HandoverInvoice struct {
	Number      string
	ShipDate    Date
	DueDate     Date
	Currency    string
	Amount      Money
	OpenBalance Money
	OpenBase    Money
	// DaysOverdue is as-of − due date, 0 when not yet due.
	DaysOverdue int
}

// HandoverShipment is a sales line shipped in the hand-over window.
type HandoverShipment struct {
	ShipDate      Date
	InvoiceNumber *string
	ProductCode   string
	ProductName   string
	Quantity      Quantity
	BaseAmount    Money
}

// ReassignmentInput moves customers from one rep to another (002 十九, 003
// 第四条3). No CustomerCodes means every customer of FromRep.
type ReassignmentInput struct {
	FromRep       string
	ToRep         string
	CustomerCodes []string
	Reason        string
	ApprovedBy    *string
}

// Validate checks the input on its own: two different reps and a reason.
func (in ReassignmentInput) Validate() error {
	switch {
	case strings.TrimSpace(in.FromRep) == "":
		return FieldError("fromRep", in.FromRep, "is required")
	case strings.TrimSpace(in.ToRep) == "":
		return FieldError("toRep", in.ToRep, "is required")
	case in.FromRep == in.ToRep:
		return FieldError("toRep", in.ToRep, "is the same rep as fromRep")
	case strings.TrimSpace(in.Reason) == "":
		return FieldError("reason", in.Reason, "is required: the archive records why a customer changes hands")
	}
	return nil
}

// Reassignment is the result of a bulk reassignment: the customers moved,
// each with a history row.
type Reassignment struct {
	FromRep   *User
	ToRep     *User
	On        Date
	Customers []*Customer
}

// SalesForceService answers the sales-force rules of DOMAIN.md §7. Every
// method sees only the customers the actor in ctx may see.
type SalesForceService interface {
	// VisitPlanExclusions lists the customers that leave the visit plan as
	// of asOf, by code.
	VisitPlanExclusions(ctx context.Context, asOf Date, f *CustomerFilter) ([]*VisitPlanExclusion, error)
	// UncontactedNewCustomers lists the customers whose rep has not visited
	// them within 7 days of assignment, longest waiting first.
	UncontactedNewCustomers(ctx context.Context, asOf Date, f *CustomerFilter) ([]*UncontactedCustomer, error)
	// VisitsDue lists the customers whose return visit is due on asOf, most
	// overdue first.
	VisitsDue(ctx context.Context, asOf Date, f *CustomerFilter) ([]*VisitDue, error)
	// RepHandover returns the rep's open items as of asOf with the shipments
	// of the last shipmentDays days. ENOTFOUND for an unknown rep, EINVALID
	// for shipmentDays < 1.
	RepHandover(ctx context.Context, repUsername string, asOf Date, shipmentDays int) (*RepHandover, error)
	// ReassignCustomers moves customers from one rep to another in one
	// transaction, with a history row per customer. EINVALID for a missing
	// reason, the same rep twice, an inactive target rep or a code that is
	// not FromRep's; ENOTFOUND for an unknown rep.
	ReassignCustomers(ctx context.Context, in ReassignmentInput) (*Reassignment, error)
}
