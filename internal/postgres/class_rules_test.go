package postgres_test

import (
	"slices"
	"strings"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/postgres"
)

// The hand-worked cases below are all as of 2025-06-30 unless they say
// otherwise, with the default policy (version 1). Worked dates:
//
//	trailing 12 months      2024-07-01 … 2025-06-30 (asOf − 364)
//	R5 window               2023-07-02 … 2025-06-30 ((asOf − 730, asOf])
//	founded 5 years ago     on or before 2020-06-30
//	trading 2 years         since on or before 2023-06-30
//	new enterprise (R4)     founded after 2023-06-30
//
// Every customer starts from the same archive — a distributor with 200
// employees, capital 2,000,000.00, founded 2015-01-01, trading since
// 2020-01-01 — which by itself is 乙: no rule fires, and without invoices due
// in the last year there is no payment score, so it is not 甲 eligible.
func baseCustomer(code string) classCustomer {
	return classCustomer{Code: code, BusinessType: "DISTRIBUTOR", Employees: "200", Capital: "2000000",
		Founded: "2015-01-01", FirstTrade: "2020-01-01"}
}

// onTimePayer gives a customer two invoices due in the last year, one paid
// 10 days early and one 10 days late by equal amounts: weighted days beyond
// terms 0, payment score exactly 80 (the 甲 threshold).
func onTimePayer(w *classWorld, code string) {
	w.MustInvoice(code+"-A", code, "2024-11-10", "2025-01-10", "1000.00")
	w.MustPay(code+"-A", "2024-12-31", "1000.00")
	w.MustInvoice(code+"-B", code, "2024-12-10", "2025-02-10", "1000.00")
	w.MustPay(code+"-B", "2025-02-20", "1000.00")
}

type classCase struct {
	name     string
	customer func(code string) classCustomer
	setup    func(w *classWorld, code string)
	asOf     string
	class    creditdesk.CreditClass
	eligible bool
	rules    []string
	score    string
}

