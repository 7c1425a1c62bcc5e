package postgres

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// DealerStore implements creditdesk.DealerService: dealer scorecards, office
// ratings, the quarterly evaluation and the network evaluation (002
// 客户评估管理制度, DOMAIN.md §6).
type DealerStore struct {
	DB *bun.DB
}

var _ creditdesk.DealerService = DealerStore{}

// scorecardsSQL computes every dealer's scorecard of a quarter, one row per
// dealer and metric.
//
//go:embed sql/dealer/scorecards.sql
var scorecardsSQL string

// namedArgs are the named arguments (?name) of a SQL text. A value that is a
// query appender (a predicate, bun.In) is written as SQL, anything else as a
// literal.
type namedArgs map[string]any

// AppendNamedArg implements schema.NamedArgAppender.
func (a namedArgs) AppendNamedArg(gen schema.QueryGen, b []byte, name string) ([]byte, bool) {
	v, ok := a[name]
	if !ok {
		return b, false
	}
	if qa, ok := v.(schema.QueryAppender); ok {
		out, err := qa.AppendQuery(gen, b)
		if err != nil {
			return dialect.AppendError(b, err), true
		}
		return out, true
	}
	return gen.Append(b, v), true
}

// dealerQuarterArgs are the named arguments of scorecards.sql.
func dealerQuarterArgs(q creditdesk.Quarter) namedArgs {
	return namedArgs{"quarter": q.String(), "first": q.First(), "last": q.Last()}
}

// scorecardRow is one scorecard joined with its customer (c.*). The
// scorecard's own columns are prefixed sc_ so that they cannot collide with
// the customer's (dealer_type, dealer_class).
type scorecardRow struct {
	creditdesk.Customer
	ScDealerType    creditdesk.DealerType
	ScSales         decimal.Decimal
	ScTarget        decimal.NullDecimal
	ScAttainment    decimal.NullDecimal
	ScComposite     decimal.Decimal
	ScComplete      bool
	ScRank          int
	ScDealerClass   creditdesk.AbcClass
	ScRewardPoints  decimal.Decimal
	ScPolicyVersion sql.NullInt64
	ScQuarter       string
	ScEvaluationID  sql.NullInt64 `bun:"sc_evaluation_id"`
	ScEvaluatedAt   sql.NullTime
	ScMetrics       []scorecardMetric `bun:"sc_metrics,type:json"`
}

// scorecardMetric is one metric of a scorecard, read from a JSON array whose
// numbers are strings, so nothing passes through a float.
type scorecardMetric struct {
	Metric creditdesk.DealerMetric `json:"metric"`
	Score  decimal.NullDecimal     `json:"score"`
	Weight decimal.NullDecimal     `json:"weight"`
}

// scorecardColumns aggregates the dealer × metric rows of a scorecard query
// (alias s, as scorecards.sql names its columns) into one row per scorecard
// with the sc_ names of scorecardRow.
const scorecardColumns = `s.customer_id, s.dealer_type AS sc_dealer_type, s.sales AS sc_sales, s.target AS sc_target,
	s.attainment AS sc_attainment, s.composite AS sc_composite, s.complete AS sc_complete, s.rank AS sc_rank,
	s.dealer_class AS sc_dealer_class, s.reward_points AS sc_reward_points, s.policy_version AS sc_policy_version,
	json_agg(json_build_object('metric', s.metric, 'score', s.score::text, 'weight', s.weight::text) ORDER BY s.ord) AS sc_metrics`

// scorecardGroup groups the dealer × metric rows by the scorecard columns.
const scorecardGroup = `s.customer_id, s.dealer_type, s.sales, s.target, s.attainment, s.composite, s.complete, s.rank,
	s.dealer_class, s.reward_points, s.policy_version`

