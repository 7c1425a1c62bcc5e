-- ABC (Pareto) analysis over a period, overall (DOMAIN.md §5, §9): every
-- customer, with or without sales; rank by sales descending, ties by code;
-- cum_i = Σ sales of ranks ≤ i / total; A if cum_{i−1} < 0.75, else B if
-- cum_{i−1} < 0.95, else C; zero or negative sales are C.
-- bench:args from, to
WITH pol AS (
    SELECT max(s.value) FILTER (WHERE s.key = 'abc_a')::numeric AS a,
           max(s.value) FILTER (WHERE s.key = 'abc_b')::numeric AS b
    FROM policy_settings s
    WHERE s.version = (SELECT v.version FROM policy_versions v WHERE v.effective_from <= $2::date
                       ORDER BY v.effective_from DESC, v.version DESC LIMIT 1)
),
-- Whole months come from the monthly rollup the schema keeps in step with the
-- lines (sales_customer_months); any other period sums the lines.
aligned AS (
    SELECT $1::date = date_trunc('month', $1::date)::date
       AND $2::date = (date_trunc('month', $2::date) + interval '1 month - 1 day')::date AS ok
),
sales AS (
    SELECT x.customer_id, sum(x.sales) AS sales
    FROM (SELECT m.customer_id, m.sales FROM sales_customer_months m, aligned
          WHERE aligned.ok AND m.month BETWEEN $1::date AND $2::date
          UNION ALL
          SELECT l.customer_id, l.base_amount FROM sales_lines l, aligned
          WHERE NOT aligned.ok AND l.ship_date BETWEEN $1::date AND $2::date) x
    GROUP BY x.customer_id
),
ranked AS (
    SELECT c.code, c.industry, coalesce(s.sales, 0.00) AS sales,
           row_number() OVER w AS rank,
           sum(coalesce(s.sales, 0.00)) OVER w AS running,
           sum(coalesce(s.sales, 0.00)) OVER () AS total
    FROM customers c
    LEFT JOIN sales s ON s.customer_id = c.id
    WINDOW w AS (ORDER BY coalesce(s.sales, 0.00) DESC, c.code ROWS UNBOUNDED PRECEDING)
),
classed AS (
    SELECT r.*,
           r.sales / nullif(r.total, 0) AS share,
           r.running / nullif(r.total, 0) AS cum,
           CASE WHEN r.sales <= 0 OR r.total = 0 THEN 'C'
                WHEN (r.running - r.sales) / r.total < pol.a THEN 'A'
                WHEN (r.running - r.sales) / r.total < pol.b THEN 'B'
                ELSE 'C' END AS class
    FROM ranked r, pol
)
SELECT json_build_object('abcAnalysis', json_build_object(
    'total', coalesce((SELECT max(total) FROM classed), 0.00)::text,
    'rows', (SELECT coalesce(json_agg(json_build_object(
                    'customer', json_build_object('code', k.code), 'industry', k.industry, 'rank', k.rank,
                    'sales', k.sales::text, 'share', round(k.share, 6)::text,
                    'cumulativeShare', round(k.cum, 6)::text, 'abcClass', k.class)
                  ORDER BY k.rank), '[]')
             FROM classed k)))
