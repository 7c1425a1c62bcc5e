package csvimport

import (
	"fmt"

	cd "creditdesk/internal/creditdesk"
)

// fileSpecs lists the import files in load order: policy.csv first, then
// API.md's order, so every file finds the codes it refers to already loaded.
var fileSpecs = []*fileSpec{
	policyFile,
	officesFile, usersFile, productsFile, customersFile,
	invoicesFile, salesLinesFile, paymentsFile, allocationsFile,
	notesFile, noteAllocationsFile, writeOffsFile,
	targetsFile, inventoryFile, visitsFile, demandsFile, investigationsFile, ratingsFile,
}

var officesFile = &fileSpec{
	name:    "offices.csv",
	key:     []string{"code"},
	columns: []column{text("code").req(), text("name").req()},
	rules: func(im *importer) (string, []check) {
		return "stage_offices s LEFT JOIN offices x ON x.code = s.code",
			[]check{exists("code", "s.code", "x.id"), duplicate("code", "s.code")}
	},
	bulk: []string{"offices"},
	load: func(im *importer) error {
		return im.exec("INSERT INTO offices (code, name) SELECT code, name FROM stage_offices ORDER BY line")
	},
}

var usersFile = &fileSpec{
	name: "users.csv",
	key:  []string{"username"},
	columns: []column{text("username").req(), text("name").req(), enum("role", cd.Roles).req(),
		text("office_code")},
	rules: func(im *importer) (string, []check) {
		return "stage_users s LEFT JOIN users x ON x.username = s.username LEFT JOIN offices o ON o.code = s.office_code",
			[]check{exists("username", "s.username", "x.id"), duplicate("username", "s.username"),
				unknown("office_code", "office", "o.id")}
	},
	bulk: []string{"users"},
	load: func(im *importer) error {
		return im.exec(`
INSERT INTO users (username, name, role, office_id)
SELECT s.username, s.name, s.role, o.id
FROM stage_users s LEFT JOIN offices o ON o.code = s.office_code
ORDER BY s.line`)
	},
}

var productsFile = &fileSpec{
	name: "products.csv",
	key:  []string{"code"},
	columns: []column{text("code").req(), text("name").req(), text("category"),
		numeric("unit_cost", 14, 4).nonNegative()},
	rules: func(im *importer) (string, []check) {
		return "stage_products s LEFT JOIN products x ON x.code = s.code",
			[]check{exists("code", "s.code", "x.id"), duplicate("code", "s.code")}
	},
	bulk: []string{"products"},
	load: func(im *importer) error {
		return im.exec(`
INSERT INTO products (code, name, category, unit_cost)
SELECT code, name, category, unit_cost::numeric FROM stage_products ORDER BY line`)
	},
}

