DROP FUNCTION IF EXISTS cd_payment_score(date);
DROP FUNCTION IF EXISTS cd_customer_exposure(date);
DROP FUNCTION IF EXISTS cd_invoice_open(date);
