package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// rateOne is an exchange rate of 1 in the generator's rate unit (1/10,000).
const rateOne = 10000

// Indexes into the generator's files, in the order of fileNames.
const (
	fOffices = iota
	fUsers
	fProducts
	fCustomers
	fInvoices
	fLines
	fPayments
	fAllocations
	fNotes
	fNoteAllocations
	fWriteOffs
	fTargets
	fInventory
	fVisits
	fDemands
	fInvestigations
	fRatings
)

// sizeSigma is the spread of log customer size: with it the top 20 % of
// customers carry about three quarters of sales.
const sizeSigma = 1.5

// historyMonths is the length of the history: three and a half years.
const historyMonths = 42

// office is a sales office with its manager and reps (indexes into users).
type office struct {
	def     officeDef
	manager int
	reps    []int
}

// user is a row of users.csv.
type user struct {
	username, name, role string
	office               int // -1: none
}

// product is a row of products.csv plus what the generator prices it with.
type product struct {
	code, name string
	cat        int
	item, vari int
	costCents  int64   // unit cost, base currency
	listCents  int64   // list price, base currency
	value      float64 // relative size of an order line
	pop        float64 // popularity (Zipf)
}

// payer is how a customer pays its invoices.
type payer uint8

const (
	payerPrompt    payer = iota // before the due date
	payerNormal                 // around the due date
	payerSlow                   // a few weeks late
	payerLate                   // chronically late, often in parts
	payerDefaulter              // pays until stopPay, then nothing more
)

// cadence is when a customer's accounts department pays.
type cadence uint8

const (
	cadenceAdHoc   cadence = iota // the day the invoice is settled
	cadenceMonthly                // on a fixed day of the month
	cadenceTwice                  // on the 10th and the 25th
	cadenceWeekly                 // on a fixed weekday
)

// customer is a customer's archive row, its behaviour and what its history
// came to.
type customer struct {
	code, name string
	industry   int
	rel, grade string
	dealer     string
	biz        string
	office     int
	rep        int // index into users
	city       string
	founded    day
	hasFounded bool
	capital    int64 // yuan; < 0 unknown
	employees  int   // < 0 unknown
	status     string

	firstTrade       day
	hasFirstTrade    bool
	firstTradeIsShip bool // first_trade_on is the first shipment's date

	// Behaviour.
	w                  float64 // size: lognormal, median 1
	existing, prospect bool
	rate               float64 // shipments a month at the middle of the history
	linesMu            float64 // mean order lines per shipment beyond the first
	lineValue          float64 // typical order line, yuan
	growth             float64 // yearly growth rate of the shipment rate
	salesFrom, salesTo day     // shipments happen in [salesFrom, salesTo]
	usd                bool
	terms              int  // explicit payment terms in days; 0: policy default (60)
	explicitDue        bool // writes due dates even with default terms
	invoiceDate        bool // writes invoice_date (= ship date)
	payer              payer
	stopPay            day // defaulters: nothing is paid from this day
	lastDemand         day // defaulters: the last collection demand
	writeOff           bool
	noteShare          float64    // share of settlements made with notes
	noteKinds          [3]float64 // cumulative weights of BANK_ACCEPTANCE, COMMERCIAL_ACCEPTANCE, CHEQUE
	cadence            cadence
	cadenceArg         int
	discount           float64
	cashShare          float64
	basket             []int32   // products bought (indexes into products)
	basketCum          []float64 // cumulative weights of basket
	stalled            bool      // the last visits were all ineffective
	effective          float64   // share of effective visits
	quality            float64   // dealer ratings level, 0–100
	hasTargets         bool

	// Results of the history.
	monthly     []int64 // base sales per month of the history, cents
	sales12     int64   // base sales of the trailing 12 months to End
	shipped     bool
	firstShip   day
	exposure    int64 // credit exposure at End, base cents
	creditLimit int64 // cents; < 0 none
	reqShare    int64 // required share in millionths; < 0 none
	dishonours  []day
}

