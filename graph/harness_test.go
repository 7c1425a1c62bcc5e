package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"creditdesk/graph"
	"creditdesk/internal/app"
	"creditdesk/internal/creditdesk"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// api serves the whole GraphQL API as the server wires it —
// app.NewResolver behind graph.NewHandler, which installs the request
// loaders per operation itself — over a fresh database.
type api struct {
	t     *testing.T
	db    *bun.DB
	srv   http.Handler
	clock creditdesk.Clock
}

// apiConfig is what an apiOption may change.
type apiConfig struct {
	clock creditdesk.Clock
	cache *graph.ResponseCache
}

// An apiOption changes how newAPI builds the API.
type apiOption func(*apiConfig)

// frozenAt freezes the clock at t instead of the default, 2025-06-30 10:00
// in Shanghai.
func frozenAt(t time.Time) apiOption {
	return func(c *apiConfig) { c.clock = func() time.Time { return t } }
}

// cachedBy serves repeated queries from c, as `creditdesk serve` does (its
// Snapshot is set to the test database's).
func cachedBy(c *graph.ResponseCache) apiOption {
	return func(cfg *apiConfig) { cfg.cache = c }
}

func newAPI(t *testing.T, opts ...apiOption) *api {
	t.Helper()
	cfg := apiConfig{clock: func() time.Time { return time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC) }}
	for _, o := range opts {
		o(&cfg)
	}
	db := pgtest.New(t)
	res := app.NewResolver(db, cfg.clock)
	if cfg.cache != nil {
		cfg.cache.Snapshot = postgres.CurrentSnapshot(db)
		res.ResponseCache = cfg.cache
	}
	h := graph.NewHandler(res, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return &api{t: t, db: db, srv: h, clock: cfg.clock}
}

// reference serves the same database with the same clock as a.srv, with
// every list rendered by gqlgen's executor and every response written by
// gqlgen's transport: what the server's own rendering and writing are held
// to.
func (a *api) reference() http.Handler {
	return graph.NewReferenceHandler(app.NewResolver(a.db, a.clock), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// newPost is a GraphQL request over HTTP POST carrying body.
func newPost(body io.Reader) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/graphql", body)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// exec runs SQL (with bun's ?0 placeholders for args) against the test
// database.
func (a *api) exec(sql string, args ...any) {
	a.t.Helper()
	if _, err := a.db.NewRaw(sql, args...).Exec(a.t.Context()); err != nil {
		a.t.Fatalf("%s: %v", sql, err)
	}
}

// requestConfig is what a requestOption may add to one request.
type requestConfig struct {
	vars    map[string]any
	counter *postgres.StatementCounter
	actor   *creditdesk.User
}

// A requestOption adds something to one request.
type requestOption func(*requestConfig)

// withVars sends vars as the request's variables.
func withVars(vars map[string]any) requestOption {
	return func(c *requestConfig) { c.vars = vars }
}

// countedBy counts every SQL statement the request sends in c.
func countedBy(c *postgres.StatementCounter) requestOption {
	return func(r *requestConfig) { r.counter = c }
}

// as sends the request as u (as the server does for a bearer token).
func as(u *creditdesk.User) requestOption {
	return func(r *requestConfig) { r.actor = u }
}

// response is a GraphQL response as a client reads it, with its raw body.
type response struct {
	raw    string
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// errorCodes lists the extensions.code of each error.
func (r *response) errorCodes() []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, fmt.Sprint(e.Extensions["code"]))
	}
	return out
}

// code returns the first error's extensions.code, "" without errors.
func (r *response) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// at decodes the data (numbers as json.Number) and walks it by path, as
// jsonAt does.
func (r *response) at(path string) any {
	var v any
	if len(r.Data) > 0 {
		dec := json.NewDecoder(bytes.NewReader(r.Data))
		dec.UseNumber()
		_ = dec.Decode(&v) // the body was already decoded once: valid JSON
	}
	return jsonAt(v, path)
}

