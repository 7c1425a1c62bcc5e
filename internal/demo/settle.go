package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// inst is a planned settlement of (part of) an invoice on a day.
type inst struct {
	d   day
	inv int32
	amt int64 // cents, invoice currency
}

// event is a dated movement of an invoice's open balance: positive settles
// (allocation, note allocation, write-off), negative reopens (a dishonoured
// note's reversal). The generator keeps every event so that nothing it writes
// ever allocates more than an invoice's open balance.
type event struct {
	d   day
	inv int32
	amt int64
}

// partialShare is, per payer profile, the share of invoices paid in two parts.
var partialShare = [...]float64{payerPrompt: 0.01, payerNormal: 0.03, payerSlow: 0.06, payerLate: 0.30, payerDefaulter: 0.05}

// dishonourFactor scales the chance of a dishonoured note per payer profile.
var dishonourFactor = [...]float64{payerPrompt: 0.5, payerNormal: 1, payerSlow: 1.5, payerLate: 3, payerDefaulter: 4}

var noteKindNames = [...]string{"BANK_ACCEPTANCE", "COMMERCIAL_ACCEPTANCE", "CHEQUE"}

// dishonourRate is the base chance that a note of each kind is dishonoured.
var dishonourRate = [...]float64{0.01, 0.05, 0.04}

// payDelay draws the days between due date and the day the customer means to
// pay (negative: early).
func payDelay(r *rand.Rand, p payer) int {
	switch p {
	case payerPrompt:
		return -r.IntN(26)
	case payerNormal:
		return -5 + r.IntN(21)
	case payerSlow:
		return 5 + r.IntN(41)
	case payerLate:
		d := 20 + r.IntN(100)
		if r.Float64() < 0.2 {
			d += 60 + r.IntN(60)
		}
		return d
	}
	return r.IntN(40)
}

// partOf returns a part of amount between lo and lo+width of it, in round
// hundreds of yuan for large amounts; always strictly between 0 and amount.
func partOf(r *rand.Rand, amount int64, lo, width float64) int64 {
	a := int64(math.Round(float64(amount) * (lo + width*r.Float64())))
	if amount >= 2000000 {
		a = a / 10000 * 10000
	}
	if a <= 0 || a >= amount {
		a = amount / 2
	}
	return a
}

// payDay returns the first day on or after d on which the customer pays.
func (c *customer) payDay(d day) day {
	switch c.cadence {
	case cadenceMonthly, cadenceTwice:
		y, m, dd := d.civil()
		target := c.cadenceArg
		if c.cadence == cadenceTwice {
			target = 25
			if dd <= 10 {
				target = 10
			}
		}
		if dd <= target {
			return dayOf(y, m, target)
		}
		if m == 12 {
			y, m = y+1, 1
		} else {
			m++
		}
		if c.cadence == cadenceTwice {
			target = 10
		}
		return dayOf(y, m, target)
	case cadenceWeekly:
		return d + day((c.cadenceArg-d.weekday()+7)%7)
	}
	return d
}

// settle plans how each invoice is paid, batches the plan into payments and
// notes on the customer's pay days and writes them with their allocations.
func (g *generator) settle(c *customer) {
	r := g.crg
	insts := g.insts[:0]
	for i := range g.invs {
		iv := &g.invs[i]
		delay := payDelay(r, c.payer)
		if r.Float64() < 0.01 { // an invoice forgotten for months
			delay += 60 + r.IntN(140)
		}
		pd := max(iv.due+day(delay), iv.ship+2)
		if c.payer == payerDefaulter && pd >= c.stopPay {
			if iv.ship+10 < c.stopPay && r.Float64() < 0.35 {
				at := iv.ship + 10 + day(r.IntN(int(c.stopPay-iv.ship-10)))
				insts = append(insts, inst{at, int32(i), partOf(r, iv.amount, 0.2, 0.4)})
			}
			continue
		}
		if iv.amount >= 200000 && r.Float64() < partialShare[c.payer] {
			a1 := partOf(r, iv.amount, 0.3, 0.4)
			insts = append(insts, inst{pd, int32(i), a1})
			pd2 := pd + 15 + day(r.IntN(60))
			if c.payer != payerDefaulter || pd2 < c.stopPay {
				insts = append(insts, inst{pd2, int32(i), iv.amount - a1})
			}
			continue
		}
		insts = append(insts, inst{pd, int32(i), iv.amount})
	}
	k := 0
	for _, in := range insts {
		in.d = c.payDay(in.d)
		if in.d <= g.end { // what falls after End is still open
			insts[k] = in
			k++
		}
	}
	insts = insts[:k]
	slices.SortFunc(insts, func(a, b inst) int {
		if a.d != b.d {
			return cmp.Compare(a.d, b.d)
		}
		return cmp.Compare(a.inv, b.inv)
	})
	k = 0
	for i, in := range insts { // both parts of an invoice on one day: one allocation
		if i > 0 && in.d == insts[k-1].d && in.inv == insts[k-1].inv {
			insts[k-1].amt += in.amt
			continue
		}
		insts[k] = in
		k++
	}
	insts = insts[:k]
	g.insts = insts
	for s := 0; s < len(insts); {
		e := s + 1
		for e < len(insts) && insts[e].d == insts[s].d {
			e++
		}
		if c.noteShare > 0 && r.Float64() < c.noteShare {
			g.note(c, insts[s:e])
		} else {
			g.payment(c, insts[s].d, insts[s:e], true)
		}
		s = e
	}
}

