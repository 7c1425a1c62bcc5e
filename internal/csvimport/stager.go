package csvimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
)

// Staging runs ahead of the import, on a connection of its own.
//
// An import is one transaction, so everything it writes goes through one
// PostgreSQL backend, on one core. Staging a file (parsing it, COPYing its
// text into a staging table, marking the rows that repeat an earlier row's
// key, indexing the line numbers of a file read a range at a time,
// analysing the table, checking the shape of its values of few distinct
// values, and copying such a file's later ranges into typed tables) needs
// nothing of that transaction, though: it reads the file alone. So a
// stager does it on a second connection, file after file in load order,
// while the import's transaction validates and writes the files already
// staged. For the large demo set that takes the staging of every file but
// the first off the import's backend.
//
// The staging tables are therefore not temporary tables of the import's
// session but unlogged tables in the schema import_staging (migration 13),
// which the import's transaction reads (it puts the schema on its
// search_path; it reads committed data, so it must run at READ COMMITTED).
// Their names are fixed, and only an import holding the import lock (see
// ImportDir) creates or drops them: its stager first drops every table of
// the schema, those an import whose process died left behind, and the
// import's transaction drops them before it commits, whether the import
// failed or not.

// stagingSchema holds the staging tables.
const stagingSchema = "import_staging"

// stagedFile is what the stager hands over for one file: the staged rows'
// count, phase 1's results (the reader's first bad row and the SQL checks of
// shapeChecks) and the file's SHA-256, or the error that ended the staging.
type stagedFile struct {
	file      string
	rows      int64
	last      int64 // the line of the last row staged
	bad       *LineError
	badColumn int
	shape     []check
	sum       string
	err       error
	// typed, for a file read in chunks (fileSpec.linesPerStatement), gets
	// the number of each chunk after the first as its typed table is ready
	// (typeChunks), in order; it is closed after the last, or as soon as
	// the stager gives up.
	typed chan int
}

// stager stages the files of an import on its own connection.
type stager struct {
	files chan stagedFile // one per file, in load order; closed at the end
	done  chan struct{}
	err   error // why the stager ended early (read after done)
	// stopping asks the stager to stop before its next statement; stop
	// also cancels the statement under way. Either way the stager waits
	// for the server's answer to each statement it sends, so once done is
	// closed, no statement of its is still running: a table it created
	// exists, and the import's transaction can drop it.
	stopping atomic.Bool
	mu       sync.Mutex
	pg       *pgconn.PgConn // the stager's connection, while staging
}

var errStopped = errors.New("staging stopped")

