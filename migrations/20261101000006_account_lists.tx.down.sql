DROP FUNCTION cd_account_list(text, bigint, int, text, bigint, date, boolean, text, date, date, boolean);
DROP INDEX notes_customer_idx;
CREATE INDEX notes_customer_idx ON notes (customer_id, received_date);
DROP INDEX payments_customer_date_idx;
CREATE INDEX payments_customer_date_idx ON payments (customer_id, date, reference);
DROP INDEX invoices_customer_ship_idx;
CREATE INDEX invoices_customer_ship_idx ON invoices (customer_id, ship_date);
