package postgres_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"creditdesk/internal/creditdesk"
	"creditdesk/internal/csvimport"
	"creditdesk/internal/pgtest"
	"creditdesk/internal/postgres"
)

// smallExpected are the credit keys of testdata/small/expected.json, the
// worked example computed independently with exact fractions (see
// shared/spec/examples/README.md).
type smallExpected struct {
	AsOf             string                   `json:"asOf"`
	Position         map[string]smallPosition `json:"creditPosition"`
	Position20241231 map[string]smallPosition `json:"creditPosition_2024-12-31"`
	Aging            smallAging               `json:"agingReport"`
	Aging1545        smallAging               `json:"agingReport_edges_15_45"`
	Breaches202503   smallBreaches            `json:"collectionBreaches_2025-03"`
	NoteInterest2024 smallNoteInterest        `json:"noteInterest_2024"`
	LimitationWatch  []smallLimitation        `json:"limitationWatch"`
}

type smallPosition struct {
	Alert           string  `json:"alert"`
	CreditLimit     *string `json:"creditLimit"`
	Exposure        string  `json:"exposure"`
	OpenReceivables string  `json:"openReceivables"`
	UnsettledNotes  string  `json:"unsettledNotes"`
	Utilization     *string `json:"utilization"`
}

type smallAgingRow struct {
	Amounts []string `json:"amounts"`
	Total   string   `json:"total"`
}

type smallAging struct {
	Rows   map[string]smallAgingRow `json:"rows"`
	Totals smallAgingRow            `json:"totals"`
}

type smallBreachLine struct {
	CrossedOn     string `json:"crossedOn"`
	InvoiceNumber string `json:"invoiceNumber"`
	OpenAmount    string `json:"openAmount"`
}

type smallRepCharge struct {
	Charged  string `json:"charged"`
	Net      string `json:"net"`
	Reversed string `json:"reversed"`
}

type smallBreaches struct {
	Lines []smallBreachLine         `json:"lines"`
	Reps  map[string]smallRepCharge `json:"reps"`
}

type smallNoteCharge struct {
	Allocated     string `json:"allocated"`
	ExcessDays    int    `json:"excessDays"`
	Interest      string `json:"interest"`
	InvoiceNumber string `json:"invoiceNumber"`
	NoteNumber    string `json:"noteNumber"`
}

type smallNoteInterest struct {
	Charges []smallNoteCharge `json:"charges"`
	Total   string            `json:"total"`
}

type smallLimitation struct {
	CustomerCode   string  `json:"customerCode"`
	DaysLeft       int     `json:"daysLeft"`
	Deadline       string  `json:"deadline"`
	LastDemandOn   *string `json:"lastDemandOn"`
	OverdueBalance string  `json:"overdueBalance"`
}

