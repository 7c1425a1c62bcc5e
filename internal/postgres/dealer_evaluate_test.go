package postgres_test

import (
	"fmt"
	"reflect"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// TestEvaluateDealers runs the quarterly evaluation several times and checks
// what it stores and what it writes to the archive (002 客户评估一.3).
//
// G1 sells 100, G2 50 in 2025Q2 and nothing else is scored, so G1 has
// sales-absolute 100 → composite 100 → A, and G2 0 → C.
func TestEvaluateDealers(t *testing.T) {
	w := newDealerWorld(t)
	w.MustCreateOffice("BJ")
	w.MustCreateCustomer(dealerCustomer{Code: "G1", Office: "BJ", DealerType: creditdesk.DealerExclusive})
	w.MustCreateCustomer(dealerCustomer{Code: "G2", Office: "BJ", DealerType: creditdesk.DealerExclusive})
	w.MustCreateCustomer(dealerCustomer{Code: "N1", Office: "BJ"})
	w.MustShip("G1", "2025-04-01", "100.00")
	w.MustShip("G2", "2025-04-01", "50.00")
	q2 := creditdesk.Quarter{Year: 2025, Q: 2}

	archive := func() string {
		t.Helper()
		var rows []struct {
			Code               string
			DealerClass        *string
			DealerClassQuarter *string
		}
		if err := w.db.NewRaw(`SELECT code, dealer_class, dealer_class_quarter FROM customers ORDER BY code`).Scan(w.ctx, &rows); err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, r := range rows {
			s += r.Code + ":"
			if r.DealerClass != nil {
				s += *r.DealerClass + "@" + *r.DealerClassQuarter
			}
			s += " "
		}
		return s
	}
	history := func() []string {
		t.Helper()
		var rows []struct {
			Code, Field, Reason, ChangedBy string
			OldValue, NewValue             *string
		}
		if err := w.db.NewRaw(`SELECT c.code, h.field, h.old_value, h.new_value, h.reason, u.username AS changed_by
			FROM customer_history h JOIN customers c ON c.id = h.customer_id JOIN users u ON u.id = h.changed_by
			ORDER BY h.id`).Scan(w.ctx, &rows); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			old, nw := "null", "null"
			if r.OldValue != nil {
				old = *r.OldValue
			}
			if r.NewValue != nil {
				nw = *r.NewValue
			}
			out = append(out, fmt.Sprintf("%s %s %s→%s %q by %s", r.Code, r.Field, old, nw, r.Reason, r.ChangedBy))
		}
		return out
	}
	summary := func(s postgres.DealerEvaluationSummary) string {
		sup := "none"
		if s.Supersedes != nil {
			sup = fmt.Sprint(*s.Supersedes)
		}
		return fmt.Sprintf("run %d of %s supersedes %s: %d dealers (%d incomplete) A%d B%d C%d, %d written, %d changed, policy %d",
			s.EvaluationID, s.Quarter, sup, s.Dealers, s.Incomplete, s.ClassA, s.ClassB, s.ClassC, s.ClassesWritten, s.ClassChanges, s.PolicyVersion)
	}

	t.Run("first run writes both classes with history", func(t *testing.T) {
		s, err := postgres.EvaluateDealers(w.ctx, w.db, q2)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := summary(s), "run 1 of 2025Q2 supersedes none: 2 dealers (2 incomplete) A1 B0 C1, 2 written, 2 changed, policy 1"; got != want {
			t.Errorf("summary\n got %s\nwant %s", got, want)
		}
		if got, want := archive(), "G1:A@2025Q2 G2:C@2025Q2 N1: "; got != want {
			t.Errorf("archive %q, want %q", got, want)
		}
		want := []string{
			`G1 dealerClass null→A "dealer evaluation 2025Q2" by admin`,
			`G2 dealerClass null→C "dealer evaluation 2025Q2" by admin`,
		}
		if got := history(); !reflect.DeepEqual(got, want) {
			t.Errorf("history\n got %q\nwant %q", got, want)
		}
	})
	t.Run("a re-run with the same result adds a run and no history", func(t *testing.T) {
		s, err := postgres.EvaluateDealers(w.ctx, w.db, q2)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := summary(s), "run 2 of 2025Q2 supersedes 1: 2 dealers (2 incomplete) A1 B0 C1, 2 written, 0 changed, policy 1"; got != want {
			t.Errorf("summary\n got %s\nwant %s", got, want)
		}
		if n := len(history()); n != 2 {
			t.Errorf("%d history rows, want still 2", n)
		}
		if got := w.count(`SELECT count(*) FROM dealer_evaluations WHERE latest`); got != 1 {
			t.Errorf("%d latest runs, want 1", got)
		}
		if got := w.count(`SELECT count(*) FROM dealer_scorecards`); got != 4 {
			t.Errorf("%d stored scorecards, want 4 (both runs kept)", got)
		}
	})
	t.Run("a class that changes gets one history row", func(t *testing.T) {
		// G2 rated 100 on the four rated metrics: (20·0 + 10·400) / 60 = 66.67 → B.
		for _, m := range []creditdesk.DealerMetric{creditdesk.MetricLayout, creditdesk.MetricPromotion, creditdesk.MetricPrice, creditdesk.MetricRelations} {
			w.MustRate("G2", "2025Q2", m, "100")
		}
		actor := &creditdesk.User{Username: "admin", Role: creditdesk.RoleGeneralManager}
		if err := w.db.NewRaw(`SELECT id FROM users WHERE username = 'admin'`).Scan(w.ctx, &actor.ID); err != nil {
			t.Fatal(err)
		}
		s, err := postgres.DealerStore{DB: w.db}.EvaluateDealers(creditdesk.WithActor(w.ctx, actor), q2)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := summary(*s), "run 3 of 2025Q2 supersedes 2: 2 dealers (2 incomplete) A1 B1 C0, 2 written, 1 changed, policy 1"; got != want {
			t.Errorf("summary\n got %s\nwant %s", got, want)
		}
		h := history()
		if want := `G2 dealerClass C→B "dealer evaluation 2025Q2" by admin`; len(h) != 3 || h[2] != want {
			t.Errorf("history %q, want a third row %q", h, want)
		}
		if got, want := archive(), "G1:A@2025Q2 G2:B@2025Q2 N1: "; got != want {
			t.Errorf("archive %q, want %q", got, want)
		}
	})
	t.Run("an older quarter does not overwrite a newer class", func(t *testing.T) {
		// 2025Q1: no sales at all → both tie at sales-absolute 0 → C.
		s, err := postgres.EvaluateDealers(w.ctx, w.db, creditdesk.Quarter{Year: 2025, Q: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := summary(s), "run 4 of 2025Q1 supersedes none: 2 dealers (2 incomplete) A0 B0 C2, 0 written, 0 changed, policy 1"; got != want {
			t.Errorf("summary\n got %s\nwant %s", got, want)
		}
		if got, want := archive(), "G1:A@2025Q2 G2:B@2025Q2 N1: "; got != want {
			t.Errorf("archive %q, want %q", got, want)
		}
	})
	t.Run("stored scorecards: the latest run of each quarter, newest first", func(t *testing.T) {
		var ids []int64
		if err := w.db.NewRaw(`SELECT id FROM customers WHERE code IN ('G2', 'N1', 'G1') ORDER BY code DESC`).Scan(w.ctx, &ids); err != nil {
			t.Fatal(err)
		}
		got, err := postgres.DealerStore{DB: w.db}.StoredScorecards(w.ctx, ids) // N1, G2, G1
		if err != nil {
			t.Fatal(err)
		}
		show := func(cards []*creditdesk.DealerScorecard) []string {
			var out []string
			for _, c := range cards {
				out = append(out, fmt.Sprintf("%s %s run %d %s %s %s", c.Customer.Code, c.Quarter, *c.EvaluationID, c.Composite.String(), c.DealerClass, dealerScore(c.Metrics[4].Score)))
			}
			return out
		}
		want := [][]string{
			nil,
			{"G2 2025Q2 run 3 66.67 B 100.00", "G2 2025Q1 run 4 0.00 C null"},
			{"G1 2025Q2 run 3 100.00 A null", "G1 2025Q1 run 4 0.00 C null"},
		}
		for i := range want {
			if g := show(got[i]); !reflect.DeepEqual(g, want[i]) {
				t.Errorf("customer %d: got %q, want %q", i, g, want[i])
			}
		}
	})
	t.Run("stored runs are never deleted or rewritten", func(t *testing.T) {
		for _, sql := range []string{
			`DELETE FROM dealer_scorecards`,
			`DELETE FROM dealer_evaluations`,
			`UPDATE dealer_scorecards SET dealer_class = 'A'`,
			`UPDATE dealer_evaluations SET latest = true WHERE NOT latest`,
		} {
			if _, err := w.db.ExecContext(w.ctx, sql); err == nil {
				t.Errorf("%s: no error", sql)
			}
		}
	})
	t.Run("only a general manager may evaluate", func(t *testing.T) {
		ctx := creditdesk.WithActor(w.ctx, &creditdesk.User{ID: 1, Username: "m", Role: creditdesk.RoleManager})
		_, err := postgres.EvaluateDealers(ctx, w.db, q2)
		if code := creditdesk.ErrorCode(err); code != creditdesk.EFORBIDDEN {
			t.Errorf("error %v (%s), want FORBIDDEN", err, code)
		}
	})
}

// TestRecordDealerRating checks the validation of an office rating and the
// average it reports.
func TestRecordDealerRating(t *testing.T) {
	w := newDealerWorld(t)
	w.MustCreateOffice("BJ")
	w.MustCreateCustomer(dealerCustomer{Code: "EX", Office: "BJ", DealerType: creditdesk.DealerExclusive})
	w.MustCreateCustomer(dealerCustomer{Code: "LG", Office: "BJ", DealerType: creditdesk.DealerLogistics})
	w.MustCreateCustomer(dealerCustomer{Code: "NO", Office: "BJ"})
	store := postgres.DealerStore{DB: w.db}
	q := creditdesk.Quarter{Year: 2025, Q: 2}
	rate := func(code string, m creditdesk.DealerMetric, score string) (*creditdesk.DealerRating, error) {
		return store.RecordDealerRating(w.ctx, creditdesk.DealerRatingInput{CustomerCode: code, Quarter: q, Metric: m, Score: dealerDec(score)})
	}
	for _, tc := range []struct {
		name, code string
		metric     creditdesk.DealerMetric
		score      string
		want       string
	}{
		{"above 100", "EX", creditdesk.MetricLayout, "100.01", creditdesk.EINVALID},
		{"below 0", "EX", creditdesk.MetricLayout, "-1", creditdesk.EINVALID},
		{"three places", "EX", creditdesk.MetricLayout, "80.125", creditdesk.EINVALID},
		{"computed metric", "EX", creditdesk.MetricCredit, "80", creditdesk.EINVALID},
		{"logistics metric on an exclusive dealer", "EX", creditdesk.MetricDelivery, "80", creditdesk.EINVALID},
		{"not a dealer", "NO", creditdesk.MetricLayout, "80", creditdesk.EINVALID},
		{"unknown customer", "ZZ", creditdesk.MetricLayout, "80", creditdesk.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rate(tc.code, tc.metric, tc.score)
			if code := creditdesk.ErrorCode(err); code != tc.want {
				t.Errorf("error %v (%s), want %s", err, code, tc.want)
			}
		})
	}
	if n := w.count(`SELECT count(*) FROM dealer_ratings`); n != 0 {
		t.Fatalf("%d ratings stored by refused requests", n)
	}
	t.Run("ratings are averaged", func(t *testing.T) {
		// 0 and 100 are allowed; (100 + 0 + 85.5) / 3 = 61.8333… → 61.83.
		for _, s := range []string{"100", "0"} {
			if _, err := rate("LG", creditdesk.MetricDelivery, s); err != nil {
				t.Fatal(err)
			}
		}
		r, err := rate("LG", creditdesk.MetricDelivery, "85.5")
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%s %s %s avg %s of %d", r.Customer.Code, r.Metric, r.Score.String(), r.AverageScore.String(), r.RatingCount); got != "LG DELIVERY 85.50 avg 61.83 of 3" {
			t.Errorf("got %s", got)
		}
		if _, err := rate("LG", creditdesk.MetricPromotion, "70"); err != nil {
			t.Fatal(err)
		}
		if _, err := rate("EX", creditdesk.MetricPromotion, "70"); err != nil {
			t.Fatal(err)
		}
	})
	if n := w.count(`SELECT count(*) FROM dealer_ratings`); n != 5 {
		t.Errorf("%d ratings stored, want 5", n)
	}
}
