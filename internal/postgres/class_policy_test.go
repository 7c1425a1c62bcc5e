package postgres_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

func (w *classWorld) policies() postgres.PolicyWriteStore {
	return postgres.PolicyWriteStore{DB: w.db, Clock: w.clock()}
}

func setting(k, v string) creditdesk.PolicySetting { return creditdesk.PolicySetting{Key: k, Value: v} }

// TestPolicyVersionsDriveTheClass: today is 2025-06-20; version 2, in force
// from 2025-07-01, lowers class_c_balance to 500,000.00. A customer with
// 600,000.00 open is 乙 as of 2025-06-30 (version 1: below 700,000.00) and
// 丙 by R2 as of 2025-07-01 (version 2), each result naming its version; a
// stored evaluation keeps the version and threshold it used.
func TestPolicyVersionsDriveTheClass(t *testing.T) {
	w := newClassWorld(t)
	w.today = creditdesk.MustParseDate("2025-06-20")
	gm := w.MustCreateUser("gm", creditdesk.RoleGeneralManager, "")
	w.MustCreateCustomer(baseCustomer("P"))
	w.MustInvoice("P-1", "P", "2025-06-01", "2025-07-31", "600000.00")

	p2, err := w.policies().SetPolicy(w.as(gm), creditdesk.PolicyChange{
		EffectiveFrom: creditdesk.MustParseDate("2025-07-01"),
		Settings:      []creditdesk.PolicySetting{setting("class_c_balance", "500000.00")},
		Note:          approvalPtr("USD 70k equivalent"),
	})
	if err != nil {
		t.Fatal(err)
	}
	v1, err := postgres.PolicyStore{DB: w.db}.PolicyAt(w.ctx, creditdesk.MustParseDate("2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if p2.Version != 2 || p2.Settings["class_c_balance"] != "500000.00" || len(p2.Settings) != len(v1.Settings) ||
		p2.Settings["class_c_volume"] != "5000000.00" || v1.Version != 1 {
		t.Fatalf("version 2: %+v", p2)
	}

	before := w.classOf(w.ctx, "P", "2025-06-30")
	if before.PolicyVersion != 1 || before.ComputedClass != "YI" || len(before.FiredRules) != 0 {
		t.Errorf("2025-06-30: version %d class %s rules %v", before.PolicyVersion, before.ComputedClass, ruleNames(before))
	}
	after := w.classOf(w.ctx, "P", "2025-07-01")
	if after.PolicyVersion != 2 || after.ComputedClass != "BING" || !slices.Equal(ruleNames(after), []string{"R2"}) ||
		textOf(after.FiredRules[0].Threshold) != ">= 500000.00" || textOf(after.FiredRules[0].Value) != "600000.00" {
		t.Errorf("2025-07-01: version %d class %s rules %v", after.PolicyVersion, after.ComputedClass, after.FiredRules)
	}

	// Store an evaluation under version 2, then make version 3 for the same
	// day: live answers use 3, the stored one still says 2 and 500,000.00.
	if _, err := postgres.EvaluateCreditClasses(w.ctx, w.db, creditdesk.MustParseDate("2025-07-01")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.policies().SetPolicy(w.as(gm), creditdesk.PolicyChange{
		EffectiveFrom: creditdesk.MustParseDate("2025-07-01"),
		Settings:      []creditdesk.PolicySetting{setting("class_c_balance", "650000")},
	}); err != nil {
		t.Fatal(err)
	}
	if live := w.classOf(w.ctx, "P", "2025-07-01"); live.PolicyVersion != 3 || live.ComputedClass != "YI" {
		t.Errorf("live under version 3: %d %s", live.PolicyVersion, live.ComputedClass)
	}
	h, err := w.classes().CreditClassHistory(w.ctx, "P", creditdesk.Page{First: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Edges[0].Node; got.PolicyVersion != 2 || textOf(got.FiredRules[0].Threshold) != ">= 500000.00" {
		t.Errorf("stored: version %d rules %+v", got.PolicyVersion, got.FiredRules)
	}

	versions, err := w.policies().PolicyVersions(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range versions {
		got = append(got, v.EffectiveFrom.String()+" v"+string(rune('0'+v.Version))+" "+v.CreatedBy.Username+" "+v.Note)
	}
	want := []string{"2025-07-01 v3 gm ", "2025-07-01 v2 gm USD 70k equivalent", "1900-01-01 v1 admin defaults of DOMAIN.md §10"}
	if !slices.Equal(got, want) {
		t.Errorf("versions %q", got)
	}
}

func TestSetPolicyRefusals(t *testing.T) {
	w := newClassWorld(t)
	w.today = creditdesk.MustParseDate("2025-06-20")
	gm := w.MustCreateUser("gm", creditdesk.RoleGeneralManager, "")
	mgr := w.MustCreateUser("mgr", creditdesk.RoleManager, "BJ")
	from := creditdesk.MustParseDate("2025-07-01")
	set := func(s ...creditdesk.PolicySetting) error {
		_, err := w.policies().SetPolicy(w.as(gm), creditdesk.PolicyChange{EffectiveFrom: from, Settings: s})
		return err
	}
	for _, tc := range []struct {
		name     string
		settings []creditdesk.PolicySetting
		field    string
		inMsg    string
	}{
		{"unknown key", []creditdesk.PolicySetting{setting("class_z_balance", "1")}, "class_z_balance", "not a policy setting"},
		{"malformed money", []creditdesk.PolicySetting{setting("class_c_balance", "abc")}, "class_c_balance", `"abc"`},
		{"money with 3 places", []creditdesk.PolicySetting{setting("credit_limit_cap", "1.001")}, "credit_limit_cap", "decimal places"},
		{"negative", []creditdesk.PolicySetting{setting("class_c_volume", "-5")}, "class_c_volume", `"-5"`},
		{"ratio above 1", []creditdesk.PolicySetting{setting("limit_warn_ratio", "1.2")}, "limit_warn_ratio", "at most 1"},
		{"score above 100", []creditdesk.PolicySetting{setting("class_a_min_payment_score", "101")}, "class_a_min_payment_score", "at most 100"},
		{"not a whole number", []creditdesk.PolicySetting{setting("class_c_max_employees", "99.5")}, "class_c_max_employees", "whole number"},
		{"a weight of a metric the type has not", []creditdesk.PolicySetting{setting("weight.EXCLUSIVE.DELIVERY", "10")}, "weight.EXCLUSIVE.DELIVERY", "not a policy setting"},
		{"a time zone that does not exist", []creditdesk.PolicySetting{setting("time_zone", "Mars/Olympus")}, "time_zone", "time zone"},
		{"reward tiers", []creditdesk.PolicySetting{setting("reward.tiers", "1.2=1.5")}, "reward.tiers", "pairs"},
		{"a key twice", []creditdesk.PolicySetting{setting("abc_a", "0.7"), setting("abc_a", "0.6")}, "abc_a", "twice"},
		{"abc_a above abc_b", []creditdesk.PolicySetting{setting("abc_a", "0.96")}, "abc_a", "abc_a (0.96) must not be above abc_b (0.95)"},
		// Named by the setting the change gives, the other one's value as in
		// force.
		{"abc_b below abc_a", []creditdesk.PolicySetting{setting("abc_b", "0.5")}, "abc_b", "abc_a (0.75) must not be above abc_b (0.5)"},
		{"dealer classes crossed", []creditdesk.PolicySetting{setting("dealer_class_a", "60"), setting("dealer_class_b", "70")},
			"dealer_class_b", "dealer_class_b (70) must not be above dealer_class_a (60)"},
		{"no years of limitation", []creditdesk.PolicySetting{setting("limitation_years", "0")}, "limitation_years", "at least 1"},
		{"a count of 7 digits", []creditdesk.PolicySetting{setting("class_c_max_employees", "1000000")}, "class_c_max_employees", "at most 999999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := set(tc.settings...)
			var de *creditdesk.Error
			if !errors.As(err, &de) || de.Code != creditdesk.EINVALID || de.Field != tc.field || !strings.Contains(de.Message, tc.inMsg) {
				t.Errorf("error %v (field %q), want BAD_USER_INPUT on %s mentioning %q", err, fieldOf(err), tc.field, tc.inMsg)
			}
		})
	}
	t.Run("a weight the type has is accepted", func(t *testing.T) {
		if err := set(setting("weight.LOGISTICS.DELIVERY", "15")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("not in the past", func(t *testing.T) {
		_, err := w.policies().SetPolicy(w.as(gm), creditdesk.PolicyChange{EffectiveFrom: creditdesk.MustParseDate("2025-06-19"),
			Settings: []creditdesk.PolicySetting{setting("abc_a", "0.7")}})
		wantErrorCode(t, err, creditdesk.EINVALID)
	})
	t.Run("general manager only", func(t *testing.T) {
		_, err := w.policies().SetPolicy(w.as(mgr), creditdesk.PolicyChange{EffectiveFrom: from,
			Settings: []creditdesk.PolicySetting{setting("abc_a", "0.7")}})
		wantErrorCode(t, err, creditdesk.EFORBIDDEN)
	})
	t.Run("base_currency may change while nothing is posted", func(t *testing.T) {
		if err := set(setting("base_currency", "USD")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("base_currency cannot change once anything is posted", func(t *testing.T) {
		w.MustCreateCustomer(baseCustomer("Q"))
		w.MustInvoice("Q-1", "Q", "2025-06-01", "2025-07-31", "1.00")
		err := set(setting("base_currency", "EUR"))
		var de *creditdesk.Error
		if !errors.As(err, &de) || de.Code != creditdesk.EINVALID || de.Field != "base_currency" || !strings.Contains(de.Message, "posted") {
			t.Errorf("error %v", err)
		}
		// Setting it to the value it has is no change.
		if err := set(setting("base_currency", "USD")); err != nil {
			t.Errorf("unchanged base_currency refused: %v", err)
		}
	})
	var n int
	w.scan(&n, `SELECT count(*) FROM policy_versions`)
	if n != 4 { // v1, the weight, USD, USD again
		t.Errorf("%d policy versions", n)
	}
}

func fieldOf(err error) string {
	var de *creditdesk.Error
	if errors.As(err, &de) {
		return de.Field
	}
	return ""
}

// TestMigratedPolicyPassesItsOwnChecks: every setting the migrations write
// into policy version 1 is one CheckPolicySetting knows and accepts, and
// they agree with each other; so setPolicy and a policy.csv import can
// change any of them, and nothing the policy holds is a value they refuse.
func TestMigratedPolicyPassesItsOwnChecks(t *testing.T) {
	w := newEmptyClassWorld(t)
	p, err := postgres.PolicyStore{DB: w.db}.CurrentPolicy(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 1 || len(p.Settings) < 40 {
		t.Fatalf("policy version %d with %d settings, want version 1 with every setting", p.Version, len(p.Settings))
	}
	for k, v := range p.Settings {
		if known, problem := creditdesk.CheckPolicySetting(k, v); !known || problem != "" {
			t.Errorf("%s = %q: known %v, problem %q", k, v, known, problem)
		}
	}
	if c := creditdesk.CheckPolicyConsistency(p.Settings); c != nil {
		t.Errorf("the migrated settings conflict: %s", c.Problem(p.Settings))
	}
}
