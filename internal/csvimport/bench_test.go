package csvimport

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"creditdesk/internal/pgtest"
)

// writeSalesData writes a data set of 2,000 customers, 500 products,
// 200,000 invoices and lines lines (five per invoice, the last few invoices
// with fewer), shipped over three and a half years in date order, into two
// directories: master data and invoices in the first, sales_lines.csv alone
// in the second.
func writeSalesData(b *testing.B, lines int) (setup, sales string) {
	b.Helper()
	setup, sales = b.TempDir(), b.TempDir()
	create := func(dir, name string) (*bufio.Writer, func()) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		return w, func() {
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
	const customers, products = 2000, 500
	rng := rand.New(rand.NewPCG(1, 2))

	w, done := create(setup, "offices.csv")
	fmt.Fprint(w, "code,name\nBJ,北京办事处\n")
	done()
	w, done = create(setup, "products.csv")
	fmt.Fprint(w, "code,name,category\n")
	for p := 1; p <= products; p++ {
		fmt.Fprintf(w, "P%04d,产品%d,C%d\n", p, p, p%7)
	}
	done()
	w, done = create(setup, "customers.csv")
	fmt.Fprint(w, "code,name,industry,office_code\n")
	for c := 1; c <= customers; c++ {
		fmt.Fprintf(w, "K%05d,客户%d贸易有限公司,OTHER,BJ\n", c, c)
	}
	done()

	invoices := (lines + 4) / 5
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	span := 3*365 + 182
	inv, doneInv := create(setup, "invoices.csv")
	fmt.Fprint(inv, "number,customer_code,ship_date,amount\n")
	sl, doneSL := create(sales, "sales_lines.csv")
	fmt.Fprint(sl, "invoice_number,customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount,currency,exchange_rate\n")
	written := 0
	for i := 0; i < invoices; i++ {
		// A long tail of customer sizes: squaring favours low codes.
		r := rng.Float64()
		cust := 1 + int(r*r*customers)
		ship := start.AddDate(0, 0, i*span/invoices).Format(time.DateOnly)
		var cents int64
		for l := 0; l < 5 && written < lines; l++ {
			qty := 1 + rng.IntN(40)
			priceCents := int64(1000 + rng.IntN(90000))
			amount := int64(qty) * priceCents
			cost := amount * int64(55+rng.IntN(25)) / 100
			if rng.IntN(50) == 0 { // a return
				qty, amount, cost = -qty, -amount, -cost
			}
			cents += amount
			fmt.Fprintf(sl, "INV%07d,K%05d,P%04d,%s,%d,%d.%02d,%s,%s,CNY,1\n", i+1, cust, 1+rng.IntN(products), ship,
				qty, priceCents/100, priceCents%100, money2(amount), money2(cost))
			written++
		}
		if cents <= 0 {
			cents = 100
		}
		fmt.Fprintf(inv, "INV%07d,K%05d,%s,%s\n", i+1, cust, ship, money2(cents))
	}
	doneInv()
	doneSL()
	return setup, sales
}

// money2 writes cents as a decimal with two places.
func money2(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

// BenchmarkImportMillionSalesLines times `creditdesk import` of a
// 1,000,000-line sales_lines.csv (COPY, validation, insert, indexes,
// foreign keys and the monthly rollup trigger) into a database that already
// holds its customers, products and 200,000 invoices. Run it with
//
//	go test ./internal/csvimport -run '^$' -bench MillionSalesLines -benchtime 1x
func BenchmarkImportMillionSalesLines(b *testing.B) {
	setup, sales := writeSalesData(b, 1_000_000)
	for b.Loop() {
		b.StopTimer()
		db := pgtest.New(b)
		if _, err := ImportDir(b.Context(), db, Options{Dir: setup}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := ImportDir(b.Context(), db, Options{Dir: sales})
		if err != nil {
			b.Fatal(err)
		}
		p := res.Files[0]
		b.ReportMetric(p.RowsPerSecond(), "rows/s")
		b.Log(p)
	}
}

// BenchmarkImportLedger times the ledger files of 100,000 invoices: a
// payment for each, 30 to 90 days after shipping, half of them with an
// explicit allocation and half allocated FIFO, so the open-balance check and
// FIFO are shown to scale.
func BenchmarkImportLedger(b *testing.B) {
	const invoices = 100_000
	setup, ledger := b.TempDir(), b.TempDir()
	write := func(dir, name string, fill func(w *bufio.Writer)) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fill(w)
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	type inv struct {
		cust  int
		ship  time.Time
		cents int64
	}
	all := make([]inv, invoices)
	for i := range all {
		all[i] = inv{cust: 1 + rng.IntN(1000), ship: start.AddDate(0, 0, i*1000/invoices), cents: int64(10000 + rng.IntN(5000000))}
	}
	write(setup, "offices.csv", func(w *bufio.Writer) { fmt.Fprint(w, "code,name\nBJ,北京办事处\n") })
	write(setup, "customers.csv", func(w *bufio.Writer) {
		fmt.Fprint(w, "code,name,industry,office_code\n")
		for c := 1; c <= 1000; c++ {
			fmt.Fprintf(w, "K%05d,客户%d,OTHER,BJ\n", c, c)
		}
	})
	write(setup, "invoices.csv", func(w *bufio.Writer) {
		fmt.Fprint(w, "number,customer_code,ship_date,amount\n")
		for i, v := range all {
			fmt.Fprintf(w, "INV%07d,K%05d,%s,%s\n", i+1, v.cust, v.ship.Format(time.DateOnly), money2(v.cents))
		}
	})
	write(ledger, "payments.csv", func(w *bufio.Writer) {
		fmt.Fprint(w, "reference,customer_code,date,method,amount\n")
		for i, v := range all {
			fmt.Fprintf(w, "PAY%07d,K%05d,%s,TRANSFER,%s\n", i+1, v.cust, v.ship.AddDate(0, 0, 30+rng.IntN(60)).Format(time.DateOnly), money2(v.cents))
		}
	})
	write(ledger, "allocations.csv", func(w *bufio.Writer) {
		fmt.Fprint(w, "payment_reference,invoice_number,amount\n")
		for i, v := range all {
			if i%2 == 0 {
				fmt.Fprintf(w, "PAY%07d,INV%07d,%s\n", i+1, i+1, money2(v.cents))
			}
		}
	})
	for b.Loop() {
		b.StopTimer()
		db := pgtest.New(b)
		if _, err := ImportDir(b.Context(), db, Options{Dir: setup}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := ImportDir(b.Context(), db, Options{Dir: ledger})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range res.Files {
			b.Log(p)
		}
	}
}
