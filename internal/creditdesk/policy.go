package creditdesk

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Policy is one version of the company's policy settings (DOMAIN.md §10): a
// whole snapshot of every key, in force from EffectiveFrom until a later
// version takes over. Every computed answer names the version it used.
type Policy struct {
	Version       int
	EffectiveFrom Date
	Settings      map[string]string
}

// Value returns the raw setting, or an error naming a missing key.
func (p *Policy) Value(key string) (string, error) {
	v, ok := p.Settings[key]
	if !ok {
		return "", Errorf(EINTERNAL, "policy version %d has no setting %q", p.Version, key)
	}
	return v, nil
}

// Decimal returns a decimal setting; it panics on a missing or malformed key,
// which the policy's validation on write rules out.
func (p *Policy) Decimal(key string) decimal.Decimal {
	v, err := p.Value(key)
	if err != nil {
		panic(err)
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		panic(fmt.Sprintf("policy version %d: %s: %q is not a decimal", p.Version, key, v))
	}
	return d
}

// Int returns an integer setting; see Decimal.
func (p *Policy) Int(key string) int {
	v, err := p.Value(key)
	if err != nil {
		panic(err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		panic(fmt.Sprintf("policy version %d: %s: %q is not an integer", p.Version, key, v))
	}
	return n
}

// Location returns the policy's time zone ("today" is the date there).
func (p *Policy) Location() *time.Location {
	loc, err := time.LoadLocation(p.Settings["time_zone"])
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// PolicyService reads the policy.
type PolicyService interface {
	// PolicyAt returns the version in force on date d.
	PolicyAt(ctx context.Context, d Date) (*Policy, error)
	// CurrentPolicy returns the latest version.
	CurrentPolicy(ctx context.Context) (*Policy, error)
}
