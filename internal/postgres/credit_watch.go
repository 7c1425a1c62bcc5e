package postgres

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
)

// limitationRow is a row of limitation.sql: a customer on the watch list.
type limitationRow struct {
	creditdesk.Customer
	LwOverdueBalance    decimal.Decimal
	LwOverdueInvoices   int
	LwStart             creditdesk.Date
	LwLastDemandOn      *creditdesk.Date
	LwDeadline          creditdesk.Date
	LwDaysLeft          int
	LwStatutoryDeadline creditdesk.Date
}

// LimitationWatch lists the customers with an overdue open balance on asOf
// whose deadline to sue (002 十八: limitation_years from the day after the
// last collection demand, else after the due date; DOMAIN.md §3) is within
// withinDays of asOf or has passed, earliest deadline first, then by code.
// Any caller may use it; the filter and the actor's scope apply in the SQL.
// EINVALID for a negative withinDays.
func (s CreditStore) LimitationWatch(ctx context.Context, asOf creditdesk.Date, withinDays int, f *creditdesk.CustomerFilter) ([]*creditdesk.LimitationWatchItem, error) {
	if withinDays < 0 {
		return nil, creditdesk.FieldError("withinDays", fmt.Sprint(withinDays), "cannot be negative")
	}
	p, err := PolicyStore{DB: s.DB}.PolicyAt(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var rows []limitationRow
	err = s.DB.NewRaw(limitationSQL, namedArgs{
		"asof":      asOf,
		"years":     p.Int("limitation_years"),
		"statutory": creditdesk.StatutoryLimitationYears,
		"within":    withinDays,
		"visible":   CustomerPredicate(ctx, "c", f),
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("limitation watch as of %s: %w", asOf, err)
	}
	out := make([]*creditdesk.LimitationWatchItem, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		c := r.Customer
		out = append(out, &creditdesk.LimitationWatchItem{
			Customer:          &c,
			AsOf:              asOf,
			PolicyVersion:     p.Version,
			OverdueBalance:    creditdesk.NewMoney(r.LwOverdueBalance),
			OverdueInvoices:   r.LwOverdueInvoices,
			Start:             r.LwStart,
			LastDemandOn:      r.LwLastDemandOn,
			Deadline:          r.LwDeadline,
			DaysLeft:          r.LwDaysLeft,
			StatutoryDeadline: r.LwStatutoryDeadline,
		})
	}
	return out, nil
}

// noteColumns are a note's columns in the worklists, prefixed n_ so that they
// cannot collide with the customer's (c.*).
type noteColumns struct {
	NID           int64 `bun:"n_id"`
	NNumber       string
	NKind         creditdesk.NoteKind
	NCustomerID   int64
	NDrawer       *string
	NBank         *string
	NAccount      *string
	NEndorsers    []string `bun:",array"`
	NIssueDate    creditdesk.Date
	NReceivedDate creditdesk.Date
	NMaturityDate creditdesk.Date
	NAmount       decimal.Decimal
	NStatus       creditdesk.NoteStatus
	NStatusDate   creditdesk.Date
	NSettledOn    *creditdesk.Date
}

func (n *noteColumns) note() *creditdesk.Note {
	return &creditdesk.Note{
		ID:           n.NID,
		Number:       n.NNumber,
		Kind:         n.NKind,
		CustomerID:   n.NCustomerID,
		Drawer:       n.NDrawer,
		Bank:         n.NBank,
		Account:      n.NAccount,
		Endorsers:    n.NEndorsers,
		IssueDate:    n.NIssueDate,
		ReceivedDate: n.NReceivedDate,
		MaturityDate: n.NMaturityDate,
		Amount:       creditdesk.NewMoney(n.NAmount),
		Status:       n.NStatus,
		StatusDate:   n.NStatusDate,
		SettledOn:    n.NSettledOn,
	}
}

// NotesDueForPresentment lists the cheques received and matured on or before
// asOf (nil: today) that were neither presented nor settled by then, with
// the last day to present them (maturity + note_present_days, 002 票据管理六)
// and the days left (negative: overdue), most urgent first. Any caller may
// use it; the filter and the actor's scope apply in the SQL.
func (s CreditStore) NotesDueForPresentment(ctx context.Context, asOf *creditdesk.Date, f *creditdesk.CustomerFilter) ([]*creditdesk.NotePresentment, error) {
	d, p, err := s.policyOn(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		creditdesk.Customer
		noteColumns
		NpPresentBy creditdesk.Date
		NpDaysLeft  int
	}
	err = s.DB.NewRaw(presentmentSQL, namedArgs{
		"asof":    d,
		"days":    p.Int("note_present_days"),
		"visible": CustomerPredicate(ctx, "c", f),
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("cheques to present as of %s: %w", d, err)
	}
	out := make([]*creditdesk.NotePresentment, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		c := r.Customer
		out = append(out, &creditdesk.NotePresentment{
			Note:      r.note(),
			Customer:  &c,
			PresentBy: r.NpPresentBy,
			DaysLeft:  r.NpDaysLeft,
			Overdue:   r.NpDaysLeft < 0,
		})
	}
	return out, nil
}

// VoidCheques lists the cheques received on or before asOf (nil: today) and
// still unsettled on it more than one year after maturity, when they are
// void (002 票据管理五.9), longest void first. Any caller may use it; the
// filter and the actor's scope apply in the SQL.
func (s CreditStore) VoidCheques(ctx context.Context, asOf *creditdesk.Date, f *creditdesk.CustomerFilter) ([]*creditdesk.VoidCheque, error) {
	d, _, err := s.policyOn(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		creditdesk.Customer
		noteColumns
		VcValidUntil creditdesk.Date
		VcDaysVoid   int
	}
	err = s.DB.NewRaw(voidChequesSQL, namedArgs{
		"asof":    d,
		"visible": CustomerPredicate(ctx, "c", f),
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("void cheques as of %s: %w", d, err)
	}
	out := make([]*creditdesk.VoidCheque, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		c := r.Customer
		out = append(out, &creditdesk.VoidCheque{
			Note:       r.note(),
			Customer:   &c,
			ValidUntil: r.VcValidUntil,
			DaysVoid:   r.VcDaysVoid,
		})
	}
	return out, nil
}
