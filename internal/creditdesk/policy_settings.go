package creditdesk

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	// The time zone database is built in: whether time_zone names a zone,
	// and which, does not depend on the machine's own copy.
	_ "time/tzdata"

	"github.com/shopspring/decimal"
)

// The settings of DOMAIN.md §10 and what a value of each must look like.
// Every way a policy version is written (setPolicy, an imported policy.csv)
// checks its values here, so that Policy.Decimal, Policy.Int and the reports
// never meet a value they cannot use.

// settingKind checks one setting's value; it returns what is wrong, or "".
type settingKind func(v string) string

var policyDecimalRE = regexp.MustCompile(`^[0-9]{1,18}(\.[0-9]{1,10})?$`)

func policyDecimal(lo, hi *decimal.Decimal, maxPlaces int32) settingKind {
	return func(v string) string {
		if !policyDecimalRE.MatchString(v) {
			return "not a non-negative decimal in plain notation"
		}
		d := decimal.RequireFromString(v)
		if maxPlaces >= 0 && !d.Equal(d.Round(maxPlaces)) {
			return fmt.Sprintf("has more than %d decimal places", maxPlaces)
		}
		if lo != nil && d.LessThan(*lo) {
			return "must be at least " + lo.String()
		}
		if hi != nil && d.GreaterThan(*hi) {
			return "must be at most " + hi.String()
		}
		return ""
	}
}

// policyMaxInt bounds the whole-number settings (days, years, head counts).
const policyMaxInt = 999_999

var policyIntRE = regexp.MustCompile(`^[0-9]+$`)

func policyInteger(lo int) settingKind {
	return func(v string) string {
		if !policyIntRE.MatchString(v) {
			return "not a whole number"
		}
		n, err := strconv.Atoi(v)
		if err != nil || n > policyMaxInt {
			return fmt.Sprintf("must be at most %d", policyMaxInt)
		}
		if n < lo {
			return fmt.Sprintf("must be at least %d", lo)
		}
		return ""
	}
}

var (
	settingZero    = decimal.Zero
	settingOne     = decimal.NewFromInt(1)
	settingHundred = decimal.NewFromInt(100)
	settingCent    = decimal.New(1, -2)

	settingMoney     = policyDecimal(&settingZero, nil, MoneyScale)
	settingRatio     = policyDecimal(&settingZero, &settingOne, -1)
	settingScore     = policyDecimal(&settingZero, &settingHundred, -1)
	settingRate      = policyDecimal(&settingZero, nil, -1)
	settingWeight    = policyDecimal(&settingZero, nil, -1)
	settingCount     = policyInteger(0)
	policyCurrencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	policyTiersRE    = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?:[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?:[0-9]+(\.[0-9]+)?)*$`)
)

// policyKeys are the settings but the dealer weights, which
// CheckPolicySetting recognises by their type and metric.
var policyKeys = map[string]settingKind{
	"base_currency": func(v string) string {
		if !policyCurrencyRE.MatchString(v) {
			return "not an ISO 4217 currency code (three capital letters)"
		}
		return ""
	},
	"payment_terms_days":        settingCount,
	"limit_warn_ratio":          settingRatio,
	"credit_limit_cap":          settingMoney,
	"collection_days":           settingCount,
	"note_max_days":             settingCount,
	"note_monthly_rate":         settingRate,
	"note_present_days":         settingCount,
	"limitation_years":          policyInteger(1),
	"abc_a":                     settingRatio,
	"abc_b":                     settingRatio,
	"dealer_class_a":            settingScore,
	"dealer_class_b":            settingScore,
	"class_a_min_capital":       settingMoney,
	"class_a_min_employees":     settingCount,
	"class_a_min_payment_score": settingScore,
	"class_a_min_years_founded": settingCount,
	"class_a_min_years_trading": settingCount,
	"class_c_balance":           settingMoney,
	"class_c_volume":            settingMoney,
	"class_c_max_employees":     settingCount,
	"class_c_new_years":         settingCount,
	"default_overdue_days":      settingCount,
	"default_window_days":       policyInteger(1),
	"reward.tiers": func(v string) string {
		if !policyTiersRE.MatchString(v) {
			return `not a list of attainment:multiplier pairs such as "1.20:1.5,1.00:1.0,0.80:0.5"`
		}
		return ""
	},
	"reward.unit": policyDecimal(&settingCent, nil, -1),
	"time_zone": func(v string) string {
		if _, err := time.LoadLocation(v); err != nil || v == "" || v == "Local" {
			return "not an IANA time zone such as Asia/Shanghai"
		}
		return ""
	},
}

// CheckPolicySetting reports whether key is a setting of DOMAIN.md §10 (a
// dealer weight weight.<TYPE>.<METRIC> only for a metric the type is rated
// on) and, if it is, what is wrong with value: "" when nothing is.
func CheckPolicySetting(key, value string) (known bool, problem string) {
	if kind, ok := policyKeys[key]; ok {
		return true, kind(value)
	}
	if parts := strings.Split(key, "."); len(parts) == 3 && parts[0] == "weight" &&
		slices.Contains(DealerMetricsOf(DealerType(parts[1])), DealerMetric(parts[2])) {
		return true, settingWeight(value)
	}
	return false, ""
}

// PolicyConflict is a rule tying two settings together that a policy
// breaks: Low is above High.
type PolicyConflict struct{ Low, High string }

// Problem says what is wrong, naming both settings and their values in s.
func (c *PolicyConflict) Problem(s map[string]string) string {
	return fmt.Sprintf("%s (%s) must not be above %s (%s)", c.Low, s[c.Low], c.High, s[c.High])
}

// policyOrders are the settings that must not exceed another: the ABC
// thresholds (DOMAIN.md §5) and the dealer class thresholds (§6).
var policyOrders = []PolicyConflict{{"abc_a", "abc_b"}, {"dealer_class_b", "dealer_class_a"}}

// CheckPolicyConsistency returns the first rule tying settings together
// that the whole snapshot s breaks, nil if none; its values have passed
// CheckPolicySetting.
func CheckPolicyConsistency(s map[string]string) *PolicyConflict {
	for _, o := range policyOrders {
		if decimal.RequireFromString(s[o.Low]).GreaterThan(decimal.RequireFromString(s[o.High])) {
			return &o
		}
	}
	return nil
}
