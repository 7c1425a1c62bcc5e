package graph

import (
	"bytes"
	"crypto/sha256"
	"testing"
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
