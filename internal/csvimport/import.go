package csvimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	cd "creditdesk/internal/creditdesk"
)

// Options says what to import and how to report it.
type Options struct {
	// Dir holds the CSV files; files that are absent are skipped.
	Dir string
	// ImportedBy is the username recorded on the batch and as the author of
	// what the import creates; default "admin".
	ImportedBy string
	// Progress, when set, is called once per file after it is loaded.
	Progress func(p FileProgress)
}

// ImportDir loads every CSV file of API.md found in opts.Dir into db in ONE
// transaction: policy.csv first, then the others in API.md's order. Any
// error rolls everything back and leaves the database unchanged; a bad
// value, row or file is a *LineError (`file:line: column: what is wrong`).
// Imports are serialised with a transaction-scoped advisory lock, so two
// imports never race for the same codes or the same open balances.
func ImportDir(ctx context.Context, db *bun.DB, opts Options) (Result, error) {
	if opts.ImportedBy == "" {
		opts.ImportedBy = "admin"
	}
	present, err := presentFiles(opts.Dir)
	if err != nil {
		return Result{}, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("import: %w", err)
	}
	defer conn.Close()
	// READ COMMITTED, whatever the database's default: each statement must
	// see the files the stager (stager.go) has staged since the last.
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return Result{}, fmt.Errorf("import: %w", err)
	}
	var res Result
	undone := false
	// The transaction's pgx connection runs every statement below; a
	// second connection stages the files (stager.go).
	err = conn.Raw(func(dc any) error {
		im := &importer{ctx: ctx, conn: dc.(*stdlib.Conn).Conn(), db: db, opts: opts, present: present}
		var err error
		res, err = im.run()
		if err != nil {
			undone = im.undo()
		}
		return err
	})
	if err != nil {
		// Undone, the transaction holds nothing but the staging tables'
		// drops: committing it leaves the database as it was.
		if undone {
			_ = tx.Commit()
		} else {
			_ = tx.Rollback()
		}
		return Result{}, err
	}
	if err := tx.Commit(); err != nil {
		return Result{}, fmt.Errorf("import: commit: %w", err)
	}
	return res, nil
}

// presentFiles lists which import files exist in dir.
func presentFiles(dir string) (map[string]bool, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("import: %s is not a directory", dir)
	}
	present := map[string]bool{}
	var names []string
	for _, f := range fileSpecs {
		names = append(names, f.name)
		st, err := os.Stat(filepath.Join(dir, f.name))
		if err == nil && st.Mode().IsRegular() {
			present[f.name] = true
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("import: %w", err)
		}
	}
	if len(present) == 0 {
		return nil, fmt.Errorf("import: %s holds none of the import files (%s)", dir, strings.Join(names, ", "))
	}
	return present, nil
}

// fileSpec describes one import file: its columns, the rules between its
// rows and the database beyond the shape of each value, and how its
// validated rows reach the real tables.
type fileSpec struct {
	name    string
	columns []column
	// key is the file's natural key: each staged row that repeats the key
	// of an earlier row is marked with that row's line (its first_line, set
	// by markRepeats; the duplicate check reads it).
	key []string
	// record, when set, checks a whole row in the reader (phase 1), after
	// its columns' own checks: given the row's values by column name ("" for
	// an empty or absent one), it returns the column at fault and what is
	// wrong, naming the value, or "" when nothing is.
	record func(get func(column string) string) (column, problem string)
	// rules returns phase 2 of the validation: a FROM clause that exposes
	// the staged row as s (with whatever it joins), and the checks over it.
	rules func(im *importer) (from string, checks []check)
	// load moves the validated staged rows into the real tables (or
	// passing does, below).
	load func(im *importer) error
	// bulk names the tables load writes a row (or two) per staged row into,
	// for the bulk-load behaviour (bulk.go) around it. invoices.csv and the
	// ledger files handle it themselves: the invoices' and the settlements'
	// indexes wait until the ledger is posted.
	bulk []string
	// ledger files are posted to the receivables ledger together, after
	// writeoffs.csv's place in the order (ledger.go).
	ledger bool
	// linesPerStatement, when set, is how many staged lines each of
	// load's statements reads, by a range of line numbers (a chunk): a
	// file of more lines is staged with a block range index on them, and
	// its chunks after the first are copied into typed tables (stager.go).
	linesPerStatement *int64
	// passing, set instead of load, writes the file with the rules inside
	// its INSERTs: given the rules' FROM clause and a condition that only
	// the rows breaking none of them meet, it returns the statements (and
	// their arguments) that write those rows. When phase 1 finds nothing,
	// phase 2 then makes no pass of its own (insertPassing).
	passing func(im *importer, spec *fileSpec, from, passes string) (sqls []string, args [][]any)
}

