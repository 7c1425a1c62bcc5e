-- Sales (Σ base amount of the lines shipped in the period), invoices
-- (distinct invoices of those lines) and open receivables (Σ open base values
-- of the invoices open at the period's end, DOMAIN.md §3) by industry, by
-- industry name, with the totals.
-- bench:args quarterFrom, quarterTo
WITH s AS (
    SELECT c.industry, sum(l.base_amount) AS sales, count(DISTINCT l.invoice_id) AS invoices
    FROM sales_lines l
    JOIN customers c ON c.id = l.customer_id
    WHERE l.ship_date BETWEEN $1::date AND $2::date
    GROUP BY GROUPING SETS ((c.industry), ())
),
r AS (
    SELECT c.industry, sum(round((i.amount - coalesce(p.paid, 0)) * i.exchange_rate, 2)) AS open
    FROM invoices i
    JOIN customers c ON c.id = i.customer_id
    -- invoices.settled_on (kept by the ledger's trigger) is the day from which
    -- the balance is zero for good: an invoice settled by D is skipped, the
    -- others sum their ledger rows dated ≤ D (index-only scans).
    CROSS JOIN LATERAL (SELECT sum(s.amount) AS paid FROM settlements s
                        WHERE s.invoice_id = i.id AND s.date <= $2::date) p
    WHERE i.ship_date <= $2::date
      AND (i.settled_on IS NULL OR i.settled_on > $2::date)
      AND i.amount - coalesce(p.paid, 0) > 0
    GROUP BY GROUPING SETS ((c.industry), ())
),
keys AS (
    SELECT industry FROM s WHERE industry IS NOT NULL
    UNION
    SELECT industry FROM r WHERE industry IS NOT NULL
)
SELECT json_build_object('metrics', json_build_object(
    'rows', (SELECT coalesce(json_agg(json_build_object(
                    'dimensions', json_build_array(json_build_object('key', k.industry)),
                    'values', json_build_array(
                        json_build_object('measure', 'SALES', 'value', coalesce(s.sales, 0.00)::text),
                        json_build_object('measure', 'INVOICE_COUNT', 'value', coalesce(s.invoices, 0)::text),
                        json_build_object('measure', 'OPEN_RECEIVABLES', 'value', coalesce(r.open, 0.00)::text)))
                  ORDER BY k.industry), '[]')
             FROM keys k
             LEFT JOIN s ON s.industry = k.industry
             LEFT JOIN r ON r.industry = k.industry),
    'totals', json_build_object('values', json_build_array(
                  json_build_object('measure', 'SALES', 'value', coalesce((SELECT sales FROM s WHERE industry IS NULL), 0.00)::text),
                  json_build_object('measure', 'INVOICE_COUNT', 'value', coalesce((SELECT invoices FROM s WHERE industry IS NULL), 0)::text),
                  json_build_object('measure', 'OPEN_RECEIVABLES', 'value', coalesce((SELECT open FROM r WHERE industry IS NULL), 0.00)::text))),
    'truncated', false))