// generator holds everything shared while the data set is written.
type generator struct {
	cfg        scaleConfig
	seed       uint64
	start, end day
	startMonth int // month index of start
	endMonth   int // month index of end
	files      []*csvFile

	rng *rand.Rand // master stream: offices, users, products, customers
	pcg *rand.PCG  // per-customer stream, reseeded for each customer
	crg *rand.Rand

	offices   []office
	users     []user
	products  []product
	customers []customer
	fx        []int64 // USD→CNY rate per day from start, in rateOne units
	invSeq    []int32 // per day from start: invoices numbered so far
	paySeq    []int32
	noteSeq   []int32

	writeOffCount int
	totalSales12  int64

	// Scratch space reused from customer to customer.
	b         []byte
	num       []byte
	days      []day
	invs      []invoice
	lines     []line
	prevLines []line
	insts     []inst
	events    []event
	open      []int64
	lastEvent []day
	prodMonth []int64 // per basket product × last 18 months: base sales
}

// newGenerator prepares a generator for the history ending at end.
func newGenerator(cfg scaleConfig, seed uint64, end day, files []*csvFile) *generator {
	g := &generator{cfg: cfg, seed: seed, end: end, files: files}
	g.endMonth = end.month()
	g.startMonth = g.endMonth - historyMonths + 1
	g.start = monthStart(g.startMonth)
	g.rng = rand.New(rand.NewPCG(splitmix(seed), splitmix(seed^0x6a09e667f3bcc909)))
	g.pcg = rand.NewPCG(0, 0)
	g.crg = rand.New(g.pcg)
	n := int(g.end-g.start) + 1
	g.invSeq = make([]int32, n)
	g.paySeq = make([]int32, n)
	g.noteSeq = make([]int32, n)
	g.fx = make([]int64, n)
	p1 := g.rng.Float64() * 2 * math.Pi
	p2 := g.rng.Float64() * 2 * math.Pi
	for i := range g.fx {
		t := float64(i)
		r := 72000 + 650*math.Sin(2*math.Pi*t/365.25+p1) + 250*math.Sin(2*math.Pi*t/97+p2)
		g.fx[i] = int64(math.Round(r))
	}
	return g
}

// splitmix is SplitMix64's finaliser: it spreads nearby seeds apart.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// run generates and writes the whole data set.
func (g *generator) run(ctx context.Context) error {
	g.makeOffices()
	g.makeProducts()
	g.makeCustomers()
	g.writeStatic()
	for i := range g.customers {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		g.simulate(i)
	}
	g.finishCustomers()
	return ctx.Err()
}

// pick returns an index drawn with the cumulative weights cum.
func pick(r *rand.Rand, cum []float64) int {
	u := r.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, u)
	if i >= len(cum) {
		i = len(cum) - 1
	}
	for i < len(cum)-1 && cum[i] <= u {
		i++
	}
	return i
}

// cumulative returns the running sums of w.
func cumulative(w []float64) []float64 {
	c := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		c[i] = s
	}
	return c
}

// poisson draws from a Poisson distribution with mean lambda (Knuth's method;
// lambda stays small here).
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		n := int(math.Round(lambda + math.Sqrt(lambda)*r.NormFloat64()))
		return max(n, 0)
	}
	l := math.Exp(-lambda)
	k := 0
	p := r.Float64()
	for p > l {
		k++
		p *= r.Float64()
	}
	return k
}

// personName makes a Chinese person's name: a surname and one or two given
// characters.
func personName(r *rand.Rand) string {
	var sb strings.Builder
	sb.WriteRune(surnames[r.IntN(len(surnames))])
	sb.WriteRune(givenChars[r.IntN(len(givenChars))])
	if r.Float64() < 0.6 {
		sb.WriteRune(givenChars[r.IntN(len(givenChars))])
	}
	return sb.String()
}

