package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// keepGCSettings restores the process's GC settings after a test that runs
// `serve`, which tunes them for a server.
func keepGCSettings(t *testing.T) {
	percent := debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}

// freeAddr is a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// get returns the status and body of GET url, or an error while nothing
// answers.
func get(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestServeCommandServesUntilCancelled runs `creditdesk serve` as an
// operator starts it: on DATABASE_URL, with the default GC tuning, and
// stops it the way a SIGTERM does (main cancels the command's context).
func TestServeCommandServesUntilCancelled(t *testing.T) {
	keepGCSettings(t)
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	env := newTestEnv(t)
	if _, err := runOut(t, env, "migrate", "up"); err != nil {
		t.Fatal(err)
	}
	env.close()
	env.db = nil

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, env, []string{"serve", "--addr", addr, "--response-cache-mb", "0"}) }()

	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, body, err := get(base + "/readyz")
		if err == nil && status == http.StatusOK && body == "ready\n" {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after 30 s: %d %q %v", status, body, err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// An empty, migrated database: the built-in admin and no customers.
	if got, want := postGraphQL(t, base, `{ customers { totalCount } }`),
		`{"data":{"customers":{"totalCount":0}}}`; got != want {
		t.Errorf("customers: %s, want %s", got, want)
	}
	// The command's own tuning, since neither GOGC nor GOMEMLIMIT is set.
	if p := debug.SetGCPercent(1000); p != 1000 {
		t.Errorf("GOGC while serving = %d, want 1000", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 1<<30 {
		t.Errorf("memory limit while serving = %d, want 1 GiB", l)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after its context was cancelled, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve still running 30 s after its context was cancelled")
	}
	if _, _, err := get(base + "/healthz"); err == nil {
		t.Errorf("%s still answers after serve returned", base)
	}
}

func TestServeCommandRefusesBadSettings(t *testing.T) {
	keepGCSettings(t)
	env := newTestEnv(t)
	ctx := context.Background()

	// The address is taken: serve says so instead of serving nothing.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = run(ctx, env, []string{"serve", "--addr", ln.Addr().String()})
	var opErr *net.OpError
	if !errors.As(err, &opErr) || opErr.Op != "listen" {
		t.Errorf("serve on a taken address: %v, want the listen error", err)
	}

	for _, tc := range []struct {
		name     string
		setenv   map[string]string
		args     []string
		wantText string
	}{
		{"a negative cache", nil, []string{"--response-cache-mb", "-1"}, "--response-cache-mb must be 0 or more, not -1"},
		{"a cache size that is not a number", map[string]string{"RESPONSE_CACHE_MB": "64MB"}, nil,
			`RESPONSE_CACHE_MB="64MB": not a whole number`},
		{"no database", map[string]string{"DATABASE_URL": ""}, nil, "DATABASE_URL is unset (use --dev"},
		{"an unknown flag", nil, []string{"--port", "8080"}, "flag provided but not defined: -port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.setenv {
				t.Setenv(k, v)
			}
			env := &environment{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			t.Cleanup(env.close)
			err := run(ctx, env, append([]string{"serve", "--addr", freeAddr(t)}, tc.args...))
			if err == nil || !strings.Contains(err.Error(), tc.wantText) {
				t.Fatalf("serve %v: %v, want an error containing %q", tc.args, err, tc.wantText)
			}
			if env.db != nil {
				t.Errorf("serve %v opened the database before refusing its settings", tc.args)
			}
		})
	}
}
