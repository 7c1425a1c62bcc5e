package postgres

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// ClassStore implements creditdesk.CreditClassService: the credit class
// 甲/乙/丙 of 000 第九条 (DOMAIN.md §4). The evaluation is one set-based
// statement (sql/class/pipeline.sql) for any set of customers; Go only words
// the explanation from the inputs and flags it returns.
type ClassStore struct {
	DB bun.IDB
	// Clock tells "today" where a query omits its date; nil is the system
	// clock.
	Clock creditdesk.Clock
}

var _ creditdesk.CreditClassService = ClassStore{}

//go:embed sql/class/*.sql
var classSQL embed.FS

// classQuery returns the text of sql/class/name.
func classQuery(name string) string {
	b, err := classSQL.ReadFile("sql/class/" + name)
	if err != nil {
		panic(fmt.Sprintf("postgres: embedded query %s: %v", name, err))
	}
	return string(b)
}

// classPipeline is the evaluation's CTE list (to follow WITH), ending in
// `evaluation`, for the customers visible to the actor of ctx, as of asOf,
// with the thresholds of policy p: those of ids (not empty), or every one
// when ids is nil.
//
// Every customer: the set-based pipeline.sql. Listed customers: the same
// evaluation as the function cd_credit_class_of (migrations,
// 07_report_speed), whose plan PostgreSQL keeps per connection, called with
// the visible ones among ids.
func classPipeline(ctx context.Context, ids []int64, asOf creditdesk.Date, p *creditdesk.Policy) schema.QueryWithArgs {
	args := sqlArgs{"asof": asOf, "where": CustomerPredicate(ctx, "c", nil)}
	for _, t := range classThresholds {
		if t.typ == "int" {
			args[t.arg] = p.Int(t.key)
		} else {
			args[t.arg] = p.Decimal(t.key)
		}
	}
	if ids == nil {
		return namedQuery(classQuery("pipeline.sql"), args)
	}
	args["ids"] = bun.List(ids)
	return namedQuery(`evaluation AS (
    SELECT e.* FROM cd_credit_class_of(
        ARRAY(SELECT c.id FROM customers c WHERE c.id IN (?ids) AND ?where), ?asof::date, `+
		classThresholdArgs(func(a, _, _ string) string { return "?" + a })+`) e
)`, args)
}

// classThresholds are the policy settings (DOMAIN.md §10) the evaluation
// reads: each one's argument name in pipeline.sql, its policy key and its
// SQL type. In this order they are also the threshold arguments of
// cd_credit_class_of.
var classThresholds = []struct{ arg, key, typ string }{
	{"window", "default_window_days", "int"},
	{"overdue", "default_overdue_days", "int"},
	{"a_capital", "class_a_min_capital", "numeric"},
	{"a_employees", "class_a_min_employees", "int"},
	{"a_score", "class_a_min_payment_score", "numeric"},
	{"a_years_founded", "class_a_min_years_founded", "int"},
	{"a_years_trading", "class_a_min_years_trading", "int"},
	{"c_balance", "class_c_balance", "numeric"},
	{"c_volume", "class_c_volume", "numeric"},
	{"c_max_employees", "class_c_max_employees", "int"},
	{"c_new_years", "class_c_new_years", "int"},
}

// classThresholdArgs writes cd_credit_class_of's threshold arguments, each
// as arg writes it from its name, policy key and type.
func classThresholdArgs(arg func(name, key, typ string) string) string {
	out := make([]string, len(classThresholds))
	for i, t := range classThresholds {
		out[i] = arg(t.arg, t.key, t.typ)
	}
	return strings.Join(out, ", ")
}

