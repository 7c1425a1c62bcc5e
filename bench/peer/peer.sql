-- Helper functions and views that give the peer (PostGraphile) the figures
-- that are not columns, in a schema of its own (bench_peer) so that nothing of
-- creditdesk's is touched. Written from DOMAIN.md §3 and §9: an invoice's open
-- balance as of D = amount − Σ ledger rows dated ≤ D; its base value is
-- round(open × rate, 2). Every function is STABLE LANGUAGE sql with one
-- SELECT, so PostgreSQL inlines it into the statement PostGraphile writes and
-- the same indexes serve it.
CREATE SCHEMA bench_peer;

-- Computed columns of Invoice: openBalance(asOf) and openBase(asOf).
CREATE FUNCTION bench_peer.invoices_open_balance(i public.invoices, as_of date) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT i.amount - coalesce((SELECT sum(s.amount) FROM public.settlements s
                                WHERE s.invoice_id = i.id AND s.date <= as_of), 0)
$$;

CREATE FUNCTION bench_peer.invoices_open_base(i public.invoices, as_of date) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT round((i.amount - coalesce((SELECT sum(s.amount) FROM public.settlements s
                                       WHERE s.invoice_id = i.id AND s.date <= as_of), 0)) * i.exchange_rate, 2)
$$;

-- Computed columns of Payment: allocated and unapplied.
CREATE FUNCTION bench_peer.payments_allocated(p public.payments) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT coalesce(sum(s.amount), 0.00) FROM public.settlements s WHERE s.payment_id = p.id
$$;

CREATE FUNCTION bench_peer.payments_unapplied(p public.payments) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT p.amount - coalesce(sum(s.amount), 0.00) FROM public.settlements s WHERE s.payment_id = p.id
$$;

-- The open invoices as of a date, with their ageing bucket (days overdue =
-- D − due date; current, 1-30, 31-60, 61-90, 91-120, 121+): the row type is
-- this view (as of today), the figures as of any date come from
-- open_invoices(asOf), whose connection pg-aggregates can group by customer
-- and bucket.
CREATE VIEW bench_peer.open_invoice_balances AS
    SELECT i.id AS invoice_id, i.number, i.customer_id, c.code AS customer_code, c.office_id,
           i.ship_date, i.due_date,
           i.amount - coalesce(p.paid, 0) AS open,
           round((i.amount - coalesce(p.paid, 0)) * i.exchange_rate, 2) AS open_base,
           CASE WHEN current_date - i.due_date <= 0 THEN 'current'
                WHEN current_date - i.due_date <= 30 THEN '1-30'
                WHEN current_date - i.due_date <= 60 THEN '31-60'
                WHEN current_date - i.due_date <= 90 THEN '61-90'
                WHEN current_date - i.due_date <= 120 THEN '91-120'
                ELSE '121+' END AS bucket
    FROM public.invoices i
    JOIN public.customers c ON c.id = i.customer_id
    LEFT JOIN LATERAL (SELECT sum(s.amount) AS paid FROM public.settlements s
                       WHERE s.invoice_id = i.id AND s.date <= current_date) p ON true
    WHERE i.ship_date <= current_date
      AND (i.settled_on IS NULL OR i.settled_on > current_date)
      AND i.amount - coalesce(p.paid, 0) > 0;

CREATE FUNCTION bench_peer.open_invoices(as_of date) RETURNS SETOF bench_peer.open_invoice_balances
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT i.id, i.number, i.customer_id, c.code, c.office_id, i.ship_date, i.due_date,
           i.amount - coalesce(p.paid, 0),
           round((i.amount - coalesce(p.paid, 0)) * i.exchange_rate, 2),
           CASE WHEN as_of - i.due_date <= 0 THEN 'current'
                WHEN as_of - i.due_date <= 30 THEN '1-30'
                WHEN as_of - i.due_date <= 60 THEN '31-60'
                WHEN as_of - i.due_date <= 90 THEN '61-90'
                WHEN as_of - i.due_date <= 120 THEN '91-120'
                ELSE '121+' END
    FROM public.invoices i
    JOIN public.customers c ON c.id = i.customer_id
    LEFT JOIN LATERAL (SELECT sum(s.amount) AS paid FROM public.settlements s
                       WHERE s.invoice_id = i.id AND s.date <= as_of) p ON true
    WHERE i.ship_date <= as_of
      AND (i.settled_on IS NULL OR i.settled_on > as_of)
      AND i.amount - coalesce(p.paid, 0) > 0
$$;

-- creditdesk checks the references of the tables it writes in bulk once per
-- statement, with triggers, instead of with foreign keys (migrations 08 and
-- 10). PostGraphile builds its relations (invoicesByCustomerId, ...) from
-- foreign keys; these smart tags give it the same relations the constraints
-- gave it.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('invoices', 'customer_id customers'),
        ('payments', 'customer_id customers, recorded_by users'),
        ('sales_lines', 'customer_id customers, product_id products, invoice_id invoices'),
        ('settlements', 'invoice_id invoices, customer_id customers, payment_id payments, note_id notes, '
                        'write_off_id write_offs, reverses_id settlements'),
        ('sales_customer_months', 'customer_id customers'),
        ('notes', 'customer_id customers, received_by users'),
        ('note_status_changes', 'note_id notes, changed_by users'),
        ('targets', 'customer_id customers, product_id products'),
        ('inventory_snapshots', 'customer_id customers, product_id products'),
        ('visits', 'customer_id customers, rep_id users'),
        ('collection_demands', 'customer_id customers, recorded_by users'),
        ('credit_investigations', 'customer_id customers, recorded_by users'),
        ('dealer_ratings', 'customer_id customers, rated_by users')) AS t(tab, refs)
    LOOP
        EXECUTE format('COMMENT ON TABLE public.%I IS %L', r.tab,
            (SELECT string_agg(format('@foreignKey (%s) references public.%s (id)',
                                      split_part(ref, ' ', 1), split_part(ref, ' ', 2)), E'\n')
             FROM unnest(string_to_array(r.refs, ', ')) AS ref));
    END LOOP;
END $$;
