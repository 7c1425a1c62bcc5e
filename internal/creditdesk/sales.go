package creditdesk

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// The sales analysis reports of DOMAIN.md §5 (000 第三–四条). "Sales" is
// always Σ base_amount of the sales lines shipped in the period, returns
// (negative lines) included. Figures are carried unrounded and shown with
// their scale at the edge; ratios over zero are nil.

// SalesService computes the sales analysis reports. Every method applies the
// actor's customer scope and the filter or scope it is given inside its SQL,
// and returns its rows and totals from one computation. Any user may call
// them; a sales rep sees its own customers, a manager its office's.
type SalesService interface {
	// SalesComposition returns sales by industry for the period. EINVALID
	// for a period that ends before it starts.
	SalesComposition(ctx context.Context, period Period, f *CustomerFilter) (*CompositionReport, error)
	// AbcAnalysis classifies the selected customers A/B/C by their sales in
	// the period. EINVALID for a bad period or thresholds.
	AbcAnalysis(ctx context.Context, q AbcQuery) (*AbcReport, error)
	// CustomerShare returns each selected customer's share of the company's
	// sales per month or year, against its required share. EINVALID for a
	// bad period.
	CustomerShare(ctx context.Context, q CustomerShareQuery) (*CustomerShareReport, error)
	// SeasonalIndex returns the monthly seasonal index of a scope over whole
	// calendar years. EINVALID for bad years; ENOTFOUND for a customer code
	// the actor cannot see.
	SeasonalIndex(ctx context.Context, q SeasonalQuery) (*SeasonalIndexReport, error)
	// ProductMix returns sales, profit, inventory turnover and targets per
	// product for a scope and period. EINVALID for a bad period; ENOTFOUND
	// for a customer code the actor cannot see.
	ProductMix(ctx context.Context, period Period, scope ScopeInput) (*ProductMixReport, error)
	// TargetAttainment returns each selected customer's monthly sales target
	// against its sales in the period. EINVALID for a bad period.
	TargetAttainment(ctx context.Context, period Period, f *CustomerFilter) (*TargetAttainmentReport, error)
}

// ScopeInput narrows a report to one customer, an industry, an office or
// any combination (AND); the zero ScopeInput is the whole company (as far as
// the actor may see).
type ScopeInput struct {
	CustomerCode *string
	Industry     *Industry
	OfficeCode   *string
}

// Filter returns the customer filter that selects the scope.
func (s ScopeInput) Filter() *CustomerFilter {
	f := &CustomerFilter{}
	if s.CustomerCode != nil {
		f.Codes = []string{*s.CustomerCode}
	}
	if s.Industry != nil {
		f.Industries = []Industry{*s.Industry}
	}
	if s.OfficeCode != nil {
		f.OfficeCodes = []string{*s.OfficeCode}
	}
	return f
}

// CompositionReport is sales by industry category (DOMAIN.md §5).
type CompositionReport struct {
	Period Period
	// Total is Σ sales of the selected customers in the period.
	Total Money
	// Rows are the industries with at least one sales line in the period,
	// by sales descending (ties by industry name).
	Rows []*CompositionRow
}

// CompositionRow is one industry of a CompositionReport.
type CompositionRow struct {
	Industry Industry
	Sales    Money
	// Share is Sales / Total; nil when the total is zero.
	Share *Ratio
	// Customers counts the distinct customers with sales lines.
	Customers int
}

// AbcQuery asks for an ABC (Pareto) analysis.
type AbcQuery struct {
	Period Period
	// ByCategory ranks and classifies within each industry.
	ByCategory bool
	// AThreshold and BThreshold default to the policy's abc_a and abc_b;
	// 0 < A < B ≤ 1.
	AThreshold *decimal.Decimal
	BThreshold *decimal.Decimal
	Filter     *CustomerFilter
	// Fields are the attributes of the rows' customers the caller reads
	// (nil: all).
	Fields CustomerFields
}

// ValidateThresholds checks 0 < a < b ≤ 1 (DOMAIN.md §5: the thresholds are
// settable per query).
func ValidateThresholds(a, b decimal.Decimal) error {
	if !a.IsPositive() || a.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return FieldError("aThreshold", DecimalText(a), "must be greater than 0 and less than bThreshold")
	}
	if b.LessThanOrEqual(a) || b.GreaterThan(decimal.NewFromInt(1)) {
		return FieldError("bThreshold", DecimalText(b), "must be greater than aThreshold (%s) and at most 1", a)
	}
	return nil
}