// classRow is one customer's row of the evaluation, live or stored (a
// snapshot adds the evaluation's id, date, version and time). Every field
// reads NULL (a page's total-only row) as its zero value.
type classRow struct {
	CustomerID           int64                    `bun:"customer_id"`
	BusinessType         *creditdesk.BusinessType `bun:"business_type"`
	Employees            *int                     `bun:"employees"`
	RegisteredCapital    *creditdesk.Money        `bun:"registered_capital"`
	FoundedOn            *creditdesk.Date         `bun:"founded_on"`
	TradingSince         *creditdesk.Date         `bun:"trading_since"`
	Exposure             decimal.NullDecimal      `bun:"exposure"`
	TrailingSales        decimal.NullDecimal      `bun:"trailing_sales"`
	PaymentScore         decimal.NullDecimal      `bun:"payment_score"`
	DishonouredNotes     int                      `bun:"dishonoured_notes"`
	LastDishonouredNote  *string                  `bun:"last_dishonoured_note"`
	LastDishonouredOn    *creditdesk.Date         `bun:"last_dishonoured_on"`
	WriteOffs            int                      `bun:"write_offs"`
	LastWriteOffInvoice  *string                  `bun:"last_write_off_invoice"`
	LastWriteOffOn       *creditdesk.Date         `bun:"last_write_off_on"`
	OverdueInvoices      int                      `bun:"overdue_invoices"`
	OldestOverdueInvoice *string                  `bun:"oldest_overdue_invoice"`
	OldestOverdueDue     *creditdesk.Date         `bun:"oldest_overdue_due"`
	OverrideID           *int64                   `bun:"override_id"`
	ALarge               bool                     `bun:"a_large"`
	AScore               bool                     `bun:"a_score"`
	AFounded             bool                     `bun:"a_founded"`
	ATrading             bool                     `bun:"a_trading"`
	R4Small              bool                     `bun:"r4_small"`
	R4New                bool                     `bun:"r4_new"`
	ClassAEligible       bool                     `bun:"class_a_eligible"`
	ComputedClass        creditdesk.CreditClass   `bun:"computed_class"`
	EffectiveClass       creditdesk.CreditClass   `bun:"effective_class"`
	FiredRules           []string                 `bun:"fired_rules,array"`

	// Stored evaluations only.
	EvaluationID  int64           `bun:"evaluation_id"`
	AsOf          creditdesk.Date `bun:"as_of"`
	PolicyVersion int             `bun:"policy_version"`
	EvaluatedAt   *time.Time      `bun:"evaluated_at"`
	TotalCount    int             `bun:"total_count"`
}

// result words a row as a result, with the thresholds of p (the version the
// evaluation used).
func (r classRow) result(p *creditdesk.Policy, asOf creditdesk.Date) *creditdesk.CreditClassResult {
	in := creditdesk.CreditClassInputs{
		BusinessType: r.BusinessType, Employees: r.Employees, RegisteredCapital: r.RegisteredCapital,
		FoundedOn: r.FoundedOn, TradingSince: r.TradingSince,
		Exposure: creditdesk.NewMoney(r.Exposure.Decimal), TrailingSales: creditdesk.NewMoney(r.TrailingSales.Decimal),
		DishonouredNotes: r.DishonouredNotes, LastDishonouredNote: r.LastDishonouredNote, LastDishonouredOn: r.LastDishonouredOn,
		WriteOffs: r.WriteOffs, LastWriteOffInvoice: r.LastWriteOffInvoice, LastWriteOffOn: r.LastWriteOffOn,
		OverdueInvoices: r.OverdueInvoices, OldestOverdueInvoice: r.OldestOverdueInvoice, OldestOverdueDue: r.OldestOverdueDue,
		Large: r.ALarge, ScoreOK: r.AScore, FoundedOK: r.AFounded, TradingOK: r.ATrading,
		Small: r.R4Small, New: r.R4New, FiredRules: r.FiredRules,
	}
	if r.PaymentScore.Valid {
		in.PaymentScore = &creditdesk.Score{Decimal: r.PaymentScore.Decimal}
	}
	hits, checks := in.Explain(p, asOf)
	return &creditdesk.CreditClassResult{
		CustomerID: r.CustomerID, AsOf: asOf, PolicyVersion: p.Version,
		ComputedClass: r.ComputedClass, EffectiveClass: r.EffectiveClass, ClassAEligible: r.ClassAEligible,
		PaymentScore: in.PaymentScore, FiredRules: hits, ClassAChecks: checks, OverrideID: r.OverrideID,
		Exposure: in.Exposure, TrailingSales: in.TrailingSales, TradingSince: in.TradingSince,
		Inputs: in, EvaluatedAt: r.EvaluatedAt, EvaluationID: r.EvaluationID,
	}
}

