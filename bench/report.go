package bench

import (
	"fmt"
	"sort"
	"strings"
)

// Markdown renders the results as the tables of docs/BENCHMARKS.md: per
// query and concurrency, requests/s and p50/p95/p99 latencies of creditdesk,
// the floor and the peer, with creditdesk's p50 over the floor's and its
// throughput over the peer's.
func Markdown(r *Results) string {
	var b strings.Builder
	cache := "off"
	if r.Load.ResponseCacheMB > 0 {
		cache = fmt.Sprintf("%d MB", r.Load.ResponseCacheMB)
	}
	fmt.Fprintf(&b, "Scale `%s` (seed %d, history to %s), %s; warm-up %gs, %gs measured per target and concurrency in %gs slices taken in turn; creditdesk's response cache %s.\n\n",
		r.Scale, r.Seed, r.End, r.Started.Format("2006-01-02 15:04 UTC"), r.Load.WarmupSecs, r.Load.DurationSecs, r.Load.SliceSecs, cache)
	b.WriteString("| query | c | creditdesk req/s | p50 / p95 / p99 ms | floor req/s | p50 / p95 / p99 ms | peer req/s | p50 / p95 / p99 ms | cd p50 ÷ floor p50 | cd req/s ÷ peer req/s |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, q := range r.Queries {
		if len(q.Stats) == 0 {
			fmt.Fprintf(&b, "| %s | | %s | | | | | | | |\n", q.Name, statusCell(q))
			continue
		}
		var concs []int
		for c := range q.Stats {
			concs = append(concs, c)
		}
		sort.Ints(concs)
		for _, c := range concs {
			st := q.Stats[c]
			cd, fl, pe := st[targetCreditdesk], st[targetFloor], st[targetPeer]
			name := q.Name
			if q.Status != StatusOK {
				name += " (" + q.Status + ")"
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, c,
				rps(cd), lat(cd), rps(fl), lat(fl), rps(pe), lat(pe),
				ratio(cd, fl, func(s *Stats) float64 { return s.P50ms }),
				ratio(cd, pe, func(s *Stats) float64 { return s.RPS }))
		}
	}
	var notes []string
	for _, q := range r.Queries {
		if q.Status != StatusOK {
			notes = append(notes, fmt.Sprintf("* `%s`: %s — %s", q.Name, q.Status, strings.Join(q.Detail, "; ")))
		}
		if q.PeerStatus != StatusOK && q.PeerStatus != peerStatusNotTaken && q.PeerStatus != "" {
			notes = append(notes, fmt.Sprintf("* `%s` peer: %s — %s", q.Name, q.PeerStatus, q.PeerDetail))
		}
		for _, c := range []int{1, 8} {
			for _, t := range []string{targetCreditdesk, targetFloor, targetPeer} {
				if s := q.Stats[c][t]; s != nil && s.Errors > 0 {
					notes = append(notes, fmt.Sprintf("* `%s` %s c=%d: %d errors, first: %s", q.Name, t, c, s.Errors, s.FirstError))
				}
			}
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
	}
	return b.String()
}

func statusCell(q *QueryResult) string {
	s := q.Status
	if len(q.Detail) > 0 {
		s += ": " + strings.ReplaceAll(q.Detail[0], "|", "/")
	}
	if len(s) > 140 {
		s = s[:137] + "..."
	}
	return s
}

func rps(s *Stats) string {
	if s == nil || s.Requests == 0 {
		return "–"
	}
	if s.RPS >= 100 {
		return fmt.Sprintf("%.0f", s.RPS)
	}
	return fmt.Sprintf("%.1f", s.RPS)
}

func lat(s *Stats) string {
	if s == nil || s.Requests == 0 {
		return "–"
	}
	return fmt.Sprintf("%s / %s / %s", msf(s.P50ms), msf(s.P95ms), msf(s.P99ms))
}

func msf(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func ratio(a, b *Stats, f func(*Stats) float64) string {
	if a == nil || b == nil || a.Requests == 0 || b.Requests == 0 || f(b) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", f(a)/f(b))
}