// startStager stages the files of specs from dir, in order, on a new
// connection of db, until the last one or the first that fails.
func startStager(ctx context.Context, db *bun.DB, dir string, specs []*fileSpec) *stager {
	s := &stager{files: make(chan stagedFile, len(specs)), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer close(s.files)
		conn, err := db.Conn(ctx)
		if err != nil {
			s.err = err
			return
		}
		defer conn.Close()
		s.err = conn.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			s.mu.Lock()
			s.pg = pc.PgConn()
			s.mu.Unlock()
			defer func() {
				s.mu.Lock()
				s.pg = nil
				s.mu.Unlock()
				if s.stopping.Load() {
					// A cancel request may still be on its way: this
					// connection must not serve anyone else.
					_ = pc.Close(context.Background())
				}
			}()
			// Tables an import that died left behind. The import holds
			// the import lock: no other import is using them.
			if err := dropStagingTables(ctx, pc); err != nil {
				return err
			}
			for _, spec := range specs {
				f := s.stageFile(ctx, pc, dir, spec)
				s.files <- f // buffered for every file: never blocks
				if f.err != nil {
					return nil
				}
				if f.typed != nil {
					if err := s.typeChunks(ctx, pc, spec, f); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}()
	return s
}

// next waits for the staging of spec, the next file in load order.
func (s *stager) next(ctx context.Context, spec *fileSpec) (stagedFile, error) {
	select {
	case f, ok := <-s.files:
		if !ok {
			<-s.done
			return stagedFile{}, fmt.Errorf("%s: staging ended early: %v", spec.name, s.err)
		}
		if f.file != spec.name {
			return stagedFile{}, fmt.Errorf("%s: staged %s instead", spec.name, f.file)
		}
		return f, f.err
	case <-ctx.Done():
		return stagedFile{}, ctx.Err()
	}
}

// wait waits for the stager to end, once it has staged every file.
func (s *stager) wait() { <-s.done }

// stop ends the staging, cancelling a statement under way (a COPY of a
// large file), and waits until no statement of the stager runs.
func (s *stager) stop() {
	if !s.stopping.Swap(true) {
		s.mu.Lock()
		pg := s.pg
		s.mu.Unlock()
		if pg != nil {
			// A new connection carries the request; don't wait on an
			// unreachable server for ever (the statement then runs to its
			// end, and the stager stops after it).
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = pg.CancelRequest(ctx)
			cancel()
		}
	}
	<-s.done
}

// stageFile parses one file and stages its rows, checked by phase 1.
func (s *stager) stageFile(ctx context.Context, conn *pgx.Conn, dir string, spec *fileSpec) stagedFile {
	out := stagedFile{file: spec.name}
	fail := func(err error) stagedFile { out.err = err; return out }
	// exec runs a statement unless the stager is stopping.
	exec := func(sql string) error {
		if s.stopping.Load() {
			return errStopped
		}
		_, err := conn.Exec(ctx, sql)
		return err
	}
	f, err := os.Open(filepath.Join(dir, spec.name))
	if err != nil {
		return fail(&LineError{File: spec.name, Problem: "cannot open the file: " + err.Error()})
	}
	defer f.Close()
	hash := sha256.New()
	src, err := newCSVSource(spec.name, io.TeeReader(f, hash), spec.columns)
	if err != nil {
		return fail(err)
	}
	src.checks.record = spec.record
	cols := make([]string, len(spec.columns))
	for i, c := range spec.columns {
		cols[i] = c.name + " text"
	}
	if len(spec.key) > 0 {
		cols = append(cols, "first_line bigint")
	}
	table := pgx.Identifier{stagingSchema, spec.stage()}
	// Absent optional columns are staged too, all NULL, so the SQL that
	// reads the table never has to know which columns a file had.
	if err := exec(fmt.Sprintf("CREATE UNLOGGED TABLE %s (line bigint NOT NULL, %s)",
		table.Sanitize(), strings.Join(cols, ", "))); err != nil {
		return fail(fmt.Errorf("%s: stage: %w", spec.name, err))
	}
	if s.stopping.Load() {
		return fail(errStopped)
	}
	if _, err := conn.CopyFrom(ctx, table, append([]string{"line"}, src.columns...), src); err != nil {
		if src.err != nil {
			return fail(src.err)
		}
		return fail(fmt.Errorf("%s: copy: %w", spec.name, err))
	}
	// The reader stops at the end of the CSV data; hash any trailing bytes.
	if _, err := io.Copy(hash, f); err != nil {
		return fail(&LineError{File: spec.name, Problem: "cannot read the file: " + err.Error()})
	}
	out.sum = hex.EncodeToString(hash.Sum(nil))
	if len(spec.key) > 0 {
		if err := exec(markRepeats(table.Sanitize(), spec.key)); err != nil {
			return fail(fmt.Errorf("%s: stage: %w", spec.name, err))
		}
	}
	if spec.linesPerStatement != nil && spec.chunks(src.last) > 1 {
		// Each of load's statements reads its own range of lines, which
		// the table holds in order: a block range index spares each a scan
		// of the whole file (0.4 s a scan for the large set's 4.8 million
		// sales lines).
		if err := exec("CREATE INDEX ON " + table.Sanitize() + " USING brin (line)"); err != nil {
			return fail(fmt.Errorf("%s: stage: %w", spec.name, err))
		}
	}
	// Staging tables have no statistics until analysed; the joins that
	// read them need them to pick hash joins over million-row files.
	if err := exec("ANALYZE " + table.Sanitize()); err != nil {
		return fail(fmt.Errorf("%s: stage: %w", spec.name, err))
	}
	out.rows, out.last, out.bad, out.badColumn = src.rows, src.last, src.bad, src.badColumn
	if s.stopping.Load() {
		return fail(errStopped)
	}
	if out.shape, err = shapeChecks(ctx, conn, spec, src); err != nil {
		return fail(err)
	}
	if spec.linesPerStatement != nil {
		out.typed = make(chan int, max(spec.chunks(out.last), 1))
	}
	return out
}

// typeChunks copies each chunk of a file read in chunks but the first into
// a table of its own, its dates and decimals cast to their types, and
// hands over its number on f.typed. The statements that write the chunks
// then read values to store rather than text to parse: the import's one
// backend spends 0.7–1.0 s less on each million sales lines, while this
// connection spends about 1.1 s on the copy, beside it. The first chunk is
// written from the text table while the others are copied.
//
// Only a file phase 1 found nothing wrong with is typed, so no cast can
// fail; the import stops at a file that phase 1 refused and never reads
// the typed tables.
func (s *stager) typeChunks(ctx context.Context, conn *pgx.Conn, spec *fileSpec, f stagedFile) error {
	defer close(f.typed)
	if f.bad != nil || len(f.shape) > 0 {
		return nil
	}
	cols := make([]string, len(spec.columns))
	for i, c := range spec.columns {
		cols[i] = c.typed("s."+c.name) + " AS " + c.name
	}
	for k := 1; k <= spec.chunks(f.last); k++ {
		if !spec.typedChunk(k) {
			continue
		}
		if s.stopping.Load() {
			return errStopped
		}
		table := pgx.Identifier{stagingSchema, spec.typedStage(k)}.Sanitize()
		lo, hi := spec.chunk(k)
		if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE UNLOGGED TABLE %s AS SELECT s.line, %s FROM %s s WHERE s.line > %d AND s.line <= %d",
			table, strings.Join(cols, ", "), pgx.Identifier{stagingSchema, spec.stage()}.Sanitize(), lo, hi)); err != nil {
			return fmt.Errorf("%s: stage: %w", spec.name, err)
		}
		if _, err := conn.Exec(ctx, "ANALYZE "+table); err != nil {
			return fmt.Errorf("%s: stage: %w", spec.name, err)
		}
		f.typed <- k // buffered for every chunk: never blocks
	}
	return nil
}

