-- Customer share of company sales (DOMAIN.md §5), per month or per year.
--
-- The company total of a bucket is the sales of every customer (it is the
-- denominator of the shares, whatever the filter); the filter and the
-- actor's scope select the customers listed. A customer is listed for a
-- bucket when it has sales lines in it or has a required share (then also
-- with zero sales, so a miss shows). Buckets are clipped to the period.
-- meets compares exact amounts: sales >= required share × company total.
-- The totals come first, in a row of their own (part 0), so they exist
-- without rows and are not repeated on every row; with them the number of
-- rows of the whole report. after and limit choose a page of the rows in
-- the report's order (bucket, sales descending, code); TRUE and NULL take
-- them all.
WITH per_customer AS (
    SELECT s.customer_id, date_trunc(?unit, s.month::timestamp)::date AS bucket, sum(s.sales) AS sales
    FROM (?sales) s
    GROUP BY 1, 2
), company AS (
    SELECT pc.bucket, sum(pc.sales) AS total
    FROM per_customer pc
    GROUP BY pc.bucket
), buckets AS (
    SELECT b::date AS bucket
    FROM generate_series(date_trunc(?unit, ?from::timestamp), ?to::timestamp, ?step::interval) b
), selected AS (
    SELECT c.id, c.code, c.required_share
    FROM customers c
    WHERE ?customers
), listed AS (
    SELECT sel.id AS customer_id, sel.code, b.bucket, coalesce(pc.sales, 0) AS sales,
           coalesce(co.total, 0) AS company_total, sel.required_share
    FROM selected sel
    CROSS JOIN buckets b
    LEFT JOIN per_customer pc ON pc.customer_id = sel.id AND pc.bucket = b.bucket
    LEFT JOIN company co ON co.bucket = b.bucket
    WHERE pc.customer_id IS NOT NULL OR sel.required_share IS NOT NULL
), totals AS (
    SELECT (SELECT coalesce(sum(total), 0) FROM company) AS company_sales,
           (SELECT coalesce(sum(sales), 0) FROM listed) AS selected_sales,
           (SELECT count(*) FROM listed) AS listed_count
)
SELECT * FROM (
SELECT 0 AS part, t.company_sales, t.selected_sales, cd_div(t.selected_sales, t.company_sales) AS selected_share,
       t.listed_count,
       NULL::bigint AS customer_id, NULL::date AS bucket, NULL::numeric AS sales, NULL::numeric AS company_total,
       NULL::numeric AS share, NULL::numeric AS required_share, NULL::boolean AS meets, NULL::text AS code
FROM totals t
UNION ALL
(SELECT 1, NULL, NULL, NULL, NULL,
       l.customer_id, l.bucket, l.sales, l.company_total,
       cd_div(l.sales, l.company_total),
       l.required_share,
       CASE
           WHEN l.required_share IS NULL THEN NULL
           WHEN l.company_total > 0 THEN l.sales >= l.required_share * l.company_total
           WHEN l.company_total < 0 THEN l.sales <= l.required_share * l.company_total
       END,
       l.code
FROM listed l
WHERE ?after
ORDER BY l.bucket, l.sales DESC, l.code COLLATE "C"
LIMIT ?limit)
) u
ORDER BY u.part, u.bucket, u.sales DESC, u.code COLLATE "C"
