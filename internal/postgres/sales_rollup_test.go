package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

// salesRollupDiff counts the rows on which the monthly rollup and a GROUP BY over
// the sales lines disagree (in either direction).
func salesRollupDiff(t *testing.T, ctx context.Context, db bun.IDB) int {
	t.Helper()
	var n int
	err := db.NewRaw(`
		WITH truth AS (
			SELECT customer_id, date_trunc('month', ship_date::timestamp)::date AS month,
			       sum(base_amount) AS sales, sum(cost_amount) AS cost, sum(quantity) AS quantity, count(*) AS lines
			FROM sales_lines GROUP BY 1, 2
		), rollup AS (
			SELECT customer_id, month, sales, cost, quantity, lines FROM sales_customer_months
		)
		SELECT count(*) FROM ((SELECT * FROM truth EXCEPT ALL SELECT * FROM rollup)
		                      UNION ALL (SELECT * FROM rollup EXCEPT ALL SELECT * FROM truth)) d`).Scan(ctx, &n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSalesRollupEqualsLines proves that sales_customer_months, kept by the
// statement-level trigger, equals the sales lines grouped by customer and
// month, whatever the write path: single and multi-row statements, several
// statements on one customer-month, returns, foreign-currency lines,
// concurrent transactions and TRUNCATE.
func TestSalesRollupEqualsLines(t *testing.T) {
	f := newSalesFixture(t)
	f.MustCreateOffice("BJ")
	f.MustCreateProduct("P1", "")
	f.MustCreateProduct("P2", "")
	f.MustCreateCustomer(salesCustomerSpec{Code: "A"})
	f.MustCreateCustomer(salesCustomerSpec{Code: "B"})

	f.MustCreateLines(salesLine{Customer: "A", Product: "P1", Date: "2025-01-31", Amount: "100.10", Cost: "60", Quantity: "2.5"})
	f.MustCreateLines(
		salesLine{Customer: "A", Product: "P1", Date: "2025-01-01", Amount: "50.05", Cost: "30", Quantity: "1"},
		salesLine{Customer: "A", Product: "P2", Date: "2025-02-01", Amount: "-20", Cost: "-12", Quantity: "-1"},
		salesLine{Customer: "B", Product: "P2", Date: "2024-12-31", Amount: "999.99", Cost: "500", Quantity: "7"},
		salesLine{Customer: "B", Product: "P2", Date: "2024-12-31", Amount: "0.01", Cost: "0", Quantity: "1"},
	)
	f.MustCreateLinesUSD("B", "P1", "2025-01-15", "100.00", "7.12345678")
	if n := salesRollupDiff(t, f.ctx, f.db); n != 0 {
		t.Fatalf("rollup differs from the lines on %d rows", n)
	}
	var got struct {
		Sales, Cost, Quantity string
		Lines                 int
	}
	if err := f.db.NewRaw(`SELECT sales, cost, quantity, lines FROM sales_customer_months r JOIN customers c ON c.id = r.customer_id
		WHERE c.code = 'A' AND r.month = '2025-01-01'`).Scan(f.ctx, &got); err != nil {
		t.Fatal(err)
	}
	// 100.10 + 50.05; 60 + 30; 2.5 + 1; two lines.
	if got.Sales != "150.15" || got.Cost != "90.00" || got.Quantity != "3.500" || got.Lines != 2 {
		t.Errorf("A 2025-01 = %+v, want 150.15 / 90.00 / 3.500 / 2", got)
	}

	t.Run("concurrent transactions on the same customer-month", func(t *testing.T) {
		ctx := context.Background()
		tx1, err := f.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		insert := func(tx bun.Tx, amount string) error {
			_, err := tx.NewRaw(`INSERT INTO sales_lines (customer_id, product_id, ship_date, quantity, unit_price, amount,
				cost_amount, currency, exchange_rate, base_amount)
				SELECT c.id, p.id, '2025-01-20', 1, 1, ?::numeric, 0, 'CNY', 1, ?::numeric FROM customers c, products p
				WHERE c.code = 'A' AND p.code = 'P1'`, amount, amount).Exec(ctx)
			return err
		}
		if err := insert(tx1, "1.00"); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			tx2, err := f.db.BeginTx(ctx, nil)
			if err != nil {
				done <- err
				return
			}
			if err := insert(tx2, "2.00"); err != nil { // waits for tx1's row lock
				_ = tx2.Rollback()
				done <- err
				return
			}
			done <- tx2.Commit()
		}()
		// Commit tx1 only once tx2 waits for its lock on the rollup row.
		for deadline := time.Now().Add(10 * time.Second); ; {
			var waiting int
			if err := f.db.NewRaw(`SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(ctx, &waiting); err != nil {
				t.Fatal(err)
			}
			if waiting > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the second transaction never waited for the first")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := tx1.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if n := salesRollupDiff(t, ctx, f.db); n != 0 {
			t.Fatalf("after concurrent inserts the rollup differs from the lines on %d rows", n)
		}
	})

	t.Run("truncate empties the rollup", func(t *testing.T) {
		f.exec(`TRUNCATE sales_lines`)
		var n int
		if err := f.db.NewRaw(`SELECT count(*) FROM sales_customer_months`).Scan(f.ctx, &n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rollup rows left after TRUNCATE sales_lines", n)
		}
	})
}
