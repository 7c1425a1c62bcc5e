// Package devdb runs a private PostgreSQL cluster for development, tests and
// benchmarks, so that `make run`, `make test` and `make bench` work on a
// machine with nothing but the PostgreSQL binaries installed and no
// DATABASE_URL set.
//
// The cluster belongs to one checkout: its metadata (port, lock, log) lives in
// <repo>/.pgdata and its data directory in <repo>/.pgdata/data, or, when the
// postgres OS user cannot reach the checkout (a repo under /root), in
// /var/tmp/creditdesk-pg-<hash>/data. It listens on 127.0.0.1 on a port of its
// own and never uses port 5432, so a system cluster is left alone.
package devdb

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// MetaDirName is the directory under the repo root that holds the
	// cluster's metadata (and, usually, its data directory).
	MetaDirName = ".pgdata"

	// Ports are picked below Linux's default ephemeral range (32768–60999)
	// so that an outgoing connection can never be holding our port when the
	// server starts.
	portMin = 20000
	portMax = 32768

	// minVersion is the oldest PostgreSQL we support: DROP DATABASE ... WITH
	// (FORCE) appeared in 13.
	minVersion = 13

	startTimeout = 120 * time.Second
)

// serverSettings tune the cluster for a private, throwaway database: crash
// safety is traded for speed (fsync off), and memory is sized for bulk loads
// of the large benchmark data sets. They live in creditdesk.conf, included
// from postgresql.conf, so they survive restarts however the server is
// started.
var serverSettings = [][2]string{
	{"listen_addresses", "'127.0.0.1'"},
	// No unix socket: nothing needs it, and it would need a directory the
	// postgres user can write.
	{"unix_socket_directories", "''"},
	{"fsync", "off"},
	{"synchronous_commit", "off"},
	{"full_page_writes", "off"},
	{"max_connections", "200"},
	{"shared_buffers", "512MB"},
	{"work_mem", "64MB"},
	{"maintenance_work_mem", "512MB"},
	{"max_wal_size", "4GB"},
	{"checkpoint_timeout", "30min"},
	{"jit", "off"},
}

// Cluster is a private PostgreSQL cluster that Ensure has started.
type Cluster struct {
	// RepoRoot is the checkout the cluster belongs to.
	RepoRoot string
	// MetaDir is RepoRoot/.pgdata: port file, lock files, datadir pointer.
	MetaDir string
	// DataDir is the PGDATA directory.
	DataDir string
	// LogFile is the server log.
	LogFile string
	// BinDir holds initdb, pg_ctl and postgres.
	BinDir string
	// Version is the major version of the binaries in BinDir.
	Version int
	// Port is the TCP port on 127.0.0.1 the server listens on.
	Port int
	// ScratchTablespace is the tablespace in RAM for throwaway databases
	// (see ScratchTablespaceName), "" if the machine has no room for it.
	ScratchTablespace string

	owner *osUser // who runs initdb/pg_ctl; nil means the current user
	logf  func(format string, args ...any)
}

// osUser is the account the server runs as when we are root.
type osUser struct {
	name     string
	uid, gid uint32
	groups   []uint32 // supplementary groups (ssl-cert on Debian)
}

// FindRepoRoot walks up from the working directory to the directory holding
// creditdesk's go.mod. A go.mod of another module on the way (a nested tool
// module) is passed over; if no go.mod names module creditdesk, the nearest
// go.mod wins.
func FindRepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	nearest := ""
	for dir := wd; ; dir = filepath.Dir(dir) {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			if modulePath(b) == "creditdesk" {
				return dir, nil
			}
			if nearest == "" {
				nearest = dir
			}
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if nearest != "" {
		return nearest, nil
	}
	return "", fmt.Errorf("no go.mod found in %s or any parent directory", wd)
}

