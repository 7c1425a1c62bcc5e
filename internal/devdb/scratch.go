package devdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
)

// ScratchTablespaceName is the tablespace in RAM (tmpfs) that throwaway
// databases, such as the per-test clones of package pgtest, are created
// in. Creating a database means creating ~1000 small files; on the
// virtualized ext4 disks we run on that takes 250–500 ms, on tmpfs ~20 ms.
// Anything in it is lost on reboot, so nothing of value may live there.
const ScratchTablespaceName = "creditdesk_scratch"

const (
	shmDir = "/dev/shm"
	// minScratchFree is the free space /dev/shm needs for us to use it;
	// Docker's default 64 MB /dev/shm would fill up after a few clones.
	minScratchFree = 2 << 30
	tmpfsMagic     = 0x01021994
)

// scratchBase is the cluster's directory under /dev/shm; the hash keeps
// checkouts apart.
func (c *Cluster) scratchBase() string {
	sum := sha256.Sum256([]byte(c.RepoRoot))
	return filepath.Join(shmDir, "creditdesk-pg-"+hex.EncodeToString(sum[:])[:12])
}

func (c *Cluster) scratchDir() string { return filepath.Join(c.scratchBase(), "scratch") }

// repairScratchLinks recreates the tablespace directory under /dev/shm if a
// reboot wiped it. Without it, WAL replay after an unclean stop fails on
// the dangling pg_tblspc symlink; with an empty directory the server starts
// and ensureScratch then rebuilds the tablespace.
func (c *Cluster) repairScratchLinks() {
	entries, err := os.ReadDir(filepath.Join(c.DataDir, "pg_tblspc"))
	if err != nil {
		return
	}
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join(c.DataDir, "pg_tblspc", e.Name()))
		if err != nil || target != c.scratchDir() {
			continue
		}
		if _, err := os.Stat(target); errors.Is(err, os.ErrNotExist) {
			c.logf("devdb: recreating %s (wiped by a reboot?)", target)
			if err := c.makePrivateDir(c.scratchBase()); err == nil {
				_ = c.makePrivateDir(target)
			}
		}
	}
}

// ensureScratch makes ScratchTablespaceName usable if /dev/shm is a tmpfs
// with room, and sets c.ScratchTablespace. Any failure just leaves the
// cluster without one: clones then go to disk, slower but correct.
func (c *Cluster) ensureScratch(ctx context.Context) {
	c.ScratchTablespace = ""
	if !scratchUsable() {
		return
	}
	if err := c.setupScratch(ctx); err != nil {
		c.logf("devdb: no RAM tablespace, clones go to disk: %v", err)
		return
	}
	c.ScratchTablespace = ScratchTablespaceName
}

func (c *Cluster) setupScratch(ctx context.Context) error {
	dir := c.scratchDir()
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var oid uint32
	var loc string
	err = conn.QueryRow(ctx, "SELECT oid, pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = $1",
		ScratchTablespaceName).Scan(&oid, &loc)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	default:
		// PostgreSQL writes PG_<version>_<catversion> into the directory
		// on CREATE TABLESPACE; without it the tmpfs was wiped.
		if versionDirs, _ := filepath.Glob(filepath.Join(dir, "PG_*")); loc == dir && len(versionDirs) > 0 {
			return nil
		}
		c.logf("devdb: tablespace %s at %s lost its files; recreating it", ScratchTablespaceName, loc)
		rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE dattablespace = $1", oid)
		if err != nil {
			return err
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, n := range names {
			if err := DropDatabase(ctx, conn, n); err != nil {
				return err
			}
		}
		if _, err := conn.Exec(ctx, "DROP TABLESPACE "+Ident(ScratchTablespaceName)); err != nil {
			return err
		}
	}
	if err := c.makePrivateDir(c.scratchBase()); err != nil {
		return err
	}
	// CREATE TABLESPACE wants an empty directory; anything in ours is junk.
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := c.makePrivateDir(dir); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, fmt.Sprintf("CREATE TABLESPACE %s LOCATION '%s'",
		Ident(ScratchTablespaceName), strings.ReplaceAll(dir, "'", "''")))
	return err
}

// scratchUsable reports whether /dev/shm is a tmpfs with room for clones.
func scratchUsable() bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(shmDir, &st); err != nil {
		return false
	}
	return st.Type == tmpfsMagic && st.Bavail*uint64(st.Bsize) >= minScratchFree
}
