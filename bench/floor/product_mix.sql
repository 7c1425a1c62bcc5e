-- Product mix over a period for the whole company, or one customer when
-- customerCode is given (DOMAIN.md §5, §9): per product with sales lines in
-- the period, sales, share, cumulative share and rank (sales descending, ties
-- by product code), cost, gross profit and margin; average inventory = mean
-- over the period's months that have snapshots of (opening + closing) / 2,
-- snapshots summed per month over the scope's customers first; turnover =
-- sales / average inventory; cross ratio = margin × turnover; contribution
-- ratio = cross ratio × share.
-- bench:args mixFrom, mixTo, mixCustomer
WITH scope AS (
    SELECT c.id FROM customers c WHERE $3::text IS NULL OR c.code = $3::text
),
per AS (
    SELECT l.product_id, sum(l.base_amount) AS sales, sum(l.cost_amount) AS cost
    FROM sales_lines l
    WHERE l.ship_date BETWEEN $1::date AND $2::date
      AND ($3::text IS NULL OR l.customer_id IN (SELECT id FROM scope))
    GROUP BY l.product_id
),
inv AS (
    SELECT x.product_id, avg(x.level) AS avg_inventory
    FROM (SELECT s.product_id, s.month, sum(s.opening + s.closing) / 2 AS level
          FROM inventory_snapshots s
          WHERE s.month BETWEEN date_trunc('month', $1::date)::date AND $2::date
            AND s.product_id IN (SELECT product_id FROM per)
            AND ($3::text IS NULL OR s.customer_id IN (SELECT id FROM scope))
          GROUP BY s.product_id, s.month) x
    GROUP BY x.product_id
),
ranked AS (
    SELECT p.code, per.sales, per.cost, per.sales - per.cost AS profit, inv.avg_inventory,
           row_number() OVER w AS rank,
           sum(per.sales) OVER w AS running,
           sum(per.sales) OVER () AS total
    FROM per
    JOIN products p ON p.id = per.product_id
    LEFT JOIN inv ON inv.product_id = per.product_id
    WINDOW w AS (ORDER BY per.sales DESC, p.code ROWS UNBOUNDED PRECEDING)
),
ratios AS (
    SELECT r.*,
           r.sales / nullif(r.total, 0) AS share,
           r.running / nullif(r.total, 0) AS cum,
           r.profit / nullif(r.sales, 0) AS margin,
           r.sales / nullif(r.avg_inventory, 0) AS turnover
    FROM ranked r
)
SELECT json_build_object('productMix', json_build_object(
    'total', coalesce((SELECT max(total) FROM ratios), 0.00)::text,
    'rows', (SELECT coalesce(json_agg(json_build_object(
                    'product', json_build_object('code', k.code), 'rank', k.rank,
                    'sales', k.sales::text, 'share', round(k.share, 6)::text, 'cumulativeShare', round(k.cum, 6)::text,
                    'cost', k.cost::text, 'grossProfit', k.profit::text, 'grossMargin', round(k.margin, 6)::text,
                    'averageInventory', round(k.avg_inventory, 2)::text, 'turnover', round(k.turnover, 6)::text,
                    'crossRatio', round(k.margin * k.turnover, 6)::text,
                    'contributionRatio', round(k.margin * k.turnover * k.share, 6)::text)
                  ORDER BY k.rank), '[]')
             FROM ratios k)))
