package creditdesk

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Rules of the credit class (000 第九条1, DOMAIN.md §4.2): any of them makes a
// customer 丙 unless it is 甲.
const (
	RuleIntermediateWholesaler = "R1" // 中间批发商
	RuleLargeBalance           = "R2" // 债权余额在10万美元以上的非甲类客户
	RuleLargeVolume            = "R3" // 债权余额不足10万美元,但与本公司交易量较大的客户
	RuleSmallOrNew             = "R4" // 员工不足100人的小企业和新成立企业
	RuleCreditDefault          = "R5" // 出现过不守信用问题的客户
)

// Conditions of 甲 eligibility (000 第九条1①: 企业规模较大,信誉好,经营业务稳定).
const (
	ConditionLarge        = "LARGE"         // registered capital or employees
	ConditionPaymentScore = "PAYMENT_SCORE" // reputable: payment score
	ConditionNoDefault    = "NO_DEFAULT"    // reputable: no credit default (R5)
	ConditionFounded      = "FOUNDED"       // stable: founded long enough ago
	ConditionTrading      = "TRADING"       // stable: trading with us long enough
)

// CreditRuleHit is a 丙 rule that fired, with the value the evaluation saw and
// the threshold it compared it with, both as shown to a credit controller.
type CreditRuleHit struct {
	Rule        string
	Description string
	Value       *string
	Threshold   *string
}

// ClassACheck is one condition of 甲 eligibility, met or not, with the value
// and the threshold.
type ClassACheck struct {
	Condition   string
	Met         bool
	Description string
	Value       *string
	Threshold   *string
}

// CreditClassInputs are what the evaluation of one customer as of a date
// read (DOMAIN.md §4, §9), and the flags it set. The evaluation itself is one
// set-based SQL statement; these are its per-customer output, from which
// Explain writes the rules that fired.
type CreditClassInputs struct {
	BusinessType      *BusinessType
	Employees         *int
	RegisteredCapital *Money
	FoundedOn         *Date
	// TradingSince is first_trade_on, else the first invoice's ship date.
	TradingSince *Date
	// Exposure is open receivables plus unsettled notes (000 第八条3).
	Exposure Money
	// TrailingSales are the sales shipped in [asOf − 364, asOf].
	TrailingSales Money
	// PaymentScore is unrounded; nil without invoices due in the year.
	PaymentScore *Score
	// Credit defaults in (asOf − window, asOf]: counts, with the latest
	// dishonoured note and write-off and the oldest overdue invoice.
	DishonouredNotes     int
	LastDishonouredNote  *string
	LastDishonouredOn    *Date
	WriteOffs            int
	LastWriteOffInvoice  *string
	LastWriteOffOn       *Date
	OverdueInvoices      int
	OldestOverdueInvoice *string
	OldestOverdueDue     *Date

	// 甲 conditions.
	Large, ScoreOK, FoundedOK, TradingOK bool
	// Parts of R4: fewer employees than class_c_max_employees; founded less
	// than class_c_new_years ago.
	Small, New bool
	// Rules that fired, in order R1…R5.
	FiredRules []string
}

// CreditClassResult is the credit class of a customer as of a date under a
// named policy version, with the rules that fired (DOMAIN.md §4). A stored
// evaluation (a snapshot) has EvaluatedAt set.
type CreditClassResult struct {
	CustomerID    int64
	Customer      *Customer
	AsOf          Date
	PolicyVersion int
	ComputedClass CreditClass
	// EffectiveClass is ComputedClass unless an approved override is in
	// force on AsOf (000 第九条2).
	EffectiveClass CreditClass
	ClassAEligible bool
	PaymentScore   *Score
	FiredRules     []CreditRuleHit
	ClassAChecks   []ClassACheck
	// Override is the approved override behind EffectiveClass, if any.
	OverrideID *int64
	Override   *CreditClassOverride
	// Exposure, TrailingSales and TradingSince are the figures most asked
	// for; Inputs has them all.
	Exposure      Money
	TrailingSales Money
	TradingSince  *Date
	// Inputs are the figures the evaluation read.
	Inputs      CreditClassInputs
	EvaluatedAt *time.Time
	// EvaluationID names the stored evaluation (0 for a live result).
	EvaluationID int64
}

// CreditClassChange is a customer whose class differs between its latest
// evaluation on or before From and its latest on or before To. From is nil
// for a customer first evaluated after From.
type CreditClassChange struct {
	CustomerID int64
	Customer   *Customer
	From       *CreditClassResult
	To         *CreditClassResult
}

