package scalar_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"creditdesk/graph/scalar"
	"creditdesk/internal/creditdesk"
)

func written(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

func wantBadInput(t *testing.T, in any, err error) {
	t.Helper()
	var de *creditdesk.Error
	if !errors.As(err, &de) || de.Code != creditdesk.EINVALID {
		t.Errorf("%#v: error %v, want a BAD_USER_INPUT *creditdesk.Error", in, err)
	}
}

func TestParseDecimal(t *testing.T) {
	good := []struct {
		in   any
		want string
	}{
		{"0", "0"}, {"-0", "0"}, {"1.5", "1.5"}, {"1.50", "1.5"}, {"-1234.56", "-1234.56"}, {"007", "7"},
		{"123456789012345678", "123456789012345678"}, {"0.1234567890", "0.123456789"},
		{"123456789012345678.1234567890", "123456789012345678.123456789"},
		{json.Number("0.1"), "0.1"}, {json.Number("-42"), "-42"},
		{int64(-9), "-9"}, {int(12), "12"}, {int32(7), "7"},
	}
	for _, tc := range good {
		d, err := scalar.ParseDecimal(tc.in)
		if err != nil {
			t.Errorf("%#v: %v", tc.in, err)
			continue
		}
		if !d.Equal(decimal.RequireFromString(tc.want)) {
			t.Errorf("%#v = %s, want %s", tc.in, d, tc.want)
		}
	}
	bad := []any{
		"", " 1", "1 ", "+1", "1.", ".5", "1e3", "1E3", "0x10", "NaN", "Infinity", "-Infinity", "1,000", "1_000",
		"１", "--1", "1.2.3", "1234567890123456789", "0.12345678901", json.Number("1e2"), json.Number("NaN"),
		1.5, float32(2), 1.0, int64(-9223372036854775808), true, nil, []any{"1"}, map[string]any{},
	}
	for _, in := range bad {
		_, err := scalar.ParseDecimal(in)
		wantBadInput(t, in, err)
	}
	_, err := scalar.ParseDecimal(1.5)
	if err == nil || !strings.Contains(err.Error(), "send decimals as strings") {
		t.Errorf("a float's error %v does not say to send strings", err)
	}
}

// plainDecimal is API.md's input grammar written out by hand (independently
// of the package's regular expression): an optional minus, 1–18 digits, and
// optionally a point and 1–10 digits. It returns the digits after the point.
func plainDecimal(s string) (frac string, ok bool) {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasPoint := strings.Cut(s, ".")
	digits := func(p string, max int) bool {
		if len(p) < 1 || len(p) > max {
			return false
		}
		for _, r := range p {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	if !digits(intPart, 18) || hasPoint && !digits(frac, 10) {
		return "", false
	}
	return frac, true
}

// canonical writes a valid input the way a decimal prints at the input's
// scale: no leading zeros, no sign on zero.
func canonical(s string) string {
	neg := strings.HasPrefix(s, "-")
	intPart, frac, hasPoint := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	out := intPart
	if hasPoint {
		out += "." + frac
	}
	if neg && strings.Trim(intPart+frac, "0") != "" {
		out = "-" + out
	}
	return out
}

// FuzzParseDecimal: every input the grammar allows parses and prints back to
// the same value at its own scale; every other input is refused with a
// BAD_USER_INPUT *creditdesk.Error, as a string and as a JSON number alike.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-0", "-0.00", "1.50", "007.10", "123456789012345678.1234567890", "1e3", "NaN",
		"Infinity", " 1", "1.", ".5", "+1", "1234567890123456789", "0.12345678901", "１", "-", "", "9.9999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		frac, valid := plainDecimal(s)
		for _, in := range []any{s, json.Number(s)} {
			d, err := scalar.ParseDecimal(in)
			if err != nil {
				var de *creditdesk.Error
				if !errors.As(err, &de) || de.Code != creditdesk.EINVALID {
					t.Fatalf("%#v: error %v is not BAD_USER_INPUT", in, err)
				}
				if valid {
					t.Fatalf("%#v: a plain decimal was refused: %v", in, err)
				}
				continue
			}
			if !valid {
				t.Fatalf("%#v: accepted, but it is not a plain decimal", in)
			}
			if got, want := d.StringFixed(int32(len(frac))), canonical(s); got != want {
				t.Fatalf("%#v: prints back as %q, want %q", in, got, want)
			}
		}
	})
}

func TestDecimalOutputsHaveTheirScale(t *testing.T) {
	for _, tc := range []struct {
		m    graphql.Marshaler
		want string
	}{
		{scalar.MarshalMoney(creditdesk.NewMoney(decimal.RequireFromString("1.5"))), `"1.50"`},
		{scalar.MarshalMoney(creditdesk.Money{}), `"0.00"`},
		{scalar.MarshalMoney(creditdesk.NewMoney(decimal.RequireFromString("2.675"))), `"2.68"`},   // half away from zero
		{scalar.MarshalMoney(creditdesk.NewMoney(decimal.RequireFromString("-0.005"))), `"-0.01"`}, // half away from zero
		{scalar.MarshalMoney(creditdesk.NewMoney(decimal.RequireFromString("1234567.1"))), `"1234567.10"`},
		{scalar.MarshalRatio(creditdesk.NewRatio(decimal.RequireFromString("0.253125"))), `"0.253125"`},
		{scalar.MarshalRatio(creditdesk.NewRatio(decimal.RequireFromString("0.1234565"))), `"0.123457"`},
		{scalar.MarshalScore(creditdesk.NewScore(decimal.NewFromInt(80))), `"80.00"`},
		{scalar.MarshalRate(creditdesk.Rate{Decimal: decimal.RequireFromString("7.1")}), `"7.10000000"`},
	} {
		if got := written(tc.m); got != tc.want {
			t.Errorf("wrote %s, want %s", got, tc.want)
		}
	}
}

