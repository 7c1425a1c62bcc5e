-- cd_settle_invoices (01) updates the settled_on of every invoice a ledger
-- statement touched. Its per-invoice sums come out of a hash aggregate in no
-- particular order, and on a table without statistics (a fresh database's
-- first import) the planner expects 200 of them and probes invoices_pkey
-- once per invoice: 828,000 probes scattered over the table for the large
-- demo set's payment allocations, 4 s of the statement's 8.5 s. In invoice
-- id order the same probes, and the in-place updates that follow them, walk
-- the index and the table from one end to the other. The sort is free for
-- the single settlement the API writes. The figures are the same; only the
-- order in which the invoices are visited changes (as in migration 11).
CREATE OR REPLACE FUNCTION cd_settle_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE invoices i
    SET settled_on = CASE WHEN i.amount = x.settled THEN x.last_date END
    FROM (SELECT s.invoice_id, sum(s.amount) AS settled, max(s.date) AS last_date
          FROM settlements s
          WHERE s.invoice_id IN (SELECT DISTINCT invoice_id FROM new_rows)
          GROUP BY s.invoice_id
          ORDER BY s.invoice_id) x
    WHERE i.id = x.invoice_id
      AND i.settled_on IS DISTINCT FROM (CASE WHEN i.amount = x.settled THEN x.last_date END);
    RETURN NULL;
END $$;
