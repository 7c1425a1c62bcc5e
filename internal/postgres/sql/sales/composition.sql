-- Sales by industry category (DOMAIN.md §5, §9): the industries with at least
-- one sales line in the period, by sales descending; customers counts the
-- distinct customers with lines. The total is the window sum over the same
-- rows, so rows and total cannot disagree.
WITH per_customer AS (
    SELECT s.customer_id, sum(s.sales) AS sales
    FROM (?sales) s
    GROUP BY s.customer_id
), per_industry AS (
    SELECT c.industry, sum(pc.sales) AS sales, count(*) AS customers
    FROM per_customer pc
    JOIN customers c ON c.id = pc.customer_id
    WHERE ?customers
    GROUP BY c.industry
)
SELECT i.industry, i.sales, cd_div(i.sales, sum(i.sales) OVER ()) AS share, i.customers,
       sum(i.sales) OVER () AS total
FROM per_industry i
ORDER BY i.sales DESC, i.industry COLLATE "C"
