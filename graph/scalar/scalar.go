// Package scalar marshals creditdesk's GraphQL scalars (API.md): Decimal as a
// JSON string with the scale of the field's kind (money 2 places, ratios 6,
// scores 2, rates 8), read exactly on input and never through a float; Date,
// Month and Quarter as in the CSV format.
package scalar

import (
	"encoding/json"
	"io"
	"regexp"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"creditdesk/internal/creditdesk"
)

// Input limits of Decimal (API.md): at most 18 digits before the point and 10
// after, plain notation only.
var decimalRE = regexp.MustCompile(`^-?[0-9]{1,18}(\.[0-9]{1,10})?$`)

const sendAsString = "send decimals as strings in plain notation, e.g. \"1234.50\""

// ParseDecimal reads a Decimal input value: a string, an integer, or a number
// from the request's variables (json.Number, read exactly). A float written
// inline in the query text arrives as float64 and is refused, as are NaN,
// Infinity, exponents and anything outside the limits.
func ParseDecimal(v any) (decimal.Decimal, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case int:
		s = strconv.Itoa(x)
	case int32:
		s = strconv.FormatInt(int64(x), 10)
	case int64:
		s = strconv.FormatInt(x, 10)
	case float32, float64:
		return decimal.Decimal{}, creditdesk.Errorf(creditdesk.EINVALID,
			"Decimal: %v: a float cannot carry an exact decimal; %s", x, sendAsString)
	default:
		return decimal.Decimal{}, creditdesk.Errorf(creditdesk.EINVALID,
			"Decimal: %v: not a decimal; %s", v, sendAsString)
	}
	if !decimalRE.MatchString(s) {
		return decimal.Decimal{}, creditdesk.Errorf(creditdesk.EINVALID,
			"Decimal: %q: not a decimal (at most 18 digits before the point and 10 after); %s", s, sendAsString)
	}
	return decimal.RequireFromString(s), nil
}

// fixed writes d rounded to places (half away from zero, as
// decimal.StringFixed) as a JSON string.
func fixed(d decimal.Decimal, places int32) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		var buf [48]byte
		w.Write(appendFixed(buf[:0], d, places)) //nolint:errcheck
	})
}

// appendFixed appends d.StringFixed(places) to b in double quotes. A value
// that needs no rounding at that scale and whose digits there fit in an
// int64, as every amount a ledger holds does, is written from its int64
// coefficient; any other goes through StringFixed's big.Int arithmetic.
// Reports write hundreds of thousands of figures per response, and this is
// the difference between a few allocations per figure and none.
func appendFixed(b []byte, d decimal.Decimal, places int32) []byte {
	b = append(b, '"')
	shift := d.Exponent() + places
	if places > maxInt64Digits || shift < 0 || d.NumDigits()+int(shift) > maxInt64Digits {
		b = append(b, d.StringFixed(places)...)
		return append(b, '"')
	}
	c := d.CoefficientInt64()
	for range shift {
		c *= 10
	}
	if c < 0 {
		b = append(b, '-')
	}
	var digits [maxInt64Digits]byte
	n := strconv.AppendUint(digits[:0], absInt64(c), 10)
	if p := int(places); len(n) > p {
		b = append(b, n[:len(n)-p]...)
		if p > 0 {
			b = append(b, '.')
			b = append(b, n[len(n)-p:]...)
		}
	} else { // |d| < 1: "0." and the digits, zero-padded to places
		b = append(b, "0."...)
		b = append(b, "000000000000000000"[:p-len(n)]...)
		b = append(b, n...)
	}
	return append(b, '"')
}

// maxInt64Digits is the number of decimal digits every int64 can hold.
const maxInt64Digits = 18

func absInt64(c int64) uint64 {
	if c < 0 {
		return uint64(-c)
	}
	return uint64(c)
}

// MarshalDecimal writes a plain decimal (an input echoed back) as a string
// without trailing zeros.
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(d.String())) }) //nolint:errcheck
}

// UnmarshalDecimal reads a Decimal input; see ParseDecimal.
func UnmarshalDecimal(v any) (decimal.Decimal, error) { return ParseDecimal(v) }

// MarshalMoney writes money with 2 places.
func MarshalMoney(m creditdesk.Money) graphql.Marshaler {
	return fixed(m.Decimal, creditdesk.MoneyScale)
}

// UnmarshalMoney reads money; see ParseDecimal.
func UnmarshalMoney(v any) (creditdesk.Money, error) {
	d, err := ParseDecimal(v)
	return creditdesk.Money{Decimal: d}, err
}

// MarshalRatio writes a ratio with 6 places.
func MarshalRatio(r creditdesk.Ratio) graphql.Marshaler {
	return fixed(r.Decimal, creditdesk.RatioScale)
}

