package postgres_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// metricsFixture is the hand-worked data set of the metrics tests.
//
// Offices BJ and SH; reps r1 (BJ) and r2 (SH). Products P1 (category X), P2
// (Y), P3 (none). Customers:
//
//	K1 BJ, rep r1, REGIONAL_DIY, EXCLUSIVE, 甲
//	K2 BJ, no rep, OTHER, no dealer type, 乙
//	K3 SH, rep r2, OTHER, LOGISTICS, no credit class
//
// Sales lines in 2025Q1 (amount / cost / quantity, invoice):
//
//	2025-01-10 K1 P1 100 / 60 / 2 I1,  K1 P2 50 / 20 / 1 I1
//	2025-02-15 K1 P1 150 / 90 / 3 I2
//	2025-02-20 K2 P1 200 / 150 / 1 I3
//	2025-03-05 K2 P3 −40 / −30 / −1 (a return without invoice)
//	2025-03-31 K3 P2 500 / 300 / 5 I4
//
// and outside: 2024-12-31 K1 P1 1000, 2025-04-01 K3 P2 1000.
// Q1: sales 960, cost 590, profit 370, margin 370/960 = 0.3854166…,
// quantity 11, 4 invoices, 3 customers.
//
// Invoices: I1 K1 150 (shipped 01-10, paid 02-10), I2 K1 150 (02-15), I3 K2
// 200 (02-20, 50 paid 03-01), I4 K3 500 (03-31). Open receivables as of
// 01-31: K1 150; 02-28: K1 150, K2 200; 03-31: K1 150, K2 150, K3 500.
func metricsFixture(t *testing.T) (*salesFixture, map[string]int64) {
	f := newSalesFixture(t)
	f.MustCreateOffice("BJ")
	f.MustCreateOffice("SH")
	f.MustCreateRep("r1", "BJ")
	f.MustCreateRep("r2", "SH")
	f.MustCreateProduct("P1", "X")
	f.MustCreateProduct("P2", "Y")
	f.MustCreateProduct("P3", "")
	f.MustCreateCustomer(salesCustomerSpec{Code: "K1", Rep: "r1", Industry: "REGIONAL_DIY", DealerType: "EXCLUSIVE", CreditClass: "JIA"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "K2", CreditClass: "YI"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "K3", Office: "SH", Rep: "r2", DealerType: "LOGISTICS"})
	f.MustCreateInvoice("I1", "K1", "2025-01-10", "150")
	f.MustCreateInvoice("I2", "K1", "2025-02-15", "150")
	f.MustCreateInvoice("I3", "K2", "2025-02-20", "200")
	f.MustCreateInvoice("I4", "K3", "2025-03-31", "500")
	f.MustCreateInvoice("I0", "K1", "2024-12-31", "1000")
	f.MustCreateLines(
		salesLine{Customer: "K1", Product: "P1", Date: "2024-12-31", Amount: "1000", Cost: "1", Quantity: "1", Invoice: "I0"},
		salesLine{Customer: "K1", Product: "P1", Date: "2025-01-10", Amount: "100", Cost: "60", Quantity: "2", Invoice: "I1"},
		salesLine{Customer: "K1", Product: "P2", Date: "2025-01-10", Amount: "50", Cost: "20", Quantity: "1", Invoice: "I1"},
		salesLine{Customer: "K1", Product: "P1", Date: "2025-02-15", Amount: "150", Cost: "90", Quantity: "3", Invoice: "I2"},
		salesLine{Customer: "K2", Product: "P1", Date: "2025-02-20", Amount: "200", Cost: "150", Quantity: "1", Invoice: "I3"},
		salesLine{Customer: "K2", Product: "P3", Date: "2025-03-05", Amount: "-40", Cost: "-30", Quantity: "-1"},
		salesLine{Customer: "K3", Product: "P2", Date: "2025-03-31", Amount: "500", Cost: "300", Quantity: "5", Invoice: "I4"},
		salesLine{Customer: "K3", Product: "P2", Date: "2025-04-01", Amount: "1000", Cost: "1", Quantity: "1"},
	)
	f.MustPay("PAY0", "I0", "2024-12-31", "1000")
	f.MustPay("PAY1", "I1", "2025-02-10", "150")
	f.MustPay("PAY3", "I3", "2025-03-01", "50")
	ids := map[string]int64{}
	var users []struct {
		ID       int64
		Username string
	}
	if err := f.db.NewRaw(`SELECT id, username FROM users`).Scan(f.ctx, &users); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		ids[u.Username] = u.ID
	}
	return f, ids
}

