package csvimport

import (
	"maps"
	"testing"

	"github.com/uptrace/bun"

	"creditdesk/internal/pgtest"
)

// A tiny hand-written company. Every figure the tests expect is worked out
// by hand from these rows, in the comments next to the assertions.
var masterFiles = map[string]string{
	"offices.csv": `
		code,name
		BJ,北京办事处
		`,
	"users.csv": `
		username,name,role,office_code
		gm,总经理,GENERAL_MANAGER,
		rep1,业务员1,SALES_REP,BJ
		`,
	"products.csv": `
		code,name,category,unit_cost
		P1,产品1,C1,10.5
		`,
	// Columns in another order than API.md's, optional ones left out.
	"customers.csv": `
		name,code,industry,office_code,rep_username,first_trade_on
		客户1,K1,REGIONAL_DIY,BJ,rep1,2024-01-01
		客户2,K2,OTHER,BJ,,
		`,
}

// I1: due by default 60 days after shipping, 2024-03-10. I2: due
// 2024-03-01, before I1. I3: in USD at 7.1, base 2130.00. I4: K2's.
var invoiceFiles = map[string]string{
	"invoices.csv": `
		number,customer_code,ship_date,due_date,amount,currency,exchange_rate
		I1,K1,2024-01-10,,1000.00,,
		I2,K1,2024-02-05,2024-03-01,500.00,,
		I3,K1,2024-03-01,,300.00,USD,7.1
		I4,K2,2024-01-15,,200.00,CNY,1
		`,
	"sales_lines.csv": `
		invoice_number,customer_code,product_code,ship_date,quantity,unit_price,amount,cost_amount,currency,exchange_rate
		I1,K1,P1,2024-01-10,10,100,1000.00,600.00,,
		I3,K1,P1,2024-03-01,3,100,300.00,150.00,USD,7.1
		,K1,P1,2024-03-20,-1,100,-100.00,-60.00,,
		`,
}

// files merges fixture sets into one directory's worth of files.
func files(sets ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range sets {
		maps.Copy(out, s)
	}
	return out
}

// newCompany is a fresh database holding the master data and the invoices
// (batch 1 of the returned result).
func newCompany(t *testing.T) (*bun.DB, Result) {
	t.Helper()
	db := pgtest.New(t)
	res := mustImport(t, db, writeDir(t, files(masterFiles, invoiceFiles)))
	return db, res
}
