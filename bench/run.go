package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"creditdesk/internal/demo"
	"creditdesk/internal/devdb"
	"creditdesk/internal/pgtest"
)

// Options configure a run of the suite.
type Options struct {
	Data DataSet
	Load LoadOptions
	// Only restricts the suite to these queries (all when empty).
	Only []string
	// NoPeer leaves PostGraphile out.
	NoPeer bool
	// PeerWorkers is the number of node processes of the peer.
	PeerWorkers int
	// ResponseCacheMB is creditdesk's response cache (0: off, so that every
	// request is computed, as the floor's and the peer's are).
	ResponseCacheMB int
	// CheckOnly checks the answers and measures nothing.
	CheckOnly bool
	// ResultsDir receives the results JSON and the Markdown table.
	ResultsDir string
	// Rebuild drops and rebuilds the data set's template first.
	Rebuild bool
	Logf    func(string, ...any)
}

// Status of a query in a run.
const (
	StatusOK           = "ok"
	StatusMismatch     = "MISMATCH"
	StatusUnavailable  = "not available"
	StatusError        = "error"
	targetCreditdesk   = "creditdesk"
	targetFloor        = "floor"
	targetPeer         = "peer"
	peerStatusNotTaken = "-"
)

// QueryResult is one query's outcome.
type QueryResult struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// Detail explains a status other than ok: the differences found, the
	// error, what is missing.
	Detail     []string                  `json:"detail,omitempty"`
	PeerStatus string                    `json:"peer_status"`
	PeerDetail string                    `json:"peer_detail,omitempty"`
	Bytes      map[string]int            `json:"answer_bytes,omitempty"`
	Stats      map[int]map[string]*Stats `json:"stats,omitempty"`
	order      []string
	targets    map[string]Target
}

// RunInfo is what every run records about itself: when, on which data set,
// on which machine.
type RunInfo struct {
	Started  time.Time         `json:"started"`
	Finished time.Time         `json:"finished"`
	Scale    string            `json:"scale"`
	Seed     uint64            `json:"seed"`
	End      string            `json:"end"`
	Machine  map[string]string `json:"machine"`
}

func newRunInfo(d DataSet) RunInfo {
	return RunInfo{Started: time.Now().UTC(), Scale: string(d.Scale), Seed: d.Seed, End: d.End.Format(time.DateOnly)}
}

// Results are everything a run measured.
type Results struct {
	RunInfo
	Build  BuildInfo        `json:"build"`
	Sizes  map[string]int64 `json:"sizes"`
	Params Params           `json:"params"`
	Load   struct {
		WarmupSecs   float64 `json:"warmup_seconds"`
		DurationSecs float64 `json:"duration_seconds"`
		SliceSecs    float64 `json:"slice_seconds"`
		Concurrency  []int   `json:"concurrency"`
		PeerWorkers  int     `json:"peer_workers"`
		// ResponseCacheMB is creditdesk's --response-cache-mb.
		ResponseCacheMB int `json:"response_cache_mb"`
	} `json:"load"`
	Queries []*QueryResult `json:"queries"`
}

// Mismatches counts the queries whose floor and creditdesk disagree.
func (r *Results) Mismatches() int {
	n := 0
	for _, q := range r.Queries {
		if q.Status == StatusMismatch {
			n++
		}
	}
	return n
}

