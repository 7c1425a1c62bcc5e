-- Product mix (DOMAIN.md §5, §9) of a scope and period.
--
-- Rows: the products with sales lines in the period, and the products with
-- a target in it, ranked by sales descending, ties by product code.
-- Inventory and targets count for the months the period touches.
-- Average inventory = the mean over the months that have snapshots of
-- (opening + closing) / 2, the scope's snapshots summed per month first:
-- Σ (opening + closing) / (2 n) with n the number of such months. Each ratio
-- is one division of exact sums:
--   turnover       = sales / avg inventory        = 2 n sales / Σ(o + c)
--   cross ratio    = margin × turnover            = 2 n profit / Σ(o + c)
--   contribution   = cross ratio × share          = 2 n profit sales / (Σ(o + c) total)
-- (null when a factor is: no sales, no snapshots, a zero total).
-- Each part joins customers under the scope's predicate itself, so the
-- planner sees the join (a CTE of the scope would hide its size); when the
-- scope is every customer there is no join (scope_lines, scope_targets and
-- scope_stock are empty): a whole-company mix sums the lines alone.
WITH scope AS (
    SELECT c.id
    FROM customers c
    WHERE ?customers
), sold AS (
    SELECT l.product_id, sum(l.base_amount) AS sales, sum(l.cost_amount) AS cost
    FROM sales_lines l
    ?scope_lines
    WHERE l.ship_date >= ?from::date AND l.ship_date <= ?to::date
    GROUP BY l.product_id
), targeted AS (
    SELECT t.product_id, sum(t.amount) AS target
    FROM targets t
    ?scope_targets
    WHERE t.product_id IS NOT NULL
      AND t.month >= ?first_month::date AND t.month <= ?to::date
    GROUP BY t.product_id
), products_listed AS (
    SELECT coalesce(s.product_id, t.product_id) AS product_id,
           coalesce(s.sales, 0) AS sales, coalesce(s.cost, 0) AS cost, t.target
    FROM sold s
    FULL JOIN targeted t ON t.product_id = s.product_id
), stock AS (
    SELECT i.product_id, count(DISTINCT i.month) AS months, sum(i.opening + i.closing) AS opening_closing
    FROM inventory_snapshots i
    ?scope_stock
    WHERE i.month >= ?first_month::date AND i.month <= ?to::date
      AND i.product_id IN (SELECT product_id FROM products_listed)
    GROUP BY i.product_id
), ranked AS (
    SELECT pl.product_id, p.code, p.name, p.category, p.unit_cost,
           pl.sales, pl.cost, pl.sales - pl.cost AS profit, pl.target,
           st.months, st.opening_closing,
           row_number() OVER w AS rank,
           sum(pl.sales) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum,
           sum(pl.sales) OVER () AS total
    FROM products_listed pl
    JOIN products p ON p.id = pl.product_id
    LEFT JOIN stock st ON st.product_id = pl.product_id
    WINDOW w AS (ORDER BY pl.sales DESC, p.code COLLATE "C")
), totals AS (
    SELECT coalesce(sum(sales), 0) AS total_sales, coalesce(sum(cost), 0) AS total_cost,
           sum(target) AS total_target, sum(sales) FILTER (WHERE target IS NOT NULL) AS targeted_sales,
           -- Counted only when the scope names a customer (count_scope): the
           -- report is then ENOTFOUND when the actor cannot see it.
           CASE WHEN ?count_scope THEN (SELECT count(*) FROM scope) ELSE 0 END AS scope_customers
    FROM products_listed
)
SELECT t.total_sales, t.total_cost, t.total_sales - t.total_cost AS total_profit,
       cd_div(t.total_sales - t.total_cost, t.total_sales) AS total_margin,
       t.total_target, cd_div(t.targeted_sales, t.total_target) AS total_attainment,
       t.scope_customers,
       r.product_id, r.code AS product_code, r.name AS product_name, r.category AS product_category,
       r.unit_cost AS product_unit_cost,
       r.rank, r.sales, r.cost, r.profit,
       cd_div(r.sales, r.total) AS share,
       cd_div(r.cum, r.total) AS cumulative_share,
       cd_div(r.profit, r.sales) AS margin,
       cd_div(r.opening_closing, 2 * r.months) AS average_inventory,
       cd_div(2 * r.months * r.sales, r.opening_closing) AS turnover,
       CASE WHEN r.sales <> 0 THEN cd_div(2 * r.months * r.profit, r.opening_closing) END AS cross_ratio,
       CASE WHEN r.sales <> 0 THEN cd_div(2 * r.months * r.profit * r.sales, r.opening_closing * r.total) END
           AS contribution_ratio,
       r.target, cd_div(r.sales, r.target) AS attainment
FROM totals t
LEFT JOIN ranked r ON true
ORDER BY r.rank