var metricsQ1 = salesPeriod("2025-01-01", "2025-03-31")

// metricsTable shows a result as text: one line per row, "dims | period |
// values", values with their scale, the totals last.
func metricsTable(res *creditdesk.MetricsResult) []string {
	show := func(r *creditdesk.MetricsRow) string {
		var parts []string
		for _, d := range r.Dimensions {
			k, l := "∅", "∅"
			if d.Key != nil {
				k = *d.Key
			}
			if d.Label != nil {
				l = *d.Label
			}
			parts = append(parts, k+"/"+l)
		}
		s := strings.Join(parts, ",") + " |"
		if r.Period != nil {
			s += " " + *r.Period + " " + r.PeriodStart.String() + ".." + r.PeriodEnd.String()
		}
		s += " |"
		for _, v := range r.Values {
			switch v := v.(type) {
			case creditdesk.MoneyMeasureValue:
				s += " " + salesShown(v.Value)
			case creditdesk.RatioMeasureValue:
				s += " " + salesShown(v.Value)
			case creditdesk.QuantityMeasureValue:
				s += " " + salesShown(v.Value)
			case creditdesk.CountMeasureValue:
				if v.Value == nil {
					s += " null"
				} else {
					s += " " + v.Value.String()
				}
			}
		}
		return s
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, show(r))
	}
	return append(out, "TOTAL "+show(res.Totals))
}

