package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"creditdesk/internal/csvimport"
	"creditdesk/internal/devdb"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// The import benchmark times `creditdesk import` of a demo data set's CSV
// files against the import's floor: the same rows, already typed, written
// by COPY in PostgreSQL's binary format straight into the tables of a
// freshly migrated database in one transaction, with nothing parsed,
// resolved, checked or derived. Both load into a database on disk (never
// the RAM tablespace of small test clones), after a CHECKPOINT, and take
// turns run by run so that a drift of the machine's speed touches both.

// ImportOptions configure the import benchmark.
type ImportOptions struct {
	Data DataSet
	// Runs is the number of timed loads of each target.
	Runs       int
	ResultsDir string
	Logf       func(string, ...any)
}

// ImportRun is one timed load.
type ImportRun struct {
	Target  string  `json:"target"`
	Run     int     `json:"run"`
	Seconds float64 `json:"seconds"`
	// RowsPerSec is the CSV files' rows over Seconds, for both targets, so
	// that the two rates compare the same work.
	RowsPerSec float64 `json:"rows_per_second"`
	// Files, for creditdesk, is the import's own progress: each file's
	// rows and time, in load order (the ledger's posting is timed with the
	// last ledger file, as `creditdesk import` prints it).
	Files []ImportFile `json:"files,omitempty"`
}

// ImportFile is one file of a creditdesk import run.
type ImportFile struct {
	File    string  `json:"file"`
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
}

// ImportResults are what the import benchmark measured.
type ImportResults struct {
	RunInfo
	// CSVRows is the number of data rows in the CSV files.
	CSVRows int64 `json:"csv_rows"`
	// TableRows is what the floor writes: every table of the loaded data
	// set that holds rows, with its row count.
	TableRows map[string]int64 `json:"table_rows"`
	Runs      []ImportRun      `json:"runs"`
}

// RunImport runs the import benchmark.
func RunImport(ctx context.Context, o ImportOptions) (*ImportResults, error) {
	logf := o.Logf
	res := &ImportResults{RunInfo: newRunInfo(o.Data)}
	root, err := devdb.FindRepoRoot()
	if err != nil {
		return nil, err
	}
	srv, err := pgtest.Default(ctx)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	build, err := EnsureTemplate(ctx, srv, o.Data, logf)
	if err != nil {
		return nil, err
	}
	migrated, err := srv.Template(ctx)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "creditdesk-bench-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	csvDir := filepath.Join(tmp, "csv")
	if res.CSVRows, err = o.Data.WriteCSV(ctx, csvDir); err != nil {
		return nil, err
	}
	logf("import: %d CSV rows written to %s", res.CSVRows, csvDir)

	floorDir := filepath.Join(tmp, "floor")
	src, err := srv.CloneDatabase(ctx, build.Template)
	if err != nil {
		return nil, err
	}
	if conn, err := pgx.Connect(ctx, srv.URL(src)); err == nil {
		res.Machine = machine(ctx, conn, root, true)
		conn.Close(ctx)
	}
	res.TableRows, err = DumpFloorTables(ctx, srv.URL(src), floorDir)
	if derr := srv.DropDatabase(context.WithoutCancel(ctx), src); derr != nil {
		logf("drop %s: %v", src, derr)
	}
	if err != nil {
		return nil, fmt.Errorf("floor: dump: %w", err)
	}
	var tableRows int64
	for _, n := range res.TableRows {
		tableRows += n
	}
	logf("import: the floor's %d tables (%d rows) dumped in binary COPY format", len(res.TableRows), tableRows)

	var files []ImportFile // the last creditdesk run's
	load := map[string]func(url string) error{
		targetCreditdesk: func(url string) error {
			db, err := postgres.Open(url)
			if err != nil {
				return err
			}
			defer db.Close()
			r, err := csvimport.ImportDir(ctx, db, csvimport.Options{Dir: csvDir, ImportedBy: "admin"})
			if err != nil {
				return err
			}
			var n int64
			files = files[:0]
			for _, f := range r.Files {
				n += f.Rows
				files = append(files, ImportFile{File: f.File, Rows: f.Rows, Seconds: f.Elapsed.Seconds()})
			}
			if n != res.CSVRows {
				return fmt.Errorf("imported %d rows of %d", n, res.CSVRows)
			}
			return nil
		},
		targetFloor: func(url string) error {
			got, err := LoadFloorTables(ctx, url, floorDir, res.TableRows)
			if err != nil {
				return err
			}
			for t, n := range res.TableRows {
				if got[t] != n {
					return fmt.Errorf("%s: %d rows loaded, the data set has %d", t, got[t], n)
				}
			}
			return nil
		},
	}
	for run := 1; run <= o.Runs && ctx.Err() == nil; run++ {
		order := []string{targetCreditdesk, targetFloor}
		if run%2 == 0 {
			slices.Reverse(order)
		}
		for _, target := range order {
			secs, err := timeLoad(ctx, srv, migrated, load[target])
			if err != nil {
				return res, fmt.Errorf("%s, run %d: %w", target, run, err)
			}
			r := ImportRun{Target: target, Run: run, Seconds: secs, RowsPerSec: float64(res.CSVRows) / secs}
			if target == targetCreditdesk {
				r.Files = slices.Clone(files)
			}
			res.Runs = append(res.Runs, r)
			logf("import: %-10s run %d: %.1fs, %.0f rows/s", target, run, secs, r.RowsPerSec)
		}
	}
	res.Finished = time.Now().UTC()
	if o.ResultsDir != "" {
		if err := writeImportResults(o.ResultsDir, res); err != nil {
			return res, err
		}
	}
	return res, ctx.Err()
}

