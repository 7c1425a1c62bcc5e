-- Ageing as of D by customer (DOMAIN.md §3): each invoice shipped by D with an
-- open balance > 0 on D, valued at round(open × rate, 2), in the bucket of
-- its days overdue D − due date: current (≤ 0), 1–30, 31–60, 61–90, 91–120,
-- 121+. A row per customer with an open balance, and the grand totals.
-- bench:args asOf
WITH open_inv AS (
    SELECT i.customer_id, $1::date - i.due_date AS days,
           round((i.amount - coalesce(p.paid, 0)) * i.exchange_rate, 2) AS open_base
    FROM invoices i
    -- invoices.settled_on (kept by the ledger's trigger) is the day from which
    -- the balance is zero for good: an invoice settled by D is skipped, the
    -- others sum their ledger rows dated ≤ D (index-only scans).
    CROSS JOIN LATERAL (SELECT sum(s.amount) AS paid FROM settlements s
                        WHERE s.invoice_id = i.id AND s.date <= $1::date) p
    WHERE i.ship_date <= $1::date
      AND (i.settled_on IS NULL OR i.settled_on > $1::date)
      AND i.amount - coalesce(p.paid, 0) > 0
),
per AS (
    SELECT customer_id,
           sum(open_base) AS total,
           sum(open_base) FILTER (WHERE days <= 0) AS b0,
           sum(open_base) FILTER (WHERE days BETWEEN 1 AND 30) AS b1,
           sum(open_base) FILTER (WHERE days BETWEEN 31 AND 60) AS b2,
           sum(open_base) FILTER (WHERE days BETWEEN 61 AND 90) AS b3,
           sum(open_base) FILTER (WHERE days BETWEEN 91 AND 120) AS b4,
           sum(open_base) FILTER (WHERE days > 120) AS b5
    FROM open_inv
    GROUP BY GROUPING SETS ((customer_id), ())
)
SELECT json_build_object('agingReport', json_build_object(
    'rows', (SELECT coalesce(json_agg(json_build_object(
                    'key', c.code, 'label', c.name, 'total', p.total::text,
                    'amounts', json_build_array(coalesce(p.b0, 0.00)::text, coalesce(p.b1, 0.00)::text,
                                                coalesce(p.b2, 0.00)::text, coalesce(p.b3, 0.00)::text,
                                                coalesce(p.b4, 0.00)::text, coalesce(p.b5, 0.00)::text))
                  ORDER BY c.code), '[]')
             FROM per p JOIN customers c ON c.id = p.customer_id),
    'totals', (SELECT json_build_object('total', coalesce(p.total, 0.00)::text,
                    'amounts', json_build_array(coalesce(p.b0, 0.00)::text, coalesce(p.b1, 0.00)::text,
                                                coalesce(p.b2, 0.00)::text, coalesce(p.b3, 0.00)::text,
                                                coalesce(p.b4, 0.00)::text, coalesce(p.b5, 0.00)::text))
               FROM (SELECT 1) one LEFT JOIN per p ON p.customer_id IS NULL)))
