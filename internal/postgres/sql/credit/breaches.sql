-- The 60-day collection rule for one month (002 票据管理三; DOMAIN.md §3, §9).
--
-- An invoice still open collection_days after its ship date is a breach: it
-- crosses on ship date + collection_days + 1 (ship + 61), and its open base
-- value on that day is charged to the responsible rep's bonus in the month
-- of the crossing. Amounts collected on it later are credited back in the
-- month collected, in all at most what was charged.
--
-- The breach is judged once, on the crossing date, with the ledger as it
-- stood then: a note received before it counts as collected even if it is
-- dishonoured later, a dishonour dated on or before it does not. Later
-- dishonours do not undo a credit-back (NOTE_REVERSAL rows are not
-- collections); write-offs are not collections either. Base values are
-- valued at the invoice's rate, each allocation rounded on its own.
-- The rep is the customer's responsible rep now.
--
-- Named arguments: first, last (the month's first and last day), cross
-- (collection_days + 1), visible (CustomerPredicate over c).
--
-- One statement returns both the lines (kind LINE: one per invoice that
-- crossed in the month with an open balance) and the reps (kind REP: one per
-- rep with anything charged or credited back in the month), plus the
-- totals (kind TOTAL), all from the same CTEs.
WITH crossed AS (
    SELECT i.id, i.number, i.customer_id, i.ship_date, i.due_date, i.currency, i.exchange_rate,
           i.ship_date + ?cross::int AS crossed_on, o.open
    FROM invoices i
    JOIN customers c ON c.id = i.customer_id
    CROSS JOIN LATERAL (
        SELECT i.amount - coalesce(sum(s.amount), 0) AS open
        FROM settlements s
        WHERE s.invoice_id = i.id AND s.date <= i.ship_date + ?cross::int
    ) o
    WHERE i.ship_date BETWEEN ?first::date - ?cross::int AND ?last::date - ?cross::int
      AND (i.settled_on IS NULL OR i.settled_on > i.ship_date + ?cross::int)
      AND o.open > 0
      AND ?visible
), collected AS (
    -- Invoices with a payment or note allocation dated in the month.
    SELECT DISTINCT s.invoice_id
    FROM settlements s
    WHERE s.date BETWEEN ?first::date AND ?last::date
      AND s.kind IN ('PAYMENT', 'NOTE')
), credited AS (
    -- Per invoice breached before such an allocation: what was charged, and
    -- what is credited back in the month = the capped cumulative collections
    -- after the crossing up to the month's end minus those before it. Each
    -- invoice's ledger is read through settlements_invoice_idx.
    SELECT i.id, i.customer_id, ch.charged,
           least(ch.charged, col.to_last) - least(ch.charged, col.before_first) AS reversed
    FROM collected k
    JOIN invoices i ON i.id = k.invoice_id
    JOIN customers c ON c.id = i.customer_id
    CROSS JOIN LATERAL (
        SELECT cd_base(i.amount - coalesce(sum(s0.amount), 0), i.exchange_rate) AS charged
        FROM settlements s0
        WHERE s0.invoice_id = i.id AND s0.date <= i.ship_date + ?cross::int
    ) ch
    CROSS JOIN LATERAL (
        SELECT coalesce(sum(cd_base(s.amount, i.exchange_rate)), 0) AS to_last,
               coalesce(sum(cd_base(s.amount, i.exchange_rate)) FILTER (WHERE s.date < ?first::date), 0) AS before_first
        FROM settlements s
        WHERE s.invoice_id = i.id
          AND s.kind IN ('PAYMENT', 'NOTE')
          AND s.date > i.ship_date + ?cross::int
          AND s.date <= ?last::date
    ) col
    WHERE i.ship_date + ?cross::int < ?last::date
      AND ch.charged > 0
      AND ?visible
), per_rep AS (
    SELECT c.rep_id, grouping(c.rep_id) <> 0 AS is_total,
           coalesce(sum(x.charged), 0) AS charged, coalesce(sum(x.reversed), 0) AS reversed
    FROM (
        SELECT customer_id, cd_base(open, exchange_rate) AS charged, 0 AS reversed FROM crossed
        UNION ALL
        SELECT customer_id, 0, reversed FROM credited WHERE reversed <> 0
    ) x
    JOIN customers c ON c.id = x.customer_id
    GROUP BY GROUPING SETS ((c.rep_id), ())
)
SELECT 'LINE' AS kind, c.*,
       x.id AS br_invoice_id, x.number AS br_invoice_number, x.ship_date AS br_ship_date,
       x.due_date AS br_due_date, x.crossed_on AS br_crossed_on, x.currency AS br_currency,
       x.open AS br_open, cd_base(x.open, x.exchange_rate) AS br_charged, 0::numeric AS br_reversed,
       u.id AS ru_id, u.username AS ru_username, u.name AS ru_name, u.role AS ru_role, u.office_id AS ru_office_id
FROM crossed x
JOIN customers c ON c.id = x.customer_id
LEFT JOIN users u ON u.id = c.rep_id
UNION ALL
SELECT CASE WHEN r.is_total THEN 'TOTAL' ELSE 'REP' END, c.*,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, r.charged, r.reversed,
       u.id, u.username, u.name, u.role, u.office_id
FROM per_rep r
LEFT JOIN customers c ON false
LEFT JOIN users u ON u.id = r.rep_id
ORDER BY kind, br_crossed_on, br_invoice_number, ru_username NULLS LAST
