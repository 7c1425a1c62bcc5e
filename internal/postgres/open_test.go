package postgres_test

import (
	"context"
	neturl "net/url"
	"strings"
	"testing"

	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// TestServingSessions: serve's sessions start no parallel workers unless the
// database URL says otherwise; other commands keep the server's setting.
func TestServingSessions(t *testing.T) {
	ctx := context.Background()
	srv, err := pgtest.Default(ctx)
	if err != nil {
		t.Fatal(err)
	}
	url := srv.URL("postgres")
	show := func(url string, opts ...postgres.OpenOption) string {
		t.Helper()
		db, err := postgres.Open(url, opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var v string
		if err := db.NewRaw("SHOW max_parallel_workers_per_gather").Scan(ctx, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	server := show(url)
	if server == "0" {
		t.Fatalf("the test server itself runs without parallel workers; the test needs it not to")
	}
	if got := show(url, postgres.Serving()); got != "0" {
		t.Errorf("serving: %s parallel workers per gather, want 0", got)
	}
	if got := show(withParam(url, "options", "-c max_parallel_workers_per_gather=3"), postgres.Serving()); got != "3" {
		t.Errorf("serving, the URL's options asking for 3: %s", got)
	}
	if got := show(withParam(url, "max_parallel_workers_per_gather", "1"), postgres.Serving()); got != "1" {
		t.Errorf("serving, the URL setting 1: %s", got)
	}
}

// withParam adds a connection parameter to a URL or a keyword/value string.
func withParam(conn, key, value string) string {
	if !strings.Contains(conn, "://") {
		return conn + " " + key + "='" + value + "'"
	}
	u, err := neturl.Parse(conn)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20") // pgx reads + as itself
	return u.String()
}