// makeOffices opens the offices and their fixed staff; reps come with the
// customers.
func (g *generator) makeOffices() {
	g.users = append(g.users,
		user{"gm", personName(g.rng), "GENERAL_MANAGER", -1})
	for i := 0; i < g.cfg.offices; i++ {
		def := officeDefs[i]
		g.offices = append(g.offices, office{def: def, manager: len(g.users)})
		g.users = append(g.users, user{"mgr_" + strings.ToLower(def.code), personName(g.rng), "MANAGER", i})
	}
	g.users = append(g.users,
		user{"fin01", personName(g.rng), "FINANCE", -1},
		user{"fin02", personName(g.rng), "FINANCE", -1},
		user{"analyst01", personName(g.rng), "ANALYST", -1},
		user{"auditor01", personName(g.rng), "AUDITOR", -1})
}

// makeProducts builds the catalogue: distinct names from the category
// templates, codes in category order, Zipf popularity in random order.
func (g *generator) makeProducts() {
	r := g.rng
	cw := make([]float64, len(categories))
	for i, c := range categories {
		cw[i] = c.weight
	}
	ccum := cumulative(cw)
	type key struct{ cat, item, vari int }
	const maxItems = 32 // items per category, at most
	seen := make([]bool, len(categories)*maxItems*len(variants))
	idx := func(k key) int { return (k.cat*maxItems+k.item)*len(variants) + k.vari }
	var ps []product
	for len(ps) < g.cfg.products {
		c := pick(r, ccum)
		it := r.IntN(len(categories[c].items))
		v := 0
		if r.Float64() < 0.55 {
			v = r.IntN(len(variants))
		}
		k := key{c, it, v}
		if seen[idx(k)] {
			// The plain name is taken: try a variant.
			k.vari = r.IntN(len(variants))
			if seen[idx(k)] {
				continue
			}
		}
		seen[idx(k)] = true
		tpl := categories[c].items[it]
		cost := (tpl.lo + (tpl.hi-tpl.lo)*r.Float64()) * variants[k.vari].cost
		costCents := max(int64(math.Round(cost*100)), 50)
		markup := 1.25 + 0.35*r.Float64()
		ps = append(ps, product{
			name:      tpl.name + variants[k.vari].name,
			cat:       c,
			item:      it,
			vari:      k.vari,
			costCents: costCents,
			listCents: int64(math.Round(float64(costCents) * markup)),
			value:     categories[c].value,
		})
	}
	slices.SortFunc(ps, func(a, b product) int {
		if a.cat != b.cat {
			return a.cat - b.cat
		}
		if a.item != b.item {
			return a.item - b.item
		}
		return a.vari - b.vari
	})
	rank := r.Perm(len(ps))
	for i := range ps {
		ps[i].code = "P" + string(appendPadded(nil, int64(i+1), 4))
		ps[i].pop = 1 / math.Pow(float64(rank[i]+3), 0.9)
	}
	g.products = ps
}