func TestCreditClassRules(t *testing.T) {
	w := newClassWorld(t)
	cases := []classCase{
		{name: "nothing fires: 乙", class: "YI", rules: []string{}, score: "null"},

		// R1, 000 第九条1③: an intermediate wholesaler is always 丙.
		{name: "R1 alone: intermediate wholesaler",
			customer: func(c string) classCustomer {
				k := baseCustomer(c)
				k.BusinessType = "INTERMEDIATE_WHOLESALER"
				return k
			},
			class: "BING", rules: []string{"R1"}, score: "null"},

		// R2: exposure 700,000.00 open, not due yet (so no payment score).
		{name: "R2 alone: exposure exactly class_c_balance",
			setup: func(w *classWorld, c string) { w.MustInvoice(c+"-1", c, "2025-06-01", "2025-07-31", "700000.00") },
			class: "BING", rules: []string{"R2"}, score: "null"},
		{name: "R2 not a cent below class_c_balance",
			setup: func(w *classWorld, c string) { w.MustInvoice(c+"-1", c, "2025-06-01", "2025-07-31", "699999.99") },
			class: "YI", rules: []string{}, score: "null"},

		// R3: 3,000,000 on 2024-07-01 + 2,000,000 on 2025-06-30 are in the
		// trailing year (5,000,000.00, the threshold); 1,000,000 on
		// 2024-06-30 is not.
		{name: "R3 alone: trailing sales exactly class_c_volume",
			setup: func(w *classWorld, c string) {
				w.MustShip(c, "2024-07-01", "3000000.00")
				w.MustShip(c, "2025-06-30", "2000000.00")
				w.MustShip(c, "2024-06-30", "1000000.00")
			},
			class: "BING", rules: []string{"R3"}, score: "null"},
		{name: "R3 not a cent below class_c_volume",
			setup: func(w *classWorld, c string) { w.MustShip(c, "2025-01-15", "4999999.99") },
			class: "YI", rules: []string{}, score: "null"},

		// R4: fewer than 100 employees, or founded less than 2 years ago.
		{name: "R4 alone: 99 employees",
			customer: func(c string) classCustomer { k := baseCustomer(c); k.Employees = "99"; return k },
			class:    "BING", rules: []string{"R4"}, score: "null"},
		{name: "R4 not at 100 employees",
			customer: func(c string) classCustomer { k := baseCustomer(c); k.Employees = "100"; return k },
			class:    "YI", rules: []string{}, score: "null"},
		{name: "R4 alone: founded 2023-07-01, less than 2 years ago",
			customer: func(c string) classCustomer { k := baseCustomer(c); k.Founded = "2023-07-01"; return k },
			class:    "BING", rules: []string{"R4"}, score: "null"},
		{name: "R4 not when founded exactly 2 years ago",
			customer: func(c string) classCustomer { k := baseCustomer(c); k.Founded = "2023-06-30"; return k },
			class:    "YI", rules: []string{}, score: "null"},
		{name: "R4 does not fire on unknown employees and founding date",
			customer: func(c string) classCustomer { k := baseCustomer(c); k.Employees, k.Founded = "", ""; return k },
			class:    "YI", rules: []string{}, score: "null"},

		// R5: a credit default in 2023-07-02 … 2025-06-30.
		{name: "R5 alone: a note dishonoured in the window",
			setup: func(w *classWorld, c string) {
				w.MustDishonouredNote(c+"-N", c, "2024-01-10", "2024-02-01", "5000.00", "")
			},
			class: "BING", rules: []string{"R5"}, score: "null"},
		{name: "R5 alone: a note dishonoured on the window's first day",
			setup: func(w *classWorld, c string) {
				w.MustDishonouredNote(c+"-N", c, "2023-06-01", "2023-07-02", "5000.00", "")
			},
			class: "BING", rules: []string{"R5"}, score: "null"},
		{name: "R5 not for a note dishonoured the day before the window",
			setup: func(w *classWorld, c string) {
				w.MustDishonouredNote(c+"-N", c, "2023-06-01", "2023-07-01", "5000.00", "")
			},
			class: "YI", rules: []string{}, score: "null"},
		{name: "R5 alone: a write-off in the window",
			setup: func(w *classWorld, c string) {
				// Due 2024-03-01 (before the score's year), written off 14 days later.
				w.MustInvoice(c+"-1", c, "2024-01-01", "2024-03-01", "10000.00")
				w.MustWriteOff(c+"-1", "2024-03-15", "10000.00")
			},
			class: "BING", rules: []string{"R5"}, score: "null"},
		{name: "R5 not for a write-off the day before the window",
			setup: func(w *classWorld, c string) {
				// Due 2023-03-02: 91 days overdue on 2023-06-01, but settled by the
				// write-off of 2023-07-01, before the window's first day.
				w.MustInvoice(c+"-1", c, "2023-01-01", "2023-03-02", "10000.00")
				w.MustWriteOff(c+"-1", "2023-07-01", "10000.00")
			},
			class: "YI", rules: []string{}, score: "null"},
		{name: "R5 alone: an invoice 91 days overdue",
			setup: func(w *classWorld, c string) {
				// Due 2025-03-31, open on 2025-06-30 = due + 91. Payment score:
				// 91 days beyond terms → 30 − (91 − 90)/3 = 29.666….
				w.MustInvoice(c+"-1", c, "2025-01-30", "2025-03-31", "1000.00")
			},
			class: "BING", rules: []string{"R5"}, score: "29.67"},
		{name: "R5 not for an invoice 90 days overdue",
			setup: func(w *classWorld, c string) {
				// Due 2025-04-01: 90 days beyond terms → score exactly 30.
				w.MustInvoice(c+"-1", c, "2025-01-31", "2025-04-01", "1000.00")
			},
			class: "YI", rules: []string{}, score: "30.00"},
		{name: "R5 alone: paid the day after it became 91 days overdue",
			setup: func(w *classWorld, c string) {
				// Due 2024-01-01: 91 days overdue on 2024-04-01, still open then.
				w.MustInvoice(c+"-1", c, "2023-11-01", "2024-01-01", "1000.00")
				w.MustPay(c+"-1", "2024-04-02", "1000.00")
			},
			class: "BING", rules: []string{"R5"}, score: "null"},
		{name: "R5 not when paid on the day it would have become 91 days overdue",
			setup: func(w *classWorld, c string) {
				w.MustInvoice(c+"-1", c, "2023-11-01", "2024-01-01", "1000.00")
				w.MustPay(c+"-1", "2024-04-01", "1000.00")
			},
			class: "YI", rules: []string{}, score: "null"},
		{name: "R5 alone: long overdue, still open on the window's first day",
			setup: func(w *classWorld, c string) {
				w.MustInvoice(c+"-1", c, "2022-11-01", "2023-01-01", "1000.00")
				w.MustPay(c+"-1", "2023-07-03", "1000.00")
			},
			class: "BING", rules: []string{"R5"}, score: "null"},
		{name: "R5 not when the long overdue invoice was paid on the window's first day",
			setup: func(w *classWorld, c string) {
				w.MustInvoice(c+"-1", c, "2022-11-01", "2023-01-01", "1000.00")
				w.MustPay(c+"-1", "2023-07-02", "1000.00")
			},
			class: "YI", rules: []string{}, score: "null"},
		{name: "R5 alone: reopened by a dishonour before the window, repaid after its first day",
			setup: func(w *classWorld, c string) {
				// The note settles it on 2022-12-20; its dishonour on 2023-06-01
				// (before the window, so not R5 by itself) reopens it; the payment
				// of 2023-08-01 settles it again (settled_on 2023-08-01). On
				// 2023-07-02 the ledger says open: R5.
				w.MustInvoice(c+"-1", c, "2022-11-01", "2023-01-01", "1000.00")
				w.MustDishonouredNote(c+"-N", c, "2022-12-20", "2023-06-01", "1000.00", c+"-1")
				w.MustPay(c+"-1", "2023-08-01", "1000.00")
			},
			class: "BING", rules: []string{"R5"}, score: "null"},
		{name: "R5 not when a dishonour after asOf reopens a long-settled invoice",
			setup: func(w *classWorld, c string) {
				// Settled by the note on 2023-01-01; the dishonour of 2025-07-15 is
				// after asOf (settled_on is NULL now, but on the probe day and on
				// asOf the invoice was settled). The note is unsettled on asOf, so
				// it counts in exposure (1,000.00), far below class_c_balance.
				w.MustInvoice(c+"-1", c, "2022-11-01", "2023-01-01", "1000.00")
				w.MustDishonouredNote(c+"-N", c, "2023-01-01", "2025-07-15", "1000.00", c+"-1")
			},
			class: "YI", rules: []string{}, score: "null"},

		// 甲 eligibility: large (capital or employees), payment score ≥ 80 and
		// no R5, founded on or before 2020-06-30, trading since on or before
		// 2023-06-30.
		{name: "甲 by capital, score exactly 80, founded exactly 5 and trading exactly 2 years",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, BusinessType: "MANUFACTURER", Employees: "120", Capital: "10000000.00",
					Founded: "2020-06-30", FirstTrade: "2023-06-30"}
			},
			setup: onTimePayer, class: "JIA", eligible: true, rules: []string{}, score: "80.00"},
		{name: "not 甲 with a score a hair below 80",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, Employees: "120", Capital: "10000000.00", Founded: "2020-06-30", FirstTrade: "2023-06-30"}
			},
			setup: func(w *classWorld, c string) {
				// B paid 11 days late: weighted days (−10 + 11)/2 = 0.5 → score
				// 80 − 0.5 × 10/15 = 79.666…; shown 79.67, compared unrounded.
				w.MustInvoice(c+"-A", c, "2024-11-10", "2025-01-10", "1000.00")
				w.MustPay(c+"-A", "2024-12-31", "1000.00")
				w.MustInvoice(c+"-B", c, "2024-12-10", "2025-02-10", "1000.00")
				w.MustPay(c+"-B", "2025-02-21", "1000.00")
			},
			class: "YI", rules: []string{}, score: "79.67"},
		{name: "甲 by 500 employees, capital unknown, trading since the first invoice",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, Employees: "500", Founded: "2015-01-01"}
			},
			setup: func(w *classWorld, c string) {
				// First invoice shipped 2023-06-30 (trading exactly 2 years); the
				// one due in the last year was paid 10 days early: score
				// 100 − (−10 + 30) × 20/30 = 86.666….
				w.MustInvoice(c+"-0", c, "2023-06-30", "2023-08-29", "500.00")
				w.MustPay(c+"-0", "2023-08-29", "500.00")
				w.MustInvoice(c+"-1", c, "2025-03-01", "2025-04-30", "1000.00")
				w.MustPay(c+"-1", "2025-04-20", "1000.00")
			},
			class: "JIA", eligible: true, rules: []string{}, score: "86.67"},
		{name: "not 甲 with 499 employees and capital unknown",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, Employees: "499", Founded: "2015-01-01", FirstTrade: "2015-01-01"}
			},
			setup: onTimePayer, class: "YI", rules: []string{}, score: "80.00"},
		{name: "not 甲 when founded a day short of 5 years",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, Capital: "10000000.00", Employees: "120", Founded: "2020-07-01", FirstTrade: "2015-01-01"}
			},
			setup: onTimePayer, class: "YI", rules: []string{}, score: "80.00"},
		{name: "not 甲 when trading a day short of 2 years",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, Capital: "10000000.00", Employees: "120", Founded: "2015-01-01", FirstTrade: "2023-07-01"}
			},
			setup: onTimePayer, class: "YI", rules: []string{}, score: "80.00"},
		{name: "eligible by capital but R4 with 50 employees: 丙",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, Capital: "20000000.00", Employees: "50", Founded: "2015-01-01", FirstTrade: "2015-01-01"}
			},
			setup: onTimePayer, class: "BING", eligible: true, rules: []string{"R4"}, score: "80.00"},
		{name: "甲 is not 非甲类: no R2 at exposure 800,000",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, Capital: "20000000.00", Employees: "800", Founded: "2015-01-01", FirstTrade: "2015-01-01"}
			},
			setup: func(w *classWorld, c string) {
				onTimePayer(w, c)
				w.MustInvoice(c+"-BIG", c, "2025-06-01", "2025-07-31", "800000.00")
				w.MustShip(c, "2025-06-01", "6000000.00")
			},
			class: "JIA", eligible: true, rules: []string{}, score: "80.00"},
		{name: "eligible but R1: 非甲类, so R2 fires too",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, BusinessType: "INTERMEDIATE_WHOLESALER", Capital: "20000000.00", Employees: "800",
					Founded: "2015-01-01", FirstTrade: "2015-01-01"}
			},
			setup: func(w *classWorld, c string) {
				onTimePayer(w, c)
				w.MustInvoice(c+"-BIG", c, "2025-06-01", "2025-07-31", "800000.00")
			},
			class: "BING", eligible: true, rules: []string{"R1", "R2"}, score: "80.00"},
		{name: "eligible but R4 (80 employees): 非甲类, so R3 fires too",
			customer: func(c string) classCustomer {
				return classCustomer{Code: c, Capital: "20000000.00", Employees: "80", Founded: "2015-01-01", FirstTrade: "2015-01-01"}
			},
			setup: func(w *classWorld, c string) {
				onTimePayer(w, c)
				w.MustShip(c, "2025-06-01", "6000000.00")
			},
			class: "BING", eligible: true, rules: []string{"R3", "R4"}, score: "80.00"},

		// 29 February (DOMAIN.md §9): "founded on or before asOf minus 5
		// calendar years, 29 February becoming 28 February".
		{name: "founded 2020-02-29 is not 5 years old on 2025-02-28 (2025-02-28 − 5y = 2020-02-28)",
			customer: leapFounded("2020-02-29"), setup: dueOnTime("2025-01-31"), asOf: "2025-02-28",
			class: "YI", rules: []string{}, score: "80.00"},
		{name: "founded 2020-02-29 is 5 years old on 2025-03-01",
			customer: leapFounded("2020-02-29"), setup: dueOnTime("2025-01-31"), asOf: "2025-03-01",
			class: "JIA", eligible: true, rules: []string{}, score: "80.00"},
		{name: "on 2028-02-29, founded 2023-02-28 is 5 years old (2028-02-29 − 5y = 2023-02-28)",
			customer: leapFounded("2023-02-28"), setup: dueOnTime("2028-01-31"), asOf: "2028-02-29",
			class: "JIA", eligible: true, rules: []string{}, score: "80.00"},
		{name: "on 2028-02-29, founded 2023-03-01 is not",
			customer: leapFounded("2023-03-01"), setup: dueOnTime("2028-01-31"), asOf: "2028-02-29",
			class: "YI", rules: []string{}, score: "80.00"},
		{name: "R4: founded 2024-02-29 is new on 2026-02-28 (2026-02-28 − 2y = 2024-02-28)",
			customer: leapFounded("2024-02-29"), setup: dueOnTime("2026-01-31"), asOf: "2026-02-28",
			class: "BING", rules: []string{"R4"}, score: "80.00"},
		{name: "R4: founded 2024-02-29 is not new on 2026-03-01",
			customer: leapFounded("2024-02-29"), setup: dueOnTime("2026-01-31"), asOf: "2026-03-01",
			class: "YI", rules: []string{}, score: "80.00"},
	}
	for i, tc := range cases {
		code := "C" + string(rune('A'+i/26)) + string(rune('A'+i%26))
		mk := baseCustomer
		if tc.customer != nil {
			mk = tc.customer
		}
		w.MustCreateCustomer(mk(code))
		if tc.setup != nil {
			tc.setup(w, code)
		}
		t.Run(tc.name, func(t *testing.T) {
			asOf := tc.asOf
			if asOf == "" {
				asOf = "2025-06-30"
			}
			got := w.classOf(w.ctx, code, asOf)
			if got.ComputedClass != tc.class || got.EffectiveClass != tc.class || got.ClassAEligible != tc.eligible ||
				!slices.Equal(ruleNames(got), tc.rules) || scoreText(got.PaymentScore) != tc.score {
				t.Errorf("got class %s/%s eligible %v rules %v score %s; want %s eligible %v rules %v score %s",
					got.ComputedClass, got.EffectiveClass, got.ClassAEligible, ruleNames(got), scoreText(got.PaymentScore),
					tc.class, tc.eligible, tc.rules, tc.score)
				for _, c := range got.ClassAChecks {
					t.Logf("  %s met=%v value=%s threshold=%s", c.Condition, c.Met, textOf(c.Value), textOf(c.Threshold))
				}
			}
			if got.PolicyVersion != 1 || got.AsOf.String() != asOf || got.Customer == nil || got.Customer.Code != code {
				t.Errorf("policy version %d, asOf %s, customer %v", got.PolicyVersion, got.AsOf, got.Customer)
			}
		})
	}
}