func checkMetricsTable(t *testing.T, res *creditdesk.MetricsResult, want []string) {
	t.Helper()
	got := metricsTable(res)
	if !slices.Equal(got, want) {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func mMeasures(m ...creditdesk.Measure) []creditdesk.Measure { return m }
func mDims(d ...creditdesk.Dimension) []creditdesk.Dimension { return d }
func mGrain(g creditdesk.TimeGrain) *creditdesk.TimeGrain    { return &g }
func mInt(n int) *int                                        { return &n }

func TestMetrics(t *testing.T) {
	f, ids := metricsFixture(t)
	store := postgres.MetricsStore{DB: f.db}
	run := func(t *testing.T, ctx context.Context, q creditdesk.MetricsQuery) *creditdesk.MetricsResult {
		t.Helper()
		res, err := store.Metrics(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	desc := func(m creditdesk.Measure) creditdesk.MetricsOrder {
		return creditdesk.MetricsOrder{Measure: &m, Direction: creditdesk.Desc}
	}

	t.Run("by office, ordered by sales descending", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{
			Measures:   mMeasures("SALES", "GROSS_MARGIN", "CUSTOMER_COUNT"),
			Dimensions: mDims("OFFICE"), Period: metricsQ1,
			OrderBy: []creditdesk.MetricsOrder{desc("SALES")},
		})
		// SH 500, profit 200 → 0.4; BJ 460, profit 170 → 0.369565…
		checkMetricsTable(t, res, []string{
			"SH/SH办事处 | | 500.00 0.400000 1",
			"BJ/BJ办事处 | | 460.00 0.369565 2",
			"TOTAL  | | 960.00 0.385417 3",
		})
		if res.Truncated || res.Limit != creditdesk.DefaultMetricsLimit {
			t.Errorf("truncated %v limit %d", res.Truncated, res.Limit)
		}
	})

	t.Run("totals equal the sum of the exact rows", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{
			Measures:   mMeasures("SALES", "COST", "GROSS_PROFIT", "QUANTITY"),
			Dimensions: mDims("CUSTOMER", "PRODUCT"), Grain: mGrain("MONTH"), Period: metricsQ1,
		})
		sums := make([]decimal.Decimal, 4)
		for _, r := range res.Rows {
			for j, v := range r.Values {
				_, d := creditdesk.MeasureValueOf(v)
				sums[j] = sums[j].Add(*d)
			}
		}
		want := []string{"960", "590", "370", "11"}
		for j := range sums {
			_, tot := creditdesk.MeasureValueOf(res.Totals.Values[j])
			if !sums[j].Equal(*tot) || !tot.Equal(salesDec(want[j])) {
				t.Errorf("measure %d: Σ rows %s, totals %s, want %s", j, sums[j], tot, want[j])
			}
		}
		if len(res.Rows) != 6 {
			t.Errorf("%d rows, want 6 (customer × product × month with lines)", len(res.Rows))
		}
	})

	t.Run("by product and customer: codes and names, ordered by a dimension", func(t *testing.T) {
		// Q1 lines: K1 P1 100 + 150, K1 P2 50, K2 P1 200, K2 P3 −40, K3 P2 500.
		cust := creditdesk.Dimension("CUSTOMER")
		res := run(t, f.ctx, creditdesk.MetricsQuery{
			Measures: mMeasures("SALES"), Dimensions: mDims("PRODUCT", "CUSTOMER"), Period: metricsQ1,
			OrderBy: []creditdesk.MetricsOrder{{Dimension: &cust, Direction: creditdesk.Desc}},
		})
		checkMetricsTable(t, res, []string{
			"P2/产品P2,K3/客户K3 | | 500.00",
			"P1/产品P1,K2/客户K2 | | 200.00",
			"P3/产品P3,K2/客户K2 | | -40.00",
			"P1/产品P1,K1/客户K1 | | 250.00",
			"P2/产品P2,K1/客户K1 | | 50.00",
			"TOTAL  | | 960.00",
		})
	})

	t.Run("by product category and month, from the lines", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{
			Measures:   mMeasures("SALES", "QUANTITY", "INVOICE_COUNT"),
			Dimensions: mDims("PRODUCT_CATEGORY"), Grain: mGrain("MONTH"), Period: metricsQ1,
		})
		// I1 holds lines of both X and Y: counted once in the totals.
		checkMetricsTable(t, res, []string{
			"X/X | 2025-01 2025-01-01..2025-01-31 | 100.00 2.000 1",
			"Y/Y | 2025-01 2025-01-01..2025-01-31 | 50.00 1.000 1",
			"X/X | 2025-02 2025-02-01..2025-02-28 | 350.00 4.000 2",
			"Y/Y | 2025-03 2025-03-01..2025-03-31 | 500.00 5.000 1",
			"∅/∅ | 2025-03 2025-03-01..2025-03-31 | -40.00 -1.000 0",
			"TOTAL  | | 960.00 11.000 4",
		})
	})

	t.Run("open receivables per month: a balance, the totals at the period end", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{
			Measures: mMeasures("SALES", "OPEN_RECEIVABLES"), Dimensions: mDims("CUSTOMER"), Grain: mGrain("MONTH"), Period: metricsQ1,
		})
		checkMetricsTable(t, res, []string{
			"K1/客户K1 | 2025-01 2025-01-01..2025-01-31 | 150.00 150.00",
			"K1/客户K1 | 2025-02 2025-02-01..2025-02-28 | 150.00 150.00",
			"K2/客户K2 | 2025-02 2025-02-01..2025-02-28 | 200.00 200.00",
			"K1/客户K1 | 2025-03 2025-03-01..2025-03-31 | 0.00 150.00",
			"K2/客户K2 | 2025-03 2025-03-01..2025-03-31 | -40.00 150.00",
			"K3/客户K3 | 2025-03 2025-03-01..2025-03-31 | 500.00 500.00",
			"TOTAL  | | 960.00 800.00",
		})
		// Without a grain: as of the period's end.
		res = run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("OPEN_RECEIVABLES"), Dimensions: mDims("OFFICE"), Period: salesPeriod("2025-01-01", "2025-02-28")})
		checkMetricsTable(t, res, []string{"BJ/BJ办事处 | | 350.00", "TOTAL  | | 350.00"})
	})

	t.Run("grains: day, ISO week clipped to the period, quarter, year", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Grain: mGrain("WEEK"), Period: salesPeriod("2025-01-08", "2025-02-16")})
		checkMetricsTable(t, res, []string{
			" | 2025-W02 2025-01-08..2025-01-12 | 150.00",
			" | 2025-W07 2025-02-10..2025-02-16 | 150.00",
			"TOTAL  | | 300.00",
		})
		res = run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Grain: mGrain("DAY"), Period: salesPeriod("2025-03-01", "2025-03-31")})
		checkMetricsTable(t, res, []string{
			" | 2025-03-05 2025-03-05..2025-03-05 | -40.00",
			" | 2025-03-31 2025-03-31..2025-03-31 | 500.00",
			"TOTAL  | | 460.00",
		})
		res = run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Grain: mGrain("QUARTER"), Period: salesPeriod("2024-12-01", "2025-04-30")})
		checkMetricsTable(t, res, []string{
			" | 2024Q4 2024-12-01..2024-12-31 | 1000.00",
			" | 2025Q1 2025-01-01..2025-03-31 | 960.00",
			" | 2025Q2 2025-04-01..2025-04-30 | 1000.00",
			"TOTAL  | | 2960.00",
		})
		res = run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Grain: mGrain("YEAR"), Period: salesPeriod("2024-12-31", "2025-01-10")})
		checkMetricsTable(t, res, []string{
			" | 2024 2024-12-31..2024-12-31 | 1000.00",
			" | 2025 2025-01-01..2025-01-10 | 150.00",
			"TOTAL  | | 1150.00",
		})
	})

	t.Run("labels of rep, dealer type, credit class and industry; nulls last", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Dimensions: mDims("REP"), Period: metricsQ1,
			ProductCategories: []string{"X"}})
		checkMetricsTable(t, res, []string{"r1/业务员r1 | | 250.00", "∅/∅ | | 200.00", "TOTAL  | | 450.00"})
		res = run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Dimensions: mDims("DEALER_TYPE", "CREDIT_CLASS", "INDUSTRY"), Period: metricsQ1})
		checkMetricsTable(t, res, []string{
			"EXCLUSIVE/专营经销商,JIA/甲,REGIONAL_DIY/地区DIY店 | | 300.00",
			"LOGISTICS/物流商,∅/∅,OTHER/其他 | | 500.00",
			"∅/∅,YI/乙,OTHER/其他 | | 160.00",
			"TOTAL  | | 960.00",
		})
		res = run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Dimensions: mDims("PRODUCT"), Period: metricsQ1,
			ProductCodes: []string{"P2", "P3"}, Filter: &creditdesk.CustomerFilter{OfficeCodes: []string{"BJ"}}})
		checkMetricsTable(t, res, []string{"P2/产品P2 | | 50.00", "P3/产品P3 | | -40.00", "TOTAL  | | 10.00"})
	})

	t.Run("no dimension and no grain: one row, the totals", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES", "GROSS_MARGIN", "INVOICE_COUNT", "CUSTOMER_COUNT"), Period: metricsQ1})
		checkMetricsTable(t, res, []string{" | | 960.00 0.385417 4 3", "TOTAL  | | 960.00 0.385417 4 3"})
	})

	t.Run("nothing sold: no rows, zero totals, null margin", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES", "GROSS_MARGIN", "CUSTOMER_COUNT"), Dimensions: mDims("OFFICE"),
			Grain: mGrain("MONTH"), Period: salesPeriod("2020-01-01", "2020-12-31")})
		checkMetricsTable(t, res, []string{"TOTAL  | | 0.00 null 0"})
	})

	t.Run("the limit cuts the rows and flags it; the totals cover every row", func(t *testing.T) {
		res := run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Dimensions: mDims("CUSTOMER"), Period: metricsQ1,
			OrderBy: []creditdesk.MetricsOrder{desc("SALES")}, Limit: mInt(2)})
		checkMetricsTable(t, res, []string{"K3/客户K3 | | 500.00", "K1/客户K1 | | 300.00", "TOTAL  | | 960.00"})
		if !res.Truncated {
			t.Error("3 rows under a limit of 2: not flagged as truncated")
		}
		res = run(t, f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Dimensions: mDims("CUSTOMER"), Period: metricsQ1, Limit: mInt(3)})
		if res.Truncated || len(res.Rows) != 3 {
			t.Errorf("3 rows under a limit of 3: truncated %v, %d rows", res.Truncated, len(res.Rows))
		}
	})

	t.Run("limits outside 1..10000 are BAD_USER_INPUT", func(t *testing.T) {
		for _, n := range []int{0, -1, creditdesk.MaxMetricsLimit + 1} {
			_, err := store.Metrics(f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Period: metricsQ1, Limit: mInt(n)})
			if creditdesk.ErrorCode(err) != creditdesk.EINVALID {
				t.Errorf("limit %d: %v, want BAD_USER_INPUT", n, err)
			}
		}
		if _, err := store.Metrics(f.ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES"), Period: metricsQ1, Limit: mInt(creditdesk.MaxMetricsLimit)}); err != nil {
			t.Errorf("limit %d: %v", creditdesk.MaxMetricsLimit, err)
		}
	})

	t.Run("a sales rep sees its own customers only", func(t *testing.T) {
		ctx := creditdesk.WithActor(f.ctx, &creditdesk.User{ID: ids["r1"], Username: "r1", Role: creditdesk.RoleSalesRep})
		res := run(t, ctx, creditdesk.MetricsQuery{Measures: mMeasures("SALES", "OPEN_RECEIVABLES", "CUSTOMER_COUNT"), Dimensions: mDims("OFFICE"), Period: metricsQ1})
		checkMetricsTable(t, res, []string{"BJ/BJ办事处 | | 300.00 150.00 1", "TOTAL  | | 300.00 150.00 1"})
	})

	t.Run("invalid queries are BAD_USER_INPUT", func(t *testing.T) {
		prod := creditdesk.DimensionProduct
		bad := map[string]creditdesk.MetricsQuery{
			"no measure":                      {Period: metricsQ1},
			"a measure twice":                 {Measures: mMeasures("SALES", "SALES"), Period: metricsQ1},
			"receivables by product":          {Measures: mMeasures("OPEN_RECEIVABLES"), Dimensions: mDims("PRODUCT"), Period: metricsQ1},
			"receivables filtered by product": {Measures: mMeasures("OPEN_RECEIVABLES"), ProductCodes: []string{"P1"}, Period: metricsQ1},
			"order by an unselected dimension": {Measures: mMeasures("SALES"), Period: metricsQ1,
				OrderBy: []creditdesk.MetricsOrder{{Dimension: &prod}}},
			"order by period without a grain": {Measures: mMeasures("SALES"), Period: metricsQ1,
				OrderBy: []creditdesk.MetricsOrder{{Period: new(true)}}},
			"period backwards": {Measures: mMeasures("SALES"), Period: salesPeriod("2025-02-01", "2025-01-01")},
			"receivables on more than 400 days": {Measures: mMeasures("OPEN_RECEIVABLES"), Grain: mGrain("DAY"),
				Period: salesPeriod("2024-01-01", "2025-03-31")},
		}
		for name, q := range bad {
			if _, err := store.Metrics(f.ctx, q); creditdesk.ErrorCode(err) != creditdesk.EINVALID {
				t.Errorf("%s: %v, want BAD_USER_INPUT", name, err)
			}
		}
	})
}

