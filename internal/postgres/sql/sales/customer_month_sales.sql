-- Sales of a period by customer and calendar month: the whole months from the
-- rollup sales_customer_months, the days of a partial month at either end
-- from sales_lines. A pair may come in several rows; callers aggregate.
-- The lines' quantity is read only when asked for (line_quantity is the
-- column or NULL): the covering index on ship_date lacks it, and without it
-- the partial months are read by an index-only scan.
-- The three parts (rollup, head, tail) are separated by UNION ALL lines;
-- customerMonthSales keeps only those whose range is not empty, so each
-- names its columns.
SELECT r.customer_id, r.month, r.sales, r.cost, r.quantity, r.lines
FROM sales_customer_months r
WHERE r.month >= ?whole_from::date AND r.month < ?whole_to::date
UNION ALL
SELECT l.customer_id, date_trunc('month', l.ship_date::timestamp)::date AS month, l.base_amount AS sales,
       l.cost_amount AS cost, ?line_quantity AS quantity, 1 AS lines
FROM sales_lines l
WHERE l.ship_date >= ?from::date AND l.ship_date < ?whole_from::date
UNION ALL
SELECT l.customer_id, date_trunc('month', l.ship_date::timestamp)::date AS month, l.base_amount AS sales,
       l.cost_amount AS cost, ?line_quantity AS quantity, 1 AS lines
FROM sales_lines l
WHERE l.ship_date >= ?whole_to::date AND l.ship_date <= ?to::date
