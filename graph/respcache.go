package graph

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/sync/singleflight"

	"creditdesk/internal/creditdesk"
)

// ResponseCache answers a query that was answered before, for the same actor
// and with the same variables, from memory — but only while the database is
// in exactly the state the first answer was computed in.
//
// The state is the database's MVCC snapshot (xmin, xmax and the transactions
// in progress), read once per query. Every committed write moves it, whoever
// made it — a mutation of this server, another server, an import, a
// back-dated payment, psql — so a write that could change any figure
// invalidates every cached answer; read-only work leaves it unchanged. An
// answer is therefore never staler than recomputing it would be.
//
// The key also holds the actor (user, role and office: the scope decides
// what a query sees) and the current minute, so that "today" of a query
// without a date moves on. Mutations, answers with errors, answers in
// several parts and answers larger than a tenth of the cache are never kept.
//
// Identical queries that arrive while the first is being computed (a
// dashboard opened by many people at once) wait for it and share its answer
// instead of computing it again each.
type ResponseCache struct {
	// Snapshot returns the database's current snapshot as text.
	Snapshot func(ctx context.Context) (string, error)
	// MaxBytes bounds the size of the kept answers; the least recently
	// used go first.
	MaxBytes int
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	flights singleflight.Group

	mu      sync.Mutex
	entries map[[sha256.Size]byte]*list.Element
	lru     list.List // of *cachedResponse, most recent first
	size    int

	hits, misses int64
}

type cachedResponse struct {
	key      [sha256.Size]byte
	snapshot string
	data     json.RawMessage
}

func (e *cachedResponse) bytes() int { return len(e.data) + len(e.snapshot) + 2*sha256.Size + 64 }

// around is the operation middleware (graph.NewHandler installs it).
func (c *ResponseCache) around(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	if op == nil || op.Operation == nil || op.Operation.Operation != ast.Query {
		return next(ctx)
	}
	key, ok := c.key(ctx, op)
	if !ok {
		return next(ctx)
	}
	snapshot, err := c.Snapshot(ctx)
	if err != nil {
		return next(ctx)
	}
	if data := c.get(key, snapshot); data != nil {
		return graphql.OneShot(&graphql.Response{Data: data})
	}
	// The first of identical queries computes (the leader); the others wait
	// for its first response and share it when it is a whole answer.
	var leader graphql.ResponseHandler
	v, _, _ := c.flights.Do(string(key[:])+snapshot, func() (any, error) {
		leader = next(ctx)
		resp := leader(ctx)
		if keepable(resp) {
			c.put(key, snapshot, resp.Data)
		}
		return resp, nil
	})
	resp := v.(*graphql.Response)
	if leader != nil {
		first := true
		return func(ctx context.Context) *graphql.Response {
			if first {
				first = false
				return resp
			}
			return leader(ctx)
		}
	}
	if keepable(resp) {
		c.mu.Lock()
		c.hits++
		c.mu.Unlock()
		return graphql.OneShot(&graphql.Response{Data: resp.Data})
	}
	return next(ctx) // the leader failed (or was cancelled): compute
}

// keepable reports whether a response is a whole answer without errors.
// Only such an answer is kept or shared: an incremental (@defer) answer's
// first part is not the answer.
func keepable(resp *graphql.Response) bool {
	return resp != nil && len(resp.Errors) == 0 && resp.Data != nil && len(resp.Extensions) == 0 &&
		resp.HasNext == nil && resp.Label == "" && len(resp.Path) == 0
}

// key identifies a query's answer: the document, the operation, the
// variables, the actor and the minute.
func (c *ResponseCache) key(ctx context.Context, op *graphql.OperationContext) ([sha256.Size]byte, bool) {
	vars, err := json.Marshal(op.Variables) // maps marshal with sorted keys
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	h := sha256.New()
	for _, part := range []string{op.RawQuery, op.OperationName, string(vars), actorKey(creditdesk.ActorFrom(ctx)),
		now().UTC().Format("2006-01-02T15:04")} {
		h.Write([]byte(strconv.Itoa(len(part)))) //nolint:errcheck // hash writes do not fail
		h.Write([]byte{0})                       //nolint:errcheck
		h.Write([]byte(part))                    //nolint:errcheck
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k, true
}

func actorKey(u *creditdesk.User) string {
	if u == nil {
		return "-"
	}
	office := "-"
	if u.OfficeID != nil {
		office = strconv.FormatInt(*u.OfficeID, 10)
	}
	return strconv.FormatInt(u.ID, 10) + "/" + string(u.Role) + "/" + office
}

func (c *ResponseCache) get(key [sha256.Size]byte, snapshot string) json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok || el.Value.(*cachedResponse).snapshot != snapshot {
		c.misses++
		return nil
	}
	c.hits++
	c.lru.MoveToFront(el)
	return el.Value.(*cachedResponse).data
}

func (c *ResponseCache) put(key [sha256.Size]byte, snapshot string, data json.RawMessage) {
	e := &cachedResponse{key: key, snapshot: snapshot, data: data}
	if e.bytes() > c.MaxBytes/10 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[[sha256.Size]byte]*list.Element)
	}
	if old, ok := c.entries[key]; ok {
		c.remove(old)
	}
	c.entries[key] = c.lru.PushFront(e)
	c.size += e.bytes()
	for c.size > c.MaxBytes {
		c.remove(c.lru.Back())
	}
}

func (c *ResponseCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cachedResponse)
	delete(c.entries, e.key)
	c.size -= e.bytes()
}

// Stats returns the number of answers served from memory (kept, or shared
// with an identical query in flight) and of queries that found none, since
// the start.
func (c *ResponseCache) Stats() (hits, misses int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}