// stage is the name of the file's staging table (schema import_staging).
func (f *fileSpec) stage() string { return "stage_" + strings.TrimSuffix(f.name, ".csv") }

// chunks is the number of statements that write a file read in chunks of
// linesPerStatement lines, whose last staged line is last.
func (f *fileSpec) chunks(last int64) int {
	return int((last - 2 + *f.linesPerStatement) / *f.linesPerStatement) // line 1 is the header
}

// chunk returns the lines of the k-th chunk (from 1): those after lo, up to
// hi.
func (f *fileSpec) chunk(k int) (lo, hi int64) {
	lo = 1 + int64(k-1)**f.linesPerStatement
	return lo, lo + *f.linesPerStatement
}

// typedChunk says whether the k-th chunk of the file is written from a
// typed table of its own (stager.typeChunks): every chunk of a file read in
// chunks but the first, which is written from the text while the others
// are copied.
func (f *fileSpec) typedChunk(k int) bool { return f.linesPerStatement != nil && k > 1 }

// typedStage is the name of the typed table of the k-th chunk (stager.go).
func (f *fileSpec) typedStage(k int) string { return fmt.Sprintf("%s_%d", f.stage(), k) }

// importer carries the state of one ImportDir call; all of it runs on one
// connection inside one transaction.
type importer struct {
	ctx     context.Context
	conn    *pgx.Conn
	db      *bun.DB // for the stager's connection
	stager  *stager // set while run() runs
	opts    Options
	present map[string]bool
	staged  map[string]stagedFile // the files staged so far, by name
	sums    map[string]string     // sha256 → file, for this batch
	// dropped: the secondary indexes of tables this import more than
	// doubles, to be created again once the table is written (bulk.go).
	dropped map[string][]indexDef
	// keys: the unique keys of those tables, set aside with their indexes
	// but built again as soon as the table is written (bulk.go).
	keys map[string][]indexDef
	// fillFactor: the tables whose fill factor the import lowered for its
	// own writes (bulk.go), with the one to restore before it commits ("":
	// the default).
	fillFactor map[string]string
	batch      int64
	user       int64
	userRole   cd.Role // the importing user's
	// From the policy version in force today, read after policy.csv is
	// loaded.
	base      string // base currency
	termsDays int    // payment_terms_days
	today     string // the import date in the policy's time zone
}

func (im *importer) exec(sql string, args ...any) error {
	_, err := im.conn.Exec(im.ctx, sql, args...)
	return err
}