// makeCustomers draws every customer's archive data and behaviour from the
// master stream, and the reps that serve them.
func (g *generator) makeCustomers() {
	r := g.rng
	n := g.cfg.customers
	g.customers = make([]customer, n)
	ow := make([]float64, len(g.offices))
	for i, o := range g.offices {
		ow[i] = o.def.weight
	}
	ocum := cumulative(ow)
	iw := make([]float64, len(industryNames))
	for i, in := range industryNames {
		iw[i] = in.weight
	}
	icum := cumulative(iw)
	names := make(map[string]struct{}, n) // membership only
	perOffice := make([][]int, len(g.offices))
	span := int(g.end - g.start)
	for i := range g.customers {
		c := &g.customers[i]
		c.code = "C" + string(appendPadded(nil, int64(i+1), 6))
		c.office = pick(r, ocum)
		perOffice[c.office] = append(perOffice[c.office], i)
		c.industry = pick(r, icum)
		cities := g.offices[c.office].def.cities
		c.city = cities[r.IntN(len(cities))]
		for try := 0; ; try++ {
			t1 := tradeChars[r.IntN(len(tradeChars))]
			t2 := tradeChars[r.IntN(len(tradeChars))]
			if t1 == t2 {
				continue
			}
			suf := industryNames[c.industry].suffixes
			name := c.city + string([]rune{t1, t2}) + suf[r.IntN(len(suf))]
			if try > 200 {
				name = c.city + string([]rune{t1, t2}) + "第" + string(appendPadded(nil, int64(try), 1)) + suf[0]
			}
			if _, dup := names[name]; !dup {
				names[name] = struct{}{}
				c.name = name
				break
			}
		}
		c.w = math.Exp(sizeSigma * r.NormFloat64())
		c.prospect = r.Float64() < 0.03
		c.existing = !c.prospect && r.Float64() < 0.72

		// When it buys.
		churned := false
		switch {
		case c.prospect:
			c.salesFrom, c.salesTo = g.end+1, g.end
		case c.existing:
			c.salesFrom, c.salesTo = g.start, g.end
		default:
			c.salesFrom = g.start + 30 + day(r.IntN(span-120))
			c.salesTo = g.end
		}
		if !c.prospect && r.Float64() < 0.07 && c.salesFrom+180 < g.end-120 {
			churned = true
			c.salesTo = c.salesFrom + 180 + day(r.IntN(int(g.end-120-(c.salesFrom+180))))
		}

		// How it pays.
		c.status = "ACTIVE"
		switch u := r.Float64(); {
		case c.existing && !churned && c.w > 0.5 && u < 0.045:
			g.makeDefaulter(r, c)
		default:
			switch v := r.Float64(); {
			case v < 0.22:
				c.payer = payerPrompt
			case v < 0.65:
				c.payer = payerNormal
			case v < 0.84:
				c.payer = payerSlow
			default:
				c.payer = payerLate
			}
		}
		if c.prospect {
			c.status = "PROSPECT"
			if r.Float64() < 0.2 {
				c.status = "PENDING_APPROVAL"
			}
		} else if c.payer != payerDefaulter && !churned && r.Float64() < 0.02 {
			c.status = "SUSPENDED"
			c.salesTo = g.end - 30 - day(r.IntN(300))
			if c.salesTo < c.salesFrom+30 {
				c.salesTo = c.salesFrom + 30
			}
		}

		// Size and rhythm: value ∝ w, split into frequency, lines and line size.
		// E[w^a] = exp((a·σ)²/2) normalises each part to its mean.
		c.rate = 1.5 * math.Pow(c.w, 0.35) / math.Exp(0.35*0.35*sizeSigma*sizeSigma/2)
		c.linesMu = min(24, 4.1*math.Pow(c.w, 0.15)/math.Exp(0.15*0.15*sizeSigma*sizeSigma/2))
		c.lineValue = 2600 * math.Pow(c.w, 0.5)
		c.growth = max(-0.5, min(0.6, 0.05+0.18*r.NormFloat64()))

		c.usd = c.industry <= 1 && r.Float64() < 0.4
		switch u := r.Float64(); {
		case u < 0.82:
			c.explicitDue = r.Float64() < 0.15
		case u < 0.90:
			c.terms = 30
		case u < 0.95:
			c.terms = 45
		default:
			c.terms = 90
		}
		c.invoiceDate = r.Float64() < 0.35
		if !c.usd && r.Float64() < 0.22+0.12*b2f(c.w > 2) {
			c.noteShare = 0.2 + 0.35*r.Float64()
		}
		ba := 0.4 + 0.4*r.Float64()
		ca := ba + 0.1 + 0.3*r.Float64()
		c.noteKinds = [3]float64{ba, ca, ca + 0.05 + 0.25*r.Float64()}
		switch u := r.Float64(); {
		case u < 0.35:
			c.cadence = cadenceAdHoc
		case u < 0.6:
			c.cadence = cadenceMonthly
			c.cadenceArg = []int{5, 10, 15, 20, 25, 28}[r.IntN(6)]
		case u < 0.8:
			c.cadence = cadenceTwice
		default:
			c.cadence = cadenceWeekly
			c.cadenceArg = 1 + r.IntN(5)
		}
		c.discount = max(0.86, min(1.0, 1.0-0.03*math.Log(c.w)-0.04*r.Float64()))

		// Archive fields.
		c.rel = relationship(r, c)
		switch lw := math.Log(c.w) + 0.5*r.NormFloat64(); {
		case lw > 0.8:
			c.grade = "A"
		case lw > -0.6:
			c.grade = "B"
		default:
			c.grade = "C"
		}
		if !c.prospect && c.industry >= 2 {
			switch u := r.Float64(); {
			case u < 0.13:
				c.dealer = "EXCLUSIVE"
			case u < 0.20:
				c.dealer = "LOGISTICS"
			}
		}
		c.biz = businessType(r, c)
		if c.biz == "RETAILER" || c.industry == 5 {
			c.cashShare = 0.15
		} else {
			c.cashShare = 0.03
		}
		if c.existing && r.Float64() < 0.6 {
			c.hasFirstTrade = true
			c.firstTrade = g.start - 60 - day(r.IntN(4000))
		} else if !c.existing && !c.prospect && r.Float64() < 0.5 {
			c.firstTradeIsShip = true
		}
		earliest := c.salesFrom
		if c.prospect {
			earliest = g.end
		}
		if c.hasFirstTrade {
			earliest = c.firstTrade
		}
		switch u := r.Float64(); {
		case u < 0.05:
			// founding date unknown
		case !c.existing && u < 0.3:
			c.hasFounded = true
			c.founded = earliest - 30 - day(r.IntN(400))
		default:
			years := min(40, math.Exp(2.1+0.6*r.NormFloat64()))
			c.hasFounded = true
			c.founded = earliest - day(years*365) - day(r.IntN(365))
		}
		c.capital = -1
		if r.Float64() >= 0.05 {
			caps := []int64{100000, 300000, 500000, 1000000, 2000000, 3000000, 5000000, 8000000,
				10000000, 20000000, 50000000, 100000000}
			k := int(math.Round(3 + 1.2*math.Log(c.w) + 1.3*r.NormFloat64()))
			c.capital = caps[max(0, min(len(caps)-1, k))]
		}
		c.employees = -1
		if r.Float64() >= 0.08 {
			c.employees = max(2, int(math.Round(40*math.Pow(c.w, 0.3)*math.Exp(1.0*r.NormFloat64()))))
		}
		c.effective = 0.55 + 0.35*r.Float64()
		c.quality = 55 + 40*r.Float64()
		if c.payer == payerLate || c.payer == payerDefaulter {
			c.quality -= 12
		}
		c.stalled = !c.prospect && c.rel != "POTENTIAL" && r.Float64() < 0.025
		c.hasTargets = !c.prospect && (c.dealer != "" || r.Float64() < 0.85)
		g.makeBasket(r, c)
	}
	// The reports need a few of the rarer cases even in the small set.
	if !slices.ContainsFunc(g.customers, func(c customer) bool { return c.payer == payerDefaulter }) {
		for i := range g.customers {
			if c := &g.customers[i]; c.existing && c.salesTo == g.end && c.w > 1 {
				g.makeDefaulter(r, c)
				break
			}
		}
	}
	if !slices.ContainsFunc(g.customers, func(c customer) bool { return c.stalled }) {
		for i := range g.customers {
			if c := &g.customers[i]; !c.prospect && c.rel != "POTENTIAL" {
				c.stalled = true
				break
			}
		}
	}
	// Reps: about one for every 8–15 customers of an office.
	repNo := int64(0)
	for oi := range g.offices {
		o := &g.offices[oi]
		for range max(1, int(math.Round(float64(len(perOffice[oi]))/(8+7*r.Float64())))) {
			repNo++
			o.reps = append(o.reps, len(g.users))
			g.users = append(g.users, user{"rep" + string(appendPadded(nil, repNo, 3)), personName(r), "SALES_REP", oi})
		}
	}
	for oi := range g.offices {
		reps := g.offices[oi].reps
		for _, ci := range perOffice[oi] {
			g.customers[ci].rep = reps[r.IntN(len(reps))]
		}
	}
}

