package postgres

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"creditdesk/internal/creditdesk"
)

// loadCustomers returns the archive records of the customers ids, keyed by
// id, in one statement. Reports select their customers with the actor's
// scope applied and then load the records of the rows they return, so a
// report costs the same number of statements for 1 row as for 20,000.
func loadCustomers(ctx context.Context, db bun.IDB, ids []int64) (map[int64]*creditdesk.Customer, error) {
	out := make(map[int64]*creditdesk.Customer, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var cs []*creditdesk.Customer
	if err := db.NewRaw("SELECT c.* FROM customers c WHERE c.id IN (?)", bun.List(ids)).Scan(ctx, &cs); err != nil {
		return nil, fmt.Errorf("load customers: %w", err)
	}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}
