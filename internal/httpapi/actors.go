package httpapi

import (
	"context"
	"sync"
	"time"

	"creditdesk/internal/creditdesk"
)

// ActorCache remembers, for a short time, the user a request acts as, so a
// busy server does not read the users table once per request. A change of a
// user's role or office, or a deactivation, takes effect within TTL; a user
// that is not found is not remembered, so a new user can act at once.
type ActorCache struct {
	// Lookup reads the active user with a username (ENOTFOUND when there
	// is none).
	Lookup func(ctx context.Context, username string) (*creditdesk.User, error)
	// TTL is how long a user read is reused.
	TTL time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu    sync.Mutex
	users map[string]cachedActor
}

type cachedActor struct {
	user *creditdesk.User
	at   time.Time
}

// maxCachedActors bounds the cache; usernames come from verified tokens, so
// it is only reached by a very large staff, and then the cache starts over.
const maxCachedActors = 10_000

// User returns the user named username, from the cache while it is fresh.
// Each call gets its own copy.
func (c *ActorCache) User(ctx context.Context, username string) (*creditdesk.User, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	t := now()
	c.mu.Lock()
	e, ok := c.users[username]
	c.mu.Unlock()
	if ok && t.Sub(e.at) < c.TTL {
		u := *e.user
		return &u, nil
	}
	u, err := c.Lookup(ctx, username)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.users == nil || len(c.users) >= maxCachedActors {
		c.users = make(map[string]cachedActor)
	}
	kept := *u
	c.users[username] = cachedActor{user: &kept, at: t}
	c.mu.Unlock()
	return u, nil
}