// appendInvoiceNo writes invoice i's number.
func (g *generator) appendInvoiceNo(b []byte, i int32) []byte {
	iv := &g.invs[i]
	return appendDocNo(b, "INV", iv.ship, iv.seq, 5)
}

// payment writes a payment on day d settling group, with its allocations.
// With extra, the customer sometimes pays a round sum and leaves a little
// unapplied cash.
func (g *generator) payment(c *customer, d day, group []inst, extra bool) {
	r := g.crg
	seq := g.paySeq[d-g.start] + 1
	g.paySeq[d-g.start] = seq
	ref := appendDocNo(g.num[:0], "RCV", d, seq, 5)
	g.num = ref
	var sum int64
	for _, in := range group {
		sum += in.amt
	}
	amount := sum
	if extra && r.Float64() < 0.03 {
		amount = (sum/10000 + 1) * 10000
	}
	method := "TRANSFER"
	if amount < 5000000 && r.Float64() < c.cashShare {
		method = "CASH"
	}
	cur, rate := "CNY", int64(rateOne)
	if c.usd {
		cur, rate = "USD", g.fx[d-g.start]
	}
	b := append(g.b[:0], ref...)
	b = append(b, ',')
	b = append(b, c.code...)
	b = append(b, ',')
	b = appendDate(b, d)
	b = append(b, ',')
	b = append(b, method...)
	b = append(b, ',')
	b = appendMoney(b, amount)
	b = append(b, ',')
	b = append(b, cur...)
	b = append(b, ',')
	b = appendRate(b, rate)
	b = append(b, '\n')
	g.files[fPayments].row(b)
	fa := g.files[fAllocations]
	for _, in := range group {
		b = append(b[:0], ref...)
		b = append(b, ',')
		b = g.appendInvoiceNo(b, in.inv)
		b = append(b, ',')
		b = appendMoney(b, in.amt)
		b = append(b, '\n')
		fa.row(b)
		g.events = append(g.events, event{d, in.inv, in.amt})
	}
	g.b = b
}

