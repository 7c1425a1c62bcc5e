-- Network evaluation per office and quarter (002 客户评估三, DOMAIN.md §6).
--
-- Definitions (DOMAIN.md is silent on them; docs/reports.md explains):
-- * a customer has sales in a quarter when its net sales there (Σ base_amount
--   of its lines, returns included) are above zero; the customer count is the
--   number of such customers;
-- * a customer belongs to its current office;
-- * the top 20 are the office's 20 customers with the highest sales this
--   quarter (ties by code) among those with sales; their growth compares their
--   sales this quarter with the same customers' sales the quarter before;
-- * visits are those dated in the quarter to the office's customers, whoever
--   made them; visits per customer divides by the customer count;
-- * churned: sales in the previous quarter, none in this one.
-- Growth over a zero base is NULL (DOMAIN.md §0).
--
-- Named arguments: first, last (the quarter), prev_first, prev_last (the one
-- before), visible (the customer predicate over alias c).
WITH cust AS (
    SELECT c.id, c.code, c.office_id FROM customers c WHERE ?visible
), quarter_sales AS (
    -- The monthly rollup: both quarters are whole months.
    SELECT r.customer_id,
           sum(r.sales) FILTER (WHERE r.month BETWEEN ?first::date AND ?last::date) AS sales,
           sum(r.sales) FILTER (WHERE r.month BETWEEN ?prev_first::date AND ?prev_last::date) AS previous_sales
    FROM sales_customer_months r
    WHERE r.customer_id IN (SELECT id FROM cust)
      AND r.month BETWEEN ?prev_first::date AND ?last::date
    GROUP BY r.customer_id
), per_customer AS (
    SELECT cu.id, cu.code, cu.office_id,
           coalesce(s.sales, 0) AS sales,
           coalesce(s.previous_sales, 0) AS previous_sales,
           row_number() OVER (PARTITION BY cu.office_id ORDER BY coalesce(s.sales, 0) DESC, cu.code) AS position
    FROM cust cu
    LEFT JOIN quarter_sales s ON s.customer_id = cu.id
), office_visits AS (
    SELECT cu.office_id, count(*) AS visits, count(*) FILTER (WHERE v.effective) AS effective_visits
    FROM visits v
    JOIN cust cu ON cu.id = v.customer_id
    WHERE v.date BETWEEN ?first::date AND ?last::date
    GROUP BY cu.office_id
), office_figures AS (
    SELECT p.office_id,
           count(*) FILTER (WHERE p.sales > 0) AS customers,
           count(*) FILTER (WHERE p.previous_sales > 0) AS previous_customers,
           sum(p.sales) AS sales,
           sum(p.previous_sales) AS previous_sales,
           coalesce(sum(p.sales) FILTER (WHERE p.position <= 20 AND p.sales > 0), 0) AS top20_sales,
           coalesce(sum(p.previous_sales) FILTER (WHERE p.position <= 20 AND p.sales > 0), 0) AS top20_previous_sales,
           coalesce(array_agg(p.id ORDER BY p.code) FILTER (WHERE p.previous_sales > 0 AND p.sales <= 0),
                    '{}') AS churned_ids
    FROM per_customer p
    GROUP BY p.office_id
)
SELECT o.id AS office_id, o.code AS office_code, o.name AS office_name,
       f.customers, f.previous_customers,
       cd_div(f.customers - f.previous_customers, f.previous_customers) AS customer_growth,
       f.sales, f.previous_sales, f.top20_sales, f.top20_previous_sales,
       cd_div(f.top20_sales - f.top20_previous_sales, f.top20_previous_sales) AS top20_sales_growth,
       coalesce(v.visits, 0) AS visits,
       coalesce(v.effective_visits, 0) AS effective_visits,
       cd_div(coalesce(v.visits, 0), f.customers) AS visits_per_customer,
       cd_div(v.effective_visits, v.visits) AS effective_visit_share,
       f.churned_ids
FROM office_figures f
JOIN offices o ON o.id = f.office_id
LEFT JOIN office_visits v ON v.office_id = f.office_id
ORDER BY o.code