func (im *importer) run() (Result, error) {
	im.staged = map[string]stagedFile{}
	im.sums = map[string]string{}
	im.dropped = map[string][]indexDef{}
	im.keys = map[string][]indexDef{}
	// Bulk statements below sort and hash whole files; the default 4MB
	// would spill them to disk. Indexes rebuilt after a bulk load
	// (bulk.go) sort a whole table.
	if err := im.exec("SET LOCAL work_mem = '256MB'"); err != nil {
		return Result{}, err
	}
	if err := im.exec("SET LOCAL maintenance_work_mem = '512MB'"); err != nil {
		return Result{}, err
	}
	// One import at a time: the checks below read the tables they are
	// about to fill (codes that already exist, open balances), and the
	// staging tables have fixed names.
	if err := im.exec("SELECT pg_advisory_xact_lock(hashtext('creditdesk.csvimport'))"); err != nil {
		return Result{}, err
	}
	if err := im.exec("SELECT set_config('search_path', current_setting('search_path') || ', ' || $1, true)",
		stagingSchema); err != nil {
		return Result{}, err
	}
	// What follows is undone on failure (undo).
	if err := im.exec("SAVEPOINT import"); err != nil {
		return Result{}, err
	}
	if im.explicitLedger() {
		if err := im.createLedgerNew(); err != nil {
			return Result{}, err
		}
	}
	var present []*fileSpec
	for _, spec := range fileSpecs {
		if im.present[spec.name] {
			present = append(present, spec)
		}
	}
	im.stager = startStager(im.ctx, im.db, im.opts.Dir, present)
	defer im.stager.stop()
	err := im.conn.QueryRow(im.ctx, "SELECT id, role FROM users WHERE username = $1", im.opts.ImportedBy).
		Scan(&im.user, &im.userRole)
	if errors.Is(err, pgx.ErrNoRows) {
		return Result{}, fmt.Errorf("import: the importing user %q does not exist", im.opts.ImportedBy)
	} else if err != nil {
		return Result{}, err
	}
	source, err := filepath.Abs(im.opts.Dir)
	if err != nil {
		source = im.opts.Dir
	}
	if err := im.conn.QueryRow(im.ctx, "INSERT INTO import_batches (source, imported_by) VALUES ($1, $2) RETURNING id",
		source, im.user).Scan(&im.batch); err != nil {
		return Result{}, err
	}
	res := Result{BatchID: im.batch}
	emit := func(p FileProgress) {
		res.Files = append(res.Files, p)
		if im.opts.Progress != nil {
			im.opts.Progress(p)
		}
	}
	// The ledger files' progress is held back so the last one present can
	// carry the time of posting the ledger, which needs all of them.
	var held *FileProgress
	for _, spec := range fileSpecs {
		if spec.name == "policy.csv" || spec.name == "offices.csv" {
			// Today comes from the policy's time zone, which policy.csv
			// starts from; the defaults of every later file come from the
			// policy, which policy.csv (loaded just before) may have
			// changed.
			if err := im.readPolicy(); err != nil {
				return Result{}, err
			}
		}
		if im.present[spec.name] {
			p, err := im.importFile(spec)
			if err != nil {
				return Result{}, err
			}
			if spec.ledger {
				if held != nil {
					emit(*held)
				}
				held = &p
			} else {
				emit(p)
			}
		}
		if spec.name == "writeoffs.csv" && held != nil {
			start := time.Now()
			if err := im.postLedger(); err != nil {
				return Result{}, err
			}
			held.Elapsed += time.Since(start)
			emit(*held)
			held = nil
		}
	}
	// Every table's indexes are restored after its last write; this only
	// guards against one being left out.
	for table := range im.dropped {
		if err := im.restoreIndexes(table); err != nil {
			return Result{}, err
		}
	}
	if err := im.restoreFillFactors(); err != nil {
		return Result{}, err
	}
	im.stager.wait()
	if err := dropStagingTables(im.ctx, im.conn); err != nil {
		return Result{}, err
	}
	return res, nil
}

// undo, after run failed, undoes its work and drops the staging tables,
// once the stager has stopped, and reports whether that worked; if it did
// not (the connection is gone), the transaction must be rolled back and the
// staging tables wait for the next import.
func (im *importer) undo() bool {
	if im.stager == nil {
		return false
	}
	im.stager.stop()
	if err := im.exec("ROLLBACK TO SAVEPOINT import"); err != nil {
		return false
	}
	return dropStagingTables(im.ctx, im.conn) == nil
}

// ledgerPresent says whether the import posts the ledger (ledger.go), which
// updates the invoices' settled_on.
func (im *importer) ledgerPresent() bool {
	for _, name := range []string{"payments.csv", "allocations.csv", "notes.csv", "note_allocations.csv", "writeoffs.csv"} {
		if im.present[name] {
			return true
		}
	}
	return false
}

