CREATE OR REPLACE FUNCTION cd_settle_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE invoices i
    SET settled_on = CASE WHEN i.amount = x.settled THEN x.last_date END
    FROM (SELECT s.invoice_id, sum(s.amount) AS settled, max(s.date) AS last_date
          FROM settlements s
          WHERE s.invoice_id IN (SELECT DISTINCT invoice_id FROM new_rows)
          GROUP BY s.invoice_id) x
    WHERE i.id = x.invoice_id
      AND i.settled_on IS DISTINCT FROM (CASE WHEN i.amount = x.settled THEN x.last_date END);
    RETURN NULL;
END $$;