// TestCreditFiguresSmallExample imports the worked example and compares every
// credit figure of its expected.json, as the API writes them.
func TestCreditFiguresSmallExample(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "small")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want smallExpected
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := csvimport.ImportDir(ctx, db, csvimport.Options{Dir: dir}); err != nil {
		t.Fatalf("import %s: %v", dir, err)
	}
	s := postgres.CreditStore{DB: db}
	asOf := creditdesk.MustParseDate(want.AsOf)
	str := func(p interface{ String() string }, isNil bool) *string {
		if isNil {
			return nil
		}
		v := p.String()
		return &v
	}

	for key, tc := range map[string]struct {
		asOf creditdesk.Date
		want map[string]smallPosition
	}{
		"creditPosition":            {asOf, want.Position},
		"creditPosition_2024-12-31": {creditdesk.MustParseDate("2024-12-31"), want.Position20241231},
	} {
		t.Run(key, func(t *testing.T) {
			page, err := s.CreditPositions(ctx, creditdesk.CreditPositionQuery{AsOf: &tc.asOf,
				Page: creditdesk.Page{First: creditdesk.MaxPageSize}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]smallPosition{}
			for _, e := range page.Edges {
				p := e.Node
				got[p.Customer.Code] = smallPosition{
					Alert:           string(p.Alert),
					CreditLimit:     str(p.CreditLimit, p.CreditLimit == nil),
					Exposure:        p.Exposure.String(),
					OpenReceivables: p.OpenReceivables.String(),
					UnsettledNotes:  p.UnsettledNotes.String(),
					Utilization:     str(p.Utilization, p.Utilization == nil),
				}
			}
			compareSmall(t, got, tc.want)
			for code, w := range tc.want {
				p, err := s.CreditPosition(ctx, code, &tc.asOf)
				if err != nil {
					t.Fatal(err)
				}
				if p.Exposure.String() != w.Exposure || string(p.Alert) != w.Alert {
					t.Errorf("creditPosition(%s): exposure %s %s, want %s %s", code, p.Exposure.String(), p.Alert, w.Exposure, w.Alert)
				}
			}
		})
	}

	for key, tc := range map[string]struct {
		edges []int
		want  smallAging
	}{
		"agingReport":             {nil, want.Aging},
		"agingReport_edges_15_45": {[]int{15, 45}, want.Aging1545},
	} {
		t.Run(key, func(t *testing.T) {
			rep, err := s.AgingReport(ctx, creditdesk.AgingQuery{AsOf: asOf, Edges: tc.edges})
			if err != nil {
				t.Fatal(err)
			}
			row := func(r *creditdesk.AgingRow) smallAgingRow {
				out := smallAgingRow{Total: r.Total.String()}
				for _, a := range r.Amounts {
					out.Amounts = append(out.Amounts, a.String())
				}
				return out
			}
			got := smallAging{Rows: map[string]smallAgingRow{}, Totals: row(rep.Totals)}
			for _, r := range rep.Rows {
				got.Rows[r.Key] = row(r)
			}
			compareSmall(t, got, tc.want)
		})
	}

	t.Run("collectionBreaches_2025-03", func(t *testing.T) {
		m, _ := creditdesk.ParseMonth("2025-03")
		rep, err := s.CollectionBreaches(ctx, m, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := smallBreaches{Reps: map[string]smallRepCharge{}}
		for _, l := range rep.Lines {
			got.Lines = append(got.Lines, smallBreachLine{l.CrossedOn.String(), l.InvoiceNumber, l.OpenAmount.String()})
		}
		for _, r := range rep.Reps {
			name := "<none>"
			if r.Rep != nil {
				name = r.Rep.Username
			}
			got.Reps[name] = smallRepCharge{r.Charged.String(), r.Net.String(), r.Reversed.String()}
		}
		// Lines in expected.json are by invoice number, ours by crossing date.
		byNumber := func(b smallBreaches) map[string]string {
			m := map[string]string{}
			for _, l := range b.Lines {
				m[l.InvoiceNumber] = l.CrossedOn + " " + l.OpenAmount
			}
			return m
		}
		compareSmall(t, byNumber(got), byNumber(want.Breaches202503))
		compareSmall(t, got.Reps, want.Breaches202503.Reps)
	})

	t.Run("noteInterest_2024", func(t *testing.T) {
		rep, err := s.NoteInterest(ctx, creditdesk.Period{From: creditdesk.MustParseDate("2024-01-01"),
			To: creditdesk.MustParseDate("2024-12-31")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := smallNoteInterest{Total: rep.Total.String()}
		for _, c := range rep.Charges {
			got.Charges = append(got.Charges, smallNoteCharge{c.Allocated.String(), c.ExcessDays, c.Interest.String(),
				c.InvoiceNumber, c.NoteNumber})
		}
		compareSmall(t, got, want.NoteInterest2024)
	})

	t.Run("limitationWatch", func(t *testing.T) {
		items, err := s.LimitationWatch(ctx, asOf, 90, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []smallLimitation
		for _, it := range items {
			l := smallLimitation{CustomerCode: it.Customer.Code, DaysLeft: it.DaysLeft, Deadline: it.Deadline.String(),
				OverdueBalance: it.OverdueBalance.String()}
			if it.LastDemandOn != nil {
				d := it.LastDemandOn.String()
				l.LastDemandOn = &d
			}
			got = append(got, l)
		}
		compareSmall(t, got, want.LimitationWatch)
	})
}

// compareSmall reports got ≠ want as their JSON.
func compareSmall(t *testing.T, got, want any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	t.Errorf("mismatch\n got %s\nwant %s", g, w)
}