// importFile validates and loads one file, once the stager has staged it.
func (im *importer) importFile(spec *fileSpec) (FileProgress, error) {
	start := time.Now()
	src, err := im.stager.next(im.ctx, spec)
	if err != nil {
		return FileProgress{}, err
	}
	im.staged[spec.name] = src
	if err := im.refuseIdentical(spec.name, src.sum); err != nil {
		return FileProgress{}, err
	}
	if err := im.validate(spec, src); err != nil {
		return FileProgress{}, err
	}
	if spec.load != nil || spec.passing != nil {
		for _, table := range spec.bulk {
			if err := im.bulkLoad(table, src.rows); err != nil {
				return FileProgress{}, err
			}
		}
		if spec.passing != nil {
			if err := im.insertPassing(spec); err != nil {
				return FileProgress{}, err
			}
		} else if err := spec.load(im); err != nil {
			// A load may find a bad line itself (policy.csv's settings
			// that must agree): that is reported as phase 2 reports one.
			if le := (*LineError)(nil); errors.As(err, &le) {
				return FileProgress{}, le
			}
			return FileProgress{}, fmt.Errorf("%s: load: %w", spec.name, err)
		}
		if err := im.restoreIndexes(spec.bulk...); err != nil {
			return FileProgress{}, err
		}
	}
	if err := im.exec("INSERT INTO import_files (batch_id, file_name, sha256, rows) VALUES ($1, $2, $3, $4)",
		im.batch, spec.name, src.sum, src.rows); err != nil {
		return FileProgress{}, err
	}
	return FileProgress{File: spec.name, Rows: src.rows, Elapsed: time.Since(start)}, nil
}

