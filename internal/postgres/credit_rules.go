package postgres

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
)

// repColumns are a rep's columns in the credit reports, prefixed ru_ so
// that they cannot collide with the customer's (c.*).
type repColumns struct {
	RuID       *int64
	RuUsername *string
	RuName     *string
	RuRole     *creditdesk.Role
	RuOfficeID *int64
}

// user returns the rep, or nil when there is none.
func (r repColumns) user() *creditdesk.User {
	if r.RuID == nil {
		return nil
	}
	u := &creditdesk.User{ID: *r.RuID, OfficeID: r.RuOfficeID}
	if r.RuUsername != nil {
		u.Username = *r.RuUsername
	}
	if r.RuName != nil {
		u.Name = *r.RuName
	}
	if r.RuRole != nil {
		u.Role = *r.RuRole
	}
	return u
}

// breachRow is a row of breaches.sql: a line (an invoice that crossed in the
// month, with its customer), a rep's charges, or the totals.
type breachRow struct {
	Kind string
	creditdesk.Customer
	BrInvoiceID     *int64
	BrInvoiceNumber *string
	BrShipDate      *creditdesk.Date
	BrDueDate       *creditdesk.Date
	BrCrossedOn     *creditdesk.Date
	BrCurrency      *string
	BrOpen          decimal.NullDecimal
	BrCharged       decimal.Decimal
	BrReversed      decimal.Decimal
	repColumns
}

// CollectionBreaches applies the 60-day collection rule to a month (002
// 票据管理三; DOMAIN.md §3, §9): the invoices that crossed ship date +
// collection_days + 1 in the month with an open balance, and per rep (the
// customer's responsible rep now) what is charged to and credited back to
// its bonus in the month. Lines, reps and totals come from one statement.
// Any caller may use it; the filter and the actor's scope apply in the SQL.
// ENOTFOUND when no policy version is in force on the month's last day.
func (s CreditStore) CollectionBreaches(ctx context.Context, month creditdesk.Month, f *creditdesk.CustomerFilter) (*creditdesk.CollectionBreachReport, error) {
	last := month.Last()
	p, err := PolicyStore{DB: s.DB}.PolicyAt(ctx, last)
	if err != nil {
		return nil, err
	}
	days := p.Int("collection_days")
	var rows []breachRow
	err = s.DB.NewRaw(breachesSQL, namedArgs{
		"first":   month.First(),
		"last":    last,
		"cross":   days + 1,
		"visible": CustomerPredicate(ctx, "c", f),
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("collection breaches of %s: %w", month, err)
	}
	rep := &creditdesk.CollectionBreachReport{Month: month, PolicyVersion: p.Version, CollectionDays: days}
	for i := range rows {
		r := &rows[i]
		charge := &creditdesk.RepBonusCharge{
			Rep:      r.user(),
			Charged:  creditdesk.NewMoney(r.BrCharged),
			Reversed: creditdesk.NewMoney(r.BrReversed),
			Net:      creditdesk.NewMoney(r.BrCharged.Sub(r.BrReversed)),
		}
		switch r.Kind {
		case "LINE":
			c := r.Customer
			rep.Lines = append(rep.Lines, &creditdesk.CollectionBreach{
				InvoiceID:     *r.BrInvoiceID,
				InvoiceNumber: *r.BrInvoiceNumber,
				Customer:      &c,
				Rep:           r.user(),
				ShipDate:      *r.BrShipDate,
				DueDate:       *r.BrDueDate,
				CrossedOn:     *r.BrCrossedOn,
				OpenAmount:    creditdesk.NewMoney(r.BrCharged),
				OpenBalance:   creditdesk.NewMoney(r.BrOpen.Decimal),
				Currency:      *r.BrCurrency,
			})
		case "REP":
			rep.Reps = append(rep.Reps, charge)
		case "TOTAL":
			rep.Totals = charge
		}
	}
	if rep.Totals == nil {
		return nil, fmt.Errorf("collection breaches of %s: no totals row", month)
	}
	return rep, nil
}

// noteInterestRow is a row of note_interest.sql: a charge with its customer.
type noteInterestRow struct {
	creditdesk.Customer
	NiNoteNumber    string
	NiNoteKind      creditdesk.NoteKind
	NiReceivedDate  creditdesk.Date
	NiMaturityDate  creditdesk.Date
	NiInvoiceNumber string
	NiShipDate      creditdesk.Date
	NiAllocated     decimal.Decimal
	NiExcessDays    int
	NiInterest      decimal.Decimal
	NiTotal         decimal.Decimal
}

// NoteInterest applies the 120-day note rule (002 票据管理四; DOMAIN.md §3, §9)
// to the notes received in the period and not dishonoured on or before its
// last day: one charge per note allocation with excess days, each rounded to
// 2 places, and the total of the charges shown, from one statement. The
// policy version is the one in force on the period's last day. Any caller
// may use it; the filter and the actor's scope apply in the SQL. EINVALID
// when the period ends before it starts.
func (s CreditStore) NoteInterest(ctx context.Context, period creditdesk.Period, f *creditdesk.CustomerFilter) (*creditdesk.NoteInterestReport, error) {
	if err := period.Validate(); err != nil {
		return nil, err
	}
	p, err := PolicyStore{DB: s.DB}.PolicyAt(ctx, period.To)
	if err != nil {
		return nil, err
	}
	rep := &creditdesk.NoteInterestReport{
		From:          period.From,
		To:            period.To,
		PolicyVersion: p.Version,
		MonthlyRate:   creditdesk.Rate{Decimal: p.Decimal("note_monthly_rate")},
		MaxDays:       p.Int("note_max_days"),
		Total:         creditdesk.NewMoney(decimal.Zero),
	}
	var rows []noteInterestRow
	err = s.DB.NewRaw(noteInterestSQL, namedArgs{
		"from":    period.From,
		"to":      period.To,
		"rate":    rep.MonthlyRate.Decimal,
		"maxdays": rep.MaxDays,
		"visible": CustomerPredicate(ctx, "c", f),
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("note interest %s..%s: %w", period.From, period.To, err)
	}
	for i := range rows {
		r := &rows[i]
		c := r.Customer
		rep.Total = creditdesk.NewMoney(r.NiTotal)
		rep.Charges = append(rep.Charges, &creditdesk.NoteInterestCharge{
			NoteNumber:    r.NiNoteNumber,
			NoteKind:      r.NiNoteKind,
			InvoiceNumber: r.NiInvoiceNumber,
			Customer:      &c,
			ReceivedDate:  r.NiReceivedDate,
			MaturityDate:  r.NiMaturityDate,
			ShipDate:      r.NiShipDate,
			Allocated:     creditdesk.NewMoney(r.NiAllocated),
			ExcessDays:    r.NiExcessDays,
			Interest:      creditdesk.NewMoney(r.NiInterest),
		})
	}
	return rep, nil
}
