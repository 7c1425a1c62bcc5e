package csvimport

import (
	"context"
	"testing"

	"creditdesk/internal/pgtest"
)

// policy.csv makes a new version: a copy of the latest with the given keys
// overridden, in force from 1900-01-01, and the rest of the same import
// already uses it (the due date default of payment_terms_days).
func TestPolicyImport(t *testing.T) {
	db := pgtest.New(t)
	mustImport(t, db, writeDir(t, files(masterFiles, map[string]string{
		"policy.csv": `
			key,value
			payment_terms_days,30
			limit_warn_ratio,0.85
			`,
		"invoices.csv": `
			number,customer_code,ship_date,amount
			I1,K1,2024-01-10,1000.00
			`,
	})))
	for _, c := range []struct{ what, query, want string }{
		{"version", "SELECT max(version) || ' ' || max(effective_from) FILTER (WHERE version = 2) FROM policy_versions", "2 1900-01-01"},
		{"overridden", "SELECT string_agg(key || '=' || value, ', ' ORDER BY key) FROM policy_settings WHERE version = 2 AND key IN ('payment_terms_days', 'limit_warn_ratio', 'base_currency')",
			"base_currency=CNY, limit_warn_ratio=0.85, payment_terms_days=30"},
		// Every key of version 1 is copied: a version is a whole snapshot.
		{"snapshot", "SELECT ((SELECT count(*) FROM policy_settings WHERE version = 2) = (SELECT count(*) FROM policy_settings WHERE version = 1))::text", "true"},
		// 2024-01-10 + 30 days.
		{"due date", "SELECT due_date::text FROM invoices WHERE number = 'I1'", "2024-02-09"},
	} {
		if got := queryString(t, db, c.query); got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, got, c.want)
		}
	}

	// Before anything is posted the base currency may still change.
	fresh := pgtest.New(t)
	mustImport(t, fresh, writeDir(t, map[string]string{"policy.csv": "key,value\nbase_currency,USD\n"}))
	if got := queryString(t, fresh, "SELECT value FROM policy_settings WHERE key = 'base_currency' AND version = 2"); got != "USD" {
		t.Errorf("base currency before posting: %s", got)
	}
}

func TestImportRefusals(t *testing.T) {
	db := pgtest.New(t)
	before := tableCounts(t, db)
	_, err := ImportDir(context.Background(), db, Options{Dir: writeDir(t, masterFiles), ImportedBy: "nobody"})
	if err == nil || err.Error() != `import: the importing user "nobody" does not exist` {
		t.Errorf("unknown importing user: %v", err)
	}
	empty := t.TempDir()
	_, err = ImportDir(context.Background(), db, Options{Dir: empty})
	if err == nil || err.Error() != "import: "+empty+" holds none of the import files (policy.csv, offices.csv, users.csv, products.csv, customers.csv, invoices.csv, sales_lines.csv, payments.csv, allocations.csv, notes.csv, note_allocations.csv, writeoffs.csv, targets.csv, inventory.csv, visits.csv, demands.csv, investigations.csv, ratings.csv)" {
		t.Errorf("empty directory: %v", err)
	}
	assertUnchanged(t, before, tableCounts(t, db))

	// The batch records who imported it.
	res, err := ImportDir(context.Background(), db, Options{Dir: writeDir(t, masterFiles), ImportedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, db, "SELECT u.username FROM import_batches b JOIN users u ON u.id = b.imported_by WHERE b.id = ?", res.BatchID); got != "admin" {
		t.Errorf("imported by %s", got)
	}
}

// TestPolicyImportStartsFromTheVersionInForce: with a version 2 that
// setPolicy made to take effect in 2099 (abc_a 0.70), an imported
// policy.csv copies the settings in force today, version 1's (abc_a 0.75),
// so that 2099's change does not reach back into history; version 2 still
// governs from 2099.
func TestPolicyImportStartsFromTheVersionInForce(t *testing.T) {
	db := pgtest.New(t)
	if _, err := db.Exec(`
		INSERT INTO policy_versions (version, effective_from, created_by, note)
		SELECT 2, DATE '2099-01-01', id, 'next year''s ABC' FROM users WHERE username = 'admin';
		INSERT INTO policy_settings (version, key, value)
		SELECT 2, key, CASE key WHEN 'abc_a' THEN '0.70' ELSE value END FROM policy_settings WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	mustImport(t, db, writeDir(t, map[string]string{"policy.csv": "key,value\npayment_terms_days,45\n"}))
	for _, c := range []struct{ what, query, want string }{
		{"the versions", "SELECT string_agg(version || '@' || effective_from, ', ' ORDER BY version) FROM policy_versions",
			"1@1900-01-01, 2@2099-01-01, 3@1900-01-01"},
		{"the imported version", "SELECT string_agg(key || '=' || value, ', ' ORDER BY key) FROM policy_settings WHERE version = 3 AND key IN ('abc_a', 'payment_terms_days')",
			"abc_a=0.75, payment_terms_days=45"},
		{"2099's version", "SELECT string_agg(key || '=' || value, ', ' ORDER BY key) FROM policy_settings WHERE version = 2 AND key IN ('abc_a', 'payment_terms_days')",
			"abc_a=0.70, payment_terms_days=60"},
	} {
		if got := queryString(t, db, c.query); got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, got, c.want)
		}
	}
}

// TestImportDefaultsFromTheVersionInForce: a version dated 2099 with 90
// days' payment terms does not yet set the due dates an import defaults
// today; version 1's 60 days do.
func TestImportDefaultsFromTheVersionInForce(t *testing.T) {
	db := pgtest.New(t)
	if _, err := db.Exec(`
		INSERT INTO policy_versions (version, effective_from, created_by, note)
		SELECT 2, DATE '2099-01-01', id, 'longer terms' FROM users WHERE username = 'admin';
		INSERT INTO policy_settings (version, key, value)
		SELECT 2, key, CASE key WHEN 'payment_terms_days' THEN '90' ELSE value END FROM policy_settings WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	mustImport(t, db, writeDir(t, files(masterFiles, map[string]string{"invoices.csv": `
		number,customer_code,ship_date,amount
		I1,K1,2024-01-10,1000.00
		`})))
	// 2024-01-10 + 60 days.
	if got := queryString(t, db, "SELECT due_date::text FROM invoices WHERE number = 'I1'"); got != "2024-03-10" {
		t.Errorf("due date %s, want 2024-03-10", got)
	}
}
