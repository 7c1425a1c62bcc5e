package demo

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// demandChance is, per payer profile, the chance that an overdue balance
// found at a check is demanded.
var demandChance = [...]float64{payerPrompt: 0, payerNormal: 0.12, payerSlow: 0.4, payerLate: 0.6, payerDefaulter: 0.8}

// demands writes collection demands (催款): every few weeks finance looks at
// the customer's overdue balance and, if there is one, may demand it; the
// channel hardens with the age of the debt. A defaulter's demands stop at its
// last demand, which starts the limitation period (002 十八).
func (g *generator) demands(c *customer) {
	p := demandChance[c.payer]
	if p == 0 || len(g.invs) == 0 {
		return
	}
	r := g.crg
	slices.SortFunc(g.events, func(a, b event) int { return cmp.Compare(a.d, b.d) })
	g.open = g.open[:0]
	for _, iv := range g.invs {
		g.open = append(g.open, iv.amount)
	}
	last := g.end
	if c.payer == payerDefaulter {
		last = c.lastDemand
	}
	ei := 0
	check := func(d day) (overdue int64, oldest int) {
		for ei < len(g.events) && g.events[ei].d <= d {
			g.open[g.events[ei].inv] -= g.events[ei].amt
			ei++
		}
		for i := range g.invs {
			iv := &g.invs[i]
			if iv.ship > d {
				break
			}
			if g.open[i] > 0 && iv.due+7 < d {
				overdue += baseOf(g.open[i], iv.rate)
				oldest = max(oldest, int(d-iv.due))
			}
		}
		return overdue, oldest
	}
	for d := g.invs[0].due + 10 + day(r.IntN(20)); d < last; d += 18 + day(r.IntN(28)) {
		if overdue, oldest := check(d); overdue > 0 && r.Float64() < p {
			g.demand(c, d, demandChannel(r, oldest), overdue)
		}
	}
	if c.payer == payerDefaulter {
		if overdue, _ := check(last); overdue > 0 {
			ch := "LETTER"
			if r.Float64() < 0.6 {
				ch = "LAWYER_LETTER"
			}
			g.demand(c, last, ch, overdue)
		}
	}
}

// demandChannel picks how a debt oldest days overdue is demanded.
func demandChannel(r *rand.Rand, oldest int) string {
	u := r.Float64()
	switch {
	case oldest <= 30:
		switch {
		case u < 0.6:
			return "PHONE"
		case u < 0.85:
			return "EMAIL"
		}
		return "VISIT"
	case oldest <= 90:
		switch {
		case u < 0.35:
			return "PHONE"
		case u < 0.65:
			return "VISIT"
		case u < 0.9:
			return "LETTER"
		}
		return "EMAIL"
	}
	switch {
	case u < 0.35:
		return "LETTER"
	case u < 0.5:
		return "VISIT"
	case u < 0.6:
		return "PHONE"
	}
	return "LAWYER_LETTER"
}

func (g *generator) demand(c *customer, d day, channel string, amount int64) {
	b := append(g.b[:0], c.code...)
	b = append(b, ',')
	b = appendDate(b, d)
	b = append(b, ',')
	b = append(b, channel...)
	b = append(b, ',')
	b = appendMoney(b, amount)
	b = append(b, '\n')
	g.files[fDemands].row(b)
	g.b = b
}

// visitsPerMonth is how often reps visit a customer of each relationship
// class.
func visitsPerMonth(rel string) float64 {
	switch rel {
	case "KEY":
		return 1.6
	case "TARGET":
		return 1.0
	case "GENERAL":
		return 0.5
	}
	return 0.4
}