// TestMetricsCompilerWhitelist feeds the compiler values the GraphQL enums
// would never let through, and checks that user strings reach the SQL only
// as quoted literals.
func TestMetricsCompilerWhitelist(t *testing.T) {
	ctx := context.Background()
	t.Run("unknown enum values are refused before any SQL is built", func(t *testing.T) {
		evil := "SALES; DROP TABLE customers"
		g := creditdesk.TimeGrain("DECADE")
		dir := creditdesk.SortDirection("DESC; DROP TABLE customers")
		m := creditdesk.MeasureSales
		for name, q := range map[string]creditdesk.MetricsQuery{
			"measure":   {Measures: mMeasures(creditdesk.Measure(evil)), Period: metricsQ1},
			"dimension": {Measures: mMeasures("SALES"), Dimensions: mDims(creditdesk.Dimension("c.name) FROM users --")), Period: metricsQ1},
			"grain":     {Measures: mMeasures("SALES"), Grain: &g, Period: metricsQ1},
			"direction": {Measures: mMeasures("SALES"), Period: metricsQ1, OrderBy: []creditdesk.MetricsOrder{{Measure: &m, Direction: dir}}},
		} {
			sql, err := postgres.CompileMetricsSQL(ctx, q)
			if creditdesk.ErrorCode(err) != creditdesk.EINVALID || sql != "" {
				t.Errorf("%s: %v (sql %q), want BAD_USER_INPUT and no SQL", name, err, sql)
			}
		}
	})

	t.Run("filter values are literals: the SQL's tokens outside literals come from the whitelist", func(t *testing.T) {
		// The reference compiles every measure and dimension with benign
		// filter values; the hostile query sends the same shape with
		// strings that try to break out of their literals.
		full := creditdesk.MetricsQuery{
			Measures:   mMeasures("SALES", "COST", "GROSS_PROFIT", "GROSS_MARGIN", "QUANTITY", "INVOICE_COUNT", "CUSTOMER_COUNT"),
			Dimensions: mDims("INDUSTRY", "OFFICE", "REP", "PRODUCT", "PRODUCT_CATEGORY", "DEALER_TYPE", "CREDIT_CLASS", "CUSTOMER"),
			Grain:      mGrain("WEEK"), Period: metricsQ1,
			ProductCodes: []string{"a"}, ProductCategories: []string{"b"},
		}
		search := "x"
		full.Filter = &creditdesk.CustomerFilter{Codes: []string{"c"}, OfficeCodes: []string{"d"}, Search: &search}
		ref, err := postgres.CompileMetricsSQL(ctx, full)
		if err != nil {
			t.Fatal(err)
		}
		hostile := full
		evil := `x'); DROP TABLE customers; --`
		hostile.ProductCodes = []string{evil, `\'; SELECT pg_sleep(10) --`}
		hostile.ProductCategories = []string{`"; DELETE FROM sales_lines`}
		hostile.Filter = &creditdesk.CustomerFilter{Codes: []string{evil}, OfficeCodes: []string{"' OR 1=1 --"}, Search: &evil}
		got, err := postgres.CompileMetricsSQL(ctx, hostile)
		if err != nil {
			t.Fatal(err)
		}
		allowed := map[string]bool{}
		for _, tok := range metricsSQLTokens(ref) {
			allowed[tok] = true
		}
		for _, tok := range metricsSQLTokens(got) {
			if !allowed[tok] {
				t.Errorf("token %q outside the whitelist's fragments:\n%s", tok, got)
			}
		}
	})
}

