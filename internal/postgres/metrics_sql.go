package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// The metrics compiler turns a MetricsQuery into one SQL statement built only
// from the fragments below, each chosen by an enum value. Nothing the user
// sends is pasted into the SQL text: enum values select fragments (an unknown
// one is refused), and filter values (codes, categories, the customer filter)
// travel as literals that Bun quotes.
//
// The statement's shape:
//
//	WITH [receivables CTEs,] facts AS (sales facts [UNION ALL receivables facts])
//	SELECT … FROM (
//	    SELECT dimension keys and labels, time bucket, measures, GROUPING(…)
//	    FROM facts JOIN customers [JOIN offices, users, products]
//	    WHERE customer predicate [AND product filter]
//	    GROUP BY GROUPING SETS ((dimensions…, bucket), ())
//	) g ORDER BY totals first, the requested order, the tie-breakers LIMIT n + 1
//
// Sales facts come from the monthly rollup (plus the lines of partial
// months) when no product, invoice or sub-month detail is needed, else from
// sales_lines; receivables facts are the open invoices as of each bucket's
// last day.

// measureSQL is each measure's aggregate over the facts f. Facts of the
// receivables carry NULL in the sales columns (and sales facts NULL in ar),
// so each aggregate reads only its own kind of fact.
var measureSQL = map[creditdesk.Measure]string{
	creditdesk.MeasureSales:         "coalesce(sum(f.sales), 0)",
	creditdesk.MeasureCost:          "coalesce(sum(f.cost), 0)",
	creditdesk.MeasureGrossProfit:   "coalesce(sum(f.sales), 0) - coalesce(sum(f.cost), 0)",
	creditdesk.MeasureGrossMargin:   "cd_div(sum(f.sales) - sum(f.cost), sum(f.sales))",
	creditdesk.MeasureQuantity:      "coalesce(sum(f.quantity), 0)",
	creditdesk.MeasureInvoiceCount:  "count(DISTINCT f.invoice_id)",
	creditdesk.MeasureCustomerCount: "count(DISTINCT f.customer_id) FILTER (WHERE f.sales IS NOT NULL)",
	// A balance, not a flow: summed over customers within a bucket, and
	// over time (the totals row, when there is a grain) only the last
	// bucket counts.
	creditdesk.MeasureOpenReceivables: "coalesce(sum(f.ar), 0)",
}

// openReceivablesOverTime replaces measureSQL's receivables aggregate when
// there is a time grain: the totals row takes the period end's balance.
const openReceivablesOverTime = "CASE WHEN GROUPING(f.bucket) = 1 THEN coalesce(sum(f.ar) FILTER (WHERE f.last_bucket), 0) " +
	"ELSE coalesce(sum(f.ar), 0) END"

// dimensionSQL is each dimension's grouped expression (over the facts f,
// the customers c and the pre join), and its key and label expressions
// over the grouped value (%[1]s, g.dN) and the post join's alias (%[2]s).
//
// Groups are formed on ids (an office, a rep, a product, a customer) and
// the code and name are looked up after grouping, in the post join: the
// statement then sorts and groups integers rather than pairs of texts, and
// reads each office's or product's row once per group rather than once per
// fact. An id and its code are one-to-one (codes are unique), so the groups
// are the same as grouping by code and name.
type dimensionFragments struct {
	group, pre, post, key, label string
}

var dimensionSQL = map[creditdesk.Dimension]dimensionFragments{
	creditdesk.DimensionIndustry: {group: "c.industry", key: "%[1]s", label: `CASE %[1]s
		WHEN 'INTL_PARTS_DISTRIBUTOR' THEN '国际零配件销售商' WHEN 'INTL_GOODS_MERCHANT' THEN '国际性用品商'
		WHEN 'REGIONAL_ELECTRICAL' THEN '地区电气店' WHEN 'REGIONAL_SPECIALTY' THEN '地区专营店'
		WHEN 'REGIONAL_VOLUME' THEN '地区批量销售店' WHEN 'REGIONAL_DIY' THEN '地区DIY店' WHEN 'OTHER' THEN '其他' END`},
	creditdesk.DimensionOffice: {group: "c.office_id", post: "LEFT JOIN offices %[2]s ON %[2]s.id = %[1]s",
		key: "%[2]s.code", label: "%[2]s.name"},
	creditdesk.DimensionRep: {group: "c.rep_id", post: "LEFT JOIN users %[2]s ON %[2]s.id = %[1]s",
		key: "%[2]s.username", label: "%[2]s.name"},
	// The product join stays before grouping: it drops the facts without a
	// product (open receivables), as the product filters do.
	creditdesk.DimensionProduct: {group: "p.id", pre: productJoin, post: "LEFT JOIN products %[2]s ON %[2]s.id = %[1]s",
		key: "%[2]s.code", label: "%[2]s.name"},
	creditdesk.DimensionProductCategory: {group: "p.category", pre: productJoin, key: "%[1]s", label: "%[1]s"},
	creditdesk.DimensionDealerType: {group: "c.dealer_type", key: "%[1]s",
		label: `CASE %[1]s WHEN 'EXCLUSIVE' THEN '专营经销商' WHEN 'LOGISTICS' THEN '物流商' END`},
	creditdesk.DimensionCreditClass: {group: "c.credit_class", key: "%[1]s",
		label: `CASE %[1]s WHEN 'JIA' THEN '甲' WHEN 'YI' THEN '乙' WHEN 'BING' THEN '丙' END`},
	creditdesk.DimensionCustomer: {group: "c.id", post: "LEFT JOIN customers %[2]s ON %[2]s.id = %[1]s",
		key: "%[2]s.code", label: "%[2]s.name"},
}