// toScorecards turns rows into scorecards, checking that the policy supplied
// every weight.
func toScorecards(rows []scorecardRow) ([]*creditdesk.DealerScorecard, error) {
	out := make([]*creditdesk.DealerScorecard, len(rows))
	for i := range rows {
		r := &rows[i]
		if !r.ScPolicyVersion.Valid {
			return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "no policy version is in force for that quarter")
		}
		q, err := creditdesk.ParseQuarter(r.ScQuarter)
		if err != nil {
			return nil, fmt.Errorf("scorecard quarter %q: %w", r.ScQuarter, err)
		}
		c := &creditdesk.DealerScorecard{
			Customer:      &r.Customer,
			Quarter:       q,
			DealerType:    r.ScDealerType,
			Composite:     creditdesk.NewScore(r.ScComposite),
			Complete:      r.ScComplete,
			Rank:          r.ScRank,
			DealerClass:   r.ScDealerClass,
			Sales:         creditdesk.NewMoney(r.ScSales),
			RewardPoints:  creditdesk.NewScore(r.ScRewardPoints),
			PolicyVersion: int(r.ScPolicyVersion.Int64),
			Metrics:       make([]*creditdesk.DealerMetricScore, len(r.ScMetrics)),
		}
		if r.ScTarget.Valid {
			c.Target = &creditdesk.Money{Decimal: r.ScTarget.Decimal}
		}
		if r.ScAttainment.Valid {
			c.Attainment = &creditdesk.Ratio{Decimal: r.ScAttainment.Decimal}
		}
		if r.ScEvaluationID.Valid {
			id, at := r.ScEvaluationID.Int64, r.ScEvaluatedAt.Time
			c.EvaluationID, c.EvaluatedAt = &id, &at
		}
		for j, m := range r.ScMetrics {
			if !m.Weight.Valid {
				return nil, fmt.Errorf("policy version %d has no setting weight.%s.%s", c.PolicyVersion, c.DealerType, m.Metric)
			}
			ms := &creditdesk.DealerMetricScore{Metric: m.Metric, Weight: creditdesk.NewScore(m.Weight.Decimal)}
			if m.Score.Valid {
				ms.Score = &creditdesk.Score{Decimal: m.Score.Decimal}
			}
			c.Metrics[j] = ms
		}
		out[i] = c
	}
	return out, nil
}

// DealerScorecards computes the quarter's scorecards in one statement. Ranks
// and the sales percent rank are over every dealer of the type; the filter
// (and the actor's scope) only chooses which scorecards are returned, so a
// dealer's scorecard is the same whoever asks.
func (s DealerStore) DealerScorecards(ctx context.Context, q creditdesk.Quarter, dealerType *creditdesk.DealerType, f *creditdesk.CustomerFilter) ([]*creditdesk.DealerScorecard, error) {
	args := dealerQuarterArgs(q)
	args["visible"] = CustomerPredicate(ctx, "c", f)
	args["type"] = bun.SafeQuery("TRUE")
	if dealerType != nil {
		args["type"] = bun.SafeQuery("k.sc_dealer_type = ?", string(*dealerType))
	}
	var rows []scorecardRow
	err := s.DB.NewRaw(`
		SELECT c.*, k.*
		FROM (
			SELECT `+scorecardColumns+`, ?quarter AS sc_quarter
			FROM (`+scorecardsSQL+`) s
			GROUP BY `+scorecardGroup+`
		) k
		JOIN customers c ON c.id = k.customer_id
		WHERE ?visible AND ?type
		ORDER BY k.sc_dealer_type, k.sc_rank, c.code`, args).Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("dealer scorecards %s: %w", q, err)
	}
	return toScorecards(rows)
}

