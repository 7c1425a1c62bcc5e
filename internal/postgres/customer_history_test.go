package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// histDesk is a customer archive of office BJ with rep rep1 and manager
// mgr, and the store under test on the frozen clock (2025-06-30).
type histDesk struct {
	*deskFixture
	store    postgres.CustomerStore
	bj, rep1 int64
	// asRep acts as rep1, the sales rep responsible for every customer.
	asRep context.Context
}

func histNewDesk(t *testing.T) *histDesk {
	f := newDeskFixture(t)
	d := &histDesk{deskFixture: f, store: postgres.CustomerStore{DB: f.db, Clock: frozenClock}}
	d.bj = f.office("BJ")
	d.rep1 = f.user("rep1", creditdesk.RoleSalesRep, &d.bj)
	f.user("mgr", creditdesk.RoleManager, &d.bj)
	d.asRep = creditdesk.WithActor(f.ctx, &creditdesk.User{ID: d.rep1, Username: "rep1", Role: creditdesk.RoleSalesRep,
		OfficeID: &d.bj})
	return d
}

// histCustomer adds customer code of BJ, rep rep1, with its archive filled
// in and no history:
//
//	short name 西湖, website http://xihu.example, founded 2015-10-26,
//	trading since 2019-03-01, 120 employees of whom 12 managers, registered
//	capital 2,000,000.00, requested limit 500,000.00, guarantees contract
//	and mortgage, required share 0.02.
func (d *histDesk) histCustomer(code string) int64 {
	d.t.Helper()
	id := d.customer(customerRow{Code: code, OfficeID: d.bj, RepID: &d.rep1, RegisteredCapital: ptr("2000000.00"),
		ShortName: ptr("西湖")})
	d.exec(`UPDATE customers SET website = 'http://xihu.example', founded_on = '2015-10-26', first_trade_on = '2019-03-01',
		employees = 120, managers = 12, requested_limit = 500000.00, guarantees = '{CONTRACT,MORTGAGE}',
		required_share = 0.02 WHERE id = ?`, id)
	return id
}

// histColumns are the customer's archive columns as PostgreSQL writes them,
// ∅ for NULL.
func (d *histDesk) histColumns(id int64) map[string]string {
	d.t.Helper()
	var raw string
	if err := d.db.NewRaw(`SELECT json_build_object(
			'short_name', short_name, 'website', website, 'founded_on', founded_on::text,
			'first_trade_on', first_trade_on::text, 'employees', employees::text, 'managers', managers::text,
			'registered_capital', registered_capital::text, 'requested_limit', requested_limit::text,
			'guarantees', guarantees::text, 'required_share', required_share::text,
			'rep', (SELECT username FROM users WHERE id = rep_id), 'rep_assigned_on', rep_assigned_on::text)::text
		FROM customers WHERE id = ?`, id).Scan(d.ctx, &raw); err != nil {
		d.t.Fatal(err)
	}
	var m map[string]*string
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		d.t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range m {
		out[k] = "∅"
		if v != nil {
			out[k] = *v
		}
	}
	return out
}

// histWantColumns checks the named columns of the customer.
func (d *histDesk) histWantColumns(t *testing.T, id int64, want map[string]string) {
	t.Helper()
	got := d.histColumns(id)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("column %s = %s, want %s", k, got[k], v)
		}
	}
}

// histUpdate runs the update and returns the history rows it wrote, as
// fmtHistory writes them.
func (d *histDesk) histUpdate(t *testing.T, ctx context.Context, id int64, code string, upd creditdesk.CustomerUpdate) string {
	t.Helper()
	before := len(d.history(id))
	if _, err := d.store.UpdateCustomer(ctx, code, upd); err != nil {
		t.Fatalf("update %s: %v", code, err)
	}
	return fmtHistory(d.history(id)[before:])
}

// histUnchanged runs an update whose values are all the current ones and
// checks that it writes nothing: no history row, no column changed.
func (d *histDesk) histUnchanged(t *testing.T, id int64, code string, upd creditdesk.CustomerUpdate) {
	t.Helper()
	before, cols := d.counts(), d.histColumns(id)
	if got := d.histUpdate(t, d.ctx, id, code, upd); got != "" {
		t.Errorf("history rows for an update that changes nothing:\n%s", got)
	}
	d.assertUnchanged(before)
	d.histWantColumns(t, id, cols)
}

// histShare is a required share as an update sends it.
func histShare(s string) *creditdesk.Ratio { return &creditdesk.Ratio{Decimal: amountOf(s)} }