// visits writes the reps' visits of the last two years (prospects: the last
// four months); a stalled customer's last visits were all ineffective (000
// 第十条1: five or more and it leaves the visit plan).
func (g *generator) visits(c *customer) {
	r := g.crg
	freq := visitsPerMonth(c.rel)
	if c.payer == payerLate || c.payer == payerDefaulter {
		freq += 0.3
	}
	from := max(g.start, g.end-729)
	if c.prospect {
		from, freq = g.end-120, 1
	}
	if c.stalled {
		freq = max(freq, 0.8)
	}
	gap := 30 / freq
	g.days = g.days[:0]
	for d := from + day(r.IntN(int(gap))); d <= g.end; d += 1 + day(r.ExpFloat64()*gap) {
		if d > c.salesTo+60 && r.Float64() < 0.6 {
			continue // a customer that stopped buying is seen less
		}
		g.days = append(g.days, d)
	}
	stallFrom := len(g.days)
	if c.stalled {
		stallFrom = max(0, len(g.days)-5-r.IntN(4))
	}
	fv := g.files[fVisits]
	for i, d := range g.days {
		rep := c.rep
		if r.Float64() < 0.1 {
			rep = g.offices[c.office].manager
		}
		kind := "ROUTINE"
		switch u := r.Float64(); {
		case u < 0.2:
			kind = "RETURN"
		case u < 0.3:
			kind = "PATROL"
		case u < 0.35 && c.payer >= payerSlow:
			kind = "COLLECTION"
		}
		eff := i < stallFrom && r.Float64() < c.effective
		b := append(g.b[:0], c.code...)
		b = append(b, ',')
		b = append(b, g.users[rep].username...)
		b = append(b, ',')
		b = appendDate(b, d)
		b = append(b, ',')
		b = append(b, kind...)
		if eff {
			b = append(b, ",true\n"...)
		} else {
			b = append(b, ",false\n"...)
		}
		fv.row(b)
		g.b = b
	}
}

// investigationSources are the sources of credit information (000 第五条)
// with their weights.
var investigationSources = []string{"AGENCY", "BANK", "PEER", "COLLEAGUE", "NEWS"}
var investigationSourceCum = cumulative([]float64{30, 20, 20, 20, 10})

// paymentRating is the typical payment rating (1–5) of each payer profile.
var paymentRating = [...]float64{payerPrompt: 4.5, payerNormal: 3.7, payerSlow: 3.0, payerLate: 2.3, payerDefaulter: 2.8}

// investigation is a credit investigation's date and report kind.
type investigation struct {
	d    day
	kind string
}

// investigations writes credit investigations (000 第五–七条): one when the
// customer is taken on, periodic ones for important customers, urgent ones
// after a dishonoured note or a default.
func (g *generator) investigations(c *customer) {
	r := g.crg
	list := make([]investigation, 0, 8)
	if c.prospect {
		list = append(list, investigation{g.end - day(r.IntN(90)), "DAILY"})
	} else {
		first := c.salesFrom - 5 - day(r.IntN(30))
		if c.shipped {
			first = c.firstShip - 5 - day(r.IntN(30))
		}
		if first >= g.start {
			list = append(list, investigation{first, "PERIODIC"})
		}
		if c.rel == "KEY" || c.rel == "TARGET" || r.Float64() < 0.3 {
			for d := g.start + day(r.IntN(365)); d <= g.end; d += 335 + day(r.IntN(60)) {
				list = append(list, investigation{d, "PERIODIC"})
			}
		}
		if r.Float64() < 0.3 {
			list = append(list, investigation{g.start + day(r.IntN(int(g.end-g.start)+1)), "DAILY"})
		}
		for _, d := range c.dishonours {
			if u := d + 1 + day(r.IntN(10)); u <= g.end {
				list = append(list, investigation{u, "URGENT"})
			}
		}
		if c.payer == payerDefaulter {
			if u := c.stopPay + 45 + day(r.IntN(45)); u <= g.end {
				list = append(list, investigation{u, "URGENT"})
			}
		}
	}
	slices.SortStableFunc(list, func(a, b investigation) int { return cmp.Compare(a.d, b.d) })
	size := 0.3 * math.Log(c.w)
	fi := g.files[fInvestigations]
	for _, in := range list {
		pay := paymentRating[c.payer]
		if c.payer == payerDefaulter && in.d >= c.stopPay {
			pay = 1.3
		}
		b := append(g.b[:0], c.code...)
		b = append(b, ',')
		b = appendDate(b, in.d)
		b = append(b, ',')
		b = append(b, investigationSources[pick(r, investigationSourceCum)]...)
		for _, base := range [...]float64{3.4 + size, 3.2 + size, 3.0 + size + (pay-3)/2, pay} {
			b = append(b, ',')
			b = appendInt(b, int64(max(1, min(5, math.Round(base+0.7*r.NormFloat64())))))
		}
		b = append(b, ',')
		b = append(b, in.kind...)
		b = append(b, '\n')
		fi.row(b)
		g.b = b
	}
}

