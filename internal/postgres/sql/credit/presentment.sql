-- Cheques to present (002 票据管理六: "公司收受的支票提示付款期限,最迟应于到期日
-- 后6日内予以处理"): cheques received on or before asof, matured on or before
-- it, neither settled (honoured or dishonoured) nor presented by then. The
-- last day to present is maturity + note_present_days.
--
-- A note's status history is note_status_changes; a note imported with its
-- final status may have none, so its status and status date count too.
--
-- Named arguments: asof, days (note_present_days), visible
-- (CustomerPredicate over c).
SELECT c.*,
       n.id AS n_id, n.number AS n_number, n.kind AS n_kind, n.customer_id AS n_customer_id,
       n.drawer AS n_drawer, n.bank AS n_bank, n.account AS n_account, n.endorsers AS n_endorsers,
       n.issue_date AS n_issue_date, n.received_date AS n_received_date, n.maturity_date AS n_maturity_date,
       n.amount AS n_amount, n.status AS n_status, n.status_date AS n_status_date, n.settled_on AS n_settled_on,
       n.maturity_date + ?days::int AS np_present_by,
       n.maturity_date + ?days::int - ?asof::date AS np_days_left
FROM notes n
JOIN customers c ON c.id = n.customer_id
WHERE n.kind = 'CHEQUE'
  AND n.received_date <= ?asof::date
  AND n.maturity_date <= ?asof::date
  AND (n.settled_on IS NULL OR n.settled_on > ?asof::date)
  AND NOT (n.status = 'PRESENTED' AND n.status_date <= ?asof::date)
  AND NOT EXISTS (SELECT 1 FROM note_status_changes h
                  WHERE h.note_id = n.id AND h.status <> 'HELD' AND h.date <= ?asof::date)
  AND ?visible
ORDER BY np_present_by, n.number
