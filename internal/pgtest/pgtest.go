// Package pgtest gives each test a fresh, migrated PostgreSQL database in
// a few tens of milliseconds (on the private cluster): the migrations run once into a template
// database named after their checksum, and every test gets a CREATE DATABASE
// ... TEMPLATE copy of it, dropped when the test ends.
//
// The server is the one DATABASE_URL names, or else the checkout's private
// cluster (package devdb), started on demand. Tests never skip for want of a
// database: if there is none, they fail with the reason.
//
// The same machinery keeps any expensive database state as a template:
// EnsureTemplate builds a named template once (across processes), and
// CloneDatabase copies it. The benchmark harness uses it for large data sets.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/uptrace/bun"

	"creditdesk/internal/devdb"
	"creditdesk/internal/postgres"
	"creditdesk/migrations"
)

const (
	// TemplatePrefix starts the name of every migrated template database;
	// the migrations' checksum follows.
	TemplatePrefix = "creditdesk_tmpl_"
	// clonePrefix starts the name of every per-test database.
	clonePrefix = "t_"
	// buildingSuffix marks a template under construction, never cloned.
	buildingSuffix = "_building"
	// maxIdent is PostgreSQL's identifier length limit (NAMEDATALEN-1).
	maxIdent = 63

	// setupTimeout bounds everything New does, including a first-time
	// initdb and, on a bare machine, installing PostgreSQL.
	setupTimeout = 10 * time.Minute
)

// Server is a PostgreSQL server on which pgtest creates templates and
// clones. All methods are safe for concurrent use.
type Server struct {
	base    string // connection string to the admin database
	isURL   bool   // base is a URL (else a keyword/value DSN)
	admin   *pgxpool.Pool
	cluster *devdb.Cluster // nil when the server came from DATABASE_URL

	// scratch is the RAM tablespace small clones go to ("" = none).
	scratch string
	// fileCopy: the server knows CREATE DATABASE ... STRATEGY (15+).
	fileCopy bool

	mu       sync.Mutex // held while the migrated template is ensured
	migrated string     // its name, once ensured

	sizeMu sync.Mutex
	sizes  map[string]int64 // template sizes in bytes; templates never change
}

// largeTemplate is the size from which a clone goes to disk by file copy:
// tmpfs is RAM, and WAL-logging every page of a multi-gigabyte data set
// (the default strategy) is far slower than copying its files. A variable
// so tests can take that path without building a big data set.
var largeTemplate int64 = 256 << 20

var (
	defaultMu  sync.Mutex
	defaultSrv *Server
	counter    atomic.Uint64
)

// Default returns the process-wide server: DATABASE_URL's if set, else the
// checkout's private cluster, started if need be. Errors are not cached:
// the next call tries again.
func Default(ctx context.Context) (*Server, error) {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if defaultSrv != nil {
		return defaultSrv, nil
	}
	s, err := connectDefault(ctx)
	if err != nil {
		return nil, err
	}
	defaultSrv = s
	return s, nil
}

func connectDefault(ctx context.Context) (*Server, error) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		s, err := Connect(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		return s, nil
	}
	root, err := devdb.FindRepoRoot()
	if err != nil {
		return nil, err
	}
	c, err := devdb.Ensure(ctx, root, func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
	})
	if err != nil {
		return nil, err
	}
	s, err := Connect(ctx, c.URL("postgres"))
	if err != nil {
		return nil, err
	}
	s.cluster = c
	s.scratch = c.ScratchTablespace
	// Only on our own cluster do we know that t_<pid>_ names are ours and
	// that the pid is one of this machine's.
	s.dropOrphanClones(ctx)
	return s, nil
}

// Connect returns a Server for the server at adminURL (a URL or a
// keyword/value connection string). The database it names is used only
// for admin connections, never cloned.
func Connect(ctx context.Context, adminURL string) (*Server, error) {
	cfg, err := pgxpool.ParseConfig(adminURL)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	// Enough for parallel tests to create and drop clones side by side;
	// each is an idle backend on the admin database otherwise.
	cfg.MaxConns = 8
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact(adminURL), err)
	}
	s := &Server{base: adminURL, admin: pool, sizes: map[string]int64{}}
	var version int
	if err := pool.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err != nil {
		pool.Close()
		return nil, err
	}
	s.fileCopy = version >= 150000
	if u, err := url.Parse(adminURL); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		s.isURL = true
	}
	return s, nil
}

