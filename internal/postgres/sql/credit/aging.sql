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
--   group    the group's id: f.customer_id, or over c (customers) c.rep_id,
--            c.office_id or c.industry;
--   group_join  the join of the facts f to customers c that group needs
--            (empty for f.customer_id);
--   amounts  ARRAY[sum of closing for bucket 0, …, bucket n+1], written by
--            the caller from the number of buckets;
--   labels, key, label  the join that names a group (alias k) and the key
--            and label expressions over g and k;
--   in_scope_o, in_scope_l  the restriction of o.customer_id or
--            l.customer_id to the visible customers (CustomerPredicate over
--            c), TRUE when that is every customer;
--   collection  TRUE to compute the opening receivables and the sales of
--            the trailing period (DSO, CEI, ADD), FALSE to leave them out
--            (the planner then drops those branches: the plain ageing reads
--            only the open items);
--   measures  with collection, the columns of those measures (agingMeasures),
--            else empty.
--
-- Bucket 0 is "current" (days overdue <= 0); bucket k (1..n) holds
-- edge[k-1]+1 .. edge[k] days; bucket n+1 is over the last edge.
-- width_bucket(d − 1, edges) counts the edges below d.
WITH fact AS (
    -- Open items on asof, by bucket. The customer restriction is a semi-join
    -- on customers (not a join with the grouped facts), so a rep's or an
    -- office's report reads only its customers' invoices.
    SELECT o.customer_id, o.open_base AS closing,
           CASE WHEN ?asof::date - ?basis <= 0 THEN 0
                ELSE 1 + width_bucket(?asof::date - ?basis - 1, ?edges::int[])
           END AS bucket,
           -- "current receivables" of CEI and best possible DSO are the
           -- receivables not yet due, whatever the ageing basis.
           CASE WHEN o.due_date >= ?asof::date THEN o.open_base ELSE 0 END AS not_due,
           0::numeric AS opening, 0::numeric AS sales
    FROM cd_invoice_open(?asof::date) o
    WHERE ?in_scope_o
    UNION ALL
    SELECT o.customer_id, 0, NULL, 0, o.open_base, 0
    FROM cd_invoice_open(?opening::date) o
    WHERE ?collection
      AND ?in_scope_o
    UNION ALL
    -- Sales as everywhere (DOMAIN.md §2): Σ base_amount of the sales lines
    -- shipped in the period, returns included.
    SELECT l.customer_id, 0, NULL, 0, 0, sum(l.base_amount)
    FROM sales_lines l
    WHERE ?collection
      AND l.ship_date BETWEEN ?from::date AND ?asof::date
      AND ?in_scope_l
    GROUP BY l.customer_id
), grouped AS (
    -- One aggregation, on the group's id: per group and for the grand total
    -- (GROUPING SETS), the total, one sum per bucket (amounts, in bucket
    -- order) and the collection measures.
    SELECT ?group AS gid,
           grouping(?group) <> 0 AS is_total,
           ?amounts AS amounts,
           coalesce(sum(f.closing), 0) AS closing, coalesce(sum(f.not_due), 0) AS not_due,
           coalesce(sum(f.opening), 0) AS opening, coalesce(sum(f.sales), 0) AS sales
    FROM fact f
    ?group_join
    GROUP BY GROUPING SETS ((?group), ())
)
-- The collection measures are columns only when asked for (the measures
-- empty otherwise), and the policy version is on the totals row only: a
-- report by customer has tens of thousands of rows, and every value a row
-- carries is read by the caller.
SELECT CASE WHEN g.is_total THEN NULL ELSE ?key END AS key,
       CASE WHEN g.is_total THEN NULL ELSE ?label END AS label,
       g.is_total, g.amounts, g.closing, g.not_due ?measures,
       CASE WHEN g.is_total THEN
           (SELECT v.version FROM policy_versions v WHERE v.effective_from <= ?asof::date
            ORDER BY v.effective_from DESC, v.version DESC LIMIT 1)
       END AS policy_version
FROM grouped g
?labels
-- A row is a group with open receivables; the totals cover every customer.
WHERE g.is_total OR g.closing > 0
ORDER BY g.is_total, key
