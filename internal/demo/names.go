package demo

// The vocabulary the demo data set is built from: offices and their cities,
// the words of company and person names, the product catalogue's templates,
// banks. Slices only, never maps, so that nothing depends on map order.

// officeDef is one sales office (办事处) and the cities its customers are in.
type officeDef struct {
	code, name string
	weight     float64 // share of customers, relative
	cities     []string
}

// officeDefs lists the offices in the order they are opened: small uses the
// first 8, medium the first 10, large all 12.
var officeDefs = []officeDef{
	{"BJ", "北京办事处", 1.6, []string{"北京", "天津", "石家庄", "保定", "唐山"}},
	{"SH", "上海办事处", 1.6, []string{"上海", "苏州", "无锡", "南通"}},
	{"GZ", "广州办事处", 1.5, []string{"广州", "深圳", "东莞", "佛山", "珠海"}},
	{"CD", "成都办事处", 1.0, []string{"成都", "绵阳", "昆明", "贵阳"}},
	{"WH", "武汉办事处", 1.0, []string{"武汉", "宜昌", "襄阳", "南昌"}},
	{"XA", "西安办事处", 0.8, []string{"西安", "兰州", "银川", "宝鸡"}},
	{"NJ", "南京办事处", 1.0, []string{"南京", "合肥", "徐州", "常州"}},
	{"SY", "沈阳办事处", 0.8, []string{"沈阳", "大连", "长春", "哈尔滨"}},
	{"HZ", "杭州办事处", 1.1, []string{"杭州", "宁波", "温州", "绍兴"}},
	{"CQ", "重庆办事处", 0.9, []string{"重庆", "万州", "涪陵"}},
	{"ZZ", "郑州办事处", 0.9, []string{"郑州", "洛阳", "济南", "青岛"}},
	{"CS", "长沙办事处", 0.8, []string{"长沙", "株洲", "湘潭", "衡阳"}},
}

// tradeChars are combined in pairs into trade names (字号) such as 宏达, 鑫盛.
var tradeChars = []rune("宏达鑫盛华兴恒泰隆昌丰源佳利通顺德福瑞祥金建新博汇远东安正明海天诚信永益嘉宇腾辉航凯旭伟立志成荣光晟万宝鼎祺润森")

// industryNames are the seven industry categories (DOMAIN.md §1), with the
// share of customers in each and the suffixes their company names take.
var industryNames = []struct {
	code     string
	weight   float64
	suffixes []string
}{
	{"INTL_PARTS_DISTRIBUTOR", 5, []string{"进出口有限公司", "机电进出口有限公司", "国际贸易有限公司"}},
	{"INTL_GOODS_MERCHANT", 5, []string{"国际贸易有限公司", "进出口贸易有限公司", "国际商贸有限公司"}},
	{"REGIONAL_ELECTRICAL", 30, []string{"电气有限公司", "电器商行", "机电设备有限公司", "电气设备经营部", "电工器材有限公司"}},
	{"REGIONAL_SPECIALTY", 15, []string{"灯饰有限公司", "照明电器有限公司", "开关专营店", "电工专营店"}},
	{"REGIONAL_VOLUME", 20, []string{"建材有限公司", "贸易有限公司", "五金机电批发部", "电线电缆经营部"}},
	{"REGIONAL_DIY", 15, []string{"五金商行", "家居建材超市", "五金店", "装饰材料有限公司"}},
	{"OTHER", 10, []string{"实业有限公司", "工程有限公司", "装饰工程有限公司", "物业管理有限公司"}},
}

// surnames and givenChars make people's names (rep, manager, GM).
var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤")

var givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉力明亮晓红燕玲斌鹏飞宇浩凯俊峰琳雪梅丹婷慧颖鑫波宁欣佳")

// banks name the banks of notes receivable (a branch in the customer's city
// is appended).
var banks = []string{"中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "交通银行", "招商银行",
	"浦发银行", "中信银行", "兴业银行", "民生银行", "平安银行", "光大银行"}

// category is a product category and the share of the catalogue it takes.
type category struct {
	name   string
	weight float64
	value  float64 // how large a typical order line of it is, relative
	items  []item
}

// item is a product template: a base name and the unit cost range in yuan.
type item struct {
	name   string
	lo, hi float64
}

