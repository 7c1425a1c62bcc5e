package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/csvimport"
	"creditdesk/internal/demo"
	"creditdesk/internal/postgres"
)

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("creditdesk "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

func cmdMigrate(ctx context.Context, env *environment, args []string) error {
	action := "up"
	if len(args) > 0 {
		action = args[0]
	}
	db, err := env.database(ctx, false)
	if err != nil {
		return err
	}
	switch action {
	case "up":
		applied, err := postgres.Migrate(ctx, db)
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(env.stdout(), "nothing to migrate")
		}
		for _, name := range applied {
			fmt.Fprintln(env.stdout(), "applied", name)
		}
	case "down":
		rolled, err := postgres.Rollback(ctx, db)
		if err != nil {
			return err
		}
		for _, name := range rolled {
			fmt.Fprintln(env.stdout(), "rolled back", name)
		}
	case "status":
		lines, err := postgres.MigrationStatus(ctx, db)
		if err != nil {
			return err
		}
		for _, l := range lines {
			fmt.Fprintln(env.stdout(), l)
		}
	default:
		return fmt.Errorf("migrate: unknown action %q (want up, down or status)", action)
	}
	return nil
}

func cmdImport(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("import")
	dir := fs.String("dir", "", "directory holding the CSV files")
	by := fs.String("user", "admin", "username recorded as the importer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("import: --dir is required")
	}
	if _, err := env.database(ctx, true); err != nil {
		return err
	}
	return importDir(ctx, env, *dir, *by)
}

func importDir(ctx context.Context, env *environment, dir, by string) error {
	start := time.Now()
	res, err := csvimport.ImportDir(ctx, env.db, csvimport.Options{
		Dir:        dir,
		ImportedBy: by,
		Progress:   func(p csvimport.FileProgress) { fmt.Fprintln(os.Stderr, p.String()) },
	})
	if err != nil {
		return err
	}
	var rows int64
	for _, f := range res.Files {
		rows += f.Rows
	}
	fmt.Fprintf(os.Stderr, "imported batch %d: %d files, %d rows in %s\n",
		res.BatchID, len(res.Files), rows, time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdDemo(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("demo")
	scale := fs.String("scale", "small", "small (≈200 customers), medium (≈2,000) or large (≈20,000)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed and end give the same rows")
	end := fs.String("end", "", "last day of history, YYYY-MM-DD (default yesterday)")
	out := fs.String("out", "", "write the CSV files to this directory instead of loading them")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts, err := demoOptions(*scale, *seed, *end)
	if err != nil {
		return err
	}
	if *out != "" {
		sum, err := demo.Write(ctx, opts, *out)
		if err != nil {
			return err
		}
		for name, n := range sum.Files {
			fmt.Fprintf(os.Stderr, "%-22s %10d rows\n", name, n)
		}
		return nil
	}
	if _, err := env.database(ctx, true); err != nil {
		return err
	}
	return loadDemo(ctx, env, opts)
}

func demoOptions(scale string, seed uint64, end string) (demo.Options, error) {
	sc, err := demo.ParseScale(scale)
	if err != nil {
		return demo.Options{}, err
	}
	endDate := creditdesk.DateOf(time.Now()).AddDays(-1)
	if end != "" {
		if endDate, err = creditdesk.ParseDate(end); err != nil {
			return demo.Options{}, fmt.Errorf("--end: %q: %v", end, err)
		}
	}
	return demo.Options{Scale: sc, Seed: seed, End: endDate.Time()}, nil
}

// loadDemo writes the demo CSV files to a temporary directory and imports
// them with the importer (COPY), so the demo goes through the same validation
// as any customer's data.
func loadDemo(ctx context.Context, env *environment, opts demo.Options) error {
	dir, err := os.MkdirTemp("", "creditdesk-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	if _, err := demo.Write(ctx, opts, dir); err != nil {
		return err
	}
	env.log.Info("demo data written", "scale", opts.Scale, "seed", opts.Seed, "took", time.Since(start).Round(time.Millisecond))
	return importDir(ctx, env, dir, "admin")
}

func cmdToken(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("token")
	user := fs.String("user", "", "username")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *user == "" {
		return fmt.Errorf("token: --user is required")
	}
	db, err := env.database(ctx, true)
	if err != nil {
		return err
	}
	u, err := postgres.UserStore{DB: db}.FindUserByUsername(ctx, *user)
	if err != nil {
		return err
	}
	tok, err := tokenSigner().Sign(u.Username)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout(), tok)
	return nil
}

func cmdEvaluate(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("evaluate")
	asOf := fs.String("as-of", "", "evaluation date, YYYY-MM-DD (default today in the policy's time zone)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := env.database(ctx, true)
	if err != nil {
		return err
	}
	date, err := dateOrToday(ctx, db, *asOf)
	if err != nil {
		return err
	}
	sum, err := postgres.EvaluateCreditClasses(ctx, db, date)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout(), sum.String())
	return nil
}

func cmdEvaluateDealers(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("evaluate-dealers")
	quarter := fs.String("quarter", "", "quarter to evaluate, YYYYQn")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q, err := creditdesk.ParseQuarter(*quarter)
	if err != nil {
		return fmt.Errorf("evaluate-dealers: --quarter %q: %v", *quarter, err)
	}
	db, err := env.database(ctx, true)
	if err != nil {
		return err
	}
	start := time.Now()
	sum, err := postgres.EvaluateDealers(ctx, db, q)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout(), "dealer evaluation %d of %s (policy version %d): %d dealers (%d incomplete); A %d, B %d, C %d; %d class changes; took %s\n",
		sum.EvaluationID, sum.Quarter, sum.PolicyVersion, sum.Dealers, sum.Incomplete,
		sum.ClassA, sum.ClassB, sum.ClassC, sum.ClassChanges, time.Since(start).Round(time.Millisecond))
	return nil
}

// dateOrToday parses s, or returns today in the time zone of the policy in
// force (DOMAIN.md §10) when s is empty.
func dateOrToday(ctx context.Context, db bun.IDB, s string) (creditdesk.Date, error) {
	if s != "" {
		d, err := creditdesk.ParseDate(s)
		if err != nil {
			return d, fmt.Errorf("--as-of %q: %v", s, err)
		}
		return d, nil
	}
	p, err := postgres.PolicyStore{DB: db}.CurrentPolicy(ctx)
	if err != nil {
		return creditdesk.Date{}, err
	}
	return creditdesk.Clock(nil).Today(p.Location()), nil
}
