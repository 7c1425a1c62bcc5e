package demo

import (
	"math"
	"slices"
)

// invoice is a shipment's receivable as the generator keeps it.
type invoice struct {
	ship, due day
	amount    int64 // cents, invoice currency
	rate      int64 // rateOne units
	seq       int32 // number within the ship date
}

// line is an order line of the shipment being written.
type line struct {
	bi   int32 // index into the customer's basket
	qty  int64
	unit int64 // unit price, cents of the invoice currency
}

// prodWindow is how many trailing months of per-product sales are kept for
// targets and inventory.
const prodWindow = 18

// simulate writes customer ci's whole history.
func (g *generator) simulate(ci int) {
	c := &g.customers[ci]
	g.pcg.Seed(splitmix(g.seed^uint64(ci)*0x9e3779b97f4a7c15), splitmix(uint64(ci)+0x243f6a8885a308d3))
	c.monthly = make([]int64, historyMonths)
	need := len(c.basket) * prodWindow
	if cap(g.prodMonth) < need {
		g.prodMonth = make([]int64, need)
	}
	g.prodMonth = g.prodMonth[:need]
	clear(g.prodMonth)
	g.invs = g.invs[:0]
	g.events = g.events[:0]

	g.shipments(c)
	g.settle(c)
	g.writeOffs(c)
	g.balances()
	for i, open := range g.open {
		c.exposure += baseOf(open, g.invs[i].rate)
	}
	g.demands(c)
	g.visits(c)
	g.investigations(c)
	g.targets(c)
	g.inventory(c)
	g.ratings(c)
}

// shipDays draws the customer's shipment days: a Poisson number a month
// following the season, the customer's trend and a new customer's ramp-up.
func (g *generator) shipDays(c *customer) []day {
	r := g.crg
	days := g.days[:0]
	if c.salesFrom > c.salesTo {
		return days
	}
	mid := float64(g.startMonth+g.endMonth) / 2
	fromMonth := c.salesFrom.month()
	for mi := fromMonth; mi <= c.salesTo.month(); mi++ {
		ms, me := monthStart(mi), monthStart(mi+1)-1
		lo, hi := max(ms, c.salesFrom), min(me, c.salesTo)
		frac := float64(hi-lo+1) / float64(me-ms+1)
		lam := c.rate * seasonal[mi%12] * math.Exp(c.growth*(float64(mi)-mid)/12) * frac *
			math.Exp(0.25*r.NormFloat64())
		if !c.existing {
			lam *= min(1, 0.35+0.65*float64(mi-fromMonth)/6)
		}
		for n := poisson(r, lam); n > 0; n-- {
			d := lo + day(r.IntN(int(hi-lo)+1))
			if d.weekday() == 0 && d < hi { // little ships on Sundays
				d++
			}
			days = append(days, d)
		}
	}
	slices.Sort(days)
	days = slices.Compact(days)
	g.days = days
	return days
}

// packQty rounds a wanted quantity the way orders come: whole units, tens
// and fives for bulk.
func packQty(q float64) int64 {
	switch {
	case q < 1:
		return 1
	case q >= 100:
		return int64(math.Round(q/10)) * 10
	case q >= 20:
		return int64(math.Round(q/5)) * 5
	}
	return int64(math.Round(q))
}

// roundDiv returns a/b rounded half away from zero (b > 0).
func roundDiv(a, b int64) int64 {
	if a >= 0 {
		return (2*a + b) / (2 * b)
	}
	return -((-2*a + b) / (2 * b))
}

// baseOf values cents of a currency with rate in the base currency, rounded
// half away from zero (DOMAIN.md §0).
func baseOf(cents, rate int64) int64 {
	if rate == rateOne {
		return cents
	}
	return roundDiv(cents*rate, rateOne)
}

