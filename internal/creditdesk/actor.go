package creditdesk

import (
	"context"
	"time"
)

type actorKey struct{}

// WithActor returns a context in which u is the acting user.
func WithActor(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, actorKey{}, u)
}

// ActorFrom returns the acting user of ctx, or nil.
func ActorFrom(ctx context.Context) *User {
	u, _ := ctx.Value(actorKey{}).(*User)
	return u
}

// SeesAllCustomers reports whether a role's scope is every customer
// (DOMAIN.md §8); a sales rep sees its own customers, a manager its office's.
func (r Role) SeesAllCustomers() bool {
	switch r {
	case RoleGeneralManager, RoleFinance, RoleAnalyst, RoleAuditor:
		return true
	}
	return false
}

// Clock tells the current time; tests inject a fixed one.
type Clock func() time.Time

// Today returns the current calendar date in loc ("today" where a query omits
// its date is the date in the policy's time_zone, DOMAIN.md §10).
func (c Clock) Today(loc *time.Location) Date {
	now := time.Now
	if c != nil {
		now = c
	}
	return DateOf(now().In(loc))
}
