package creditdesk

import "slices"

// Industry is a customer's industry category (业种, 000 第三条).
type Industry string

// Industries of DOMAIN.md §1.
const (
	IndustryIntlPartsDistributor Industry = "INTL_PARTS_DISTRIBUTOR" // 国际零配件销售商
	IndustryIntlGoodsMerchant    Industry = "INTL_GOODS_MERCHANT"    // 国际性用品商
	IndustryRegionalElectrical   Industry = "REGIONAL_ELECTRICAL"    // 地区电气店
	IndustryRegionalSpecialty    Industry = "REGIONAL_SPECIALTY"     // 地区专营店
	IndustryRegionalVolume       Industry = "REGIONAL_VOLUME"        // 地区批量销售店
	IndustryRegionalDIY          Industry = "REGIONAL_DIY"           // 地区DIY店
	IndustryOther                Industry = "OTHER"                  // 其他
)

// Industries lists every industry category.
var Industries = []Industry{IndustryIntlPartsDistributor, IndustryIntlGoodsMerchant, IndustryRegionalElectrical,
	IndustryRegionalSpecialty, IndustryRegionalVolume, IndustryRegionalDIY, IndustryOther}

// RelationshipClass is the customer's relationship class (001 篇七 1.2).
type RelationshipClass string

// Relationship classes.
const (
	RelationshipTarget    RelationshipClass = "TARGET"
	RelationshipGeneral   RelationshipClass = "GENERAL"
	RelationshipKey       RelationshipClass = "KEY"
	RelationshipPotential RelationshipClass = "POTENTIAL"
)

// RelationshipClasses lists every relationship class.
var RelationshipClasses = []RelationshipClass{RelationshipTarget, RelationshipGeneral, RelationshipKey, RelationshipPotential}

// DemandGrade is the customer's demand grade A/B/C (003 第一条).
type DemandGrade string

// DemandGrades lists every demand grade.
var DemandGrades = []DemandGrade{"A", "B", "C"}

// DealerType is the kind of dealer (002 客户评估); most customers have none.
type DealerType string

// Dealer types.
const (
	DealerExclusive DealerType = "EXCLUSIVE" // 专营经销商
	DealerLogistics DealerType = "LOGISTICS" // 物流商
)

// DealerTypes lists every dealer type.
var DealerTypes = []DealerType{DealerExclusive, DealerLogistics}

// BusinessType is the customer's business type.
type BusinessType string

// Business types.
const (
	BusinessManufacturer           BusinessType = "MANUFACTURER"
	BusinessDistributor            BusinessType = "DISTRIBUTOR"
	BusinessIntermediateWholesaler BusinessType = "INTERMEDIATE_WHOLESALER" // 中间批发商
	BusinessRetailer               BusinessType = "RETAILER"
	BusinessOther                  BusinessType = "OTHER"
)

// BusinessTypes lists every business type.
var BusinessTypes = []BusinessType{BusinessManufacturer, BusinessDistributor, BusinessIntermediateWholesaler,
	BusinessRetailer, BusinessOther}

// CustomerStatus is where a customer stands in its life cycle:
// PROSPECT → PENDING_APPROVAL → ACTIVE ⇄ SUSPENDED → TERMINATED.
type CustomerStatus string

// Customer statuses.
const (
	StatusProspect        CustomerStatus = "PROSPECT"
	StatusPendingApproval CustomerStatus = "PENDING_APPROVAL"
	StatusActive          CustomerStatus = "ACTIVE"
	StatusSuspended       CustomerStatus = "SUSPENDED"
	StatusTerminated      CustomerStatus = "TERMINATED"
)

// CustomerStatuses lists every status.
var CustomerStatuses = []CustomerStatus{StatusProspect, StatusPendingApproval, StatusActive, StatusSuspended, StatusTerminated}

// CreditClass is the credit class 甲/乙/丙 (000 第九条).
type CreditClass string

// Credit classes.
const (
	CreditJia  CreditClass = "JIA"  // 甲
	CreditYi   CreditClass = "YI"   // 乙
	CreditBing CreditClass = "BING" // 丙
)

// CreditClasses lists every credit class.
var CreditClasses = []CreditClass{CreditJia, CreditYi, CreditBing}

// AbcClass is an A/B/C class (ABC analysis, dealer class).
type AbcClass string

// ABC classes.
const (
	ClassA AbcClass = "A"
	ClassB AbcClass = "B"
	ClassC AbcClass = "C"
)

// Guarantee is an additional condition of a credit limit (附加条件, 000 第十条2).
type Guarantee string

