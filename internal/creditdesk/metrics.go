package creditdesk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// The metrics query: a small aggregate API for dashboards in the spirit of
// Cube's and Hasura's (measures × dimensions × a time grain over a period,
// with filters, ordering, a row limit and totals). Measures and dimensions
// are closed enumerations; the storage adapter compiles each to a fixed SQL
// fragment and never pastes user text into SQL.

// MetricsService answers metrics queries. Any user may call it; the actor's
// customer scope applies to every figure.
type MetricsService interface {
	// Metrics runs q as one SQL statement. EINVALID for an invalid query
	// (see MetricsQuery.Validate).
	Metrics(ctx context.Context, q MetricsQuery) (*MetricsResult, error)
}

// Measure is a figure the metrics query can aggregate.
type Measure string

// Measures of the metrics query.
const (
	// MeasureSales is Σ base_amount of the sales lines (money).
	MeasureSales Measure = "SALES"
	// MeasureCost is Σ cost_amount of the sales lines (money).
	MeasureCost Measure = "COST"
	// MeasureGrossProfit is sales − cost (money).
	MeasureGrossProfit Measure = "GROSS_PROFIT"
	// MeasureGrossMargin is gross profit / sales (ratio; nil on zero sales).
	MeasureGrossMargin Measure = "GROSS_MARGIN"
	// MeasureQuantity is Σ quantity of the sales lines (3 places).
	MeasureQuantity Measure = "QUANTITY"
	// MeasureInvoiceCount counts the distinct invoices of the sales lines.
	MeasureInvoiceCount Measure = "INVOICE_COUNT"
	// MeasureCustomerCount counts the distinct customers with sales lines.
	MeasureCustomerCount Measure = "CUSTOMER_COUNT"
	// MeasureOpenReceivables is Σ open invoice balances in the base
	// currency as of the end of the period (of each time bucket, with a
	// grain), from the ledger (money). It is a balance, not a flow: totals
	// over time take the last bucket's value.
	MeasureOpenReceivables Measure = "OPEN_RECEIVABLES"
)

// Measures lists every measure.
var Measures = []Measure{MeasureSales, MeasureCost, MeasureGrossProfit, MeasureGrossMargin, MeasureQuantity,
	MeasureInvoiceCount, MeasureCustomerCount, MeasureOpenReceivables}

// MeasureKind is the kind of number a measure is, which fixes its scale.
type MeasureKind int

// Measure kinds.
const (
	KindMoney    MeasureKind = iota // 2 places
	KindRatio                       // 6 places
	KindQuantity                    // 3 places
	KindCount                       // an integer
)

// Kind returns the kind of number m is.
func (m Measure) Kind() MeasureKind {
	switch m {
	case MeasureGrossMargin:
		return KindRatio
	case MeasureQuantity:
		return KindQuantity
	case MeasureInvoiceCount, MeasureCustomerCount:
		return KindCount
	}
	return KindMoney
}

// Dimension is an attribute the metrics query can group by.
type Dimension string

// Dimensions of the metrics query.
const (
	DimensionIndustry        Dimension = "INDUSTRY"
	DimensionOffice          Dimension = "OFFICE"
	DimensionRep             Dimension = "REP"
	DimensionProduct         Dimension = "PRODUCT"
	DimensionProductCategory Dimension = "PRODUCT_CATEGORY"
	DimensionDealerType      Dimension = "DEALER_TYPE"
	DimensionCreditClass     Dimension = "CREDIT_CLASS"
	DimensionCustomer        Dimension = "CUSTOMER"
)

// Dimensions lists every dimension.
var Dimensions = []Dimension{DimensionIndustry, DimensionOffice, DimensionRep, DimensionProduct,
	DimensionProductCategory, DimensionDealerType, DimensionCreditClass, DimensionCustomer}

// OfProduct reports whether d is an attribute of the product rather than of
// the customer.
func (d Dimension) OfProduct() bool {
	return d == DimensionProduct || d == DimensionProductCategory
}

// TimeGrain is the size of the time buckets of a metrics query.
type TimeGrain string

// Time grains; buckets are calendar days, ISO weeks (Monday first, written
// 2025-W27), months (2025-07), quarters (2025Q3) and years (2025), clipped
// to the period.
const (
	GrainDay     TimeGrain = "DAY"
	GrainWeek    TimeGrain = "WEEK"
	GrainMonth   TimeGrain = "MONTH"
	GrainQuarter TimeGrain = "QUARTER"
	GrainYear    TimeGrain = "YEAR"
)

// TimeGrains lists every grain.
var TimeGrains = []TimeGrain{GrainDay, GrainWeek, GrainMonth, GrainQuarter, GrainYear}

// MetricsBucket is one time bucket of a metrics query: Start is the first
// day of the calendar bucket (a week's Monday, a month's first day; it may
// lie before the period), End its last day within the period; Last marks
// the period's last bucket.
type MetricsBucket struct {
	Start, End Date
	Last       bool
}

