package creditdesk

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CreditInvestigation is a credit investigation of a customer (信用调查, 000
// 第五–七条): where the information came from, four ratings 1–5 — operator
// (经营者), internal state (企业内部状况), funding (资金筹措), payment (支付情况)
// — and the kind of report.
type CreditInvestigation struct {
	ID         int64
	CustomerID int64
	Date       Date
	Source     InvestigationSource
	Operator   int
	Internal   int
	Funding    int
	Payment    int
	Kind       *InvestigationKind
	Summary    *string
	RecordedBy *User
	CreatedAt  time.Time
}

// InvestigationInput records a credit investigation.
type InvestigationInput struct {
	CustomerCode string
	Date         Date
	Source       InvestigationSource
	Operator     int
	Internal     int
	Funding      int
	Payment      int
	Kind         *InvestigationKind
	Summary      *string
}

// Validate reports the first invalid field: each rating must be 1–5, the
// source and kind known values, the date given.
func (in InvestigationInput) Validate() error {
	if strings.TrimSpace(in.CustomerCode) == "" {
		return FieldError("customerCode", in.CustomerCode, "is required")
	}
	if in.Date.IsZero() {
		return FieldError("date", "", "is required")
	}
	if !OneOf(in.Source, InvestigationSources) {
		return FieldError("source", string(in.Source), "must be one of %v", InvestigationSources)
	}
	if in.Kind != nil && !OneOf(*in.Kind, InvestigationKinds) {
		return FieldError("kind", string(*in.Kind), "must be one of %v", InvestigationKinds)
	}
	for _, r := range []struct {
		field string
		v     int
	}{{"operator", in.Operator}, {"internal", in.Internal}, {"funding", in.Funding}, {"payment", in.Payment}} {
		if r.v < 1 || r.v > 5 {
			return FieldError(r.field, fmt.Sprint(r.v), "a rating must be from 1 to 5")
		}
	}
	return nil
}

// InvestigationsQuery asks for one page of one customer's investigations,
// newest first. It is comparable, to key a per-request dataloader.
type InvestigationsQuery struct {
	CustomerID int64
	First      int
	After      string
}

// InvestigationService records and reads credit investigations. Every method
// sees only the customers visible to the actor in ctx.
type InvestigationService interface {
	// RecordInvestigation adds an investigation. Sales reps, managers,
	// finance and the general manager may record (EFORBIDDEN otherwise);
	// EINVALID for a bad field, ENOTFOUND for an unknown customer.
	RecordInvestigation(ctx context.Context, in InvestigationInput) (*CreditInvestigation, error)
	// Investigations returns a page per query, in query order, in one
	// statement; EINVALID for a bad cursor.
	Investigations(ctx context.Context, qs []InvestigationsQuery) ([]*Connection[*CreditInvestigation], error)
	// LatestInvestigations returns each customer's latest investigation (by
	// date, then the latest recorded), nil where there is none, in key order.
	LatestInvestigations(ctx context.Context, customerIDs []int64) ([]*CreditInvestigation, error)
}