// dimension returns the fragments of dimension d, the i-th of the query,
// with its grouped value g.d<i> and post-join alias j<i> filled in.
func dimension(d creditdesk.Dimension, i int) (group, pre, post, key, label string) {
	ds := dimensionSQL[d]
	g, alias := fmt.Sprintf("g.d%d", i), fmt.Sprintf("j%d", i)
	if ds.post != "" {
		post = fmt.Sprintf(ds.post, g, alias)
	}
	return ds.group, ds.pre, post, fmt.Sprintf(ds.key, g, alias), fmt.Sprintf(ds.label, g, alias)
}

const productJoin = "JOIN products p ON p.id = f.product_id"

// grainSQL is each time grain's date_trunc unit, step and label format.
var grainSQL = map[creditdesk.TimeGrain]struct{ unit, step, label string }{
	creditdesk.GrainDay:     {"day", "1 day", "YYYY-MM-DD"},
	creditdesk.GrainWeek:    {"week", "1 week", `IYYY-"W"IW`},
	creditdesk.GrainMonth:   {"month", "1 month", "YYYY-MM"},
	creditdesk.GrainQuarter: {"quarter", "3 months", `YYYY"Q"Q`},
	creditdesk.GrainYear:    {"year", "1 year", "YYYY"},
}

// directionSQL is each sort direction's ORDER BY text; nulls (a margin over
// zero sales, a missing key) sort last either way.
var directionSQL = map[creditdesk.SortDirection]string{
	"":              "ASC NULLS LAST",
	creditdesk.Asc:  "ASC NULLS LAST",
	creditdesk.Desc: "DESC NULLS LAST",
}

// Sales facts: (customer_id, product_id, invoice_id, day, sales, cost,
// quantity, ar, last_bucket).
const (
	rollupFacts = `SELECT s.customer_id, NULL::bigint AS product_id, NULL::bigint AS invoice_id, s.month AS day,
		s.sales, s.cost, s.quantity, NULL::numeric AS ar, NULL::boolean AS last_bucket
	FROM (?sales) s`
	// Quantity and invoice are read only when a measure needs them
	// (?line_quantity, ?line_invoice: the column or NULL), so that other
	// queries are index-only scans of the ship-date index.
	lineFacts = `SELECT l.customer_id, l.product_id, ?line_invoice AS invoice_id, l.ship_date AS day,
		l.base_amount AS sales, l.cost_amount AS cost, ?line_quantity AS quantity, NULL::numeric AS ar,
		NULL::boolean AS last_bucket
	FROM sales_lines l
	WHERE l.ship_date >= ?from::date AND l.ship_date <= ?to::date`
	// Open receivables per invoice as of each bucket's last day, in one
	// pass over the invoices rather than one per bucket end: an invoice
	// is open on day D when it was shipped by D and not settled for good by
	// D (settled_on, kept by the ledger's trigger); its open balance is its
	// amount less the ledger rows dated on or before D, valued at its rate
	// and rounded invoice by invoice (DOMAIN.md §9), the same figure as
	// cd_invoice_open(D). Only settlements dated before the invoice was
	// settled for good can fall on a day it is open, which keeps the
	// partial settlements small.
	receivableCTEs = `receivable_buckets AS (
	SELECT * FROM unnest(?bucket_starts::date[], ?bucket_ends::date[], ?bucket_last::boolean[]) AS b(start, asof, last_bucket)
), receivable_invoices AS MATERIALIZED (
	SELECT i.id, i.customer_id, i.ship_date, i.settled_on, i.amount, i.exchange_rate, i.base_amount
	FROM invoices i
	JOIN customers c ON c.id = i.customer_id
	WHERE ?customers
	  AND i.ship_date <= ?last_asof::date
	  AND (i.settled_on IS NULL OR i.settled_on > ?first_asof::date)
), partly_settled AS (
	SELECT s.invoice_id, b.start, sum(s.amount) AS settled
	FROM settlements s
	JOIN receivable_invoices x ON x.id = s.invoice_id AND (x.settled_on IS NULL OR s.date < x.settled_on)
	JOIN receivable_buckets b ON s.date <= b.asof AND x.ship_date <= b.asof
	                          AND (x.settled_on IS NULL OR x.settled_on > b.asof)
	GROUP BY s.invoice_id, b.start
), `
	receivableFacts = `SELECT x.customer_id, NULL::bigint, NULL::bigint, b.start,
		NULL::numeric, NULL::numeric, NULL::numeric,
		CASE WHEN pa.settled IS NULL THEN x.base_amount ELSE round((x.amount - pa.settled) * x.exchange_rate, 2) END,
		b.last_bucket
	FROM receivable_invoices x
	JOIN receivable_buckets b ON x.ship_date <= b.asof AND (x.settled_on IS NULL OR x.settled_on > b.asof)
	LEFT JOIN partly_settled pa ON pa.invoice_id = x.id AND pa.start = b.start
	WHERE pa.settled IS NULL OR x.amount > pa.settled`
)

