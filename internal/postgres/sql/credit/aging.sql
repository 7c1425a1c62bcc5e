-- Ageing of the open receivables as of a date (DOMAIN.md §3), grouped by
-- customer, rep, office or industry, with DSO, CEI and ADD, rows and totals
-- from this one statement (GROUPING SETS): nothing is summed outside it.
--
-- Named arguments:
--   asof     the as-of date;
--   opening  asof − 90: the opening receivables of CEI are those open at the
--            end of that day, the day before the trailing period;
--   from     asof − 89: the trailing period of DSO/CEI/ADD is [from, asof];
--   edges    the bucket edges, an int[] (validated: positive, increasing);
--   basis    the date days overdue count from: o.due_date or o.ship_date;
--   key, label  the grouping expressions over c (customers), u (the rep)
--            and off (the office);
--   visible  CustomerPredicate over c.
--
-- Bucket 0 is "current" (days overdue <= 0); bucket k (1..n) holds
-- edge[k-1]+1 .. edge[k] days; bucket n+1 is over the last edge.
-- width_bucket(d − 1, edges) counts the edges below d.
WITH scope AS (
    SELECT c.id, ?key AS key, ?label AS label
    FROM customers c
    JOIN offices off ON off.id = c.office_id
    LEFT JOIN users u ON u.id = c.rep_id
    WHERE ?visible
), closing AS (
    SELECT o.customer_id, o.open_base,
           CASE WHEN ?asof::date - ?basis <= 0 THEN 0
                ELSE 1 + width_bucket(?asof::date - ?basis - 1, ?edges::int[])
           END AS bucket,
           -- "current receivables" of CEI and best possible DSO are the
           -- receivables not yet due, whatever the ageing basis.
           CASE WHEN o.due_date >= ?asof::date THEN o.open_base ELSE 0 END AS not_due
    FROM cd_invoice_open(?asof::date) o
    WHERE o.customer_id IN (SELECT s.id FROM scope s)
), fact AS (
    SELECT x.customer_id, x.bucket, x.open_base AS closing, x.not_due, 0::numeric AS opening, 0::numeric AS sales
    FROM closing x
    UNION ALL
    SELECT o.customer_id, NULL, 0, 0, o.open_base, 0
    FROM cd_invoice_open(?opening::date) o
    WHERE o.customer_id IN (SELECT s.id FROM scope s)
    UNION ALL
    -- Sales as everywhere (DOMAIN.md §2): Σ base_amount of the sales lines
    -- shipped in the period, returns included.
    SELECT l.customer_id, NULL, 0, 0, 0, sum(l.base_amount)
    FROM sales_lines l
    WHERE l.ship_date BETWEEN ?from::date AND ?asof::date
      AND l.customer_id IN (SELECT s.id FROM scope s)
    GROUP BY l.customer_id
), agg AS (
    SELECT s.key, s.label, f.bucket,
           grouping(s.key, s.label) <> 0 AS is_total,
           grouping(f.bucket) <> 0 AS all_buckets,
           sum(f.closing) AS closing, sum(f.not_due) AS not_due,
           sum(f.opening) AS opening, sum(f.sales) AS sales
    FROM fact f
    JOIN scope s ON s.id = f.customer_id
    GROUP BY GROUPING SETS ((s.key, s.label, f.bucket), (s.key, s.label), (f.bucket), ())
)
SELECT a.key, a.label, a.bucket, a.is_total, a.all_buckets,
       coalesce(a.closing, 0) AS closing, coalesce(a.not_due, 0) AS not_due,
       coalesce(a.opening, 0) AS opening, coalesce(a.sales, 0) AS sales,
       ?days * cd_div(a.closing, a.sales) AS dso,
       ?days * cd_div(a.not_due, a.sales) AS best_dso,
       ?days * cd_div(a.closing - a.not_due, a.sales) AS add_days,
       cd_div(a.opening + a.sales - a.closing, a.opening + a.sales - a.not_due) AS cei,
       (SELECT v.version FROM policy_versions v WHERE v.effective_from <= ?asof::date
        ORDER BY v.effective_from DESC, v.version DESC LIMIT 1) AS policy_version
FROM agg a
-- Bucket cells of the opening and sales facts (bucket NULL) are not cells;
-- a row is a group with open receivables (the totals cover every customer).
WHERE (a.all_buckets OR a.bucket IS NOT NULL)
  AND (a.is_total OR a.closing > 0)
ORDER BY a.is_total, a.key, a.all_buckets DESC, a.bucket
