package postgres

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"creditdesk/internal/creditdesk"
)

func TestClassSQLDump(t *testing.T) {
	if os.Getenv("CLASS_SQL_DUMP") == "" {
		return
	}
	db := bun.NewDB(nil, pgdialect.New())
	p := &creditdesk.Policy{Version: 1, Settings: map[string]string{
		"default_window_days": "730", "default_overdue_days": "90", "class_a_min_capital": "10000000.00",
		"class_a_min_employees": "500", "class_a_min_payment_score": "80", "class_a_min_years_founded": "5",
		"class_a_min_years_trading": "2", "class_c_balance": "700000.00", "class_c_volume": "5000000.00",
		"class_c_max_employees": "100", "class_c_new_years": "2"}}
	d := creditdesk.MustParseDate(os.Getenv("CLASS_SQL_DATE"))
	var ids []int64
	if v := os.Getenv("CLASS_SQL_DUMP"); v != "all" {
		var id int64
		fmt.Sscan(v, &id)
		ids = []int64{id}
	}
	q := db.NewRaw(`WITH ? SELECT e.* FROM evaluation e ORDER BY e.customer_id`, classPipeline(context.Background(), ids, d, p))
	if os.Getenv("CLASS_SQL_EVAL") != "" {
		q = db.NewRaw(classQuery("evaluate.sql"), sqlArgs{
			"asof": d, "version": 1, "trigger": "EVALUATION", "actor": 1, "reason": "x",
			"pipeline": classPipeline(context.Background(), ids, d, p),
		})
	}
	b, err := q.AppendQuery(db.QueryGen(), nil)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(os.Getenv("CLASS_SQL_OUT"), b, 0o644)
	_ = context.Background()
}
