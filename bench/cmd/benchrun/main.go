// Command benchrun runs creditdesk's benchmark suite: it ensures a
// PostgreSQL (the checkout's private cluster, or DATABASE_URL), builds once
// and keeps a template database holding the demo data set of the chosen
// scale, clones it, starts creditdesk (`creditdesk serve`, production
// settings) and PostGraphile 5 (production mode) on loopback ports, checks
// that the floor's hand-written SQL and creditdesk give identical figures,
// then measures every query at concurrency 1 and 8, creditdesk, floor and
// peer in alternation, and prints the table (also written, with the raw
// numbers as JSON, to bench/results/).
//
//	go run ./bench/cmd/benchrun --scale medium
//	go run ./bench/cmd/benchrun --scale large --duration 10s --warmup 3s
//	go run ./bench/cmd/benchrun --scale medium --only account_page,aging_customer
//
// With --import N it measures the import instead: `creditdesk import` of the
// data set's CSV files against the import's floor (the same rows COPY'd
// typed into the tables), N timed loads of each, taken in turn.
//
//	go run ./bench/cmd/benchrun --scale large --import 2
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"creditdesk/bench"
	"creditdesk/internal/demo"
	"creditdesk/internal/devdb"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

func run() error {
	scale := flag.String("scale", "medium", "data set: small, medium or large")
	seed := flag.Uint64("seed", 1, "demo data seed")
	end := flag.String("end", bench.DefaultEnd.Format(time.DateOnly), "last day of the demo history")
	duration := flag.Duration("duration", 10*time.Second, "measured time per query, target and concurrency")
	warmup := flag.Duration("warmup", 3*time.Second, "warm-up per query and target, before measuring")
	slice := flag.Duration("slice", 2*time.Second, "the targets take turns in slices of this length")
	conc := flag.String("concurrency", "1,8", "concurrency levels")
	only := flag.String("only", "", "comma-separated query names (default: all)")
	noPeer := flag.Bool("no-peer", false, "leave PostGraphile out")
	workers := flag.Int("peer-workers", 2, "PostGraphile node processes (node:cluster); one per core is PostGraphile's advice")
	cacheMB := flag.Int("response-cache-mb", 0, "creditdesk's response cache (0: off, every request computed like the floor's and the peer's)")
	checkOnly := flag.Bool("check", false, "only check that floor and creditdesk agree; measure nothing")
	rebuild := flag.Bool("rebuild", false, "drop and rebuild the data set's template database")
	importRuns := flag.Int("import", 0, "measure the import instead of the queries: this many loads of creditdesk import and of its floor")
	out := flag.String("out", "", "results directory (default bench/results in the checkout)")
	flag.Parse()

	sc, err := demo.ParseScale(*scale)
	if err != nil {
		return err
	}
	endDate, err := time.Parse(time.DateOnly, *end)
	if err != nil {
		return fmt.Errorf("--end: %w", err)
	}
	var levels []int
	for _, s := range strings.Split(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 64 {
			return fmt.Errorf("--concurrency: %q", s)
		}
		levels = append(levels, n)
	}
	if *slice > *duration {
		*slice = *duration
	}
	var names []string
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	dir := *out
	if dir == "" {
		root, err := devdb.FindRepoRoot()
		if err != nil {
			return err
		}
		dir = filepath.Join(root, "bench", "results")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "[%6.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
	data := bench.DataSet{Scale: sc, Seed: *seed, End: endDate}
	if *importRuns > 0 {
		res, err := bench.RunImport(ctx, bench.ImportOptions{Data: data, Runs: *importRuns, ResultsDir: dir, Logf: logf})
		if res != nil {
			fmt.Println(bench.ImportMarkdown(res))
			logf("done; results in %s", dir)
		}
		return err
	}
	res, err := bench.Run(ctx, bench.Options{
		Data: data,
		Load: bench.LoadOptions{Warmup: *warmup, Duration: *duration, Slice: *slice, Concurrency: levels,
			MaxRequests: 1_000_000},
		Only: names, NoPeer: *noPeer, PeerWorkers: *workers, ResponseCacheMB: *cacheMB, CheckOnly: *checkOnly,
		ResultsDir: dir, Rebuild: *rebuild, Logf: logf,
	})
	if res != nil {
		fmt.Println(bench.Markdown(res))
		logf("done; results in %s", dir)
		if n := res.Mismatches(); n > 0 {
			return fmt.Errorf("%d queries: the floor and creditdesk give different figures (see MISMATCH above)", n)
		}
	}
	return err
}