var customersFile = &fileSpec{
	name: "customers.csv",
	key:  []string{"code"},
	columns: []column{
		text("code").req(), text("name").req(), enum("industry", cd.Industries).req(),
		enum("relationship_class", cd.RelationshipClasses), enum("demand_grade", cd.DemandGrades),
		enum("dealer_type", cd.DealerTypes), enum("business_type", cd.BusinessTypes),
		text("office_code").req(), text("rep_username"), date("founded_on"),
		money("registered_capital").nonNegative(), whole("employees", 9).nonNegative(),
		money("credit_limit").nonNegative(), enum("status", cd.CustomerStatuses),
		numeric("required_share", 4, 8).between("0", "1"), date("first_trade_on"),
	},
	rules: func(im *importer) (string, []check) {
		return `stage_customers s
 LEFT JOIN customers x ON x.code = s.code
 LEFT JOIN offices o ON o.code = s.office_code
 LEFT JOIN users u ON u.username = s.rep_username`,
			[]check{
				// The archive's rules, as createCustomer applies them.
				{column: "code", cond: "s.code !~ " + sqlString(cd.CustomerCodePattern), value: "s.code",
					msg: "%[1]s is not a customer code: " + cd.CustomerCodeRule},
				exists("code", "s.code", "x.id"), duplicate("code", "s.code"),
				tooLong("name", cd.CustomerNameMax),
				unknown("office_code", "office", "o.id"), unknown("rep_username", "user", "u.id"),
				{column: "rep_username", cond: "NOT u.active OR u.role NOT IN (" + sqlStrings(cd.RepRoles) + ")",
					value: "s.rep_username", info: "CASE WHEN u.active THEN 'a ' || u.role ELSE 'not active' END",
					msg: "%[1]s is %[2]s; the responsible rep is an active SALES_REP or MANAGER"},
				notFuture(im, "founded_on"), notFuture(im, "first_trade_on"),
			}
	},
	bulk: []string{"customers"},
	load: func(im *importer) error {
		// A rep assigned by the import took the customer over when trading
		// began, or today when that is unknown (DOMAIN.md §7 counts the
		// 7-day contact rule from the assignment).
		return im.exec(`
INSERT INTO customers (code, name, industry, relationship_class, demand_grade, dealer_type, business_type,
    office_id, rep_id, rep_assigned_on, founded_on, registered_capital, employees, credit_limit, status,
    required_share, first_trade_on, created_by, batch_id)
SELECT s.code, s.name, s.industry, s.relationship_class, s.demand_grade, s.dealer_type, s.business_type,
    o.id, u.id, CASE WHEN u.id IS NOT NULL THEN coalesce(s.first_trade_on::date, $1::date) END,
    s.founded_on::date, s.registered_capital::numeric, s.employees::int, s.credit_limit::numeric,
    coalesce(s.status, 'ACTIVE'), s.required_share::numeric, s.first_trade_on::date, $2, $3
FROM stage_customers s
JOIN offices o ON o.code = s.office_code
LEFT JOIN users u ON u.username = s.rep_username
ORDER BY s.line`, im.today, im.user, im.batch)
	},
}

var invoicesFile = &fileSpec{
	name: "invoices.csv",
	key:  []string{"number"},
	columns: []column{text("number").req(), text("customer_code").req(), date("ship_date").req(),
		date("invoice_date"), date("due_date"), money("amount").positive().req(), currency("currency"),
		rate("exchange_rate")},
	rules: func(im *importer) (string, []check) {
		return `stage_invoices s
 LEFT JOIN invoices x ON x.number = s.number
 LEFT JOIN customers c ON c.code = s.customer_code`,
			[]check{exists("number", "s.number", "x.id"), duplicate("number", "s.number"),
				unknown("customer_code", "customer", "c.id"),
				notBefore("due_date", "s.ship_date", "ship date"),
				baseRateIsOne(im), baseAmountFits("amount")}
	},
	load: func(im *importer) error {
		if err := im.bulkLoad("invoices", im.staged["invoices.csv"].rows); err != nil {
			return err
		}
		// Posting the ledger sets settled_on on most of these invoices;
		// room on their pages makes those updates in place (bulk.go).
		if _, bulk := im.dropped["invoices"]; bulk && im.ledgerPresent() {
			if err := im.leaveRoom("invoices"); err != nil {
				return err
			}
		}
		if err := im.exec(fmt.Sprintf(`
INSERT INTO invoices (number, customer_id, ship_date, invoice_date, due_date, currency, amount, exchange_rate,
    base_amount, batch_id)
SELECT s.number, c.id, s.ship_date::date, coalesce(s.invoice_date::date, s.ship_date::date),
    coalesce(s.due_date::date, s.ship_date::date + %d), %s, s.amount::numeric, %s, %s, $1
FROM stage_invoices s JOIN customers c ON c.code = s.customer_code
ORDER BY s.line`, im.termsDays, im.currencyOr(), rateOr, baseAmount("amount")), im.batch); err != nil {
			return err
		}
		// The number's key is back before anything reads the invoices;
		// the other indexes wait for the ledger below.
		if err := im.restoreKeys("invoices"); err != nil {
			return err
		}
		// Posting the ledger updates settled_on: the indexes wait for it.
		if im.ledgerPresent() {
			return nil
		}
		return im.restoreIndexes("invoices")
	},
}

