-- Report speed (docs/BENCHMARKS.md): plans kept per connection for the hot
-- fixed report statements, and what the reports' set-based shapes read.

-- The credit class rules (000 第九条, DOMAIN.md §4, §9) over one customer's
-- inputs as of p_asof, with the thresholds of one policy version: the flags,
-- R1–R5, 甲 eligibility, the computed class and the rules that fired. The
-- one place the rules are written: the every-customer pipeline
-- (sql/class/pipeline.sql) and cd_credit_class_of below both call it in
-- FROM, where PostgreSQL inlines it into their plans. p_problems is the
-- number of dishonoured notes, write-offs and overdue invoices (R5).
--
-- Unknown employees or founding date: the rule that needs it does not fire
-- (§9); years are calendar years back from p_asof, 29 February becoming 28
-- February. R2 and R3 apply to customers that are not 甲 (非甲类): not
-- eligible, or eligible but R1, R4 or R5 fires (§4.2).
CREATE FUNCTION cd_credit_class_rules(
    p_business_type text, p_employees int, p_registered_capital numeric, p_founded_on date,
    p_trading_since date, p_exposure numeric, p_trailing_sales numeric, p_payment_score numeric,
    p_problems bigint, p_asof date,
    p_a_capital numeric, p_a_employees int, p_a_score numeric, p_a_years_founded int, p_a_years_trading int,
    p_c_balance numeric, p_c_volume numeric, p_c_max_employees int, p_c_new_years int)
RETURNS TABLE (
    r1 boolean, r4_small boolean, r4_new boolean, r5 boolean,
    a_large boolean, a_score boolean, a_founded boolean, a_trading boolean,
    class_a_eligible boolean, r4 boolean, r2 boolean, r3 boolean,
    computed_class text, fired_rules text[])
LANGUAGE sql IMMUTABLE
AS $$
    SELECT f.r1, f.r4_small, f.r4_new, f.r5, f.a_large, f.a_score, f.a_founded, f.a_trading,
           g.class_a_eligible, g.r4, h.r2, h.r3,
           CASE WHEN g.class_a_eligible AND NOT (f.r1 OR g.r4 OR f.r5) THEN 'JIA'
                WHEN f.r1 OR h.r2 OR h.r3 OR g.r4 OR f.r5 THEN 'BING'
                ELSE 'YI' END,
           array_remove(ARRAY[CASE WHEN f.r1 THEN 'R1' END, CASE WHEN h.r2 THEN 'R2' END,
                              CASE WHEN h.r3 THEN 'R3' END, CASE WHEN g.r4 THEN 'R4' END,
                              CASE WHEN f.r5 THEN 'R5' END], NULL)
    FROM (SELECT
              -- 000 第九条1③: intermediate wholesalers are always 丙.
              coalesce(p_business_type = 'INTERMEDIATE_WHOLESALER', false) AS r1,
              coalesce(p_employees < p_c_max_employees, false) AS r4_small,
              coalesce(p_founded_on > (p_asof - make_interval(years => p_c_new_years))::date, false) AS r4_new,
              p_problems > 0 AS r5,
              -- 甲: 企业规模较大 (capital or employees), 信誉好, 经营业务稳定.
              coalesce(p_registered_capital >= p_a_capital, false)
                  OR coalesce(p_employees >= p_a_employees, false) AS a_large,
              coalesce(p_payment_score >= p_a_score, false) AS a_score,
              coalesce(p_founded_on <= (p_asof - make_interval(years => p_a_years_founded))::date, false) AS a_founded,
              coalesce(p_trading_since <= (p_asof - make_interval(years => p_a_years_trading))::date, false)
                  AS a_trading) f
    CROSS JOIN LATERAL (
        SELECT f.a_large AND f.a_score AND NOT f.r5 AND f.a_founded AND f.a_trading AS class_a_eligible,
               f.r4_small OR f.r4_new AS r4) g
    CROSS JOIN LATERAL (
        SELECT (NOT g.class_a_eligible OR f.r1 OR g.r4 OR f.r5) AND p_exposure >= p_c_balance AS r2,
               (NOT g.class_a_eligible OR f.r1 OR g.r4 OR f.r5) AND p_exposure < p_c_balance
                   AND p_trailing_sales >= p_c_volume AS r3) h
$$;

