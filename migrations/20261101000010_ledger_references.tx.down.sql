DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'payments', 'notes', 'write_offs', 'settlements']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_no_truncate', t);
    END LOOP;
END $$;

DROP TRIGGER IF EXISTS settlements_check_refs ON settlements;
ALTER TABLE settlements
    ADD CONSTRAINT settlements_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices,
    ADD CONSTRAINT settlements_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT settlements_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES payments,
    ADD CONSTRAINT settlements_note_id_fkey FOREIGN KEY (note_id) REFERENCES notes,
    ADD CONSTRAINT settlements_write_off_id_fkey FOREIGN KEY (write_off_id) REFERENCES write_offs,
    ADD CONSTRAINT settlements_reverses_id_fkey FOREIGN KEY (reverses_id) REFERENCES settlements;

DROP TRIGGER IF EXISTS payments_check_refs ON payments;
ALTER TABLE payments
    ADD CONSTRAINT payments_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT payments_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES users;

DROP TRIGGER IF EXISTS invoices_check_refs ON invoices;
ALTER TABLE invoices
    ADD CONSTRAINT invoices_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers;

DROP TRIGGER IF EXISTS sales_lines_check_refs ON sales_lines;
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

DROP FUNCTION IF EXISTS cd_check_refs();