// salesLinesPerStatement bounds the lines one INSERT writes (a variable so
// that tests can split small files).
var salesLinesPerStatement int64 = 1_000_000

var salesLinesFile = &fileSpec{
	name: "sales_lines.csv",
	columns: []column{text("invoice_number"), text("customer_code").req(), text("product_code").req(),
		date("ship_date").req(), numeric("quantity", 15, 3).req(), numeric("unit_price", 14, 4).req(),
		money("amount").req(), money("cost_amount").req(), currency("currency"), rate("exchange_rate")},
	// A line's codes must name a customer, a product and an invoice of the
	// same customer and currency.
	rules: func(im *importer) (string, []check) {
		return salesLinesFrom("stage_sales_lines"),
			[]check{unknown("invoice_number", "invoice", "i.id"),
				unknown("customer_code", "customer", "c.id"), unknown("product_code", "product", "p.id"),
				{column: "invoice_number", cond: "i.customer_id <> c.id", value: "s.invoice_number",
					info: "(SELECT code FROM customers WHERE id = i.customer_id)",
					msg:  "%[1]s belongs to customer %[2]s"},
				{column: "currency", cond: im.currencyOr() + " <> i.currency", value: im.currencyOr(),
					info: "i.currency", msg: "%[1]s differs from the invoice's currency %[2]s"},
				baseRateIsOne(im), baseAmountFits("amount")}
	},
	bulk:              []string{"sales_lines"},
	linesPerStatement: &salesLinesPerStatement,
	// In line order, as every file: ids follow the file, so the same files
	// always give the same rows. A million lines per statement: each
	// statement sorts its lines and hands them to the statement triggers
	// (the rollup, the reference check) in memory, where a whole large file
	// would spill to disk. The first million are read from the staged text;
	// the others from their typed tables (stager.typeChunks), on which the
	// same casts and rules do nothing more than compare.
	passing: func(im *importer, spec *fileSpec, from, passes string) (sqls []string, args [][]any) {
		for k := 1; k <= spec.chunks(im.staged[spec.name].last); k++ {
			lines := from
			if spec.typedChunk(k) {
				lines = salesLinesFrom(spec.typedStage(k))
			}
			lo, hi := spec.chunk(k)
			sqls = append(sqls, fmt.Sprintf(`
INSERT INTO sales_lines (invoice_id, customer_id, product_id, ship_date, quantity, unit_price, amount,
    cost_amount, currency, exchange_rate, base_amount, batch_id)
SELECT i.id, c.id, p.id, s.ship_date::date, s.quantity::numeric, s.unit_price::numeric, s.amount::numeric,
    s.cost_amount::numeric, %s, %s, %s, $1
FROM %s
WHERE s.line > $2 AND s.line <= $3 AND %s
ORDER BY s.line`, im.currencyOr(), rateOr, baseAmount("amount"), lines, passes))
			args = append(args, []any{im.batch, lo, hi})
		}
		return sqls, args
	},
}

// salesLinesFrom is the sales lines' rules' FROM clause over the staged
// lines of table: the codes joined to what they name.
func salesLinesFrom(table string) string {
	return table + ` s
 LEFT JOIN customers c ON c.code = s.customer_code
 LEFT JOIN products p ON p.code = s.product_code
 LEFT JOIN invoices i ON i.number = s.invoice_number`
}