// refuseIdentical refuses a file whose bytes were imported before (API.md:
// each import records a checksum per file).
func (im *importer) refuseIdentical(file, sum string) error {
	if other, ok := im.sums[sum]; ok {
		return &LineError{File: file, Problem: "identical to " + other + " in this import"}
	}
	im.sums[sum] = file
	var batch int64
	var name string
	err := im.conn.QueryRow(im.ctx, "SELECT batch_id, file_name FROM import_files WHERE sha256 = $1", sum).Scan(&batch, &name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if name == file {
		return &LineError{File: file, Problem: fmt.Sprintf("identical to the file imported in batch %d", batch)}
	}
	return &LineError{File: file, Problem: fmt.Sprintf("identical to %s imported in batch %d", name, batch)}
}

// validate finds the first bad row of a staged file, in line order.
//
// Phase 1 checks the shape of every value: row by row in the reader
// (rowcheck.go), over distinct values in SQL (shapeChecks); the stager has
// run both (src). If it finds a bad
// row at line L, the rows from L on are dropped from the staging table (the
// import fails anyway) and phase 2, the rules that cast values and join
// other tables, runs over the rows before L only: so phase 2 never casts a
// malformed value, and a rule broken before line L is still reported first.
func (im *importer) validate(spec *fileSpec, src stagedFile) error {
	stage := spec.stage()
	bad1, err := im.firstBad(spec.name, stage+" s", src.shape)
	if err != nil {
		return err
	}
	// The reader staged rows up to its first bad one: SQL's first bad row
	// is at or before it, and on the same row the earlier column's check
	// is the one phase 1 reports.
	if src.bad != nil && (bad1 == nil || src.bad.Line < bad1.Line ||
		src.bad.Line == bad1.Line && src.badColumn < columnIndex(spec.columns, bad1.Column)) {
		bad1 = src.bad
	}
	if bad1 != nil {
		if err := im.exec(fmt.Sprintf("DELETE FROM %s WHERE line >= %d", stage, bad1.Line)); err != nil {
			return err
		}
	}
	if spec.rules != nil && !(spec.passing != nil && bad1 == nil) {
		from, checks := spec.rules(im)
		bad2, err := im.firstBad(spec.name, from, checks)
		if err != nil {
			return err
		}
		if bad2 != nil {
			return bad2
		}
	}
	if bad1 != nil {
		return bad1
	}
	return nil
}

// shapeChecks returns the SQL part of phase 1: in column order, the values
// of the columns with few distinct values must be well-formed. (That a
// required value is present and that a value of many distinct values, an
// amount, is well-formed is checked row by row by the reader.)
//
// Columns with few distinct values are first checked over those values,
// which the reader gathered as it staged the rows (csvSource.gather), in one
// statement; only a value found bad there is looked for row by row, so a
// valid file costs no pass over its rows. A column with more distinct
// values than the reader keeps is checked over the staging table's, in one
// scan for all such columns (GROUPING SETS, one hash table per column).
func shapeChecks(ctx context.Context, conn *pgx.Conn, spec *fileSpec, src *csvSource) ([]check, error) {
	var parts, sets, grouping, names []string
	for k, c := range spec.columns {
		switch {
		case len(src.distinct[k]) > 0:
			values := slices.Sorted(maps.Keys(src.distinct[k]))
			parts = append(parts, fmt.Sprintf("SELECT %d, v FROM unnest(ARRAY[%s]::text[]) v WHERE %s",
				k, sqlStrings(values), anyCheckFails(c.valueChecks("v"))))
		case src.tooMany[k]:
			v := "s." + c.name
			sets = append(sets, "("+v+")")
			grouping = append(grouping, fmt.Sprintf("GROUPING(%s) AS g%d", v, k))
			names = append(names, v)
			parts = append(parts, fmt.Sprintf("SELECT %d, %s FROM d s WHERE s.g%d = 0 AND %s IS NOT NULL AND %s",
				k, v, k, v, anyCheckFails(c.valueChecks(v))))
		}
	}
	badValues := map[string][]string{}
	if len(parts) > 0 {
		q := strings.Join(parts, "\nUNION ALL ")
		if len(sets) > 0 {
			q = fmt.Sprintf("WITH d AS MATERIALIZED (SELECT %s, %s FROM %s s GROUP BY GROUPING SETS (%s))\n%s",
				strings.Join(grouping, ", "), strings.Join(names, ", "),
				pgx.Identifier{stagingSchema, spec.stage()}.Sanitize(), strings.Join(sets, ", "), q)
		}
		rows, err := conn.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s: validate: %w", spec.name, err)
		}
		for rows.Next() {
			var k int
			var v string
			if err := rows.Scan(&k, &v); err != nil {
				return nil, err
			}
			name := spec.columns[k].name
			badValues[name] = append(badValues[name], v)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("%s: validate: %w", spec.name, err)
		}
	}
	var out []check
	for _, c := range spec.columns {
		v := "s." + c.name
		if bad := badValues[c.name]; len(bad) > 0 {
			in := v + " IN (" + sqlStrings(bad) + ")"
			for _, vc := range c.valueChecks(v) {
				vc.cond = "CASE WHEN " + in + " THEN " + vc.cond + " ELSE false END"
				out = append(out, vc)
			}
		}
	}
	return out, nil
}

// columnIndex is the position of the column named name in cols, -1 if none.
func columnIndex(cols []column, name string) int {
	for i, c := range cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

// firstBad runs every check over the rows of from in one pass, a CASE
// returning the first rule each row breaks, and returns the first bad row
// in line order. Only then does it fetch that row's value and details.
func (im *importer) firstBad(file, from string, checks []check) (*LineError, error) {
	if len(checks) == 0 {
		return nil, nil
	}
	q := "SELECT line, chk FROM (SELECT s.line, " + brokenCheck(checks) + " AS chk\nFROM " + from +
		") q WHERE chk IS NOT NULL ORDER BY line LIMIT 1"
	var line int64
	var chk int
	err := im.conn.QueryRow(im.ctx, q).Scan(&line, &chk)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: validate: %w", file, err)
	}
	c := checks[chk]
	info := c.info
	if info == "" {
		info = "NULL"
	}
	var value, detail *string
	q = fmt.Sprintf("SELECT (%s)::text, (%s)::text FROM %s WHERE s.line = %d", c.value, info, from, line)
	if err := im.conn.QueryRow(im.ctx, q).Scan(&value, &detail); err != nil {
		return nil, fmt.Errorf("%s: validate: %w", file, err)
	}
	return &LineError{File: file, Line: int(line), Column: c.column, Value: deref(value),
		Problem: problem(c.msg, deref(value), deref(detail))}, nil
}

