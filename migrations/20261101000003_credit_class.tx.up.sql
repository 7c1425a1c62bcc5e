-- Credit class 甲/乙/丙 (000 第九条, DOMAIN.md §4), its overrides, and the
-- approvals of limit changes and write-offs (DOMAIN.md §3, 002 十七).
--
-- Nothing here is ever deleted. Evaluations and their snapshots are
-- append-only; an approval request keeps its current status on its row and
-- every step of its life (request, each approval, a rejection) as an
-- append-only row of approval_steps written by the same transaction.

-- Approvals ------------------------------------------------------------------

-- One request for a change that needs someone else's approval:
--   CREDIT_LIMIT   a new credit limit for a customer (rep → manager → general
--                  manager above credit_limit_cap or as an exception);
--   WRITE_OFF      writing off part or all of an invoice's open balance
--                  (呆账核销, general manager, 002 十七);
--   CLASS_OVERRIDE a credit class set by special approval to expand trade
--                  (000 第九条2), until the end of the quarter of approval.
CREATE TABLE approval_requests (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('CREDIT_LIMIT', 'WRITE_OFF', 'CLASS_OVERRIDE')),
    customer_id     bigint NOT NULL REFERENCES customers,
    -- CREDIT_LIMIT: the new limit (base currency); WRITE_OFF: the amount
    -- written off, in the invoice's currency.
    amount          numeric(18,2) CHECK (amount >= 0),
    invoice_id      bigint REFERENCES invoices,
    credit_class    text CHECK (credit_class IN ('JIA', 'YI', 'BING')),
    -- A limit request flagged as an exception goes to the general manager
    -- whatever its amount.
    exception       boolean NOT NULL DEFAULT false,
    reason          text NOT NULL CHECK (btrim(reason) <> ''),
    -- The roles whose approval the request needs, in order, fixed when it is
    -- made (with the policy version whose cap decided it).
    required_roles  text[] NOT NULL CHECK (cardinality(required_roles) > 0),
    policy_version  int NOT NULL REFERENCES policy_versions,
    status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
    -- The role whose decision is awaited; NULL once decided.
    awaiting_role   text,
    requested_by    bigint NOT NULL REFERENCES users,
    requested_on    date NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    decided_by      bigint REFERENCES users,
    decided_on      date,
    -- CLASS_OVERRIDE: the last day the override applies (end of the quarter
    -- of approval).
    effective_until date,
    -- WRITE_OFF: the write-off the approval posted.
    write_off_id    bigint REFERENCES write_offs,
    CHECK ((status = 'PENDING') = (awaiting_role IS NOT NULL)),
    CHECK ((status = 'PENDING') = (decided_on IS NULL)),
    CHECK (kind <> 'CREDIT_LIMIT' OR amount IS NOT NULL),
    CHECK (kind <> 'WRITE_OFF' OR (invoice_id IS NOT NULL AND amount > 0)),
    CHECK (kind <> 'CLASS_OVERRIDE' OR credit_class IS NOT NULL),
    CHECK ((kind = 'CLASS_OVERRIDE' AND status = 'APPROVED') = (effective_until IS NOT NULL)),
    CHECK ((kind = 'WRITE_OFF' AND status = 'APPROVED') = (write_off_id IS NOT NULL))
);
CREATE INDEX approval_requests_list_idx ON approval_requests (kind, status, id);
CREATE INDEX approval_requests_customer_idx ON approval_requests (customer_id, kind, id);
-- At most one open request of a kind per customer (per invoice for
-- write-offs): a second one would race the first.
CREATE UNIQUE INDEX approval_requests_one_pending_idx ON approval_requests (kind, customer_id)
    WHERE status = 'PENDING' AND kind <> 'WRITE_OFF';
CREATE UNIQUE INDEX approval_requests_one_pending_write_off_idx ON approval_requests (invoice_id)
    WHERE status = 'PENDING' AND kind = 'WRITE_OFF';
-- The overrides in force, looked up by every class evaluation.
CREATE INDEX approval_requests_override_idx ON approval_requests (customer_id, decided_on DESC, id DESC)
    INCLUDE (credit_class, effective_until) WHERE kind = 'CLASS_OVERRIDE' AND status = 'APPROVED';