// awaitTyped waits until the stager has handed over the typed table of the
// k-th chunk of f, the next one the import reads.
func (s *stager) awaitTyped(ctx context.Context, f stagedFile, k int) error {
	select {
	case got, ok := <-f.typed:
		if !ok {
			<-s.done
			return fmt.Errorf("%s: staging ended before chunk %d was typed: %v", f.file, k, s.err)
		}
		if got != k {
			return fmt.Errorf("%s: typed chunk %d instead of %d", f.file, got, k)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// markRepeats sets the first_line of each staged row that repeats the key
// of an earlier row. The repeated keys are found by a hash aggregate rather
// than a window, which would sort a million keys under the database's
// collation. Key columns are compared through coalesce with the empty
// string: an empty cell is staged as NULL, so the empty string stands for
// "absent" (a target without product), and two absent values are the same
// key, as in the UNIQUE NULLS NOT DISTINCT of targets.
func markRepeats(table string, key []string) string {
	var group, on []string
	for i, k := range key {
		group = append(group, fmt.Sprintf("coalesce(%s, '') AS k%d", k, i))
		on = append(on, fmt.Sprintf("d.k%d = coalesce(t.%s, '')", i, k))
	}
	return fmt.Sprintf(`UPDATE %[1]s t SET first_line = d.first_line
FROM (SELECT %[2]s, min(line) AS first_line FROM %[1]s GROUP BY %[3]s HAVING count(*) > 1) d
WHERE %[4]s AND t.line > d.first_line`,
		table, strings.Join(group, ", "), strings.Join(seq(len(key)), ", "), strings.Join(on, " AND "))
}

// dropStagingTables drops every table of the staging schema: the files'
// staging tables and their typed chunks, those of an import that died
// included.
func dropStagingTables(ctx context.Context, conn *pgx.Conn) error {
	var names []string
	rows, err := conn.Query(ctx, "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname = $1",
		stagingSchema)
	if err == nil {
		names, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err == nil && len(names) > 0 {
		_, err = conn.Exec(ctx, "DROP TABLE IF EXISTS "+strings.Join(names, ", "))
	}
	if err != nil {
		return fmt.Errorf("import: drop the staging tables: %w", err)
	}
	return nil
}
