package bench

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"
)

// LoadOptions shape a measurement.
type LoadOptions struct {
	// Warmup is run once per query and target, at the highest concurrency,
	// before anything is measured.
	Warmup time.Duration
	// Duration is the measured time per query, target and concurrency,
	// split into slices of Slice taken in turn by the targets, so that a
	// drift of the machine's speed hits all of them alike.
	Duration time.Duration
	Slice    time.Duration
	// Concurrency levels, e.g. 1 and 8.
	Concurrency []int
	// MaxRequests bounds the requests of one slice (a safety stop).
	MaxRequests int
}

// Stats are one target's measurement of one query at one concurrency.
type Stats struct {
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	Seconds    float64 `json:"seconds"`
	RPS        float64 `json:"rps"`
	P50ms      float64 `json:"p50_ms"`
	P95ms      float64 `json:"p95_ms"`
	P99ms      float64 `json:"p99_ms"`
	Maxms      float64 `json:"max_ms"`
	Bytes      int64   `json:"bytes_per_answer"`
}

// Measure runs targets (by name) at each concurrency of o, in alternating
// slices, after warming each up, and returns the stats by concurrency and
// target name. It stops early, with what it has, when ctx ends.
func Measure(ctx context.Context, targets map[string]Target, order []string, o LoadOptions) map[int]map[string]*Stats {
	maxConc := slices.Max(o.Concurrency)
	for _, name := range order {
		if ctx.Err() != nil {
			break
		}
		runSlice(ctx, targets[name], maxConc, o.Warmup, o.MaxRequests)
	}
	out := map[int]map[string]*Stats{}
	for _, conc := range o.Concurrency {
		lat := map[string][]time.Duration{}
		res := map[string]*Stats{}
		for _, name := range order {
			res[name] = &Stats{}
		}
		slices_ := int(math.Ceil(float64(o.Duration) / float64(o.Slice)))
		for i := 0; i < slices_ && ctx.Err() == nil; i++ {
			// Rotate who goes first, so no target always follows another.
			for j := range order {
				name := order[(i+j)%len(order)]
				r := runSlice(ctx, targets[name], conc, o.Slice, o.MaxRequests)
				s := res[name]
				s.Requests += len(r.lat)
				s.Errors += r.errors
				if s.FirstError == "" && r.firstErr != nil {
					s.FirstError = r.firstErr.Error()
				}
				s.Seconds += r.elapsed.Seconds()
				if r.bytes > 0 {
					s.Bytes = r.bytes
				}
				lat[name] = append(lat[name], r.lat...)
			}
		}
		for name, s := range res {
			l := lat[name]
			slices.Sort(l)
			if s.Seconds > 0 {
				s.RPS = float64(s.Requests) / s.Seconds
			}
			s.P50ms, s.P95ms, s.P99ms = pct(l, 0.50), pct(l, 0.95), pct(l, 0.99)
			if len(l) > 0 {
				s.Maxms = ms(l[len(l)-1])
			}
		}
		out[conc] = res
	}
	return out
}

type sliceResult struct {
	lat      []time.Duration
	errors   int
	firstErr error
	elapsed  time.Duration
	bytes    int64
}

// runSlice keeps conc requests in flight for d (a request started before the
// deadline is finished and counted), at most maxReq in all.
func runSlice(ctx context.Context, t Target, conc int, d time.Duration, maxReq int) sliceResult {
	var (
		mu  sync.Mutex
		res sliceResult
		wg  sync.WaitGroup
		n   int
	)
	start := time.Now()
	deadline := start.Add(d)
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			for ctx.Err() == nil && time.Now().Before(deadline) {
				mu.Lock()
				if n >= maxReq {
					mu.Unlock()
					break
				}
				n++
				mu.Unlock()
				t0 := time.Now()
				b, err := t.Do(ctx)
				el := time.Since(t0)
				if err != nil {
					mu.Lock()
					res.errors++
					if res.firstErr == nil && ctx.Err() == nil {
						res.firstErr = err
					}
					mu.Unlock()
					// An error is usually immediate: do not spin on it.
					time.Sleep(10 * time.Millisecond)
					continue
				}
				local = append(local, el)
				if len(local) == 1 {
					mu.Lock()
					res.bytes = int64(len(b))
					mu.Unlock()
				}
			}
			mu.Lock()
			res.lat = append(res.lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func pct(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	if i < 0 {
		i = 0
	}
	return ms(sorted[i])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