func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// Ensure returns the repo's private cluster, running: it installs
// PostgreSQL if no binaries are found, initializes the cluster on first use,
// starts it if it is stopped and otherwise just returns it. It holds an
// exclusive lock on .pgdata/lock throughout, so parallel test processes and
// concurrent `make run`s share one cluster and never initdb or start twice.
// logf, if not nil, receives progress messages (initdb, start, install).
func Ensure(ctx context.Context, repoRoot string, logf func(format string, args ...any)) (*Cluster, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		return nil, err
	}
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	c := &Cluster{RepoRoot: root, MetaDir: filepath.Join(root, MetaDirName), logf: logf}
	// 0755 whatever the umask: in the usual layout the postgres user must
	// be able to traverse .pgdata to reach .pgdata/data. Nothing in it is
	// secret.
	if err := os.MkdirAll(c.MetaDir, 0o755); err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	if fi, err := os.Stat(c.MetaDir); err == nil && fi.Mode().Perm() != 0o755 {
		_ = os.Chmod(c.MetaDir, 0o755)
	}
	unlock, err := LockFile(ctx, filepath.Join(c.MetaDir, "lock"))
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	defer unlock()

	if err := c.ensure(ctx); err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	return c, nil
}

func (c *Cluster) ensure(ctx context.Context) error {
	existing := c.existingDataDir()
	wantVersion := 0
	if existing != "" {
		wantVersion = dataDirVersion(existing)
	}
	if err := c.findBinaries(ctx, wantVersion); err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		u, err := lookupServerUser(ctx, c.logf)
		if err != nil {
			return err
		}
		c.owner = u
	}
	if existing == "" {
		if err := c.initCluster(ctx); err != nil {
			return err
		}
	} else {
		c.DataDir = existing
	}
	c.LogFile = filepath.Join(filepath.Dir(c.DataDir), "postgres.log")

	c.repairScratchLinks()
	running, err := c.checkRunning(ctx)
	if err != nil {
		return err
	}
	if !running {
		if err := c.start(ctx); err != nil {
			return err
		}
	}
	c.ensureScratch(ctx)
	return nil
}

// existingDataDir returns the initialized data directory recorded for this
// checkout, or "" if there is none yet.
func (c *Cluster) existingDataDir() string {
	if b, err := os.ReadFile(filepath.Join(c.MetaDir, "datadir")); err == nil {
		if d := strings.TrimSpace(string(b)); d != "" && hasCluster(d) {
			return d
		}
	}
	if d := filepath.Join(c.MetaDir, "data"); hasCluster(d) {
		return d
	}
	return ""
}

// hasCluster reports whether dir holds an initialized cluster. A PG_VERSION
// we may not look at counts as present: better to fail later with a clear
// error than to initialize over somebody's data.
func hasCluster(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	return err == nil || !errors.Is(err, os.ErrNotExist)
}

// dataDirVersion is the major version in dir/PG_VERSION, 0 if the directory
// holds no initialized cluster.
func dataDirVersion(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "PG_VERSION"))
	if err != nil {
		return 0
	}
	v, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return v
}

// externalBase is where the data directory goes when the postgres user
// cannot reach the checkout. The hash keeps checkouts apart.
func (c *Cluster) externalBase() string {
	sum := sha256.Sum256([]byte(c.RepoRoot))
	return filepath.Join("/var/tmp", "creditdesk-pg-"+hex.EncodeToString(sum[:])[:12])
}

