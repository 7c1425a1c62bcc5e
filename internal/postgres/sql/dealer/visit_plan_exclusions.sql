-- Customers that leave the visit plan as of asof (000 第十条1: "访问某一客户5次
-- 以上而无实效,则应从访问计划表中删除该客户", DOMAIN.md §7): visited limit (5) or
-- more times after the day of the last effective visit, or ever when there
-- was none. Visits by any rep count: the plan is per customer. Terminated
-- customers are not in any plan.
--
-- Named arguments: asof, limit, visible (the customer predicate over alias c).
WITH visit AS (
    SELECT v.customer_id, v.date, v.effective
    FROM visits v
    JOIN customers c ON c.id = v.customer_id
    WHERE v.date <= ?asof::date AND c.status <> 'TERMINATED' AND ?visible
), last_effective AS (
    SELECT customer_id, max(date) AS date FROM visit WHERE effective GROUP BY customer_id
), ineffective AS (
    SELECT v.customer_id, count(*) AS visits, min(v.date) AS first_on, max(v.date) AS last_on,
           max(le.date) AS last_effective_on
    FROM visit v
    LEFT JOIN last_effective le ON le.customer_id = v.customer_id
    WHERE NOT v.effective AND (le.date IS NULL OR v.date > le.date)
    GROUP BY v.customer_id
)
SELECT c.*, i.visits AS vx_ineffective_visits, i.last_effective_on AS vx_last_effective_on,
       i.first_on AS vx_first_ineffective_on, i.last_on AS vx_last_visit_on
FROM ineffective i
JOIN customers c ON c.id = i.customer_id
WHERE i.visits >= ?limit
ORDER BY c.code