// targets writes monthly sales targets for the last 18 months: the run-rate
// of the preceding 12 months, seasonally adjusted, ±30 %, in thousands of
// yuan; dealers also get targets for their two main products for the last
// 6 months.
func (g *generator) targets(c *customer) {
	if !c.hasTargets {
		return
	}
	r := g.crg
	ft := g.files[fTargets]
	for mi := g.endMonth - 17; mi <= g.endMonth; mi++ {
		var sum int64
		n := 0
		for m := mi - 12; m < mi; m++ {
			if m >= g.startMonth {
				sum += c.monthly[m-g.startMonth]
				n++
			}
		}
		if n == 0 || sum <= 0 {
			continue
		}
		t := float64(sum) / float64(n) * seasonal[mi%12] * (0.75 + 0.55*r.Float64())
		amount := int64(math.Round(t/100000)) * 100000
		if amount <= 0 {
			continue
		}
		g.target(ft, c, mi, amount, -1)
	}
	if c.dealer == "" || r.Float64() < 0.5 {
		return
	}
	top := g.topProducts(c, 2)
	winStart := g.endMonth - prodWindow + 1
	for _, bi := range top {
		for mi := g.endMonth - 5; mi <= g.endMonth; mi++ {
			var sum int64
			for m := mi - 12; m < mi; m++ {
				sum += g.prodMonth[bi*prodWindow+m-winStart]
			}
			amount := int64(math.Round(float64(sum)/12*(0.8+0.45*r.Float64())/10000)) * 10000
			if amount > 0 {
				g.target(ft, c, mi, amount, bi)
			}
		}
	}
}

func (g *generator) target(ft *csvFile, c *customer, mi int, amount int64, bi int) {
	b := append(g.b[:0], c.code...)
	b = append(b, ',')
	b = appendMonth(b, mi)
	b = append(b, ',')
	b = appendMoney(b, amount)
	b = append(b, ',')
	if bi >= 0 {
		b = append(b, g.products[c.basket[bi]].code...)
	}
	b = append(b, '\n')
	ft.row(b)
	g.b = b
}

// topProducts returns the basket indexes of the customer's n best-selling
// products over the last 12 months (ties by basket order).
func (g *generator) topProducts(c *customer, n int) []int {
	type ps struct {
		bi    int
		sales int64
	}
	all := make([]ps, len(c.basket))
	for bi := range c.basket {
		var s int64
		for k := prodWindow - 12; k < prodWindow; k++ {
			s += g.prodMonth[bi*prodWindow+k]
		}
		all[bi] = ps{bi, s}
	}
	slices.SortStableFunc(all, func(a, b ps) int { return cmp.Compare(b.sales, a.sales) })
	var out []int
	for _, p := range all {
		if len(out) == n || p.sales <= 0 {
			break
		}
		out = append(out, p.bi)
	}
	return out
}

