package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"creditdesk/bench"
	"creditdesk/internal/creditdesk"
	"creditdesk/internal/demo"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// BenchmarkEvaluateCreditClasses times `creditdesk evaluate` — every
// customer evaluated and stored in one statement — on a demo data set:
// medium by default, CREDITDESK_BENCH_SCALE=large for 20,000 customers,
// 1,000,000 invoices and 5,000,000 sales lines (the target is 10 s). The
// data set is built once into a template database (slow the first time).
//
//	CREDITDESK_BENCH_SCALE=large go test ./internal/postgres -run '^$' -bench EvaluateCreditClasses -benchtime 3x
func BenchmarkEvaluateCreditClasses(b *testing.B) {
	scale := demo.ScaleMedium
	if s := os.Getenv("CREDITDESK_BENCH_SCALE"); s != "" {
		var err error
		if scale, err = demo.ParseScale(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	srv, err := pgtest.Default(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ds := bench.DataSet{Scale: scale, Seed: 1, End: bench.DefaultEnd}
	if _, err := bench.EnsureTemplate(ctx, srv, ds, b.Logf); err != nil {
		b.Fatal(err)
	}
	db := pgtest.NewFrom(b, ds.TemplateName())
	asOf := creditdesk.DateOf(bench.DefaultEnd)
	b.ResetTimer()
	var took time.Duration
	for i := 0; i < b.N; i++ {
		sum, err := postgres.EvaluateCreditClasses(ctx, db, asOf)
		if err != nil {
			b.Fatal(err)
		}
		took += sum.Took
		if i == 0 {
			b.Log(sum)
		}
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "s/evaluation")
}
