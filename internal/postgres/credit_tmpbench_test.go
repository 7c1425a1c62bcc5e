package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

func TestCreditTmpBench(t *testing.T) {
	url := os.Getenv("CDX_BENCH_URL")
	if url == "" {
		return
	}
	db, err := postgres.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	s := postgres.CreditStore{DB: db}
	ctx := context.Background()
	for _, d := range []string{"2025-12-31", "2025-06-30", "2024-03-31"} {
		asOf := creditdesk.MustParseDate(d)
		for i := 0; i < 2; i++ {
			t0 := time.Now()
			rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{AsOf: asOf})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("aging %s: %d rows total %s in %v", d, len(rep.Rows), rep.Totals.Total.String(), time.Since(t0))
			t0 = time.Now()
			rep, err = s.AgingReport(ctx, creditdesk.AgingQuery{AsOf: asOf, Collection: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("aging+DSO %s: %d rows dso %v in %v", d, len(rep.Rows), rep.Totals.DSO, time.Since(t0))
			t0 = time.Now()
			rep, err = s.AgingReport(ctx, creditdesk.AgingQuery{AsOf: asOf, GroupBy: creditdesk.AgingByOffice})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("aging by office %s: %d rows in %v", d, len(rep.Rows), time.Since(t0))
			t0 = time.Now()
			page, err := s.CreditPositions(ctx, creditdesk.CreditPositionQuery{AsOf: &asOf, Page: creditdesk.Page{First: 50}})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("positions %s: total %d first %s in %v", d, page.TotalCount, page.Edges[0].Node.Customer.Code, time.Since(t0))
			t0 = time.Now()
			_, err = s.CreditPosition(ctx, "C000123", &asOf)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("position one %s in %v", d, time.Since(t0))
			ids := make([]int64, 50)
			for j := range ids {
				ids[j] = int64(j*37 + 1)
			}
			t0 = time.Now()
			if _, err = s.CustomerCreditPositions(ctx, ids, &asOf); err != nil {
				t.Fatal(err)
			}
			t.Logf("position batch 50 %s in %v", d, time.Since(t0))
			t0 = time.Now()
			m := asOf.Month()
			br, err := s.CollectionBreaches(ctx, m, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("breaches %s: %d lines in %v", m, len(br.Lines), time.Since(t0))
			t0 = time.Now()
			lw, err := s.LimitationWatch(ctx, asOf, 90, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("limitation %s: %d in %v", d, len(lw), time.Since(t0))
			t0 = time.Now()
			ni, err := s.NoteInterest(ctx, creditdesk.Period{From: asOf.AddDays(-365), To: asOf}, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("note interest %s: %d in %v", d, len(ni.Charges), time.Since(t0))
			t0 = time.Now()
			f := &creditdesk.CustomerFilter{RepUsernames: []string{"rep007"}}
			rep, err = s.AgingReport(ctx, creditdesk.AgingQuery{AsOf: asOf, Filter: f})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("aging rep7 %s: %d rows in %v", d, len(rep.Rows), time.Since(t0))
			t0 = time.Now()
			page, err = s.CreditPositions(ctx, creditdesk.CreditPositionQuery{AsOf: &asOf, Filter: f, Page: creditdesk.Page{First: 50}})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("positions rep7 %s: total %d in %v", d, page.TotalCount, time.Since(t0))
		}
	}
}
