package postgres

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// SalesForceStore implements creditdesk.SalesForceService: the sales-force
// rules of DOMAIN.md §7 as lists a manager acts on, the rep hand-over and
// the bulk reassignment.
type SalesForceStore struct {
	DB *bun.DB
	// Clock dates a reassignment (rep_assigned_on); nil is the wall clock.
	Clock creditdesk.Clock
}

var _ creditdesk.SalesForceService = SalesForceStore{}

var (
	//go:embed sql/dealer/visit_plan_exclusions.sql
	visitPlanExclusionsSQL string
	//go:embed sql/dealer/visits_due.sql
	visitsDueSQL string
)

// VisitPlanExclusions lists the customers visited five or more times with no
// effective visit since the last effective one, or ever (000 第十条1), as of
// asOf, in one statement.
func (s SalesForceStore) VisitPlanExclusions(ctx context.Context, asOf creditdesk.Date, f *creditdesk.CustomerFilter) ([]*creditdesk.VisitPlanExclusion, error) {
	var rows []struct {
		creditdesk.Customer
		VxIneffectiveVisits  int
		VxLastEffectiveOn    *creditdesk.Date
		VxFirstIneffectiveOn creditdesk.Date
		VxLastVisitOn        creditdesk.Date
	}
	err := s.DB.NewRaw(visitPlanExclusionsSQL, namedArgs{
		"asof": asOf, "limit": creditdesk.IneffectiveVisitLimit, "visible": CustomerPredicate(ctx, "c", f),
	}).Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("visit plan exclusions: %w", err)
	}
	out := make([]*creditdesk.VisitPlanExclusion, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = &creditdesk.VisitPlanExclusion{
			Customer:           &r.Customer,
			IneffectiveVisits:  r.VxIneffectiveVisits,
			LastEffectiveOn:    r.VxLastEffectiveOn,
			FirstIneffectiveOn: r.VxFirstIneffectiveOn,
			LastVisitOn:        r.VxLastVisitOn,
		}
	}
	return out, nil
}

// UncontactedNewCustomers lists the customers assigned to their rep more than
// 7 days before asOf whom that rep has not visited since the assignment
// (003 第四条3: the manager may hand them to someone else), in one statement.
func (s SalesForceStore) UncontactedNewCustomers(ctx context.Context, asOf creditdesk.Date, f *creditdesk.CustomerFilter) ([]*creditdesk.UncontactedCustomer, error) {
	var rows []struct {
		creditdesk.Customer
		UcDays int
	}
	err := s.DB.NewRaw(`
		SELECT c.*, ?asof::date - c.rep_assigned_on AS uc_days
		FROM customers c
		WHERE ?visible
		  AND c.status <> 'TERMINATED'
		  AND c.rep_id IS NOT NULL
		  AND c.rep_assigned_on IS NOT NULL
		  -- 003 第四条3: "应在一周内与客户进行沟通"; on day 7 the rep is still in time.
		  AND ?asof::date - c.rep_assigned_on > ?days
		  AND NOT EXISTS (
		      SELECT 1 FROM visits v
		      WHERE v.customer_id = c.id AND v.rep_id = c.rep_id
		        AND v.date BETWEEN c.rep_assigned_on AND ?asof::date)
		ORDER BY uc_days DESC, c.code`,
		namedArgs{"asof": asOf, "days": creditdesk.NewCustomerContactDays, "visible": CustomerPredicate(ctx, "c", f)}).
		Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("uncontacted new customers: %w", err)
	}
	out := make([]*creditdesk.UncontactedCustomer, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = &creditdesk.UncontactedCustomer{Customer: &r.Customer, AssignedOn: *r.RepAssignedOn, DaysSinceAssignment: r.UcDays}
	}
	return out, nil
}

