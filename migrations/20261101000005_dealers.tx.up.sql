-- Dealer evaluation (002 客户评估管理制度, DOMAIN.md §6).
--
-- Every run of the quarterly evaluation is kept. Re-running a quarter adds a
-- new run that supersedes the previous one (latest moves to the new run and
-- the new run names the one it supersedes); nothing is ever deleted, so a
-- scorecard that was sent to a dealer can always be shown again.

CREATE TABLE dealer_evaluations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    quarter        text NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
    policy_version int NOT NULL REFERENCES policy_versions,
    -- true for the run in force for its quarter; the only column that ever
    -- changes, and only from true to false.
    latest         boolean NOT NULL DEFAULT true,
    supersedes     bigint REFERENCES dealer_evaluations,
    evaluated_by   bigint NOT NULL REFERENCES users,
    evaluated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dealer_evaluations_latest_idx ON dealer_evaluations (quarter) WHERE latest;

-- One scorecard per dealer and run. Composite, attainment and metric scores
-- are kept unrounded (20 places, DOMAIN.md §0) so that a stored scorecard
-- shows exactly what the live query showed.
CREATE TABLE dealer_scorecards (
    evaluation_id  bigint NOT NULL REFERENCES dealer_evaluations,
    customer_id    bigint NOT NULL REFERENCES customers,
    quarter        text NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
    dealer_type    text NOT NULL CHECK (dealer_type IN ('EXCLUSIVE', 'LOGISTICS')),
    policy_version int NOT NULL REFERENCES policy_versions,
    composite      numeric(38,20) NOT NULL,
    complete       boolean NOT NULL,
    rank           int NOT NULL CHECK (rank >= 1),
    dealer_class   text NOT NULL CHECK (dealer_class IN ('A', 'B', 'C')),
    sales          numeric(18,2) NOT NULL,
    target         numeric(18,2),
    attainment     numeric(38,20),
    reward_points  numeric(18,2) NOT NULL CHECK (reward_points >= 0),
    PRIMARY KEY (evaluation_id, customer_id)
);
CREATE INDEX dealer_scorecards_customer_idx ON dealer_scorecards (customer_id, quarter DESC) INCLUDE (evaluation_id);

-- The metric scores of a stored scorecard, every metric of the dealer's type
-- (a NULL score is a missing metric), with the weight the run used.
CREATE TABLE dealer_scorecard_metrics (
    evaluation_id bigint NOT NULL,
    customer_id   bigint NOT NULL,
    metric        text NOT NULL CHECK (metric IN ('SALES_ABSOLUTE', 'SALES_RELATIVE', 'CREDIT', 'LAYOUT', 'PROMOTION',
                      'PRICE', 'RELATIONS', 'DELIVERY', 'AFTER_SALES', 'NETWORK')),
    ord           smallint NOT NULL,
    weight        numeric(18,6) NOT NULL CHECK (weight >= 0),
    score         numeric(38,20) CHECK (score >= 0 AND score <= 100),
    PRIMARY KEY (evaluation_id, customer_id, metric),
    FOREIGN KEY (evaluation_id, customer_id) REFERENCES dealer_scorecards
);

-- An evaluation run may only lose its latest mark; everything else is fixed.
CREATE FUNCTION cd_dealer_evaluation_supersede_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'latest') IS DISTINCT FROM (to_jsonb(OLD) - 'latest') OR NOT (OLD.latest AND NOT NEW.latest) THEN
        RAISE EXCEPTION 'dealer evaluation runs only move from latest to superseded'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER dealer_evaluations_supersede_only BEFORE UPDATE ON dealer_evaluations
    FOR EACH ROW EXECUTE FUNCTION cd_dealer_evaluation_supersede_only();

CREATE TRIGGER dealer_evaluations_no_delete BEFORE DELETE ON dealer_evaluations
    FOR EACH ROW EXECUTE FUNCTION cd_refuse_delete();
CREATE TRIGGER dealer_scorecards_no_delete BEFORE DELETE ON dealer_scorecards
    FOR EACH ROW EXECUTE FUNCTION cd_refuse_delete();
CREATE TRIGGER dealer_scorecards_no_update BEFORE UPDATE ON dealer_scorecards
    FOR EACH ROW EXECUTE FUNCTION cd_refuse_update();
CREATE TRIGGER dealer_scorecard_metrics_no_delete BEFORE DELETE ON dealer_scorecard_metrics
    FOR EACH ROW EXECUTE FUNCTION cd_refuse_delete();
CREATE TRIGGER dealer_scorecard_metrics_no_update BEFORE UPDATE ON dealer_scorecard_metrics
    FOR EACH ROW EXECUTE FUNCTION cd_refuse_update();

-- The sales-force lists (DOMAIN.md §7) read a customer's visits newest first
-- and by rep; visits_customer_date_idx serves the first, this the handover.
CREATE INDEX visits_rep_date_idx ON visits (rep_id, date);