// UnmarshalRatio reads a ratio; see ParseDecimal.
func UnmarshalRatio(v any) (creditdesk.Ratio, error) {
	d, err := ParseDecimal(v)
	return creditdesk.Ratio{Decimal: d}, err
}

// MarshalScore writes a score or points with 2 places.
func MarshalScore(s creditdesk.Score) graphql.Marshaler {
	return fixed(s.Decimal, creditdesk.ScoreScale)
}

// UnmarshalScore reads a score; see ParseDecimal.
func UnmarshalScore(v any) (creditdesk.Score, error) {
	d, err := ParseDecimal(v)
	return creditdesk.Score{Decimal: d}, err
}

// MarshalRate writes a rate with 8 places.
func MarshalRate(r creditdesk.Rate) graphql.Marshaler { return fixed(r.Decimal, creditdesk.RateScale) }

// UnmarshalRate reads a rate; see ParseDecimal.
func UnmarshalRate(v any) (creditdesk.Rate, error) {
	d, err := ParseDecimal(v)
	return creditdesk.Rate{Decimal: d}, err
}

// MarshalQuantity writes a quantity with 3 places.
func MarshalQuantity(q creditdesk.Quantity) graphql.Marshaler {
	return fixed(q.Decimal, creditdesk.QuantityScale)
}

// UnmarshalQuantity reads a quantity; see ParseDecimal.
func UnmarshalQuantity(v any) (creditdesk.Quantity, error) {
	d, err := ParseDecimal(v)
	return creditdesk.Quantity{Decimal: d}, err
}

// MarshalUnitPrice writes a unit price with 4 places.
func MarshalUnitPrice(p creditdesk.UnitPrice) graphql.Marshaler {
	return fixed(p.Decimal, creditdesk.UnitPriceScale)
}

// UnmarshalUnitPrice reads a unit price; see ParseDecimal.
func UnmarshalUnitPrice(v any) (creditdesk.UnitPrice, error) {
	d, err := ParseDecimal(v)
	return creditdesk.UnitPrice{Decimal: d}, err
}

func quoted(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { io.WriteString(w, strconv.Quote(s)) }) //nolint:errcheck
}

func inputString(kind string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", creditdesk.Errorf(creditdesk.EINVALID, "%s: %v: must be a string", kind, v)
	}
	return s, nil
}

// MarshalDate writes a date as YYYY-MM-DD.
func MarshalDate(d creditdesk.Date) graphql.Marshaler { return quoted(d.String()) }

// UnmarshalDate reads a date written YYYY-MM-DD.
func UnmarshalDate(v any) (creditdesk.Date, error) {
	s, err := inputString("Date", v)
	if err != nil {
		return creditdesk.Date{}, err
	}
	d, err := creditdesk.ParseDate(s)
	if err != nil {
		return d, creditdesk.Errorf(creditdesk.EINVALID, "Date: %q: %v", s, err)
	}
	return d, nil
}

// MarshalMonth writes a month as YYYY-MM.
func MarshalMonth(m creditdesk.Month) graphql.Marshaler { return quoted(m.String()) }

// UnmarshalMonth reads a month written YYYY-MM.
func UnmarshalMonth(v any) (creditdesk.Month, error) {
	s, err := inputString("Month", v)
	if err != nil {
		return creditdesk.Month{}, err
	}
	m, err := creditdesk.ParseMonth(s)
	if err != nil {
		return m, creditdesk.Errorf(creditdesk.EINVALID, "Month: %q: %v", s, err)
	}
	return m, nil
}

// MarshalQuarter writes a quarter as YYYYQn.
func MarshalQuarter(q creditdesk.Quarter) graphql.Marshaler { return quoted(q.String()) }

// UnmarshalQuarter reads a quarter written YYYYQn.
func UnmarshalQuarter(v any) (creditdesk.Quarter, error) {
	s, err := inputString("Quarter", v)
	if err != nil {
		return creditdesk.Quarter{}, err
	}
	q, err := creditdesk.ParseQuarter(s)
	if err != nil {
		return q, creditdesk.Errorf(creditdesk.EINVALID, "Quarter: %q: %v", s, err)
	}
	return q, nil
}

// MarshalInt64ID writes a numeric identifier as the GraphQL spec says an ID
// is serialised: a string.
func MarshalInt64ID(id int64) graphql.Marshaler { return quoted(strconv.FormatInt(id, 10)) }

// UnmarshalInt64ID reads an ID given as a string or an integer.
func UnmarshalInt64ID(v any) (int64, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	default:
		return 0, creditdesk.Errorf(creditdesk.EINVALID, "ID: %v: not an identifier", v)
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, creditdesk.Errorf(creditdesk.EINVALID, "ID: %q: not an identifier", s)
	}
	return id, nil
}
