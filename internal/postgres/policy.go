package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// PolicyStore reads policy versions (DOMAIN.md §10).
type PolicyStore struct{ DB bun.IDB }

// PolicyAt returns the version in force on d: the newest version whose
// effective_from is on or before d.
func (s PolicyStore) PolicyAt(ctx context.Context, d creditdesk.Date) (*creditdesk.Policy, error) {
	return s.load(ctx, inForceOn(d))
}

// inForceOn admits the policy versions that have taken effect by d.
func inForceOn(d creditdesk.Date) schema.QueryWithArgs {
	return bun.SafeQuery("effective_from <= ?::date", d)
}

// CurrentPolicy returns the newest version.
func (s PolicyStore) CurrentPolicy(ctx context.Context) (*creditdesk.Policy, error) {
	return s.load(ctx, bun.SafeQuery("TRUE"))
}

// policyVersionIn selects (version, effective_from) of the policy version in
// force among those where admits: the latest to take effect, the newest of
// those on a tie.
func policyVersionIn(where schema.QueryAppender) schema.QueryWithArgs {
	return bun.SafeQuery(`SELECT version, effective_from FROM policy_versions
		WHERE ? ORDER BY effective_from DESC, version DESC LIMIT 1`, where)
}

func (s PolicyStore) load(ctx context.Context, where schema.QueryAppender) (*creditdesk.Policy, error) {
	var rows []struct {
		Version       int
		EffectiveFrom creditdesk.Date
		Key           string
		Value         string
	}
	err := s.DB.NewRaw(`
		WITH v AS (?)
		SELECT v.version, v.effective_from, s.key, s.value
		FROM v JOIN policy_settings s USING (version)`, policyVersionIn(where)).Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("load policy: %w", err)
	}
	if len(rows) == 0 {
		return nil, creditdesk.Errorf(creditdesk.ENOTFOUND, "no policy version is in force on that date")
	}
	p := &creditdesk.Policy{Version: rows[0].Version, EffectiveFrom: rows[0].EffectiveFrom, Settings: map[string]string{}}
	for _, r := range rows {
		p.Settings[r.Key] = r.Value
	}
	return p, nil
}
