-- Dealer scorecards of a quarter (DOMAIN.md §6, §9), with the policy in force
-- on the quarter's last day. Every customer with a dealer type; metrics of
-- its type, each 0–100:
--   SALES_ABSOLUTE 100 × percent rank of sales among the same type (a single
--     dealer scores 100); SALES_RELATIVE max(0, min(attainment, 1.2)) / 1.2 ×
--     100, attainment = sales / Σ monthly targets of the quarter (none: missing);
--   CREDIT the payment score on the quarter's last day; the office ratings
--     (averaged when rated several times).
-- Composite = Σ weight × score / Σ weight over the scores present; complete
-- when none is missing; rank = 1 + same-type dealers with a higher composite;
-- class A ≥ 80, B ≥ 60, else C; reward points = floor(sales / 1,000) × the
-- multiplier of the attainment tier (no target or no sales: 0).
-- bench:args quarter
WITH q AS (
    SELECT make_date(left($1::text, 4)::int, (right($1::text, 1)::int - 1) * 3 + 1, 1) AS qstart,
           (make_date(left($1::text, 4)::int, (right($1::text, 1)::int - 1) * 3 + 1, 1)
            + interval '3 months - 1 day')::date AS qend
),
pol AS (
    SELECT s.key, s.value
    FROM policy_settings s, q
    WHERE s.version = (SELECT v.version FROM policy_versions v WHERE v.effective_from <= q.qend
                       ORDER BY v.effective_from DESC, v.version DESC LIMIT 1)
),
tiers AS (
    SELECT split_part(t, ':', 1)::numeric AS min_attainment, split_part(t, ':', 2)::numeric AS multiplier
    FROM pol, string_to_table(pol.value, ',') AS t
    WHERE pol.key = 'reward.tiers'
),
dealers AS (
    SELECT c.id, c.code, c.dealer_type FROM customers c WHERE c.dealer_type IS NOT NULL
),
sales AS (
    SELECT m.customer_id, sum(m.sales) AS sales
    FROM sales_customer_months m, q
    WHERE m.month BETWEEN q.qstart AND q.qend
    GROUP BY m.customer_id
),
targets AS (
    SELECT t.customer_id, sum(t.amount) AS target
    FROM targets t, q
    WHERE t.product_id IS NULL AND t.month BETWEEN q.qstart AND q.qend
    GROUP BY t.customer_id
),
pay AS (
    SELECT i.customer_id,
           sum(((CASE WHEN i.settled_on <= q.qend THEN i.settled_on
                      WHEN coalesce(l.paid, 0) >= i.amount THEN l.last_date
                      ELSE q.qend END) - i.due_date)
               * i.base_amount) / nullif(sum(i.base_amount), 0) AS days
    FROM dealers d
    CROSS JOIN q
    -- the invoices due in the window of each dealer
    JOIN LATERAL (SELECT * FROM invoices i WHERE i.customer_id = d.id
                  AND i.due_date BETWEEN q.qend - 364 AND q.qend) i ON true
    -- settled_on ≤ D: settled for good on that day (the ledger's trigger keeps
    -- it); only the others need their ledger rows dated ≤ D.
    LEFT JOIN LATERAL (SELECT sum(s.amount) AS paid, max(s.date) AS last_date
                       FROM settlements s
                       WHERE s.invoice_id = i.id AND s.date <= q.qend
                         AND NOT coalesce(i.settled_on <= q.qend, false)) l ON true
    GROUP BY i.customer_id
),
credit AS (
    SELECT p.customer_id,
           CASE WHEN p.days IS NULL THEN NULL
                WHEN p.days <= -30 THEN 100::numeric
                WHEN p.days >= 180 THEN 0::numeric
                ELSE (SELECT y0 + (y1 - y0) * (p.days - x0) / (x1 - x0)
                      FROM (VALUES (-30, 100, 0, 80), (0, 80, 15, 70), (15, 70, 30, 50), (30, 50, 60, 40),
                                   (60, 40, 90, 30), (90, 30, 120, 20), (120, 20, 180, 0)) AS v(x0, y0, x1, y1)
                      WHERE p.days >= x0 AND p.days < x1)
           END AS score
    FROM pay p
),
ratings AS (
    SELECT r.customer_id, r.metric, avg(r.score) AS score
    FROM dealer_ratings r
    WHERE r.quarter = $1::text
    GROUP BY r.customer_id, r.metric
),
base AS (
    SELECT d.*, coalesce(s.sales, 0.00) AS sales, t.target,
           coalesce(s.sales, 0.00) / nullif(t.target, 0) AS attainment,
           CASE WHEN count(*) OVER (PARTITION BY d.dealer_type) = 1 THEN 100::numeric
                ELSE 100 * (rank() OVER (PARTITION BY d.dealer_type ORDER BY coalesce(s.sales, 0.00)) - 1)::numeric
                     / (count(*) OVER (PARTITION BY d.dealer_type) - 1) END AS sales_abs
    FROM dealers d
    LEFT JOIN sales s ON s.customer_id = d.id
    LEFT JOIN targets t ON t.customer_id = d.id
),
metric_list (metric, ord, logistics_only) AS (
    VALUES ('SALES_ABSOLUTE', 1, false), ('SALES_RELATIVE', 2, false), ('CREDIT', 3, false),
           ('LAYOUT', 4, false), ('PROMOTION', 5, false), ('PRICE', 6, false), ('RELATIONS', 7, false),
           ('DELIVERY', 8, true), ('AFTER_SALES', 9, true), ('NETWORK', 10, true)
),
scores AS (
    SELECT b.id, ml.metric, ml.ord,
           (SELECT pol.value::numeric FROM pol WHERE pol.key = 'weight.' || b.dealer_type || '.' || ml.metric) AS weight,
           CASE ml.metric
               WHEN 'SALES_ABSOLUTE' THEN b.sales_abs
               -- least()/greatest() skip nulls: no attainment must stay no score.
               WHEN 'SALES_RELATIVE' THEN CASE WHEN b.attainment IS NOT NULL
                                               THEN greatest(0, least(b.attainment, 1.2)) / 1.2 * 100 END
               WHEN 'CREDIT' THEN cr.score
               ELSE r.score
           END AS score
    FROM base b
    JOIN metric_list ml ON NOT ml.logistics_only OR b.dealer_type = 'LOGISTICS'
    LEFT JOIN credit cr ON cr.customer_id = b.id
    LEFT JOIN ratings r ON r.customer_id = b.id AND r.metric = ml.metric
),
composite AS (
    SELECT s.id,
           sum(s.weight * s.score) FILTER (WHERE s.score IS NOT NULL)
               / nullif(sum(s.weight) FILTER (WHERE s.score IS NOT NULL), 0) AS composite,
           bool_and(s.score IS NOT NULL) AS complete,
           json_agg(json_build_object('metric', s.metric, 'score', round(s.score, 2)::text) ORDER BY s.ord) AS metrics
    FROM scores s
    GROUP BY s.id
),
cards AS (
    SELECT b.*, c.composite, c.complete, c.metrics,
           rank() OVER (PARTITION BY b.dealer_type ORDER BY c.composite DESC NULLS LAST) AS rank,
           CASE WHEN c.composite >= (SELECT value::numeric FROM pol WHERE key = 'dealer_class_a') THEN 'A'
                WHEN c.composite >= (SELECT value::numeric FROM pol WHERE key = 'dealer_class_b') THEN 'B'
                ELSE 'C' END AS class,
           CASE WHEN b.attainment IS NULL OR b.sales <= 0 THEN 0
                ELSE floor(b.sales / (SELECT value::numeric FROM pol WHERE key = 'reward.unit'))
                     * coalesce((SELECT t.multiplier FROM tiers t WHERE b.attainment >= t.min_attainment
                                 ORDER BY t.min_attainment DESC LIMIT 1), 0)
           END AS points
    FROM base b
    JOIN composite c ON c.id = b.id
)
SELECT json_build_object('dealerScorecards', (
    SELECT coalesce(json_agg(json_build_object(
               'customer', json_build_object('code', k.code), 'quarter', $1::text, 'dealerType', k.dealer_type,
               'metrics', k.metrics, 'composite', round(k.composite, 2)::text, 'complete', k.complete,
               'rank', k.rank, 'dealerClass', k.class, 'sales', k.sales::text, 'target', k.target::text,
               'attainment', round(k.attainment, 6)::text, 'rewardPoints', round(k.points, 2)::text)
           ORDER BY k.dealer_type, k.rank, k.code), '[]')
    FROM cards k))