// initCluster picks a data directory and runs initdb in it.
func (c *Cluster) initCluster(ctx context.Context) error {
	dataDir, err := c.prepareDataDir(ctx)
	if err != nil {
		return err
	}
	// initdb writes PG_VERSION early: if it were killed halfway in place,
	// the next run would take the wreck for a cluster. So it works in a
	// side directory that is renamed into place once the cluster is whole.
	tmp := dataDir + initSuffix
	c.logf("devdb: initializing PostgreSQL %d cluster in %s", c.Version, dataDir)
	out, err := c.run(ctx, filepath.Join(c.BinDir, "initdb"),
		"-D", tmp, "-E", "UTF8", "--locale=C.UTF-8", "--auth=trust", "-U", "postgres",
		// Nothing here needs to survive a power cut.
		"--no-sync")
	if err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// Our settings go in a file of their own so postgresql.conf stays
	// initdb's and ALTER SYSTEM (postgresql.auto.conf) still overrides us.
	f, err := os.OpenFile(filepath.Join(tmp, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "\n# Added by creditdesk's devdb: settings for a private throwaway cluster.\ninclude_if_exists = 'creditdesk.conf'\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, dataDir); err != nil {
		return err
	}
	c.DataDir = dataDir
	// Record where the data went, so later runs (and people) find it.
	return writeFileAtomic(filepath.Join(c.MetaDir, "datadir"), dataDir+"\n")
}

// initSuffix names the directory initdb works in before it becomes the
// data directory.
const initSuffix = ".initdb"

// prepareDataDir picks the data directory: .pgdata/data when the server
// user can reach it, else one under /var/tmp. It returns that path, missing,
// with an empty path+initSuffix beside it that initdb, run as the server
// user, can fill.
func (c *Cluster) prepareDataDir(ctx context.Context) (string, error) {
	inRepo := filepath.Join(c.MetaDir, "data")
	if c.owner == nil {
		return inRepo, c.freshInitDir(inRepo)
	}
	reason := c.checkReachable(ctx, c.MetaDir)
	if reason == nil {
		reason = c.freshInitDir(inRepo)
	}
	if reason == nil {
		// chown "worked" but the user may still be unable to write (some
		// network or overlay file systems): ask.
		if out, err := c.run(ctx, "test", "-w", inRepo+initSuffix); err != nil {
			reason = fmt.Errorf("%s cannot write %s: %v %s", c.owner.name, inRepo+initSuffix, err, out)
		}
	}
	if reason == nil {
		return inRepo, nil
	}
	_ = os.RemoveAll(inRepo + initSuffix)
	base := c.externalBase()
	c.logf("devdb: the %s user cannot use %s (%v); keeping the data directory in %s", c.owner.name, c.MetaDir, reason, base)
	if err := c.makePrivateDir(base); err != nil {
		return "", err
	}
	dataDir := filepath.Join(base, "data")
	return dataDir, c.freshInitDir(dataDir)
}

// freshInitDir removes what an earlier, interrupted initdb may have left
// at dataDir (we only ever remove paths we chose ourselves) and creates
// dataDir+initSuffix, empty and owned by the server user.
func (c *Cluster) freshInitDir(dataDir string) error {
	for _, d := range []string{dataDir, dataDir + initSuffix} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dataDir+initSuffix, 0o700); err != nil {
		return err
	}
	return c.chown(dataDir + initSuffix)
}

// makePrivateDir creates dir (if need be) in a world-writable place such as
// /var/tmp or /dev/shm, owned by the server user with mode 0700. It refuses a
// dir someone else planted there (a symlink, or another user's directory).
func (c *Cluster) makePrivateDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, _ := fi.Sys().(*syscall.Stat_t)
	want := uint32(os.Geteuid())
	if c.owner != nil {
		want = c.owner.uid
	}
	if !fi.IsDir() || st == nil || (st.Uid != uint32(os.Geteuid()) && st.Uid != want) {
		return fmt.Errorf("%s exists and is not a directory of ours", dir)
	}
	if err := c.chown(dir); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// checkReachable tests, as the server user, that every directory from / down
