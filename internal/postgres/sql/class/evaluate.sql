-- Stores an evaluation (DOMAIN.md §4) in one statement: the run, a snapshot
-- per customer with every input and flag, the customers' stored class where
-- it changed, and a customer_history row per change (000 3.7.4: old value,
-- new value, reason, who). A customer whose stored class already comes from
-- an evaluation as of a later date keeps it: back-filling an old date does
-- not rewrite today's class.
WITH run AS (
    INSERT INTO credit_class_evaluations (as_of, policy_version, trigger, evaluated_by)
    VALUES (?asof, ?version, ?trigger, ?actor)
    RETURNING id
),
?pipeline,
snap AS (
    INSERT INTO credit_class_snapshots (evaluation_id, as_of, policy_version,
        customer_id, computed_class, effective_class, override_id, class_a_eligible, payment_score,
        fired_rules, business_type, employees, registered_capital, founded_on, trading_since, exposure,
        trailing_sales, dishonoured_notes, last_dishonoured_note, last_dishonoured_on, write_offs,
        last_write_off_invoice, last_write_off_on, overdue_invoices, oldest_overdue_invoice,
        oldest_overdue_due, a_large, a_score, a_founded, a_trading, r4_small, r4_new)
    SELECT run.id, ?asof, ?version,
        e.customer_id, e.computed_class, e.effective_class, e.override_id, e.class_a_eligible, e.payment_score,
        e.fired_rules, e.business_type, e.employees, e.registered_capital, e.founded_on, e.trading_since, e.exposure,
        e.trailing_sales, e.dishonoured_notes, e.last_dishonoured_note, e.last_dishonoured_on, e.write_offs,
        e.last_write_off_invoice, e.last_write_off_on, e.overdue_invoices, e.oldest_overdue_invoice,
        e.oldest_overdue_due, e.a_large, e.a_score, e.a_founded, e.a_trading, e.r4_small, e.r4_new
    FROM evaluation e CROSS JOIN run
    RETURNING customer_id, effective_class
),
-- Customers with an evaluation as of a later date, read once: probing the
-- snapshots per customer would also walk, each time, the rows snap has just
-- inserted (invisible to this statement, but in the table's pages).
later AS MATERIALIZED (
    SELECT DISTINCT l.customer_id FROM credit_class_snapshots l WHERE l.as_of > ?asof::date
),
moved AS (
    UPDATE customers c
    SET credit_class = s.effective_class
    FROM snap s, customers o
    WHERE c.id = s.customer_id AND o.id = s.customer_id
      AND c.credit_class IS DISTINCT FROM s.effective_class
      AND s.customer_id NOT IN (SELECT customer_id FROM later)
    RETURNING c.id, o.credit_class AS old_class, c.credit_class AS new_class
),
history AS (
    INSERT INTO customer_history (customer_id, field, old_value, new_value, reason, changed_by)
    SELECT m.id, 'creditClass', m.old_class, m.new_class, ?reason, ?actor
    FROM moved m
    RETURNING customer_id
)
SELECT (SELECT id FROM run) AS evaluation_id,
       (SELECT count(*) FROM snap) AS customers,
       (SELECT count(*) FROM history) AS changed,
       (SELECT count(*) FROM snap WHERE effective_class = 'JIA') AS jia,
       (SELECT count(*) FROM snap WHERE effective_class = 'YI') AS yi,
       (SELECT count(*) FROM snap WHERE effective_class = 'BING') AS bing
