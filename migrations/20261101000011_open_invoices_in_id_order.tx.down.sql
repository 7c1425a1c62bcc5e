CREATE OR REPLACE FUNCTION cd_invoice_open(asof date)
RETURNS TABLE (invoice_id bigint, customer_id bigint, ship_date date, due_date date, currency char(3),
               exchange_rate numeric, open numeric, open_base numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT i.id, i.customer_id, i.ship_date, i.due_date, i.currency, i.exchange_rate::numeric,
           o.open, round(o.open * i.exchange_rate, 2)
    FROM (
        SELECT u.id, u.customer_id, u.ship_date, u.due_date, u.currency, u.exchange_rate, u.amount
        FROM invoices u
        WHERE u.settled_on IS NULL AND u.ship_date <= $1
        UNION ALL
        SELECT l.id, l.customer_id, l.ship_date, l.due_date, l.currency, l.exchange_rate, l.amount
        FROM invoices l
        WHERE l.settled_on > $1 AND l.ship_date <= $1
    ) i
    CROSS JOIN LATERAL (
        SELECT i.amount - coalesce(sum(s.amount), 0) AS open
        FROM settlements s
        WHERE s.invoice_id = i.id AND s.date <= $1
    ) o
    WHERE o.open > 0
$$;