// makeDefaulter makes c a customer that stops paying: an old default (its
// demands stopped long ago, so the limitation deadline is near or past) or a
// recent one. Most are suspended; a third get a write-off.
func (g *generator) makeDefaulter(r *rand.Rand, c *customer) {
	c.payer = payerDefaulter
	if r.Float64() < 0.35 {
		c.stopPay = g.end - 800 - day(r.IntN(200))
		c.lastDemand = g.end - 640 - day(r.IntN(130))
	} else {
		c.stopPay = g.end - 180 - day(r.IntN(420))
		c.lastDemand = g.end - day(r.IntN(45))
	}
	c.salesTo = min(c.salesTo, c.stopPay+10+day(r.IntN(50)))
	c.writeOff = r.Float64() < 0.3
	if r.Float64() < 0.75 {
		c.status = "SUSPENDED"
	}
}

// relationship draws a relationship class (001 篇七 1.2): big customers are
// KEY, new ones often POTENTIAL.
func relationship(r *rand.Rand, c *customer) string {
	switch {
	case c.prospect:
		return "POTENTIAL"
	case c.w > 3.5 && r.Float64() < 0.8:
		return "KEY"
	case !c.existing && r.Float64() < 0.4:
		return "POTENTIAL"
	}
	switch u := r.Float64(); {
	case u < 0.25:
		return "TARGET"
	case u < 0.9:
		return "GENERAL"
	}
	return "POTENTIAL"
}