func TestCustomerHistoryDates(t *testing.T) {
	d := histNewDesk(t)
	id := d.histCustomer("KD")

	t.Run("the current dates are no change", func(t *testing.T) {
		d.histUnchanged(t, id, "KD", creditdesk.CustomerUpdate{FoundedOn: asOfDate("2015-10-26"),
			FirstTradeOn: asOfDate("2019-03-01"), Reason: "核对营业执照"})
	})
	t.Run("a new founding date", func(t *testing.T) {
		got := d.histUpdate(t, d.ctx, id, "KD", creditdesk.CustomerUpdate{FoundedOn: asOfDate("2016-01-05"),
			FirstTradeOn: asOfDate("2019-03-01"), Reason: "  营业执照更正 ", ApprovedBy: ptr("mgr")})
		want := "foundedOn: 2015-10-26 → 2016-01-05 (营业执照更正; by admin, approved mgr)\n"
		if got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		d.histWantColumns(t, id, map[string]string{"founded_on": "2016-01-05", "first_trade_on": "2019-03-01"})
	})
	t.Run("a new first trade date, by the rep", func(t *testing.T) {
		got := d.histUpdate(t, d.asRep, id, "KD", creditdesk.CustomerUpdate{FirstTradeOn: asOfDate("2018-12-31"),
			Reason: "首笔交易日期更正"})
		want := "firstTradeOn: 2019-03-01 → 2018-12-31 (首笔交易日期更正; by rep1, approved ∅)\n"
		if got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		d.histWantColumns(t, id, map[string]string{"founded_on": "2016-01-05", "first_trade_on": "2018-12-31"})
	})
}

func TestCustomerHistoryRequiredShare(t *testing.T) {
	d := histNewDesk(t)
	id := d.histCustomer("KS")

	// required_share is numeric(12,8): 0.02 is stored 0.02000000, and any
	// spelling of it is the same share.
	for _, same := range []string{"0.020", "0.02", "0.02000000"} {
		t.Run(same+" is no change", func(t *testing.T) {
			d.histUnchanged(t, id, "KS", creditdesk.CustomerUpdate{RequiredShare: histShare(same), Reason: "复核"})
		})
	}
	steps := []struct{ share, want, stored string }{
		{"0.025", "requiredShare: 0.02 → 0.025 (季度目标调整; by admin, approved mgr)\n", "0.02500000"},
		{"0.12345678", "requiredShare: 0.025 → 0.12345678 (季度目标调整; by admin, approved mgr)\n", "0.12345678"},
		// Zero is a share like any other, not "no share".
		{"0", "requiredShare: 0.12345678 → 0 (季度目标调整; by admin, approved mgr)\n", "0.00000000"},
		{"1.000", "requiredShare: 0 → 1 (季度目标调整; by admin, approved mgr)\n", "1.00000000"},
	}
	for _, s := range steps {
		t.Run("to "+s.share, func(t *testing.T) {
			got := d.histUpdate(t, d.ctx, id, "KS", creditdesk.CustomerUpdate{RequiredShare: histShare(s.share),
				Reason: "季度目标调整", ApprovedBy: ptr("mgr")})
			if got != s.want {
				t.Errorf("history:\n%s\nwant:\n%s", got, s.want)
			}
			d.histWantColumns(t, id, map[string]string{"required_share": s.stored})
		})
	}
	t.Run("1 again is no change", func(t *testing.T) {
		d.histUnchanged(t, id, "KS", creditdesk.CustomerUpdate{RequiredShare: histShare("1"), Reason: "复核"})
	})
}

