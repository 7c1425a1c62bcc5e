package csvimport

import (
	"fmt"
	"strings"

	cd "creditdesk/internal/creditdesk"
)

// Building blocks of phase-2 rules. A rule's FROM clause exposes the staged
// row as s; lookups join the real tables by natural key (codes staged by an
// earlier file of the same import are already in them).

// seq is "1", "2", … "n": GROUP BY positions.
func seq(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i + 1)
	}
	return out
}

// duplicate reports the second and later rows of a natural key: the stager
// sets a staged row's first_line to the first line holding the same key
// when an earlier row holds it (markRepeats, stager.go).
func duplicate(column, value string) check {
	return check{column: column, cond: "s.line > s.first_line", value: value, info: "s.first_line",
		msg: "%[1]s appears twice in the file (first on line %[2]s)"}
}

// exists reports a natural key that is already in the database: imports
// add to what is there, and a row whose key exists is a conflict, never
// skipped and never merged (API.md).
func exists(column, value, found string) check {
	return check{column: column, cond: found + " IS NOT NULL", value: value, msg: "%[1]s already exists"}
}

// notFuture refuses a date of the archive after the import's today (a
// customer founded, or first traded with, tomorrow), as the API does.
func notFuture(im *importer, column string) check {
	today := sqlString(im.today)
	return check{column: column, cond: fmt.Sprintf("s.%s::date > %s::date", column, today), value: "s." + column,
		info: today, msg: "%[1]s is in the future (today is %[2]s)"}
}

// tooLong refuses a text of more than max characters, as the API does.
func tooLong(column string, max int) check {
	return check{column: column, cond: fmt.Sprintf("char_length(s.%s) > %d", column, max), value: "s." + column,
		msg: fmt.Sprintf("is longer than %d characters", max)}
}

// ratedMetricsSQL is the text[] of the metrics rated for the dealer type
// that typ names (NULL for none), from creditdesk.RatedMetricsOf.
func ratedMetricsSQL(typ string) string {
	var b strings.Builder
	b.WriteString("CASE " + typ)
	for _, t := range cd.DealerTypes {
		fmt.Fprintf(&b, " WHEN %s THEN ARRAY[%s]", sqlString(string(t)), sqlStrings(cd.RatedMetricsOf(t)))
	}
	b.WriteString(" END::text[]")
	return b.String()
}

// unknown reports a code that names nothing. Optional codes are checked
// only when given.
func unknown(column, what, foundID string) check {
	return check{column: column, cond: fmt.Sprintf("s.%s IS NOT NULL AND %s IS NULL", column, foundID),
		value: "s." + column, msg: "unknown " + what + " %[1]s"}
}

// baseRateIsOne refuses an exchange rate other than 1 on a base-currency
// document: its base amount must equal its amount.
func baseRateIsOne(im *importer) check {
	return check{column: "exchange_rate",
		cond: fmt.Sprintf("s.exchange_rate IS NOT NULL AND s.exchange_rate <> '1' AND coalesce(s.currency, %s) = %[1]s AND s.exchange_rate::numeric <> 1",
			sqlString(im.base)),
		value: "s.exchange_rate", info: sqlString(im.base),
		msg: "%[1]s must be 1 for the base currency %[2]s"}
}

// baseAmountFits refuses an amount whose base value (amount × exchange
// rate, rounded once to cents, DOMAIN.md §0) overflows numeric(18,2). An
// amount at rate 1 fits by phase 1; the text tests spare the arithmetic on
// the rows of a base-currency file.
func baseAmountFits(amount string) check {
	return check{column: amount,
		cond: fmt.Sprintf("s.exchange_rate IS NOT NULL AND s.exchange_rate <> '1' AND abs(round(s.%s::numeric * s.exchange_rate::numeric, 2)) >= 1e16",
			amount),
		value: "s." + amount, info: "s.exchange_rate",
		msg: "%[1]s at exchange rate %[2]s is too large a base amount"}
}

// notBefore reports a date column earlier than another date.
func notBefore(column, otherExpr, otherName string) check {
	return check{column: column, cond: fmt.Sprintf("s.%s::date < (%s)::date", column, otherExpr),
		value: "s." + column, info: otherExpr,
		msg: "%[1]s is before the " + otherName + " %[2]s"}
}

// currencyOr is the staged currency or the base currency.
func (im *importer) currencyOr() string { return "coalesce(s.currency, " + sqlString(im.base) + ")" }

// rateOr is the staged exchange rate or 1.
const rateOr = "coalesce(s.exchange_rate::numeric, 1)"

// baseAmount is round(amount × exchange_rate, 2), fixed when posted.
func baseAmount(amount string) string {
	return fmt.Sprintf("round(s.%s::numeric * %s, 2)", amount, rateOr)
}
