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
	agingRow := &objectDef[*creditdesk.AgingRow]{name: "AgingRow"}

	offices := func(l *Loaders) *dataloadgen.Loader[int64, *creditdesk.Office] { return l.Offices }
	users := func(l *Loaders) *dataloadgen.Loader[int64, *creditdesk.User] { return l.Users }
	customers := func(l *Loaders) *dataloadgen.Loader[int64, *creditdesk.Customer] { return l.Customers }
	date, money, ratio := scalar.MarshalDate, scalar.MarshalMoney, scalar.MarshalRatio
	optString := optional(graphql.MarshalString)

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
		"shortName": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optString(c.ShortName) }),
		"industry":  leaf(func(c *creditdesk.Customer) graphql.Marshaler { return str(c.Industry) }),
		"relationshipClass": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(str[creditdesk.RelationshipClass])(c.RelationshipClass)
		}),
		"demandGrade": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(str[creditdesk.DemandGrade])(c.DemandGrade)
		}),
		"dealerType": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(str[creditdesk.DealerType])(c.DealerType)
		}),
		"businessType": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(str[creditdesk.BusinessType])(c.BusinessType)
		}),
		"enterpriseNature":  leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optString(c.EnterpriseNature) }),
		"supervisingUnit":   leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optString(c.SupervisingUnit) }),
		"headOfficeAddress": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optString(c.HeadOfficeAddress) }),
		"address":           leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optString(c.Address) }),
		"website":           leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optString(c.Website) }),
		"foundedOn":         leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(date)(c.FoundedOn) }),
		"registeredCapital": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(money)(c.RegisteredCapital) }),
		"employees":         leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(graphql.MarshalInt)(c.Employees) }),
		"managers":          leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(graphql.MarshalInt)(c.Managers) }),
		"office": loaded(office, func(c *creditdesk.Customer) (int64, bool) { return c.OfficeID, true }, offices,
			r.Customer().Office, true),
		"rep": loaded(user, func(c *creditdesk.Customer) (int64, bool) { return deref(c.RepID) }, users,
			r.Customer().Rep, false),
		"repAssignedOn":  leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(date)(c.RepAssignedOn) }),
		"creditLimit":    leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(money)(c.CreditLimit) }),
		"requestedLimit": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(money)(c.RequestedLimit) }),
		"creditClass": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(str[creditdesk.CreditClass])(c.CreditClass)
		}),
		"dealerClass": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(str[creditdesk.AbcClass])(c.DealerClass)
		}),
		"dealerClassQuarter": leaf(func(c *creditdesk.Customer) graphql.Marshaler {
			return optional(scalar.MarshalQuarter)(c.DealerClassQuarter)
		}),
		"status":        leaf(func(c *creditdesk.Customer) graphql.Marshaler { return str(c.Status) }),
		"bankrupt":      leaf(func(c *creditdesk.Customer) graphql.Marshaler { return graphql.MarshalBoolean(c.Bankrupt) }),
		"requiredShare": leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(ratio)(c.RequiredShare) }),
		"firstTradeOn":  leaf(func(c *creditdesk.Customer) graphql.Marshaler { return optional(date)(c.FirstTradeOn) }),
		"createdAt":     leaf(func(c *creditdesk.Customer) graphql.Marshaler { return graphql.MarshalTime(c.CreatedAt) }),
	}
	contact.fields = map[string]fieldDef[*creditdesk.Contact]{
		"name":  leaf(func(c *creditdesk.Contact) graphql.Marshaler { return graphql.MarshalString(c.Name) }),
		"title": leaf(func(c *creditdesk.Contact) graphql.Marshaler { return optString(c.Title) }),
		"phone": leaf(func(c *creditdesk.Contact) graphql.Marshaler { return optString(c.Phone) }),
		"email": leaf(func(c *creditdesk.Contact) graphql.Marshaler { return optString(c.Email) }),
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
		"settledOn":    leaf(func(i *creditdesk.Invoice) graphql.Marshaler { return optional(date)(i.SettledOn) }),
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
		"drawer":       leaf(func(n *creditdesk.Note) graphql.Marshaler { return optString(n.Drawer) }),
		"bank":         leaf(func(n *creditdesk.Note) graphql.Marshaler { return optString(n.Bank) }),
		"account":      leaf(func(n *creditdesk.Note) graphql.Marshaler { return optString(n.Account) }),
		"endorsers":    leaf(func(n *creditdesk.Note) graphql.Marshaler { return scalars(graphql.MarshalString)(n.Endorsers) }),
		"issueDate":    leaf(func(n *creditdesk.Note) graphql.Marshaler { return date(n.IssueDate) }),
		"receivedDate": leaf(func(n *creditdesk.Note) graphql.Marshaler { return date(n.ReceivedDate) }),
		"maturityDate": leaf(func(n *creditdesk.Note) graphql.Marshaler { return date(n.MaturityDate) }),
		"amount":       leaf(func(n *creditdesk.Note) graphql.Marshaler { return money(n.Amount) }),
		"status":       leaf(func(n *creditdesk.Note) graphql.Marshaler { return str(n.Status) }),
		"statusDate":   leaf(func(n *creditdesk.Note) graphql.Marshaler { return date(n.StatusDate) }),
		"settledOn":    leaf(func(n *creditdesk.Note) graphql.Marshaler { return optional(date)(n.SettledOn) }),
	}
	history.fields = map[string]fieldDef[*creditdesk.HistoryEntry]{
		"field":    leaf(func(h *creditdesk.HistoryEntry) graphql.Marshaler { return graphql.MarshalString(h.Field) }),
		"oldValue": leaf(func(h *creditdesk.HistoryEntry) graphql.Marshaler { return optString(h.OldValue) }),
		"newValue": leaf(func(h *creditdesk.HistoryEntry) graphql.Marshaler { return optString(h.NewValue) }),
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
		"share":           leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return optional(ratio)(a.Share) }),
		"cumulativeShare": leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return optional(ratio)(a.CumulativeShare) }),
		"abcClass":        leaf(func(a *creditdesk.AbcRow) graphql.Marshaler { return str(a.AbcClass) }),
	}
	score := optional(scalar.MarshalScore)
	agingRow.fields = map[string]fieldDef[*creditdesk.AgingRow]{
		"key":                leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return graphql.MarshalString(a.Key) }),
		"label":              leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return graphql.MarshalString(a.Label) }),
		"total":              leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.Total) }),
		"amounts":            leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return scalars(money)(a.Amounts) }),
		"notDue":             leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.NotDue) }),
		"overdue":            leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.Overdue) }),
		"openingReceivables": leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.OpeningReceivables) }),
		"sales":              leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return money(a.Sales) }),
		"dso":                leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return score(a.DSO) }),
		"bestPossibleDso":    leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return score(a.BestPossibleDSO) }),
		"add":                leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return score(a.ADD) }),
		"cei":                leaf(func(a *creditdesk.AgingRow) graphql.Marshaler { return optional(ratio)(a.CEI) }),
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
		"CustomerEdge":     edge("CustomerEdge", customer, func(e *model.CustomerEdge) (string, *creditdesk.Customer) { return e.Cursor, e.Node }),
		"InvoiceEdge":      edge("InvoiceEdge", invoice, func(e *model.InvoiceEdge) (string, *creditdesk.Invoice) { return e.Cursor, e.Node }),
		"PaymentEdge":      edge("PaymentEdge", payment, func(e *model.PaymentEdge) (string, *creditdesk.Payment) { return e.Cursor, e.Node }),
		"NoteEdge":         edge("NoteEdge", note, func(e *model.NoteEdge) (string, *creditdesk.Note) { return e.Cursor, e.Node }),
		"HistoryEntryEdge": edge("HistoryEntryEdge", history, func(e *model.HistoryEntryEdge) (string, *creditdesk.HistoryEntry) { return e.Cursor, e.Node }),
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