// businessType draws a business type; dealers are mostly distributors.
func businessType(r *rand.Rand, c *customer) string {
	u := r.Float64()
	if c.dealer != "" {
		switch {
		case u < 0.7:
			return "DISTRIBUTOR"
		case u < 0.85:
			return "INTERMEDIATE_WHOLESALER"
		}
		return "RETAILER"
	}
	if c.industry == 5 && u < 0.5 { // DIY shops are retailers
		return "RETAILER"
	}
	switch u = r.Float64(); {
	case u < 0.08:
		return "MANUFACTURER"
	case u < 0.40:
		return "DISTRIBUTOR"
	case u < 0.50:
		return "INTERMEDIATE_WHOLESALER"
	case u < 0.80:
		return "RETAILER"
	case u < 0.88:
		return "OTHER"
	}
	return ""
}

// makeBasket chooses the products a customer buys: popular products of the
// categories its industry favours; bigger customers buy a wider range.
func (g *generator) makeBasket(r *rand.Rand, c *customer) {
	np := len(g.products)
	k := max(6, min(int(6+7*math.Pow(c.w, 0.4)+4*r.Float64()), 60, np*6/10))
	w := make([]float64, np)
	for i, p := range g.products {
		w[i] = p.pop * industryCategory[c.industry][p.cat]
	}
	cum := cumulative(w)
	taken := make([]bool, np)
	c.basket = make([]int32, 0, k)
	for tries := 0; len(c.basket) < k && tries < 50*k; tries++ {
		i := pick(r, cum)
		if !taken[i] {
			taken[i] = true
			c.basket = append(c.basket, int32(i))
		}
	}
	slices.Sort(c.basket)
	bw := make([]float64, len(c.basket))
	for i, p := range c.basket {
		bw[i] = g.products[p].pop * (0.3 + 1.4*r.Float64())
	}
	c.basketCum = cumulative(bw)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
