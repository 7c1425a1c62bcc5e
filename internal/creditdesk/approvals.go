package creditdesk

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// ApprovalStatus is where an approval request stands.
type ApprovalStatus string

// Approval statuses.
const (
	ApprovalPending  ApprovalStatus = "PENDING"
	ApprovalApproved ApprovalStatus = "APPROVED"
	ApprovalRejected ApprovalStatus = "REJECTED"
)

// ApprovalStatuses lists every approval status.
var ApprovalStatuses = []ApprovalStatus{ApprovalPending, ApprovalApproved, ApprovalRejected}

// ApprovalDecision is what one step of a request did.
type ApprovalDecision string

// Approval decisions.
const (
	DecisionRequested ApprovalDecision = "REQUESTED"
	DecisionApproved  ApprovalDecision = "APPROVED"
	DecisionRejected  ApprovalDecision = "REJECTED"
)

// ApprovalKind is what a request asks to change.
type ApprovalKind string

// Approval kinds.
const (
	KindCreditLimit   ApprovalKind = "CREDIT_LIMIT"
	KindWriteOff      ApprovalKind = "WRITE_OFF"
	KindClassOverride ApprovalKind = "CLASS_OVERRIDE"
)

// ApprovalStep is one recorded step of a request: who acted, in which role,
// when, what they decided and their comment. Steps are never changed.
type ApprovalStep struct {
	Decision ApprovalDecision
	Role     Role
	Actor    *User
	ActedOn  Date
	ActedAt  time.Time
	Comment  *string
}

// Approval is what every request shares: the customer, the reason, the chain
// of roles that must approve, where it stands, and its steps.
type Approval struct {
	ID         int64
	CustomerID int64
	Customer   *Customer
	Reason     string
	Status     ApprovalStatus
	// RequiredRoles are the approvals the request needs, in order.
	RequiredRoles []Role
	// AwaitingRole is the role whose decision is awaited; nil once decided.
	AwaitingRole  *Role
	PolicyVersion int
	RequestedBy   *User
	RequestedOn   Date
	RequestedAt   time.Time
	DecidedBy     *User
	DecidedOn     *Date
	Steps         []ApprovalStep
}

// CreditLimitRequest asks for a new credit limit (DOMAIN.md §3): rep →
// manager → general manager when Amount is above credit_limit_cap or the
// request is an exception. The limit changes when the last approval lands.
type CreditLimitRequest struct {
	Approval
	Amount        Money
	PreviousLimit *Money
	Exception     bool
}

// WriteOffRequest asks to write off Amount (in the invoice's currency) of an
// invoice's open balance (呆账核销, 002 十七); the general manager approves,
// and the write-off is dated the day of approval.
type WriteOffRequest struct {
	Approval
	InvoiceID     int64
	InvoiceNumber string
	Currency      string
	Amount        Money
	// OpenBalance is the invoice's open balance today (invoice currency).
	OpenBalance  Money
	WriteOffDate *Date
}

// CreditClassOverride sets a customer's effective credit class by special
// approval to expand trade (000 第九条2): a manager or the general manager
// approves it, and it applies from the day of approval to the end of that
// quarter.
type CreditClassOverride struct {
	Approval
	CreditClass    CreditClass
	EffectiveUntil *Date
}

// ApprovalFilter selects requests of a kind: by status, and by customer.
type ApprovalFilter struct {
	Status   *ApprovalStatus
	Customer *CustomerFilter
}

// ApprovalService takes approval requests and their decisions. Every
// method acts as the actor of ctx (the built-in admin, a general manager,
// until tokens exist) and sees only the customers visible to it.
//
// Role rules (DOMAIN.md §3, §8; 000 第九条2; 002 十七): sales reps, managers,
// finance and the general manager may request; analysts and auditors may
// not (EFORBIDDEN). Nobody decides a request they made (EFORBIDDEN). A step
// awaiting a manager is decided by a manager who sees the customer (their
// office's) or by the general manager, whose approval completes the chain; a
// step awaiting the general manager only by the general manager. A request
// already decided is ECONFLICT; an unknown or invisible one ENOTFOUND.
type ApprovalService interface {
	// RequestCreditLimit asks for a new credit limit. EINVALID for a
	// negative amount or an empty reason; ECONFLICT when the customer has a
	// pending limit request.
	RequestCreditLimit(ctx context.Context, customerCode string, amount Money, reason string, exception bool) (*CreditLimitRequest, error)
	// ApproveCreditLimitRequest approves the awaited step; on the last one
	// the customer's limit changes, with a history row naming the approver.
	ApproveCreditLimitRequest(ctx context.Context, id int64, comment *string) (*CreditLimitRequest, error)
	// RejectCreditLimitRequest rejects the request (a reason is required).
	RejectCreditLimitRequest(ctx context.Context, id int64, reason string) (*CreditLimitRequest, error)
	// CreditLimitRequests lists requests, newest first.
	CreditLimitRequests(ctx context.Context, f ApprovalFilter, page Page) (*Connection[*CreditLimitRequest], error)

	// RequestWriteOff asks to write off amount of an invoice. EINVALID for
	// an amount not above zero or above the open balance today, or an empty
	// reason; ENOTFOUND for an unknown invoice; ECONFLICT when the invoice has
	// a pending write-off request.
	RequestWriteOff(ctx context.Context, invoiceNumber string, amount Money, reason string) (*WriteOffRequest, error)
	// ApproveWriteOff posts the write-off, dated today: a write_offs row and
	// its WRITE_OFF settlement. ECONFLICT when the open balance today is
	// below the amount. General manager only.
	ApproveWriteOff(ctx context.Context, id int64, comment *string) (*WriteOffRequest, error)
	// RejectWriteOff rejects the request. General manager only.
	RejectWriteOff(ctx context.Context, id int64, reason string) (*WriteOffRequest, error)
	// WriteOffRequests lists requests, newest first.
	WriteOffRequests(ctx context.Context, f ApprovalFilter, page Page) (*Connection[*WriteOffRequest], error)

	// RequestCreditClassOverride asks for an override of a customer's
	// credit class. EINVALID for an empty reason; ECONFLICT when one is
	// pending.
	RequestCreditClassOverride(ctx context.Context, customerCode string, class CreditClass, reason string) (*CreditClassOverride, error)
	// ApproveCreditClassOverride approves it: it applies from today to the
	// end of the quarter, and the customer's class is set to it now.
	ApproveCreditClassOverride(ctx context.Context, id int64, comment *string) (*CreditClassOverride, error)
	// RejectCreditClassOverride rejects it.
	RejectCreditClassOverride(ctx context.Context, id int64, reason string) (*CreditClassOverride, error)
	// CreditClassOverrides lists overrides, newest first.
	CreditClassOverrides(ctx context.Context, f ApprovalFilter, page Page) (*Connection[*CreditClassOverride], error)
}

