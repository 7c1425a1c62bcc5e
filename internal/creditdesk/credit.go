package creditdesk

import (
	"context"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"
)

// The credit figures of DOMAIN.md §3 and §9: exposure against limits, the
// credit check of an order, ageing with DSO/CEI/ADD, the 60-day collection
// rule, the 120-day note rule, the limitation watch and the note worklists.
// Aggregates are computed in SQL by the storage adapter; this file holds the
// types, the plain rules (bucket labels, the credit check decision) and the
// service interface.

// CreditAlert is the alert of a credit position (000 第九条3).
type CreditAlert string

// Credit alerts.
const (
	// AlertOK: utilisation below limit_warn_ratio.
	AlertOK CreditAlert = "OK"
	// AlertApproaching: from limit_warn_ratio up to 1.00 inclusive; report to
	// the supervisor.
	AlertApproaching CreditAlert = "APPROACHING"
	// AlertExceeded: above 1.00, or exposure without a limit; escalate to the
	// general manager.
	AlertExceeded CreditAlert = "EXCEEDED"
)

// CreditAlerts lists every credit alert.
var CreditAlerts = []CreditAlert{AlertOK, AlertApproaching, AlertExceeded}

// CreditDecision is the answer of a credit check.
type CreditDecision string

// Credit check decisions.
const (
	DecisionAllow CreditDecision = "ALLOW"
	DecisionWarn  CreditDecision = "WARN"
	DecisionBlock CreditDecision = "BLOCK"
)

// Days is a number of days carried exactly and shown with 2 places (DSO,
// best possible DSO, ADD).
type Days = Score

// CreditPosition is a customer's credit exposure against its limit as of a
// date (000 第八条3, 第九条3; DOMAIN.md §3). Amounts are in the base currency;
// Utilization is unrounded and nil when the customer has no limit (null or
// 0). The alert was judged on unrounded values with the WarnRatio of policy
// version PolicyVersion.
type CreditPosition struct {
	Customer      *Customer
	AsOf          Date
	PolicyVersion int
	// OpenReceivables is Σ open base values of the customer's invoices,
	// each rounded to 2 places (DOMAIN.md §9).
	OpenReceivables Money
	// UnsettledNotes is Σ notes received and not yet honoured or
	// dishonoured (HELD or PRESENTED on AsOf).
	UnsettledNotes Money
	// Exposure is OpenReceivables + UnsettledNotes.
	Exposure    Money
	CreditLimit *Money
	Utilization *Ratio
	Alert       CreditAlert
	// WarnRatio is the policy's limit_warn_ratio.
	WarnRatio Ratio
}

// CreditPositionOrderField is what a list of credit positions is ordered by.
type CreditPositionOrderField string

// Credit position orderings. Ties are broken by exposure (same direction)
// and then by customer code (ascending).
const (
	// PositionOrderUtilization orders by utilisation; a customer with
	// exposure and no limit counts as infinitely utilised, one with neither
	// as 0.
	PositionOrderUtilization CreditPositionOrderField = "UTILIZATION"
	PositionOrderExposure    CreditPositionOrderField = "EXPOSURE"
	PositionOrderCode        CreditPositionOrderField = "CODE"
)

// CreditPositionOrder orders a list of credit positions. An empty Direction
// is DESC for utilisation and exposure (the largest first) and ASC for code.
type CreditPositionOrder struct {
	Field     CreditPositionOrderField
	Direction SortDirection
}

// DefaultCreditPositionOrder is the order of creditPositions: the most
// utilised first.
var DefaultCreditPositionOrder = CreditPositionOrder{Field: PositionOrderUtilization, Direction: Desc}

// CreditPositionQuery asks for a page of credit positions: every customer
// the filter selects (those without exposure as OK with zero figures), as
// of AsOf (nil: today), optionally only those with one alert.
type CreditPositionQuery struct {
	AsOf   *Date
	Alert  *CreditAlert
	Filter *CustomerFilter
	Order  CreditPositionOrder
	Page   Page
}