var (
	metricsSQLLiteral = regexp.MustCompile(`'(?:[^']|'')*'`)
	metricsSQLToken   = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*|[^\sA-Za-z0-9_]`)
)

// metricsSQLTokens returns the words and symbols of a SQL text outside its string
// literals.
func metricsSQLTokens(sql string) []string {
	return metricsSQLToken.FindAllString(metricsSQLLiteral.ReplaceAllString(sql, "''"), -1)
}

// TestMetricsOneStatement checks that a metrics query is one statement,
// however many rows it returns.
func TestMetricsOneStatement(t *testing.T) {
	f, _ := metricsFixture(t)
	store := postgres.MetricsStore{DB: f.db}
	for _, q := range []creditdesk.MetricsQuery{
		{Measures: mMeasures("SALES"), Period: metricsQ1},
		{Measures: mMeasures("SALES", "OPEN_RECEIVABLES", "CUSTOMER_COUNT"), Dimensions: mDims("CUSTOMER", "OFFICE"), Grain: mGrain("MONTH"), Period: metricsQ1},
	} {
		var c postgres.StatementCounter
		if _, err := store.Metrics(postgres.WithStatementCounter(f.ctx, &c), q); err != nil {
			t.Fatal(err)
		}
		if c.Count() != 1 {
			t.Errorf("%d statements, want 1", c.Count())
		}
	}
}

// TestMetricsBuckets works the time buckets out by hand: calendar buckets,
// the first starting on or before the period, the ends clipped to it.
func TestMetricsBuckets(t *testing.T) {
	show := func(p creditdesk.Period, g *creditdesk.TimeGrain) string {
		var parts []string
		for _, b := range creditdesk.MetricsBuckets(p, g) {
			s := b.Start.String() + ".." + b.End.String()
			if b.Last {
				s += "*"
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	for _, c := range []struct {
		p    creditdesk.Period
		g    *creditdesk.TimeGrain
		want string
	}{
		{salesPeriod("2025-01-15", "2025-03-10"), nil, "2025-01-15..2025-03-10*"},
		// 2025-01-01 is a Wednesday: its ISO week starts on Monday 2024-12-30.
		{salesPeriod("2025-01-01", "2025-01-13"), mGrain("WEEK"), "2024-12-30..2025-01-05 2025-01-06..2025-01-12 2025-01-13..2025-01-13*"},
		{salesPeriod("2025-01-15", "2025-03-31"), mGrain("MONTH"), "2025-01-01..2025-01-31 2025-02-01..2025-02-28 2025-03-01..2025-03-31*"},
		{salesPeriod("2024-11-30", "2025-05-01"), mGrain("QUARTER"), "2024-10-01..2024-12-31 2025-01-01..2025-03-31 2025-04-01..2025-05-01*"},
		{salesPeriod("2024-02-29", "2025-01-01"), mGrain("YEAR"), "2024-01-01..2024-12-31 2025-01-01..2025-01-01*"},
		{salesPeriod("2024-02-28", "2024-03-01"), mGrain("DAY"), "2024-02-28..2024-02-28 2024-02-29..2024-02-29 2024-03-01..2024-03-01*"},
	} {
		if got := show(c.p, c.g); got != c.want {
			t.Errorf("%v %v: %s\n   want %s", c.p, c.g, got, c.want)
		}
	}
}