var paymentsFile = &fileSpec{
	name: "payments.csv",
	key:  []string{"reference"},
	columns: []column{text("reference").req(), text("customer_code").req(), date("date").req(),
		enum("method", cd.PaymentMethods).req(), money("amount").positive().req(), currency("currency"),
		rate("exchange_rate")},
	ledger: true,
	rules: func(im *importer) (string, []check) {
		return `stage_payments s
 LEFT JOIN payments x ON x.reference = s.reference
 LEFT JOIN customers c ON c.code = s.customer_code`,
			[]check{tooLong("reference", cd.DocumentNumberMax), exists("reference", "s.reference", "x.id"),
				duplicate("reference", "s.reference"),
				unknown("customer_code", "customer", "c.id"), baseRateIsOne(im), baseAmountFits("amount")}
	},
	bulk: []string{"payments"},
	load: func(im *importer) error {
		return im.exec(fmt.Sprintf(`
INSERT INTO payments (reference, customer_id, date, method, currency, amount, exchange_rate, base_amount,
    recorded_by, batch_id)
SELECT s.reference, c.id, s.date::date, s.method, %s, s.amount::numeric, %s, %s, $1, $2
FROM stage_payments s JOIN customers c ON c.code = s.customer_code
ORDER BY s.line`, im.currencyOr(), rateOr, baseAmount("amount")), im.user, im.batch)
	},
}

// allocationsFile's rows are checked by the statement that writes them into
// ledger_new; they become PAYMENT settlements when the ledger is posted
// (ledger.go).
var allocationsFile = &fileSpec{
	name:    "allocations.csv",
	key:     []string{"payment_reference", "invoice_number"},
	columns: []column{text("payment_reference").req(), text("invoice_number").req(), money("amount").positive().req()},
	ledger:  true,
	rules: func(im *importer) (string, []check) {
		// running: this file's allocations of the payment up to this line.
		// An allocation of a payment loaded by an earlier import adds to the
		// settlements it already has; a new payment has none, and the CASE
		// spares it the lookup.
		from := fmt.Sprintf(`
(SELECT t.*, sum(t.amount::numeric) OVER (PARTITION BY t.payment_reference COLLATE "C" ORDER BY t.line) AS running
 FROM stage_allocations t) s
LEFT JOIN payments p ON p.reference = s.payment_reference
LEFT JOIN invoices i ON i.number = s.invoice_number
LEFT JOIN LATERAL (SELECT CASE WHEN p.batch_id = %d THEN 0 ELSE
    (SELECT coalesce(sum(x.amount), 0) FROM settlements x WHERE x.payment_id = p.id) END AS allocated) prior ON true`,
			im.batch)
		return from, []check{
			unknown("payment_reference", "payment", "p.id"),
			unknown("invoice_number", "invoice", "i.id"),
			{column: "invoice_number", cond: "s.line > s.first_line", value: "s.invoice_number",
				info: "s.payment_reference || ' on line ' || s.first_line",
				msg:  "%[1]s is allocated twice from payment %[2]s"},
			{column: "invoice_number", value: "s.invoice_number", info: "s.payment_reference",
				cond: fmt.Sprintf("p.batch_id IS DISTINCT FROM %d AND EXISTS (SELECT 1 FROM settlements x WHERE x.payment_id = p.id AND x.invoice_id = i.id)", im.batch),
				msg:  "an allocation of payment %[2]s to %[1]s already exists"},
			{column: "invoice_number", cond: "i.customer_id <> p.customer_id", value: "s.invoice_number",
				info: "(SELECT code FROM customers WHERE id = i.customer_id) || ', payment ' || p.reference || ' to ' || (SELECT code FROM customers WHERE id = p.customer_id)",
				msg:  "%[1]s belongs to customer %[2]s"},
			{column: "invoice_number", cond: "i.currency <> p.currency", value: "s.invoice_number",
				info: "i.currency || ', payment ' || p.reference || ' in ' || p.currency",
				msg:  "%[1]s is in %[2]s"},
			// An allocation is dated by its payment (DOMAIN.md §2) and an
			// invoice exists from its ship date (§9).
			{column: "invoice_number", cond: "p.date < i.ship_date", value: "s.invoice_number",
				info: "i.ship_date || ', after payment ' || p.reference || ' of ' || p.date",
				msg:  "%[1]s was shipped on %[2]s"},
			{column: "amount", cond: "prior.allocated + s.running > p.amount", value: "s.amount",
				info: "round(prior.allocated + s.running, 2) || ', more than the ' || p.amount || ' of payment ' || p.reference",
				msg:  "%[1]s brings the allocations to %[2]s"},
		}
	},
	// An allocation is dated by its payment and is in the invoice's currency
	// (checked equal to the payment's).
	passing: writeLedgerNew(`1, 'allocations.csv', s.line, i.id, i.customer_id, 'PAYMENT', p.date, s.amount::numeric,
    NULL::date, p.id, NULL::bigint, NULL::bigint`),
}