// CreditClassChangeQuery asks "who moved from 乙 to 丙 this quarter": the
// customers the filter selects whose effective class at To differs from the
// one at From, optionally only from FromClass and/or to ToClass.
type CreditClassChangeQuery struct {
	From      Date
	To        Date
	FromClass *CreditClass
	ToClass   *CreditClass
	Filter    *CustomerFilter
}

// CreditClassKey keys a per-request dataloader of class results.
type CreditClassKey struct {
	CustomerID int64
	AsOf       Date
}

// CreditClassService evaluates and records credit classes. Every method sees
// only the customers visible to the actor in ctx.
type CreditClassService interface {
	// CreditClass evaluates a customer's class as of asOf (nil: today in the
	// policy's time zone) with the policy version in force then. Anyone who
	// can see the customer may call it. ENOTFOUND for an unknown or invisible
	// customer or a date before the first policy version.
	CreditClass(ctx context.Context, customerCode string, asOf *Date) (*CreditClassResult, error)
	// CreditClasses evaluates many customers, each as of its key's date, in
	// one evaluation statement per distinct date (whatever the number of
	// customers); results are in key order, nil for a customer
	// the actor cannot see. Customer is left nil (the caller has it).
	CreditClasses(ctx context.Context, keys []CreditClassKey) ([]*CreditClassResult, error)
	// CreditClassHistory pages through a customer's stored evaluations,
	// newest first. ENOTFOUND for an unknown customer, EINVALID for a bad
	// page.
	CreditClassHistory(ctx context.Context, customerCode string, page Page) (*Connection[*CreditClassResult], error)
	// CreditClassChanges lists, by customer code, the customers whose stored
	// class moved between two dates. EINVALID when To is before From.
	CreditClassChanges(ctx context.Context, q CreditClassChangeQuery, page Page) (*Connection[*CreditClassChange], error)
}

// ReasonCreditEvaluation is the archive history reason of a class change
// written by an evaluation as of d.
func ReasonCreditEvaluation(d Date) string { return "credit evaluation as of " + d.String() }

// ReasonCreditEvent is the archive history reason of a class change written
// by the re-evaluation a credit event forces (000 第七条2).
func ReasonCreditEvent(d Date) string { return "credit event: re-evaluation as of " + d.String() }