// evaluateClasses runs the evaluation as of asOf for the visible customers
// of ids (every visible customer when ids is nil) and returns their rows by
// customer id, with the policy version it used.
func evaluateClasses(ctx context.Context, db bun.IDB, ids []int64, asOf creditdesk.Date) ([]classRow, *creditdesk.Policy, error) {
	p, err := PolicyStore{DB: db}.PolicyAt(ctx, asOf)
	if err != nil || (ids != nil && len(ids) == 0) {
		return nil, p, err
	}
	var rows []classRow
	err = db.NewRaw(`WITH ? SELECT e.* FROM evaluation e ORDER BY e.customer_id`,
		classPipeline(ctx, ids, asOf, p)).Scan(ctx, &rows)
	if err != nil {
		return nil, nil, fmt.Errorf("evaluate credit classes as of %s: %w", asOf, err)
	}
	return rows, p, nil
}

// today returns today's date in the policy's time zone.
func (s ClassStore) today(ctx context.Context) (creditdesk.Date, error) {
	return policyToday(ctx, s.DB, s.Clock)
}

// CreditClass evaluates one customer's credit class as of asOf (nil:
// today) with the policy version in force then (DOMAIN.md §4). Anyone who
// sees the customer may call it; ENOTFOUND for an unknown or invisible
// customer, or a date before the first policy version.
//
// One statement (classOneSQL) finds the customer, the policy version in
// force and the evaluation (cd_credit_class_of, whose plan the connection
// keeps): one round trip where the loader's path takes two.
func (s ClassStore) CreditClass(ctx context.Context, customerCode string, asOf *creditdesk.Date) (*creditdesk.CreditClassResult, error) {
	d, err := s.dateOrToday(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var row struct {
		Customer creditdesk.Customer `bun:"embed:cust_"`
		classRow
		PolVersion       *int             `bun:"pol_version"`
		PolEffectiveFrom *creditdesk.Date `bun:"pol_effective_from"`
		PolSettings      *string          `bun:"pol_settings"`
	}
	err = s.DB.NewRaw(classOneSQL(s.DB), sqlArgs{
		"code": customerCode, "visible": CustomerPredicate(ctx, "c", nil), "asof": d,
		"in_force": policyVersionIn(inForceOn(d)),
	}).Scan(ctx, &row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q not found", customerCode)
	}
	if err != nil {
		return nil, fmt.Errorf("credit class of %q as of %s: %w", customerCode, d, err)
	}
	if row.PolVersion == nil || row.PolSettings == nil || row.PolEffectiveFrom == nil {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "no policy version is in force on that date")
	}
	p := &creditdesk.Policy{Version: *row.PolVersion, EffectiveFrom: *row.PolEffectiveFrom}
	if err := json.Unmarshal([]byte(*row.PolSettings), &p.Settings); err != nil {
		return nil, fmt.Errorf("credit class of %q: policy settings: %w", customerCode, err)
	}
	res := row.classRow.result(p, d)
	res.Customer = &row.Customer
	if err := attachClassDetails(ctx, s.DB, []*creditdesk.CreditClassResult{res}, false); err != nil {
		return nil, err
	}
	return res, nil
}

// classOneSQL is the statement of ClassStore.CreditClass: the visible
// customer of code ?code (its columns prefixed cust_), the policy version
// ?in_force selects (pol_version, pol_effective_from, pol_settings: its
// settings as a JSON object) and the customer's evaluation with that
// version's thresholds (classThresholds); no row for an unknown or invisible
// customer, null pol_ columns when no version is in force (the evaluation is
// then not run).
var classOneSQL = func() func(db bun.IDB) string {
	var once sync.Once
	var text string
	return func(db bun.IDB) string {
		once.Do(func() {
			var cols []string
			for _, f := range db.Dialect().Tables().Get(reflect.TypeFor[creditdesk.Customer]()).Fields {
				cols = append(cols, fmt.Sprintf("c.%s AS cust_%s", f.SQLName, f.Name))
			}
			text = `WITH cust AS (
    SELECT ` + strings.Join(cols, ", ") + `
    FROM customers c
    WHERE c.code = ?code AND ?visible
), pol AS (
    SELECT v.version, v.effective_from,
           (SELECT json_object_agg(s.key, s.value) FROM policy_settings s WHERE s.version = v.version) AS settings
    FROM (?in_force) v
)
SELECT cust.*, pol.version AS pol_version, pol.effective_from AS pol_effective_from,
       pol.settings::text AS pol_settings, e.*
FROM cust
LEFT JOIN pol ON true
LEFT JOIN LATERAL (
    SELECT * FROM cd_credit_class_of(ARRAY[cust.cust_id], ?asof::date, ` +
				classThresholdArgs(func(_, key, typ string) string {
					return fmt.Sprintf("(pol.settings->>'%s')::%s", key, typ)
				}) + `)
    WHERE pol.version IS NOT NULL
) e ON true`
		})
		return text
	}
}()