-- Every step of a request: who, when, what they decided, their comment.
CREATE TABLE approval_steps (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id bigint NOT NULL REFERENCES approval_requests,
    decision   text NOT NULL CHECK (decision IN ('REQUESTED', 'APPROVED', 'REJECTED')),
    -- The actor's role when acting.
    role       text NOT NULL CHECK (role IN ('SALES_REP', 'MANAGER', 'FINANCE', 'GENERAL_MANAGER', 'ANALYST', 'AUDITOR')),
    actor_id   bigint NOT NULL REFERENCES users,
    acted_on   date NOT NULL,
    acted_at   timestamptz NOT NULL DEFAULT now(),
    comment    text
);
CREATE INDEX approval_steps_request_idx ON approval_steps (request_id, id);

-- Credit class evaluations ---------------------------------------------------

-- One run of the evaluation: `creditdesk evaluate` over every customer, or
-- the re-evaluation of one customer after a credit event (a dishonoured
-- note, 000 第七条2; a write-off).
CREATE TABLE credit_class_evaluations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    as_of          date NOT NULL,
    policy_version int NOT NULL REFERENCES policy_versions,
    trigger        text NOT NULL CHECK (trigger IN ('EVALUATION', 'CREDIT_EVENT')),
    evaluated_by   bigint NOT NULL REFERENCES users,
    evaluated_at   timestamptz NOT NULL DEFAULT now()
);

-- What one evaluation found for one customer: the class, and every input and
-- rule flag behind it, so that the explanation shown later is the one the
-- evaluation gave (thresholds come from the named policy version).
CREATE TABLE credit_class_snapshots (
    evaluation_id          bigint NOT NULL REFERENCES credit_class_evaluations,
    customer_id            bigint NOT NULL REFERENCES customers,
    as_of                  date NOT NULL,
    policy_version         int NOT NULL REFERENCES policy_versions,
    computed_class         text NOT NULL CHECK (computed_class IN ('JIA', 'YI', 'BING')),
    effective_class        text NOT NULL CHECK (effective_class IN ('JIA', 'YI', 'BING')),
    override_id            bigint REFERENCES approval_requests,
    class_a_eligible       boolean NOT NULL,
    -- Unrounded (DOMAIN.md §9: thresholds compare unrounded values).
    payment_score          numeric,
    fired_rules            text[] NOT NULL,
    -- Inputs.
    business_type          text,
    employees              int,
    registered_capital     numeric(18,2),
    founded_on             date,
    trading_since          date,
    exposure               numeric(18,2) NOT NULL,
    trailing_sales         numeric(18,2) NOT NULL,
    dishonoured_notes      int NOT NULL,
    last_dishonoured_note  text,
    last_dishonoured_on    date,
    write_offs             int NOT NULL,
    last_write_off_invoice text,
    last_write_off_on      date,
    overdue_invoices       int NOT NULL,
    oldest_overdue_invoice text,
    oldest_overdue_due     date,
    -- Rule flags (甲 conditions and the parts of R4).
    a_large                boolean NOT NULL,
    a_score                boolean NOT NULL,
    a_founded              boolean NOT NULL,
    a_trading              boolean NOT NULL,
    r4_small               boolean NOT NULL,
    r4_new                 boolean NOT NULL,
    PRIMARY KEY (evaluation_id, customer_id)
);
-- "The latest snapshot on or before D" for one customer.
CREATE INDEX credit_class_snapshots_customer_idx ON credit_class_snapshots (customer_id, as_of DESC, evaluation_id DESC);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['approval_requests', 'approval_steps', 'credit_class_evaluations', 'credit_class_snapshots']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE DELETE ON %I FOR EACH ROW EXECUTE FUNCTION cd_refuse_delete()',
                       t || '_no_delete', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['approval_steps', 'credit_class_evaluations', 'credit_class_snapshots']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION cd_refuse_update()',
                       t || '_no_update', t);
    END LOOP;
END $$;
