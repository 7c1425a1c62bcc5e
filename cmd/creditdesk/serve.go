package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/uptrace/bun"

	"creditdesk/graph"
	"creditdesk/internal/app"
	"creditdesk/internal/creditdesk"
	"creditdesk/internal/demo"
	"creditdesk/internal/httpapi"
	"creditdesk/internal/postgres"
)

func cmdServe(ctx context.Context, env *environment, args []string) error {
	fs := newFlags("serve")
	addr := fs.String("addr", envOr("ADDR", ":8080"), "listen address")
	debugAddr := fs.String("debug-addr", envOr("DEBUG_ADDR", ""), "when set, serve Go's profiler (/debug/pprof/) on this address, apart from the API")
	defaultCacheMB, err := envInt("RESPONSE_CACHE_MB", 64)
	if err != nil {
		return err
	}
	cacheMB := fs.Int("response-cache-mb", defaultCacheMB,
		"memory for answers to repeated queries, reused while the database is unchanged (0: off)")
	dev := fs.Bool("dev", false, "without DATABASE_URL: use the private cluster under ./.pgdata, migrate it and load the demo data when empty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cacheMB < 0 {
		return fmt.Errorf("serve: --response-cache-mb must be 0 or more, not %d", *cacheMB)
	}
	if os.Getenv("DATABASE_URL") == "" && !*dev {
		return fmt.Errorf("serve: DATABASE_URL is unset (use --dev for the private development cluster)")
	}
	env.open = append(env.open, postgres.Serving())
	db, err := env.database(ctx, *dev)
	if err != nil {
		return err
	}
	if *dev {
		if err := loadDemoWhenEmpty(ctx, env, db); err != nil {
			return err
		}
	}
	if *debugAddr != "" {
		go serveDebug(env, *debugAddr)
	}
	tuneGC()
	return buildServer(env, db, *addr, *cacheMB).Run(ctx)
}

// tuneGC trades memory for CPU unless the operator chose otherwise: the
// heap may grow to 11× the live data between collections (GOGC=1000), under
// a soft limit of 1 GiB for the whole process (GOMEMLIMIT), past which the
// collector runs as often as it needs to. The server's live heap is small
// (tens of MB), and at Go's default (GOGC=100) the collector took a fifth of
// the CPU of a busy server (docs/BENCHMARKS.md). GOGC and GOMEMLIMIT in the
// environment replace either default.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(1000)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}

// serveDebug serves the runtime profiles on their own listener, so they are
// never reachable through the API's address.
func serveDebug(env *environment, addr string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	env.log.Info("serving profiles", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		env.log.Error("profile listener stopped", "err", err)
	}
}

// actorTTL is how long the server reuses the user a token names before
// reading it again: a role change or a deactivation takes effect within it.
const actorTTL = time.Second

// buildServer assembles the HTTP server over db.
func buildServer(env *environment, db *bun.DB, addr string, cacheMB int) *httpapi.Server {
	res := app.NewResolver(db, nil)
	metrics := []prometheus.Collector{collectors.NewDBStatsCollector(db.DB, "creditdesk")}
	if cacheMB > 0 {
		cache := &graph.ResponseCache{Snapshot: postgres.CurrentSnapshot(db), MaxBytes: cacheMB << 20}
		res.ResponseCache = cache
		metrics = append(metrics,
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "creditdesk_response_cache_hits_total",
				Help: "Queries answered from memory (kept, or shared with an identical query in flight)."},
				func() float64 { h, _ := cache.Stats(); return float64(h) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "creditdesk_response_cache_misses_total",
				Help: "Queries that found no answer in memory for the current database snapshot."},
				func() float64 { _, m := cache.Stats(); return float64(m) }))
	}
	actors := &httpapi.ActorCache{Lookup: postgres.UserStore{DB: db}.FindUserByUsername, TTL: actorTTL}
	signer := tokenSigner()
	return httpapi.New(httpapi.Config{
		Addr:       addr,
		GraphQL:    graph.NewHandler(res, env.log),
		Ping:       db.PingContext,
		Log:        env.log,
		Collectors: metrics,
		Actor: func(r *http.Request) (*creditdesk.User, error) {
			// Until access control requires tokens, a request without one
			// acts as the built-in admin (DOMAIN.md §8).
			name := "admin"
			if h := r.Header.Get("Authorization"); h != "" {
				tok, ok := strings.CutPrefix(h, "Bearer ")
				if !ok {
					return nil, creditdesk.Errorf(creditdesk.EUNAUTHENTICATED, "Authorization must be a Bearer token")
				}
				var err error
				if name, err = signer.Verify(tok); err != nil {
					return nil, err
				}
			}
			u, err := actors.User(r.Context(), name)
			if creditdesk.ErrorCode(err) == creditdesk.ENOTFOUND {
				return nil, creditdesk.Errorf(creditdesk.EUNAUTHENTICATED, "user %q does not exist", name)
			}
			return u, err
		},
	})
}

// loadDemoWhenEmpty loads the small demo data set into a database with no
// customers, so `make run` shows something on a fresh machine.
func loadDemoWhenEmpty(ctx context.Context, env *environment, db *bun.DB) error {
	n, err := db.NewSelect().Table("customers").Count(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	env.log.Info("the database is empty: loading the small demo data set")
	opts, err := demoOptions(string(demo.Scale("small")), 1, "")
	if err != nil {
		return err
	}
	return loadDemo(ctx, env, opts)
}

// envInt reads an integer setting from the environment, def when unset.
func envInt(key string, def int) (int, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: not a whole number", key, v)
	}
	return n, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// tokenSigner signs bearer tokens with CREDITDESK_SECRET; a development
// default keeps `make run` working without configuration.
func tokenSigner() httpapi.TokenSigner {
	secret := os.Getenv("CREDITDESK_SECRET")
	if secret == "" {
		secret = "creditdesk-development-secret-change-me"
	}
	return httpapi.TokenSigner{Secret: []byte(secret)}
}