// Close closes the admin connections.
func (s *Server) Close() { s.admin.Close() }

// Cluster returns the private cluster the server runs on, nil when it came
// from DATABASE_URL.
func (s *Server) Cluster() *devdb.Cluster { return s.cluster }

// URL returns the connection string for database dbname on the server: the
// admin URL with its database replaced.
func (s *Server) URL(dbname string) string {
	if !s.isURL {
		// Later keywords win in a keyword/value string.
		return s.base + " dbname='" + strings.ReplaceAll(dbname, `'`, `\'`) + "'"
	}
	u, _ := url.Parse(s.base)
	u.Path = "/" + dbname
	u.RawPath = ""
	return u.String()
}

// Exists reports whether database name exists on the server.
func (s *Server) Exists(ctx context.Context, name string) (bool, error) {
	return devdb.DatabaseExists(ctx, s.admin, name)
}

// DropDatabase drops database name, disconnecting its users.
func (s *Server) DropDatabase(ctx context.Context, name string) error {
	return devdb.DropDatabase(ctx, s.admin, name)
}

// dropClone drops a test's clone once the test has closed its handles.
// Backends exit a moment after their client hangs up, and DROP DATABASE
// ... WITH (FORCE) that finds one still there sleeps 100 ms before looking
// again; polling for them first keeps the drop at a few milliseconds.
func (s *Server) dropClone(ctx context.Context, name string) error {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		var n int
		err := s.admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = $1", name).Scan(&n)
		if err != nil || n == 0 {
			break
		}
	}
	return s.DropDatabase(ctx, name)
}

// CloneDatabase creates a new database, named uniquely across processes,
// as a copy of template and returns its name. The caller drops it.
//
// On the private cluster, clones of small templates go to the RAM
// tablespace (devdb.ScratchTablespaceName), which makes them ~10x faster to
// create; clones of templates of 256 MB or more go to disk, copied file by
// file.
func (s *Server) CloneDatabase(ctx context.Context, template string) (string, error) {
	return s.cloneDatabase(ctx, template, false)
}

// CloneDatabaseOnDisk is CloneDatabase with the clone in the cluster's
// default tablespace whatever the template's size, for a database that
// must be written the way a deployed one is (the import benchmark).
func (s *Server) CloneDatabaseOnDisk(ctx context.Context, template string) (string, error) {
	return s.cloneDatabase(ctx, template, true)
}

func (s *Server) cloneDatabase(ctx context.Context, template string, onDisk bool) (string, error) {
	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("%s%d_%d_%s", clonePrefix, os.Getpid(), counter.Add(1), hex.EncodeToString(rnd[:]))
	size, err := s.templateSize(ctx, template)
	if err != nil {
		return "", fmt.Errorf("clone %s: %w", template, err)
	}
	var opts string
	switch {
	case size >= largeTemplate && s.fileCopy:
		opts = " STRATEGY FILE_COPY"
	case size < largeTemplate && s.scratch != "" && !onDisk:
		opts = " TABLESPACE " + devdb.Ident(s.scratch)
	}
	sql := "CREATE DATABASE " + devdb.Ident(name) + " TEMPLATE " + devdb.Ident(template) + opts
	if err := devdb.RetryInUse(ctx, func() error { _, err := s.admin.Exec(ctx, sql); return err }); err != nil {
		return "", fmt.Errorf("clone %s: %w", template, err)
	}
	return name, nil
}

func (s *Server) templateSize(ctx context.Context, template string) (int64, error) {
	s.sizeMu.Lock()
	size, ok := s.sizes[template]
	s.sizeMu.Unlock()
	if ok {
		return size, nil
	}
	if err := s.admin.QueryRow(ctx, "SELECT pg_database_size($1::text)", template).Scan(&size); err != nil {
		return 0, err
	}
	s.sizeMu.Lock()
	s.sizes[template] = size
	s.sizeMu.Unlock()
	return size, nil
}

// templateReady reports whether name is a finished template.
func (s *Server) templateReady(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := s.admin.QueryRow(ctx,
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&ok)
	return ok, err
}