// note writes a note receivable received on the group's day that settles
// the group, with its allocations and its fate: honoured or dishonoured at
// maturity, or still held or presented at End. A dishonoured note's
// invoices are open again from the dishonour; most customers then pay them
// by transfer, defaulters never do.
func (g *generator) note(c *customer, group []inst) {
	r := g.crg
	d := group[0].d
	seq := g.noteSeq[d-g.start] + 1
	g.noteSeq[d-g.start] = seq
	num := appendDocNo(g.num[:0], "NR", d, seq, 4)
	g.num = num
	kind := pick(r, c.noteKinds[:])
	endorsed := kind != 2 && r.Float64() < 0.2
	var term int
	switch kind {
	case 0:
		term = [...]int{60, 90, 120, 180, 180}[r.IntN(5)]
	case 1:
		term = [...]int{60, 90, 120, 180}[r.IntN(4)]
	default:
		term = [...]int{30, 45, 60}[r.IntN(3)]
	}
	issue := d - day(r.IntN(8))
	drawer := c.name
	if endorsed { // a third party's note, endorsed over to us
		term = [...]int{120, 150, 180}[r.IntN(3)]
		issue = d - 10 - day(r.IntN(60))
		drawer = g.customers[r.IntN(len(g.customers))].name
	}
	maturity := issue + day(term)
	var sum int64
	for _, in := range group {
		sum += in.amt
	}
	status, sd, hasSD, dishonoured := "HELD", day(0), false, false
	switch {
	case maturity <= g.end:
		hasSD = true
		sd = maturity + 1 + day(r.IntN(5))
		if r.Float64() < dishonourRate[kind]*dishonourFactor[c.payer] {
			dishonoured = true
			sd = maturity + 1 + day(r.IntN(10))
		}
		switch {
		case sd > g.end:
			status, sd, dishonoured = "PRESENTED", maturity, false
		case dishonoured:
			status = "DISHONORED"
		default:
			status = "HONORED"
		}
	case maturity-g.end <= 10 && r.Float64() < 0.7:
		status, hasSD = "PRESENTED", true
		sd = max(d, min(g.end, maturity-1-day(r.IntN(5))))
	}
	b := append(g.b[:0], num...)
	b = append(b, ',')
	b = append(b, noteKindNames[kind]...)
	b = append(b, ',')
	b = append(b, c.code...)
	b = append(b, ',')
	b = append(b, drawer...)
	b = append(b, ',')
	b = append(b, banks[r.IntN(len(banks))]...)
	b = append(b, c.city...)
	if kind == 0 {
		b = append(b, "分行"...)
	} else {
		b = append(b, "支行"...)
	}
	b = append(b, ',')
	b = appendDate(b, issue)
	b = append(b, ',')
	b = appendDate(b, d)
	b = append(b, ',')
	b = appendDate(b, maturity)
	b = append(b, ',')
	b = appendMoney(b, sum)
	b = append(b, ',')
	b = append(b, status...)
	b = append(b, ',')
	if hasSD {
		b = appendDate(b, sd)
	}
	b = append(b, '\n')
	g.files[fNotes].row(b)
	if status == "HELD" || status == "PRESENTED" {
		c.exposure += sum
	}
	fa := g.files[fNoteAllocations]
	for _, in := range group {
		b = append(b[:0], num...)
		b = append(b, ',')
		b = g.appendInvoiceNo(b, in.inv)
		b = append(b, ',')
		b = appendMoney(b, in.amt)
		b = append(b, '\n')
		fa.row(b)
		g.events = append(g.events, event{d, in.inv, in.amt})
	}
	g.b = b
	if !dishonoured {
		return
	}
	for _, in := range group {
		g.events = append(g.events, event{sd, in.inv, -in.amt})
	}
	c.dishonours = append(c.dishonours, sd)
	if c.payer != payerDefaulter && r.Float64() < 0.75 {
		if rd := sd + 5 + day(r.IntN(50)); rd <= g.end {
			g.payment(c, rd, group, false)
		}
	}
}

// balances fills g.open with each invoice's open balance after every event
// so far and g.lastEvent with the day of its last event.
func (g *generator) balances() {
	g.open = g.open[:0]
	g.lastEvent = g.lastEvent[:0]
	for _, iv := range g.invs {
		g.open = append(g.open, iv.amount)
		g.lastEvent = append(g.lastEvent, iv.ship)
	}
	for _, e := range g.events {
		g.open[e.inv] -= e.amt
		g.lastEvent[e.inv] = max(g.lastEvent[e.inv], e.d)
	}
}

// writeOffs writes off (part of) one or two long-open invoices of a
// defaulter, approved by the general manager (002 十七). The first defaulter
// always gets one so that every data set has a write-off.
func (g *generator) writeOffs(c *customer) {
	if c.payer != payerDefaulter || (!c.writeOff && g.writeOffCount > 0) {
		return
	}
	r := g.crg
	g.balances()
	n := 1 + r.IntN(2)
	fw := g.files[fWriteOffs]
	for i := range g.invs {
		if n == 0 {
			break
		}
		iv := &g.invs[i]
		if g.open[i] <= 0 || iv.ship > g.end-200 {
			continue
		}
		w := max(g.end-5-day(r.IntN(115)), iv.ship+180, g.lastEvent[i]+1)
		if w > g.end {
			continue
		}
		amt := g.open[i]
		if amt >= 2 && r.Float64() < 0.3 {
			amt /= 2
		}
		b := g.appendInvoiceNo(g.b[:0], int32(i))
		b = append(b, ',')
		b = appendDate(b, w)
		b = append(b, ',')
		b = appendMoney(b, amt)
		b = append(b, ",gm\n"...)
		fw.row(b)
		g.b = b
		g.events = append(g.events, event{w, int32(i), amt})
		g.writeOffCount++
		n--
	}
}
