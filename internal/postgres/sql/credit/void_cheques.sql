-- Void cheques (002 票据管理五.9: "支票是否已逾到期日一年(逾期一年失效)"):
-- cheques received on or before asof and still unsettled on asof more than
-- one year after their maturity date. The last valid day is maturity + 1
-- year (29 February → 28 February).
--
-- Named arguments: asof, visible (CustomerPredicate over c).
SELECT c.*,
       n.id AS n_id, n.number AS n_number, n.kind AS n_kind, n.customer_id AS n_customer_id,
       n.drawer AS n_drawer, n.bank AS n_bank, n.account AS n_account, n.endorsers AS n_endorsers,
       n.issue_date AS n_issue_date, n.received_date AS n_received_date, n.maturity_date AS n_maturity_date,
       n.amount AS n_amount, n.status AS n_status, n.status_date AS n_status_date, n.settled_on AS n_settled_on,
       (n.maturity_date + interval '1 year')::date AS vc_valid_until,
       ?asof::date - (n.maturity_date + interval '1 year')::date AS vc_days_void
FROM notes n
JOIN customers c ON c.id = n.customer_id
WHERE n.kind = 'CHEQUE'
  AND n.received_date <= ?asof::date
  AND (n.maturity_date + interval '1 year')::date < ?asof::date
  AND (n.settled_on IS NULL OR n.settled_on > ?asof::date)
  AND ?visible
ORDER BY vc_valid_until, n.number