// brokenCheck is an SQL expression over a row of a rules' FROM clause: the
// index of the first check the row breaks, NULL if it breaks none.
func brokenCheck(checks []check) string {
	var b strings.Builder
	b.WriteString("CASE")
	for i, c := range checks {
		fmt.Fprintf(&b, "\n  WHEN %s THEN %d", c.cond, i)
	}
	b.WriteString("\n  END")
	return b.String()
}

// insertPassing writes a file whose rules run inside its INSERTs
// (fileSpec.passing). Together the statements must write every staged row.
// If they write fewer, or one fails, the rules' own pass reports the first
// bad row, after the statements' work is undone (the import fails either
// way); an error no rule explains is reported as the statement's.
func (im *importer) insertPassing(spec *fileSpec) error {
	file := spec.name
	from, checks := spec.rules(im)
	sqls, args := spec.passing(im, spec, from, "("+brokenCheck(checks)+") IS NULL")
	if err := im.exec("SAVEPOINT deferred_rules"); err != nil {
		return err
	}
	var written int64
	var failed error
	for i, q := range sqls {
		// A file read in chunks is written a statement per chunk.
		if spec.typedChunk(i + 1) {
			if err := im.stager.awaitTyped(im.ctx, im.staged[file], i+1); err != nil {
				return err
			}
		}
		tag, err := im.conn.Exec(im.ctx, q, args[i]...)
		if err != nil {
			failed = err
			break
		}
		written += tag.RowsAffected()
	}
	if failed == nil && written == im.staged[file].rows {
		return im.exec("RELEASE SAVEPOINT deferred_rules")
	}
	if err := im.exec("ROLLBACK TO SAVEPOINT deferred_rules"); err != nil {
		return err
	}
	bad, err := im.firstBad(file, from, checks)
	switch {
	case err != nil:
		return err
	case bad != nil:
		return bad
	case failed != nil:
		return fmt.Errorf("%s: load: %w", file, failed)
	}
	return fmt.Errorf("%d of %d rows written, yet none breaks a rule", written, im.staged[file].rows)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// readPolicy reads the defaults the later files need from the policy
// version in force today (DOMAIN.md §10).
func (im *importer) readPolicy() error {
	// Today is the date in the newest version's time zone; the settings are
	// those of the version in force today (a version made to take effect
	// next month does not yet set this import's defaults).
	const q = `
WITH today AS (
    SELECT (now() AT TIME ZONE coalesce(max(value), 'Asia/Shanghai'))::date AS d
    FROM policy_settings WHERE key = 'time_zone' AND version = (SELECT max(version) FROM policy_versions)
), v AS (
    SELECT version FROM policy_versions, today WHERE effective_from <= today.d
    ORDER BY effective_from DESC, version DESC LIMIT 1
)
SELECT max(value) FILTER (WHERE key = 'base_currency'),
       max(value) FILTER (WHERE key = 'payment_terms_days'),
       (SELECT d::text FROM today)
FROM policy_settings WHERE version = (SELECT version FROM v)`
	var base, terms *string
	if err := im.conn.QueryRow(im.ctx, q).Scan(&base, &terms, &im.today); err != nil {
		return fmt.Errorf("import: read policy: %w", err)
	}
	if base == nil || terms == nil {
		return errors.New("import: the policy version in force today has no base_currency or payment_terms_days")
	}
	im.base = *base
	if _, err := fmt.Sscanf(*terms, "%d", &im.termsDays); err != nil {
		return fmt.Errorf("import: policy payment_terms_days %q is not a number", *terms)
	}
	return nil
}