// Run runs the suite: data set, database clone, creditdesk, peer, checks,
// measurements, results.
func Run(ctx context.Context, o Options) (*Results, error) {
	logf := o.Logf
	res := &Results{RunInfo: newRunInfo(o.Data)}
	res.Load.WarmupSecs, res.Load.DurationSecs, res.Load.SliceSecs = o.Load.Warmup.Seconds(), o.Load.Duration.Seconds(), o.Load.Slice.Seconds()
	res.Load.Concurrency, res.Load.PeerWorkers = o.Load.Concurrency, o.PeerWorkers
	res.Load.ResponseCacheMB = o.ResponseCacheMB

	suite, err := Suite()
	if err != nil {
		return nil, err
	}
	if suite, err = Select(suite, o.Only); err != nil {
		return nil, err
	}
	root, err := devdb.FindRepoRoot()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "creditdesk-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	// Build creditdesk and install the peer while nothing else runs.
	logf("creditdesk: go build ./cmd/creditdesk")
	bin, err := BuildCreditdesk(ctx, root)
	if err != nil {
		return nil, err
	}
	if !o.NoPeer {
		if err := EnsurePeerInstalled(ctx, root, logf); err != nil {
			return nil, err
		}
	}

	srv, err := pgtest.Default(ctx)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	if o.Rebuild {
		if err := srv.DropDatabase(ctx, o.Data.TemplateName()); err != nil {
			return nil, err
		}
	}
	res.Build, err = EnsureTemplate(ctx, srv, o.Data, logf)
	if err != nil {
		return nil, err
	}
	if !res.Build.Built {
		logf("data: template %s exists", res.Build.Template)
	}
	t := time.Now()
	dbName, err := srv.CloneDatabase(ctx, res.Build.Template)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := srv.DropDatabase(context.WithoutCancel(ctx), dbName); err != nil {
			logf("drop %s: %v", dbName, err)
		}
	}()
	dbURL := srv.URL(dbName)
	logf("data: cloned into %s in %.1fs", dbName, time.Since(t).Seconds())

	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 16
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	if !o.NoPeer {
		if _, err := pool.Exec(ctx, PeerSQL()); err != nil {
			return nil, fmt.Errorf("peer.sql: %w", err)
		}
	}
	if res.Params, err = ResolveParams(ctx, pool); err != nil {
		return nil, err
	}
	if res.Sizes, err = TableSizes(ctx, pool); err != nil {
		return nil, err
	}
	res.Machine = machine(ctx, pool, root, o.NoPeer)

	cd, err := StartCreditdesk(ctx, bin, dbURL, tmp, o.ResponseCacheMB)
	if err != nil {
		return nil, err
	}
	defer cd.Stop()
	var peer *Server
	if !o.NoPeer {
		logf("peer: starting PostGraphile (%d workers, production mode)", o.PeerWorkers)
		if peer, err = StartPeer(ctx, root, dbURL, o.PeerWorkers, tmp); err != nil {
			return nil, err
		}
		defer peer.Stop()
	}

	cdc := NewGraphQLClient(cd.URL)
	fields, err := cdc.QueryFields(ctx)
	if err != nil {
		return nil, fmt.Errorf("creditdesk schema: %w\n%s", err, cd.LogTail())
	}
	var pc *GraphQLClient
	if peer != nil {
		pc = NewGraphQLClient(peer.URL)
	}

	// Check every query first: a mismatch is known before anything is timed.
	for _, q := range suite {
		qr := check(ctx, q, res.Params, fields, cdc, pc, pool, cd.LogTail, o.ResultsDir)
		res.Queries = append(res.Queries, qr)
		logf("check %-30s %s%s", q.Name, qr.Status, peerNote(qr))
		for _, d := range qr.Detail {
			logf("    %s", d)
		}
		if qr.Status == StatusMismatch {
			logf("    !!! MISMATCH: the floor and creditdesk give different figures for %s !!!", q.Name)
		}
	}
	if !o.CheckOnly {
		for _, qr := range res.Queries {
			if qr.targets == nil || ctx.Err() != nil {
				continue
			}
			logf("measure %s (%s)", qr.Name, strings.Join(qr.order, ", "))
			qr.Stats = Measure(ctx, qr.targets, qr.order, o.Load)
		}
	}
	res.Finished = time.Now().UTC()
	if o.ResultsDir != "" {
		if err := writeResults(o.ResultsDir, res); err != nil {
			return res, err
		}
	}
	return res, ctx.Err()
}

func peerNote(qr *QueryResult) string {
	if qr.PeerStatus == peerStatusNotTaken || qr.PeerStatus == "" {
		return ""
	}
	s := "; peer " + qr.PeerStatus
	if qr.PeerDetail != "" {
		s += ": " + qr.PeerDetail
	}
	return s
}

