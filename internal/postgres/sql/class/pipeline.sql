-- The credit class evaluation (000 第九条, DOMAIN.md §4, §9) of every
-- customer the `where` argument selects, as of the `asof` argument, with the
-- thresholds of one policy version: a list of CTEs ending in `evaluation`,
-- one row per customer with its inputs, its rule flags and its classes.
-- `creditdesk evaluate` runs it. The evaluation of listed customers (the
-- single-customer query, the dataloader, the re-evaluation after a credit
-- event) is the function cd_credit_class_of (migrations, 07_report_speed):
-- the same inputs read per listed customer, planned once per connection. The
-- rules are one function both call, cd_credit_class_rules; a change to the
-- inputs here goes there too, and TestClassFunctionMatchesPipeline compares
-- the two. (No question marks in comments: Bun would read them as
-- placeholders.)
--
-- Each input is one scan with hash aggregation. `sel` applies the actor's
-- scope; the inputs are joined to it.
sel AS (
    SELECT c.id, c.business_type, c.employees, c.registered_capital, c.founded_on, c.first_trade_on
    FROM customers c
    WHERE ?where
),
-- Trailing 12 months of sales: ship dates in [asof − 364, asof] (§9).
sales AS (
    SELECT l.customer_id, sum(l.base_amount) AS trailing_sales
    FROM sales_lines l
    WHERE l.ship_date BETWEEN ?asof::date - 364 AND ?asof::date
    GROUP BY l.customer_id
),
-- Credit exposure (000 第八条3) and payment score, from the credit figures.
exposure AS (
    SELECT e.customer_id, e.exposure
    FROM cd_customer_exposure(?asof::date) e
),
score AS (
    SELECT p.customer_id, p.score
    FROM cd_payment_score(?asof::date) p
),
-- R5, credit defaults in the window (asof − window, asof] (§9): dishonoured
-- notes (dishonoured on a day in the window) ...
dishonoured AS (
    SELECT n.customer_id, count(*) AS n,
           (array_agg(n.number ORDER BY n.settled_on DESC, n.number DESC))[1] AS last_number,
           max(n.settled_on) AS last_on
    FROM notes n
    WHERE n.status = 'DISHONORED'
      AND n.settled_on > ?asof::date - ?window AND n.settled_on <= ?asof::date
    GROUP BY n.customer_id
),
-- ... write-offs dated in the window ...
written_off AS (
    SELECT i.customer_id, count(*) AS n,
           (array_agg(i.number ORDER BY w.date DESC, i.number DESC))[1] AS last_invoice,
           max(w.date) AS last_on
    FROM write_offs w
    JOIN invoices i ON i.id = w.invoice_id
    WHERE w.date > ?asof::date - ?window AND w.date <= ?asof::date
    GROUP BY i.customer_id
),
-- ... and invoices more than `overdue` days overdue: still open on the later
-- of due + overdue + 1 and the window's first day, that day being on or
-- before asof. invoices.settled_on at or before that day proves the invoice
-- settled then; any other candidate sums its settlements dated up to that
-- day (settlements_invoice_idx), since a dishonour can reopen an invoice.
overdue AS (
    SELECT i.customer_id, count(*) AS n,
           (array_agg(i.number ORDER BY i.due_date, i.number))[1] AS oldest_invoice,
           min(i.due_date) AS oldest_due
    FROM invoices i
    CROSS JOIN LATERAL (
        SELECT greatest(i.due_date + (?overdue + 1), ?asof::date - (?window - 1)) AS day
    ) probe
    WHERE i.due_date <= ?asof::date - (?overdue + 1)
      AND (i.settled_on IS NULL OR i.settled_on > probe.day)
      AND i.amount > (SELECT coalesce(sum(s.amount), 0) FROM settlements s
                      WHERE s.invoice_id = i.id AND s.date <= probe.day)
    GROUP BY i.customer_id
),
-- The override in force on asof (000 第九条2): the latest approved one whose
-- quarter has not ended, unless a note was dishonoured after it was approved
-- (a credit event ends the special approval, 000 第七条2).
override AS (
    SELECT DISTINCT ON (r.customer_id) r.customer_id, r.id AS override_id, r.credit_class
    FROM approval_requests r
    WHERE r.kind = 'CLASS_OVERRIDE' AND r.status = 'APPROVED'
      AND r.decided_on <= ?asof::date AND r.effective_until >= ?asof::date
      AND NOT EXISTS (
          SELECT 1 FROM notes n
          WHERE n.customer_id = r.customer_id AND n.status = 'DISHONORED'
            AND n.settled_on > r.decided_on AND n.settled_on <= ?asof::date)
    ORDER BY r.customer_id, r.decided_on DESC, r.id DESC
),
inputs AS (
    SELECT s.id AS customer_id, s.business_type, s.employees, s.registered_capital, s.founded_on,
           -- Trading since first_trade_on, else the first invoice's ship date (§9).
           coalesce(s.first_trade_on,
                    (SELECT min(i.ship_date) FROM invoices i
                     WHERE i.customer_id = s.id AND i.ship_date <= ?asof::date)) AS trading_since,
           coalesce(e.exposure, 0) AS exposure,
           coalesce(sa.trailing_sales, 0) AS trailing_sales,
           p.score AS payment_score,
           coalesce(d.n, 0) AS dishonoured_notes, d.last_number AS last_dishonoured_note,
           d.last_on AS last_dishonoured_on,
           coalesce(w.n, 0) AS write_offs, w.last_invoice AS last_write_off_invoice,
           w.last_on AS last_write_off_on,
           coalesce(o.n, 0) AS overdue_invoices, o.oldest_invoice AS oldest_overdue_invoice,
           o.oldest_due AS oldest_overdue_due,
           ov.override_id, ov.credit_class AS override_class
    FROM sel s
    LEFT JOIN exposure e ON e.customer_id = s.id
    LEFT JOIN sales sa ON sa.customer_id = s.id
    LEFT JOIN score p ON p.customer_id = s.id
    LEFT JOIN dishonoured d ON d.customer_id = s.id
    LEFT JOIN written_off w ON w.customer_id = s.id
    LEFT JOIN overdue o ON o.customer_id = s.id
    LEFT JOIN override ov ON ov.customer_id = s.id
),
-- The rules: cd_credit_class_rules (migrations, 07_report_speed), inlined.
evaluated AS (
    SELECT x.*, k.*
    FROM inputs x
    CROSS JOIN LATERAL cd_credit_class_rules(x.business_type, x.employees, x.registered_capital,
        x.founded_on, x.trading_since, x.exposure, x.trailing_sales, x.payment_score,
        x.dishonoured_notes + x.write_offs + x.overdue_invoices, ?asof::date,
        ?a_capital::numeric, ?a_employees::int, ?a_score::numeric, ?a_years_founded::int, ?a_years_trading::int,
        ?c_balance::numeric, ?c_volume::numeric, ?c_max_employees::int, ?c_new_years::int) k
),
evaluation AS (
    SELECT v.*, coalesce(v.override_class, v.computed_class) AS effective_class
    FROM evaluated v
)
