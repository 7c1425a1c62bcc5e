-- References checked once per statement (docs/import.md "Large imports").
--
-- Migration 08 replaced the three foreign keys of sales_lines with one
-- statement-level check. The other tables an import fills kept theirs:
-- invoices (customer), payments (customer, recorder), settlements (six:
-- invoice, customer, payment, note, write-off, reversed settlement), the
-- monthly sales rollup, notes and their status changes, targets, inventory
-- snapshots, visits, collection demands, credit investigations and dealer
-- ratings. A foreign key checks every row on its own, an index probe and a
-- row lock per reference: an import of a million allocations paid for six
-- million of them, and setting settled_on on an invoice inserted by the
-- same transaction checked its customer once more; the large demo set paid
-- for about fourteen million.
--
-- cd_check_refs checks the references named by its arguments (column,
-- referenced table, column, referenced table, ...) for the rows of the
-- whole statement, one anti-join per column planned for the statement's
-- own size: index probes for the one row the API writes, a hash for the
-- million an import does. A missing row raises foreign_key_violation
-- (23503), naming the table, the column and the id, as the constraint did.
--
-- What the foreign keys guaranteed still holds:
--   * every inserted row names rows that exist: the INSERT triggers below;
--     the importer and the stores check the same before they write;
--   * so does every updated row: tables whose rows may be updated check the
--     rows of each UPDATE as well; invoices refuse an UPDATE of customer_id
--     (invoices_immutable, 01), and payments, settlements and note status
--     changes refuse every UPDATE (01), so they check INSERTs only;
--   * the referenced rows stay: none of customers, products, invoices,
--     users, payments, notes, write_offs and settlements is ever deleted
--     (01), their ids are identity columns GENERATED ALWAYS (an UPDATE of id
--     is refused by PostgreSQL), and none can be truncated (08 and below).
--
-- The tables that keep their foreign keys are written one row at a time by
-- the API (contacts, history, approvals, evaluations, scorecards).

CREATE FUNCTION cd_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    i   int := 0;
    bad text;
BEGIN
    WHILE i < TG_NARGS LOOP
        -- EXECUTE: planned for this statement's rows, not cached from
        -- another statement's. min(), not LIMIT 1: a LIMIT would have the
        -- planner bet on finding a missing row early and probe the index
        -- once per row of a million-row statement.
        EXECUTE format($q$
            SELECT min(n.%1$I)::text FROM new_rows n
            WHERE NOT EXISTS (SELECT FROM %2$I p WHERE p.id = n.%1$I)$q$, TG_ARGV[i], TG_ARGV[i + 1]) INTO bad;
        IF bad IS NOT NULL THEN
            RAISE EXCEPTION '% %: % % does not exist in %',
                CASE TG_OP WHEN 'INSERT' THEN 'insert into' ELSE 'update of' END,
                TG_TABLE_NAME, TG_ARGV[i], bad, TG_ARGV[i + 1]
                USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[i];
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NULL;
END $$;

-- sales_lines: the same check as 08's, one anti-join per reference.
DROP TRIGGER sales_lines_check_refs ON sales_lines;
DROP FUNCTION cd_check_sales_line_refs();
CREATE TRIGGER sales_lines_check_refs AFTER INSERT ON sales_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cd_check_refs('customer_id', 'customers', 'product_id', 'products', 'invoice_id', 'invoices');

ALTER TABLE invoices DROP CONSTRAINT invoices_customer_id_fkey;
CREATE TRIGGER invoices_check_refs AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cd_check_refs('customer_id', 'customers');

ALTER TABLE payments
    DROP CONSTRAINT payments_customer_id_fkey,
    DROP CONSTRAINT payments_recorded_by_fkey;
CREATE TRIGGER payments_check_refs AFTER INSERT ON payments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cd_check_refs('customer_id', 'customers', 'recorded_by', 'users');

ALTER TABLE settlements
    DROP CONSTRAINT settlements_invoice_id_fkey,
    DROP CONSTRAINT settlements_customer_id_fkey,
    DROP CONSTRAINT settlements_payment_id_fkey,
    DROP CONSTRAINT settlements_note_id_fkey,
    DROP CONSTRAINT settlements_write_off_id_fkey,
    DROP CONSTRAINT settlements_reverses_id_fkey;
CREATE TRIGGER settlements_check_refs AFTER INSERT ON settlements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cd_check_refs('invoice_id', 'invoices', 'customer_id', 'customers', 'payment_id', 'payments',
        'note_id', 'notes', 'write_off_id', 'write_offs', 'reverses_id', 'settlements');

-- The rollup and the follow-up records: their rows may be updated, so each
-- UPDATE is checked as well as each INSERT.
ALTER TABLE sales_customer_months DROP CONSTRAINT sales_customer_months_customer_id_fkey;
ALTER TABLE notes DROP CONSTRAINT notes_customer_id_fkey, DROP CONSTRAINT notes_received_by_fkey;
ALTER TABLE note_status_changes
    DROP CONSTRAINT note_status_changes_note_id_fkey,
    DROP CONSTRAINT note_status_changes_changed_by_fkey;
ALTER TABLE targets DROP CONSTRAINT targets_customer_id_fkey, DROP CONSTRAINT targets_product_id_fkey;
ALTER TABLE inventory_snapshots
    DROP CONSTRAINT inventory_snapshots_customer_id_fkey,
    DROP CONSTRAINT inventory_snapshots_product_id_fkey;
ALTER TABLE visits DROP CONSTRAINT visits_customer_id_fkey, DROP CONSTRAINT visits_rep_id_fkey;
ALTER TABLE collection_demands
    DROP CONSTRAINT collection_demands_customer_id_fkey,
    DROP CONSTRAINT collection_demands_recorded_by_fkey;
ALTER TABLE credit_investigations
    DROP CONSTRAINT credit_investigations_customer_id_fkey,
    DROP CONSTRAINT credit_investigations_recorded_by_fkey;
ALTER TABLE dealer_ratings
    DROP CONSTRAINT dealer_ratings_customer_id_fkey,
    DROP CONSTRAINT dealer_ratings_rated_by_fkey;

CREATE TRIGGER note_status_changes_check_refs AFTER INSERT ON note_status_changes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION cd_check_refs('note_id', 'notes', 'changed_by', 'users');

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('sales_customer_months', $a$'customer_id', 'customers'$a$),
        ('notes', $a$'customer_id', 'customers', 'received_by', 'users'$a$),
        ('targets', $a$'customer_id', 'customers', 'product_id', 'products'$a$),
        ('inventory_snapshots', $a$'customer_id', 'customers', 'product_id', 'products'$a$),
        ('visits', $a$'customer_id', 'customers', 'rep_id', 'users'$a$),
        ('collection_demands', $a$'customer_id', 'customers', 'recorded_by', 'users'$a$),
        ('credit_investigations', $a$'customer_id', 'customers', 'recorded_by', 'users'$a$),
        ('dealer_ratings', $a$'customer_id', 'customers', 'rated_by', 'users'$a$)) AS t(tab, args)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION cd_check_refs(%s)', r.tab || '_check_refs', r.tab, r.args);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION cd_check_refs(%s)', r.tab || '_check_refs_update', r.tab, r.args);
    END LOOP;
END $$;

-- Truncating is deleting (as in 08).
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'payments', 'notes', 'write_offs', 'settlements']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION cd_refuse_delete()',
                       t || '_no_truncate', t);
    END LOOP;
END $$;
