package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testEnd is the last day of the history of the main test data set.
var testEnd = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

const testEndDate = "2025-06-30"

// dataSet names a small data set written by the tests.
type dataSet struct {
	seed uint64
	end  string // YYYY-MM-DD
}

func (ds dataSet) String() string { return "seed" + strconv.FormatUint(ds.seed, 10) + "_" + ds.end }

// endQuarter is the quarter of the data set's End, as YYYYQn.
func (ds dataSet) endQuarter() string {
	m, _ := strconv.Atoi(ds.end[5:7])
	return ds.end[:4] + "Q" + strconv.Itoa((m-1)/3+1)
}

// testSets are the small data sets the invariant tests check: the main one
// and others with other seeds and ends (a leap day, mid-month, year end).
var testSets = []dataSet{{1, testEndDate}, {7, "2024-02-29"}, {42, "2023-12-31"}, {2026, "2025-11-17"}}

var (
	setsMu   sync.Mutex
	setsDirs = map[dataSet]string{}
)

// smallDir writes the small data set ds once per test binary and returns
// its directory.
func smallDir(t *testing.T, ds dataSet) string {
	t.Helper()
	setsMu.Lock()
	defer setsMu.Unlock()
	if dir, ok := setsDirs[ds]; ok {
		return dir
	}
	dir, err := os.MkdirTemp("", "demo-"+ds.String()+"-")
	if err != nil {
		t.Fatal(err)
	}
	end, err := time.Parse(time.DateOnly, ds.end)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(context.Background(), Options{Scale: ScaleSmall, Seed: ds.seed, End: end}, dir); err != nil {
		t.Fatalf("Write %v: %v", ds, err)
	}
	setsDirs[ds] = dir
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range setsDirs {
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}

// mustSmall returns the directory of the main small data set (seed 1).
func mustSmall(t *testing.T) string {
	t.Helper()
	return smallDir(t, testSets[0])
}

// forEachSet runs check as a subtest on every test data set.
func forEachSet(t *testing.T, check func(t *testing.T, ds dataSet, dir string)) {
	for _, ds := range testSets {
		t.Run(ds.String(), func(t *testing.T) { check(t, ds, smallDir(t, ds)) })
	}
}

// table is a CSV file read back: its header and rows as maps.
type table struct {
	name string
	rows []map[string]string
}

func readTable(t *testing.T, dir, name string) table {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: no header", name)
	}
	tb := table{name: name}
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(rec))
		for i, col := range recs[0] {
			m[col] = rec[i]
		}
		tb.rows = append(tb.rows, m)
	}
	return tb
}

// cents reads a money amount written with at most two decimal places.
func cents(t *testing.T, where, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		t.Fatalf("%s: %q is not money with at most 2 decimals", where, s)
	}
	frac = (frac + "00")[:2]
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: %q is not a decimal", where, s)
	}
	if neg {
		return -(w*100 + f)
	}
	return w*100 + f
}

// parseDate reads a YYYY-MM-DD date.
func parseDate(t *testing.T, where, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("%s: %q is not a date", where, s)
	}
	return d
}