// CanRequest reports whether role r may make requests: analysts and auditors
// only read (DOMAIN.md §8).
func CanRequest(r Role) bool {
	return r == RoleSalesRep || r == RoleManager || r == RoleFinance || r == RoleGeneralManager
}

// CreditLimitChain returns the approvals a limit request needs (DOMAIN.md §3:
// rep → manager → general manager above credit_limit_cap or as an
// exception). The amount is compared unrounded.
func CreditLimitChain(amount, limitCap decimal.Decimal, exception bool) []Role {
	if exception || amount.GreaterThan(limitCap) {
		return []Role{RoleManager, RoleGeneralManager}
	}
	return []Role{RoleManager}
}

// WriteOffChain returns the approvals a write-off needs: the general
// manager's (002 十七: 最终由公司总经理核准).
func WriteOffChain() []Role { return []Role{RoleGeneralManager} }

// OverrideChain returns the approvals a class override needs: a manager's
// (000 第九条2: 营销主管…特别批示).
func OverrideChain() []Role { return []Role{RoleManager} }

// OverrideEffectiveUntil is the last day an override approved on d applies:
// the end of d's quarter (DOMAIN.md §4.4).
func OverrideEffectiveUntil(d Date) Date { return d.Quarter().Last() }

// CheckDecider returns nil when actor may decide a request made by
// requestedBy whose awaited step is awaiting, and an EFORBIDDEN error saying
// why not otherwise. Visibility of the customer is checked by the caller.
func CheckDecider(actor *User, requestedBy int64, awaiting Role) error {
	if actor.ID == requestedBy {
		return Errorf(EFORBIDDEN, "you made this request: someone else must decide it")
	}
	switch {
	case actor.Role == RoleGeneralManager:
		return nil
	case actor.Role == awaiting:
		return nil
	}
	return Errorf(EFORBIDDEN, "this step awaits a %s's decision; you are %s", roleName(awaiting), roleName(actor.Role))
}

// ApprovalCompletes reports whether an approval by role r at position step
// (0-based) of chain is the last one needed: a general manager's approval
// completes any chain.
func ApprovalCompletes(chain []Role, step int, r Role) bool {
	return r == RoleGeneralManager || step >= len(chain)-1
}

func roleName(r Role) string {
	switch r {
	case RoleGeneralManager:
		return "general manager"
	case RoleManager:
		return "manager"
	case RoleSalesRep:
		return "sales rep"
	case RoleFinance:
		return "finance"
	case RoleAnalyst:
		return "analyst"
	case RoleAuditor:
		return "auditor"
	}
	return string(r)
}

// PolicySetting is one key and value of a policy version.
type PolicySetting struct {
	Key   string
	Value string
}

// PolicyChange is a new policy version: the settings that differ from the
// version it starts from (every other key is carried over, so the new
// version is again a whole snapshot), in force from EffectiveFrom.
type PolicyChange struct {
	EffectiveFrom Date
	Settings      []PolicySetting
	Note          *string
}

// PolicyVersion describes a policy version; Settings, sorted by key, are
// filled where the caller asked for them.
type PolicyVersion struct {
	Version       int
	EffectiveFrom Date
	Note          string
	CreatedBy     *User
	CreatedAt     time.Time
	Settings      []PolicySetting
}

// PolicyVersionOf lists the settings of p by key.
func PolicyVersionOf(p *Policy) *PolicyVersion {
	v := &PolicyVersion{Version: p.Version, EffectiveFrom: p.EffectiveFrom}
	for _, k := range slices.Sorted(maps.Keys(p.Settings)) {
		v.Settings = append(v.Settings, PolicySetting{Key: k, Value: p.Settings[k]})
	}
	return v
}

// PolicyWriter creates policy versions (DOMAIN.md §10). Changing the policy
// is the general manager's (EFORBIDDEN for anyone else).
type PolicyWriter interface {
	// SetPolicy creates a new version from the one in force on
	// change.EffectiveFrom with the given settings changed. EINVALID, naming
	// the key and value, for an unknown key, a malformed value, a date before
	// today, or a base_currency change once anything has been posted.
	SetPolicy(ctx context.Context, change PolicyChange) (*Policy, error)
	// PolicyVersions lists every version, newest effective date first.
	PolicyVersions(ctx context.Context) ([]*PolicyVersion, error)
}