// to dir can be traversed. Permission bits, ACLs and mount options all play a
// part, so we ask the kernel instead of reading modes.
func (c *Cluster) checkReachable(ctx context.Context, dir string) error {
	var dirs []string
	for d := dir; ; d = filepath.Dir(d) {
		dirs = append(dirs, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	sort.Strings(dirs) // parents first, so the message names the first blocker
	script := `for d do test -x "$d" || { echo "cannot enter $d"; exit 1; }; done`
	out, err := c.run(ctx, "sh", append([]string{"-c", script, "sh"}, dirs...)...)
	if err != nil {
		if msg := strings.TrimSpace(out); msg != "" {
			return errors.New(msg)
		}
		return err
	}
	return nil
}

// checkRunning reports whether the server is up. A postmaster.pid left by a
// server that is gone (killed, machine restarted) is removed so the start
// can proceed.
func (c *Cluster) checkRunning(ctx context.Context) (bool, error) {
	pidFile := filepath.Join(c.DataDir, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	lines := strings.Split(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(lines[0]))
	if pid <= 0 || !processExists(pid) {
		// Stale, but left in place: the postmaster itself copes with a
		// dead PID, and the file also tells it which shared memory segment
		// to check for backends of the dead server that still linger.
		c.logf("devdb: server in %s is not running (stale postmaster.pid, pid %d)", c.DataDir, pid)
		return false, nil
	}
	if !isPostgresProcess(pid) {
		// After a restart the PID went to some other program; the
		// postmaster would take that for a live server and refuse to start.
		c.logf("devdb: removing stale %s (pid %d is now another program)", pidFile, pid)
		if err := os.Remove(pidFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, err
		}
		return false, nil
	}
	// The server is alive. Line 4 holds the port it really listens on,
	// which wins over our port file if someone changed it by hand.
	if len(lines) > 3 {
		if p, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil && p > 0 {
			c.Port = p
		}
	}
	if c.Port == 0 {
		c.Port = c.readPort()
	}
	// It may still be starting up (another process started it a moment
	// ago, or it is recovering); give it time before giving up.
	deadline := time.Now().Add(startTimeout)
	for {
		err := c.ping(ctx)
		if err == nil {
			_ = writeFileAtomic(filepath.Join(c.MetaDir, "port"), strconv.Itoa(c.Port)+"\n")
			return true, nil
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if !isPostgresProcess(pid) {
			return false, nil // it died while we waited: start it afresh
		}
		if time.Now().After(deadline) {
			return false, fmt.Errorf("server (pid %d) in %s is running but not accepting connections on port %d: %v\n%s",
				pid, c.DataDir, c.Port, err, c.logTail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// processExists reports whether a process with this PID exists.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// isPostgresProcess reports whether pid is alive and a postgres process (a
// PID recycled by some other program after a restart does not count).
func isPostgresProcess(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		if _, statErr := os.Stat("/proc/self/comm"); statErr != nil {
			return processExists(pid) // no procfs: the best we can do
		}
		return false
	}
	comm := strings.TrimSpace(string(b))
	return comm == "postgres" || comm == "postmaster"
}

// start starts the stopped server on our port, picking a new port if
// another program took it.
func (c *Cluster) start(ctx context.Context) error {
	port := c.readPort()
	var lastErr error
	for attempt := 0; attempt < 15; attempt++ {
		if port == 0 || !portFree(port) {
			np, err := c.pickPort()
			if err != nil {
				return err
			}
			if port != 0 {
				c.logf("devdb: port %d is taken; moving the cluster to port %d", port, np)
			}
			port = np
		}
		if err := writeFileAtomic(filepath.Join(c.MetaDir, "port"), strconv.Itoa(port)+"\n"); err != nil {
			return err
		}
		c.Port = port
		if err := c.writeConfig(); err != nil {
			return err
		}
		if err := c.prepareLog(); err != nil {
			return err
		}
		logStart := fileSize(c.LogFile)
		c.logf("devdb: starting PostgreSQL %d on 127.0.0.1:%d (data %s, log %s)", c.Version, port, c.DataDir, c.LogFile)
		out, err := c.run(ctx, filepath.Join(c.BinDir, "pg_ctl"),
			"-D", c.DataDir, "-l", c.LogFile, "-w", "-t", strconv.Itoa(int(startTimeout/time.Second)), "start")
		if err == nil {
			if err := c.ping(ctx); err != nil {
				return fmt.Errorf("server started but does not accept connections: %w\n%s", err, c.logTail())
			}
			return nil
		}
		lastErr = fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, c.logTail())
		if ctx.Err() != nil {
			return lastErr
		}
		switch {
		case !portFree(port):
			port = 0 // lost a race for the port: take another
		case strings.Contains(c.logSince(logStart), "shared memory block is still in use"):
			// Backends of a killed postmaster are still exiting.
			c.logf("devdb: waiting for the processes of the previous server to exit")
			time.Sleep(time.Second)
		default:
			return lastErr
		}
	}
	return lastErr
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logSince returns the server log from byte offset on.
func (c *Cluster) logSince(offset int64) string {
	b, err := os.ReadFile(c.LogFile)
	if err != nil || int64(len(b)) < offset {
		return ""
	}
	return string(b[offset:])
}

// writeConfig writes creditdesk.conf (settings and port) into the data
// directory. It is rewritten on every start so changes to serverSettings
// reach existing clusters.
func (c *Cluster) writeConfig() error {
	var b strings.Builder
	b.WriteString("# Written by creditdesk's devdb on every start; edits are lost.\n")
	fmt.Fprintf(&b, "port = %d\n", c.Port)
	for _, kv := range serverSettings {
		fmt.Fprintf(&b, "%s = %s\n", kv[0], kv[1])
	}
	path := filepath.Join(c.DataDir, "creditdesk.conf")
	if err := writeFileAtomic(path, b.String()); err != nil {
		return err
	}
	return c.chown(path)
}

// prepareLog creates the log file so the server user can append to it even
// where it could not create files (the root-owned .pgdata).
func (c *Cluster) prepareLog() error {
	f, err := os.OpenFile(c.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return c.chown(c.LogFile)
}

func (c *Cluster) chown(path string) error {
	if c.owner == nil {
		return nil
	}
	return os.Chown(path, int(c.owner.uid), int(c.owner.gid))
}

func (c *Cluster) readPort() int {
	b, err := os.ReadFile(filepath.Join(c.MetaDir, "port"))
	if err != nil {
		return 0
	}
	p, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || p <= 0 || p > 65535 {
		return 0
	}
	return p
}

// pickPort finds a free port, starting from one derived from the repo path
// so a checkout tends to keep the same port across re-initializations.
func (c *Cluster) pickPort() (int, error) {
	h := fnv.New32a()
	h.Write([]byte(c.RepoRoot))
	span := portMax - portMin
	start := int(h.Sum32() % uint32(span))
	for i := 0; i < span; i += 7 {
		p := portMin + (start+i)%span
		if p == 5432 {
			continue
		}
		if portFree(p) {
			return p, nil
		}
	}
	return 0, fmt.Errorf("no free port in %d-%d", portMin, portMax)
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

// ping connects to the server and runs a trivial query.
func (c *Cluster) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var one int
	return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// logTail returns the end of the server log, for error messages.
func (c *Cluster) logTail() string {
	b, err := os.ReadFile(c.LogFile)
	if err != nil {
		return ""
	}
	const max = 4000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return "--- " + c.LogFile + " (tail) ---\n" + string(b)
}

// URL returns the connection URL of database dbname on the cluster.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, dbname)
}

// Connect opens an admin connection to database dbname as the postgres
// superuser. The caller closes it.
func (c *Cluster) Connect(ctx context.Context, dbname string) (*pgx.Conn, error) {
	return ConnectAdmin(ctx, c.URL(dbname))
}

// CreateDatabase creates database name, cloned from template (the server's
// default, template1, if template is "").
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return CreateDatabase(ctx, conn, name, template)
}

// DatabaseExists reports whether database name exists.
func (c *Cluster) DatabaseExists(ctx context.Context, name string) (bool, error) {
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	return DatabaseExists(ctx, conn, name)
}

// DropDatabase drops database name if it exists, disconnecting its users.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return DropDatabase(ctx, conn, name)
}

// Stop shuts the server down (fast mode: open sessions are disconnected).
// Stopping a stopped cluster is not an error.
func (c *Cluster) Stop() error {
	if _, err := os.Stat(filepath.Join(c.DataDir, "postmaster.pid")); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := c.run(ctx, filepath.Join(c.BinDir, "pg_ctl"), "-D", c.DataDir, "-m", "fast", "-w", "-t", "60", "stop")
	if err != nil {
		if _, serr := os.Stat(filepath.Join(c.DataDir, "postmaster.pid")); errors.Is(serr, os.ErrNotExist) {
			return nil // it stopped (or was never running) after all
		}
		return fmt.Errorf("devdb: pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// Destroy stops the cluster and deletes its data directory and metadata
// (all but the lock file, which other processes may be holding). The next
// Ensure starts from scratch.
func (c *Cluster) Destroy() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	unlock, err := LockFile(ctx, filepath.Join(c.MetaDir, "lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if err := c.Stop(); err != nil {
		return err
	}
	dir := c.DataDir
	if filepath.Dir(dir) != c.MetaDir {
		// The external base directory is ours as a whole.
		dir = filepath.Dir(dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.RemoveAll(c.scratchBase()); err != nil {
		return err
	}
	for _, f := range []string{"port", "datadir", "postgres.log"} {
		if err := os.Remove(filepath.Join(c.MetaDir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// run runs a program as the server user (or the current user when not
// root) and returns its combined output. PG* variables are dropped so a
// developer's PGDATA or PGPORT cannot redirect initdb or pg_ctl.
func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = childEnv()
	if c.owner != nil {
		// PostgreSQL refuses to run as root. Setting credentials directly
		// needs no runuser/su/PAM, which minimal containers may lack.
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{
			Uid: c.owner.uid, Gid: c.owner.gid, Groups: c.owner.groups,
		}}
		cmd.Dir = "/" // the caller's directory may be unreadable to the user
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LANG=C.UTF-8")
}

// lookupServerUser returns the postgres account, creating it if the
// binaries came without one (installs other than Debian's package).
func lookupServerUser(ctx context.Context, logf func(string, ...any)) (*osUser, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		logf("devdb: creating system user postgres")
		out, cerr := exec.CommandContext(ctx, "useradd", "--system", "--user-group", "--no-create-home",
			"--home-dir", "/var/lib/postgresql", "--shell", "/bin/sh", "postgres").CombinedOutput()
		if cerr != nil {
			return nil, fmt.Errorf("running as root and there is no postgres user (%v); useradd: %v %s", err, cerr, out)
		}
		if u, err = user.Lookup("postgres"); err != nil {
			return nil, err
		}
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	ou := &osUser{name: u.Username, uid: uint32(uid), gid: uint32(gid)}
	if ids, err := u.GroupIds(); err == nil {
		for _, id := range ids {
			if g, err := strconv.ParseUint(id, 10, 32); err == nil {
				ou.groups = append(ou.groups, uint32(g))
			}
		}
	}
	return ou, nil
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// binVersion returns the major version of the server binaries in dir, 0 if
// dir does not hold a usable server.
func binVersion(dir string) int {
	for _, tool := range []string{"initdb", "pg_ctl"} {
		if _, err := os.Stat(filepath.Join(dir, tool)); err != nil {
			return 0
		}
	}
	out, err := exec.Command(filepath.Join(dir, "postgres"), "-V").Output()
	if err != nil {
		return 0
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return 0
	}
	v, _ := strconv.Atoi(string(m[1]))
	return v
}

// findBinaries sets BinDir and Version. An existing cluster needs binaries
// of its own major version; otherwise pg_config --bindir wins, then the
// Debian layout (15 preferred, else the newest). With nothing found it
// installs Debian's postgresql package and looks again.
func (c *Cluster) findBinaries(ctx context.Context, want int) error {
	for installed := false; ; installed = true {
		var candidates []string
		if want != 0 {
			candidates = append(candidates, fmt.Sprintf("/usr/lib/postgresql/%d/bin", want))
		}
		if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
			candidates = append(candidates, strings.TrimSpace(string(out)))
		}
		candidates = append(candidates, "/usr/lib/postgresql/15/bin")
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(dirs, func(i, j int) bool { return dirVersion(dirs[i]) > dirVersion(dirs[j]) })
		candidates = append(candidates, dirs...)
		var seen []string
		for _, d := range candidates {
			v := binVersion(d)
			if v == 0 {
				continue
			}
			seen = append(seen, fmt.Sprintf("%s (%d)", d, v))
			if v < minVersion || (want != 0 && v != want) {
				continue
			}
			c.BinDir, c.Version = d, v
			return nil
		}
		if want != 0 && len(seen) > 0 {
			return fmt.Errorf("the cluster in %s was created by PostgreSQL %d but only %s is installed; install postgresql-%d or delete the data directory to start afresh",
				c.existingDataDir(), want, strings.Join(seen, ", "), want)
		}
		if installed {
			return fmt.Errorf("no PostgreSQL >= %d server binaries found after installing (found: %v)", minVersion, seen)
		}
		if err := installPostgres(ctx, c.logf); err != nil {
			return err
		}
	}
}

func dirVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// installPostgres installs Debian's postgresql package. Its postinst may
// create and start a system cluster on 5432; we leave that one alone.
func installPostgres(ctx context.Context, logf func(string, ...any)) error {
	if os.Geteuid() != 0 {
		return errors.New("no PostgreSQL server binaries found (looked at pg_config --bindir and /usr/lib/postgresql/*/bin); install them, e.g. `sudo apt-get install postgresql`, or set DATABASE_URL")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return errors.New("no PostgreSQL server binaries found and no apt-get to install them; install PostgreSQL >= 13 or set DATABASE_URL")
	}
	logf("devdb: no PostgreSQL server binaries found; installing with apt-get")
	for _, args := range [][]string{{"update"}, {"install", "-y", "--no-install-recommends", "postgresql"}} {
		fmt.Fprintf(os.Stderr, "devdb: running apt-get %s\n", strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout = os.Stderr
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
		}
	}
	return nil
}

func writeFileAtomic(path, content string) error {
	tmp := fmt.Sprintf("%s.tmp%d", path, os.Getpid())
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
