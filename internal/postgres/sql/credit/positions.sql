-- Credit positions as of a date (000 第八条3, 第九条3; DOMAIN.md §3): one row
-- per visible customer, those without exposure included with zero figures.
--
-- Named arguments:
--   asof     the as-of date;
--   warn     limit_warn_ratio of the policy version in force on asof;
--   visible  CustomerPredicate over c (access control and the filter);
--   escope   a predicate over e.customer_id that narrows the exposure
--            computation to the customers asked for (an id list, or TRUE for
--            every customer). A join clause cannot reach inside the grouped
--            exposure function, a restriction on e in the ON clause can.
--
-- Alerts compare unrounded values and are exact: exposure > limit rather
-- than a rounded utilisation > 1 (DOMAIN.md §9). No limit (null or 0) with
-- exposure is EXCEEDED; utilisation is null without a limit.
-- cp_sort_utilization orders customers without a limit as infinitely
-- utilised when they have exposure, as 0 when they have none.
SELECT c.*,
       coalesce(e.open_receivables, 0) AS cp_open_receivables,
       coalesce(e.unsettled_notes, 0) AS cp_unsettled_notes,
       coalesce(e.exposure, 0) AS cp_exposure,
       cd_div(coalesce(e.exposure, 0), c.credit_limit) AS cp_utilization,
       CASE
           WHEN coalesce(c.credit_limit, 0) = 0 THEN
               CASE WHEN coalesce(e.exposure, 0) > 0 THEN 'EXCEEDED' ELSE 'OK' END
           WHEN coalesce(e.exposure, 0) > c.credit_limit THEN 'EXCEEDED'
           WHEN coalesce(e.exposure, 0) >= ?warn::numeric * c.credit_limit THEN 'APPROACHING'
           ELSE 'OK'
       END AS cp_alert,
       CASE
           WHEN coalesce(c.credit_limit, 0) = 0 THEN
               CASE WHEN coalesce(e.exposure, 0) > 0 THEN 'Infinity'::numeric ELSE 0 END
           ELSE cd_div(coalesce(e.exposure, 0), c.credit_limit)
       END AS cp_sort_utilization
FROM customers c
LEFT JOIN cd_customer_exposure(?asof::date) e ON e.customer_id = c.id AND ?escope
WHERE ?visible
