package devdb

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestFindRepoRoot(t *testing.T) {
	root, err := FindRepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if got := modulePath(b); got != "creditdesk" {
		t.Fatalf("FindRepoRoot() = %s, whose module is %q", root, got)
	}
}

// TestEnsureRepoCluster uses the checkout's own cluster, as make test does.
func TestEnsureRepoCluster(t *testing.T) {
	ctx := testContext(t)
	root, err := FindRepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	c1, err := Ensure(ctx, root, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Ensure(ctx, root, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if c1.Port != c2.Port || c1.DataDir != c2.DataDir {
		t.Fatalf("second Ensure gave port %d dir %s, first gave %d %s", c2.Port, c2.DataDir, c1.Port, c1.DataDir)
	}
	if c1.Port == 5432 {
		t.Fatal("the private cluster must not use port 5432")
	}
	t.Logf("cluster: PostgreSQL %d on port %d, data in %s", c1.Version, c1.Port, c1.DataDir)

	name := fmt.Sprintf("devdb_test_%d", os.Getpid())
	if err := c1.CreateDatabase(ctx, name, ""); err != nil {
		t.Fatal(err)
	}
	if ok, err := c1.DatabaseExists(ctx, name); err != nil || !ok {
		t.Fatalf("DatabaseExists after create = %v, %v", ok, err)
	}
	// A connection left open must not stop the drop.
	conn, err := c1.Connect(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := c1.DropDatabase(ctx, name); err != nil {
		t.Fatal(err)
	}
	if ok, err := c1.DatabaseExists(ctx, name); err != nil || ok {
		t.Fatalf("DatabaseExists after drop = %v, %v", ok, err)
	}
	if err := c1.DropDatabase(ctx, name); err != nil {
		t.Fatalf("dropping a missing database: %v", err)
	}
}

// TestClusterLifecycle builds clusters for throwaway checkouts to exercise
// first-time init under concurrency, settings, stop/restart, stale pid
// files, a stolen port, and where the data directory goes.
func TestClusterLifecycle(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mode      os.FileMode
		reachable bool
	}{
		{"reachable", 0o755, true},
		{"unreachable", 0o700, os.Geteuid() != 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testContext(t)
			// Not t.TempDir: its parent directory is private (0700).
			root, err := os.MkdirTemp("", "devdb-test-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(root) })
			if err := os.Chmod(root, tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module creditdesk\n"), 0o644); err != nil {
				t.Fatal(err)
			}

			// Wreckage of an initdb killed halfway through.
			junk := filepath.Join(root, MetaDirName, "data"+initSuffix)
			if err := os.MkdirAll(junk, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(junk, "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
				t.Fatal(err)
			}

			// Concurrent first use: one initdb, one server, one port.
			const n = 4
			clusters := make([]*Cluster, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					clusters[i], errs[i] = Ensure(ctx, root, t.Logf)
				}()
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
			}
			c := clusters[0]
			first := *c // c is reassigned below and nil if an Ensure fails
			t.Cleanup(func() {
				if err := first.Destroy(); err != nil {
					t.Error(err)
				}
				for _, dir := range []string{first.DataDir, first.scratchBase()} {
					if _, err := os.Stat(dir); !os.IsNotExist(err) {
						t.Errorf("Destroy left %s behind", dir)
					}
				}
			})
			for _, o := range clusters[1:] {
				if o.Port != c.Port || o.DataDir != c.DataDir {
					t.Fatalf("concurrent Ensure disagree: %d %s vs %d %s", o.Port, o.DataDir, c.Port, c.DataDir)
				}
			}
			inRepo := strings.HasPrefix(c.DataDir, filepath.Join(c.RepoRoot, MetaDirName)+"/")
			if inRepo != tc.reachable {
				t.Fatalf("data dir %s: in repo = %v, want %v", c.DataDir, inRepo, tc.reachable)
			}
			if !inRepo {
				b, err := os.ReadFile(filepath.Join(c.MetaDir, "datadir"))
				if err != nil || strings.TrimSpace(string(b)) != c.DataDir {
					t.Fatalf(".pgdata/datadir = %q, %v; want %s", b, err, c.DataDir)
				}
			}
			checkSettings(t, c)
			if scratchUsable() {
				checkScratchWorks(t, c)
			}

			// Stopped: Ensure starts it again on the same port.
			port := c.Port
			if err := c.Stop(); err != nil {
				t.Fatal(err)
			}
			if err := c.Stop(); err != nil {
				t.Fatalf("stopping a stopped cluster: %v", err)
			}
			if c, err = Ensure(ctx, root, t.Logf); err != nil {
				t.Fatal(err)
			}
			if c.Port != port {
				t.Fatalf("restart moved the cluster from port %d to %d", port, c.Port)
			}
			checkSettings(t, c) // settings survive a restart

			// A stale postmaster.pid (server killed, machine restarted).
			if err := c.Stop(); err != nil {
				t.Fatal(err)
			}
			pidFile := filepath.Join(c.DataDir, "postmaster.pid")
			stale := fmt.Sprintf("%d\n%s\n0\n%d\n\n127.0.0.1\n0 0\nready\n", deadPID(t), c.DataDir, port)
			if err := os.WriteFile(pidFile, []byte(stale), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := c.chown(pidFile); err != nil {
				t.Fatal(err)
			}
			if c, err = Ensure(ctx, root, t.Logf); err != nil {
				t.Fatal(err)
			}

			// A reboot wipes /dev/shm (and the clones in the RAM
			// tablespace) while the data directory survives.
			if c.ScratchTablespace != "" {
				if err := c.CreateDatabase(ctx, "in_ram", ""); err != nil {
					t.Fatal(err)
				}
				conn, err := c.Connect(ctx, "postgres")
				if err != nil {
					t.Fatal(err)
				}
				_, err = conn.Exec(ctx, "ALTER DATABASE in_ram SET TABLESPACE "+Ident(c.ScratchTablespace))
				conn.Close(ctx)
				if err != nil {
					t.Fatal(err)
				}
				// Hard: the OOM killer or a power cut, not a clean stop.
				killPostmaster(t, c)
				if err := os.RemoveAll(c.scratchBase()); err != nil {
					t.Fatal(err)
				}
				if c, err = Ensure(ctx, root, t.Logf); err != nil {
					t.Fatal(err)
				}
				if c.ScratchTablespace == "" {
					t.Fatal("RAM tablespace not recreated")
				}
				if ok, err := c.DatabaseExists(ctx, "in_ram"); err != nil || ok {
					t.Fatalf("database in the wiped tablespace: exists=%v, %v", ok, err)
				}
				checkScratchWorks(t, c)
			}

			// Somebody else took our port while the cluster was down.
			if err := c.Stop(); err != nil {
				t.Fatal(err)
			}
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if c, err = Ensure(ctx, root, t.Logf); err != nil {
				t.Fatal(err)
			}
			if c.Port == port {
				t.Fatalf("cluster still claims port %d held by another listener", port)
			}
			if got := c.readPort(); got != c.Port {
				t.Fatalf(".pgdata/port = %d, cluster on %d", got, c.Port)
			}
			checkSettings(t, c)
		})
	}
}

func checkSettings(t *testing.T, c *Cluster) {
	t.Helper()
	ctx := testContext(t)
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	want := map[string]string{
		"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
		"max_connections": "200", "shared_buffers": "512MB", "work_mem": "64MB",
		"maintenance_work_mem": "512MB", "max_wal_size": "4GB", "checkpoint_timeout": "30min",
		"jit": "off", "listen_addresses": "127.0.0.1", "unix_socket_directories": "",
		"port": strconv.Itoa(c.Port), "server_encoding": "UTF8", "lc_collate": "C.UTF-8",
	}
	for k, v := range want {
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", k).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// checkScratchWorks creates and drops a database in the RAM tablespace.
func checkScratchWorks(t *testing.T, c *Cluster) {
	t.Helper()
	if c.ScratchTablespace == "" {
		t.Fatal("no RAM tablespace although /dev/shm is usable")
	}
	ctx := testContext(t)
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE DATABASE scratch_check TABLESPACE "+Ident(c.ScratchTablespace)); err != nil {
		t.Fatal(err)
	}
	if err := DropDatabase(ctx, conn, "scratch_check"); err != nil {
		t.Fatal(err)
	}
}

// killPostmaster SIGKILLs the server, leaving its postmaster.pid and,
// briefly, its backends behind.
func killPostmaster(t *testing.T, c *Cluster) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.DataDir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for isPostgresProcess(pid) {
		time.Sleep(10 * time.Millisecond)
	}
}

// deadPID returns a PID with no process behind it.
func deadPID(t *testing.T) int {
	for pid := 4_000_000; pid > 3_000_000; pid-- {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); os.IsNotExist(err) {
			return pid
		}
	}
	t.Fatal("no unused pid found")
	return 0
}
