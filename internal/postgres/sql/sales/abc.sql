-- ABC (Pareto) analysis (DOMAIN.md §5, §9).
--
-- Scope: every customer the filter selects, with or without sales. Customers
-- are ranked by sales descending, ties by code, over the whole scope or,
-- with by_category, within their industry. cum_i = Σ sales of ranks 1..i over
-- the ranking's total; a customer is A when cum_(i-1) < a, else B when
-- cum_(i-1) < b, else C, so the customer whose sales carry the cumulative
-- share across a threshold stays in the higher class. Customers with zero or
-- negative sales are C (so is everyone when the ranking's total is not
-- positive). The cut-offs compare exact sums (cum_(i-1) × total against
-- a × total), never rounded shares; only the output is rounded: the shares
-- leave the statement at the scale the API shows (ratio_scale), since
-- nothing computes with them afterwards, and the total, the same on every
-- row, leaves it on the first row of each ranking only.
WITH scope AS (
    SELECT c.id, c.code, c.industry
    FROM customers c
    WHERE ?customers
), sales AS (
    -- Joined to customers again (scope_join) rather than to scope: the
    -- planner then estimates the join and hashes it. No join when the
    -- scope is every customer.
    SELECT s.customer_id, sum(s.sales) AS sales
    FROM (?sales) s
    ?scope_join
    GROUP BY s.customer_id
), ranked AS (
    SELECT sc.id, sc.code, sc.industry, coalesce(x.sales, 0) AS sales,
           row_number() OVER w AS rank,
           sum(coalesce(x.sales, 0)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum,
           sum(coalesce(x.sales, 0)) OVER (PARTITION BY CASE WHEN ?by_category THEN sc.industry END) AS ranking_total
    FROM scope sc
    LEFT JOIN sales x ON x.customer_id = sc.id
    WINDOW w AS (PARTITION BY CASE WHEN ?by_category THEN sc.industry END
                 ORDER BY coalesce(x.sales, 0) DESC, sc.code COLLATE "C")
)
-- Each row carries its customer's archive record (columns: all of it, or
-- the attributes the query reads), so the report needs no second statement
-- for them.
SELECT ?columns, r.rank, r.sales,
       round(cd_div(r.sales, r.ranking_total), ?ratio_scale) AS share,
       round(cd_div(r.cum, r.ranking_total), ?ratio_scale) AS cumulative_share,
       CASE
           WHEN r.sales <= 0 OR r.ranking_total <= 0 THEN 'C'
           WHEN r.cum - r.sales < ?a::numeric * r.ranking_total THEN 'A'
           WHEN r.cum - r.sales < ?b::numeric * r.ranking_total THEN 'B'
           ELSE 'C'
       END AS abc_class,
       CASE WHEN r.rank = 1 THEN sum(r.sales) OVER () END AS total
FROM ranked r
JOIN customers c ON c.id = r.id
ORDER BY CASE WHEN ?by_category THEN r.industry END COLLATE "C", r.rank