var notesFile = &fileSpec{
	name: "notes.csv",
	key:  []string{"number"},
	columns: []column{text("number").req(), enum("kind", cd.NoteKinds).req(), text("customer_code").req(),
		text("drawer"), text("bank"), date("issue_date").req(), date("received_date").req(),
		date("maturity_date").req(), money("amount").positive().req(), enum("status", cd.NoteStatuses).req(),
		date("status_date")},
	ledger: true,
	rules: func(im *importer) (string, []check) {
		return `stage_notes s
 LEFT JOIN notes x ON x.number = s.number
 LEFT JOIN customers c ON c.code = s.customer_code`,
			[]check{tooLong("number", cd.DocumentNumberMax), exists("number", "s.number", "x.id"),
				duplicate("number", "s.number"),
				unknown("customer_code", "customer", "c.id"),
				notBefore("received_date", "s.issue_date", "issue date"),
				notBefore("maturity_date", "s.issue_date", "issue date"),
				notBefore("status_date", "s.received_date", "received date"),
				// As setNoteStatus: a status cannot change on a day to come.
				notFuture(im, "status_date"),
				// A note is HELD from the day it is received; the status date
				// is the day of its latest status.
				{column: "status_date", cond: "s.status = 'HELD' AND s.status_date::date <> s.received_date::date",
					value: "s.status_date", info: "s.received_date",
					msg: "%[1]s: a HELD note's status date is its received date %[2]s"}}
	},
	bulk: []string{"notes", "note_status_changes"},
	load: func(im *importer) error {
		// An empty status_date means the status holds since the note was
		// received; HONORED and DISHONORED settle the note on that date.
		if err := im.exec(`
INSERT INTO notes (number, kind, customer_id, drawer, bank, issue_date, received_date, maturity_date, amount,
    status, status_date, settled_on, batch_id)
SELECT s.number, s.kind, c.id, s.drawer, s.bank, s.issue_date::date, s.received_date::date,
    s.maturity_date::date, s.amount::numeric, s.status, coalesce(s.status_date, s.received_date)::date,
    CASE WHEN s.status IN ('HONORED', 'DISHONORED') THEN coalesce(s.status_date, s.received_date)::date END, $1
FROM stage_notes s JOIN customers c ON c.code = s.customer_code
ORDER BY s.line`, im.batch); err != nil {
			return err
		}
		// The status history: HELD when received, then the final status.
		return im.exec(`
INSERT INTO note_status_changes (note_id, status, date, changed_by, reason)
SELECT h.id, h.status, h.date, $1, 'imported'
FROM (SELECT n.id, s.line, 0 AS step, 'HELD' AS status, n.received_date AS date
      FROM stage_notes s JOIN notes n ON n.number = s.number
      UNION ALL
      SELECT n.id, s.line, 1, n.status, n.status_date
      FROM stage_notes s JOIN notes n ON n.number = s.number
      WHERE n.status <> 'HELD') h
ORDER BY h.line, h.step`, im.user)
	},
}

