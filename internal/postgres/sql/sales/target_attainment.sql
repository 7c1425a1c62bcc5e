-- Monthly sales target attainment per customer (DOMAIN.md §2 targets; 002
-- 客户评估二.1). A customer's target is Σ its monthly targets without a
-- product for the months the period touches; attainment = sales / target.
-- Listed: the selected customers with such a target or with sales lines in
-- the period. The totals (Σ target, Σ sales of the listed customers, and
-- their quotient) come first, joined to every row.
WITH targeted AS (
    SELECT t.customer_id, sum(t.amount) AS target
    FROM targets t
    JOIN customers c ON c.id = t.customer_id
    WHERE t.product_id IS NULL
      AND t.month >= ?first_month::date AND t.month <= ?to::date
      AND ?customers
    GROUP BY t.customer_id
), sold AS (
    SELECT s.customer_id, sum(s.sales) AS sales
    FROM (?sales) s
    JOIN customers c ON c.id = s.customer_id
    WHERE ?customers
    GROUP BY s.customer_id
), listed AS (
    SELECT coalesce(t.customer_id, s.customer_id) AS customer_id, t.target, coalesce(s.sales, 0) AS sales
    FROM targeted t
    FULL JOIN sold s ON s.customer_id = t.customer_id
), totals AS (
    SELECT coalesce(sum(target), 0) AS total_target, coalesce(sum(sales), 0) AS total_sales
    FROM listed
)
SELECT t.total_target, t.total_sales, cd_div(t.total_sales, t.total_target) AS total_attainment,
       l.customer_id, l.target, l.sales, cd_div(l.sales, l.target) AS attainment
FROM totals t
LEFT JOIN listed l ON true
LEFT JOIN customers c ON c.id = l.customer_id
ORDER BY cd_div(l.sales, l.target) DESC NULLS LAST, c.code COLLATE "C"
