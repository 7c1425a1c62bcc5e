DROP INDEX IF EXISTS invoices_due_cover_idx;
DROP INDEX IF EXISTS settlements_date_idx;
DROP INDEX IF EXISTS invoices_ship_settled_idx;
DROP INDEX IF EXISTS invoices_settled_ship_idx;
DROP INDEX IF EXISTS invoices_open_ship_idx;
DROP FUNCTION IF EXISTS cd_payment_score(date);
DROP FUNCTION IF EXISTS cd_customer_exposure(date);
DROP FUNCTION IF EXISTS cd_invoice_open(date);
