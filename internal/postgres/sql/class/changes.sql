-- "Who moved from 乙 to 丙 this quarter": for each customer the filter
-- selects, its latest stored evaluation on or before `from` and its latest on
-- or before `to` (credit_class_snapshots_customer_idx, one probe each);
-- customers whose effective class differs, optionally only from and to the
-- given classes. A customer first evaluated after `from` has no `from` side.
-- One page by customer code, with the size of the whole list, and both
-- snapshots of each row (side FROM and TO).
WITH sel AS (
    SELECT c.id, c.code FROM customers c WHERE ?where
),
pairs AS (
    SELECT sel.id, sel.code, a.evaluation_id AS from_evaluation, b.evaluation_id AS to_evaluation
    FROM sel
    CROSS JOIN LATERAL (
        SELECT s.evaluation_id, s.effective_class FROM credit_class_snapshots s
        WHERE s.customer_id = sel.id AND s.as_of <= ?to::date
        ORDER BY s.as_of DESC, s.evaluation_id DESC LIMIT 1
    ) b
    LEFT JOIN LATERAL (
        SELECT s.evaluation_id, s.effective_class FROM credit_class_snapshots s
        WHERE s.customer_id = sel.id AND s.as_of <= ?from::date
        ORDER BY s.as_of DESC, s.evaluation_id DESC LIMIT 1
    ) a ON true
    WHERE a.effective_class IS DISTINCT FROM b.effective_class
      AND (?from_class::text IS NULL OR a.effective_class = ?from_class::text)
      AND (?to_class::text IS NULL OR b.effective_class = ?to_class::text)
),
page AS (
    SELECT p.*
    FROM pairs p
    WHERE p.code > ?after
    ORDER BY p.code
    LIMIT ?limit
)
-- Every row carries the size of the whole list; an empty page is one row
-- with only total_count.
SELECT t.total_count, x.*
FROM (SELECT count(*) AS total_count FROM pairs) t
LEFT JOIN LATERAL (
    SELECT side.name AS side, p.code, s.*, ev.evaluated_at
    FROM page p
    CROSS JOIN LATERAL (VALUES ('FROM', p.from_evaluation), ('TO', p.to_evaluation)) side (name, evaluation_id)
    JOIN credit_class_snapshots s ON s.evaluation_id = side.evaluation_id AND s.customer_id = p.id
    JOIN credit_class_evaluations ev ON ev.id = s.evaluation_id
) x ON true
ORDER BY x.code, x.side