// metricsPlan is a compiled metrics query.
type metricsPlan struct {
	query schema.QueryWithArgs
	// separateTotals: the statement returns a totals row (grp > 0) first;
	// without dimensions and grain its only row is both row and totals.
	separateTotals bool
	limit          int
}

// compileMetrics builds the statement answering q for the actor of ctx.
// Every measure, dimension, grain and direction must be in the whitelist;
// anything else is EINVALID, and no SQL is built.
func compileMetrics(ctx context.Context, q creditdesk.MetricsQuery) (*metricsPlan, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	limit, _ := q.RowLimit()

	var grain *struct{ unit, step, label string }
	if q.Grain != nil {
		g, ok := grainSQL[*q.Grain]
		if !ok {
			return nil, creditdesk.FieldError("grain", string(*q.Grain), "is not a time grain")
		}
		grain = &g
	}
	needLines := len(q.ProductCodes) > 0 || len(q.ProductCategories) > 0 ||
		(grain != nil && (*q.Grain == creditdesk.GrainDay || *q.Grain == creditdesk.GrainWeek))
	wantReceivables := false
	for _, m := range q.Measures {
		if _, ok := measureSQL[m]; !ok {
			return nil, creditdesk.FieldError("measures", string(m), "is not a measure")
		}
		needLines = needLines || m == creditdesk.MeasureInvoiceCount
		wantReceivables = wantReceivables || m == creditdesk.MeasureOpenReceivables
	}
	var joins []string
	for _, d := range q.Dimensions {
		ds, ok := dimensionSQL[d]
		if !ok {
			return nil, creditdesk.FieldError("dimensions", string(d), "is not a dimension")
		}
		needLines = needLines || d.OfProduct()
		if ds.pre != "" && !slices.Contains(joins, ds.pre) {
			joins = append(joins, ds.pre)
		}
	}
	if (len(q.ProductCodes) > 0 || len(q.ProductCategories) > 0) && !slices.Contains(joins, productJoin) {
		joins = append(joins, productJoin)
	}

	args := sqlArgs{
		"from":      q.Period.From,
		"to":        q.Period.To,
		"customers": CustomerPredicate(ctx, "c", q.Filter),
	}

	// The facts.
	var facts string
	if needLines {
		facts = lineFacts
		args["line_quantity"] = bun.SafeQuery("NULL::numeric")
		if slices.Contains(q.Measures, creditdesk.MeasureQuantity) {
			args["line_quantity"] = bun.SafeQuery("l.quantity")
		}
		args["line_invoice"] = bun.SafeQuery("NULL::bigint")
		if slices.Contains(q.Measures, creditdesk.MeasureInvoiceCount) {
			args["line_invoice"] = bun.SafeQuery("l.invoice_id")
		}
	} else {
		facts = rollupFacts
		args["sales"] = customerMonthSales(q.Period, slices.Contains(q.Measures, creditdesk.MeasureQuantity))
	}
	ctes := ""
	if wantReceivables {
		ctes = receivableCTEs
		facts += "\n\tUNION ALL\n\t" + receivableFacts
		buckets := creditdesk.MetricsBuckets(q.Period, q.Grain)
		starts, ends, last := make([]string, len(buckets)), make([]string, len(buckets)), make([]bool, len(buckets))
		for i, b := range buckets {
			starts[i], ends[i], last[i] = b.Start.String(), b.End.String(), b.Last
		}
		args["bucket_starts"] = pgdialect.Array(starts)
		args["bucket_ends"] = pgdialect.Array(ends)
		args["bucket_last"] = pgdialect.Array(last)
		args["first_asof"] = buckets[0].End
		args["last_asof"] = buckets[len(buckets)-1].End
	}
	bucketExpr := "NULL::date"
	if grain != nil {
		args["unit"] = grain.unit
		args["step"] = grain.step
		args["label"] = grain.label
		bucketExpr = "date_trunc(?unit, x.day::timestamp)::date"
		if !needLines && *q.Grain == creditdesk.GrainMonth {
			// Rollup facts (and receivables facts) are dated on the first
			// of a month already.
			bucketExpr = "x.day"
		}
	}

	// The grouped select.
	var cols, groupCols, postJoins, dimKeys, dimLabels []string
	for i, d := range q.Dimensions {
		group, _, post, key, label := dimension(d, i)
		cols = append(cols, fmt.Sprintf("%s AS d%d", group, i))
		groupCols = append(groupCols, group)
		if post != "" {
			postJoins = append(postJoins, post)
		}
		dimKeys, dimLabels = append(dimKeys, key), append(dimLabels, label)
	}
	if grain != nil {
		cols = append(cols, "f.bucket")
		groupCols = append(groupCols, "f.bucket")
	} else {
		cols = append(cols, "NULL::date AS bucket")
	}
	for j, m := range q.Measures {
		expr := measureSQL[m]
		if m == creditdesk.MeasureOpenReceivables && grain != nil {
			expr = openReceivablesOverTime
		}
		cols = append(cols, fmt.Sprintf("%s AS m%d", expr, j))
	}
	separateTotals := len(groupCols) > 0
	groupBy := ""
	if separateTotals {
		cols = append(cols, fmt.Sprintf("GROUPING(%s) AS grp", strings.Join(groupCols, ", ")))
		groupBy = fmt.Sprintf("GROUP BY GROUPING SETS ((%s), ())", strings.Join(groupCols, ", "))
	} else {
		cols = append(cols, "0 AS grp")
	}
	where := "?customers"
	if len(q.ProductCodes) > 0 {
		where += " AND p.code IN (?product_codes)"
		args["product_codes"] = bun.List(q.ProductCodes)
	}
	if len(q.ProductCategories) > 0 {
		where += " AND p.category IN (?product_categories)"
		args["product_categories"] = bun.List(q.ProductCategories)
	}

	// The order: totals first, then the caller's, then bucket and keys.
	order := []string{"g.grp DESC"}
	for _, o := range q.OrderBy {
		dir, ok := directionSQL[o.Direction]
		if !ok {
			return nil, creditdesk.FieldError("orderBy.direction", string(o.Direction), "is not ASC or DESC")
		}
		switch {
		case o.Measure != nil:
			order = append(order, fmt.Sprintf("g.m%d %s", slices.Index(q.Measures, *o.Measure), dir))
		case o.Dimension != nil:
			order = append(order, fmt.Sprintf(`%s COLLATE "C" %s`, dimKeys[slices.Index(q.Dimensions, *o.Dimension)], dir))
		default:
			order = append(order, "g.bucket "+dir)
		}
	}
	order = append(order, "g.bucket ASC NULLS LAST")
	for _, key := range dimKeys {
		order = append(order, fmt.Sprintf(`%s COLLATE "C" ASC NULLS LAST`, key))
	}
	args["limit"] = limit + 1 // the totals row comes first

	outer := []string{"g.grp", "count(*) OVER () AS group_count"}
	if grain != nil {
		outer = append(outer, "to_char(g.bucket::timestamp, ?label) AS period_label",
			"greatest(g.bucket, ?from::date) AS period_start",
			"least((g.bucket + ?step::interval)::date - 1, ?to::date) AS period_end")
	} else {
		outer = append(outer, "NULL::text AS period_label", "NULL::date AS period_start", "NULL::date AS period_end")
	}
	for i := range q.Dimensions {
		outer = append(outer, fmt.Sprintf("%s AS d%d_key", dimKeys[i], i), fmt.Sprintf("%s AS d%d_label", dimLabels[i], i))
	}
	for j := range q.Measures {
		outer = append(outer, fmt.Sprintf("g.m%d", j))
	}
	text := fmt.Sprintf(`WITH %sfacts AS (
	SELECT x.*, %s AS bucket
	FROM (
	%s
	) x
)
SELECT %s
FROM (
	SELECT %s
	FROM facts f
	JOIN customers c ON c.id = f.customer_id
	%s
	WHERE %s
	%s
) g
%s
ORDER BY %s
LIMIT ?limit`,
		ctes, bucketExpr, facts, strings.Join(outer, ", "), strings.Join(cols, ",\n\t\t"), strings.Join(joins, "\n\t"), where, groupBy,
		strings.Join(postJoins, "\n"), strings.Join(order, ", "))
	return &metricsPlan{query: namedQuery(text, args), separateTotals: separateTotals, limit: limit}, nil
}