-- The credit class evaluation (sql/class/pipeline.sql, DOMAIN.md §4, §9) of
-- the listed customers p_ids, as of p_asof, with the thresholds of one
-- policy version: one row per customer, in customer order, with the columns
-- of pipeline.sql's `evaluation`.
--
-- The same inputs as pipeline.sql and the same rules (cd_credit_class_rules) (which stays the form
-- for every customer, where one hash-aggregated scan per input beats
-- per-customer index reads), each input read per listed customer; a test
-- compares the two on every customer of the worked example. It is PL/pgSQL
-- so that PostgreSQL plans it once per connection, like cd_account_list
-- (06): over the simple query protocol the application's statements are
-- planned on every request, and planning this statement cost 5-10 times
-- running it for one customer. The plan is generic (plan_cache_mode below),
-- which is right for it: whatever the arguments, it reads a few customers'
-- rows through the (customer_id, …) indexes.
--
-- The function does not check who may see the customers: callers pass only
-- visible ones (internal/postgres: classPipeline, classOneSQL).
CREATE FUNCTION cd_credit_class_of(
    p_ids bigint[], p_asof date, p_window int, p_overdue int,
    p_a_capital numeric, p_a_employees int, p_a_score numeric, p_a_years_founded int, p_a_years_trading int,
    p_c_balance numeric, p_c_volume numeric, p_c_max_employees int, p_c_new_years int)
