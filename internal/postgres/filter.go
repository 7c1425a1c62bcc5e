package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"creditdesk/internal/creditdesk"
)

// CustomerPredicate returns the SQL predicate, over the customers table under
// alias, that selects the customers the filter asks for among those the actor
// of ctx may see (DOMAIN.md §8). Every query that touches customer data —
// lists, loaders and reports — applies it inside its own SQL, so access
// control costs no extra statement. A nil filter selects every visible
// customer; an empty list in the filter constrains nothing.
//
// Use it as an argument of a Bun query: `db.NewRaw("… WHERE ?", CustomerPredicate(ctx, "c", f))`.
func CustomerPredicate(ctx context.Context, alias string, f *creditdesk.CustomerFilter) schema.QueryWithArgs {
	var parts []string
	var args []any
	add := func(sql string, a ...any) {
		parts = append(parts, fmt.Sprintf(sql, alias))
		args = append(args, a...)
	}
	if u := creditdesk.ActorFrom(ctx); u != nil && !u.Role.SeesAllCustomers() {
		switch {
		case u.Role == creditdesk.RoleManager && u.OfficeID != nil:
			add("%[1]s.office_id = ?", *u.OfficeID)
		case u.Role == creditdesk.RoleSalesRep:
			add("%[1]s.rep_id = ?", u.ID)
		default:
			add("FALSE /* %[1]s: no customer scope */")
		}
	}
	if f != nil {
		if len(f.OfficeCodes) > 0 {
			add("%[1]s.office_id IN (SELECT o.id FROM offices o WHERE o.code IN (?))", bun.List(f.OfficeCodes))
		}
		if len(f.RepUsernames) > 0 {
			add("%[1]s.rep_id IN (SELECT u.id FROM users u WHERE u.username IN (?))", bun.List(f.RepUsernames))
		}
		if len(f.Industries) > 0 {
			add("%[1]s.industry IN (?)", bun.List(f.Industries))
		}
		if len(f.DealerTypes) > 0 {
			add("%[1]s.dealer_type IN (?)", bun.List(f.DealerTypes))
		}
		if len(f.RelationshipClasses) > 0 {
			add("%[1]s.relationship_class IN (?)", bun.List(f.RelationshipClasses))
		}
		if len(f.Statuses) > 0 {
			add("%[1]s.status IN (?)", bun.List(f.Statuses))
		}
		if len(f.CreditClasses) > 0 {
			add("%[1]s.credit_class IN (?)", bun.List(f.CreditClasses))
		}
		if len(f.Codes) > 0 {
			add("%[1]s.code IN (?)", bun.List(f.Codes))
		}
		if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
			// ILIKE '%…%' is served by the trigram indexes for 3+ characters
			// and still answers (by scan) for shorter ones such as 北京.
			pat := "%" + escapeLike(strings.TrimSpace(*f.Search)) + "%"
			add("(%[1]s.name ILIKE ? OR %[1]s.code ILIKE ?)", pat, pat)
		}
	}
	if len(parts) == 0 {
		return bun.SafeQuery("TRUE")
	}
	return bun.SafeQuery(strings.Join(parts, " AND "), args...)
}

// escapeLike escapes the LIKE wildcards of a user's search text.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
