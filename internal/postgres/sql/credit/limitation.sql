-- The limitation watch (002 十八; DOMAIN.md §3): "发生欠款后…以最后一次向客户
-- 催款的次日起两年内提出诉讼".
--
-- For each invoice open and overdue on asof (due date before asof), the
-- period starts at the latest collection demand to the customer dated on or
-- after the due date and on or before asof, else at the due date; the period
-- runs from the next day, so the last day to sue is start + limitation_years
-- years (PostgreSQL's date + interval turns 29 February into 28 February in
-- a common year, DOMAIN.md §9). A customer's deadline is the earliest over
-- its open overdue invoices. Listed: customers whose deadline is within
-- `within` days of asof or has passed.
--
-- Named arguments: asof, years (limitation_years), statutory (the statutory
-- period in years, PRC Civil Code art. 188), within, visible
-- (CustomerPredicate over c).
WITH overdue AS (
    SELECT o.customer_id, o.open_base, o.due_date,
           (SELECT max(d.date)
            FROM collection_demands d
            WHERE d.customer_id = o.customer_id
              AND d.date >= o.due_date AND d.date <= ?asof::date) AS demand_on
    FROM cd_invoice_open(?asof::date) o
    JOIN customers c ON c.id = o.customer_id
    WHERE o.due_date < ?asof::date
      AND ?visible
), per_customer AS (
    SELECT customer_id,
           sum(open_base) AS overdue_balance,
           count(*) AS overdue_invoices,
           min(coalesce(demand_on, due_date)) AS start,
           -- The demand the earliest deadline runs from, if it runs from one.
           (array_agg(demand_on ORDER BY coalesce(demand_on, due_date), demand_on NULLS LAST))[1] AS last_demand_on
    FROM overdue
    GROUP BY customer_id
)
SELECT c.*,
       p.overdue_balance AS lw_overdue_balance, p.overdue_invoices AS lw_overdue_invoices,
       p.start AS lw_start, p.last_demand_on AS lw_last_demand_on,
       (p.start + make_interval(years => ?years::int))::date AS lw_deadline,
       (p.start + make_interval(years => ?years::int))::date - ?asof::date AS lw_days_left,
       (p.start + make_interval(years => ?statutory::int))::date AS lw_statutory_deadline
FROM per_customer p
JOIN customers c ON c.id = p.customer_id
WHERE (p.start + make_interval(years => ?years::int))::date <= ?asof::date + ?within::int
ORDER BY lw_deadline, c.code