// MetricsBuckets returns the time buckets of period p under grain g, in
// order; without a grain, the period is the one bucket.
func MetricsBuckets(p Period, g *TimeGrain) []MetricsBucket {
	if g == nil {
		return []MetricsBucket{{Start: p.From, End: p.To, Last: true}}
	}
	start := p.From
	switch *g {
	case GrainWeek:
		// ISO weeks start on Monday.
		start = start.AddDays(-((int(start.Time().Weekday()) + 6) % 7))
	case GrainMonth:
		start = start.Month().First()
	case GrainQuarter:
		start = start.Quarter().First()
	case GrainYear:
		start = NewDate(start.Year(), time.January, 1)
	}
	var out []MetricsBucket
	for !start.After(p.To) {
		var next Date
		switch *g {
		case GrainDay:
			next = start.AddDays(1)
		case GrainWeek:
			next = start.AddDays(7)
		case GrainMonth:
			next = NewDate(start.Year(), start.Time().Month()+1, 1)
		case GrainQuarter:
			next = NewDate(start.Year(), start.Time().Month()+3, 1)
		default:
			next = NewDate(start.Year()+1, time.January, 1)
		}
		b := MetricsBucket{Start: start, End: next.AddDays(-1)}
		if !b.End.Before(p.To) {
			b.End, b.Last = p.To, true
		}
		out = append(out, b)
		start = next
	}
	return out
}

// MaxReceivableBuckets bounds the time buckets of a query asking for
// OPEN_RECEIVABLES: each bucket end is a balance of every open invoice, so a
// year of days is the most one query may ask for.
const MaxReceivableBuckets = 400

// Row limits of the metrics query.
const (
	DefaultMetricsLimit = 1000
	MaxMetricsLimit     = 10000
)

// MetricsQuery asks for measures grouped by dimensions and time buckets.
type MetricsQuery struct {
	// Measures are computed in this order for every row; at least one.
	Measures []Measure
	// Dimensions group the rows, in this order; none gives one row.
	Dimensions []Dimension
	// Grain splits the period into time buckets; nil for none.
	Grain  *TimeGrain
	Period Period
	// Filter selects customers; ProductCodes and ProductCategories select
	// sales lines by product (AND).
	Filter            *CustomerFilter
	ProductCodes      []string
	ProductCategories []string
	// OrderBy orders the rows; the default (and the tie-breaker) is by
	// time bucket, then by the dimensions in order.
	OrderBy []MetricsOrder
	// Limit caps the rows (default DefaultMetricsLimit, at most
	// MaxMetricsLimit); a result with more rows is cut and flagged.
	Limit *int
}

// MetricsOrder orders metrics rows by exactly one of a selected measure, a
// selected dimension (its key) or the time bucket.
type MetricsOrder struct {
	Measure   *Measure
	Dimension *Dimension
	Period    *bool
	Direction SortDirection
}

// RowLimit returns the validated row limit.
func (q MetricsQuery) RowLimit() (int, error) {
	if q.Limit == nil {
		return DefaultMetricsLimit, nil
	}
	if *q.Limit < 1 || *q.Limit > MaxMetricsLimit {
		return 0, FieldError("limit", fmt.Sprint(*q.Limit), "must be between 1 and %d", MaxMetricsLimit)
	}
	return *q.Limit, nil
}

// Validate checks the query: at least one measure, known and distinct
// measures and dimensions, a known grain, a valid period and limit, orderings
// that name exactly one selected measure, dimension or the time bucket, and
// no product split or product filter with OPEN_RECEIVABLES (receivables
// belong to invoices, not to products) nor more than MaxReceivableBuckets
// time buckets with it. Every error is EINVALID.
func (q MetricsQuery) Validate() error {
	if err := q.Period.Validate(); err != nil {
		return err
	}
	if _, err := q.RowLimit(); err != nil {
		return err
	}
	if len(q.Measures) == 0 {
		return FieldError("measures", "[]", "ask for at least one measure")
	}
	for i, m := range q.Measures {
		if !OneOf(m, Measures) {
			return FieldError("measures", string(m), "is not a measure")
		}
		if slices.Contains(q.Measures[:i], m) {
			return FieldError("measures", string(m), "is asked for twice")
		}
	}
	productSplit := len(q.ProductCodes) > 0 || len(q.ProductCategories) > 0
	for i, d := range q.Dimensions {
		if !OneOf(d, Dimensions) {
			return FieldError("dimensions", string(d), "is not a dimension")
		}
		if slices.Contains(q.Dimensions[:i], d) {
			return FieldError("dimensions", string(d), "is asked for twice")
		}
		productSplit = productSplit || d.OfProduct()
	}
	if productSplit && slices.Contains(q.Measures, MeasureOpenReceivables) {
		return FieldError("measures", string(MeasureOpenReceivables),
			"cannot be split or filtered by product: receivables belong to invoices, not to products")
	}
	if q.Grain != nil && !OneOf(*q.Grain, TimeGrains) {
		return FieldError("grain", string(*q.Grain), "is not a time grain")
	}
	if slices.Contains(q.Measures, MeasureOpenReceivables) && q.Grain != nil {
		if n := len(MetricsBuckets(q.Period, q.Grain)); n > MaxReceivableBuckets {
			return FieldError("grain", string(*q.Grain), "gives %d time buckets; OPEN_RECEIVABLES allows at most %d: ask for a coarser grain or a shorter period",
				n, MaxReceivableBuckets)
		}
	}
	for _, o := range q.OrderBy {
		n := 0
		if o.Measure != nil {
			n++
			if !slices.Contains(q.Measures, *o.Measure) {
				return FieldError("orderBy.measure", string(*o.Measure), "is not one of the measures asked for")
			}
		}
		if o.Dimension != nil {
			n++
			if !slices.Contains(q.Dimensions, *o.Dimension) {
				return FieldError("orderBy.dimension", string(*o.Dimension), "is not one of the dimensions asked for")
			}
		}
		if o.Period != nil && *o.Period {
			n++
			if q.Grain == nil {
				return FieldError("orderBy.period", "true", "needs a grain")
			}
		}
		if n != 1 {
			return Errorf(EINVALID, "orderBy: each entry names exactly one of measure, dimension or period")
		}
		if o.Direction != "" && o.Direction != Asc && o.Direction != Desc {
			return FieldError("orderBy.direction", string(o.Direction), "is not ASC or DESC")
		}
	}
	return nil
}

