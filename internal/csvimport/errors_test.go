package csvimport

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every bad import names its file, line and column with the value, and
// leaves every table exactly as it was. The subtests share one database:
// since none of them may change it, each starts from the same state.
func TestImportErrors(t *testing.T) {
	db, first := newCompany(t)
	// The import's today: the date in the policy's time zone.
	today := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"impossible date", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K1,2025-02-28,10.00
			I10,K1,2025-02-30,10.00
			`}, "invoices.csv:3: ship_date: 2025-02-30 is not a valid date (YYYY-MM-DD)"},
		{"date in another layout", map[string]string{"payments.csv": `
			reference,customer_code,date,method,amount
			PAY9,K1,2024/03/05,TRANSFER,10.00
			`}, "payments.csv:2: date: 2024/03/05 is not a valid date (YYYY-MM-DD)"},
		{"thousands separator", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K1,2024-05-01,"1,234.50"
			`}, "invoices.csv:2: amount: 1,234.50 is not a decimal number (digits with an optional dot and decimals, no thousands separator or exponent)"},
		{"exponent", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K1,2024-05-01,1e5
			`}, "invoices.csv:2: amount: 1e5 is not a decimal number (digits with an optional dot and decimals, no thousands separator or exponent)"},
		{"three decimal places of money", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K1,2024-05-01,12.345
			`}, "invoices.csv:2: amount: 12.345 has more than 2 decimal places"},
		{"too many digits", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K1,2024-05-01,12345678901234567
			`}, "invoices.csv:2: amount: 12345678901234567 has more than 16 digits before the decimal point"},
		{"exchange rate with nine places", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount,currency,exchange_rate
			I9,K1,2024-05-01,10.00,USD,7.123456789
			`}, "invoices.csv:2: exchange_rate: 7.123456789 has more than 8 decimal places"},
		{"negative invoice", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K1,2024-05-01,-10.00
			`}, "invoices.csv:2: amount: -10.00 must be greater than 0"},
		{"negative target", map[string]string{"targets.csv": `
			customer_code,month,amount
			K1,2025-01,-1
			`}, "targets.csv:2: amount: -1 must not be negative"},
		{"currency not three letters", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount,currency
			I9,K1,2024-05-01,10.00,usd
			`}, "invoices.csv:2: currency: usd is not a currency code (three capital letters, ISO 4217)"},
		{"bad enum", map[string]string{"customers.csv": `
			code,name,industry,office_code
			K3,客户3,RETAIL,BJ
			`}, "customers.csv:2: industry: RETAIL is not one of INTL_PARTS_DISTRIBUTOR, INTL_GOODS_MERCHANT, REGIONAL_ELECTRICAL, REGIONAL_SPECIALTY, REGIONAL_VOLUME, REGIONAL_DIY, OTHER"},
		{"bad month", map[string]string{"targets.csv": `
			customer_code,month,amount
			K1,2025-13,100
			`}, "targets.csv:2: month: 2025-13 is not a valid month (YYYY-MM)"},
		{"bad quarter", map[string]string{"ratings.csv": `
			customer_code,quarter,metric,score
			K1,2025Q5,LAYOUT,80
			`}, "ratings.csv:2: quarter: 2025Q5 is not a valid quarter (YYYYQn, n from 1 to 4)"},
		{"score above 100", map[string]string{"ratings.csv": `
			customer_code,quarter,metric,score
			K1,2025Q1,LAYOUT,100.5
			`}, "ratings.csv:2: score: 100.5 is not between 0 and 100"},
		{"bad boolean", map[string]string{"visits.csv": `
			customer_code,rep_username,date,effective
			K1,rep1,2025-01-02,maybe
			`}, "visits.csv:2: effective: maybe is not a yes/no value (true/false, 1/0 or yes/no)"},
		{"empty required cell", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,,2024-05-01,10.00
			`}, "invoices.csv:2: customer_code: a value is required"},
		{"unknown customer", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K1,2024-05-01,10.00
			I10,K9,2024-05-01,10.00
			`}, "invoices.csv:3: customer_code: unknown customer K9"},
		// Line 2 breaks a rule between tables, line 3 a value's shape: the
		// first bad line is reported, whichever check finds it.
		{"first bad line across checks", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount
			I9,K9,2024-05-01,10.00
			I10,K1,2025-02-30,10.00
			`}, "invoices.csv:2: customer_code: unknown customer K9"},
		{"unknown product", map[string]string{"sales_lines.csv": `
			customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount
			K1,P7,2024-05-01,1,10,10.00,5.00
			`}, "sales_lines.csv:2: product_code: unknown product P7"},
		{"unknown office", map[string]string{"users.csv": `
			username,name,role,office_code
			rep2,业务员2,SALES_REP,SH
			`}, "users.csv:2: office_code: unknown office SH"},
		{"unknown rep", map[string]string{"customers.csv": `
			code,name,industry,office_code,rep_username
			K3,客户3,OTHER,BJ,nobody
			`}, "customers.csv:2: rep_username: unknown user nobody"},
		{"sales line on another customer's invoice", map[string]string{"sales_lines.csv": `
			invoice_number,customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount
			I4,K1,P1,2024-05-01,1,10,10.00,5.00
			`}, "sales_lines.csv:2: invoice_number: I4 belongs to customer K2"},
		{"duplicate code within the file", map[string]string{"customers.csv": `
			code,name,industry,office_code
			K3,客户3,OTHER,BJ
			K4,客户4,OTHER,BJ
			K3,客户3b,OTHER,BJ
			`}, "customers.csv:4: code: K3 appears twice in the file (first on line 2)"},
		// What the API refuses to date on a day to come.
		{"a note's status on a day to come", map[string]string{"notes.csv": `
			number,kind,customer_code,issue_date,received_date,maturity_date,amount,status,status_date
			N2,CHEQUE,K1,2024-03-01,2024-03-02,2024-06-01,100.00,DISHONORED,2099-01-01
			`}, "notes.csv:2: status_date: 2099-01-01 is in the future (today is " + today + ")"},
		{"a write-off on a day to come", map[string]string{"writeoffs.csv": `
			invoice_number,date,amount,approved_by
			I1,2099-01-01,100.00,gm
			`}, "writeoffs.csv:2: date: 2099-01-01 is in the future (today is " + today + ")"},
		{"an investigation on a day to come", map[string]string{"investigations.csv": `
			customer_code,date,source,operator,internal,funding,payment
			K1,2099-01-01,BANK,3,3,3,3
			`}, "investigations.csv:2: date: 2099-01-01 is in the future (today is " + today + ")"},
		// A customer's rep, as createCustomer allows it.
		{"a rep from finance", map[string]string{
			"users.csv": `
				username,name,role,office_code
				fin1,财务1,FINANCE,BJ
				`,
			"customers.csv": `
				code,name,industry,office_code,rep_username
				K3,客户3,OTHER,BJ,rep1
				K4,客户4,OTHER,BJ,fin1
				`}, "customers.csv:3: rep_username: fin1 is a FINANCE; the responsible rep is an active SALES_REP or MANAGER"},
		// Dealer ratings, as recordDealerRating takes them (DOMAIN.md §6).
		{"a rating of a customer that is not a dealer", map[string]string{"ratings.csv": `
			customer_code,quarter,metric,score
			K1,2025Q1,LAYOUT,80
			`}, "ratings.csv:2: customer_code: K1 is not a dealer (no dealer type), so it is not rated"},
		{"an exclusive dealer rated on delivery", map[string]string{
			"customers.csv": `
				code,name,industry,office_code,dealer_type
				K3,客户3,OTHER,BJ,EXCLUSIVE
				K4,客户4,OTHER,BJ,LOGISTICS
				`,
			"ratings.csv": `
				customer_code,quarter,metric,score
				K4,2025Q1,DELIVERY,80
				K3,2025Q1,LAYOUT,80
				K3,2025Q1,DELIVERY,70
				`}, "ratings.csv:4: metric: DELIVERY is not rated for EXCLUSIVE dealers"},
		// References and numbers are limited in characters, not bytes, as
		// recordPayment and receiveNote limit them.
		{"a payment reference of 101 characters", map[string]string{"payments.csv": `
			reference,customer_code,date,method,amount
			` + strings.Repeat("付", 100) + `,K1,2024-03-05,TRANSFER,10.00
			` + strings.Repeat("付", 101) + `,K1,2024-03-05,TRANSFER,10.00
			`}, "payments.csv:3: reference: is longer than 100 characters"},
		{"a note number of 101 characters", map[string]string{"notes.csv": `
			number,kind,customer_code,issue_date,received_date,maturity_date,amount,status
			` + strings.Repeat("N", 101) + `,CHEQUE,K1,2024-03-01,2024-03-02,2024-06-01,100.00,HELD
			`}, "notes.csv:2: number: is longer than 100 characters"},
		{"a payment reference of spaces", map[string]string{"payments.csv": `
			reference,customer_code,date,method,amount
			PAY9,K1,2024-03-05,TRANSFER,10.00
			"   ",K1,2024-03-05,TRANSFER,10.00
			`}, `payments.csv:3: reference: a value is required (not only spaces)`},
		// The archive's rules, as createCustomer applies them.
		{"a code with a space", map[string]string{"customers.csv": `
			code,name,industry,office_code
			K3,客户3,OTHER,BJ
			K 4,客户4,OTHER,BJ
			`}, "customers.csv:3: code: K 4 is not a customer code: a code is 1–32 letters, digits, '.', '_' or '-', starting with a letter or digit"},
		{"a code of 33 characters", map[string]string{"customers.csv": `
			code,name,industry,office_code
			` + strings.Repeat("K", 33) + `,客户3,OTHER,BJ
			`}, "customers.csv:2: code: " + strings.Repeat("K", 33) + " is not a customer code: a code is 1–32 letters, digits, '.', '_' or '-', starting with a letter or digit"},
		{"a name of 201 characters", map[string]string{"customers.csv": `
			code,name,industry,office_code
			K3,` + strings.Repeat("客", 200) + `,OTHER,BJ
			K4,` + strings.Repeat("客", 201) + `,OTHER,BJ
			`}, "customers.csv:3: name: is longer than 200 characters"},
		{"founded in the future", map[string]string{"customers.csv": `
			code,name,industry,office_code,founded_on
			K3,客户3,OTHER,BJ,2099-01-01
			`}, "customers.csv:2: founded_on: 2099-01-01 is in the future (today is " + today + ")"},
		{"first traded with in the future", map[string]string{"customers.csv": `
			code,name,industry,office_code,first_trade_on
			K3,客户3,OTHER,BJ,2099-01-01
			`}, "customers.csv:2: first_trade_on: 2099-01-01 is in the future (today is " + today + ")"},
		{"duplicate target", map[string]string{"targets.csv": `
			customer_code,month,amount,product_code
			K1,2025-01,100,
			K1,2025-01,100,P1
			K1,2025-01,200,
			`}, "targets.csv:4: month: the target of K1 for 2025-01 appears twice in the file (first on line 2)"},
		{"due before shipping", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,due_date,amount
			I9,K1,2024-05-01,2024-04-30,10.00
			`}, "invoices.csv:2: due_date: 2024-04-30 is before the ship date 2024-05-01"},
		{"base currency at another rate", map[string]string{"invoices.csv": `
			number,customer_code,ship_date,amount,exchange_rate
			I9,K1,2024-05-01,10.00,7.1
			`}, "invoices.csv:2: exchange_rate: 7.1 must be 1 for the base currency CNY"},
		{"unknown column", map[string]string{"offices.csv": `
			code,name,colour
			SH,上海办事处,red
			`}, "offices.csv:1: colour: unknown column (the columns of offices.csv are code, name)"},
		{"duplicated column", map[string]string{"offices.csv": `
			code,name,code
			SH,上海办事处,SH
			`}, "offices.csv:1: code: the column appears twice in the header"},
		{"missing required column", map[string]string{"products.csv": `
			code,category
			P2,C1
			`}, "products.csv:1: name: required column is missing from the header"},
		{"wrong number of fields", map[string]string{"products.csv": `
			code,name
			P2,产品2
			P3,产品3,C1
			`}, "products.csv:3: the row has 3 fields, the header has 2"},
		{"malformed quoting", map[string]string{"products.csv": `
			code,name
			P2,"产品2
			`}, `products.csv:2: malformed CSV: extraneous or missing " in quoted-field`},
		{"unknown payment", map[string]string{"allocations.csv": `
			payment_reference,invoice_number,amount
			PAY9,I1,10.00
			`}, "allocations.csv:2: payment_reference: unknown payment PAY9"},
		// I1 has 1000.00 open. PAY7 takes 800.00 of it on 2024-03-02; PAY8's
		// 300.00 on 2024-03-03 is more than the 200.00 left.
		{"allocation exceeding the open balance", map[string]string{
			"payments.csv": `
				reference,customer_code,date,method,amount
				PAY7,K1,2024-03-02,TRANSFER,800.00
				PAY8,K1,2024-03-03,TRANSFER,300.00
				`,
			"allocations.csv": `
				payment_reference,invoice_number,amount
				PAY7,I1,800.00
				PAY8,I1,300.00
				`}, "allocations.csv:3: amount: 300.00 exceeds the open balance of invoice I1 on 2024-03-03 (200.00)"},
		// The rows are added in date order: PAY7's 800.00 on 2024-03-02
		// leaves 200.00, so the write-off of 900.00 on 2024-12-31 is the
		// row that breaks the balance.
		{"allocation over what a later write-off leaves", map[string]string{
			"payments.csv": `
				reference,customer_code,date,method,amount
				PAY7,K1,2024-03-02,TRANSFER,800.00
				`,
			"allocations.csv": `
				payment_reference,invoice_number,amount
				PAY7,I1,800.00
				`,
			"writeoffs.csv": `
				invoice_number,date,amount,approved_by
				I1,2024-12-31,900.00,gm
				`}, "writeoffs.csv:2: amount: 900.00 exceeds the open balance of invoice I1 on 2024-12-31 (200.00)"},
		// N2's 800.00 counts from 2024-03-02 until its dishonour on
		// 2024-03-20: PAY7's 300.00 on 2024-03-10 exceeds the 200.00 open
		// then, though the invoice's moves add up to less than its amount.
		{"allocation while a dishonoured note still counts", map[string]string{
			"notes.csv": `
				number,kind,customer_code,issue_date,received_date,maturity_date,amount,status,status_date
				N2,BANK_ACCEPTANCE,K1,2024-03-01,2024-03-02,2024-06-01,800.00,DISHONORED,2024-03-20
				`,
			"note_allocations.csv": `
				note_number,invoice_number,amount
				N2,I1,800.00
				`,
			"payments.csv": `
				reference,customer_code,date,method,amount
				PAY7,K1,2024-03-10,TRANSFER,300.00
				`,
			"allocations.csv": `
				payment_reference,invoice_number,amount
				PAY7,I1,300.00
				`}, "allocations.csv:2: amount: 300.00 exceeds the open balance of invoice I1 on 2024-03-10 (200.00)"},
		{"allocations above the payment", map[string]string{
			"payments.csv": `
				reference,customer_code,date,method,amount
				PAY7,K1,2024-03-02,TRANSFER,800.00
				`,
			"allocations.csv": `
				payment_reference,invoice_number,amount
				PAY7,I1,700.00
				PAY7,I2,100.01
				`}, "allocations.csv:3: amount: 100.01 brings the allocations to 800.01, more than the 800.00 of payment PAY7"},
		{"allocation before the ship date", map[string]string{
			"payments.csv": `
				reference,customer_code,date,method,amount
				PAY7,K1,2024-02-01,TRANSFER,100.00
				`,
			"allocations.csv": `
				payment_reference,invoice_number,amount
				PAY7,I2,100.00
				`}, "allocations.csv:2: invoice_number: I2 was shipped on 2024-02-05, after payment PAY7 of 2024-02-01"},
		{"allocation to another customer's invoice", map[string]string{
			"payments.csv": `
				reference,customer_code,date,method,amount
				PAY7,K2,2024-03-01,TRANSFER,100.00
				`,
			"allocations.csv": `
				payment_reference,invoice_number,amount
				PAY7,I1,100.00
				`}, "allocations.csv:2: invoice_number: I1 belongs to customer K1, payment PAY7 to K2"},
		{"allocation in another currency", map[string]string{
			"payments.csv": `
				reference,customer_code,date,method,amount
				PAY7,K1,2024-03-10,TRANSFER,100.00
				`,
			"allocations.csv": `
				payment_reference,invoice_number,amount
				PAY7,I3,100.00
				`}, "allocations.csv:2: invoice_number: I3 is in USD, payment PAY7 in CNY"},
		{"note allocation on a USD invoice", map[string]string{
			"notes.csv": `
				number,kind,customer_code,issue_date,received_date,maturity_date,amount,status
				N2,BANK_ACCEPTANCE,K1,2024-03-10,2024-03-12,2024-06-10,100.00,HELD
				`,
			"note_allocations.csv": `
				note_number,invoice_number,amount
				N2,I3,100.00
				`}, "note_allocations.csv:2: invoice_number: I3 is in USD; notes are in CNY and settle only CNY invoices"},
		{"note received before it was issued", map[string]string{"notes.csv": `
			number,kind,customer_code,issue_date,received_date,maturity_date,amount,status
			N2,CHEQUE,K1,2024-03-10,2024-03-09,2024-06-10,100.00,HELD
			`}, "notes.csv:2: received_date: 2024-03-09 is before the issue date 2024-03-10"},
		{"write-off approved by a sales rep", map[string]string{"writeoffs.csv": `
			invoice_number,date,amount,approved_by
			I1,2024-12-31,100.00,rep1
			`}, "writeoffs.csv:2: approved_by: rep1 is a SALES_REP; a write-off must be approved by a GENERAL_MANAGER"},
		{"unknown policy key", map[string]string{"policy.csv": `
			key,value
			payment_terms_days,30
			grace_days,5
			`}, "policy.csv:3: key: unknown policy key grace_days (the keys are the settings of DOMAIN.md §10)"},
		{"base currency after posting", map[string]string{"policy.csv": `
			key,value
			base_currency,USD
			`}, "policy.csv:2: value: base_currency cannot change from CNY to USD once anything has been posted"},
		// A setting's value is checked as setPolicy checks it.
		{"a ratio above 1", map[string]string{"policy.csv": `
			key,value
			payment_terms_days,30
			limit_warn_ratio,1.2
			`}, "policy.csv:3: value: 1.2 is not a valid limit_warn_ratio: must be at most 1"},
		{"money with 3 places", map[string]string{"policy.csv": `
			key,value
			credit_limit_cap,5000000.001
			`}, "policy.csv:2: value: 5000000.001 is not a valid credit_limit_cap: has more than 2 decimal places"},
		{"no years of limitation", map[string]string{"policy.csv": `
			key,value
			limitation_years,0
			`}, "policy.csv:2: value: 0 is not a valid limitation_years: must be at least 1"},
		{"a score above 100", map[string]string{"policy.csv": `
			key,value
			class_a_min_payment_score,101
			`}, "policy.csv:2: value: 101 is not a valid class_a_min_payment_score: must be at most 100"},
		{"a time zone that does not exist", map[string]string{"policy.csv": `
			key,value
			time_zone,Asia/Peking
			`}, "policy.csv:2: value: Asia/Peking is not a valid time_zone: not an IANA time zone such as Asia/Shanghai"},
		{"a dealer weight below zero", map[string]string{"policy.csv": `
			key,value
			weight.EXCLUSIVE.PRICE,-5
			`}, "policy.csv:2: value: -5 is not a valid weight.EXCLUSIVE.PRICE: not a non-negative decimal in plain notation"},
		// In line order with the rules: the unknown key on line 2 comes
		// before the bad value on line 3.
		{"an unknown key before a bad value", map[string]string{"policy.csv": `
			key,value
			grace_days,5
			abc_a,2
			`}, "policy.csv:2: key: unknown policy key grace_days (the keys are the settings of DOMAIN.md §10)"},
		// The rules that tie settings together, over the version the file
		// makes: abc_b's 0.95 and dealer_class_a's 80 are the latest
		// version's.
		{"abc_a above abc_b", map[string]string{"policy.csv": `
			key,value
			abc_a,0.96
			`}, "policy.csv:2: value: abc_a (0.96) must not be above abc_b (0.95)"},
		{"dealer classes crossed on the later line", map[string]string{"policy.csv": `
			key,value
			dealer_class_b,70
			payment_terms_days,45
			dealer_class_a,65
			`}, "policy.csv:4: value: dealer_class_b (70) must not be above dealer_class_a (65)"},
		{"importing an identical file", map[string]string{"offices.csv": masterFiles["offices.csv"]},
			fmt.Sprintf("offices.csv: identical to the file imported in batch %d", first.BatchID)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			importFails(t, db, writeDir(t, c.files), c.want)
		})
	}

	// Importing twice with a changed row: the first line that is already
	// there is a conflict, never skipped.
	t.Run("code already in the database", func(t *testing.T) {
		changed := strings.Replace(masterFiles["customers.csv"], "客户2", "客户二", 1)
		le := importFails(t, db, writeDir(t, map[string]string{"customers.csv": changed}),
			"customers.csv:2: code: K1 already exists")
		if le == nil || le.File != "customers.csv" || le.Line != 2 || le.Column != "code" || le.Value != "K1" {
			t.Errorf("LineError fields: %+v", le)
		}
	})
	t.Run("an inactive rep", func(t *testing.T) {
		if _, err := db.Exec(`INSERT INTO users (username, name, role, office_id, active)
			SELECT 'rep9', '业务员9', 'SALES_REP', id, false FROM offices WHERE code = 'BJ'`); err != nil {
			t.Fatal(err)
		}
		importFails(t, db, writeDir(t, map[string]string{"customers.csv": `
			code,name,industry,office_code,rep_username
			K3,客户3,OTHER,BJ,rep9
			`}), "customers.csv:2: rep_username: rep9 is not active; the responsible rep is an active SALES_REP or MANAGER")
	})
	t.Run("a policy imported by someone other than the general manager", func(t *testing.T) {
		before := tableCounts(t, db)
		_, err := ImportDir(context.Background(), db, Options{Dir: writeDir(t, map[string]string{"policy.csv": `
			key,value
			payment_terms_days,45
			`}), ImportedBy: "rep1"})
		if want := "policy.csv: only a GENERAL_MANAGER may change the policy; the importing user rep1 is a SALES_REP"; err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
		assertUnchanged(t, before, tableCounts(t, db))
	})
	t.Run("a byte-order mark is accepted, an identical file is not", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "offices.csv"), []byte("\uFEFFcode,name\nSH,上海办事处\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		res := mustImport(t, db, dir)
		importFails(t, db, dir, fmt.Sprintf("offices.csv: identical to the file imported in batch %d", res.BatchID))
	})
}