// noteAllocationsFile's rows are checked by the statement that writes them
// into ledger_new; they become NOTE settlements (and NOTE_REVERSAL ones for
// dishonoured notes) when the ledger is posted.
var noteAllocationsFile = &fileSpec{
	name:    "note_allocations.csv",
	key:     []string{"note_number", "invoice_number"},
	columns: []column{text("note_number").req(), text("invoice_number").req(), money("amount").positive().req()},
	ledger:  true,
	rules: func(im *importer) (string, []check) {
		from := fmt.Sprintf(`
(SELECT t.*, sum(t.amount::numeric) OVER (PARTITION BY t.note_number COLLATE "C" ORDER BY t.line) AS running
 FROM stage_note_allocations t) s
LEFT JOIN notes n ON n.number = s.note_number
LEFT JOIN invoices i ON i.number = s.invoice_number
LEFT JOIN LATERAL (SELECT CASE WHEN n.batch_id = %d THEN 0 ELSE
    (SELECT coalesce(sum(x.amount), 0) FROM settlements x WHERE x.note_id = n.id AND x.kind = 'NOTE') END AS allocated) prior ON true`,
			im.batch)
		return from, []check{
			unknown("note_number", "note", "n.id"),
			unknown("invoice_number", "invoice", "i.id"),
			{column: "invoice_number", cond: "s.line > s.first_line", value: "s.invoice_number",
				info: "s.note_number || ' on line ' || s.first_line",
				msg:  "%[1]s is allocated twice from note %[2]s"},
			{column: "invoice_number", value: "s.invoice_number", info: "s.note_number",
				cond: fmt.Sprintf("n.batch_id IS DISTINCT FROM %d AND EXISTS (SELECT 1 FROM settlements x WHERE x.note_id = n.id AND x.invoice_id = i.id)", im.batch),
				msg:  "an allocation of note %[2]s to %[1]s already exists"},
			{column: "invoice_number", cond: "i.customer_id <> n.customer_id", value: "s.invoice_number",
				info: "(SELECT code FROM customers WHERE id = i.customer_id) || ', note ' || n.number || ' to ' || (SELECT code FROM customers WHERE id = n.customer_id)",
				msg:  "%[1]s belongs to customer %[2]s"},
			// Notes are in the base currency and settle only base-currency
			// invoices (DOMAIN.md §2).
			{column: "invoice_number", cond: "i.currency <> " + sqlString(im.base), value: "s.invoice_number",
				info: "i.currency || '; notes are in ' || " + sqlString(im.base) + " || ' and settle only ' || " + sqlString(im.base) + " || ' invoices'",
				msg:  "%[1]s is in %[2]s"},
			{column: "invoice_number", cond: "n.received_date < i.ship_date", value: "s.invoice_number",
				info: "i.ship_date || ', after note ' || n.number || ' was received on ' || n.received_date",
				msg:  "%[1]s was shipped on %[2]s"},
			{column: "amount", cond: "prior.allocated + s.running > n.amount", value: "s.amount",
				info: "round(prior.allocated + s.running, 2) || ', more than the ' || n.amount || ' of note ' || n.number",
				msg:  "%[1]s brings the allocations to %[2]s"},
		}
	},
	// A note's allocation counts from the day it is received, and a
	// dishonour reverses it on the dishonour date (§3, §9).
	passing: writeLedgerNew(`2, 'note_allocations.csv', s.line, i.id, i.customer_id, 'NOTE', n.received_date,
    s.amount::numeric, CASE WHEN n.status = 'DISHONORED' THEN n.status_date END, NULL::bigint, n.id, NULL::bigint`),
}

// writeOffsFile's rows are checked by the statement that writes them into
// ledger_new; write_offs rows and their WRITE_OFF settlements are written
// when the ledger is posted.
var writeOffsFile = &fileSpec{
	name: "writeoffs.csv",
	columns: []column{text("invoice_number").req(), date("date").req(), money("amount").positive().req(),
		text("approved_by").req()},
	ledger: true,
	rules: func(im *importer) (string, []check) {
		return `stage_writeoffs s
 LEFT JOIN invoices i ON i.number = s.invoice_number
 LEFT JOIN users u ON u.username = s.approved_by`,
			[]check{unknown("invoice_number", "invoice", "i.id"), unknown("approved_by", "user", "u.id"),
				// 002 十七: a write-off needs the general manager's approval.
				{column: "approved_by", cond: "u.role <> 'GENERAL_MANAGER'", value: "s.approved_by", info: "u.role",
					msg: "%[1]s is a %[2]s; a write-off must be approved by a GENERAL_MANAGER"},
				notBefore("date", "i.ship_date", "ship date of the invoice"),
				// The API dates a write-off the day it is approved.
				notFuture(im, "date")}
	},
	passing: writeLedgerNew(`3, 'writeoffs.csv', s.line, i.id, i.customer_id, 'WRITE_OFF', s.date::date,
    s.amount::numeric, NULL::date, NULL::bigint, NULL::bigint, u.id`),
}

