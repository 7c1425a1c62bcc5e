-- Sales (Σ base amount), gross profit (sales − cost), gross margin (profit /
-- sales) and customers (distinct customers with sales lines) by office and
-- calendar month over a period of whole months, ordered by month then office
-- code, with the totals over the whole period (customers counted once).
-- Whole months: from the monthly rollup (sales_customer_months).
-- bench:args metricsFrom, metricsTo
WITH x AS (
    SELECT o.code AS office, m.month, m.customer_id, m.sales, m.cost
    FROM sales_customer_months m
    JOIN customers c ON c.id = m.customer_id
    JOIN offices o ON o.id = c.office_id
    WHERE m.month BETWEEN $1::date AND $2::date
),
g AS (
    SELECT office, month, sum(sales) AS sales, sum(sales) - sum(cost) AS profit,
           count(DISTINCT customer_id) AS customers, grouping(office, month) AS total
    FROM x
    GROUP BY GROUPING SETS ((month, office), ())
)
SELECT json_build_object('metrics', json_build_object(
    'rows', (SELECT coalesce(json_agg(json_build_object(
                    'period', to_char(g.month, 'YYYY-MM'),
                    'dimensions', json_build_array(json_build_object('key', g.office)),
                    'values', json_build_array(
                        json_build_object('measure', 'SALES', 'value', g.sales::text),
                        json_build_object('measure', 'GROSS_PROFIT', 'value', g.profit::text),
                        json_build_object('measure', 'GROSS_MARGIN', 'value', round(g.profit / nullif(g.sales, 0), 6)::text),
                        json_build_object('measure', 'CUSTOMER_COUNT', 'value', g.customers::text)))
                  ORDER BY g.month, g.office), '[]')
             FROM g WHERE g.total = 0),
    'totals', (SELECT json_build_object('values', json_build_array(
                        json_build_object('measure', 'SALES', 'value', coalesce(g.sales, 0.00)::text),
                        json_build_object('measure', 'GROSS_PROFIT', 'value', coalesce(g.profit, 0.00)::text),
                        json_build_object('measure', 'GROSS_MARGIN', 'value', round(g.profit / nullif(g.sales, 0), 6)::text),
                        json_build_object('measure', 'CUSTOMER_COUNT', 'value', coalesce(g.customers, 0)::text)))
               FROM (SELECT 1) one LEFT JOIN g ON g.total = 3),
    'truncated', false))