func leapFounded(founded string) func(string) classCustomer {
	return func(c string) classCustomer {
		return classCustomer{Code: c, Capital: "10000000.00", Employees: "300", Founded: founded, FirstTrade: "2015-01-01"}
	}
}

// dueOnTime gives a customer one invoice paid on its due date: score 80.
func dueOnTime(due string) func(*classWorld, string) {
	return func(w *classWorld, c string) {
		d := creditdesk.MustParseDate(due)
		w.MustInvoice(c+"-1", c, d.AddDays(-60).String(), due, "1000.00")
		w.MustPay(c+"-1", due, "1000.00")
	}
}

// TestCreditClassExplanation checks the words, values and thresholds of
// each rule as a credit controller reads them.
func TestCreditClassExplanation(t *testing.T) {
	w := newClassWorld(t)
	k := baseCustomer("X1")
	k.BusinessType, k.Employees, k.Founded = "INTERMEDIATE_WHOLESALER", "30", "2024-01-15"
	w.MustCreateCustomer(k)
	w.MustInvoice("X1-BIG", "X1", "2025-06-01", "2025-07-31", "812345.67")
	w.MustInvoice("X1-OLD", "X1", "2024-10-01", "2024-11-30", "1000.00")
	w.MustInvoice("X1-OLDER", "X1", "2024-09-01", "2024-10-31", "2000.00")
	w.MustDishonouredNote("N-77", "X1", "2025-01-05", "2025-02-10", "3000.00", "")
	w.MustDishonouredNote("N-78", "X1", "2025-01-06", "2025-03-10", "3000.00", "")

	got := w.classOf(w.ctx, "X1", "2025-06-30")
	want := map[string][2]string{
		"R1": {"INTERMEDIATE_WHOLESALER", "<nil>"},
		// 812,345.67 + 1,000 + 2,000 open.
		"R2": {"815345.67", ">= 700000.00"},
		"R4": {"employees 30; founded on 2024-01-15", "employees < 100; founded after 2023-06-30"},
		"R5": {"2 dishonoured note(s), latest N-78 on 2025-03-10; 2 invoice(s) more than 90 days overdue, oldest X1-OLDER due 2024-10-31",
			"none from 2023-07-02 to 2025-06-30"},
	}
	if !slices.Equal(ruleNames(got), []string{"R1", "R2", "R4", "R5"}) {
		t.Fatalf("rules %v", ruleNames(got))
	}
	for _, h := range got.FiredRules {
		if w := want[h.Rule]; textOf(h.Value) != w[0] || textOf(h.Threshold) != w[1] || h.Description == "" {
			t.Errorf("%s: value %q threshold %q; want %q, %q", h.Rule, textOf(h.Value), textOf(h.Threshold), w[0], w[1])
		}
	}
	if got.Exposure.String() != "815345.67" || got.TrailingSales.String() != "0.00" {
		t.Errorf("exposure %s, trailing sales %s", got.Exposure, got.TrailingSales)
	}
	checks := map[string]bool{}
	for _, c := range got.ClassAChecks {
		checks[c.Condition] = c.Met
	}
	// Capital 2,000,000 and 30 employees: not large; two overdue invoices
	// and two dishonours: a default; founded 2024: not 5 years; trading
	// since 2020: 2 years.
	wantChecks := map[string]bool{"LARGE": false, "PAYMENT_SCORE": false, "NO_DEFAULT": false, "FOUNDED": false, "TRADING": true}
	for k, v := range wantChecks {
		if checks[k] != v {
			t.Errorf("check %s met = %v, want %v", k, checks[k], v)
		}
	}
	if !strings.Contains(textOf(got.ClassAChecks[3].Threshold), "2020-06-30") {
		t.Errorf("founded threshold %q", textOf(got.ClassAChecks[3].Threshold))
	}
}

