-- The 120-day note rule (002 票据管理四; DOMAIN.md §3, §9) for the notes
-- received in a period and not dishonoured on or before its last day: one
-- charge per note allocation whose excess days are > 0,
--   excess   = note maturity − invoice ship date − note_max_days,
--   interest = allocated × note_monthly_rate × excess / 30, rounded to 2
--              places per charge,
-- and the total is the sum of the charges shown (a window over the same
-- rows). A note allocation is a NOTE row of the ledger; notes settle only
-- base-currency invoices, so the allocated amount is in the base currency.
--
-- Named arguments: from, to (the period), rate (note_monthly_rate), maxdays
-- (note_max_days), visible (CustomerPredicate over c).
SELECT c.*, x.*, sum(x.ni_interest) OVER () AS ni_total
FROM (
    SELECT n.customer_id, n.number AS ni_note_number, n.kind AS ni_note_kind,
           n.received_date AS ni_received_date, n.maturity_date AS ni_maturity_date,
           i.number AS ni_invoice_number, i.ship_date AS ni_ship_date,
           s.amount AS ni_allocated,
           n.maturity_date - i.ship_date - ?maxdays::int AS ni_excess_days,
           round(cd_div(s.amount * ?rate::numeric * (n.maturity_date - i.ship_date - ?maxdays::int), 30), 2)
               AS ni_interest
    FROM notes n
    JOIN settlements s ON s.note_id = n.id AND s.kind = 'NOTE'
    JOIN invoices i ON i.id = s.invoice_id
    WHERE n.received_date BETWEEN ?from::date AND ?to::date
      AND NOT (n.status = 'DISHONORED' AND n.settled_on <= ?to::date)
      AND n.maturity_date - i.ship_date - ?maxdays::int > 0
) x
JOIN customers c ON c.id = x.customer_id
WHERE ?visible
ORDER BY x.ni_note_number, x.ni_invoice_number