var targetsFile = &fileSpec{
	name: "targets.csv",
	key:  []string{"customer_code", "month", "product_code"},
	columns: []column{text("customer_code").req(), month("month").req(), money("amount").nonNegative().req(),
		text("product_code")},
	rules: func(im *importer) (string, []check) {
		return `stage_targets s
 LEFT JOIN customers c ON c.code = s.customer_code
 LEFT JOIN products p ON p.code = s.product_code
 LEFT JOIN targets x ON x.customer_id = c.id AND x.month = (s.month || '-01')::date
     AND coalesce(x.product_id, 0) = coalesce(p.id, 0)`,
			[]check{unknown("customer_code", "customer", "c.id"), unknown("product_code", "product", "p.id"),
				exists("month", targetKey, "x.id"), duplicate("month", targetKey)}
	},
	bulk: []string{"targets"},
	load: func(im *importer) error {
		return im.exec(`
INSERT INTO targets (customer_id, month, product_id, amount, batch_id)
SELECT c.id, (s.month || '-01')::date, p.id, s.amount::numeric, $1
FROM stage_targets s
JOIN customers c ON c.code = s.customer_code
LEFT JOIN products p ON p.code = s.product_code
ORDER BY s.line`, im.batch)
	},
}

// targetKey names a target's natural key: customer × month × product.
const targetKey = "'the target of ' || s.customer_code || ' for ' || s.month || coalesce(' and product ' || s.product_code, '')"

var inventoryFile = &fileSpec{
	name: "inventory.csv",
	key:  []string{"customer_code", "product_code", "month"},
	columns: []column{text("customer_code").req(), text("product_code").req(), month("month").req(),
		money("opening").nonNegative().req(), money("closing").nonNegative().req()},
	rules: func(im *importer) (string, []check) {
		const key = "'the snapshot of ' || s.customer_code || ' × ' || s.product_code || ' for ' || s.month"
		return `stage_inventory s
 LEFT JOIN customers c ON c.code = s.customer_code
 LEFT JOIN products p ON p.code = s.product_code
 LEFT JOIN inventory_snapshots x ON x.customer_id = c.id AND x.product_id = p.id
     AND x.month = (s.month || '-01')::date`,
			[]check{unknown("customer_code", "customer", "c.id"), unknown("product_code", "product", "p.id"),
				exists("month", key, "x.id"), duplicate("month", key)}
	},
	bulk: []string{"inventory_snapshots"},
	load: func(im *importer) error {
		return im.exec(`
INSERT INTO inventory_snapshots (customer_id, product_id, month, opening, closing, batch_id)
SELECT c.id, p.id, (s.month || '-01')::date, s.opening::numeric, s.closing::numeric, $1
FROM stage_inventory s
JOIN customers c ON c.code = s.customer_code
JOIN products p ON p.code = s.product_code
ORDER BY s.line`, im.batch)
	},
}

var visitsFile = &fileSpec{
	name: "visits.csv",
	columns: []column{text("customer_code").req(), text("rep_username").req(), date("date").req(),
		text("kind"), boolean("effective").req()},
	rules: func(im *importer) (string, []check) {
		return `stage_visits s
 LEFT JOIN customers c ON c.code = s.customer_code
 LEFT JOIN users u ON u.username = s.rep_username`,
			[]check{unknown("customer_code", "customer", "c.id"), unknown("rep_username", "user", "u.id")}
	},
	bulk: []string{"visits"},
	load: func(im *importer) error {
		return im.exec(`
INSERT INTO visits (customer_id, rep_id, date, kind, effective, batch_id)
SELECT c.id, u.id, s.date::date, s.kind, lower(s.effective) IN ('true', '1', 'yes'), $1
FROM stage_visits s
JOIN customers c ON c.code = s.customer_code
JOIN users u ON u.username = s.rep_username
ORDER BY s.line`, im.batch)
	},
}