// Decimals are plain notation, `-?digits[.digits]` (API.md): whatever
// PostgreSQL's numeric input would also accept is refused, and every form
// the notation allows is read exactly.
func TestDecimalNotation(t *testing.T) {
	db, _ := newCompany(t)
	const notDecimal = "is not a decimal number (digits with an optional dot and decimals, no thousands separator or exponent)"
	for _, bad := range []string{"1e5", "1E5", "NaN", "Infinity", "-Infinity", "inf", " 5", "5 ", "+5", ".5", "5.", "-", "1_000", "0x1A", "１２", "1,234.50", "12-3"} {
		t.Run(bad, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"sales_lines.csv": `
				customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount
				K1,P1,2024-05-01,1,10,10.00,5.00
				K1,P1,2024-05-01,1,10,"` + bad + `",5.00
				`})
			importFails(t, db, dir, "sales_lines.csv:3: amount: "+bad+" "+notDecimal)
		})
	}
	t.Run("whole numbers", func(t *testing.T) {
		dir := writeDir(t, map[string]string{"investigations.csv": `
			customer_code,date,source,operator,internal,funding,payment
			K1,2024-05-01,BANK,3,4.0,2,1
			`})
		importFails(t, db, dir, "investigations.csv:2: internal: 4.0 is not a whole number")
	})
	// Leading zeros and a negative zero are plain notation too; they read
	// as the numbers they are.
	mustImport(t, db, writeDir(t, map[string]string{"sales_lines.csv": `
		customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount
		K1,P1,2024-05-01,007,0010.5,0070.00,-0
		K1,P1,2024-05-01,-1.250,9999999999.9999,-12.5,-0.00
		`}))
	got := queryStrings(t, db, `SELECT quantity || ' ' || unit_price || ' ' || amount || ' ' || cost_amount
		FROM sales_lines WHERE ship_date = '2024-05-01' ORDER BY id`)
	want := []string{"7.000 10.5000 70.00 0.00", "-1.250 9999999999.9999 -12.50 0.00"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("stored %q, want %q", got, want)
	}
}
