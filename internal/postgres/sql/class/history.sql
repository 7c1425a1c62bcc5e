-- One page of a customer's stored evaluations, newest first (by as-of date,
-- then the later run), each row carrying the size of the whole history; an
-- empty page is one row with only total_count.
SELECT t.total_count, x.*
FROM (SELECT count(*) AS total_count FROM credit_class_snapshots WHERE customer_id = ?customer) t
LEFT JOIN LATERAL (
    SELECT s.*, ev.evaluated_at
    FROM credit_class_snapshots s
    JOIN credit_class_evaluations ev ON ev.id = s.evaluation_id
    WHERE s.customer_id = ?customer AND ?keyset
    ORDER BY s.as_of DESC, s.evaluation_id DESC
    LIMIT ?limit
) x ON true
ORDER BY x.as_of DESC, x.evaluation_id DESC