// AbcReport is an ABC analysis of the customers the filter selects, with or
// without sales (DOMAIN.md §5, §9).
type AbcReport struct {
	Period     Period
	ByCategory bool
	// AThreshold and BThreshold are the cut-offs used; PolicyVersion is the
	// policy version in force on the period's last day, which supplied the
	// defaults.
	AThreshold    Ratio
	BThreshold    Ratio
	PolicyVersion int
	// Total is Σ sales of every customer in scope (the grand total, also
	// with ByCategory).
	Total Money
	// Rows are every customer in scope by rank (by industry, then rank,
	// with ByCategory).
	Rows []*AbcRow
}

// AbcRow is one customer of an AbcReport.
type AbcRow struct {
	Customer *Customer
	Industry Industry
	// Rank is 1 for the largest sales; ties are broken by customer code.
	Rank  int
	Sales Money
	// Share and CumulativeShare are of the total of the ranking (the
	// industry's with ByCategory); nil when that total is zero.
	Share           *Ratio
	CumulativeShare *Ratio
	AbcClass        AbcClass
}

// ShareGranularity is the bucket of a customer share report.
type ShareGranularity string

// Granularities of the customer share report.
const (
	ShareMonthly ShareGranularity = "MONTH"
	ShareYearly  ShareGranularity = "YEAR"
)

// CustomerShareQuery asks for the customers' shares of company sales.
type CustomerShareQuery struct {
	Period      Period
	Granularity ShareGranularity
	Filter      *CustomerFilter
	// Rows says which rows to return: nil for every row, a Page for one
	// page of them (First 0 for none: the totals only).
	Rows *Page
}

// CustomerShareReport is each selected customer's share of the company's
// sales per month or year against its required share (DOMAIN.md §5).
type CustomerShareReport struct {
	// Query is what the report answers (its pages are asked with it).
	Query       CustomerShareQuery
	Period      Period
	Granularity ShareGranularity
	// CompanyTotal is the company's sales in the whole period (every
	// customer, whatever the filter: it is the denominator of the shares).
	CompanyTotal Money
	// SelectedSales is Σ sales of the selected customers in the period and
	// SelectedShare its share of CompanyTotal.
	SelectedSales Money
	SelectedShare *Ratio
	// Rows are, per bucket in date order, the selected customers with sales
	// lines in the bucket or a required share, by sales descending: all of
	// them, or the page the query asked for.
	Rows []*CustomerShareRow
	// TotalCount is the number of rows of the whole report; HasNextPage
	// says whether rows follow the page.
	TotalCount  int
	HasNextPage bool
}

// CustomerShareRow is one customer in one month or year.
type CustomerShareRow struct {
	Customer *Customer
	// Period names the bucket, a month (2025-07) or a year (2025);
	// PeriodStart is its first day within the report's period (a period
	// that starts inside a bucket clips it).
	Period       string
	PeriodStart  Date
	Sales        Money
	CompanyTotal Money
	// Share is Sales / CompanyTotal; nil when the company sold nothing.
	Share *Ratio
	// RequiredShare is the customer's required share, if any; Meets says
	// whether Share ≥ RequiredShare, nil without a required share or a
	// share.
	RequiredShare *Ratio
	Meets         *bool
	// Cursor is the row's place in the report's order, for paging.
	Cursor string
}

// SeasonalQuery asks for a seasonal index.
type SeasonalQuery struct {
	// Years are whole calendar years; nil means the last 3 complete years
	// before today.
	Years []int
	Scope ScopeInput
	// AnnualTarget, when given, is spread over the months by their shares.
	AnnualTarget *decimal.Decimal
}

// DefaultSeasonalYears is how many complete years a seasonal index covers by
// default (DOMAIN.md §5).
const DefaultSeasonalYears = 3

// SeasonalYears returns the years of q: as given, checked (distinct, 1900–
// 9999, at least one), or the DefaultSeasonalYears complete years before
// today, oldest first.
func (q SeasonalQuery) SeasonalYears(today Date) ([]int, error) {
	if q.Years == nil {
		ys := make([]int, DefaultSeasonalYears)
		for i := range ys {
			ys[i] = today.Year() - DefaultSeasonalYears + i
		}
		return ys, nil
	}
	if len(q.Years) == 0 {
		return nil, FieldError("years", "[]", "give at least one year, or none for the last %d complete years", DefaultSeasonalYears)
	}
	seen := map[int]bool{}
	for _, y := range q.Years {
		if y < 1900 || y > 9999 {
			return nil, FieldError("years", fmt.Sprint(y), "is not a year between 1900 and 9999")
		}
		if seen[y] {
			return nil, FieldError("years", fmt.Sprint(y), "is given twice")
		}
		seen[y] = true
	}
	return q.Years, nil
}

// SeasonalIndexReport is the seasonal index of a scope (DOMAIN.md §5).
type SeasonalIndexReport struct {
	Years []int
	// Total is the scope's sales over the years; Overall = Total / (12 × Y)
	// is the mean month.
	Total   Money
	Overall Money
	// AnnualTarget echoes the target spread over the months, if any.
	AnnualTarget *Money
	Months       []*SeasonalMonth
}