func TestCustomerHistoryGuarantees(t *testing.T) {
	d := histNewDesk(t)
	id := d.histCustomer("KG")
	// g lists guarantees; none is the empty set (as GraphQL's [] arrives),
	// not nil (not given).
	g := func(gs ...creditdesk.Guarantee) []creditdesk.Guarantee {
		return append([]creditdesk.Guarantee{}, gs...)
	}

	t.Run("the same set in another order is no change", func(t *testing.T) {
		d.histUnchanged(t, id, "KG", creditdesk.CustomerUpdate{
			Guarantees: g(creditdesk.GuaranteeMortgage, creditdesk.GuaranteeContract), Reason: "复核担保"})
	})
	t.Run("a guarantee listed twice is refused", func(t *testing.T) {
		// The archive refuses a repeat rather than reading the list as a
		// set, as CreateCustomer does (checkGuarantees).
		before, cols := d.counts(), d.histColumns(id)
		_, err := d.store.UpdateCustomer(d.ctx, "KG", creditdesk.CustomerUpdate{Guarantees: g(creditdesk.GuaranteeContract,
			creditdesk.GuaranteeMortgage, creditdesk.GuaranteeContract), Reason: "复核担保"})
		de := wantCode(t, err, creditdesk.EINVALID)
		if want := `guarantees[2]: "CONTRACT": `; de.Field != "guarantees[2]" || !strings.HasPrefix(de.Message, want) {
			t.Errorf("field %q, message %q; want guarantees[2] and a message opening %q", de.Field, de.Message, want)
		}
		d.assertUnchanged(before)
		d.histWantColumns(t, id, cols)
	})
	t.Run("another set is one row, both sides in a fixed order", func(t *testing.T) {
		got := d.histUpdate(t, d.ctx, id, "KG", creditdesk.CustomerUpdate{Guarantees: g(creditdesk.GuaranteePersonalGuarantee,
			creditdesk.GuaranteeJointGuarantee, creditdesk.GuaranteeContract), Reason: "新增担保", ApprovedBy: ptr("mgr")})
		want := "guarantees: CONTRACT,MORTGAGE → CONTRACT,JOINT_GUARANTEE,PERSONAL_GUARANTEE (新增担保; by admin, approved mgr)\n"
		if got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		d.histWantColumns(t, id, map[string]string{"guarantees": "{CONTRACT,JOINT_GUARANTEE,PERSONAL_GUARANTEE}"})
	})
	t.Run("the empty set clears them", func(t *testing.T) {
		h := d.history(id)
		before := len(h)
		if _, err := d.store.UpdateCustomer(d.asRep, "KG", creditdesk.CustomerUpdate{Guarantees: g(), Reason: "担保解除"}); err != nil {
			t.Fatal(err)
		}
		rows := d.history(id)[before:]
		// The empty set is written as an empty value, as a customer
		// created without guarantees would show it.
		if len(rows) != 1 || rows[0].Field != "guarantees" || rows[0].OldValue == nil ||
			*rows[0].OldValue != "CONTRACT,JOINT_GUARANTEE,PERSONAL_GUARANTEE" || rows[0].NewValue == nil ||
			*rows[0].NewValue != "" || rows[0].Reason != "担保解除" || rows[0].ChangedBy != "rep1" || rows[0].ApprovedBy != nil {
			t.Errorf("history:\n%s\nwant one row guarantees: CONTRACT,JOINT_GUARANTEE,PERSONAL_GUARANTEE → \"\" (担保解除; by rep1)",
				fmtHistory(rows))
		}
		d.histWantColumns(t, id, map[string]string{"guarantees": "{}"})
	})
	t.Run("the empty set again is no change", func(t *testing.T) {
		d.histUnchanged(t, id, "KG", creditdesk.CustomerUpdate{Guarantees: g(), Reason: "复核担保"})
	})
}

func TestCustomerHistoryCountsAndMoney(t *testing.T) {
	d := histNewDesk(t)
	id := d.histCustomer("KN")

	t.Run("the current figures are no change", func(t *testing.T) {
		d.histUnchanged(t, id, "KN", creditdesk.CustomerUpdate{Employees: ptr(120), Managers: ptr(12),
			RegisteredCapital: ptr(money("2000000")), RequestedLimit: ptr(money("500000.0")), Reason: "年报核对"})
	})
	t.Run("employees", func(t *testing.T) {
		got := d.histUpdate(t, d.ctx, id, "KN", creditdesk.CustomerUpdate{Employees: ptr(150), Managers: ptr(12),
			Reason: "年报"})
		if want := "employees: 120 → 150 (年报; by admin, approved ∅)\n"; got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		d.histWantColumns(t, id, map[string]string{"employees": "150", "managers": "12"})
	})
	t.Run("no managers left is a value, not a blank", func(t *testing.T) {
		got := d.histUpdate(t, d.asRep, id, "KN", creditdesk.CustomerUpdate{Managers: ptr(0), Reason: "管理层离职"})
		if want := "managers: 12 → 0 (管理层离职; by rep1, approved ∅)\n"; got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		d.histWantColumns(t, id, map[string]string{"employees": "150", "managers": "0"})
	})
	t.Run("registered capital, at 2 places", func(t *testing.T) {
		got := d.histUpdate(t, d.ctx, id, "KN", creditdesk.CustomerUpdate{RegisteredCapital: ptr(money("2000000.5")),
			Reason: "增资", ApprovedBy: ptr("mgr")})
		if want := "registeredCapital: 2000000.00 → 2000000.50 (增资; by admin, approved mgr)\n"; got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		d.histWantColumns(t, id, map[string]string{"registered_capital": "2000000.50"})
	})
	t.Run("a requested limit of zero", func(t *testing.T) {
		got := d.histUpdate(t, d.ctx, id, "KN", creditdesk.CustomerUpdate{RequestedLimit: ptr(money("0")), Reason: "客户撤回申请"})
		if want := "requestedLimit: 500000.00 → 0.00 (客户撤回申请; by admin, approved ∅)\n"; got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		d.histWantColumns(t, id, map[string]string{"requested_limit": "0.00"})
	})
	t.Run("zero again is no change", func(t *testing.T) {
		d.histUnchanged(t, id, "KN", creditdesk.CustomerUpdate{RequestedLimit: ptr(money("0.00")), Managers: ptr(0),
			Reason: "复核"})
	})
}