// VisitsDue lists the customers whose return visit is due on asOf (001 篇二 五:
// monthly in the first year after the first delivery, quarterly after), in
// one statement.
func (s SalesForceStore) VisitsDue(ctx context.Context, asOf creditdesk.Date, f *creditdesk.CustomerFilter) ([]*creditdesk.VisitDue, error) {
	var rows []struct {
		creditdesk.Customer
		VdFirstDeliveryOn creditdesk.Date
		VdCadence         creditdesk.VisitCadence
		VdLastVisitOn     *creditdesk.Date
		VdDueOn           creditdesk.Date
		VdDaysOverdue     int
	}
	err := s.DB.NewRaw(visitsDueSQL, namedArgs{"asof": asOf, "visible": CustomerPredicate(ctx, "c", f)}).Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("visits due: %w", err)
	}
	out := make([]*creditdesk.VisitDue, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = &creditdesk.VisitDue{
			Customer:        &r.Customer,
			FirstDeliveryOn: r.VdFirstDeliveryOn,
			Cadence:         r.VdCadence,
			LastVisitOn:     r.VdLastVisitOn,
			DueOn:           r.VdDueOn,
			DaysOverdue:     r.VdDaysOverdue,
		}
	}
	return out, nil
}

// RepHandover gathers a rep's open items as of asOf (002 十九): every
// customer of the rep the actor may see, its invoices open on asOf (from
// cd_invoice_open) and its shipments of the last shipmentDays days. Three
// statements after the rep's lookup, whatever the number of customers.
func (s SalesForceStore) RepHandover(ctx context.Context, repUsername string, asOf creditdesk.Date, shipmentDays int) (*creditdesk.RepHandover, error) {
	if shipmentDays < 1 {
		return nil, creditdesk.FieldError("shipmentDays", fmt.Sprint(shipmentDays), "must be at least 1")
	}
	// A departing rep may already be inactive: look it up regardless.
	var rep creditdesk.User
	err := s.DB.NewRaw(`SELECT id, username, name, role, office_id FROM users WHERE username = ?`, repUsername).Scan(ctx, &rep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "user %q does not exist", repUsername)
	}
	if err != nil {
		return nil, fmt.Errorf("rep handover: find rep: %w", err)
	}
	h := &creditdesk.RepHandover{Rep: &rep, AsOf: asOf, ShipmentsFrom: asOf.AddDays(1 - shipmentDays)}
	var custs []creditdesk.Customer
	if err := s.DB.NewRaw(`SELECT c.* FROM customers c WHERE c.rep_id = ? AND ? ORDER BY c.code`,
		rep.ID, CustomerPredicate(ctx, "c", nil)).Scan(ctx, &custs); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("rep handover: customers: %w", err)
	}
	h.Customers = make([]*creditdesk.HandoverCustomer, len(custs))
	byID := make(map[int64]*creditdesk.HandoverCustomer, len(custs))
	for i := range custs {
		hc := &creditdesk.HandoverCustomer{Customer: &custs[i], OpenInvoices: []*creditdesk.HandoverInvoice{},
			Shipments: []*creditdesk.HandoverShipment{}}
		h.Customers[i] = hc
		byID[custs[i].ID] = hc
	}
	if len(custs) == 0 {
		return h, nil
	}

	var invoices []struct {
		CustomerID  int64
		Number      string
		ShipDate    creditdesk.Date
		DueDate     creditdesk.Date
		Currency    string
		Amount      decimal.Decimal
		Open        decimal.Decimal
		OpenBase    decimal.Decimal
		DaysOverdue int
	}
	err = s.DB.NewRaw(`
		SELECT o.customer_id, i.number, o.ship_date, o.due_date, o.currency, i.amount, o.open, o.open_base,
		       greatest(?asof::date - o.due_date, 0) AS days_overdue
		FROM cd_invoice_open(?asof::date) o
		JOIN invoices i ON i.id = o.invoice_id
		JOIN customers c ON c.id = o.customer_id
		WHERE c.rep_id = ?rep AND ?visible
		ORDER BY o.customer_id, o.due_date, i.number`,
		namedArgs{"asof": asOf, "rep": rep.ID, "visible": CustomerPredicate(ctx, "c", nil)}).Scan(ctx, &invoices)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("rep handover: open invoices: %w", err)
	}
	total := decimal.Zero
	for _, r := range invoices {
		hc := byID[r.CustomerID]
		if hc == nil {
			continue
		}
		hc.OpenInvoices = append(hc.OpenInvoices, &creditdesk.HandoverInvoice{
			Number: r.Number, ShipDate: r.ShipDate, DueDate: r.DueDate, Currency: r.Currency,
			Amount: creditdesk.NewMoney(r.Amount), OpenBalance: creditdesk.NewMoney(r.Open),
			OpenBase: creditdesk.NewMoney(r.OpenBase), DaysOverdue: r.DaysOverdue,
		})
		// Open base values are rounded per invoice (DOMAIN.md §9), so their
		// sum is exact.
		hc.OpenAmount.Decimal = hc.OpenAmount.Add(r.OpenBase)
		total = total.Add(r.OpenBase)
	}
	h.OpenTotal = creditdesk.NewMoney(total)
	h.OpenInvoices = len(invoices)

	var lines []struct {
		CustomerID    int64
		ShipDate      creditdesk.Date
		InvoiceNumber *string
		ProductCode   string
		ProductName   string
		Quantity      decimal.Decimal
		BaseAmount    decimal.Decimal
	}
	err = s.DB.NewRaw(`
		SELECT sl.customer_id, sl.ship_date, i.number AS invoice_number, p.code AS product_code,
		       p.name AS product_name, sl.quantity, sl.base_amount
		FROM sales_lines sl
		JOIN customers c ON c.id = sl.customer_id
		JOIN products p ON p.id = sl.product_id
		LEFT JOIN invoices i ON i.id = sl.invoice_id
		WHERE c.rep_id = ?rep AND ?visible AND sl.ship_date BETWEEN ?from::date AND ?asof::date
		ORDER BY sl.customer_id, sl.ship_date DESC, sl.id`,
		namedArgs{"asof": asOf, "from": h.ShipmentsFrom, "rep": rep.ID, "visible": CustomerPredicate(ctx, "c", nil)}).
		Scan(ctx, &lines)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("rep handover: shipments: %w", err)
	}
	for _, r := range lines {
		if hc := byID[r.CustomerID]; hc != nil {
			hc.Shipments = append(hc.Shipments, &creditdesk.HandoverShipment{
				ShipDate: r.ShipDate, InvoiceNumber: r.InvoiceNumber, ProductCode: r.ProductCode,
				ProductName: r.ProductName, Quantity: creditdesk.Quantity{Decimal: r.Quantity},
				BaseAmount: creditdesk.NewMoney(r.BaseAmount),
			})
		}
	}
	return h, nil
}

