package httpapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"creditdesk/internal/creditdesk"
)

func TestTokensNameTheirUserAndRefuseForgeries(t *testing.T) {
	s := TokenSigner{Secret: []byte("0123456789abcdef-secret")}
	tok, err := s.Sign("mgr_BJ")
	if err != nil {
		t.Fatal(err)
	}
	if user, err := s.Verify(tok); err != nil || user != "mgr_BJ" {
		t.Fatalf("Verify(own token) = %q, %v", user, err)
	}
	other := TokenSigner{Secret: []byte("another-secret-of-16+")}
	for _, bad := range []string{tok + "x", "bWdyX0JK", "", strings.Replace(tok, "bWdyX0JK", "Z20", 1)} {
		if _, err := s.Verify(bad); creditdesk.ErrorCode(err) != creditdesk.EUNAUTHENTICATED {
			t.Errorf("Verify(%q) = %v, want UNAUTHENTICATED", bad, err)
		}
	}
	if _, err := other.Verify(tok); creditdesk.ErrorCode(err) != creditdesk.EUNAUTHENTICATED {
		t.Errorf("a token signed under another secret was accepted")
	}
	if _, err := (TokenSigner{Secret: []byte("short")}).Sign("x"); err == nil {
		t.Error("a secret under 16 bytes signed a token")
	}
}

func TestProbesAndRefusedActors(t *testing.T) {
	dbDown := errors.New("connection refused")
	var pingErr error
	srv := New(Config{
		GraphQL: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, creditdesk.ActorFrom(r.Context()).Username) //nolint:errcheck
		}),
		Ping: func(context.Context) error { return pingErr },
		Actor: func(r *http.Request) (*creditdesk.User, error) {
			if r.Header.Get("Authorization") != "" {
				return nil, creditdesk.Errorf(creditdesk.EUNAUTHENTICATED, "invalid bearer token")
			}
			return &creditdesk.User{Username: "admin"}, nil
		},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	get := func(path, auth string) (int, string) {
		req := httptest.NewRequest("GET", path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := get("/healthz", ""); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, _ := get("/readyz", ""); code != 200 {
		t.Errorf("/readyz with the database up = %d", code)
	}
	pingErr = dbDown
	if code, body := get("/readyz", ""); code != 503 || strings.Contains(body, "refused") {
		t.Errorf("/readyz with the database down = %d %q (the cause stays in the log)", code, body)
	}
	if code, body := get("/graphql", ""); code != 200 || body != "admin" {
		t.Errorf("/graphql without a token = %d %q, want the admin actor", code, body)
	}
	code, body := get("/graphql", "Bearer nope")
	if code != 401 || body != `{"errors":[{"message":"invalid bearer token","extensions":{"code":"UNAUTHENTICATED"}}]}` {
		t.Errorf("/graphql with a bad token = %d %s", code, body)
	}
	if code, body := get("/metrics", ""); code != 200 || !strings.Contains(body, "creditdesk_http_request_duration_seconds") {
		t.Errorf("/metrics = %d, missing the request histogram", code)
	}
}

func TestActorCacheReusesAUserForItsTTLOnly(t *testing.T) {
	now := time.Date(2025, 6, 30, 9, 0, 0, 0, time.UTC)
	reads := 0
	role := creditdesk.RoleManager
	c := &ActorCache{TTL: time.Second, Now: func() time.Time { return now },
		Lookup: func(_ context.Context, name string) (*creditdesk.User, error) {
			reads++
			if name != "mgr_BJ" {
				return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "user %q does not exist", name)
			}
			return &creditdesk.User{ID: 7, Username: name, Role: role}, nil
		}}
	ctx := context.Background()
	u1, _ := c.User(ctx, "mgr_BJ")
	u1.Role = creditdesk.RoleGeneralManager // a caller's change must not leak into the cache
	role = creditdesk.RoleSalesRep
	now = now.Add(999 * time.Millisecond)
	u2, err := c.User(ctx, "mgr_BJ")
	if err != nil || reads != 1 || u2.Role != creditdesk.RoleManager {
		t.Fatalf("within the TTL: %+v, %v after %d reads; want the cached manager after 1 read", u2, err, reads)
	}
	now = now.Add(time.Millisecond)
	if u3, _ := c.User(ctx, "mgr_BJ"); reads != 2 || u3.Role != creditdesk.RoleSalesRep {
		t.Fatalf("after the TTL: %+v after %d reads; want the new role read again", u3, reads)
	}
	for range 2 {
		if _, err := c.User(ctx, "nobody"); creditdesk.ErrorCode(err) != creditdesk.ENOTFOUND {
			t.Fatalf("unknown user: %v", err)
		}
	}
	if reads != 4 {
		t.Errorf("an unknown user was remembered: %d reads, want 4", reads)
	}
}
