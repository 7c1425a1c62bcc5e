-- Credit positions as of D, the 100 highest utilisations over all customers
-- (DOMAIN.md §3): exposure = Σ open invoice base values + Σ notes received by
-- D and neither honoured nor dishonoured on D; utilisation = exposure /
-- limit (null without a limit); alert OK below limit_warn_ratio, APPROACHING
-- up to 1 inclusive, EXCEEDED above, and EXCEEDED for exposure > 0 without a
-- limit. Ordered by utilisation descending — exposure without a limit counts
-- as infinite, no exposure and no limit as 0 (API: CreditPositionOrderField)
-- — then exposure descending, then code.
-- bench:args asOf, top
WITH pol AS (
    SELECT s.value::numeric AS warn
    FROM policy_settings s
    WHERE s.key = 'limit_warn_ratio'
      AND s.version = (SELECT v.version FROM policy_versions v WHERE v.effective_from <= $1::date
                       ORDER BY v.effective_from DESC, v.version DESC LIMIT 1)
),
recv AS (
    SELECT i.customer_id, sum(round((i.amount - coalesce(p.paid, 0)) * i.exchange_rate, 2)) AS open_base
    FROM invoices i
    -- invoices.settled_on (kept by the ledger's trigger) is the day from which
    -- the balance is zero for good: an invoice settled by D is skipped, the
    -- others sum their ledger rows dated ≤ D (index-only scans).
    CROSS JOIN LATERAL (SELECT sum(s.amount) AS paid FROM settlements s
                        WHERE s.invoice_id = i.id AND s.date <= $1::date) p
    WHERE i.ship_date <= $1::date
      AND (i.settled_on IS NULL OR i.settled_on > $1::date)
      AND i.amount - coalesce(p.paid, 0) > 0
    GROUP BY i.customer_id
),
held AS (
    SELECT n.customer_id, sum(n.amount) AS notes
    FROM notes n
    WHERE n.received_date <= $1::date AND (n.settled_on IS NULL OR n.settled_on > $1::date)
    GROUP BY n.customer_id
),
pos AS (
    SELECT c.code, c.credit_limit,
           coalesce(r.open_base, 0.00) AS open_base,
           coalesce(h.notes, 0.00) AS notes,
           coalesce(r.open_base, 0.00) + coalesce(h.notes, 0.00) AS exposure,
           (coalesce(r.open_base, 0.00) + coalesce(h.notes, 0.00)) / nullif(c.credit_limit, 0) AS util
    FROM customers c
    LEFT JOIN recv r ON r.customer_id = c.id
    LEFT JOIN held h ON h.customer_id = c.id
),
top AS (
    SELECT * FROM pos
    ORDER BY (util IS NULL AND exposure > 0) DESC, coalesce(util, 0) DESC, exposure DESC, code
    LIMIT $2::int
)
SELECT json_build_object('creditPositions', json_build_object(
    'totalCount', (SELECT count(*) FROM customers),
    'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                    'customer', json_build_object('code', t.code),
                    'openReceivables', t.open_base::text,
                    'unsettledNotes', t.notes::text,
                    'exposure', t.exposure::text,
                    'creditLimit', t.credit_limit::text,
                    'utilization', round(t.util, 6)::text,
                    'alert', CASE WHEN t.util IS NULL THEN CASE WHEN t.exposure > 0 THEN 'EXCEEDED' ELSE 'OK' END
                                  WHEN t.util < pol.warn THEN 'OK'
                                  WHEN t.util <= 1 THEN 'APPROACHING'
                                  ELSE 'EXCEEDED' END))
                  ORDER BY (t.util IS NULL AND t.exposure > 0) DESC, coalesce(t.util, 0) DESC, t.exposure DESC, t.code), '[]')
              FROM top t, pol)))
