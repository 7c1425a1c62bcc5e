package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
)

// creditPositionLine writes a position the way the API shows it.
func creditPositionLine(p *creditdesk.CreditPosition) string {
	limit, util := "null", "null"
	if p.CreditLimit != nil {
		limit = p.CreditLimit.String()
	}
	if p.Utilization != nil {
		util = p.Utilization.String()
	}
	return fmt.Sprintf("%s open=%s notes=%s exposure=%s limit=%s util=%s %s v%d",
		p.Customer.Code, p.OpenReceivables.String(), p.UnsettledNotes.String(), p.Exposure.String(), limit, util, p.Alert, p.PolicyVersion)
}

// The ledger functions themselves, on the hand-worked ledger: open items,
// exposure and the payment score as of several dates.
func TestCreditLedgerFunctions(t *testing.T) {
	f := creditLedgerFixture(t)
	ctx := context.Background()

	t.Run("open items as of 2025-06-30", func(t *testing.T) {
		var rows []struct {
			Number   string
			Open     string
			OpenBase string
		}
		err := f.db.NewRaw(`SELECT i.number, o.open::text, o.open_base::text FROM cd_invoice_open('2025-06-30') o
			JOIN invoices i ON i.id = o.invoice_id ORDER BY i.number`).Scan(ctx, &rows)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.Number+":"+r.Open+":"+r.OpenBase)
		}
		// A1 paid 20,000 of 50,000; A3/A4 settled by NA1; B1 reopened by the
		// dishonour of NB1; B3 paid after NB2's dishonour; C1 and C2 each
		// 100.05 USD × 7.1 = 710.355 → 710.36; D1 written off, D2 partly.
		want := "A1:30000.00:30000.00 A2:10000.00:10000.00 B1:20000.00:20000.00 B2:26000.00:26000.00 " +
			"C1:100.05:710.36 C2:100.05:710.36 D2:3000.00:3000.00 E0:100.00:100.00 E1:200.00:200.00 " +
			"E120:600.00:600.00 E121:700.00:700.00 E30:300.00:300.00 E60:400.00:400.00 E90:500.00:500.00 " +
			"F1:500.00:500.00 G1:9000.00:9000.00"
		if g := strings.Join(got, " "); g != want {
			t.Errorf("open items\n got %s\nwant %s", g, want)
		}
	})

	exposure := func(t *testing.T, asOf, code string) string {
		t.Helper()
		var s string
		err := f.db.NewRaw(`SELECT coalesce((SELECT concat_ws(' ', e.open_receivables, e.unsettled_notes, e.exposure)
			FROM cd_customer_exposure(?::date) e WHERE e.customer_id = ?), 'none')`, asOf, f.custs[code]).Scan(ctx, &s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct{ asOf, code, want string }{
		// A: 30,000 + 10,000 open, note NA1 39,000 held.
		{"2025-06-30", "A001", "40000.00 39000.00 79000.00"},
		// B on 04-30: B1 settled by NB1 (held until 05-22), B2 open, B3
		// paid; NB2 dishonoured 04-10 no longer counts.
		{"2025-04-30", "B002", "26000.00 20000.00 46000.00"},
		// B on 03-25: B1 and B3 settled by notes NB1 and NB2, both held.
		{"2025-03-25", "B002", "0 30000.00 30000.00"},
		{"2025-06-30", "B002", "46000.00 0 46000.00"},
		// D1 open until its write-off on 2024-10-29.
		{"2024-09-30", "D004", "8000.00 0 8000.00"},
		{"2024-12-31", "D004", "none"},
		{"2025-06-30", "H008", "none"},
	} {
		t.Run("exposure "+tc.code+" "+tc.asOf, func(t *testing.T) {
			if got := exposure(t, tc.asOf, tc.code); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	score := func(t *testing.T, asOf, code string) string {
		t.Helper()
		var s string
		err := f.db.NewRaw(`SELECT coalesce((SELECT round(p.score, 2)::text FROM cd_payment_score(?::date) p
			WHERE p.customer_id = ?), 'null')`, asOf, f.custs[code]).Scan(ctx, &s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct{ asOf, code, want, why string }{
		{"2025-06-30", "A001", "51.37", "A1 61 d × 50,000, A2 0 × 10,000, A3 0 × 25,000, A4 −13 × 14,000: " +
			"w = 2,868,000 / 99,000 = 28.9697; 70 − (w − 15) × 4/3"},
		{"2025-06-30", "B002", "42.11", "B1 open 111 d × 20,000, B2 11 × 26,000, B3 paid 04-25 50 × 10,000: " +
			"w = 3,006,000 / 56,000 = 53.6786; 50 − (w − 30) / 3"},
		{"2025-05-21", "B002", "77.33", "before NB1's dishonour B1 counts as settled on 02-20 (−19 d); " +
			"B3 settled 04-25 (50 d): w = 4; 80 − 4 × 2/3"},
		{"2025-04-15", "B002", "79.56", "NB2 dishonoured 04-10: B3 open 40 d; B1 −19 d: w = 2/3"},
		{"2025-03-31", "B002", "85.33", "B3 settled by NB2 on 03-20 (14 d), B1 −19 d: w = −8; 100 − 22 × 2/3"},
		{"2024-12-31", "D004", "30.00", "the write-off on 2024-10-29 stops D1's clock at 90 d"},
		{"2025-06-30", "D004", "26.28", "D1 90 d × 8,000, D2 open 119 d × 5,000: w = 101.1538; 30 − (w − 90)/3"},
		{"2025-06-30", "E005", "32.04", "0, 1, 30, 60, 90, 120, 121 d weighted 100…700: w = 83.8929"},
		{"2025-06-30", "C003", "null", "no invoice due in the trailing 12 months"},
	} {
		t.Run("payment score "+tc.code+" "+tc.asOf, func(t *testing.T) {
			if got := score(t, tc.asOf, tc.code); got != tc.want {
				t.Errorf("got %s, want %s (%s)", got, tc.want, tc.why)
			}
		})
	}
}

func TestCreditPosition(t *testing.T) {
	f := creditLedgerFixture(t)
	s := f.store()
	ctx := context.Background()
	for _, tc := range []struct {
		code string
		asOf *creditdesk.Date
		want string
	}{
		{"A001", nil, "A001 open=40000.00 notes=39000.00 exposure=79000.00 limit=100000.00 util=0.790000 OK v1"},
		{"B002", asOfDate("2025-06-30"), "B002 open=46000.00 notes=0.00 exposure=46000.00 limit=50000.00 util=0.920000 APPROACHING v1"},
		{"B002", asOfDate("2025-04-30"), "B002 open=26000.00 notes=20000.00 exposure=46000.00 limit=50000.00 util=0.920000 APPROACHING v1"},
		// No limit with exposure: EXCEEDED, utilisation null; open base
		// rounded per invoice: 710.36 + 710.36 (not 1,420.71).
		{"C003", nil, "C003 open=1420.72 notes=0.00 exposure=1420.72 limit=null util=null EXCEEDED v1"},
		{"D004", asOfDate("2024-09-30"), "D004 open=8000.00 notes=0.00 exposure=8000.00 limit=10000.00 util=0.800000 OK v1"},
		// Exactly 100 % is APPROACHING; exactly 90 % too.
		{"F006", nil, "F006 open=500.00 notes=0.00 exposure=500.00 limit=500.00 util=1.000000 APPROACHING v1"},
		{"G007", nil, "G007 open=9000.00 notes=0.00 exposure=9000.00 limit=10000.00 util=0.900000 APPROACHING v1"},
		{"H008", nil, "H008 open=0.00 notes=0.00 exposure=0.00 limit=20000.00 util=0.000000 OK v1"},
		{"I009", nil, "I009 open=0.00 notes=0.00 exposure=0.00 limit=null util=null OK v1"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			p, err := s.CreditPosition(ctx, tc.code, tc.asOf)
			if err != nil {
				t.Fatal(err)
			}
			if got := creditPositionLine(p); got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
			if tc.asOf == nil && p.AsOf != creditDay {
				t.Errorf("as of %s, want today in Shanghai %s", p.AsOf, creditDay)
			}
		})
	}
	t.Run("unknown customer", func(t *testing.T) {
		_, err := s.CreditPosition(ctx, "NOPE", nil)
		if code := creditdesk.ErrorCode(err); code != creditdesk.ENOTFOUND {
			t.Errorf("error %v (%s), want NOT_FOUND", err, code)
		}
	})
	t.Run("a newer policy version names itself and moves the warning line", func(t *testing.T) {
		f.exec(`INSERT INTO policy_versions (version, effective_from, created_by) SELECT 2, '2025-06-01', id FROM users WHERE username = 'admin'`)
		f.exec(`INSERT INTO policy_settings (version, key, value)
			SELECT 2, key, CASE key WHEN 'limit_warn_ratio' THEN '0.75' ELSE value END FROM policy_settings WHERE version = 1`)
		p, err := s.CreditPosition(ctx, "A001", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := creditPositionLine(p), "A001 open=40000.00 notes=39000.00 exposure=79000.00 limit=100000.00 util=0.790000 APPROACHING v2"; got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
		p, err = s.CreditPosition(ctx, "A001", asOfDate("2025-05-31"))
		if err != nil {
			t.Fatal(err)
		}
		if p.PolicyVersion != 1 || p.Alert != creditdesk.AlertOK {
			t.Errorf("as of 2025-05-31: version %d alert %s, want version 1 OK", p.PolicyVersion, p.Alert)
		}
	})
}

func TestCreditPositions(t *testing.T) {
	f := creditLedgerFixture(t)
	s := f.store()
	ctx := context.Background()
	codes := func(page *creditdesk.CreditPositionPage) string {
		var out []string
		for _, e := range page.Edges {
			out = append(out, e.Node.Customer.Code)
		}
		return strings.Join(out, " ")
	}
	list := func(t *testing.T, q creditdesk.CreditPositionQuery) *creditdesk.CreditPositionPage {
		t.Helper()
		page, err := s.CreditPositions(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return page
	}
	alert := func(a creditdesk.CreditAlert) *creditdesk.CreditAlert { return &a }

	t.Run("default order: utilisation desc, exposure desc, code", func(t *testing.T) {
		// C003 (no limit, exposure: infinitely utilised), F 1.00, B 0.92,
		// G 0.90, A 0.79, D 0.30, E 0.0028, then H and I (0, no exposure)
		// by code.
		page := list(t, creditdesk.CreditPositionQuery{Page: creditdesk.Page{First: 50}})
		if got, want := codes(page), "C003 F006 B002 G007 A001 D004 E005 H008 I009"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
		if page.TotalCount != 9 || page.HasNextPage || page.PolicyVersion != 1 || page.AsOf != creditDay {
			t.Errorf("total %d next %v version %d as of %s", page.TotalCount, page.HasNextPage, page.PolicyVersion, page.AsOf)
		}
	})
	t.Run("pages with cursors; totalCount over the whole set", func(t *testing.T) {
		var got []string
		var after *string
		for range 4 {
			page := list(t, creditdesk.CreditPositionQuery{Page: creditdesk.Page{First: 4, After: after}})
			if page.TotalCount != 9 {
				t.Errorf("page %v: total %d, want 9", got, page.TotalCount)
			}
			got = append(got, codes(page))
			if !page.HasNextPage {
				break
			}
			after = &page.Edges[len(page.Edges)-1].Cursor
		}
		if g, want := strings.Join(got, " | "), "C003 F006 B002 G007 | A001 D004 E005 H008 | I009"; g != want {
			t.Errorf("got %s, want %s", g, want)
		}
	})
	t.Run("an empty last page still counts", func(t *testing.T) {
		page := list(t, creditdesk.CreditPositionQuery{Page: creditdesk.Page{First: 9}})
		last := page.Edges[len(page.Edges)-1].Cursor
		page = list(t, creditdesk.CreditPositionQuery{Page: creditdesk.Page{First: 9, After: &last}})
		if len(page.Edges) != 0 || page.TotalCount != 9 || page.HasNextPage {
			t.Errorf("edges %d total %d next %v", len(page.Edges), page.TotalCount, page.HasNextPage)
		}
	})
	for _, tc := range []struct {
		name  string
		q     creditdesk.CreditPositionQuery
		want  string
		total int
	}{
		{"alert APPROACHING", creditdesk.CreditPositionQuery{Alert: alert(creditdesk.AlertApproaching)}, "F006 B002 G007", 3},
		{"alert EXCEEDED", creditdesk.CreditPositionQuery{Alert: alert(creditdesk.AlertExceeded)}, "C003", 1},
		{"exposure desc", creditdesk.CreditPositionQuery{Order: creditdesk.CreditPositionOrder{Field: creditdesk.PositionOrderExposure, Direction: creditdesk.Desc}},
			"A001 B002 G007 D004 E005 C003 F006 H008 I009", 9},
		{"utilisation asc", creditdesk.CreditPositionQuery{Order: creditdesk.CreditPositionOrder{Field: creditdesk.PositionOrderUtilization, Direction: creditdesk.Asc}},
			"H008 I009 E005 D004 A001 G007 B002 F006 C003", 9},
		{"code desc", creditdesk.CreditPositionQuery{Order: creditdesk.CreditPositionOrder{Field: creditdesk.PositionOrderCode, Direction: creditdesk.Desc}},
			"I009 H008 G007 F006 E005 D004 C003 B002 A001", 9},
		{"office NB", creditdesk.CreditPositionQuery{Filter: &creditdesk.CustomerFilter{OfficeCodes: []string{"NB"}}}, "C003 D004", 2},
		{"rep r2, OK", creditdesk.CreditPositionQuery{Alert: alert(creditdesk.AlertOK), Filter: &creditdesk.CustomerFilter{RepUsernames: []string{"r2"}}}, "D004 I009", 2},
		{"as of 2024-12-31", creditdesk.CreditPositionQuery{AsOf: asOfDate("2024-12-31"), Alert: alert(creditdesk.AlertOK),
			Order: creditdesk.CreditPositionOrder{Field: creditdesk.PositionOrderExposure, Direction: creditdesk.Desc}},
			"E005 A001 B002 C003 D004 F006 G007 H008 I009", 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Page.First = 50
			page := list(t, tc.q)
			if got := codes(page); got != tc.want || page.TotalCount != tc.total {
				t.Errorf("got %s (total %d), want %s (total %d)", got, page.TotalCount, tc.want, tc.total)
			}
		})
	}
	t.Run("a cursor of another ordering is refused", func(t *testing.T) {
		page := list(t, creditdesk.CreditPositionQuery{Page: creditdesk.Page{First: 2}})
		_, err := s.CreditPositions(ctx, creditdesk.CreditPositionQuery{
			Order: creditdesk.CreditPositionOrder{Field: creditdesk.PositionOrderCode, Direction: creditdesk.Asc},
			Page:  creditdesk.Page{First: 2, After: &page.Edges[1].Cursor}})
		if creditdesk.ErrorCode(err) != creditdesk.EINVALID {
			t.Errorf("error %v, want BAD_USER_INPUT", err)
		}
	})
	t.Run("batch for the loader, aligned with the ids", func(t *testing.T) {
		ids := []int64{f.custs["G007"], 999999, f.custs["C003"], f.custs["A001"]}
		got, err := s.CustomerCreditPositions(ctx, ids, nil)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, p := range got {
			if p == nil {
				lines = append(lines, "nil")
				continue
			}
			lines = append(lines, creditPositionLine(p))
		}
		want := []string{
			"G007 open=9000.00 notes=0.00 exposure=9000.00 limit=10000.00 util=0.900000 APPROACHING v1",
			"nil",
			"C003 open=1420.72 notes=0.00 exposure=1420.72 limit=null util=null EXCEEDED v1",
			"A001 open=40000.00 notes=39000.00 exposure=79000.00 limit=100000.00 util=0.790000 OK v1",
		}
		if g, w := strings.Join(lines, "\n"), strings.Join(want, "\n"); g != w {
			t.Errorf("\n got %s\nwant %s", g, w)
		}
	})
}

func TestCreditCheck(t *testing.T) {
	f := creditLedgerFixture(t)
	s := f.store()
	ctx := context.Background()
	for _, tc := range []struct {
		name, code, amount string
		decision           creditdesk.CreditDecision
		after              string
		reasons            []string
	}{
		{"well within the limit", "A001", "5000", creditdesk.DecisionAllow, "84000.00",
			[]string{"exposure after the order 84000.00 is 84.00% of the credit limit 100000.00, below the warning ratio 90.00%"}},
		{"at the warning ratio", "A001", "11000", creditdesk.DecisionWarn, "90000.00",
			[]string{"exposure after the order 90000.00 is 90.00% of the credit limit 100000.00, at or above the warning ratio 90.00%"}},
		{"exactly the limit", "A001", "21000", creditdesk.DecisionWarn, "100000.00",
			[]string{"exposure after the order 100000.00 is 100.00% of the credit limit 100000.00, at or above the warning ratio 90.00%"}},
		{"a cent over the limit", "A001", "21000.01", creditdesk.DecisionBlock, "100000.01",
			[]string{"exposure after the order 100000.01 exceeds the credit limit 100000.00 by 0.01 (100.00% of the limit)"}},
		{"no limit", "C003", "1", creditdesk.DecisionBlock, "1421.72",
			[]string{"the customer has no credit limit"}},
		{"suspended", "D004", "100", creditdesk.DecisionBlock, "3100.00",
			[]string{"the customer is suspended",
				"exposure after the order 3100.00 is 31.00% of the credit limit 10000.00, below the warning ratio 90.00%"}},
		{"a cent over 100 %", "F006", "0.01", creditdesk.DecisionBlock, "500.01",
			[]string{"exposure after the order 500.01 exceeds the credit limit 500.00 by 0.01 (100.00% of the limit)"}},
		{"bankrupt", "E005", "100", creditdesk.DecisionBlock, "2900.00",
			[]string{"the customer is bankrupt",
				"exposure after the order 2900.00 is 0.29% of the credit limit 1000000.00, below the warning ratio 90.00%"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chk, err := s.CreditCheck(ctx, tc.code, amountOf(tc.amount), nil)
			if err != nil {
				t.Fatal(err)
			}
			if chk.Decision != tc.decision || chk.ExposureAfter.String() != tc.after || chk.PolicyVersion != 1 {
				t.Errorf("decision %s after %s version %d, want %s after %s", chk.Decision, chk.ExposureAfter.String(), chk.PolicyVersion, tc.decision, tc.after)
			}
			if got, want := strings.Join(chk.Reasons, "\n"), strings.Join(tc.reasons, "\n"); got != want {
				t.Errorf("reasons\n got %s\nwant %s", got, want)
			}
		})
	}
	t.Run("a negative amount", func(t *testing.T) {
		_, err := s.CreditCheck(ctx, "A001", amountOf("-1"), nil)
		if creditdesk.ErrorCode(err) != creditdesk.EINVALID {
			t.Errorf("error %v, want BAD_USER_INPUT", err)
		}
	})
}
