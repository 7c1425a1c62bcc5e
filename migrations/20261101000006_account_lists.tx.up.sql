-- The lists of the account page (contacts, history, invoices, payments,
-- notes, sales lines of one customer), each as the size of the whole list
-- and one page of it, newest first, as a JSON array.
--
-- Pages are read first and only the page's rows get their figures (an
-- invoice's open balance, a payment's allocations): a customer with a long
-- history costs a page, not the history. The keyset condition is one row
-- comparison against the list's index, with the no-cursor case as
-- (+infinity, 0), so one plan serves every page.
--
-- It is PL/pgSQL, not SQL run by the application, because PostgreSQL keeps a
-- PL/pgSQL function's plans for the life of the connection: over the simple
-- query protocol (used so that creditdesk works behind a transaction-mode
-- pooler) every statement the application sends is planned again, and for
-- these small index reads planning cost more than running them. The plans
-- are generic (plan_cache_mode below), which is right for them: they are
-- index reads of one customer whatever the arguments. The pages are built
-- as json, not jsonb: they are only passed through to the application.
--
-- A payment's page item carries its allocated sum; the ledger rows of
-- payments and notes (a page of payments can settle hundreds of invoices)
-- ride along only when p_allocations says the query asks for them.
--
-- The function does not check who may read the customer: callers pass only
-- customers the actor may see (internal/postgres.LoaderStore.AccountLists).

-- Keyset order of each list is (date, id) descending; the indexes now end
-- with the id so a page is read in order, without a sort.
DROP INDEX invoices_customer_ship_idx;
CREATE INDEX invoices_customer_ship_idx ON invoices (customer_id, ship_date, id);
DROP INDEX payments_customer_date_idx;
CREATE INDEX payments_customer_date_idx ON payments (customer_id, date, id);
DROP INDEX notes_customer_idx;
CREATE INDEX notes_customer_idx ON notes (customer_id, received_date, id);

CREATE FUNCTION cd_account_list(
    p_list text, p_customer bigint, p_lim int, p_after_key text, p_after_id bigint,
    p_as_of date, p_open_only boolean, p_statuses text, p_from date, p_to date, p_allocations boolean,
    OUT total bigint, OUT items json)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    after_date date := coalesce(p_after_key::date, 'infinity');
    after_id   bigint := coalesce(p_after_id, 0);
