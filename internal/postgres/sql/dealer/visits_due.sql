-- Return visits due as of asof (001 篇二 五: "一年内项目每月回访一次;一年以上的
-- 项目每季回访一次", DOMAIN.md §7).
--
-- First delivery = the earlier of first_trade_on and the first sales line
-- shipped, both on or before asof; a customer with neither has had no
-- delivery and is not listed (the new-customer rule covers it). Cadence is
-- monthly while asof is within a year of the first delivery, quarterly after.
-- The clock runs from the last visit of any kind (effective or not, any rep)
-- on or before asof, or from the first delivery when there has been no visit
-- since; the visit is due on that day plus one cadence (calendar months, the
-- 31st clamped to the month's end) and listed from then on. Terminated
-- customers get no visits.
--
-- Named arguments: asof, visible (the customer predicate over alias c).
WITH base AS MATERIALIZED (
    -- Materialized: first_delivery is read several times below, and each
    -- read of an inlined expression would probe the indexes again.
    SELECT c.id,
           least(CASE WHEN c.first_trade_on <= ?asof::date THEN c.first_trade_on END, fs.first_ship) AS first_delivery,
           lv.last_visit
    FROM customers c
    LEFT JOIN LATERAL (
        SELECT min(sl.ship_date) AS first_ship FROM sales_lines sl
        WHERE sl.customer_id = c.id AND sl.ship_date <= ?asof::date
    ) fs ON TRUE
    LEFT JOIN LATERAL (
        SELECT max(v.date) AS last_visit FROM visits v
        WHERE v.customer_id = c.id AND v.date <= ?asof::date
    ) lv ON TRUE
    WHERE ?visible AND c.status <> 'TERMINATED'
), cadence AS (
    SELECT b.*,
           CASE WHEN ?asof::date < (b.first_delivery + interval '1 year')::date THEN 'MONTHLY' ELSE 'QUARTERLY' END AS cadence,
           greatest(b.last_visit, b.first_delivery) AS anchor
    FROM base b
    WHERE b.first_delivery IS NOT NULL
), due AS (
    SELECT k.*,
           (k.anchor + CASE k.cadence WHEN 'MONTHLY' THEN interval '1 month' ELSE interval '3 months' END)::date AS due_on
    FROM cadence k
)
SELECT c.*, d.first_delivery AS vd_first_delivery_on, d.cadence AS vd_cadence, d.last_visit AS vd_last_visit_on,
       d.due_on AS vd_due_on, ?asof::date - d.due_on AS vd_days_overdue
FROM due d
JOIN customers c ON c.id = d.id
WHERE d.due_on <= ?asof::date
ORDER BY vd_days_overdue DESC, c.code
