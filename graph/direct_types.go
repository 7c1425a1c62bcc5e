package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"creditdesk/graph/model"
	"creditdesk/graph/scalar"
	"creditdesk/internal/creditdesk"
)

// newDirectLists lists the object types whose lists are rendered directly
// (see direct.go): the rows of the big reports, and what an account page and
// a customer list show. Each field writes what the executor would: the
// struct member through the same marshaler, or the same resolver, its
// dataloader primed for the whole list. A field missing here (a paged list,
// a computed position) sends the list through the executor.
func newDirectLists(r *Resolver) *directLists {
	office := &objectDef[*creditdesk.Office]{name: "Office"}
	user := &objectDef[*creditdesk.User]{name: "User"}
	customer := &objectDef[*creditdesk.Customer]{name: "Customer"}
	contact := &objectDef[*creditdesk.Contact]{name: "Contact"}
	invoice := &objectDef[*creditdesk.Invoice]{name: "Invoice"}
	payment := &objectDef[*creditdesk.Payment]{name: "Payment"}
	note := &objectDef[*creditdesk.Note]{name: "Note"}
	history := &objectDef[*creditdesk.HistoryEntry]{name: "HistoryEntry"}
	abcRow := &objectDef[*creditdesk.AbcRow]{name: "AbcRow"}
	position := &objectDef[*creditdesk.CreditPosition]{name: "CreditPosition"}
	scorecard := &objectDef[*creditdesk.DealerScorecard]{name: "DealerScorecard"}
	metricsRow := &objectDef[*creditdesk.MetricsRow]{name: "MetricsRow"}
	product := &objectDef[*creditdesk.Product]{name: "Product"}
	mixRow := &objectDef[*creditdesk.ProductMixRow]{name: "ProductMixRow"}
	dimension := &objectDef[*creditdesk.DimensionValue]{name: "DimensionValue"}
	metricScore := &objectDef[*creditdesk.DealerMetricScore]{name: "DealerMetricScore"}
	agingRow := &objectDef[*creditdesk.AgingRow]{name: "AgingRow"}

	offices := func(l *Loaders) *dataloadgen.Loader[int64, *creditdesk.Office] { return l.Offices }
	users := func(l *Loaders) *dataloadgen.Loader[int64, *creditdesk.User] { return l.Users }
	customers := func(l *Loaders) *dataloadgen.Loader[int64, *creditdesk.Customer] { return l.Customers }
	date, money, ratio := scalar.MarshalDate, scalar.MarshalMoney, scalar.MarshalRatio

	office.fields = map[string]fieldDef[*creditdesk.Office]{
		"code": leaf(func(o *creditdesk.Office) graphql.Marshaler { return graphql.MarshalString(o.Code) }),
		"name": leaf(func(o *creditdesk.Office) graphql.Marshaler { return graphql.MarshalString(o.Name) }),
	}
	user.fields = map[string]fieldDef[*creditdesk.User]{
		"username": leaf(func(u *creditdesk.User) graphql.Marshaler { return graphql.MarshalString(u.Username) }),
		"name":     leaf(func(u *creditdesk.User) graphql.Marshaler { return graphql.MarshalString(u.Name) }),
		"role":     leaf(func(u *creditdesk.User) graphql.Marshaler { return str(u.Role) }),
		"office": loaded(office, func(u *creditdesk.User) (int64, bool) { return deref(u.OfficeID) }, offices,
			r.User().Office, false),
	}
	customer.fields = map[string]fieldDef[*creditdesk.Customer]{
		"code":      leaf(func(c *creditdesk.Customer) graphql.Marshaler { return graphql.MarshalString(c.Code) }),
		"name":      leaf(func(c *creditdesk.Customer) graphql.Marshaler { return graphql.MarshalString(c.Name) }),
		"shortName": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.ShortName, graphql.MarshalString) }),
		"industry":  leaf(func(c *creditdesk.Customer) graphql.Marshaler { return str(c.Industry) }),
		"relationshipClass": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.RelationshipClass, str[creditdesk.RelationshipClass])
		}),
		"demandGrade": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.DemandGrade, str[creditdesk.DemandGrade])
		}),
		"dealerType": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.DealerType, str[creditdesk.DealerType])
		}),
		"businessType": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.BusinessType, str[creditdesk.BusinessType])
		}),
		"enterpriseNature": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.EnterpriseNature, graphql.MarshalString)
		}),
		"supervisingUnit": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.SupervisingUnit, graphql.MarshalString)
		}),
		"headOfficeAddress": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.HeadOfficeAddress, graphql.MarshalString)
		}),
		"address":           leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.Address, graphql.MarshalString) }),
		"website":           leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.Website, graphql.MarshalString) }),
		"foundedOn":         leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.FoundedOn, date) }),
		"registeredCapital": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.RegisteredCapital, money) }),
		"employees":         leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.Employees, graphql.MarshalInt) }),
		"managers":          leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.Managers, graphql.MarshalInt) }),
		"office": loaded(office, func(c *creditdesk.Customer) (int64, bool) { return c.OfficeID, true }, offices,
			r.Customer().Office, true),
		"rep": loaded(user, func(c *creditdesk.Customer) (int64, bool) { return deref(c.RepID) }, users,
			r.Customer().Rep, false),
		"repAssignedOn":  leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.RepAssignedOn, date) }),
		"creditLimit":    leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.CreditLimit, money) }),
		"requestedLimit": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.RequestedLimit, money) }),
		"creditClass": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.CreditClass, str[creditdesk.CreditClass])
		}),
		"dealerClass": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.DealerClass, str[creditdesk.AbcClass])
		}),
		"dealerClassQuarter": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(c.DealerClassQuarter, scalar.MarshalQuarter)
		}),
		"status":        leaf(func(c *creditdesk.Customer) graphql.Marshaler { return str(c.Status) }),
		"bankrupt":      leaf(func(c *creditdesk.Customer) graphql.Marshaler { return graphql.MarshalBoolean(c.Bankrupt) }),
		"requiredShare": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.RequiredShare, ratio) }),
		"firstTradeOn":  leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(c.FirstTradeOn, date) }),
		"createdAt":     leaf(func(c *creditdesk.Customer) graphql.Marshaler { return graphql.MarshalTime(c.CreatedAt) }),
	}
	contact.fields = map[string]fieldDef[*creditdesk.Contact]{
		"name":  leaf(func(c *creditdesk.Contact) graphql.Marshaler { return graphql.MarshalString(c.Name) }),
		"title": leaf(func(c *creditdesk.Contact) graphql.Marshaler { return optional(c.Title, graphql.MarshalString) }),
		"phone": leaf(func(c *creditdesk.Contact) graphql.Marshaler { return optional(c.Phone, graphql.MarshalString) }),
		"email": leaf(func(c *creditdesk.Contact) graphql.Marshaler { return optional(c.Email, graphql.MarshalString) }),
	}
	invoice.fields = map[string]fieldDef[*creditdesk.Invoice]{
		"number": leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return graphql.MarshalString(i.Number) }),
		"customer": loaded(customer, func(i *creditdesk.Invoice) (int64, bool) { return i.CustomerID, true }, customers,
			r.Invoice().Customer, true),
		"shipDate":     leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return date(i.ShipDate) }),
		"invoiceDate":  leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return date(i.InvoiceDate) }),
		"dueDate":      leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return date(i.DueDate) }),
		"currency":     leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return graphql.MarshalString(i.Currency) }),
		"amount":       leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return money(i.Amount) }),
		"exchangeRate": leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return scalar.MarshalRate(i.ExchangeRate) }),
		"baseAmount":   leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return money(i.BaseAmount) }),
		"openBalance":  leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return money(i.OpenBalance) }),
		"openBase":     leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return money(i.OpenBase) }),
		"settledOn":    leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return optional(i.SettledOn, date) }),
	}
	payment.fields = map[string]fieldDef[*creditdesk.Payment]{
		"reference": leaf(func(p *creditdesk.Payment) graphql.Marshaler { return graphql.MarshalString(p.Reference) }),
		"customer": loaded(customer, func(p *creditdesk.Payment) (int64, bool) { return p.CustomerID, true }, customers,
			r.Payment().Customer, true),
		"date":         leaf(func(p *creditdesk.Payment) graphql.Marshaler { return date(p.Date) }),
		"method":       leaf(func(p *creditdesk.Payment) graphql.Marshaler { return str(p.Method) }),
		"currency":     leaf(func(p *creditdesk.Payment) graphql.Marshaler { return graphql.MarshalString(p.Currency) }),
		"amount":       leaf(func(p *creditdesk.Payment) graphql.Marshaler { return money(p.Amount) }),
		"exchangeRate": leaf(func(p *creditdesk.Payment) graphql.Marshaler { return scalar.MarshalRate(p.ExchangeRate) }),
		"baseAmount":   leaf(func(p *creditdesk.Payment) graphql.Marshaler { return money(p.BaseAmount) }),
		"allocated":    leaf(func(p *creditdesk.Payment) graphql.Marshaler { return money(p.Allocated) }),
		"unapplied":    leaf(func(p *creditdesk.Payment) graphql.Marshaler { return money(p.Unapplied) }),
	}
	note.fields = map[string]fieldDef[*creditdesk.Note]{
		"number": leaf(func(n *creditdesk.Note) graphql.Marshaler { return graphql.MarshalString(n.Number) }),
		"kind":   leaf(func(n *creditdesk.Note) graphql.Marshaler { return str(n.Kind) }),
		"customer": loaded(customer, func(n *creditdesk.Note) (int64, bool) { return n.CustomerID, true }, customers,
			r.Note().Customer, true),
		"drawer":       leaf(func(n *creditdesk.Note) graphql.Marshaler { return optional(n.Drawer, graphql.MarshalString) }),
		"bank":         leaf(func(n *creditdesk.Note) graphql.Marshaler { return optional(n.Bank, graphql.MarshalString) }),
		"account":      leaf(func(n *creditdesk.Note) graphql.Marshaler { return optional(n.Account, graphql.MarshalString) }),
		"endorsers":    leaf(func(n *creditdesk.Note) graphql.Marshaler { return scalars(n.Endorsers, graphql.MarshalString) }),
		"issueDate":    leaf(func(n *creditdesk.Note) graphql.Marshaler { return date(n.IssueDate) }),
		"receivedDate": leaf(func(n *creditdesk.Note) graphql.Marshaler { return date(n.ReceivedDate) }),
		"maturityDate": leaf(func(n *creditdesk.Note) graphql.Marshaler { return date(n.MaturityDate) }),
		"amount":       leaf(func(n *creditdesk.Note) graphql.Marshaler { return money(n.Amount) }),
		"status":       leaf(func(n *creditdesk.Note) graphql.Marshaler { return str(n.Status) }),
		"statusDate":   leaf(func(n *creditdesk.Note) graphql.Marshaler { return date(n.StatusDate) }),
		"settledOn":    leaf(func(n *creditdesk.Note) graphql.Marshaler { return optional(n.SettledOn, date) }),
	}
	history.fields = map[string]fieldDef[*creditdesk.HistoryEntry]{
		"field":    leaf(func(h *creditdesk.HistoryEntry) graphql.Marshaler { return graphql.MarshalString(h.Field) }),
		"oldValue": leaf(func(h *creditdesk.HistoryEntry) graphql.Marshaler { return optional(h.OldValue, graphql.MarshalString) }),
		"newValue": leaf(func(h *creditdesk.HistoryEntry) graphql.Marshaler { return optional(h.NewValue, graphql.MarshalString) }),
		"reason":   leaf(func(h *creditdesk.HistoryEntry) graphql.Marshaler { return graphql.MarshalString(h.Reason) }),
		"changedBy": loaded(user, func(h *creditdesk.HistoryEntry) (int64, bool) { return h.ChangedBy, true }, users,
			r.HistoryEntry().ChangedBy, true),
		"approvedBy": loaded(user, func(h *creditdesk.HistoryEntry) (int64, bool) { return deref(h.ApprovedBy) }, users,
			r.HistoryEntry().ApprovedBy, false),
		"changedAt": leaf(func(h *creditdesk.HistoryEntry) graphql.Marshaler { return graphql.MarshalTime(h.ChangedAt) }),
	}
	abcRow.fields = map[string]fieldDef[*creditdesk.AbcRow]{
		"customer":        nested(customer, func(a *creditdesk.AbcRow) *creditdesk.Customer { return a.Customer }, true),
		"industry":        leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return str(a.Industry) }),
		"rank":            leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return graphql.MarshalInt(a.Rank) }),
		"sales":           leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return money(a.Sales) }),
		"share":           leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return optional(a.Share, ratio) }),
		"cumulativeShare": leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return optional(a.CumulativeShare, ratio) }),
		"abcClass":        leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return str(a.AbcClass) }),
	}
	position.fields = map[string]fieldDef[*creditdesk.CreditPosition]{
		"customer": nested(customer, func(p *creditdesk.CreditPosition) *creditdesk.Customer { return p.Customer }, true),
		"asOf":     leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler { return date(p.AsOf) }),
		"policyVersion": leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler {
			return graphql.MarshalInt(p.PolicyVersion)
		}),
		"openReceivables": leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler { return money(p.OpenReceivables) }),
		"unsettledNotes":  leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler { return money(p.UnsettledNotes) }),
		"exposure":        leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler { return money(p.Exposure) }),
		"creditLimit":     leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler { return optional(p.CreditLimit, money) }),
		"utilization":     leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler { return optional(p.Utilization, ratio) }),
		"alert":           leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler { return str(p.Alert) }),
		"warnRatio":       leaf(func(p *creditdesk.CreditPosition) graphql.Marshaler { return ratio(p.WarnRatio) }),
	}
	score := scalar.MarshalScore
	metricScore.fields = map[string]fieldDef[*creditdesk.DealerMetricScore]{
		"metric": leaf(func(m *creditdesk.DealerMetricScore) graphql.Marshaler { return str(m.Metric) }),
		"score":  leaf(func(m *creditdesk.DealerMetricScore) graphql.Marshaler { return optional(m.Score, score) }),
		"weight": leaf(func(m *creditdesk.DealerMetricScore) graphql.Marshaler { return score(m.Weight) }),
	}
	scorecard.fields = map[string]fieldDef[*creditdesk.DealerScorecard]{
		"customer":   nested(customer, func(d *creditdesk.DealerScorecard) *creditdesk.Customer { return d.Customer }, true),
		"quarter":    leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return scalar.MarshalQuarter(d.Quarter) }),
		"dealerType": leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return str(d.DealerType) }),
		"metrics": nestedList(metricScore, func(d *creditdesk.DealerScorecard) []*creditdesk.DealerMetricScore {
			return d.Metrics
		}),
		"composite":     leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return score(d.Composite) }),
		"complete":      leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return graphql.MarshalBoolean(d.Complete) }),
		"rank":          leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return graphql.MarshalInt(d.Rank) }),
		"dealerClass":   leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return str(d.DealerClass) }),
		"supportPolicy": leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return graphql.MarshalString(d.SupportPolicy()) }),
		"sales":         leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return money(d.Sales) }),
		"target":        leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return optional(d.Target, money) }),
		"attainment":    leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return optional(d.Attainment, ratio) }),
		"rewardPoints":  leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return score(d.RewardPoints) }),
		"policyVersion": leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler { return graphql.MarshalInt(d.PolicyVersion) }),
		"evaluationId": leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler {
			return optional(d.EvaluationID, graphql.MarshalInt64)
		}),
		"evaluatedAt": leaf(func(d *creditdesk.DealerScorecard) graphql.Marshaler {
			return optional(d.EvaluatedAt, graphql.MarshalTime)
		}),
	}
	product.fields = map[string]fieldDef[*creditdesk.Product]{
		"code":     leaf(func(p *creditdesk.Product) graphql.Marshaler { return graphql.MarshalString(p.Code) }),
		"name":     leaf(func(p *creditdesk.Product) graphql.Marshaler { return graphql.MarshalString(p.Name) }),
		"category": leaf(func(p *creditdesk.Product) graphql.Marshaler { return optional(p.Category, graphql.MarshalString) }),
		"unitCost": leaf(func(p *creditdesk.Product) graphql.Marshaler { return optional(p.UnitCost, scalar.MarshalUnitPrice) }),
	}
	mixRow.fields = map[string]fieldDef[*creditdesk.ProductMixRow]{
		"product":           nested(product, func(r *creditdesk.ProductMixRow) *creditdesk.Product { return r.Product }, true),
		"rank":              leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return graphql.MarshalInt(r.Rank) }),
		"sales":             leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return money(r.Sales) }),
		"share":             leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.Share, ratio) }),
		"cumulativeShare":   leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.CumulativeShare, ratio) }),
		"cost":              leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return money(r.Cost) }),
		"grossProfit":       leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return money(r.GrossProfit) }),
		"grossMargin":       leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.GrossMargin, ratio) }),
		"averageInventory":  leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.AverageInventory, money) }),
		"turnover":          leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.Turnover, ratio) }),
		"crossRatio":        leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.CrossRatio, ratio) }),
		"contributionRatio": leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.ContributionRatio, ratio) }),
		"target":            leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.Target, money) }),
		"attainment":        leaf(func(r *creditdesk.ProductMixRow) graphql.Marshaler { return optional(r.Attainment, ratio) }),
	}
	dimension.fields = map[string]fieldDef[*creditdesk.DimensionValue]{
		"dimension": leaf(func(d *creditdesk.DimensionValue) graphql.Marshaler { return str(d.Dimension) }),
		"key":       leaf(func(d *creditdesk.DimensionValue) graphql.Marshaler { return optional(d.Key, graphql.MarshalString) }),
		"label":     leaf(func(d *creditdesk.DimensionValue) graphql.Marshaler { return optional(d.Label, graphql.MarshalString) }),
	}
	metricsRow.fields = map[string]fieldDef[*creditdesk.MetricsRow]{
		"dimensions":  valueList(dimension, func(r *creditdesk.MetricsRow) []creditdesk.DimensionValue { return r.Dimensions }),
		"period":      leaf(func(r *creditdesk.MetricsRow) graphql.Marshaler { return optional(r.Period, graphql.MarshalString) }),
		"periodStart": leaf(func(r *creditdesk.MetricsRow) graphql.Marshaler { return optional(r.PeriodStart, date) }),
		"periodEnd":   leaf(func(r *creditdesk.MetricsRow) graphql.Marshaler { return optional(r.PeriodEnd, date) }),
		"values":      measureValues(money, ratio),
	}
	agingRow.fields = map[string]fieldDef[*creditdesk.AgingRow]{
		"key":                leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return graphql.MarshalString(a.Key) }),
		"label":              leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return graphql.MarshalString(a.Label) }),
		"total":              leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.Total) }),
		"amounts":            leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return scalars(a.Amounts, money) }),
		"notDue":             leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.NotDue) }),
		"overdue":            leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.Overdue) }),
		"openingReceivables": leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.OpeningReceivables) }),
		"sales":              leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.Sales) }),
		"dso":                leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return optional(a.DSO, scalar.MarshalScore) }),
		"bestPossibleDso": leaf(func(a *creditdesk.AgingRow) graphql.Marshaler {
			return optional(a.BestPossibleDSO, scalar.MarshalScore)
		}),
		"add": leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return optional(a.ADD, scalar.MarshalScore) }),
		"cei": leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return optional(a.CEI, ratio) }),
	}

	return &directLists{byType: map[string]directList{
		"Office":           office,
		"User":             user,
		"Customer":         customer,
		"Contact":          contact,
		"Invoice":          invoice,
		"Payment":          payment,
		"Note":             note,
		"HistoryEntry":     history,
		"AbcRow":           abcRow,
		"AgingRow":         agingRow,
		"CreditPosition":   position,
		"DealerScorecard":  scorecard,
		"MetricsRow":       metricsRow,
		"ProductMixRow":    mixRow,
		"CustomerEdge":     edge("CustomerEdge", customer, func(e *model.CustomerEdge) (string, *creditdesk.Customer) { return e.Cursor, e.Node }),
		"InvoiceEdge":      edge("InvoiceEdge", invoice, func(e *model.InvoiceEdge) (string, *creditdesk.Invoice) { return e.Cursor, e.Node }),
		"PaymentEdge":      edge("PaymentEdge", payment, func(e *model.PaymentEdge) (string, *creditdesk.Payment) { return e.Cursor, e.Node }),
		"NoteEdge":         edge("NoteEdge", note, func(e *model.NoteEdge) (string, *creditdesk.Note) { return e.Cursor, e.Node }),
		"HistoryEntryEdge": edge("HistoryEntryEdge", history, func(e *model.HistoryEntryEdge) (string, *creditdesk.HistoryEntry) { return e.Cursor, e.Node }),
		"CreditPositionEdge": edge("CreditPositionEdge", position, func(e *model.CreditPositionEdge) (string, *creditdesk.CreditPosition) {
			return e.Cursor, e.Node
		}),
	}}
}

