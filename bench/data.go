package bench

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"creditdesk/internal/csvimport"
	"creditdesk/internal/demo"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// DataSet names a demo data set: the template database holding it is keyed
// by all of these, so a new generator version or a changed migration gets a
// fresh template and an old one is never used by mistake.
type DataSet struct {
	Scale demo.Scale
	Seed  uint64
	// End is the last day of history; fixed (not "yesterday") so that the
	// same data set is the same rows on any day.
	End time.Time
}

// DefaultEnd is the last day of the benchmark's history.
var DefaultEnd = time.Date(2025, time.December, 31, 0, 0, 0, 0, time.UTC)

// templateBuild versions how EnsureTemplate builds a template (the import,
// then the steps after it), so that a changed build makes new templates.
const templateBuild = "2"

// TemplateName is the name of the template database holding d.
func (d DataSet) TemplateName() string {
	return fmt.Sprintf("bench_%s_s%d_g%s_b%s_%s_%s", d.Scale, d.Seed, demo.GeneratorVersion, templateBuild,
		postgres.MigrationsChecksum(), d.End.Format("20060102"))
}

// WriteCSV writes the data set as the importer's CSV files into dir and
// returns the number of data rows written.
func (d DataSet) WriteCSV(ctx context.Context, dir string) (int64, error) {
	sum, err := demo.Write(ctx, demo.Options{Scale: d.Scale, Seed: d.Seed, End: d.End}, dir)
	if err != nil {
		return 0, err
	}
	var rows int64
	for _, n := range sum.Files {
		rows += int64(n)
	}
	return rows, nil
}

// BuildInfo is what building a template measured.
type BuildInfo struct {
	Template       string  `json:"template"`
	Built          bool    `json:"built_now"`
	GenerateSecs   float64 `json:"generate_seconds,omitempty"`
	ImportSecs     float64 `json:"import_seconds,omitempty"`
	ImportRows     int64   `json:"import_rows,omitempty"`
	ImportRowsPerS float64 `json:"import_rows_per_second,omitempty"`
	VacuumSecs     float64 `json:"vacuum_analyze_seconds,omitempty"`
	TotalSecs      float64 `json:"total_seconds"`
}

// EnsureTemplate returns the template database holding d on srv, building it
// when it does not exist: the demo data set is written as CSV files to a
// temporary directory, loaded with the importer (the same COPY and
// validation as `creditdesk import`), vacuumed and analyzed, so clones start
// with visibility maps and statistics.
func EnsureTemplate(ctx context.Context, srv *pgtest.Server, d DataSet, logf func(string, ...any)) (BuildInfo, error) {
	info := BuildInfo{Template: d.TemplateName()}
	start := time.Now()
	migrated, err := srv.Template(ctx)
	if err != nil {
		return info, fmt.Errorf("migrated template: %w", err)
	}
	_, err = srv.EnsureTemplateFrom(ctx, info.Template, migrated, func(ctx context.Context, url string) error {
		info.Built = true
		dir, err := os.MkdirTemp("", "creditdesk-bench-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		logf("data: writing the %s demo data set (seed %d, ending %s)", d.Scale, d.Seed, d.End.Format(time.DateOnly))
		t := time.Now()
		lines, err := d.WriteCSV(ctx, dir)
		if err != nil {
			return err
		}
		info.GenerateSecs = time.Since(t).Seconds()
		logf("data: %d rows written in %.1fs", lines, info.GenerateSecs)

		db, err := postgres.Open(url)
		if err != nil {
			return err
		}
		t = time.Now()
		res, err := csvimport.ImportDir(ctx, db, csvimport.Options{Dir: dir, ImportedBy: "admin"})
		db.Close()
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		info.ImportSecs = time.Since(t).Seconds()
		for _, f := range res.Files {
			info.ImportRows += f.Rows
		}
		info.ImportRowsPerS = float64(info.ImportRows) / info.ImportSecs
		logf("data: imported %d rows in %.1fs (%.0f rows/s)", info.ImportRows, info.ImportSecs, info.ImportRowsPerS)

		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		t = time.Now()
		// The private cluster commits asynchronously (synchronous_commit
		// off), and PostgreSQL sets no hint bit on a row whose transaction's
		// commit record is not yet on disk: VACUUM then freezes such rows but
		// leaves their pages out of the visibility map, and index-only scans
		// visit the heap. A transaction committed synchronously after the
		// import's waits until the WAL is on disk up to its own commit, so
		// up to the import's too.
		if _, err := conn.Exec(ctx, "SET synchronous_commit = on"); err != nil {
			return err
		}
		if _, err := conn.Exec(ctx, "SELECT pg_current_xact_id()"); err != nil {
			return fmt.Errorf("flush the import's commit: %w", err)
		}
		if _, err := conn.Exec(ctx, "VACUUM (FREEZE, ANALYZE)"); err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
		info.VacuumSecs = time.Since(t).Seconds()
		logf("data: vacuumed and analyzed in %.1fs", info.VacuumSecs)
		return nil
	})
	info.TotalSecs = time.Since(start).Seconds()
	if err == nil && info.Built {
		// Templates of the same scale and seed built for older migrations or
		// generator versions are dead weight (gigabytes for large); one in
		// use right now is skipped.
		if derr := srv.DropTemplates(ctx, fmt.Sprintf("bench_%s_s%d_", d.Scale, d.Seed), info.Template); derr != nil {
			logf("data: dropping older templates: %v", derr)
		}
	}
	return info, err
}

// TableSizes counts the rows of the main tables and the database's size.
func TableSizes(ctx context.Context, conn interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range []string{"customers", "invoices", "sales_lines", "payments", "settlements", "notes",
		"products", "offices", "inventory_snapshots", "targets", "dealer_ratings", "sales_customer_months"} {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{t}.Sanitize()).Scan(&n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	var size int64
	if err := conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&size); err != nil {
		return nil, err
	}
	out["database_bytes"] = size
	return out, nil
}