// inventory writes month-end stock of our goods held by dealers (000 第四条4)
// for their main products over the last 15 months: each month the dealer
// sells 45–80 % of what it had and bought; opening is the previous closing.
func (g *generator) inventory(c *customer) {
	if c.dealer == "" || !c.shipped {
		return
	}
	r := g.crg
	fi := g.files[fInventory]
	winStart := g.endMonth - prodWindow + 1
	for _, bi := range g.topProducts(c, 3+r.IntN(3)) {
		var avg int64
		for k := range prodWindow {
			avg += g.prodMonth[bi*prodWindow+k]
		}
		avg = max(avg, 0) / prodWindow
		stock := int64(float64(avg) * (0.5 + r.Float64()))
		stock = stock / 100 * 100
		for mi := g.endMonth - 14; mi <= g.endMonth; mi++ {
			bought := max(0, g.prodMonth[bi*prodWindow+mi-winStart])
			closing := int64(float64(stock+bought)*(0.2+0.35*r.Float64())) / 100 * 100
			b := append(g.b[:0], c.code...)
			b = append(b, ',')
			b = append(b, g.products[c.basket[bi]].code...)
			b = append(b, ',')
			b = appendMonth(b, mi)
			b = append(b, ',')
			b = appendMoney(b, stock)
			b = append(b, ',')
			b = appendMoney(b, closing)
			b = append(b, '\n')
			fi.row(b)
			g.b = b
			stock = closing
		}
	}
}

var ratingMetrics = [...]string{"LAYOUT", "PROMOTION", "PRICE", "RELATIONS", "DELIVERY", "AFTER_SALES", "NETWORK"}

// ratings writes the office's ratings of its dealers for the last four
// quarters (the quarter of End included): four metrics for every dealer,
// three more for logistics dealers; now and then a rating is missing or given
// twice (they are averaged).
func (g *generator) ratings(c *customer) {
	if c.dealer == "" {
		return
	}
	r := g.crg
	fr := g.files[fRatings]
	nm := 4
	if c.dealer == "LOGISTICS" {
		nm = 7
	}
	eq := g.endMonth / 3
	for q := eq - 3; q <= eq; q++ {
		level := c.quality + 4*r.NormFloat64()
		for m := range nm {
			if r.Float64() < 0.03 {
				continue
			}
			reps := 1
			if r.Float64() < 0.04 {
				reps = 2
			}
			for k := range reps {
				by := g.offices[c.office].manager
				if k == 1 {
					by = c.rep
				}
				score := max(0, min(100, math.Round(level+8*r.NormFloat64())))
				b := append(g.b[:0], c.code...)
				b = append(b, ',')
				b = appendInt(b, int64(q/4))
				b = append(b, 'Q', byte('1'+q%4), ',')
				b = append(b, ratingMetrics[m]...)
				b = append(b, ',')
				b = appendInt(b, int64(score))
				b = append(b, ',')
				b = append(b, g.users[by].username...)
				b = append(b, '\n')
				fr.row(b)
				g.b = b
			}
		}
	}
}

// writeStatic writes offices, users and products.
func (g *generator) writeStatic() {
	b := g.b[:0]
	for _, o := range g.offices {
		b = append(b[:0], o.def.code...)
		b = append(b, ',')
		b = append(b, o.def.name...)
		b = append(b, '\n')
		g.files[fOffices].row(b)
	}
	for _, u := range g.users {
		b = append(b[:0], u.username...)
		b = append(b, ',')
		b = append(b, u.name...)
		b = append(b, ',')
		b = append(b, u.role...)
		b = append(b, ',')
		if u.office >= 0 {
			b = append(b, g.offices[u.office].def.code...)
		}
		b = append(b, '\n')
		g.files[fUsers].row(b)
	}
	for _, p := range g.products {
		b = append(b[:0], p.code...)
		b = append(b, ',')
		b = append(b, p.name...)
		b = append(b, ',')
		b = append(b, categories[p.cat].name...)
		b = append(b, ',')
		b = appendMoney(b, p.costCents)
		b = append(b, '\n')
		g.files[fProducts].row(b)
	}
	g.b = b
}

