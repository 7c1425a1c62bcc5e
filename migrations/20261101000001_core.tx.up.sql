-- creditdesk core schema: the customer archive, the ledger and the policy.
--
-- Money is numeric(18,2), exchange rates numeric(18,8), ratios numeric(12,8).
-- Enumerations are text with CHECK constraints (easy to extend by migration).
-- Nothing is ever hard-deleted: a trigger refuses DELETE on every business
-- table, and the ledger tables refuse UPDATE as well.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- cd_div divides with at least 24 decimal places and yields NULL on a zero
-- denominator (DOMAIN.md §0: a ratio over zero is null, intermediates exact).
CREATE FUNCTION cd_div(numeric, numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN round($1, 24) / NULLIF($2, 0);

-- cd_base values an amount in the base currency, rounded once (DOMAIN.md §0).
CREATE FUNCTION cd_base(numeric, numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN round($1 * $2, 2);

CREATE FUNCTION cd_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are never deleted', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE FUNCTION cd_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;

-- Organisation --------------------------------------------------------------

CREATE TABLE offices (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code <> ''),
    name       text NOT NULL CHECK (name <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username   text NOT NULL UNIQUE CHECK (username <> ''),
    name       text NOT NULL,
    role       text NOT NULL CHECK (role IN ('SALES_REP', 'MANAGER', 'FINANCE', 'GENERAL_MANAGER', 'ANALYST', 'AUDITOR')),
    office_id  bigint REFERENCES offices,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_office_idx ON users (office_id);

-- Until tokens exist every request acts as this built-in general manager
-- (DOMAIN.md §8), and writes record it.
INSERT INTO users (username, name, role) VALUES ('admin', '系统管理员', 'GENERAL_MANAGER');

CREATE TABLE products (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code <> ''),
    name       text NOT NULL,
    category   text,
    unit_cost  numeric(18,4) CHECK (unit_cost >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (category);

-- Import batches: one per `creditdesk import`, with a checksum per file so an
-- identical file is refused the second time.
CREATE TABLE import_batches (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text NOT NULL,
    imported_by bigint NOT NULL REFERENCES users,
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- batch_id on the imported tables below is provenance only: the importer
-- writes it from the batch it has just created, API writes leave it NULL, and
-- import batches are never deleted. So it has no foreign key: its check,
-- ~3.5 µs for each imported row (and again for each invoice whose settled_on
-- the ledger's trigger updates in the importing transaction), would be a
-- cost of every import for nothing.
CREATE TABLE import_files (
    batch_id  bigint NOT NULL REFERENCES import_batches,
    file_name text NOT NULL,
    sha256    text NOT NULL UNIQUE,
    rows      bigint NOT NULL,
    PRIMARY KEY (batch_id, file_name)
);

-- Policy (DOMAIN.md §10) -----------------------------------------------------

CREATE TABLE policy_versions (
    version        int PRIMARY KEY,
    effective_from date NOT NULL,
    created_by     bigint NOT NULL REFERENCES users,
    created_at     timestamptz NOT NULL DEFAULT now(),
    note           text NOT NULL DEFAULT ''
);
CREATE INDEX policy_versions_effective_idx ON policy_versions (effective_from, version);

-- A version is a whole snapshot of every key.
CREATE TABLE policy_settings (
    version int NOT NULL REFERENCES policy_versions,
    key     text NOT NULL,
    value   text NOT NULL,
    PRIMARY KEY (version, key)
);

INSERT INTO policy_versions (version, effective_from, created_by, note)
SELECT 1, DATE '1900-01-01', id, 'defaults of DOMAIN.md §10' FROM users WHERE username = 'admin';

INSERT INTO policy_settings (version, key, value) VALUES
    (1, 'base_currency', 'CNY'),
    (1, 'payment_terms_days', '60'),
    (1, 'limit_warn_ratio', '0.90'),
    (1, 'credit_limit_cap', '5000000.00'),
    (1, 'collection_days', '60'),
    (1, 'note_max_days', '120'),
    (1, 'note_monthly_rate', '0.01'),
    (1, 'note_present_days', '6'),
    (1, 'limitation_years', '2'),
    (1, 'abc_a', '0.75'),
    (1, 'abc_b', '0.95'),
    (1, 'dealer_class_a', '80'),
    (1, 'dealer_class_b', '60'),
    (1, 'class_a_min_capital', '10000000.00'),
    (1, 'class_a_min_employees', '500'),
    (1, 'class_a_min_payment_score', '80'),
    (1, 'class_a_min_years_founded', '5'),
    (1, 'class_a_min_years_trading', '2'),
    (1, 'class_c_balance', '700000.00'),
    (1, 'class_c_volume', '5000000.00'),
    (1, 'class_c_max_employees', '100'),
    (1, 'class_c_new_years', '2'),
    (1, 'default_overdue_days', '90'),
    (1, 'default_window_days', '730'),
    (1, 'reward.tiers', '1.20:1.5,1.00:1.0,0.80:0.5'),
    (1, 'reward.unit', '1000'),
    (1, 'time_zone', 'Asia/Shanghai'),
    (1, 'weight.EXCLUSIVE.SALES_ABSOLUTE', '20'),
    (1, 'weight.EXCLUSIVE.SALES_RELATIVE', '20'),
    (1, 'weight.EXCLUSIVE.CREDIT', '20'),
    (1, 'weight.EXCLUSIVE.LAYOUT', '10'),
    (1, 'weight.EXCLUSIVE.PROMOTION', '10'),
    (1, 'weight.EXCLUSIVE.PRICE', '10'),
    (1, 'weight.EXCLUSIVE.RELATIONS', '10'),
    (1, 'weight.LOGISTICS.SALES_ABSOLUTE', '20'),
    (1, 'weight.LOGISTICS.SALES_RELATIVE', '20'),
    (1, 'weight.LOGISTICS.CREDIT', '20'),
    (1, 'weight.LOGISTICS.LAYOUT', '10'),
    (1, 'weight.LOGISTICS.PROMOTION', '10'),
    (1, 'weight.LOGISTICS.PRICE', '10'),
    (1, 'weight.LOGISTICS.RELATIONS', '10'),
    (1, 'weight.LOGISTICS.DELIVERY', '10'),
    (1, 'weight.LOGISTICS.AFTER_SALES', '10'),
    (1, 'weight.LOGISTICS.NETWORK', '10');

-- The customer archive (DOMAIN.md §1) ---------------------------------------

CREATE TABLE customers (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                 text NOT NULL UNIQUE CHECK (code <> ''),
    name                 text NOT NULL CHECK (name <> ''),
    short_name           text,
    industry             text NOT NULL CHECK (industry IN ('INTL_PARTS_DISTRIBUTOR', 'INTL_GOODS_MERCHANT',
                             'REGIONAL_ELECTRICAL', 'REGIONAL_SPECIALTY', 'REGIONAL_VOLUME', 'REGIONAL_DIY', 'OTHER')),
    relationship_class   text CHECK (relationship_class IN ('TARGET', 'GENERAL', 'KEY', 'POTENTIAL')),
    demand_grade         text CHECK (demand_grade IN ('A', 'B', 'C')),
    dealer_type          text CHECK (dealer_type IN ('EXCLUSIVE', 'LOGISTICS')),
    business_type        text CHECK (business_type IN ('MANUFACTURER', 'DISTRIBUTOR', 'INTERMEDIATE_WHOLESALER', 'RETAILER', 'OTHER')),
    enterprise_nature    text,
    supervising_unit     text,
    head_office_address  text,
    address              text,
    website              text,
    founded_on           date,
    registered_capital   numeric(18,2) CHECK (registered_capital >= 0),
    employees            int CHECK (employees >= 0),
    managers             int CHECK (managers >= 0),
    office_id            bigint NOT NULL REFERENCES offices,
    rep_id               bigint REFERENCES users,
    rep_assigned_on      date,
    credit_limit         numeric(18,2) CHECK (credit_limit >= 0),
    requested_limit      numeric(18,2) CHECK (requested_limit >= 0),
    credit_class         text CHECK (credit_class IN ('JIA', 'YI', 'BING')),
    dealer_class         text CHECK (dealer_class IN ('A', 'B', 'C')),
    dealer_class_quarter text CHECK (dealer_class_quarter ~ '^[0-9]{4}Q[1-4]$'),
    guarantees           text[] NOT NULL DEFAULT '{}'
                             CHECK (guarantees <@ ARRAY['CONTRACT', 'PERSONAL_GUARANTEE', 'JOINT_GUARANTEE', 'MORTGAGE']),
    status               text NOT NULL DEFAULT 'ACTIVE'
                             CHECK (status IN ('PROSPECT', 'PENDING_APPROVAL', 'ACTIVE', 'SUSPENDED', 'TERMINATED')),
    bankrupt             boolean NOT NULL DEFAULT false,
    required_share       numeric(12,8) CHECK (required_share >= 0 AND required_share <= 1),
    first_trade_on       date,
    created_at           timestamptz NOT NULL DEFAULT now(),
    created_by           bigint REFERENCES users,
    batch_id             bigint
);
CREATE INDEX customers_office_idx ON customers (office_id);
CREATE INDEX customers_rep_idx ON customers (rep_id);
CREATE INDEX customers_industry_idx ON customers (industry);
CREATE INDEX customers_dealer_type_idx ON customers (dealer_type) WHERE dealer_type IS NOT NULL;
-- Name search finds Chinese substrings of 3+ characters through trigrams
-- (pg_trgm treats each CJK character as a word character).
CREATE INDEX customers_name_trgm_idx ON customers USING gin (name gin_trgm_ops);
CREATE INDEX customers_code_trgm_idx ON customers USING gin (code gin_trgm_ops);

CREATE TABLE customer_contacts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    name        text NOT NULL CHECK (name <> ''),
    title       text,
    phone       text,
    email       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_contacts_customer_idx ON customer_contacts (customer_id, id);

-- The archive is append-only (000 3.7.4–3.7.5): each change of a field is a
-- row with old and new value, the reason, who changed it and who approved it.
CREATE TABLE customer_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    field       text NOT NULL,
    old_value   text,
    new_value   text,
    reason      text NOT NULL CHECK (reason <> ''),
    changed_by  bigint NOT NULL REFERENCES users,
    approved_by bigint REFERENCES users,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_history_customer_idx ON customer_history (customer_id, changed_at DESC, id DESC);

-- Transactions (DOMAIN.md §2) -------------------------------------------------

CREATE TABLE invoices (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number        text NOT NULL UNIQUE CHECK (number <> ''),
    customer_id   bigint NOT NULL REFERENCES customers,
    ship_date     date NOT NULL,
    invoice_date  date NOT NULL,
    due_date      date NOT NULL CHECK (due_date >= ship_date),
    currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount        numeric(18,2) NOT NULL CHECK (amount > 0),
    exchange_rate numeric(18,8) NOT NULL CHECK (exchange_rate > 0),
    base_amount   numeric(18,2) NOT NULL,
    -- Derived from the ledger by the settlements trigger below: the date from
    -- which the open balance is zero for good (the last settlement's date
    -- when the settlements sum to the amount), else NULL. An invoice with
    -- settled_on <= D is settled as of D; any other needs the ledger sum.
    settled_on    date,
    created_at    timestamptz NOT NULL DEFAULT now(),
    batch_id      bigint,
    CHECK (base_amount = round(amount * exchange_rate, 2))
);
CREATE INDEX invoices_customer_ship_idx ON invoices (customer_id, ship_date);
CREATE INDEX invoices_customer_due_idx ON invoices (customer_id, due_date, number);
-- Invoices by due date alone are found through invoices_due_cover_idx
-- (credit figures), which leads with due_date: a plain index on it would
-- only add to the cost of every invoice written and of every update of
-- settled_on by the ledger's trigger.
CREATE INDEX invoices_ship_idx ON invoices (ship_date);

CREATE TABLE sales_lines (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id    bigint REFERENCES invoices,
    customer_id   bigint NOT NULL REFERENCES customers,
    product_id    bigint NOT NULL REFERENCES products,
    ship_date     date NOT NULL,
    quantity      numeric(18,3) NOT NULL,
    unit_price    numeric(18,4) NOT NULL,
    amount        numeric(18,2) NOT NULL,
    cost_amount   numeric(18,2) NOT NULL,
    currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    exchange_rate numeric(18,8) NOT NULL CHECK (exchange_rate > 0),
    base_amount   numeric(18,2) NOT NULL,
    batch_id      bigint,
    CHECK (base_amount = round(amount * exchange_rate, 2))
);
-- Every index here is paid for by every imported line (a million-line import
-- spends ~2.5 s of database CPU per index), so sales_lines has only the two
-- that the reports read: a customer's lines by date, and all lines of a date
-- range, each covering the figures the reports sum (index-only scans).
-- Product figures are read through the date index (it covers product_id);
-- nothing looks lines up by product or by invoice, and the referenced
-- products and invoices are never deleted nor re-keyed, so their foreign
-- keys need no index on this side (an index on (product_id, ship_date) cost
-- 3.3 s per million lines, one on invoice_id 1.2 s).
CREATE INDEX sales_lines_customer_ship_idx ON sales_lines (customer_id, ship_date) INCLUDE (product_id, base_amount, cost_amount);
CREATE INDEX sales_lines_ship_idx ON sales_lines (ship_date) INCLUDE (customer_id, product_id, base_amount, cost_amount);

CREATE TABLE payments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference       text NOT NULL UNIQUE CHECK (reference <> ''),
    customer_id     bigint NOT NULL REFERENCES customers,
    date            date NOT NULL,
    method          text NOT NULL CHECK (method IN ('TRANSFER', 'CASH')),
    currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount          numeric(18,2) NOT NULL CHECK (amount > 0),
    exchange_rate   numeric(18,8) NOT NULL CHECK (exchange_rate > 0),
    base_amount     numeric(18,2) NOT NULL,
    -- recordPayment's idempotency key and a digest of its request: a replay
    -- returns the first result, the same key with another payload conflicts.
    idempotency_key text UNIQUE,
    request_digest  text,
    recorded_by     bigint REFERENCES users,
    created_at      timestamptz NOT NULL DEFAULT now(),
    batch_id        bigint,
    CHECK (base_amount = round(amount * exchange_rate, 2))
);
CREATE INDEX payments_customer_date_idx ON payments (customer_id, date, reference);

CREATE TABLE notes (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number         text NOT NULL UNIQUE CHECK (number <> ''),
    kind           text NOT NULL CHECK (kind IN ('BANK_ACCEPTANCE', 'COMMERCIAL_ACCEPTANCE', 'CHEQUE')),
    customer_id    bigint NOT NULL REFERENCES customers,
    drawer         text,
    bank           text,
    account        text,
    endorsers      text[] NOT NULL DEFAULT '{}',
    issue_date     date NOT NULL,
    received_date  date NOT NULL CHECK (received_date >= issue_date),
    maturity_date  date NOT NULL CHECK (maturity_date >= issue_date),
    amount         numeric(18,2) NOT NULL CHECK (amount > 0),
    -- Current status, kept by the same transaction that appends to
    -- note_status_changes; settled_on is the date it became HONORED or
    -- DISHONORED (a note is unsettled until then, DOMAIN.md §9).
    status         text NOT NULL CHECK (status IN ('HELD', 'PRESENTED', 'HONORED', 'DISHONORED')),
    status_date    date NOT NULL,
    settled_on     date,
    received_by    bigint REFERENCES users,
    created_at     timestamptz NOT NULL DEFAULT now(),
    batch_id       bigint,
    CHECK ((status IN ('HONORED', 'DISHONORED')) = (settled_on IS NOT NULL)),
    CHECK (settled_on IS NULL OR settled_on = status_date),
    CHECK (status_date >= received_date)
);
CREATE INDEX notes_customer_idx ON notes (customer_id, received_date);
CREATE INDEX notes_unsettled_idx ON notes (customer_id) INCLUDE (received_date, amount) WHERE settled_on IS NULL;
CREATE INDEX notes_settled_idx ON notes (settled_on, customer_id);
CREATE INDEX notes_maturity_idx ON notes (maturity_date);

CREATE TABLE note_status_changes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    note_id    bigint NOT NULL REFERENCES notes,
    status     text NOT NULL CHECK (status IN ('HELD', 'PRESENTED', 'HONORED', 'DISHONORED')),
    date       date NOT NULL,
    changed_by bigint REFERENCES users,
    reason     text,
    changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX note_status_changes_note_idx ON note_status_changes (note_id, id);

-- Write-offs (呆账核销, 002 十七): a row dated its approval.
CREATE TABLE write_offs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id  bigint NOT NULL REFERENCES invoices,
    date        date NOT NULL,
    amount      numeric(18,2) NOT NULL CHECK (amount > 0),
    reason      text,
    approved_by bigint NOT NULL REFERENCES users,
    created_at  timestamptz NOT NULL DEFAULT now(),
    batch_id    bigint
);
CREATE INDEX write_offs_invoice_idx ON write_offs (invoice_id);

-- The receivables ledger: every movement of an invoice's open balance is one
-- dated, append-only row. amount is in the invoice's currency and reduces the
-- open balance (a dishonour's reversal is negative). Payment allocations, note
-- allocations, their reversals and write-offs all live here, so an open
-- balance as of D is the invoice amount minus one indexed sum.
CREATE TABLE settlements (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id   bigint NOT NULL REFERENCES invoices,
    customer_id  bigint NOT NULL REFERENCES customers,
    kind         text NOT NULL CHECK (kind IN ('PAYMENT', 'NOTE', 'NOTE_REVERSAL', 'WRITE_OFF')),
    date         date NOT NULL,
    amount       numeric(18,2) NOT NULL CHECK (amount <> 0),
    payment_id   bigint REFERENCES payments,
    note_id      bigint REFERENCES notes,
    write_off_id bigint REFERENCES write_offs,
    reverses_id  bigint REFERENCES settlements,
    created_at   timestamptz NOT NULL DEFAULT now(),
    batch_id     bigint,
    CHECK ((kind = 'PAYMENT') = (payment_id IS NOT NULL)),
    CHECK ((kind IN ('NOTE', 'NOTE_REVERSAL')) = (note_id IS NOT NULL)),
    CHECK ((kind = 'WRITE_OFF') = (write_off_id IS NOT NULL)),
    CHECK ((kind = 'NOTE_REVERSAL') = (reverses_id IS NOT NULL)),
    CHECK ((kind = 'NOTE_REVERSAL') = (amount < 0))
);
CREATE INDEX settlements_invoice_idx ON settlements (invoice_id, date) INCLUDE (amount);
CREATE INDEX settlements_customer_date_idx ON settlements (customer_id, date) INCLUDE (invoice_id, amount, kind);
CREATE INDEX settlements_payment_idx ON settlements (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX settlements_note_idx ON settlements (note_id) WHERE note_id IS NOT NULL;
CREATE UNIQUE INDEX settlements_reverses_idx ON settlements (reverses_id) WHERE reverses_id IS NOT NULL;

-- Keeps invoices.settled_on equal to what the ledger says, in the statement
-- that writes the ledger (one set-based update per INSERT statement).
CREATE FUNCTION cd_settle_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE invoices i
    SET settled_on = CASE WHEN i.amount = x.settled THEN x.last_date END
    FROM (SELECT s.invoice_id, sum(s.amount) AS settled, max(s.date) AS last_date
          FROM settlements s
          WHERE s.invoice_id IN (SELECT DISTINCT invoice_id FROM new_rows)
          GROUP BY s.invoice_id) x
    WHERE i.id = x.invoice_id
      AND i.settled_on IS DISTINCT FROM (CASE WHEN i.amount = x.settled THEN x.last_date END);
    RETURN NULL;
END $$;

CREATE TRIGGER settlements_settle_invoices AFTER INSERT ON settlements
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cd_settle_invoices();

-- Invoices are immutable but for their derived settled_on. A column trigger
-- fires only for UPDATEs that name one of these columns, so the ledger
-- trigger's updates of settled_on cost no trigger call per invoice.
CREATE TRIGGER invoices_immutable BEFORE UPDATE OF id, number, customer_id, ship_date, invoice_date, due_date,
    currency, amount, exchange_rate, base_amount, created_at, batch_id ON invoices
    FOR EACH ROW EXECUTE FUNCTION cd_refuse_update();

-- Planning and follow-up -------------------------------------------------------

CREATE TABLE targets (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    product_id  bigint REFERENCES products,
    amount      numeric(18,2) NOT NULL CHECK (amount >= 0),
    batch_id    bigint,
    UNIQUE NULLS NOT DISTINCT (customer_id, month, product_id)
);
CREATE INDEX targets_month_idx ON targets (month, customer_id);

CREATE TABLE inventory_snapshots (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    product_id  bigint NOT NULL REFERENCES products,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    opening     numeric(18,2) NOT NULL CHECK (opening >= 0),
    closing     numeric(18,2) NOT NULL CHECK (closing >= 0),
    batch_id    bigint,
    UNIQUE (customer_id, product_id, month)
);
CREATE INDEX inventory_snapshots_month_idx ON inventory_snapshots (month, product_id);

CREATE TABLE visits (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    rep_id      bigint NOT NULL REFERENCES users,
    date        date NOT NULL,
    kind        text,
    effective   boolean NOT NULL,
    notes       text,
    batch_id    bigint
);
CREATE INDEX visits_customer_date_idx ON visits (customer_id, date);
CREATE INDEX visits_date_idx ON visits (date);

CREATE TABLE collection_demands (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    date        date NOT NULL,
    channel     text CHECK (channel IN ('PHONE', 'VISIT', 'LETTER', 'EMAIL', 'LAWYER_LETTER')),
    amount      numeric(18,2) CHECK (amount >= 0),
    recorded_by bigint REFERENCES users,
    batch_id    bigint
);
CREATE INDEX collection_demands_customer_date_idx ON collection_demands (customer_id, date);

CREATE TABLE credit_investigations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    date        date NOT NULL,
    source      text NOT NULL CHECK (source IN ('BANK', 'AGENCY', 'PEER', 'COLLEAGUE', 'NEWS')),
    operator    smallint NOT NULL CHECK (operator BETWEEN 1 AND 5),
    internal    smallint NOT NULL CHECK (internal BETWEEN 1 AND 5),
    funding     smallint NOT NULL CHECK (funding BETWEEN 1 AND 5),
    payment     smallint NOT NULL CHECK (payment BETWEEN 1 AND 5),
    kind        text CHECK (kind IN ('DAILY', 'URGENT', 'PERIODIC')),
    summary     text,
    recorded_by bigint REFERENCES users,
    created_at  timestamptz NOT NULL DEFAULT now(),
    batch_id    bigint
);
CREATE INDEX credit_investigations_customer_idx ON credit_investigations (customer_id, date DESC, id DESC);

-- Office ratings of dealers per quarter (002 客户评估); several rows for one
-- metric are averaged.
CREATE TABLE dealer_ratings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers,
    quarter     text NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
    metric      text NOT NULL CHECK (metric IN ('LAYOUT', 'PROMOTION', 'PRICE', 'RELATIONS', 'DELIVERY', 'AFTER_SALES', 'NETWORK')),
    score       numeric(5,2) NOT NULL CHECK (score >= 0 AND score <= 100),
    rated_by    bigint REFERENCES users,
    created_at  timestamptz NOT NULL DEFAULT now(),
    batch_id    bigint
);
CREATE INDEX dealer_ratings_quarter_idx ON dealer_ratings (quarter, customer_id);

-- Nothing is hard-deleted; the ledger is never rewritten.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['offices', 'users', 'products', 'customers', 'customer_contacts', 'customer_history',
        'invoices', 'sales_lines', 'payments', 'notes', 'note_status_changes', 'write_offs', 'settlements',
        'targets', 'inventory_snapshots', 'visits', 'collection_demands', 'credit_investigations',
        'dealer_ratings', 'policy_versions', 'policy_settings', 'import_batches', 'import_files']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE DELETE ON %I FOR EACH ROW EXECUTE FUNCTION cd_refuse_delete()',
                       t || '_no_delete', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['customer_history', 'sales_lines', 'payments', 'note_status_changes',
        'write_offs', 'settlements', 'policy_settings']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION cd_refuse_update()',
                       t || '_no_update', t);
    END LOOP;
END $$;
