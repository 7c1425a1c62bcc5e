-- Seasonal index of the whole company's monthly sales over Y years (DOMAIN.md
-- §5): avg_m = Σ_years sales(y, m) / Y; overall = total / (12 × Y);
-- index_m = avg_m / overall; share_m = index_m / 12; target_m = share_m × T.
-- Whole months, so from the monthly rollup (sales_customer_months).
-- bench:args years, annualTarget
WITH yrs AS (
    SELECT DISTINCT y FROM unnest($1::int[]) AS y
),
per AS (
    -- Group by the month first: extract() per rollup row costs more than the sum.
    SELECT extract(month FROM x.month)::int AS month, sum(x.sales) AS sales
    FROM (SELECT m.month, sum(m.sales) AS sales
          FROM sales_customer_months m
          WHERE m.month >= make_date((SELECT min(y) FROM yrs), 1, 1)
            AND m.month < make_date((SELECT max(y) FROM yrs) + 1, 1, 1)
          GROUP BY m.month) x
    WHERE extract(year FROM x.month)::int IN (SELECT y FROM yrs)
    GROUP BY 1
),
months AS (
    SELECT g.month, coalesce(p.sales, 0.00) AS sales
    FROM generate_series(1, 12) AS g(month)
    LEFT JOIN per p ON p.month = g.month
),
tot AS (
    SELECT sum(sales) AS total, (SELECT count(*) FROM yrs) AS n FROM months
)
SELECT json_build_object('seasonalIndex', json_build_object(
    'years', (SELECT json_agg(y ORDER BY y) FROM yrs),
    'total', (SELECT total FROM tot)::text,
    'months', (SELECT json_agg(json_build_object(
                    'month', m.month,
                    'average', round(m.sales / t.n, 2)::text,
                    'index', round(12 * m.sales / nullif(t.total, 0), 6)::text,
                    'share', round(m.sales / nullif(t.total, 0), 6)::text,
                    'target', round(m.sales / nullif(t.total, 0) * $2::numeric, 2)::text)
                  ORDER BY m.month)
               FROM months m, tot t)))
