// Package httpapi serves creditdesk over HTTP: GraphQL at /graphql (POST and
// GET), GraphiQL at /, liveness at /healthz, readiness at /readyz and
// Prometheus metrics at /metrics, with structured request logs and a graceful
// shutdown.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"creditdesk/internal/creditdesk"
)

// Config configures the server.
type Config struct {
	Addr string
	// GraphQL is the GraphQL handler (graph.NewHandler).
	GraphQL http.Handler
	// Ping checks that the database answers (readiness).
	Ping func(ctx context.Context) error
	// Actor resolves the acting user of a request: the bearer token's user,
	// or the built-in admin until access control requires tokens. A returned
	// *creditdesk.Error is answered with its code.
	Actor func(r *http.Request) (*creditdesk.User, error)
	Log   *slog.Logger
	// Collectors are exported at /metrics with the server's own (the
	// connection pool's statistics, the response cache's counters).
	Collectors []prometheus.Collector
}

// Server is the HTTP server.
type Server struct {
	cfg  Config
	http *http.Server
	reg  *prometheus.Registry
	reqs *prometheus.HistogramVec
}

// New builds the server's routes.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, reg: prometheus.NewRegistry()}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.reg.MustRegister(cfg.Collectors...)
	s.reqs = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "creditdesk_http_request_duration_seconds",
		Help:    "HTTP request latency by route and status.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
	}, []string{"route", "status"})
	s.reg.MustRegister(s.reqs)

	mux := http.NewServeMux()
	mux.Handle("/graphql", s.instrument("/graphql", s.withActor(cfg.GraphQL)))
	mux.Handle("GET /{$}", playground.Handler("creditdesk", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n")) //nolint:errcheck
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := cfg.Ping(ctx); err != nil {
			cfg.Log.WarnContext(ctx, "not ready", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n")) //nolint:errcheck
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	s.http = &http.Server{
		Addr:              cfg.Addr,
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	return s
}

// Handler returns the server's routes (tests serve them with httptest).
func (s *Server) Handler() http.Handler { return s.http.Handler }

// Run serves until ctx is cancelled, then shuts down gracefully, letting
// requests in flight finish for up to 20 seconds.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.cfg.Log.Info("serving", "addr", ln.Addr().String(), "graphiql", "http://"+displayAddr(ln.Addr())+"/")
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.cfg.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func displayAddr(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok && (t.IP.IsUnspecified() || t.IP == nil) {
		return "localhost:" + strconv.Itoa(t.Port)
	}
	return a.String()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		d := time.Since(start)
		s.reqs.WithLabelValues(route, strconv.Itoa(sw.status)).Observe(d.Seconds())
		s.cfg.Log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"duration_ms", d.Milliseconds(), "remote", r.RemoteAddr)
	})
}

func (s *Server) withActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Actor == nil {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.cfg.Actor(r)
		if err != nil {
			writeGraphQLError(w, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(creditdesk.WithActor(r.Context(), u)))
	})
}

// writeGraphQLError answers a request refused before execution in the GraphQL
// response shape, with the domain code in extensions.
func writeGraphQLError(w http.ResponseWriter, err error) {
	code := creditdesk.ErrorCode(err)
	status := http.StatusInternalServerError
	if code == creditdesk.EUNAUTHENTICATED {
		status = http.StatusUnauthorized
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	msg := strconv.Quote(creditdesk.ErrorMessage(err))
	w.Write([]byte(`{"errors":[{"message":` + msg + `,"extensions":{"code":"` + code + `"}}]}`)) //nolint:errcheck
}
