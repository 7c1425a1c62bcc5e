-- The credit class 甲/乙/丙 of one customer as of D (DOMAIN.md §4, §9), with
-- the policy in force on D:
--   甲 eligible = large (capital ≥ min capital or employees ≥ min employees)
--               ∧ reputable (payment score ≥ 80 and R5 does not fire)
--               ∧ stable (founded ≤ D − 5 years and trading since ≤ D − 2 years);
--   R1 intermediate wholesaler; R4 employees < 100 or founded > D − 2 years;
--   R5 in (D − 730, D]: a dishonoured note, a write-off, or an invoice still
--      open on max(due + 91, D − 729) when that day is ≤ D;
--   not 甲 = ¬eligible ∨ R1 ∨ R4 ∨ R5; R2 not 甲 ∧ exposure ≥ 700,000;
--   R3 not 甲 ∧ exposure < 700,000 ∧ sales of [D − 364, D] ≥ 5,000,000.
-- Payment score: invoices due in [D − 364, D], days beyond terms (settlement
-- date − due when settled by D, else D − due) weighted by base amount,
-- interpolated between (−30,100) (0,80) (15,70) (30,50) (60,40) (90,30)
-- (120,20) (180,0). An approved override in force on D sets the effective class.
-- bench:args code, asOf
WITH c AS (
    SELECT * FROM customers WHERE code = $1
),
pol AS (
    SELECT max(s.value) FILTER (WHERE s.key = 'class_a_min_capital')::numeric AS a_capital,
           max(s.value) FILTER (WHERE s.key = 'class_a_min_employees')::int AS a_employees,
           max(s.value) FILTER (WHERE s.key = 'class_a_min_payment_score')::numeric AS a_score,
           max(s.value) FILTER (WHERE s.key = 'class_a_min_years_founded')::int AS a_founded,
           max(s.value) FILTER (WHERE s.key = 'class_a_min_years_trading')::int AS a_trading,
           max(s.value) FILTER (WHERE s.key = 'class_c_balance')::numeric AS c_balance,
           max(s.value) FILTER (WHERE s.key = 'class_c_volume')::numeric AS c_volume,
           max(s.value) FILTER (WHERE s.key = 'class_c_max_employees')::int AS c_employees,
           max(s.value) FILTER (WHERE s.key = 'class_c_new_years')::int AS c_new,
           max(s.value) FILTER (WHERE s.key = 'default_overdue_days')::int AS overdue_days,
           max(s.value) FILTER (WHERE s.key = 'default_window_days')::int AS window_days
    FROM policy_settings s
    WHERE s.version = (SELECT v.version FROM policy_versions v WHERE v.effective_from <= $2::date
                       ORDER BY v.effective_from DESC, v.version DESC LIMIT 1)
),
inv AS (
    SELECT i.id, i.ship_date, i.due_date, i.amount, i.exchange_rate, i.base_amount,
           coalesce(l.paid, 0) AS paid, l.last_date
    FROM invoices i
    JOIN c ON c.id = i.customer_id
    LEFT JOIN LATERAL (SELECT sum(s.amount) AS paid, max(s.date) AS last_date
                       FROM settlements s WHERE s.invoice_id = i.id AND s.date <= $2::date) l ON true
    WHERE i.ship_date <= $2::date
),
score AS (
    SELECT d.days,
           CASE WHEN d.days IS NULL THEN NULL
                WHEN d.days <= -30 THEN 100::numeric
                WHEN d.days >= 180 THEN 0::numeric
                ELSE (SELECT y0 + (y1 - y0) * (d.days - x0) / (x1 - x0)
                      FROM (VALUES (-30, 100, 0, 80), (0, 80, 15, 70), (15, 70, 30, 50), (30, 50, 60, 40),
                                   (60, 40, 90, 30), (90, 30, 120, 20), (120, 20, 180, 0)) AS p(x0, y0, x1, y1)
                      WHERE d.days >= x0 AND d.days < x1)
           END AS score
    FROM (SELECT sum(((CASE WHEN inv.paid >= inv.amount THEN inv.last_date ELSE $2::date END) - inv.due_date)
                     * inv.base_amount) / nullif(sum(inv.base_amount), 0) AS days
          FROM inv
          WHERE inv.due_date BETWEEN $2::date - 364 AND $2::date) d
),
facts AS (
    SELECT c.*,
           (SELECT coalesce(sum(round((inv.amount - inv.paid) * inv.exchange_rate, 2)), 0) FROM inv
             WHERE inv.amount > inv.paid)
           + (SELECT coalesce(sum(n.amount), 0) FROM notes n
              WHERE n.customer_id = c.id AND n.received_date <= $2::date
                AND (n.settled_on IS NULL OR n.settled_on > $2::date)) AS exposure,
           (SELECT coalesce(sum(l.base_amount), 0) FROM sales_lines l
             WHERE l.customer_id = c.id AND l.ship_date BETWEEN $2::date - 364 AND $2::date) AS sales12,
           coalesce(c.first_trade_on, (SELECT min(i.ship_date) FROM invoices i WHERE i.customer_id = c.id)) AS trading_since,
           EXISTS (SELECT 1 FROM notes n
                   WHERE n.customer_id = c.id AND n.status = 'DISHONORED'
                     AND n.settled_on > $2::date - pol.window_days AND n.settled_on <= $2::date)
           OR EXISTS (SELECT 1 FROM write_offs w JOIN invoices i ON i.id = w.invoice_id
                      WHERE i.customer_id = c.id AND w.date > $2::date - pol.window_days AND w.date <= $2::date)
           OR EXISTS (SELECT 1 FROM invoices i
                      CROSS JOIN LATERAL (SELECT greatest(i.due_date + pol.overdue_days + 1,
                                                          $2::date - pol.window_days + 1) AS day) x
                      WHERE i.customer_id = c.id AND x.day <= $2::date
                        AND i.amount > coalesce((SELECT sum(s.amount) FROM settlements s
                                                 WHERE s.invoice_id = i.id AND s.date <= x.day), 0)) AS r5,
           score.score
    FROM c, pol, score
),
rules AS (
    SELECT f.*,
           coalesce(f.registered_capital >= pol.a_capital, false) OR coalesce(f.employees >= pol.a_employees, false) AS a_large,
           coalesce(f.score >= pol.a_score, false) AND NOT f.r5 AS a_reputable,
           coalesce(f.founded_on <= ($2::date - make_interval(years => pol.a_founded))::date, false)
           AND coalesce(f.trading_since <= ($2::date - make_interval(years => pol.a_trading))::date, false) AS a_stable,
           coalesce(f.business_type = 'INTERMEDIATE_WHOLESALER', false) AS r1,
           coalesce(f.employees < pol.c_employees, false)
           OR coalesce(f.founded_on > ($2::date - make_interval(years => pol.c_new))::date, false) AS r4,
           pol.c_balance, pol.c_volume
    FROM facts f, pol
),
judged AS (
    SELECT r.*, r.a_large AND r.a_reputable AND r.a_stable AS eligible,
           NOT (r.a_large AND r.a_reputable AND r.a_stable) OR r.r1 OR r.r4 OR r.r5 AS not_a
    FROM rules r
),
fired AS (
    SELECT j.*, j.not_a AND j.exposure >= j.c_balance AS r2,
           j.not_a AND j.exposure < j.c_balance AND j.sales12 >= j.c_volume AS r3
    FROM judged j
),
classed AS (
    SELECT f.*,
           CASE WHEN NOT f.not_a THEN 'JIA'
                WHEN f.r1 OR f.r2 OR f.r3 OR f.r4 OR f.r5 THEN 'BING'
                ELSE 'YI' END AS computed,
           (SELECT a.credit_class FROM approval_requests a
            WHERE a.customer_id = f.id AND a.kind = 'CLASS_OVERRIDE' AND a.status = 'APPROVED'
              AND a.decided_on <= $2::date AND a.effective_until >= $2::date
            ORDER BY a.decided_on DESC, a.id DESC LIMIT 1) AS override
    FROM fired f
)
SELECT json_build_object('creditClass', (
    SELECT json_build_object(
        'customer', json_build_object('code', k.code),
        'computedClass', k.computed,
        'effectiveClass', coalesce(k.override, k.computed),
        'classAEligible', k.eligible,
        'paymentScore', round(k.score, 2)::text,
        'exposure', k.exposure::text,
        'trailingSales', k.sales12::text,
        'firedRules', (SELECT coalesce(json_agg(json_build_object('rule', r.rule) ORDER BY r.rule), '[]')
                       FROM (VALUES ('R1', k.r1), ('R2', k.r2), ('R3', k.r3), ('R4', k.r4), ('R5', k.r5)) AS r(rule, hit)
                       WHERE r.hit))
    FROM classed k))
