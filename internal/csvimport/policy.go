package csvimport

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"creditdesk/internal/creditdesk"
)

// policyBase is the version a policy.csv starts from: the one in force
// today. Not the newest version: a version setPolicy made to take effect
// next month must not reach back into history through the import's.
func policyBase(im *importer) string {
	return fmt.Sprintf(`(SELECT version FROM policy_versions WHERE effective_from <= %s::date
ORDER BY effective_from DESC, version DESC LIMIT 1)`, sqlString(im.today))
}

// policyFile creates a new policy version: a copy of the settings in force
// today (policyBase) with the file's keys overridden (a version is a whole
// snapshot, DOMAIN.md §10). It is effective from 1900-01-01: an imported
// policy governs all of history, except the dates from which a version
// with a later effective_from is in force.
var policyFile = &fileSpec{
	name:    "policy.csv",
	key:     []string{"key"},
	columns: []column{text("key").req(), text("value").req()},
	// A value is checked as setPolicy checks it (ranges, decimal places,
	// time zones Go can load). A key DOMAIN.md §10 does not list is left to
	// the rules: the keys of the version in force today decide what is
	// unknown.
	record: func(get func(string) string) (string, string) {
		key, value := get("key"), get("value")
		if known, what := creditdesk.CheckPolicySetting(key, value); known && what != "" {
			return "value", fmt.Sprintf("%s is not a valid %s: %s", value, key, what)
		}
		return "", ""
	},
	rules: func(im *importer) (string, []check) {
		cur := "(SELECT key, value FROM policy_settings WHERE version = " + policyBase(im) + ")"
		return "stage_policy s LEFT JOIN " + cur + " cur ON cur.key = s.key",
			[]check{
				{column: "key", cond: "cur.key IS NULL", value: "s.key",
					msg: "unknown policy key %[1]s (the keys are the settings of DOMAIN.md §10)"},
				duplicate("key", "s.key"),
				// DOMAIN.md §10: every posted amount has its base value in the
				// base currency; changing it afterwards would revalue history.
				{column: "value", value: "s.value", info: "cur.value",
					cond: `s.key = 'base_currency' AND s.value <> cur.value AND (EXISTS (SELECT 1 FROM invoices)
					OR EXISTS (SELECT 1 FROM sales_lines) OR EXISTS (SELECT 1 FROM payments) OR EXISTS (SELECT 1 FROM notes))`,
					msg: "base_currency cannot change from %[2]s to %[1]s once anything has been posted"},
			}
	},
	load: func(im *importer) error {
		// As setPolicy: the policy is the general manager's to change.
		if im.userRole != creditdesk.RoleGeneralManager {
			return &LineError{File: "policy.csv", Problem: fmt.Sprintf(
				"only a GENERAL_MANAGER may change the policy; the importing user %s is a %s", im.opts.ImportedBy, im.userRole)}
		}
		var base, prev int
		if err := im.conn.QueryRow(im.ctx, "SELECT "+policyBase(im)+", (SELECT max(version) FROM policy_versions)").
			Scan(&base, &prev); err != nil {
			return err
		}
		if err := im.exec(`
INSERT INTO policy_versions (version, effective_from, created_by, note)
VALUES ($1, DATE '1900-01-01', $2, $3)`, prev+1, im.user, fmt.Sprintf("policy.csv of import batch %d", im.batch)); err != nil {
			return err
		}
		if err := im.exec(`
INSERT INTO policy_settings (version, key, value)
SELECT $1, c.key, coalesce(s.value, c.value)
FROM policy_settings c LEFT JOIN stage_policy s ON s.key = c.key
WHERE c.version = $2
ORDER BY c.key`, prev+1, base); err != nil {
			return err
		}
		return im.checkPolicyConsistency(prev + 1)
	},
}

// checkPolicyConsistency checks the rules that tie settings together over
// the whole new version, as setPolicy does. A broken one is reported at the
// line of policy.csv that broke it: the later of the two settings' lines
// when the file gives both.
func (im *importer) checkPolicyConsistency(version int) error {
	rows, err := im.conn.Query(im.ctx, `
SELECT c.key, c.value, coalesce(s.line, 0)
FROM policy_settings c LEFT JOIN stage_policy s ON s.key = c.key
WHERE c.version = $1`, version)
	if err != nil {
		return err
	}
	settings, lines := map[string]string{}, map[string]int64{}
	var key, value string
	var line int64
	if _, err := pgx.ForEachRow(rows, []any{&key, &value, &line}, func() error {
		settings[key], lines[key] = value, line
		return nil
	}); err != nil {
		return fmt.Errorf("policy.csv: read version %d: %w", version, err)
	}
	c := creditdesk.CheckPolicyConsistency(settings)
	if c == nil {
		return nil
	}
	at := c.Low
	if lines[c.High] > lines[at] {
		at = c.High
	}
	e := &LineError{File: "policy.csv", Line: int(lines[at]), Problem: c.Problem(settings)}
	if e.Line > 0 {
		e.Column, e.Value = "value", settings[at]
	}
	return e
}
