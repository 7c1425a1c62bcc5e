-- Seasonal index (DOMAIN.md §5, §9) of a scope over whole calendar years,
-- read from the monthly rollup.
--
-- With S_m the scope's sales in calendar month m over the Y years and T their
-- total: avg_m = S_m / Y, overall = T / (12 Y), index_m = avg_m / overall =
-- 12 S_m / T and share_m = index_m / 12 = S_m / T. The twelve shares must sum
-- to exactly 1 before rounding, which S_m / T carried at a finite number of
-- places does not guarantee (thirds, sevenths); so each share is floored at
-- 24 places, q_m = floor(S_m 10^24 / T), computed exactly with integer
-- division, and the 10^24 - Σ q_m units missing (fewer than 12) go one each
-- to the months with the largest remainders, ties to the earlier month (the
-- largest remainder method). Each share is then within 10^-24 of S_m / T and
-- the shares sum to 1 exactly; index_m = 12 share_m. The monthly target is
-- S_m × target / T, the same value computed with one exact division, so
-- that rounding it to cents is right. A zero total gives null indexes,
-- shares and targets.
WITH scope AS (
    SELECT c.id
    FROM customers c
    WHERE ?customers
), by_month AS MATERIALIZED (
    -- The rollup summed by month first, so that extract() runs once per
    -- month, not once per customer and month (MATERIALIZED keeps the year
    -- test below from being pushed down into the scan). `scope_join`
    -- restricts the rollup to the scope's customers, and is empty when the
    -- scope is every customer. The bounds are sub-selects so that the
    -- planner does not see that they cover most of the rollup: it then
    -- reads the months in order from the covering month index (index only)
    -- and sums each month as it goes, instead of a hashed sequential scan
    -- that costs half as much again.
    SELECT r.month, sum(r.sales) AS sales
    FROM sales_customer_months r
    ?scope_join
    WHERE r.month >= (SELECT ?first::date) AND r.month < (SELECT ?end::date)
    GROUP BY r.month
), monthly AS (
    SELECT extract(month FROM x.month)::int AS m, sum(x.sales) AS sales
    FROM by_month x
    WHERE extract(year FROM x.month)::int = ANY (?years::int[])
    GROUP BY 1
), months AS (
    SELECT g.m, coalesce(x.sales, 0) AS sales
    FROM generate_series(1, 12) AS g(m)
    LEFT JOIN monthly x ON x.m = g.m
), total AS (
    SELECT sum(sales) AS t FROM months
), floored AS (
    -- div truncates toward zero; a negative inexact quotient is one less.
    SELECT mo.m, mo.sales, tt.t,
           div(mo.sales * 1e24, tt.t)
             - CASE WHEN mod(mo.sales * 1e24, tt.t) <> 0 AND (mo.sales < 0) <> (tt.t < 0) THEN 1 ELSE 0 END AS q
    FROM months mo
    CROSS JOIN total tt
    WHERE tt.t <> 0
), shares AS (
    -- The remainder S_m 10^24 - q_m T has the sign of T; times sign(T) it
    -- orders the fractional parts.
    SELECT f.m,
           f.q + CASE WHEN row_number() OVER (ORDER BY (f.sales * 1e24 - f.q * f.t) * sign(f.t) DESC, f.m)
                           <= 1e24 - sum(f.q) OVER () THEN 1 ELSE 0 END AS units
    FROM floored f
)
SELECT mo.m AS month,
       -- Counted only when the scope names a customer (count_scope): the
       -- report is then ENOTFOUND when the actor cannot see it.
       CASE WHEN ?count_scope THEN (SELECT count(*) FROM scope) ELSE 0 END AS scope_customers,
       tt.t AS total,
       cd_div(tt.t, 12 * ?nyears::int) AS overall,
       cd_div(mo.sales, ?nyears::int) AS average,
       sh.units * 1e-24 * 12 AS index,
       sh.units * 1e-24 AS share,
       cd_div(mo.sales * ?target::numeric, tt.t) AS target
FROM months mo
CROSS JOIN total tt
LEFT JOIN shares sh ON sh.m = mo.m
ORDER BY mo.m