func (s ClassStore) dateOrToday(ctx context.Context, asOf *creditdesk.Date) (creditdesk.Date, error) {
	if asOf != nil && !asOf.IsZero() {
		return *asOf, nil
	}
	return s.today(ctx)
}

// CreditClasses evaluates many customers, one evaluation statement per distinct date
// (the policy version in force then), results in key order; nil for a
// customer the actor cannot see. Any caller may use it; it is what the
// per-request dataloader calls.
func (s ClassStore) CreditClasses(ctx context.Context, keys []creditdesk.CreditClassKey) ([]*creditdesk.CreditClassResult, error) {
	byDate := map[creditdesk.Date][]int64{}
	var dates []creditdesk.Date
	for _, k := range keys {
		if _, ok := byDate[k.AsOf]; !ok {
			dates = append(dates, k.AsOf)
		}
		byDate[k.AsOf] = append(byDate[k.AsOf], k.CustomerID)
	}
	found := map[creditdesk.CreditClassKey]*creditdesk.CreditClassResult{}
	var all []*creditdesk.CreditClassResult
	for _, d := range dates {
		rows, p, err := evaluateClasses(ctx, s.DB, byDate[d], d)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			res := r.result(p, d)
			found[creditdesk.CreditClassKey{CustomerID: r.CustomerID, AsOf: d}] = res
			all = append(all, res)
		}
	}
	if err := attachClassDetails(ctx, s.DB, all, false); err != nil {
		return nil, err
	}
	out := make([]*creditdesk.CreditClassResult, len(keys))
	for i, k := range keys {
		out[i] = found[k]
	}
	return out, nil
}

// attachClassDetails loads, in one statement each, the overrides behind the
// results' effective classes and (when withCustomers) their customers.
func attachClassDetails(ctx context.Context, db bun.IDB, results []*creditdesk.CreditClassResult, withCustomers bool) error {
	var overrideIDs, customerIDs []int64
	for _, r := range results {
		if r.OverrideID != nil {
			overrideIDs = append(overrideIDs, *r.OverrideID)
		}
		if withCustomers && r.Customer == nil {
			customerIDs = append(customerIDs, r.CustomerID)
		}
	}
	if len(overrideIDs) > 0 {
		overrides, err := loadApprovals(ctx, db, creditdesk.KindClassOverride, overrideIDs)
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.OverrideID != nil {
				if a := overrides[*r.OverrideID]; a != nil {
					r.Override = a.override()
				}
			}
		}
	}
	if len(customerIDs) > 0 {
		customers, err := customersByID(ctx, db, customerIDs)
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.Customer == nil {
				r.Customer = customers[r.CustomerID]
			}
		}
	}
	return nil
}

// customersByID loads the visible customers among ids, in one statement.
func customersByID(ctx context.Context, db bun.IDB, ids []int64) (map[int64]*creditdesk.Customer, error) {
	out := map[int64]*creditdesk.Customer{}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return out, nil
	}
	var cs []*creditdesk.Customer
	if err := db.NewRaw(`SELECT c.* FROM customers c WHERE c.id IN (?) AND ?`,
		bun.List(ids), CustomerPredicate(ctx, "c", nil)).Scan(ctx, &cs); err != nil {
		return nil, fmt.Errorf("load customers: %w", err)
	}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}

// policiesByVersion loads the given policy versions, in one statement.
func policiesByVersion(ctx context.Context, db bun.IDB, versions []int) (map[int]*creditdesk.Policy, error) {
	out := map[int]*creditdesk.Policy{}
	if len(versions) == 0 {
		return out, nil
	}
	var rows []struct {
		Version       int
		EffectiveFrom creditdesk.Date
		Key           string
		Value         string
	}
	if err := db.NewRaw(`
		SELECT v.version, v.effective_from, s.key, s.value
		FROM policy_versions v JOIN policy_settings s USING (version)
		WHERE v.version IN (?)`, bun.List(versions)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("load policy versions: %w", err)
	}
	for _, r := range rows {
		p := out[r.Version]
		if p == nil {
			p = &creditdesk.Policy{Version: r.Version, EffectiveFrom: r.EffectiveFrom, Settings: map[string]string{}}
			out[r.Version] = p
		}
		p.Settings[r.Key] = r.Value
	}
	return out, nil
}