BEGIN
    CASE p_list
    WHEN 'CONTACTS' THEN
        SELECT count(*),
               coalesce(json_agg(json_build_object('id', ct.id, 'customerId', ct.customer_id, 'name', ct.name,
                   'title', ct.title, 'phone', ct.phone, 'email', ct.email) ORDER BY ct.id), '[]'::json)
        INTO total, items
        FROM customer_contacts ct WHERE ct.customer_id = p_customer;

    WHEN 'HISTORY' THEN
        SELECT count(*) INTO total FROM customer_history h WHERE h.customer_id = p_customer;
        SELECT coalesce(json_agg(json_build_object('id', x.id, 'customerId', x.customer_id, 'field', x.field,
                   'oldValue', x.old_value, 'newValue', x.new_value, 'reason', x.reason, 'changedBy', x.changed_by,
                   'approvedBy', x.approved_by, 'changedAt', x.changed_at,
                   'sortKey', to_char(x.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   'users', (SELECT json_agg(json_build_object('id', u.id, 'username', u.username, 'name', u.name,
                                'role', u.role, 'officeId', u.office_id, 'officeCode', o.code, 'officeName', o.name))
                             FROM users u LEFT JOIN offices o ON o.id = u.office_id
                             WHERE u.id IN (x.changed_by, x.approved_by)))
                   ORDER BY x.changed_at DESC, x.id DESC), '[]'::json)
        INTO items
        FROM (SELECT h.* FROM customer_history h
              WHERE h.customer_id = p_customer
                AND (h.changed_at, h.id) < (coalesce(p_after_key::timestamptz, 'infinity'), after_id)
              ORDER BY h.changed_at DESC, h.id DESC
              LIMIT p_lim + 1) x;

    WHEN 'INVOICES' THEN
        -- The open balance as of p_as_of is the amount less the ledger rows
        -- dated on or before it (DOMAIN.md §3); an invoice settled for good
        -- by then (settled_on <= p_as_of) is skipped without reading the
        -- ledger.
        IF p_open_only THEN
            SELECT count(*) INTO total
            FROM invoices i
            WHERE i.customer_id = p_customer AND i.ship_date <= p_as_of
              AND (i.settled_on IS NULL OR i.settled_on > p_as_of)
              AND i.amount > coalesce((SELECT sum(s.amount) FROM settlements s
                                       WHERE s.invoice_id = i.id AND s.date <= p_as_of), 0);
        ELSE
            SELECT count(*) INTO total
            FROM invoices i WHERE i.customer_id = p_customer AND i.ship_date <= p_as_of;
        END IF;
        SELECT coalesce(json_agg(json_build_object('id', x.id, 'number', x.number, 'customerId', x.customer_id,
                   'shipDate', x.ship_date, 'invoiceDate', x.invoice_date, 'dueDate', x.due_date,
                   'currency', x.currency, 'amount', x.amount, 'exchangeRate', x.exchange_rate,
                   'baseAmount', x.base_amount, 'openBalance', x.open, 'openBase', round(x.open * x.exchange_rate, 2),
                   'settledOn', CASE WHEN x.settled_on <= p_as_of THEN x.settled_on
                                     WHEN x.open = 0 THEN (SELECT max(s.date) FROM settlements s
                                                           WHERE s.invoice_id = x.id AND s.date <= p_as_of) END,
                   'sortKey', to_char(x.ship_date, 'YYYY-MM-DD'))
                   ORDER BY x.ship_date DESC, x.id DESC), '[]'::json)
        INTO items
        FROM (SELECT i.*, o.open
              FROM invoices i
              CROSS JOIN LATERAL (
                  SELECT CASE WHEN i.settled_on <= p_as_of THEN 0::numeric
                              ELSE i.amount - coalesce((SELECT sum(s.amount) FROM settlements s
                                                        WHERE s.invoice_id = i.id AND s.date <= p_as_of), 0)
                         END AS open
              ) o
              WHERE i.customer_id = p_customer AND i.ship_date <= p_as_of
                AND (i.ship_date, i.id) < (after_date, after_id)
                AND (NOT p_open_only OR o.open > 0)
              ORDER BY i.ship_date DESC, i.id DESC
              LIMIT p_lim + 1) x;

    WHEN 'PAYMENTS' THEN
        SELECT count(*) INTO total FROM payments pm WHERE pm.customer_id = p_customer;
        SELECT coalesce(json_agg(json_build_object('id', x.id, 'reference', x.reference, 'customerId', x.customer_id,
                   'date', x.date, 'method', x.method, 'currency', x.currency, 'amount', x.amount,
                   'exchangeRate', x.exchange_rate, 'baseAmount', x.base_amount,
                   'idempotencyKey', x.idempotency_key, 'createdAt', x.created_at,
                   'allocated', (SELECT coalesce(sum(s.amount), 0) FROM settlements s WHERE s.payment_id = x.id),
                   'allocations', CASE WHEN p_allocations THEN
                                  (SELECT coalesce(json_agg(json_build_object('id', s.id, 'invoiceId', s.invoice_id,
                                       'invoiceNumber', i.number, 'kind', s.kind, 'date', s.date, 'amount', s.amount)
                                       ORDER BY s.id), '[]'::json)
                                   FROM settlements s JOIN invoices i ON i.id = s.invoice_id WHERE s.payment_id = x.id) END,
                   'sortKey', to_char(x.date, 'YYYY-MM-DD'))
                   ORDER BY x.date DESC, x.id DESC), '[]'::json)
        INTO items
        FROM (SELECT pm.* FROM payments pm
              WHERE pm.customer_id = p_customer AND (pm.date, pm.id) < (after_date, after_id)
              ORDER BY pm.date DESC, pm.id DESC
              LIMIT p_lim + 1) x;

    WHEN 'NOTES' THEN
        SELECT count(*) INTO total
        FROM notes n
        WHERE n.customer_id = p_customer
          AND (p_statuses = '' OR n.status = ANY (string_to_array(p_statuses, ',')));
        SELECT coalesce(json_agg(json_build_object('id', x.id, 'number', x.number, 'kind', x.kind,
                   'customerId', x.customer_id, 'drawer', x.drawer, 'bank', x.bank, 'account', x.account,
                   'endorsers', x.endorsers, 'issueDate', x.issue_date, 'receivedDate', x.received_date,
                   'maturityDate', x.maturity_date, 'amount', x.amount, 'status', x.status,
                   'statusDate', x.status_date, 'settledOn', x.settled_on,
                   'allocations', CASE WHEN p_allocations THEN
                                  (SELECT coalesce(json_agg(json_build_object('id', s.id, 'invoiceId', s.invoice_id,
                                       'invoiceNumber', i.number, 'kind', s.kind, 'date', s.date, 'amount', s.amount)
                                       ORDER BY s.id), '[]'::json)
                                   FROM settlements s JOIN invoices i ON i.id = s.invoice_id WHERE s.note_id = x.id) END,
                   'sortKey', to_char(x.received_date, 'YYYY-MM-DD'))
                   ORDER BY x.received_date DESC, x.id DESC), '[]'::json)
        INTO items
        FROM (SELECT n.* FROM notes n
              WHERE n.customer_id = p_customer AND (n.received_date, n.id) < (after_date, after_id)
                AND (p_statuses = '' OR n.status = ANY (string_to_array(p_statuses, ',')))
              ORDER BY n.received_date DESC, n.id DESC
              LIMIT p_lim + 1) x;

    WHEN 'SALES' THEN
        SELECT count(*) INTO total
        FROM sales_lines sl
        WHERE sl.customer_id = p_customer
          AND sl.ship_date BETWEEN coalesce(p_from, '-infinity') AND coalesce(p_to, 'infinity');
        SELECT coalesce(json_agg(json_build_object('id', x.id, 'invoiceId', x.invoice_id,
                   'customerId', x.customer_id, 'productId', x.product_id, 'shipDate', x.ship_date,
                   'quantity', x.quantity, 'unitPrice', x.unit_price, 'amount', x.amount,
                   'costAmount', x.cost_amount, 'currency', x.currency, 'exchangeRate', x.exchange_rate,
                   'baseAmount', x.base_amount,
                   'invoiceNumber', (SELECT i.number FROM invoices i WHERE i.id = x.invoice_id),
                   'product', (SELECT json_build_object('id', pr.id, 'code', pr.code, 'name', pr.name,
                                   'category', pr.category, 'unitCost', pr.unit_cost)
                               FROM products pr WHERE pr.id = x.product_id),
                   'sortKey', to_char(x.ship_date, 'YYYY-MM-DD'))
                   ORDER BY x.ship_date DESC, x.id DESC), '[]'::json)
        INTO items
        FROM (SELECT sl.* FROM sales_lines sl
              WHERE sl.customer_id = p_customer
                AND sl.ship_date BETWEEN coalesce(p_from, '-infinity') AND coalesce(p_to, 'infinity')
                AND (sl.ship_date, sl.id) < (after_date, after_id)
              ORDER BY sl.ship_date DESC, sl.id DESC
              LIMIT p_lim + 1) x;

    ELSE
        RAISE EXCEPTION 'unknown account list %', p_list USING ERRCODE = 'invalid_parameter_value';
    END CASE;
END
$$;