// timeLoad times load into a fresh clone of the migrated template on disk,
// after a checkpoint (so that no earlier run's dirty pages are written
// during this one), and drops the clone.
func timeLoad(ctx context.Context, srv *pgtest.Server, migrated string, load func(url string) error) (float64, error) {
	name, err := srv.CloneDatabaseOnDisk(ctx, migrated)
	if err != nil {
		return 0, err
	}
	defer func() { _ = srv.DropDatabase(context.WithoutCancel(ctx), name) }()
	url := srv.URL(name)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	_, err = conn.Exec(ctx, "CHECKPOINT")
	conn.Close(ctx)
	if err != nil {
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	start := time.Now()
	if err := load(url); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}

// floorTables lists the tables of the database at conn that hold rows,
// leaving out the migrations' bookkeeping, in name order.
func floorTables(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(ctx, `
		SELECT c.relname FROM pg_class c
		WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
		  AND NOT starts_with(c.relname, 'bun_')
		ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	all, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range all {
		var nonEmpty bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM "+pgx.Identifier{t}.Sanitize()+")").Scan(&nonEmpty); err != nil {
			return nil, err
		}
		if nonEmpty {
			out = append(out, t)
		}
	}
	return out, nil
}

// DumpFloorTables writes every table of the database at url that holds
// rows to dir, one file of PostgreSQL's binary COPY format per table
// (TABLE.bin), and returns the tables' row counts.
func DumpFloorTables(ctx context.Context, url, dir string) (map[string]int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tables, err := floorTables(ctx, conn)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, t := range tables {
		f, err := os.Create(filepath.Join(dir, t+".bin"))
		if err != nil {
			return nil, err
		}
		tag, err := conn.PgConn().CopyTo(ctx, f, "COPY "+pgx.Identifier{t}.Sanitize()+" TO STDOUT (FORMAT binary)")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		counts[t] = tag.RowsAffected()
	}
	return counts, nil
}

// LoadFloorTables loads the files DumpFloorTables wrote for the given
// tables into the freshly migrated database at url, the way the fastest
// conceivable import would: one transaction; triggers off
// (session_replication_role = replica), so no reference is checked and the
// sales rollup and the invoices' settled dates are copied, not derived;
// the migrated database's own rows of those tables (its first user, its
// policy) deleted first, as the dump has them again; the plain secondary
// indexes and the unique keys (but for those a foreign key refers to)
// dropped before and built again after, as a large import does, so that
// every key is still checked once over the loaded rows; primary keys and
// CHECK constraints enforced row by row. It returns the rows loaded per
// table.
func LoadFloorTables(ctx context.Context, url, dir string, tables map[string]int64) (map[string]int64, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	names := make([]string, 0, len(tables))
	for t := range tables {
		names = append(names, t)
	}
	slices.Sort(names)
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	for _, s := range []string{
		"SET LOCAL session_replication_role = replica",
		"SET LOCAL maintenance_work_mem = '512MB'", // as the importer
	} {
		if _, err := tx.Exec(ctx, s); err != nil {
			return nil, err
		}
	}
	for _, t := range names {
		if _, err := tx.Exec(ctx, "DELETE FROM "+pgx.Identifier{t}.Sanitize()); err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
	}
	// A unique constraint is dropped and added back as a constraint; any
	// other index is dropped and created again.
	rows, err := tx.Query(ctx, `
		SELECT coalesce('ALTER TABLE ' || c.oid::regclass::text || ' DROP CONSTRAINT ' || quote_ident(k.conname),
		                'DROP INDEX ' || i.indexrelid::regclass::text),
		       coalesce('ALTER TABLE ' || c.oid::regclass::text || ' ADD CONSTRAINT ' || quote_ident(k.conname)
		                || ' ' || pg_get_constraintdef(k.oid),
		                pg_get_indexdef(i.indexrelid))
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
		LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = c.oid AND k.contype = 'u'
		WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY ($1)
		  AND NOT i.indisprimary
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = i.indexrelid AND x.contype <> 'u')
		ORDER BY 1`, names)
	if err != nil {
		return nil, err
	}
	type index struct{ drop, def string }
	indexes, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (index, error) {
		var ix index
		err := r.Scan(&ix.drop, &ix.def)
		return ix, err
	})
	if err != nil {
		return nil, err
	}
	for _, ix := range indexes {
		if _, err := tx.Exec(ctx, ix.drop); err != nil {
			return nil, err
		}
	}
	loaded := map[string]int64{}
	for _, t := range names {
		f, err := os.Open(filepath.Join(dir, t+".bin"))
		if err != nil {
			return nil, err
		}
		tag, err := conn.PgConn().CopyFrom(ctx, f, "COPY "+pgx.Identifier{t}.Sanitize()+" FROM STDIN (FORMAT binary)")
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		loaded[t] = tag.RowsAffected()
	}
	for _, ix := range indexes {
		if _, err := tx.Exec(ctx, ix.def); err != nil {
			return nil, err
		}
	}
	return loaded, tx.Commit(ctx)
}

// ImportMarkdown renders the import benchmark's table.
func ImportMarkdown(r *ImportResults) string {
	var b strings.Builder
	var tableRows int64
	for _, n := range r.TableRows {
		tableRows += n
	}
	fmt.Fprintf(&b, "Scale `%s` (seed %d, history to %s), %s: %d rows in the CSV files; the floor writes %d rows into %d tables.\n\n",
		r.Scale, r.Seed, r.End, r.Started.Format("2006-01-02 15:04 UTC"), r.CSVRows, tableRows, len(r.TableRows))
	b.WriteString("| target | run | seconds | CSV rows/s | ÷ floor's time in the same run |\n|---|--:|--:|--:|--:|\n")
	floor := map[int]float64{}
	for _, x := range r.Runs {
		if x.Target == targetFloor {
			floor[x.Run] = x.Seconds
		}
	}
	for _, x := range r.Runs {
		rel := "–"
		if f := floor[x.Run]; f > 0 {
			rel = fmt.Sprintf("%.2f×", x.Seconds/f)
		}
		fmt.Fprintf(&b, "| %s | %d | %.1f | %.0f | %s |\n", x.Target, x.Run, x.Seconds, x.RowsPerSec, rel)
	}
	// creditdesk's own progress, a column per run: where its time went.
	var runs []ImportRun
	for _, x := range r.Runs {
		if len(x.Files) > 0 {
			runs = append(runs, x)
		}
	}
	if len(runs) == 0 {
		return b.String()
	}
	b.WriteString("\ncreditdesk's progress, seconds per file (the ledger's posting counted with the last ledger file):\n\n| file | rows |")
	for _, x := range runs {
		fmt.Fprintf(&b, " run %d |", x.Run)
	}
	b.WriteString("\n|---|--:|" + strings.Repeat("--:|", len(runs)) + "\n")
	for i, f := range runs[0].Files {
		fmt.Fprintf(&b, "| %s | %d |", f.File, f.Rows)
		for _, x := range runs {
			if i < len(x.Files) && x.Files[i].File == f.File {
				fmt.Fprintf(&b, " %.2f |", x.Files[i].Seconds)
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func writeImportResults(dir string, r *ImportResults) error {
	return writeRun(dir, "import-"+r.Scale, r.RunInfo, r, ImportMarkdown(r))
}