var demandsFile = &fileSpec{
	name: "demands.csv",
	columns: []column{text("customer_code").req(), date("date").req(), enum("channel", cd.DemandChannels),
		money("amount").nonNegative()},
	rules: func(im *importer) (string, []check) {
		return "stage_demands s LEFT JOIN customers c ON c.code = s.customer_code",
			[]check{unknown("customer_code", "customer", "c.id")}
	},
	bulk: []string{"collection_demands"},
	load: func(im *importer) error {
		return im.exec(`
INSERT INTO collection_demands (customer_id, date, channel, amount, recorded_by, batch_id)
SELECT c.id, s.date::date, s.channel, s.amount::numeric, $1, $2
FROM stage_demands s JOIN customers c ON c.code = s.customer_code
ORDER BY s.line`, im.user, im.batch)
	},
}

var investigationsFile = &fileSpec{
	name: "investigations.csv",
	columns: []column{text("customer_code").req(), date("date").req(),
		enum("source", cd.InvestigationSources).req(),
		whole("operator", 1).between("1", "5").req(), whole("internal", 1).between("1", "5").req(),
		whole("funding", 1).between("1", "5").req(), whole("payment", 1).between("1", "5").req(),
		enum("kind", cd.InvestigationKinds)},
	rules: func(im *importer) (string, []check) {
		return "stage_investigations s LEFT JOIN customers c ON c.code = s.customer_code",
			[]check{unknown("customer_code", "customer", "c.id"), notFuture(im, "date")}
	},
	bulk: []string{"credit_investigations"},
	load: func(im *importer) error {
		return im.exec(`
INSERT INTO credit_investigations (customer_id, date, source, operator, internal, funding, payment, kind,
    recorded_by, batch_id)
SELECT c.id, s.date::date, s.source, s.operator::smallint, s.internal::smallint, s.funding::smallint,
    s.payment::smallint, s.kind, $1, $2
FROM stage_investigations s JOIN customers c ON c.code = s.customer_code
ORDER BY s.line`, im.user, im.batch)
	},
}

var ratingsFile = &fileSpec{
	name: "ratings.csv",
	columns: []column{text("customer_code").req(), quarter("quarter").req(), enum("metric", cd.RatingMetrics).req(),
		numeric("score", 3, 2).between("0", "100").req(), text("rated_by")},
	rules: func(im *importer) (string, []check) {
		return `stage_ratings s
 LEFT JOIN customers c ON c.code = s.customer_code
 LEFT JOIN users u ON u.username = s.rated_by`,
			[]check{unknown("customer_code", "customer", "c.id"),
				// As recordDealerRating: a dealer is rated on its type's
				// metrics (DOMAIN.md §6).
				{column: "customer_code", cond: "c.dealer_type IS NULL", value: "s.customer_code",
					msg: "%[1]s is not a dealer (no dealer type), so it is not rated"},
				{column: "metric", cond: "NOT s.metric = ANY (" + ratedMetricsSQL("c.dealer_type") + ")",
					value: "s.metric", info: "c.dealer_type", msg: "%[1]s is not rated for %[2]s dealers"},
				unknown("rated_by", "user", "u.id")}
	},
	bulk: []string{"dealer_ratings"},
	load: func(im *importer) error {
		// Several rows for one metric are kept and averaged when read
		// (API.md), so there is no natural key to conflict on.
		return im.exec(`
INSERT INTO dealer_ratings (customer_id, quarter, metric, score, rated_by, batch_id)
SELECT c.id, s.quarter, s.metric, s.score::numeric, u.id, $1
FROM stage_ratings s
JOIN customers c ON c.code = s.customer_code
LEFT JOIN users u ON u.username = s.rated_by
ORDER BY s.line`, im.batch)
	},
}