// EnsureTemplate makes sure template database name exists, building it
// with build if not, and returns name. build gets the URL of an empty
// database (a copy of template1) to fill; it must close its connections
// before returning.
//
// Building happens once across all processes using the server: the
// builder holds a PostgreSQL advisory lock keyed by name (which works the
// same on the private cluster and on DATABASE_URL, and dies with the
// process), fills <name>_building, marks it a template that accepts no
// connections and only then renames it to name. So a half-built template
// is never cloned, and a build killed halfway is redone by the next caller.
// A template is never rebuilt once it exists: put whatever it depends on
// (the migrations' checksum, a data-set version) in its name.
func (s *Server) EnsureTemplate(ctx context.Context, name string, build func(ctx context.Context, url string) error) (string, error) {
	_, err := s.ensureTemplate(ctx, name, "", build)
	return name, err
}

// EnsureTemplateFrom is EnsureTemplate with build starting from a copy of
// template from instead of an empty database; from = Template(ctx) gives
// it the migrated schema to load a data set into.
func (s *Server) EnsureTemplateFrom(ctx context.Context, name, from string, build func(ctx context.Context, url string) error) (string, error) {
	_, err := s.ensureTemplate(ctx, name, from, build)
	return name, err
}

func (s *Server) ensureTemplate(ctx context.Context, name, from string, build func(ctx context.Context, url string) error) (built bool, err error) {
	if len(name)+len(buildingSuffix) > maxIdent {
		return false, fmt.Errorf("template name %q too long: at most %d bytes", name, maxIdent-len(buildingSuffix))
	}
	if ok, err := s.templateReady(ctx, name); err != nil || ok {
		return false, err
	}

	// A connection of its own: the advisory lock belongs to the session,
	// and closing it releases the lock whatever happens.
	lockConn, err := devdb.ConnectAdmin(ctx, s.base)
	if err != nil {
		return false, err
	}
	defer lockConn.Close(context.Background())
	if _, err := lockConn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey(name)); err != nil {
		return false, fmt.Errorf("lock template %s: %w", name, err)
	}

	// Someone may have finished it while we waited.
	if ok, err := s.templateReady(ctx, name); err != nil || ok {
		return false, err
	}
	building := name + buildingSuffix
	// Leftovers of a build that died: the unfinished copy, or a database of
	// the final name that is not a finished template.
	for _, db := range []string{building, name} {
		if err := s.DropDatabase(ctx, db); err != nil {
			return false, err
		}
	}
	// On disk (default tablespace): a template must survive reboots.
	if err := devdb.CreateDatabase(ctx, s.admin, building, from); err != nil {
		return false, err
	}
	if err := build(ctx, s.URL(building)); err != nil {
		_ = s.DropDatabase(context.WithoutCancel(ctx), building)
		return false, fmt.Errorf("build template %s: %w", name, err)
	}
	// No connections from now on: anyone connected to a template makes
	// CREATE DATABASE ... TEMPLATE fail.
	if _, err := s.admin.Exec(ctx, "ALTER DATABASE "+devdb.Ident(building)+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return false, err
	}
	// build should have closed its connections; a pool still winding down
	// must not block the rename.
	if _, err := s.admin.Exec(ctx,
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", building); err != nil {
		return false, err
	}
	if _, err := s.admin.Exec(ctx, "ALTER DATABASE "+devdb.Ident(building)+" RENAME TO "+devdb.Ident(name)); err != nil {
		return false, fmt.Errorf("publish template %s: %w", name, err)
	}
	return true, nil
}

// lockKey maps a template name to an advisory lock key.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("creditdesk/pgtest template " + name))
	return int64(h.Sum64())
}