func TestParseScale(t *testing.T) {
	for _, s := range []string{"small", "medium", "large"} {
		if got, err := ParseScale(s); err != nil || string(got) != s {
			t.Errorf("ParseScale(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "Small", "huge"} {
		if _, err := ParseScale(s); err == nil {
			t.Errorf("ParseScale(%q) accepted", s)
		}
	}
}

func TestWriteRejectsBadOptions(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(context.Background(), Options{Scale: "tiny", End: testEnd}, dir); err == nil {
		t.Error("unknown scale accepted")
	}
	if _, err := Write(context.Background(), Options{Scale: ScaleSmall}, dir); err == nil {
		t.Error("missing end date accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Write(ctx, Options{Scale: ScaleSmall, End: testEnd}, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	first := mustSmall(t)
	again := t.TempDir()
	if _, err := Write(context.Background(), Options{Scale: ScaleSmall, Seed: 1, End: testEnd}, again); err != nil {
		t.Fatal(err)
	}
	for _, name := range FileNames() {
		a, err := os.ReadFile(filepath.Join(first, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(again, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two runs with the same seed and end", name)
		}
	}

	other := t.TempDir()
	if _, err := Write(context.Background(), Options{Scale: ScaleSmall, Seed: 2, End: testEnd}, other); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"customers.csv", "invoices.csv", "sales_lines.csv", "payments.csv"} {
		a, _ := os.ReadFile(filepath.Join(first, name))
		b, _ := os.ReadFile(filepath.Join(other, name))
		if bytes.Equal(a, b) {
			t.Errorf("%s is the same for seeds 1 and 2", name)
		}
	}
}

func TestSmallRowCounts(t *testing.T) {
	dir := t.TempDir()
	sum, err := Write(context.Background(), Options{Scale: ScaleSmall, Seed: 1, End: testEnd}, dir)
	if err != nil {
		t.Fatal(err)
	}
	ranges := map[string][2]int{
		"offices.csv":          {8, 12},
		"customers.csv":        {200, 200},
		"products.csv":         {40, 40},
		"sales_lines.csv":      {30000, 60000},
		"invoices.csv":         {5000, 15000},
		"payments.csv":         {3000, 15000},
		"notes.csv":            {100, 3000},
		"writeoffs.csv":        {1, 20},
		"targets.csv":          {1000, 6000},
		"ratings.csv":          {100, 3000},
		"visits.csv":           {1000, 10000},
		"demands.csv":          {100, 5000},
		"investigations.csv":   {200, 3000},
		"inventory.csv":        {200, 6000},
		"allocations.csv":      {3000, 20000},
		"note_allocations.csv": {100, 5000},
	}
	for _, name := range FileNames() {
		n, ok := sum.Files[name]
		if !ok {
			t.Errorf("%s missing from the summary", name)
			continue
		}
		// The summary counts what is in the file.
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if lines := bytes.Count(data, []byte{'\n'}) - 1; lines != n {
			t.Errorf("%s: summary says %d rows, file has %d", name, n, lines)
		}
		if r, ok := ranges[name]; ok && (n < r[0] || n > r[1]) {
			t.Errorf("%s: %d rows, want %d–%d", name, n, r[0], r[1])
		}
		if n == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

// invoiceInfo is an invoice read back from invoices.csv.
type invoiceInfo struct {
	customer, currency string
	ship               time.Time
	amount             int64
	linesSum           int64
}

// ledgerEntry moves an invoice's open balance on a date (negative: reopens).
type ledgerEntry struct {
	date   time.Time
	amount int64
	what   string
}

// TestLedgerInvariants re-reads the small data set and checks the rules the
// importer and the reports rely on (DOMAIN.md §2–3).
func TestLedgerInvariants(t *testing.T) { forEachSet(t, checkLedger) }

func checkLedger(t *testing.T, ds dataSet, dir string) {
	end := parseDate(t, "end", ds.end)

	customers := map[string]map[string]string{}
	for _, c := range readTable(t, dir, "customers.csv").rows {
		if customers[c["code"]] != nil {
			t.Fatalf("customer %s twice", c["code"])
		}
		customers[c["code"]] = c
	}
	products := map[string]bool{}
	for _, p := range readTable(t, dir, "products.csv").rows {
		products[p["code"]] = true
	}

	invoices := map[string]*invoiceInfo{}
	usd := 0
	for _, r := range readTable(t, dir, "invoices.csv").rows {
		where := "invoices.csv " + r["number"]
		if invoices[r["number"]] != nil {
			t.Fatalf("%s: number twice", where)
		}
		if customers[r["customer_code"]] == nil {
			t.Fatalf("%s: unknown customer", where)
		}
		inv := &invoiceInfo{customer: r["customer_code"], currency: r["currency"],
			ship: parseDate(t, where, r["ship_date"]), amount: cents(t, where, r["amount"])}
		if inv.amount <= 0 {
			t.Errorf("%s: amount %d ≤ 0", where, inv.amount)
		}
		if inv.ship.After(end) {
			t.Errorf("%s: shipped after End", where)
		}
		if d := r["invoice_date"]; d != "" && d != r["ship_date"] {
			t.Errorf("%s: invoice date %s is not the ship date", where, d)
		}
		if d := r["due_date"]; d != "" {
			days := int(parseDate(t, where, d).Sub(inv.ship).Hours() / 24)
			if !slices.Contains([]int{30, 45, 60, 90}, days) {
				t.Errorf("%s: terms of %d days", where, days)
			}
		}
		if inv.currency == "USD" {
			usd++
		}
		invoices[r["number"]] = inv
	}
	if usd == 0 {
		t.Error("no USD invoice")
	}

	returns, returnsWithoutInvoice := 0, 0
	for i, r := range readTable(t, dir, "sales_lines.csv").rows {
		where := "sales_lines.csv row " + strconv.Itoa(i+2)
		if customers[r["customer_code"]] == nil || !products[r["product_code"]] {
			t.Fatalf("%s: unknown customer or product", where)
		}
		qty, err := strconv.ParseInt(r["quantity"], 10, 64)
		if err != nil {
			t.Fatalf("%s: quantity %q", where, r["quantity"])
		}
		price, amount, cost := cents(t, where, r["unit_price"]), cents(t, where, r["amount"]), cents(t, where, r["cost_amount"])
		if qty*price != amount {
			t.Errorf("%s: %d × %d ≠ %d", where, qty, price, amount)
		}
		if parseDate(t, where, r["ship_date"]).After(end) {
			t.Errorf("%s: shipped after End", where)
		}
		rate, err := strconv.ParseFloat(r["exchange_rate"], 64) // a check, not money
		if err != nil || rate <= 0 {
			t.Fatalf("%s: exchange rate %q", where, r["exchange_rate"])
		}
		if frac := strings.SplitN(r["exchange_rate"], ".", 2); len(frac) == 2 && len(frac[1]) > 8 {
			t.Errorf("%s: exchange rate with more than 8 decimals", where)
		}
		if qty > 0 && float64(cost) >= float64(amount)*rate {
			t.Errorf("%s: cost %d not below amount %d × %g", where, cost, amount, rate)
		}
		if qty < 0 {
			returns++
			if amount >= 0 {
				t.Errorf("%s: return with amount %d", where, amount)
			}
		}
		if r["invoice_number"] == "" {
			if qty >= 0 {
				t.Errorf("%s: a line without invoice that is not a return", where)
			}
			returnsWithoutInvoice++
			continue
		}
		inv := invoices[r["invoice_number"]]
		if inv == nil {
			t.Fatalf("%s: unknown invoice %s", where, r["invoice_number"])
		}
		if inv.customer != r["customer_code"] || inv.currency != r["currency"] || !inv.ship.Equal(parseDate(t, where, r["ship_date"])) {
			t.Errorf("%s: does not match its invoice", where)
		}
		inv.linesSum += amount
	}
	if returns == 0 || returnsWithoutInvoice == 0 {
		t.Errorf("returns: %d, without invoice: %d", returns, returnsWithoutInvoice)
	}
	for num, inv := range invoices {
		if inv.linesSum != inv.amount {
			t.Errorf("invoice %s: amount %d, lines %d", num, inv.amount, inv.linesSum)
		}
	}

	ledger := map[string][]ledgerEntry{}
	type paymentInfo struct {
		customer, currency string
		date               time.Time
		amount, allocated  int64
	}
	payments := map[string]*paymentInfo{}
	for _, r := range readTable(t, dir, "payments.csv").rows {
		where := "payments.csv " + r["reference"]
		if payments[r["reference"]] != nil {
			t.Fatalf("%s: reference twice", where)
		}
		p := &paymentInfo{customer: r["customer_code"], currency: r["currency"],
			date: parseDate(t, where, r["date"]), amount: cents(t, where, r["amount"])}
		if p.date.After(end) || p.amount <= 0 || (r["method"] != "TRANSFER" && r["method"] != "CASH") {
			t.Errorf("%s: bad payment %v", where, r)
		}
		payments[r["reference"]] = p
	}
	for _, r := range readTable(t, dir, "allocations.csv").rows {
		where := "allocations.csv " + r["payment_reference"] + " " + r["invoice_number"]
		p, inv := payments[r["payment_reference"]], invoices[r["invoice_number"]]
		if p == nil || inv == nil {
			t.Fatalf("%s: unknown payment or invoice", where)
		}
		amt := cents(t, where, r["amount"])
		if amt <= 0 {
			t.Errorf("%s: amount %d", where, amt)
		}
		if p.customer != inv.customer || p.currency != inv.currency {
			t.Errorf("%s: another customer's or currency's invoice", where)
		}
		if p.date.Before(inv.ship) {
			t.Errorf("%s: paid before it was shipped", where)
		}
		p.allocated += amt
		ledger[r["invoice_number"]] = append(ledger[r["invoice_number"]], ledgerEntry{p.date, amt, where})
	}
	for ref, p := range payments {
		if p.allocated > p.amount {
			t.Errorf("payment %s: allocates %d of %d", ref, p.allocated, p.amount)
		}
	}

	notes := map[string]*noteInfo{}
	dishonoured := 0
	for _, r := range readTable(t, dir, "notes.csv").rows {
		where := "notes.csv " + r["number"]
		if notes[r["number"]] != nil {
			t.Fatalf("%s: number twice", where)
		}
		n := &noteInfo{customer: r["customer_code"], status: r["status"], amount: cents(t, where, r["amount"]),
			issue: parseDate(t, where, r["issue_date"]), received: parseDate(t, where, r["received_date"]),
			maturity: parseDate(t, where, r["maturity_date"])}
		if !slices.Contains([]string{"BANK_ACCEPTANCE", "COMMERCIAL_ACCEPTANCE", "CHEQUE"}, r["kind"]) {
			t.Errorf("%s: kind %q", where, r["kind"])
		}
		if n.received.Before(n.issue) || n.received.After(end) {
			t.Errorf("%s: received %s, issued %s", where, r["received_date"], r["issue_date"])
		}
		if days := n.maturity.Sub(n.issue).Hours() / 24; days < 30 || days > 180 {
			t.Errorf("%s: matures %v days after issue", where, days)
		}
		if r["status_date"] != "" {
			n.hasStatusDate = true
			sd := parseDate(t, where, r["status_date"])
			if sd.Before(n.received) || sd.After(end) {
				t.Errorf("%s: status date %s", where, r["status_date"])
			}
			if r["status"] == "DISHONORED" || r["status"] == "HONORED" {
				if sd.Before(n.maturity) {
					t.Errorf("%s: settled before maturity", where)
				}
			}
			n.statusDate = sd
		}
		switch r["status"] {
		case "HELD":
			if n.hasStatusDate {
				t.Errorf("%s: HELD with a status date", where)
			}
			if !n.maturity.After(end) {
				t.Errorf("%s: HELD past maturity", where)
			}
		case "PRESENTED", "HONORED":
			if !n.hasStatusDate {
				t.Errorf("%s: no status date", where)
			}
		case "DISHONORED":
			if !n.hasStatusDate {
				t.Errorf("%s: no status date", where)
			}
			dishonoured++
		default:
			t.Errorf("%s: status %q", where, r["status"])
		}
		notes[r["number"]] = n
	}
	if dishonoured == 0 {
		t.Error("no dishonoured note")
	}
	for _, r := range readTable(t, dir, "note_allocations.csv").rows {
		where := "note_allocations.csv " + r["note_number"] + " " + r["invoice_number"]
		n, inv := notes[r["note_number"]], invoices[r["invoice_number"]]
		if n == nil || inv == nil {
			t.Fatalf("%s: unknown note or invoice", where)
		}
		amt := cents(t, where, r["amount"])
		if amt <= 0 {
			t.Errorf("%s: amount %d", where, amt)
		}
		if inv.currency != "CNY" {
			t.Errorf("%s: a note settles a %s invoice", where, inv.currency)
		}
		if n.customer != inv.customer {
			t.Errorf("%s: another customer's invoice", where)
		}
		if n.received.Before(inv.ship) {
			t.Errorf("%s: received before the invoice was shipped", where)
		}
		n.allocated += amt
		ledger[r["invoice_number"]] = append(ledger[r["invoice_number"]], ledgerEntry{n.received, amt, where})
		if n.status == "DISHONORED" {
			ledger[r["invoice_number"]] = append(ledger[r["invoice_number"]], ledgerEntry{n.statusDate, -amt, where + " reversal"})
		}
	}
	for num, n := range notes {
		if n.allocated != n.amount {
			t.Errorf("note %s: amount %d, allocated %d", num, n.amount, n.allocated)
		}
	}

	writeOffs := 0
	for _, r := range readTable(t, dir, "writeoffs.csv").rows {
		where := "writeoffs.csv " + r["invoice_number"]
		inv := invoices[r["invoice_number"]]
		if inv == nil {
			t.Fatalf("%s: unknown invoice", where)
		}
		d := parseDate(t, where, r["date"])
		if d.After(end) || d.Before(inv.ship) || r["approved_by"] != "gm" {
			t.Errorf("%s: %v", where, r)
		}
		amt := cents(t, where, r["amount"])
		if amt <= 0 {
			t.Errorf("%s: amount %d", where, amt)
		}
		ledger[r["invoice_number"]] = append(ledger[r["invoice_number"]], ledgerEntry{d, amt, where})
		writeOffs++
	}
	if writeOffs == 0 {
		t.Error("no write-off")
	}

	// The open balance on every day is between zero and the amount, so no
	// allocation ever exceeds the open balance on its date and no invoice is
	// settled beyond its amount.
	for num, entries := range ledger {
		inv := invoices[num]
		slices.SortStableFunc(entries, func(a, b ledgerEntry) int { return a.date.Compare(b.date) })
		open := inv.amount
		for i, e := range entries {
			open -= e.amount
			if i+1 < len(entries) && entries[i+1].date.Equal(e.date) {
				continue // judge a day once all its entries are in
			}
			if open < 0 {
				t.Errorf("invoice %s: open balance %d on %s after %s", num, open, e.date.Format(time.DateOnly), e.what)
			}
			if open > inv.amount {
				t.Errorf("invoice %s: open balance %d above its amount on %s", num, open, e.date.Format(time.DateOnly))
			}
		}
	}
}

// noteInfo is a note read back from notes.csv.
type noteInfo struct {
	customer, status                      string
	issue, received, maturity, statusDate time.Time
	amount, allocated                     int64
	hasStatusDate                         bool
}

// TestNothingAfterEnd checks every event date, month and quarter of the data
// set against End. Due dates and note maturities may lie after it.
func TestNothingAfterEnd(t *testing.T) { forEachSet(t, checkNothingAfterEnd) }

func checkNothingAfterEnd(t *testing.T, ds dataSet, dir string) {
	dateCols := map[string][]string{
		"customers.csv":      {"founded_on", "first_trade_on"},
		"invoices.csv":       {"ship_date", "invoice_date"},
		"sales_lines.csv":    {"ship_date"},
		"payments.csv":       {"date"},
		"notes.csv":          {"issue_date", "received_date", "status_date"},
		"writeoffs.csv":      {"date"},
		"visits.csv":         {"date"},
		"demands.csv":        {"date"},
		"investigations.csv": {"date"},
	}
	for _, name := range FileNames() {
		tb := readTable(t, dir, name)
		for i, r := range tb.rows {
			where := name + " row " + strconv.Itoa(i+2)
			for _, col := range dateCols[name] {
				if v := r[col]; v != "" && v > ds.end {
					t.Errorf("%s: %s %s after End", where, col, v)
				}
			}
			if v, ok := r["month"]; ok && v > ds.end[:7] {
				t.Errorf("%s: month %s after End", where, v)
			}
			if v, ok := r["quarter"]; ok && v > ds.endQuarter() {
				t.Errorf("%s: quarter %s after End", where, v)
			}
		}
	}
}

// TestArchive checks the organisation and the customer archive: codes and
// references resolve, enums are DOMAIN.md's, and the variety the reports need
// is there.
func TestArchive(t *testing.T) { forEachSet(t, checkArchive) }

func checkArchive(t *testing.T, _ dataSet, dir string) {
	offices := map[string]bool{}
	for _, o := range readTable(t, dir, "offices.csv").rows {
		offices[o["code"]] = true
	}
	roles := map[string]int{}
	users := map[string]map[string]string{}
	for _, u := range readTable(t, dir, "users.csv").rows {
		if users[u["username"]] != nil {
			t.Errorf("user %s twice", u["username"])
		}
		users[u["username"]] = u
		roles[u["role"]]++
		if u["office_code"] != "" && !offices[u["office_code"]] {
			t.Errorf("user %s: unknown office %s", u["username"], u["office_code"])
		}
		if u["role"] == "SALES_REP" && u["office_code"] == "" {
			t.Errorf("rep %s without office", u["username"])
		}
	}
	if gm := users["gm"]; gm == nil || gm["role"] != "GENERAL_MANAGER" || gm["office_code"] != "" {
		t.Errorf("gm: %v", gm)
	}
	for _, role := range []string{"SALES_REP", "MANAGER", "FINANCE", "ANALYST", "AUDITOR"} {
		if roles[role] == 0 {
			t.Errorf("no user with role %s", role)
		}
	}
	if roles["MANAGER"] != len(offices) {
		t.Errorf("%d managers for %d offices", roles["MANAGER"], len(offices))
	}

	seen := map[string]map[string]int{}
	count := func(col, v string) {
		if seen[col] == nil {
			seen[col] = map[string]int{}
		}
		seen[col][v]++
	}
	names := map[string]bool{}
	for _, c := range readTable(t, dir, "customers.csv").rows {
		where := "customer " + c["code"]
		if names[c["name"]] {
			t.Errorf("%s: name %s twice", where, c["name"])
		}
		names[c["name"]] = true
		if !offices[c["office_code"]] {
			t.Errorf("%s: unknown office", where)
		}
		if rep := users[c["rep_username"]]; rep == nil || rep["role"] != "SALES_REP" || rep["office_code"] != c["office_code"] {
			t.Errorf("%s: rep %s is not a rep of office %s", where, c["rep_username"], c["office_code"])
		}
		for _, col := range []string{"industry", "relationship_class", "demand_grade", "dealer_type", "business_type", "status"} {
			count(col, c[col])
		}
		if v := c["required_share"]; v != "" && !strings.HasPrefix(v, "0.") {
			t.Errorf("%s: required share %s", where, v)
		}
	}
	want := map[string][]string{
		"industry": {"INTL_PARTS_DISTRIBUTOR", "INTL_GOODS_MERCHANT", "REGIONAL_ELECTRICAL", "REGIONAL_SPECIALTY",
			"REGIONAL_VOLUME", "REGIONAL_DIY", "OTHER"},
		"relationship_class": {"TARGET", "GENERAL", "KEY", "POTENTIAL"},
		"demand_grade":       {"A", "B", "C"},
		"dealer_type":        {"EXCLUSIVE", "LOGISTICS", ""},
		"business_type":      {"MANUFACTURER", "DISTRIBUTOR", "INTERMEDIATE_WHOLESALER", "RETAILER", "OTHER"},
		"status":             {"ACTIVE", "SUSPENDED", "PROSPECT"},
	}
	for col, values := range want {
		for _, v := range values {
			if seen[col][v] == 0 {
				t.Errorf("no customer with %s %q", col, v)
			}
		}
		allowed := append(slices.Clone(values), "", "PENDING_APPROVAL", "TERMINATED")
		for v := range seen[col] {
			if !slices.Contains(allowed, v) {
				t.Errorf("%s %q is not a DOMAIN.md value", col, v)
			}
		}
	}
}

// TestFollowUp checks targets, inventory, visits, demands, investigations
// and ratings.
func TestFollowUp(t *testing.T) { forEachSet(t, checkFollowUp) }

func checkFollowUp(t *testing.T, ds dataSet, dir string) {
	dealers := map[string]string{}
	for _, c := range readTable(t, dir, "customers.csv").rows {
		if c["dealer_type"] != "" {
			dealers[c["code"]] = c["dealer_type"]
		}
	}

	keys := map[string]bool{}
	productTargets := 0
	for _, r := range readTable(t, dir, "targets.csv").rows {
		k := r["customer_code"] + "|" + r["month"] + "|" + r["product_code"]
		if keys[k] {
			t.Errorf("target %s twice", k)
		}
		keys[k] = true
		if cents(t, "targets.csv "+k, r["amount"]) <= 0 {
			t.Errorf("target %s: amount %s", k, r["amount"])
		}
		if r["product_code"] != "" {
			productTargets++
		}
	}
	if productTargets == 0 {
		t.Error("no customer × product target")
	}

	type invKey struct{ customer, product string }
	last := map[invKey]map[string]string{}
	for _, r := range readTable(t, dir, "inventory.csv").rows {
		k := invKey{r["customer_code"], r["product_code"]}
		if dealers[k.customer] == "" {
			t.Errorf("inventory of %s, not a dealer", k.customer)
		}
		if p := last[k]; p != nil {
			if p["month"] >= r["month"] {
				t.Errorf("inventory %v: months out of order", k)
			}
			if p["closing"] != r["opening"] {
				t.Errorf("inventory %v %s: opening %s, previous closing %s", k, r["month"], r["opening"], p["closing"])
			}
		}
		if cents(t, "inventory.csv", r["opening"]) < 0 || cents(t, "inventory.csv", r["closing"]) < 0 {
			t.Errorf("inventory %v: negative", k)
		}
		last[k] = r
	}

	run, stalled := map[string]int{}, 0
	for _, r := range readTable(t, dir, "visits.csv").rows {
		switch r["effective"] {
		case "true":
			run[r["customer_code"]] = 0
		case "false":
			run[r["customer_code"]]++
		default:
			t.Errorf("visit effective %q", r["effective"])
		}
	}
	for _, n := range run {
		if n >= 5 {
			stalled++
		}
	}
	if stalled == 0 {
		t.Error("no customer with five ineffective visits in a row")
	}

	channels := map[string]int{}
	for _, r := range readTable(t, dir, "demands.csv").rows {
		channels[r["channel"]]++
	}
	for _, ch := range []string{"PHONE", "VISIT", "LETTER", "EMAIL", "LAWYER_LETTER"} {
		if channels[ch] == 0 {
			t.Errorf("no demand by %s", ch)
		}
	}

	for _, r := range readTable(t, dir, "investigations.csv").rows {
		for _, col := range []string{"operator", "internal", "funding", "payment"} {
			if v, err := strconv.Atoi(r[col]); err != nil || v < 1 || v > 5 {
				t.Errorf("investigation %v: %s %q", r, col, r[col])
			}
		}
		if !slices.Contains([]string{"BANK", "AGENCY", "PEER", "COLLEAGUE", "NEWS"}, r["source"]) ||
			!slices.Contains([]string{"DAILY", "URGENT", "PERIODIC"}, r["kind"]) {
			t.Errorf("investigation %v", r)
		}
	}

	metrics := map[string]map[string]bool{}
	for _, r := range readTable(t, dir, "ratings.csv").rows {
		typ := dealers[r["customer_code"]]
		if typ == "" {
			t.Errorf("rating of %s, not a dealer", r["customer_code"])
		}
		allowed := []string{"LAYOUT", "PROMOTION", "PRICE", "RELATIONS"}
		if typ == "LOGISTICS" {
			allowed = append(allowed, "DELIVERY", "AFTER_SALES", "NETWORK")
		}
		if !slices.Contains(allowed, r["metric"]) {
			t.Errorf("rating %v: metric not rated for a %s dealer", r, typ)
		}
		if v, err := strconv.Atoi(r["score"]); err != nil || v < 0 || v > 100 {
			t.Errorf("rating %v: score", r)
		}
		if metrics[r["quarter"]] == nil {
			metrics[r["quarter"]] = map[string]bool{}
		}
		metrics[r["quarter"]][r["metric"]] = true
	}
	if len(metrics) != 4 {
		t.Errorf("ratings for quarters %v, want the last four", slices.Sorted(maps.Keys(metrics)))
	}
	if q := ds.endQuarter(); len(metrics[q]) != 7 {
		t.Errorf("quarter %s: metrics %v", q, metrics[q])
	}
}

// BenchmarkWriteLarge writes the large data set; run it once with
// `go test -run '^$' -bench WriteLarge -benchtime 1x ./internal/demo`.
func BenchmarkWriteLarge(b *testing.B) {
	benchmarkWrite(b, ScaleLarge)
}

// BenchmarkWriteMedium writes the medium data set.
func BenchmarkWriteMedium(b *testing.B) {
	benchmarkWrite(b, ScaleMedium)
}

func benchmarkWrite(b *testing.B, scale Scale) {
	dir := b.TempDir()
	var sum Summary
	for b.Loop() {
		var err error
		if sum, err = Write(context.Background(), Options{Scale: scale, Seed: 1, End: testEnd}, dir); err != nil {
			b.Fatal(err)
		}
	}
	var size int64
	rows := 0
	for _, name := range FileNames() {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		size += fi.Size()
		rows += sum.Files[name]
		b.Logf("%-22s %9d rows %8.1f MB", name, sum.Files[name], float64(fi.Size())/1e6)
	}
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(size)/1e6, "MB")
}
