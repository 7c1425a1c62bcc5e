package creditdesk

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// The output types below are exact decimals that know the scale they are shown
// with (DOMAIN.md §0). Values are carried unrounded; the scale is applied once,
// at the edge, when the value is written out (half away from zero).

// Money is an amount of money, shown with 2 decimal places.
type Money struct{ decimal.Decimal }

// Ratio is a plain fraction (a share, margin, utilisation, index), shown with
// 6 decimal places: 0.253125 is 25.3125 %.
type Ratio struct{ decimal.Decimal }

// Score is a score on a 0–100 scale or a number of reward points, shown with 2
// decimal places.
type Score struct{ decimal.Decimal }

// Rate is an exchange or interest rate, shown with 8 decimal places.
type Rate struct{ decimal.Decimal }

// Quantity is a quantity of goods, shown with 3 decimal places.
type Quantity struct{ decimal.Decimal }

// UnitPrice is a price per unit, shown with 4 decimal places.
type UnitPrice struct{ decimal.Decimal }

// Scales of the output types.
const (
	MoneyScale     = 2
	RatioScale     = 6
	ScoreScale     = 2
	RateScale      = 8
	QuantityScale  = 3
	UnitPriceScale = 4
)

// String shows the amount with 2 places.
func (m Money) String() string { return m.StringFixed(MoneyScale) }

// String shows the ratio with 6 places.
func (r Ratio) String() string { return r.StringFixed(RatioScale) }

// String shows the score with 2 places.
func (s Score) String() string { return s.StringFixed(ScoreScale) }

// String shows the rate with 8 places.
func (r Rate) String() string { return r.StringFixed(RateScale) }

// String shows the quantity with 3 places.
func (q Quantity) String() string { return q.StringFixed(QuantityScale) }

// String shows the price with 4 places.
func (p UnitPrice) String() string { return p.StringFixed(UnitPriceScale) }

// NewMoney wraps d as Money.
func NewMoney(d decimal.Decimal) Money { return Money{d} }

// NewRatio wraps d as a Ratio.
func NewRatio(d decimal.Decimal) Ratio { return Ratio{d} }

// NewScore wraps d as a Score.
func NewScore(d decimal.Decimal) Score { return Score{d} }

// RatioOf returns num / den carried at 20 places, or nil when den is zero
// (DOMAIN.md §0: a ratio over zero is null).
func RatioOf(num, den decimal.Decimal) *Ratio {
	if den.IsZero() {
		return nil
	}
	return &Ratio{num.DivRound(den, 20)}
}

// BaseValue values amount at rate in the base currency, rounded to 2 places
// once (DOMAIN.md §0).
func BaseValue(amount, rate decimal.Decimal) decimal.Decimal {
	return amount.Mul(rate).Round(2)
}

// Format prints the output types at their scale with %s and %v, so messages
// show "400.00", not the embedded decimal's "400".
func (m Money) Format(f fmt.State, verb rune) { formatScaled(f, verb, m.Decimal, MoneyScale) }

// Format prints the ratio at its scale; see Money.Format.
func (r Ratio) Format(f fmt.State, verb rune) { formatScaled(f, verb, r.Decimal, RatioScale) }

// Format prints the score at its scale; see Money.Format.
func (s Score) Format(f fmt.State, verb rune) { formatScaled(f, verb, s.Decimal, ScoreScale) }

// Format prints the rate at its scale; see Money.Format.
func (r Rate) Format(f fmt.State, verb rune) { formatScaled(f, verb, r.Decimal, RateScale) }

// Format prints the quantity at its scale; see Money.Format.
func (q Quantity) Format(f fmt.State, verb rune) { formatScaled(f, verb, q.Decimal, QuantityScale) }

// Format prints the price at its scale; see Money.Format.
func (p UnitPrice) Format(f fmt.State, verb rune) { formatScaled(f, verb, p.Decimal, UnitPriceScale) }

func formatScaled(f fmt.State, verb rune, d decimal.Decimal, scale int32) {
	switch verb {
	case 's', 'v':
		fmt.Fprint(f, d.StringFixed(scale))
	case 'q':
		fmt.Fprintf(f, "%q", d.StringFixed(scale))
	default:
		fmt.Fprintf(f, fmt.FormatString(f, verb), d)
	}
}

// DecimalText is d as a client wrote it in plain notation: its digits at the
// scale it was given ("-100.00" stays "-100.00", where d.String() would give
// "-100"), so that an error names the value that was sent.
func DecimalText(d decimal.Decimal) string {
	return d.StringFixed(max(0, -d.Exponent()))
}