// DropTemplates drops every template database whose name starts with
// prefix, except keep. Templates in use for a clone at that moment, or
// being built, are skipped; errors are returned but leave the rest done.
func (s *Server) DropTemplates(ctx context.Context, prefix, keep string) error {
	rows, err := s.admin.Query(ctx,
		"SELECT datname FROM pg_database WHERE datistemplate AND starts_with(datname, $1) AND datname <> $2", prefix, keep)
	if err != nil {
		return err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range names {
		if err := s.DropDatabase(ctx, n); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Template returns the name of the template database holding every
// migration, building it if this checksum of the migrations has none yet
// (and then dropping the templates of older checksums).
func (s *Server) Template(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.migrated != "" {
		return s.migrated, nil
	}
	name := TemplatePrefix + postgres.MigrationsChecksum()
	built, err := s.ensureTemplate(ctx, name, "", migrate)
	if err != nil {
		return "", err
	}
	if built {
		// Old checksums' templates are dead weight; failing to drop one
		// (someone is cloning it right now) is harmless.
		_ = s.DropTemplates(ctx, TemplatePrefix, name)
	}
	s.migrated = name
	return name, nil
}

// migrate applies the migrations to the database at url.
func migrate(ctx context.Context, url string) error {
	// bun/migrate refuses to run with no migration files at all; an empty
	// migrations/ simply means an empty schema.
	if ups, _ := fs.Glob(migrations.FS, "*.up.sql"); len(ups) == 0 {
		return nil
	}
	db, err := postgres.Open(url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = postgres.Migrate(ctx, db)
	return err
}

// dropOrphanClones drops clones left by test processes that died before
// their cleanup ran (killed, timed out, crashed): t_<pid>_... whose pid is
// gone.
func (s *Server) dropOrphanClones(ctx context.Context) {
	rows, err := s.admin.Query(ctx, "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", clonePrefix)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, n := range names {
		f := strings.SplitN(strings.TrimPrefix(n, clonePrefix), "_", 2)
		pid, err := strconv.Atoi(f[0])
		if err != nil || len(f) < 2 || pid <= 0 || processAlive(pid) {
			continue
		}
		_ = s.DropDatabase(ctx, n)
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// redact hides a password in a connection URL for error messages.
func redact(conn string) string {
	if u, err := url.Parse(conn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
		return conn
	}
	if strings.Contains(conn, "password") {
		return "(connection string)"
	}
	return conn
}

// Template returns the name of the migrated template database on the
// default server, building it if need be.
func Template(ctx context.Context) (string, error) {
	s, err := Default(ctx)
	if err != nil {
		return "", err
	}
	return s.Template(ctx)
}

// EnsureTemplate is Server.EnsureTemplate on the default server.
func EnsureTemplate(ctx context.Context, name string, build func(ctx context.Context, url string) error) (string, error) {
	s, err := Default(ctx)
	if err != nil {
		return "", err
	}
	return s.EnsureTemplate(ctx, name, build)
}

// EnsureTemplateFrom is Server.EnsureTemplateFrom on the default server.
func EnsureTemplateFrom(ctx context.Context, name, from string, build func(ctx context.Context, url string) error) (string, error) {
	s, err := Default(ctx)
	if err != nil {
		return "", err
	}
	return s.EnsureTemplateFrom(ctx, name, from, build)
}

// CloneDatabase copies template into a new database on the default server
// and returns its name and URL. The caller drops it with DropDatabase.
func CloneDatabase(ctx context.Context, template string) (name, url string, err error) {
	s, err := Default(ctx)
	if err != nil {
		return "", "", err
	}
	name, err = s.CloneDatabase(ctx, template)
	if err != nil {
		return "", "", err
	}
	return name, s.URL(name), nil
}

// DropDatabase drops database name on the default server.
func DropDatabase(ctx context.Context, name string) error {
	s, err := Default(ctx)
	if err != nil {
		return err
	}
	return s.DropDatabase(ctx, name)
}

// NewURL returns the URL of a brand-new database holding every migration
// and nothing else. It is dropped when the test ends.
func NewURL(tb testing.TB) string {
	tb.Helper()
	return NewURLFrom(tb, "")
}

// NewURLFrom is NewURL for a copy of template (from EnsureTemplate); ""
// means the migrated template.
func NewURLFrom(tb testing.TB, template string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	s, err := Default(ctx)
	if err != nil {
		tb.Fatalf("pgtest: no PostgreSQL server: %v", err)
	}
	if template == "" {
		if template, err = s.Template(ctx); err != nil {
			tb.Fatalf("pgtest: migrated template: %v", err)
		}
	}
	name, err := s.CloneDatabase(ctx, template)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.dropClone(ctx, name); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	return s.URL(name)
}

// New returns a handle (postgres.Open) on a brand-new database holding
// every migration and nothing else. The handle is closed and the database
// dropped when the test ends.
func New(tb testing.TB) *bun.DB {
	tb.Helper()
	return open(tb, NewURL(tb))
}

// NewFrom is New for a copy of template (from EnsureTemplate).
func NewFrom(tb testing.TB, template string) *bun.DB {
	tb.Helper()
	return open(tb, NewURLFrom(tb, template))
}

func open(tb testing.TB, url string) *bun.DB {
	tb.Helper()
	db, err := postgres.Open(url)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	// Registered after the drop, so it runs before it.
	tb.Cleanup(func() { _ = db.Close() })
	return db
}
