-- Import speed (docs/import.md "Progress and speed").
--
-- sales_lines: the references of a line are checked once per statement,
-- set-based, instead of by three foreign keys. A foreign key checks each
-- inserted row on its own (an index probe and a row lock per reference,
-- ~15 µs per imported line, half of the database's cost of a line); the
-- trigger below checks the whole statement's lines with one join over the
-- transition table the rollup trigger (04) already keeps.
--
-- What a foreign key guaranteed still holds:
--   * every inserted or imported line names a customer, a product and (when
--     it has one) an invoice that exist: cd_check_sales_line_refs, raising
--     foreign_key_violation (23503) like the constraint did; the importer
--     checks the same before it writes (sales_lines.csv: unknown codes);
--   * the referenced row stays: customers, products and invoices are never
--     deleted (their BEFORE DELETE triggers, 01), their ids never change
--     (identity columns GENERATED ALWAYS refuse an UPDATE) and they cannot
--     be truncated (below); sales lines themselves are never updated (01), so
--     a line's references are only ever set by an INSERT, which the
--     trigger checks.
-- A foreign key's row lock guarded against a concurrent DELETE of the
-- referenced row; with deletes refused there is nothing to guard against.

ALTER TABLE sales_lines
    DROP CONSTRAINT sales_lines_customer_id_fkey,
    DROP CONSTRAINT sales_lines_product_id_fkey,
    DROP CONSTRAINT sales_lines_invoice_id_fkey;

-- One query per INSERT statement, planned for the statement's own number of
-- lines (EXECUTE: a plan cached from a one-line insert would probe the
-- indexes once per line of a million-line import).
CREATE FUNCTION cd_check_sales_line_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    EXECUTE $q$
        SELECT n.id, n.customer_id, n.product_id, n.invoice_id,
               c.id IS NULL AS no_customer, p.id IS NULL AS no_product
        FROM new_lines n
        LEFT JOIN customers c ON c.id = n.customer_id
        LEFT JOIN products p ON p.id = n.product_id
        LEFT JOIN invoices i ON i.id = n.invoice_id
        WHERE c.id IS NULL OR p.id IS NULL OR (n.invoice_id IS NOT NULL AND i.id IS NULL)
        LIMIT 1$q$ INTO bad;
    IF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'insert into sales_lines: %',
            CASE WHEN bad.no_customer THEN format('customer_id %s does not exist', bad.customer_id)
                 WHEN bad.no_product THEN format('product_id %s does not exist', bad.product_id)
                 ELSE format('invoice_id %s does not exist', bad.invoice_id) END
            USING ERRCODE = 'foreign_key_violation', TABLE = 'sales_lines';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER sales_lines_check_refs AFTER INSERT ON sales_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION cd_check_sales_line_refs();

-- Truncating is deleting: the same refusal (01) as a statement trigger.
CREATE TRIGGER customers_no_truncate BEFORE TRUNCATE ON customers
    FOR EACH STATEMENT EXECUTE FUNCTION cd_refuse_delete();
CREATE TRIGGER products_no_truncate BEFORE TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION cd_refuse_delete();
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
    FOR EACH STATEMENT EXECUTE FUNCTION cd_refuse_delete();
