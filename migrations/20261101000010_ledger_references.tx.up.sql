-- Ledger references checked once per statement (docs/import.md "Progress
-- and speed").
--
-- Migration 08 replaced the three foreign keys of sales_lines with one
-- statement-level check. The ledger's append-only tables had kept theirs:
-- invoices (customer), payments (customer, recorder) and settlements (six:
-- invoice, customer, payment, note, write-off, reversed settlement). A
-- foreign key checks every row on its own, an index probe and a row lock per
-- reference: an import of a million allocations paid for six million of
-- them, and setting settled_on on an invoice inserted by the same
-- transaction checked its customer once more.
--
-- cd_check_refs checks the references named by its arguments (column,
-- referenced table, column, referenced table, ...) for the rows of the
-- whole statement, one anti-join per column planned for the statement's
-- own size: index probes for the one row the API inserts, a hash for the
-- million an import does. A missing row raises foreign_key_violation
-- (23503), naming the table, the column and the id, as the constraint did.
--
-- What the foreign keys guaranteed still holds:
--   * every inserted row names rows that exist: the triggers below; the
--     importer and the stores check the same before they write;
--   * only an INSERT sets these references: invoices refuse an UPDATE of
--     customer_id (invoices_immutable, 01); payments and settlements refuse
--     every UPDATE (01);
--   * the referenced rows stay: none of customers, products, invoices,
--     users, payments, notes, write_offs and settlements is ever deleted
--     (01), their ids are identity columns GENERATED ALWAYS (an UPDATE of id
--     is refused by PostgreSQL), and none can be truncated (08 and below).

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
            RAISE EXCEPTION 'insert into %: % % does not exist in %', TG_TABLE_NAME, TG_ARGV[i], bad, TG_ARGV[i + 1]
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
