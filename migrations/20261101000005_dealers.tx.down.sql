DROP INDEX IF EXISTS visits_rep_date_idx;
DROP TABLE IF EXISTS dealer_scorecard_metrics, dealer_scorecards, dealer_evaluations;
DROP FUNCTION IF EXISTS cd_dealer_evaluation_supersede_only();