// check asks creditdesk, the floor and the peer once, compares the answers
// and prepares the targets to measure.
func check(ctx context.Context, q Query, p Params, fields map[string]bool, cdc, pc *GraphQLClient, pool *pgxpool.Pool, cdLog func() string, dumpDir string) *QueryResult {
	qr := &QueryResult{Name: q.Name, Title: q.Title, PeerStatus: peerStatusNotTaken, Bytes: map[string]int{}}
	vars, err := p.Vars(q.Vars)
	if err != nil {
		qr.Status, qr.Detail = StatusError, []string{err.Error()}
		return qr
	}
	args, err := p.Args(q.FloorArgs)
	if err != nil {
		qr.Status, qr.Detail = StatusError, []string{err.Error()}
		return qr
	}
	floor := NewFloorTarget(pool, q.FloorSQL, args)
	floorData, err := floor.Do(ctx)
	if err != nil {
		qr.Status, qr.Detail = StatusError, []string{"floor: " + err.Error()}
		return qr
	}
	qr.Bytes[targetFloor] = len(floorData)
	b, err := Decode(floorData)
	if err != nil {
		qr.Status, qr.Detail = StatusError, []string{"floor answer: " + err.Error()}
		return qr
	}
	Normalize(b, q.Unordered)
	// The floor is measured even when creditdesk cannot answer yet: its
	// figures are checked against the worked example by the package's test.
	qr.targets = map[string]Target{targetFloor: floor}
	qr.order = []string{targetFloor}

	var a any
	cdData, err := cdc.Request(ctx, q.GraphQL, vars)
	switch {
	case !fields[q.Field]:
		qr.Status = StatusUnavailable
		qr.Detail = []string{fmt.Sprintf("creditdesk's schema has no Query.%s yet", q.Field)}
	case err != nil:
		qr.Status = StatusError
		if strings.Contains(err.Error(), "Cannot query field") || strings.Contains(err.Error(), "Unknown argument") ||
			strings.Contains(err.Error(), "Unknown type") {
			qr.Status = StatusUnavailable
		}
		qr.Detail = []string{"creditdesk: " + err.Error()}
		if strings.Contains(err.Error(), "INTERNAL") && cdLog != nil {
			qr.Detail = append(qr.Detail, "creditdesk log: "+lastLines(cdLog(), 2))
		}
	default:
		qr.Bytes[targetCreditdesk] = len(cdData)
		if a, err = Decode(cdData); err != nil {
			qr.Status, qr.Detail = StatusError, []string{"creditdesk answer: " + err.Error()}
			return qr
		}
		Normalize(a, q.Unordered)
		if d := Diff(a, b, 8); len(d) > 0 {
			qr.Status = StatusMismatch
			for _, x := range d {
				qr.Detail = append(qr.Detail, "creditdesk vs floor at "+x)
			}
			if dumpDir != "" {
				if err := dumpAnswers(dumpDir, q.Name, a, b); err == nil {
					qr.Detail = append(qr.Detail, "both answers written to "+filepath.Join(dumpDir, q.Name+".{creditdesk,floor}.json"))
				}
			}
		} else {
			qr.Status = StatusOK
		}
		cdTarget, err := NewGraphQLTarget(cdc, q.GraphQL, vars)
		if err != nil {
			qr.Status, qr.Detail = StatusError, []string{err.Error()}
			return qr
		}
		qr.targets[targetCreditdesk] = cdTarget
		qr.order = []string{targetCreditdesk, targetFloor}
	}

	if pc != nil && q.PeerGraphQL != "" {
		pvars, err := p.Vars(q.PeerVars)
		if err != nil {
			qr.PeerStatus, qr.PeerDetail = StatusError, err.Error()
			return qr
		}
		pd, err := pc.Request(ctx, q.PeerGraphQL, pvars)
		if err != nil {
			qr.PeerStatus, qr.PeerDetail = StatusError, err.Error()
			return qr
		}
		qr.Bytes[targetPeer] = len(pd)
		pa, err := Decode(pd)
		if err != nil {
			qr.PeerStatus, qr.PeerDetail = StatusError, err.Error()
			return qr
		}
		qr.PeerStatus = StatusOK
		// The peer's figures are compared with creditdesk's, or with the
		// floor's while creditdesk has no answer.
		ref, refName := a, "creditdesk"
		if ref == nil {
			ref, refName = b, "floor"
			qr.PeerDetail = "figures compared with the floor's (creditdesk gave no answer)"
		}
		if q.PeerCheck != nil {
			if err := q.PeerCheck(ref, pa); err != nil {
				err = fmt.Errorf("%s vs peer: %w", refName, err)
				qr.PeerStatus, qr.PeerDetail = StatusMismatch, err.Error()
			}
		}
		pt, err := NewGraphQLTarget(pc, q.PeerGraphQL, pvars)
		if err != nil {
			qr.PeerStatus, qr.PeerDetail = StatusError, err.Error()
			return qr
		}
		qr.targets[targetPeer] = pt
		qr.order = append(qr.order, targetPeer)
	}
	return qr
}

func machine(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, root string, noPeer bool) map[string]string {
	m := map[string]string{
		"go":   runtime.Version(),
		"cpus": fmt.Sprint(runtime.NumCPU()),
		"os":   runtime.GOOS + "/" + runtime.GOARCH,
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		l, _, _ := strings.Cut(string(b), "\n")
		m["memory"] = strings.Join(strings.Fields(strings.TrimPrefix(l, "MemTotal:")), " ")
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m["kernel"] = strings.TrimSpace(string(b))
	}
	var v string
	if err := db.QueryRow(ctx, "SELECT version()").Scan(&v); err == nil {
		m["postgres"] = v
	}
	for _, s := range []string{"shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"} {
		var x string
		if err := db.QueryRow(ctx, "SELECT current_setting($1)", s).Scan(&x); err == nil {
			m["pg."+s] = x
		}
	}
	if !noPeer {
		m["node"] = NodeVersion(root)
	}
	m["generator"] = demo.GeneratorVersion
	return m
}

func writeResults(dir string, r *Results) error {
	return writeRun(dir, r.Scale, r.RunInfo, r, Markdown(r))
}

// writeRun writes a run's results as PREFIX-TIMESTAMP.json (every number)
// and .md (the table).
func writeRun(dir, prefix string, info RunInfo, v any, markdown string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	base := filepath.Join(dir, prefix+"-"+info.Started.Format("20060102-150405"))
	if err := os.WriteFile(base+".json", b, 0o644); err != nil {
		return err
	}
	return os.WriteFile(base+".md", []byte(markdown), 0o644)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// dumpAnswers writes both normalized answers of a mismatch, indented, for a
// diff tool.
func dumpAnswers(dir, name string, cd, floor any) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for suffix, v := range map[string]any{"creditdesk": cd, "floor": floor} {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name+"."+suffix+".json"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
