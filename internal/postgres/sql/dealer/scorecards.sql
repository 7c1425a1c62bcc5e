-- Dealer scorecards of one quarter (002 客户评估管理制度, DOMAIN.md §6 and §9):
-- one row per dealer and metric of its type, for every customer with a dealer
-- type. Ranks and percent ranks are over all dealers of the same type, so a
-- scorecard does not depend on who asks or on the filter; callers filter the
-- rows they show.
--
-- Named arguments: quarter (YYYYQn), first and last (its first and last day).
-- Everything is NUMERIC and unrounded; cd_div carries quotients at 24 places.
WITH policy AS (
    -- DOMAIN.md §10: the version in force on the quarter's last day.
    SELECT v.version
    FROM policy_versions v
    WHERE v.effective_from <= ?last::date
    ORDER BY v.effective_from DESC, v.version DESC
    LIMIT 1
), setting AS (
    SELECT s.key, s.value FROM policy_settings s JOIN policy p USING (version)
), metric (dealer_type, metric, ord) AS (
    -- 002 客户评估一.2: exclusive dealers on sales (absolute and relative),
    -- layout and samples, promotion push, price maintenance, customer relations
    -- and credit; logistics dealers also on delivery, after-sales service and
    -- network expansion and maintenance.
    VALUES ('EXCLUSIVE', 'SALES_ABSOLUTE', 1), ('EXCLUSIVE', 'SALES_RELATIVE', 2), ('EXCLUSIVE', 'CREDIT', 3),
           ('EXCLUSIVE', 'LAYOUT', 4), ('EXCLUSIVE', 'PROMOTION', 5), ('EXCLUSIVE', 'PRICE', 6),
           ('EXCLUSIVE', 'RELATIONS', 7),
           ('LOGISTICS', 'SALES_ABSOLUTE', 1), ('LOGISTICS', 'SALES_RELATIVE', 2), ('LOGISTICS', 'CREDIT', 3),
           ('LOGISTICS', 'LAYOUT', 4), ('LOGISTICS', 'PROMOTION', 5), ('LOGISTICS', 'PRICE', 6),
           ('LOGISTICS', 'RELATIONS', 7), ('LOGISTICS', 'DELIVERY', 8), ('LOGISTICS', 'AFTER_SALES', 9),
           ('LOGISTICS', 'NETWORK', 10)
), dealer AS (
    -- Sales = Σ base_amount of the lines shipped in the quarter (DOMAIN.md §2),
    -- read from the monthly rollup: a quarter is three whole months. The
    -- quarter target is the sum of the monthly customer targets that exist
    -- for its months (DOMAIN.md §9); none gives NULL.
    SELECT c.id, c.dealer_type,
           coalesce((SELECT sum(r.sales) FROM sales_customer_months r
                     WHERE r.customer_id = c.id AND r.month BETWEEN ?first::date AND ?last::date), 0) AS sales,
           (SELECT sum(t.amount) FROM targets t
            WHERE t.customer_id = c.id AND t.product_id IS NULL
              AND t.month BETWEEN ?first::date AND ?last::date) AS target
    FROM customers c
    WHERE c.dealer_type IS NOT NULL
), ranked_sales AS (
    -- DOMAIN.md §9: sales-absolute = 100 × percent rank over sales ascending
    -- among the dealers of the same type, in NUMERIC; a lone dealer scores 100.
    SELECT d.id, d.dealer_type, d.sales, d.target,
           cd_div(d.sales, d.target) AS attainment,
           100 * coalesce(cd_div((rank() OVER (PARTITION BY d.dealer_type ORDER BY d.sales) - 1)::numeric,
                                 count(*) OVER (PARTITION BY d.dealer_type) - 1), 1) AS sales_absolute
    FROM dealer d
), rating AS (
    -- Several ratings of one metric in a quarter are averaged.
    SELECT r.customer_id, r.metric, cd_div(sum(r.score), count(*)) AS score
    FROM dealer_ratings r
    WHERE r.quarter = ?quarter AND r.customer_id IN (SELECT id FROM dealer)
    GROUP BY r.customer_id, r.metric
), credit AS (
    -- The credit metric is the payment score on the quarter's last day. The
    -- function is inlined; = ANY of an array (not IN of the CTE) lets the
    -- planner push the dealers into its invoice scan.
    SELECT p.customer_id, p.score
    FROM cd_payment_score(?last::date) p
    WHERE p.customer_id = ANY (ARRAY(SELECT c.id FROM customers c WHERE c.dealer_type IS NOT NULL))
), scored AS (
    SELECT d.id, d.dealer_type, d.sales, d.target, d.attainment, m.metric, m.ord,
           w.value::numeric AS weight,
           CASE m.metric
               WHEN 'SALES_ABSOLUTE' THEN d.sales_absolute
               -- max(0, min(attainment, 1.2)) / 1.2 × 100; greatest and least
               -- skip NULLs, so a missing attainment is tested first.
               WHEN 'SALES_RELATIVE' THEN CASE WHEN d.attainment IS NOT NULL
                   THEN cd_div(100 * greatest(0, least(d.attainment, 1.2)), 1.2) END
               WHEN 'CREDIT' THEN cr.score
               ELSE ra.score
           END AS score
    FROM ranked_sales d
    JOIN metric m ON m.dealer_type = d.dealer_type
    LEFT JOIN setting w ON w.key = 'weight.' || m.dealer_type || '.' || m.metric
    LEFT JOIN credit cr ON cr.customer_id = d.id
    LEFT JOIN rating ra ON ra.customer_id = d.id AND ra.metric = m.metric
), card AS (
    -- Composite = Σ weight × score / Σ weight over the metrics present; a
    -- missing metric makes the scorecard incomplete.
    SELECT s.id, s.dealer_type, s.sales, s.target, s.attainment,
           coalesce(cd_div(sum(s.weight * s.score), sum(s.weight) FILTER (WHERE s.score IS NOT NULL)), 0) AS composite,
           bool_and(s.score IS NOT NULL) AS complete
    FROM scored s
    GROUP BY s.id, s.dealer_type, s.sales, s.target, s.attainment
), tier AS (
    -- reward.tiers: "threshold:multiplier,…", e.g. 1.20:1.5,1.00:1.0,0.80:0.5.
    SELECT trim(split_part(t, ':', 1))::numeric AS threshold, trim(split_part(t, ':', 2))::numeric AS multiplier
    FROM setting s CROSS JOIN LATERAL string_to_table(s.value, ',') t
    WHERE s.key = 'reward.tiers' AND trim(t) <> ''
), graded AS (
    SELECT k.*,
           -- DOMAIN.md §9: rank = 1 + the number of same-type dealers with a
           -- strictly higher (unrounded) composite.
           rank() OVER (PARTITION BY k.dealer_type ORDER BY k.composite DESC) AS rank,
           -- 002 评估二.3, DOMAIN.md §6: A ≥ dealer_class_a, B ≥ dealer_class_b.
           CASE WHEN k.composite >= (SELECT value::numeric FROM setting WHERE key = 'dealer_class_a') THEN 'A'
                WHEN k.composite >= (SELECT value::numeric FROM setting WHERE key = 'dealer_class_b') THEN 'B'
                ELSE 'C' END AS dealer_class,
           -- DOMAIN.md §6 (002 评估二.1): floor(sales / reward.unit) × the
           -- multiplier of the highest tier reached; no target or no sales → 0.
           CASE WHEN k.attainment IS NULL OR k.sales <= 0 THEN 0
                ELSE floor(k.sales / (SELECT value::numeric FROM setting WHERE key = 'reward.unit'))
                     * coalesce((SELECT t.multiplier FROM tier t WHERE k.attainment >= t.threshold
                                 ORDER BY t.threshold DESC LIMIT 1), 0)
           END AS reward_points
    FROM card k
)
SELECT s.id AS customer_id, s.dealer_type, s.metric, s.ord, s.weight, s.score,
       g.sales, g.target, g.attainment, g.composite, g.complete, g.rank, g.dealer_class, g.reward_points,
       (SELECT version FROM policy) AS policy_version
FROM scored s
JOIN graded g ON g.id = s.id