// measureValues writes a metrics row's values, a list of the MeasureValue
// interface, with each value's own type.
func measureValues(money func(creditdesk.Money) graphql.Marshaler,
	ratio func(creditdesk.Ratio) graphql.Marshaler) fieldDef[*creditdesk.MetricsRow] {
	return interfaceList(func(r *creditdesk.MetricsRow) []creditdesk.MeasureValue { return r.Values },
		implementationOf(measureDef("MoneyMeasureValue", func(v *creditdesk.MoneyMeasureValue) graphql.Marshaler {
			return optional(v.Value, money)
		}, func(v *creditdesk.MoneyMeasureValue) creditdesk.Measure { return v.Measure })),
		implementationOf(measureDef("RatioMeasureValue", func(v *creditdesk.RatioMeasureValue) graphql.Marshaler {
			return optional(v.Value, ratio)
		}, func(v *creditdesk.RatioMeasureValue) creditdesk.Measure { return v.Measure })),
		implementationOf(measureDef("QuantityMeasureValue", func(v *creditdesk.QuantityMeasureValue) graphql.Marshaler {
			return optional(v.Value, scalar.MarshalQuantity)
		}, func(v *creditdesk.QuantityMeasureValue) creditdesk.Measure { return v.Measure })),
		implementationOf(measureDef("CountMeasureValue", func(v *creditdesk.CountMeasureValue) graphql.Marshaler {
			return optional(v.Value, scalar.MarshalDecimal)
		}, func(v *creditdesk.CountMeasureValue) creditdesk.Measure { return v.Measure })))
}

// measureDef is an implementation of MeasureValue: its measure and value.
func measureDef[V any](name string, value func(*V) graphql.Marshaler, measure func(*V) creditdesk.Measure) *objectDef[*V] {
	return &objectDef[*V]{name: name, interfaces: []string{"MeasureValue"}, fields: map[string]fieldDef[*V]{
		"measure": leaf(func(v *V) graphql.Marshaler { return str(measure(v)) }),
		"value":   leaf(value),
	}}
}

// edge is a connection's edge type: its cursor and its node.
func edge[E, N any](name string, node *objectDef[*N], parts func(*E) (string, *N)) *objectDef[*E] {
	return &objectDef[*E]{name: name, fields: map[string]fieldDef[*E]{
		"cursor": leaf(func(e *E) graphql.Marshaler { c, _ := parts(e); return graphql.MarshalString(c) }),
		"node":   nested(node, func(e *E) *N { _, n := parts(e); return n }, true),
	}}
}

func deref(id *int64) (int64, bool) {
	if id == nil {
		return 0, false
	}
	return *id, true
}
