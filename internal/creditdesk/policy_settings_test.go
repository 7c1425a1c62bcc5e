package creditdesk_test

import (
	"testing"

	"creditdesk/internal/creditdesk"
)

func TestCheckPolicySetting(t *testing.T) {
	for _, tc := range []struct {
		key, value string
		known      bool
		problem    string
	}{
		{"limit_warn_ratio", "0.9", true, ""},
		{"limit_warn_ratio", "1", true, ""},
		{"limit_warn_ratio", "1.0000000001", true, "must be at most 1"},
		{"limit_warn_ratio", ".9", true, "not a non-negative decimal in plain notation"},
		{"credit_limit_cap", "5000000.00", true, ""},
		{"credit_limit_cap", "5000000.001", true, "has more than 2 decimal places"},
		{"class_a_min_payment_score", "100", true, ""},
		{"class_a_min_payment_score", "100.01", true, "must be at most 100"},
		{"payment_terms_days", "0", true, ""},
		{"payment_terms_days", "999999", true, ""},
		{"payment_terms_days", "1000000", true, "must be at most 999999"},
		{"payment_terms_days", "99999999999999999999", true, "must be at most 999999"},
		{"payment_terms_days", "30.0", true, "not a whole number"},
		{"payment_terms_days", "-1", true, "not a whole number"},
		{"limitation_years", "0", true, "must be at least 1"},
		{"default_window_days", "1", true, ""},
		{"reward.unit", "0.01", true, ""},
		{"reward.unit", "0.001", true, "must be at least 0.01"},
		{"reward.tiers", "1.20:1.5,1.00:1.0", true, ""},
		{"reward.tiers", "1.20:1.5;1.00:1.0", true, `not a list of attainment:multiplier pairs such as "1.20:1.5,1.00:1.0,0.80:0.5"`},
		{"base_currency", "USD", true, ""},
		{"base_currency", "usd", true, "not an ISO 4217 currency code (three capital letters)"},
		{"time_zone", "Asia/Shanghai", true, ""},
		{"time_zone", "Local", true, "not an IANA time zone such as Asia/Shanghai"},
		{"time_zone", "", true, "not an IANA time zone such as Asia/Shanghai"},
		// Dealer weights exist for the metrics the type is rated on
		// (DOMAIN.md §6): logistics dealers on delivery, exclusive ones not.
		{"weight.LOGISTICS.DELIVERY", "12.5", true, ""},
		{"weight.EXCLUSIVE.DELIVERY", "10", false, ""},
		{"weight.EXCLUSIVE.PRICE", "-1", true, "not a non-negative decimal in plain notation"},
		{"weight.EXCLUSIVE", "10", false, ""},
		{"grace_days", "5", false, ""},
	} {
		known, problem := creditdesk.CheckPolicySetting(tc.key, tc.value)
		if known != tc.known || problem != tc.problem {
			t.Errorf("%s = %q: known %v, problem %q; want %v, %q", tc.key, tc.value, known, problem, tc.known, tc.problem)
		}
	}
}

func TestCheckPolicyConsistency(t *testing.T) {
	s := map[string]string{"abc_a": "0.75", "abc_b": "0.95", "dealer_class_a": "80", "dealer_class_b": "60"}
	if c := creditdesk.CheckPolicyConsistency(s); c != nil {
		t.Fatalf("the default thresholds conflict: %+v", c)
	}
	// Equal thresholds are allowed: class B is then empty.
	s["abc_a"], s["dealer_class_b"] = "0.95", "80"
	if c := creditdesk.CheckPolicyConsistency(s); c != nil {
		t.Fatalf("equal thresholds conflict: %+v", c)
	}
	s["abc_a"] = "0.950001"
	c := creditdesk.CheckPolicyConsistency(s)
	if c == nil || c.Low != "abc_a" || c.High != "abc_b" || c.Problem(s) != "abc_a (0.950001) must not be above abc_b (0.95)" {
		t.Fatalf("abc_a above abc_b: %+v", c)
	}
	s["abc_a"], s["dealer_class_b"] = "0.75", "80.5"
	c = creditdesk.CheckPolicyConsistency(s)
	if c == nil || c.Problem(s) != "dealer_class_b (80.5) must not be above dealer_class_a (80)" {
		t.Fatalf("dealer_class_b above dealer_class_a: %+v", c)
	}
}