// CreditPositionPage is a page of credit positions plus the size of the
// whole filtered list and the policy version the alerts were judged with.
type CreditPositionPage struct {
	Connection[*CreditPosition]
	AsOf          Date
	PolicyVersion int
}

// CreditCheck is the answer to "may this customer place an order of Amount
// now?" (DOMAIN.md §3), with every reason that applies.
type CreditCheck struct {
	Customer      *Customer
	AsOf          Date
	PolicyVersion int
	Amount        Money
	Decision      CreditDecision
	// Position is the customer's position before the order.
	Position *CreditPosition
	// ExposureAfter is the exposure with the order: exposure + Amount.
	ExposureAfter Money
	// UtilizationAfter is ExposureAfter / limit, nil without a limit.
	UtilizationAfter *Ratio
	Reasons          []string
}

// DecideCreditCheck applies the credit check of DOMAIN.md §3 to a position:
// BLOCK if the customer is suspended, terminated or bankrupt, has no limit
// (null or 0) or the exposure after the order exceeds the limit; WARN if it
// reaches warnRatio of the limit; else ALLOW. Every reason that applies is
// listed, BLOCK reasons first. Comparisons are exact (DOMAIN.md §9).
func DecideCreditCheck(pos *CreditPosition, amount decimal.Decimal, warnRatio decimal.Decimal) *CreditCheck {
	c := pos.Customer
	after := pos.Exposure.Add(amount)
	chk := &CreditCheck{
		Customer:      c,
		AsOf:          pos.AsOf,
		PolicyVersion: pos.PolicyVersion,
		Amount:        NewMoney(amount),
		Position:      pos,
		ExposureAfter: NewMoney(after),
		Decision:      DecisionAllow,
	}
	var block, warn, info []string
	switch c.Status {
	case StatusSuspended:
		block = append(block, "the customer is suspended")
	case StatusTerminated:
		block = append(block, "the customer is terminated")
	case StatusProspect, StatusPendingApproval:
		info = append(info, fmt.Sprintf("the customer is not active yet (status %s)", c.Status))
	}
	if c.Bankrupt {
		block = append(block, "the customer is bankrupt")
	}
	limit := decimal.Zero
	if pos.CreditLimit != nil {
		limit = pos.CreditLimit.Decimal
	}
	warnAt := warnRatio.Mul(limit)
	switch {
	case limit.Sign() <= 0:
		block = append(block, "the customer has no credit limit")
	default:
		chk.UtilizationAfter = RatioOf(after, limit)
		util := percent(*chk.UtilizationAfter)
		switch {
		case after.GreaterThan(limit):
			block = append(block, fmt.Sprintf("exposure after the order %s exceeds the credit limit %s by %s (%s of the limit)",
				money(after), money(limit), money(after.Sub(limit)), util))
		case after.GreaterThanOrEqual(warnAt):
			warn = append(warn, fmt.Sprintf("exposure after the order %s is %s of the credit limit %s, at or above the warning ratio %s",
				money(after), util, money(limit), percent(Ratio{warnRatio})))
		default:
			info = append(info, fmt.Sprintf("exposure after the order %s is %s of the credit limit %s, below the warning ratio %s",
				money(after), util, money(limit), percent(Ratio{warnRatio})))
		}
	}
	switch {
	case len(block) > 0:
		chk.Decision = DecisionBlock
	case len(warn) > 0:
		chk.Decision = DecisionWarn
	}
	chk.Reasons = append(append(append(chk.Reasons, block...), warn...), info...)
	return chk
}

// money writes an amount as the API shows it (2 places).
func money(d decimal.Decimal) string { return d.StringFixed(MoneyScale) }

// percent writes a ratio as a percentage with 2 places ("93.75%").
func percent(r Ratio) string { return r.Shift(2).StringFixed(2) + "%" }

// AgingGroupBy is what the rows of an ageing report are.
type AgingGroupBy string

// Ageing groupings; a row's key is the customer code, the rep's username,
// the office code or the industry name.
const (
	AgingByCustomer AgingGroupBy = "CUSTOMER"
	AgingByRep      AgingGroupBy = "REP"
	AgingByOffice   AgingGroupBy = "OFFICE"
	AgingByIndustry AgingGroupBy = "INDUSTRY"
)