// SeasonalMonth is one calendar month of a seasonal index.
type SeasonalMonth struct {
	Month int
	// Average is the month's mean sales over the years.
	Average Money
	// Index = Average / Overall; Share = Index / 12 (the month's share of
	// the total; the twelve shares sum to exactly 1 before rounding);
	// Target = Share × AnnualTarget. All nil when the total is zero.
	Index  *Ratio
	Share  *Ratio
	Target *Money
}

// ProductMixReport is the product mix of a scope and period (DOMAIN.md §5).
type ProductMixReport struct {
	Period Period
	// Total, Cost and GrossProfit are over every product; GrossMargin =
	// GrossProfit / Total.
	Total       Money
	Cost        Money
	GrossProfit Money
	GrossMargin *Ratio
	// Target is Σ product targets of the scope for the months of the
	// period (nil when there are none) and Attainment = sales of the
	// targeted products / Target.
	Target     *Money
	Attainment *Ratio
	// Rows are the products with sales lines in the period, by rank.
	Rows []*ProductMixRow
}

// ProductMixRow is one product of a ProductMixReport.
type ProductMixRow struct {
	Product *Product
	// Rank is 1 for the largest sales; ties are broken by product code.
	Rank            int
	Sales           Money
	Share           *Ratio
	CumulativeShare *Ratio
	Cost            Money
	// GrossProfit = Sales − Cost; GrossMargin = GrossProfit / Sales.
	GrossProfit Money
	GrossMargin *Ratio
	// AverageInventory is the mean over the period's months that have
	// snapshots of (opening + closing) / 2, the scope's snapshots summed per
	// month first; nil without snapshots. Turnover = Sales /
	// AverageInventory; CrossRatio (交叉比率) = GrossMargin × Turnover;
	// ContributionRatio (贡献比率) = CrossRatio × Share.
	AverageInventory  *Money
	Turnover          *Ratio
	CrossRatio        *Ratio
	ContributionRatio *Ratio
	// Target is Σ the product's targets for the scope and the months of the
	// period (nil when none exist); Attainment = Sales / Target.
	Target     *Money
	Attainment *Ratio
}

// TargetAttainmentReport compares the selected customers' monthly sales
// targets with their sales (DOMAIN.md §2 targets, 002 客户评估二.1).
type TargetAttainmentReport struct {
	Period Period
	// Months are the months the period touches; targets of those months
	// count.
	Months []Month
	// Target, Sales and Attainment are the totals over the rows.
	Target     Money
	Sales      Money
	Attainment *Ratio
	// Rows are the selected customers with a target for one of the months
	// or sales in the period, by attainment descending (customers without a
	// target last), then code.
	Rows []*TargetAttainmentRow
}

// TargetAttainmentRow is one customer of a TargetAttainmentReport.
type TargetAttainmentRow struct {
	Customer *Customer
	// Target is Σ the customer's monthly targets without a product for the
	// months; nil when it has none.
	Target *Money
	Sales  Money
	// Attainment = Sales / Target; nil without a target or with a zero one.
	Attainment *Ratio
}

// MonthsOf returns the calendar months that period touches, in order.
func MonthsOf(p Period) []Month {
	var ms []Month
	for m := p.From.Month(); !m.First().After(p.To); m = monthAfter(m) {
		ms = append(ms, m)
	}
	return ms
}

// monthAfter returns the month after m.
func monthAfter(m Month) Month {
	if m.Month == time.December {
		return Month{Year: m.Year + 1, Month: time.January}
	}
	return Month{Year: m.Year, Month: m.Month + 1}
}

// MonthPeriod returns the period from the first to the last day of m.
func MonthPeriod(m Month) Period { return Period{From: m.First(), To: m.Last()} }

// YearPeriod returns the period of calendar year y.
func YearPeriod(y int) Period {
	return Period{From: NewDate(y, time.January, 1), To: NewDate(y, time.December, 31)}
}

// ReportPeriod returns the period a report asks for by exactly one of a
// period, a calendar year or a month; EINVALID for none, several, or a year
// outside 1900–9999.
func ReportPeriod(period *Period, year *int, month *Month) (Period, error) {
	n := 0
	for _, given := range []bool{period != nil, year != nil, month != nil} {
		if given {
			n++
		}
	}
	if n != 1 {
		return Period{}, Errorf(EINVALID, "give exactly one of period, year or month")
	}
	switch {
	case year != nil:
		if *year < 1900 || *year > 9999 {
			return Period{}, FieldError("year", fmt.Sprint(*year), "is not a year between 1900 and 9999")
		}
		return YearPeriod(*year), nil
	case month != nil:
		return MonthPeriod(*month), nil
	}
	return *period, nil
}
