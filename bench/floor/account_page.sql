-- The account page of one customer: the archive record, office and rep,
-- contacts, the 20 latest history entries, the 20 latest invoices with their
-- open balances as of asOf, the 20 latest payments and notes, with the total
-- count of each list (DOMAIN.md §1–§3, API.md Customer).
--
-- Open balance as of D = amount − Σ ledger rows (allocations, note
-- allocations and their reversals, write-offs) dated ≤ D; its base value is
-- round(open × invoice rate, 2) (§9).
-- bench:args code, asOf
WITH c AS (
    SELECT * FROM customers WHERE code = $1
),
inv AS (
    SELECT i.id, i.number, i.ship_date, i.due_date, i.currency, i.amount, i.base_amount, i.exchange_rate, i.settled_on
    FROM invoices i, c
    WHERE i.customer_id = c.id
    ORDER BY i.ship_date DESC, i.number DESC
    LIMIT 20
),
inv_open AS (
    SELECT inv.*, inv.amount - coalesce((SELECT sum(s.amount) FROM settlements s
                                         WHERE s.invoice_id = inv.id AND s.date <= $2::date), 0) AS open
    FROM inv
),
pay AS (
    SELECT p.id, p.reference, p.date, p.method, p.currency, p.amount, p.base_amount
    FROM payments p, c
    WHERE p.customer_id = c.id
    ORDER BY p.date DESC, p.reference DESC
    LIMIT 20
),
nts AS (
    SELECT n.number, n.kind, n.received_date, n.maturity_date, n.amount, n.status, n.settled_on
    FROM notes n, c
    WHERE n.customer_id = c.id
    ORDER BY n.received_date DESC, n.number DESC
    LIMIT 20
)
SELECT json_build_object('customer', (
    SELECT json_build_object(
        'code', c.code,
        'name', c.name,
        'shortName', c.short_name,
        'industry', c.industry,
        'status', c.status,
        'creditLimit', c.credit_limit::text,
        'creditClass', c.credit_class,
        'dealerClass', c.dealer_class,
        'office', json_build_object('code', o.code, 'name', o.name),
        'rep', CASE WHEN u.id IS NOT NULL THEN json_build_object('username', u.username, 'name', u.name) END,
        'contacts', (SELECT coalesce(json_agg(json_build_object('name', k.name, 'title', k.title, 'phone', k.phone,
                                                                'email', k.email) ORDER BY k.id), '[]')
                     FROM customer_contacts k WHERE k.customer_id = c.id),
        'history', json_build_object(
            'totalCount', (SELECT count(*) FROM customer_history h WHERE h.customer_id = c.id),
            'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                                'field', h.field, 'oldValue', h.old_value, 'newValue', h.new_value,
                                'reason', h.reason, 'changedBy', json_build_object('username', hu.username)))
                            ORDER BY h.changed_at DESC, h.id DESC), '[]')
                      FROM (SELECT * FROM customer_history h WHERE h.customer_id = c.id
                            ORDER BY h.changed_at DESC, h.id DESC LIMIT 20) h
                      JOIN users hu ON hu.id = h.changed_by)),
        'invoices', json_build_object(
            'totalCount', (SELECT count(*) FROM invoices i WHERE i.customer_id = c.id),
            'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                                'number', v.number, 'shipDate', v.ship_date, 'dueDate', v.due_date,
                                'currency', v.currency, 'amount', v.amount::text, 'baseAmount', v.base_amount::text,
                                'openBalance', v.open::text,
                                'openBase', round(v.open * v.exchange_rate, 2)::text,
                                'settledOn', v.settled_on))
                            ORDER BY v.ship_date DESC, v.number DESC), '[]')
                      FROM inv_open v)),
        'payments', json_build_object(
            'totalCount', (SELECT count(*) FROM payments p WHERE p.customer_id = c.id),
            'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                                'reference', p.reference, 'date', p.date, 'method', p.method,
                                'amount', p.amount::text, 'baseAmount', p.base_amount::text,
                                'allocated', a.allocated::text, 'unapplied', (p.amount - a.allocated)::text))
                            ORDER BY p.date DESC, p.reference DESC), '[]')
                      FROM pay p
                      CROSS JOIN LATERAL (SELECT coalesce(sum(s.amount), 0.00) AS allocated
                                          FROM settlements s WHERE s.payment_id = p.id) a)),
        'notes', json_build_object(
            'totalCount', (SELECT count(*) FROM notes n WHERE n.customer_id = c.id),
            'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                                'number', n.number, 'kind', n.kind, 'receivedDate', n.received_date,
                                'maturityDate', n.maturity_date, 'amount', n.amount::text,
                                'status', n.status, 'settledOn', n.settled_on))
                            ORDER BY n.received_date DESC, n.number DESC), '[]')
                      FROM nts n)))
    FROM c
    JOIN offices o ON o.id = c.office_id
    LEFT JOIN users u ON u.id = c.rep_id))
