-- Credit figures (DOMAIN.md §3, §9): open balances, exposure and the payment
-- score as of any date, as set-returning SQL functions that every credit
-- report, the credit class evaluation and the dealer scorecards build on.
--
-- Each function is LANGUAGE sql, STABLE, one SELECT, with a string body and
-- no SET clause, so the planner inlines it into the calling query: a filter
-- on customer_id written outside (the access-control predicate, a loader's
-- key list) is pushed down to the index scans inside.

-- The open invoices as of asof: shipped on or before asof with an open
-- balance > 0 on that date (DOMAIN.md §3). open is in the invoice's currency;
-- open_base is its base value, rounded per invoice (§9) so that sums of it
-- are sums of what each invoice shows.
--
-- invoices.settled_on (kept by the ledger's trigger) is the date from which
-- the balance is zero for good: an invoice with settled_on <= asof is skipped
-- without reading the ledger, the others sum their settlements dated <= asof
-- through settlements_invoice_idx (an index-only scan). A reversal dated
-- after asof does not matter here: only rows dated <= asof are summed.
--
-- The candidates are read in two branches, never settled and settled after
-- asof, rather than with an OR: each branch has its own covering partial
-- index below, so a report over every customer reads indexes only, and a
-- filter on customer_id still reaches both branches.
CREATE FUNCTION cd_invoice_open(asof date)
RETURNS TABLE (invoice_id bigint, customer_id bigint, ship_date date, due_date date, currency char(3),
               exchange_rate numeric, open numeric, open_base numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT i.id, i.customer_id, i.ship_date, i.due_date, i.currency, i.exchange_rate::numeric,
           o.open, round(o.open * i.exchange_rate, 2)
    FROM (
        SELECT u.id, u.customer_id, u.ship_date, u.due_date, u.currency, u.exchange_rate, u.amount
        FROM invoices u
        WHERE u.settled_on IS NULL AND u.ship_date <= $1
        UNION ALL
        SELECT l.id, l.customer_id, l.ship_date, l.due_date, l.currency, l.exchange_rate, l.amount
        FROM invoices l
        WHERE l.settled_on > $1 AND l.ship_date <= $1
    ) i
    CROSS JOIN LATERAL (
        SELECT i.amount - coalesce(sum(s.amount), 0) AS open
        FROM settlements s
        WHERE s.invoice_id = i.id AND s.date <= $1
    ) o
    WHERE o.open > 0
$$;

-- The credit exposure of each customer as of asof (000 第八条3, DOMAIN.md §3):
-- Σ open base values of its invoices plus Σ its notes received on or before
-- asof and not yet honoured or dishonoured on asof (notes are in the base
-- currency). One row per customer that has either; a customer without a row
-- has zero exposure.
CREATE FUNCTION cd_customer_exposure(asof date)
RETURNS TABLE (customer_id bigint, open_receivables numeric, unsettled_notes numeric, exposure numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT x.customer_id, sum(x.open_base), sum(x.note_amount), sum(x.open_base) + sum(x.note_amount)
    FROM (
        SELECT o.customer_id, o.open_base, 0::numeric AS note_amount
        FROM cd_invoice_open($1) o
        UNION ALL
        SELECT n.customer_id, 0::numeric, n.amount::numeric
        FROM notes n
        WHERE n.received_date <= $1
          AND (n.settled_on IS NULL OR n.settled_on > $1)
    ) x
    GROUP BY x.customer_id
$$;

-- The payment score as of asof (DOMAIN.md §3, §9; modelled on D&B PAYDEX):
-- over the invoices due in [asof − 364, asof], settled or not, the average
-- days beyond terms weighted by base amount, mapped to 0–100 by linear
-- interpolation between (−30 → 100), (0 → 80), (15 → 70), (30 → 50),
-- (60 → 40), (90 → 30), (120 → 20), (180 → 0), flat beyond the ends.
-- Nothing is rounded (thresholds compare unrounded values, §9).
--
-- Days beyond terms = settlement date − due date when the invoice is settled
-- by asof, else asof − due date. The settlement date as of asof is read from
-- the ledger as it stood on asof, not from invoices.settled_on alone: a note
-- dishonoured after asof reopens the invoice today, but on asof it was
-- settled. Allocations never exceed the open balance, so once the balance is
-- zero the only later rows are a reversal (reopening it) and a new
-- allocation closing it again; hence when the rows dated <= asof sum to the
-- amount, the settlement date is the latest of their dates. A write-off
-- counts as a settlement (it stops the clock, §9).
CREATE FUNCTION cd_payment_score(asof date)
RETURNS TABLE (customer_id bigint, weighted_days numeric, score numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT w.customer_id, w.days,
           CASE
               WHEN w.days IS NULL THEN NULL
               WHEN w.days <= -30 THEN 100::numeric
               WHEN w.days <= 0 THEN 100 - cd_div((w.days + 30) * 20, 30)
               WHEN w.days <= 15 THEN 80 - cd_div(w.days * 10, 15)
               WHEN w.days <= 30 THEN 70 - cd_div((w.days - 15) * 20, 15)
               WHEN w.days <= 60 THEN 50 - cd_div(w.days - 30, 3)
               WHEN w.days <= 90 THEN 40 - cd_div(w.days - 60, 3)
               WHEN w.days <= 120 THEN 30 - cd_div(w.days - 90, 3)
               WHEN w.days < 180 THEN 20 - cd_div(w.days - 120, 3)
               ELSE 0::numeric
           END
    FROM (
        SELECT x.customer_id,
               cd_div(sum((x.settled - x.due_date)::numeric * x.base_amount), sum(x.base_amount)) AS days
        FROM (
            -- Settled for good by asof: the settlement date is settled_on.
            SELECT i.customer_id, i.due_date, i.base_amount, i.settled_on AS settled
            FROM invoices i
            WHERE i.due_date BETWEEN $1 - 364 AND $1
              AND i.settled_on <= $1
            UNION ALL
            -- The others, from their ledger rows dated <= asof: settled on
            -- the last of them if they sum to the amount, else still open
            -- (the clock runs to asof).
            SELECT i.customer_id, i.due_date, i.base_amount,
                   coalesce(CASE WHEN l.settled >= i.amount THEN l.last_date END, $1)
            FROM invoices i
            LEFT JOIN LATERAL (
                SELECT sum(s.amount) AS settled, max(s.date) AS last_date
                FROM settlements s
                WHERE s.invoice_id = i.id AND s.date <= $1
            ) l ON true
            WHERE i.due_date BETWEEN $1 - 364 AND $1
              AND (i.settled_on IS NULL OR i.settled_on > $1)
        ) x
        GROUP BY x.customer_id
    ) w
$$;

-- Covering indexes of cd_invoice_open's two branches. Never-settled invoices
-- by ship date. Invoices settled after asof and shipped on or before it are
-- found from whichever end is narrower: by settlement date for a recent
-- asof (few settled since), by ship date for an old one (few shipped
-- before); the planner picks from the statistics.
CREATE INDEX invoices_open_ship_idx ON invoices (ship_date)
    INCLUDE (id, customer_id, due_date, currency, exchange_rate, amount)
    WHERE settled_on IS NULL;
CREATE INDEX invoices_settled_ship_idx ON invoices (settled_on, ship_date)
    INCLUDE (id, customer_id, due_date, currency, exchange_rate, amount)
    WHERE settled_on IS NOT NULL;
CREATE INDEX invoices_ship_settled_idx ON invoices (ship_date, settled_on)
    INCLUDE (id, customer_id, due_date, currency, exchange_rate, amount)
    WHERE settled_on IS NOT NULL;

-- The payment score reads the invoices due in a year with what it needs.
CREATE INDEX invoices_due_cover_idx ON invoices (due_date)
    INCLUDE (id, customer_id, settled_on, amount, base_amount);

-- The 60-day rule credits back collections dated in a month: the ledger by
-- date.
CREATE INDEX settlements_date_idx ON settlements (date) INCLUDE (invoice_id, kind);
