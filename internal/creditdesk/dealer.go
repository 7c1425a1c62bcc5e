package creditdesk

import (
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// DealerMetric is one metric of a dealer scorecard (002 客户评估管理制度一.2,
// DOMAIN.md §6). Sales, sales attainment and credit are computed; the others
// are rated 0–100 by the office.
type DealerMetric string

// Dealer metrics, in scorecard order.
const (
	MetricSalesAbsolute DealerMetric = "SALES_ABSOLUTE" // 销售业绩(绝对值)
	MetricSalesRelative DealerMetric = "SALES_RELATIVE" // 销售业绩(相对值): target attainment
	MetricCredit        DealerMetric = "CREDIT"         // 信用度: the payment score
	MetricLayout        DealerMetric = "LAYOUT"         // 卖场布置与样品展示
	MetricPromotion     DealerMetric = "PROMOTION"      // 主推力度
	MetricPrice         DealerMetric = "PRICE"          // 价格维护
	MetricRelations     DealerMetric = "RELATIONS"      // 顾客关系
	MetricDelivery      DealerMetric = "DELIVERY"       // 配送服务 (logistics only)
	MetricAfterSales    DealerMetric = "AFTER_SALES"    // 售后服务 (logistics only)
	MetricNetwork       DealerMetric = "NETWORK"        // 网络拓展与维护 (logistics only)
)

// 002 客户评估一.2: exclusive dealers are judged on sales (absolute and
// relative), layout and samples, promotion push, price maintenance, customer
// relations and credit; logistics dealers also on delivery, after-sales
// service and network expansion and maintenance.
var (
	exclusiveMetrics = []DealerMetric{MetricSalesAbsolute, MetricSalesRelative, MetricCredit,
		MetricLayout, MetricPromotion, MetricPrice, MetricRelations}
	logisticsMetrics = append(slices.Clip(exclusiveMetrics), MetricDelivery, MetricAfterSales, MetricNetwork)
)

// RatedMetricsOf lists the metrics the office rates for a dealer type (the
// others of DealerMetricsOf are computed).
func RatedMetricsOf(t DealerType) []DealerMetric {
	var out []DealerMetric
	for _, m := range DealerMetricsOf(t) {
		if m.Rated() {
			out = append(out, m)
		}
	}
	return out
}

// DealerMetricsOf returns the metrics a dealer of type t is scored on, in
// scorecard order; nil for an unknown type.
func DealerMetricsOf(t DealerType) []DealerMetric {
	switch t {
	case DealerExclusive:
		return slices.Clone(exclusiveMetrics)
	case DealerLogistics:
		return slices.Clone(logisticsMetrics)
	}
	return nil
}

// Rated reports whether the office rates the metric (as opposed to the
// computed sales, attainment and credit metrics).
func (m DealerMetric) Rated() bool {
	switch m {
	case MetricSalesAbsolute, MetricSalesRelative, MetricCredit:
		return false
	}
	return slices.Contains(logisticsMetrics, m)
}

// DealerMetricScore is one metric of a scorecard: its score 0–100 (nil when
// missing: no rating, no target, no payment score) and the policy's weight.
type DealerMetricScore struct {
	Metric DealerMetric
	Score  *Score
	Weight Score
}

// DealerScorecard is a dealer's quarterly evaluation (002 客户评估管理制度,
// DOMAIN.md §6). Composite, attainment and scores are unrounded; thresholds
// (class, reward tiers) were applied to the unrounded values.
type DealerScorecard struct {
	Customer   *Customer
	Quarter    Quarter
	DealerType DealerType
	// Metrics lists every metric of the dealer's type in scorecard order.
	Metrics []*DealerMetricScore
	// Composite is Σ weight × score / Σ weight over the metrics present.
	Composite Score
	// Complete is false when a metric has no score.
	Complete bool
	// Rank is 1 + the number of same-type dealers with a strictly higher
	// composite.
	Rank        int
	DealerClass AbcClass
	Sales       Money
	// Target is the sum of the quarter's monthly customer targets; nil when
	// none exists.
	Target *Money
	// Attainment is sales / target; nil without a target (or a zero one).
	Attainment   *Ratio
	RewardPoints Score
	// PolicyVersion is the policy version in force on the quarter's last day.
	PolicyVersion int
	// EvaluationID and EvaluatedAt are set on stored scorecards: the run of
	// the quarterly evaluation that stored it.
	EvaluationID *int64
	EvaluatedAt  *time.Time
}

// SupportPolicy is the support the dealer's class earns (002 评估二.3).
func (s *DealerScorecard) SupportPolicy() string { return DealerSupportPolicy(s.DealerClass) }

// DealerSupportPolicy returns the support a dealer of class c gets.
func DealerSupportPolicy(c AbcClass) string {
	switch c {
	case ClassA:
		// 002 评估二.3: A dealers get advertising, new products first, strong
		// promotion and special supply.
		return "Advertising support, new products launched first, strong promotion and special supply (特供品)."
	case ClassB:
		// 002 评估二.3: B dealers "可以适当进行支持".
		return "Moderate support at the office's discretion."
	}
	// 002 评估二.3 names no support for C dealers.
	return "No special support."
}

// DealerRatingInput records an office's rating of a dealer on one rated
// metric for a quarter (002 客户评估一.3).
type DealerRatingInput struct {
	CustomerCode string
	Quarter      Quarter
	Metric       DealerMetric
	Score        decimal.Decimal
}

// Validate checks what can be checked without the customer: a rated metric
// and a score between 0 and 100 with at most 2 decimal places.
func (in DealerRatingInput) Validate() error {
	if !in.Metric.Rated() {
		return FieldError("metric", string(in.Metric), "is computed, not rated; rated metrics are %v", RatingMetrics)
	}
	if in.Score.LessThan(decimal.Zero) || in.Score.GreaterThan(decimal.NewFromInt(100)) {
		return FieldError("score", DecimalText(in.Score), "must be between 0 and 100")
	}
	if !in.Score.Equal(in.Score.Truncate(ScoreScale)) {
		return FieldError("score", DecimalText(in.Score), "has more than %d decimal places", ScoreScale)
	}
	return nil
}

// DealerRating is a recorded rating, with the average of every rating of the
// same dealer, quarter and metric (the value the scorecard uses).
type DealerRating struct {
	ID           int64
	Customer     *Customer
	Quarter      Quarter
	Metric       DealerMetric
	Score        Score
	AverageScore Score
	RatingCount  int
	RatedBy      *User
	CreatedAt    time.Time
}

// DealerEvaluationSummary reports one run of the quarterly evaluation: the
// scorecards it stored and the class changes it wrote to the archive.
type DealerEvaluationSummary struct {
	EvaluationID  int64
	Quarter       Quarter
	PolicyVersion int
	// Supersedes is the run of the same quarter this one replaces.
	Supersedes *int64
	Dealers    int
	Incomplete int
	ClassA     int
	ClassB     int
	ClassC     int
	// ClassChanges counts the dealers whose class in the archive changed
	// (each with a history row).
	ClassChanges int
	// ClassesWritten counts the dealers whose archive class now comes from
	// this quarter; a dealer already evaluated for a later quarter keeps
	// that one.
	ClassesWritten int
	EvaluatedAt    time.Time
}

// OfficeEvaluation is the network evaluation of one office for a quarter
// (002 客户评估三, DOMAIN.md §6). A customer "has sales" in a quarter when
// its net sales there are above zero; customers belong to their current
// office.
type OfficeEvaluation struct {
	Office  *Office
	Quarter Quarter
	// Customers and PreviousCustomers count the office's customers with
	// sales in the quarter and in the one before.
	Customers         int
	PreviousCustomers int
	// CustomerGrowth is (customers − previous) / previous; nil when there
	// were none before.
	CustomerGrowth *Ratio
	Sales          Money
	PreviousSales  Money
	// Top20Sales is this quarter's sales of the office's 20 largest
	// customers of the quarter, Top20PreviousSales the same customers'
	// sales the quarter before, Top20SalesGrowth the relative change.
	Top20Sales         Money
	Top20PreviousSales Money
	Top20SalesGrowth   *Ratio
	// Visits and EffectiveVisits count the visits to the office's
	// customers in the quarter.
	Visits              int
	EffectiveVisits     int
	VisitsPerCustomer   *Ratio
	EffectiveVisitShare *Ratio
	// Churned lists the customers with sales in the previous quarter and
	// none in this one, by code.
	Churned []*Customer
}

// DealerService evaluates dealers and office networks. Every method sees
// only the customers the actor in ctx may see.
type DealerService interface {
	// DealerScorecards computes the scorecards of a quarter live, ranked
	// within each dealer type over all dealers of that type, and returns the
	// ones the filter selects (by type, then rank, then code).
	DealerScorecards(ctx context.Context, q Quarter, dealerType *DealerType, f *CustomerFilter) ([]*DealerScorecard, error)
	// RecordDealerRating stores one rating. EINVALID for a score outside
	// 0–100, a computed metric, a metric not of the dealer's type or a
	// customer without a dealer type; ENOTFOUND for an unknown customer.
	RecordDealerRating(ctx context.Context, in DealerRatingInput) (*DealerRating, error)
	// EvaluateDealers stores the quarter's scorecards as a new evaluation run
	// and writes the classes to the archive, in one transaction. Only a
	// general manager (or the system) may run it: EFORBIDDEN otherwise.
	EvaluateDealers(ctx context.Context, q Quarter) (*DealerEvaluationSummary, error)
	// StoredScorecards returns, for each customer ID, its stored scorecards
	// of the latest run of each quarter, newest quarter first; results are
	// aligned with ids.
	StoredScorecards(ctx context.Context, ids []int64) ([][]*DealerScorecard, error)
	// NetworkEvaluation evaluates every office that has customers the filter
	// selects, by office code.
	NetworkEvaluation(ctx context.Context, q Quarter, f *CustomerFilter) ([]*OfficeEvaluation, error)
}