// MetricsResult is the answer to a metrics query.
type MetricsResult struct {
	Measures   []Measure
	Dimensions []Dimension
	Grain      *TimeGrain
	Period     Period
	// Rows are at most Limit rows; Truncated says there were more.
	Rows      []*MetricsRow
	Limit     int
	Truncated bool
	// Totals are the measures over every row (not only those returned),
	// computed in the same statement: distinct counts count distinct
	// customers or invoices overall, the margin is total profit over total
	// sales, and OPEN_RECEIVABLES is the balance at the end of the period.
	Totals *MetricsRow
}

// MetricsRow is one group of a metrics result.
type MetricsRow struct {
	// Dimensions are the row's values of the query's dimensions, in order.
	Dimensions []DimensionValue
	// Period names the time bucket (2025-07-14, 2025-W29, 2025-07, 2025Q3,
	// 2025); PeriodStart and PeriodEnd are its days within the query's
	// period. All nil without a grain and on the totals row.
	Period      *string
	PeriodStart *Date
	PeriodEnd   *Date
	// Values are the measures, in the query's order.
	Values []MeasureValue
}

// DimensionValue is a row's value of one dimension: a key (a code, an enum
// name, a username) and a label for people; Key is nil for "none" (a
// customer without a rep, dealer type or credit class, a product without a
// category).
type DimensionValue struct {
	Dimension Dimension
	Key       *string
	Label     *string
}

// MeasureValue is the value of one measure in a metrics row, unrounded, in
// the output type that fixes its scale (money 2 places, ratio 6, quantity
// 3, counts whole).
type MeasureValue interface{ isMeasureValue() }

// MoneyMeasureValue is a money measure's value.
type MoneyMeasureValue struct {
	Measure Measure
	Value   *Money
}

// RatioMeasureValue is a ratio measure's value; nil over a zero
// denominator.
type RatioMeasureValue struct {
	Measure Measure
	Value   *Ratio
}

// QuantityMeasureValue is a quantity measure's value.
type QuantityMeasureValue struct {
	Measure Measure
	Value   *Quantity
}

// CountMeasureValue is a count measure's value.
type CountMeasureValue struct {
	Measure Measure
	Value   *decimal.Decimal
}

func (MoneyMeasureValue) isMeasureValue()    {}
func (RatioMeasureValue) isMeasureValue()    {}
func (QuantityMeasureValue) isMeasureValue() {}
func (CountMeasureValue) isMeasureValue()    {}

// NewMeasureValue wraps the value v of measure m (nil for none) in the type
// of m's kind.
func NewMeasureValue(m Measure, v *decimal.Decimal) MeasureValue {
	switch m.Kind() {
	case KindRatio:
		if v == nil {
			return RatioMeasureValue{Measure: m}
		}
		return RatioMeasureValue{Measure: m, Value: &Ratio{*v}}
	case KindQuantity:
		if v == nil {
			return QuantityMeasureValue{Measure: m}
		}
		return QuantityMeasureValue{Measure: m, Value: &Quantity{*v}}
	case KindCount:
		return CountMeasureValue{Measure: m, Value: v}
	}
	if v == nil {
		return MoneyMeasureValue{Measure: m}
	}
	return MoneyMeasureValue{Measure: m, Value: &Money{*v}}
}

// MeasureValueOf returns the measure and unrounded value of mv.
func MeasureValueOf(mv MeasureValue) (Measure, *decimal.Decimal) {
	switch v := mv.(type) {
	case MoneyMeasureValue:
		if v.Value == nil {
			return v.Measure, nil
		}
		return v.Measure, &v.Value.Decimal
	case RatioMeasureValue:
		if v.Value == nil {
			return v.Measure, nil
		}
		return v.Measure, &v.Value.Decimal
	case QuantityMeasureValue:
		if v.Value == nil {
			return v.Measure, nil
		}
		return v.Measure, &v.Value.Decimal
	case CountMeasureValue:
		return v.Measure, v.Value
	}
	return "", nil
}
