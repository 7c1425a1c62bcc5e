-- cd_invoice_open (02) reads each candidate invoice's ledger rows through
-- settlements_invoice_idx, ordered by invoice id. Its candidates come from
-- the partial covering indexes in ship-date order, and invoice ids follow
-- the order invoices were written in (per customer, when they are imported
-- customer by customer), so consecutive probes landed far apart in the
-- index. Probing in id order walks the index from one end to the other: the
-- 88,000 open invoices of the large demo set take 212 ms instead of 338 ms,
-- sorting them included. The figures are the same; only the order in which
-- the ledger is read changes.
CREATE OR REPLACE FUNCTION cd_invoice_open(asof date)
RETURNS TABLE (invoice_id bigint, customer_id bigint, ship_date date, due_date date, currency char(3),
               exchange_rate numeric, open numeric, open_base numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT i.id, i.customer_id, i.ship_date, i.due_date, i.currency, i.exchange_rate::numeric,
           o.open, round(o.open * i.exchange_rate, 2)
    FROM (
        SELECT c.* FROM (
            SELECT u.id, u.customer_id, u.ship_date, u.due_date, u.currency, u.exchange_rate, u.amount
            FROM invoices u
            WHERE u.settled_on IS NULL AND u.ship_date <= $1
            UNION ALL
            SELECT l.id, l.customer_id, l.ship_date, l.due_date, l.currency, l.exchange_rate, l.amount
            FROM invoices l
            WHERE l.settled_on > $1 AND l.ship_date <= $1
        ) c
        ORDER BY c.id
    ) i
    CROSS JOIN LATERAL (
        SELECT i.amount - coalesce(sum(s.amount), 0) AS open
        FROM settlements s
        WHERE s.invoice_id = i.id AND s.date <= $1
    ) o
    WHERE o.open > 0
$$;