// AgingBasis is the date days overdue are counted from.
type AgingBasis string

// Ageing bases (DOMAIN.md §3): days overdue = as-of date − due date
// (default) or − ship date.
const (
	AgingDueDate  AgingBasis = "DUE_DATE"
	AgingShipDate AgingBasis = "SHIP_DATE"
)

// DefaultAgingEdges are the default bucket edges: current, 1–30, 31–60,
// 61–90, 91–120, 121+ (DOMAIN.md §3).
var DefaultAgingEdges = []int{30, 60, 90, 120}

// MaxAgingEdges bounds the number of edges a query may ask for.
const MaxAgingEdges = 24

// UnassignedRepKey is the key of the ageing row of customers without a
// responsible rep when grouping by rep.
const UnassignedRepKey = "UNASSIGNED"

// AgingTotalKey is the key of an ageing report's totals row.
const AgingTotalKey = "TOTAL"

// DSOPeriodDays is the length of the trailing period of DSO, CEI and ADD:
// the 90 days ending on the as-of date.
const DSOPeriodDays = 90

// ValidateAgingEdges checks bucket edges: at least one, at most
// MaxAgingEdges, positive and strictly increasing. EINVALID otherwise.
func ValidateAgingEdges(edges []int) error {
	if len(edges) == 0 {
		return FieldError("edges", "[]", "give at least one edge, e.g. [30, 60, 90, 120]")
	}
	if len(edges) > MaxAgingEdges {
		return FieldError("edges", fmt.Sprint(edges), "at most %d edges", MaxAgingEdges)
	}
	for i, e := range edges {
		if e <= 0 {
			return FieldError("edges", fmt.Sprint(edges), "edges must be positive days; %d is not", e)
		}
		if i > 0 && e <= edges[i-1] {
			return FieldError("edges", fmt.Sprint(edges), "edges must be strictly increasing; %d follows %d", e, edges[i-1])
		}
	}
	return nil
}

// AgingBucketLabels names the buckets of edges: "current" (not overdue),
// then "1-e1", "e1+1-e2", …, and "en+1+" — for the default edges "current",
// "1-30", "31-60", "61-90", "91-120", "121+".
func AgingBucketLabels(edges []int) []string {
	labels := make([]string, 0, len(edges)+2)
	labels = append(labels, "current")
	lo := 1
	for _, e := range edges {
		labels = append(labels, strconv.Itoa(lo)+"-"+strconv.Itoa(e))
		lo = e + 1
	}
	return append(labels, strconv.Itoa(lo)+"+")
}

// AgingQuery asks for an ageing report.
type AgingQuery struct {
	AsOf    Date
	GroupBy AgingGroupBy
	// Edges are the bucket edges in days; nil means DefaultAgingEdges.
	Edges  []int
	Basis  AgingBasis
	Filter *CustomerFilter
	// Collection asks for the collection measures too: opening receivables,
	// sales, DSO, best possible DSO, ADD and CEI. They cost a second
	// open-item scan and the period's sales, so a plain ageing leaves them
	// out (zero and nil in the rows).
	Collection bool
}

// AgingReport is the ageing of the open receivables as of a date (DOMAIN.md
// §3), by customer, rep, office or industry, with DSO, CEI and ADD per row.
// Rows and totals come from one SQL statement; Totals covers every customer
// the filter selects.
type AgingReport struct {
	AsOf          Date
	PolicyVersion int
	GroupBy       AgingGroupBy
	Basis         AgingBasis
	Edges         []int
	Buckets       []string
	// PeriodFrom is the first day of the trailing period of DSO, CEI and
	// ADD: [PeriodFrom, AsOf], 90 days.
	PeriodFrom Date
	// Collection tells whether the rows carry the collection measures
	// (AgingQuery.Collection).
	Collection bool
	Rows       []*AgingRow
	Totals     *AgingRow
}

