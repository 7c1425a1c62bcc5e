package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"creditdesk/internal/creditdesk"
)

// PolicyWriteStore implements creditdesk.PolicyWriter: new versions of the
// policy (DOMAIN.md §10), each a whole snapshot of every key.
type PolicyWriteStore struct {
	DB *bun.DB
	// Clock tells today (a version cannot take effect before it); nil is
	// the system clock.
	Clock creditdesk.Clock
}

var _ creditdesk.PolicyWriter = PolicyWriteStore{}

// policyWriteLock serialises version numbering.
const policyWriteLock int64 = 0x706f6c6963797631 // "policyv1"

// SetPolicy creates a new policy version in force from change.EffectiveFrom:
// the version in force on that day with change.Settings applied, so the new
// version is again a whole snapshot of every key (DOMAIN.md §10). General
// manager only (EFORBIDDEN). EINVALID, naming the key and the value, for an
// unknown key, a key given twice, a malformed value, abc_a above abc_b or
// dealer_class_b above dealer_class_a, and for a base_currency change once
// anything has been posted; EINVALID for an effective date before today (a
// computation already made must not change under its version number).
func (s PolicyWriteStore) SetPolicy(ctx context.Context, change creditdesk.PolicyChange) (*creditdesk.Policy, error) {
	actor, err := actingUser(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if actor.Role != creditdesk.RoleGeneralManager {
		return nil, creditdesk.Errorf(creditdesk.EFORBIDDEN, "only the general manager may change the policy")
	}
	if len(change.Settings) == 0 {
		return nil, creditdesk.FieldError("settings", "", "give at least one setting to change")
	}
	seen := map[string]bool{}
	for _, st := range change.Settings {
		key, value := strings.TrimSpace(st.Key), strings.TrimSpace(st.Value)
		if seen[key] {
			return nil, creditdesk.FieldError(key, value, "the key is given twice")
		}
		seen[key] = true
		if known, what := creditdesk.CheckPolicySetting(key, value); !known {
			return nil, creditdesk.FieldError(key, value, "not a policy setting")
		} else if what != "" {
			return nil, creditdesk.FieldError(key, value, "%s", what)
		}
	}
	var out *creditdesk.Policy
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", policyWriteLock); err != nil {
			return fmt.Errorf("lock policy versions: %w", err)
		}
		today, err := policyToday(ctx, tx, s.Clock)
		if err != nil {
			return err
		}
		if change.EffectiveFrom.Before(today) {
			return creditdesk.FieldError("effectiveFrom", change.EffectiveFrom.String(),
				"is before today (%s): a policy version cannot take effect in the past, or answers already given under a version would change", today)
		}
		base, err := PolicyStore{DB: tx}.PolicyAt(ctx, change.EffectiveFrom)
		if err != nil {
			return err
		}
		settings := maps.Clone(base.Settings)
		for _, st := range change.Settings {
			settings[strings.TrimSpace(st.Key)] = strings.TrimSpace(st.Value)
		}
		if c := creditdesk.CheckPolicyConsistency(settings); c != nil {
			// Named by the setting the change gave (both, when it gave both:
			// the lower one).
			key := c.Low
			if !seen[key] {
				key = c.High
			}
			return creditdesk.FieldError(key, settings[key], "%s", c.Problem(settings))
		}
		// DOMAIN.md §10: base_currency cannot change once anything has been
		// posted (every base_amount was computed in it).
		if settings["base_currency"] != base.Settings["base_currency"] {
			var posted bool
			if err := tx.NewRaw(`SELECT EXISTS (SELECT 1 FROM invoices) OR EXISTS (SELECT 1 FROM sales_lines)
				OR EXISTS (SELECT 1 FROM payments) OR EXISTS (SELECT 1 FROM notes)`).Scan(ctx, &posted); err != nil {
				return fmt.Errorf("check for posted documents: %w", err)
			}
			if posted {
				return creditdesk.FieldError("base_currency", settings["base_currency"],
					"cannot change from %s once anything has been posted", base.Settings["base_currency"])
			}
		}
		note := ""
		if change.Note != nil {
			note = strings.TrimSpace(*change.Note)
		}
		keys := slices.Sorted(maps.Keys(settings))
		values := make([]string, len(keys))
		for i, k := range keys {
			values[i] = settings[k]
		}
		var version int
		if err := tx.NewRaw(`
			WITH v AS (
				INSERT INTO policy_versions (version, effective_from, created_by, note)
				SELECT coalesce(max(version), 0) + 1, ?from, ?actor, ?note FROM policy_versions
				RETURNING version
			),
			s AS (
				INSERT INTO policy_settings (version, key, value)
				SELECT v.version, k.key, k.value
				FROM v CROSS JOIN unnest(?keys::text[], ?values::text[]) AS k (key, value)
			)
			SELECT version FROM v`, sqlArgs{
			"from": change.EffectiveFrom, "actor": actor.ID, "note": note,
			"keys": pgdialect.Array(keys), "values": pgdialect.Array(values),
		}).Scan(ctx, &version); err != nil {
			return fmt.Errorf("insert policy version: %w", err)
		}
		out = &creditdesk.Policy{Version: version, EffectiveFrom: change.EffectiveFrom, Settings: settings}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PolicyVersions lists every policy version, the latest effective date
// first (the later version first on the same date). Any caller may use it.
func (s PolicyWriteStore) PolicyVersions(ctx context.Context) ([]*creditdesk.PolicyVersion, error) {
	var rows []struct {
		Version       int
		EffectiveFrom creditdesk.Date
		Note          string
		CreatedBy     int64
		CreatedAt     time.Time
	}
	if err := s.DB.NewRaw(`SELECT version, effective_from, note, created_by, created_at FROM policy_versions
		ORDER BY effective_from DESC, version DESC`).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list policy versions: %w", err)
	}
	var ids []int64
	for _, r := range rows {
		ids = append(ids, r.CreatedBy)
	}
	users, err := usersByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*creditdesk.PolicyVersion, len(rows))
	for i, r := range rows {
		out[i] = &creditdesk.PolicyVersion{Version: r.Version, EffectiveFrom: r.EffectiveFrom, Note: r.Note,
			CreatedBy: users[r.CreatedBy], CreatedAt: r.CreatedAt}
	}
	return out, nil
}
