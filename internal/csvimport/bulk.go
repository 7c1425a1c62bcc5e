package csvimport

import (
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// Bulk loads into a table that the import at least doubles.
//
// Every secondary index costs every imported row an index insertion (and
// invoices pay it twice: once for the row, once more when the ledger sets
// settled_on, an update that cannot be HOT while indexes name the column).
// When the rows an import writes into a table are at least as many as the
// table already holds, building each secondary index once over the whole
// table at the end is cheaper than inserting every row into it, so the
// import drops those indexes before writing the table and creates them
// again, with the same definitions, once its last write to the table is
// done, inside the same transaction.
//
// The unique keys are dropped and built again the same way (below); primary
// keys stay. Every key is enforced as always, and so is every reference (by
// its statement-level check, migration 10, or its foreign key). Dropping an
// index takes the table's ACCESS EXCLUSIVE lock, so such an import keeps
// other sessions from reading that table until it commits; below bulkMinRows
// rows, or into a table already larger than the import, nothing is dropped
// and nothing is locked beyond the usual.

// bulkMinRows is the smallest write for which indexes are rebuilt (a
// variable so that tests can take the bulk path with small files).
var bulkMinRows int64 = 100_000

// indexDef is an index set aside: its name and the statements that drop it
// and create it again. A unique constraint is dropped and added back as a
// constraint, any other index dropped and created with its definition.
type indexDef struct {
	name, drop, create string
}

// setAside drops the indexes of table that a bulk load rebuilds, either its
// plain secondary indexes or (unique) its unique keys, and returns them.
// Neither includes the primary key, an index that a constraint other than
// a unique one relies on (an exclusion constraint's), or a unique key that
// a foreign key refers to.
func (im *importer) setAside(table string, unique bool) ([]indexDef, error) {
	rs, err := im.conn.Query(im.ctx, `
SELECT c.relname,
       coalesce('ALTER TABLE ' || $1::regclass::text || ' DROP CONSTRAINT ' || quote_ident(k.conname),
                'DROP INDEX ' || i.indexrelid::regclass::text),
       coalesce('ALTER TABLE ' || $1::regclass::text || ' ADD CONSTRAINT ' || quote_ident(k.conname) || ' '
                || pg_get_constraintdef(k.oid) || coalesce(' USING INDEX TABLESPACE ' || quote_ident(t.spcname), ''),
                pg_get_indexdef(i.indexrelid) || coalesce(' TABLESPACE ' || quote_ident(t.spcname), ''))
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype = 'u'
WHERE i.indrelid = $1::regclass AND i.indisunique = $2 AND NOT i.indisprimary AND i.indisvalid
  AND NOT EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = i.indexrelid AND x.contype <> 'u')
ORDER BY c.relname`, table, unique)
	if err != nil {
		return nil, fmt.Errorf("bulk load of %s: %w", table, err)
	}
	defs, err := pgx.CollectRows(rs, func(r pgx.CollectableRow) (indexDef, error) {
		var d indexDef
		err := r.Scan(&d.name, &d.drop, &d.create)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("bulk load of %s: %w", table, err)
	}
	for _, d := range defs {
		if err := im.exec(d.drop); err != nil {
			return nil, fmt.Errorf("bulk load of %s: %w", table, err)
		}
	}
	return defs, nil
}

// restore creates again the indexes of the tables that setAside dropped
// and aside holds (im.dropped or im.keys), and forgets them.
func (im *importer) restore(aside map[string][]indexDef, tables ...string) error {
	for _, table := range tables {
		for _, d := range aside[table] {
			if err := im.exec(d.create); err != nil {
				return fmt.Errorf("restore index %s: %w", d.name, err)
			}
		}
		delete(aside, table)
	}
	return nil
}

// bulkLoad prepares table for a write of rows rows: when the write
// dominates the table, its plain secondary indexes and its unique keys are
// dropped and remembered for restoreIndexes (and restoreKeys). It does
// nothing for a table whose indexes are already dropped.
func (im *importer) bulkLoad(table string, rows int64) error {
	if rows < bulkMinRows {
		return nil
	}
	if _, done := im.dropped[table]; done {
		return nil
	}
	var existing int64
	if err := im.conn.QueryRow(im.ctx,
		fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM %s LIMIT $1) t", pgx.Identifier{table}.Sanitize()),
		rows+1).Scan(&existing); err != nil {
		return fmt.Errorf("bulk load of %s: %w", table, err)
	}
	if existing > rows {
		return nil
	}
	defs, err := im.setAside(table, false)
	if err != nil {
		return err
	}
	keys, err := im.setAside(table, true)
	if err != nil {
		return err
	}
	im.dropped[table], im.keys[table] = defs, keys
	return nil
}

// restoreIndexes creates again the indexes and unique keys bulkLoad dropped
// on the tables, once they are written.
func (im *importer) restoreIndexes(tables ...string) error {
	if err := im.restore(im.keys, tables...); err != nil {
		return err
	}
	return im.restore(im.dropped, tables...)
}

// settleRoom is the fill factor of the pages of invoices a bulk load writes
// when the same import posts their ledger: half of each page is left for the
// second version of its invoices that setting settled_on creates.
const settleRoom = 50

// leaveRoom has the rows the import writes next into table fill their pages
// only to settleRoom %, until the import restores the table's fill factor
// (restoreFillFactors). An UPDATE whose new row version fits on the old
// one's page and changes no indexed column is a heap-only (HOT) update: no
// new entry in any index. While a bulk load has dropped the secondary
// indexes, settled_on is in none, so the ledger's update of an invoice
// written by the same import is HOT when its page has room, and about half
// as costly as one that inserts into the primary key and the unique index on
// the number. The pages end half full either way: an update that is not HOT
// moves the row to another page and leaves its old place empty.
func (im *importer) leaveRoom(table string) error {
	if im.fillFactor == nil {
		im.fillFactor = map[string]string{}
	}
	if _, done := im.fillFactor[table]; done {
		return nil
	}
	var was string // "" for the default
	if err := im.conn.QueryRow(im.ctx, `
SELECT coalesce((SELECT option_value FROM pg_options_to_table(reloptions) WHERE option_name = 'fillfactor'), '')
FROM pg_class WHERE oid = $1::regclass`, table).Scan(&was); err != nil {
		return fmt.Errorf("bulk load of %s: %w", table, err)
	}
	if err := im.exec(fmt.Sprintf("ALTER TABLE %s SET (fillfactor = %d)", pgx.Identifier{table}.Sanitize(), settleRoom)); err != nil {
		return fmt.Errorf("bulk load of %s: %w", table, err)
	}
	im.fillFactor[table] = was
	return nil
}

// restoreFillFactors gives the tables leaveRoom changed the fill factor they
// had before the import, for the rows written after it.
func (im *importer) restoreFillFactors() error {
	for table, was := range im.fillFactor {
		stmt := fmt.Sprintf("ALTER TABLE %s RESET (fillfactor)", pgx.Identifier{table}.Sanitize())
		if was != "" {
			n, err := strconv.Atoi(was)
			if err != nil {
				return fmt.Errorf("restore fill factor of %s: %q: %w", table, was, err)
			}
			stmt = fmt.Sprintf("ALTER TABLE %s SET (fillfactor = %d)", pgx.Identifier{table}.Sanitize(), n)
		}
		if err := im.exec(stmt); err != nil {
			return fmt.Errorf("restore fill factor of %s: %w", table, err)
		}
		delete(im.fillFactor, table)
	}
	return nil
}

// Unique keys during a bulk load.
//
// A unique index costs every row written an insertion that first searches
// the index for the same key: for the large set's million invoice numbers,
// 4.1 s of an 8 s INSERT, against 1.0 s to build the same index once from
// the written rows. So bulkLoad sets a table's unique keys aside with its
// plain indexes, and they are built again with them (restoreIndexes), or
// right after the table's INSERT where the plain indexes wait for the
// ledger (restoreKeys, the invoices). Every key is still enforced: the file's
// rules have already refused a key that repeats in the file or exists in
// the table (the "exists" and "duplicate" checks, run against the index
// itself), and building the index checks every row again, failing the
// import with PostgreSQL's unique violation if one still got through.
// Primary keys stay, and so do unique keys that a foreign key refers to.

// restoreKeys builds again the unique keys bulkLoad set aside on the
// tables, once the load has written them, where their other indexes wait
// (restoreIndexes builds both).
func (im *importer) restoreKeys(tables ...string) error { return im.restore(im.keys, tables...) }