func TestCustomerHistoryClearing(t *testing.T) {
	d := histNewDesk(t)
	id := d.histCustomer("KC")

	t.Run("blank texts and no rep clear them", func(t *testing.T) {
		got := d.histUpdate(t, d.ctx, id, "KC", creditdesk.CustomerUpdate{ShortName: ptr(""), Website: ptr("   "),
			RepUsername: ptr(""), Reason: "资料清理", ApprovedBy: ptr("mgr")})
		want := "shortName: 西湖 → ∅ (资料清理; by admin, approved mgr)\n" +
			"website: http://xihu.example → ∅ (资料清理; by admin, approved mgr)\n" +
			"repUsername: rep1 → ∅ (资料清理; by admin, approved mgr)\n"
		if got != want {
			t.Errorf("history:\n%s\nwant:\n%s", got, want)
		}
		d.histWantColumns(t, id, map[string]string{"short_name": "∅", "website": "∅", "rep": "∅", "rep_assigned_on": "∅",
			"founded_on": "2015-10-26", "registered_capital": "2000000.00"})
	})
	t.Run("clearing what is clear is no change", func(t *testing.T) {
		d.histUnchanged(t, id, "KC", creditdesk.CustomerUpdate{ShortName: ptr(" "), Website: ptr(""), RepUsername: ptr(""),
			Reason: "资料清理"})
	})
}

func TestCustomerHistoryOneRowPerChangedField(t *testing.T) {
	d := histNewDesk(t)
	id := d.histCustomer("KA")
	// Employees, guarantees (in another order) and the first trade date
	// are given with their current values; the six others change. The rows
	// follow the order of the fields in the schema's CustomerUpdate.
	got := d.histUpdate(t, d.asRep, id, "KA", creditdesk.CustomerUpdate{
		ShortName:         ptr("西湖电器"),
		FoundedOn:         asOfDate("2014-05-20"),
		RegisteredCapital: ptr(money("2500000")),
		Employees:         ptr(120),
		Managers:          ptr(15),
		RequestedLimit:    ptr(money("800000.00")),
		Guarantees:        []creditdesk.Guarantee{creditdesk.GuaranteeMortgage, creditdesk.GuaranteeContract},
		RequiredShare:     histShare("0.030"),
		FirstTradeOn:      asOfDate("2019-03-01"),
		Reason:            "年度复核",
		ApprovedBy:        ptr("mgr"),
	})
	var want string
	for _, r := range []string{
		"shortName: 西湖 → 西湖电器",
		"foundedOn: 2015-10-26 → 2014-05-20",
		"registeredCapital: 2000000.00 → 2500000.00",
		"managers: 12 → 15",
		"requestedLimit: 500000.00 → 800000.00",
		"requiredShare: 0.02 → 0.03",
	} {
		want += fmt.Sprintf("%s (年度复核; by rep1, approved mgr)\n", r)
	}
	if got != want {
		t.Errorf("history:\n%s\nwant:\n%s", got, want)
	}
	d.histWantColumns(t, id, map[string]string{"short_name": "西湖电器", "founded_on": "2014-05-20",
		"registered_capital": "2500000.00", "employees": "120", "managers": "15", "requested_limit": "800000.00",
		"guarantees": "{CONTRACT,MORTGAGE}", "required_share": "0.03000000", "first_trade_on": "2019-03-01", "rep": "rep1"})
}