// finishCustomers settles what depends on the whole history — credit
// limits sized to each customer's volume, required shares of company sales —
// and writes customers.csv.
func (g *generator) finishCustomers() {
	r := g.rng
	for i := range g.customers {
		g.totalSales12 += max(0, g.customers[i].sales12)
	}
	// The biggest customers (top 1 %) have limits above the cap, approved by
	// the general manager.
	ws := make([]float64, len(g.customers))
	for i := range g.customers {
		ws[i] = g.customers[i].w
	}
	slices.Sort(ws)
	bigW := ws[len(ws)-1-len(ws)/100]
	for i := range g.customers {
		c := &g.customers[i]
		c.creditLimit, c.reqShare = -1, -1
		if !c.prospect {
			switch u := r.Float64(); {
			case u < 0.04:
				// no limit on file
			case u < 0.07:
				c.creditLimit = 0
			default:
				// Limits are reviewed against volume and what the customer
				// usually owes; most leave headroom, some are too tight.
				avg := float64(max(c.sales12, 0)) / 12
				owes := float64(c.exposure)
				if c.payer == payerDefaulter {
					// Its limit was set on its volume before it stopped
					// paying: it is far over it now.
					var sum int64
					for _, m := range c.monthly {
						sum += m
					}
					months := float64(c.salesTo.month()-max(c.salesFrom, g.start).month()) + 1
					avg, owes = float64(max(sum, 0))/months, 0
				}
				lim := max(owes, 2*avg) * math.Exp(0.4+0.28*r.NormFloat64())
				step := 1000000.0 // round to 10,000 yuan, above 1,000,000 to 50,000
				if lim > 1e8 {
					step = 5000000
				}
				c.creditLimit = max(2000000, int64(math.Round(lim/step)*step))
				if c.w >= bigW {
					c.creditLimit = max(c.creditLimit, 550000000+100000000*int64(r.IntN(4)))
				}
			}
		}
		if c.rel == "KEY" && c.sales12 > 0 && g.totalSales12 > 0 && r.Float64() < 0.5 {
			share := float64(c.sales12) / float64(g.totalSales12) * (0.85 + 0.4*r.Float64())
			c.reqShare = max(1, min(999999, int64(math.Round(share*1e6))))
		}
		if c.firstTradeIsShip && c.shipped {
			c.hasFirstTrade, c.firstTrade = true, c.firstShip
		}
	}
	fc := g.files[fCustomers]
	b := g.b[:0]
	for i := range g.customers {
		c := &g.customers[i]
		b = append(b[:0], c.code...)
		b = append(b, ',')
		b = append(b, c.name...)
		b = append(b, ',')
		b = append(b, industryNames[c.industry].code...)
		b = append(b, ',')
		b = append(b, c.rel...)
		b = append(b, ',')
		b = append(b, c.grade...)
		b = append(b, ',')
		b = append(b, c.dealer...)
		b = append(b, ',')
		b = append(b, c.biz...)
		b = append(b, ',')
		b = append(b, g.offices[c.office].def.code...)
		b = append(b, ',')
		b = append(b, g.users[c.rep].username...)
		b = append(b, ',')
		if c.hasFounded {
			b = appendDate(b, c.founded)
		}
		b = append(b, ',')
		if c.capital >= 0 {
			b = appendMoney(b, c.capital*100)
		}
		b = append(b, ',')
		if c.employees >= 0 {
			b = appendInt(b, int64(c.employees))
		}
		b = append(b, ',')
		if c.creditLimit >= 0 {
			b = appendMoney(b, c.creditLimit)
		}
		b = append(b, ',')
		b = append(b, c.status...)
		b = append(b, ',')
		if c.reqShare >= 0 {
			b = append(b, "0."...)
			b = appendPadded(b, c.reqShare, 6)
		}
		b = append(b, ',')
		if c.hasFirstTrade {
			b = appendDate(b, c.firstTrade)
		}
		b = append(b, '\n')
		fc.row(b)
	}
	g.b = b
}
