package csvimport

import (
	"fmt"
	"strings"
)

// Policy keys of DOMAIN.md §10 by the shape of their value. Keys that the
// latest version has but that are not listed here (added by a later
// migration) are accepted with any non-empty value.
var (
	policyWholeKeys = []string{"payment_terms_days", "collection_days", "note_max_days", "note_present_days",
		"limitation_years", "class_a_min_employees", "class_a_min_years_founded", "class_a_min_years_trading",
		"class_c_max_employees", "class_c_new_years", "default_overdue_days", "default_window_days"}
	policyDecimalKeys = []string{"limit_warn_ratio", "credit_limit_cap", "note_monthly_rate", "abc_a", "abc_b",
		"dealer_class_a", "dealer_class_b", "class_a_min_capital", "class_a_min_payment_score",
		"class_c_balance", "class_c_volume", "reward.unit"}
)

func sqlList(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = sqlString(k)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// latestPolicy is the key/value settings of the newest policy version.
const latestPolicy = "(SELECT key, value FROM policy_settings WHERE version = (SELECT max(version) FROM policy_versions))"

// policyFile creates a new policy version: a copy of the latest version's
// settings with the file's keys overridden (a version is a whole snapshot,
// DOMAIN.md §10). It is effective from 1900-01-01: an imported policy
// governs all of history, except the dates from which a version with a
// later effective_from is in force.
var policyFile = &fileSpec{
	name:    "policy.csv",
	key:     []string{"key"},
	columns: []column{text("key").req(), text("value").req()},
	rules: func(im *importer) (string, []check) {
		return "stage_policy s LEFT JOIN " + latestPolicy + " cur ON cur.key = s.key",
			[]check{
				{column: "key", cond: "cur.key IS NULL", value: "s.key",
					msg: "unknown policy key %[1]s (the keys are the settings of DOMAIN.md §10)"},
				duplicate("key", "s.key"),
				{column: "value", cond: "s.key = 'base_currency' AND NOT (length(s.value) = 3 AND translate(s.value, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '') = '')",
					value: "s.value", msg: "%[1]s is not a currency code (three capital letters, ISO 4217)"},
				{column: "value", cond: "s.key IN " + sqlList(policyWholeKeys) + " AND s.value !~ '^[0-9]{1,9}$'",
					value: "s.value", info: "s.key", msg: "%[1]s is not a whole number of %[2]s"},
				{column: "value", cond: "(s.key IN " + sqlList(policyDecimalKeys) + " OR s.key LIKE 'weight.%') AND s.value !~ '^[0-9]{1,18}(\\.[0-9]+)?$'",
					value: "s.value", info: "s.key", msg: "%[1]s is not a non-negative decimal for %[2]s"},
				{column: "value", cond: `s.key = 'reward.tiers' AND s.value !~ '^[0-9]+(\.[0-9]+)?:[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?:[0-9]+(\.[0-9]+)?)*$'`,
					value: "s.value", msg: "%[1]s is not a list of attainment:multiplier tiers (e.g. 1.20:1.5,1.00:1.0)"},
				{column: "value", cond: "s.key = 'time_zone' AND NOT EXISTS (SELECT 1 FROM pg_timezone_names z WHERE z.name = s.value)",
					value: "s.value", msg: "%[1]s is not a time zone name (e.g. Asia/Shanghai)"},
				// DOMAIN.md §10: every posted amount has its base value in the
				// base currency; changing it afterwards would revalue history.
				{column: "value", value: "s.value", info: "cur.value",
					cond: `s.key = 'base_currency' AND s.value <> cur.value AND (EXISTS (SELECT 1 FROM invoices)
					OR EXISTS (SELECT 1 FROM sales_lines) OR EXISTS (SELECT 1 FROM payments) OR EXISTS (SELECT 1 FROM notes))`,
					msg: "base_currency cannot change from %[2]s to %[1]s once anything has been posted"},
			}
	},
	load: func(im *importer) error {
		var prev int
		if err := im.conn.QueryRow(im.ctx, "SELECT max(version) FROM policy_versions").Scan(&prev); err != nil {
			return err
		}
		if err := im.exec(`
INSERT INTO policy_versions (version, effective_from, created_by, note)
VALUES ($1, DATE '1900-01-01', $2, $3)`, prev+1, im.user, fmt.Sprintf("policy.csv of import batch %d", im.batch)); err != nil {
			return err
		}
		return im.exec(`
INSERT INTO policy_settings (version, key, value)
SELECT $1, c.key, coalesce(s.value, c.value)
FROM policy_settings c LEFT JOIN stage_policy s ON s.key = c.key
WHERE c.version = $2
ORDER BY c.key`, prev+1, prev)
	},
}