// AgingRow is one row (or the totals) of an ageing report.
type AgingRow struct {
	Key   string
	Label string
	// Total is Σ open base values; Amounts[i] is the part in Buckets[i].
	Total   Money
	Amounts []Money
	// NotDue is the part not yet due (due date on or after the as-of date),
	// whatever the basis: the "current receivables" of CEI and best
	// possible DSO.
	NotDue Money
	// Overdue is Total − NotDue.
	Overdue Money
	// OpeningReceivables are the open receivables at the end of the day
	// before the trailing period.
	OpeningReceivables Money
	// Sales are Σ base amounts of sales lines shipped in the trailing
	// period (DOMAIN.md §2).
	Sales Money
	// DSO = Total ÷ Sales × 90; nil without sales.
	DSO *Days
	// BestPossibleDSO = NotDue ÷ Sales × 90; nil without sales.
	BestPossibleDSO *Days
	// ADD = DSO − BestPossibleDSO; nil without sales.
	ADD *Days
	// CEI = (opening + sales − closing) ÷ (opening + sales − not due); nil
	// when the denominator is zero.
	CEI *Ratio
}

// RepBonusCharge is what the 60-day rule charges to, and credits back to, one
// rep's bonus in a month (002 票据管理三).
type RepBonusCharge struct {
	// Rep is the customers' responsible rep now; nil for customers without
	// one.
	Rep      *User
	Charged  Money
	Reversed Money
	// Net = Charged − Reversed.
	Net Money
}

// CollectionBreach is an invoice that crossed the 60-day line in the month
// with an open balance (转呆账, DOMAIN.md §3, §9).
type CollectionBreach struct {
	InvoiceID     int64
	InvoiceNumber string
	Customer      *Customer
	Rep           *User
	ShipDate      Date
	DueDate       Date
	// CrossedOn = ship date + collection_days + 1.
	CrossedOn Date
	// OpenAmount is the open base value on CrossedOn: what is charged.
	OpenAmount Money
	// OpenBalance is the open balance on CrossedOn in the invoice's currency.
	OpenBalance Money
	Currency    string
}

// CollectionBreachReport is the 60-day rule's bonus charges of one month:
// invoices that crossed in the month and, per rep, what was charged and what
// was credited back for amounts collected in the month on earlier breaches.
type CollectionBreachReport struct {
	Month          Month
	PolicyVersion  int
	CollectionDays int
	Reps           []*RepBonusCharge
	Lines          []*CollectionBreach
	// Totals sums Reps (and so Lines' charges) over every rep.
	Totals *RepBonusCharge
}

// NoteInterestCharge is the interest on one note allocation under the
// 120-day note rule (002 票据管理四).
type NoteInterestCharge struct {
	NoteNumber    string
	NoteKind      NoteKind
	InvoiceNumber string
	Customer      *Customer
	ReceivedDate  Date
	MaturityDate  Date
	ShipDate      Date
	// Allocated is the note's allocation to the invoice (base currency).
	Allocated Money
	// ExcessDays = maturity − ship date − note_max_days (> 0).
	ExcessDays int
	// Interest = Allocated × note_monthly_rate × ExcessDays / 30, rounded to
	// 2 places (DOMAIN.md §3).
	Interest Money
}

// NoteInterestReport lists the note interest charges of the notes received in
// a period; Total is the sum of the charges shown.
type NoteInterestReport struct {
	// From and To are the period the notes were received in.
	From          Date
	To            Date
	PolicyVersion int
	MonthlyRate   Rate
	MaxDays       int
	Total         Money
	Charges       []*NoteInterestCharge
}