// TestCreditClassesOneStatementPerDate proves the batch evaluation (what
// the dataloader calls) costs the same statements for one customer as for
// fifty: the evaluation is one set-based statement.
func TestCreditClassesOneStatementPerDate(t *testing.T) {
	w := newClassWorld(t)
	var keys []creditdesk.CreditClassKey
	d := creditdesk.MustParseDate("2025-06-30")
	for i := range 50 {
		code := "S" + string(rune('A'+i/26)) + string(rune('A'+i%26))
		id := w.MustCreateCustomer(baseCustomer(code))
		w.MustInvoice(code+"-1", code, "2025-01-30", "2025-03-31", "1000.00")
		keys = append(keys, creditdesk.CreditClassKey{CustomerID: id, AsOf: d})
	}
	count := func(keys []creditdesk.CreditClassKey) int64 {
		var c postgres.StatementCounter
		res, err := w.classes().CreditClasses(postgres.WithStatementCounter(w.ctx, &c), keys)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if r == nil || r.CustomerID != keys[i].CustomerID || r.ComputedClass != "BING" {
				t.Fatalf("result %d: %+v", i, r)
			}
		}
		return c.Count()
	}
	one, fifty := count(keys[:1]), count(keys)
	if one != fifty || one > 2 {
		t.Errorf("statements: %d for one customer, %d for fifty; want equal and at most 2", one, fifty)
	}
}