var categories = []category{
	{"开关", 14, 0.7, []item{
		{"一开单控开关", 3, 9}, {"一开双控开关", 4, 11}, {"二开单控开关", 5, 13}, {"二开双控开关", 6, 15},
		{"三开单控开关", 7, 18}, {"四开单控开关", 9, 24}, {"门铃开关", 5, 12}, {"调光开关", 25, 60},
		{"触摸延时开关", 18, 45}, {"防水开关", 8, 20}, {"插卡取电开关", 30, 80},
	}},
	{"插座", 14, 0.7, []item{
		{"五孔插座", 4, 12}, {"三孔16A空调插座", 6, 15}, {"USB五孔插座", 22, 55}, {"带开关五孔插座", 8, 18},
		{"地面插座", 35, 90}, {"防溅插座", 10, 25}, {"电视插座", 8, 18}, {"网络插座", 10, 25},
		{"移动插排6位", 18, 45}, {"工业插座", 20, 60},
	}},
	{"照明", 16, 1.0, []item{
		{"LED筒灯3W", 6, 14}, {"LED筒灯5W", 8, 18}, {"LED射灯7W", 12, 28}, {"LED面板灯600×600", 45, 110},
		{"LED吸顶灯24W", 35, 90}, {"LED灯管T8 1.2米", 6, 15}, {"LED球泡9W", 3, 8}, {"LED灯带5米", 20, 55},
		{"工矿灯100W", 120, 320}, {"路灯头60W", 150, 380}, {"应急照明灯", 25, 60}, {"消防疏散指示灯", 20, 50},
	}},
	{"电线电缆", 12, 2.2, []item{
		{"BV1.5平方单芯铜线(100米)", 90, 130}, {"BV2.5平方单芯铜线(100米)", 140, 200}, {"BV4平方单芯铜线(100米)", 220, 320},
		{"BV6平方单芯铜线(100米)", 330, 460}, {"BVR2.5平方多股软线(100米)", 150, 220}, {"RVV3×1.5护套线(100米)", 260, 380},
		{"RVV3×2.5护套线(100米)", 400, 560}, {"YJV3×10电力电缆(米)", 40, 65}, {"YJV4×25电力电缆(米)", 110, 170},
		{"超五类网线(305米)", 180, 320}, {"六类网线(305米)", 280, 480},
	}},
	{"断路器", 12, 1.1, []item{
		{"小型断路器1P 16A", 8, 18}, {"小型断路器1P 32A", 9, 20}, {"小型断路器2P 63A", 25, 55},
		{"漏电保护器2P 40A", 35, 80}, {"漏电保护器4P 63A", 90, 190}, {"塑壳断路器3P 100A", 150, 320},
		{"塑壳断路器3P 250A", 380, 800}, {"隔离开关", 30, 70}, {"双电源自动转换开关", 600, 1500}, {"浪涌保护器", 60, 160},
	}},
	{"配电箱", 8, 1.6, []item{
		{"家用强电箱12回路", 55, 110}, {"家用强电箱20回路", 80, 160}, {"弱电箱", 60, 140}, {"照明配电箱", 280, 650},
		{"动力配电箱", 600, 1600}, {"防水配电箱", 150, 380}, {"不锈钢配电箱", 400, 900}, {"低压成套开关柜", 4000, 12000},
	}},
	{"线管线槽", 9, 0.9, []item{
		{"PVC电工穿线管Φ16(3.8米)", 2, 5}, {"PVC电工穿线管Φ20(3.8米)", 3, 7}, {"PVC线槽39×19(2米)", 4, 9},
		{"金属桥架100×50(2米)", 45, 95}, {"波纹管Φ25(50米)", 25, 55}, {"86型暗装线盒", 1, 3},
	}},
	{"工具", 8, 0.5, []item{
		{"数显测电笔", 6, 15}, {"剥线钳", 15, 38}, {"电工胶布(10卷)", 8, 18}, {"数字万用表", 45, 160},
		{"手电钻", 120, 300}, {"冲击钻", 200, 480}, {"绝缘手套", 20, 50}, {"压线钳", 30, 85},
		{"电工工具套装", 80, 260}, {"尼龙扎带(1000条)", 10, 25},
	}},
	{"智能家居", 7, 0.8, []item{
		{"智能开关", 45, 120}, {"智能插座", 30, 80}, {"智能网关", 90, 220}, {"人体传感器", 35, 90},
		{"智能门锁", 500, 1300}, {"智能窗帘电机", 250, 600},
	}},
}

// variants tell product variants apart (series, colour, grade) and scale the
// cost of the base item.
var variants = []struct {
	name string
	cost float64
}{
	{"", 1}, {"(雅白)", 1}, {"(星空灰)", 1.1}, {"(香槟金)", 1.2}, {"(经济型)", 0.8}, {"(工程型)", 1.3},
	{"(精品系列)", 1.35}, {"(国标加厚)", 1.15}, {"(出口型)", 1.25}, {"(简约系列)", 0.95},
}

// industryCategory weights the product categories each industry buys, in the
// order of categories (开关, 插座, 照明, 电线电缆, 断路器, 配电箱, 线管线槽, 工具, 智能家居).
var industryCategory = [][]float64{
	{1.0, 1.0, 1.2, 0.8, 1.2, 0.8, 0.6, 1.0, 1.0}, // INTL_PARTS_DISTRIBUTOR
	{1.2, 1.2, 1.4, 0.4, 0.6, 0.3, 0.4, 1.4, 1.4}, // INTL_GOODS_MERCHANT
	{1.0, 1.0, 1.0, 1.2, 1.4, 1.2, 1.0, 0.8, 0.8}, // REGIONAL_ELECTRICAL
	{1.4, 1.2, 2.0, 0.3, 0.6, 0.4, 0.4, 0.4, 1.6}, // REGIONAL_SPECIALTY
	{0.8, 0.8, 0.8, 2.0, 1.2, 1.2, 1.6, 0.6, 0.3}, // REGIONAL_VOLUME
	{1.4, 1.4, 1.0, 0.6, 0.6, 0.4, 0.8, 2.0, 1.2}, // REGIONAL_DIY
	{1.0, 1.0, 1.0, 1.2, 1.0, 1.4, 1.2, 0.8, 0.6}, // OTHER
}

// seasonal is the demand of each calendar month relative to the average
// month: low around the Spring Festival (February), peaks in spring and in
// September–November. The twelve factors average 1.
var seasonal = [12]float64{0.95, 0.55, 1.10, 1.15, 1.10, 1.00, 0.90, 0.88, 1.12, 1.15, 1.20, 0.90}