// LimitationWatchItem is a customer whose deadline to sue over its overdue
// debt (002 十八) falls within the watch window or has passed.
type LimitationWatchItem struct {
	Customer      *Customer
	AsOf          Date
	PolicyVersion int
	// OverdueBalance is Σ open base values of the customer's overdue invoices.
	OverdueBalance  Money
	OverdueInvoices int
	// Start is the day the earliest deadline runs from: LastDemandOn, or the
	// due date of the invoice when no demand followed it.
	Start Date
	// LastDemandOn is the collection demand the deadline runs from, nil when
	// it runs from a due date.
	LastDemandOn *Date
	// Deadline = Start + limitation_years (the company's own deadline).
	Deadline Date
	// DaysLeft = Deadline − AsOf: 0 is the last day, negative has expired.
	DaysLeft int
	// StatutoryDeadline = Start + 3 years, the statutory limitation period
	// (PRC Civil Code art. 188).
	StatutoryDeadline Date
}

// StatutoryLimitationYears is the limitation period of PRC Civil Code art.
// 188; the policy's limitation_years is the company's own, shorter deadline.
const StatutoryLimitationYears = 3

// NotePresentment is a cheque held past its maturity that must be presented
// for payment within note_present_days after it (002 票据管理六).
type NotePresentment struct {
	Note     *Note
	Customer *Customer
	// PresentBy = maturity + note_present_days.
	PresentBy Date
	// DaysLeft = PresentBy − as-of date; negative when overdue.
	DaysLeft int
	Overdue  bool
}

// VoidCheque is a cheque still unsettled more than one year after its
// maturity date, when it is void (逾到期日一年失效, 002 票据管理五.9).
type VoidCheque struct {
	Note     *Note
	Customer *Customer
	// ValidUntil = maturity + 1 year (29 February → 28 February): the last
	// day the cheque is valid.
	ValidUntil Date
	// DaysVoid = as-of date − ValidUntil (> 0).
	DaysVoid int
}

// CreditService computes the credit figures. Every method sees only the
// customers visible to the actor in ctx and applies the filter inside its
// SQL; an omitted as-of date is today in the policy's time zone. Every
// answer names the policy version in force on its date; ENOTFOUND when none
// is.
type CreditService interface {
	// CreditPosition returns one customer's position. ENOTFOUND for an
	// unknown or invisible customer.
	CreditPosition(ctx context.Context, customerCode string, asOf *Date) (*CreditPosition, error)
	// CreditPositions returns a page of positions of every customer the
	// query selects, with the size of the whole filtered list. EINVALID for
	// a bad page size, cursor or order.
	CreditPositions(ctx context.Context, q CreditPositionQuery) (*CreditPositionPage, error)
	// CustomerCreditPositions returns the positions of many customers in one
	// statement, aligned with ids; an invisible customer's entry is nil.
	CustomerCreditPositions(ctx context.Context, ids []int64, asOf *Date) ([]*CreditPosition, error)
	// CreditCheck decides on a prospective order of amount. EINVALID for a
	// negative amount, ENOTFOUND for an unknown customer.
	CreditCheck(ctx context.Context, customerCode string, amount decimal.Decimal, asOf *Date) (*CreditCheck, error)
	// AgingReport ages the open receivables. EINVALID for bad edges.
	AgingReport(ctx context.Context, q AgingQuery) (*AgingReport, error)
	// CollectionBreaches applies the 60-day rule to a month.
	CollectionBreaches(ctx context.Context, month Month, f *CustomerFilter) (*CollectionBreachReport, error)
	// NoteInterest applies the 120-day note rule to the notes received in
	// a period. EINVALID when the period ends before it starts.
	NoteInterest(ctx context.Context, p Period, f *CustomerFilter) (*NoteInterestReport, error)
	// LimitationWatch lists the customers whose deadline to sue is within
	// withinDays of asOf or has passed, earliest deadline first. EINVALID
	// for a negative withinDays.
	LimitationWatch(ctx context.Context, asOf Date, withinDays int, f *CustomerFilter) ([]*LimitationWatchItem, error)
	// NotesDueForPresentment lists the cheques held past maturity, the
	// latest day to present them first.
	NotesDueForPresentment(ctx context.Context, asOf *Date, f *CustomerFilter) ([]*NotePresentment, error)
	// VoidCheques lists the cheques unsettled more than a year after
	// maturity.
	VoidCheques(ctx context.Context, asOf *Date, f *CustomerFilter) ([]*VoidCheque, error)
}