// Explain writes the rules that fired and the 甲 checks of an evaluation, in
// the words and with the thresholds of policy p (the version the evaluation
// used). It decides nothing: the flags come from the evaluation.
func (in CreditClassInputs) Explain(p *Policy, asOf Date) ([]CreditRuleHit, []ClassACheck) {
	minCapital := p.Decimal("class_a_min_capital")
	minEmployees := p.Int("class_a_min_employees")
	minScore := p.Decimal("class_a_min_payment_score")
	yearsFounded := p.Int("class_a_min_years_founded")
	yearsTrading := p.Int("class_a_min_years_trading")
	cBalance := p.Decimal("class_c_balance")
	cVolume := p.Decimal("class_c_volume")
	cMaxEmployees := p.Int("class_c_max_employees")
	cNewYears := p.Int("class_c_new_years")
	overdueDays := p.Int("default_overdue_days")
	windowDays := p.Int("default_window_days")

	hits := make([]CreditRuleHit, 0, len(in.FiredRules))
	for _, r := range in.FiredRules {
		var h CreditRuleHit
		switch r {
		case RuleIntermediateWholesaler:
			// 000 第九条1③: intermediate wholesalers are always 丙.
			h = CreditRuleHit{Rule: r, Description: "intermediate wholesaler (中间批发商): always 丙",
				Value: classText(string(BusinessIntermediateWholesaler))}
		case RuleLargeBalance:
			h = CreditRuleHit{Rule: r,
				Description: "not 甲 and credit exposure at or above class_c_balance (债权余额10万美元以上的非甲类客户)",
				Value:       classText(in.Exposure.String()), Threshold: classText(">= " + NewMoney(cBalance).String())}
		case RuleLargeVolume:
			h = CreditRuleHit{Rule: r,
				Description: "not 甲, exposure below class_c_balance, but trailing-12-month sales at or above class_c_volume (交易量较大)",
				Value:       classText(in.TrailingSales.String()), Threshold: classText(">= " + NewMoney(cVolume).String())}
		case RuleSmallOrNew:
			var vals, ths []string
			if in.Small {
				vals = append(vals, fmt.Sprintf("employees %d", *in.Employees))
				ths = append(ths, fmt.Sprintf("employees < %d", cMaxEmployees))
			}
			if in.New {
				vals = append(vals, "founded on "+in.FoundedOn.String())
				ths = append(ths, "founded after "+asOf.AddYears(-cNewYears).String())
			}
			h = CreditRuleHit{Rule: r, Description: "small or new enterprise (员工不足100人的小企业和新成立企业)",
				Value: classText(strings.Join(vals, "; ")), Threshold: classText(strings.Join(ths, "; "))}
		case RuleCreditDefault:
			h = CreditRuleHit{Rule: r,
				Description: fmt.Sprintf("credit default in the last %d days: a dishonoured note, a write-off or an invoice more than %d days overdue (不守信用)", windowDays, overdueDays),
				Value:       classText(in.defaults(overdueDays)),
				Threshold:   classText(fmt.Sprintf("none from %s to %s", asOf.AddDays(1-windowDays), asOf))}
		default:
			h = CreditRuleHit{Rule: r, Description: r}
		}
		hits = append(hits, h)
	}

	capital := "unknown"
	if in.RegisteredCapital != nil {
		capital = in.RegisteredCapital.String()
	}
	employees := "unknown"
	if in.Employees != nil {
		employees = fmt.Sprint(*in.Employees)
	}
	score := "none (no invoices due in the last 12 months)"
	if in.PaymentScore != nil {
		score = in.PaymentScore.String()
	}
	founded, trading := "unknown", "never"
	if in.FoundedOn != nil {
		founded = in.FoundedOn.String()
	}
	if in.TradingSince != nil {
		trading = in.TradingSince.String()
	}
	checks := []ClassACheck{
		{Condition: ConditionLarge, Met: in.Large, Description: "large: registered capital or employees (企业规模较大)",
			Value:     classText(fmt.Sprintf("capital %s; employees %s", capital, employees)),
			Threshold: classText(fmt.Sprintf("capital >= %s or employees >= %d", NewMoney(minCapital), minEmployees))},
		{Condition: ConditionPaymentScore, Met: in.ScoreOK, Description: "reputable: payment score (信誉好)",
			Value: classText(score), Threshold: classText(">= " + NewScore(minScore).String())},
		{Condition: ConditionNoDefault, Met: !in.defaulted(), Description: "reputable: no credit default (R5)",
			Value: classText(in.defaults(overdueDays)), Threshold: classText(fmt.Sprintf("none from %s to %s", asOf.AddDays(1-windowDays), asOf))},
		{Condition: ConditionFounded, Met: in.FoundedOK, Description: "stable: founded long enough ago (经营业务稳定)",
			Value: classText("founded on " + founded), Threshold: classText("on or before " + asOf.AddYears(-yearsFounded).String())},
		{Condition: ConditionTrading, Met: in.TradingOK, Description: "stable: trading with us long enough",
			Value: classText("trading since " + trading), Threshold: classText("on or before " + asOf.AddYears(-yearsTrading).String())},
	}
	return hits, checks
}

func (in CreditClassInputs) defaulted() bool {
	return in.DishonouredNotes+in.WriteOffs+in.OverdueInvoices > 0
}

// defaults describes the credit defaults an evaluation found.
func (in CreditClassInputs) defaults(overdueDays int) string {
	if !in.defaulted() {
		return "none"
	}
	var parts []string
	if in.DishonouredNotes > 0 {
		parts = append(parts, fmt.Sprintf("%d dishonoured note(s), latest %s on %s",
			in.DishonouredNotes, classDeref(in.LastDishonouredNote), classDate(in.LastDishonouredOn)))
	}
	if in.WriteOffs > 0 {
		parts = append(parts, fmt.Sprintf("%d write-off(s), latest on invoice %s on %s",
			in.WriteOffs, classDeref(in.LastWriteOffInvoice), classDate(in.LastWriteOffOn)))
	}
	if in.OverdueInvoices > 0 {
		parts = append(parts, fmt.Sprintf("%d invoice(s) more than %d days overdue, oldest %s due %s",
			in.OverdueInvoices, overdueDays, classDeref(in.OldestOverdueInvoice), classDate(in.OldestOverdueDue)))
	}
	return strings.Join(parts, "; ")
}

func classText(s string) *string { return &s }

func classDeref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func classDate(d *Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}
