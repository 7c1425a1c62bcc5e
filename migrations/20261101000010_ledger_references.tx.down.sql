DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'payments', 'notes', 'write_offs', 'settlements']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_no_truncate', t);
    END LOOP;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sales_customer_months', 'notes', 'targets', 'inventory_snapshots', 'visits',
        'collection_demands', 'credit_investigations', 'dealer_ratings']
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_check_refs', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_check_refs_update', t);
    END LOOP;
END $$;
DROP TRIGGER IF EXISTS note_status_changes_check_refs ON note_status_changes;
ALTER TABLE sales_customer_months
    ADD CONSTRAINT sales_customer_months_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers;
ALTER TABLE notes
    ADD CONSTRAINT notes_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT notes_received_by_fkey FOREIGN KEY (received_by) REFERENCES users;
ALTER TABLE note_status_changes
    ADD CONSTRAINT note_status_changes_note_id_fkey FOREIGN KEY (note_id) REFERENCES notes,
    ADD CONSTRAINT note_status_changes_changed_by_fkey FOREIGN KEY (changed_by) REFERENCES users;
ALTER TABLE targets
    ADD CONSTRAINT targets_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT targets_product_id_fkey FOREIGN KEY (product_id) REFERENCES products;
ALTER TABLE inventory_snapshots
    ADD CONSTRAINT inventory_snapshots_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT inventory_snapshots_product_id_fkey FOREIGN KEY (product_id) REFERENCES products;
ALTER TABLE visits
    ADD CONSTRAINT visits_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT visits_rep_id_fkey FOREIGN KEY (rep_id) REFERENCES users;
ALTER TABLE collection_demands
    ADD CONSTRAINT collection_demands_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT collection_demands_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES users;
ALTER TABLE credit_investigations
    ADD CONSTRAINT credit_investigations_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT credit_investigations_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES users;
ALTER TABLE dealer_ratings
    ADD CONSTRAINT dealer_ratings_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers,
    ADD CONSTRAINT dealer_ratings_rated_by_fkey FOREIGN KEY (rated_by) REFERENCES users;

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