// shipments writes the customer's invoices and sales lines, returns among
// them, and records the invoices for settlement.
func (g *generator) shipments(c *customer) {
	r := g.crg
	inv := g.files[fInvoices]
	fl := g.files[fLines]
	days := g.shipDays(c)
	g.prevLines = g.prevLines[:0]
	since12 := g.end - 364
	winStart := g.endMonth - prodWindow + 1
	cur := "CNY"
	if c.usd {
		cur = "USD"
	}
	for _, d := range days {
		rate := int64(rateOne)
		if c.usd {
			rate = g.fx[d-g.start]
		}
		seq := g.invSeq[d-g.start] + 1
		g.invSeq[d-g.start] = seq
		num := appendDocNo(g.num[:0], "INV", d, seq, 5)
		g.num = num

		lines := g.lines[:0]
		nl := min(1+poisson(r, c.linesMu), len(c.basket))
		var total int64
		for range nl {
			bi := int32(pick(r, c.basketCum))
			if slices.ContainsFunc(lines, func(l line) bool { return l.bi == bi }) {
				bi = int32(pick(r, c.basketCum))
				if slices.ContainsFunc(lines, func(l line) bool { return l.bi == bi }) {
					continue
				}
			}
			p := &g.products[c.basket[bi]]
			unitCNY := int64(math.Round(float64(p.listCents) * c.discount * (1 + 0.015*(2*r.Float64()-1))))
			unit := unitCNY
			if c.usd {
				unit = max(1, roundDiv(unitCNY*rateOne, rate))
			}
			v := c.lineValue * p.value * math.Exp(0.6*r.NormFloat64()) * 100
			qty := packQty(v / float64(unitCNY))
			lines = append(lines, line{bi: bi, qty: qty, unit: unit})
			total += qty * unit
		}
		// A return of part of the previous shipment, credited on this invoice.
		if len(g.prevLines) > 0 && r.Float64() < 0.07 {
			pl := g.prevLines[r.IntN(len(g.prevLines))]
			if pl.qty > 0 {
				rq := max(1, int64(math.Round(float64(pl.qty)*(0.05+0.25*r.Float64()))))
				if total-rq*pl.unit > 0 {
					lines = append(lines, line{bi: pl.bi, qty: -rq, unit: pl.unit})
					total -= rq * pl.unit
				}
			}
		}
		g.lines = lines

		due := d + 60
		if c.terms > 0 {
			due = d + day(c.terms)
		}
		g.invs = append(g.invs, invoice{ship: d, due: due, amount: total, rate: rate, seq: seq})
		if !c.shipped {
			c.shipped, c.firstShip = true, d
		}

		b := append(g.b[:0], num...)
		b = append(b, ',')
		b = append(b, c.code...)
		b = append(b, ',')
		b = appendDate(b, d)
		b = append(b, ',')
		if c.invoiceDate {
			b = appendDate(b, d)
		}
		b = append(b, ',')
		if c.terms > 0 || c.explicitDue {
			b = appendDate(b, due)
		}
		b = append(b, ',')
		b = appendMoney(b, total)
		b = append(b, ',')
		b = append(b, cur...)
		b = append(b, ',')
		b = appendRate(b, rate)
		b = append(b, '\n')
		inv.row(b)

		mi := d.month()
		for _, l := range lines {
			b = g.appendLine(b[:0], c, num, d, l, cur, rate)
			fl.row(b)
			base := baseOf(l.qty*l.unit, rate)
			c.monthly[mi-g.startMonth] += base
			if d >= since12 {
				c.sales12 += base
			}
			if mi >= winStart {
				g.prodMonth[int(l.bi)*prodWindow+mi-winStart] += base
			}
		}
		// A return without an invoice, some days after the shipment.
		if r.Float64() < 0.07 {
			l := lines[r.IntN(len(lines))]
			rd := d + 3 + day(r.IntN(25))
			if l.qty > 0 && rd <= g.end {
				rrate := int64(rateOne)
				if c.usd {
					rrate = g.fx[rd-g.start]
				}
				l.qty = -max(1, int64(math.Round(float64(l.qty)*(0.05+0.3*r.Float64()))))
				b = g.appendLine(b[:0], c, nil, rd, l, cur, rrate)
				fl.row(b)
				base := baseOf(l.qty*l.unit, rrate)
				rmi := rd.month()
				c.monthly[rmi-g.startMonth] += base
				if rd >= since12 {
					c.sales12 += base
				}
				if rmi >= winStart {
					g.prodMonth[int(l.bi)*prodWindow+rmi-winStart] += base
				}
			}
		}
		g.b = b
		g.prevLines = append(g.prevLines[:0], lines...)
	}
}

// appendLine writes a sales line row; num is the invoice number, nil for a
// return without an invoice.
func (g *generator) appendLine(b []byte, c *customer, num []byte, d day, l line, cur string, rate int64) []byte {
	p := &g.products[c.basket[l.bi]]
	b = append(b, num...)
	b = append(b, ',')
	b = append(b, c.code...)
	b = append(b, ',')
	b = append(b, p.code...)
	b = append(b, ',')
	b = appendDate(b, d)
	b = append(b, ',')
	b = appendInt(b, l.qty)
	b = append(b, ',')
	b = appendMoney(b, l.unit)
	b = append(b, ',')
	b = appendMoney(b, l.qty*l.unit)
	b = append(b, ',')
	b = appendMoney(b, l.qty*p.costCents)
	b = append(b, ',')
	b = append(b, cur...)
	b = append(b, ',')
	b = appendRate(b, rate)
	return append(b, '\n')
}
