package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestResponseCacheStaysWithinItsBytes: the least recently used answers go
// first, and an answer over a tenth of the cache is not kept.
func TestResponseCacheStaysWithinItsBytes(t *testing.T) {
	c := &ResponseCache{MaxBytes: 10_000}
	data := bytes.Repeat([]byte("x"), 800) // 800 + 2·32 + 64 + len("s") bytes kept
	key := func(i int) [sha256.Size]byte { return sha256.Sum256([]byte{byte(i)}) }
	for i := range 10 {
		c.put(key(i), "s", data)
	}
	if c.get(key(0), "s") == nil {
		t.Fatal("ten answers of 929 bytes do not fit in 10,000")
	}
	c.put(key(10), "s", data) // evicts key 1: key 0 was just used
	if c.get(key(1), "s") != nil || c.get(key(0), "s") == nil || c.get(key(10), "s") == nil {
		t.Error("the least recently used answer was not the one dropped")
	}
	if c.size > c.MaxBytes || len(c.entries) != 10 || c.lru.Len() != 10 {
		t.Errorf("size %d of %d, %d entries, %d in the list", c.size, c.MaxBytes, len(c.entries), c.lru.Len())
	}
	c.put(key(11), "s", bytes.Repeat([]byte("x"), 1000))
	if c.get(key(11), "s") != nil {
		t.Error("an answer over a tenth of the cache was kept")
	}
	c.put(key(0), "t", data) // the same key under a new snapshot replaces the old answer
	if c.get(key(0), "s") != nil || c.get(key(0), "t") == nil || len(c.entries) != 10 {
		t.Errorf("replacing an answer: %d entries", len(c.entries))
	}
}

// TestIdenticalQueriesInFlightShareOneComputation: queries that arrive while
// an identical one is computed wait for it and share its answer; a failed
// computation is not shared.
func TestIdenticalQueriesInFlightShareOneComputation(t *testing.T) {
	c := &ResponseCache{MaxBytes: 1 << 20, Snapshot: func(context.Context) (string, error) { return "s", nil }}
	op := &graphql.OperationContext{RawQuery: "{ abcAnalysis }", Operation: &ast.OperationDefinition{Operation: ast.Query}}
	ctx := graphql.WithOperationContext(context.Background(), op)
	var computed atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	next := func(ctx context.Context) graphql.ResponseHandler {
		if computed.Add(1) == 1 {
			close(started)
		}
		<-release
		return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`{"abcAnalysis":1}`)})
	}
	var wg sync.WaitGroup
	answers := make([]string, 8)
	ask := func(i int) {
		defer wg.Done()
		answers[i] = string(c.around(ctx, next)(ctx).Data)
	}
	wg.Add(1)
	go ask(0)
	<-started
	for i := 1; i < 8; i++ {
		wg.Add(1)
		go ask(i) // waits for the first, or finds its kept answer
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times, want 1", n)
	}
	for i, a := range answers {
		if a != `{"abcAnalysis":1}` {
			t.Errorf("answer %d: %q", i, a)
		}
	}

	failing := func(ctx context.Context) graphql.ResponseHandler {
		computed.Add(1)
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{Message: "cancelled"}}})
	}
	op.RawQuery = "{ other }"
	for range 2 {
		if r := c.around(ctx, failing)(ctx); len(r.Errors) != 1 {
			t.Fatalf("failed computation: %+v", r)
		}
	}
	if n := computed.Load(); n != 3 {
		t.Errorf("a failed answer was reused: %d computations, want 3", n)
	}
}
