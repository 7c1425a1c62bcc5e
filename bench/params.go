package bench

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Params are the values the queries' variables and the floor's parameters
// are bound to, by name. They are chosen from the data, so the suite runs on
// any data set: the last day of history is "as of", the account page shows
// the customer with the most invoices, the list filters on the biggest office
// and its most common industry, reports take the last complete year, half
// year and quarter.
type Params map[string]any

// ResolveParams chooses the parameters from the database.
func ResolveParams(ctx context.Context, db *pgxpool.Pool) (Params, error) {
	var asOf time.Time
	if err := db.QueryRow(ctx, `SELECT coalesce(max(ship_date), current_date) FROM invoices`).Scan(&asOf); err != nil {
		return nil, fmt.Errorf("as-of date: %w", err)
	}
	p := Params{"asOf": asOf.Format(time.DateOnly), "first": 50, "top": 100, "annualTarget": "120000000.00"}

	var code, officeCode, industry string
	var officeID int64
	err := db.QueryRow(ctx, `
		SELECT c.code FROM customers c
		ORDER BY (SELECT count(*) FROM invoices i WHERE i.customer_id = c.id) DESC, c.code LIMIT 1`).Scan(&code)
	if err != nil {
		return nil, fmt.Errorf("account page customer: %w", err)
	}
	err = db.QueryRow(ctx, `
		WITH o AS (SELECT office_id, count(*) AS n FROM customers GROUP BY office_id ORDER BY n DESC, office_id LIMIT 1)
		SELECT f.id, f.code, (SELECT c.industry FROM customers c WHERE c.office_id = o.office_id
		                      GROUP BY c.industry ORDER BY count(*) DESC, c.industry LIMIT 1)
		FROM o JOIN offices f ON f.id = o.office_id`).Scan(&officeID, &officeCode, &industry)
	if err != nil {
		return nil, fmt.Errorf("customer list filter: %w", err)
	}
	p["code"], p["officeCode"], p["officeId"], p["industry"] = code, officeCode, strconv.FormatInt(officeID, 10), industry

	// The last complete year, half year and quarter on or before asOf.
	y, m, d := asOf.Date()
	next := asOf.AddDate(0, 0, 1) // a period is complete when asOf is its last day
	year := y
	if !(m == time.December && d == 31) {
		year--
	}
	p["from"], p["to"] = date(year, 1, 1), date(year, 12, 31)
	p["years"] = []int{year - 2, year - 1, year}
	p["metricsFrom"], p["metricsTo"] = date(year, 1, 1), date(year, 12, 31)

	ny, nm, _ := next.Date()
	qStart := time.Date(ny, time.Month((int(nm)-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -3, 0)
	p["quarter"] = fmt.Sprintf("%dQ%d", qStart.Year(), (int(qStart.Month())-1)/3+1)
	p["quarterFrom"], p["quarterTo"] = qStart.Format(time.DateOnly), qStart.AddDate(0, 3, -1).Format(time.DateOnly)
	hStart := time.Date(ny, time.Month((int(nm)-1)/6*6+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -6, 0)
	p["mixFrom"], p["mixTo"] = hStart.Format(time.DateOnly), hStart.AddDate(0, 6, -1).Format(time.DateOnly)
	p["mixCustomer"] = nil
	return p, nil
}

func date(y int, m time.Month, d int) string {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// Vars returns the GraphQL variables names asks for.
func (p Params) Vars(names []string) (map[string]any, error) {
	out := make(map[string]any, len(names))
	for _, n := range names {
		v, ok := p[n]
		if !ok {
			return nil, fmt.Errorf("no parameter %q", n)
		}
		out[n] = v
	}
	return out, nil
}

// Args returns the floor's positional arguments.
func (p Params) Args(names []string) ([]any, error) {
	out := make([]any, len(names))
	for i, n := range names {
		v, ok := p[n]
		if !ok {
			return nil, fmt.Errorf("no parameter %q", n)
		}
		out[i] = v
	}
	return out, nil
}