// Guarantees.
const (
	GuaranteeContract          Guarantee = "CONTRACT"
	GuaranteePersonalGuarantee Guarantee = "PERSONAL_GUARANTEE"
	GuaranteeJointGuarantee    Guarantee = "JOINT_GUARANTEE"
	GuaranteeMortgage          Guarantee = "MORTGAGE"
)

// Guarantees lists every guarantee.
var Guarantees = []Guarantee{GuaranteeContract, GuaranteePersonalGuarantee, GuaranteeJointGuarantee, GuaranteeMortgage}

// Role is a user's role (DOMAIN.md §8).
type Role string

// Roles.
const (
	RoleSalesRep       Role = "SALES_REP"
	RoleManager        Role = "MANAGER"
	RoleFinance        Role = "FINANCE"
	RoleGeneralManager Role = "GENERAL_MANAGER"
	RoleAnalyst        Role = "ANALYST"
	RoleAuditor        Role = "AUDITOR"
)

// Roles lists every role.
var Roles = []Role{RoleSalesRep, RoleManager, RoleFinance, RoleGeneralManager, RoleAnalyst, RoleAuditor}

// RepRoles are the roles that may be responsible for a customer (its rep,
// DOMAIN.md §7): a sales rep or a manager.
var RepRoles = []Role{RoleSalesRep, RoleManager}

// PaymentMethod is how a payment was made.
type PaymentMethod string

// Payment methods.
const (
	MethodTransfer PaymentMethod = "TRANSFER"
	MethodCash     PaymentMethod = "CASH"
)

// PaymentMethods lists every payment method.
var PaymentMethods = []PaymentMethod{MethodTransfer, MethodCash}

// NoteKind is the kind of a note receivable (应收票据).
type NoteKind string

// Note kinds.
const (
	NoteBankAcceptance       NoteKind = "BANK_ACCEPTANCE"
	NoteCommercialAcceptance NoteKind = "COMMERCIAL_ACCEPTANCE"
	NoteCheque               NoteKind = "CHEQUE"
)

// NoteKinds lists every note kind.
var NoteKinds = []NoteKind{NoteBankAcceptance, NoteCommercialAcceptance, NoteCheque}

// NoteStatus is where a note stands: HELD → PRESENTED → HONORED | DISHONORED.
type NoteStatus string

// Note statuses.
const (
	NoteHeld       NoteStatus = "HELD"
	NotePresented  NoteStatus = "PRESENTED"
	NoteHonored    NoteStatus = "HONORED"
	NoteDishonored NoteStatus = "DISHONORED"
)

// NoteStatuses lists every note status.
var NoteStatuses = []NoteStatus{NoteHeld, NotePresented, NoteHonored, NoteDishonored}

// Final reports whether the status ends the note's life (honoured or
// dishonoured); a note is unsettled until then.
func (s NoteStatus) Final() bool { return s == NoteHonored || s == NoteDishonored }

// CanMoveTo reports whether a note in status s may move to next: a note is
// presented before it is honoured or dishonoured.
func (s NoteStatus) CanMoveTo(next NoteStatus) bool {
	switch s {
	case NoteHeld:
		return next == NotePresented
	case NotePresented:
		return next == NoteHonored || next == NoteDishonored
	}
	return false
}

// DemandChannel is how a collection demand (催款) was made.
type DemandChannel string

// DemandChannels lists every channel.
var DemandChannels = []DemandChannel{"PHONE", "VISIT", "LETTER", "EMAIL", "LAWYER_LETTER"}

// InvestigationSource is where a credit investigation's information came from.
type InvestigationSource string

// InvestigationSources lists every source (000 第五条).
var InvestigationSources = []InvestigationSource{"BANK", "AGENCY", "PEER", "COLLEAGUE", "NEWS"}

// InvestigationKind is the kind of a credit investigation report.
type InvestigationKind string

// InvestigationKinds lists every report kind.
var InvestigationKinds = []InvestigationKind{"DAILY", "URGENT", "PERIODIC"}

// RatingMetric is a dealer metric rated by the office (002 客户评估).
type RatingMetric string

// RatingMetrics lists every rated metric.
var RatingMetrics = []RatingMetric{"LAYOUT", "PROMOTION", "PRICE", "RELATIONS", "DELIVERY", "AFTER_SALES", "NETWORK"}

// OneOf reports whether v is one of the allowed values.
func OneOf[T ~string](v T, allowed []T) bool { return slices.Contains(allowed, v) }