// post sends a GraphQL request through the handler and decodes the response.
func (a *api) post(query string, opts ...requestOption) *response {
	a.t.Helper()
	var cfg requestConfig
	for _, o := range opts {
		o(&cfg)
	}
	raw := postTo(a.srv, query, cfg)
	resp := response{raw: raw}
	if err := json.Unmarshal([]byte(raw), &resp); err != nil {
		a.t.Fatalf("response %q: %v", raw, err)
	}
	return &resp
}

// postTo sends one GraphQL request to h and returns the response body as
// written.
func postTo(h http.Handler, query string, cfg requestConfig) string {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": cfg.vars})
	req := newPost(bytes.NewReader(body))
	if cfg.counter != nil {
		req = req.WithContext(postgres.WithStatementCounter(req.Context(), cfg.counter))
	}
	if cfg.actor != nil {
		req = req.WithContext(creditdesk.WithActor(req.Context(), cfg.actor))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Body.String()
}

// data runs a request that must succeed and decodes its data into v.
func (a *api) data(query string, vars map[string]any, v any) {
	a.t.Helper()
	resp := a.post(query, withVars(vars))
	if len(resp.Errors) > 0 {
		a.t.Fatalf("errors: %+v", resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, v); err != nil {
		a.t.Fatal(err)
	}
}

// jsonAt walks a decoded JSON value by keys and indexes ("rows.0.sales").
func jsonAt(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			fmt.Sscan(p, &i)
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// refusal is how the API must refuse a request: exactly one error, with
// code, and no data but nulls. For a field error of the domain, field and
// value are what extensions.field must say and the message must open with
// (`field: "value": `); without field, the message must mention value (when
// given). For an error of the schema's own coercion, which knows no
// extensions.field, path is the last element of the error's path. mentions
// are further figures the message must name.
type refusal struct {
	code, field, value, path string
	mentions                 []string
}

// wantRefusal fails unless r is the refusal want describes.
func (r *response) wantRefusal(t *testing.T, want refusal) {
	t.Helper()
	if len(r.Errors) != 1 || r.code() != want.code {
		t.Errorf("want exactly one %s error, got %s", want.code, r.raw)
		return
	}
	e := r.Errors[0]
	switch {
	case want.field != "":
		prefix := fmt.Sprintf("%s: %q: ", want.field, want.value)
		if !strings.HasPrefix(e.Message, prefix) || e.Extensions["field"] != want.field {
			t.Errorf("want a message opening %q and extensions.field %q, got %s", prefix, want.field, r.raw)
		}
	case want.value != "":
		if !strings.Contains(e.Message, want.value) {
			t.Errorf("want a message mentioning %q, got %s", want.value, r.raw)
		}
	}
	if want.path != "" {
		if n := len(e.Path); n == 0 || e.Path[n-1] != want.path {
			t.Errorf("error path %v does not end with %q (%s)", e.Path, want.path, r.raw)
		}
	}
	for _, m := range want.mentions {
		if !strings.Contains(e.Message, m) {
			t.Errorf("message %q does not mention %q", e.Message, m)
		}
	}
	if d := strings.TrimSpace(string(r.Data)); d != "" && d != "null" && !strings.HasSuffix(d, ":null}") {
		t.Errorf("data beside the error: %s", d)
	}
}

// mustCreateUser adds a user of role in office (none when "") and returns
// it as a request's actor.
func (a *api) mustCreateUser(username string, role creditdesk.Role, office string) *creditdesk.User {
	a.t.Helper()
	u := new(creditdesk.User)
	if err := a.db.NewRaw(`INSERT INTO users (username, name, role, office_id)
		VALUES (?, ?, ?, (SELECT id FROM offices WHERE code = ?))
		RETURNING id, username, name, role, office_id`, username, username, string(role), office).
		Scan(a.t.Context(), u); err != nil {
		a.t.Fatal(err)
	}
	return u
}