// The output types write what decimal.StringFixed writes, for values at
// their own scale (written without big.Int arithmetic), at fewer places, at
// more (rounded), with positive exponents, beyond an int64 and around zero.
func TestDecimalOutputsMatchStringFixed(t *testing.T) {
	marshalers := []struct {
		name   string
		places int32
		m      func(decimal.Decimal) graphql.Marshaler
	}{
		{"Money", creditdesk.MoneyScale, func(d decimal.Decimal) graphql.Marshaler { return scalar.MarshalMoney(creditdesk.NewMoney(d)) }},
		{"Ratio", creditdesk.RatioScale, func(d decimal.Decimal) graphql.Marshaler { return scalar.MarshalRatio(creditdesk.NewRatio(d)) }},
		{"Score", creditdesk.ScoreScale, func(d decimal.Decimal) graphql.Marshaler { return scalar.MarshalScore(creditdesk.NewScore(d)) }},
		{"Rate", creditdesk.RateScale, func(d decimal.Decimal) graphql.Marshaler { return scalar.MarshalRate(creditdesk.Rate{Decimal: d}) }},
		{"Quantity", creditdesk.QuantityScale, func(d decimal.Decimal) graphql.Marshaler {
			return scalar.MarshalQuantity(creditdesk.Quantity{Decimal: d})
		}},
		{"UnitPrice", creditdesk.UnitPriceScale, func(d decimal.Decimal) graphql.Marshaler {
			return scalar.MarshalUnitPrice(creditdesk.UnitPrice{Decimal: d})
		}},
	}
	values := []decimal.Decimal{
		{}, decimal.New(0, -2), decimal.New(0, 3), decimal.New(5, -3), decimal.New(-5, -3),
		decimal.New(1, -8), decimal.New(-1, -8), decimal.New(123456789012345678, -2),
		decimal.New(-123456789012345678, -2), decimal.New(999999999999999999, 0),
		decimal.New(1, 17), decimal.New(12, 3), decimal.New(-7, 0),
		decimal.RequireFromString("99999999999999999999.99"),
		decimal.RequireFromString("-0.0000000000000000000001"),
		decimal.RequireFromString("0.33333333333333333333"),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		c := rng.Int64N(2_000_000_000_000) - 1_000_000_000_000
		if rng.IntN(3) == 0 {
			c = rng.Int64N(2000) - 1000
		}
		values = append(values, decimal.New(c, int32(rng.IntN(14))-10))
	}
	for _, m := range marshalers {
		for _, d := range values {
			want := `"` + d.StringFixed(m.places) + `"`
			if got := written(m.m(d)); got != want {
				t.Errorf("%s(%s) wrote %s, want %s", m.name, d, got, want)
			}
		}
	}
}

func TestDateMonthQuarter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" = refused
	}{
		{"2024-02-29", "2024-02-29"}, {"2025-02-28", "2025-02-28"}, {"2025-02-29", ""}, {"2025-02-30", ""},
		{"2025-04-31", ""}, {"2025-13-01", ""}, {"2025-00-10", ""}, {"2025-1-01", ""}, {"20250101", ""},
		{"2025-01-01T00:00:00Z", ""}, {" 2025-01-01", ""}, {"", ""},
	} {
		d, err := scalar.UnmarshalDate(tc.in)
		switch {
		case tc.want == "":
			wantBadInput(t, tc.in, err)
		case err != nil || d.String() != tc.want || written(scalar.MarshalDate(d)) != `"`+tc.want+`"`:
			t.Errorf("Date %q = %v, %v; want %s", tc.in, d, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"2025-07", "2025-07"}, {"2025-12", "2025-12"}, {"2025-13", ""}, {"2025-00", ""}, {"2025-7", ""}, {"2025/07", ""},
	} {
		m, err := scalar.UnmarshalMonth(tc.in)
		switch {
		case tc.want == "":
			wantBadInput(t, tc.in, err)
		case err != nil || m.String() != tc.want:
			t.Errorf("Month %q = %v, %v", tc.in, m, err)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"2025Q1", "2025Q1"}, {"2025Q4", "2025Q4"}, {"2025Q5", ""}, {"2025Q0", ""}, {"2025q1", ""}, {"25Q1", ""},
	} {
		q, err := scalar.UnmarshalQuarter(tc.in)
		switch {
		case tc.want == "":
			wantBadInput(t, tc.in, err)
		case err != nil || q.String() != tc.want:
			t.Errorf("Quarter %q = %v, %v", tc.in, q, err)
		}
	}
	for _, in := range []any{20250101, nil, 2.5} {
		_, err := scalar.UnmarshalDate(in)
		wantBadInput(t, in, err)
	}
}
