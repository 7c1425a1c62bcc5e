// Package demo writes creditdesk's demo data set: three and a half years of
// a distributor's history (customers, sales, receivables, payments, notes,
// targets, visits, ratings …) as the CSV files of the import format
// (docs: API.md "CSV import format"). The same options give byte-identical
// files. The data is shaped so that every report has something to say:
// seasonality, a long tail of customer sizes, growing and declining
// customers, payer profiles from prompt to defaulting, returns, USD
// customers, dishonoured notes and a write-off.
package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// GeneratorVersion names the generator's output: it changes whenever the
// files written for the same Options change, so that anything keyed by a data
// set (benchmark templates, cached databases) can tell versions apart.
const GeneratorVersion = "1"

// Scale is the size of the demo data set: "small", "medium" or "large".
type Scale string

// The scales: small ≈ 200 customers and 50,000 sales lines; medium ≈ 2,000
// customers and 500,000 sales lines; large ≈ 20,000 customers, 5,000,000
// sales lines and 1,000,000 invoices.
const (
	ScaleSmall  Scale = "small"
	ScaleMedium Scale = "medium"
	ScaleLarge  Scale = "large"
)

// ParseScale reads a scale name; anything but small, medium or large is an
// error.
func ParseScale(s string) (Scale, error) {
	switch Scale(s) {
	case ScaleSmall, ScaleMedium, ScaleLarge:
		return Scale(s), nil
	}
	return "", fmt.Errorf("unknown scale %q (want small, medium or large)", s)
}

// Options choose the data set: its size, the seed of its random numbers and
// the last day of its history.
type Options struct {
	Scale Scale
	Seed  uint64
	// End is the last day of history: its calendar date (in End's location)
	// is used and nothing in the data set happens after it. Due dates and
	// note maturities may lie after it.
	End time.Time
}

// Summary reports what Write wrote.
type Summary struct {
	// Files maps each file name (e.g. "invoices.csv") to its number of data
	// rows, the header not counted.
	Files map[string]int
}

// FileNames returns the names of the files Write writes, in the import order
// of API.md. policy.csv is not written: the database's default policy
// applies.
func FileNames() []string { return slices.Clone(fileNames) }

var fileNames = []string{
	"offices.csv", "users.csv", "products.csv", "customers.csv", "invoices.csv", "sales_lines.csv",
	"payments.csv", "allocations.csv", "notes.csv", "note_allocations.csv", "writeoffs.csv", "targets.csv",
	"inventory.csv", "visits.csv", "demands.csv", "investigations.csv", "ratings.csv",
}

// headers are the header rows, in the order of fileNames.
var headers = []string{
	"code,name",
	"username,name,role,office_code",
	"code,name,category,unit_cost",
	"code,name,industry,relationship_class,demand_grade,dealer_type,business_type,office_code,rep_username,founded_on,registered_capital,employees,credit_limit,status,required_share,first_trade_on",
	"number,customer_code,ship_date,invoice_date,due_date,amount,currency,exchange_rate",
	"invoice_number,customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount,currency,exchange_rate",
	"reference,customer_code,date,method,amount,currency,exchange_rate",
	"payment_reference,invoice_number,amount",
	"number,kind,customer_code,drawer,bank,issue_date,received_date,maturity_date,amount,status,status_date",
	"note_number,invoice_number,amount",
	"invoice_number,date,amount,approved_by",
	"customer_code,month,amount,product_code",
	"customer_code,product_code,month,opening,closing",
	"customer_code,rep_username,date,kind,effective",
	"customer_code,date,channel,amount",
	"customer_code,date,source,operator,internal,funding,payment,kind",
	"customer_code,quarter,metric,score,rated_by",
}

// Write writes every CSV file of the data set chosen by opts into dir,
// creating dir if it is missing and replacing files of the same names. It
// returns the number of rows of each file. It stops with ctx's error when ctx
// is cancelled, leaving partial files behind.
func Write(ctx context.Context, opts Options, dir string) (Summary, error) {
	cfg, ok := scaleConfigs(opts.Scale)
	if !ok {
		return Summary{}, fmt.Errorf("demo: unknown scale %q", opts.Scale)
	}
	if opts.End.IsZero() {
		return Summary{}, errors.New("demo: no end date")
	}
	y, m, d := opts.End.Date()
	if y < 2000 || y > 9000 {
		return Summary{}, fmt.Errorf("demo: end date %s out of range", opts.End.Format(time.DateOnly))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	files := make([]*csvFile, len(fileNames))
	closeAll := func() error {
		var first error
		for _, f := range files {
			if f != nil {
				if err := f.close(); err != nil && first == nil {
					first = fmt.Errorf("demo: %s: %w", f.name, err)
				}
			}
		}
		return first
	}
	for i, name := range fileNames {
		f, err := createCSV(dir, name, headers[i])
		if err != nil {
			_ = closeAll()
			return Summary{}, fmt.Errorf("demo: %w", err)
		}
		files[i] = f
	}
	g := newGenerator(cfg, opts.Seed, dayOf(y, int(m), d), files)
	runErr := g.run(ctx)
	closeErr := closeAll()
	if runErr != nil {
		return Summary{}, runErr
	}
	if closeErr != nil {
		return Summary{}, closeErr
	}
	sum := Summary{Files: make(map[string]int, len(files))}
	for _, f := range files {
		sum.Files[f.name] = f.rows
	}
	return sum, nil
}

// scaleConfig sizes a data set.
type scaleConfig struct {
	customers int
	products  int
	offices   int
}

func scaleConfigs(s Scale) (scaleConfig, bool) {
	switch s {
	case ScaleSmall:
		return scaleConfig{customers: 200, products: 40, offices: 8}, true
	case ScaleMedium:
		return scaleConfig{customers: 2000, products: 150, offices: 10}, true
	case ScaleLarge:
		return scaleConfig{customers: 20000, products: 400, offices: 12}, true
	}
	return scaleConfig{}, false
}
