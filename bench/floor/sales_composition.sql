-- Sales composition by industry over a period (DOMAIN.md §5, §9): industries
-- with at least one sales line in the period, by sales descending (ties by
-- industry); share = industry sales / total; customers = distinct customers
-- with sales lines.
-- bench:args from, to
-- Whole months come from the monthly rollup the schema keeps in step with the
-- lines (sales_customer_months, a row only where there are lines); any other
-- period sums the lines.
WITH aligned AS (
    SELECT $1::date = date_trunc('month', $1::date)::date
       AND $2::date = (date_trunc('month', $2::date) + interval '1 month - 1 day')::date AS ok
),
per AS (
    -- Per customer first, then per industry: no count(DISTINCT) over the rows.
    SELECT c.industry, sum(x.sales) AS sales, count(*) AS customers
    FROM (SELECT y.customer_id, sum(y.sales) AS sales
          FROM (SELECT m.customer_id, m.sales FROM sales_customer_months m, aligned
                WHERE aligned.ok AND m.month BETWEEN $1::date AND $2::date
                UNION ALL
                SELECT l.customer_id, l.base_amount FROM sales_lines l, aligned
                WHERE NOT aligned.ok AND l.ship_date BETWEEN $1::date AND $2::date) y
          GROUP BY y.customer_id) x
    JOIN customers c ON c.id = x.customer_id
    GROUP BY c.industry
),
tot AS (SELECT coalesce(sum(sales), 0.00) AS total FROM per)
SELECT json_build_object('salesComposition', json_build_object(
    'total', (SELECT total FROM tot)::text,
    'rows', (SELECT coalesce(json_agg(json_build_object(
                    'industry', p.industry, 'sales', p.sales::text,
                    'share', round(p.sales / nullif(t.total, 0), 6)::text, 'customers', p.customers)
                  ORDER BY p.sales DESC, p.industry), '[]')
             FROM per p, tot t)))