// StoredScorecards loads, for a batch of customers, the scorecards stored by
// the latest evaluation run of each quarter, newest quarter first, in one
// statement; the result is aligned with ids.
func (s DealerStore) StoredScorecards(ctx context.Context, ids []int64) ([][]*creditdesk.DealerScorecard, error) {
	out := make([][]*creditdesk.DealerScorecard, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []scorecardRow
	err := s.DB.NewRaw(`
		SELECT c.*, k.*
		FROM (
			SELECT `+scorecardColumns+`, s.quarter AS sc_quarter,
			       s.evaluation_id AS sc_evaluation_id, s.evaluated_at AS sc_evaluated_at
			FROM (
				SELECT sc.customer_id, sc.quarter, sc.dealer_type, m.metric, m.ord, m.weight, m.score, sc.sales,
				       sc.target, sc.attainment, sc.composite, sc.complete, sc.rank, sc.dealer_class,
				       sc.reward_points, sc.policy_version, e.id AS evaluation_id, e.evaluated_at
				FROM dealer_scorecards sc
				JOIN dealer_evaluations e ON e.id = sc.evaluation_id AND e.latest
				JOIN dealer_scorecard_metrics m USING (evaluation_id, customer_id)
				WHERE sc.customer_id IN (?ids)
			) s
			GROUP BY `+scorecardGroup+`, s.quarter, s.evaluation_id, s.evaluated_at
		) k
		JOIN customers c ON c.id = k.customer_id
		WHERE ?visible
		ORDER BY c.id, k.sc_quarter DESC`,
		namedArgs{"ids": bun.List(ids), "visible": CustomerPredicate(ctx, "c", nil)}).Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("stored dealer scorecards: %w", err)
	}
	cards, err := toScorecards(rows)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	for _, c := range cards {
		i := at[c.Customer.ID]
		out[i] = append(out[i], c)
	}
	return out, nil
}

// RecordDealerRating stores one office rating (002 客户评估一.3) and returns it
// with the average of the quarter's ratings of that metric (the value the
// scorecard uses).
func (s DealerStore) RecordDealerRating(ctx context.Context, in creditdesk.DealerRatingInput) (*creditdesk.DealerRating, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var cust creditdesk.Customer
	err := s.DB.NewRaw(`SELECT c.* FROM customers c WHERE c.code = ? AND ?`,
		in.CustomerCode, CustomerPredicate(ctx, "c", nil)).Scan(ctx, &cust)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "customer %q does not exist", in.CustomerCode)
	}
	if err != nil {
		return nil, fmt.Errorf("record dealer rating: find customer: %w", err)
	}
	if cust.DealerType == nil {
		return nil, creditdesk.FieldError("customerCode", in.CustomerCode, "is not a dealer (no dealer type), so it is not rated")
	}
	if !slices.Contains(creditdesk.DealerMetricsOf(*cust.DealerType), in.Metric) {
		return nil, creditdesk.FieldError("metric", string(in.Metric), "is not rated for %s dealers (rated: %v)",
			*cust.DealerType, creditdesk.RatedMetricsOf(*cust.DealerType))
	}
	actor := creditdesk.ActorFrom(ctx)
	var ratedBy *int64
	if actor != nil {
		ratedBy = &actor.ID
	}
	var row struct {
		ID        int64
		CreatedAt time.Time
		Average   decimal.Decimal
		Count     int
	}
	// The average includes the new row: the other rows are read from the
	// statement's snapshot, the new one from the insert.
	err = s.DB.NewRaw(`
		WITH ins AS (
			INSERT INTO dealer_ratings (customer_id, quarter, metric, score, rated_by)
			VALUES (?id, ?quarter, ?metric, ?score::numeric, ?rated_by::bigint)
			RETURNING id, score, created_at
		), prior AS (
			SELECT coalesce(sum(r.score), 0) AS total, count(*) AS n
			FROM dealer_ratings r
			WHERE r.customer_id = ?id AND r.quarter = ?quarter AND r.metric = ?metric
		)
		SELECT ins.id, ins.created_at, cd_div(prior.total + ins.score, prior.n + 1) AS average, prior.n + 1 AS count
		FROM ins, prior`,
		namedArgs{"id": cust.ID, "quarter": in.Quarter.String(), "metric": string(in.Metric),
			"score": in.Score.String(), "rated_by": ratedBy}).Scan(ctx, &row)
	if err != nil {
		return nil, fmt.Errorf("record dealer rating: %w", err)
	}
	return &creditdesk.DealerRating{
		ID:           row.ID,
		Customer:     &cust,
		Quarter:      in.Quarter,
		Metric:       in.Metric,
		Score:        creditdesk.NewScore(in.Score),
		AverageScore: creditdesk.NewScore(row.Average),
		RatingCount:  row.Count,
		RatedBy:      actor,
		CreatedAt:    row.CreatedAt,
	}, nil
}