RETURNS TABLE (
    customer_id bigint, business_type text, employees int, registered_capital numeric, founded_on date,
    trading_since date, exposure numeric, trailing_sales numeric, payment_score numeric,
    dishonoured_notes bigint, last_dishonoured_note text, last_dishonoured_on date,
    write_offs bigint, last_write_off_invoice text, last_write_off_on date,
    overdue_invoices bigint, oldest_overdue_invoice text, oldest_overdue_due date,
    override_id bigint, override_class text,
    r1 boolean, r4_small boolean, r4_new boolean, r5 boolean,
    a_large boolean, a_score boolean, a_founded boolean, a_trading boolean,
    class_a_eligible boolean, r4 boolean, r2 boolean, r3 boolean,
    computed_class text, fired_rules text[], effective_class text)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    -- Every input is a LATERAL subquery on one customer (x.customer_id =
    -- c.id): each is planned as an index read of that customer's rows,
    -- whatever the generic plan's guesses about the dates' selectivity (a
    -- range on a parameter looks as selective as ten customers, so with a
    -- grouped scan restricted by the id list the plan could pick a date
    -- index and read a year of every customer's invoices). An aggregate
    -- over no rows is one row of NULLs and zero counts, what pipeline.sql's
    -- LEFT JOINs to grouped inputs give a customer without rows.
    WITH inputs AS (
        SELECT c.id AS customer_id, c.business_type, c.employees, c.registered_capital, c.founded_on,
               coalesce(c.first_trade_on,
                        (SELECT min(i.ship_date) FROM invoices i
                         WHERE i.customer_id = c.id AND i.ship_date <= p_asof)) AS trading_since,
               coalesce(e.exposure, 0) AS exposure,
               coalesce(sa.trailing_sales, 0) AS trailing_sales,
               sc.score AS payment_score,
               d.n AS dishonoured_notes, d.last_number AS last_dishonoured_note, d.last_on AS last_dishonoured_on,
               w.n AS write_offs, w.last_invoice AS last_write_off_invoice, w.last_on AS last_write_off_on,
               o.n AS overdue_invoices, o.oldest_invoice AS oldest_overdue_invoice, o.oldest_due AS oldest_overdue_due,
               ov.override_id, ov.credit_class AS override_class
        FROM customers c
        -- Credit exposure (000 第八条3) and payment score, from the credit
        -- figures.
        -- (OFFSET 0 keeps each a subquery run per customer, so that the
        -- customer's id reaches the index reads inside the functions' GROUP
        -- BY; pulled up, they would be grouped for every customer first.)
        LEFT JOIN LATERAL (
            SELECT x.exposure FROM cd_customer_exposure(p_asof) x WHERE x.customer_id = c.id OFFSET 0
        ) e ON true
        LEFT JOIN LATERAL (
            SELECT x.score FROM cd_payment_score(p_asof) x WHERE x.customer_id = c.id OFFSET 0
        ) sc ON true
        -- Trailing 12 months of sales: ship dates in [asof − 364, asof].
        LEFT JOIN LATERAL (
            SELECT sum(l.base_amount) AS trailing_sales
            FROM sales_lines l
            WHERE l.customer_id = c.id AND l.ship_date BETWEEN p_asof - 364 AND p_asof
        ) sa ON true
        -- R5, credit defaults in the window (asof − window, asof]:
        -- dishonoured notes ...
        LEFT JOIN LATERAL (
            SELECT count(*) AS n,
                   (array_agg(n.number ORDER BY n.settled_on DESC, n.number DESC))[1] AS last_number,
                   max(n.settled_on) AS last_on
            FROM notes n
            WHERE n.customer_id = c.id AND n.status = 'DISHONORED'
              AND n.settled_on > p_asof - p_window AND n.settled_on <= p_asof
        ) d ON true
        -- ... write-offs dated in the window ...
        LEFT JOIN LATERAL (
            SELECT count(*) AS n,
                   (array_agg(i.number ORDER BY wo.date DESC, i.number DESC))[1] AS last_invoice,
                   max(wo.date) AS last_on
            FROM write_offs wo
            JOIN invoices i ON i.id = wo.invoice_id
            WHERE i.customer_id = c.id AND wo.date > p_asof - p_window AND wo.date <= p_asof
        ) w ON true
        -- ... and invoices more than `overdue` days overdue: still open on
        -- the later of due + overdue + 1 and the window's first day, that
        -- day being on or before asof.
        LEFT JOIN LATERAL (
            SELECT count(*) AS n,
                   (array_agg(i.number ORDER BY i.due_date, i.number))[1] AS oldest_invoice,
                   min(i.due_date) AS oldest_due
            FROM invoices i
            CROSS JOIN LATERAL (
                SELECT greatest(i.due_date + (p_overdue + 1), p_asof - (p_window - 1)) AS day
            ) probe
            WHERE i.customer_id = c.id
              AND i.due_date <= p_asof - (p_overdue + 1)
              AND (i.settled_on IS NULL OR i.settled_on > probe.day)
              AND i.amount > (SELECT coalesce(sum(s.amount), 0) FROM settlements s
                              WHERE s.invoice_id = i.id AND s.date <= probe.day)
        ) o ON true
        -- The override in force on asof: the latest approved one whose
        -- quarter has not ended, unless a note was dishonoured after it was
        -- approved.
        LEFT JOIN LATERAL (
            SELECT r.id AS override_id, r.credit_class
            FROM approval_requests r
            WHERE r.customer_id = c.id AND r.kind = 'CLASS_OVERRIDE' AND r.status = 'APPROVED'
              AND r.decided_on <= p_asof AND r.effective_until >= p_asof
              AND NOT EXISTS (
                  SELECT 1 FROM notes n
                  WHERE n.customer_id = r.customer_id AND n.status = 'DISHONORED'
                    AND n.settled_on > r.decided_on AND n.settled_on <= p_asof)
            ORDER BY r.decided_on DESC, r.id DESC
            LIMIT 1
        ) ov ON true
        WHERE c.id = ANY (p_ids)
    ),
    evaluated AS (
        SELECT x.*, k.*
        FROM inputs x
        CROSS JOIN LATERAL cd_credit_class_rules(x.business_type, x.employees, x.registered_capital,
            x.founded_on, x.trading_since, x.exposure, x.trailing_sales, x.payment_score,
            x.dishonoured_notes + x.write_offs + x.overdue_invoices, p_asof,
            p_a_capital, p_a_employees, p_a_score, p_a_years_founded, p_a_years_trading,
            p_c_balance, p_c_volume, p_c_max_employees, p_c_new_years) k
    )
    SELECT v.customer_id, v.business_type, v.employees, v.registered_capital::numeric, v.founded_on,
           v.trading_since, v.exposure, v.trailing_sales, v.payment_score,
           v.dishonoured_notes, v.last_dishonoured_note, v.last_dishonoured_on,
           v.write_offs, v.last_write_off_invoice, v.last_write_off_on,
           v.overdue_invoices, v.oldest_overdue_invoice, v.oldest_overdue_due,
           v.override_id, v.override_class,
           v.r1, v.r4_small, v.r4_new, v.r5, v.a_large, v.a_score, v.a_founded, v.a_trading,
           v.class_a_eligible, v.r4, v.r2, v.r3,
           v.computed_class, v.fired_rules, coalesce(v.override_class, v.computed_class)
    FROM evaluated v
    ORDER BY v.customer_id;
END
$$;

-- A customer's dishonoured notes by dishonour date (R5's window, the end of
-- an override), for cd_credit_class_of's per-customer reads: without it the
-- generic plan may take notes_settled_idx and walk two years of every
-- customer's settled notes. Dishonoured notes are few, so it is small.
CREATE INDEX notes_dishonoured_idx ON notes (customer_id, settled_on) INCLUDE (number)
    WHERE status = 'DISHONORED';