// ReassignCustomers moves customers from one rep to another (002 十九 on a
// rep's departure; 003 第四条3 for a new customer left uncontacted) in one
// transaction: the customers are locked and checked, then one statement
// moves them all and writes a history row for each (field "rep", old and new
// username, the reason, who and who approved). The new rep's assignment date
// is today in the policy's time zone.
func (s SalesForceStore) ReassignCustomers(ctx context.Context, in creditdesk.ReassignmentInput) (*creditdesk.Reassignment, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	pol, err := PolicyStore{DB: s.DB}.CurrentPolicy(ctx)
	if err != nil {
		return nil, err
	}
	today := s.Clock.Today(pol.Location())
	actor := creditdesk.ActorFrom(ctx)
	// 003 第四条3: "经理有权将客户转至其他人员负责": reassigning is the manager's call.
	if actor != nil && actor.Role != creditdesk.RoleManager && actor.Role != creditdesk.RoleGeneralManager {
		return nil, creditdesk.Errorf(creditdesk.EFORBIDDEN, "only a manager or the general manager may reassign customers")
	}

	var res *creditdesk.Reassignment
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		names := []string{in.FromRep, in.ToRep, "admin"}
		if in.ApprovedBy != nil {
			names = append(names, *in.ApprovedBy)
		}
		var users []struct {
			creditdesk.User
			Active bool
		}
		if err := tx.NewRaw(`SELECT id, username, name, role, office_id, active FROM users WHERE username IN (?)`,
			bun.List(names)).Scan(ctx, &users); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reassign customers: find users: %w", err)
		}
		find := func(name string) (*creditdesk.User, bool) {
			for i := range users {
				if users[i].Username == name {
					u := users[i].User
					return &u, users[i].Active
				}
			}
			return nil, false
		}
		from, _ := find(in.FromRep)
		if from == nil {
			return creditdesk.Errorf(creditdesk.ENOTFOUND, "user %q does not exist", in.FromRep)
		}
		to, active := find(in.ToRep)
		switch {
		case to == nil:
			return creditdesk.Errorf(creditdesk.ENOTFOUND, "user %q does not exist", in.ToRep)
		case !active:
			return creditdesk.FieldError("toRep", in.ToRep, "is not an active user")
		case !slices.Contains(creditdesk.RepRoles, to.Role):
			return creditdesk.FieldError("toRep", in.ToRep, "is a %s; customers go to a sales rep or a manager", to.Role)
		}
		var approver *int64
		if in.ApprovedBy != nil {
			a, _ := find(*in.ApprovedBy)
			if a == nil {
				return creditdesk.Errorf(creditdesk.ENOTFOUND, "user %q does not exist", *in.ApprovedBy)
			}
			approver = &a.ID
		}
		changedBy := actor
		if changedBy == nil {
			changedBy, _ = find("admin")
		}

		sel := bun.SafeQuery("TRUE")
		if len(in.CustomerCodes) > 0 {
			sel = bun.SafeQuery("c.code IN (?)", bun.List(in.CustomerCodes))
		}
		var locked []string
		if err := tx.NewRaw(`SELECT c.code FROM customers c WHERE c.rep_id = ? AND ? AND ? ORDER BY c.id FOR UPDATE`,
			from.ID, sel, CustomerPredicate(ctx, "c", nil)).Scan(ctx, &locked); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("reassign customers: lock customers: %w", err)
		}
		if len(in.CustomerCodes) > 0 {
			var missing []string
			for _, code := range in.CustomerCodes {
				if !slices.Contains(locked, code) && !slices.Contains(missing, code) {
					missing = append(missing, code)
				}
			}
			if len(missing) > 0 {
				return creditdesk.FieldError("customerCodes", strings.Join(missing, ","),
					"not customers of %s (or not visible to you); nothing was reassigned", in.FromRep)
			}
		}
		var moved []creditdesk.Customer
		if len(locked) > 0 {
			err := tx.NewRaw(`
				WITH moved AS (
					UPDATE customers c
					SET rep_id = ?to, rep_assigned_on = ?today::date
					WHERE c.rep_id = ?from AND c.code IN (?codes)
					RETURNING c.*
				), history AS (
					INSERT INTO customer_history (customer_id, field, old_value, new_value, reason, changed_by, approved_by)
					SELECT m.id, 'repUsername', ?from_name, ?to_name, ?reason, ?changed_by, ?approver::bigint
					FROM moved m
				)
				SELECT * FROM moved ORDER BY code`,
				namedArgs{
					"to": to.ID, "from": from.ID, "today": today, "codes": bun.List(locked),
					"from_name": from.Username, "to_name": to.Username, "reason": strings.TrimSpace(in.Reason),
					"changed_by": changedBy.ID, "approver": approver,
				}).Scan(ctx, &moved)
			if err != nil {
				return fmt.Errorf("reassign customers: %w", err)
			}
		}
		res = &creditdesk.Reassignment{FromRep: from, ToRep: to, On: today, Customers: make([]*creditdesk.Customer, len(moved))}
		for i := range moved {
			res.Customers[i] = &moved[i]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
